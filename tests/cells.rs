//! Long runs of letters and digits in table cells: they wrap inside their
//! cell (every character printed, none outside the cell's column).

mod common;

use std::path::Path;
use std::process::Command;

use common::{TempDir, build_ok, copy_dir, manifest_dir, pdf_text, pdf_text_raw, squash};

const NUMBER: &str = "1234567890123456789012345678901234567";
const PERIOD: &str = "2023.07-2024.01";

/// One word of `pdftotext -bbox`: its left and right edge in points.
struct Word {
    text: String,
    x_min: f64,
    x_max: f64,
}

fn words(pdf: &Path) -> Vec<Word> {
    let out = Command::new("pdftotext")
        .arg("-bbox")
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is needed");
    let html = String::from_utf8(out.stdout).unwrap();
    let attr = |line: &str, name: &str| -> f64 {
        let rest = line.split(&format!("{name}=\"")).nth(1).unwrap();
        rest.split('"').next().unwrap().parse().unwrap()
    };
    html.lines()
        .filter(|l| l.trim_start().starts_with("<word "))
        .map(|l| Word {
            text: l
                .split('>')
                .nth(1)
                .unwrap()
                .split('<')
                .next()
                .unwrap()
                .into(),
            x_min: attr(l, "xMin"),
            x_max: attr(l, "xMax"),
        })
        .collect()
}

/// Bounds inside which the 指标值 column lies: its neighbours' header
/// texts (绩效指标描述 and 指标值确定依据), centred in their own cells.
/// The widths are fitted to the content, so the column is found, not known.
fn value_column(words: &[Word]) -> (f64, f64) {
    let at = |t: &str| words.iter().find(|w| w.text == t).expect(t);
    (at("绩效指标描述").x_max, at("指标值确定依据").x_min)
}

/// A copy of the clean corpus document at `doc`, with each `(from, to)`
/// replaced once in its file `file` (each `from` must be there).
fn clean_copy_with(doc: &Path, file: &str, edits: &[(&str, &str)]) {
    copy_dir(&manifest_dir().join("tests/corpus/clean"), doc);
    let path = doc.join(file);
    let mut text = std::fs::read_to_string(&path).unwrap();
    for (from, to) in edits {
        assert!(text.contains(from), "fixture changed: {from}");
        text = text.replacen(from, to, 1);
    }
    std::fs::write(&path, text).unwrap();
}

#[test]
fn long_runs_wrap_inside_their_cell() {
    let tmp = TempDir::new("cells");
    let doc = tmp.path().join("doc");
    clean_copy_with(
        &doc,
        "projects/01-xiangmu.toml",
        &[
            ("value = \"≥800平方米\"", &format!("value = \"{NUMBER}\"")),
            (
                "value = \"2025年12月31日前完成\"",
                &format!("value = \"{PERIOD}\""),
            ),
        ],
    );
    let pdf = build_ok(&doc, tmp.path(), "out");

    // In content order: plain pdftotext interleaves the lines of
    // neighbouring multi-line cells.
    let all = squash(&pdf_text_raw(&pdf));
    assert!(all.contains(NUMBER), "the whole number is printed: {all}");
    assert!(all.contains(PERIOD), "the whole period is printed: {all}");

    let words = words(&pdf);
    let (left, right) = value_column(&words);
    let pieces: Vec<Word> = words
        .into_iter()
        .filter(|w| NUMBER.contains(&w.text) || PERIOD.contains(&w.text))
        .filter(|w| w.text.len() > 2)
        .collect();
    assert!(pieces.len() >= 4, "the number wraps over several lines");
    for w in &pieces {
        assert!(
            w.x_min >= left && w.x_max <= right,
            "“{}” spans {:.1}–{:.1} pt, outside the 指标值 column {left:.1}–{right:.1} pt",
            w.text,
            w.x_min,
            w.x_max
        );
    }
}

#[test]
fn long_runs_in_paragraphs_stay_in_the_text_block() {
    let tmp = TempDir::new("cells-para");
    let doc = tmp.path().join("doc");
    let long = NUMBER.repeat(3);
    clean_copy_with(
        &doc,
        "document.toml",
        &[(
            "overall = \"做好信访工作。\"",
            &format!("overall = \"做好信访工作。编号{long}。\""),
        )],
    );
    let pdf = build_ok(&doc, tmp.path(), "out");

    assert!(
        squash(&pdf_text(&pdf)).contains(&long),
        "the whole run is printed"
    );
    let right = (28.0 + 156.0) / 25.4 * 72.0;
    for w in words(&pdf).iter().filter(|w| w.text.contains("12345")) {
        assert!(
            w.x_max <= right + 0.5,
            "“{}” ends at {:.1} pt, past the text block's edge {right:.1} pt",
            w.text,
            w.x_max
        );
    }
}

/// A row taller than a page splits over pages instead of being pushed past
/// the page's end: every sentence of a 3,200-character 指标值确定依据 is
/// printed. (The template measures only rows the data marks as possibly
/// tall; this one must be marked.)
#[test]
fn a_row_taller_than_a_page_splits_and_keeps_its_text() {
    let tmp = TempDir::new("cells-tall");
    let doc = tmp.path().join("doc");
    let long: String = (1..=400).map(|i| format!("依据第{i:03}条。")).collect();
    clean_copy_with(
        &doc,
        "projects/01-xiangmu.toml",
        &[("basis = \"年度工作计划\"", &format!("basis = \"{long}\""))],
    );
    let pdf = build_ok(&doc, tmp.path(), "out");

    let all = squash(&pdf_text_raw(&pdf));
    let missing: Vec<String> = (1..=400)
        .map(|i| format!("第{i:03}条"))
        .filter(|s| !all.contains(s.as_str()))
        .collect();
    assert!(missing.is_empty(), "not printed: {missing:?}");
}

/// Table cells whose lines jixiao cuts (numbers with their units, the last
/// two characters) print exactly as the template's own regex and cluster
/// code cut them: the same data through a project `project.typ.tera` that
/// passes no cuts builds the same bytes. The cells hold the hard cases:
/// units at the end and inside, rates, clusters of several code points
/// (a variation selector, a joiner),
/// letters at the end, one- and two-character lines, Typst markup.
#[test]
fn cells_cut_by_jixiao_print_as_the_template_cut_them() {
    const CASES: [(&str, &str); 4] = [
        (
            "value = \"≥800平方米\"",
            "value = \"租用800平方米场所\\n3万元/年\\n≥95%\"",
        ),
        (
            "basis = \"年度工作计划\"",
            "basis = \"检查项\\uFE0F目\\n和睦家\\u200D庭\\n完成APP\\n指\\n#[*x*]$y$标\"",
        ),
        (
            "description = \"按时支付资金\"",
            "description = \"2025年12月31日前支付2次\\n共1,234.5万元整\"",
        ),
        ("name = \"信访形势\"", "name = \"形势（平稳）\\n“稳”\""),
    ];
    let tmp = TempDir::new("cells-cut");
    let mut built = Vec::new();
    for side in ["cut", "uncut"] {
        let project = tmp.path().join(side);
        let doc = project.join("data/d");
        clean_copy_with(&doc, "projects/01-xiangmu.toml", &CASES);
        if side == "uncut" {
            let shipped =
                std::fs::read_to_string(manifest_dir().join("templates/project.typ.tera")).unwrap();
            let uncut = shipped
                .replace(", {{ x.cut | safe }}", "")
                .replace(", {{ b.side.cut | safe }}", "")
                .replace(", {{ g.first.cut | safe }}", "");
            assert!(!uncut.contains(".cut"), "every cut is removed");
            std::fs::create_dir_all(project.join("templates")).unwrap();
            std::fs::write(project.join("templates/project.typ.tera"), uncut).unwrap();
        }
        built.push(std::fs::read(build_ok(&doc, tmp.path(), side)).unwrap());
    }
    assert!(built[0] == built[1], "the cut cells print differently");
}
