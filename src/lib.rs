//! jixiao turns a department's TOML data into the formal PDF 部门预算绩效文本.
//!
//! The folders follow the pipeline: [`input`] reads the data by its
//! table forms (model, forms, loading, git revisions), [`rules`] checks it,
//! [`typeset`] renders it with Tera and Typst into a PDF, [`compare`] diffs
//! versions and gives git its text forms; [`excel`] writes and reads
//! workbooks; [`pipeline`] chains the stages
//! (one build path for every command) and `limits` bounds its time and
//! memory, [`session`] and [`watch`] rebuild,
//! `batch` finds the documents of a folder tree and sums them up,
//! [`report`] is the one diagnostics path, and [`cli`] holds one file per
//! subcommand.

pub(crate) mod batch;
pub mod cli;
pub mod compare;
pub mod excel;
pub mod input;
pub(crate) mod limits;
pub mod pipeline;
pub mod report;
pub mod rules;
pub mod session;
pub mod typeset;
pub(crate) mod watch;
