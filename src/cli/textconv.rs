//! `jixiao textconv`: a data file or PDF as stable text, for git's diff
//! driver (`git config diff.jixiao.textconv "jixiao textconv"`).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use crate::diag::SourceMap;

/// Arguments of `jixiao textconv`.
#[derive(Debug, Args)]
pub struct TextconvArgs {
    /// A document.toml, a project file or a PDF built by jixiao.
    pub file: PathBuf,
}

/// Runs `jixiao textconv`: prints the text form, or the error (exit 2).
pub fn run(args: &TextconvArgs) -> ExitCode {
    let sources = SourceMap::default();
    match crate::textconv::convert(&args.file, &sources) {
        Ok(text) => {
            // A closed pipe (git pager quit) is not an error worth a message.
            crate::stdio::out(&text);
            ExitCode::SUCCESS
        }
        Err(diags) => {
            sources.print(&diags.0);
            ExitCode::from(2)
        }
    }
}
