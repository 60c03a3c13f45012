//! Batch build and check (issue 12, item 3): a folder of document folders
//! is built or checked in one call; one broken document fails alone; the
//! summary lists every document in path order in text, JSON and Markdown;
//! `check` finds the same 项目编码 in two documents and a department
//! folder without a document.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use common::{TempDir, copy_dir, manifest_dir, page_count, reference_dir};

fn jixiao(args: &[&std::ffi::OsStr]) -> Output {
    let started = Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .current_dir(manifest_dir())
        .args(args)
        .output()
        .expect("cannot run the jixiao binary");
    assert!(started.elapsed() < Duration::from_secs(120), "batch hung");
    out
}

/// Copies document folder `from` to `to`, giving every 项目编码 the
/// prefix `tag` so that no two copies share a code.
fn copy_doc(from: &Path, to: &Path, tag: &str) {
    copy_dir(from, to);
    for entry in std::fs::read_dir(to.join("projects")).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(&path, text.replace("code = \"", &format!("code = \"{tag}"))).unwrap();
    }
}

/// An example document folder of `data/examples`.
fn example(kind: &str) -> PathBuf {
    manifest_dir().join("data/examples").join(kind)
}

/// The examples copied in turn.
const KINDS: [&str; 3] = ["central", "department", "shenbao"];

/// The batch: the reference at `2025/ref`, 20 copies of the examples at
/// `2025/cityN/deptNN`, and `2025/city0/dept07` broken (a project file
/// whose line 2 is not TOML). Returns the broken file.
fn make_tree(top: &Path) -> PathBuf {
    copy_doc(&reference_dir(), &top.join("2025/ref"), "R");
    for i in 0..20 {
        let kind = KINDS[i % 3];
        let from = example(kind);
        let to = top.join(format!("2025/city{}/dept{i:02}", i / 8));
        copy_doc(&from, &to, &format!("D{i:02}"));
    }
    let broken = top.join("2025/city0/dept07/projects/09-broken.toml");
    std::fs::write(&broken, "form = \"hebei\"\ncode = = \"X\"\n").unwrap();
    broken
}

/// Every document of the tree with its expected table count: its project
/// files, less the 部门整体支出绩效目标表 (printed in 第一部分).
fn documents() -> Vec<(String, usize)> {
    let mut docs = vec![("2025/ref".to_string(), 7)];
    for i in 0..20 {
        let kind = KINDS[i % 3];
        let rel = format!("2025/city{}/dept{i:02}", i / 8);
        let files = std::fs::read_dir(example(kind).join("projects")).unwrap();
        let whole = |p: &Path| {
            let text = std::fs::read_to_string(p).unwrap();
            text.lines().any(|l| l == "form = \"department\"")
        };
        let n = files
            .filter(|f| !whole(&f.as_ref().unwrap().path()))
            .count();
        docs.push((rel, n));
    }
    docs.sort();
    docs
}

/// Runs `jixiao build TOP -o DIST/ EXTRA…`.
fn build_into(top: &Path, dist: &Path, extra: &[&str]) -> Output {
    let mut args: Vec<&std::ffi::OsStr> = vec![
        "build".as_ref(),
        top.as_os_str(),
        "-o".as_ref(),
        dist.as_os_str(),
    ];
    args.extend(extra.iter().map(std::ffi::OsStr::new));
    jixiao(&args)
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn a_tree_of_21_documents_builds_in_one_call_with_one_broken() {
    let tmp = TempDir::new("batch-build");
    let top = tmp.path().join("data");
    let broken = make_tree(&top);
    let dist = tmp.path().join("dist/");
    let out = build_into(&top, &dist, &[]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    // The broken document's error names its file, line and column.
    let at = format!("{}:2:8", broken.display());
    assert!(err.contains(&at), "no {at} in:\n{err}");
    assert!(!dist.join("2025/city0/dept07.pdf").exists());
    let summary = stdout(&out);
    for (rel, tables) in documents() {
        let line = summary
            .lines()
            .find(|l| l.split_whitespace().next() == Some(rel.as_str()))
            .unwrap_or_else(|| panic!("{rel} missing from the summary:\n{summary}"));
        let cells: Vec<&str> = line.split_whitespace().collect();
        if rel == "2025/city0/dept07" {
            assert_eq!(cells[1], "失败", "{line}");
            continue;
        }
        let pdf = dist.join(format!("{rel}.pdf"));
        assert!(
            std::fs::read(&pdf).unwrap().starts_with(b"%PDF-"),
            "{}",
            pdf.display()
        );
        assert_eq!(cells[1], "已生成", "{line}");
        assert_eq!(cells[2], page_count(&pdf).to_string(), "{line}");
        assert_eq!(cells[3], tables.to_string(), "{line}");
    }
    insta::assert_snapshot!("build-text", summary);
}

#[test]
fn the_summary_as_json_and_markdown() {
    let tmp = TempDir::new("batch-formats");
    let top = tmp.path().join("data");
    make_tree(&top);
    let dist = tmp.path().join("dist/");
    let run = |format: &str| {
        let out = build_into(&top, &dist, &["--format", format]);
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        stdout(&out)
    };
    let json: serde_json::Value = serde_json::from_str(&run("json")).unwrap();
    let docs = json["documents"].as_array().unwrap();
    let paths: Vec<&str> = docs.iter().map(|d| d["path"].as_str().unwrap()).collect();
    let want = documents();
    assert_eq!(
        paths,
        want.iter().map(|(p, _)| p.as_str()).collect::<Vec<_>>()
    );
    let broken = docs
        .iter()
        .find(|d| d["path"] == "2025/city0/dept07")
        .unwrap();
    assert_eq!(broken["status"], "failed");
    assert_eq!(broken["diagnostics"][0]["line"], 2);
    let sum: rust_decimal::Decimal = docs
        .iter()
        .filter_map(|d| d["total"].as_str())
        .map(|t| t.parse::<rust_decimal::Decimal>().unwrap())
        .sum();
    assert_eq!(json["totals"]["amounts"][0]["total"], sum.to_string());
    assert_eq!(json["totals"]["failed"], 1);
    let shown = |v: &serde_json::Value| {
        let mut v = v.clone();
        for d in v["documents"].as_array_mut().unwrap() {
            d["diagnostics"] = d["diagnostics"].as_array().unwrap().len().into();
            d["outputs"] = d["outputs"].as_array().unwrap().len().into();
        }
        serde_json::to_string_pretty(&v).unwrap()
    };
    insta::assert_snapshot!("build-json", shown(&json));
    // The findings name their files by absolute path (the tree is not below
    // the current folder).
    let md = run("markdown").replace(&tmp.path().display().to_string(), "[TMP]");
    insta::assert_snapshot!("build-markdown", md);
}

/// The reference built in a batch is the same PDF, byte for byte, as
/// built alone.
#[test]
fn a_batch_build_of_the_reference_equals_the_single_build() {
    let tmp = TempDir::new("batch-same");
    let top = tmp.path().join("data");
    copy_dir(&reference_dir(), &top.join("2025/ref"));
    copy_doc(&example("central"), &top.join("2025/other"), "O");
    let dist = tmp.path().join("dist/");
    let out = build_into(&top, &dist, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let alone = tmp.path().join("alone.pdf");
    let out = jixiao(&[
        "build".as_ref(),
        reference_dir().as_os_str(),
        "-o".as_ref(),
        alone.as_os_str(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let batch = std::fs::read(dist.join("2025/ref.pdf")).unwrap();
    assert!(batch == std::fs::read(&alone).unwrap(), "the PDFs differ");
}

/// Two documents of 2025 share a code (J901, naming both places), a 2024
/// document with that code is no duplicate, and a folder beside the
/// departments holds no document (J902).
#[test]
fn check_finds_a_code_in_two_documents_and_an_empty_department() {
    let tmp = TempDir::new("batch-check");
    let top = tmp.path().join("data");
    let dept = example("department");
    copy_doc(&dept, &top.join("a"), "");
    copy_doc(&dept, &top.join("b"), "");
    copy_doc(&dept, &top.join("c"), "");
    let c_doc = top.join("c/document.toml");
    let text = std::fs::read_to_string(&c_doc).unwrap();
    std::fs::write(&c_doc, text.replace("year = 2025", "year = 2024")).unwrap();
    std::fs::create_dir_all(top.join("d/projects")).unwrap();
    let out = jixiao(&["check".as_ref(), top.as_os_str()]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    let file = |doc: &str| top.join(doc).join("projects/01-dangan-shuzihua.toml");
    assert!(err.contains("error[J901]"), "{err}");
    assert_eq!(err.matches("error[J901]").count(), 1, "{err}");
    assert!(
        err.contains(&format!("{}:2:8", file("b").display())),
        "{err}"
    );
    assert!(
        err.contains(&format!("先出现在 {}:2:8", file("a").display())),
        "{err}"
    );
    assert!(
        err.contains("warning[J902]") && err.contains(&top.join("d").display().to_string()),
        "{err}"
    );
    let json = jixiao(&[
        "check".as_ref(),
        top.as_os_str(),
        "--format".as_ref(),
        "json".as_ref(),
    ]);
    let json: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let codes: Vec<&str> = json["cross"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["code"].as_str().unwrap())
        .collect();
    // J901 is counted against the document it is reported at, b: its row
    // fails with one error, and it is among b's diagnostics.
    assert_eq!(codes, ["J902"]);
    let docs = json["documents"].as_array().unwrap();
    assert_eq!(docs.len(), 3);
    let b = docs.iter().find(|d| d["path"] == "b").unwrap();
    assert_eq!((&b["status"], &b["errors"]), (&"failed".into(), &1.into()));
    assert_eq!(b["diagnostics"][0]["code"], "J901", "{b}");
    let text = stdout(&out);
    let row = text.lines().find(|l| l.starts_with("b ")).unwrap();
    let cells: Vec<&str> = row.split_whitespace().collect();
    assert_eq!((cells[1], cells[6]), ("失败", "1"), "{text}"); // 预算数 is two cells
    let md = jixiao(&[
        "check".as_ref(),
        top.as_os_str(),
        "--format".as_ref(),
        "markdown".as_ref(),
    ]);
    assert!(stdout(&md).contains("| b | 失败 |"), "{}", stdout(&md));
}

/// A batch folder `data` holding one document, `data/a`.
fn one_document_tree(label: &str) -> (TempDir, PathBuf) {
    let tmp = TempDir::new(label);
    let top = tmp.path().join("data");
    copy_doc(&example("central"), &top.join("a"), "A");
    (tmp, top)
}

/// Without J901 the empty folder's warning alone fails only with
/// --deny-warnings.
#[test]
fn deny_warnings_counts_batch_warnings() {
    let (_tmp, top) = one_document_tree("batch-deny");
    std::fs::create_dir_all(top.join("empty")).unwrap();
    let out = jixiao(&["check".as_ref(), top.as_os_str()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let out = jixiao(&[
        "check".as_ref(),
        top.as_os_str(),
        "--deny-warnings".as_ref(),
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
}

/// `-o` must be a folder for a batch; `--format` is for batches only.
#[test]
fn usage_errors_exit_2() {
    let (tmp, top) = one_document_tree("batch-usage");
    for o in ["x.pdf", "-"] {
        let out = jixiao(&["build".as_ref(), top.as_os_str(), "-o".as_ref(), o.as_ref()]);
        assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
        assert!(
            stderr(&out).contains("批量生成时 -o 必须是文件夹"),
            "{}",
            stderr(&out)
        );
    }
    let one = top.join("a");
    let out = jixiao(&[
        "build".as_ref(),
        one.as_os_str(),
        "--format".as_ref(),
        "json".as_ref(),
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let out = jixiao(&[
        "check".as_ref(),
        one.as_os_str(),
        "--format".as_ref(),
        "markdown".as_ref(),
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let out = jixiao(&[
        "build".as_ref(),
        top.as_os_str(),
        "--format".as_ref(),
        "json,markdown".as_ref(),
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("只能指定一种汇总格式"),
        "{}",
        stderr(&out)
    );
    // An -o folder the batch's walk reaches would be read back as a
    // department without a document (J902).
    for o in ["data/dist/", "data/", "data/a-pdf/2025/"] {
        let o = tmp.path().join(o);
        let out = jixiao(&[
            "build".as_ref(),
            top.as_os_str(),
            "-o".as_ref(),
            o.as_os_str(),
        ]);
        assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
        assert!(
            stderr(&out).contains("不能在批量文件夹"),
            "{}",
            stderr(&out)
        );
    }
    assert!(
        std::fs::read_dir(tmp.path()).unwrap().count() == 1,
        "nothing written"
    );
    assert!(!top.join("dist").exists() && !top.join("a-pdf").exists());
    // Its out/ folder is not walked: accepted.
    let o = top.join("out/");
    let out = jixiao(&[
        "build".as_ref(),
        top.as_os_str(),
        "-o".as_ref(),
        o.as_os_str(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(top.join("out/a.pdf").exists());
}

/// A folder with no document at any depth (a new year's folder before any
/// department) is an empty batch: its summary, in the format asked for,
/// says so and the run fails. A folder that lacks only its document.toml
/// fails as one document, with a hint on what a document folder holds.
#[test]
fn an_empty_batch_folder_has_a_summary_and_fails() {
    let tmp = TempDir::new("batch-empty");
    let top = tmp.path().join("2026");
    std::fs::create_dir_all(top.join("city/dept")).unwrap();
    // An editor's hidden settings file is no data.
    std::fs::write(top.join(".taplo.toml"), "").unwrap();
    for command in ["check", "build"] {
        let out = jixiao(&[
            command.as_ref(),
            top.as_os_str(),
            "--format".as_ref(),
            "json".as_ref(),
        ]);
        assert_eq!(out.status.code(), Some(1), "{command}: {}", stderr(&out));
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(
            json["documents"].as_array().map(Vec::len),
            Some(0),
            "{json}"
        );
        let message = json["cross"][0]["message"].as_str().unwrap();
        assert!(message.contains("中没有找到文档"), "{json}");
    }
    let md = jixiao(&[
        "check".as_ref(),
        top.as_os_str(),
        "--format".as_ref(),
        "markdown".as_ref(),
    ]);
    assert_eq!(md.status.code(), Some(1), "{}", stderr(&md));
    assert!(stdout(&md).contains("中没有找到文档"), "{}", stdout(&md));
    let lone = tmp.path().join("lone");
    std::fs::create_dir_all(lone.join("projects")).unwrap();
    let out = jixiao(&["check".as_ref(), lone.as_os_str()]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("document.toml") && stderr(&out).contains("jixiao new"),
        "{}",
        stderr(&out)
    );
    assert!(!stdout(&out).contains("合计"), "{}", stdout(&out));
}

/// A document that fails to load (one project file is no TOML) still has
/// the codes of its other project files compared with other documents'.
#[test]
fn codes_of_a_document_that_fails_to_load_are_compared() {
    let tmp = TempDir::new("batch-partial");
    let top = tmp.path().join("data");
    let dept = example("department");
    copy_doc(&dept, &top.join("a"), "");
    copy_doc(&dept, &top.join("b"), "");
    std::fs::write(top.join("a/projects/99-broken.toml"), "code = = 1\n").unwrap();
    let out = jixiao(&["check".as_ref(), top.as_os_str()]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("99-broken.toml:1:8"), "{err}");
    let first = top.join("a/projects/01-dangan-shuzihua.toml");
    assert!(err.contains("error[J901]"), "{err}");
    assert!(
        err.contains(&format!("先出现在 {}:2:8", first.display())),
        "{err}"
    );
}

/// A folder name holding an escape sequence and a line break (a hostile
/// data tree) is shown escaped everywhere a batch prints it: the heading
/// of its diagnostics, the file line of each diagnostic and the progress
/// line of what was written.
#[cfg(unix)]
#[test]
fn hostile_folder_names_are_shown_escaped() {
    let (tmp, top) = one_document_tree("batch-hostile");
    let name = "x\u{1b}[31mRED\nFAKE";
    copy_doc(&example("central"), &top.join(name), "H");
    let check_top = tmp.path().join("b1");
    copy_doc(&example("central"), &check_top.join(name), "H");
    let broken = check_top.join(name).join("projects/09-broken.toml");
    std::fs::write(&broken, "form = \"hebei\"\ncode = = \"X\"\n").unwrap();
    copy_doc(&example("central"), &check_top.join("a"), "A");
    let check = jixiao(&["check".as_ref(), check_top.as_os_str()]);
    let dist = tmp.path().join("dist/");
    let build = build_into(&top, &dist, &[]);
    assert_eq!(build.status.code(), Some(0), "{}", stderr(&build));
    for (what, out) in [("check", &check), ("build", &build)] {
        let err = stderr(out);
        assert!(!err.contains('\u{1b}'), "{what}: raw ESC in\n{err}");
        assert!(
            !err.lines().any(|l| l.starts_with("FAKE")),
            "{what}: forged line in\n{err}"
        );
        assert!(err.contains("x\\u{1b}[31mRED↵FAKE"), "{what}:\n{err}");
    }
    let err = stderr(&check);
    assert!(
        err.contains("文档 ") && err.contains("RED↵FAKE：\n"),
        "{err}"
    );
    assert!(
        err.contains("RED↵FAKE/projects/09-broken.toml:2:8"),
        "{err}"
    );
    assert!(stderr(&build).contains("已生成 "), "{}", stderr(&build));
}

/// A `--root` that is no folder or a `--font-path` that does not exist
/// fails every document alike: reported once, as a usage error.
#[test]
fn a_bad_shared_option_is_reported_once() {
    let (_tmp, top) = one_document_tree("batch-shared");
    copy_doc(&example("central"), &top.join("b"), "B");
    copy_doc(&example("central"), &top.join("c"), "C");
    for (flag, said) in [("--root", "--root 给出的"), ("--font-path", "字体文件夹")] {
        let out = jixiao(&[
            "check".as_ref(),
            top.as_os_str(),
            flag.as_ref(),
            "/nonexistent-jixiao".as_ref(),
        ]);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{err}");
        assert_eq!(err.matches(said).count(), 1, "{err}");
        // One document: the same usage error, the same exit code.
        let one = jixiao(&[
            "check".as_ref(),
            top.join("a").as_os_str(),
            flag.as_ref(),
            "/nonexistent-jixiao".as_ref(),
        ]);
        assert_eq!(one.status.code(), Some(2), "{}", stderr(&one));
        assert_eq!(stderr(&one).matches(said).count(), 1);
    }
    // A font file where its folder is expected is named as such.
    let font = manifest_dir().join("fonts/FandolHei-Regular.otf");
    let out = jixiao(&[
        "build".as_ref(),
        top.as_os_str(),
        "--font-path".as_ref(),
        font.as_os_str(),
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("不是文件夹") && stderr(&out).contains("而不是字体文件本身"));
}

/// A broken form file of the project is shown in full once, with the
/// first document that reads it; the others fail referring to it.
#[test]
fn a_broken_project_form_is_reported_once() {
    let tmp = TempDir::new("batch-badform");
    let top = tmp.path().join("data");
    for name in ["a", "b", "c"] {
        copy_doc(&example("central"), &top.join(name), name);
    }
    std::fs::create_dir_all(tmp.path().join("templates/forms")).unwrap();
    std::fs::write(tmp.path().join("templates/forms/bad.toml"), "name = = 1\n").unwrap();
    let out = jixiao(&["check".as_ref(), top.as_os_str()]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert_eq!(err.matches("bad.toml:1:8").count(), 1, "{err}");
    assert_eq!(err.matches("与文档“a”的相同").count(), 2, "{err}");
    let summary = stdout(&out);
    assert_eq!(
        summary.matches("失败").count(),
        4,
        "three rows and the total: {summary}"
    );
}

/// Outputs are named relative to the current folder when below it, so the
/// JSON summary does not depend on where the batch is checked out.
#[test]
fn outputs_are_relative_to_the_current_folder() {
    let (tmp, top) = one_document_tree("batch-relative");
    let dist = tmp.path().join("dist/");
    let out = Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .current_dir(tmp.path())
        .args([
            "build".as_ref(),
            top.as_os_str(),
            "-o".as_ref(),
            dist.as_os_str(),
        ])
        .args(["--format", "json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["documents"][0]["outputs"][0], "dist/a.pdf", "{json}");
    assert!(
        stderr(&out).contains("已生成 dist/a.pdf"),
        "{}",
        stderr(&out)
    );
}

/// A folder whose only content is a link out of it says so before it
/// fails as a document without document.toml.
#[cfg(unix)]
#[test]
fn a_folder_with_only_a_link_outside_says_so() {
    let (tmp, top) = one_document_tree("batch-link");
    let batch = tmp.path().join("links");
    std::fs::create_dir_all(&batch).unwrap();
    std::os::unix::fs::symlink(top.join("a"), batch.join("a")).unwrap();
    let out = jixiao(&["check".as_ref(), batch.as_os_str()]);
    let err = stderr(&out);
    assert!(!out.status.success(), "{err}");
    assert!(err.contains("是指向批量文件夹之外的链接"), "{err}");
}

/// Amounts near the largest decimal: each document's own sum overflows or
/// two documents' sums do; the batch reports every document instead of
/// panicking, and says the total is past range.
#[test]
fn sums_past_the_decimal_range_are_reported_not_fatal() {
    let tmp = TempDir::new("batch-huge");
    let top = tmp.path().join("data");
    let huge = manifest_dir().join("tests/corpus/huge-amounts");
    copy_dir(&huge, &top.join("a"));
    copy_dir(&huge, &top.join("b"));
    // c holds the huge project twice: its own sum is past range.
    copy_dir(&huge, &top.join("c"));
    let one = top.join("c/projects/01-xiangmu.toml");
    let text = std::fs::read_to_string(&one).unwrap();
    std::fs::write(
        top.join("c/projects/02-xiangmu.toml"),
        text.replace("code = \"", "code = \"2"),
    )
    .unwrap();
    let out = jixiao(&["check".as_ref(), top.as_os_str()]);
    let (summary, err) = (stdout(&out), stderr(&out));
    assert_eq!(out.status.code(), Some(1), "{summary}{err}");
    assert!(!err.contains("panicked"), "{err}");
    for doc in ["a", "b", "c"] {
        assert!(summary.lines().any(|l| l.starts_with(doc)), "{summary}");
    }
    assert!(
        summary.contains("预算数 超出可计算范围（万元）"),
        "{summary}"
    );
    let c = summary.lines().find(|l| l.starts_with('c')).unwrap();
    assert!(c.contains("超出可计算范围"), "{c}");
}

/// A document that typeset but could not be written keeps its warnings in
/// its row beside the write error.
#[test]
fn a_write_failure_keeps_the_documents_warnings() {
    let tmp = TempDir::new("batch-writefail");
    let top = tmp.path().join("data");
    copy_doc(&reference_dir(), &top.join("ref"), "R");
    copy_doc(&example("central"), &top.join("c"), "C");
    let dist = tmp.path().join("dist/");
    // dist/ref.pdf is a folder: the PDF cannot be written there.
    std::fs::create_dir_all(dist.join("ref.pdf")).unwrap();
    let out = build_into(&top, &dist, &[]);
    let (summary, err) = (stdout(&out), stderr(&out));
    assert_eq!(out.status.code(), Some(1), "{err}");
    let row = summary.lines().find(|l| l.starts_with("ref")).unwrap();
    let cells: Vec<&str> = row.split_whitespace().collect();
    // ref 失败 16 7 301.84 万元 1 4: it typeset, so its pages are known.
    assert_eq!((cells[1], cells[6], cells[7]), ("失败", "1", "4"), "{row}");
    assert_eq!(cells[2], "16", "{row}");
    assert!(err.contains("J606"), "{err}");
    assert!(dist.join("c.pdf").is_file());
}

/// Ctrl-C during a batch build: exit 130 with a line saying so, and no
/// temporary file left in the output folders (a PDF is whole or absent).
#[cfg(unix)]
#[test]
fn an_interrupted_batch_leaves_no_temporary_file() {
    let tmp = TempDir::new("batch-interrupt");
    let top = tmp.path().join("data");
    for i in 0..12 {
        copy_doc(
            &example(KINDS[i % 3]),
            &top.join(format!("d{i:02}")),
            &format!("I{i:02}"),
        );
    }
    let dist = tmp.path().join("dist/");
    let child = Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .args([
            "build".as_ref(),
            top.as_os_str(),
            "-o".as_ref(),
            dist.as_os_str(),
        ])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Interrupt once the first document is written.
    let started = Instant::now();
    while !dist.join("d00.pdf").exists() && started.elapsed() < Duration::from_secs(60) {
        std::thread::sleep(Duration::from_millis(5));
    }
    let kill = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    let out = child.wait_with_output().unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(130), "{err}");
    assert!(err.contains("已中断"), "{err}");
    let left: Vec<_> = std::fs::read_dir(&dist)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".jx-"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}
