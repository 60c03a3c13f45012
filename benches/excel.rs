//! Import and export times (issue 10): the reference document, and a
//! document of 100 project tables (the reference's seven, repeated with
//! distinct 项目编码), written to a workbook by `export::workbook` and read
//! back by `import::read_workbook`, in-process. Prints the medians.
//! Run with `cargo bench --bench excel`.

use std::path::{Path, PathBuf};
use std::time::Instant;

use jixiao::excel::{export, import};
use jixiao::input::form::Registry;
use jixiao::pipeline::{Options, load_document};
use jixiao::report::diag::SourceMap;

const RUNS: usize = 15;
const PROJECTS: usize = 100;

fn main() {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let work = std::env::temp_dir().join(format!("jixiao-excel-bench-{}", std::process::id()));
    let reference = manifest.join("data/2025/chengde-xinfang");
    let big = many_projects(&reference, &work.join("big"), PROJECTS);
    for (label, dir) in [("reference (7 tables)", reference), ("100 tables", big)] {
        let (export_ms, import_ms, bytes) = measure(&dir, &work);
        println!(
            "{label}: export median {export_ms:.1} ms, import median {import_ms:.1} ms, workbook {} KiB",
            bytes / 1024
        );
    }
    let _ = std::fs::remove_dir_all(&work);
}

/// Median export and import times of `dir`, and the workbook's size.
fn measure(dir: &Path, work: &Path) -> (f64, f64, usize) {
    let sources = SourceMap::default();
    let doc = load_document(dir, &Options::default(), &sources).expect("the document loads");
    let files = project_files(dir);
    let xlsx = work.join("book.xlsx");
    let mut bytes = Vec::new();
    let exports = times(|| bytes = export::workbook(&doc, &files).expect("export works"));
    std::fs::write(&xlsx, &bytes).unwrap();
    let forms = Registry::builtin();
    let imports = times(|| {
        let book = import::read_workbook(&xlsx, &forms).expect("import works");
        assert_eq!(book.projects.len(), doc.projects.len());
    });
    (median(exports), median(imports), bytes.len())
}

/// The times of `RUNS` calls of `f`, in milliseconds.
fn times(mut f: impl FnMut()) -> Vec<f64> {
    (0..RUNS)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed().as_secs_f64() * 1000.0
        })
        .collect()
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// The project files of `dir` relative to it, in file-name order.
fn project_files(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir.join("projects"))
        .unwrap()
        .map(|e| format!("projects/{}", e.unwrap().file_name().to_string_lossy()))
        .collect();
    names.sort();
    names
}

/// A copy of `from` with `n` project tables: its own, repeated with
/// distinct 项目编码 and file names.
fn many_projects(from: &Path, to: &Path, n: usize) -> PathBuf {
    std::fs::create_dir_all(to.join("projects")).unwrap();
    std::fs::copy(from.join("document.toml"), to.join("document.toml")).unwrap();
    let originals: Vec<String> = project_files(from)
        .iter()
        .map(|f| std::fs::read_to_string(from.join(f)).unwrap())
        .collect();
    for i in 0..n {
        let text =
            originals[i % originals.len()].replace("code = \"", &format!("code = \"M{i:03}"));
        std::fs::write(to.join(format!("projects/{i:03}.toml")), text).unwrap();
    }
    to.to_path_buf()
}
