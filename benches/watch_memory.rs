//! Memory of a long `watch` (issue 8, item 14): 200 rebuilds through
//! [`Session`] of a document whose `document.toml` carries 1 MB (a TOML
//! comment, so the typeset pages stay small and a rebuild stays fast), the
//! file changing before every rebuild. Prints the resident set size and the
//! source text held after rebuilds 1, 10, 100 and 200; flat is the target.
//! Run with `cargo bench --bench watch_memory`.

use std::path::PathBuf;

use jixiao::pipeline::Options;
use jixiao::report::diag::SourceMap;
use jixiao::session::Session;

const REBUILDS: usize = 200;
const PADDING: usize = 1 << 20;

fn main() {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let work = std::env::temp_dir().join(format!("jixiao-bench-watch-{}", std::process::id()));
    let doc = work.join("doc");
    std::fs::create_dir_all(&doc).unwrap();
    let base =
        std::fs::read_to_string(manifest.join("tests/fixtures/minimal/document.toml")).unwrap();
    let opts = Options {
        root: Some(manifest.clone()),
        ..Options::default()
    };
    let sources = SourceMap::default();
    let mut session = Session::new(&doc, opts, sources.clone()).unwrap();
    let line = format!("# {}\n", "x".repeat(98));
    for i in 1..=REBUILDS {
        let padding = line.repeat(PADDING / line.len());
        let text = format!("{base}# edit {i}\n{padding}");
        std::fs::write(doc.join("document.toml"), text).unwrap();
        session.rebuild(&work.join("w.typ")).unwrap();
        if [1, 10, 100, REBUILDS].contains(&i) {
            println!(
                "after rebuild {i:>3}: RSS {:>7.1} MB, source text held {:>5.1} MB",
                rss_kb() as f64 / 1024.0,
                sources.held_bytes() as f64 / (1024.0 * 1024.0)
            );
        }
    }
    std::fs::remove_dir_all(&work).ok();
}

/// The resident set size of this process, from /proc (0 where there is none).
fn rss_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}
