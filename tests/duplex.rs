//! Duplex printing (issue 11 item 6): with `style.duplex` the 目录 and each
//! part, and with `style.duplex_tables` each table too, start on a
//! right-hand (odd) page; the blank pages put in for that print nothing but
//! count in the numbering, and the 目录, the printed numbers, the viewer's
//! page labels and `diff --pages` agree about them.

mod common;
#[path = "common/page_labels.rs"]
mod page_labels;

use std::path::{Path, PathBuf};

use common::*;
use page_labels::{page_labels, roman};

/// A copy of the reference named `name`, with `style` appended to its
/// document.toml.
fn copy_with(tmp: &TempDir, name: &str, style: &str) -> PathBuf {
    let doc = tmp.path().join(name);
    copy_dir(&reference_dir(), &doc);
    let toml = doc.join("document.toml");
    let text = std::fs::read_to_string(&toml).unwrap() + style;
    std::fs::write(&toml, text).unwrap();
    doc
}

/// [`copy_with`], built; returns the copy's folder and its PDF.
fn build(tmp: &TempDir, name: &str, style: &str) -> (PathBuf, PathBuf) {
    let doc = copy_with(tmp, name, style);
    let pdf = build_ok(&doc, tmp.path(), name);
    (doc, pdf)
}

const DUPLEX: &str = "\n[style]\nduplex = true\n";
const DUPLEX_TABLES: &str = "\n[style]\nduplex = true\nduplex_tables = true\n";

/// What a page of the built document is, from its text.
#[derive(Debug, Clone, PartialEq)]
enum Kind {
    Blank,
    Cover,
    Toc,
    /// Opens a part ("第一部分…").
    Part,
    /// Opens a project table ("1.…表").
    Table,
    /// Any other page.
    Other,
}

/// The kind of every page: the first is the cover; a page is a part or a
/// table start when its text (footer removed) begins with a part heading or
/// a numbered table title.
fn kinds(pages: &[String]) -> Vec<Kind> {
    pages
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let text = squash(&strip_footer(p));
            let numbered = text
                .split_once('.')
                .is_some_and(|(n, _)| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()));
            if squash(p).is_empty() {
                Kind::Blank
            } else if i == 0 {
                Kind::Cover
            } else if text.starts_with("目录") {
                Kind::Toc
            } else if text.starts_with("第一部分") || text.starts_with("第二部分") {
                Kind::Part
            } else if numbered && text.contains("绩效目标表") {
                Kind::Table
            } else {
                Kind::Other
            }
        })
        .collect()
}

/// PDF page numbers (1-based) of the pages of `kind`.
fn where_(kinds: &[Kind], kind: &Kind) -> Vec<usize> {
    (1..=kinds.len())
        .filter(|&n| &kinds[n - 1] == kind)
        .collect()
}

/// A page's text without white space and footer; on the 目录 page without
/// digits and dots too (its page numbers move with the blank pages, and the
/// dot leaders with the numbers' widths).
fn content(page: &str) -> String {
    let text = squash(&strip_footer(page));
    if text.starts_with("目录") {
        text.chars()
            .filter(|c| !c.is_ascii_digit() && *c != '.')
            .collect()
    } else {
        text
    }
}

/// Checks one duplex build against the simplex reference: its pages are
/// the simplex pages in the same order with blank pages put in, each blank
/// page on a left-hand (even) page right before a start, and every start
/// (目录, parts, tables when `tables`) on a right-hand (odd) page.
/// Returns the page kinds.
fn check_duplex(pdf: &Path, simplex: &[String], tables: bool) -> Vec<Kind> {
    let pages = pages_text(pdf);
    let kinds = kinds(&pages);
    let printed: Vec<String> = pages
        .iter()
        .filter(|p| !squash(p).is_empty())
        .map(|p| content(p))
        .collect();
    let plain: Vec<String> = simplex.iter().map(|p| content(p)).collect();
    assert_eq!(printed.len(), plain.len(), "{kinds:?}");
    for (i, (a, b)) in printed.iter().zip(&plain).enumerate() {
        assert_eq!(
            a,
            b,
            "printed page {} differs from simplex PDF page {}",
            i + 1,
            i + 1
        );
    }
    let blanks = where_(&kinds, &Kind::Blank);
    assert!(!blanks.is_empty(), "no blank page was put in");
    assert_eq!(pages.len(), simplex.len() + blanks.len());
    let mut starts = where_(&kinds, &Kind::Toc)[..1].to_vec();
    starts.extend(where_(&kinds, &Kind::Part));
    assert_eq!(starts.len(), 3, "目录 and two parts: {kinds:?}");
    if tables {
        starts.extend(where_(&kinds, &Kind::Table));
    }
    for &n in &starts {
        assert!(
            n % 2 == 1,
            "{:?} starts on PDF page {n}, a left-hand page",
            kinds[n - 1]
        );
    }
    for &n in &blanks {
        assert!(n % 2 == 0, "blank PDF page {n} is a right-hand page");
        assert!(
            starts.contains(&(n + 1)),
            "blank PDF page {n} is not followed by a start ({:?})",
            kinds.get(n)
        );
    }
    kinds
}

/// With `duplex` the 目录 and both parts start on right-hand pages; the
/// tables do only with `duplex_tables` (without it some table of the
/// reference starts on a left-hand page, so the setting is what moves
/// them). Blank pages carry no text at all, not even a page number.
#[test]
fn starts_land_on_right_hand_pages() {
    let tmp = TempDir::new("duplex-starts");
    let simplex = pages_text(&build_ok(&reference_dir(), tmp.path(), "simplex"));
    let (_, duplex) = build(&tmp, "duplex", DUPLEX);
    let kinds = check_duplex(&duplex, &simplex, false);
    let tables = where_(&kinds, &Kind::Table);
    assert_eq!(tables.len(), 7, "{kinds:?}");
    assert!(
        tables.iter().any(|n| n % 2 == 0),
        "every table starts on a right-hand page already: {tables:?}"
    );
    let (_, both) = build(&tmp, "tables", DUPLEX_TABLES);
    let kinds = check_duplex(&both, &simplex, true);
    assert_eq!(where_(&kinds, &Kind::Table).len(), 7, "{kinds:?}");
}

/// The body pages of a duplex build: the printed number of each page
/// (`None`: blank) and the PDF page (0-based) where the body starts.
fn body_numbers(pages: &[String]) -> (Vec<Option<u32>>, usize) {
    let printed: Vec<Option<u32>> = pages.iter().map(|p| footer_number(p)).collect();
    let start = printed
        .iter()
        .position(|n| *n == Some(1))
        .expect("a page printed — 1 —");
    (printed, start)
}

/// The 目录's numbers are the numbers printed on the pages where its
/// headings land; the printed numbers count the blank pages (as Word does
/// in duplex printing); a viewer's page labels agree with the printed
/// numbers, name a blank body page by the number it counts as and the
/// front pages (cover, 目录 and their blank pages) i, ii, iii, ….
#[test]
fn toc_numbers_and_labels_count_blank_pages() {
    let tmp = TempDir::new("duplex-numbers");
    for (name, style) in [("duplex", DUPLEX), ("tables", DUPLEX_TABLES)] {
        let (_, pdf) = build(&tmp, name, style);
        let pages = pages_text(&pdf);
        let (printed, start) = body_numbers(&pages);
        assert!(
            start % 2 == 0,
            "{name}: body page 1 is PDF page {}",
            start + 1
        );
        for (i, n) in printed.iter().enumerate() {
            let want =
                (i >= start && !squash(&pages[i]).is_empty()).then(|| (i - start + 1) as u32);
            assert_eq!(*n, want, "{name}: PDF page {} prints {n:?}", i + 1);
        }
        let toc_at = kinds(&pages).iter().position(|k| *k == Kind::Toc).unwrap();
        let entries = parse_toc(&pages[toc_at]);
        let numbered: Vec<&TocEntry> = entries.iter().filter(|e| e.page.is_some()).collect();
        assert_eq!(numbered.len(), 10, "{name}: {entries:?}");
        for e in numbered {
            let at = (start..pages.len())
                .find(|&i| squash(&strip_footer(&pages[i])).contains(&e.title))
                .unwrap_or_else(|| panic!("{name}: “{}” is on no body page", e.title));
            assert_eq!(
                e.page,
                printed[at],
                "{name}: the 目录 says “{}” is on page {:?}; PDF page {} prints {:?}",
                e.title,
                e.page,
                at + 1,
                printed[at]
            );
        }
        let labels = page_labels(&pdf);
        let want: Vec<String> = (0..pages.len())
            .map(|i| match i.checked_sub(start) {
                None => roman(i as i64 + 1),
                Some(k) => (k + 1).to_string(),
            })
            .collect();
        assert_eq!(labels, want, "{name}: page labels");
    }
}

/// Writing `duplex = false` changes nothing: the PDF is the reference's,
/// byte for byte (duplex is off by default).
#[test]
fn duplex_off_is_the_reference() {
    let tmp = TempDir::new("duplex-off");
    let reference = build_ok(&reference_dir(), tmp.path(), "reference");
    let (_, off) = build(&tmp, "off", "\n[style]\nduplex = false\n");
    assert!(
        std::fs::read(&reference).unwrap() == std::fs::read(&off).unwrap(),
        "duplex = false changed the PDF"
    );
}

/// `duplex_tables` alone is refused, in Chinese, naming the setting it
/// needs, and nothing is written.
#[test]
fn duplex_tables_needs_duplex() {
    let tmp = TempDir::new("duplex-tables-alone");
    let doc = copy_with(&tmp, "doc", "\n[style]\nduplex_tables = true\n");
    let (out, pdf) = run_build(&doc, tmp.path(), "x", &[]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{stderr}");
    assert!(stderr.contains("style.duplex_tables"), "{stderr}");
    assert!(stderr.contains("duplex = true"), "{stderr}");
    assert!(!pdf.exists(), "a refused build wrote a PDF");
}

/// `diff --pages` names a page by what it prints: a blank page as 空白页,
/// a body page by its printed number (blank pages counted), never a blank
/// page by a number it does not print.
#[test]
fn diff_pages_names_blank_pages() {
    let tmp = TempDir::new("duplex-diff");
    let (old, _) = build(&tmp, "old", DUPLEX);
    let (new, pdf) = build(&tmp, "new", DUPLEX_TABLES);
    let pages = pages_text(&pdf);
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .args(["diff", "--pages"])
        .arg(&old)
        .arg(&new)
        .arg("-o")
        .arg(tmp.path().join("pages/"))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    // Exit status 1: the versions differ (as diff(1)).
    assert_eq!(
        out.status.code(),
        Some(1),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut named = 0;
    let mut blanks = 0;
    for line in stdout.lines() {
        let Some((name, rest)) = line.split_once("（PDF 第 ") else {
            continue;
        };
        let Some(Ok(n)) = rest.split_once(' ').map(|(n, _)| n.parse::<usize>()) else {
            continue;
        };
        let Some(page) = pages.get(n - 1) else {
            continue;
        };
        let want = match footer_number(page) {
            _ if squash(page).is_empty() => "空白页".to_string(),
            Some(p) => format!("第 {p} 页"),
            None => continue,
        };
        assert_eq!(name, want, "{line}");
        named += 1;
        blanks += usize::from(want == "空白页");
    }
    assert!(
        named >= 5 && blanks >= 2,
        "{named} pages named, {blanks} blank:\n{stdout}"
    );
}
