//! Time and peak memory of `jixiao diff --pages` on a long document (issue
//! 8, item 14: rasters of every page were kept, 1.7 GB for 379 pages): no
//! output, a folder of PNG files and a PDF, one changed page each, and a
//! PDF of every table page changed.
//! Run with `cargo bench --bench pages`.
//!
//! Each case runs in a fresh process of this benchmark, which reads the peak
//! resident memory of the `jixiao` it ran (`getrusage(RUSAGE_CHILDREN)`).

#[path = "../tests/common/long_document.rs"]
mod long_document;
#[path = "common/run.rs"]
mod run;

use std::process::Command;

/// Copies of the 7 reference projects: 300 projects, about 370 pages.
const COPIES: usize = 43;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--case") {
        return measure(&args[i + 1..]);
    }
    let work = std::env::temp_dir().join(format!("jixiao-pages-bench-{}", std::process::id()));
    let (old, new) = (work.join("old"), work.join("new"));
    long_document::write_long_document(&old, COPIES, "≥800平方米");
    long_document::write_long_document(&new, COPIES, "≥801平方米");
    // Every table page changes with the unit name above the table.
    let every = work.join("every");
    long_document::write_long_document(&every, COPIES, "≥801平方米");
    let doc = every.join("document.toml");
    let text = std::fs::read_to_string(&doc).unwrap();
    std::fs::write(&doc, text.replace("信访局本级", "信访局机关")).unwrap();
    let (old, new) = (old.to_str().unwrap(), new.to_str().unwrap());
    let pngs = work.join("pngs/");
    let pdf = work.join("pages.pdf");
    let pdf = pdf.to_str().unwrap();
    let cases: [(&str, Vec<&str>); 4] = [
        ("no output", vec![old, new]),
        ("PNG folder", vec![old, new, "-o", pngs.to_str().unwrap()]),
        ("PDF", vec![old, new, "-o", pdf]),
        ("PDF, every", vec![old, every.to_str().unwrap(), "-o", pdf]),
    ];
    println!("diff --pages, {} projects", 7 * COPIES);
    println!(
        "{:<12} {:>6} {:>8} {:>8} {:>9}",
        "output", "pages", "changed", "seconds", "peak MB"
    );
    for (name, extra) in cases {
        let out = Command::new(std::env::current_exe().unwrap())
            .args(["--case", "diff", "--pages"])
            .args(extra)
            .output()
            .unwrap();
        println!(
            "{name:<12} {}",
            String::from_utf8_lossy(&out.stdout).trim_end()
        );
    }
    let _ = std::fs::remove_dir_all(&work);
}

/// One case: runs jixiao with `args`; prints pages, seconds and peak MB.
fn measure(args: &[String]) {
    let (out, took, peak_mb) = run::jixiao(args);
    // One line per changed page, the last one lists the unchanged pages.
    let report = String::from_utf8_lossy(&out.stdout);
    let changed = report.lines().count().saturating_sub(1);
    let last = report.lines().last().unwrap_or("");
    let pages = changed + last.matches('、').count() + 1;
    println!("{pages:>6} {changed:>8} {took:>8.2} {peak_mb:>9.0}");
}
