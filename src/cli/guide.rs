//! `jixiao guide`: the data-format guide (`data/FORMAT.md`), built into
//! the binary, since an installed jixiao has no source tree beside it and
//! the hints of its messages point to this guide.

use std::process::ExitCode;

/// The guide, as in the source tree.
pub(crate) const GUIDE: &str = include_str!("../../data/FORMAT.md");

/// Runs `jixiao guide`.
pub fn run() -> ExitCode {
    crate::report::stdio::out(GUIDE);
    ExitCode::SUCCESS
}
