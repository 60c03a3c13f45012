//! `diff --pages` keeps memory flat (issue 8, item 14): it holds the typeset
//! documents, not a raster of every page. Before, a 257-page document took
//! 1.3 GB; figures are in benches/pages.rs.

mod common;
#[path = "common/long_document.rs"]
mod long_document;

use std::process::Command;

use common::{TempDir, manifest_dir};
use long_document::write_long_document;

#[cfg(unix)]
#[test]
fn pages_of_a_long_document_fit_in_bounded_memory() {
    let tmp = TempDir::new("pages-memory");
    let (old, new) = (tmp.path().join("old"), tmp.path().join("new"));
    write_long_document(&old, 14, "≥800平方米");
    write_long_document(&new, 14, "≥801平方米");
    // About 120 pages: rasters of all of them (old and new, 2 MB each) need
    // about 500 MB on top of typesetting, streaming about 2 x 2 MB.
    let script = format!(
        "ulimit -d 380000; exec \"$0\" diff --pages \"{}\" \"{}\"",
        old.display(),
        new.display()
    );
    let out = Command::new("sh")
        .current_dir(manifest_dir())
        .args(["-c", &script, env!("CARGO_BIN_EXE_jixiao")])
        .output()
        .unwrap();
    let report = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{report}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(report.contains("页有变化"), "{report}");
    assert!(
        report.contains("、120、"),
        "fewer pages than meant: {report}"
    );
}
