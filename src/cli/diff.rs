//! `jixiao diff`: what changed between two versions of a document, as a
//! report (text, Markdown, JSON), as pictures of pages (`--pages`), or as
//! one HTML page holding both (`--format html`).

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Args, ValueEnum};

use super::CommonArgs;
use super::output::{Inputs, Plan, Sink};
use typst_layout::PagedDocument;

use crate::compare::diff::pages::{self, PageIndex};
use crate::compare::diff::{self, checks, report};
use crate::compare::visual;
use crate::input::form::Registry;
use crate::input::load::{self, DocFiles};
use crate::input::model::Document;
use crate::input::place::{FileRef, Place};
use crate::input::revision::{self, Side};
use crate::pipeline::Prepared;
use crate::pipeline::{self, LoadedFonts, Root};
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
    /// Do not report reordered rows, goals, measures or tables as changes.
    #[arg(long)]
    pub ignore_order: bool,
    /// Compare the data only, without typesetting: faster on long
    /// documents, but no page numbers and no check findings.
    #[arg(long)]
    pub data_only: bool,
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
    if args.data_only && (args.pages || args.format == Format::Html) {
        return Some("--data-only 不排版，不能与 --pages 或 --format html 同时使用");
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

/// The compared data, with the typeset pages of each version that could
/// be typeset.
struct Compared {
    changes: diff::Changes,
    labels: [String; 2],
    docs: [Option<PagedDocument>; 2],
}

/// Loads, typesets, checks and compares both versions.
fn compare_data(args: &DiffArgs, sources: &SourceMap) -> Result<Compared> {
    let (sides, old, new) = open_both(args)?;
    let options = args.common.options();
    if let Some(out) = &args.output {
        let root = Root::find(sides[1].dir(), options.root.as_deref())?;
        refuse_output_on_inputs(out, &sides, &root, &options)?;
    }
    let (a, b) = (
        load_side(&sides[0], &old, &options, sources),
        load_side(&sides[1], &new, &options, sources),
    );
    let ((forms_a, a), (forms_b, b)) = match (a, b) {
        (Ok(a), Ok(b)) => {
            // Files left out of either side (and why) are worth knowing.
            sources.print(&a.1.warnings);
            sources.print(&b.1.warnings);
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
    let [ta, tb] = if args.data_only {
        [None, None]
    } else {
        // A revision is read into memory: take the templates and fonts from
        // the project that holds the working folder.
        let mut options = options.clone();
        options.root = Some(Root::find(sides[1].dir(), options.root.as_deref())?.dir);
        let ta = typeset_side(0, &old, &forms_a, &options, sources, None);
        // The new version reuses the old one's fonts when they are the same.
        let fonts = ta.as_ref().map(|t| &t.fonts);
        let tb = typeset_side(1, &new, &forms_b, &options, sources, fonts);
        [ta, tb]
    };
    if let (Some(x), Some(y)) = (&ta, &tb) {
        changes.checks = check_changes([&a, &b], [&x.report, &y.report]);
    }
    let (oi, ni) = (
        ta.as_ref().map(|t| PageIndex::new(&t.document, true)),
        tb.as_ref().map(|t| PageIndex::new(&t.document, false)),
    );
    pages::locate(
        &mut changes,
        ni.as_ref().map(|i| (&b.document, i)),
        oi.as_ref().map(|i| (&a.document, i)),
    );
    Ok(Compared {
        changes,
        labels: [old.label, new.label],
        docs: [ta.map(|t| t.document), tb.map(|t| t.document)],
    })
}

/// Compares the data and prints or writes the report; `Ok(true)` when
/// different.
fn data(args: &DiffArgs, sources: &SourceMap) -> Result<bool> {
    let Compared {
        changes,
        labels: [old, new],
        docs,
    } = compare_data(args, sources)?;
    let text = match args.format {
        Format::Json => report::json(&changes, &old, &new),
        Format::Markdown => report::human(&changes, &old, &new, report::Painter::Markdown),
        Format::Text => report::human(&changes, &old, &new, painter()),
        Format::Html => return html(args, &changes, [&old, &new], docs),
    };
    outp!("{text}");
    Ok(!changes.is_empty())
}

/// Writes the HTML report: the changes, then the changed pages side by
/// side (none when a version could not be typeset).
fn html(
    args: &DiffArgs,
    changes: &diff::Changes,
    labels: [&str; 2],
    docs: [Option<PagedDocument>; 2],
) -> Result<bool> {
    let compared = match docs {
        [Some(old), Some(new)] => Some(visual::compare_documents(old, new)),
        _ => None,
    };
    let images: Vec<visual::PageImage> = compared.iter().flat_map(|c| c.images()).collect();
    let label = |n: usize| compared.as_ref().map_or(String::new(), |c| c.page_label(n));
    let page = diff::html::html_report(changes, labels[0], labels[1], &images, label);
    match &args.output {
        Some(out) => {
            write_atomic(out, page.as_bytes())?;
            status!("已生成 {}", out.display());
        }
        None => outp!("{page}"),
    }
    // Pages differ after a reordering: with --ignore-order only the data
    // decide, as in the other formats.
    let pages_differ = !args.ignore_order && compared.is_some_and(|c| c.changed());
    Ok(!changes.is_empty() || pages_differ)
}

/// A version typeset: its rule findings, its pages and the fonts used.
struct TypesetSide {
    report: Vec<Diagnostic>,
    document: PagedDocument,
    fonts: LoadedFonts,
}

/// A side typeset with its forms (reusing `fonts` when loaded for the same
/// folders); `None` (after a note on standard error) when it cannot be
/// typeset, so the report has no pages.
fn typeset_side(
    i: usize,
    opened: &Opened,
    forms: &Registry,
    options: &pipeline::Options,
    sources: &SourceMap,
    fonts: Option<&LoadedFonts>,
) -> Option<TypesetSide> {
    let attempt = || -> Result<TypesetSide> {
        let prepared =
            pipeline::prepare_files(&opened.files, Some(forms), options, sources, fonts, None)?;
        let name = if i == 0 {
            "旧版本.typ"
        } else {
            "新版本.typ"
        };
        let typeset = prepared.typeset(Path::new(name), sources)?;
        Ok(TypesetSide {
            report: prepared.report,
            document: typeset.document,
            fonts: prepared.fonts,
        })
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
fn check_changes(loaded: [&load::Loaded; 2], diags: [&[Diagnostic]; 2]) -> diff::CheckChanges {
    let (na, nb) = (
        |p: &Place| place_name(&loaded[0].document, p),
        |p: &Place| place_name(&loaded[1].document, p),
    );
    checks::compare(
        checks::Found {
            diags: diags[0],
            place: &na,
            table: &|p: &Place| table_name(&loaded[0].document, p),
        },
        checks::Found {
            diags: diags[1],
            place: &nb,
            table: &|p: &Place| table_name(&loaded[1].document, p),
        },
    )
}

/// The table a finding is in, as the diff pairs tables: its code, else its
/// name (or document.toml).
fn table_name(doc: &Document, place: &Place) -> String {
    match place.file {
        FileRef::Document => "document.toml".to_string(),
        FileRef::Project(n) => doc.projects.get(n).map_or(String::new(), |p| {
            let code = p.code();
            if code.is_empty() { p.name() } else { code }
        }),
    }
}

/// A finding's place for the reader: the table's code and name (nothing
/// for document.toml) and the key in Chinese (绩效指标第 3 行的指标值).
fn place_name(doc: &Document, place: &Place) -> String {
    let file = match place.file {
        FileRef::Document => String::new(),
        FileRef::Project(n) => doc.projects.get(n).map_or(String::new(), |p| {
            [p.code(), p.name()].map(|s| s.trim().to_string()).join(" ")
        }),
    };
    format!("{} {}", file.trim(), doc.describe(place))
        .trim()
        .to_string()
}

/// Loads one side with its own forms (returned, to typeset it with the same); a side whose forms do not load
/// reports their errors instead.
fn load_side(
    side: &Side,
    opened: &Opened,
    options: &pipeline::Options,
    sources: &SourceMap,
) -> Result<(Registry, load::Loaded)> {
    let forms = forms_of(side, options, sources)?;
    let loaded = load::load_files(&opened.files, &forms, sources)?;
    Ok((forms, loaded))
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
        ofd: None,
    };
    Inputs::new(&folders, &[])
        .within(root.project())
        .check(&plan)
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
    let a = pipeline::prepare_files(&old.files, Some(&forms[0]), &options, sources, None, None)?;
    let b = pipeline::prepare_files(&new.files, Some(&forms[1]), &options, sources, None, None)?;
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
