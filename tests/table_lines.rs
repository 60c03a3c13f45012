//! The reference's 绩效目标表 measured line by line from `pdftotext -bbox`:
//! column widths fitted to the content (fewer lines, no number split from
//! its unit, no table page taller), labels wrapped into balanced lines
//! and no cell whose last line holds one character (issue 11, items 1
//! and 2).

mod common;

use std::path::Path;

use common::*;

/// Cell lines of the reference's table pages before the widths were fitted
/// to the content (measured on the PDF of main 2742a54 the same way).
const LINES_BEFORE: usize = 668;

/// The text lines inside table cells, page by page: words of the table's
/// type size on one baseline, joined where they are closer than a cell's
/// insets (two cells side by side are at least 6 pt apart).
fn cell_lines(pdf: &Path) -> Vec<(usize, Vec<String>)> {
    let mut out = Vec::new();
    for (i, (_, words)) in pdf_words(pdf).into_iter().enumerate() {
        if !words.iter().any(|w| w.text == "一级指标") {
            continue;
        }
        // The table's text is 10.5 pt; titles, the unit line and the page
        // number are larger.
        let mut cells: Vec<&Word> = words
            .iter()
            .filter(|w| ((w.y1 - w.y0) - 10.5).abs() < 0.3)
            .collect();
        cells.sort_by(|a, b| (a.y0, a.x0).partial_cmp(&(b.y0, b.x0)).unwrap());
        let mut lines: Vec<(f64, f64, String)> = Vec::new();
        for w in cells {
            match lines.last_mut() {
                Some(l) if (l.0 - w.y0).abs() < 0.1 && w.x0 - l.1 < 5.0 => {
                    l.1 = w.x1;
                    l.2.push_str(&w.text);
                }
                _ => lines.push((w.y0, w.x1, w.text.clone())),
            }
        }
        out.push((i + 1, lines.into_iter().map(|l| l.2).collect()));
    }
    out
}

/// The height in mm of each table's text, from the top of its first line
/// to the foot of its last, summed over its pages (a page without
/// 项目编码 continues the table before it).
fn table_heights(pdf: &Path) -> Vec<f64> {
    let mut out: Vec<f64> = Vec::new();
    for (_, words) in pdf_words(pdf) {
        if !words.iter().any(|w| w.text == "一级指标") {
            continue;
        }
        let cells = words.iter().filter(|w| ((w.y1 - w.y0) - 10.5).abs() < 0.3);
        let (top, foot) = cells.fold((f64::MAX, 0.0f64), |(t, f), w| (t.min(w.y0), f.max(w.y1)));
        let mm = (foot - top) * 25.4 / 72.0;
        match out.last_mut() {
            Some(h) if !words.iter().any(|w| w.text.contains("项目编")) => *h += mm,
            _ => out.push(mm),
        }
    }
    out
}

/// The heights of the reference's tables before the widths were fitted
/// (main c499897, measured as `table_heights` does).
const HEIGHTS_BEFORE: [f64; 7] = [216.0, 167.0, 162.0, 148.0, 157.0, 162.0, 172.0];

#[test]
fn no_table_of_the_reference_grew() {
    let dir = tempfile::tempdir().unwrap();
    let pdf = build_ok(&reference_dir(), dir.path(), "reference");
    let after = table_heights(&pdf);
    assert_eq!(after.len(), HEIGHTS_BEFORE.len(), "{after:?}");
    for (i, (a, b)) in after.iter().zip(HEIGHTS_BEFORE).enumerate() {
        assert!(*a < b + 1.0, "table {}: {a:.0} mm, before {b} mm", i + 1);
    }
    let (a, b): (f64, f64) = (after.iter().sum(), HEIGHTS_BEFORE.iter().sum());
    assert!(
        a < b - 30.0,
        "tables {a:.0} mm in all, before {b} mm: {after:?}"
    );
}

fn reference_lines() -> Vec<(usize, Vec<String>)> {
    let dir = tempfile::tempdir().unwrap();
    let pdf = build_ok(&reference_dir(), dir.path(), "reference");
    cell_lines(&pdf)
}

#[test]
fn fitted_columns_print_the_reference_tables_in_fewer_lines() {
    let pages = reference_lines();
    let total: usize = pages.iter().map(|p| p.1.len()).sum();
    let per_page: Vec<(usize, usize)> = pages.iter().map(|p| (p.0, p.1.len())).collect();
    assert!(
        total < LINES_BEFORE,
        "{total} cell lines (before: {LINES_BEFORE}), per page {per_page:?}"
    );
    // A label that wraps is balanced: 预算规模及资金用途 over 4 + 5.
    let all: Vec<&String> = pages.iter().flat_map(|p| &p.1).collect();
    let at = all.iter().position(|l| l.as_str() == "预算规模");
    assert!(
        at.is_some_and(|i| all[i + 1] == "及资金用途"),
        "{:?}",
        &all[..12.min(all.len())]
    );
    // 资金支出计划（%） over 4 + 5 (the "%" of an estimated width).
    assert!(
        all.iter().any(|l| l.as_str() == "计划（%）"),
        "资金支出计划（%） not balanced"
    );
    // A 指标值 is one line: its number keeps its unit.
    for value in [
        "≥800平方米",
        "=14.28万元",
        "≤117.26万元",
        "=26.7万元",
        "12月31日",
    ] {
        assert!(
            all.iter().any(|l| l.contains(value)),
            "{value} is split: {:?}",
            all.iter()
                .filter(|l| value.starts_with(l.as_str()) || l.contains(&value[..4]))
                .collect::<Vec<_>>()
        );
    }
}

/// Cell lines holding one character, before (measured as `LINES_BEFORE`).
const LONE_BEFORE: usize = 41;

#[test]
fn no_cell_of_the_reference_ends_in_a_lone_character() {
    let lone: Vec<(usize, String)> = reference_lines()
        .into_iter()
        .flat_map(|(page, lines)| {
            lines
                .into_iter()
                .filter(|l| l.chars().count() == 1)
                .map(move |l| (page, l))
        })
        .collect();
    assert!(
        lone.is_empty(),
        "{} cell lines of one character (before: {LONE_BEFORE}): {lone:?}",
        lone.len()
    );
}
