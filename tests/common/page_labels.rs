//! The page labels a PDF viewer shows, read from the catalog's /PageLabels
//! (shared by the tests of pages and of duplex printing).

use std::path::Path;

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
pub fn roman(mut n: i64) -> String {
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
pub fn page_labels(pdf: &Path) -> Vec<String> {
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
