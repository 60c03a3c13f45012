//! Input stage: the data model, the table forms, and reading a document
//! (from a folder or a git revision) into them with every path confined.

pub(crate) mod confine;
pub(crate) mod docfiles;
pub mod form;
pub(crate) mod load;
pub(crate) mod locate;
pub mod model;
pub(crate) mod place;
pub(crate) mod revision;
pub(crate) mod scaffold;
pub mod stamp;
