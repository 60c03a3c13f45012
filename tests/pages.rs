//! The reference's pages as a reader and a viewer see them: PDF page labels
//! that agree with the printed numbers, and the page number where GB/T 9704
//! puts it.

mod common;

use std::path::Path;

use common::*;
use hayro_interpret::hayro_syntax::Pdf;
use hayro_interpret::hayro_syntax::object::{Dict, Name, String as PdfString};

/// A page label as PDF 32000 §12.4.2 computes it: prefix, then the page's
/// number in the range's style (counting from `St`, default 1).
fn label(dict: &Dict, offset: usize) -> String {
    let prefix = dict
        .get::<PdfString>("P")
        .map(|p| String::from_utf8_lossy(p.as_bytes()).into_owned())
        .unwrap_or_default();
    let start = dict.get::<i64>("St").unwrap_or(1);
    let n = start + offset as i64;
    let number = match dict.get::<Name>("S").map(|s| s.as_str().to_string()) {
        None => String::new(),
        Some(s) if s == "D" => n.to_string(),
        Some(s) if s == "r" => roman(n),
        Some(s) => panic!("unexpected page label style /{s}"),
    };
    prefix + &number
}

/// Lower-case roman numerals (enough for front matter).
fn roman(mut n: i64) -> String {
    let digits = [
        (1000, "m"),
        (900, "cm"),
        (500, "d"),
        (400, "cd"),
        (100, "c"),
        (90, "xc"),
        (50, "l"),
        (40, "xl"),
        (10, "x"),
        (9, "ix"),
        (5, "v"),
        (4, "iv"),
        (1, "i"),
    ];
    let mut out = String::new();
    for (value, digit) in digits {
        while n >= value {
            out.push_str(digit);
            n -= value;
        }
    }
    out
}

/// The label a viewer shows for each page, read from the catalog's
/// /PageLabels number tree (a flat /Nums array, as typst-pdf writes it).
fn page_labels(pdf: &Path) -> Vec<String> {
    let pdf = Pdf::new(std::fs::read(pdf).unwrap()).expect("a readable PDF");
    let xref = pdf.xref();
    let catalog: Dict = xref.get(xref.root_id()).expect("the catalog");
    let tree: Dict = catalog.get("PageLabels").expect("a /PageLabels tree");
    let nums = tree
        .get::<hayro_interpret::hayro_syntax::object::Array>("Nums")
        .expect("/Nums in /PageLabels");
    let mut ranges: Vec<(usize, Dict)> = Vec::new();
    let mut items = nums.flex_iter();
    while let Some(start) = items.next::<i64>() {
        let dict = items.next::<Dict>().expect("a page label dictionary");
        ranges.push((start as usize, dict));
    }
    assert_eq!(ranges.first().map(|r| r.0), Some(0), "labels from page 0");
    (0..pdf.pages().len())
        .map(|i| {
            let (start, dict) = ranges.iter().rev().find(|(s, _)| *s <= i).unwrap();
            label(dict, i - start)
        })
        .collect()
}

/// A viewer names the cover and the 目录 i, ii (they print no number) and
/// every body page by the number its footer prints, 1, 2, 3, ….
#[test]
fn page_labels_match_printed_numbers() {
    let dir = TempDir::new("pages-labels");
    let pdf = build_ok(&reference_dir(), dir.path(), "reference");
    let labels = page_labels(&pdf);
    let pages = pages_text(&pdf);
    assert_eq!(labels.len(), pages.len(), "one label per page");
    let printed: Vec<Option<u32>> = pages.iter().map(|p| footer_number(p)).collect();
    let front = printed.iter().take_while(|n| n.is_none()).count();
    assert_eq!(front, 2, "cover and one 目录 page before the body");
    for (i, (label, number)) in labels.iter().zip(&printed).enumerate() {
        let want = match number {
            Some(n) => n.to_string(),
            None => roman(i as i64 + 1),
        };
        assert_eq!(
            label,
            &want,
            "PDF page {}: the viewer's label differs from the printed page",
            i + 1
        );
    }
    let body: Vec<&str> = labels[front..].iter().map(String::as_str).collect();
    let counted: Vec<String> = (1..=body.len()).map(|n| n.to_string()).collect();
    assert_eq!(body, counted, "body pages are labelled 1, 2, 3, …");
    assert_eq!(labels[..2], ["i", "ii"]);
}

/// The label reader itself: roman numerals and a start offset.
#[test]
fn roman_numerals() {
    let got: Vec<String> = [1, 2, 4, 9, 14, 40].into_iter().map(roman).collect();
    assert_eq!(got, ["i", "ii", "iv", "ix", "xiv", "xl"]);
}

/// Points in a millimetre.
const PT_PER_MM: f64 = 72.0 / 25.4;
/// The bottom of the text block: top margin 37 mm + block 225 mm.
const BLOCK_BOTTOM_MM: f64 = 37.0 + 225.0;

/// GB/T 9704: the page number "— N —" has its dashes (一字线) 7 mm below the
/// text block (±0.5 mm), odd pages right and even pages left; nothing else
/// lies below the block, and the cover and 目录 have nothing there.
/// Measured on the word boxes of `pdftotext -bbox`: the middle of the
/// dashes' box, where the dash stroke is (checked on a 720 dpi rendering).
#[test]
fn page_number_sits_7mm_below_the_text_block() {
    let dir = TempDir::new("pages-footer");
    let pdf = build_ok(&reference_dir(), dir.path(), "reference");
    let block_bottom = BLOCK_BOTTOM_MM * PT_PER_MM;
    let mut body = 0;
    for (i, (width, words)) in pdf_words(&pdf).iter().enumerate() {
        let below: Vec<&Word> = words.iter().filter(|w| w.y0 >= block_bottom).collect();
        let texts: Vec<&str> = below.iter().map(|w| w.text.as_str()).collect();
        if i < 2 {
            assert!(
                texts.is_empty(),
                "PDF page {}: {texts:?} below the block",
                i + 1
            );
            continue;
        }
        body += 1;
        let n = body.to_string();
        assert_eq!(texts, ["—", n.as_str(), "—"], "PDF page {}", i + 1);
        for dash in [below[0], below[2]] {
            let mm = ((dash.y0 + dash.y1) / 2.0 - block_bottom) / PT_PER_MM;
            assert!(
                (mm - 7.0).abs() <= 0.5,
                "PDF page {} (page {n}): the dashes are {mm:.2} mm below the text block, not 7 mm",
                i + 1
            );
        }
        let centre = (below[0].x0 + below[2].x1) / 2.0;
        let right = centre > width / 2.0;
        assert_eq!(right, body % 2 == 1, "page {n}: odd pages right, even left");
    }
    assert_eq!(body, 14, "the reference has 14 body pages");
}
