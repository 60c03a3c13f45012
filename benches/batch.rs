//! A 100-document batch (issue 12, items 3 and 4): `jixiao build DIR` over
//! 100 copies of the reference document (distinct 项目编码) in one call,
//! against 100 sequential `jixiao build DOC` calls of the same binary.
//! Prints the medians and the batch's peak memory.
//! Run with `cargo bench --bench batch`.

#[path = "common/run.rs"]
mod run;

#[path = "common/copies.rs"]
mod copies;

use std::path::{Path, PathBuf};
use std::time::Instant;

const DOCUMENTS: usize = 100;
const BATCH_RUNS: usize = 3;
const SEQUENTIAL_RUNS: usize = 3;

fn main() {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let work = std::env::temp_dir().join(format!("jixiao-batch-bench-{}", std::process::id()));
    let top = work.join("data");
    let docs: Vec<PathBuf> = (0..DOCUMENTS)
        .map(|i| {
            let dir = top.join(format!("2025/dept{i:03}"));
            copies::copy_with_codes(&manifest.join("data/2025/chengde-xinfang"), &dir, i);
            dir
        })
        .collect();
    let out = work.join("out/");
    // The batch runs first: the peak memory read after it is its own.
    let mut peak_mb = 0.0;
    let batch: Vec<f64> = (0..BATCH_RUNS)
        .map(|_| {
            let (output, took, peak) = run::jixiao(&[
                "build".as_ref(),
                top.as_os_str(),
                "-o".as_ref(),
                out.as_os_str(),
            ]);
            assert!(output.status.success(), "the batch failed");
            peak_mb = peak;
            took
        })
        .collect();
    assert_eq!(count_pdfs(&out.join("2025")), DOCUMENTS);
    let sequential: Vec<f64> = (0..SEQUENTIAL_RUNS)
        .map(|_| sequential_run(&docs, &work.join("single")))
        .collect();
    println!(
        "{DOCUMENTS} copies of the reference document, {} cores",
        cores()
    );
    report("one batch call (jixiao build DIR)", batch);
    report(
        &format!("{DOCUMENTS} sequential calls (jixiao build DOC)"),
        sequential,
    );
    println!("peak memory of the batch call: {peak_mb:.0} MB");
    let _ = std::fs::remove_dir_all(&work);
}

/// Seconds for building every document by its own call, one after another.
fn sequential_run(docs: &[PathBuf], out: &Path) -> f64 {
    let started = Instant::now();
    for (i, doc) in docs.iter().enumerate() {
        let pdf = out.join(format!("{i:03}.pdf"));
        let (output, _, _) = run::jixiao(&[
            "build".as_ref(),
            doc.as_os_str(),
            "-o".as_ref(),
            pdf.as_os_str(),
        ]);
        assert!(output.status.success(), "{} failed", doc.display());
    }
    started.elapsed().as_secs_f64()
}

fn count_pdfs(dir: &Path) -> usize {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .filter(|e| e.path().extension().is_some_and(|x| x == "pdf"))
                .count()
        })
        .unwrap_or(0)
}

fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, usize::from)
}

fn report(what: &str, mut runs: Vec<f64>) {
    runs.sort_by(f64::total_cmp);
    println!(
        "{what}: median {:.2} s, min {:.2} s, max {:.2} s ({} runs)",
        runs[runs.len() / 2],
        runs[0],
        runs[runs.len() - 1],
        runs.len()
    );
}
