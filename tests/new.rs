//! `jixiao new`: a starter document that checks and builds; next year's
//! document from the reference data with its years moved, document numbers
//! untouched and every other byte kept; the `.gitattributes` line.

mod common;

use std::path::Path;
use std::process::{Command, Output};

use common::{TempDir, copy_dir, manifest_dir, reference_dir};

fn jixiao(cwd: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .args(args)
        .current_dir(cwd)
        .env_remove("SOURCE_DATE_EPOCH")
        .output()
        .expect("cannot run the jixiao binary")
}

/// `jixiao new DIR --from data/2025/chengde-xinfang EXTRA…` in `root`.
fn new_from(root: &Path, dir: &str, extra: &[&str]) -> Output {
    let mut args = vec!["new", dir, "--from", "data/2025/chengde-xinfang"];
    args.extend_from_slice(extra);
    jixiao(root, &args)
}

fn text(out: &Output) -> (String, String) {
    let s = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    (s(&out.stdout), s(&out.stderr))
}

/// A project tree in a temporary folder: templates, fonts and the reference data.
fn project(label: &str) -> TempDir {
    let tmp = TempDir::new(label);
    for dir in ["templates", "fonts"] {
        copy_dir(&manifest_dir().join(dir), &tmp.path().join(dir));
    }
    copy_dir(
        &reference_dir(),
        &tmp.path().join("data/2025/chengde-xinfang"),
    );
    tmp
}

#[test]
fn a_starter_document_checks_and_builds_for_every_builtin_form() {
    let tmp = project("new-starter");
    let root = tmp.path();
    let out = jixiao(root, &["new", "data/2026/start", "--year", "2026"]);
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stdout}{stderr}");
    assert!(stderr.contains("0 个错误"), "{stderr}");
    let doc = std::fs::read_to_string(root.join("data/2026/start/document.toml")).unwrap();
    assert!(
        doc.starts_with("#:schema ../../../templates/schema/document.schema.json\n"),
        "{doc}"
    );
    assert!(
        doc.contains("year = 2026") && doc.contains("# 部门名称"),
        "{doc}"
    );
    let project =
        std::fs::read_to_string(root.join("data/2026/start/projects/01-xiangmu.toml")).unwrap();
    assert!(
        project.starts_with("#:schema ../../../../templates/schema/project.hebei.schema.json\n")
    );
    assert!(project.contains("# 项目编码（必填）\ncode = "), "{project}");
    assert!(
        root.join("templates/schema/project.hebei.schema.json")
            .is_file()
    );
    let checked = jixiao(root, &["check", "data/2026/start"]);
    let err = text(&checked).1;
    assert!(checked.status.success(), "{err}");
    // Its only warnings are the placeholders still to replace (J609).
    assert!(only_placeholders(&err), "{err}");
    let doc_file = root.join("data/2026/start/document.toml");
    let doc = std::fs::read_to_string(&doc_file).unwrap();
    std::fs::write(&doc_file, doc.replace("某某", "承德市")).unwrap();
    let checked = jixiao(root, &["check", "data/2026/start", "--deny-warnings"]);
    assert!(checked.status.success(), "{}", text(&checked).1);
    let built = jixiao(root, &["build", "data/2026/start", "-o", "start.pdf"]);
    assert!(built.status.success(), "{}", text(&built).1);
    let pdf = std::fs::read(root.join("start.pdf")).unwrap();
    assert!(pdf.starts_with(b"%PDF"));
    for form in ["central", "department", "shenbao"] {
        let dir = format!("data/2031/{form}");
        let out = jixiao(root, &["new", &dir, "--year", "2031", "--form", form]);
        let (stdout, stderr) = text(&out);
        assert!(out.status.success(), "{form}: {stdout}{stderr}");
        assert!(stderr.contains("0 个错误，3 个警告"), "{form}: {stderr}");
        assert!(only_placeholders(&stderr), "{form}: {stderr}");
    }
}

/// Whether the warnings in `stderr` are J609 (placeholders) and there is one.
fn only_placeholders(stderr: &str) -> bool {
    let all = stderr.matches("warning[").count();
    all > 0 && all == stderr.matches("warning[J609]").count()
}

#[test]
fn a_target_that_is_not_empty_is_refused_and_nothing_is_written() {
    let tmp = project("new-refused");
    let root = tmp.path();
    std::fs::create_dir_all(root.join("data/2026/x")).unwrap();
    std::fs::write(root.join("data/2026/x/keep.txt"), "keep").unwrap();
    let out = new_from(root, "data/2026/x", &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out).1.contains("已存在且不是空的"),
        "{}",
        text(&out).1
    );
    let entries: Vec<_> = std::fs::read_dir(root.join("data/2026/x"))
        .unwrap()
        .collect();
    assert_eq!(entries.len(), 1);
    // A source that cannot be read leaves no folder behind.
    let out = jixiao(root, &["new", "data/2027/y", "--from", "data/2025/none"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(!root.join("data/2027").exists());
}

#[test]
fn next_year_from_the_reference_moves_years_and_keeps_everything_else() {
    let tmp = project("new-from");
    let root = tmp.path();
    let src = root.join("data/2025/chengde-xinfang");
    // A goal holding document numbers next to a year.
    let p1 = src.join("projects/01-jiefang-dating.toml");
    let old = std::fs::read_to_string(&p1).unwrap();
    let marked = old.replacen(
        "goal = \"2025年使用",
        "goal = \"依据冀财社2021152号和〔2025〕101号，2025年使用",
        1,
    );
    assert_ne!(marked, old);
    std::fs::write(&p1, &marked).unwrap();
    let out = new_from(root, "data/2026/chengde-xinfang", &["--bump-years"]);
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stdout}{stderr}");
    let first = "data/2026/chengde-xinfang/projects/01-jiefang-dating.toml:6:34  2025 → 2026";
    assert!(stdout.contains(first), "{stdout}");
    assert!(
        stdout.contains("07-xinfang-weiwen.toml:7:58  2025 → 2026"),
        "{stdout}"
    );
    assert_eq!(stdout.matches(" → 2026").count(), 12, "{stdout}");
    // The years outside the texts that move (two 指标解释) are listed.
    let left =
        "07-xinfang-weiwen.toml:52:16  2025 年：去年的年份，未改动  【2025】 年信访形势平稳控制…";
    assert!(stdout.contains(left), "{stdout}");
    assert_eq!(stdout.matches("去年的年份，未改动").count(), 2, "{stdout}");
    assert!(
        stdout.contains("01-jiefang-dating.toml:9:9  预算数 = 117.26"),
        "{stdout}"
    );
    // A 成本指标 in money is last year's amount too.
    let cost = "01-jiefang-dating.toml:74:9  绩效指标第 7 行指标值 = ≤117.26万元";
    assert!(stdout.contains(cost), "{stdout}");
    assert_eq!(stdout.matches("万元\n").count(), 7, "{stdout}");
    assert!(stderr.contains("0 个错误"), "{stderr}");
    let dst = root.join("data/2026/chengde-xinfang");
    let new1 = std::fs::read_to_string(dst.join("projects/01-jiefang-dating.toml")).unwrap();
    assert!(
        new1.contains("依据冀财社2021152号和〔2025〕101号，2026年使用"),
        "{new1}"
    );
    let doc = std::fs::read_to_string(dst.join("document.toml")).unwrap();
    assert!(doc.contains("\nyear = 2026\n"));
    assert_eq!(changed_lines(&src, &dst), 12, "11 text lines and year");
}

#[test]
fn the_gitattributes_line_is_added_once() {
    let tmp = project("new-git");
    let root = tmp.path();
    if !git_init(root) {
        return;
    }
    let out = new_from(root, "data/2026/a", &[]);
    let stderr = text(&out).1;
    let command = stderr
        .lines()
        .find(|l| l.trim_start().starts_with("git -C "))
        .unwrap_or_else(|| panic!("no git command in {stderr}"));
    let attrs = std::fs::read_to_string(root.join(".gitattributes")).unwrap();
    assert_eq!(attrs, "data/**/*.toml diff=jixiao\n");
    // The command works as printed, from any folder: the binary is not on
    // PATH here, so git is given its full path.
    let set = Command::new("sh")
        .args(["-c", command])
        .current_dir("/")
        .status()
        .unwrap();
    assert!(set.success(), "{command}");
    let textconv = Command::new("git")
        .args(["config", "--get", "diff.jixiao.textconv"])
        .current_dir(root)
        .output()
        .unwrap();
    let exe = std::fs::canonicalize(env!("CARGO_BIN_EXE_jixiao")).unwrap();
    let want = format!("{} textconv\n", exe.display());
    assert_eq!(String::from_utf8_lossy(&textconv.stdout), want);
    let out = jixiao(root, &["new", "data/2026/b"]);
    let stderr = text(&out).1;
    assert!(!stderr.contains("git config"), "{stderr}");
    assert_eq!(
        std::fs::read_to_string(root.join(".gitattributes")).unwrap(),
        attrs
    );
}

#[test]
fn a_link_out_of_the_source_folder_is_refused() {
    let tmp = project("new-link");
    let root = tmp.path();
    let src = root.join("data/2025/chengde-xinfang");
    let outside = root.join("outside.toml");
    std::fs::rename(src.join("projects/02-jinjing-zhiban.toml"), &outside).unwrap();
    std::os::unix::fs::symlink(&outside, src.join("projects/02-jinjing-zhiban.toml")).unwrap();
    let out = new_from(root, "data/2026/x", &["--year", "2030"]);
    let stderr = text(&out).1;
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("是指向所在文件夹之外的链接"), "{stderr}");
    assert!(!root.join("data/2026").exists());
    // The same folder without the link starts 2030 (--year overrides).
    std::fs::remove_file(src.join("projects/02-jinjing-zhiban.toml")).unwrap();
    let out = new_from(root, "data/2026/x", &["--year", "2030"]);
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stderr}");
    // Without --bump-years last year's years are listed as J501, one line each.
    let hit = "01-jiefang-dating.toml:6:9  [J501] 写的是 2025 年，预算年度是 2030 年";
    assert!(stdout.contains(hit), "{stdout}");
    let doc = std::fs::read_to_string(root.join("data/2026/x/document.toml")).unwrap();
    assert!(doc.contains("\nyear = 2030\n"), "{doc}");
}

/// Compares every data file of `src` with its copy in `dst` line by line:
/// the copy starts with a `#:schema` line, then each line is byte-identical
/// or differs only in 2025 having become 2026. Returns how many differ.
fn changed_lines(src: &Path, dst: &Path) -> usize {
    let mut changed = 0;
    for entry in std::fs::read_dir(src.join("projects"))
        .unwrap()
        .chain(std::fs::read_dir(src).unwrap())
    {
        let path = entry.unwrap().path();
        if path.is_dir() {
            continue;
        }
        let rel = path.strip_prefix(src).unwrap();
        let before = std::fs::read_to_string(&path).unwrap();
        let after = std::fs::read_to_string(dst.join(rel)).unwrap();
        let (head, rest) = after.split_once('\n').unwrap();
        assert!(head.starts_with("#:schema "), "{}", rel.display());
        assert_eq!(
            before.lines().count(),
            rest.lines().count(),
            "{}",
            rel.display()
        );
        assert_eq!(before.ends_with('\n'), rest.ends_with('\n'));
        for (b, a) in before.lines().zip(rest.lines()) {
            if a != b {
                changed += 1;
                assert_eq!(a.replace("2026", "2025"), b, "{}", rel.display());
            }
        }
    }
    changed
}

#[test]
fn a_document_outside_any_project_keeps_its_schemas_inside() {
    let tmp = TempDir::new("new-lone");
    let root = tmp.path();
    let out = jixiao(root, &["new", "doc", "--year", "2027"]);
    assert!(out.status.success(), "{}", text(&out).1);
    let doc = std::fs::read_to_string(root.join("doc/document.toml")).unwrap();
    assert!(
        doc.starts_with("#:schema .schema/document.schema.json\n"),
        "{doc}"
    );
    assert!(root.join("doc/.schema/project.hebei.schema.json").is_file());
    // No templates/ beside it: that would make its parent a project.
    assert!(!root.join("templates").exists());
}

#[test]
fn a_gitattributes_link_is_never_written_through() {
    let tmp = TempDir::new("new-gitlink");
    let root = tmp.path();
    let victim = root.join("victim.txt");
    std::fs::write(&victim, "precious\n").unwrap();
    let repo = root.join("repo");
    std::fs::create_dir_all(&repo).unwrap();
    if !git_init(&repo) {
        return;
    }
    std::os::unix::fs::symlink(&victim, repo.join(".gitattributes")).unwrap();
    let out = jixiao(&repo, &["new", "data/2026/s", "--year", "2026"]);
    let stderr = text(&out).1;
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("warning") && stderr.contains(".gitattributes"),
        "{stderr}"
    );
    assert!(stderr.contains("链接"), "{stderr}");
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious\n");
    assert!(repo.join(".gitattributes").is_symlink());
}

#[test]
fn a_folder_with_a_space_gets_a_quoted_attribute_line_git_reads() {
    let tmp = TempDir::new("new-gitspace");
    let root = tmp.path();
    if !git_init(root) {
        return;
    }
    std::fs::write(root.join(".gitattributes"), "*.pdf binary\r\n").unwrap();
    let out = jixiao(root, &["new", "my docs/data/2026/a", "--year", "2026"]);
    assert!(out.status.success(), "{}", text(&out).1);
    let attrs = std::fs::read_to_string(root.join(".gitattributes")).unwrap();
    assert_eq!(
        attrs,
        "*.pdf binary\r\n\"my docs/data/**/*.toml\" diff=jixiao\r\n"
    );
    let attr = Command::new("git")
        .args([
            "check-attr",
            "diff",
            "--",
            "my docs/data/2026/a/document.toml",
        ])
        .current_dir(root)
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&attr.stdout);
    assert!(said.trim_end().ends_with("diff: jixiao"), "{said}");
}

/// `git init` in `dir`; false (the test is skipped) without git.
fn git_init(dir: &Path) -> bool {
    let git = Command::new("git")
        .args(["init", "-q", "."])
        .current_dir(dir)
        .status();
    let ok = git.is_ok_and(|s| s.success());
    if !ok {
        eprintln!("git is not installed: skipped");
    }
    ok
}

#[test]
fn year_ranges_and_named_plans_are_held_and_listed_for_a_person() {
    let tmp = project("new-held");
    let root = tmp.path();
    let p1 = root.join("data/2025/chengde-xinfang/projects/01-jiefang-dating.toml");
    let old = std::fs::read_to_string(&p1).unwrap();
    let marked = old.replacen(
        "goal = \"2025年使用",
        "goal = \"按《河北省2021-2025年信访规划》和财政部公告2025年第10号，2025-2026年度，2025年使用",
        1,
    );
    assert_ne!(marked, old);
    std::fs::write(&p1, &marked).unwrap();
    let out = new_from(root, "data/2026/x", &["--bump-years"]);
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stdout}{stderr}");
    let new1 =
        std::fs::read_to_string(root.join("data/2026/x/projects/01-jiefang-dating.toml")).unwrap();
    assert!(
        new1.contains(
            "按《河北省2021-2025年信访规划》和财政部公告2025年第10号，2025-2026年度，2026年使用"
        ),
        "{new1}"
    );
    let listed = |what: &str| stdout.lines().filter(|l| l.contains(what)).count();
    assert_eq!(listed("2025 年：书名号内的文件名，未改动"), 1, "{stdout}");
    assert_eq!(listed("2025 年：年份区间，未改动"), 1, "{stdout}");
    assert!(!stdout.contains("第【2026】"), "{stdout}");
}

#[test]
fn a_failure_writing_the_schemas_is_a_warning_and_links_are_refused() {
    let tmp = project("new-schemafail");
    let root = tmp.path();
    // templates/schema is a file: the schemas cannot be written, the
    // document is (a read-only templates/ must not stop a new year).
    std::fs::write(root.join("templates/schema"), "").unwrap();
    let out = new_from(root, "data/2026/x", &[]);
    let stderr = text(&out).1;
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    // The OS error in Chinese, not "File exists (os error 17)".
    assert!(stderr.contains("warning: 无法创建文件夹"), "{stderr}");
    assert!(stderr.contains("已有同名的文件或文件夹"), "{stderr}");
    assert!(stderr.contains("文档已新建"), "{stderr}");
    assert!(root.join("data/2026/x/document.toml").is_file());
    // templates/schema links elsewhere: refused, nothing written there.
    let elsewhere = root.join("elsewhere");
    std::fs::create_dir(&elsewhere).unwrap();
    std::fs::remove_file(root.join("templates/schema")).unwrap();
    std::os::unix::fs::symlink(&elsewhere, root.join("templates/schema")).unwrap();
    let out = new_from(root, "data/2026/y", &[]);
    let stderr = text(&out).1;
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("warning: ") && stderr.contains("是链接"),
        "{stderr}"
    );
    assert_eq!(std::fs::read_dir(&elsewhere).unwrap().count(), 0);
    // Nor when templates/ itself links elsewhere.
    std::fs::rename(root.join("templates"), root.join("kept")).unwrap();
    std::os::unix::fs::symlink(&elsewhere, root.join("templates")).unwrap();
    let out = new_from(root, "data/2026/v", &[]);
    let stderr = text(&out).1;
    assert!(
        stderr.contains("warning: ") && stderr.contains("是链接"),
        "{stderr}"
    );
    assert_eq!(std::fs::read_dir(&elsewhere).unwrap().count(), 0);
    std::fs::remove_file(root.join("templates")).unwrap();
    std::fs::rename(root.join("kept"), root.join("templates")).unwrap();
    // A link on the way to the new folder is refused before anything is made.
    std::os::unix::fs::symlink(&elsewhere, root.join("data/2027")).unwrap();
    let out = new_from(root, "data/2027/x", &[]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out).1);
    assert!(
        text(&out).1.contains("不能写入“data/2027”：它是符号链接"),
        "{}",
        text(&out).1
    );
    assert_eq!(std::fs::read_dir(&elsewhere).unwrap().count(), 0);
    // A schema file already as it would be written is left alone (not
    // replaced: same inode), so a read-only copy does not fail `new`.
    use std::os::unix::fs::MetadataExt;
    std::fs::remove_file(root.join("templates/schema")).unwrap();
    assert!(new_from(root, "data/2026/z", &[]).status.success());
    let doc_schema = root.join("templates/schema/document.schema.json");
    let inode = std::fs::metadata(&doc_schema).unwrap().ino();
    let out = new_from(root, "data/2026/w", &[]);
    assert!(out.status.success(), "{}", text(&out).1);
    assert_eq!(std::fs::metadata(&doc_schema).unwrap().ino(), inode);
    // A schema file that is a link is not written through either.
    let victim = root.join("victim.json");
    std::fs::write(&victim, "precious").unwrap();
    std::fs::create_dir(root.join("out")).unwrap();
    std::os::unix::fs::symlink(&victim, root.join("out/document.schema.json")).unwrap();
    let out = jixiao(root, &["schema", "-o", "out"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out).1);
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
}

#[test]
fn the_year_comes_from_the_folder_path_and_a_different_year_is_warned() {
    let tmp = project("new-folderyear");
    let root = tmp.path();
    let out = new_from(root, "data/2036/a", &[]);
    let stderr = text(&out).1;
    assert!(stderr.contains("预算年度 2036"), "{stderr}");
    let doc = std::fs::read_to_string(root.join("data/2036/a/document.toml")).unwrap();
    assert!(doc.contains("\nyear = 2036\n"), "{doc}");
    let out = jixiao(root, &["new", "data/2031/b", "--year", "2032"]);
    let stderr = text(&out).1;
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("warning: --year 2032 与文件夹路径中的年份 2031 不同"),
        "{stderr}"
    );
    // No year in the path: the old year + 1.
    let out = new_from(root, "data/next/c", &[]);
    assert!(text(&out).1.contains("预算年度 2026"), "{}", text(&out).1);
}

#[test]
fn a_folded_target_a_hidden_file_and_a_broken_source_are_reported_well() {
    let tmp = project("new-paths");
    let root = tmp.path();
    // data/2030 does not exist; the folder written is data/2030b/x, and
    // the check runs on it.
    let out = new_from(root, "data/2030/../2030b/x", &[]);
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stdout}{stderr}");
    assert!(
        stderr.contains("已新建 data/2030b/x") && stderr.contains("检查完成"),
        "{stderr}"
    );
    assert!(root.join("data/2030b/x/document.toml").is_file());
    // A folder that looks empty but holds a hidden file says which.
    std::fs::create_dir_all(root.join("data/2026/k")).unwrap();
    std::fs::write(root.join("data/2026/k/.gitkeep"), "").unwrap();
    let out = new_from(root, "data/2026/k", &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out).1.contains("（其中有 .gitkeep）"),
        "{}",
        text(&out).1
    );
    // What the loader does not read is not copied, and is named.
    let src = root.join("data/2025/chengde-xinfang");
    std::fs::write(src.join("说明.txt"), "x").unwrap();
    std::fs::create_dir(src.join("附件")).unwrap();
    std::fs::write(src.join("projects/02-b.TOML"), "x").unwrap();
    std::fs::write(src.join(".hidden"), "x").unwrap();
    let out = new_from(root, "data/2026/copied", &[]);
    let stderr = text(&out).1;
    let said = "未复制（jixiao 不读的文件，需要时请自行复制）：projects/02-b.TOML、说明.txt、附件/";
    assert!(stderr.contains(said), "{stderr}");
    assert!(!root.join("data/2026/copied/说明.txt").exists());
    // A source whose document.toml does not parse: its TOML error, placed.
    let doc = root.join("data/2025/chengde-xinfang/document.toml");
    let old = std::fs::read_to_string(&doc).unwrap();
    std::fs::write(&doc, old.replacen("year = 2025", "year = = 2025", 1)).unwrap();
    let out = new_from(root, "data/2026/q", &[]);
    let stderr = text(&out).1;
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("document.toml:2:8"), "{stderr}");
    std::fs::write(&doc, old.replacen("year = 2025", "year = \"2025\"", 1)).unwrap();
    let stderr = text(&new_from(root, "data/2026/q", &[])).1;
    assert!(stderr.contains("中的 year 不是整数"), "{stderr}");
    assert!(!root.join("data/2026/q").exists());
}

#[test]
fn a_root_that_is_not_a_folder_is_refused() {
    let tmp = project("new-typo");
    let root = tmp.path();
    let out = jixiao(root, &["new", "data/2026/x", "--root", "../typo-jixiao"]);
    let stderr = text(&out).1;
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("--root 给出的"), "{stderr}");
    assert!(!root.join("data/2026").exists());
    assert!(!root.join("../typo-jixiao").exists());
}

#[test]
fn quiet_leaves_out_every_status_line_and_the_reminders() {
    let tmp = project("new-quiet");
    let root = tmp.path();
    let out = jixiao(root, &["-q", "new", "data/2026/s", "--year", "2026"]);
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stderr}");
    assert_eq!(stderr, "", "{stderr}");
    assert_eq!(stdout, "", "{stdout}");
    let out = jixiao(
        root,
        &[
            "-q",
            "new",
            "data/2026/x",
            "--from",
            "data/2025/chengde-xinfang",
            "--bump-years",
        ],
    );
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stderr}");
    assert!(!stdout.contains("仍需人工核对"), "{stdout}");
    assert!(
        !stderr.contains("已新建") && !stderr.contains("检查完成"),
        "{stderr}"
    );
    let out = jixiao(root, &["-q", "schema", "-o", "schemas"]);
    assert!(out.status.success());
    assert_eq!(text(&out).1, "");
    assert!(root.join("schemas/document.schema.json").is_file());
}

/// An empty current folder is filled in place: the shell stays in it, and
/// it keeps its mode. A folder above the current one is refused.
#[cfg(unix)]
#[test]
fn an_empty_current_folder_is_filled_in_place() {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let tmp = TempDir::new("new-dot");
    let here = tmp.path().join("empty");
    std::fs::create_dir(&here).unwrap();
    std::fs::set_permissions(&here, std::fs::Permissions::from_mode(0o700)).unwrap();
    let inode = std::fs::metadata(&here).unwrap().ino();
    let out = jixiao(&here, &["new", ".", "--year", "2026"]);
    let stderr = text(&out).1;
    assert!(out.status.success(), "{stderr}");
    assert!(here.join("document.toml").is_file(), "{stderr}");
    let meta = std::fs::metadata(&here).unwrap();
    assert_eq!((meta.ino(), meta.mode() & 0o777), (inode, 0o700));
    let mut names: Vec<String> = std::fs::read_dir(&here)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert!(
        !names.iter().any(|n| n.starts_with(".jixiao-new")),
        "{names:?}"
    );
    assert!(names.contains(&"projects".to_string()), "{names:?}");
    // Now it is not empty: refused, naming what it holds.
    let out = jixiao(&here, &["new", ".", "--year", "2026"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out).1.contains("不是空的"), "{}", text(&out).1);
    let below = here.join("projects");
    let out = jixiao(&below, &["new", "..", "--year", "2026"]);
    let stderr = text(&out).1;
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("在当前文件夹之上"), "{stderr}");
    assert!(!stderr.contains("os error"), "{stderr}");
    // A link to an empty folder elsewhere is refused, the folder untouched.
    let elsewhere = tmp.path().join("elsewhere");
    std::fs::create_dir(&elsewhere).unwrap();
    std::os::unix::fs::symlink(&elsewhere, below.join("link")).unwrap();
    for dir in ["link", "link/"] {
        let out = jixiao(&below, &["new", dir, "--year", "2026"]);
        let stderr = text(&out).1;
        assert_eq!(out.status.code(), Some(2), "{stderr}");
        assert!(stderr.contains("是链接"), "{stderr}");
    }
    assert_eq!(std::fs::read_dir(&elsewhere).unwrap().count(), 0);
    // "sub/." is the folder sub: made as any other.
    let out = jixiao(&below, &["new", "sub/.", "--year", "2026"]);
    assert!(out.status.success(), "{}", text(&out).1);
    assert!(below.join("sub/document.toml").is_file());
}

#[test]
fn the_reminders_are_sorted_by_file_and_line() {
    let tmp = project("new-sorted");
    let root = tmp.path();
    let out = new_from(root, "data/2026/x", &[]);
    let stdout = text(&out).0;
    let list = stdout.split_once("仍需人工核对").expect(&stdout).1;
    let places: Vec<(String, usize, usize)> = list
        .lines()
        .skip(1)
        .filter_map(|l| {
            let at = l.split_whitespace().next()?;
            let mut parts = at.rsplitn(3, ':');
            let col = parts.next()?.parse().ok()?;
            let line = parts.next()?.parse().ok()?;
            Some((parts.next()?.to_string(), line, col))
        })
        .collect();
    assert!(places.len() > 20, "{list}");
    assert!(list.contains("[J501]"), "{list}");
    let mut sorted = places.clone();
    sorted.sort();
    assert_eq!(places, sorted, "{list}");
    // Without --bump-years every old year is listed, once: J501 names the
    // first of a text, the list the others.
    sorted.dedup();
    assert_eq!(places.len(), sorted.len(), "{list}");
    let second = "07-xinfang-weiwen.toml:7:58  2025 年：去年的年份，未改动";
    assert!(list.contains(second), "{list}");
    let years = list.matches("[J501]").count() + list.matches("去年的年份").count();
    assert_eq!(years, 14, "12 that --bump-years moves, 2 指标解释");
}

#[test]
fn the_starter_of_a_project_form_names_its_taxonomy() {
    let tmp = project("new-custom");
    let root = tmp.path();
    let hebei = std::fs::read_to_string(root.join("templates/forms/hebei.toml")).unwrap();
    let custom = hebei.replacen("name = \"hebei\"", "name = \"custom\"", 1);
    std::fs::write(root.join("templates/forms/custom.toml"), custom).unwrap();
    let out = jixiao(
        root,
        &["new", "data/2026/y", "--year", "2026", "--form", "custom"],
    );
    let stderr = text(&out).1;
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("0 个错误"), "{stderr}");
    assert!(
        !stderr.contains("J101") && !stderr.contains("J102"),
        "{stderr}"
    );
    let project =
        std::fs::read_to_string(root.join("data/2026/y/projects/01-xiangmu.toml")).unwrap();
    assert!(project.contains("level1 = \"产出指标\""), "{project}");
}

/// A `--from` that is no document folder says what to give instead, and
/// nothing is written.
#[test]
fn a_from_that_is_no_document_folder_says_what_to_give() {
    let tmp = TempDir::new("new-from-wrong");
    let here = tmp.path();
    let data = manifest_dir().join("data");
    let file = data.join("2025/chengde-xinfang/document.toml");
    let empty = here.join("empty");
    std::fs::create_dir(&empty).unwrap();
    let cases = [
        (
            file.clone(),
            "是文件",
            "--from ".to_string() + &file.parent().unwrap().display().to_string(),
        ),
        (
            data.clone(),
            "含有文档文件夹的文件夹",
            "--from ".to_string() + &data.join("2025/chengde-xinfang").display().to_string(),
        ),
        (
            empty.clone(),
            "不是文档文件夹",
            "含 document.toml 和 projects/".to_string(),
        ),
    ];
    for (from, message, hint) in cases {
        let out = jixiao(here, &["new", "x", "--from", from.to_str().unwrap()]);
        let stderr = text(&out).1;
        assert_eq!(out.status.code(), Some(2), "{stderr}");
        assert!(
            stderr.contains(message) && stderr.contains(&hint),
            "{stderr}"
        );
    }
    assert!(!here.join("x").exists());
}
