//! On which printed page each change lands: the typeset document's headings
//! and page texts, searched for the goal, measure, table and row a change
//! belongs to.

use serde::Serialize;
use typst::foundations::{NativeElement, Selector};
use typst::introspection::Introspector;
use typst::layout::{Frame, FrameItem};
use typst::model::HeadingElem;
use typst_layout::PagedDocument;

use super::text::{Run, runs};
use super::{Changes, FieldChange, ItemChange, ProjectChange};
use crate::compare::visual::{self, Printed};
use crate::input::model::Document;

/// Characters of a name searched for in a page's text: enough to be
/// unique in a table, few enough to stay on one line of a narrow cell.
const NEEDLE: usize = 16;

/// A printed page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PageRef {
    /// "new", or "old" for what is only in the old version.
    pub version: &'static str,
    /// The number printed on it; none on the cover and the 目录.
    pub printed: Option<u64>,
    /// Its 1-based position in the PDF.
    pub pdf: usize,
    /// How the report names it: 第 7 页, 原第 7 页, 封面, 目录.
    pub label: String,
}

/// A typeset version, indexed for finding where things are printed.
pub struct PageIndex {
    version: &'static str,
    /// Per page: the number the page counter gives it (`None`: blank).
    numbers: Vec<Option<u64>>,
    /// Per page: all its text in frame order, without white space.
    texts: Vec<String>,
    /// The first body page (0-based): cover and 目录 come before it.
    body: usize,
    /// Every heading: its text without white space and its 0-based page.
    headings: Vec<(String, usize)>,
}

impl PageIndex {
    /// Indexes a typeset document; `old` names its pages as the old version's.
    pub fn new(doc: &PagedDocument, old: bool) -> Self {
        let numbers = visual::numbers(doc);
        let body = visual::body_start(&numbers);
        let intro = doc.introspector();
        let headings = intro
            .query(&Selector::Elem(HeadingElem::ELEM, None))
            .iter()
            .filter_map(|h| {
                let page = intro.page(h.location()?)?.get() - 1;
                // The body alone: plain_text() would start with the supplement.
                let body = h.to_packed::<HeadingElem>()?.body.plain_text();
                Some((squeeze(&body), page))
            })
            .collect();
        Self {
            version: if old { "old" } else { "new" },
            numbers,
            texts: doc.pages().iter().map(|p| page_text(&p.frame)).collect(),
            body,
            headings,
        }
    }

    /// The reference to page `i` (0-based).
    pub fn page(&self, i: usize) -> PageRef {
        let named = visual::printed_of(&self.numbers, i + 1);
        let printed = match named {
            Some(Printed::Body(n)) => Some(n),
            _ => None,
        };
        let name = named.map_or_else(String::new, Printed::name);
        let prefix = if self.version == "old" { "原" } else { "" };
        PageRef {
            version: self.version,
            printed,
            pdf: i + 1,
            label: format!("{prefix}{name}"),
        }
    }

    /// The first page in `from..to` whose text holds `needle`.
    fn find(&self, needle: &str, from: usize, to: usize) -> Option<usize> {
        self.find_within(needle, NEEDLE, from, to)
    }

    /// [`PageIndex::find`] with the first `chars` characters of `needle`.
    fn find_within(&self, needle: &str, chars: usize, from: usize, to: usize) -> Option<usize> {
        let needle: String = squeeze(needle).chars().take(chars).collect();
        if needle.is_empty() {
            return None;
        }
        (from..to.min(self.texts.len())).find(|&i| self.texts[i].contains(&needle))
    }

    /// The position in `headings` of the first heading equal to `text`.
    fn heading(&self, text: &str) -> Option<usize> {
        self.headings.iter().position(|(h, _)| h == text)
    }
}

/// Text without white space (lines of a cell join without a gap).
fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

fn page_text(frame: &Frame) -> String {
    let mut out = String::new();
    collect_text(frame, &mut out);
    squeeze(&out)
}

fn collect_text(frame: &Frame, out: &mut String) {
    for (_, item) in frame.items() {
        match item {
            FrameItem::Text(t) => out.push_str(&t.text),
            FrameItem::Group(g) => collect_text(&g.frame, out),
            _ => {}
        }
    }
}

/// Where the parts of one version are printed (0-based pages).
struct Layout {
    overall: Option<(usize, usize)>,
    goals: Vec<Option<usize>>,
    /// The page after the last that may hold 分项绩效目标.
    goals_end: usize,
    measures: Vec<Option<usize>>,
    /// The page after the last that may hold 保障措施.
    measures_end: usize,
    /// Per table in data order: first page and the page after its last.
    tables: Vec<Option<(usize, usize)>>,
    /// Per printed table position: the table's index in the data.
    printed: Vec<usize>,
}

impl Layout {
    fn of(doc: &Document, ix: &PageIndex) -> Self {
        let end = ix.texts.len();
        let at = |h: Option<usize>| h.map(|h| ix.headings[h].1);
        let (s1, s2, s3) = (
            ix.heading("一、总体绩效目标"),
            ix.heading("二、分项绩效目标"),
            ix.heading("三、工作保障措施"),
        );
        let overall = at(s1).map(|p| (p, at(s2).map_or(end, |q| q + 1)));
        let goals = goal_pages(doc, ix, s2, s3);
        let mut from = at(s3).unwrap_or(ix.body);
        let measures = doc
            .measures
            .iter()
            .map(|m| {
                let found = ix.find(&m.lead, from, end);
                from = found.unwrap_or(from);
                found
            })
            .collect();
        let printed: Vec<usize> = super::ordered(doc).iter().map(|(i, _)| *i).collect();
        let tables = table_pages(doc, ix, s3, &printed);
        let first_table = tables.iter().flatten().map(|t| t.0).min();
        Self {
            overall,
            goals,
            goals_end: at(s3).map_or(end, |p| p + 1),
            measures,
            measures_end: first_table.map_or(end, |p| p + 1),
            tables,
            printed,
        }
    }
}

/// Goal k's page: the k-th heading between 二、 and 三、, if it names it.
fn goal_pages(
    doc: &Document,
    ix: &PageIndex,
    s2: Option<usize>,
    s3: Option<usize>,
) -> Vec<Option<usize>> {
    let Some(s2) = s2 else {
        return vec![None; doc.goals.len()];
    };
    let end = s3.unwrap_or(ix.headings.len());
    let between = &ix.headings[(s2 + 1).min(end)..end];
    doc.goals
        .iter()
        .enumerate()
        .map(|(k, g)| {
            let (text, page) = between.get(k)?;
            text.ends_with(&squeeze(&g.title)).then_some(*page)
        })
        .collect()
}

/// Each table's pages: the headings after 三、 (all of them in a document
/// of tables only) that are not part titles, in printed order (department
/// tables first), checked against the title.
fn table_pages(
    doc: &Document,
    ix: &PageIndex,
    s3: Option<usize>,
    printed: &[usize],
) -> Vec<Option<(usize, usize)>> {
    let is_part = |t: &str| t.starts_with('第') && t.chars().take(6).any(|c| c == '部');
    let after = s3.map_or(0, |h| h + 1);
    let heads: Vec<usize> = ix.headings[after.min(ix.headings.len())..]
        .iter()
        .filter(|(t, _)| !is_part(t))
        .map(|(_, p)| *p)
        .collect();
    let mut out = vec![None; doc.projects.len()];
    for (k, i) in printed.iter().enumerate() {
        let p = &doc.projects[*i];
        let Some(&page) = heads.get(k) else { continue };
        let title = squeeze(&p.title());
        let named = ix
            .headings
            .iter()
            .any(|(t, q)| *q == page && t.ends_with(&title));
        let next = heads.get(k + 1).copied().unwrap_or(ix.texts.len());
        out[*i] = named.then_some((page, next.max(page + 1)));
    }
    out
}

/// The text to look for to find a text change: a little of what comes
/// before the first change and what it inserts (or what follows a removal).
fn change_needle(old: &str, new: &str) -> Option<String> {
    let rs = runs(old, new);
    let first = rs.iter().position(|r| !matches!(r, Run::Same(_)))?;
    let tail = |i: Option<usize>| match i.and_then(|i| rs.get(i)) {
        Some(Run::Same(s)) => s
            .chars()
            .rev()
            .take(4)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect(),
        _ => String::new(),
    };
    let next = rs[first..].iter().find_map(|r| match r {
        Run::Added(s) | Run::Same(s) => Some(s.chars().take(8).collect::<String>()),
        Run::Removed(_) => None,
    })?;
    Some(format!("{}{next}", tail(first.checked_sub(1))))
}

/// Fills in the page of every change: new-version pages, old-version pages
/// for what was removed. Either index may be missing (not typeset).
pub fn locate(
    changes: &mut Changes,
    new: Option<(&Document, &PageIndex)>,
    old: Option<(&Document, &PageIndex)>,
) {
    let layouts = (
        new.map(|(d, ix)| (d, ix, Layout::of(d, ix))),
        old.map(|(d, ix)| (d, ix, Layout::of(d, ix))),
    );
    let Some((_, nix, nl)) = &layouts.0 else {
        return;
    };
    for f in &mut changes.cover {
        f.page = (nix.body > 0).then(|| nix.page(0));
    }
    if let Some((from, to)) = nl.overall {
        changes
            .overall
            .iter_mut()
            .for_each(|f| f.page = Some(text_page(nix, f, from, to)));
    }
    let sides = [layouts.0.as_ref(), layouts.1.as_ref()];
    for g in &mut changes.goals.items {
        g.page = item_page(sides, g, |l| (&l.goals, l.goals_end));
    }
    for m in &mut changes.measures.items {
        m.page = item_page(sides, m, |l| (&l.measures, l.measures_end));
    }
    for p in &mut changes.projects.items {
        locate_table(p, sides);
    }
}

type Side<'a> = Option<&'a (&'a Document, &'a PageIndex, Layout)>;

/// A goal's or measure's page, in the version that has it: where its
/// first changed text is, else where it starts.
fn item_page(
    sides: [Side; 2],
    item: &ItemChange,
    list: fn(&Layout) -> (&Vec<Option<usize>>, usize),
) -> Option<PageRef> {
    let (side, k) = match (item.at.new_index, item.at.old_index) {
        (Some(n), _) => (sides[0]?, n - 1),
        (None, Some(o)) => (sides[1]?, o - 1),
        _ => return None,
    };
    let (_, ix, layout) = side;
    let (pages, end) = list(layout);
    let from = pages.get(k).copied().flatten()?;
    let next = pages.get(k + 1..).into_iter().flatten().flatten().next();
    let to = next.map_or(end, |p| p + 1);
    let text = item
        .fields
        .iter()
        .find(|f| f.key != "title" && f.key != "lead");
    Some(match text {
        Some(f) => text_page(ix, f, from, to),
        None => ix.page(from),
    })
}

/// The page of a text change: where its first change is, else `from`.
fn text_page(ix: &PageIndex, f: &FieldChange, from: usize, to: usize) -> super::PageRef {
    let found = change_needle(
        f.old.as_deref().unwrap_or(""),
        f.new.as_deref().unwrap_or(""),
    )
    .and_then(|n| ix.find(&n, from, to));
    ix.page(found.unwrap_or(from))
}

/// A table's page and its rows' pages, in the version that has each.
fn locate_table(p: &mut ProjectChange, sides: [Side; 2]) {
    let (version, index) = match (p.at.new_index, p.at.old_index) {
        (Some(n), _) => (0, n),
        (None, Some(o)) => (1, o),
        _ => return,
    };
    let Some(range) = table_range(sides[version], index) else {
        return;
    };
    let (_, ix, _) = sides[version].expect("table_range found it");
    p.page = Some(ix.page(range.0));
    // Rows are searched in order, each from where the previous one of its
    // version was found.
    let mut cursors = [None, None];
    for row in &mut p.indicators.items {
        let (version, table, row_at) = match (row.at.new_index, row.at.old_index) {
            (Some(n), _) => (0, p.at.new_index, n),
            (None, Some(o)) => (1, p.at.old_index, o),
            _ => continue,
        };
        let side = sides[version];
        let Some((from, to)) = table.and_then(|at| table_range(side, at)) else {
            continue;
        };
        let (_, ix, _) = side.expect("table_range found it");
        let start = cursors[version].unwrap_or(from).max(from);
        let cells = table.and_then(|at| row_text(side, at, row_at));
        let found = cells
            .and_then(|c| ix.find_within(&c, ROW_NEEDLE, start, to))
            .or_else(|| ix.find(&row.name, start, to));
        cursors[version] = found.or(cursors[version]);
        row.page = Some(ix.page(found.unwrap_or(from)));
    }
}

/// Characters of a row's cells searched for: its 三级指标 and the cells
/// after it, enough to tell it from the same words elsewhere in the table.
const ROW_NEEDLE: usize = 40;

/// The printed cells of row `row_at` (1-based) of the table at printed
/// position `at`, from its 三级指标 on.
fn row_text(side: Side, at: usize, row_at: usize) -> Option<String> {
    let (doc, _, layout) = side?;
    let data_index = *layout.printed.get(at - 1)?;
    let (t, rows) = doc.projects.get(data_index)?.indicators()?;
    let row = rows.get(row_at - 1)?;
    let name = t.role_key(crate::input::form::Role::Level3)?;
    let columns = t.columns.iter().filter(|c| c.auto.is_none());
    let text: String = columns
        .skip_while(|c| c.key != name)
        .map(|c| row.get(c.key).into_owned())
        .collect();
    Some(text)
}

/// The pages of the table at 1-based printed position `at` of a side.
fn table_range(side: Side, at: usize) -> Option<(usize, usize)> {
    let (_, _, layout) = side?;
    let data_index = *layout.printed.get(at - 1)?;
    layout.tables.get(data_index).copied().flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_needle_holds_the_inserted_text_after_some_context() {
        assert_eq!(
            change_needle("深入学习贯彻条例", "深入学习宣传贯彻条例").as_deref(),
            Some("深入学习宣传")
        );
        assert_eq!(
            change_needle("深入学习贯彻条例", "深入贯彻条例").as_deref(),
            Some("深入贯彻条例")
        );
        assert_eq!(change_needle("同", "同"), None);
    }
}
