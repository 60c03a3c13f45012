//! Long 一级指标 groups over page breaks (tests/fixtures/long-group): the
//! label on every page the group reaches, optionally marked （续）, and the
//! short groups and table starts kept whole, and the optional 续表 line
//! above a repeated header (issue 11 items 3 and 4).

mod common;

use std::path::{Path, PathBuf};

use common::*;

const LABEL: &str = "产出指标";
const ROWS: usize = 18;

/// Builds the fixture, with `style` appended to its document.toml.
fn build(tmp: &TempDir, name: &str, style: &str) -> PathBuf {
    let doc = tmp.path().join(name);
    copy_dir(&fixture("long-group"), &doc);
    let toml = doc.join("document.toml");
    let text = std::fs::read_to_string(&toml).unwrap() + style;
    std::fs::write(&toml, text).unwrap();
    build_ok(&doc, tmp.path(), name)
}

/// Each page's text with whitespace removed.
fn squashed_pages(pdf: &Path) -> Vec<String> {
    (1..=page_count(pdf))
        .map(|n| squash(&page_text(pdf, n)))
        .collect()
}

/// The pages (1-based) holding a row of the 18-row group ("第N项" is
/// unique to row N).
fn group_pages(pages: &[String]) -> Vec<usize> {
    let mut out: Vec<usize> = (1..=ROWS)
        .map(|i| {
            let row = format!("第{i}项");
            let at: Vec<usize> = (0..pages.len())
                .filter(|&p| pages[p].contains(&row))
                .collect();
            assert_eq!(at.len(), 1, "row {i} is on pages {at:?}");
            at[0] + 1
        })
        .collect();
    out.dedup();
    out
}

#[test]
fn merged_label_is_on_every_page_of_a_long_group() {
    let tmp = TempDir::new("long-group");
    let pdf = build(&tmp, "plain", "");
    let pages = squashed_pages(&pdf);
    let spans = group_pages(&pages);
    assert!(spans.len() >= 3, "the group spans only pages {spans:?}");
    for &n in &spans {
        let page = &pages[n - 1];
        assert_eq!(
            page.matches(LABEL).count(),
            1,
            "page {n}: {LABEL} not printed once: {page}"
        );
        assert!(
            !page.contains("（续）"),
            "page {n}: （续） without style.continued_mark"
        );
    }
}

#[test]
fn continued_mark_marks_continuation_pages_only() {
    let tmp = TempDir::new("long-group-mark");
    let pdf = build(&tmp, "mark", "\n[style]\ncontinued_mark = true\n");
    let pages = squashed_pages(&pdf);
    let spans = group_pages(&pages);
    assert!(spans.len() >= 3, "the group spans only pages {spans:?}");
    let first = &pages[spans[0] - 1];
    assert!(
        first.contains(LABEL) && !first.contains("（续）"),
        "first page: {first}"
    );
    for &n in &spans[1..] {
        let page = &pages[n - 1];
        assert_eq!(
            page.matches(&format!("{LABEL}（续）")).count(),
            1,
            "page {n}: {page}"
        );
        assert_eq!(
            page.matches(LABEL).count(),
            1,
            "page {n}: label twice: {page}"
        );
    }
}

#[test]
fn short_groups_and_table_starts_stay_whole() {
    let tmp = TempDir::new("long-group-whole");
    let pdf = build(&tmp, "whole", "");
    let pages = squashed_pages(&pdf);
    // The 3-row 效益指标 group: its label and all its rows on one page.
    let short = [
        "效益指标",
        "群众办事便利程度",
        "信访事项及时受理率",
        "长效工作机制建立情况",
    ];
    let on: Vec<Vec<usize>> = short
        .iter()
        .map(|s| {
            (1..=pages.len())
                .filter(|&p| pages[p - 1].contains(s))
                .collect()
        })
        .collect();
    assert!(
        on.iter().all(|p| p.len() == 1 && p == &on[0]),
        "3-row group split: {on:?}"
    );
    // A table starts on a page of its own (pagebreak before each table
    // title), so it never starts in a page's last quarter with its header
    // alone: its title opens the page and its header and rows follow.
    let title = "长分组测试项目绩效目标表";
    let start = group_pages(&pages)[0];
    let text = strip_footer(&page_text(&pdf, start));
    assert!(
        squash(&text).starts_with(&format!("1.{title}")),
        "page {start}: {text}"
    );
}

#[test]
fn continued_table_line_opens_continuation_pages_only() {
    let tmp = TempDir::new("long-group-table");
    let plain = squashed_pages(&build(&tmp, "plain", ""));
    assert!(
        plain.iter().all(|p| !p.contains("续表")),
        "续表 without the style"
    );
    let pdf = build(&tmp, "table", "\n[style]\ncontinued_table = true\n");
    let pages = squashed_pages(&pdf);
    let first = group_pages(&pages)[0];
    assert_eq!(
        pages[first - 1],
        plain[first - 1],
        "the table's first page changed"
    );
    // Every later page of the table (the 3-row group moves to a page of
    // its own) opens with 续表 and then the repeated header.
    let header = "一级指标二级指标三级指标";
    let later: Vec<usize> = (first + 1..=pages.len())
        .filter(|&n| pages[n - 1].contains(header))
        .collect();
    assert!(
        later.len() >= 2,
        "the table continues on pages {later:?} only"
    );
    for n in later {
        let text = squash(&strip_footer(&page_text(&pdf, n)));
        assert!(
            text.starts_with(&format!("续表{header}")),
            "page {n}: {text}"
        );
    }
}
