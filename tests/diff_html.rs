//! Integration tests of `jixiao diff --format html`: the page is one
//! self-contained file, marks the changed text, holds one image per changed
//! page, escapes hostile data, and a real browser (headless Chromium) shows
//! it.
//!
//! The reports are snapshots (insta) with each embedded PNG replaced by its
//! size and digest, so the snapshot stays readable and still pins the images.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use common::{TempDir, copy_dir, manifest_dir, reference_dir};

/// The reference folder as given on the command line (relative to the
/// project folder, so that the report's title does not hold a local path).
const REFERENCE: &str = "data/2025/chengde-xinfang";

/// Runs the binary in the project folder.
fn jixiao(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .current_dir(manifest_dir())
        .args(args)
        .output()
        .expect("cannot run the jixiao binary")
}

fn assert_code(out: &Output, code: i32) {
    assert_eq!(
        out.status.code(),
        Some(code),
        "unexpected exit status; stderr:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Writes the HTML report of `old` → `new` to `out` and returns it.
fn html_report(old: &str, new: &str, out: &Path) -> String {
    html_report_exiting(old, new, out, 1)
}

/// [`html_report`] of two versions whose exit status is `code`.
fn html_report_exiting(old: &str, new: &str, out: &Path, code: i32) -> String {
    let run = jixiao(&[
        "diff",
        old,
        new,
        "--format",
        "html",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_code(&run, code);
    std::fs::read_to_string(out).expect("the HTML report was written")
}

/// How many pages `jixiao diff --pages` finds changed, added or removed.
fn changed_pages(old: &str, new: &str) -> usize {
    let out = jixiao(&["diff", "--pages", old, new]);
    let differ = out.status.code() == Some(1);
    if !differ {
        assert_code(&out, 0);
    }
    let summary = String::from_utf8(out.stdout).unwrap();
    let marks = ["有变化", "新增页", "已删除"];
    let n = summary
        .lines()
        .filter(|l| marks.iter().any(|m| l.contains(m)))
        .count();
    assert_eq!(n > 0, differ, "{summary}");
    n
}

/// One file: nothing is fetched (no http(s) address, every `src` a `data:`
/// URI, no script, style or link element from elsewhere).
fn assert_self_contained(html: &str) {
    assert!(html.starts_with("<!DOCTYPE html>\n"), "{}", &html[..80]);
    assert!(html.contains("<meta charset=\"utf-8\">"));
    for banned in ["http:", "https:", "<script", "<link", "url(", "@import"] {
        assert!(!html.contains(banned), "the report holds {banned}");
    }
    let srcs = html.matches("src=\"").count();
    assert_eq!(srcs, html.matches("src=\"data:image/png;base64,").count());
}

/// Each base64 payload replaced by `〈PNG n bytes fnv1a:…〉` (decoded size
/// and a digest of the bytes), after checking it is a PNG.
fn without_payloads(html: &str) -> String {
    const START: &str = "data:image/png;base64,";
    let mut out = String::new();
    let mut rest = html;
    while let Some(at) = rest.find(START) {
        out.push_str(&rest[..at + START.len()]);
        let tail = &rest[at + START.len()..];
        let end = tail.find('"').expect("a closed src attribute");
        let bytes = decode_base64(&tail[..end]);
        let size = png_size(&bytes);
        assert!(size.0 > 0 && size.1 > 0);
        out.push_str(&format!(
            "〈PNG {} bytes fnv1a:{}〉",
            bytes.len(),
            &fnv1a(&bytes)[..12]
        ));
        rest = &tail[end..];
    }
    out.push_str(rest);
    out
}

/// Standard base64 (the alphabet the report uses), decoded by hand so the
/// test does not use the encoder it checks.
fn decode_base64(text: &str) -> Vec<u8> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        b'/' => 63,
        _ => panic!("not base64: {:?}", c as char),
    };
    let data = text.trim_end_matches('=').as_bytes();
    let mut out = Vec::with_capacity(data.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0);
    for &c in data {
        acc = (acc << 6) | u32::from(value(c));
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    out
}

/// 64-bit FNV-1a as hex: a stable digest without a hashing dependency.
fn fnv1a(bytes: &[u8]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}

/// Width and height of a PNG.
fn png_size(bytes: &[u8]) -> (u32, u32) {
    let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    let reader = decoder.read_info().expect("a PNG");
    let info = reader.info();
    (info.width, info.height)
}

/// Replaces the one `from` in `dir/file` by `to`.
fn edit(dir: &Path, file: &str, from: &str, to: &str) {
    let path = dir.join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    assert_eq!(text.matches(from).count(), 1, "{file}: {from}");
    std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
}

/// The reference with one goal sentence and one indicator value edited.
fn edited_reference(dir: &Path) {
    copy_dir(&reference_dir(), dir);
    edit(
        dir,
        "document.toml",
        "下大气力推动信访突出问题解决",
        "下大气力推动信访突出问题及时解决",
    );
    edit(
        dir,
        "projects/02-jinjing-zhiban.toml",
        "value = \"=2人\"",
        "value = \"=3人\"",
    );
}

#[test]
fn paragraph_report_is_one_file_with_the_change_marked() {
    let tmp = TempDir::new("diff-html-paragraph");
    let (old, new) = (
        "tests/fixtures/diff/paragraph/old",
        "tests/fixtures/diff/paragraph/new",
    );
    let html = html_report(old, new, &tmp.path().join("report.html"));
    assert_self_contained(&html);
    assert!(html.contains("持续提升<ins>运</ins>用法治思维"), "{html}");
    assert_eq!(html.matches("<img ").count(), changed_pages(old, new));
    // Same data, same bytes; without -o the page goes to stdout.
    let again = jixiao(&["diff", old, new, "--format", "html"]);
    assert_code(&again, 1);
    assert!(
        again.stdout == html.as_bytes(),
        "the report is not deterministic"
    );
    insta::assert_snapshot!("paragraph", without_payloads(&html));
}

#[test]
fn every_fixture_pair_has_an_html_snapshot() {
    let tmp = TempDir::new("diff-html-cases");
    for case in common::DIFF_CASES {
        let base = format!("tests/fixtures/diff/{case}");
        let (old, new) = (format!("{base}/old"), format!("{base}/new"));
        let out = tmp.path().join(format!("{case}.html"));
        let code = if case == "identical" { 0 } else { 1 };
        let html = html_report_exiting(&old, &new, &out, code);
        assert_self_contained(&html);
        assert_eq!(
            html.matches("<img ").count(),
            changed_pages(&old, &new),
            "{case}"
        );
        insta::assert_snapshot!(format!("{case}-html"), without_payloads(&html));
    }
}

#[test]
fn reference_report_marks_the_edits_and_names_printed_pages() {
    let tmp = TempDir::new("diff-html-reference");
    let edited = tmp.path().join("edited");
    edited_reference(&edited);
    let new = edited.to_str().unwrap();
    let html = html_report(REFERENCE, new, &tmp.path().join("report.html"));
    assert_self_contained(&html);
    assert!(html.contains("信访突出问题<ins>及时</ins>解决"), "{html}");
    assert!(html.contains("=<del>2</del><ins>3</ins>人") || html.contains("=2人 → =3人"));
    assert_eq!(html.matches("<img ").count(), changed_pages(REFERENCE, new));
    // Each caption's printed number is the footer of that PDF page.
    let pdf = common::build_ok(&edited, tmp.path(), "edited");
    for caption in html.split("<figcaption>").skip(1) {
        let caption = &caption[..caption.find("</figcaption>").unwrap()];
        let (printed, physical) = caption_numbers(caption);
        let footer = common::footer_number(&common::page_text(&pdf, physical));
        assert_eq!(footer, Some(printed), "{caption}");
    }
    let html = html.replace(new, "〈edited〉");
    insta::assert_snapshot!("reference", without_payloads(&html));
}

/// (printed, physical) from "第 7 页（PDF 第 9 页）：…".
fn caption_numbers(caption: &str) -> (u32, usize) {
    let number = |s: &str| -> String { s.chars().take_while(char::is_ascii_digit).collect() };
    let printed = caption.strip_prefix("第 ").expect("a body page's caption");
    let physical = &caption[caption.find("PDF 第 ").expect("the PDF page") + "PDF 第 ".len()..];
    (
        number(printed).parse().unwrap(),
        number(physical).parse().unwrap(),
    )
}

/// Paragraph data with markup in a goal and an indicator value.
fn hostile_pair(dir: &Path) -> (PathBuf, PathBuf) {
    let (old, new) = (dir.join("old"), dir.join("new"));
    copy_dir(
        &manifest_dir().join("tests/fixtures/diff/paragraph/old"),
        &old,
    );
    copy_dir(
        &manifest_dir().join("tests/fixtures/diff/paragraph/old"),
        &new,
    );
    edit(
        &new,
        "document.toml",
        "信访事项按期办结率达到百分之百。",
        "<script>alert(1)</script>",
    );
    edit(
        &new,
        "projects/01-jiedai.toml",
        "≥300平方米",
        "\\\"><img src=x>",
    );
    (old, new)
}

#[test]
fn hostile_data_is_shown_escaped() {
    let tmp = TempDir::new("diff-html-hostile");
    let (old, new) = hostile_pair(tmp.path());
    let (old, new) = (old.to_str().unwrap(), new.to_str().unwrap());
    let html = html_report(old, new, &tmp.path().join("report.html"));
    assert_self_contained(&html);
    for raw in ["<script>alert(1)</script>", "\"><img src=x>", "<img src=x"] {
        assert!(!html.contains(raw), "raw {raw} in the report");
    }
    assert!(
        html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "{html}"
    );
    assert!(html.contains("&quot;&gt;&lt;img src=x&gt;"));
    assert_eq!(html.matches("<img ").count(), changed_pages(old, new));
}

/// Headless Chromium on PATH, if there is one.
fn chromium() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    ["chromium", "chromium-browser"].iter().find_map(|name| {
        std::env::split_paths(&path)
            .map(|dir| dir.join(name))
            .find(|p| p.is_file())
    })
}

/// Chromium, or `None` (with a note) when it is missing and not required;
/// with `JIXIAO_BROWSER_TESTS=1` a missing browser fails the test.
fn browser_or_skip() -> Option<PathBuf> {
    let found = chromium();
    if found.is_none() {
        assert!(
            std::env::var("JIXIAO_BROWSER_TESTS").as_deref() != Ok("1"),
            "JIXIAO_BROWSER_TESTS=1 but neither chromium nor chromium-browser is on PATH \
             (Debian: apt-get install chromium)"
        );
        eprintln!("skipped: no chromium on PATH (set JIXIAO_BROWSER_TESTS=1 to require it)");
    }
    found
}

/// Runs headless Chromium on `url` with `args`, killed after a minute.
/// Fonts: the system's plus the project's (FandolHei), so Chinese text is
/// drawn even on a machine without Chinese fonts.
fn run_browser(browser: &Path, work: &Path, args: &[&str], url: &str) -> Output {
    let conf = work.join("fonts.conf");
    std::fs::write(
        &conf,
        format!(
            "<?xml version=\"1.0\"?>\n<!DOCTYPE fontconfig SYSTEM \"fonts.dtd\">\n<fontconfig>\n\
             <include ignore_missing=\"yes\">/etc/fonts/fonts.conf</include>\n\
             <dir>{}</dir>\n<cachedir>{}</cachedir>\n</fontconfig>\n",
            manifest_dir().join("fonts").display(),
            work.join("font-cache").display()
        ),
    )
    .unwrap();
    // Output into files: a DOM of megabytes would fill a pipe nobody reads
    // while the test waits.
    let (stdout, stderr) = (work.join("chromium.out"), work.join("chromium.err"));
    let file = |p: &Path| std::fs::File::create(p).expect("chromium output file");
    let mut child = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
        ])
        .arg(format!(
            "--user-data-dir={}",
            work.join("profile").display()
        ))
        .args(args)
        .arg(url)
        .env("FONTCONFIG_FILE", &conf)
        .stdin(Stdio::null())
        .stdout(file(&stdout))
        .stderr(file(&stderr))
        .spawn()
        .expect("cannot start chromium");
    let (start, limit) = (Instant::now(), Duration::from_secs(60));
    let status = loop {
        if let Some(status) = child.try_wait().expect("waiting for chromium") {
            break status;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("chromium did not finish within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let out = Output {
        status,
        stdout: std::fs::read(&stdout).unwrap(),
        stderr: std::fs::read(&stderr).unwrap(),
    };
    assert!(
        out.status.success(),
        "chromium failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

#[test]
fn a_browser_shows_the_report() {
    let Some(browser) = browser_or_skip() else {
        return;
    };
    let tmp = TempDir::new("diff-html-browser");
    let edited = tmp.path().join("edited");
    edited_reference(&edited);
    let new = edited.to_str().unwrap();
    let report = tmp.path().join("report.html");
    let html = html_report(REFERENCE, new, &report);
    let url = format!("file://{}", report.display());
    let images = html.matches("<img ").count();

    let dom = run_browser(&browser, tmp.path(), &["--dump-dom"], &url);
    let dom = String::from_utf8(dom.stdout).expect("UTF-8 DOM");
    for heading in [
        "第一部分 二、分项绩效目标",
        "第二部分 预算项目绩效目标",
        "页面对比",
    ] {
        assert!(dom.contains(&format!("<h2>{heading}</h2>")), "{heading}");
    }
    assert!(dom.contains("信访突出问题<ins>及时</ins>解决"), "{dom}");
    assert!(dom.contains("<p class=\"closing\">共计："), "{dom}");
    assert!(
        dom.contains("<p class=\"closing\">合计：预算数 301.84 万元"),
        "{dom}"
    );
    assert_eq!(dom.matches("<img ").count(), images, "{dom}");
    assert!(!dom.contains("<script"), "{dom}");

    let shot = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("diff-html-screenshot.png");
    let _ = std::fs::remove_file(&shot);
    let arg = format!("--screenshot={}", shot.display());
    run_browser(
        &browser,
        tmp.path(),
        &[&arg, "--window-size=1280,2000", "--hide-scrollbars"],
        &url,
    );
    let pixels = screenshot_pixels(&shot);
    let mut colours = pixels.clone();
    colours.sort_unstable();
    colours.dedup();
    // A blank or single-colour page has a handful; text, marks and page
    // images give hundreds.
    let n = colours.len();
    assert!(n > 200, "{} has only {n} colours", shot.display());
    // The first page image is on screen: its red boxes are drawn.
    let red = pixels
        .iter()
        .filter(|p| p[0] > 180 && p[1] < 60 && p[2] < 60);
    assert!(red.count() > 100, "no red box in {}", shot.display());
    eprintln!("screenshot: {} ({n} colours)", shot.display());
}

/// The pixels (RGB) of a screenshot, which must be 1280x2000.
fn screenshot_pixels(png_path: &Path) -> Vec<[u8; 3]> {
    let file = std::fs::File::open(png_path)
        .unwrap_or_else(|e| panic!("no screenshot {}: {e}", png_path.display()));
    let decoder = png::Decoder::new(std::io::BufReader::new(file));
    let mut reader = decoder.read_info().expect("the screenshot is a PNG");
    let mut buf = vec![0; reader.output_buffer_size().expect("a sane size")];
    let info = reader.next_frame(&mut buf).expect("the screenshot decodes");
    assert_eq!((info.width, info.height), (1280, 2000));
    assert_eq!(info.bit_depth, png::BitDepth::Eight);
    let step = info.line_size / info.width as usize;
    assert!(step >= 3, "{:?}", info.color_type);
    buf[..info.buffer_size()]
        .chunks(step)
        .map(|p| [p[0], p[1], p[2]])
        .collect()
}

#[test]
fn output_options_are_checked_in_chinese() {
    let (old, new) = (
        "tests/fixtures/diff/paragraph/old",
        "tests/fixtures/diff/paragraph/new",
    );
    let tmp = TempDir::new("diff-html-options");
    let out = tmp.path().join("report.txt");
    let cases: [(&[&str], &str); 3] = [
        (
            &["-o", out.to_str().unwrap()],
            "-o 只用于 --pages 或 --format html",
        ),
        (
            &["--pages", "--format", "html"],
            "--pages 与 --format html 不能同时使用",
        ),
        (
            &[
                "--format",
                "html",
                "-o",
                "tests/fixtures/diff/paragraph/new/r.html",
            ],
            "在输入文件夹",
        ),
    ];
    for (extra, message) in cases {
        let run = jixiao(&[&["diff", old, new][..], extra].concat());
        let err = String::from_utf8_lossy(&run.stderr);
        assert_eq!(run.status.code(), Some(2), "{extra:?}: {err}");
        assert!(err.contains(message), "{extra:?}: {err}");
    }
    assert!(!out.exists());
    assert!(!manifest_dir().join(new).join("r.html").exists());
}
