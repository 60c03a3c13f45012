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

// ---------------------------------------------------------------------------
// Headings and titles (tests/fixtures/typography).

/// Left edge of the text block (28 mm) and its width (156 mm), in points.
const BLOCK_LEFT: f64 = 28.0 / 25.4 * 72.0;
const BLOCK_WIDTH: f64 = 156.0 / 25.4 * 72.0;

fn is_han(c: char) -> bool {
    ('\u{4e00}'..='\u{9fff}').contains(&c)
}

/// The runs of `page` at font size `size`, gathered into lines (by
/// baseline, top to bottom), each line's runs left to right.
fn lines_of(runs: &[Run], page: usize, size: f64) -> Vec<Vec<&Run>> {
    let mut picked: Vec<&Run> = runs
        .iter()
        .filter(|r| r.page == page && (r.size - size).abs() < 0.01)
        .collect();
    picked.sort_by(|a, b| a.y.total_cmp(&b.y).then(a.x.total_cmp(&b.x)));
    let mut lines: Vec<Vec<&Run>> = Vec::new();
    for r in picked {
        match lines.last_mut() {
            Some(l) if (l[0].y - r.y).abs() < 0.01 => l.push(r),
            _ => lines.push(vec![r]),
        }
    }
    lines
}

fn line_text(line: &[&Run]) -> String {
    line.iter()
        .flat_map(|r| r.glyphs.iter().map(|g| g.0))
        .collect()
}

/// A table title that wraps is centred line by line: each line has equal
/// space left and right (± 1 pt), and its characters keep their natural
/// width of one em (a justified first line was stretched to the margins).
#[test]
fn wrapped_table_title_is_centred_line_by_line() {
    let runs = layout_runs(&fixture("typography"));
    let last_page = runs.iter().map(|r| r.page).max().unwrap();
    // The title is set 2 pt above the 14 pt body.
    let title = lines_of(&runs, last_page, 16.0);
    assert_eq!(
        title.len(),
        2,
        "the long title should take two lines: {:?}",
        title.iter().map(|l| line_text(l)).collect::<Vec<_>>()
    );
    for line in &title {
        let start = line[0].x;
        let end = line.last().unwrap().end();
        let (left, right) = (start - BLOCK_LEFT, BLOCK_LEFT + BLOCK_WIDTH - end);
        assert!(
            (left - right).abs() < 1.0,
            "title line {:?} is not centred: {left:.2} pt left, {right:.2} pt right",
            line_text(line)
        );
        let stretched: Vec<(char, f64)> = line
            .iter()
            .flat_map(|r| r.glyphs.iter().map(move |g| (g.0, g.1 / r.size)))
            .filter(|&(c, em)| is_han(c) && (em - 1.0).abs() > 0.01)
            .collect();
        assert!(
            stretched.is_empty(),
            "title line {:?} has characters not one em wide: {stretched:?}",
            line_text(line)
        );
    }
}

/// A 目录 entry that wraps continues under its title text (after "1."),
/// not back at the margin.
#[test]
fn wrapped_toc_entry_hangs_under_its_title() {
    let runs = layout_runs(&fixture("typography"));
    let toc = lines_of(&runs, 2, 14.0);
    let at = toc
        .iter()
        .position(|l| line_text(l).starts_with("1."))
        .expect("the 目录 has no entry \"1.…\"");
    let first = &toc[at];
    let g = &first[0].glyphs;
    let title_x = first[0].x + g[0].1 + g[1].1;
    let next = toc.get(at + 1).expect("the long 目录 entry did not wrap");
    assert!(
        (next[0].x - title_x).abs() < 0.5,
        "second line {:?} starts at {:.2} pt, the title text at {title_x:.2} pt (margin {BLOCK_LEFT:.2} pt)",
        line_text(next),
        next[0].x
    );
}

/// No page ends with a heading: with the 总体绩效目标 padded so that
/// 二、, （一） or 三、 falls on the last lines of a page, the heading moves
/// to the next page with the text it introduces.
#[test]
fn headings_never_end_a_page() {
    let headings = [
        "一、总体绩效目标",
        "二、分项绩效目标",
        "（一）第一项分项目标。",
        "三、工作保障措施",
    ];
    let tmp = TempDir::new("typo-sticky");
    let base = std::fs::read_to_string(fixture("typography").join("document.toml")).unwrap();
    let padding = "正文内容，".repeat(120);
    assert!(base.contains(&padding), "fixture padding changed");
    let mut moved = 0;
    for k in 100..=130 {
        let doc = tmp.path().join(format!("doc{k}"));
        copy_dir(&fixture("typography"), &doc);
        let text = base.replacen(&padding, &"正文内容，".repeat(k), 1);
        std::fs::write(doc.join("document.toml"), text).unwrap();
        let pdf = build_ok(&doc, tmp.path(), &format!("p{k}"));
        for n in 3..=page_count(&pdf) {
            let page = strip_footer(&page_text(&pdf, n));
            let lines: Vec<String> = page.lines().map(squash).filter(|l| !l.is_empty()).collect();
            if let Some(last) = lines.last() {
                assert!(
                    !headings.contains(&last.as_str()),
                    "padding {k}: page {n} ends with the heading {last:?}"
                );
            }
            if n > 3
                && lines
                    .first()
                    .is_some_and(|l| headings.contains(&l.as_str()))
            {
                moved += 1;
            }
        }
    }
    assert!(
        moved > 0,
        "no padding put a heading at the top of a page: not testing the page end"
    );
}
