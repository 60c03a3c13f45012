//! A 绩效目标表 as the templates see it: the form's grid filled with the
//! table's labels and values, cell by cell, ready to print in any layout.

use serde::Serialize;

use super::{cell, fit, segment};
use crate::input::form::{
    Align, CellRef, CellSpec, Column, Form, Kind, Need, Placement, Role, TableDef, TableKind,
};
use crate::input::model::project::shown;
use crate::input::model::{Amount, Document, Labels, Project, Row, Value};

/// One table for the templates.
#[derive(Debug, Clone, Serialize)]
pub struct ProjectView {
    /// "1" (empty for a department-wide table).
    pub number: String,
    /// Table title without the number.
    pub title: String,
    /// The grid's column widths in percent of the text width.
    pub columns: Vec<f64>,
    /// The narrowest printed cell as a fraction of the text width.
    pub narrowest: f64,
    /// The table's parts, top to bottom.
    pub blocks: Vec<BlockView>,
    /// Lines printed under the table.
    pub below: Vec<String>,
}

/// Cells of the header part, or a row table.
#[derive(Debug, Clone, Serialize)]
pub struct BlockView {
    /// Header-part cells in reading order (empty for a row table).
    pub cells: Vec<CellView>,
    /// A row table's column labels, repeated on every page when `repeat`.
    pub header: Vec<CellView>,
    /// Whether the header repeats (not with a side cell).
    pub repeat: bool,
    /// A cell left of the whole row table, spanning all its rows.
    pub side: Option<CellView>,
    /// The rows, grouped under merged first cells.
    pub groups: Vec<GroupView>,
    /// Each row cell's width as a fraction of the text width.
    pub widths: Vec<f64>,
}

/// Rows sharing one merged first cell (or none).
#[derive(Debug, Clone, Serialize)]
pub struct GroupView {
    /// The merged cell, spanning every row of the group.
    pub first: Option<CellView>,
    /// The other cells of each row.
    pub rows: Vec<Vec<CellView>>,
    /// Per row, whether the template must measure it to know if it is
    /// taller than a page may hold (see [`fit::may_be_taller`]); the others
    /// are known to fit.
    pub measure: Vec<bool>,
}

/// One printed cell.
#[derive(Debug, Clone, Serialize)]
pub struct CellView {
    /// Its text ("\n" is a line break).
    pub t: String,
    /// Grid columns spanned.
    pub cs: usize,
    /// Grid rows spanned.
    pub rs: usize,
    /// Left-aligned (long text) rather than centred.
    pub left: bool,
    /// The value as written and its kind, where `t` shows it otherwise:
    /// an amount (a workbook writes it as a number), or a text whose
    /// spacing the print tidies (a workbook keeps it as written). The
    /// templates print `t`.
    #[serde(skip)]
    pub value: Option<(Value, Kind)>,
    /// The fraction of the text width the cell spans (0: not known).
    #[serde(rename = "w")]
    pub width: f64,
    /// Its lines cut for print (see [`segment`]), as a Typst array literal
    /// whose strings are escaped like every data string; empty until cut.
    pub cut: String,
}

impl CellView {
    fn new(t: String, cs: usize, rs: usize, align: Align) -> Self {
        Self {
            t,
            cs,
            rs,
            left: align == Align::Left,
            value: None,
            width: 0.0,
            cut: String::new(),
        }
    }

    /// The cell spanning `fraction` of the text width.
    fn wide(mut self, fraction: f64) -> Self {
        self.width = fraction;
        self
    }

    /// The cell as printed: a centred cell's text with line breaks where
    /// its lines balance ("预算规模/及资金用途"; a left-aligned long text
    /// is left as it is), and then its lines cut.
    fn for_print(&mut self) {
        if !self.left && self.width > 0.0 {
            self.t = fit::balanced(&self.t, fit::content_em(self.width));
        }
        self.cut = segment::literal(&segment::cut(&self.t));
    }

    /// The cell with `v` of `kind` kept in `value` when `t` shows it
    /// otherwise.
    fn typed(mut self, kind: Kind, v: Option<&Value>) -> Self {
        self.value = v
            .filter(|v| match v {
                Value::Amount(_) => true,
                Value::Text(raw) => *raw != self.t,
            })
            .map(|v| (v.clone(), kind));
        self
    }
}

/// The views of the tables with `placement`, numbered in that part; with
/// a cache, a table whose data did not change since the last build is
/// taken from it instead of being laid out again.
pub fn views(
    doc: &Document,
    placement: Placement,
    mut cache: Option<&mut ViewCache>,
) -> Vec<ProjectView> {
    doc.projects
        .iter()
        .filter(|p| p.form.placement == placement)
        .enumerate()
        .map(|(i, p)| {
            let number = match placement {
                Placement::Project => (i + 1).to_string(),
                Placement::Department => String::new(),
            };
            match cache.as_deref_mut() {
                Some(cache) => cache.view(number, p, &doc.labels),
                None => printed_view(number, p, &doc.labels),
            }
        })
        .collect()
}

/// A table's view, ready to print.
fn printed_view(number: String, p: &Project, doc_labels: &Labels) -> ProjectView {
    let mut view = project_view(number, p, doc_labels);
    for_print(&mut view);
    view
}

/// The table views of the last build with what each was made from, kept
/// by a long-lived session (`watch`), so that an edit lays out again only
/// the tables it touched (laying out is most of preparing a rebuild).
#[derive(Default)]
pub struct ViewCache {
    /// The last build's tables.
    last: Vec<KeptView>,
    /// This build's tables so far.
    this: Vec<KeptView>,
    /// How many tables this build took from the last.
    reused: usize,
}

/// One table's view and everything it was made from: a view is a pure
/// function of its number, its table (form included) and the document's
/// labels.
struct KeptView {
    number: String,
    project: Project,
    labels: Labels,
    view: ProjectView,
}

impl ViewCache {
    /// Starts a build: the tables of the build that just ended become the
    /// ones to take from.
    pub(crate) fn start(&mut self) {
        self.last = std::mem::take(&mut self.this);
        self.reused = 0;
    }

    /// Ends a build: tables of the last build that this one did not take
    /// are dropped, so only this build's tables stay.
    pub(crate) fn finish(&mut self) {
        self.last.clear();
    }

    /// How many tables the current build took from the last one.
    pub fn reused(&self) -> usize {
        self.reused
    }

    /// The view of table `p`, from the last build if it was made from
    /// the same data.
    fn view(&mut self, number: String, p: &Project, doc_labels: &Labels) -> ProjectView {
        let same = |k: &KeptView| k.number == number && k.labels == *doc_labels && k.project == *p;
        let kept = match self.last.iter().position(same) {
            Some(at) => {
                self.reused += 1;
                self.last.swap_remove(at)
            }
            None => KeptView {
                view: printed_view(number.clone(), p, doc_labels),
                number,
                project: p.clone(),
                labels: doc_labels.clone(),
            },
        };
        let view = kept.view.clone();
        self.this.push(kept);
        view
    }
}

/// The narrowest printed cell as a fraction of the text width: a grid
/// column narrower than any cell over it (half of a span-2 column) holds
/// no text.
fn narrowest_cell(blocks: &[BlockView]) -> Option<f64> {
    let cells = blocks.iter().flat_map(|b| {
        let groups = b
            .groups
            .iter()
            .flat_map(|g| g.first.iter().chain(g.rows.iter().flatten()));
        b.cells.iter().chain(&b.side).chain(&b.header).chain(groups)
    });
    cells.map(|c| c.width).filter(|w| *w > 0.0).reduce(f64::min)
}

/// Readies `view` for print (a workbook takes the view before this): every
/// centred cell's lines balanced, every cell's lines cut, and the rows that
/// may be too tall to stay whole on a page marked. The template measures
/// only those rows, against the widths it measures with (the block's
/// `widths`, cell by cell), instead of laying out every cell twice.
fn for_print(view: &mut ProjectView) {
    for b in &mut view.blocks {
        let groups = b.groups.iter_mut().flat_map(|g| {
            g.first
                .iter_mut()
                .chain(g.rows.iter_mut().flat_map(|r| r.iter_mut()))
        });
        b.cells
            .iter_mut()
            .chain(b.side.iter_mut())
            .chain(b.header.iter_mut())
            .chain(groups)
            .for_each(CellView::for_print);
        for g in &mut b.groups {
            g.measure = g
                .rows
                .iter()
                .map(|r| {
                    let cells = r.iter().zip(&b.widths).map(|(c, w)| (c.t.as_str(), *w));
                    fit::may_be_taller(cells)
                })
                .collect();
        }
    }
}

/// The label of `key`: the table's override, the document's, the form's.
fn label(key: &str, own: &Labels, doc: &Labels, default: &str) -> String {
    own.get(key)
        .or_else(|| doc.get(key))
        .cloned()
        .unwrap_or_else(|| default.to_string())
}

pub(crate) fn project_view(number: String, p: &Project, doc_labels: &Labels) -> ProjectView {
    let form = &*p.form;
    let lab = |key: &str, default: &str| label(key, &p.labels, doc_labels, default);
    let grid = fitted_grid(p, &lab);
    let total: f64 = grid.iter().sum();
    let mut blocks: Vec<BlockView> = Vec::new();
    let mut cells: Vec<CellView> = Vec::new();
    let fraction = |at: &std::ops::Range<usize>| grid[at.clone()].iter().sum::<f64>() / total;
    for (row, ranges) in form.layout.iter().zip(layout_ranges(form)) {
        let mut ranges = ranges.iter();
        for spec in row {
            match &spec.what {
                CellRef::Table(k) => {
                    if !cells.is_empty() {
                        blocks.push(cell_block(std::mem::take(&mut cells)));
                    }
                    let t = form.table(k).expect("layout tables are checked");
                    // An empty indicator table keeps its header (its rows
                    // are missing, J101 says so); an empty sub-table is absent.
                    if !p.rows(k).is_empty() || t.kind == TableKind::Indicators {
                        blocks.extend(table_block(t, p.rows(k), form, &grid, &lab));
                    }
                }
                _ => {
                    let at = ranges.next().expect("one range per layout cell");
                    cells.push(layout_cell(spec, p, &lab).wide(fraction(at)));
                }
            }
        }
    }
    if !cells.is_empty() {
        blocks.push(cell_block(cells));
    }
    ProjectView {
        number,
        title: p.title().trim().to_string(),
        columns: grid.iter().map(|w| w * 100.0 / total).collect(),
        narrowest: narrowest_cell(&blocks)
            .unwrap_or_else(|| grid.iter().cloned().fold(f64::INFINITY, f64::min) / total),
        blocks,
        below: below_lines(p, &lab),
    }
}

/// The form's grid with the widths of its row table's columns fitted to
/// the content (see `fit`); a form with several row tables, or none,
/// keeps its grid, as the tables share it.
fn fitted_grid(p: &Project, lab: &dyn Fn(&str, &str) -> String) -> Vec<f64> {
    let form = &*p.form;
    let grid = form.grid.clone();
    let mut keys = form.layout.iter().flatten().filter_map(|c| match &c.what {
        CellRef::Table(k) => Some(k),
        _ => None,
    });
    let (Some(k), None) = (keys.next(), keys.next()) else {
        return grid;
    };
    let t = form.table(k).expect("layout tables are checked");
    let rows = p.rows(k);
    let cols = printed_columns(t, rows);
    let merge = t.kind == TableKind::Indicators
        && cols
            .first()
            .is_some_and(|(c, _)| c.role == Some(Role::Level1));
    let mut at = if t.side { t.side_span } else { 0 };
    let mut fit_cols = Vec::new();
    for (c, span) in &cols {
        fit_cols.push(fit::FitColumn {
            grid: at..at + span,
            min: c.min_width,
            max: c.max_width,
        });
        at += span;
    }
    let ranges: Vec<_> = fit_cols.iter().map(|c| c.grid.clone()).collect();
    let mut header = header_rows(p, lab);
    header.push(
        cols.iter()
            .zip(&ranges)
            .map(|((c, _), at)| (at.clone(), lab(c.label_key, &c.label)))
            .collect(),
    );
    let mut fit_rows = Vec::new();
    for (j, r) in rows.iter().enumerate() {
        let cells = cols.iter().zip(&ranges).skip(usize::from(merge));
        fit_rows.push(
            cells
                .map(|((c, span), at)| (at.clone(), row_cell(c, r, j + 1, *span, form).t))
                .collect(),
        );
    }
    if merge {
        // A merged 一级 cell sets no row's height; one extra row asks
        // for the longest 一级 label on one line ("满意度指标", not
        // "满意度指/标").
        let longest = rows
            .iter()
            .map(|r| r.role(t, Role::Level1))
            .max_by_key(|l| l.chars().count());
        fit_rows.extend(longest.map(|l| vec![(ranges[0].clone(), l)]));
    }
    let total: f64 = grid.iter().sum();
    let fractions: Vec<f64> = grid.iter().map(|g| g / total).collect();
    fit::fit(&fractions, &fit_cols, &header, &fit_rows)
}

/// The header part's cells as rows of (grid columns, text), for fitting.
fn header_rows(p: &Project, lab: &dyn Fn(&str, &str) -> String) -> Vec<fit::FitRow> {
    let form = &*p.form;
    form.layout
        .iter()
        .zip(layout_ranges(form))
        .map(|(row, ranges)| {
            let specs = row.iter().filter(|s| !matches!(s.what, CellRef::Table(_)));
            let cells = specs
                .zip(ranges)
                .map(|(spec, at)| (at, layout_cell(spec, p, lab).t));
            cells.collect::<fit::FitRow>()
        })
        .filter(|r| !r.is_empty())
        .collect()
}

/// The grid columns of each layout row's cells (tables left out), placed
/// as the grid places them: each after the cells spanning from above.
fn layout_ranges(form: &Form) -> Vec<Vec<std::ops::Range<usize>>> {
    let mut out = Vec::new();
    let mut taken = vec![0usize; form.grid.len()];
    for row in &form.layout {
        let mut at = 0;
        let mut cells = Vec::new();
        for spec in row.iter().filter(|s| !matches!(s.what, CellRef::Table(_))) {
            while at < taken.len() && taken[at] > 0 {
                at += 1;
            }
            let end = (at + spec.colspan).min(taken.len());
            for t in &mut taken[at..end] {
                *t = spec.rowspan;
            }
            cells.push(at..end);
            at = end;
        }
        for t in &mut taken {
            *t = t.saturating_sub(1);
        }
        out.push(cells);
    }
    out
}

fn cell_block(cells: Vec<CellView>) -> BlockView {
    BlockView {
        cells,
        header: Vec::new(),
        repeat: false,
        side: None,
        groups: Vec::new(),
        widths: Vec::new(),
    }
}

/// One cell of the header part.
fn layout_cell(spec: &CellSpec, p: &Project, lab: &dyn Fn(&str, &str) -> String) -> CellView {
    let form = &*p.form;
    let new = |text, align| CellView::new(text, spec.colspan, spec.rowspan, align);
    match &spec.what {
        CellRef::Label(k) => new(
            form.label_default(k).map(|d| lab(k, d)).unwrap_or_default(),
            Align::Center,
        ),
        CellRef::Value(k) => {
            let f = form.field(k).expect("layout fields are checked");
            let v = p.values.get(k);
            let text = v.map(|v| shown(f.kind, v, &form.amount_suffix));
            new(cell(&text.unwrap_or_default()), f.align).typed(f.kind, v)
        }
        CellRef::Text(t) => new(t.clone(), Align::Center),
        CellRef::Table(_) => unreachable!("tables are blocks"),
    }
}

/// The printed columns: optional ones blank in every row are left out,
/// their width going to the column on their left (or right).
fn printed_columns<'a>(t: &'a TableDef, rows: &[Row]) -> Vec<(&'a Column, usize)> {
    let mut out: Vec<(&Column, usize)> = Vec::new();
    let mut carry = 0;
    for c in &t.columns {
        let blank = c.auto.is_none()
            && c.need == Need::Optional
            && rows.iter().all(|r| r.get(c.key).trim().is_empty());
        if blank {
            match out.last_mut() {
                Some(last) => last.1 += c.span,
                None => carry += c.span,
            }
        } else {
            out.push((c, c.span + std::mem::take(&mut carry)));
        }
    }
    out
}

/// A row table: header, side cell, merged groups, 合计 row; `None` when
/// every column is optional and blank, as if the table had no rows.
fn table_block(
    t: &TableDef,
    rows: &[Row],
    form: &Form,
    grid: &[f64],
    lab: &dyn Fn(&str, &str) -> String,
) -> Option<BlockView> {
    let total: f64 = grid.iter().sum();
    let cols = printed_columns(t, rows);
    if cols.is_empty() {
        return None;
    }
    let header: Vec<CellView> = cols
        .iter()
        .map(|(c, span)| CellView::new(lab(c.label_key, &c.label), *span, 1, Align::Center))
        .collect();
    let merge = t.kind == TableKind::Indicators
        && cols
            .first()
            .is_some_and(|(c, _)| c.role == Some(Role::Level1));
    let skip = usize::from(merge);
    let side_span = if t.side { t.side_span } else { 0 };
    let fraction = |at: std::ops::Range<usize>| grid[at].iter().sum::<f64>() / total;
    let mut all = Vec::new();
    let mut at = side_span;
    for (_, span) in &cols {
        all.push(fraction(at..at + span));
        at += span;
    }
    let widths = all[skip..].to_vec();
    let mut groups = group_rows(t, rows, &cols, merge, form);
    if let Some(label) = &t.total_row {
        groups.push(total_row(t, rows, &cols, label, form));
    }
    let header = header
        .into_iter()
        .zip(&all)
        .map(|(c, w)| c.wide(*w))
        .collect();
    for g in &mut groups {
        g.first = g.first.take().map(|f| f.wide(all[0]));
        for r in &mut g.rows {
            // A 合计 row has every column; the others start after the merged one.
            let ws = if r.len() == all.len() {
                &all[..]
            } else {
                &widths[..]
            };
            for (c, w) in r.iter_mut().zip(ws) {
                c.width = *w;
            }
        }
    }
    // The side cell spans the header row too, when there is one: a table
    // with `header = false` (numbered goals) prints its rows only, and
    // with no rows either it prints no side cell (a row span of 0 is not
    // a cell).
    let n: usize = groups.iter().map(|g| g.rows.len()).sum::<usize>() + usize::from(t.header);
    let side = (t.side && n > 0)
        .then(|| CellView::new(lab(t.key, &t.label), t.side_span, n, Align::Center))
        .map(|c| c.wide(fraction(0..side_span)));
    Some(BlockView {
        cells: Vec::new(),
        repeat: t.header && side.is_none(),
        header: if t.header { header } else { Vec::new() },
        side,
        groups,
        widths,
    })
}

/// A cell as printed.
fn row_cell(c: &Column, r: &Row, n: usize, span: usize, form: &Form) -> CellView {
    if let Some(auto) = &c.auto {
        return CellView::new(auto.replace("{n}", &n.to_string()), span, 1, c.align);
    }
    let v = r.0.get(c.key);
    let text = v.map(|v| shown(c.kind, v, &form.amount_suffix));
    CellView::new(cell(&text.unwrap_or_default()), span, 1, c.align).typed(c.kind, v)
}

fn group_rows(
    t: &TableDef,
    rows: &[Row],
    cols: &[(&Column, usize)],
    merge: bool,
    form: &Form,
) -> Vec<GroupView> {
    let mut groups: Vec<GroupView> = Vec::new();
    for (j, r) in rows.iter().enumerate() {
        let cells: Vec<CellView> = cols[usize::from(merge)..]
            .iter()
            .map(|(c, span)| row_cell(c, r, j + 1, *span, form))
            .collect();
        if !merge {
            groups.push(GroupView {
                first: None,
                rows: vec![cells],
                measure: Vec::new(),
            });
            continue;
        }
        let first = r.role(t, Role::Level1);
        match groups.last_mut() {
            Some(g) if g.first.as_ref().is_some_and(|f| f.t == first) => g.rows.push(cells),
            _ => groups.push(GroupView {
                first: Some(CellView::new(first, cols[0].1, 1, Align::Center)),
                rows: vec![cells],
                measure: Vec::new(),
            }),
        }
    }
    for g in &mut groups {
        if let Some(f) = &mut g.first {
            f.rs = g.rows.len();
        }
    }
    groups
}

/// The 合计 row: the label in the first column, each money column summed.
fn total_row(
    t: &TableDef,
    rows: &[Row],
    cols: &[(&Column, usize)],
    label: &str,
    form: &Form,
) -> GroupView {
    let _ = t;
    let cells = cols
        .iter()
        .enumerate()
        .map(|(i, (c, span))| {
            let new = |text| CellView::new(text, *span, 1, Align::Center);
            if i == 0 {
                return new(label.to_string());
            }
            if c.kind != Kind::Money {
                return new(String::new());
            }
            let sum = rows
                .iter()
                .filter_map(|r| r.0.get(c.key).and_then(|v| v.amount()))
                .try_fold(rust_decimal::Decimal::ZERO, |a, b| a.checked_add(b.0));
            match sum {
                Some(s) => new(format!("{s}{}", form.amount_suffix))
                    .typed(Kind::Money, Some(&Value::Amount(Amount(s)))),
                None => new(String::new()),
            }
        })
        .collect();
    GroupView {
        first: None,
        rows: vec![cells],
        measure: Vec::new(),
    }
}

/// The lines under the table: "填表人：张三　　联系电话：…".
fn below_lines(p: &Project, lab: &dyn Fn(&str, &str) -> String) -> Vec<String> {
    let form = &*p.form;
    form.below
        .iter()
        .map(|line| {
            line.iter()
                .filter_map(|k| form.field(k))
                .map(|f| {
                    let v = p
                        .values
                        .get(f.key)
                        .map(|v| shown(f.kind, v, &form.amount_suffix));
                    format!("{}：{}", lab(f.label_key, &f.label), v.unwrap_or_default())
                })
                .collect::<Vec<_>>()
                .join("　　")
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::model::project::parse_test;

    /// The block of row table `key` in the view of a table read from `text`.
    fn block(text: &str, key: &str) -> BlockView {
        let p = parse_test(text);
        let form = p.form.clone();
        let t = form.table(key).unwrap();
        let lab = |_: &str, d: &str| d.to_string();
        table_block(t, p.rows(key), &form, &form.grid, &lab).unwrap()
    }

    /// The cache keeps exactly the tables of the build that ended last,
    /// and reuses a table only when its data is the same.
    #[test]
    fn the_view_cache_keeps_only_the_last_builds_tables() {
        let text = "form = 'department'\nname = 'D'\n[budget]\ntotal = 1\nproject = 1\nbasic = 0\n[[goals]]\ntext = '甲'\n";
        let (a, b) = (parse_test(text), parse_test(&text.replace('甲', "乙")));
        let labels = Labels::new();
        let mut cache = ViewCache::default();
        cache.start();
        cache.view("1".into(), &a, &labels);
        cache.view("2".into(), &b, &labels);
        cache.finish();
        assert_eq!(
            (cache.reused(), cache.this.len(), cache.last.len()),
            (0, 2, 0)
        );
        cache.start();
        let again = cache.view("1".into(), &a, &labels);
        let moved = cache.view("1".into(), &b, &labels);
        cache.finish();
        assert_eq!(
            (cache.reused(), cache.this.len(), cache.last.len()),
            (1, 2, 0)
        );
        let fresh = printed_view("1".into(), &b, &labels);
        assert_eq!(format!("{moved:?}"), format!("{fresh:?}"));
        assert_eq!(
            format!("{again:?}"),
            format!("{:?}", printed_view("1".into(), &a, &labels))
        );
    }

    #[test]
    fn a_side_table_without_header_prints_rows_only() {
        let text = "form = 'department'\nname = 'D'\n[budget]\ntotal = 1\nproject = 1\nbasic = 0\n[[goals]]\ntext = '甲'\n[[goals]]\ntext = '乙'\n\
                    [[duties]]\nfunction = 'f'\ntask = 't'\namount = '1.5'\n";
        let goals = block(text, "goals");
        assert!(goals.header.is_empty());
        let side = goals.side.unwrap();
        assert_eq!((side.t.as_str(), side.rs), ("年度总体目标", 2));
        let texts: Vec<&str> = goals
            .groups
            .iter()
            .flat_map(|g| &g.rows[0])
            .map(|c| c.t.as_str())
            .collect();
        assert_eq!(texts, ["目标1", "甲", "目标2", "乙"]);
        // With a header row, the side cell spans it and the 合计 row.
        let duties = block(text, "duties");
        assert_eq!(duties.header.len(), 4);
        assert_eq!(duties.side.unwrap().rs, 3);
        let total = &duties.groups.last().unwrap().rows[0];
        assert_eq!((total[0].t.as_str(), total[3].t.as_str()), ("合计", "1.5"));
    }

    #[test]
    fn a_side_table_without_header_or_rows_has_no_side_cell() {
        let text = "form = 'department'\nname = 'D'\n[budget]\ntotal = 1\nproject = 1\nbasic = 0\n";
        let goals = block(text, "goals");
        assert!(goals.groups.is_empty());
        assert!(goals.side.is_none(), "{:?}", goals.side);
    }

    #[test]
    fn a_table_with_every_column_optional_and_blank_is_not_printed() {
        let base = "form = 'department'\nname = 'D'\n[budget]\ntotal = 1\nproject = 1\nbasic = 0\n";
        let row = |task: &str| {
            format!("[[duties]]\nfunction = ''\ntask = '{task}'\nproject = ''\namount = 1\n")
        };
        let blank = format!("{base}{}{}", row(""), row(" "));
        let one = format!("{base}{}{}", row(""), row("甲"));
        let block = |text: &str| {
            let p = parse_test(text);
            let mut t = p.form.table("duties").unwrap().clone();
            // The text columns only, all optional.
            t.columns.retain(|c| c.key != "amount");
            t.columns.iter_mut().for_each(|c| c.need = Need::Optional);
            let lab = |_: &str, d: &str| d.to_string();
            table_block(&t, p.rows("duties"), &p.form, &p.form.grid, &lab)
        };
        assert!(block(&blank).is_none());
        // Two rows and the 合计 row.
        assert_eq!(block(&one).unwrap().groups.len(), 3);
    }

    #[test]
    fn a_table_key_in_labels_renames_its_side_cell() {
        let text = "form = 'department'\nname = 'D'\n[labels]\ngoals = '总目标'\n[budget]\ntotal = 1\nproject = 1\nbasic = 0\n[[goals]]\ntext = '甲'\n";
        let view = project_view(String::new(), &parse_test(text), &Labels::new());
        let sides: Vec<&str> = view
            .blocks
            .iter()
            .filter_map(|b| b.side.as_ref())
            .map(|c| c.t.as_str())
            .collect();
        assert_eq!(sides, ["总目标", "年度绩效指标"]);
    }
}
