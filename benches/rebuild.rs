//! Build times of the reference document through [`Session`], the same API
//! `jixiao watch` uses: (a) cold builds (fonts scanned, fresh world, empty
//! incremental cache) and (b) warm rebuilds after a one-cell edit of a data
//! file. Run with `cargo bench --bench rebuild`; it prints medians.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use jixiao::pipeline::Options;
use jixiao::report::diag::SourceMap;
use jixiao::session::Session;

const COLD_RUNS: usize = 5;
const WARM_RUNS: usize = 20;
/// The cell edited: the first indicator value of the first project table.
const CELL: &str = "value = \"≥800平方米\"";
const EDITS: [&str; 2] = ["value = \"≥801平方米\"", "value = \"≥802平方米\""];

fn main() {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let work = std::env::temp_dir().join(format!("jixiao-bench-{}", std::process::id()));
    let doc = work.join("chengde-xinfang");
    copy_dir(&manifest.join("data/2025/chengde-xinfang"), &doc);
    let opts = Options {
        root: Some(manifest.clone()),
        ..Options::default()
    };
    let main_path = work.join("bench.typ");

    let cold: Vec<Duration> = (0..COLD_RUNS)
        .map(|_| {
            // Forget every memoized result, so nothing is reused.
            typst::comemo::evict(0);
            time(|| {
                let mut session = Session::new(&doc, opts.clone(), SourceMap::default()).unwrap();
                session.rebuild(&main_path).map(|_| ()).unwrap();
            })
        })
        .collect();

    let table = doc.join("projects/01-jiefang-dating.toml");
    let original = std::fs::read_to_string(&table).unwrap();
    assert!(
        original.contains(CELL),
        "the reference data changed: no {CELL}"
    );
    let mut session = Session::new(&doc, opts, SourceMap::default()).unwrap();
    let mut last = session.rebuild(&main_path).unwrap().pdf.unwrap();
    let warm: Vec<Duration> = (0..WARM_RUNS)
        .map(|i| {
            // Alternate, so that every rebuild sees a real change.
            std::fs::write(&table, original.replace(CELL, EDITS[i % 2])).unwrap();
            let mut pdf = Vec::new();
            let took = time(|| pdf = session.rebuild(&main_path).unwrap().pdf.unwrap());
            assert_ne!(pdf, last, "rebuild {i} did not change the PDF");
            last = pdf;
            took
        })
        .collect();

    report("cold build (fonts + load + render + compile + PDF)", cold);
    report("warm rebuild after a one-cell edit", warm);
    let _ = std::fs::remove_dir_all(&work);
}

fn time(f: impl FnOnce()) -> Duration {
    let start = Instant::now();
    f();
    start.elapsed()
}

fn report(what: &str, mut runs: Vec<Duration>) {
    runs.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "{what}: median {:.1} ms, min {:.1} ms, max {:.1} ms ({} runs)",
        ms(runs[runs.len() / 2]),
        ms(runs[0]),
        ms(runs[runs.len() - 1]),
        runs.len()
    );
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}
