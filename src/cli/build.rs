//! `jixiao build`: data folder → PDF (and, on request, the OFD and the
//! Typst source).

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use clap::{Args, ValueEnum};

use super::CommonArgs;
use super::batch::{self, SummaryFormat};
use super::output::{self, Inputs, Plan, Sink, Wanted};
use crate::batch::discover::Tree;
use crate::pipeline::{self, Prepared};
use crate::report::diag::{Diagnostic, Diagnostics, SourceMap};
use crate::report::stdio::{errln, status};
use crate::typeset::export::{Standard, write_atomic};

/// Arguments of `jixiao build`.
#[derive(Debug, Args)]
pub struct BuildArgs {
    /// The document folder (holding document.toml and projects/), or a
    /// folder of document folders (at any depth) to build them all.
    pub dir: PathBuf,
    /// Output file, a folder (ending in /) for <name>.pdf, or - for
    /// standard output (default: out/<path below data/>.pdf); for a batch
    /// only a folder, mirroring the paths below the batch folder.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// What to write: the PDF, the OFD (GB/T 33190), the generated Typst
    /// source, or several (pdf,ofd) [default: pdf].
    #[arg(long, value_enum, value_delimiter = ',')]
    pub emit: Vec<Emit>,
    /// The document's format, pdf or ofd (or both: pdf,ofd; the same as
    /// --emit), and for a batch (a folder of document folders) the
    /// summary's: text, json or markdown.
    #[arg(long, value_enum, value_delimiter = ',')]
    pub format: Vec<Format>,
    /// Make the PDF conform to a standard: a-2b (PDF/A-2b, archiving),
    /// ua-1 (PDF/UA-1, accessibility), or both (a-2b,ua-1).
    #[arg(long, value_enum, value_delimiter = ',', value_name = "STANDARD")]
    pub pdf_standard: Vec<Standard>,
    /// Shared options.
    #[command(flatten)]
    pub common: CommonArgs,
}

/// An output kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Emit {
    /// The PDF.
    Pdf,
    /// The generated Typst source (for inspection).
    Typ,
    /// The OFD package (GB/T 33190-2016) of the same pages.
    Ofd,
}

/// A value of `--format`: a document format or a batch summary's. The two
/// sets share no name, so one option serves both (`--format ofd`,
/// `--format json`, `--format ofd,json`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// The PDF.
    Pdf,
    /// The OFD package (GB/T 33190-2016) of the same pages.
    Ofd,
    /// Batch summary: an aligned text table.
    Text,
    /// Batch summary: one JSON object (with every diagnostic).
    Json,
    /// Batch summary: a Markdown table.
    Markdown,
}

impl Format {
    /// The output this names, if it is a document format.
    fn emit(self) -> Option<Emit> {
        match self {
            Self::Pdf => Some(Emit::Pdf),
            Self::Ofd => Some(Emit::Ofd),
            Self::Text | Self::Json | Self::Markdown => None,
        }
    }

    /// The batch summary this names, if it is one.
    fn summary(self) -> Option<SummaryFormat> {
        match self {
            Self::Text => Some(SummaryFormat::Text),
            Self::Json => Some(SummaryFormat::Json),
            Self::Markdown => Some(SummaryFormat::Markdown),
            Self::Pdf | Self::Ofd => None,
        }
    }
}

impl BuildArgs {
    /// The outputs `--emit` and `--format` ask for together; the PDF when
    /// neither names one.
    fn wanted(&self) -> Wanted {
        let asked: Vec<Emit> = (self.emit.iter().copied())
            .chain(self.format.iter().filter_map(|f| f.emit()))
            .collect();
        Wanted {
            pdf: asked.is_empty() || asked.contains(&Emit::Pdf),
            typ: asked.contains(&Emit::Typ),
            ofd: asked.contains(&Emit::Ofd),
        }
    }

    /// The batch summary `--format` asks for, if any.
    fn summary(&self) -> Option<SummaryFormat> {
        self.format.iter().find_map(|f| f.summary())
    }

    /// Options that ask for two things at once, or for nothing they do.
    fn contradiction(&self) -> Option<&'static str> {
        let mut summaries = self.format.iter().filter_map(|f| f.summary());
        let first = summaries.next();
        if summaries.any(|s| Some(s) != first) {
            return Some("--format 只能指定一种汇总格式（text、json 或 markdown）");
        }
        if !self.pdf_standard.is_empty() && !self.wanted().pdf {
            return Some(output::STANDARD_WITHOUT_PDF);
        }
        None
    }
}

/// Runs `jixiao build`.
pub fn run(args: &BuildArgs) -> ExitCode {
    if let Some(code) = super::missing_dir(&args.dir) {
        return code;
    }
    if let Some(code) = super::bad_shared_options(&args.common) {
        return code;
    }
    if let Some(message) = args.contradiction() {
        return super::usage_error(message);
    }
    // Ctrl-C (or SIGTERM) leaves no half-written temporary file behind;
    // outputs already renamed into place are whole. Exit 130, as a shell
    // reports an interrupted command.
    let _ = ctrlc::set_handler(|| {
        crate::typeset::export::remove_in_flight();
        errln!("已中断");
        std::process::exit(130);
    });
    if let Some(found) = batch::find(&args.dir) {
        return found.map_or_else(|code| code, |tree| run_batch(args, &tree));
    }
    if args.summary().is_some() {
        return super::usage_error(
            "--format text/json/markdown 只用于批量生成：请给出包含多个文档文件夹的文件夹（单个文档可用 --format pdf 或 ofd）",
        );
    }
    let sources = SourceMap::default();
    let started = Instant::now();
    match build(args, &sources) {
        Ok(Built {
            written, warnings, ..
        }) => {
            sources.print(&warnings);
            for sink in written {
                status!(
                    "已生成 {}（{:.2} 秒）",
                    sink.shown(),
                    started.elapsed().as_secs_f64()
                );
            }
            ExitCode::SUCCESS
        }
        Err(Failed { diags, written, .. }) => {
            sources.print(&diags.0);
            let n = diags.0.iter().filter(|d| d.is_error()).count();
            let shown: Vec<String> = written.iter().map(Sink::shown).collect();
            match shown.as_slice() {
                [] => errln!("生成失败：{n} 个错误，未写入任何文件"),
                _ => errln!("生成失败：{n} 个错误；已写入 {}", shown.join("、")),
            }
            ExitCode::from(1)
        }
    }
}

/// Builds every document below a batch folder.
fn run_batch(args: &BuildArgs, tree: &Tree) -> ExitCode {
    let outputs = batch::Outputs::new(args.output.as_deref(), args.wanted(), &args.dir);
    match outputs {
        Ok(outputs) => batch::run(
            &batch::Request {
                dir: &args.dir,
                common: &args.common,
                standards: &args.pdf_standard,
                mode: batch::Mode::Build(outputs),
                format: args.summary().unwrap_or(SummaryFormat::Text),
            },
            tree,
        ),
        Err(d) => {
            SourceMap::default().print(&d.0);
            ExitCode::from(2)
        }
    }
}

/// What a build wrote, its warnings and its page count.
pub(super) struct Built {
    /// The outputs written.
    pub(super) written: Vec<Sink>,
    /// The rules' and Typst's warnings.
    pub(super) warnings: Vec<Diagnostic>,
    /// Pages of the PDF, when one was typeset.
    pub(super) pages: Option<usize>,
}

/// A build that failed.
pub(super) struct Failed {
    /// Its errors, with the document's own warnings.
    pub(super) diags: Diagnostics,
    /// What it had written before the failure.
    pub(super) written: Vec<Sink>,
    /// Pages of the PDF, when it typeset before failing to write.
    pub(super) pages: Option<usize>,
}

impl From<Diagnostics> for Failed {
    fn from(diags: Diagnostics) -> Self {
        Self {
            diags,
            written: Vec::new(),
            pages: None,
        }
    }
}

/// What a build wrote; or how it failed.
pub(super) type Outcome = Result<Built, Failed>;

/// Checks, compiles, and only then writes every output.
fn build(args: &BuildArgs, sources: &SourceMap) -> Outcome {
    let opts = pipeline::Options {
        pdf_standards: args.pdf_standard.clone(),
        ..args.common.options()
    };
    let prepared = pipeline::prepare(&args.dir, &opts, sources).and_then(Prepared::accepted)?;
    let default = prepared.root.default_output(&prepared.loaded.dir);
    let plan = output::plan(args.output.as_deref(), args.wanted(), &default)?;
    finish(&prepared, &plan, &args.common.font_paths, sources)
}

/// Refuses outputs that would replace an input, typesets, and only then
/// writes every output of `plan` (shared with the batch build).
pub(super) fn finish(
    prepared: &Prepared,
    plan: &Plan,
    font_paths: &[PathBuf],
    sources: &SourceMap,
) -> Outcome {
    inputs(prepared, font_paths).check(plan)?;
    // The source is named in Typst's messages even when it is not written.
    let typ_name = match &plan.typ {
        Some(Sink::File(path)) => path.clone(),
        _ => prepared
            .root
            .default_output(&prepared.loaded.dir)
            .with_extension("typ"),
    };
    // Typeset only for the outputs made from the pages.
    let typeset = if plan.pdf.is_some() || plan.ofd.is_some() {
        Some(prepared.typeset(&typ_name, sources)?)
    } else {
        None
    };
    let (warnings, pages) = match &typeset {
        Some(t) => (t.warnings.clone(), Some(t.document.pages().len())),
        None => (prepared.report.clone(), None),
    };
    // The document's own findings stand beside an export or write error.
    let failed = |e: Diagnostics, written: Vec<Sink>| Failed {
        diags: Diagnostics([warnings.clone(), e.0].concat()),
        written,
        pages,
    };
    let mut outputs: Vec<(&Sink, Vec<u8>)> = Vec::new();
    if let Some(typeset) = &typeset {
        if let Some(sink) = &plan.pdf {
            outputs.push((sink, typeset.pdf().map_err(|e| failed(e, Vec::new()))?));
        }
        if let Some(sink) = &plan.ofd {
            outputs.push((sink, typeset.ofd().map_err(|e| failed(e, Vec::new()))?));
        }
    }
    if let Some(sink) = &plan.typ {
        outputs.push((sink, prepared.typst.as_bytes().to_vec()));
    }
    let mut written = Vec::new();
    for (sink, bytes) in outputs {
        match write(sink, &bytes, prepared.root.project()) {
            Ok(()) => written.push(sink.clone()),
            Err(e) => return Err(failed(e, written)),
        }
    }
    Ok(Built {
        written,
        warnings,
        pages,
    })
}

/// The files and folders this build reads, which no output may replace.
fn inputs(prepared: &Prepared, font_paths: &[PathBuf]) -> Inputs {
    let dir = &prepared.loaded.dir;
    let mut folders = vec![dir.clone()];
    folders.extend(
        prepared
            .root
            .templates()
            .into_iter()
            .chain(prepared.root.fonts()),
    );
    folders.extend(font_paths.iter().cloned());
    let mut files = prepared.template_files.clone();
    files.push(dir.join("document.toml"));
    files.extend(crate::input::load::project_files(dir).unwrap_or_default());
    Inputs::new(&folders, &files).within(prepared.root.project())
}

/// Writes one output; a file is checked again for a link on its way
/// inside the project `root` (planted since the plan was checked).
fn write(sink: &Sink, bytes: &[u8], root: Option<&Path>) -> Result<(), Diagnostics> {
    match sink {
        Sink::File(path) => {
            crate::input::confine::no_link_within(root, path)?;
            write_atomic(path, bytes)
        }
        Sink::Stdout => {
            crate::report::stdio::write(crate::report::stdio::Stream::Out, bytes);
            Ok(())
        }
    }
}
