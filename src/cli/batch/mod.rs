//! `jixiao build DIR` and `jixiao check DIR` on a folder that holds document
//! folders at any depth: every document in one process, in parallel on all
//! cores (rayon), sharing forms and fonts; one failing document never stops
//! the others. Diagnostics are printed afterwards, grouped per document in
//! path order, then the summary (text, Markdown or JSON on standard output).

mod document;
mod progress;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};

use clap::ValueEnum;

use self::document::Done;
use self::progress::Progress;
use super::CommonArgs;
use crate::batch::discover::Tree;
use crate::batch::summary::{DocEntry, Status, Summary};
use crate::batch::{cross, discover};
use crate::cli::output::{Sink, Wanted};
use crate::pipeline::Options;
use crate::report::diag::{self, Diagnostic, SourceMap, display_path};
use crate::report::stdio::{errln, outp};
use crate::typeset::export::Standard;

/// How the summary of a batch is printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SummaryFormat {
    /// An aligned text table.
    Text,
    /// One JSON object (with every diagnostic).
    Json,
    /// A Markdown table.
    Markdown,
}

/// Where a batch build writes.
#[derive(Debug)]
pub(super) struct Outputs {
    /// `-o DIR/`: each document to `DIR/<path below the batch folder>.pdf`;
    /// without it, each to its default output.
    pub(super) folder: Option<PathBuf>,
    /// Which outputs are written for each document.
    pub(super) wanted: Wanted,
}

impl Outputs {
    /// The outputs of a batch build of `batch` from `-o` and `--emit`: `-o`
    /// must name a folder (ending in `/` or existing); a file or standard
    /// output cannot hold many documents. A folder the batch's walk
    /// reaches is refused: the next batch check would take it for a
    /// department without a document (J902).
    pub(super) fn new(
        output: Option<&Path>,
        wanted: Wanted,
        batch: &Path,
    ) -> crate::report::diag::Result<Self> {
        let refuse = |what: String| {
            Diagnostic::error(format!("批量生成时 -o 必须是文件夹，不能是{what}"))
                .with_hint("请写 -o 文件夹/（以 / 结尾）：各文档按其在批量文件夹中的相对路径写入，例如 dist/2025/部门.pdf；或省略 -o，各文档写到默认位置")
                .into()
        };
        match output {
            Some(out) if out == Path::new("-") => Err(refuse("标准输出（-o -）".to_string())),
            Some(out) if !super::output::names_folder(out) => {
                Err(refuse(format!("文件“{}”", out.display())))
            }
            Some(out) if inside(out, batch) => Err(Diagnostic::error(format!(
                "批量生成时 -o 的文件夹“{}”不能在批量文件夹“{}”中",
                out.display(),
                display_path(batch)
            ))
            .with_hint("生成的文件会混进数据，下次批量检查还会把这个文件夹当作缺少文档的部门（J902）")
            .with_hint("请写到批量文件夹以外，例如 -o dist/；或写到其中的 out/ 文件夹（批量处理不在 out/ 中查找文档）")
            .into()),
            _ => Ok(Self {
                folder: output.map(Path::to_path_buf),
                wanted,
            }),
        }
    }
}

/// Whether the walk of the batch folder `batch` reaches the folder `out`.
fn inside(out: &Path, batch: &Path) -> bool {
    let real = super::output::real_target(out);
    batch
        .canonicalize()
        .is_ok_and(|top| discover::reached(&top, &real))
}

/// What a batch does to each document.
#[derive(Debug)]
pub(super) enum Mode {
    /// Build and write its outputs.
    Build(Outputs),
    /// Check it; with `deny_warnings`, a warning fails it too.
    Check {
        /// Whether warnings fail.
        deny_warnings: bool,
    },
}

/// A batch to run.
pub(super) struct Request<'a> {
    /// The batch folder.
    pub(super) dir: &'a Path,
    /// The shared options.
    pub(super) common: &'a CommonArgs,
    /// PDF standards the PDFs must conform to.
    pub(super) standards: &'a [Standard],
    /// Build or check.
    pub(super) mode: Mode,
    /// The summary's format.
    pub(super) format: SummaryFormat,
}

/// The documents below `dir` when it is a batch folder: not a document
/// folder itself, with document folders below it. `None` for any other
/// folder (treated as one document); `Err` with the exit code when the
/// folder cannot be walked (the error is printed).
pub(super) fn find(dir: &Path) -> Option<Result<Tree, ExitCode>> {
    if discover::is_document(dir) {
        return None;
    }
    match discover::discover(dir) {
        Ok(tree) if tree.docs.is_empty() && discover::looks_like_document(dir) => {
            // Say why no document was found (a link out of the folder, a
            // document too deep) before the folder fails as one document.
            SourceMap::default().print(&tree.skipped);
            None
        }
        Ok(mut tree) if tree.docs.is_empty() => {
            // An empty batch (a new year's folder before any department):
            // its summary, in the shape asked for, says so.
            let skipped = !tree.skipped.is_empty();
            tree.skipped.push(discover::no_documents(dir, skipped));
            Some(Ok(tree))
        }
        Ok(tree) => Some(Ok(tree)),
        Err(d) => {
            SourceMap::default().print(&d.0);
            Some(Err(ExitCode::from(2)))
        }
    }
}

/// Runs a batch over the documents of `tree`; exit 0 when every document
/// succeeded, 1 when one failed (for a check: any error, or a warning with
/// `--deny-warnings`).
pub(super) fn run(req: &Request, tree: &Tree) -> ExitCode {
    let sources = SourceMap::default();
    let opts = Options {
        pdf_standards: req.standards.to_vec(),
        ..req.common.options()
    };
    let jobs = document::jobs(req.dir, &tree.docs, &req.mode, &opts, &sources);
    let progress = Progress::new(jobs.len());
    let mut done = each_on_one_worker(jobs.len(), |i| {
        let job = &jobs[i];
        let done = job.run(&req.mode, &opts, &req.common.font_paths, &sources);
        progress.finished(&done.rel, &how(&done));
        // Keep Typst's memoised results from growing with every document;
        // those of the shared templates stay in use.
        typst::comemo::evict(EVICT_AGE);
        done
    });
    progress.clear();
    let mut batchwide = tree.skipped.clone();
    if let Mode::Check { deny_warnings } = req.mode {
        duplicate_codes(&mut done, deny_warnings, &sources);
        batchwide.extend(cross::empty_departments(&tree.empty));
    }
    report(req, &done, &batchwide, &sources)
}

/// `work(0..count)` on every rayon worker, in order of the index; each
/// worker takes the next index only when its current one is done.
///
/// Not `par_iter`: its work stealing lets a worker that waits inside
/// Typst's own parallel layout or PDF export start another document, so up
/// to 38 documents were in flight at once on two cores, and 100 documents
/// took 655 MB. A broadcast gives each worker one loop of its own, while
/// Typst still spreads each document's work over all workers.
fn each_on_one_worker<T: Send>(count: usize, work: impl Fn(usize) -> T + Sync) -> Vec<T> {
    let next = AtomicUsize::new(0);
    let mut found: Vec<(usize, T)> = rayon::broadcast(|_| {
        let mut mine = Vec::new();
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            if i >= count {
                break mine;
            }
            mine.push((i, work(i)));
        }
    })
    .into_iter()
    .flatten()
    .collect();
    found.sort_by_key(|(i, _)| *i);
    found.into_iter().map(|(_, t)| t).collect()
}

/// How many documents an unused memoised result survives.
const EVICT_AGE: usize = 10;

/// The one-line outcome shown in the progress.
fn how(done: &Done) -> String {
    let (errors, warnings, _) = diag::counts(&done.diags);
    let shown: Vec<String> = done.written.iter().map(output_name).collect();
    match (done.failed, shown.is_empty()) {
        (true, _) => format!("失败（{errors} 个错误，{warnings} 个警告）"),
        (false, false) => format!("已生成 {}", shown.join("、")),
        (false, true) => format!("{errors} 个错误，{warnings} 个警告"),
    }
}

/// J901 over the documents that were read (in part, for one that failed
/// to load), each finding added to the
/// document it is reported at: printed in its group, counted in its row and
/// failing it, the same in text, Markdown and JSON.
fn duplicate_codes(done: &mut [Done], deny_warnings: bool, sources: &SourceMap) {
    let read: Vec<(&Path, &crate::batch::Facts)> = done
        .iter()
        .filter_map(|d| Some((d.dir.as_path(), d.facts.as_ref().or(d.seen.as_ref())?)))
        .collect();
    let found = cross::duplicate_codes(&read, sources);
    for (dir, finding) in found {
        let Some(d) = done.iter_mut().find(|d| d.dir == dir) else {
            continue;
        };
        let warning = finding.severity == diag::Severity::Warning;
        d.failed |= finding.is_error() || (deny_warnings && warning);
        d.diags.push(finding);
    }
}

/// Prints the diagnostics (unless the summary is a check's JSON, which
/// holds them) and the summary; returns the exit code.
fn report(req: &Request, done: &[Done], batchwide: &[Diagnostic], sources: &SourceMap) -> ExitCode {
    let check = matches!(req.mode, Mode::Check { .. });
    if !(check && req.format == SummaryFormat::Json) {
        print_groups(done, batchwide, sources);
    }
    let entries = done.iter().map(|d| entry(d, sources)).collect();
    let command = if check { "check" } else { "build" };
    let summary = Summary::new(command, entries, sources.records(batchwide));
    let text = match req.format {
        // Under -q the table is a status report like 已生成: a clean run
        // prints nothing. JSON and Markdown are asked-for output.
        SummaryFormat::Text if crate::report::stdio::quiet() => String::new(),
        SummaryFormat::Text => summary.text(),
        SummaryFormat::Json => summary.json(),
        SummaryFormat::Markdown => summary.markdown(),
    };
    outp!("{text}");
    let t = &summary.totals;
    let failed = match req.mode {
        // An empty batch fails too (its batch-wide error).
        Mode::Build(_) => t.failed > 0 || batchwide.iter().any(Diagnostic::is_error),
        Mode::Check { deny_warnings } => t.errors > 0 || (deny_warnings && t.warnings > 0),
    };
    ExitCode::from(u8::from(failed))
}

/// How the progress and the summary name a written file: relative to the
/// current folder when below it, else absolute, so that the summary does
/// not depend on where the batch is checked out; escaped for one line.
fn output_name(sink: &Sink) -> String {
    match sink {
        Sink::File(path) => crate::report::escape::one_line(&display_path(path)).into_owned(),
        Sink::Stdout => sink.shown(),
    }
}

/// Each document's diagnostics under its name, in path order, then the
/// batch-wide ones: never interleaved, whatever order they finished in.
fn print_groups(done: &[Done], batchwide: &[Diagnostic], sources: &SourceMap) {
    // Under -q only errors are printed, and a heading only above them.
    let shown = |diags: &[Diagnostic]| {
        diags
            .iter()
            .any(|d| d.is_error() || !crate::report::stdio::quiet())
    };
    for d in done.iter().filter(|d| shown(&d.diags)) {
        let name = display_path(&d.dir);
        errln!("文档 {}：", crate::report::escape::one_line(&name));
        sources.print(&d.diags);
    }
    if shown(batchwide) {
        errln!("批量检查：");
        sources.print(batchwide);
    }
}

/// The summary line of a document.
fn entry(d: &Done, sources: &SourceMap) -> DocEntry {
    let (errors, warnings, notes) = diag::counts(&d.diags);
    DocEntry {
        path: d.rel.clone(),
        status: if d.failed { Status::Failed } else { Status::Ok },
        year: d.facts.as_ref().map(|f| f.year),
        pages: d.pages,
        tables: d.facts.as_ref().map(|f| f.tables),
        total: d.facts.as_ref().and_then(|f| f.total),
        unit: d.facts.as_ref().map(|f| f.unit.clone()),
        errors,
        warnings,
        notes,
        outputs: d.written.iter().map(output_name).collect(),
        diagnostics: sources.records(&d.diags),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::prepare;

    /// Typst's layout and PDF export run in parallel on the same rayon
    /// workers; still no worker starts a second document before its first
    /// is done (with `par_iter`, all 12 were in flight at once).
    #[test]
    fn each_worker_typesets_one_document_at_a_time() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/2025/chengde-xinfang");
        let (now, max) = (AtomicUsize::new(0), AtomicUsize::new(0));
        let sources = SourceMap::default();
        let pages = each_on_one_worker(12, |i| {
            let n = now.fetch_add(1, Ordering::SeqCst) + 1;
            max.fetch_max(n, Ordering::SeqCst);
            let prepared = prepare(&dir, &Options::default(), &sources).unwrap();
            let typeset = prepared.typeset(Path::new("x.typ"), &sources).unwrap();
            let pdf = typeset.pdf().unwrap();
            now.fetch_sub(1, Ordering::SeqCst);
            (i, typeset.document.pages().len(), pdf.len())
        });
        assert_eq!(
            pages.iter().map(|p| p.0).collect::<Vec<_>>(),
            (0..12).collect::<Vec<_>>()
        );
        assert!(pages.iter().all(|p| p.1 == 16), "{pages:?}");
        let max = max.load(Ordering::SeqCst);
        assert!(
            max <= rayon::current_num_threads(),
            "{max} documents in flight"
        );
    }
}
