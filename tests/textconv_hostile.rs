//! `jixiao textconv` on hostile input (issue 8, item 4): git runs it on
//! every `*.pdf` of `git diff`, so each of these must end quickly with a
//! Chinese message (exit 2), never a crash, a hang or unbounded memory.
//! The PDFs are written by `common/hostile_pdf.rs`; figures are measured
//! by `benches/hostile.rs`.

mod common;
#[path = "common/hostile_pdf.rs"]
mod hostile_pdf;

use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::TempDir;

/// Only catches hangs; the real figures (< 2 s) are in the benchmark.
const HANG: Duration = Duration::from_secs(30);

/// Runs `jixiao textconv <file>`; returns exit code and stderr. Kills it
/// and fails when it outlives [`HANG`].
fn textconv(file: &Path) -> (Option<i32>, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .arg("textconv")
        .arg(file)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("cannot run the jixiao binary");
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > HANG {
            let _ = child.kill();
            panic!("textconv {} still running after {HANG:?}", file.display());
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let mut err = String::new();
    child.stderr.unwrap().read_to_string(&mut err).unwrap();
    (status.code(), err)
}

/// Writes `bytes` into a fresh folder and runs textconv on it; asserts a
/// clean refusal whose message holds `expected`.
fn refused(name: &str, bytes: &[u8], expected: &str) {
    let tmp = TempDir::new(name);
    let file = tmp.path().join(format!("{name}.pdf"));
    std::fs::write(&file, bytes).unwrap();
    assert_refused(&file, expected);
}

fn assert_refused(file: &Path, expected: &str) {
    let (code, err) = textconv(file);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains(expected), "expected {expected}: {err}");
    assert!(
        err.contains("error: 无法") || err.contains("error: “"),
        "{err}"
    );
    for english in ["overflow", "memory allocation", "panicked", "fatal"] {
        assert!(!err.contains(english), "{english} leaked: {err}");
    }
}

#[test]
fn deeply_nested_arrays_are_refused() {
    let pdf = hostile_pdf::nested_arrays(200_000);
    refused("nested", &pdf, "结构嵌套过深");
}

#[test]
fn a_flate_bomb_is_refused() {
    // 1 MB of zlib inflating to 1 GB.
    let pdf = hostile_pdf::flate_bomb(1024);
    refused("bomb", &pdf, "解码所需内存超过");
}

#[test]
fn exponentially_nested_forms_are_stopped() {
    let pdf = hostile_pdf::nested_forms(40);
    refused("forms", &pdf, "解析超过");
}

#[test]
fn devices_and_folders_are_refused() {
    assert_refused(Path::new("/dev/zero"), "不是普通文件");
    assert_refused(&std::env::temp_dir(), "不是普通文件");
}

#[cfg(unix)]
#[test]
fn a_fifo_is_refused_without_blocking() {
    let tmp = TempDir::new("fifo");
    let fifo = tmp.path().join("x.pdf");
    let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success(), "mkfifo failed");
    assert_refused(&fifo, "不是普通文件");
}

#[test]
fn an_oversized_file_is_refused_unread() {
    let tmp = TempDir::new("big");
    let file = tmp.path().join("big.pdf");
    // Sparse: 100 MB long, nothing written.
    let f = std::fs::File::create(&file).unwrap();
    f.set_len(100 << 20).unwrap();
    assert_refused(&file, "太大");
}
