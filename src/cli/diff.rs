//! `jixiao diff`: what changed between two versions of a document, as a
//! report (text, Markdown, JSON) or, with `--pages`, as pictures of pages.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Args, ValueEnum};

use super::CommonArgs;
use super::output::{Inputs, Plan, Sink};
use typst_layout::PagedDocument;

use crate::compare::diff::pages::{self, PageIndex};
use crate::compare::diff::{self, checks, report};
use crate::input::form::Registry;
use crate::input::load::{self, DocFiles};
use crate::input::model::Document;
use crate::input::place::{FileRef, Place};
use crate::input::revision::{self, Side};
use crate::pipeline::{self, Root};
use crate::report::diag::{Diagnostic, Result, SourceMap};
use crate::report::stdio::{errln, outp, status};

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
    /// Do not report reordered rows, goals, measures or tables as changes.
    #[arg(long)]
    pub ignore_order: bool,
    /// With --pages: a .pdf file, or a folder for PNG files.
    #[arg(short, long, value_name = "FILE|DIR", requires = "pages")]
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
}

/// Runs `jixiao diff`: exit 0 when equal, 1 when different, 2 on error.
pub fn run(args: &DiffArgs) -> ExitCode {
    let sources = SourceMap::default();
    let outcome = if args.pages {
        pages(args, &sources)
    } else {
        data(args, &sources)
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
    let opts = diff::Options {
        ignore_order: args.ignore_order,
    };
    let mut changes = diff::compare(&a.document, &b.document, opts);
    let typeset = [
        typeset_side(&sides, 0, &old, &options, sources),
        typeset_side(&sides, 1, &new, &options, sources),
    ];
    changes.checks = check_changes([&a, &b], &typeset, sources);
    let index = |i: usize| typeset[i].as_ref().map(|t| PageIndex::new(&t.1, i == 0));
    let (oi, ni) = (index(0), index(1));
    pages::locate(
        &mut changes,
        ni.as_ref().map(|i| (&b.document, i)),
        oi.as_ref().map(|i| (&a.document, i)),
    );
    let text = match args.format {
        Format::Json => report::json(&changes, &old.label, &new.label),
        Format::Markdown => {
            report::human(&changes, &old.label, &new.label, report::Painter::Markdown)
        }
        Format::Text => report::human(&changes, &old.label, &new.label, painter()),
    };
    outp!("{text}");
    Ok(!changes.is_empty())
}

/// A side typeset: its rule findings and pages; `None` (after a note on
/// standard error) when it cannot be typeset, so the report has no pages.
fn typeset_side(
    sides: &[Side; 2],
    i: usize,
    opened: &Opened,
    options: &pipeline::Options,
    sources: &SourceMap,
) -> Option<(Vec<Diagnostic>, PagedDocument)> {
    let attempt = || -> Result<(Vec<Diagnostic>, PagedDocument)> {
        let forms = forms_of(&sides[i], options, sources)?;
        let mut options = options.clone();
        // A revision is read into memory: take the templates and fonts from
        // the project that holds the working folder.
        options.root = Some(Root::find(sides[1].dir(), options.root.as_deref())?.dir);
        let prepared =
            pipeline::prepare_files(&opened.files, Some(&forms), &options, sources, None)?;
        let name = if i == 0 {
            "旧版本.typ"
        } else {
            "新版本.typ"
        };
        let typeset = prepared.typeset(Path::new(name), sources)?;
        Ok((prepared.report, typeset.document))
    };
    match attempt() {
        Ok(done) => Some(done),
        Err(diags) => {
            let errors: Vec<Diagnostic> =
                diags.0.into_iter().filter(Diagnostic::is_error).collect();
            sources.print(&errors);
            errln!(
                "注：{} 无法排版，报告不标页码，也不比较检查结果",
                opened.label
            );
            None
        }
    }
}

/// What `check` finds in one version and not the other, when both were
/// typeset (their findings include the font and cell checks).
fn check_changes(
    loaded: [&load::Loaded; 2],
    typeset: &[Option<(Vec<Diagnostic>, PagedDocument)>; 2],
    _sources: &SourceMap,
) -> diff::CheckChanges {
    let (Some(a), Some(b)) = (&typeset[0], &typeset[1]) else {
        return diff::CheckChanges::default();
    };
    let (na, nb) = (
        |p: &Place| place_name(&loaded[0].document, p),
        |p: &Place| place_name(&loaded[1].document, p),
    );
    checks::compare(
        checks::Found {
            diags: &a.0,
            place: &na,
        },
        checks::Found {
            diags: &b.0,
            place: &nb,
        },
    )
}

/// A finding's place for the reader: the table's code and name (or
/// document.toml) and the key.
fn place_name(doc: &Document, place: &Place) -> String {
    let file = match place.file {
        FileRef::Document => "document.toml".to_string(),
        FileRef::Project(n) => doc
            .projects
            .get(n)
            .map_or(String::new(), |p| format!("{} {}", p.code(), p.name())),
    };
    format!("{file} {place}").trim().to_string()
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

/// Compares the typeset pages; `Ok(true)` when any page differs.
fn pages(args: &DiffArgs, sources: &SourceMap) -> Result<bool> {
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
    let compared = crate::compare::visual::compare(&a, &b, sources)?;
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
