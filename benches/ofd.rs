//! Time, peak memory and size of the OFD export beside the PDF's (issue
//! 13): the reference, a 105-table document (about 127 pages) and a
//! 420-table one (over 500 pages), each built to PDF, to OFD and to both.
//! The page counts are the PDF's (`pdfinfo`).
//! Run with `cargo bench --bench ofd`.
//!
//! Each case runs in a fresh process of this benchmark, which reads the
//! peak resident memory of the `jixiao` it ran.

#[path = "../tests/common/long_document.rs"]
mod long_document;
#[path = "common/median.rs"]
mod median;
#[path = "common/run.rs"]
mod run;

use std::path::Path;

/// Runs per case; the median is reported.
const RUNS: usize = 3;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--case") {
        return median::measure(&args[i + 1..]);
    }
    let work = std::env::temp_dir().join(format!("jixiao-ofd-bench-{}", std::process::id()));
    let reference = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/2025/chengde-xinfang");
    let (hundred, five_hundred) = (work.join("t105"), work.join("t420"));
    long_document::write_long_document(&hundred, 15, "≥800平方米");
    long_document::write_long_document(&five_hundred, 60, "≥800平方米");
    println!("jixiao build, median of {RUNS} runs (output: the file after -o)");
    println!(
        "{:<34} {:>9} {:>9} {:>11}",
        "case", "seconds", "peak MB", "output KB"
    );
    let docs = [
        ("reference", reference.as_path()),
        ("105 tables", hundred.as_path()),
        ("420 tables", five_hundred.as_path()),
    ];
    for (name, dir) in docs {
        for (emit, ext) in [("pdf", "pdf"), ("ofd", "ofd"), ("pdf,ofd", "pdf")] {
            let out = work.join(format!("out.{ext}"));
            let args: Vec<String> = vec![
                "-q".into(),
                "build".into(),
                dir.display().to_string(),
                "--emit".into(),
                emit.into(),
                "-o".into(),
                out.display().to_string(),
            ];
            let line = median::median_line(RUNS, &args);
            println!("{:<34} {line}", format!("{name}, {emit}"));
            if emit == "pdf" {
                println!("{:<34}", format!("  ({} pages)", pages(&out)));
            }
        }
    }
    let _ = std::fs::remove_dir_all(&work);
}

/// The page count `pdfinfo` reads from `pdf` ("?" without poppler).
fn pages(pdf: &Path) -> String {
    let out = std::process::Command::new("pdfinfo").arg(pdf).output();
    let text = out.map(|o| String::from_utf8_lossy(&o.stdout).into_owned());
    let line = text.ok().and_then(|t| {
        t.lines()
            .find_map(|l| l.strip_prefix("Pages:").map(|n| n.trim().to_string()))
    });
    line.unwrap_or_else(|| "?".to_string())
}
