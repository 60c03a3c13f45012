//! The reference's pages as a reader, a viewer and an archive see them: PDF
//! page labels that agree with the printed numbers, the page number where
//! GB/T 9704 puts it, the 目录 tagged as a TOC, and `--pdf-standard`.

mod common;
#[path = "common/page_labels.rs"]
mod page_labels;

use std::path::Path;

use common::*;
use hayro_interpret::hayro_syntax::Pdf;
use hayro_interpret::hayro_syntax::object::{Dict, Name, Object, Stream};
use page_labels::{page_labels, roman};

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

/// The catalog's XMP metadata, its /ViewerPreferences keys, and the
/// structure types (/S) of every structure element with how often each
/// occurs.
struct Facts {
    xmp: String,
    viewer: Vec<String>,
    tags: std::collections::BTreeMap<String, usize>,
}

fn facts(pdf: &Path) -> Facts {
    let pdf = Pdf::new(std::fs::read(pdf).unwrap()).expect("a readable PDF");
    let xref = pdf.xref();
    let catalog: Dict = xref.get(xref.root_id()).expect("the catalog");
    let xmp = catalog
        .get::<Stream>("Metadata")
        .map(|s| String::from_utf8_lossy(&s.decoded().expect("XMP decodes")).into_owned())
        .unwrap_or_default();
    let viewer = catalog
        .get::<Dict>("ViewerPreferences")
        .map(|d| {
            d.keys()
                .filter(|k| d.get::<bool>(k.as_ref()) != Some(false))
                .map(|k| k.as_str().to_string())
                .collect()
        })
        .unwrap_or_default();
    let mut tags = std::collections::BTreeMap::new();
    for object in pdf.objects() {
        if let Object::Dict(d) = object
            && d.get::<Name>("Type")
                .is_none_or(|t| t.as_str() == "StructElem")
            && d.contains_key("P")
            && let Some(s) = d.get::<Name>("S")
        {
            *tags.entry(s.as_str().to_string()).or_insert(0) += 1;
        }
    }
    Facts { xmp, viewer, tags }
}

/// Whether the XMP metadata holds `<prefix:key>value</prefix:key>` (or the
/// attribute form `prefix:key="value"`).
fn xmp_says(xmp: &str, key: &str, value: &str) -> bool {
    xmp.contains(&format!("<{key}>{value}</{key}>")) || xmp.contains(&format!("{key}=\"{value}\""))
}

/// Builds the reference with `extra` arguments and SOURCE_DATE_EPOCH set
/// (PDF/A needs a date).
fn build_dated(dir: &TempDir, name: &str, extra: &[&str]) -> std::path::PathBuf {
    let pdf = dir.path().join(format!("{name}.pdf"));
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .arg("build")
        .arg(reference_dir())
        .arg("-o")
        .arg(&pdf)
        .args(extra)
        .env("SOURCE_DATE_EPOCH", "1737331200")
        .output()
        .unwrap();
    assert!(
        out.status.success() && pdf.is_file(),
        "jixiao build {extra:?} failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    pdf
}

/// `--pdf-standard a-2b` writes a PDF that declares PDF/A-2b in its XMP
/// metadata (part 2, conformance B) with the same text as the default
/// build; `ua-1` declares PDF/UA-1 and makes viewers show the title
/// (DisplayDocTitle); both can be asked at once; the default build declares
/// neither.
#[test]
fn pdf_standards_are_declared() {
    let dir = TempDir::new("pages-standards");
    let plain = build_dated(&dir, "plain", &[]);
    let a2b = build_dated(&dir, "a2b", &["--pdf-standard", "a-2b"]);
    let ua1 = build_dated(&dir, "ua1", &["--pdf-standard", "ua-1"]);
    let both = build_dated(&dir, "both", &["--pdf-standard", "a-2b,ua-1"]);

    let f = facts(&plain);
    assert!(
        !f.xmp.contains("pdfaid") && !f.xmp.contains("pdfuaid"),
        "{}",
        f.xmp
    );
    assert!(
        !f.viewer.iter().any(|k| k == "DisplayDocTitle"),
        "{:?}",
        f.viewer
    );

    let f = facts(&a2b);
    assert!(xmp_says(&f.xmp, "pdfaid:part", "2"), "{}", f.xmp);
    assert!(xmp_says(&f.xmp, "pdfaid:conformance", "B"), "{}", f.xmp);
    assert!(!f.xmp.contains("pdfuaid"), "{}", f.xmp);

    let f = facts(&ua1);
    assert!(xmp_says(&f.xmp, "pdfuaid:part", "1"), "{}", f.xmp);
    assert!(!f.xmp.contains("pdfaid:"), "{}", f.xmp);
    assert!(
        f.viewer.iter().any(|k| k == "DisplayDocTitle"),
        "{:?}",
        f.viewer
    );

    let f = facts(&both);
    assert!(xmp_says(&f.xmp, "pdfaid:part", "2") && xmp_says(&f.xmp, "pdfuaid:part", "1"));

    let text = pdf_text(&plain);
    for pdf in [&a2b, &ua1, &both] {
        assert_eq!(pdf_text(pdf), text, "{}: the text differs", pdf.display());
    }
}

/// PDF/A needs a creation date and a build never reads the clock: without
/// one the build fails in Chinese, says how to give one, and writes nothing;
/// the document's warnings are still shown.
#[test]
fn pdf_a_without_a_date_is_refused() {
    let dir = TempDir::new("pages-a2b-nodate");
    let (out, pdf) = run_build(
        &reference_dir(),
        dir.path(),
        "x",
        &["--pdf-standard", "a-2b"],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{stderr}");
    assert!(stderr.contains("PDF/A-2b 要求 PDF 有创建日期"), "{stderr}");
    assert!(stderr.contains("SOURCE_DATE_EPOCH"), "{stderr}");
    assert!(!pdf.exists(), "a failed build wrote a PDF");
    // The document's own warnings are not lost to the export error.
    assert!(stderr.contains("warning[J606]"), "{stderr}");
}

/// The 目录 is tagged as a table of contents: one TOCI per 目录 line (the
/// two parts, 一、二、三 and the seven tables), under TOC elements.
#[test]
fn toc_is_tagged_as_a_toc() {
    let dir = TempDir::new("pages-toc-tags");
    let pdf = build_ok(&reference_dir(), dir.path(), "reference");
    let lines = parse_toc(&page_text(&pdf, 2)).len();
    assert_eq!(lines, 12, "the reference 目录 has 12 lines");
    let tags = facts(&pdf).tags;
    assert_eq!(tags.get("TOCI"), Some(&lines), "{tags:?}");
    assert!(tags.get("TOC").is_some_and(|&n| n >= 1), "{tags:?}");
}
