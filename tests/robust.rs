//! Robustness: absurd inputs, interrupted builds, broken templates, and
//! templates that try to read outside their folders.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use common::{TempDir, fixture, manifest_dir, page_count, pdf_text_raw, reference_dir, squash};

fn jixiao(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .args(args)
        .output()
        .expect("cannot run the jixiao binary")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 temp path")
}

/// A document whose first project has `rows` indicator rows and whose 总体
/// 绩效目标 is one paragraph of about `paragraph_bytes` bytes.
fn write_big_document(dir: &Path, rows: usize, paragraph_bytes: usize) {
    std::fs::create_dir_all(dir.join("projects")).unwrap();
    let unit = "信访工作稳步推进，";
    let para = unit.repeat(paragraph_bytes / unit.len()) + "段落结束标记。";
    let doc = format!(
        "year = 2025\ndepartment = \"压力测试局\"\nunit_code = \"1\"\nunit_name = \"压力测试局本级\"\noverall = \"{para}\"\n"
    );
    std::fs::write(dir.join("document.toml"), doc).unwrap();
    let mut p = String::from(
        "code = \"YL1\"\nname = \"压力测试项目\"\nusage = \"用途\"\ngoal = \"目标\"\n[budget]\ntotal = 1\n[plan]\ndecember = 100\n",
    );
    for i in 0..rows {
        let (l1, l2) = match i * 3 / rows {
            0 => ("产出指标", "数量指标"),
            1 => ("效益指标", "社会效益指标"),
            _ => ("满意度指标", "服务对象满意度指标"),
        };
        p.push_str(&format!(
            "[[indicators]]\nlevel1 = \"{l1}\"\nlevel2 = \"{l2}\"\nname = \"指标{i}\"\ndescription = \"描述\"\nvalue = \"≥{i}件\"\nbasis = \"计划\"\n"
        ));
    }
    std::fs::write(dir.join("projects/01-yali.toml"), p).unwrap();
}

#[test]
fn ten_thousand_rows_and_a_megabyte_paragraph_build() {
    let tmp = TempDir::new("big");
    let doc = tmp.path().join("doc");
    write_big_document(&doc, 10_000, 1 << 20);
    let pdf = tmp.path().join("big.pdf");
    let out = jixiao(&["build", s(&doc), "-o", s(&pdf)]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(page_count(&pdf) > 500, "{} pages", page_count(&pdf));
    let text = squash(&pdf_text_raw(&pdf));
    assert!(
        text.contains("段落结束标记。"),
        "end of the long paragraph missing"
    );
    assert!(text.contains("指标9999"), "last indicator row missing");
}

#[test]
fn oversized_file_is_refused_with_its_size() {
    let tmp = TempDir::new("huge");
    let doc = tmp.path().join("doc");
    std::fs::create_dir_all(&doc).unwrap();
    let filler = "# 注释\n".repeat(9 * 1024 * 1024 / 9);
    std::fs::write(doc.join("document.toml"), filler).unwrap();
    let out = jixiao(&["check", s(&doc)]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("太大"), "{}", stderr(&out));
}

/// Waits for a child with a deadline, so a hang fails instead of blocking.
fn wait_or_kill(mut child: std::process::Child, limit: Duration) -> Output {
    let start = Instant::now();
    while start.elapsed() < limit {
        if child.try_wait().unwrap().is_some() {
            return child.wait_with_output().unwrap();
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = child.kill();
    panic!("jixiao did not finish within {limit:?}");
}

#[test]
fn a_pipe_or_folder_in_place_of_a_data_file_does_not_hang() {
    let tmp = TempDir::new("fifo");
    let doc = tmp.path().join("doc");
    std::fs::create_dir_all(doc.join("projects/02-folder.toml")).unwrap();
    let made = Command::new("mkfifo")
        .arg(doc.join("document.toml"))
        .status()
        .expect("mkfifo");
    assert!(made.success());
    let child = Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .args(["check", s(&doc)])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let out = wait_or_kill(child, Duration::from_secs(20));
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("不是普通文件"), "{}", stderr(&out));
}

#[test]
fn killing_a_build_never_leaves_a_partial_pdf() {
    let tmp = TempDir::new("kill");
    let old = b"%PDF-1.7 the previous good output".to_vec();
    let new = common::build_ok(&reference_dir(), tmp.path(), "fresh");
    let new = std::fs::read(new).unwrap();
    let target = tmp.path().join("out.pdf");
    for i in 0..12u64 {
        std::fs::write(&target, &old).unwrap();
        let mut child = Command::new(env!("CARGO_BIN_EXE_jixiao"))
            .args(["build", s(&reference_dir()), "-o", s(&target)])
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // Spread the kills over the whole build, the write included.
        std::thread::sleep(Duration::from_millis(15 * i));
        let _ = child.kill();
        let _ = child.wait();
        let now = std::fs::read(&target).unwrap();
        assert!(
            now == old || now == new,
            "kill after {} ms left {} bytes",
            15 * i,
            now.len()
        );
    }
}

/// A copy of the project root whose templates can be edited, fonts shared.
fn scratch_root(tmp: &TempDir) -> PathBuf {
    let root = tmp.path().join("root");
    let templates = root.join("templates");
    std::fs::create_dir_all(&templates).unwrap();
    for entry in std::fs::read_dir(manifest_dir().join("templates")).unwrap() {
        let path = entry.unwrap().path();
        // Forms are built in; only the template files are copied.
        if path.is_file() {
            std::fs::copy(&path, templates.join(path.file_name().unwrap())).unwrap();
        }
    }
    std::os::unix::fs::symlink(manifest_dir().join("fonts"), root.join("fonts")).unwrap();
    root
}

fn append(path: &Path, text: &str) {
    let mut body = std::fs::read_to_string(path).unwrap();
    body.push_str(text);
    std::fs::write(path, body).unwrap();
}

fn check_with_root(root: &Path) -> Output {
    jixiao(&["check", s(&fixture("minimal")), "--root", s(root)])
}

#[test]
fn templates_cannot_read_outside_their_folders() {
    let attempts = [
        "#read(\"/etc/passwd\")",
        "#read(\"../../../../../../etc/passwd\")",
        "#read(\"/templates/leak.txt\")",
        "#read(\"/data/../../../../etc/passwd\")",
        "#import \"@preview/cetz:0.3.0\"",
        "#image(\"/etc/hostname\")",
    ];
    for attempt in attempts {
        let tmp = TempDir::new("confine");
        let root = scratch_root(&tmp);
        std::os::unix::fs::symlink("/etc/passwd", root.join("templates/leak.txt")).unwrap();
        append(
            &root.join("templates/document.typ.tera"),
            &format!("\n{attempt}\n"),
        );
        let out = check_with_root(&root);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{attempt} was allowed:\n{err}");
        assert!(err.contains("排版错误"), "{attempt}: {err}");
        assert!(!err.contains("root:x:0:0"), "{attempt} leaked /etc/passwd");
    }
}

#[test]
fn template_errors_point_at_the_template_line() {
    let tmp = TempDir::new("tpl");
    let root = scratch_root(&tmp);
    let typ = root.join("templates/jixiao.typ");
    let text = std::fs::read_to_string(&typ).unwrap();
    let mut lines: Vec<&str> = text.lines().collect();
    lines.insert(3, "#let boom = nosuch-function(1)");
    std::fs::write(&typ, lines.join("\n")).unwrap();
    let err = stderr(&check_with_root(&root));
    assert!(err.contains("templates/jixiao.typ:4:13"), "{err}");
    // It says the file is the project's own copy of a built-in one.
    assert!(err.contains("本项目自己的 templates/jixiao.typ"), "{err}");

    let tmp = TempDir::new("tera");
    let root = scratch_root(&tmp);
    let tera = root.join("templates/document.typ.tera");
    let text = std::fs::read_to_string(&tera).unwrap();
    let mut lines: Vec<&str> = text.lines().collect();
    lines.insert(5, "{{ nosuchvar }}");
    std::fs::write(&tera, lines.join("\n")).unwrap();
    let err = stderr(&check_with_root(&root));
    assert!(err.contains("模板错误"), "{err}");
    assert!(err.contains("templates/document.typ.tera:6:4"), "{err}");
    assert!(
        err.contains("本项目自己的 templates/document.typ.tera"),
        "{err}"
    );
}

#[test]
fn output_in_a_read_only_place_is_a_clear_error() {
    let out = jixiao(&[
        "build",
        s(&fixture("minimal")),
        "-o",
        "/proc/jixiao-test.pdf",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("无法写入输出文件") || err.contains("无法创建输出文件夹"),
        "{err}"
    );
    assert!(err.contains("未写入任何文件"), "{err}");
}

#[test]
fn a_cell_longer_than_a_page_is_printed_whole() {
    let tmp = TempDir::new("longcell");
    let doc = tmp.path().join("doc");
    write_big_document(&doc, 3, 16);
    let table = doc.join("projects/01-yali.toml");
    let text = std::fs::read_to_string(&table).unwrap();
    let long = format!("{}单元格结束标记", "群众满意程度".repeat(400));
    std::fs::write(
        &table,
        text.replacen(
            "description = \"描述\"",
            &format!("description = \"{long}\""),
            1,
        ),
    )
    .unwrap();
    let pdf = tmp.path().join("long.pdf");
    let out = jixiao(&["build", s(&doc), "-o", s(&pdf)]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        squash(&pdf_text_raw(&pdf)).contains("单元格结束标记"),
        "the end of the long cell was lost"
    );
}

/// Runs `check` on a document with a project root, failing on a hang.
fn check_within(doc: &Path, root: &Path) -> Output {
    let child = Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .args(["check", s(doc), "--root", s(root)])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    wait_or_kill(child, Duration::from_secs(30))
}

fn mkfifo(path: &Path) {
    let made = Command::new("mkfifo").arg(path).status().expect("mkfifo");
    assert!(made.success());
}

#[test]
fn tera_templates_never_follow_links_outside_or_open_fifos() {
    let tmp = TempDir::new("tera-link");
    let root = scratch_root(&tmp);
    std::os::unix::fs::symlink("/etc/passwd", root.join("templates/x.tera")).unwrap();
    append(
        &root.join("templates/document.typ.tera"),
        "\n{% include \"x.tera\" %}\n",
    );
    let out = check_within(&fixture("minimal"), &root);
    let all = format!("{}{}", String::from_utf8_lossy(&out.stdout), stderr(&out));
    assert_eq!(out.status.code(), Some(1), "{all}");
    assert!(all.contains("x.tera”是指向所在文件夹之外的链接"), "{all}");
    assert!(!all.contains("root:x:0:0"), "leaked /etc/passwd:\n{all}");

    let tmp = TempDir::new("tera-fifo");
    let root = scratch_root(&tmp);
    mkfifo(&root.join("templates/y.tera"));
    let out = check_within(&fixture("minimal"), &root);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("y.tera”不是普通文件"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn the_typst_world_never_opens_a_fifo() {
    let tmp = TempDir::new("world-fifo");
    let root = scratch_root(&tmp);
    mkfifo(&root.join("templates/pipe.typ"));
    append(
        &root.join("templates/document.typ.tera"),
        "\n#read(\"/templates/pipe.typ\")\n",
    );
    let out = check_within(&fixture("minimal"), &root);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("不是普通文件"), "{}", stderr(&out));
}

#[test]
fn data_files_linked_outside_the_folder_are_refused_without_content() {
    let tmp = TempDir::new("data-link");
    let doc = tmp.path().join("doc");
    std::fs::create_dir_all(doc.join("projects")).unwrap();
    std::fs::copy(fixture("minimal/document.toml"), doc.join("document.toml")).unwrap();
    std::os::unix::fs::symlink("/etc/passwd", doc.join("projects/02-x.toml")).unwrap();
    let out = jixiao(&["check", s(&doc)]);
    let all = format!("{}{}", String::from_utf8_lossy(&out.stdout), stderr(&out));
    assert_eq!(out.status.code(), Some(1), "{all}");
    assert!(
        all.contains("02-x.toml”是指向所在文件夹之外的链接"),
        "{all}"
    );
    let passwd = std::fs::read_to_string("/etc/passwd").unwrap();
    for line in passwd.lines().filter(|l| !l.trim().is_empty()) {
        assert!(!all.contains(line), "printed a line of /etc/passwd: {line}");
    }
}

/// A project template that never ends (Typst or Tera) is stopped at the
/// deadline with a message; one that eats memory fails at the ceiling.
/// Nothing is written either way.
#[test]
fn runaway_templates_are_stopped() {
    let loops = [
        (
            "jixiao.typ",
            "\n#for i in range(100000) { for j in range(100000) { let x = i + j } }\n",
        ),
        (
            "document.typ.tera",
            "\n{% for i in range(end=100000) %}{% for j in range(end=100000) %}{% endfor %}{% endfor %}\n",
        ),
    ];
    for (file, text) in loops {
        let tmp = TempDir::new("runaway");
        let root = scratch_root(&tmp);
        append(&root.join("templates").join(file), text);
        let pdf = tmp.path().join("x.pdf");
        let started = Instant::now();
        let out = build_limited(&root, &pdf, ("JIXIAO_TIMEOUT", "2"));
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{file}: {err}");
        assert!(err.contains("排版超过 2 秒仍未完成"), "{file}: {err}");
        assert!(started.elapsed() < Duration::from_secs(60), "{file}");
        assert!(!pdf.exists());
    }
    let tmp = TempDir::new("runaway-memory");
    let root = scratch_root(&tmp);
    let doubling = "{% set s = \"xxxxxxxx\" %}{% for i in range(end=40) %}{% set_global s = s ~ s %}{% endfor %}{{ s | length }}";
    std::fs::write(root.join("templates/document.typ.tera"), doubling).unwrap();
    let pdf = tmp.path().join("x.pdf");
    let out = build_limited(&root, &pdf, ("JIXIAO_MEMORY_MIB", "512"));
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("memory allocation"),
        "{}",
        stderr(&out)
    );
    assert!(!pdf.exists());
}

/// Builds the minimal fixture with `root`'s templates into `pdf`, with one
/// limit set in the environment.
fn build_limited(root: &Path, pdf: &Path, limit: (&str, &str)) -> Output {
    Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .args([
            "build",
            s(&fixture("minimal")),
            "--root",
            s(root),
            "-o",
            s(pdf),
        ])
        .env(limit.0, limit.1)
        .env("RUST_BACKTRACE", "0")
        .output()
        .unwrap()
}
