//! Typography measured on the typeset pages: punctuation widths from the
//! glyph positions of the layout, and what `pdftotext` makes of the PDF
//! (no closing punctuation opening a copied line).

mod common;

use std::path::Path;
use std::process::Command;

use common::*;
use jixiao::pipeline::{self, Options};
use jixiao::report::diag::SourceMap;
use typst::layout::{Frame, FrameItem, Point, Transform};

/// Closing punctuation that must never begin a line of copied text.
const CLOSING: &[char] = &['，', '。', '、', '；', '：', '）'];

/// Full-width punctuation whose advance inside a line should be one em.
const FULL_WIDTH: &[char] = &[
    '，', '。', '、', '；', '：', '？', '！', '（', '）', '《', '》', '【', '】', '「', '」', '『',
    '』', '〔', '〕',
];

/// One run of glyphs as laid out: page, pen start and baseline in points,
/// font size, and each glyph's character and advance in points.
struct Run {
    page: usize,
    x: f64,
    y: f64,
    size: f64,
    glyphs: Vec<(char, f64)>,
}

impl Run {
    fn end(&self) -> f64 {
        self.x + self.glyphs.iter().map(|g| g.1).sum::<f64>()
    }
}

fn collect_runs(frame: &Frame, ts: Transform, page: usize, out: &mut Vec<Run>) {
    for (pos, item) in frame.items() {
        let here = ts.pre_concat(Transform::translate(pos.x, pos.y));
        match item {
            FrameItem::Group(g) => collect_runs(&g.frame, here.pre_concat(g.transform), page, out),
            FrameItem::Text(t) => {
                let at = Point::zero().transform(here);
                let glyphs = t
                    .glyphs
                    .iter()
                    .map(|g| {
                        let c = t.text[g.range()].chars().next().unwrap_or(' ');
                        (c, g.x_advance.at(t.size).to_pt())
                    })
                    .collect();
                out.push(Run {
                    page,
                    x: at.x.to_pt(),
                    y: at.y.to_pt(),
                    size: t.size.to_pt(),
                    glyphs,
                });
            }
            _ => {}
        }
    }
}

/// Every glyph run of the document in `doc_dir`, typeset in process.
fn layout_runs(doc_dir: &Path) -> Vec<Run> {
    let sources = SourceMap::default();
    let prepared = pipeline::prepare(doc_dir, &Options::default(), &sources)
        .unwrap_or_else(|e| panic!("cannot prepare {}: {e:?}", doc_dir.display()));
    let typeset = prepared
        .typeset(Path::new("main.typ"), &sources)
        .unwrap_or_else(|e| panic!("cannot typeset {}: {e:?}", doc_dir.display()));
    let mut out = Vec::new();
    for (i, page) in typeset.document().pages().iter().enumerate() {
        collect_runs(&page.frame, Transform::identity(), i + 1, &mut out);
    }
    out
}

/// Full-width punctuation marks set narrower than `min_em` although a glyph
/// follows them on the same line and one precedes them (line starts and ends
/// may be compressed): (page, text around the mark, advance in em).
fn squeezed_inside_lines(runs: &[Run], min_em: f64) -> Vec<(usize, String, f64)> {
    // A run continues another when it starts where that one ends, on the
    // same baseline: the two are one line (e.g. a 楷体 lead and its text).
    let joins = |a: &Run, b: &Run| {
        a.page == b.page && (a.y - b.y).abs() < 0.01 && (a.end() - b.x).abs() < 0.01
    };
    let mut found = Vec::new();
    for (ri, r) in runs.iter().enumerate() {
        let before = runs.iter().any(|o| joins(o, r));
        let after = runs
            .iter()
            .enumerate()
            .any(|(oi, o)| oi != ri && joins(r, o));
        let n = r.glyphs.len();
        for (i, &(c, adv)) in r.glyphs.iter().enumerate() {
            let inside = (i > 0 || before) && (i + 1 < n || after);
            if inside && FULL_WIDTH.contains(&c) && adv < min_em * r.size {
                let lo = i.saturating_sub(3);
                let around: String = r.glyphs[lo..(i + 4).min(n)].iter().map(|g| g.0).collect();
                found.push((r.page, around, adv / r.size));
            }
        }
    }
    found
}

/// `pdftotext` of `pdf` in one of its modes (`None`: the default reading
/// order).
fn pdftotext(pdf: &Path, mode: Option<&str>) -> String {
    let out = Command::new("pdftotext")
        .args(mode)
        .args(["-enc", "UTF-8"])
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is needed");
    assert!(
        out.status.success(),
        "pdftotext failed on {}",
        pdf.display()
    );
    String::from_utf8(out.stdout).expect("pdftotext wrote UTF-8")
}

/// Lines of `text` that begin (after spaces) with closing punctuation.
fn lines_opening_with_closing(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim_start)
        .filter(|l| l.starts_with(CLOSING))
        .map(str::to_string)
        .collect()
}

/// Copying text from the reference never gives a line that starts with
/// "，" or another closing mark, in any of pdftotext's reading modes. (A
/// "），" pair compressed to 1.5 em put the comma over the bracket's glyph
/// box, so the extractor split it off onto a line of its own.)
#[test]
fn copied_lines_never_start_with_closing_punctuation() {
    let dir = TempDir::new("typo-lone");
    let pdf = build_ok(&reference_dir(), dir.path(), "reference");
    for mode in [None, Some("-layout"), Some("-raw")] {
        let bad = lines_opening_with_closing(&pdftotext(&pdf, mode));
        assert!(
            bad.is_empty(),
            "pdftotext {mode:?}: {} lines start with closing punctuation: {bad:?}",
            bad.len()
        );
    }
}

/// Inside a line every full-width mark of the reference keeps its full em
/// (Word-set texts compress only at line ends): measured from the glyph
/// advances of the layout, which include justification.
#[test]
fn punctuation_inside_lines_is_full_width() {
    let runs = layout_runs(&reference_dir());
    let marks = runs
        .iter()
        .flat_map(|r| &r.glyphs)
        .filter(|g| FULL_WIDTH.contains(&g.0))
        .count();
    assert!(
        marks > 300,
        "only {marks} full-width marks found: not measuring the reference?"
    );
    let squeezed = squeezed_inside_lines(&runs, 0.95);
    assert!(
        squeezed.is_empty(),
        "{} of {marks} full-width marks are narrower than 0.95 em inside a line: {squeezed:?}",
        squeezed.len()
    );
}
