//! Helpers shared by the integration tests: run the `jixiao` binary into a
//! temporary folder and read the PDF back with poppler-utils (pdftotext,
//! pdfinfo, pdffonts).
//!
//! poppler-utils are required: a missing tool fails the test with a message
//! saying so, it never lets a test pass silently.

#![allow(dead_code)]

pub mod strategies;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// The diff fixture pairs `tests/fixtures/diff/<case>/{old,new}`: the
/// issue-14 cases (a renamed row and goal, moved goals and tables, a new
/// rule break, 总体绩效目标 and the cover, the totals in every report) and
/// the earlier ones.
pub const DIFF_CASES: [&str; 10] = [
    "identical",
    "budget",
    "indicator-added",
    "reordered",
    "paragraph",
    "projects",
    "renamed",
    "moved",
    "check-broken",
    "overall",
];

/// The project folder (where Cargo.toml is).
pub fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The reference document folder.
pub fn reference_dir() -> PathBuf {
    manifest_dir().join("data/2025/chengde-xinfang")
}

/// A fixture folder under `tests/fixtures/`.
pub fn fixture(name: &str) -> PathBuf {
    manifest_dir().join("tests/fixtures").join(name)
}

/// A fresh folder below the system temp dir, removed when dropped unless the
/// test is failing (then it is kept and its path printed, for inspection).
pub struct TempDir {
    path: PathBuf,
}

impl TempDir {
    /// Creates `<temp>/jixiao-test-<label>-<pid>-<n>-<nanos>`.
    pub fn new(label: &str) -> Self {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let n = COUNTER.fetch_add(1, Ordering::SeqCst);
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let path = std::env::temp_dir().join(format!(
            "jixiao-test-{label}-{}-{n}-{nanos}",
            std::process::id()
        ));
        std::fs::create_dir_all(&path)
            .unwrap_or_else(|e| panic!("cannot create temp folder {}: {e}", path.display()));
        Self { path }
    }

    /// The folder.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        if std::thread::panicking() {
            eprintln!("(test failed: kept {} for inspection)", self.path.display());
        } else {
            let _ = std::fs::remove_dir_all(&self.path);
        }
    }
}

/// Runs `jixiao build <doc_dir> -o <out_dir>/<name>.pdf <extra…>` and returns
/// the process output and the output path.
pub fn run_build(doc_dir: &Path, out_dir: &Path, name: &str, extra: &[&str]) -> (Output, PathBuf) {
    let pdf = out_dir.join(format!("{name}.pdf"));
    let output = Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .arg("build")
        .arg(doc_dir)
        .arg("-o")
        .arg(&pdf)
        .args(extra)
        .output()
        .expect("cannot run the jixiao binary");
    (output, pdf)
}

/// Builds `doc_dir` into `<out_dir>/<name>.pdf`; panics with the diagnostics
/// unless the build exits 0 and the PDF exists.
pub fn build_ok(doc_dir: &Path, out_dir: &Path, name: &str) -> PathBuf {
    let (output, pdf) = run_build(doc_dir, out_dir, name, &[]);
    assert!(
        output.status.success(),
        "jixiao build {} failed ({}):\n{}",
        doc_dir.display(),
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        pdf.is_file(),
        "jixiao build {} exited 0 but wrote no {}",
        doc_dir.display(),
        pdf.display()
    );
    pdf
}

/// Runs a poppler tool; a missing tool is a test failure with a clear message.
fn poppler(tool: &str, args: &[&std::ffi::OsStr]) -> String {
    let output = match Command::new(tool).args(args).output() {
        Ok(o) => o,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => panic!(
            "`{tool}` not found: these tests read the PDF back with poppler-utils; \
             install poppler-utils (e.g. `apt-get install poppler-utils`)"
        ),
        Err(e) => panic!("cannot run `{tool}`: {e}"),
    };
    assert!(
        output.status.success(),
        "`{tool} {:?}` failed ({}): {}",
        args,
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap_or_else(|e| panic!("`{tool}` printed non-UTF-8: {e}"))
}

/// The whole text of a PDF: `pdftotext -enc UTF-8 <pdf> -` (pages end in \f).
pub fn pdf_text(pdf: &Path) -> String {
    poppler(
        "pdftotext",
        &[
            "-enc".as_ref(),
            "UTF-8".as_ref(),
            pdf.as_os_str(),
            "-".as_ref(),
        ],
    )
}

/// The text in content-stream order: `pdftotext -raw -enc UTF-8 <pdf> -`.
///
/// Plain `pdftotext` interleaves the lines of neighbouring multi-line table
/// cells ("补助发放合 补助发放合格数/补 / 格率 / 助费…"), which cuts cell
/// texts apart; in raw mode every cell's text stays in one piece.
pub fn pdf_text_raw(pdf: &Path) -> String {
    poppler(
        "pdftotext",
        &[
            "-raw".as_ref(),
            "-enc".as_ref(),
            "UTF-8".as_ref(),
            pdf.as_os_str(),
            "-".as_ref(),
        ],
    )
}

/// The text of page `n` (1-based), in content-stream order:
/// `pdftotext -raw -enc UTF-8 -f n -l n <pdf> -` (raw mode for the reason
/// given at [`pdf_text_raw`]; on the 目录 page plain mode also interleaves
/// the "目 录" title with the part headings).
pub fn page_text(pdf: &Path, n: usize) -> String {
    let n = n.to_string();
    poppler(
        "pdftotext",
        &[
            "-raw".as_ref(),
            "-enc".as_ref(),
            "UTF-8".as_ref(),
            "-f".as_ref(),
            n.as_ref(),
            "-l".as_ref(),
            n.as_ref(),
            pdf.as_os_str(),
            "-".as_ref(),
        ],
    )
}

/// A word of `pdftotext -bbox`: its text and box in pt, y down from the
/// page's top.
#[derive(Debug, Clone)]
pub struct Word {
    /// The word.
    pub text: String,
    /// Left edge.
    pub x0: f64,
    /// Top edge.
    pub y0: f64,
    /// Right edge.
    pub x1: f64,
    /// Bottom edge.
    pub y1: f64,
}

/// The words of every page with their boxes (`pdftotext -bbox`), index 0 =
/// page 1, and each page's width in pt.
pub fn pdf_words(pdf: &Path) -> Vec<(f64, Vec<Word>)> {
    let html = poppler(
        "pdftotext",
        &[
            "-bbox".as_ref(),
            "-enc".as_ref(),
            "UTF-8".as_ref(),
            pdf.as_os_str(),
            "-".as_ref(),
        ],
    );
    let attr = |tag: &str, name: &str| -> f64 {
        let start = tag.find(&format!("{name}=\"")).expect(name) + name.len() + 2;
        let len = tag[start..].find('"').expect("a closing quote");
        tag[start..start + len].parse().expect("a number")
    };
    let mut pages: Vec<(f64, Vec<Word>)> = Vec::new();
    for line in html.lines().map(str::trim) {
        if line.starts_with("<page ") {
            pages.push((attr(line, "width"), Vec::new()));
        } else if let Some(rest) = line.strip_prefix("<word ") {
            let (tag, text) = rest.split_once('>').expect("a word tag");
            let text = text.strip_suffix("</word>").expect("a word end");
            let word = Word {
                text: text
                    .replace("&lt;", "<")
                    .replace("&gt;", ">")
                    .replace("&quot;", "\"")
                    .replace("&amp;", "&"),
                x0: attr(tag, "xMin"),
                y0: attr(tag, "yMin"),
                x1: attr(tag, "xMax"),
                y1: attr(tag, "yMax"),
            };
            pages
                .last_mut()
                .expect("a page before its words")
                .1
                .push(word);
        }
    }
    pages
}

/// The text of every page, in order (index 0 = page 1).
pub fn pages_text(pdf: &Path) -> Vec<String> {
    (1..=page_count(pdf)).map(|n| page_text(pdf, n)).collect()
}

/// `pdfinfo -enc UTF-8` as (key, value) pairs.
pub fn pdfinfo(pdf: &Path) -> Vec<(String, String)> {
    poppler(
        "pdfinfo",
        &["-enc".as_ref(), "UTF-8".as_ref(), pdf.as_os_str()],
    )
    .lines()
    .filter_map(|l| l.split_once(':'))
    .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
    .collect()
}

/// One `pdfinfo` field.
pub fn pdfinfo_field(pdf: &Path, key: &str) -> Option<String> {
    pdfinfo(pdf)
        .into_iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v)
}

/// The number of pages, from `pdfinfo`.
pub fn page_count(pdf: &Path) -> usize {
    let pages = pdfinfo_field(pdf, "Pages").expect("pdfinfo printed no Pages line");
    pages
        .parse()
        .unwrap_or_else(|_| panic!("pdfinfo Pages is not a number: {pages:?}"))
}

/// One row of `pdffonts`.
#[derive(Debug, Clone)]
pub struct FontRow {
    pub name: String,
    pub kind: String,
    pub embedded: String,
}

/// The fonts of a PDF (`pdffonts`); columns are cut at the dashes line, as
/// the type column holds spaces ("CID Type 0C").
pub fn pdffonts(pdf: &Path) -> Vec<FontRow> {
    let out = poppler("pdffonts", &[pdf.as_os_str()]);
    let lines: Vec<&str> = out.lines().collect();
    let dashes = lines
        .iter()
        .position(|l| l.starts_with("---"))
        .expect("pdffonts printed no header");
    // Column spans from the runs of dashes.
    let mut cols = Vec::new();
    let mut start = None;
    for (i, c) in lines[dashes].char_indices() {
        match (c, start) {
            ('-', None) => start = Some(i),
            (' ', Some(s)) => {
                cols.push((s, i));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        cols.push((s, lines[dashes].len()));
    }
    let field = |line: &str, k: usize| -> String {
        let (s, e) = cols[k];
        let e = if k + 1 == cols.len() { line.len() } else { e };
        line.get(s.min(line.len())..e.min(line.len()))
            .unwrap_or("")
            .trim()
            .to_string()
    };
    lines[dashes + 1..]
        .iter()
        .filter(|l| !l.trim().is_empty())
        .map(|l| FontRow {
            name: field(l, 0),
            kind: field(l, 1),
            embedded: field(l, 3),
        })
        .collect()
}

/// Removes all whitespace (layout spaces and line wraps are extraction
/// artefacts; the data's own spaces are compared the same way on both sides).
pub fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// The page number of a footer line "— N —", if `line` is one.
pub fn footer_number_of_line(line: &str) -> Option<u32> {
    let inner = line.trim().strip_prefix('—')?.strip_suffix('—')?.trim();
    if !inner.is_empty() && inner.chars().all(|c| c.is_ascii_digit()) {
        inner.parse().ok()
    } else {
        None
    }
}

/// The printed page number of a page's text: its last "— N —" line.
pub fn footer_number(page: &str) -> Option<u32> {
    page.lines().rev().find_map(footer_number_of_line)
}

/// Every "— N —" line of a page (a page must have at most one).
pub fn footer_numbers(page: &str) -> Vec<u32> {
    page.lines().filter_map(footer_number_of_line).collect()
}

/// A page's text without its footer (the last "— N —" line).
pub fn strip_footer(page: &str) -> String {
    let lines: Vec<&str> = page.lines().collect();
    match lines
        .iter()
        .rposition(|l| footer_number_of_line(l).is_some())
    {
        Some(i) => lines
            .iter()
            .enumerate()
            .filter(|&(j, _)| j != i)
            .map(|(_, l)| *l)
            .collect::<Vec<_>>()
            .join("\n"),
        None => page.to_string(),
    }
}

/// The raw-order text of every page, footer removed, whitespace squashed.
pub fn page_bodies(pdf: &Path) -> Vec<String> {
    let raw = pdf_text_raw(pdf);
    let mut pages: Vec<String> = raw
        .split('\u{c}')
        .map(|p| squash(&strip_footer(p)))
        .collect();
    if pages.last().is_some_and(|p| p.is_empty()) {
        pages.pop(); // pdftotext ends every page with \f
    }
    pages
}

/// The raw-order text of a whole PDF with every page's footer removed and
/// all whitespace squashed: the body text as one string.
pub fn body_text(pdf: &Path) -> String {
    page_bodies(pdf).concat()
}

/// Why `text` (squashed) may be missing from the body text: when it is
/// split over a page break (its start ends one page's text of a cell, its
/// rest is on the next page after the footer and a repeated table header),
/// says so; otherwise an empty string.
pub fn explain_missing(pages: &[String], text: &str) -> String {
    let text = squash(text);
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    for k in 0..pages.len().saturating_sub(1) {
        // Longest head first: the real break, not a short common prefix.
        for &(i, _) in chars.iter().skip(1).rev() {
            let (head, tail) = text.split_at(i);
            if head.chars().count() < 2 || tail.chars().count() < 2 {
                continue;
            }
            if pages[k].contains(head) && pages[k + 1].contains(tail) {
                return format!(
                    " — looks split over the page break between PDF pages {} and {}: “{head}” | “{tail}”",
                    k + 1,
                    k + 2
                );
            }
        }
    }
    String::new()
}

/// One 目录 line as printed: its title and page number (none for the
/// 第一部分/第二部分 lines).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TocEntry {
    pub title: String,
    pub page: Option<u32>,
}

/// Parses the text of the 目录 page: "title . . . . N" lines give numbered
/// entries; the other lines after the 目录 title (the part headings, even
/// when an extraction splits them over several lines) give entries without
/// a number.
pub fn parse_toc(page: &str) -> Vec<TocEntry> {
    let mut entries = Vec::new();
    let mut pending = String::new();
    let mut title_done = false;
    for line in page.lines() {
        let line = line.trim();
        if line.is_empty() || footer_number_of_line(line).is_some() {
            continue;
        }
        let squashed = squash(line);
        if !title_done && matches!(squashed.as_str(), "目录" | "目" | "录") {
            title_done = squashed != "目";
            continue;
        }
        let digits_start = line
            .char_indices()
            .rev()
            .take_while(|(_, c)| c.is_ascii_digit())
            .last()
            .map(|(i, _)| i);
        let (before, number) = match digits_start {
            Some(i) => (&line[..i], Some(&line[i..])),
            None => (line, None),
        };
        // A number counts only after a dot leader (at least two dots).
        let is_leader = |c: char| c == '.' || c == '·' || c == '…' || c.is_whitespace();
        let title = before.trim_end_matches(is_leader);
        let leader_dots = before[title.len()..].chars().filter(|&c| c != ' ').count();
        match number {
            Some(n) if leader_dots >= 2 => {
                if !pending.is_empty() {
                    entries.push(TocEntry {
                        title: std::mem::take(&mut pending),
                        page: None,
                    });
                }
                entries.push(TocEntry {
                    title: squash(title),
                    page: n.parse().ok(),
                });
            }
            _ => pending.push_str(&squashed),
        }
    }
    if !pending.is_empty() {
        entries.push(TocEntry {
            title: pending,
            page: None,
        });
    }
    entries
}

/// Writes `s` as a TOML basic string ("…" with \\ \" \n \t \r and \uXXXX
/// escapes for the other control characters).
pub fn toml_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                out.push_str(&format!("\\u{:04X}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Reads a TOML file into a table (for expectations taken from data files).
pub fn read_toml(path: &Path) -> toml::Table {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    toml::from_str(&text).unwrap_or_else(|e| panic!("{} is not valid TOML: {e}", path.display()))
}

/// A string field of a TOML table ("" when absent).
pub fn toml_str<'a>(t: &'a toml::Table, key: &str) -> &'a str {
    t.get(key).and_then(toml::Value::as_str).unwrap_or("")
}

/// The non-blank lines of a text field, trimmed (as the product splits
/// paragraphs and cell lines).
pub fn text_lines(s: &str) -> Vec<String> {
    s.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

/// Chinese numbers as used in "（一）…（十二）" (1–99).
pub fn chinese_number(n: usize) -> String {
    const D: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    match n {
        1..=9 => D[n].to_string(),
        10..=19 => format!("十{}", if n == 10 { "" } else { D[n % 10] }),
        20..=99 => format!(
            "{}十{}",
            D[n / 10],
            if n.is_multiple_of(10) { "" } else { D[n % 10] }
        ),
        _ => panic!("chinese_number: {n} out of range"),
    }
}

/// The 目录 consistency check shared by the reference and fixture tests:
/// every numbered entry of the 目录 (page 2) equals the footer number of the
/// first page after the 目录 that holds the entry's title. Returns the
/// entries; panics listing every mismatch.
pub fn check_toc_against_pages(pages: &[String]) -> Vec<TocEntry> {
    assert!(
        pages.len() >= 3,
        "expected a cover, a 目录 page and a body; got {} pages",
        pages.len()
    );
    assert!(
        squash(&pages[1]).starts_with("目录"),
        "page 2 is not the 目录 page; it reads:\n{}",
        pages[1]
    );
    let entries = parse_toc(&pages[1]);
    let mut problems = Vec::new();
    for e in entries.iter().filter(|e| e.page.is_some()) {
        let found = pages
            .iter()
            .enumerate()
            .skip(2)
            .find(|(_, p)| squash(&strip_footer(p)).contains(&e.title));
        match found {
            None => problems.push(format!(
                "“{}” (目录 says {}): no page after the 目录 holds this title",
                e.title,
                e.page.unwrap()
            )),
            Some((i, p)) => match footer_number(p) {
                None => problems.push(format!(
                    "“{}” (目录 says {}): found on PDF page {} which prints no “— N —”",
                    e.title,
                    e.page.unwrap(),
                    i + 1
                )),
                Some(n) if Some(n) != e.page => problems.push(format!(
                    "“{}”: 目录 says {}, but it starts on PDF page {} which prints — {n} —",
                    e.title,
                    e.page.unwrap(),
                    i + 1
                )),
                Some(_) => {}
            },
        }
    }
    assert!(
        problems.is_empty(),
        "目录 page numbers disagree with the pages ({} of {} numbered entries):\n  {}",
        problems.len(),
        entries.iter().filter(|e| e.page.is_some()).count(),
        problems.join("\n  ")
    );
    entries
}

/// Page-number checks shared by the tests: the cover and the 目录 page print
/// no "— N —"; every later page prints exactly one, counting 1, 2, 3, …
/// (a page without one must be blank).
pub fn check_page_numbers(pages: &[String]) {
    let mut problems = Vec::new();
    for (i, p) in pages.iter().enumerate().take(2) {
        let f = footer_numbers(p);
        if !f.is_empty() {
            problems.push(format!(
                "PDF page {} ({}) prints page number(s) {f:?}",
                i + 1,
                if i == 0 { "cover" } else { "目录" }
            ));
        }
    }
    let mut expected = 1;
    for (i, p) in pages.iter().enumerate().skip(2) {
        let f = footer_numbers(p);
        match f.as_slice() {
            [] if squash(p).is_empty() => expected += 1,
            [] => problems.push(format!("PDF page {} has text but no “— N —”", i + 1)),
            [n] => {
                if *n != expected {
                    problems.push(format!(
                        "PDF page {} prints — {n} —, expected — {expected} —",
                        i + 1
                    ));
                }
                expected = n + 1;
            }
            many => problems.push(format!(
                "PDF page {} prints several page numbers {many:?}",
                i + 1
            )),
        }
    }
    assert!(
        problems.is_empty(),
        "page numbering problems:\n  {}",
        problems.join("\n  ")
    );
}

/// Copies a folder tree (files and folders only) to `to`.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap_or_else(|e| panic!("cannot create {}: {e}", to.display()));
    let entries =
        std::fs::read_dir(from).unwrap_or_else(|e| panic!("cannot list {}: {e}", from.display()));
    for entry in entries {
        let entry = entry.expect("directory entry");
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target)
                .unwrap_or_else(|e| panic!("cannot copy {}: {e}", entry.path().display()));
        }
    }
}

/// Runs `jixiao build <doc_dir> -o <pdf> --root <repo>` with
/// `SOURCE_DATE_EPOCH` set to `epoch` (or removed when None).
pub fn run_build_at(doc_dir: &Path, pdf: &Path, epoch: Option<&str>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_jixiao"));
    cmd.arg("build")
        .arg(doc_dir)
        .arg("-o")
        .arg(pdf)
        .arg("--root")
        .arg(manifest_dir())
        .env_remove("SOURCE_DATE_EPOCH");
    if let Some(epoch) = epoch {
        cmd.env("SOURCE_DATE_EPOCH", epoch);
    }
    cmd.output().expect("cannot run the jixiao binary")
}

/// The `/CreationDate` string of a PDF's info dictionary, read from its bytes.
pub fn creation_date(pdf: &Path) -> Option<String> {
    let bytes = std::fs::read(pdf).unwrap_or_else(|e| panic!("cannot read {}: {e}", pdf.display()));
    let key = b"/CreationDate";
    let at = bytes.windows(key.len()).position(|w| w == key)? + key.len();
    let rest = &bytes[at..];
    let open = rest.iter().position(|&b| b == b'(')?;
    let close = rest.iter().position(|&b| b == b')')?;
    Some(String::from_utf8_lossy(&rest[open + 1..close]).into_owned())
}

/// Writes a document folder with the model's own serialisation
/// (`projects/01.toml`, `02.toml` …).
pub fn write_document(doc: &jixiao::input::model::Document, dir: &Path) {
    std::fs::create_dir_all(dir.join("projects")).unwrap();
    std::fs::write(dir.join("document.toml"), toml::to_string(doc).unwrap()).unwrap();
    for (i, p) in doc.projects.iter().enumerate() {
        let path = dir.join(format!("projects/{:02}.toml", i + 1));
        std::fs::write(path, toml::to_string(p).unwrap()).unwrap();
    }
}
