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

/// A project root of its own (templates copied, fonts linked) holding a copy
/// of the minimal document, so a failing test cannot harm the repository.
struct Project {
    tmp: TempDir,
}

impl Project {
    fn new(label: &str) -> Self {
        let tmp = TempDir::new(label);
        let root = tmp.path().join("root");
        for name in ["jixiao.typ", "document.typ.tera", "project.typ.tera"] {
            let text =
                std::fs::read_to_string(manifest_dir().join("templates").join(name)).unwrap();
            write(&root, &format!("templates/{name}"), &text);
        }
        std::os::unix::fs::symlink(manifest_dir().join("fonts"), root.join("fonts")).unwrap();
        let doc =
            std::fs::read_to_string(manifest_dir().join("tests/fixtures/minimal/document.toml"));
        write(&root, "data/doc/document.toml", &doc.unwrap());
        Self { tmp }
    }

    fn root(&self) -> PathBuf {
        self.tmp.path().join("root")
    }

    fn doc(&self) -> PathBuf {
        self.root().join("data/doc")
    }

    fn out(&self) -> PathBuf {
        self.tmp.path().join("out")
    }

    /// `jixiao <cmd> <doc> --root <root> <args…>`.
    fn run(&self, cmd: &str, args: &[&OsStr]) -> std::process::Output {
        jixiao()
            .arg(cmd)
            .arg(self.doc())
            .arg("--root")
            .arg(self.root())
            .args(args)
            .output()
            .unwrap()
    }
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn output_onto_an_input_is_refused() {
    let p = Project::new("onto-input");
    let document = p.doc().join("document.toml");
    let before = std::fs::read(&document).unwrap();
    let layout = p.root().join("templates/jixiao.typ");
    let layout_before = std::fs::read(&layout).unwrap();
    let pdf_in_templates = p.root().join("templates/jixiao.pdf");
    let cases: Vec<Vec<&OsStr>> = vec![
        vec![OsStr::new("-o"), document.as_os_str()],
        vec![
            OsStr::new("--emit"),
            OsStr::new("pdf,typ"),
            OsStr::new("-o"),
            pdf_in_templates.as_os_str(),
        ],
    ];
    for args in cases {
        let out = p.run("build", &args);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {err}");
        assert!(
            err.contains("不能写入") && err.contains("未写入任何文件"),
            "{err}"
        );
    }
    // An input file: the place suggested is the PDF beside its folder,
    // not out/document.toml.
    let err = stderr(&p.run("build", &[OsStr::new("-o"), document.as_os_str()]));
    let beside = p.doc().parent().unwrap().join(format!(
        "{}.pdf",
        p.doc().file_name().unwrap().to_string_lossy()
    ));
    assert!(
        err.contains("它是输入文件") && err.contains(&format!("例如 {}", beside.display())),
        "{err}"
    );
    assert_eq!(std::fs::read(&document).unwrap(), before);
    assert_eq!(std::fs::read(&layout).unwrap(), layout_before);
    assert!(!pdf_in_templates.exists());
    // From inside the document folder: the folder is named ".", and the
    // place suggested instead is outside it.
    let out = jixiao()
        .args(["build", ".", "-o", "out/文档.pdf"])
        .current_dir(p.doc())
        .output()
        .unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    let outside = p.doc().parent().unwrap().join("文档.pdf");
    let hint = format!("例如 {}", outside.display());
    assert!(
        err.contains("输入文件夹“.”中") && err.contains(&hint),
        "{err}"
    );
    // watch refuses before it starts; were it to start, it is killed.
    let mut watch = jixiao()
        .arg("watch")
        .arg(p.doc())
        .args([OsStr::new("--root"), p.root().as_os_str()])
        .args([OsStr::new("-o"), document.as_os_str()])
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while watch.try_wait().unwrap().is_none() && started.elapsed() < Duration::from_secs(30) {
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = watch.kill();
    let watched = watch.wait_with_output().unwrap();
    assert_eq!(watched.status.code(), Some(1), "{}", stderr(&watched));
    assert!(
        stderr(&watched).contains("不能写入"),
        "{}",
        stderr(&watched)
    );
    assert_eq!(std::fs::read(&document).unwrap(), before);
}

#[test]
fn two_outputs_on_one_file_are_refused() {
    let p = Project::new("one-name");
    let typ = p.out().join("x.typ");
    let args = [
        OsStr::new("-o"),
        typ.as_os_str(),
        OsStr::new("--emit"),
        OsStr::new("typ,pdf"),
    ];
    let out = p.run("build", &args);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    // -o names the PDF (the first output): a .typ name is refused before
    // the PDF and the source could land in one file.
    assert!(
        stderr(&out).contains("是 .typ 文件，但 -o 命名的是 PDF"),
        "{}",
        stderr(&out)
    );
    assert!(
        stderr(&out).contains("其余输出写到同名的 .typ 等文件"),
        "{}",
        stderr(&out)
    );
    assert!(!typ.exists());
}

/// Two outputs that resolve to one file (the OFD's name a link to the
/// PDF) are refused before anything is written.
#[cfg(unix)]
#[test]
fn two_outputs_on_one_file_are_refused_through_a_link() {
    let p = Project::new("one-file");
    let (pdf, ofd) = (p.out().join("x.pdf"), p.out().join("x.ofd"));
    std::fs::create_dir_all(p.out()).unwrap();
    std::os::unix::fs::symlink(&pdf, &ofd).unwrap();
    let args = [
        OsStr::new("-o"),
        pdf.as_os_str(),
        OsStr::new("--format"),
        OsStr::new("pdf,ofd"),
    ];
    let out = p.run("build", &args);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("同一个文件"), "{}", stderr(&out));
    assert!(!pdf.exists());
}

#[test]
fn failed_compile_writes_no_source_either() {
    let p = Project::new("failed-compile");
    let layout = p.root().join("templates/jixiao.typ");
    let broken = std::fs::read_to_string(&layout).unwrap() + "\n#let broken = (\n";
    std::fs::write(&layout, broken).unwrap();
    let pdf = p.out().join("x.pdf");
    let args = [
        OsStr::new("--emit"),
        OsStr::new("pdf,typ"),
        OsStr::new("-o"),
        pdf.as_os_str(),
    ];
    let out = p.run("build", &args);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("未写入任何文件"), "{}", stderr(&out));
    assert!(!p.out().join("x.typ").exists() && !pdf.exists());
}

#[test]
fn links_are_never_written_through_long_names_and_modes_are_kept() {
    use std::os::unix::fs::PermissionsExt;
    let p = Project::new("links");
    let real = p.out().join("real.pdf");
    write(&p.out(), "real.pdf", "old");
    std::fs::set_permissions(&real, std::fs::Permissions::from_mode(0o600)).unwrap();
    let link = p.out().join("link.pdf");
    std::os::unix::fs::symlink("real.pdf", &link).unwrap();
    let out = p.run("build", &[OsStr::new("-o"), link.as_os_str()]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("它是符号链接"), "{}", stderr(&out));
    assert_eq!(std::fs::read(&real).unwrap(), b"old");
    let out = p.run("build", &[OsStr::new("-o"), real.as_os_str()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(std::fs::read(&real).unwrap().starts_with(b"%PDF"));
    assert_eq!(
        std::fs::metadata(&real).unwrap().permissions().mode() & 0o777,
        0o600
    );
    let long = p.out().join(format!("{}.pdf", "长".repeat(83)));
    let out = p.run("build", &[OsStr::new("-o"), long.as_os_str()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(long.is_file());
}

/// A link planted in the project (a cloned repository, a shared folder)
/// on the way to the default output, or to an `-o` inside the project,
/// is refused: the PDF would land wherever it points.
#[test]
fn a_link_planted_on_the_way_to_an_output_is_refused() {
    let p = Project::new("planted");
    let victim = p.out().join("victim");
    std::fs::create_dir_all(&victim).unwrap();
    std::os::unix::fs::symlink(&victim, p.root().join("out")).unwrap();
    for args in [vec![], vec![OsStr::new("-o"), OsStr::new("out/x.pdf")]] {
        let out = jixiao()
            .current_dir(p.root())
            .args([OsStr::new("build"), OsStr::new("data/doc")])
            .args(&args)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        assert!(
            stderr(&out).contains("路径中的“out”是符号链接"),
            "{}",
            stderr(&out)
        );
        assert_eq!(std::fs::read_dir(&victim).unwrap().count(), 0);
    }
    // A link above the project is the user's own: followed.
    let above = p.out().join("mounted");
    std::os::unix::fs::symlink(p.root(), &above).unwrap();
    std::fs::remove_file(p.root().join("out")).unwrap();
    let out = jixiao()
        .args([OsStr::new("build"), above.join("data/doc").as_os_str()])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(p.root().join("out/doc.pdf").is_file());
}

#[test]
fn dash_is_stdout_and_a_folder_gets_the_default_name() {
    let p = Project::new("dash");
    let out = p.run("build", &[OsStr::new("-o"), OsStr::new("-")]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(out.stdout.starts_with(b"%PDF"), "PDF on standard output");
    let folder = format!("{}/", p.out().join("dist").display());
    let out = p.run("build", &[OsStr::new("-o"), OsStr::new(&folder)]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(p.out().join("dist/doc.pdf").is_file(), "{}", stderr(&out));
}

/// `watch` keeps one version of each file, not one per rebuild: 30
/// rebuilds of a document padded to 100 KB hold under 300 KB of text.
#[test]
fn rebuilds_do_not_keep_every_version_of_a_file() {
    use jixiao::pipeline::Options;
    use jixiao::report::diag::SourceMap;
    use jixiao::session::Session;
    let p = Project::new("versions");
    let toml = p.doc().join("document.toml");
    let base = std::fs::read_to_string(&toml).unwrap();
    let opts = Options {
        root: Some(p.root()),
        ..Options::default()
    };
    let sources = SourceMap::default();
    let mut session = Session::new(&p.doc(), opts, sources.clone()).unwrap();
    let padding = format!("# {}\n", "x".repeat(98)).repeat(1000);
    for i in 0..30 {
        std::fs::write(&toml, format!("{base}# edit {i}\n{padding}")).unwrap();
        session.rebuild(&p.out().join("w.typ")).unwrap();
    }
    assert!(
        sources.held_bytes() < 300_000,
        "{} bytes held",
        sources.held_bytes()
    );
}

/// A rebuild takes the tables an edit left alone from the build before,
/// and prints exactly what a fresh build of the edited data prints: after
/// a one-cell edit, after no edit, and after a table is removed (which
/// renumbers every table after it, so none of those may be reused).
#[test]
fn a_rebuild_lays_out_again_only_the_tables_that_changed() {
    use jixiao::pipeline::Options;
    use jixiao::report::diag::SourceMap;
    use jixiao::session::Session;
    let tmp = TempDir::new("reuse");
    let doc = tmp.path().join("doc");
    copy_tree(&common::reference_dir(), &doc);
    let opts = Options {
        root: Some(manifest_dir()),
        ..Options::default()
    };
    let main = tmp.path().join("w.typ");
    let fresh = |what: &str| {
        let mut session = Session::new(&doc, opts.clone(), SourceMap::default()).unwrap();
        let pdf = session.rebuild(&main).unwrap().pdf.unwrap();
        assert_eq!(
            session.tables_reused(),
            0,
            "{what}: a first build has nothing to reuse"
        );
        pdf
    };
    let mut session = Session::new(&doc, opts.clone(), SourceMap::default()).unwrap();
    session.rebuild(&main).unwrap();
    let projects = doc.join("projects");
    let tables = std::fs::read_dir(&projects).unwrap().count();
    let mut rebuild = |what: &str, reused: usize| {
        let pdf = session.rebuild(&main).unwrap().pdf.unwrap();
        assert_eq!(session.tables_reused(), reused, "{what}");
        assert!(
            pdf == fresh(what),
            "{what}: the rebuild differs from a fresh build"
        );
    };
    let first = projects.join("01-jiefang-dating.toml");
    let text = std::fs::read_to_string(&first).unwrap();
    let edited = text.replacen("value = \"≥800平方米\"", "value = \"≥900平方米\"", 1);
    assert_ne!(edited, text);
    std::fs::write(&first, edited).unwrap();
    rebuild("one cell edited", tables - 1);
    rebuild("nothing edited", tables);
    std::fs::remove_file(&first).unwrap();
    rebuild("the first table removed", 0);
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let target = to.join(path.file_name().unwrap());
        match path.is_dir() {
            true => copy_tree(&path, &target),
            false => drop(std::fs::copy(&path, &target).unwrap()),
        }
    }
}

/// `diff --pages -o` may not write into a compared folder (a PNG folder
/// output removes the PNGs it finds there) nor into the templates.
#[test]
fn page_comparison_onto_an_input_is_refused() {
    let p = Project::new("pages-onto-input");
    let other = p.root().join("data/other");
    std::fs::create_dir_all(&other).unwrap();
    let text = std::fs::read_to_string(p.doc().join("document.toml")).unwrap();
    let edited = text.replace("测试县最小局\"", "测试县另一局\"");
    assert_ne!(edited, text);
    std::fs::write(other.join("document.toml"), edited).unwrap();
    // A name the comparison itself writes (and removes when it writes again).
    let kept_png = other.join("page-001.png");
    std::fs::write(&kept_png, b"not touched").unwrap();
    let into_data = format!("{}/", other.display());
    let into_templates = p.root().join("templates/changes.pdf");
    for target in [OsStr::new(&into_data), into_templates.as_os_str()] {
        let out = p.run(
            "diff",
            &[
                other.as_os_str(),
                OsStr::new("--pages"),
                OsStr::new("-o"),
                target,
            ],
        );
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{target:?}: {err}");
        assert!(err.contains("不能写入"), "{err}");
    }
    assert_eq!(std::fs::read(&kept_png).unwrap(), b"not touched");
    assert!(!into_templates.exists());
}
