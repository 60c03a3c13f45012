//! Compare stage: what changed between two versions (data, pages) and the
//! stable text forms of data files and PDFs for `git diff`.

pub mod diff;
pub(crate) mod textconv;
pub(crate) mod visual;
