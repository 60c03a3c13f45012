//! Time and peak memory of `jixiao diff` on data (issue 14): the reference
//! against a copy with one edit, and a 300-table document (about 370 pages)
//! against a copy with one cell changed, as text, JSON and HTML. Both
//! versions are typeset for the page numbers and the checks, so the time is
//! mostly two compilations; HTML adds the changed pages' images.
//! Run with `cargo bench --bench diff`.
//!
//! Each case runs in a fresh process of this benchmark, which reads the peak
//! resident memory of the `jixiao` it ran (`getrusage(RUSAGE_CHILDREN)`).

#[path = "../tests/common/long_document.rs"]
mod long_document;
#[path = "common/median.rs"]
mod median;
#[path = "common/run.rs"]
mod run;

use std::path::Path;

/// Copies of the 7 reference projects in the long document.
const COPIES: usize = 43;
/// Runs per case; the median is reported.
const RUNS: usize = 5;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--case") {
        return median::measure(&args[i + 1..]);
    }
    let work = std::env::temp_dir().join(format!("jixiao-diff-bench-{}", std::process::id()));
    let reference = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/2025/chengde-xinfang");
    let edited = work.join("edited");
    copy_with_edit(&reference, &edited, "≥800平方米", "≥801平方米");
    let (old, new) = (work.join("old"), work.join("new"));
    long_document::write_long_document(&old, COPIES, "≥800平方米");
    long_document::write_long_document(&new, COPIES, "≥801平方米");
    let html = work.join("report.html");
    println!("jixiao diff, median of {RUNS} runs");
    println!(
        "{:<34} {:>9} {:>9} {:>11}",
        "case", "seconds", "peak MB", "output KB"
    );
    let pairs = [
        ("reference, one edit", reference.as_path(), edited.as_path()),
        ("300 tables, one cell", old.as_path(), new.as_path()),
    ];
    for (name, a, b) in pairs {
        for format in ["text", "json", "html"] {
            let mut args = vec![
                "diff".to_string(),
                a.display().to_string(),
                b.display().to_string(),
                "--format".into(),
                format.into(),
            ];
            if format == "html" {
                args.extend(["-o".into(), html.display().to_string()]);
            }
            let line = median::median_line(RUNS, &args);
            println!("{:<34} {line}", format!("{name}, {format}"));
        }
    }
    let _ = std::fs::remove_dir_all(&work);
}

/// Copies a document folder, replacing `from` by `to` in its files.
fn copy_with_edit(from: &Path, to: &Path, old: &str, new: &str) {
    for sub in ["", "projects"] {
        std::fs::create_dir_all(to.join(sub)).unwrap();
        for entry in std::fs::read_dir(from.join(sub)).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "toml") {
                let text = std::fs::read_to_string(&path).unwrap().replace(old, new);
                std::fs::write(to.join(sub).join(path.file_name().unwrap()), text).unwrap();
            }
        }
    }
}
