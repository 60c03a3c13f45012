//! `jixiao diff`: what changed between two versions of a document, as a
//! report (text, Markdown, JSON), as pictures of pages (`--pages`), or as
//! one HTML page holding both (`--format html`).

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Args, ValueEnum};

use super::CommonArgs;
use super::output::{Inputs, Plan, Sink};
use crate::compare::diff::{self, report};
use crate::compare::visual;
use crate::input::form::Registry;
use crate::input::load::{self, DocFiles};
use crate::input::revision::{self, Side};
use crate::pipeline::Prepared;
use crate::pipeline::{self, Root};
use crate::report::diag::{Diagnostic, Result, SourceMap};
use crate::report::stdio::{errln, outp, status};
use crate::typeset::export::write_atomic;

/// Arguments of `jixiao diff`.
#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The old version: a document folder or a git revision (HEAD~1, a tag, a commit).
    pub old: String,
    /// The new version: a document folder or a git revision.
    pub new: String,
    /// The document folder, when both versions are git revisions.
    pub dir: Option<PathBuf>,
    /// Report format.
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
    /// Compare the typeset pages instead of the data.
    #[arg(long)]
    pub pages: bool,
    /// With --pages: a .pdf file, or a folder for PNG files; with --format html: the .html file.
    #[arg(short, long, value_name = "FILE|DIR")]
    pub output: Option<PathBuf>,
    /// Shared options.
    #[command(flatten)]
    pub common: CommonArgs,
}

/// A report format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Text for the terminal.
    Text,
    /// JSON for programs.
    Json,
    /// Markdown for a review comment.
    Markdown,
    /// One self-contained HTML page: the changes and the changed pages side by side.
    Html,
}

/// Runs `jixiao diff`: exit 0 when equal, 1 when different, 2 on error.
pub fn run(args: &DiffArgs) -> ExitCode {
    let sources = SourceMap::default();
    let outcome = match misused_options(args) {
        Some(message) => Err(Diagnostic::error(message).into()),
        None if args.pages => pages(args, &sources),
        None if args.format == Format::Html => html(args, &sources),
        None => data(args, &sources),
    };
    match outcome {
        Ok(false) => ExitCode::SUCCESS,
        Ok(true) => ExitCode::from(1),
        Err(diags) => {
            sources.print(&diags.0);
            errln!("比较失败");
            ExitCode::from(2)
        }
    }
}

/// Why the options given do not go together, if they do not.
fn misused_options(args: &DiffArgs) -> Option<&'static str> {
    if args.pages && args.format == Format::Html {
        return Some("--pages 与 --format html 不能同时使用：HTML 报告已含各变化页的新旧对比图");
    }
    let writes_file = args.pages || args.format == Format::Html;
    (args.output.is_some() && !writes_file)
        .then_some("-o 只用于 --pages 或 --format html；文字、JSON 和 Markdown 报告打印在屏幕上，可用 > 文件名 保存")
}

/// A side made loadable: its label and its files, on disk or (for a git
/// revision) in memory.
struct Opened {
    label: String,
    files: DocFiles,
}

fn open(side: &Side) -> Result<Opened> {
    let label = side.label();
    let files = match side {
        Side::Dir(dir) => DocFiles::open(dir)?,
        Side::Rev { rev, dir } => DocFiles::Memory(Arc::new(revision::read(dir, rev, &label)?)),
    };
    Ok(Opened { label, files })
}

fn open_both(args: &DiffArgs) -> Result<([Side; 2], Opened, Opened)> {
    let (old, new) = revision::resolve(&args.old, &args.new, args.dir.as_deref())?;
    let opened = (open(&old)?, open(&new)?);
    Ok(([old, new], opened.0, opened.1))
}

/// Compares the data and prints the report; `Ok(true)` when different.
fn data(args: &DiffArgs, sources: &SourceMap) -> Result<bool> {
    let (sides, old, new) = open_both(args)?;
    let options = args.common.options();
    let (a, b) = (
        load_side(&sides[0], &old, &options, sources),
        load_side(&sides[1], &new, &options, sources),
    );
    let (a, b) = match (a, b) {
        (Ok(a), Ok(b)) => {
            // Files left out of either side (and why) are worth knowing.
            sources.print(&a.warnings);
            sources.print(&b.warnings);
            (a, b)
        }
        (a, b) => {
            let mut all = a.err().unwrap_or_default();
            all.0.extend(b.err().unwrap_or_default().0);
            return Err(all);
        }
    };
    let changes = diff::compare(&a.document, &b.document);
    let text = match args.format {
        Format::Json => report::json(&changes, &old.label, &new.label),
        Format::Markdown => {
            report::human(&changes, &old.label, &new.label, report::Painter::Markdown)
        }
        Format::Text => report::human(&changes, &old.label, &new.label, painter()),
        Format::Html => unreachable!("run() sends --format html to html()"),
    };
    outp!("{text}");
    Ok(!changes.is_empty())
}

/// Loads one side with its own forms; a side whose forms do not load
/// reports their errors instead.
fn load_side(
    side: &Side,
    opened: &Opened,
    options: &pipeline::Options,
    sources: &SourceMap,
) -> Result<load::Loaded> {
    let forms = forms_of(side, options, sources)?;
    load::load_files(&opened.files, &forms, sources)
}

/// The forms a side is read with: those of the project root holding a
/// folder; for a revision, those the root had at that revision (read into
/// memory), unless the root lies outside the folder's repository.
fn forms_of(side: &Side, options: &pipeline::Options, sources: &SourceMap) -> Result<Registry> {
    let root = Root::find(side.dir(), options.root.as_deref())?;
    let Side::Rev { rev, dir } = side else {
        return root.forms(sources);
    };
    match revision::read_forms(dir, &root.dir, rev)? {
        None => root.forms(sources),
        Some(found) => {
            sources.print(&found.notes);
            Registry::from_files(&found.label, found.files, sources)
        }
    }
}

/// Marks for changed characters: colour as `--color` and `NO_COLOR` say.
fn painter() -> report::Painter {
    if crate::report::stdio::colored(crate::report::stdio::Stream::Out) {
        report::Painter::Ansi
    } else {
        report::Painter::Plain
    }
}

/// Refuses a comparison written into a compared folder, the templates or
/// the fonts (a PNG folder output also removes the PNGs it finds there).
fn refuse_output_on_inputs(
    out: &Path,
    sides: &[Side; 2],
    root: &Root,
    options: &pipeline::Options,
) -> Result<()> {
    let mut folders = options.font_dirs.clone();
    folders.extend(root.templates().into_iter().chain(root.fonts()));
    folders.extend(sides.iter().filter_map(|side| match side {
        Side::Dir(dir) => Some(dir.clone()),
        Side::Rev { .. } => None,
    }));
    let plan = Plan {
        pdf: Some(Sink::File(out.to_path_buf())),
        typ: None,
    };
    Inputs::new(&folders, &[]).check(&plan)
}

/// Both versions ready to typeset (the output checked against the
/// inputs first), each with its label.
fn prepare_both(args: &DiffArgs, sources: &SourceMap) -> Result<[(String, Prepared); 2]> {
    let (sides, old, new) = open_both(args)?;
    let mut options = args.common.options();
    let forms = [
        forms_of(&sides[0], &options, sources)?,
        forms_of(&sides[1], &options, sources)?,
    ];
    // A revision is read into memory: take the templates and fonts from
    // the project that holds the working folder.
    let root = Root::find(sides[1].dir(), options.root.as_deref())?;
    options.root = Some(root.dir.clone());
    if let Some(out) = &args.output {
        refuse_output_on_inputs(out, &sides, &root, &options)?;
    }
    let a = pipeline::prepare_files(&old.files, Some(&forms[0]), &options, sources, None)?;
    let b = pipeline::prepare_files(&new.files, Some(&forms[1]), &options, sources, None)?;
    Ok([(old.label, a), (new.label, b)])
}

/// Compares the typeset pages; `Ok(true)` when any page differs.
fn pages(args: &DiffArgs, sources: &SourceMap) -> Result<bool> {
    let [(_, a), (_, b)] = prepare_both(args, sources)?;
    let compared = visual::compare(&a, &b, sources)?;
    outp!("{}", compared.summary());
    match &args.output {
        // Nothing changed: write nothing rather than an empty comparison.
        Some(out) if !compared.changed() => {
            status!("各页均无变化，未写入 {}", out.display());
        }
        Some(out) => {
            let written = compared.write(out, &b, sources)?;
            status!("已生成 {}", written.display());
        }
        None => {}
    }
    Ok(compared.changed())
}

/// Writes the HTML report (the data changes, then each changed page old |
/// new) to `-o` or standard output; `Ok(true)` when anything differs.
fn html(args: &DiffArgs, sources: &SourceMap) -> Result<bool> {
    let [(old_label, a), (new_label, b)] = prepare_both(args, sources)?;
    sources.print(&a.loaded.warnings);
    sources.print(&b.loaded.warnings);
    let changes = diff::compare(&a.loaded.document, &b.loaded.document);
    let old = a.typeset(Path::new("旧版本.typ"), sources)?.document;
    let new = b.typeset(Path::new("新版本.typ"), sources)?.document;
    let compared = visual::compare_documents(old, new);
    let images: Vec<visual::PageImage> = compared.images().collect();
    let page = diff::html::html_report(&changes, &old_label, &new_label, &images, |n| {
        compared.page_label(n)
    });
    match &args.output {
        Some(out) => {
            write_atomic(out, page.as_bytes())?;
            status!("已生成 {}", out.display());
        }
        None => outp!("{page}"),
    }
    Ok(!changes.is_empty() || compared.changed())
}
