//! `jixiao build`: data folder → PDF (and, on request, the Typst source).

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::{Args, ValueEnum};

use super::CommonArgs;
use super::output::{self, Inputs, Sink};
use crate::pipeline::{self, Prepared};
use crate::report::diag::{Diagnostic, Diagnostics, SourceMap};
use crate::report::stdio::{errln, status};
use crate::typeset::export::write_atomic;

/// Arguments of `jixiao build`.
#[derive(Debug, Args)]
pub struct BuildArgs {
    /// The document folder (holding document.toml and projects/).
    pub dir: PathBuf,
    /// Output file, a folder (ending in /) for <name>.pdf, or - for
    /// standard output (default: out/<path below data/>.pdf).
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// What to write: the PDF, the generated Typst source, or both.
    #[arg(long, value_enum, value_delimiter = ',', default_value = "pdf")]
    pub emit: Vec<Emit>,
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
}

/// Runs `jixiao build`.
pub fn run(args: &BuildArgs) -> ExitCode {
    if let Some(code) = super::missing_dir(&args.dir) {
        return code;
    }
    let sources = SourceMap::default();
    let started = Instant::now();
    match build(args, &sources) {
        Ok((written, warnings)) => {
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
        Err((diags, written)) => {
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

/// What a build wrote, and its warnings; or its errors and what it had
/// written before the failure.
type Outcome = Result<(Vec<Sink>, Vec<Diagnostic>), (Diagnostics, Vec<Sink>)>;

/// Checks, compiles, and only then writes every output.
fn build(args: &BuildArgs, sources: &SourceMap) -> Outcome {
    let none = |d: Diagnostics| (d, Vec::new());
    let prepared = pipeline::prepare(&args.dir, &args.common.options(), sources)
        .and_then(Prepared::accepted)
        .map_err(none)?;
    let default = prepared.root.default_output(&prepared.loaded.dir);
    let plan = output::plan(
        args.output.as_deref(),
        args.emit.contains(&Emit::Pdf),
        args.emit.contains(&Emit::Typ),
        &default,
    )
    .map_err(none)?;
    inputs(&prepared, &args.common).check(&plan).map_err(none)?;
    // The source is named in Typst's messages even when it is not written.
    let typ_name = match &plan.typ {
        Some(Sink::File(path)) => path.clone(),
        _ => default.with_extension("typ"),
    };
    let (pdf, warnings) = match &plan.pdf {
        Some(sink) => {
            let typeset = prepared.typeset(&typ_name, sources).map_err(none)?;
            (Some((sink, typeset.pdf().map_err(none)?)), typeset.warnings)
        }
        None => (None, prepared.report.clone()),
    };
    let mut written = Vec::new();
    let typ = plan
        .typ
        .as_ref()
        .map(|sink| (sink, prepared.typst.as_bytes()));
    let pdf = pdf.as_ref().map(|(sink, bytes)| (*sink, bytes.as_slice()));
    for (sink, bytes) in [pdf, typ].into_iter().flatten() {
        match write(sink, bytes) {
            Ok(()) => written.push(sink.clone()),
            Err(e) => return Err((e, written)),
        }
    }
    Ok((written, warnings))
}

/// The files and folders this build reads, which no output may replace.
fn inputs(prepared: &Prepared, common: &CommonArgs) -> Inputs {
    let dir = &prepared.loaded.dir;
    let mut folders = vec![dir.clone()];
    folders.extend(
        prepared
            .root
            .templates()
            .into_iter()
            .chain(prepared.root.fonts()),
    );
    folders.extend(common.font_paths.iter().cloned());
    let mut files = prepared.template_files.clone();
    files.push(dir.join("document.toml"));
    files.extend(crate::input::load::project_files(dir).unwrap_or_default());
    Inputs::new(&folders, &files)
}

fn write(sink: &Sink, bytes: &[u8]) -> Result<(), Diagnostics> {
    match sink {
        Sink::File(path) => write_atomic(path, bytes),
        Sink::Stdout => {
            crate::report::stdio::write(crate::report::stdio::Stream::Out, bytes);
            Ok(())
        }
    }
}
