//! What the commands write and where: diagnostics on long lines stay short
//! (issue 8, item 12), a reader that goes away ends a command quietly (item
//! 16), and output paths never destroy data (item 7).

mod common;

use std::ffi::OsStr;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
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

/// Which standard stream a test closes.
#[derive(Clone, Copy, Debug)]
enum Stream {
    Out,
    Err,
}

/// Runs `jixiao args` with standard output or error (`which`) a pipe whose
/// reader is closed at once; returns the exit code and the other stream.
fn with_closed_reader(args: &[&OsStr], which: Stream) -> (Option<i32>, String) {
    let mut cmd = jixiao();
    cmd.args(args).stdin(Stdio::null());
    let out = match which {
        Stream::Out => Stdio::piped(),
        Stream::Err => Stdio::null(),
    };
    let mut child = cmd.stdout(out).stderr(Stdio::piped()).spawn().unwrap();
    let mut other = String::new();
    match which {
        Stream::Out => {
            drop(child.stdout.take());
            let mut err = child.stderr.take().unwrap();
            err.read_to_string(&mut other).unwrap();
        }
        Stream::Err => drop(child.stderr.take()),
    }
    (child.wait().unwrap().code(), other)
}

/// Two versions of a table of 1,000 rows with every value changed: a diff
/// report of more than 64 KB, more than a pipe holds.
fn big_diff(tmp: &Path) -> (PathBuf, PathBuf) {
    for (side, v) in [("old", 1), ("new", 2)] {
        let rows: String = (0..1000)
            .map(|i| {
                format!(
                    "[[indicators]]\nlevel1 = \"产出指标\"\nlevel2 = \"数量指标\"\n\
                     name = \"指标{i}\"\nvalue = \"={v}个\"\n"
                )
            })
            .collect();
        let dir = tmp.join(side);
        write(&dir, "document.toml", HEAD);
        let head = "code = \"X1\"\nname = \"项目\"\n[budget]\ntotal = \"1\"\n";
        write(&dir, "projects/01-a.toml", &format!("{head}{rows}"));
    }
    (tmp.join("old"), tmp.join("new"))
}

/// `rules | head -1`, `check 2>&1 | head -1`, `check --format json | head
/// -c 300`, a diff report over 64 KB: the reader goes away first, and the
/// command still ends with its normal exit code and no panic.
#[test]
fn closed_pipes_end_commands_quietly() {
    let tmp = TempDir::new("pipes");
    let (old, new) = big_diff(tmp.path());
    let reference = manifest_dir().join("data/2025/chengde-xinfang");
    let missing = tmp.path().join("nothing");
    let os = OsStr::new;
    let cases: Vec<(Vec<&OsStr>, Stream, i32)> = vec![
        (vec![os("rules")], Stream::Out, 0),
        (vec![os("check"), reference.as_os_str()], Stream::Err, 0),
        (
            vec![
                os("check"),
                reference.as_os_str(),
                os("--format"),
                os("json"),
            ],
            Stream::Out,
            0,
        ),
        (
            vec![os("diff"), old.as_os_str(), new.as_os_str()],
            Stream::Out,
            1,
        ),
        (vec![os("check"), missing.as_os_str()], Stream::Err, 2),
        (vec![os("--help")], Stream::Out, 0),
    ];
    for (args, which, code) in cases {
        let (got, other) = with_closed_reader(&args, which);
        assert!(!other.contains("panicked"), "{args:?}: {other}");
        assert_eq!(got, Some(code), "{args:?} with {which:?} closed: {other}");
    }
}

/// `watch DIR 2>&1 | head -1`: once its log has no reader, watch stops
/// after the first build instead of running on unseen.
#[test]
fn watch_stops_when_its_log_has_no_reader() {
    let tmp = TempDir::new("watchpipe");
    let pdf = tmp.path().join("w.pdf");
    let minimal = manifest_dir().join("tests/fixtures/minimal");
    let args = [
        OsStr::new("watch"),
        minimal.as_os_str(),
        OsStr::new("-o"),
        pdf.as_os_str(),
    ];
    let mut child = jixiao()
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stderr.take());
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > Duration::from_secs(60) {
            child.kill().unwrap();
            panic!("watch kept running with nobody reading its log");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(status.code(), Some(0));
    assert!(pdf.is_file(), "the first build is still written");
}
