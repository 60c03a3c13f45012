//! Time and peak memory of `jixiao diff --pages` on a long document (issue
//! 8, item 14: rasters of every page were kept, 1.7 GB for 379 pages): no
//! output, a folder of PNG files and a PDF, one changed page each.
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
    let (old, new) = (old.to_str().unwrap(), new.to_str().unwrap());
    let pngs = work.join("pngs/");
    let pdf = work.join("pages.pdf");
    let cases: [(&str, Vec<&str>); 3] = [
        ("no output", vec![]),
        ("PNG folder", vec!["-o", pngs.to_str().unwrap()]),
        ("PDF", vec!["-o", pdf.to_str().unwrap()]),
    ];
    println!("diff --pages, {} projects", 7 * COPIES);
    println!(
        "{:<12} {:>8} {:>8} {:>9}",
        "output", "pages", "seconds", "peak MB"
    );
    for (name, extra) in cases {
        let out = Command::new(std::env::current_exe().unwrap())
            .args(["--case", "diff", "--pages", old, new])
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
    // The summary's last line lists the unchanged pages, one changed page.
    let report = String::from_utf8_lossy(&out.stdout);
    let pages = report
        .lines()
        .last()
        .map_or(0, |l| l.matches('、').count() + 2);
    println!("{pages:>8} {took:>8.2} {peak_mb:>9.0}");
}
