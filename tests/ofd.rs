//! OFD output (issue 13), checked by a reader nobody here wrote: easyofd
//! (PyPI, run by `tests/ofd/read.py`) reads the reference document's OFD;
//! every page's text must equal the PDF's (pdftotext), each character's
//! glyph in the embedded subset the glyph its font maps it to (fontTools),
//! the outline the PDF's bookmarks (read by PyMuPDF), DocInfo the PDF's
//! metadata, the rules easyofd draws must lie where Typst's rasteriser
//! draws them, and so must its text (drawn in Fandol Song made easyofd's
//! 宋体, the one font it draws text in).
//! Reproducible bytes and a failed build keeping the old file need no reader.
//!
//! A second reader, ofdkit, checks where every text run lands; a third,
//! ofd-core (crates.io, a dev-dependency), renders the pages with the
//! embedded fonts, compared with Typst's pixel by pixel, and checks the
//! package's structure (those tests need no Python).
//! The readers are found as `JIXIAO_PYTHON` (default `python3`) with easyofd
//! and ofdkit importable; without it these tests are skipped, unless
//! `JIXIAO_OFD_TESTS=1` (CI) makes a missing reader fail them.

mod common;
#[path = "common/page_labels.rs"]
mod page_labels;

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::{TempDir, copy_dir, manifest_dir, page_text, pdfinfo_field, reference_dir, squash};
use typst::layout::{Abs, Frame, FrameItem, Point, Transform};

/// `SOURCE_DATE_EPOCH` of the builds: 2025-01-20 00:00 UTC.
const EPOCH: &str = "1737331200";
/// How far (pixels at 1 px/pt) a rule may be from where the other side draws it.
const REACH: i64 = 2;
/// The side (pt) of the squares text is compared in: easyofd draws every
/// character in its 宋体 where the PDF has Hei, Kai or Fang, so strokes differ
/// while the squares a character covers do not.
const TEXT_CELL: usize = 2;
/// The share of ink pixels allowed to have no ink within [`REACH`] on the other side.
const TOLERANCE: f64 = 0.01;

/// Builds the reference to `<dir>/ref.pdf` and `<dir>/ref.ofd`.
fn build_reference(dir: &Path) -> (PathBuf, PathBuf) {
    build_reference_as(dir, "ref.pdf", &["--emit", "pdf,ofd"]);
    (dir.join("ref.pdf"), dir.join("ref.ofd"))
}

/// Builds the reference with `-o <dir>/<output>` and `args` (which choose
/// what is written).
fn build_reference_as(dir: &Path, output: &str, args: &[&str]) {
    let out = dir.join(output);
    let root = manifest_dir();
    let mut all: Vec<&OsStr> = vec![
        "--root".as_ref(),
        root.as_os_str(),
        "-o".as_ref(),
        out.as_os_str(),
        "-q".as_ref(),
    ];
    all.extend(args.iter().map(OsStr::new));
    succeeds(&jixiao_build(&reference_dir(), &all));
}

/// Runs `jixiao build <doc> <args…>` with `SOURCE_DATE_EPOCH` [`EPOCH`].
fn jixiao_build(doc: &Path, args: &[&OsStr]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .arg("build")
        .arg(doc)
        .args(args)
        .env("SOURCE_DATE_EPOCH", EPOCH)
        .output()
        .expect("cannot run the jixiao binary")
}

/// Panics with the diagnostics unless the run succeeded.
fn succeeds(out: &Output) {
    assert!(
        out.status.success(),
        "build failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The Python with easyofd, or `None` (with a note) when it is missing and
/// not required.
fn reader_or_skip() -> Option<String> {
    let python = std::env::var("JIXIAO_PYTHON").unwrap_or_else(|_| "python3".to_string());
    let found = Command::new(&python)
        .args(["-c", "import easyofd, fitz, ofdkit, xmltodict"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        assert!(
            std::env::var("JIXIAO_OFD_TESTS").as_deref() != Ok("1"),
            "JIXIAO_OFD_TESTS=1 but `{python}` cannot import easyofd and ofdkit \
             (pip install easyofd==20260427 ofdkit==0.2.0, or set JIXIAO_PYTHON)"
        );
        eprintln!(
            "skipped: no easyofd and ofdkit for `{python}` (set JIXIAO_OFD_TESTS=1 to require them)"
        );
        return None;
    }
    Some(python)
}

/// What `read.py` says about `ofd` (see the script), with `args` passed on.
fn read(python: &str, ofd: &Path, args: &[&Path]) -> serde_json::Value {
    let script = manifest_dir().join("tests/ofd/read.py");
    let out = Command::new(python)
        .arg(script)
        .arg(ofd)
        .args(args)
        .output()
        .expect("cannot run python");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "read.py failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // easyofd prints notes of its own; the result is the last line.
    let last = stdout.lines().last().unwrap_or_default();
    serde_json::from_str(last)
        .unwrap_or_else(|e| panic!("read.py printed no JSON ({e}):\n{stdout}"))
}

#[test]
fn ofd_bytes_are_reproducible_and_start_with_ofd_xml() {
    let (a, b) = (TempDir::new("ofd-a"), TempDir::new("ofd-b"));
    let (_, first) = build_reference(a.path());
    let (_, second) = build_reference(b.path());
    let bytes = std::fs::read(&first).unwrap();
    assert!(
        bytes == std::fs::read(&second).unwrap(),
        "two builds differ"
    );
    let zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let names: Vec<String> = (0..zip.len())
        .filter_map(|i| zip.name_for_index(i)?.ok().map(|n| n.to_string()))
        .collect();
    assert_eq!(
        names[..3],
        ["OFD.xml", "Doc_0/Document.xml", "Doc_0/PublicRes.xml"]
    );
    let fonts = names.iter().filter(|n| n.starts_with("Doc_0/Res/")).count();
    assert!(fonts >= 4, "embedded fonts: {names:?}");
}

/// `--format ofd` is `--emit ofd`, `--format pdf,ofd` writes both, and a
/// summary format is refused for one document.
#[test]
fn format_names_the_document_format() {
    let (a, b, c) = (
        TempDir::new("ofd-emit"),
        TempDir::new("ofd-format"),
        TempDir::new("ofd-both"),
    );
    build_reference_as(a.path(), "ref.ofd", &["--emit", "ofd"]);
    build_reference_as(b.path(), "ref.ofd", &["--format", "ofd"]);
    let names = |dir: &Path| {
        let mut names: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        names.sort();
        names
    };
    assert_eq!(
        names(b.path()),
        ["ref.ofd"],
        "--format ofd writes the OFD only"
    );
    let read = |dir: &Path| std::fs::read(dir.join("ref.ofd")).unwrap();
    assert!(
        read(a.path()) == read(b.path()),
        "--format ofd differs from --emit ofd"
    );
    build_reference_as(c.path(), "ref.pdf", &["--format", "pdf,ofd"]);
    assert_eq!(names(c.path()), ["ref.ofd", "ref.pdf"], "--format pdf,ofd");
    let out = jixiao_build(
        &reference_dir(),
        &["--format".as_ref(), "ofd,json".as_ref()],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("只用于批量生成"));
    let refused = |args: &[&str], says: &str| {
        let os: Vec<&OsStr> = args.iter().map(OsStr::new).collect();
        let out = jixiao_build(&reference_dir(), &os);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            !out.status.success() && stderr.contains(says),
            "{args:?}: {stderr}"
        );
    };
    refused(
        &["--format", "ofd", "--pdf-standard", "a-2b"],
        "--pdf-standard 只用于 PDF",
    );
    // -o names the OFD here: a .pdf name would mislead.
    let wrong = c.path().join("wrong.pdf");
    refused(
        &["--format", "ofd", "-o", wrong.to_str().unwrap()],
        "但 -o 命名的是 OFD",
    );
    assert!(!wrong.exists());
}

/// FandolKai renamed LockedKai, its licence (OS/2 fsType) set to
/// "restricted": no embedding at all.
fn locked_font() -> Vec<u8> {
    let mut data = std::fs::read(manifest_dir().join("fonts/FandolKai-Regular.otf")).unwrap();
    let swap = |data: &mut Vec<u8>, from: &[u8], to: &[u8]| {
        while let Some(at) = data.windows(from.len()).position(|w| w == from) {
            data[at..at + to.len()].copy_from_slice(to);
        }
    };
    let utf16 = |s: &str| {
        s.encode_utf16()
            .flat_map(u16::to_be_bytes)
            .collect::<Vec<u8>>()
    };
    swap(&mut data, b"FandolKai", b"LockedKai");
    swap(&mut data, &utf16("FandolKai"), &utf16("LockedKai"));
    let tables = u16::from_be_bytes([data[4], data[5]]) as usize;
    let os2 = (0..tables)
        .map(|i| 12 + 16 * i)
        .find(|&r| &data[r..r + 4] == b"OS/2")
        .unwrap();
    let at = u32::from_be_bytes(data[os2 + 8..os2 + 12].try_into().unwrap()) as usize + 8;
    data[at..at + 2].copy_from_slice(&2u16.to_be_bytes());
    data
}

/// A font whose licence forbids embedding stops the OFD with a clear
/// error, and nothing is written.
#[test]
fn a_font_that_forbids_embedding_stops_the_ofd() {
    let tmp = TempDir::new("ofd-locked");
    let (root, doc) = root_with(tmp.path(), "");
    std::fs::create_dir_all(root.join("fonts")).unwrap();
    std::fs::write(root.join("fonts/Locked.otf"), locked_font()).unwrap();
    let toml = doc.join("document.toml");
    let text = std::fs::read_to_string(&toml).unwrap() + "\n[style.fonts]\nbody = \"LockedKai\"\n";
    std::fs::write(&toml, text).unwrap();
    let ofd = tmp.path().join("locked.ofd");
    let args = [
        "--root".as_ref(),
        root.as_os_str(),
        "-o".as_ref(),
        ofd.as_os_str(),
        "--format".as_ref(),
        "ofd".as_ref(),
    ];
    let out = jixiao_build(&doc, &args);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("字体“LockedKai”的许可不允许嵌入，无法生成 OFD"),
        "{stderr}"
    );
    assert!(stderr.contains("未写入任何文件"), "{stderr}");
    assert!(!ofd.exists());
}

#[test]
fn failed_build_keeps_the_old_ofd() {
    let tmp = TempDir::new("ofd-failed");
    let doc = tmp.path().join("doc");
    copy_dir(&reference_dir(), &doc);
    let toml = doc.join("document.toml");
    let broken = std::fs::read_to_string(&toml).unwrap() + "\nbroken = [\n";
    std::fs::write(&toml, broken).unwrap();
    let ofd = tmp.path().join("old.ofd");
    std::fs::write(&ofd, b"old").unwrap();
    let args = [
        "-o".as_ref(),
        ofd.as_os_str(),
        "--emit".as_ref(),
        "ofd".as_ref(),
    ];
    let out = jixiao_build(&doc, &args);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(std::fs::read(&ofd).unwrap(), b"old");
}

#[test]
fn every_page_has_the_pdf_text() {
    let Some(python) = reader_or_skip() else {
        return;
    };
    let tmp = TempDir::new("ofd-text");
    let (pdf, ofd) = build_reference(tmp.path());
    let pages = read(&python, &ofd, &[])["pages"].clone();
    let pages: Vec<String> = serde_json::from_value(pages).unwrap();
    assert_eq!(pages.len(), common::page_count(&pdf));
    for (i, text) in pages.iter().enumerate() {
        let expected = squash(&page_text(&pdf, i + 1));
        assert_eq!(squash(text), expected, "page {}", i + 1);
    }
}

#[test]
fn every_character_names_its_glyph_in_the_subset() {
    let Some(python) = reader_or_skip() else {
        return;
    };
    let tmp = TempDir::new("ofd-glyphs");
    let (_, ofd) = build_reference(tmp.path());
    let fonts = manifest_dir().join("fonts");
    let read = read(&python, &ofd, &["--glyphs".as_ref(), fonts.as_path()]);
    let (checked, bad) = (&read["glyphs"][0], &read["glyphs"][1]);
    assert!(checked.as_u64().unwrap() > 5000, "checked {checked}");
    assert_eq!(bad.as_array().unwrap().len(), 0, "{bad}");
}

#[test]
fn outline_labels_and_metadata_match_the_pdf() {
    let Some(python) = reader_or_skip() else {
        return;
    };
    let tmp = TempDir::new("ofd-outline");
    let (pdf, ofd) = build_reference(tmp.path());
    let read = read(&python, &ofd, &["--pdf".as_ref(), pdf.as_path()]);
    let outline = read["outline"].as_array().unwrap();
    assert!(outline.len() >= 10, "{outline:?}");
    assert_eq!(read["outline"], read["pdf_outline"]);
    let labels: Vec<String> = serde_json::from_value(read["labels"].clone()).unwrap();
    assert_eq!(labels, page_labels::page_labels(&pdf));
    assert_eq!(labels[..3], ["i", "ii", "1"]);
    let info = &read["info"];
    let field = |key| pdfinfo_field(&pdf, key).unwrap();
    assert_eq!(info["ofd:Title"], field("Title").as_str());
    assert_eq!(info["ofd:Author"], field("Author").as_str());
    assert_eq!(info["ofd:CreationDate"], "2025-01-20");
    assert!(common::creation_date(&pdf).unwrap().contains("20250120"));
}

#[test]
fn rules_are_drawn_where_the_pdf_has_them() {
    let Some(python) = reader_or_skip() else {
        return;
    };
    let tmp = TempDir::new("ofd-render");
    let (_, ofd) = build_reference(tmp.path());
    let pngs = tmp.path().join("pages");
    std::fs::create_dir_all(&pngs).unwrap();
    let rendered = read(&python, &ofd, &["--render".as_ref(), pngs.as_path()])["rendered"].clone();
    let document = typeset_reference();
    assert_eq!(rendered, document.pages().len());
    let mut ruled = 0;
    for (i, page) in document.pages().iter().enumerate() {
        let ofd_page = Ink::png(&pngs.join(format!("page-{}.png", i + 1)));
        let pdf_page = Ink::typst(page, false);
        ruled += usize::from(ofd_page.missed_in(&pdf_page, REACH).1 > 1000);
        assert_same_ink(i + 1, &ofd_page, &pdf_page, REACH);
    }
    // The eight 项目绩效目标表 pages (the others hold text only).
    assert!(ruled >= 8, "only {ruled} pages with rules");
}

#[test]
fn text_is_drawn_where_the_pdf_has_it() {
    let Some(python) = reader_or_skip() else {
        return;
    };
    let tmp = TempDir::new("ofd-render-text");
    let (_, ofd) = build_reference(tmp.path());
    let pngs = tmp.path().join("pages");
    std::fs::create_dir_all(&pngs).unwrap();
    let song = manifest_dir().join("fonts/FandolSong-Regular.otf");
    let args = [
        "--render".as_ref(),
        pngs.as_path(),
        "--song".as_ref(),
        song.as_path(),
    ];
    let rendered = read(&python, &ofd, &args)["rendered"].clone();
    let document = typeset_reference();
    assert_eq!(rendered, document.pages().len());
    let mut inked = 0;
    for (i, page) in document.pages().iter().enumerate() {
        let ofd_page = Ink::png(&pngs.join(format!("page-{}.png", i + 1))).cells(TEXT_CELL);
        let pdf_page = Ink::typst(page, true).cells(TEXT_CELL);
        inked += ofd_page.missed_in(&pdf_page, 1).1;
        assert_same_ink(i + 1, &ofd_page, &pdf_page, 1);
    }
    // Text, not just rules: the reference's 16 pages cover some 65,000 squares.
    assert!(inked > 40_000, "only {inked} inked squares");
}

/// Each side's ink has ink within `reach` on the other, but for [`TOLERANCE`].
fn assert_same_ink(page: usize, ofd: &Ink, pdf: &Ink, reach: i64) {
    for (what, a, b) in [("OFD", ofd, pdf), ("PDF", pdf, ofd)] {
        let (missed, total) = a.missed_in(b, reach);
        assert!(
            (missed as f64) <= TOLERANCE * total as f64,
            "page {page}: {missed} of {total} inked {what} pixels have no ink nearby on the other side"
        );
    }
}

/// A solid dark blue PNG of 40 × 40 pixels.
fn seal_png() -> Vec<u8> {
    let mut out = Vec::new();
    let mut enc = png::Encoder::new(&mut out, 40, 40);
    enc.set_color(png::ColorType::Rgb);
    let mut writer = enc.write_header().unwrap();
    writer
        .write_image_data(&[40, 40, 160].repeat(40 * 40))
        .unwrap();
    writer.finish().unwrap();
    out
}

/// A project root in `dir` whose document template ends with `extra`
/// (Typst markup: it lands on the last page); its document (the minimal
/// fixture) is `doc/`.
fn root_with(dir: &Path, extra: &str) -> (PathBuf, PathBuf) {
    let (root, doc) = (dir.join("root"), dir.join("root/doc"));
    copy_dir(&common::fixture("minimal"), &doc);
    std::fs::create_dir_all(root.join("templates")).unwrap();
    let template =
        std::fs::read_to_string(manifest_dir().join("templates/document.typ.tera")).unwrap();
    std::fs::write(root.join("templates/document.typ.tera"), template + extra).unwrap();
    (root, doc)
}

/// [`root_with`] a PNG (40 mm square) and an SVG (30 × 15 mm, rasterised
/// for the OFD) placed on the last page.
fn root_with_images(dir: &Path) -> (PathBuf, PathBuf) {
    let (root, doc) = root_with(
        dir,
        "\n#place(top + left, dx: 10mm, dy: 20mm, image(\"/templates/seal.png\", width: 40mm))\n\
         #place(top + left, dx: 80mm, dy: 20mm, image(\"/templates/mark.svg\", width: 30mm))\n",
    );
    std::fs::write(root.join("templates/seal.png"), seal_png()).unwrap();
    let svg = r##"<svg xmlns="http://www.w3.org/2000/svg" width="20" height="10"><rect width="20" height="10" fill="#a00000"/></svg>"##;
    std::fs::write(root.join("templates/mark.svg"), svg).unwrap();
    (root, doc)
}

/// Builds `doc` with the project root `root` to `out` (`--format ofd`).
fn build_ofd(doc: &Path, root: &Path, out: &Path) {
    let args = [
        "--root".as_ref(),
        root.as_os_str(),
        "-o".as_ref(),
        out.as_os_str(),
        "--format".as_ref(),
        "ofd".as_ref(),
        "-q".as_ref(),
    ];
    succeeds(&jixiao_build(doc, &args));
}

/// One text run: its text, the origin of its first character and its
/// size, in mm.
type TextRun = (String, f64, f64, f64);

/// The text runs of a frame as Typst placed them, in paint order: each
/// run's text without white space at either end, where the first drawn
/// character's origin lands on the page (through every group's
/// transform) and the font size as scaled there.
fn typst_runs(frame: &Frame, ts: Transform, out: &mut Vec<TextRun>) {
    for (pos, item) in frame.items() {
        let at = ts.pre_concat(Transform::translate(pos.x, pos.y));
        match item {
            FrameItem::Group(group) => {
                typst_runs(&group.frame, at.pre_concat(group.transform), out)
            }
            FrameItem::Text(text) => {
                let mut pen = Abs::zero();
                let first = text.glyphs.iter().find_map(|g| {
                    let x = pen + g.x_offset.at(text.size);
                    pen += g.x_advance.at(text.size);
                    let chars = &text.text[g.range()];
                    (!chars.chars().all(char::is_whitespace)).then_some(x)
                });
                let Some(x) = first else { continue };
                let origin = Point::new(x, Abs::zero()).transform(at);
                let scale = (at.sx.get() * at.sy.get() - at.kx.get() * at.ky.get())
                    .abs()
                    .sqrt();
                let size = (text.size * scale).to_mm();
                out.push((
                    text.text.trim().to_string(),
                    origin.x.to_mm(),
                    origin.y.to_mm(),
                    size,
                ));
            }
            _ => {}
        }
    }
}

/// Asserts that ofdkit's runs of each page (`read.py --runs`) are Typst's,
/// each within 0.005 mm (the OFD's lengths have three decimals).
fn assert_runs_match(read: &serde_json::Value, document: &typst_layout::PagedDocument) {
    let pages: Vec<Vec<TextRun>> = serde_json::from_value(read["runs"].clone()).unwrap();
    assert_eq!(pages.len(), document.pages().len());
    for (i, (got, page)) in pages.iter().zip(document.pages()).enumerate() {
        let mut want = Vec::new();
        typst_runs(&page.frame, Transform::identity(), &mut want);
        assert_eq!(got.len(), want.len(), "page {}: runs", i + 1);
        for (g, w) in got.iter().zip(&want) {
            let near = |a: f64, b: f64| (a - b).abs() < 0.005;
            assert!(
                g.0 == w.0 && near(g.1, w.1) && near(g.2, w.2) && near(g.3, w.3),
                "page {}: ofdkit read {g:?}, Typst placed {w:?}",
                i + 1
            );
        }
    }
}

/// A second reader, ofdkit, finds every run of the reference where Typst
/// put it, and the document's title, author and date.
#[test]
fn ofdkit_reads_every_run_where_typst_put_it() {
    let Some(python) = reader_or_skip() else {
        return;
    };
    let tmp = TempDir::new("ofd-ofdkit");
    let (pdf, ofd) = build_reference(tmp.path());
    let read = read(&python, &ofd, &["--runs".as_ref()]);
    assert_runs_match(&read, &typeset_reference());
    let info = &read["ofdkit_info"];
    assert_eq!(
        info["title"],
        pdfinfo_field(&pdf, "Title").unwrap().as_str()
    );
    assert_eq!(
        info["author"],
        pdfinfo_field(&pdf, "Author").unwrap().as_str()
    );
    assert_eq!(info["date"], "2025-01-20");
    let runs = read["runs"].as_array().unwrap();
    for (i, page) in runs.iter().enumerate() {
        let text: String = page
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r[0].as_str().unwrap())
            .collect();
        assert_eq!(
            squash(&text),
            squash(&page_text(&pdf, i + 1)),
            "page {}",
            i + 1
        );
    }
}

/// Text a template turns, mirrors or stretches starts where Typst put it,
/// at its size (ofdkit applies each text object's Boundary and CTM;
/// easyofd does not). ofdkit reports where a run starts, not which way it
/// runs: the CTM's turn itself is checked by `ofd::page`'s unit tests.
#[test]
fn turned_and_mirrored_text_is_where_typst_put_it() {
    let Some(python) = reader_or_skip() else {
        return;
    };
    let tmp = TempDir::new("ofd-turned");
    let extra = "\n#place(top + left, dx: 30mm, dy: 40mm, rotate(30deg, reflow: false)[旋转文字 ABC])\n\
                 #place(top + left, dx: 30mm, dy: 90mm, scale(x: -100%, reflow: false)[镜像文字])\n\
                 #place(top + left, dx: 30mm, dy: 120mm, scale(x: 150%, y: 80%, reflow: false)[拉伸])\n";
    let (root, doc) = root_with(tmp.path(), extra);
    let ofd = tmp.path().join("turned.ofd");
    build_ofd(&doc, &root, &ofd);
    let document = typeset(&doc, &root);
    let name = format!(
        "Doc_0/Pages/Page_{}/Content.xml",
        document.pages().len() - 1
    );
    let last = String::from_utf8(part(&ofd, &name)).unwrap();
    // 旋转文字 and ABC are two runs (Han and Latin are shaped apart).
    assert_eq!(last.matches(" CTM=").count(), 4, "four turned runs: {last}");
    assert_runs_match(&read(&python, &ofd, &["--runs".as_ref()]), &document);
}

/// A part of an OFD package.
fn part(ofd: &Path, name: &str) -> Vec<u8> {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(ofd).unwrap()).unwrap();
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(&mut zip.by_name(name).unwrap(), &mut bytes).unwrap();
    bytes
}

/// Images: a PNG goes in as it is, an SVG as a PNG made from it, each a
/// resource of `DocumentRes.xml`; easyofd draws them where Typst does.
#[test]
fn images_are_embedded_and_drawn_where_the_pdf_has_them() {
    let tmp = TempDir::new("ofd-images");
    let (root, doc) = root_with_images(tmp.path());
    let ofd = tmp.path().join("img.ofd");
    build_ofd(&doc, &root, &ofd);
    let res = String::from_utf8(part(&ofd, "Doc_0/DocumentRes.xml")).unwrap();
    let files: Vec<&str> = res
        .split("<ofd:MediaFile>")
        .skip(1)
        .filter_map(|s| s.split('<').next())
        .collect();
    assert_eq!(files.len(), 2, "{res}");
    assert_eq!(part(&ofd, &format!("Doc_0/Res/{}", files[0])), seal_png());
    assert!(part(&ofd, &format!("Doc_0/Res/{}", files[1])).starts_with(b"\x89PNG"));
    let Some(python) = reader_or_skip() else {
        return;
    };
    let pngs = tmp.path().join("pages");
    std::fs::create_dir_all(&pngs).unwrap();
    read(&python, &ofd, &["--render".as_ref(), pngs.as_path()]);
    let document = typeset(&doc, &root);
    let last = document.pages().len();
    let ofd_page = Ink::png(&pngs.join(format!("page-{last}.png")));
    let pdf_page = Ink::typst(&document.pages()[last - 1], false);
    assert_same_ink(last, &ofd_page, &pdf_page, REACH);
    // The images are there: the seal alone inks 40 mm × 40 mm ≈ 12,900 pixels.
    assert!(ofd_page.missed_in(&pdf_page, 0).1 > 12_000);
}

/// The reference typeset in this process (what the PDF is made from).
fn typeset_reference() -> typst_layout::PagedDocument {
    typeset(&reference_dir(), &manifest_dir())
}

/// The document in `dir` typeset in this process, with the project root `root`.
fn typeset(dir: &Path, root: &Path) -> typst_layout::PagedDocument {
    use jixiao::pipeline::{self, Options};
    let sources = jixiao::report::diag::SourceMap::default();
    let opts = Options {
        root: Some(root.to_path_buf()),
        ..Options::default()
    };
    let prepared = pipeline::prepare(dir, &opts, &sources).unwrap();
    let typeset = prepared.typeset(Path::new("ref.typ"), &sources).unwrap();
    typeset.document().clone()
}

/// A page's inked pixels (darker than light grey).
struct Ink {
    width: usize,
    height: usize,
    dark: Vec<bool>,
}

impl Ink {
    /// easyofd's rendering of a page (`read.py` leaves text out unless it
    /// is given a 宋体: easyofd never draws in the embedded fonts).
    fn png(path: &Path) -> Self {
        let decoder =
            png::Decoder::new(std::io::BufReader::new(std::fs::File::open(path).unwrap()));
        let mut reader = decoder.read_info().unwrap();
        let mut buf = vec![0; reader.output_buffer_size().unwrap()];
        let info = reader.next_frame(&mut buf).unwrap();
        let channels = info.color_type.samples();
        let dark = buf[..info.buffer_size()]
            .chunks(channels)
            .map(|px| {
                px[..3.min(channels)]
                    .iter()
                    .map(|&v| u32::from(v))
                    .sum::<u32>()
                    < 3 * 200
            })
            .collect();
        Self {
            width: info.width as usize,
            height: info.height as usize,
            dark,
        }
    }

    /// The project's rasteriser (typst-render at 1 px/pt, as `diff --pages`)
    /// on the page, with or without its text.
    fn typst(page: &typst_layout::Page, text: bool) -> Self {
        let mut page = page.clone();
        if !text {
            page.frame = without_text(&page.frame);
        }
        let options = typst_render::RenderOptions {
            pixel_per_pt: typst::utils::Scalar::new(1.0),
            render_bleed: false,
        };
        let pixmap = typst_render::render(&page, &options);
        let dark = pixmap
            .data()
            .chunks(4)
            .map(|px| px[..3].iter().map(|&v| u32::from(v)).sum::<u32>() < 3 * 200)
            .collect();
        Self {
            width: pixmap.width() as usize,
            height: pixmap.height() as usize,
            dark,
        }
    }

    /// An RGBA buffer's inked pixels.
    fn pixmap(width: u32, height: u32, data: &[u8]) -> Self {
        let dark = data
            .chunks(4)
            .map(|px| px[..3].iter().map(|&v| u32::from(v)).sum::<u32>() < 3 * 200)
            .collect();
        Self {
            width: width as usize,
            height: height as usize,
            dark,
        }
    }

    /// The page in squares of `side` pixels, inked where any pixel is.
    fn cells(&self, side: usize) -> Self {
        let (width, height) = (self.width / side, self.height / side);
        let mut dark = vec![false; width * height];
        for y in 0..height * side {
            for x in 0..width * side {
                dark[y / side * width + x / side] |= self.dark[y * self.width + x];
            }
        }
        Self {
            width,
            height,
            dark,
        }
    }

    fn at(&self, x: i64, y: i64) -> bool {
        (0..self.width as i64).contains(&x)
            && (0..self.height as i64).contains(&y)
            && self.dark[y as usize * self.width + x as usize]
    }

    /// How many of this page's inked pixels have no ink within `reach`
    /// in `other`, and how many inked pixels there are.
    fn missed_in(&self, other: &Ink, reach: i64) -> (usize, usize) {
        let (mut missed, mut total) = (0, 0);
        for y in 0..self.height as i64 {
            for x in 0..self.width as i64 {
                if !self.at(x, y) {
                    continue;
                }
                total += 1;
                let near =
                    (-reach..=reach).any(|dy| (-reach..=reach).any(|dx| other.at(x + dx, y + dy)));
                missed += usize::from(!near);
            }
        }
        (missed, total)
    }
}

/// A frame with its text runs left out (groups kept, with theirs left out).
fn without_text(frame: &Frame) -> Frame {
    let mut out = Frame::new(frame.size(), frame.kind());
    for (pos, item) in frame.items() {
        match item {
            FrameItem::Text(_) => {}
            FrameItem::Group(group) => {
                let mut group = group.clone();
                group.frame = without_text(&group.frame);
                out.push(*pos, FrameItem::Group(group));
            }
            other => out.push(*pos, other.clone()),
        }
    }
    out
}

/// Renders every page of `ofd` with ofd-core (crates.io: an OFD renderer
/// nobody here wrote, drawing text with the embedded fonts through their
/// CGTransforms, paths, images and CTMs; not clips) at 1 px/pt and asserts
/// that its ink lies where Typst's rasteriser puts the page's, within one
/// pixel, but for [`TOLERANCE`]. Also checks ofd-core's structure check.
fn assert_ofd_core_draws_like_typst(ofd: &Path, document: &typst_layout::PagedDocument) {
    let report = ofd_core::check_path(ofd);
    assert!(report.conforms(), "ofd-core: {:?}", report.problems);
    let mut reader = ofd_core::OfdReader::open(ofd).unwrap();
    let bodies = reader.ofd().doc_bodies.clone();
    let doc = reader.load_document(&bodies[0]).unwrap();
    assert_eq!(doc.pages().len(), document.pages().len());
    let options = ofd_core::RenderOptions::with_dpi(72.0);
    for (i, page) in document.pages().iter().enumerate() {
        let pixmap = reader.render_page(&doc, i, &options).unwrap();
        let ofd_page = Ink::pixmap(pixmap.width(), pixmap.height(), pixmap.data());
        assert_same_ink(i + 1, &ofd_page, &Ink::typst(page, true), 1);
    }
}

/// ofd-core draws every page of the reference, text in its own typefaces,
/// where Typst does (at most 12 of some 28,000 inked pixels per page are
/// more than a pixel off, measured).
#[test]
fn ofd_core_draws_every_page_of_the_reference_like_typst() {
    let tmp = TempDir::new("ofd-core");
    let (_, ofd) = build_reference(tmp.path());
    assert_ofd_core_draws_like_typst(&ofd, &typeset_reference());
}

/// And the images a template places, and text it turns, mirrors or
/// stretches, which the Python readers cannot check (easyofd ignores the
/// CTMs, ofdkit reports where runs start only).
#[test]
fn ofd_core_draws_images_and_turned_text_like_typst() {
    let tmp = TempDir::new("ofd-core-turned");
    // Large, so that a wrong turn moves more ink than the tolerance.
    let extra = "\n#set text(size: 28pt)\n\
                 #place(top + left, dx: 10mm, dy: 100mm, rotate(30deg, reflow: false)[旋转文字 ABC])\n\
                 #place(top + left, dx: 10mm, dy: 150mm, scale(x: -100%, reflow: false)[镜像文字])\n\
                 #place(top + left, dx: 10mm, dy: 190mm, scale(x: 150%, y: 80%, reflow: false)[拉伸])\n\
                 #place(top + left, dx: 100mm, dy: 150mm, rotate(-20deg, image(\"/templates/seal.png\", width: 30mm)))\n";
    let (root, doc) = root_with(tmp.path(), extra);
    std::fs::write(root.join("templates/seal.png"), seal_png()).unwrap();
    let ofd = tmp.path().join("turned.ofd");
    build_ofd(&doc, &root, &ofd);
    assert_ofd_core_draws_like_typst(&ofd, &typeset(&doc, &root));
}
