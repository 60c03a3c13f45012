//! `diff --pages` keeps memory flat (issue 8, item 14): it holds the typeset
//! documents, not a raster of every page, and the comparison PDF embeds the
//! pages as PDF, not as rasters that Typst would decode and keep. Before, a
//! 365-page document took 1.8 GB; figures are in benches/pages.rs.

mod common;
#[path = "common/long_document.rs"]
mod long_document;

use std::path::Path;
use std::process::{Command, Output};

use common::{TempDir, manifest_dir};
use long_document::write_long_document;

/// Writes an old and a new version of a 124-page document (14 copies of
/// the reference projects); the new one changes one cell.
fn write_versions(dir: &Path) -> (String, String) {
    let (old, new) = (dir.join("old"), dir.join("new"));
    write_long_document(&old, 14, "≥800平方米");
    write_long_document(&new, 14, "≥801平方米");
    let s = |p: &Path| p.to_str().unwrap().to_string();
    (s(&old), s(&new))
}

/// Runs `jixiao diff --pages <args>` with its data segment limited to
/// 380 MB: rasters of all pages (old and new, 2 MB each) need about 500 MB
/// on top of typesetting, page by page about 2 x 2 MB.
fn pages_limited(args: &[&str]) -> Output {
    let script = "ulimit -d 380000; exec \"$0\" diff --pages \"$@\"";
    Command::new("sh")
        .current_dir(manifest_dir())
        .args(["-c", script, env!("CARGO_BIN_EXE_jixiao")])
        .args(args)
        .output()
        .unwrap()
}

fn report(out: &Output) -> String {
    let report = String::from_utf8_lossy(&out.stdout).into_owned();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{report}{err}");
    assert!(
        report.contains("、120、"),
        "fewer pages than meant: {report}"
    );
    report
}

#[cfg(unix)]
#[test]
fn pages_of_a_long_document_fit_in_bounded_memory() {
    let tmp = TempDir::new("pages-memory");
    let (old, new) = write_versions(tmp.path());
    let report = report(&pages_limited(&[&old, &new]));
    assert_eq!(report.matches("页）有变化").count(), 1, "{report}");
}

#[cfg(unix)]
#[test]
fn a_comparison_pdf_of_every_page_fits_in_bounded_memory() {
    let tmp = TempDir::new("pages-memory-pdf");
    let (old, new) = write_versions(tmp.path());
    // The unit name heads every table page.
    let doc = Path::new(&new).join("document.toml");
    let text = std::fs::read_to_string(&doc).unwrap();
    std::fs::write(&doc, text.replace("信访局本级", "信访局机关")).unwrap();
    let pdf = tmp.path().join("changes.pdf");
    let out = pages_limited(&[&old, &new, "-o", pdf.to_str().unwrap()]);
    let changed = String::from_utf8_lossy(&out.stdout)
        .matches("页）有变化")
        .count();
    assert!(changed > 90, "{}", String::from_utf8_lossy(&out.stdout));
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(common::page_count(&pdf), changed);
}
