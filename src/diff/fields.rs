//! Field-by-field comparison of the scalar parts of a document, a project
//! and an indicator row, with the Chinese name of each field.

use std::collections::BTreeMap;

use serde::Serialize;

use super::text::{plain, snippets};
use super::{AmountChange, FieldChange};
use crate::model::{Amount, Document, Indicator, Labels, Overall, Project};
use crate::render::chinese_number;

/// The Chinese names of the label keys, as in `data/FORMAT.md`.
const LABEL_NAMES: [(&str, &str); 18] = [
    ("code", "项目编码"),
    ("name", "项目名称"),
    ("budget_block", "预算规模及资金用途"),
    ("total", "预算数"),
    ("fiscal", "其中：财政资金"),
    ("other", "其他资金"),
    ("plan", "资金支出计划（%）"),
    ("march", "3月底"),
    ("june", "6月底"),
    ("october", "10月底"),
    ("december", "12月底"),
    ("goal", "绩效目标"),
    ("level1", "一级指标"),
    ("level2", "二级指标"),
    ("name3", "三级指标"),
    ("description", "绩效指标描述"),
    ("value", "指标值"),
    ("basis", "指标值确定依据"),
];

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
    out.extend(label_changes(&old.labels, &new.labels));
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

/// Changes of the fixed-label overrides.
fn label_changes(old: &Labels, new: &Labels) -> Vec<FieldChange> {
    flat_changes("labels", old, new, |k| {
        let zh = LABEL_NAMES.iter().find(|(key, _)| *key == k);
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

/// The changed text fields of a project (identity, texts, label overrides).
pub fn project_fields(old: &Project, new: &Project) -> Vec<FieldChange> {
    let mut out: Vec<FieldChange> = [
        text_change("code", "项目编码", &old.code, &new.code),
        text_change("name", "项目名称", &old.name, &new.name),
        optional_change(
            "title",
            "表格标题",
            old.title.as_deref(),
            new.title.as_deref(),
        ),
        text_change("usage", "资金用途", &old.usage, &new.usage),
        text_change("goal", "绩效目标", &old.goal, &new.goal),
    ]
    .into_iter()
    .flatten()
    .collect();
    out.extend(label_changes(&old.labels, &new.labels));
    out
}

/// The changed budget figures and spending-plan checkpoints of a project.
pub fn amount_changes(old: &Project, new: &Project) -> (Vec<AmountChange>, Vec<AmountChange>) {
    let (ob, nb) = (&old.budget, &new.budget);
    let budget = [
        amount("total", "预算数", Some(ob.total), Some(nb.total)),
        amount("fiscal", "财政资金", ob.fiscal, nb.fiscal),
        amount("other", "其他资金", ob.other, nb.other),
    ];
    let keys = [
        ("march", "3月底"),
        ("june", "6月底"),
        ("october", "10月底"),
        ("december", "12月底"),
    ];
    let plan = keys
        .iter()
        .zip(
            old.plan
                .checkpoints()
                .into_iter()
                .zip(new.plan.checkpoints()),
        )
        .filter_map(|((k, l), (o, n))| amount(k, l, o, n));
    (budget.into_iter().flatten().collect(), plan.collect())
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
fn signed(d: rust_decimal::Decimal) -> String {
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
pub fn indicator_fields(old: Option<&Indicator>, new: Option<&Indicator>) -> Vec<FieldChange> {
    let cells = |r: &Indicator| {
        [
            ("level1", "一级指标", r.level1.clone()),
            ("level2", "二级指标", r.level2.clone()),
            ("name", "三级指标", r.name.clone()),
            ("description", "绩效指标描述", r.description.clone()),
            ("value", "指标值", r.value.clone()),
            ("basis", "指标值确定依据", r.basis.clone()),
        ]
    };
    let empty = Indicator {
        level1: String::new(),
        level2: String::new(),
        name: String::new(),
        description: String::new(),
        value: String::new(),
        basis: String::new(),
    };
    let (o, n) = (cells(old.unwrap_or(&empty)), cells(new.unwrap_or(&empty)));
    o.into_iter()
        .zip(n)
        .filter_map(|((key, label, a), (_, _, b))| {
            let a = old
                .is_some()
                .then_some(a.as_str())
                .filter(|s| new.is_some() || !s.is_empty());
            let b = new
                .is_some()
                .then_some(b.as_str())
                .filter(|s| old.is_some() || !s.is_empty());
            optional_change(key, label, a, b)
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
