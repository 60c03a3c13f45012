//! The TOML files `jixiao import` writes, in the shape of the hand-written
//! data: a title comment, the fields in form order each under a comment
//! naming it in Chinese, groups as `[budget]`/`[plan]`, `[labels]`,
//! `[check]`, then the rows (`[[indicators]]`) in column order; money as
//! quoted text, whole percentages bare, long text as multi-line strings.

use std::fmt::Write;

use serde::Serialize;

use crate::input::form::Kind;
use crate::input::model::{Cover, Document, Overall, Project, Value};

/// A TOML basic string, every character that needs it escaped.
pub fn quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        escape_into(&mut out, c, false);
    }
    out.push('"');
    out
}

/// A text as TOML: a multi-line basic string when it holds a line break.
pub fn text(s: &str) -> String {
    if !s.contains('\n') {
        return quoted(s);
    }
    let mut out = String::from("\"\"\"\n");
    for c in s.chars() {
        escape_into(&mut out, c, true);
    }
    out.push_str("\"\"\"");
    out
}

fn escape_into(out: &mut String, c: char, multiline: bool) {
    match c {
        '"' => out.push_str("\\\""),
        '\\' => out.push_str("\\\\"),
        '\n' if multiline => out.push('\n'),
        '\n' => out.push_str("\\n"),
        '\t' => out.push_str("\\t"),
        '\r' => out.push_str("\\r"),
        c if c.is_control() => {
            let _ = write!(out, "\\u{:04X}", c as u32);
        }
        c => out.push(c),
    }
}

/// A value of `kind` as TOML: money quoted ("117.26"), a whole
/// percentage bare (25), text quoted.
fn value(kind: Kind, v: &Value) -> String {
    match (kind, v) {
        (Kind::Percent, Value::Amount(a)) if a.0.scale() == 0 => a.0.to_string(),
        (_, Value::Amount(a)) => quoted(&a.0.to_string()),
        // A date as the hand-written files have it: a bare TOML date.
        (Kind::Date, Value::Text(t)) if is_date(t) => t.clone(),
        (_, Value::Text(t)) => text(t),
    }
}

/// Whether `t` is a plain date ("2025-01-20"), which TOML writes bare.
fn is_date(t: &str) -> bool {
    t.parse::<toml::value::Datetime>()
        .is_ok_and(|d| d.date.is_some() && d.time.is_none() && d.offset.is_none())
}

/// A comment line naming a key (a label may hold a line break).
fn comment(out: &mut String, what: &str) {
    let one: String = what
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let _ = writeln!(out, "# {one}");
}

/// The text of a project file: `heading` is its first comment line
/// ("1.接访大厅租赁及运行经费绩效目标表").
pub fn project_text(p: &Project, heading: &str) -> String {
    let form = &*p.form;
    let mut out = String::new();
    comment(&mut out, heading);
    if p.form_written {
        comment(&mut out, "表样");
        let _ = writeln!(out, "form = {}", quoted(&form.name));
    }
    if let Some(t) = &p.title {
        comment(&mut out, "表名");
        let _ = writeln!(out, "title = {}", text(t));
    }
    for f in form.fields.iter().filter(|f| f.path.len() == 1) {
        if let Some(v) = p.values.get(f.key) {
            comment(&mut out, &f.label);
            let _ = writeln!(out, "{} = {}", f.key, value(f.kind, v));
        }
    }
    let mut groups: Vec<&str> = Vec::new();
    for f in form.fields.iter().filter(|f| f.path.len() == 2) {
        if !groups.contains(&f.path[0]) {
            groups.push(f.path[0]);
        }
    }
    for g in groups {
        let fields: Vec<_> = form
            .fields
            .iter()
            .filter(|f| f.path.len() == 2 && f.path[0] == g && p.values.contains_key(f.key))
            .collect();
        if fields.is_empty() {
            continue;
        }
        out.push('\n');
        comment(&mut out, &form.group_label(g));
        let _ = writeln!(out, "[{g}]");
        for f in fields {
            comment(&mut out, &f.label);
            let _ = writeln!(out, "{} = {}", f.path[1], value(f.kind, &p.values[f.key]));
        }
    }
    if !p.labels.is_empty() {
        out.push_str("\n# 固定文字\n[labels]\n");
        for (k, v) in &p.labels {
            let _ = writeln!(out, "{} = {}", quoted_key(k), text(v));
        }
    }
    if !p.check.allow.is_empty() {
        let codes: Vec<String> = p.check.allow.iter().map(|c| quoted(c)).collect();
        let _ = write!(
            out,
            "\n# 检查设置\n[check]\nallow = [{}]\n",
            codes.join(", ")
        );
    }
    for t in &form.tables {
        for (i, row) in p.rows(t.key).iter().enumerate() {
            let _ = write!(out, "\n[[{}]]\n", t.key);
            for c in t.columns.iter().filter(|c| c.auto.is_none()) {
                if let Some(v) = row.0.get(c.key) {
                    if i == 0 {
                        comment(&mut out, &c.label);
                    }
                    let _ = writeln!(out, "{} = {}", c.key, value(c.kind, v));
                }
            }
        }
    }
    out
}

/// A key, bare when it may be.
fn quoted_key(k: &str) -> String {
    let bare = !k.is_empty()
        && k.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if bare { k.to_string() } else { quoted(k) }
}

/// The text of `document.toml`.
pub fn document_text(d: &Document) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# {} {}年部门预算绩效文本：第一部分 部门整体绩效目标",
        one_line(&d.department),
        d.year
    );
    let _ = writeln!(out, "# 预算年度\nyear = {}", d.year);
    for (zh, key, v) in [
        ("部门名称", "department", &d.department),
        ("单位编码", "unit_code", &d.unit_code),
        ("单位名称", "unit_name", &d.unit_name),
        ("金额单位", "money_unit", &d.money_unit),
    ] {
        let _ = writeln!(out, "# {zh}\n{key} = {}", text(v));
    }
    if let Some(date) = &d.date {
        let _ = writeln!(
            out,
            "# 编制日期\ndate = {:04}-{:02}-{:02}",
            date.year, date.month, date.day
        );
    }
    if let Some(f) = &d.form {
        let _ = writeln!(out, "# 表样\nform = {}", quoted(f));
    }
    out.push_str("\n# 一、总体绩效目标\n");
    match &d.overall {
        // An empty text is the default: written, it would churn a file
        // that leaves it out.
        Overall::Text(t) if t.is_empty() => {}
        Overall::Text(t) => {
            let _ = writeln!(out, "overall = {}", text(t));
        }
        Overall::Parts(parts) => {
            for part in parts {
                let _ = write!(
                    out,
                    "\n[[overall]]\n# 小标题\ntitle = {}\n# 正文\ntext = {}\n",
                    text(&part.title),
                    text(&part.text)
                );
            }
        }
    }
    out.push_str("\n# 二、分项绩效目标\n");
    for g in &d.goals {
        let _ = write!(
            out,
            "\n[[goals]]\ntitle = {}\ntarget = {}\nindicator = {}\n",
            text(&g.title),
            text(&g.target),
            text(&g.indicator)
        );
    }
    out.push_str("\n# 三、工作保障措施\n");
    for m in &d.measures {
        let _ = write!(
            out,
            "\n[[measures]]\nlead = {}\ntext = {}\n",
            text(&m.lead),
            text(&m.text)
        );
    }
    settings(&mut out, d);
    out
}

/// `[cover]`, `[labels]`, `[style]`, `[check]` when set.
fn settings(out: &mut String, d: &Document) {
    #[derive(Serialize)]
    struct Rest<'a> {
        #[serde(skip_serializing_if = "Option::is_none")]
        cover: Option<&'a Cover>,
        #[serde(skip_serializing_if = "Option::is_none")]
        labels: Option<&'a crate::input::model::Labels>,
        #[serde(skip_serializing_if = "Option::is_none")]
        style: Option<&'a crate::input::model::Style>,
        #[serde(skip_serializing_if = "Option::is_none")]
        check: Option<&'a crate::input::model::CheckSettings>,
    }
    let rest = Rest {
        cover: (d.cover != Cover::default()).then_some(&d.cover),
        labels: (!d.labels.is_empty()).then_some(&d.labels),
        style: (d.style != Default::default()).then_some(&d.style),
        check: (d.check != Default::default()).then_some(&d.check),
    };
    if let Ok(t) = toml::to_string(&rest)
        && !t.trim().is_empty()
    {
        out.push_str("\n# 封面、固定文字、版式、检查设置\n");
        out.push_str(&t);
    }
}

fn one_line(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize)]
    struct One {
        v: String,
    }

    #[test]
    fn hostile_strings_read_back_the_same() {
        let hostile = [
            "plain",
            "quote \" and \\ backslash",
            "\"\"\" three quotes \"\"\"",
            "ends with quote\"",
            "line\nbreak\n",
            "\nstarts with a break",
            "tab\tand\u{1}control\u{7f}del\r\n",
            "# not a comment",
            "#set page(width: 1cm) $x$ *bold* [link]",
            "多行\n\"\"\"\n\\\n",
            "",
        ];
        for s in hostile {
            for written in [quoted(s), text(s)] {
                let back: One = toml::from_str(&format!("v = {written}\n"))
                    .unwrap_or_else(|e| panic!("{s:?} → {written}: {e}"));
                assert_eq!(back.v, s, "{written}");
            }
        }
    }

    #[test]
    fn a_project_reads_back_the_same() {
        let text = "code = \"A\\\"1\"\nname = \"甲\\n乙\"\n[budget]\ntotal = \"6.20\"\n[plan]\nmarch = 25\njune = \"50.5\"\n[labels]\nplan = \"资金支出计划(%)\"\n[check]\nallow = [\"J604\"]\n[[indicators]]\nlevel1 = \"产出指标\"\nlevel2 = \"数量指标\"\nname = \"x\"\nvalue = \"≥1\"\n";
        let p = crate::input::model::project::parse_test(text);
        let written = project_text(&p, "1.甲绩效目标表");
        assert!(
            written.starts_with("# 1.甲绩效目标表\n# 项目编码\ncode = "),
            "{written}"
        );
        assert!(
            written.contains("march = 25\n") && written.contains("total = \"6.20\""),
            "{written}"
        );
        assert!(written.contains("name = \"\"\"\n甲\n乙\"\"\""), "{written}");
        let back = crate::input::model::project::parse_test(&written);
        assert_eq!(back, p);
    }
}
