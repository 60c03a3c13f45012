//! Typeset stage: layout settings, the Tera view and templates, the Typst
//! world with its fonts, compiling, and writing the PDF and the OFD.

pub(crate) mod builtin;
pub(crate) mod compile;
pub(crate) mod export;
pub(crate) mod fonts;
pub(crate) mod ofd;
pub mod render;
pub mod style;
pub(crate) mod world;
