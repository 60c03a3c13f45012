//! `jixiao check`: every problem of a document folder at once, as text for
//! people or JSON for tools, without writing any output.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use serde::Serialize;

use super::CommonArgs;
use super::batch::{self, SummaryFormat};
use crate::batch::discover::Tree;
use crate::pipeline::{self, Prepared};
use crate::report::diag::{self, Diagnostic, Diagnostics, Record, SourceMap};
use crate::report::stdio::{outp, status};

/// Arguments of `jixiao check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The document folder (holding document.toml and projects/), or a
    /// folder of document folders (at any depth) to check them all.
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
    /// A Markdown summary table on standard output (batch only).
    Markdown,
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
    if let Some(code) = super::bad_shared_options(&args.common) {
        return code;
    }
    if let Some(found) = batch::find(&args.dir) {
        return found.map_or_else(|code| code, |tree| run_batch(args, &tree));
    }
    if args.format == Format::Markdown {
        return super::usage_error(
            "--format markdown 只用于批量检查：请给出包含多个文档文件夹的文件夹",
        );
    }
    let sources = SourceMap::default();
    let diags = check(args, &sources).unwrap_or_else(|d| d.0);
    let (errors, warnings, notes) = diag::counts(&diags);
    match args.format {
        Format::Text => {
            sources.print(&diags);
            status!("检查完成：{errors} 个错误，{warnings} 个警告，{notes} 个提示");
        }
        Format::Json | Format::Markdown => {
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

/// Checks every document below a batch folder, and across them.
fn run_batch(args: &CheckArgs, tree: &Tree) -> ExitCode {
    let format = match args.format {
        Format::Text => SummaryFormat::Text,
        Format::Json => SummaryFormat::Json,
        Format::Markdown => SummaryFormat::Markdown,
    };
    let mode = batch::Mode::Check {
        deny_warnings: args.deny_warnings,
    };
    let req = batch::Request {
        dir: &args.dir,
        common: &args.common,
        standards: &[],
        mode,
        format,
    };
    batch::run(&req, tree)
}

/// Everything `build` does short of writing: load, rules, render, compile.
fn check(args: &CheckArgs, sources: &SourceMap) -> Result<Vec<Diagnostic>, Diagnostics> {
    let prepared = pipeline::prepare(&args.dir, &args.common.options(), sources)?;
    Ok(typeset_findings(&prepared, sources).0)
}

/// The rules' findings, then Typst's, of a prepared document (rule errors
/// do not stop a check: Typst's findings are reported too); and its page
/// count when it typeset.
pub(super) fn typeset_findings(
    prepared: &Prepared,
    sources: &SourceMap,
) -> (Vec<Diagnostic>, Option<usize>) {
    let main_path = prepared
        .root
        .default_output(&prepared.loaded.dir)
        .with_extension("typ");
    match prepared.typeset(&main_path, sources) {
        Ok(typeset) => {
            let pages = typeset.document.pages().len();
            (typeset.warnings, Some(pages))
        }
        Err(errors) => ([prepared.report.clone(), errors.0].concat(), None),
    }
}
