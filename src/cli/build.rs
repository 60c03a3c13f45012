//! `jixiao build`: data folder → PDF (and, on request, the Typst source).

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use clap::{Args, ValueEnum};

use super::CommonArgs;
use crate::diag::{Diagnostic, Diagnostics, SourceMap};
use crate::export::write_atomic;
use crate::pipeline::{self, Prepared};
use crate::stdio::errln;

/// Arguments of `jixiao build`.
#[derive(Debug, Args)]
pub struct BuildArgs {
    /// The document folder (holding document.toml and projects/).
    pub dir: PathBuf,
    /// Output file (default: out/<path below data/>.pdf).
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
            for path in written {
                errln!(
                    "已生成 {}（{:.2} 秒）",
                    path.display(),
                    started.elapsed().as_secs_f64()
                );
            }
            ExitCode::SUCCESS
        }
        Err(diags) => {
            sources.print(&diags.0);
            let n = diags.0.iter().filter(|d| d.is_error()).count();
            errln!("生成失败：{n} 个错误，未写入任何文件");
            ExitCode::from(1)
        }
    }
}

fn build(
    args: &BuildArgs,
    sources: &SourceMap,
) -> Result<(Vec<PathBuf>, Vec<Diagnostic>), Diagnostics> {
    let prepared = pipeline::prepare(&args.dir, &args.common.options(), sources)?;
    if prepared.has_errors() {
        return Err(Diagnostics(prepared.report));
    }
    let pdf_path = args
        .output
        .clone()
        .unwrap_or_else(|| prepared.root.default_output(&prepared.loaded.dir));
    let typ_path = typ_path_for(&pdf_path, args);
    let mut written = Vec::new();
    if args.emit.contains(&Emit::Typ) {
        write_atomic(&typ_path, prepared.typst.as_bytes())?;
        written.push(typ_path.clone());
    }
    let mut warnings = prepared.report.clone();
    if args.emit.contains(&Emit::Pdf) {
        let bytes = compile_pdf(&prepared, &typ_path, sources, &mut warnings)?;
        write_atomic(&pdf_path, &bytes)?;
        written.push(pdf_path);
    }
    Ok((written, warnings))
}

fn typ_path_for(pdf_path: &Path, args: &BuildArgs) -> PathBuf {
    match (&args.output, args.emit.as_slice()) {
        (Some(out), [Emit::Typ]) => out.clone(),
        _ => pdf_path.with_extension("typ"),
    }
}

fn compile_pdf(
    prepared: &Prepared,
    typ_path: &Path,
    sources: &SourceMap,
    warnings: &mut Vec<Diagnostic>,
) -> Result<Vec<u8>, Diagnostics> {
    let world = prepared.world();
    let compiled = prepared.compile(&world, typ_path, sources)?;
    warnings.extend(compiled.warnings);
    crate::export::pdf(&compiled.document, prepared.date.as_ref())
}
