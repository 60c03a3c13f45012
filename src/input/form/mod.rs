//! Form definitions: one 绩效目标表 layout (its fields, sums, plan, row
//! tables, taxonomy and grid) read from a TOML file, and the registry of
//! the built-in and project forms that every stage looks up.

mod layout;
mod parse;
mod registry;

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};

pub(crate) use layout::first_columns;
pub use layout::{CellRef, CellSpec};

impl CellSpec {
    /// The key a cell names ("" for fixed text).
    pub fn what_key(&self) -> &'static str {
        match &self.what {
            CellRef::Label(k) | CellRef::Value(k) | CellRef::Table(k) => k,
            CellRef::Text(_) => "",
        }
    }
}
pub use registry::{BUILTIN, DEFAULT_FORM, FORMS_DIR, Registry, intern};

/// One 绩效目标表 layout.
#[derive(Debug, Clone, PartialEq)]
pub struct Form {
    /// The form's name, as written in `form = "…"` (the file name).
    pub name: String,
    /// What the form is, in Chinese, for `jixiao forms`.
    pub title: String,
    /// Where a table of this form sits in the document.
    pub placement: Placement,
    /// A document of only such tables prints no cover, 目录 or parts.
    pub standalone: bool,
    /// Appended to 项目名称 for the default table title.
    pub title_suffix: String,
    /// Printed after every money amount ("万" prints "250万").
    pub amount_suffix: String,
    /// Relative widths of the table's grid columns.
    pub grid: Vec<f64>,
    /// Every single-value slot: header fields, amounts, checkpoints, footers.
    pub fields: Vec<Field>,
    /// Label cells that hold no data ("预算规模及资金用途").
    pub headings: Vec<Heading>,
    /// Amounts that must add up.
    pub sums: Vec<Sum>,
    /// The spending-plan checkpoints (cumulative percentages), in order.
    pub plan: Vec<&'static str>,
    /// Tables of rows: indicators and sub-tables.
    pub tables: Vec<TableDef>,
    /// The indicator taxonomies this form accepts; the first is the default.
    pub taxonomies: Vec<Taxonomy>,
    /// The printed grid, row by row.
    pub layout: Vec<Vec<CellSpec>>,
    /// Lines printed under the table, each a list of field keys.
    pub below: Vec<Vec<&'static str>>,
    /// Lookups by key, built once when the form is read, so that reading
    /// and printing a form stay linear in its size.
    index: Index,
}

/// Where each key of a form is, by position.
#[derive(Debug, Clone, Default, PartialEq)]
struct Index {
    /// Field key to its position in `fields`.
    fields: HashMap<&'static str, usize>,
    /// Label key (or table key) to its default label.
    labels: HashMap<&'static str, String>,
}

/// Where a form's tables go in a document.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Placement {
    /// A 项目绩效目标表 in 第二部分.
    #[default]
    Project,
    /// The department-wide 整体支出绩效目标表 in 第一部分.
    Department,
}

/// What a field or cell holds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// Free text.
    #[default]
    Text,
    /// An exact amount of money.
    Money,
    /// A percentage written without its % sign.
    Percent,
    /// A date ("2025-01-20" or "2025年1月").
    Date,
    /// A period ("2023.07–2024.01").
    Period,
}

impl Kind {
    /// Whether values of this kind are exact decimals.
    pub fn is_amount(self) -> bool {
        matches!(self, Kind::Money | Kind::Percent)
    }

    /// The kind's name as users read it.
    pub fn zh(self) -> &'static str {
        match self {
            Kind::Text => "文本",
            Kind::Money => "金额",
            Kind::Percent => "百分比",
            Kind::Date => "日期",
            Kind::Period => "期间",
        }
    }
}

/// How much a slot must be filled.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Need {
    /// Must be present (a loading error) and not blank (J602).
    Required,
    /// Should not be blank (J603).
    Recommended,
    /// May be left out; an optional column blank in every row is not printed.
    #[default]
    Optional,
}

/// What the rules and the diff know a slot as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// 项目编码: unique in a document (J601), matches versions in `diff`.
    Code,
    /// 项目名称: the default title and J604.
    Name,
    /// The project's total amount (J203, J401, J502).
    Total,
    /// A goal text whose years and amounts are checked (J501, J502).
    Goal,
    /// 一级指标 (merged cells, J101, J102, J105).
    Level1,
    /// 二级指标 (J103).
    Level2,
    /// 三级指标 (J104, matches rows in `diff`).
    Level3,
    /// 指标值 (J401, J402).
    Value,
    /// 计量单位 in a column of its own, read after the 指标值.
    Unit,
}

/// How a value cell is aligned.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Align {
    /// Centred (labels, short values).
    #[default]
    Center,
    /// Left (long texts such as 资金用途).
    Left,
}

/// One single-value slot of a form.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// The data key, dotted for a key in a table: "budget.total".
    pub key: &'static str,
    /// The key's parts: ["budget", "total"].
    pub path: Vec<&'static str>,
    /// The printed label ("预算数").
    pub label: String,
    /// The key of `[labels]` that overrides the label.
    pub label_key: &'static str,
    /// What it holds.
    pub kind: Kind,
    /// How much it must be filled.
    pub need: Need,
    /// How its value is aligned.
    pub align: Align,
    /// What the rules know it as.
    pub role: Option<Role>,
}

/// A label cell without data.
#[derive(Debug, Clone, PartialEq)]
pub struct Heading {
    /// Its key in the layout and in `[labels]`.
    pub key: &'static str,
    /// The printed label.
    pub label: String,
}

/// A sum rule: `total` = the sum of `parts` (blank parts count as 0, and a
/// sum with every part blank is not checked).
#[derive(Debug, Clone, PartialEq)]
pub struct Sum {
    /// The total's field key.
    pub total: &'static str,
    /// The parts' field keys.
    pub parts: Vec<&'static str>,
}

/// How a row table is used.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TableKind {
    /// Indicator rows under the taxonomy (J1xx, J4xx).
    Indicators,
    /// Plain rows (预算成本构成, 年度履职目标, numbered goals).
    #[default]
    Rows,
}

/// A table of rows: its columns and where its data lives (`[[key]]`).
#[derive(Debug, Clone, PartialEq)]
pub struct TableDef {
    /// The data key of its rows (`[[indicators]]`).
    pub key: &'static str,
    /// Its name ("绩效指标"), printed as a side cell when `side` is set.
    pub label: String,
    /// Indicators or plain rows.
    pub kind: TableKind,
    /// Print `label` in a cell spanning all rows at the left.
    pub side: bool,
    /// Grid columns the side cell takes.
    pub side_span: usize,
    /// Print the column labels as a header row (repeated on each page).
    pub header: bool,
    /// Label of a 合计 row summing every money column, if any.
    pub total_row: Option<String>,
    /// The columns, left to right.
    pub columns: Vec<Column>,
}

/// One column of a row table.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    /// The key of the cell in each row.
    pub key: &'static str,
    /// The printed header.
    pub label: String,
    /// The key of `[labels]` that overrides the header.
    pub label_key: &'static str,
    /// Grid columns it spans (its relative width).
    pub span: usize,
    /// What the cells hold.
    pub kind: Kind,
    /// How much each cell must be filled.
    pub need: Need,
    /// How cells are aligned.
    pub align: Align,
    /// What the rules know it as.
    pub role: Option<Role>,
    /// A generated cell such as "目标{n}" (n = row number), not data.
    pub auto: Option<String>,
    /// The least width the content fitting may give it, in percent of
    /// the text width (`min_width`).
    pub min_width: Option<f64>,
    /// The most width the content fitting may give it (`max_width`).
    pub max_width: Option<f64>,
}

/// Where 成本指标 sits in a taxonomy.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CostLevel {
    /// A 二级 under 产出指标 (财预〔2015〕88号).
    #[default]
    Level2,
    /// A 一级 of its own (财预〔2021〕101号).
    Level1,
    /// No cost indicators.
    None,
}

/// An indicator taxonomy: the 一级 names with their 二级 names.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Taxonomy {
    /// Its name, as written in `[check] profile = "…"`.
    pub name: String,
    /// Its source, as users know it.
    pub title: String,
    /// Where 成本指标 sits.
    #[serde(default)]
    pub cost: CostLevel,
    /// The 一级 in order, each with its 二级.
    pub levels: Vec<Level>,
}

/// One 一级指标 of a taxonomy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Level {
    /// The standard name.
    pub name: String,
    /// Other spellings accepted for it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub also: Vec<String>,
    /// Whether every table needs a row of it (J101); true unless set.
    #[serde(default = "yes")]
    pub required: bool,
    /// Its 二级 names; a "名称|别名" entry accepts the alias too.
    #[serde(default)]
    pub children: Vec<String>,
}

fn yes() -> bool {
    true
}

impl Level {
    /// Whether `name` is this 一级 or one of its variants.
    pub fn is(&self, name: &str) -> bool {
        self.name == name || self.also.iter().any(|a| a == name)
    }

    /// The standard names of its 二级.
    pub fn child_names(&self) -> impl Iterator<Item = &str> {
        self.children
            .iter()
            .map(|c| c.split('|').next().unwrap_or(c))
    }

    /// Whether `name` is one of its 二级 (or an accepted variant).
    pub fn has_child(&self, name: &str) -> bool {
        self.children
            .iter()
            .any(|c| c.split('|').any(|v| v == name))
    }
}

impl Taxonomy {
    /// The 一级 that `name` is, if any.
    pub fn level(&self, name: &str) -> Option<&Level> {
        self.levels.iter().find(|l| l.is(name))
    }

    /// Whether (一级, 二级) names a cost indicator under this taxonomy.
    pub fn is_cost(&self, level1: &str, level2: &str) -> bool {
        match self.cost {
            CostLevel::Level1 => level1 == "成本指标",
            CostLevel::Level2 => level2 == "成本指标",
            CostLevel::None => false,
        }
    }
}

impl TableDef {
    /// The key of the column with `role`, if the table has one.
    pub fn role_key(&self, role: Role) -> Option<&'static str> {
        self.columns
            .iter()
            .find(|c| c.role == Some(role))
            .map(|c| c.key)
    }
}

impl Form {
    /// The field with this key.
    pub fn field(&self, key: &str) -> Option<&Field> {
        self.index.fields.get(key).map(|&i| &self.fields[i])
    }

    /// Builds the lookups; called once the fields, headings and tables are set.
    fn reindex(&mut self) {
        let mut fields = HashMap::with_capacity(self.fields.len());
        for (i, f) in self.fields.iter().enumerate() {
            fields.entry(f.key).or_insert(i);
        }
        let mut labels = HashMap::new();
        for (k, l) in self.label_keys_iter() {
            labels.entry(k).or_insert_with(|| l.to_string());
        }
        self.index = Index { fields, labels };
    }

    /// The default label of a label key, heading or table.
    pub fn label_default(&self, key: &str) -> Option<&str> {
        self.index.labels.get(key).map(String::as_str)
    }

    /// The first field with this role.
    pub fn role(&self, role: Role) -> Option<&Field> {
        self.fields.iter().find(|f| f.role == Some(role))
    }

    /// The row table with this key.
    pub fn table(&self, key: &str) -> Option<&TableDef> {
        self.tables.iter().find(|t| t.key == key)
    }

    /// The indicator table, if the form has one.
    pub fn indicators(&self) -> Option<&TableDef> {
        self.tables.iter().find(|t| t.kind == TableKind::Indicators)
    }

    /// The taxonomy named `name`, or the default one for `None`.
    pub fn taxonomy(&self, name: Option<&str>) -> Option<&Taxonomy> {
        match name {
            Some(n) => self.taxonomies.iter().find(|t| t.name == n),
            None => self.taxonomies.first(),
        }
    }

    /// Every key `[labels]` accepts, with its default label: field labels,
    /// headings, column headers and tables' side cells, first one wins.
    pub fn label_keys(&self) -> Vec<(&'static str, &str)> {
        let mut seen = HashSet::new();
        self.label_keys_iter()
            .filter(|(k, _)| seen.insert(*k))
            .collect()
    }

    /// Every label key with its default label, repeats included.
    fn label_keys_iter(&self) -> impl Iterator<Item = (&'static str, &str)> {
        let fields = self.fields.iter().map(|f| (f.label_key, f.label.as_str()));
        let headings = self.headings.iter().map(|h| (h.key, h.label.as_str()));
        let columns = self
            .tables
            .iter()
            .flat_map(|t| &t.columns)
            .map(|c| (c.label_key, c.label.as_str()));
        let tables = self.tables.iter().map(|t| (t.key, t.label.as_str()));
        fields.chain(headings).chain(columns).chain(tables)
    }

    /// Every top-level key a data file of this form may hold, with what it is.
    pub fn top_keys(&self) -> Vec<(&'static str, String)> {
        let mut out: Vec<(&'static str, String)> = vec![
            ("form", "表样".into()),
            ("title", "表名".into()),
            ("labels", "固定文字".into()),
            ("check", "检查设置".into()),
        ];
        for f in &self.fields {
            let (top, what) = match f.path.as_slice() {
                [one] => (*one, f.label.clone()),
                [first, ..] => (*first, self.group_label(first)),
                [] => continue,
            };
            if !out.iter().any(|(k, _)| *k == top) {
                out.push((top, what));
            }
        }
        for t in &self.tables {
            out.push((t.key, t.label.clone()));
        }
        out
    }

    /// The share of the text width taken by grid columns `first..first+span`.
    pub fn share(&self, first: usize, span: usize) -> f64 {
        let total: f64 = self.grid.iter().sum();
        let end = (first + span).min(self.grid.len());
        self.grid[first.min(end)..end].iter().sum::<f64>() / total
    }

    /// Each value cell of the layout with the share of the width it gets.
    pub fn value_cells(&self) -> Vec<(&Field, f64)> {
        let firsts = layout::first_columns(&self.layout, self.grid.len());
        let mut out = Vec::new();
        for (row, starts) in self.layout.iter().zip(firsts) {
            for (cell, first) in row.iter().zip(starts) {
                if let (CellRef::Value(_), Some(f)) = (&cell.what, self.field(cell.what_key())) {
                    out.push((f, self.share(first, cell.colspan)));
                }
            }
        }
        out
    }

    /// Each column of a row table with the share of the width it gets
    /// when every column is printed.
    pub fn column_shares<'a>(&self, t: &'a TableDef) -> Vec<(&'a Column, f64)> {
        let mut at = if t.side { t.side_span } else { 0 };
        t.columns
            .iter()
            .map(|c| {
                let share = self.share(at, c.span);
                at += c.span;
                (c, share)
            })
            .collect()
    }

    /// The Chinese name of a table of fields such as `budget`.
    pub fn group_label(&self, group: &str) -> String {
        if let Some(h) = self.headings.iter().find(|h| h.key == group) {
            return h.label.clone();
        }
        let labels: Vec<&str> = self
            .fields
            .iter()
            .filter(|f| f.path.first() == Some(&group))
            .map(|f| f.label.as_str())
            .collect();
        labels.join("、")
    }
}

#[cfg(test)]
mod tests;
