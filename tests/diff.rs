//! Integration tests of `jixiao diff` (reports in three formats, git
//! revisions, the reference data, `--pages`) and `jixiao textconv`.
//!
//! Reports are snapshots (insta, `tests/snapshots/`); fixtures are pairs
//! `tests/fixtures/diff/<case>/{old,new}/` derived from one small document.

mod common;

use std::path::Path;
use std::process::{Command, Output};

use common::{TempDir, copy_dir, manifest_dir, reference_dir};

/// The fixture cases, each an old and a new folder.
const CASES: [&str; 10] = common::DIFF_CASES;

/// Runs the binary in `cwd` and returns its output.
fn jixiao(cwd: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .current_dir(cwd)
        .args(args)
        .output()
        .expect("cannot run the jixiao binary")
}

/// Standard output as text; panics with stderr if the exit code differs.
fn stdout_with_code(out: &Output, code: i32) -> String {
    assert_eq!(
        out.status.code(),
        Some(code),
        "unexpected exit status; stderr:\n{}\nstdout:\n{}",
        String::from_utf8_lossy(&out.stderr),
        String::from_utf8_lossy(&out.stdout)
    );
    String::from_utf8(out.stdout.clone()).expect("UTF-8 output")
}

fn case_dirs(case: &str) -> (String, String) {
    let base = format!("tests/fixtures/diff/{case}");
    (format!("{base}/old"), format!("{base}/new"))
}

/// The expected exit status: 0 only when the printed document is the same.
fn expected_code(case: &str) -> i32 {
    match case {
        "identical" => 0,
        _ => 1,
    }
}

#[test]
fn reports_match_snapshots_in_every_format() {
    for case in CASES {
        let (old, new) = case_dirs(case);
        let code = expected_code(case);
        for (format, extra) in [
            ("text", ["--color", "never"]),
            ("json", ["--format", "json"]),
            ("markdown", ["--format", "markdown"]),
        ] {
            let out = jixiao(
                &manifest_dir(),
                &[&["diff", &old, &new][..], &extra].concat(),
            );
            let report = stdout_with_code(&out, code);
            insta::assert_snapshot!(format!("{case}-{format}"), report);
        }
    }
}

#[test]
fn reordered_rows_are_a_change_unless_order_is_ignored() {
    let (old, new) = case_dirs("reordered");
    let out = jixiao(&manifest_dir(), &["diff", &old, &new, "--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(&stdout_with_code(&out, 1)).unwrap();
    assert_eq!(json["equal"], false);
    assert_eq!(json["summary"]["moved"], 1);
    let row = &json["projects"]["items"][0]["indicators"]["items"][0];
    assert_eq!(row["kind"], "moved");
    assert_eq!(
        (row["old_index"].clone(), row["new_index"].clone()),
        (2.into(), 1.into())
    );
    let args = ["diff", &old, &new, "--format", "json", "--ignore-order"];
    let out = jixiao(&manifest_dir(), &args);
    let json: serde_json::Value = serde_json::from_str(&stdout_with_code(&out, 0)).unwrap();
    assert_eq!(json["equal"], true);
    assert_eq!(json["reordered"], true);
    let project = &json["projects"]["items"][0];
    assert_eq!(project["indicators"]["reordered"], true);
    assert_eq!(project["indicators"]["items"].as_array().unwrap().len(), 0);
    let text = jixiao(&manifest_dir(), &["diff", &old, &new, "--ignore-order"]);
    let text = stdout_with_code(&text, 0);
    assert!(
        text.contains("  仅顺序调整 QC900001 信访接待经费"),
        "{text}"
    );
    assert!(text.contains("注：指标行仅顺序调整"), "{text}");
}

#[test]
fn colour_only_when_asked() {
    let (old, new) = case_dirs("paragraph");
    let always = jixiao(&manifest_dir(), &["diff", &old, &new, "--color", "always"]);
    assert!(stdout_with_code(&always, 1).contains("\x1b[32m{+运+}\x1b[0m"));
    // Not a terminal: auto means no colour.
    let auto = jixiao(&manifest_dir(), &["diff", &old, &new]);
    assert!(!stdout_with_code(&auto, 1).contains('\x1b'));
}

#[test]
fn errors_exit_2_in_chinese() {
    let out = jixiao(
        &manifest_dir(),
        &["diff", "tests/fixtures/minimal", "没有这个版本"],
    );
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("既不是文件夹，也不是 git 版本"), "{err}");
}

fn git(cwd: &Path, args: &[&str]) {
    let out = Command::new("git")
        .current_dir(cwd)
        .args(args)
        .output()
        .expect("git is needed for this test");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn revisions_of_a_folder_are_compared() {
    let tmp = TempDir::new("diff-git");
    let repo = tmp.path();
    let doc = repo.join("doc");
    let (old, new) = case_dirs("paragraph");
    init_repo(repo);
    copy_dir(&manifest_dir().join(old), &doc);
    git(repo, &["add", "."]);
    git(repo, &["commit", "-q", "-m", "old"]);
    std::fs::remove_dir_all(&doc).unwrap();
    copy_dir(&manifest_dir().join(new), &doc);
    git(repo, &["commit", "-q", "-a", "-m", "new"]);

    let both = jixiao(repo, &["diff", "HEAD~1", "HEAD", "doc", "--color", "never"]);
    let report = stdout_with_code(&both, 1);
    assert!(
        report.starts_with("比较 HEAD~1:doc → HEAD:doc\n"),
        "{report}"
    );
    assert!(report.contains("持续提升{+运+}用法治思维"), "{report}");

    let worktree = jixiao(repo, &["diff", "HEAD~1", "doc", "--color", "never"]);
    assert!(stdout_with_code(&worktree, 1).contains("{+运+}"));

    let same = jixiao(&doc, &["diff", "HEAD", "."]);
    assert!(stdout_with_code(&same, 0).ends_with("无变化\n"));
}

/// Makes `repo` a git repository with a committer.
fn init_repo(repo: &Path) {
    git(repo, &["init", "-q"]);
    git(repo, &["config", "user.name", "测试"]);
    git(repo, &["config", "user.email", "test@example.invalid"]);
}

/// Commits the tree `root` on top of HEAD.
fn commit_tree(repo: &Path, root: &str) {
    let commit = git_with(repo, &["commit-tree", root, "-p", "HEAD", "-m", "x"], "");
    git(repo, &["update-ref", "HEAD", &commit]);
}

/// Runs git with `input` on standard input; returns its trimmed output.
fn git_with(cwd: &Path, args: &[&str], input: &str) -> String {
    use std::io::Write;
    let mut child = Command::new("git")
        .current_dir(cwd)
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("git is needed for this test");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "git {args:?} failed");
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

/// A repository whose first commit holds `doc/` (a small document) and
/// whose second commit adds `extra` (ls-tree lines) to the tree of `doc/`.
fn repo_with_doc_entries(repo: &Path, extra: &str) {
    init_repo(repo);
    copy_dir(
        &manifest_dir().join(case_dirs("paragraph").0),
        &repo.join("doc"),
    );
    git(repo, &["add", "."]);
    git(repo, &["commit", "-q", "-m", "old"]);
    let doc_tree = git_with(repo, &["ls-tree", "HEAD:doc"], "");
    let doc = git_with(repo, &["mktree"], &format!("{doc_tree}\n{extra}\n"));
    let root = git_with(repo, &["mktree"], &format!("040000 tree {doc}\tdoc\n"));
    commit_tree(repo, &root);
}

#[test]
fn hostile_revision_paths_are_refused_and_nothing_is_written() {
    let tmp = TempDir::new("diff-hostile");
    let repo = tmp.path().join("repo");
    std::fs::create_dir_all(&repo).unwrap();
    let blob = git_with(tmp.path(), &["hash-object", "--stdin"], "pwned\n");
    // doc/../../victim.txt: the old checkout joined this onto its temp
    // folder, writing beside TMPDIR.
    git(&repo, &["init", "-q"]);
    let blob_in_repo = git_with(&repo, &["hash-object", "-w", "--stdin"], "pwned\n");
    assert_eq!(blob, blob_in_repo);
    let leaf = git_with(
        &repo,
        &["mktree"],
        &format!("100644 blob {blob}\tvictim.txt\n"),
    );
    let up = git_with(&repo, &["mktree"], &format!("040000 tree {leaf}\t..\n"));
    repo_with_doc_entries(&repo, &format!("040000 tree {up}\t.."));
    let sandbox = tmp.path().join("sandbox");
    let tmpdir = sandbox.join("tmp");
    std::fs::create_dir_all(&tmpdir).unwrap();

    let out = Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .current_dir(&repo)
        .env("TMPDIR", &tmpdir)
        .args(["diff", "HEAD~1", "HEAD", "doc"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("不安全的部分“..”"), "{err}");
    assert!(!sandbox.join("victim.txt").exists(), "wrote outside");
    assert!(!tmp.path().join("victim.txt").exists(), "wrote outside");
    let left: Vec<_> = std::fs::read_dir(&tmpdir).unwrap().collect();
    assert!(left.is_empty(), "left in the temp folder: {left:?}");
}

#[test]
fn revision_submodules_and_links_are_skipped_with_a_note() {
    let tmp = TempDir::new("diff-links");
    let repo = tmp.path();
    git(repo, &["init", "-q"]);
    let target = git_with(repo, &["hash-object", "-w", "--stdin"], "/etc/passwd");
    let link = format!("120000 blob {target}\tlink.toml");
    let projects = git_with(repo, &["mktree"], &format!("{link}\n"));
    // Any commit id will do for a gitlink: git never looks inside it.
    let gitlink = format!("160000 commit {}\tsub", "1".repeat(40));
    repo_with_doc_entries(
        repo,
        &format!("{gitlink}\n040000 tree {projects}\tprojects2"),
    );

    let out = jixiao(repo, &["diff", "HEAD~1", "HEAD", "doc"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(err.contains("HEAD~1") || err.contains("HEAD"), "{err}");
    assert!(err.contains("“sub”是子模块"), "{err}");
    assert!(err.contains("“projects2/link.toml”是符号链接"), "{err}");
    assert!(!err.contains("root:"), "{err}");
}

/// The reference data with one budget figure, one word and one indicator
/// row changed.
fn edited_reference(dir: &Path) {
    copy_dir(&reference_dir(), dir);
    let edit = |file: &str, from: &str, to: &str| {
        let path = dir.join(file);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains(from), "{file} lacks {from}");
        std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
    };
    let project = "projects/01-jiefang-dating.toml";
    edit(project, "total = \"117.26\"", "total = \"120.00\"");
    edit(
        "document.toml",
        "持续提升用法治思维",
        "持续提升运用法治思维",
    );
    let row = "\n[[indicators]]\nlevel1 = \"产出指标\"\nlevel2 = \"数量指标\"\n\
               name = \"接访大厅面积\"\ndescription = \"接访大厅使用面积\"\n\
               value = \"≥800平方米\"\nbasis = \"年度工作计划\"\n";
    let mut text = std::fs::read_to_string(dir.join(project)).unwrap();
    text.push_str(row);
    std::fs::write(dir.join(project), text).unwrap();
}

#[test]
fn reference_edits_are_named_exactly() {
    let tmp = TempDir::new("diff-reference");
    let edited = tmp.path().join("edited");
    edited_reference(&edited);
    let (old, new) = (reference_dir(), edited);
    let run = |extra: &[&str]| {
        let args = [
            &["diff", old.to_str().unwrap(), new.to_str().unwrap()][..],
            extra,
        ]
        .concat();
        stdout_with_code(&jixiao(&manifest_dir(), &args), 1)
    };
    let text = run(&["--color", "never"]);
    let markdown = run(&["--format", "markdown"]);
    for report in [&text, &markdown] {
        assert!(
            report.contains("预算数：117.26 → 120.00（+2.74）"),
            "{report}"
        );
        assert!(report.contains("接访大厅面积"), "{report}");
        assert!(
            report.contains("共计：新增 1 处，删除 0 处，修改 2 处，顺序调整 0 处"),
            "{report}"
        );
        // The issue's figures: the department total and the counts.
        assert!(
            report.contains("合计：预算数 301.84 → 304.58 万元（+2.74）；表 7 张；指标 54 → 55 行"),
            "{report}"
        );
        assert!(report.contains("1 个错误、2 个警告或提示："), "{report}");
    }
    // Pages of the new version, as the 目录 numbers them.
    assert!(
        text.contains(
            "修改 QC154005 接访大厅租赁及运行经费（预算数 117.26 → 120.00，+2.74；第 7 页）"
        ),
        "{text}"
    );
    assert!(
        text.contains("新增指标 [数量指标/接访大厅面积]（第 8 页）"),
        "{text}"
    );
    assert!(
        text.contains("修改 （二）深入推进信访工作法治化落地落实。（第 1 页）"),
        "{text}"
    );
    assert!(text.contains("持续提升{+运+}用法治思维"), "{text}");
    assert!(
        markdown.contains("持续提升<ins>运</ins>用法治思维"),
        "{markdown}"
    );
    let items: Vec<&str> = text.lines().filter(|l| l.starts_with("  修改 ")).collect();
    assert_eq!(items.len(), 2, "{text}");

    let json: serde_json::Value = serde_json::from_str(&run(&["--format", "json"])).unwrap();
    assert_eq!(
        json["summary"],
        serde_json::json!({"added": 1, "removed": 0, "changed": 2, "moved": 0})
    );
    assert_eq!(json["cover"], serde_json::json!([]));
    assert_eq!(json["overall"], serde_json::json!([]));
    assert_eq!(json["totals"]["budget"]["delta"], "+2.74");
    assert_eq!(json["checks"]["new"][0]["code"], "J201");
    assert_eq!(json["checks"]["fixed"], serde_json::json!([]));
    assert_eq!(json["measures"]["items"], serde_json::json!([]));
    let goals = json["goals"]["items"].as_array().unwrap();
    assert_eq!(goals.len(), 1);
    assert_eq!(goals[0]["fields"][0]["key"], "target");
    let projects = json["projects"]["items"].as_array().unwrap();
    assert_eq!(projects.len(), 1);
    let p = &projects[0];
    assert_eq!(p["code"], "QC154005");
    assert_eq!(
        p["budget"],
        serde_json::json!([{"key": "budget.total", "label": "预算数", "old": "117.26", "new": "120.00", "delta": "+2.74"}])
    );
    assert_eq!(p["plan"], serde_json::json!([]));
    assert_eq!(p["fields"], serde_json::json!([]));
    let rows = p["indicators"]["items"].as_array().unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["kind"], "added");
    assert_eq!(rows[0]["name"], "接访大厅面积");
    assert_eq!(rows[0]["page"]["printed"], 8);
    assert_eq!(rows[0]["page"]["pdf"], 10);
}

#[test]
fn pages_reports_exactly_the_changed_page() {
    let (old, new) = case_dirs("paragraph");
    let tmp = TempDir::new("diff-pages");
    let pdf = tmp.path().join("changes.pdf");
    let out = jixiao(
        &manifest_dir(),
        &["diff", "--pages", &old, &new, "-o", pdf.to_str().unwrap()],
    );
    let report = stdout_with_code(&out, 1);
    // The inserted character reflows the paragraph: one or more boxes, one
    // page, named by the number printed in its footer and its PDF place.
    let built = common::build_ok(&manifest_dir().join(&new), tmp.path(), "new");
    let printed: Vec<Option<u32>> = common::pages_text(&built)
        .iter()
        .map(|p| common::footer_number(p))
        .collect();
    assert_eq!(printed[..3], [None, None, Some(1)], "cover, 目录, page 1");
    let changed: Vec<&str> = report.lines().filter(|l| l.contains("有变化")).collect();
    assert_eq!(changed.len(), 1, "{report}");
    assert!(
        changed[0].starts_with("第 1 页（PDF 第 3 页）有变化（"),
        "{report}"
    );
    let body: Vec<String> = printed[3..]
        .iter()
        .map(|n| n.unwrap().to_string())
        .collect();
    let physical: Vec<String> = (1..=printed.len())
        .filter(|&n| n != 3)
        .map(|n| n.to_string())
        .collect();
    let expected = format!(
        "封面、目录、第 {} 页无变化（PDF 第 {} 页）",
        body.join("、"),
        physical.join("、")
    );
    assert_eq!(report.lines().last(), Some(expected.as_str()), "{report}");
    assert_eq!(common::page_count(&pdf), 1);
    assert!(
        common::squash(&common::pdf_text(&pdf)).contains("第1页（PDF第3页）有变化"),
        "the comparison PDF's caption names the printed page"
    );

    let pngs = tmp.path().join("png/");
    let out = jixiao(
        &manifest_dir(),
        &["diff", "--pages", &old, &new, "-o", pngs.to_str().unwrap()],
    );
    stdout_with_code(&out, 1);
    let files: Vec<_> = std::fs::read_dir(&pngs)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    assert!(files[0].ends_with("page-003.png"));
    assert!(std::fs::metadata(&files[0]).unwrap().len() > 1000);
}

#[test]
fn pages_of_identical_versions_are_unchanged() {
    let (old, new) = case_dirs("identical");
    let out = jixiao(&manifest_dir(), &["diff", "--pages", &old, &new]);
    let report = stdout_with_code(&out, 0);
    assert!(
        report.starts_with("全部 ") && report.ends_with(" 页无变化\n"),
        "{report}"
    );
}

#[test]
fn textconv_of_data_files() {
    let dir = manifest_dir().join("tests/fixtures/diff/budget/old");
    for file in ["document.toml", "projects/01-jiedai.toml"] {
        let out = jixiao(
            &manifest_dir(),
            &["textconv", dir.join(file).to_str().unwrap()],
        );
        let text = stdout_with_code(&out, 0);
        insta::assert_snapshot!(format!("textconv-{}", file.replace('/', "-")), text);
    }
}

#[test]
fn textconv_of_a_built_pdf() {
    let tmp = TempDir::new("textconv-pdf");
    let dir = manifest_dir().join("tests/fixtures/diff/budget/old");
    let pdf = common::build_ok(&dir, tmp.path(), "doc");
    let out = jixiao(&manifest_dir(), &["textconv", pdf.to_str().unwrap()]);
    let text = stdout_with_code(&out, 0);
    let pages = common::page_count(&pdf);
    for n in 1..=pages {
        assert!(text.contains(&format!("=== 第 {n} 页 ===\n")), "{text}");
    }
    assert!(!text.contains(&format!("=== 第 {} 页 ===", pages + 1)));
    for expected in [
        "测试县比较局",
        "项目编码 QC900001",
        "持续提升用法治思维",
        "经费支出准确率 =100% 财务管理制度",
    ] {
        assert!(text.contains(expected), "missing {expected}:\n{text}");
    }
}

/// A project root (`templates/`, `fonts/`) holding `doc/` (a small
/// document) and a project form `hebei.toml` (the built-in one). With
/// `typeset`, the real templates and fonts (linked), so pages can be made.
fn project_root(root: &Path, typeset: bool) {
    if typeset {
        copy_dir(&manifest_dir().join("templates"), &root.join("templates"));
        std::os::unix::fs::symlink(manifest_dir().join("fonts"), root.join("fonts")).unwrap();
    } else {
        std::fs::create_dir_all(root.join("templates/forms")).unwrap();
        std::fs::create_dir_all(root.join("fonts")).unwrap();
        std::fs::write(root.join("templates/document.typ.tera"), "").unwrap();
        std::fs::copy(
            manifest_dir().join("templates/forms/hebei.toml"),
            root.join("templates/forms/hebei.toml"),
        )
        .unwrap();
    }
    copy_dir(
        &manifest_dir().join(case_dirs("paragraph").0),
        &root.join("doc"),
    );
}

/// A git repository that is a [`project_root`], committed once.
fn project_repo(repo: &Path, typeset: bool) {
    init_repo(repo);
    project_root(repo, typeset);
    git(repo, &["add", "."]);
    git(repo, &["commit", "-q", "-m", "project form"]);
}

/// Replaces `from` by `to` in a file.
fn edit(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{} lacks {from}", path.display());
    std::fs::write(path, text.replace(from, to)).unwrap();
}

/// Renames the project form's field `budget.fiscal` to `budget.state`
/// (新资金).
fn rename_in_form(root: &Path) {
    let form = root.join("templates/forms/hebei.toml");
    edit(&form, "budget.fiscal", "budget.state");
    edit(&form, "@fiscal", "@state");
    edit(&form, "其中：财政资金", "其中：新资金");
}

/// Renames the field `budget.fiscal` in the form and in the data.
fn rename_fiscal(root: &Path) {
    rename_in_form(root);
    for entry in std::fs::read_dir(root.join("doc/projects")).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(&path, text.replace("\nfiscal = ", "\nstate = ")).unwrap();
    }
}

/// The report of a diff across [`rename_fiscal`]: the old field's value
/// is gone, the new one's has come.
fn assert_renamed(report: &str) {
    assert!(
        report.contains("\n    财政资金：10.00 → （空）\n"),
        "{report}"
    );
    assert!(
        report.contains("\n    新资金：（空） → 10.00\n"),
        "{report}"
    );
}

#[test]
fn each_revision_is_read_with_its_own_forms() {
    let tmp = TempDir::new("diff-rev-forms");
    let repo = tmp.path();
    project_repo(repo, false);
    rename_fiscal(repo);
    git(repo, &["commit", "-q", "-a", "-m", "rename a field"]);

    let out = jixiao(repo, &["diff", "HEAD~1", "HEAD", "doc", "--color", "never"]);
    assert_renamed(&stdout_with_code(&out, 1));
    // The old revision against the folder: each side with its own forms.
    let out = jixiao(repo, &["diff", "HEAD~1", "doc", "--color", "never"]);
    assert_renamed(&stdout_with_code(&out, 1));

    // A revision without a forms folder is read with the built-in forms.
    git(repo, &["rm", "-q", "-r", "templates/forms"]);
    git(repo, &["checkout", "-q", "HEAD~1", "--", "doc"]);
    git(repo, &["commit", "-q", "-m", "built-in forms again"]);
    let out = jixiao(repo, &["diff", "HEAD~2", "HEAD", "doc"]);
    assert!(stdout_with_code(&out, 0).ends_with("无变化\n"));
    let out = jixiao(repo, &["diff", "HEAD~1", "HEAD", "doc", "--color", "never"]);
    assert!(stdout_with_code(&out, 1).contains("\n    新资金：10.00 → （空）\n"));
}

#[test]
fn folders_of_two_projects_are_read_with_their_own_forms() {
    let tmp = TempDir::new("diff-two-roots");
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    project_root(&a, false);
    project_root(&b, false);
    rename_fiscal(&b);
    let out = jixiao(tmp.path(), &["diff", "a/doc", "b/doc", "--color", "never"]);
    assert_renamed(&stdout_with_code(&out, 1));
}

#[test]
fn pages_of_revisions_are_made_with_their_own_forms() {
    let tmp = TempDir::new("diff-pages-rev-forms");
    let repo = tmp.path();
    project_repo(repo, true);
    rename_fiscal(repo);
    git(repo, &["commit", "-q", "-a", "-m", "rename a field"]);
    let out = jixiao(repo, &["diff", "--pages", "HEAD~1", "HEAD", "doc"]);
    let report = stdout_with_code(&out, 1);
    assert!(
        report.contains("页）有变化（"),
        "the label changed:\n{report}"
    );
    // Renaming the field back in a third commit prints the first pages again.
    git(repo, &["revert", "--no-edit", "HEAD"]);
    let out = jixiao(repo, &["diff", "--pages", "HEAD~2", "HEAD", "doc"]);
    assert!(stdout_with_code(&out, 0).ends_with("页无变化\n"));
}

/// Commits a tree like HEAD's whose `templates/forms/` also holds `extra`
/// (ls-tree lines).
fn commit_form_entries(repo: &Path, extra: &str) {
    let forms = git_with(repo, &["ls-tree", "HEAD:templates/forms"], "");
    let forms = git_with(repo, &["mktree"], &format!("{forms}\n{extra}\n"));
    let replace = |tree: &str, name: &str, id: &str| {
        let lines = git_with(repo, &["ls-tree", tree], "");
        let kept: Vec<&str> = lines
            .lines()
            .filter(|l| !l.ends_with(&format!("\t{name}")))
            .collect();
        let listing = format!("{}\n040000 tree {id}\t{name}\n", kept.join("\n"));
        git_with(repo, &["mktree"], &listing)
    };
    let templates = replace("HEAD:templates", "forms", &forms);
    let root = replace("HEAD", "templates", &templates);
    commit_tree(repo, &root);
}

#[test]
fn hostile_forms_of_a_revision_are_not_followed() {
    let tmp = TempDir::new("diff-rev-forms-hostile");
    let repo = tmp.path().join("repo");
    std::fs::create_dir_all(&repo).unwrap();
    project_repo(&repo, false);
    // A link to a form outside the repository is skipped with a note.
    let outside = tmp.path().join("outside.toml");
    std::fs::write(&outside, "name = \n").unwrap();
    let target = outside.to_str().unwrap();
    let link = git_with(&repo, &["hash-object", "-w", "--stdin"], target);
    commit_form_entries(&repo, &format!("120000 blob {link}\tlink.toml"));
    let out = jixiao(&repo, &["diff", "HEAD~1", "HEAD", "doc"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(
        err.contains("“templates/forms/link.toml”是符号链接"),
        "{err}"
    );
    // An entry named `..` refuses the revision.
    let leaf = git_with(&repo, &["mktree"], &format!("100644 blob {link}\tx.toml\n"));
    commit_form_entries(&repo, &format!("040000 tree {leaf}\t.."));
    let out = jixiao(&repo, &["diff", "HEAD~1", "HEAD", "doc"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("不安全的部分“..”"), "{err}");
}

#[test]
fn a_broken_form_of_a_revision_is_reported_where_it_is_wrong() {
    let tmp = TempDir::new("diff-rev-bad-form");
    let repo = tmp.path();
    project_repo(repo, false);
    edit(
        &repo.join("templates/forms/hebei.toml"),
        "\"@fiscal\"",
        "\"@nothing\"",
    );
    git(repo, &["commit", "-q", "-a", "-m", "break the form"]);
    // Only the new revision's form is broken: the error names it as committed.
    let out = jixiao(repo, &["diff", "HEAD~1", "HEAD", "doc"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("HEAD:templates/forms/hebei.toml:15:"), "{err}");
    assert!(!err.contains("HEAD~1:templates/forms"), "{err}");
    assert!(err.contains("“@nothing”"), "{err}");
}

#[test]
fn textconv_shows_why_a_project_form_does_not_load() {
    let tmp = TempDir::new("textconv-bad-form");
    let repo = tmp.path();
    project_repo(repo, false);
    rename_in_form(repo);
    let file = "doc/projects/01-jiedai.toml";
    // The project's form reads the file: no fallback to the built-in one.
    let out = jixiao(repo, &["textconv", file]);
    let text = stdout_with_code(&out, 0);
    assert!(
        text.contains("未知字段“budget.fiscal”（表样“hebei”"),
        "{text}"
    );

    std::fs::write(repo.join("templates/forms/broken.toml"), "name = \n").unwrap();
    let out = jixiao(repo, &["textconv", file]);
    let text = stdout_with_code(&out, 0);
    let first = text.lines().next().unwrap();
    assert!(
        first.starts_with("# jixiao: 无法按数据格式读取（项目的表样有错：")
            && first.contains("templates/forms/broken.toml:1:8"),
        "{text}"
    );
    assert!(
        text.contains("\nfiscal = \"10.00\"\n"),
        "the file as it is:\n{text}"
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("broken.toml:1:8"), "{err}");
    // A document.toml needs no form: converted as usual.
    let out = jixiao(repo, &["textconv", "doc/document.toml"]);
    assert!(!stdout_with_code(&out, 0).contains("# jixiao"));
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// git runs textconv at the repository's top; a project in a folder
/// below it still reads its files with its own forms.
#[test]
fn textconv_reads_a_file_with_the_forms_of_the_project_it_is_in() {
    let tmp = TempDir::new("textconv-nested");
    let top = tmp.path();
    let project = top.join("office");
    project_root(&project, false);
    rename_fiscal(&project);
    let out = jixiao(top, &["textconv", "office/doc/projects/01-jiedai.toml"]);
    let text = stdout_with_code(&out, 0);
    assert!(!text.starts_with("# jixiao"), "{text}");
    assert!(text.contains("新资金"), "{text}");
}

#[test]
fn a_table_with_a_new_code_and_name_but_the_same_rows_is_one_change() {
    let tmp = TempDir::new("diff-renamed-table");
    let (old, new) = (tmp.path().join("old"), tmp.path().join("new"));
    copy_dir(
        &manifest_dir().join("tests/fixtures/diff/identical/old"),
        &old,
    );
    copy_dir(&old, &new);
    let file = new.join("projects/01-jiedai.toml");
    let text = std::fs::read_to_string(&file).unwrap();
    let text = text
        .replace("code = \"QC900001\"", "code = \"QC900009\"")
        .replace("name = \"信访接待经费\"", "name = \"来访接待专项经费\"");
    std::fs::write(&file, text).unwrap();
    let args = [
        "diff",
        old.to_str().unwrap(),
        new.to_str().unwrap(),
        "--format",
        "json",
    ];
    let out = stdout_with_code(&jixiao(&manifest_dir(), &args), 1);
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    let items = json["projects"]["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{out}");
    assert_eq!(items[0]["kind"], "changed");
    let keys: Vec<&str> = items[0]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["key"].as_str().unwrap())
        .collect();
    // The printed title follows the name.
    assert_eq!(keys, ["title", "code", "name"], "{out}");
}

/// The text report of the reference against a copy with `edits` (file,
/// from, to) applied in turn; the versions must differ.
fn diff_of_edited_reference(name: &str, edits: &[(&str, &str, &str)]) -> String {
    let tmp = TempDir::new(name);
    let edited = tmp.path().join("edited");
    copy_dir(&reference_dir(), &edited);
    for (file, from, to) in edits {
        edit(&edited.join(file), from, to);
    }
    let reference = reference_dir();
    let args = [
        "diff",
        reference.to_str().unwrap(),
        edited.to_str().unwrap(),
    ];
    stdout_with_code(&jixiao(&manifest_dir(), &args), 1)
}

#[test]
fn a_change_is_placed_on_the_page_it_lands_on_not_where_its_goal_starts() {
    // Goal (三) starts on printed page 1; its 绩效指标 is on page 2.
    let text = diff_of_edited_reference(
        "diff-page-of-change",
        &[(
            "document.toml",
            "充分利用疑难信访案件专项资金",
            "充分利用好疑难信访案件专项资金",
        )],
    );
    assert!(
        text.contains("修改 （三）坚决打好信访矛盾化解攻坚战。（第 2 页）"),
        "{text}"
    );
}

#[test]
fn a_renamed_row_after_a_removed_one_is_paired_with_its_old_self() {
    let file = "projects/01-jiefang-dating.toml";
    let removed = "[[indicators]]\nlevel1 = \"满意度指标\"\nlevel2 = \"服务对象满意度指标\"\n\
         name = \"信访群众满意度满意度\"\ndescription = \"信访群众满意度\"\n\
         value = \"≥95%\"\nbasis = \"问卷调查\"\n\n";
    let text = diff_of_edited_reference(
        "diff-renamed-after-removed",
        &[
            (file, removed, ""),
            (file, "\"工作人员满意度\"", "\"窗口服务人员满意度\""),
        ],
    );
    assert!(
        text.contains("删除指标 [服务对象满意度指标/信访群众满意度满意度]"),
        "{text}"
    );
    assert!(
        text.contains("三级指标：[-工作-]人员满意度 → {+窗口服务+}人员满意度"),
        "{text}"
    );
}

#[test]
fn a_row_is_placed_on_its_own_page_not_where_its_name_is_first_mentioned() {
    let file = "projects/01-jiefang-dating.toml";
    // The name now also appears in 资金用途 on the table's first page.
    let text = diff_of_edited_reference(
        "diff-row-page",
        &[
            (
                file,
                "改善服务环境。\"",
                "改善服务环境，提高工作人员满意度。\"",
            ),
            (
                file,
                "name = \"工作人员满意度\"\ndescription = \"工作人员满意度\"\nvalue = \"≥95%\"",
                "name = \"工作人员满意度\"\ndescription = \"工作人员满意度\"\nvalue = \"≥90%\"",
            ),
        ],
    );
    assert!(
        text.contains("修改指标 [服务对象满意度指标/工作人员满意度]（第 8 页）"),
        "{text}"
    );
    assert!(text.contains("指标值：≥95% → ≥90%"), "{text}");
}

/// A copy of an example document whose `file` has `from` replaced by `to`.
fn edited_example(tmp: &TempDir, example: &str, file: &str, from: &str, to: &str) -> [String; 2] {
    let (old, new) = (tmp.path().join("old"), tmp.path().join("new"));
    copy_dir(&manifest_dir().join("data/examples").join(example), &old);
    copy_dir(&old, &new);
    edit(&new.join(file), from, to);
    [old, new].map(|p| p.to_str().unwrap().to_string())
}

#[test]
fn a_department_table_is_the_department_total_and_projects_are_summed_apart() {
    let tmp = TempDir::new("diff-department");
    let file = "projects/01-dangan-shuzihua.toml";
    let [old, new] = edited_example(
        &tmp,
        "department",
        file,
        "total = \"180.00\"",
        "total = \"190.00\"",
    );
    let text = stdout_with_code(&jixiao(&manifest_dir(), &["diff", &old, &new]), 1);
    assert!(
        text.contains("合计：部门预算数 1236.48 万元；项目预算数 180.00 → 190.00 万元（+10.00）"),
        "{text}"
    );
}

#[test]
fn a_document_of_tables_only_has_pages_and_no_parts() {
    let tmp = TempDir::new("diff-shenbao");
    let file = "projects/02-renju-huanjing.toml";
    let [old, new] = edited_example(&tmp, "shenbao", file, "total = \"120\"", "total = \"125\"");
    let text = stdout_with_code(&jixiao(&manifest_dir(), &["diff", &old, &new]), 1);
    assert!(text.contains("\n绩效目标表\n"), "{text}");
    assert!(!text.contains("第二部分"), "{text}");
    assert!(text.contains("（预算数 120 → 125，+5；第 2 页）"), "{text}");
}

#[test]
fn an_explicit_title_equal_to_the_printed_one_is_no_change() {
    let tmp = TempDir::new("diff-title");
    let (old, new) = (tmp.path().join("old"), tmp.path().join("new"));
    copy_dir(
        &manifest_dir().join("tests/fixtures/diff/identical/old"),
        &old,
    );
    copy_dir(&old, &new);
    edit(
        &new.join("projects/01-jiedai.toml"),
        "name = \"信访接待经费\"\n",
        "name = \"信访接待经费\"\ntitle = \"信访接待经费绩效目标表\"\n",
    );
    let args = ["diff", old.to_str().unwrap(), new.to_str().unwrap()];
    let text = stdout_with_code(&jixiao(&manifest_dir(), &args), 0);
    assert!(text.contains("无变化"), "{text}");
}

#[test]
fn html_follows_ignore_order_in_its_exit_status() {
    let tmp = TempDir::new("diff-html-order");
    let (old, new) = case_dirs("reordered");
    let out = tmp.path().join("r.html");
    let out = out.to_str().unwrap();
    let args = ["diff", &old, &new, "--format", "html", "-o", out];
    stdout_with_code(&jixiao(&manifest_dir(), &args), 1);
    let ignoring = [&args[..], &["--ignore-order"]].concat();
    stdout_with_code(&jixiao(&manifest_dir(), &ignoring), 0);
}

#[test]
fn data_only_skips_pages_and_checks() {
    let (old, new) = case_dirs("check-broken");
    let args = ["diff", &old, &new, "--data-only", "--format", "json"];
    let out = stdout_with_code(&jixiao(&manifest_dir(), &args), 1);
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(json["checks"]["checked"], false);
    assert_eq!(
        json["projects"]["items"][0]["page"],
        serde_json::Value::Null
    );
    let html = jixiao(
        &manifest_dir(),
        &["diff", &old, &new, "--data-only", "--format", "html"],
    );
    assert_eq!(html.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&html.stderr).contains("--data-only 不排版"));
}

/// 预算数 that add up past a decimal's range are shown as such, not a
/// panic.
#[test]
fn totals_past_the_decimal_range_are_shown_not_fatal() {
    let tmp = TempDir::new("diff-huge");
    let huge = manifest_dir().join("tests/corpus/huge-amounts");
    let (old, new) = (tmp.path().join("old"), tmp.path().join("new"));
    copy_dir(&huge, &old);
    copy_dir(&huge, &new);
    let one = std::fs::read_to_string(new.join("projects/01-xiangmu.toml")).unwrap();
    let two = one.replace("code = \"", "code = \"2");
    std::fs::write(new.join("projects/02-xiangmu.toml"), two).unwrap();
    let out = jixiao(tmp.path(), &["diff", "old", "new"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("panicked"), "{err}");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("超出可计算范围"), "{text}{err}");
}
