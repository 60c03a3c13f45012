//! Which files of `projects/` are built, in which order, and the warning
//! for every entry that is not built.

mod common;

use std::path::Path;
use std::process::{Command, Output};

use common::{TempDir, fixture};

fn jixiao(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .args(args)
        .output()
        .expect("cannot run the jixiao binary")
}

/// A document folder with the fixture's two projects as `9-g.toml` and
/// `10-f.toml`.
fn two_projects(doc: &Path) {
    let projects = doc.join("projects");
    std::fs::create_dir_all(&projects).unwrap();
    let base = fixture("diff/paragraph/old");
    std::fs::copy(base.join("document.toml"), doc.join("document.toml")).unwrap();
    let a = base.join("projects/01-jiedai.toml");
    let b = base.join("projects/02-zhiban.toml");
    std::fs::copy(a, projects.join("9-g.toml")).unwrap();
    std::fs::copy(b, projects.join("10-f.toml")).unwrap();
}

/// [`two_projects`] plus entries that must not be built.
fn messy_projects(doc: &Path) {
    two_projects(doc);
    let projects = doc.join("projects");
    std::fs::create_dir_all(projects.join("sub")).unwrap();
    let a = projects.join("9-g.toml");
    for not_built in ["02-b.TOML", "03-c.toml.txt", "sub/08-h.toml"] {
        std::fs::copy(&a, projects.join(not_built)).unwrap();
    }
    std::os::unix::fs::symlink("nowhere.toml", projects.join("05-e.toml")).unwrap();
    // Hidden files are skipped silently, however broken: a macOS resource
    // fork and an editor's hidden copy.
    std::fs::write(projects.join("._06-x.toml"), b"\x00\x05\x16\x07\xff").unwrap();
    std::fs::write(projects.join(".04-d.toml"), "not = [toml").unwrap();
}

#[test]
fn every_project_entry_not_built_is_named_with_why() {
    let tmp = TempDir::new("projects");
    let doc = tmp.path().join("doc");
    messy_projects(&doc);
    let out = jixiao(&["check", doc.to_str().unwrap()]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    for (name, why) in [
        ("02-b.TOML", "扩展名必须是小写的 .toml"),
        ("03-c.toml.txt", "不是 .toml 文件"),
        ("sub", "这是子文件夹"),
        ("05-e.toml", "这是指向不存在文件的符号链接"),
    ] {
        let line = format!("warning: “projects/{name}”不会生成项目表：{why}");
        assert!(err.contains(&line), "missing {line:?} in\n{err}");
    }
    assert!(!err.contains("._06"), "{err}");
    assert!(!err.contains(".04-d"), "{err}");
    assert!(err.contains("0 个错误，4 个警告"), "{err}");
}

#[test]
fn projects_are_in_natural_order() {
    let tmp = TempDir::new("projects-order");
    let doc = tmp.path().join("doc");
    two_projects(&doc);
    let pdf = tmp.path().join("x.pdf");
    let built = jixiao(&["build", doc.to_str().unwrap(), "-o", pdf.to_str().unwrap()]);
    assert_eq!(built.status.code(), Some(0));
    let text = common::pdf_text(&pdf);
    let first = text
        .find("1.信访接待经费绩效目标表")
        .expect("9-g.toml is table 1");
    let second = text
        .find("2.值班补助绩效目标表")
        .expect("10-f.toml is table 2");
    assert!(first < second);
}

#[test]
fn a_fifo_in_projects_is_an_error_and_never_opened() {
    let tmp = TempDir::new("projects-fifo");
    let doc = tmp.path().join("doc");
    two_projects(&doc);
    let made = Command::new("mkfifo")
        .arg(doc.join("projects/11-p.toml"))
        .status()
        .expect("mkfifo");
    assert!(made.success());
    let out = jixiao(&["check", doc.to_str().unwrap()]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("error: “projects/11-p.toml”不会生成项目表：不是普通文件"),
        "{err}"
    );
}
