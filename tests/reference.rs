//! The reference document (data/2025/chengde-xinfang) against the published
//! text `tests/fixtures/reference/chengde-xinfang-2025.txt` (a text extraction of the
//! published PDF; tabs separate table cells).

mod common;

use std::path::{Path, PathBuf};

use common::*;

// ---------------------------------------------------------------------------
// The reference text, split into items.

/// One item of the reference: a paragraph line or a table cell, whitespace
/// removed, with its 1-based line number in the seed file.
#[derive(Debug, Clone)]
struct Item {
    line: usize,
    text: String,
}

/// One project table of the reference: its title line and its other items
/// (the unit/money lines above it and every non-empty cell).
#[derive(Debug)]
struct RefTable {
    title: Item,
    items: Vec<Item>,
}

/// The reference split up.
#[derive(Debug)]
struct Reference {
    /// Everything before the first project table, in order: cover, 目录
    /// titles, 第一部分, 第二部分 heading.
    prose: Vec<Item>,
    /// Numbered 目录 lines: (title, page number cell).
    toc: Vec<(Item, Item)>,
    /// The project tables.
    tables: Vec<RefTable>,
    /// Lines left out as page-break artefacts of the published PDF.
    skipped: Vec<(usize, String)>,
}

/// A copy of `../shared/seed/chengde-xinfang-2025.txt`, kept in the
/// repository so the tests run wherever it is cloned.
fn seed_path() -> PathBuf {
    manifest_dir().join("tests/fixtures/reference/chengde-xinfang-2025.txt")
}

fn load_reference() -> Reference {
    let path = seed_path();
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "reference text not found: looked for {}: {e}",
            path.display()
        )
    });
    parse_reference(&text)
}

/// A table title line: one cell "N.…表" (no tab).
fn is_table_title(line: &str) -> bool {
    let t = squash(line);
    !line.contains('\t')
        && t.ends_with('表')
        && t.split_once('.').is_some_and(|(n, rest)| {
            !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()) && !rest.is_empty()
        })
}

fn parse_reference(text: &str) -> Reference {
    let mut r = Reference {
        prose: Vec::new(),
        toc: Vec::new(),
        tables: Vec::new(),
        skipped: Vec::new(),
    };
    let mut header_seen = false;
    for (i, line) in text.lines().enumerate() {
        let n = i + 1;
        if line.trim().is_empty() {
            continue;
        }
        let cells: Vec<String> = line
            .split('\t')
            .map(squash)
            .filter(|c| !c.is_empty())
            .collect();
        if r.tables.is_empty() && line.contains('\t') {
            // A 目录 line: "一、总体绩效目标\t1".
            let is_toc = cells.len() == 2 && cells[1].chars().all(|c| c.is_ascii_digit());
            assert!(
                is_toc,
                "unexpected tabbed line {n} before the first table: {line:?}"
            );
            let title = Item {
                line: n,
                text: cells[0].clone(),
            };
            r.prose.push(title.clone());
            r.toc.push((
                title,
                Item {
                    line: n,
                    text: cells[1].clone(),
                },
            ));
            continue;
        }
        if is_table_title(line) {
            r.tables.push(RefTable {
                title: Item {
                    line: n,
                    text: squash(line),
                },
                items: Vec::new(),
            });
            header_seen = false;
            continue;
        }
        let items = cells.into_iter().map(|text| Item { line: n, text });
        match r.tables.last_mut() {
            None => r.prose.extend(items),
            Some(t) => {
                // The published PDF repeats the indicator header where a
                // table runs over a page; that repetition is a page-break
                // artefact, not content.
                if squash(line).starts_with("一级指标") {
                    if header_seen {
                        r.skipped.push((
                            n,
                            "repeated table header (page break of the published PDF)".into(),
                        ));
                        continue;
                    }
                    header_seen = true;
                }
                t.items.extend(items);
            }
        }
    }
    r
}

/// Builds the reference document into `dir` and returns the PDF path.
fn build_reference(dir: &TempDir) -> PathBuf {
    build_ok(&reference_dir(), dir.path(), "reference")
}

// ---------------------------------------------------------------------------
// (a) completeness

/// Every paragraph and every table cell of the published text is in our PDF.
///
/// Prose (cover, 目录, 第一部分) must appear in the reference's order; a
/// paragraph the published PDF split over a page break ("…挂图作" / "战…")
/// is two items found one after the other. Table titles must appear in order;
/// each table's cells must all appear inside that table (between its title
/// and the next table's), each cell using up its own occurrence (so a cell
/// printed once can't stand for two equal cells). pdftotext does not read
/// table cells row by row (merged cells come where they sit vertically), so
/// inside a table the reading order is reported but not required. The
/// unit / 单位：万元 pair above each table is covered by the same rule, in
/// either order. 目录 page-number cells must be printed as numbers in our
/// 目录; their values are checked by `toc_matches_reference_pagination`.
#[test]
fn reference_text_is_complete() {
    let reference = load_reference();
    let dir = TempDir::new("ref-complete");
    let pdf = build_reference(&dir);
    let pages = page_bodies(&pdf);
    let body = pages.concat();
    let toc = parse_toc(&page_text(&pdf, 2));

    let mut total = 0;
    let mut in_order = 0;
    let mut missing: Vec<String> = Vec::new();

    // Prose, strictly in order.
    let mut pos = 0;
    for item in &reference.prose {
        total += 1;
        match body[pos..].find(&item.text) {
            Some(i) => {
                pos += i + item.text.len();
                in_order += 1;
            }
            None => {
                let elsewhere = if body.contains(&item.text) {
                    " (present, but out of order)".to_string()
                } else {
                    explain_missing(&pages, &item.text)
                };
                missing.push(format!("line {}: {}{elsewhere}", item.line, item.text));
            }
        }
    }

    // 目录 page-number cells: our 目录 entry of that title carries a number.
    for (title, number) in &reference.toc {
        total += 1;
        match toc.iter().find(|e| e.title == title.text) {
            Some(e) if e.page.is_some() => in_order += 1,
            Some(_) => missing.push(format!(
                "line {}: 目录 page number {} of “{}” (our 目录 prints no number)",
                number.line, number.text, title.text
            )),
            None => missing.push(format!(
                "line {}: 目录 page number {} of “{}” (no such entry in our 目录)",
                number.line, number.text, title.text
            )),
        }
    }

    // Table titles in order; they delimit the tables.
    let mut starts: Vec<Option<usize>> = Vec::new();
    for t in &reference.tables {
        total += 1;
        match body[pos..].find(&t.title.text) {
            Some(i) => {
                starts.push(Some(pos + i));
                pos += i + t.title.text.len();
                in_order += 1;
            }
            None => {
                starts.push(None);
                missing.push(format!(
                    "line {}: {} (table title)",
                    t.title.line, t.title.text
                ));
            }
        }
    }

    // Table cells inside their table.
    let mut out_of_order = 0;
    for (k, t) in reference.tables.iter().enumerate() {
        let Some(start) = starts[k] else {
            for item in &t.items {
                total += 1;
                missing.push(format!(
                    "line {}: {} (its table title is missing)",
                    item.line, item.text
                ));
            }
            continue;
        };
        let end = starts[k + 1..]
            .iter()
            .flatten()
            .next()
            .copied()
            .unwrap_or(body.len());
        let region = &body[start + t.title.text.len()..end];
        // Reading order, for the report.
        let mut p = 0;
        let mut ordered = 0;
        for item in &t.items {
            if let Some(i) = region[p..].find(&item.text) {
                p += i + item.text.len();
                ordered += 1;
            }
        }
        in_order += ordered;
        // Presence: longest first, each item using up its occurrence.
        let mut left: Vec<char> = region.chars().collect();
        let mut sorted: Vec<&Item> = t.items.iter().collect();
        sorted.sort_by_key(|i| std::cmp::Reverse(i.text.chars().count()));
        let mut found = 0;
        for item in sorted {
            total += 1;
            let needle: Vec<char> = item.text.chars().collect();
            match left
                .windows(needle.len())
                .position(|w| w == needle.as_slice())
            {
                Some(i) => {
                    left[i..i + needle.len()].fill('\0');
                    found += 1;
                }
                None => {
                    let note = if body.contains(&item.text) {
                        "not in this table".to_string()
                    } else {
                        format!("not in the PDF{}", explain_missing(&pages, &item.text))
                    };
                    missing.push(format!(
                        "line {}: {} (table {}, {note})",
                        item.line,
                        item.text,
                        k + 1
                    ));
                }
            }
        }
        out_of_order += found - ordered.min(found);
    }
    missing.sort_by_key(|m| {
        m.strip_prefix("line ")
            .and_then(|s| s.split(':').next())
            .and_then(|n| n.parse::<usize>().ok())
            .unwrap_or(0)
    });

    let found = total - missing.len();
    let summary = format!(
        "reference items found: {found}/{total} ({in_order} in reading order, {out_of_order} inside \
         their table out of pdftotext's reading order); {} reference lines skipped as page-break \
         artefacts: {:?}",
        reference.skipped.len(),
        reference.skipped.iter().map(|(n, _)| n).collect::<Vec<_>>()
    );
    println!("{summary}");
    assert!(
        total > 500,
        "the reference split into only {total} items; is the seed file complete?"
    );
    assert!(
        missing.is_empty(),
        "{summary}\n{} reference items not found:\n  {}",
        missing.len(),
        missing.join("\n  ")
    );
}

// ---------------------------------------------------------------------------
// (b) 目录

/// The 目录 (page 2) lists 一、二、三 and the seven tables, each with the
/// page number the heading really starts on; the cover and the 目录 carry
/// no page number, and the body pages count 1, 2, 3, … .
#[test]
fn toc_page_numbers_match_headings() {
    let reference = load_reference();
    let dir = TempDir::new("ref-toc");
    let pdf = build_reference(&dir);
    let pages = pages_text(&pdf);

    check_page_numbers(&pages);
    let entries = check_toc_against_pages(&pages);

    // The numbered entries are the reference's, in its order.
    let ours: Vec<&str> = entries
        .iter()
        .filter(|e| e.page.is_some())
        .map(|e| e.title.as_str())
        .collect();
    let theirs: Vec<&str> = reference.toc.iter().map(|(t, _)| t.text.as_str()).collect();
    assert_eq!(
        ours, theirs,
        "the numbered 目录 entries differ from the reference's (一、二、三 and the seven tables)"
    );
    assert!(
        theirs.len() == 10
            && theirs[..3]
                .iter()
                .zip(["一、", "二、", "三、"])
                .all(|(t, p)| t.starts_with(p))
            && theirs[3..]
                .iter()
                .enumerate()
                .all(|(i, t)| t.starts_with(&format!("{}.", i + 1))),
        "the reference 目录 is not 一、二、三 plus seven tables: {theirs:?}"
    );
    // The part headings are listed too, without numbers.
    let parts: Vec<&str> = entries
        .iter()
        .filter(|e| e.page.is_none())
        .map(|e| e.title.as_str())
        .collect();
    assert_eq!(
        parts,
        ["第一部分部门整体绩效目标", "第二部分预算项目绩效目标"],
        "the unnumbered 目录 lines should be the two part headings"
    );
}

/// Our 目录 numbers equal the published ones (1, 1, 3, 7, 9, 10, …, 14):
/// the default style reproduces the reference's pagination.
#[test]
fn toc_matches_reference_pagination() {
    let reference = load_reference();
    let dir = TempDir::new("ref-pagination");
    let pdf = build_reference(&dir);
    let entries = parse_toc(&page_text(&pdf, 2));
    let mut problems = Vec::new();
    for (title, number) in &reference.toc {
        let want: u32 = number.text.parse().expect("reference 目录 number");
        match entries.iter().find(|e| e.title == title.text) {
            None => problems.push(format!(
                "{}: missing from our 目录 (reference: {want})",
                title.text
            )),
            Some(e) if e.page != Some(want) => problems.push(format!(
                "{}: our 目录 says {}, the reference {want}",
                title.text,
                e.page.map_or("no number".into(), |n| n.to_string())
            )),
            Some(_) => {}
        }
    }
    let ours: Vec<String> = entries
        .iter()
        .filter_map(|e| e.page)
        .map(|n| n.to_string())
        .collect();
    let theirs: Vec<&str> = reference.toc.iter().map(|(_, n)| n.text.as_str()).collect();
    assert!(
        problems.is_empty(),
        "目录 pagination differs from the reference (ours: {}; reference: {}):\n  {}",
        ours.join(","),
        theirs.join(","),
        problems.join("\n  ")
    );
}

// ---------------------------------------------------------------------------
// (c) determinism

/// Panics naming the first differing byte unless two PDFs are identical.
fn assert_same_bytes(pa: &Path, pb: &Path, what: &str) {
    let x = std::fs::read(pa).unwrap();
    let y = std::fs::read(pb).unwrap();
    if x != y {
        let at = x
            .iter()
            .zip(&y)
            .position(|(p, q)| p != q)
            .unwrap_or(x.len().min(y.len()));
        let show = |v: &[u8]| {
            String::from_utf8_lossy(&v[at.saturating_sub(40)..(at + 40).min(v.len())]).into_owned()
        };
        panic!(
            "{what}: {} bytes vs {} bytes, first difference at byte {at}:\n  {:?}\n  {:?}",
            x.len(),
            y.len(),
            show(&x),
            show(&y)
        );
    }
}

/// Builds `doc` into `pdf`, panicking with the diagnostics on failure.
fn build_at(doc: &Path, pdf: &Path, epoch: Option<&str>) {
    let out = run_build_at(doc, pdf, epoch);
    assert!(
        out.status.success() && pdf.is_file(),
        "jixiao build {} failed ({}):\n{}",
        doc.display(),
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Two copies of the reference data in different folders, under different
/// names, built to different output paths, give byte-identical PDFs with no
/// creation date (no `date`, no `SOURCE_DATE_EPOCH`: the clock is never read).
#[test]
fn reference_build_is_deterministic() {
    let a = TempDir::new("ref-det-a");
    let b = TempDir::new("ref-det-b");
    let (da, db) = (a.path().join("x/chengde"), b.path().join("other/copy"));
    copy_dir(&reference_dir(), &da);
    copy_dir(&reference_dir(), &db);
    let (pa, pb) = (a.path().join("one.pdf"), b.path().join("out/two.pdf"));
    build_at(&da, &pa, None);
    build_at(&db, &pb, None);
    assert_same_bytes(
        &pa,
        &pb,
        "two builds of the same data in different folders differ",
    );
    assert_eq!(
        creation_date(&pa),
        None,
        "no date given, yet the PDF has one"
    );
}

/// `SOURCE_DATE_EPOCH` becomes the creation date (the same value still gives
/// the same bytes); a `date` in document.toml wins over it; an invalid value
/// is a Chinese error that writes nothing.
#[test]
fn creation_date_from_epoch_or_data() {
    let dir = TempDir::new("ref-date");
    let doc = dir.path().join("doc");
    copy_dir(&reference_dir(), &doc);
    let pdf = |name: &str| dir.path().join(format!("{name}.pdf"));

    build_at(&doc, &pdf("epoch1"), Some("1737331200"));
    build_at(&doc, &pdf("epoch2"), Some("1737331200"));
    assert_same_bytes(
        &pdf("epoch1"),
        &pdf("epoch2"),
        "same SOURCE_DATE_EPOCH, different bytes",
    );
    assert_eq!(
        creation_date(&pdf("epoch1")).as_deref(),
        Some("D:20250120000000Z")
    );
    let text = pdf_text(&pdf("epoch1"));

    let toml = doc.join("document.toml");
    let original = std::fs::read_to_string(&toml).unwrap();
    std::fs::write(&toml, format!("date = 2024-12-31\n{original}")).unwrap();
    build_at(&doc, &pdf("data"), Some("1737331200"));
    let date = creation_date(&pdf("data"));
    assert!(
        date.as_deref().is_some_and(|d| d.starts_with("D:20241231")),
        "the data date should win over SOURCE_DATE_EPOCH: {date:?}"
    );
    assert_eq!(
        pdf_text(&pdf("data")),
        text,
        "a date must not change the text"
    );

    std::fs::write(&toml, &original).unwrap();
    let out = run_build_at(&doc, &pdf("bad"), Some("yesterday"));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success(),
        "an invalid SOURCE_DATE_EPOCH must fail"
    );
    assert!(
        stderr.contains("SOURCE_DATE_EPOCH") && stderr.contains("无效"),
        "{stderr}"
    );
    assert!(!pdf("bad").exists(), "a failed build wrote a PDF");
}

/// A malformed `date` is reported at its place in document.toml, in Chinese.
#[test]
fn malformed_data_date_is_located() {
    let dir = TempDir::new("ref-bad-date");
    let doc = dir.path().join("doc");
    copy_dir(&reference_dir(), &doc);
    let toml = doc.join("document.toml");
    let original = std::fs::read_to_string(&toml).unwrap();
    std::fs::write(&toml, format!("date = \"2025-01-20\"\n{original}")).unwrap();
    let out = run_build_at(&doc, &dir.path().join("x.pdf"), None);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "a quoted date must fail");
    assert!(
        stderr.contains("日期应写成不带引号的 TOML 日期"),
        "{stderr}"
    );
    assert!(stderr.contains("document.toml:1:8"), "{stderr}");
}

// ---------------------------------------------------------------------------
// (d) metadata

/// Title = department + cover title, Author = department, taken from the data
/// and matching the reference's cover.
#[test]
fn pdf_metadata_from_data() {
    let doc = read_toml(&reference_dir().join("document.toml"));
    let department = toml_str(&doc, "department").to_string();
    let year = doc
        .get("year")
        .and_then(toml::Value::as_integer)
        .expect("year in document.toml");
    let cover_title = doc
        .get("cover")
        .and_then(|c| c.get("title"))
        .and_then(toml::Value::as_str)
        .map(str::to_string)
        .unwrap_or_else(|| format!("{year}年部门预算绩效文本"));
    assert!(!department.is_empty(), "document.toml has no department");

    // The reference cover: its first two lines.
    let reference = load_reference();
    let cover: Vec<&str> = reference
        .prose
        .iter()
        .take(2)
        .map(|i| i.text.as_str())
        .collect();
    assert_eq!(
        squash(&format!("{department}{cover_title}")),
        cover.concat(),
        "the data's department and cover title differ from the reference cover"
    );

    let dir = TempDir::new("ref-meta");
    let pdf = build_reference(&dir);
    let title = pdfinfo_field(&pdf, "Title");
    let author = pdfinfo_field(&pdf, "Author");
    assert_eq!(
        title.as_deref(),
        Some(format!("{department}{cover_title}").as_str()),
        "PDF Title"
    );
    assert_eq!(author.as_deref(), Some(department.as_str()), "PDF Author");
    assert_eq!(
        title.as_deref(),
        Some("承德市信访局2025年部门预算绩效文本"),
        "PDF Title (literal)"
    );
    assert_eq!(
        author.as_deref(),
        Some("承德市信访局"),
        "PDF Author (literal)"
    );
}

// ---------------------------------------------------------------------------
// (e) fonts

/// Only the shipped Fandol fonts are used, all embedded, and no character
/// came out as U+FFFD.
#[test]
fn no_missing_glyphs() {
    let dir = TempDir::new("ref-fonts");
    let pdf = build_reference(&dir);
    let fonts = pdffonts(&pdf);
    assert!(!fonts.is_empty(), "pdffonts lists no fonts");
    let bad: Vec<String> = fonts
        .iter()
        .filter(|f| {
            let base = f.name.split_once('+').map_or(f.name.as_str(), |(_, b)| b);
            !base.starts_with("Fandol") || f.embedded != "yes"
        })
        .map(|f| format!("{} ({}, emb {})", f.name, f.kind, f.embedded))
        .collect();
    assert!(
        bad.is_empty(),
        "fonts other than embedded Fandol fonts: {bad:?}"
    );
    let text = pdf_text(&pdf);
    let bad_chars: Vec<(usize, char)> = text
        .chars()
        .enumerate()
        .filter(|&(_, c)| c == '\u{fffd}' || (c.is_control() && !c.is_whitespace() && c != '\u{c}'))
        .collect();
    assert!(
        bad_chars.is_empty(),
        "replacement/control characters in the PDF text: {bad_chars:?}"
    );
}

// ---------------------------------------------------------------------------
// The checkers themselves can fail.

/// The 目录 parser and the page checks catch a wrong number, a missing
/// footer and a numbered cover, on synthetic page texts.
/// Made-up page texts for testing the checkers themselves.
fn fake_pages(texts: &[&str]) -> Vec<String> {
    texts.iter().map(|t| t.to_string()).collect()
}

#[test]
fn toc_checkers_catch_mismatches() {
    let toc = "目 录\n第一部分 部门整体绩效目标\n一、总体绩效目标 ........ 1\n第二部分\n预算项目绩效目标\n1.甲表 . . . . . 2\n\u{c}";
    let entries = parse_toc(toc);
    assert_eq!(
        entries,
        [
            TocEntry {
                title: "第一部分部门整体绩效目标".into(),
                page: None
            },
            TocEntry {
                title: "一、总体绩效目标".into(),
                page: Some(1)
            },
            TocEntry {
                title: "第二部分预算项目绩效目标".into(),
                page: None
            },
            TocEntry {
                title: "1.甲表".into(),
                page: Some(2)
            },
        ]
    );
    let good = fake_pages(&["封面", toc, "一、总体绩效目标\n— 1 —", "1.甲表\n— 2 —"]);
    check_page_numbers(&good);
    check_toc_against_pages(&good);

    type Checker = fn(&[String]);
    let fails = |pages: Vec<String>, f: Checker| std::panic::catch_unwind(|| f(&pages)).is_err();
    let toc_check: Checker = |p| {
        check_toc_against_pages(p);
    };
    let number_checker: Checker = check_page_numbers;
    let cases: [(Vec<String>, Checker, &str); 5] = [
        (
            fake_pages(&[
                "封面",
                toc,
                "一、总体绩效目标\n— 1 —",
                "正文\n— 2 —",
                "1.甲表\n— 3 —",
            ]),
            toc_check,
            "a 目录 number off by one must fail",
        ),
        (
            fake_pages(&["封面", toc, "一、总体绩效目标\n— 1 —", "1.甲表"]),
            toc_check,
            "a heading page without “— N —” must fail",
        ),
        (
            fake_pages(&["封面", toc, "一、总体绩效目标\n— 1 —", "1.甲表"]),
            number_checker,
            "a body page without “— N —” must fail",
        ),
        (
            fake_pages(&[
                "封面\n— 1 —",
                toc,
                "一、总体绩效目标\n— 1 —",
                "1.甲表\n— 2 —",
            ]),
            number_checker,
            "a numbered cover must fail",
        ),
        (
            fake_pages(&["封面", toc, "一、总体绩效目标\n— 1 —", "1.甲表\n— 3 —"]),
            number_checker,
            "page numbers 1, 3 must fail",
        ),
    ];
    for (pages, checker, why) in cases {
        assert!(fails(pages, checker), "{why}");
    }
}

/// `check` on the reference data: no error, and what a careful reviewer
/// would flag in the published text (its typos and table 7's title).
#[test]
fn check_passes_the_reference_and_flags_its_slips() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .args(["check", "--format", "json"])
        .arg(reference_dir())
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["errors"], 0, "{report:#}");
    let mut found: Vec<(String, String, u64)> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let file = d["file"].as_str().unwrap_or_default();
            let name = file.rsplit('/').next().unwrap_or_default().to_string();
            (
                d["code"].as_str().unwrap().to_string(),
                name,
                d["line"].as_u64().unwrap(),
            )
        })
        .collect();
    found.sort();
    let want = [
        ("J604", "07-xinfang-weiwen.toml", 4),
        ("J605", "01-jiefang-dating.toml", 103),
        ("J605", "03-dating-goumai-fuwu.toml", 71),
        ("J605", "document.toml", 86),
        ("J606", "document.toml", 78),
    ];
    let want: Vec<(String, String, u64)> = want
        .iter()
        .map(|(c, f, l)| (c.to_string(), f.to_string(), *l))
        .collect();
    assert_eq!(found, want);
}
