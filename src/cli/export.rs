//! `jixiao export`: a document folder → an .xlsx workbook with one sheet
//! per table laid out like the printed form (see [`crate::excel::export`]).

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::Args;

use super::output::{self, Inputs, Sink};
use crate::excel::export::workbook;
use crate::input::docfiles::select_projects;
use crate::input::load::{self, DOCUMENT_FILE, DocFiles, Loaded, PROJECTS_DIR};
use crate::pipeline::Root;
use crate::report::diag::{Diagnostic, Diagnostics, Result, SourceMap, io_error};
use crate::report::stdio::{errln, status};

/// Arguments of `jixiao export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The document folder (holding document.toml and projects/).
    pub dir: PathBuf,
    /// Output file, a folder (ending in /) for <name>.xlsx, or - for
    /// standard output (default: the PDF's default path with .xlsx,
    /// out/<path below data/>.xlsx).
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Project folder whose templates/forms/ add to the built-in forms (default: found above the document).
    #[arg(long, value_name = "DIR")]
    pub root: Option<PathBuf>,
}

/// Runs `jixiao export`.
pub fn run(args: &ExportArgs) -> ExitCode {
    if let Some(code) = super::missing_dir(&args.dir) {
        return code;
    }
    let sources = SourceMap::default();
    let started = Instant::now();
    match export(args, &sources) {
        Ok((sink, tables)) => {
            status!(
                "已导出 {}（{tables} 张表，{:.2} 秒）",
                sink.shown(),
                started.elapsed().as_secs_f64()
            );
            ExitCode::SUCCESS
        }
        Err(diags) => {
            sources.print(&diags.0);
            let n = diags.0.iter().filter(|d| d.is_error()).count();
            errln!("导出失败：{n} 个错误，未写入任何文件");
            ExitCode::from(1)
        }
    }
}

/// Loads the folder, refuses an output onto its inputs, builds the
/// workbook and only then writes it; returns where and how many tables.
fn export(args: &ExportArgs, sources: &SourceMap) -> Result<(Sink, usize)> {
    let root = Root::find(&args.dir, args.root.as_deref())?;
    let forms = root.forms(sources)?;
    let loaded = load::load_files(&DocFiles::open(&args.dir)?, &forms, sources)?;
    sources.print(&loaded.warnings);
    let files = project_files(&loaded)?;
    let default = root.default_output(&loaded.dir).with_extension("xlsx");
    let plan = output::plan(args.output.as_deref(), output::Wanted::PDF, &default)?;
    inputs(&root, &loaded, &files).check(&plan)?;
    let bytes = workbook(&loaded.document, &files).map_err(|mut d| {
        loaded.locate(sources, &mut d.0);
        d
    })?;
    let sink = plan.pdf.unwrap_or(Sink::File(default));
    write(&sink, &bytes)?;
    Ok((sink, files.len()))
}

/// The project files, relative to the document folder, in table order.
fn project_files(loaded: &Loaded) -> Result<Vec<String>> {
    let (names, _) = select_projects(loaded.files.project_entries()?);
    let files: Vec<String> = names
        .iter()
        .map(|n| format!("{PROJECTS_DIR}/{n}"))
        .collect();
    if files.len() != loaded.document.projects.len() {
        return Err(Diagnostic::error("读取期间项目文件夹有变动")
            .with_hint("请在文件不再变动时重新导出")
            .into());
    }
    Ok(files)
}

/// What the workbook may not replace: the document folder and its files,
/// the project's templates.
fn inputs(root: &Root, loaded: &Loaded, files: &[String]) -> Inputs {
    let mut folders = vec![loaded.dir.clone()];
    folders.extend(root.templates());
    let mut inputs = vec![loaded.dir.join(DOCUMENT_FILE)];
    inputs.extend(files.iter().map(|f| loaded.dir.join(f)));
    Inputs::new(&folders, &inputs).within(root.project())
}

/// Writes the workbook: to a file atomically, never through a link (an
/// existing export is replaced: it is generated, like the PDF).
fn write(sink: &Sink, bytes: &[u8]) -> Result<()> {
    let path = match sink {
        Sink::Stdout => {
            crate::report::stdio::write(crate::report::stdio::Stream::Out, bytes);
            return Ok(());
        }
        Sink::File(path) => path,
    };
    let fail = |e: &std::io::Error| -> Diagnostics {
        io_error("写入工作簿", path, e)
            .with_hint("请用 -o 指定一个可写的位置；导出不会写入链接（符号链接）指向的文件")
            .into()
    };
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| fail(&e))?;
    }
    crate::input::scaffold::replace_file(path, bytes).map_err(|e| fail(&e))
}
