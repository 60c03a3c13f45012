//! `jixiao watch`: the first build, a rebuild after a cell edit, a broken
//! edit that keeps the last good PDF, the fix, and a clean exit on Ctrl-C.

mod common;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::*;

/// Generous: only a hung or broken watcher should ever reach it.
const TIMEOUT: Duration = Duration::from_secs(30);

/// A running `jixiao watch` whose stderr is collected; killed if dropped
/// while still running (a failed test must not leave it behind).
struct Watching {
    child: Child,
    stderr: Arc<Mutex<String>>,
}

impl Watching {
    fn start(doc: &Path, pdf: &Path, root: &Path) -> Self {
        Self::start_with(doc, pdf, root, &[])
    }

    /// [`Watching::start`] with more arguments.
    fn start_with(doc: &Path, pdf: &Path, root: &Path, args: &[&str]) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_jixiao"))
            .arg("watch")
            .arg(doc)
            .arg("-o")
            .arg(pdf)
            .arg("--root")
            .arg(root)
            .args(args)
            .env_remove("SOURCE_DATE_EPOCH")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("cannot run the jixiao binary");
        let stderr = Arc::new(Mutex::new(String::new()));
        let pipe = child.stderr.take().expect("piped stderr");
        let sink = stderr.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(pipe).lines().map_while(Result::ok) {
                let mut all = sink.lock().unwrap();
                all.push_str(&line);
                all.push('\n');
            }
        });
        Self { child, stderr }
    }

    fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    /// Waits until `done` holds, failing with the watcher's output if it
    /// does not within [`TIMEOUT`] or the watcher exits.
    fn wait_for(&mut self, what: &str, mut done: impl FnMut(&Self) -> bool) {
        let start = Instant::now();
        while !done(self) {
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!(
                    "watch exited ({status}) while waiting for {what}:\n{}",
                    self.stderr()
                );
            }
            assert!(
                start.elapsed() < TIMEOUT,
                "no {what} within {TIMEOUT:?}; watch printed:\n{}",
                self.stderr()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Waits for the goodbye line (the reader thread may lag the exit).
    fn wait_for_exit_message(&self) {
        let start = Instant::now();
        while !self.stderr().contains("已停止监视") {
            assert!(
                start.elapsed() < TIMEOUT,
                "no “已停止监视” after Ctrl-C:\n{}",
                self.stderr()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn count(&self, needle: &str) -> usize {
        self.stderr().matches(needle).count()
    }
}

impl Drop for Watching {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// A one-table document whose single indicator value is `value`.
fn project(value: &str) -> String {
    format!(
        "code = \"JK001\"\nname = \"监视测试项目\"\n\n[budget]\ntotal = \"1\"\n\n\
         [[indicators]]\nlevel1 = \"产出指标\"\nlevel2 = \"数量指标\"\nname = \"次数\"\n\
         description = \"次数\"\nvalue = {value}\nbasis = \"计划\"\n\n\
         [check]\nallow = [\"J101\"]\n"
    )
}

/// A temporary folder holding `doc/`, the minimal fixture with one table
/// (its value 甲值一次), and that table's file.
fn one_table_document(name: &str) -> (TempDir, PathBuf, PathBuf) {
    let dir = TempDir::new(name);
    let doc = dir.path().join("doc");
    copy_dir(&fixture("minimal"), &doc);
    let table: PathBuf = doc.join("projects/01-jiance.toml");
    std::fs::create_dir_all(table.parent().unwrap()).unwrap();
    std::fs::write(&table, project("\"甲值一次\"")).unwrap();
    (dir, doc, table)
}

fn has_text(pdf: &Path, text: &str) -> bool {
    pdf.is_file() && squash(&pdf_text_raw(pdf)).contains(text)
}

fn read(pdf: &Path) -> Vec<u8> {
    std::fs::read(pdf).unwrap_or_default()
}

#[test]
fn watch_rebuilds_keeps_last_good_pdf_and_stops_on_ctrl_c() {
    let (dir, doc, table) = one_table_document("watch");
    let pdf = dir.path().join("out/watch.pdf");
    let mut w = Watching::start(&doc, &pdf, &manifest_dir());

    w.wait_for("first build", |w| w.count("正在监视") == 1 && pdf.is_file());
    assert!(has_text(&pdf, "甲值一次"), "first PDF lacks the cell text");

    // A cell edit is rebuilt.
    let first = read(&pdf);
    std::fs::write(&table, project("\"乙值两次\"")).unwrap();
    w.wait_for("rebuild after a cell edit", |_| {
        read(&pdf) != first && has_text(&pdf, "乙值两次")
    });

    // A broken edit prints a located error and keeps the last good PDF.
    let good = read(&pdf);
    std::fs::write(&table, project("乙值 没有引号")).unwrap();
    w.wait_for("the error of a broken edit", |w| w.count("生成失败") == 1);
    let err = w.stderr();
    assert!(
        err.contains("01-jiance.toml:12:9"),
        "error not located:\n{err}"
    );
    assert_eq!(read(&pdf), good, "a failed rebuild changed the PDF");

    // Fixing it rebuilds again.
    std::fs::write(&table, project("\"丙值三次\"")).unwrap();
    w.wait_for("rebuild after the fix", |_| has_text(&pdf, "丙值三次"));

    // A rule error (预算数 ≠ 财政资金 + 其他资金) is refused the same way.
    let good = read(&pdf);
    let unbalanced =
        project("\"丁值四次\"").replace("total = \"1\"", "total = \"1\"\nfiscal = \"2\"");
    std::fs::write(&table, unbalanced).unwrap();
    w.wait_for("the rule error", |w| w.count("生成失败") == 2);
    assert!(w.stderr().contains("error[J201]"), "{}", w.stderr());
    assert_eq!(read(&pdf), good, "a refused rebuild changed the PDF");
    std::fs::write(&table, project("\"戊值五次\"")).unwrap();
    w.wait_for("rebuild after the rule fix", |_| has_text(&pdf, "戊值五次"));

    // Ctrl-C (SIGINT) ends it cleanly.
    let pid = w.child.id().to_string();
    let sent = Command::new("kill").args(["-INT", &pid]).status();
    assert!(sent.is_ok_and(|s| s.success()), "cannot send SIGINT");
    let start = Instant::now();
    let status = loop {
        if let Some(status) = w.child.try_wait().unwrap() {
            break status;
        }
        assert!(start.elapsed() < TIMEOUT, "watch ignored Ctrl-C");
        std::thread::sleep(Duration::from_millis(50));
    };
    w.wait_for_exit_message();
    assert!(
        status.success(),
        "watch exited with {status}:\n{}",
        w.stderr()
    );
    let leftovers: Vec<_> = std::fs::read_dir(pdf.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(
        leftovers,
        [std::ffi::OsString::from("watch.pdf")],
        "stray files"
    );
}

/// The text of every page of an OFD package (its `TextCode`s, in order);
/// empty if there is no readable package.
fn ofd_text(ofd: &Path) -> String {
    let Ok(file) = std::fs::File::open(ofd) else {
        return String::new();
    };
    let Ok(mut zip) = zip::ZipArchive::new(file) else {
        return String::new();
    };
    let mut text = String::new();
    for i in 0..zip.len() {
        let mut part = zip.by_index(i).unwrap();
        if part.name().is_ok_and(|n| n.ends_with("/Content.xml")) {
            let mut xml = String::new();
            std::io::Read::read_to_string(&mut part, &mut xml).unwrap();
            for code in xml.split("<ofd:TextCode").skip(1) {
                let body = code.split_once('>').map_or("", |(_, b)| b);
                text.push_str(body.split("</ofd:TextCode>").next().unwrap_or(""));
            }
        }
    }
    text
}

/// `--format pdf,ofd`: both are rebuilt after an edit, and both kept when
/// an edit breaks the build.
#[test]
fn watch_rebuilds_the_ofd_beside_the_pdf() {
    let (dir, doc, table) = one_table_document("watch-ofd");
    let pdf = dir.path().join("out/watch.pdf");
    let ofd = dir.path().join("out/watch.ofd");
    let args = ["--format", "pdf,ofd"];
    let mut w = Watching::start_with(&doc, &pdf, &manifest_dir(), &args);

    w.wait_for("first build", |w| w.count("正在监视") == 1 && ofd.is_file());
    assert!(ofd_text(&ofd).contains("甲值一次"), "{}", ofd_text(&ofd));
    assert!(has_text(&pdf, "甲值一次"));
    assert!(w.stderr().contains("watch.pdf、"), "{}", w.stderr());

    std::fs::write(&table, project("\"乙值两次\"")).unwrap();
    w.wait_for("rebuild after a cell edit", |_| {
        ofd_text(&ofd).contains("乙值两次") && has_text(&pdf, "乙值两次")
    });

    let (good_pdf, good_ofd) = (read(&pdf), read(&ofd));
    std::fs::write(&table, project("乙值 没有引号")).unwrap();
    w.wait_for("the error of a broken edit", |w| w.count("生成失败") == 1);
    assert!(w.stderr().contains("保留上次生成的"), "{}", w.stderr());
    assert_eq!(read(&ofd), good_ofd, "a failed rebuild changed the OFD");
    assert_eq!(read(&pdf), good_pdf, "a failed rebuild changed the PDF");
}

/// A font file added to the font folder is picked up: the fonts are
/// rescanned, so a later data edit may use the new family; and an edited
/// layout template is read again.
#[test]
fn watch_rescans_fonts_and_rereads_templates() {
    let dir = TempDir::new("watch-fonts");
    let root = dir.path().join("root");
    copy_dir(&manifest_dir().join("templates"), &root.join("templates"));
    std::fs::create_dir_all(root.join("fonts")).unwrap();
    let kai = "FandolKai-Regular.otf";
    for font in std::fs::read_dir(manifest_dir().join("fonts")).unwrap() {
        let name = font.unwrap().file_name();
        if name != kai {
            std::fs::copy(
                manifest_dir().join("fonts").join(&name),
                root.join("fonts").join(&name),
            )
            .unwrap();
        }
    }
    let doc = dir.path().join("doc");
    copy_dir(&fixture("minimal"), &doc);
    let toml = doc.join("document.toml");
    let base = std::fs::read_to_string(&toml).unwrap();
    let with_subheading =
        |family: &str| format!("{base}\n[style.fonts]\nsubheading = \"{family}\"\n");
    std::fs::write(&toml, with_subheading("FandolHei")).unwrap();
    let pdf = dir.path().join("out/fonts.pdf");
    let mut w = Watching::start(&doc, &pdf, &root);
    w.wait_for("first build", |w| w.count("正在监视") == 1 && pdf.is_file());

    // Typst reads font files lazily: copy to a hidden name, then rename, so
    // the watcher never sees a half-written font.
    let hidden = root.join("fonts").join(".kai.part");
    std::fs::copy(manifest_dir().join("fonts").join(kai), &hidden).unwrap();
    std::fs::rename(&hidden, root.join("fonts").join(kai)).unwrap();
    w.wait_for("a rebuild for the added font", |w| {
        w.count("已重新生成") == 1
    });
    assert!(w.stderr().contains(kai), "the font change was not reported");

    // Only a rescanned font set knows FandolKai.
    std::fs::write(&toml, with_subheading("FandolKai")).unwrap();
    w.wait_for("a build using the new font", |w| {
        w.count("已重新生成") == 2 || w.count("生成失败") > 0
    });
    assert_eq!(
        w.count("生成失败"),
        0,
        "fonts not rescanned:\n{}",
        w.stderr()
    );

    // An edit of a template Typst imports is read again, not served from
    // the world's file cache.
    let layout = root.join("templates/jixiao.typ");
    let text = std::fs::read_to_string(&layout).unwrap();
    let title = "\"目\" + h(1em) + \"录\"";
    assert!(text.contains(title), "jixiao.typ no longer has {title}");
    std::fs::write(&layout, text.replace(title, "\"目次\"")).unwrap();
    w.wait_for("a rebuild after a template edit", |_| {
        has_text(&pdf, "目次")
    });
}

/// A document folder that does not exist fails at once with a Chinese error.
#[test]
fn watch_of_missing_folder_fails() {
    let dir = TempDir::new("watch-missing");
    let out = Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .arg("watch")
        .arg(dir.path().join("nope"))
        .arg("--root")
        .arg(manifest_dir())
        .stdin(Stdio::null())
        .output()
        .expect("cannot run the jixiao binary");
    let stderr = String::from_utf8_lossy(&out.stderr);
    // As build refuses it: the same message and exit code.
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("文档文件夹") && stderr.contains("”不存在"),
        "{stderr}"
    );
}

/// The document folder deleted (a failed build) and created again: the
/// watcher resumes, as its message 修改后将自动重试 promises.
#[test]
fn watch_resumes_after_its_folder_is_deleted_and_recreated() {
    let dir = TempDir::new("watch-recreate");
    let doc = dir.path().join("doc");
    let write_doc = |value: &str| {
        copy_dir(&fixture("minimal"), &doc);
        std::fs::create_dir_all(doc.join("projects")).unwrap();
        std::fs::write(doc.join("projects/01-jiance.toml"), project(value)).unwrap();
    };
    write_doc("\"甲值一次\"");
    let pdf = dir.path().join("out/watch.pdf");
    let mut w = Watching::start(&doc, &pdf, &manifest_dir());
    w.wait_for("first build", |w| w.count("正在监视") == 1 && pdf.is_file());

    std::fs::remove_dir_all(&doc).unwrap();
    w.wait_for("the failure of a deleted folder", |w| {
        w.count("生成失败") == 1
    });
    assert!(w.stderr().contains("修改后将自动重试"), "{}", w.stderr());

    write_doc("\"乙值两次\"");
    w.wait_for("rebuild in the recreated folder", |_| {
        has_text(&pdf, "乙值两次")
    });
    // Later edits in the new folder are seen too.
    std::fs::write(doc.join("projects/01-jiance.toml"), project("\"丙值三次\"")).unwrap();
    w.wait_for("rebuild after an edit in the new folder", |_| {
        has_text(&pdf, "丙值三次")
    });
}

/// An editor's probe file made and removed at once, and sed's temporary
/// file renamed over a table, are one change: the table's.
#[test]
fn files_made_and_gone_within_a_save_are_no_change() {
    let (dir, doc, table) = one_table_document("watch-probe");
    let pdf = dir.path().join("out/watch-probe.pdf");
    let mut w = Watching::start(&doc, &pdf, &manifest_dir());
    w.wait_for("first build", |w| w.count("正在监视") == 1 && pdf.is_file());
    let probe = doc.join("projects/4913");
    std::fs::write(&probe, "").unwrap();
    std::fs::remove_file(&probe).unwrap();
    let temp = doc.join("projects/sedAB12");
    std::fs::write(&temp, project("\"乙值两次\"")).unwrap();
    std::fs::rename(&temp, &table).unwrap();
    w.wait_for("rebuild after the save", |_| has_text(&pdf, "乙值两次"));
    let err = w.stderr();
    assert!(!err.contains("4913") && !err.contains("sedAB12"), "{err}");
    assert_eq!(w.count("检测到修改"), 1, "{err}");
    assert!(err.contains("检测到修改：01-jiance.toml"), "{err}");
}

/// watch follows one document: a batch folder is refused, naming one.
#[test]
fn watch_of_a_batch_folder_names_a_document() {
    let out = Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .arg("watch")
        .arg(manifest_dir().join("data"))
        .stdin(Stdio::null())
        .output()
        .expect("cannot run the jixiao binary");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("只监视一个文档") && stderr.contains("中有 4 个文档文件夹"),
        "{stderr}"
    );
    assert!(stderr.contains("chengde-xinfang"), "{stderr}");
}
