//! One 绩效目标表 as its form describes it: field values, rows of its
//! tables, label overrides and silenced rules, keyed by the form's keys.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::Arc;

use serde::{Serialize, Serializer};

use super::{Amount, ProjectCheck};
use crate::input::form::{Form, Kind, Role, TableDef};
use crate::input::locate::Place;
use crate::input::locate::Seg::{Index, Key};

/// Overrides of a table's fixed words, by label key (`code = "项目编号"`).
pub type Labels = BTreeMap<String, String>;

/// The value of a field or of a cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    /// Text as the user wrote it.
    Text(String),
    /// An exact amount (money or percentage).
    Amount(Amount),
}

impl Value {
    /// The value as text (an amount as written, without unit).
    pub fn text(&self) -> Cow<'_, str> {
        match self {
            Value::Text(t) => Cow::Borrowed(t),
            Value::Amount(a) => Cow::Owned(a.to_string()),
        }
    }

    /// The amount, for money and percentages.
    pub fn amount(&self) -> Option<Amount> {
        match self {
            Value::Amount(a) => Some(*a),
            Value::Text(_) => None,
        }
    }

    /// Whether nothing but whitespace is written.
    pub fn is_blank(&self) -> bool {
        matches!(self, Value::Text(t) if t.trim().is_empty())
    }
}

impl Serialize for Value {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Value::Text(t) => s.serialize_str(t),
            Value::Amount(a) => a.serialize(s),
        }
    }
}

/// One row of a row table, by column key (absent = blank).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Row(pub BTreeMap<&'static str, Value>);

impl Row {
    /// The cell of column `key` as text ("" when absent).
    pub fn get(&self, key: &str) -> Cow<'_, str> {
        self.0.get(key).map_or(Cow::Borrowed(""), Value::text)
    }

    /// The cell of the column with `role` in `table`, trimmed.
    pub fn role(&self, table: &TableDef, role: Role) -> String {
        table
            .role_key(role)
            .map(|k| self.get(k).trim().to_string())
            .unwrap_or_default()
    }
}

impl Row {
    /// The 指标值 as the rules read it: with the 计量单位 of its own
    /// column appended ("100" and "%" read as "100%").
    pub fn figure_text(&self, table: &TableDef) -> String {
        let value = self.role(table, Role::Value);
        let unit = self.role(table, Role::Unit);
        if unit.is_empty() || unit == "—" || unit == "-" {
            value
        } else {
            format!("{value}{unit}")
        }
    }
}

/// One 绩效目标表, the contents of one `projects/*.toml`.
#[derive(Debug, Clone, PartialEq)]
pub struct Project {
    /// The form the table follows.
    pub form: Arc<Form>,
    /// Whether the file named its form (`form = "…"`).
    pub form_written: bool,
    /// Table title; default "{name}{form.title_suffix}".
    pub title: Option<String>,
    /// The value of each field present, by field key.
    pub values: BTreeMap<&'static str, Value>,
    /// The rows of each row table, by table key.
    pub tables: BTreeMap<&'static str, Vec<Row>>,
    /// Overrides of this table's fixed labels.
    pub labels: Labels,
    /// Rules silenced for this table only.
    pub check: ProjectCheck,
}

impl Project {
    /// An empty table of `form`.
    pub fn new(form: Arc<Form>) -> Self {
        Self {
            form,
            form_written: false,
            title: None,
            values: BTreeMap::new(),
            tables: BTreeMap::new(),
            labels: Labels::new(),
            check: ProjectCheck::default(),
        }
    }

    /// The value of field `key` as text ("" when absent).
    pub fn text(&self, key: &str) -> Cow<'_, str> {
        self.values.get(key).map_or(Cow::Borrowed(""), Value::text)
    }

    /// The amount of field `key`, if written.
    pub fn amount(&self, key: &str) -> Option<Amount> {
        self.values.get(key).and_then(Value::amount)
    }

    /// The text of the first field with `role`, trimmed ("" when none).
    pub fn role_text(&self, role: Role) -> String {
        self.form
            .role(role)
            .map(|f| self.text(f.key).trim().to_string())
            .unwrap_or_default()
    }

    /// 项目名称 (trimmed).
    pub fn name(&self) -> String {
        self.role_text(Role::Name)
    }

    /// 项目编码 (trimmed; "" when the form has none).
    pub fn code(&self) -> String {
        self.role_text(Role::Code)
    }

    /// The project's total amount, when the form has one and it is written.
    pub fn total(&self) -> Option<Amount> {
        self.form.role(Role::Total).and_then(|f| self.amount(f.key))
    }

    /// The rows of table `key`.
    pub fn rows(&self, key: &str) -> &[Row] {
        self.tables.get(key).map_or(&[], Vec::as_slice)
    }

    /// The indicator table's definition and rows, if the form has one.
    pub fn indicators(&self) -> Option<(&TableDef, &[Row])> {
        self.form.indicators().map(|t| (t, self.rows(t.key)))
    }

    /// The table title without its number.
    pub fn title(&self) -> String {
        self.title
            .clone()
            .unwrap_or_else(|| format!("{}{}", self.name(), self.form.title_suffix))
    }

    /// The place of field `key` in the n-th project file.
    pub fn field_place(&self, n: usize, key: &str) -> Place {
        let path = self.form.field(key).map_or_else(Vec::new, |f| {
            f.path.iter().map(|k| Key(k)).collect::<Vec<_>>()
        });
        Place::project(n, &path)
    }

    /// The place of a cell in the n-th project file.
    pub fn cell_place(n: usize, table: &'static str, row: usize, column: &'static str) -> Place {
        Place::project(n, &[Key(table), Index(row), Key(column)])
    }

    /// Every user string with its place, in file order of the form.
    pub(crate) fn texts<'a>(&'a self, n: usize, out: &mut Vec<(Place, &'a str)>) {
        if let Some(t) = &self.title {
            out.push((Place::project(n, &[Key("title")]), t));
        }
        for f in &self.form.fields {
            if let Some(Value::Text(t)) = self.values.get(f.key) {
                out.push((self.field_place(n, f.key), t));
            }
        }
        out.extend(label_texts(
            &self.labels,
            Place::project(n, &[Key("labels")]),
        ));
        for t in &self.form.tables {
            for (j, row) in self.rows(t.key).iter().enumerate() {
                for c in &t.columns {
                    if let Some(Value::Text(s)) = row.0.get(c.key) {
                        out.push((Self::cell_place(n, t.key, j, c.key), s));
                    }
                }
            }
        }
    }

    /// The table as the TOML a user would write for it.
    pub fn to_toml(&self) -> toml::Table {
        let mut root = toml::Table::new();
        if self.form_written || self.form.name != crate::input::form::DEFAULT_FORM {
            root.insert("form".into(), self.form.name.clone().into());
        }
        if let Some(t) = &self.title {
            root.insert("title".into(), t.clone().into());
        }
        for f in &self.form.fields {
            let Some(v) = self.values.get(f.key) else {
                continue;
            };
            let mut at = &mut root;
            for part in &f.path[..f.path.len() - 1] {
                at = at
                    .entry(part.to_string())
                    .or_insert_with(|| toml::Table::new().into())
                    .as_table_mut()
                    .expect("a form group is a table");
            }
            at.insert(f.path[f.path.len() - 1].to_string(), value_toml(v));
        }
        if !self.labels.is_empty() {
            let labels: toml::Table = self
                .labels
                .iter()
                .map(|(k, v)| (k.clone(), v.clone().into()))
                .collect();
            root.insert("labels".into(), labels.into());
        }
        if !self.check.allow.is_empty() {
            let allow: Vec<toml::Value> =
                self.check.allow.iter().map(|a| a.clone().into()).collect();
            let check: toml::Table = [("allow".to_string(), toml::Value::from(allow))]
                .into_iter()
                .collect();
            root.insert("check".into(), check.into());
        }
        for (key, rows) in &self.tables {
            let rows: Vec<toml::Value> = rows
                .iter()
                .map(|r| {
                    let t: toml::Table =
                        r.0.iter()
                            .map(|(k, v)| (k.to_string(), value_toml(v)))
                            .collect();
                    t.into()
                })
                .collect();
            root.insert(key.to_string(), rows.into());
        }
        root
    }
}

/// An amount as a TOML string (keeps "6.20" as written), text as itself.
fn value_toml(v: &Value) -> toml::Value {
    v.text().into_owned().into()
}

impl Serialize for Project {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.to_toml().serialize(s)
    }
}

/// The label overrides with their places.
pub fn label_texts(labels: &Labels, at: Place) -> impl Iterator<Item = (Place, &str)> {
    labels
        .iter()
        .map(move |(k, v)| (at.join(&[Key(crate::input::form::intern(k))]), v.as_str()))
}

/// Whether a kind's values print with a unit.
pub fn shown(kind: Kind, v: &Value, amount_suffix: &str) -> String {
    match (kind, v) {
        (Kind::Percent, Value::Amount(a)) => format!("{a}%"),
        (Kind::Money, Value::Amount(a)) => format!("{a}{amount_suffix}"),
        _ => v.text().into_owned(),
    }
}

/// A project of the built-in forms parsed from TOML text, for unit tests.
#[cfg(test)]
pub(crate) fn parse_test(text: &str) -> Project {
    let map = crate::report::diag::SourceMap::default();
    let file = map.add(std::path::Path::new("/t/p.toml"), text);
    crate::input::load::read_project_text(
        text,
        file,
        &crate::input::form::Registry::builtin(),
        crate::input::form::DEFAULT_FORM,
    )
    .unwrap_or_else(|e| panic!("{}", map.render_plain(&e)))
}
