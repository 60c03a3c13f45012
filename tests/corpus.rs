//! The bad-input corpus: every folder under `tests/corpus/` is a document
//! (mostly broken on purpose) whose whole answer from jixiao, exit code,
//! standard output and standard error, is snapshotted in `expected.txt`.
//!
//! A case runs `jixiao check <case>` unless it has an `args` file (one
//! argument per line; `{dir}` is the case folder, `{tmp}` a fresh temporary
//! folder). Run with `JIXIAO_BLESS=1` to rewrite the snapshots after an
//! intended change, then review them with `git diff`.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{TempDir, manifest_dir};

fn cases() -> Vec<PathBuf> {
    let root = manifest_dir().join("tests/corpus");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root)
        .expect("tests/corpus exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs
}

/// Runs one case and renders what a user would see.
fn run_case(case: &Path) -> String {
    let name = case.file_name().unwrap().to_string_lossy().into_owned();
    let rel = format!("tests/corpus/{name}");
    let tmp = TempDir::new("corpus");
    let tmp_str = tmp.path().display().to_string();
    let args: Vec<String> = match std::fs::read_to_string(case.join("args")) {
        Ok(text) => text
            .lines()
            .map(|a| a.replace("{dir}", &rel).replace("{tmp}", &tmp_str))
            .collect(),
        Err(_) => vec!["check".into(), rel.clone()],
    };
    let out = Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .args(&args)
        .current_dir(manifest_dir())
        .output()
        .expect("cannot run the jixiao binary");
    let wrote: Vec<String> = std::fs::read_dir(tmp.path())
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
        .collect();
    let shown = args.join(" ").replace(&tmp_str, "{tmp}");
    let text = format!(
        "$ jixiao {shown}\nexit: {}\nfiles written to {{tmp}}: {wrote:?}\n--- stdout\n{}--- stderr\n{}",
        out.status.code().map_or("signal".into(), |c| c.to_string()),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    text.replace(&tmp_str, "{tmp}")
}

#[test]
fn corpus_answers_match_snapshots() {
    let bless = std::env::var_os("JIXIAO_BLESS").is_some();
    let mut failed = Vec::new();
    let all = cases();
    assert!(all.len() >= 40, "the corpus has only {} cases", all.len());
    for case in &all {
        let got = run_case(case);
        let path = case.join("expected.txt");
        let want = std::fs::read_to_string(&path).unwrap_or_default();
        if got != want {
            if bless {
                std::fs::write(&path, &got).unwrap();
            } else {
                failed.push(format!(
                    "== {}\n-- expected\n{want}\n-- got\n{got}",
                    case.display()
                ));
            }
        }
    }
    assert!(
        failed.is_empty(),
        "{} of {} corpus cases differ (JIXIAO_BLESS=1 rewrites them):\n{}",
        failed.len(),
        all.len(),
        failed.join("\n")
    );
}

/// Cases that must come out clean: controls for the rules and `allow`.
const CLEAN: &[&str] = &[
    "clean",
    "allow-in-document",
    "allow-in-project",
    "profile-b-clean",
    "markup-in-data-is-text",
    "invisible-characters-are-fine",
    "years-ranges-and-comparisons-are-fine",
];

/// Cases whose problem is about a file as a whole, so has no line to show.
const UNLOCATED: &[&str] = &[
    "missing-folder",
    "no-document-toml",
    "not-utf8",
    "build-output-unwritable",
    "json-format",
];

/// Cases whose answer is not diagnostics on standard error (JSON, a
/// `textconv` or `diff` of hostile text), so are not held to the rules below.
const NOT_DIAGNOSTICS: &[&str] = &[
    "json-format",
    "textconv-cannot-forge-lines",
    "diff-escapes-controls",
];

#[test]
fn corpus_never_panics_and_errors_say_where() {
    for case in cases() {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let got = run_case(&case);
        assert!(!got.contains("panicked"), "{name}: {got}");
        let lines: Vec<&str> = got.lines().collect();
        let headers: Vec<usize> = (0..lines.len())
            .filter(|&i| {
                ["error", "warning", "note"]
                    .iter()
                    .any(|s| lines[i].starts_with(s) && lines[i][s.len()..].starts_with([':', '[']))
            })
            .collect();
        if CLEAN.contains(&name.as_str()) {
            assert!(headers.is_empty(), "{name} should be clean:\n{got}");
            assert_eq!(lines[1], "exit: 0", "{name}");
            continue;
        }
        if NOT_DIAGNOSTICS.contains(&name.as_str()) {
            continue;
        }
        assert!(!headers.is_empty(), "{name} reports nothing:\n{got}");
        if UNLOCATED.contains(&name.as_str()) {
            continue;
        }
        for &h in &headers {
            // The printer's count of folded repeats has no place of its own.
            if lines[h].starts_with("note: ") && lines[h].ends_with("处，未逐条列出") {
                continue;
            }
            let next = lines.get(h + 1).copied().unwrap_or_default();
            let located = next.trim_start().starts_with("┌─ tests/corpus/")
                && next.rsplit(':').take(2).all(|n| n.parse::<usize>().is_ok());
            assert!(located, "{name}: diagnostic without file:line:col:\n{got}");
        }
    }
}
