//! One sheet read into a [`Project`] by the labels of its form: each value
//! right of or below its label as the form's layout places it, a value
//! without label (hebei's 资金用途) under the cell above it in the grid,
//! row tables under their header rows, the title above, the lines below.

use std::collections::HashSet;
use std::sync::Arc;

use rust_decimal::Decimal;

use super::amount::{self, Read};
use super::grid::{Cell, Grid};
use super::labels::{Catalogue, Hits, hits};
use crate::excel::{a1, norm_label};
use crate::input::form::{CellRef, Field, Form, Kind, Role, TableDef, first_columns};
use crate::input::model::{Amount, Labels, Project, Row, Value};

/// What reading a sheet gives: the project, errors and warnings (messages
/// without the file, which the caller adds).
pub(crate) struct SheetRead {
    pub project: Project,
    pub errors: Vec<(String, String)>,
    pub warnings: Vec<String>,
    /// Warnings with their own hint (message, hint).
    pub notes: Vec<(String, String)>,
    /// The 单位 line above the table ("单位：元"): where, and the unit.
    pub unit: Option<(String, String)>,
}

impl SheetRead {
    /// A warning (message, hint) when the 单位 line above the table names
    /// another unit than the document's `money_unit`: the amounts may be
    /// in that unit, and import does not convert them.
    pub(crate) fn unit_warning(&self, money_unit: &str) -> Option<(String, String)> {
        let (at, unit) = self.unit.as_ref()?;
        (unit.as_str() != money_unit.trim()).then(|| {
            (
                format!(
                    "{at}：表上方的金额单位是“{unit}”，文本中的金额单位是“{money_unit}”，表中金额可能是按“{unit}”填写的"
                ),
                format!(
                    "导入不换算金额：请把表中金额换算为{money_unit}，或把文本工作表的金额单位改为“{unit}”，或把表上方改为“单位：{money_unit}”"
                ),
            )
        })
    }
}

/// The reader of one sheet.
struct Reader<'a> {
    g: &'a Grid,
    form: &'a Form,
    cat: Catalogue,
    found: Hits,
    /// Cells read (labels, values, headers, rows, title).
    used: HashSet<(u32, u32)>,
    /// Where each layout cell was found, by layout row and index.
    at: Vec<Vec<Option<(u32, u32)>>>,
    /// The first row of the table (its top label).
    top: u32,
    p: Project,
    errors: Vec<(String, String)>,
    /// Warnings with their own hint.
    notes: Vec<(String, String)>,
    /// Percent values read from numbers without a format.
    bare_percents: Vec<&'static str>,
    /// The 单位 line above the table: where, and the unit.
    unit: Option<(String, String)>,
}

/// Reads `g` as a table of `form`.
pub(crate) fn read(g: &Grid, form: &Arc<Form>, doc_labels: &Labels) -> SheetRead {
    let cat = Catalogue::new(form, doc_labels);
    let found = hits(g, &cat);
    let top = found.values().flatten().map(|p| p.0).min().unwrap_or(0);
    let mut r = Reader {
        g,
        form,
        cat,
        found,
        used: HashSet::new(),
        at: form
            .layout
            .iter()
            .map(|row| vec![None; row.len()])
            .collect(),
        top,
        p: Project::new(form.clone()),
        errors: Vec::new(),
        notes: Vec::new(),
        bare_percents: Vec::new(),
        unit: None,
    };
    r.infer_labels();
    r.labels();
    r.values();
    r.labelled_values();
    for t in &form.tables {
        r.table(t);
    }
    r.lines_under();
    r.fractions();
    r.title();
    let warnings = r.stray();
    SheetRead {
        project: r.p,
        errors: r.errors,
        warnings,
        notes: r.notes,
        unit: r.unit,
    }
}

impl Reader<'_> {
    /// Marks every label found as read; one written differently from the
    /// label printed becomes an override in `[labels]`.
    fn labels(&mut self) {
        let below: Vec<&str> = (self.form.below.iter().flatten())
            .filter_map(|k| self.form.field(k).map(|f| f.label_key))
            .collect();
        for (&key, cells) in &self.found {
            // A line under the table ("单位负责人签字：") is read by
            // `lines_under`, not as a label.
            if below.contains(&key) {
                continue;
            }
            let &(r, c) = &cells[0];
            self.used.insert((r, c));
            let written = self.g.text(r, c).unwrap_or_default().trim().to_string();
            let shown = self.cat.effective.get(key).cloned().unwrap_or_default();
            if written != shown {
                self.p.labels.insert(key.to_string(), written);
            }
        }
    }

    /// Labels written in other words (`[labels]` overrides such as
    /// 项目编号 for 项目编码): the unknown text where the layout puts a
    /// label, on the sheet row of a label found in the same layout row,
    /// when the labels found place the grid at one column offset.
    fn infer_labels(&mut self) {
        let form = self.form;
        let firsts = first_columns(&form.layout, form.grid.len());
        let mut offsets = Vec::new();
        let mut missing = Vec::new();
        for (i, row) in form.layout.iter().enumerate() {
            let row_at = row.iter().find_map(|s| match s.what {
                CellRef::Label(k) => self.hit(k).map(|p| p.0),
                _ => None,
            });
            for (j, spec) in row.iter().enumerate() {
                let CellRef::Label(k) = spec.what else {
                    continue;
                };
                match self.hit(k) {
                    Some((_, c)) => offsets.push(i64::from(c) - firsts[i][j] as i64),
                    None => missing.extend(row_at.map(|r| (k, r, firsts[i][j] as i64))),
                }
            }
        }
        offsets.sort_unstable();
        offsets.dedup();
        let [offset] = offsets[..] else { return };
        for (k, r, g) in missing {
            let Ok(c) = u32::try_from(g + offset) else {
                continue;
            };
            if self.unknown_text(r, c) {
                self.found.insert(k, vec![(r, c)]);
            }
        }
    }

    /// Whether (r, c) holds text that is no label and not yet read.
    fn unknown_text(&self, r: u32, c: u32) -> bool {
        let known = self.found.values().flatten().any(|&p| p == (r, c));
        !known
            && self
                .g
                .text(r, c)
                .is_some_and(|t| self.cat.key_of(t).is_none())
    }

    /// Adopts the cell at `pos` as the label `key` (written in other words).
    fn adopt(&mut self, key: &'static str, pos: (u32, u32)) {
        self.found.insert(key, vec![pos]);
        self.used.insert(pos);
        let written = self.g.text(pos.0, pos.1).unwrap_or_default().trim();
        self.p.labels.insert(key.to_string(), written.to_string());
    }

    fn hit(&self, key: &str) -> Option<(u32, u32)> {
        self.found.get(key).and_then(|v| v.first().copied())
    }

    /// The header part: each value cell of the layout.
    fn values(&mut self) {
        let form = self.form;
        let firsts = first_columns(&form.layout, form.grid.len());
        for (i, row) in form.layout.iter().enumerate() {
            for (j, spec) in row.iter().enumerate() {
                match &spec.what {
                    CellRef::Label(k) => self.at[i][j] = self.hit(k),
                    CellRef::Value(k) => {
                        let Some(f) = form.field(k) else { continue };
                        let pos = self.place(i, j, &firsts, f);
                        self.at[i][j] = pos;
                        if let Some((r, c)) = pos {
                            self.used.insert((r, c));
                            self.value(f, r, c);
                        }
                    }
                    _ => {}
                }
            }
        }
    }

    /// Fields the layout did not place, found by their own label written
    /// on the sheet (a hand-made sheet's 资金用途 row; the hebei layout has
    /// no label for it): the value right of it, else below it.
    fn labelled_values(&mut self) {
        let form = self.form;
        let labelled = |k: &'static str| {
            form.layout
                .iter()
                .flatten()
                .any(|s| s.what == CellRef::Label(k))
        };
        for f in &form.fields {
            // A field the layout labels was looked for there; a blank one
            // stays blank.
            if self.p.values.contains_key(f.key) || labelled(f.label_key) {
                continue;
            }
            let Some((r, c)) = self.hit(f.label_key) else {
                continue;
            };
            let pos = self.right_of(r, c).or_else(|| self.below(r, c));
            let free = |&(vr, vc): &(u32, u32)| {
                !self.used.contains(&(vr, vc))
                    && !self.g.text(vr, vc).is_some_and(|t| self.below_line(t))
            };
            if let Some((vr, vc)) = pos.filter(free) {
                self.used.insert((vr, vc));
                self.value(f, vr, vc);
            }
        }
    }

    /// Where the value of layout cell (i, j) is on the sheet.
    fn place(&self, i: usize, j: usize, firsts: &[Vec<usize>], f: &Field) -> Option<(u32, u32)> {
        let layout = &self.form.layout;
        let col = firsts[i][j];
        let same_row = layout[i][..j]
            .iter()
            .any(|s| s.what == CellRef::Label(f.label_key));
        if same_row {
            let (r, c) = self.hit(f.label_key)?;
            return self.right_of(r, c);
        }
        // The cell whose bottom is right above this one, in its column.
        for i2 in (0..i).rev() {
            for (j2, s) in layout[i2].iter().enumerate() {
                let Some(&first) = firsts[i2].get(j2) else {
                    continue;
                };
                let covers = (first..first + s.colspan).contains(&col);
                if covers && i2 + s.rowspan == i {
                    let (r, c) = self.at[i2][j2]?;
                    return self.below(r, c);
                }
            }
        }
        None
    }

    /// The value right of the cell at (r, c): the first cell of another
    /// region, skipping blank columns; `None` at a label or a blank cell.
    fn right_of(&self, r: u32, c: u32) -> Option<(u32, u32)> {
        let g = self.g;
        let mut col = g.end(r, c).1 + 1;
        while col < g.width {
            let anchor = g.anchor(r, col);
            if anchor.0 < r {
                return None;
            }
            if g.raw(r, col).is_some() {
                return (!self.cat.is_label(g, r, col)).then_some((r, col));
            }
            if g.merge_of(r, col).is_some() || !g.col_blank(col, self.top) {
                return None;
            }
            col += 1;
        }
        None
    }

    /// The value below the cell at (r, c), skipping blank rows; `None` at
    /// a label or a blank cell.
    fn below(&self, r: u32, c: u32) -> Option<(u32, u32)> {
        let g = self.g;
        let mut row = g.end(r, c).0 + 1;
        while row < g.height {
            let anchor = g.anchor(row, c);
            if g.raw(anchor.0, anchor.1).is_some() && anchor.0 == row {
                // A region starting left of the label is another field's
                // (a wide 绩效目标 under blank checkpoints), not this value.
                let own = anchor.1 == c && !self.cat.is_label(g, anchor.0, anchor.1);
                return own.then_some(anchor);
            }
            if g.merge_of(row, c).is_some() || !g.row_empty(row) {
                return None;
            }
            row += 1;
        }
        None
    }

    /// Reads field `f` from the cell at (r, c).
    fn value(&mut self, f: &Field, r: u32, c: u32) {
        let Some(cell) = self.g.raw(r, c) else { return };
        if let Some(v) = self.convert(f.kind, &f.label, cell, r, c) {
            if f.kind == Kind::Percent && matches!(cell, Cell::Number(_, None)) {
                self.bare_percents.push(f.key);
            }
            self.p.values.insert(f.key, v);
        }
    }

    /// A cell as a value of `kind`; `None` (and an error) when it is not one.
    fn convert(&mut self, kind: Kind, label: &str, cell: &Cell, r: u32, c: u32) -> Option<Value> {
        let at = || format!("{}!{}", self.g.name, a1(r, c));
        if let Cell::NoResult(f) = cell {
            self.errors.push((
                format!(
                    "{}：{label}是公式“={f}”，但文件中没有保存它的计算结果",
                    at()
                ),
                "在 Excel 或 WPS 中打开此文件，重新计算（F9）后保存，再导入".into(),
            ));
            return None;
        }
        if kind.is_amount() {
            return match amount::cell(cell) {
                Read::Amount { value, .. } => Some(Value::Amount(Amount(value))),
                Read::Hidden { value, shown } => {
                    self.notes.push((
                        format!(
                            "{}：{label}显示为 {shown}，单元格中存的是 {value}，已按 {value} 导入",
                            at()
                        ),
                        "单元格的数字格式隐藏了部分小数；若应为显示的数，请在表格中改正后再导入"
                            .into(),
                    ));
                    Some(Value::Amount(Amount(value)))
                }
                Read::TooLarge(t) => {
                    self.errors.push((
                        format!("{}：{label}数值过大（“{t}”）", at()),
                        "金额最多 28 位数字；请检查是否多输了数字".into(),
                    ));
                    None
                }
                Read::NotNumber(t) => {
                    let t: String = t.chars().take(30).collect();
                    self.errors.push((
                        format!("{}：{label}应为数字，这里是“{t}”", at()),
                        "只填阿拉伯数字（如 117.26 或 25%），不带单位和文字".into(),
                    ));
                    None
                }
            };
        }
        Some(Value::Text(text_of(cell, kind)))
    }

    /// Rows of a row table.
    fn table(&mut self, t: &TableDef) {
        let cols = match t.header {
            true => self.header_columns(t),
            false => self.side_columns(t),
        };
        let Some((first_row, last_row, cols)) = cols else {
            return;
        };
        // A side cell merged over the rows ends the table where it ends.
        let last_row = match self.hit(t.key) {
            Some((r, c)) if t.side && self.g.merge_of(r, c).is_some() => {
                last_row.min(self.g.end(r, c).0)
            }
            _ => last_row,
        };
        let mut rows = Vec::new();
        let mut gap = false;
        for r in first_row..=last_row.min(self.g.height.saturating_sub(1)) {
            if self.ends_table(t, r, &cols) {
                break;
            }
            // Blank rows a user left inside the table are passed over. The
            // table ends at its 合计, a label of something else, a line
            // under it, the sheet's end, or after blank rows at a row of
            // one cell (a note, "注：…").
            let own = self.own_cells(r, &cols);
            if own == 0 {
                gap = true;
                continue;
            }
            if gap && t.header && own < 2 {
                break;
            }
            gap = false;
            if let Some(row) = self.row(t, r, first_row, &cols) {
                rows.push(row);
            }
        }
        fill_down(t, &mut rows);
        if !rows.is_empty() {
            self.p.tables.insert(t.key, rows);
        }
    }

    /// The header row of `t` and the sheet column of each of its columns.
    #[allow(clippy::type_complexity)]
    fn header_columns(&mut self, t: &TableDef) -> Option<(u32, u32, Vec<(usize, u32)>)> {
        let mut rows: Vec<u32> = t
            .columns
            .iter()
            .filter_map(|c| self.hit(c.label_key).map(|p| p.0))
            .collect();
        rows.sort_unstable();
        // The row holding most of the column labels.
        let header = *rows.iter().max_by_key(|r| {
            (
                rows.iter().filter(|x| x == r).count(),
                std::cmp::Reverse(**r),
            )
        })?;
        let mut cols = Vec::new();
        let mut bottom = header;
        let mut cursor = 0;
        for (i, c) in t.columns.iter().enumerate() {
            let found = self.hit(c.label_key).filter(|p| p.0 == header);
            let pos = found.or_else(|| self.header_gap(t, i, header, cursor));
            if let Some((r, col)) = pos {
                if found.is_none() {
                    self.adopt(c.label_key, (r, col));
                }
                bottom = bottom.max(self.g.end(r, col).0);
                cursor = self.g.end(r, col).1 + 1;
                cols.push((i, col));
            }
        }
        (cols.len() >= 2).then_some((bottom + 1, u32::MAX, cols))
    }

    /// A column header written in other words: the unknown text in the
    /// header row after the previous column, before the next one found.
    fn header_gap(&self, t: &TableDef, i: usize, header: u32, from: u32) -> Option<(u32, u32)> {
        let next = t.columns[i + 1..]
            .iter()
            .find_map(|c| self.hit(c.label_key).filter(|p| p.0 == header))
            .map_or(self.g.width, |p| p.1);
        (from..next)
            .find(|&c| self.g.raw(header, c).is_some())
            .filter(|&c| self.unknown_text(header, c))
            .map(|c| (header, c))
    }

    /// The rows beside the side cell of a table without a header row, and
    /// its columns in order right of the side cell.
    #[allow(clippy::type_complexity)]
    fn side_columns(&mut self, t: &TableDef) -> Option<(u32, u32, Vec<(usize, u32)>)> {
        let (r, c) = self.hit(t.key)?;
        let (bottom, right) = self.g.end(r, c);
        let mut cols = Vec::new();
        let mut col = right + 1;
        for i in 0..t.columns.len() {
            if col >= self.g.width {
                break;
            }
            cols.push((i, col));
            col = self.g.end(r, col).1 + 1;
        }
        Some((r, bottom, cols))
    }

    /// Whether row r is past the table: a 合计 row, or a row holding, in
    /// any column, a label of something else or a line under the table.
    fn ends_table(&mut self, t: &TableDef, r: u32, cols: &[(usize, u32)]) -> bool {
        if let Some(total) = &t.total_row {
            let is_total = |&(_, col): &(usize, u32)| {
                self.g
                    .text(r, col)
                    .is_some_and(|text| norm_label(text) == norm_label(total))
            };
            if cols.iter().any(is_total) {
                self.used_row(r, cols);
                return true;
            }
        }
        (0..self.g.width).any(|col| {
            self.g.text(r, col).is_some_and(|text| {
                let other = self
                    .cat
                    .key_of(text)
                    .is_some_and(|k| k != t.key && !t.columns.iter().any(|c| c.label_key == k));
                other || self.below_line(text)
            })
        })
    }

    /// How many of the table's cells in row r hold something written in
    /// that row, not a cell merged down from above.
    fn own_cells(&self, r: u32, cols: &[(usize, u32)]) -> usize {
        let own = |&&(_, col): &&(usize, u32)| {
            self.g.anchor(r, col) == (r, col) && self.g.raw(r, col).is_some()
        };
        cols.iter().filter(own).count()
    }

    fn used_row(&mut self, r: u32, cols: &[(usize, u32)]) {
        for &(_, col) in cols {
            let a = self.g.anchor(r, col);
            if self.g.raw(a.0, a.1).is_some() {
                self.used.insert(a);
            }
        }
    }

    /// One row of `t`; `None` for a blank row.
    fn row(&mut self, t: &TableDef, r: u32, first: u32, cols: &[(usize, u32)]) -> Option<Row> {
        let mut row = Row::default();
        let mut any = false;
        for &(i, col) in cols {
            let c = &t.columns[i];
            let a = self.g.anchor(r, col);
            if a.0 < first {
                continue;
            }
            let Some(cell) = self.g.raw(a.0, a.1) else {
                continue;
            };
            any = true;
            self.used.insert(a);
            if c.auto.is_some() {
                continue;
            }
            let label = format!("{}第{}行的{}", t.label, r - first + 1, c.label);
            if let Some(v) = self.convert(c.kind, &label, &cell.clone(), a.0, a.1)
                && !v.is_blank()
            {
                row.0.insert(c.key, v);
            }
        }
        any.then_some(row)
    }

    /// Whether a text is a line under the table ("填表人：张三").
    fn below_line(&self, text: &str) -> bool {
        !self.below_parts(text).is_empty()
    }

    /// The (field key, value) parts of a line under the table.
    fn below_parts(&self, text: &str) -> Vec<(&'static str, String)> {
        let keys: Vec<&'static str> = self.form.below.iter().flatten().copied().collect();
        let mut out = Vec::new();
        for part in text.split("　　") {
            let Some((label, value)) = part.split_once(['：', ':']) else {
                continue;
            };
            let k = self.cat.key_of(label);
            if let Some(f) = keys
                .iter()
                .filter_map(|k| self.form.field(k))
                .find(|f| Some(f.label_key) == k)
            {
                out.push((f.key, value.trim().to_string()));
            }
        }
        out
    }

    /// The lines under the table.
    fn lines_under(&mut self) {
        if self.form.below.is_empty() {
            return;
        }
        for (r, c) in self.g.positions() {
            if self.used.contains(&(r, c)) {
                continue;
            }
            let Some(text) = self.g.text(r, c) else {
                continue;
            };
            let parts = self.below_parts(text);
            if parts.is_empty() {
                continue;
            }
            self.used.insert((r, c));
            for (k, v) in parts {
                if !v.is_empty() {
                    self.p.values.insert(k, Value::Text(v));
                }
            }
        }
    }

    /// Plan percentages written as bare fractions (.xls, .ods keep no
    /// formats): when every one is at most 1 and the last is 1 or they
    /// are not all whole numbers (0.1 … 0.95), they are fractions of 100%.
    fn fractions(&mut self) {
        let plan = &self.form.plan;
        let bare = &self.bare_percents;
        let amounts: Vec<Decimal> = plan
            .iter()
            .filter_map(|k| self.p.amount(k))
            .map(|a| a.0)
            .collect();
        let all_bare = !plan.is_empty()
            && plan
                .iter()
                .all(|k| !self.p.values.contains_key(k) || bare.contains(k));
        if all_bare && is_fractions(&amounts) {
            for k in plan {
                if let Some(a) = self.p.amount(k) {
                    let v = (a.0 * Decimal::ONE_HUNDRED).normalize();
                    self.p.values.insert(k, Value::Amount(Amount(v)));
                }
            }
            return;
        }
        self.mixed_scales();
    }

    /// A warning for plan checkpoints written on two scales (0.25 beside
    /// 50, 90, 100): a fraction left among percentages is read as written.
    fn mixed_scales(&mut self) {
        let plan = &self.form.plan;
        let found: Vec<(&str, Decimal)> = plan
            .iter()
            .filter_map(|k| self.p.amount(k).map(|a| (*k, a.0)))
            .collect();
        let is_fraction = |v: &Decimal| *v > Decimal::ZERO && *v < Decimal::ONE;
        if !found.iter().any(|(_, v)| *v > Decimal::ONE) {
            return;
        }
        for (k, v) in found.iter().filter(|(_, v)| is_fraction(v)) {
            let label = self.form.field(k).map_or(*k, |f| f.label.as_str());
            self.notes.push((
                format!(
                    "{}：资金支出计划“{label}”是 {v}，其他节点是百分数；已按 {v}% 导入",
                    self.g.name
                ),
                format!(
                    "若应为 {}%，请在表格中改为 {} 后再导入",
                    (v * Decimal::ONE_HUNDRED).normalize(),
                    (v * Decimal::ONE_HUNDRED).normalize()
                ),
            ));
        }
    }

    /// The title: the first text above the table ("1.某某项目绩效目标表");
    /// set when it differs from the default title.
    fn title(&mut self) {
        let above: Vec<(u32, u32)> = self
            .g
            .positions()
            .into_iter()
            .filter(|&(r, c)| r < self.top && !self.used.contains(&(r, c)))
            .collect();
        let mut title_seen = false;
        for (r, c) in above {
            let Some(text) = self.g.text(r, c) else {
                continue;
            };
            let text = text.trim();
            if text.starts_with("单位") || (title_seen && is_unit_line(text)) {
                self.used.insert((r, c));
                let unit = text
                    .strip_prefix("单位")
                    .and_then(|t| t.strip_prefix(['：', ':']));
                if let Some(unit) = unit.map(str::trim).filter(|u| !u.is_empty()) {
                    let at = format!("{}!{}", self.g.name, a1(r, c));
                    self.unit = Some((at, unit.to_string()));
                }
                continue;
            }
            if title_seen {
                continue;
            }
            title_seen = true;
            self.used.insert((r, c));
            let title = strip_number(text);
            if !title.is_empty() && title != self.p.title() {
                self.p.title = Some(title.to_string());
            }
        }
    }

    /// Warnings for every cell not read.
    fn stray(&self) -> Vec<String> {
        let mut out = Vec::new();
        for (r, c) in self.g.positions() {
            if self.used.contains(&(r, c)) {
                continue;
            }
            let shown = text_of(self.g.raw(r, c).expect("positions are written"), Kind::Text);
            let what = match self.cat.key_of(&shown) {
                Some(_) => "多余的标签",
                None => "无法识别的内容",
            };
            let shown: String = shown.chars().take(30).collect();
            out.push(format!(
                "{}!{}：{what}“{shown}”，未导入",
                self.g.name,
                a1(r, c)
            ));
        }
        out
    }
}

/// Blank 一级 and 二级 cells take the value above: a file format without
/// merged regions (.ods as calamine reads it) keeps a merged group's name
/// in its first row only, and these cells are never blank in a table.
fn fill_down(t: &TableDef, rows: &mut [Row]) {
    let keys: Vec<&'static str> = [Role::Level1, Role::Level2]
        .into_iter()
        .filter_map(|r| t.role_key(r))
        .collect();
    for i in 1..rows.len() {
        for k in &keys {
            if !rows[i].0.contains_key(k)
                && let Some(v) = rows[i - 1].0.get(k).cloned()
            {
                rows[i].0.insert(k, v);
            }
        }
    }
}

/// Whether checkpoint values read without format, in order, are
/// fractions of 100%: all at most 1, and the last is 1 or (one above 0
/// and not all whole numbers).
fn is_fractions(values: &[Decimal]) -> bool {
    values.iter().all(|v| *v <= Decimal::ONE)
        && (values.last() == Some(&Decimal::ONE)
            || (values.iter().any(|v| *v > Decimal::ZERO)
                && !values.iter().all(|v| v.fract().is_zero())))
}

/// Whether a line above the table is the unit line ("154001 承德市信访局本级").
fn is_unit_line(text: &str) -> bool {
    text.split_whitespace()
        .next()
        .is_some_and(|w| w.chars().any(|c| c.is_ascii_digit()))
}

/// A title without its table number ("1.", "1、", "表1 ").
pub(crate) fn strip_number(text: &str) -> &str {
    let t = text.trim();
    let t = t.strip_prefix('表').unwrap_or(t);
    let digits = t.len() - t.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    if digits == 0 {
        return text.trim();
    }
    let rest = &t[digits..];
    for sep in ['.', '．', '、', ' ', '　'] {
        if let Some(r) = rest.strip_prefix(sep) {
            return r.trim();
        }
    }
    text.trim()
}

/// A cell's content as text: a number as the sheet displays it (95%,
/// 1,234.50), a date as YYYY-MM-DD, line breaks as "\n". Blanks around
/// a text are kept: an exported workbook must give back its data exactly
/// (the hidden sheet's names included).
pub(crate) fn text_of(cell: &Cell, kind: Kind) -> String {
    match cell {
        Cell::Text(t) => t.replace("\r\n", "\n").replace('\r', "\n"),
        Cell::Number(v, f) => match (kind, f) {
            (Kind::Date, _) => serial_date(*v),
            _ => amount::display(*v, f.as_deref()),
        },
        Cell::Date(v) => serial_date(*v),
        Cell::DateIso(s) => s.chars().take(10).collect(),
        Cell::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
        Cell::Error(e) | Cell::NoResult(e) => e.clone(),
    }
}

/// An Excel serial day (1900 system) as YYYY-MM-DD.
pub(crate) fn serial_date(v: f64) -> String {
    if !(1.0..2_958_466.0).contains(&v) {
        return v.to_string();
    }
    // Days since 1970-01-01 (serial 25569), then H. Hinnant's civil date.
    let z = v.floor() as i64 - 25569 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::excel::import::grid::{Merge, from_rows};
    use crate::input::form::Registry;

    fn hebei() -> Arc<Form> {
        Registry::builtin().get("hebei").unwrap().clone()
    }

    #[test]
    fn values_are_found_right_of_and_below_their_labels() {
        let mut g = from_rows(&[
            &["1.甲项目绩效目标表"],
            &["", "154001 某局"],
            &["", "单位：万元"],
            &["项目编码", "QC1", "", "项目名称", "甲项目"],
            &[
                "预算规模及资金用途",
                "预算数",
                "10",
                "其中：财政资金",
                "10",
                "其他资金",
            ],
            &["", "用于甲"],
            &["资金支出计划(%)", "3月底", "6月底", "10月底", "12月底"],
            &["", "25%", "50%", "", "100"],
            &["绩效目标", "目标甲"],
            &[
                "一级指标",
                "二级指标",
                "三级指标",
                "绩效指标描述",
                "指标值",
                "指标值确定依据",
            ],
            &["产出指标", "数量指标", "x", "x", "≥1", "计划"],
            &["", "质量指标", "y", "", "100%", "计划"],
            &[""],
            &["注：杂项"],
        ]);
        g.merge(Merge {
            top: 10,
            left: 0,
            bottom: 11,
            right: 0,
        });
        let got = read(&g, &hebei(), &Labels::new());
        let p = got.project;
        assert!(got.errors.is_empty(), "{:?}", got.errors);
        assert_eq!(p.text("code"), "QC1");
        assert_eq!(p.text("name"), "甲项目");
        assert_eq!(p.text("usage"), "用于甲");
        assert_eq!(p.text("budget.total"), "10");
        assert!(!p.values.contains_key("budget.other"));
        assert_eq!(p.text("plan.march"), "25");
        assert!(!p.values.contains_key("plan.october"));
        assert_eq!(p.text("goal"), "目标甲");
        assert_eq!(p.title, None);
        assert_eq!(p.labels.get("plan").unwrap(), "资金支出计划(%)");
        let rows = p.rows("indicators");
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[1].get("level1"), "产出指标");
        assert_eq!(rows[1].get("description"), "");
        assert_eq!(got.warnings.len(), 1, "{:?}", got.warnings);
        assert!(got.warnings[0].starts_with("表1!A14：无法识别的内容“注：杂项”"));
    }

    #[test]
    fn a_hand_made_sheet_with_looser_labels_reads() {
        let g = from_rows(&[
            &["项目编码", "QC1", "项目名称", "甲项目"],
            &["资金用途", "用于甲"],
            &[
                "预算数（万元）",
                "10",
                "财政资金",
                "8",
                "其中：其他资金",
                "2",
            ],
            &["资金支出计划", "3月底", "6月底", "10月底", "12月底"],
            &["", "25", "50", "90", "100"],
        ]);
        let got = read(&g, &hebei(), &Labels::new());
        let p = got.project;
        assert!(got.errors.is_empty(), "{:?}", got.errors);
        assert_eq!(p.text("usage"), "用于甲");
        assert_eq!(p.text("budget.total"), "10");
        assert_eq!(p.text("budget.fiscal"), "8");
        assert_eq!(p.text("budget.other"), "2");
        assert_eq!(p.text("plan.june"), "50");
        assert!(got.warnings.is_empty(), "{:?}", got.warnings);
    }

    #[test]
    fn a_fraction_among_percentages_is_warned_about() {
        let g = from_rows(&[
            &["项目编码", "QC1", "项目名称", "甲项目"],
            &["资金支出计划(%)", "3月底", "6月底", "10月底", "12月底"],
            &["", "0.25", "50", "90", "100"],
        ]);
        let got = read(&g, &hebei(), &Labels::new());
        assert_eq!(got.project.text("plan.march"), "0.25");
        assert_eq!(got.notes.len(), 1, "{:?}", got.notes);
        assert!(got.notes[0].0.contains("“3月底”是 0.25"), "{:?}", got.notes);
        assert!(got.notes[0].1.contains("若应为 25%"), "{:?}", got.notes);
    }

    #[test]
    fn blank_rows_inside_a_table_are_passed_over_and_a_note_ends_it() {
        let g = from_rows(&[
            &["项目编码", "QC1", "项目名称", "甲项目"],
            &["一级指标", "二级指标", "三级指标", "绩效指标描述", "指标值"],
            &[],
            &["产出指标", "数量指标", "x", "", "≥1"],
            &[],
            &[],
            &["效益指标", "社会效益指标", "y", "", "100%"],
            &[],
            &["注：杂项"],
        ]);
        let got = read(&g, &hebei(), &Labels::new());
        let rows = got.project.rows("indicators");
        let level1: Vec<String> = rows.iter().map(|r| r.get("level1").into_owned()).collect();
        assert_eq!(level1, ["产出指标", "效益指标"]);
        assert_eq!(got.warnings.len(), 1, "{:?}", got.warnings);
        assert!(got.warnings[0].starts_with("表1!A9：无法识别的内容“注：杂项”"));
    }

    #[test]
    fn labels_in_other_words_are_found_by_their_place() {
        let g = from_rows(&[
            &["项目编号", "QC1", "", "项目名称", "甲"],
            &[
                "预算规模及资金用途",
                "预算数",
                "10",
                "其中：财政资金",
                "10",
                "其他资金",
            ],
            &["", "用途"],
            &[
                "一级指标",
                "二级指标",
                "指标名称",
                "绩效指标描述",
                "指标值",
                "指标值确定依据",
            ],
            &["产出指标", "数量指标", "x", "d", "1", "b"],
        ]);
        let got = read(&g, &hebei(), &Labels::new());
        let p = got.project;
        assert_eq!(p.text("code"), "QC1");
        assert_eq!(p.labels.get("code").unwrap(), "项目编号");
        assert_eq!(p.labels.get("name3").unwrap(), "指标名称");
        assert_eq!(p.rows("indicators")[0].get("name"), "x");
        assert!(got.warnings.is_empty(), "{:?}", got.warnings);
    }

    #[test]
    fn a_money_cell_with_words_is_a_located_error() {
        let g = from_rows(&[
            &["项目编码", "Q", "项目名称", "甲"],
            &["预算规模及资金用途", "预算数", "十万"],
        ]);
        let got = read(&g, &hebei(), &Labels::new());
        assert!(
            got.errors[0]
                .0
                .contains("表1!C2：预算数应为数字，这里是“十万”"),
            "{:?}",
            got.errors
        );
    }

    #[test]
    fn plans_below_one_hundred_percent_are_fractions_too() {
        let d = |v: &[&str]| -> Vec<Decimal> { v.iter().map(|x| x.parse().unwrap()).collect() };
        assert!(is_fractions(&d(&["0.1", "0.5", "0.95"])));
        assert!(is_fractions(&d(&["0.25", "0.5", "0.75", "1"])));
        assert!(is_fractions(&d(&["0", "0", "1"])));
        assert!(is_fractions(&d(&["1"])));
        assert!(!is_fractions(&d(&["1", "0"])));
        assert!(!is_fractions(&d(&["0", "0"])));
        assert!(!is_fractions(&d(&["25", "50", "100"])));
        assert!(!is_fractions(&d(&["0.5", "50"])));
    }

    #[test]
    fn a_percent_typed_in_a_text_field_reads_as_shown() {
        let mut g = from_rows(&[
            &["项目编码", "Q", "项目名称", "甲"],
            &[
                "一级指标",
                "二级指标",
                "三级指标",
                "绩效指标描述",
                "指标值",
                "指标值确定依据",
            ],
            &["产出指标", "数量指标", "x", "d", "", "b"],
        ]);
        g.put(2, 4, Cell::Number(0.95, Some("0%".into()))).unwrap();
        let p = read(&g, &hebei(), &Labels::new()).project;
        assert_eq!(p.rows("indicators")[0].get("value"), "95%");
    }

    #[test]
    fn a_unit_line_other_than_the_money_unit_is_a_located_warning() {
        let g = from_rows(&[
            &["1.甲项目绩效目标表"],
            &["", "", "单位：元"],
            &["项目编码", "Q", "项目名称", "甲"],
        ]);
        let got = read(&g, &hebei(), &Labels::new());
        assert_eq!(got.unit_warning("元"), None);
        let (m, h) = got.unit_warning("万元").unwrap();
        assert!(m.starts_with("表1!C2：表上方的金额单位是“元”"), "{m}");
        assert!(m.contains("“万元”") && h.contains("换算"), "{m} {h}");
        let plain = from_rows(&[&["项目编码", "Q", "项目名称", "甲"]]);
        assert_eq!(
            read(&plain, &hebei(), &Labels::new()).unit_warning("元"),
            None
        );
    }

    #[test]
    fn titles_lose_their_number_and_dates_their_serial() {
        assert_eq!(strip_number("1.甲表"), "甲表");
        assert_eq!(strip_number("表12、甲表"), "甲表");
        assert_eq!(strip_number("2025年甲表"), "2025年甲表");
        assert_eq!(serial_date(45677.0), "2025-01-20");
        assert_eq!(serial_date(25569.0), "1970-01-01");
    }
}
