//! `jixiao check`: every problem of a document folder at once, as text for
//! people or JSON for tools, without writing any output.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use serde::Serialize;

use super::CommonArgs;
use crate::pipeline;
use crate::report::diag::{self, Diagnostic, Diagnostics, Record, SourceMap};
use crate::report::stdio::{outp, status};

/// Arguments of `jixiao check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The document folder (holding document.toml and projects/).
    pub dir: PathBuf,
    /// Fail (exit 1) on warnings too, not only on errors.
    #[arg(long)]
    pub deny_warnings: bool,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
    /// Shared options.
    #[command(flatten)]
    pub common: CommonArgs,
}

/// How `check` reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Located messages with source lines, on standard error.
    Text,
    /// One JSON object on standard output.
    Json,
}

/// The JSON document `check --format json` prints.
#[derive(Debug, Serialize)]
struct Report {
    errors: usize,
    warnings: usize,
    notes: usize,
    diagnostics: Vec<Record>,
}

/// Runs `jixiao check`.
pub fn run(args: &CheckArgs) -> ExitCode {
    if let Some(code) = super::missing_dir(&args.dir) {
        return code;
    }
    let sources = SourceMap::default();
    let diags = check(args, &sources).unwrap_or_else(|d| d.0);
    let (errors, warnings, notes) = diag::counts(&diags);
    match args.format {
        Format::Text => {
            sources.print(&diags);
            status!("检查完成：{errors} 个错误，{warnings} 个警告，{notes} 个提示");
        }
        Format::Json => {
            let report = Report {
                errors,
                warnings,
                notes,
                diagnostics: sources.records(&diags),
            };
            let json = serde_json::to_string_pretty(&report).expect("report serialises");
            outp!(
                "{}
",
                crate::report::escape::json(&json)
            );
        }
    }
    let failed = errors > 0 || (args.deny_warnings && warnings > 0);
    ExitCode::from(u8::from(failed))
}

/// Everything `build` does short of writing: load, rules, render, compile.
fn check(args: &CheckArgs, sources: &SourceMap) -> Result<Vec<Diagnostic>, Diagnostics> {
    let prepared = pipeline::prepare(&args.dir, &args.common.options(), sources)?;
    let main_path = prepared
        .root
        .default_output(&prepared.loaded.dir)
        .with_extension("typ");
    // Rule errors do not stop a check: Typst's findings are reported too.
    match prepared.typeset(&main_path, sources) {
        Ok(typeset) => Ok(typeset.warnings),
        Err(errors) => Ok([prepared.report, errors.0].concat()),
    }
}
