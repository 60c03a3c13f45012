//! Field-by-field comparison of the scalar parts of a document, a project
//! and an indicator row, with the Chinese name of each field.

use std::collections::BTreeMap;

use serde::Serialize;

use super::text::{plain, snippets};
use super::{AmountChange, FieldChange};
use crate::input::form::{Field, Form, TableDef, TableKind};
use crate::input::model::{Amount, Document, Labels, Overall, Project, Row};
use crate::typeset::render::chinese_number;

/// A text field change, or `None` when equal.
pub fn text_change(key: &str, label: &str, old: &str, new: &str) -> Option<FieldChange> {
    optional_change(key, label, Some(old), Some(new))
}

/// A change of a field that may be absent, or `None` when equal.
pub fn optional_change(
    key: &str,
    label: &str,
    old: Option<&str>,
    new: Option<&str>,
) -> Option<FieldChange> {
    if old == new {
        return None;
    }
    let shown = snippets(old.unwrap_or(""), new.unwrap_or(""));
    Some(FieldChange {
        key: key.to_string(),
        label: label.to_string(),
        old: old.map(str::to_string),
        new: new.map(str::to_string),
        snippets: shown.iter().map(plain).collect(),
        page: None,
    })
}

/// The changed top-level fields of a document.
pub fn scalar_fields(old: &Document, new: &Document) -> Vec<FieldChange> {
    let lines = |d: &Document| d.cover.lines.join("\n");
    let mut out: Vec<FieldChange> = [
        text_change(
            "year",
            "预算年度",
            &old.year.to_string(),
            &new.year.to_string(),
        ),
        text_change("department", "部门名称", &old.department, &new.department),
        text_change("unit_code", "单位编码", &old.unit_code, &new.unit_code),
        text_change("unit_name", "单位名称", &old.unit_name, &new.unit_name),
        text_change("money_unit", "金额单位", &old.money_unit, &new.money_unit),
        text_change(
            "overall",
            "总体绩效目标",
            &overall_text(&old.overall),
            &overall_text(&new.overall),
        ),
        optional_change(
            "cover.title",
            "封面标题",
            old.cover.title.as_deref(),
            new.cover.title.as_deref(),
        ),
        text_change("cover.lines", "封面附加行", &lines(old), &lines(new)),
    ]
    .into_iter()
    .flatten()
    .collect();
    let forms: Vec<&Form> = old
        .projects
        .iter()
        .chain(&new.projects)
        .map(|p| &*p.form)
        .collect();
    out.extend(label_changes(&old.labels, &new.labels, &forms));
    out.extend(flat_changes("style", &old.style, &new.style, |k| {
        format!("样式 {k}")
    }));
    out
}

/// 总体绩效目标 as one text: each part's "（一）title" line before its
/// paragraphs, so a changed sub-heading shows as a changed line.
fn overall_text(overall: &Overall) -> String {
    match overall {
        Overall::Text(t) => t.clone(),
        Overall::Parts(parts) => parts
            .iter()
            .enumerate()
            .map(|(i, p)| {
                format!(
                    "（{}）{}\n{}",
                    chinese_number(i + 1),
                    p.title.trim(),
                    p.text.trim_end()
                )
            })
            .collect::<Vec<_>>()
            .join("\n"),
    }
}

/// Changes of the fixed-label overrides, named by the forms' labels.
fn label_changes(old: &Labels, new: &Labels, forms: &[&Form]) -> Vec<FieldChange> {
    let names: Vec<(&str, &str)> = forms.iter().flat_map(|f| f.label_keys()).collect();
    flat_changes("labels", old, new, |k| {
        let zh = names.iter().find(|(key, _)| *key == k);
        format!("固定文字“{}”", zh.map_or(k, |(_, z)| z))
    })
}

/// Compares two values field by field after flattening them to dotted keys
/// (`style.fonts.body`), in key order.
fn flat_changes<T: Serialize>(
    prefix: &str,
    old: &T,
    new: &T,
    label: impl Fn(&str) -> String,
) -> Vec<FieldChange> {
    let (a, b) = (flatten(old), flatten(new));
    let mut keys: Vec<&String> = a.keys().chain(b.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter_map(|k| {
            let key = format!("{prefix}.{k}");
            optional_change(
                &key,
                &label(k),
                a.get(k).map(String::as_str),
                b.get(k).map(String::as_str),
            )
        })
        .collect()
}

/// The non-null leaves of a serialisable value, keyed by dotted path.
pub fn flatten<T: Serialize>(value: &T) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let json = serde_json::to_value(value).unwrap_or(serde_json::Value::Null);
    walk("", &json, &mut out);
    out
}

fn walk(path: &str, value: &serde_json::Value, out: &mut BTreeMap<String, String>) {
    use serde_json::Value;
    match value {
        Value::Null => {}
        Value::Object(map) => {
            for (k, v) in map {
                let sub = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                walk(&sub, v, out);
            }
        }
        Value::String(s) => {
            out.insert(path.to_string(), s.clone());
        }
        other => {
            out.insert(path.to_string(), other.to_string());
        }
    }
}

/// The fields of both versions' forms, the new form's first.
fn both_fields<'a>(old: &'a Project, new: &'a Project) -> Vec<&'a Field> {
    let mut out: Vec<&Field> = new.form.fields.iter().collect();
    for f in &old.form.fields {
        if !out.iter().any(|o| o.key == f.key) {
            out.push(f);
        }
    }
    out
}

/// The changed text fields of a project (form, title, every text field of
/// its form, plain row tables, label overrides).
pub fn project_fields(old: &Project, new: &Project) -> Vec<FieldChange> {
    let mut out: Vec<FieldChange> = [
        text_change("form", "表样", &old.form.name, &new.form.name),
        // As printed: an explicit title equal to the default changes nothing.
        text_change("title", "表格标题", &old.title(), &new.title()),
    ]
    .into_iter()
    .flatten()
    .collect();
    for f in both_fields(old, new)
        .into_iter()
        .filter(|f| !f.kind.is_amount())
    {
        let text = |p: &Project| {
            p.values
                .get(f.key)
                .map(|v| v.text().into_owned())
                .unwrap_or_default()
        };
        out.extend(text_change(f.key, &f.label, &text(old), &text(new)));
    }
    // Tables of either form: one the new form dropped shows as removed rows.
    let old_only = old
        .form
        .tables
        .iter()
        .filter(|t| new.form.table(t.key).is_none());
    for t in new.form.tables.iter().chain(old_only) {
        if t.kind == TableKind::Rows {
            out.extend(row_table_changes(t, old.rows(t.key), new.rows(t.key)));
        }
    }
    out.extend(label_changes(
        &old.labels,
        &new.labels,
        &[&old.form, &new.form],
    ));
    out
}

/// Cell changes of a plain row table, row by row in order.
fn row_table_changes(t: &TableDef, old: &[Row], new: &[Row]) -> Vec<FieldChange> {
    let mut out = Vec::new();
    for j in 0..old.len().max(new.len()) {
        for c in t.columns.iter().filter(|c| c.auto.is_none()) {
            let cell = |rows: &[Row]| rows.get(j).map(|r| r.get(c.key).into_owned());
            let (a, b) = (cell(old), cell(new));
            let key = format!("{}[{}].{}", t.key, j + 1, c.key);
            let label = format!("{}第 {} 行{}", t.label, j + 1, c.label);
            out.extend(optional_change(&key, &label, a.as_deref(), b.as_deref()));
        }
    }
    out
}

/// The changed money amounts and percentages (spending plan) of a project.
pub fn amount_changes(old: &Project, new: &Project) -> (Vec<AmountChange>, Vec<AmountChange>) {
    let (mut money, mut plan) = (Vec::new(), Vec::new());
    for f in both_fields(old, new) {
        let label = f.label.trim_start_matches("其中：");
        let Some(change) = amount(f.key, label, old.amount(f.key), new.amount(f.key)) else {
            continue;
        };
        match f.kind {
            crate::input::form::Kind::Percent => plan.push(change),
            _ => money.push(change),
        }
    }
    (money, plan)
}

/// An amount change, or `None` when written identically.
fn amount(
    key: &str,
    label: &str,
    old: Option<Amount>,
    new: Option<Amount>,
) -> Option<AmountChange> {
    // Compare as written: 6.2 → 6.20 changes the printed table.
    let text = |a: Option<Amount>| a.map(|a| a.to_string());
    if text(old) == text(new) {
        return None;
    }
    // Beyond Decimal's range the difference is simply not shown.
    let delta = old
        .zip(new)
        .and_then(|(o, n)| n.0.checked_sub(o.0))
        .map(signed);
    Some(AmountChange {
        key: key.to_string(),
        label: label.to_string(),
        old: text(old),
        new: text(new),
        delta,
    })
}

/// A difference with an explicit sign: `+2.74`, `-1`, `0`.
pub(crate) fn signed(d: rust_decimal::Decimal) -> String {
    if d.is_sign_positive() && !d.is_zero() {
        format!("+{d}")
    } else if d.is_zero() {
        d.abs().to_string()
    } else {
        d.to_string()
    }
}

/// The cells of an indicator row: all non-empty ones of an added or removed
/// row, the changed ones of a changed row.
pub fn indicator_fields(t: &TableDef, old: Option<&Row>, new: Option<&Row>) -> Vec<FieldChange> {
    t.columns
        .iter()
        .filter(|c| c.auto.is_none())
        .filter_map(|c| {
            let a = old.map(|r| r.get(c.key).into_owned());
            let b = new.map(|r| r.get(c.key).into_owned());
            let a = a.filter(|s| new.is_some() || !s.is_empty());
            let b = b.filter(|s| old.is_some() || !s.is_empty());
            optional_change(c.key, &c.label, a.as_deref(), b.as_deref())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deltas_are_exact_and_signed() {
        let a = |s: &str| Some(Amount(s.parse().unwrap()));
        let c = amount("total", "预算数", a("117.26"), a("120.00")).unwrap();
        assert_eq!(c.delta.as_deref(), Some("+2.74"));
        let d = amount("total", "预算数", a("0.3"), a("0.1")).unwrap();
        assert_eq!(d.delta.as_deref(), Some("-0.2"));
        assert!(amount("total", "预算数", a("1.0"), a("1.0")).is_none());
        let blank = amount("other", "其他资金", None, a("5")).unwrap();
        assert_eq!(blank.delta, None);
    }
}
