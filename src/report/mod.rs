//! Reporting: the one diagnostics path for every error source, Chinese
//! wording of parser messages, data text shown safely, quiet output.

pub mod diag;
pub(crate) mod escape;
pub(crate) mod stdio;
pub(crate) mod translate;
