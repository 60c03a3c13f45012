//! Command-line interface: argument definitions and dispatch to one module
//! per subcommand.

mod batch;
mod build;
mod check;
mod completions;
mod diff;
mod export;
mod forms;
mod guide;
mod import;
mod new;
mod output;
mod rules;
mod schema;
mod templates;
mod textconv;
mod usage;
mod watch;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};

use crate::pipeline::Options;
use crate::report::stdio::Color;

/// 部门预算绩效文本生成工具：TOML 数据 → PDF。
#[derive(Debug, Parser)]
#[command(name = "jixiao", version, about)]
pub struct Cli {
    /// The subcommand to run.
    #[command(subcommand)]
    pub command: Command,
    /// Colour: auto (on a terminal, unless NO_COLOR is set), always, never.
    #[arg(long, value_enum, default_value = "auto", global = true)]
    pub color: ColorArg,
    /// Print errors only: no warnings, notes or status lines.
    #[arg(short, long, global = true)]
    pub quiet: bool,
}

/// The values of `--color`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorArg {
    /// On a terminal, unless the NO_COLOR variable is set.
    Auto,
    /// Always, also into a pipe or file.
    Always,
    /// Never.
    Never,
}

impl From<ColorArg> for Color {
    fn from(arg: ColorArg) -> Self {
        match arg {
            ColorArg::Auto => Color::Auto,
            ColorArg::Always => Color::Always,
            ColorArg::Never => Color::Never,
        }
    }
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build a document folder into a PDF (生成 PDF).
    Build(build::BuildArgs),
    /// Check a document folder without writing anything (检查数据).
    Check(check::CheckArgs),
    /// List the domain rules and their codes (规则列表).
    Rules,
    /// Print the guide to the data files' keys and layout (数据文件写法), as data/FORMAT.md.
    Guide,
    /// List the table forms, or show one form's fields and columns (表样列表).
    Forms(forms::FormsArgs),
    /// List or export the built-in templates and forms (内置模板).
    Templates(templates::TemplatesArgs),
    /// Print the shell's tab-completion script (命令补全脚本), e.g. `jixiao completions bash`.
    Completions(completions::CompletionsArgs),
    /// Compare two versions of a document (比较两个版本).
    Diff(diff::DiffArgs),
    /// Print a data file or PDF as stable text, for `git diff` (供 git 比较的文本).
    Textconv(textconv::TextconvArgs),
    /// Start a document folder: from last year's, or a small commented one (新建文档).
    New(new::NewArgs),
    /// Print or write the JSON Schemas of the data files, for editors (数据文件的 JSON Schema).
    Schema(schema::SchemaArgs),
    /// Write a document folder from an Excel/WPS workbook (.xlsx, .xls, .ods) (从工作簿导入).
    Import(import::ImportArgs),
    /// Rebuild the PDF whenever the data, templates or fonts change (监视并自动重新生成).
    Watch(watch::WatchArgs),
    /// Write a document as an Excel workbook laid out like the printed tables (导出 Excel).
    Export(export::ExportArgs),
}

/// Options shared by every command that reads a document.
#[derive(Debug, Clone, Args)]
pub struct CommonArgs {
    /// Project folder whose templates/ and fonts/ add to the built-in ones (default: found above the document).
    #[arg(long, value_name = "DIR")]
    pub root: Option<PathBuf>,
    /// Also use fonts installed on this computer (e.g. 仿宋_GB2312).
    #[arg(long)]
    pub system_fonts: bool,
    /// Additional folder of font files (repeatable).
    #[arg(long = "font-path", value_name = "DIR")]
    pub font_paths: Vec<PathBuf>,
}

impl CommonArgs {
    /// The validated pipeline options.
    pub fn options(&self) -> Options {
        Options {
            root: self.root.clone(),
            system_fonts: self.system_fonts,
            font_dirs: self.font_paths.clone(),
            pdf_standards: Vec::new(),
        }
    }
}

/// Runs the command line and returns the process exit code.
pub fn main() -> ExitCode {
    crate::limits::cap_memory();
    // clap prints its help while parsing, and a usage error is printed
    // before `--color` is known: so it is looked up first.
    let args: Vec<String> = std::env::args_os()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let color = color_in_args(&args);
    let clap_color = match color {
        Some(ColorArg::Always) => clap::ColorChoice::Always,
        Some(ColorArg::Never) => clap::ColorChoice::Never,
        _ => clap::ColorChoice::Auto,
    };
    let parsed = Cli::command()
        .color(clap_color)
        .try_get_matches()
        .and_then(|m| Cli::from_arg_matches(&m));
    let cli = match parsed {
        Ok(cli) => cli,
        Err(e) => {
            crate::report::stdio::configure(color.unwrap_or(ColorArg::Auto).into(), false);
            return usage::fail(e, &args);
        }
    };
    crate::report::stdio::configure(cli.color.into(), cli.quiet);
    match cli.command {
        Command::Build(args) => build::run(&args),
        Command::Check(args) => check::run(&args),
        Command::Rules => rules::run(),
        Command::Guide => guide::run(),
        Command::Forms(args) => forms::run(&args),
        Command::Templates(args) => templates::run(&args),
        Command::Completions(args) => completions::run(&args),
        Command::Diff(args) => diff::run(&args),
        Command::Textconv(args) => textconv::run(&args),
        Command::Watch(args) => watch::run(&args),
        Command::New(args) => new::run(&args),
        Command::Schema(args) => schema::run(&args),
        Command::Export(args) => export::run(&args),
        Command::Import(args) => import::run(&args),
    }
}

/// Exit code 2 after printing a usage error.
fn usage_error(message: &str) -> ExitCode {
    crate::report::diag::SourceMap::default()
        .print(&[crate::report::diag::Diagnostic::error(message)]);
    ExitCode::from(2)
}

/// The last valid `--color VALUE` or `--color=VALUE` before a `--`.
fn color_in_args(args: &[String]) -> Option<ColorArg> {
    let args: Vec<&String> = args.iter().take_while(|a| *a != "--").collect();
    let mut found = None;
    for (i, arg) in args.iter().enumerate() {
        let value = match arg.strip_prefix("--color") {
            Some("") => args.get(i + 1).map(|s| s.as_str()),
            Some(rest) => rest.strip_prefix('='),
            None => None,
        };
        if let Some(v) = value.and_then(|v| ColorArg::from_str(v, false).ok()) {
            found = Some(v);
        }
    }
    found
}

/// Exit code 2 with a message when a shared option names what is not
/// there: a `--root` that is no folder, a `--font-path` that does not
/// exist or is a file. A usage error, checked once before any document
/// (else a batch repeats it for each of 80 documents).
fn bad_shared_options(common: &CommonArgs) -> Option<ExitCode> {
    let opts = common.options();
    let checked = (|| -> crate::report::diag::Result<()> {
        if let Some(root) = &opts.root {
            crate::pipeline::Root::find(root, Some(root))?;
        }
        // Only the missing folders: FontSet::load refuses them before
        // scanning anything, with its own message.
        for dir in opts.font_dirs.iter().filter(|d| !d.is_dir()) {
            crate::typeset::fonts::FontSet::load(&[dir.as_path()], false)?;
        }
        Ok(())
    })();
    let d = checked.err()?;
    crate::report::diag::SourceMap::default().print(&d.0);
    Some(ExitCode::from(2))
}

/// Exit code 2 with a message when the document folder does not exist.
fn missing_dir(dir: &std::path::Path) -> Option<ExitCode> {
    if dir.is_dir() {
        return None;
    }
    let why = if dir.exists() {
        "不是文件夹"
    } else {
        "不存在"
    };
    // Through the one printer, so --color, NO_COLOR and escaping hold.
    let shown = crate::report::diag::display_path(dir);
    let d = crate::report::diag::Diagnostic::error(format!("文档文件夹“{shown}”{why}"))
        .with_hint("请给出包含 document.toml 的文件夹，例如 data/2025/chengde-xinfang");
    crate::report::diag::SourceMap::default().print(&[d]);
    Some(ExitCode::from(2))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_color_choice_is_found_before_parsing() {
        let find =
            |line: &str| color_in_args(&line.split(' ').map(String::from).collect::<Vec<_>>());
        assert_eq!(
            find("jixiao --color never build --bogus"),
            Some(ColorArg::Never)
        );
        assert_eq!(
            find("jixiao build x --color=always"),
            Some(ColorArg::Always)
        );
        assert_eq!(find("jixiao build x"), None);
        assert_eq!(find("jixiao build x --color purple"), None);
        assert_eq!(find("jixiao build -- --color always"), None);
    }
}
