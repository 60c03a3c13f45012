//! What the commands write and where: diagnostics on long lines stay short
//! (issue 8, item 12), a reader that goes away ends a command quietly (item
//! 16), and output paths never destroy data (item 7).

mod common;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use common::{TempDir, manifest_dir};

const HEAD: &str =
    "year = 2031\ndepartment = \"测试局\"\nunit_code = \"900001\"\nunit_name = \"测试局本级\"\n";

fn jixiao() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_jixiao"));
    cmd.current_dir(manifest_dir());
    cmd
}

fn write(dir: &Path, name: &str, text: &str) {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

#[test]
fn reference_check_output_is_unchanged() {
    let out = jixiao()
        .args(["check", "data/2025/chengde-xinfang"])
        .output()
        .unwrap();
    assert!(out.status.success());
    insta::assert_snapshot!("reference-check", String::from_utf8_lossy(&out.stderr));
}

/// 2,000 characters no font draws, on one 8 KB line: each diagnostic shows a
/// window of the line, and the rule's repeats fold after the first few.
#[test]
fn many_findings_on_one_long_line_print_briefly() {
    let tmp = TempDir::new("longline");
    let text: String = (0x20000..0x20000 + 2000)
        .filter_map(char::from_u32)
        .collect();
    write(
        tmp.path(),
        "document.toml",
        &format!("{HEAD}overall = \"{text}\"\n"),
    );
    let started = Instant::now();
    let out = jixiao().arg("check").arg(tmp.path()).output().unwrap();
    assert!(started.elapsed() < Duration::from_secs(30), "check hung");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.len() < 10_000, "{} bytes:\n{err}", err.len());
    assert!(
        err.contains("J701 在 ") && err.contains("另有 1997 处"),
        "{err}"
    );
    assert!(err.contains("检查完成：2000 个错误"), "{err}");
    let shown = err
        .lines()
        .find(|l| l.starts_with("5 │"))
        .expect("source line");
    assert!(
        shown.ends_with('…') && shown.chars().count() < 200,
        "{shown}"
    );
    assert!(
        err.contains("document.toml:5:13"),
        "true column kept:\n{err}"
    );
}
