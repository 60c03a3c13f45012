//! Starting a document folder (`jixiao new`) and the JSON Schemas of the
//! data files that the files it writes point to.

pub(crate) mod schema;
