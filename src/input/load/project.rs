//! Reading one project file by its form: every key checked against the
//! form, all unknown and missing keys reported in one run, in file order.

use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::Arc;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::input::form::{Field, Form, Kind, Need, Registry, TableDef};
use crate::input::model::{Amount, Labels, Project, ProjectCheck, Row, Value};
use crate::report::diag::{Diagnostic, FileKey, Span};
use crate::report::translate;

/// What reading a project file collects: the project, or the errors.
struct Reader<'a> {
    file: FileKey,
    form: &'a Form,
    errors: Vec<Diagnostic>,
    /// Keys suggested for misspelt ones: not also reported as missing.
    suggested: Vec<String>,
}

/// Reads a project file's text (already known to be valid TOML) with the
/// form it names, or `default_form`.
pub(crate) fn read_project(
    text: &str,
    file: FileKey,
    forms: &Registry,
    default_form: &str,
) -> std::result::Result<Project, Vec<Diagnostic>> {
    let root = DeTable::parse(text).map_err(|e| vec![translate::toml_error(e.message())])?;
    let whole = first_line(text);
    let (form, written) = pick_form(root.get_ref(), forms, default_form, file)?;
    let mut r = Reader {
        file,
        form: &form,
        errors: Vec::new(),
        suggested: Vec::new(),
    };
    let mut p = Project::new(form.clone());
    p.form_written = written;
    for (key, value) in sorted(root.get_ref()) {
        r.top(&mut p, key, value);
    }
    r.missing_fields(&p, root.get_ref(), whole);
    if r.errors.is_empty() {
        return Ok(p);
    }
    let mut errors = r.errors;
    errors.sort_by_key(|d| d.span.as_ref().map(|s| s.range.start));
    Err(errors)
}

/// The entries of a table in file order.
fn sorted<'t, 'i>(
    t: &'t DeTable<'i>,
) -> Vec<(
    &'t Spanned<std::borrow::Cow<'i, str>>,
    &'t Spanned<DeValue<'i>>,
)> {
    let mut v: Vec<_> = t.iter().collect();
    v.sort_by_key(|(k, _)| k.span().start);
    v
}

fn first_line(text: &str) -> Range<usize> {
    0..text.find('\n').unwrap_or(text.len())
}

/// The form a file names, or the default; an unknown name is an error.
fn pick_form(
    root: &DeTable,
    forms: &Registry,
    default_form: &str,
    file: FileKey,
) -> std::result::Result<(Arc<Form>, bool), Vec<Diagnostic>> {
    let Some(v) = root.get("form") else {
        return forms
            .get(default_form)
            .map(|f| (f.clone(), false))
            .ok_or_else(|| vec![unknown_form(default_form, forms, None)]);
    };
    let span = Some(Span {
        file,
        range: v.span(),
    });
    let Some(name) = v.get_ref().as_str() else {
        return Err(vec![wrong_type("form", "表样", "文本", v.get_ref(), span)]);
    };
    forms
        .get(name)
        .map(|f| (f.clone(), true))
        .ok_or_else(|| vec![unknown_form(name, forms, span)])
}

/// The error for a form name no form has.
pub fn unknown_form(name: &str, forms: &Registry, span: Option<Span>) -> Diagnostic {
    let known: Vec<String> = forms.names().iter().map(|s| s.to_string()).collect();
    let mut d = Diagnostic::error(format!("未知表样“{name}”"))
        .with_span(span)
        .with_label("没有这个表样");
    if let Some(best) = translate::nearest(name, &known) {
        d = d.with_hint(format!("您是不是想写“{best}”？"));
    }
    d.with_hint(format!(
        "可用的表样：{}（jixiao forms 列出各表样的字段；自定义表样放在 templates/forms/）",
        known.join("、")
    ))
}

/// What each item of a `[[…]]` array must be.
const ROW: &str = "多行表 [[…]] 的一行（表）";

fn wrong_type(
    key: &str,
    label: &str,
    want: &str,
    found: &DeValue,
    span: Option<Span>,
) -> Diagnostic {
    let written = match found {
        DeValue::Integer(i) => Some(i.as_str().to_string()),
        DeValue::Float(f) => Some(f.as_str().to_string()),
        DeValue::Boolean(b) => Some(b.to_string()),
        DeValue::Datetime(d) => Some(d.to_string()),
        DeValue::String(t) => Some(
            crate::report::escape::one_line(&t.chars().take(20).collect::<String>()).into_owned(),
        ),
        _ => None,
    };
    let shown = written
        .as_deref()
        .map_or(String::new(), |w| format!(" {w}"));
    Diagnostic::error(format!(
        "类型不对：“{key}”（{label}）应为{want}，这里写的是{shown}（{}）",
        type_zh(found)
    ))
    .with_span(span)
    .with_label(format!("应为{want}"))
    .with_hint(match (want, &written) {
        ("文本", Some(w)) if !matches!(found, DeValue::String(_)) => {
            format!("请加上英文双引号，写成 \"{w}\"")
        }
        ("文本", _) => "文字要用英文双引号括起来，例如 name = \"某某项目\"".to_string(),
        ("多行表 [[…]]" | ROW, _) => {
            format!("每一行单独写成一个 [[{key}]] 表，写法见 jixiao guide")
        }
        ("表", _) => {
            format!("写成单独一行的 [{key}] 表头，下面逐行写其中的字段，见 jixiao guide")
        }
        ("金额" | "百分比", _) => {
            "只写阿拉伯数字，不带单位和 % 号，例如 total = \"117.26\"、march = 25".to_string()
        }
        _ => format!("请按{want}的写法填写，见 jixiao guide"),
    })
}

fn type_zh(v: &DeValue) -> &'static str {
    match v {
        DeValue::String(_) => "文本",
        DeValue::Integer(_) => "整数",
        DeValue::Float(_) => "小数",
        DeValue::Boolean(_) => "true/false",
        DeValue::Datetime(d) if d.time.is_some() => "日期和时间",
        DeValue::Datetime(_) => "日期",
        DeValue::Array(_) => "列表",
        DeValue::Table(_) => "表",
    }
}

impl Reader<'_> {
    fn span(&self, range: Range<usize>) -> Option<Span> {
        Some(Span {
            file: self.file,
            range,
        })
    }

    /// One top-level key of the file.
    fn top(&mut self, p: &mut Project, key: &Spanned<std::borrow::Cow<str>>, v: &Spanned<DeValue>) {
        let form = self.form;
        let k = key.get_ref().as_ref();
        match k {
            "form" => {}
            "title" => p.title = self.text("title", "表名", v),
            "labels" => p.labels = self.labels(v),
            "check" => p.check = self.check(v),
            _ => {
                if let Some(f) = form.fields.iter().find(|f| f.path.len() == 1 && f.key == k) {
                    if let Some(val) = self.value(f.key, &f.label, f.kind, v) {
                        p.values.insert(f.key, val);
                    }
                } else if form
                    .fields
                    .iter()
                    .any(|f| f.path.len() == 2 && f.path[0] == k)
                {
                    self.group(p, k, v);
                } else if let Some(t) = form.tables.iter().find(|t| t.key == k) {
                    let rows = self.rows(t, v);
                    p.tables.insert(t.key, rows);
                } else {
                    let known = form.top_keys();
                    self.unknown(k, key.span(), &known, "");
                }
            }
        }
    }

    /// The error for a key the form does not have, with did-you-mean.
    fn unknown(&mut self, k: &str, range: Range<usize>, known: &[(&str, String)], within: &str) {
        let names: Vec<String> = known.iter().map(|(k, _)| k.to_string()).collect();
        let mut d = Diagnostic::error(format!(
            "未知字段“{within}{k}”（表样“{}”没有这个字段）",
            self.form.name
        ))
        .with_span(self.span(range))
        .with_label("此处不认识");
        if let Some(best) = translate::nearest(k, &names) {
            let label = known
                .iter()
                .find(|(n, _)| *n == best)
                .map(|(_, l)| l.as_str())
                .unwrap_or("");
            d = d.with_hint(format!("您是不是想写“{within}{best}”（{label}）？"));
            self.suggested.push(format!("{within}{best}"));
        }
        let list: Vec<String> = known.iter().map(|(k, l)| format!("{k}（{l}）")).collect();
        d = d.with_hint(format!("此处可用的字段：{}", list.join("、")));
        self.errors.push(d);
    }

    /// A `[group]` table of two-part fields such as `[budget]`.
    fn group(&mut self, p: &mut Project, group: &str, v: &Spanned<DeValue>) {
        let Some(t) = v.get_ref().as_table() else {
            let label = self.form.group_label(group);
            let e = wrong_type(group, &label, "表", v.get_ref(), self.span(v.span()));
            self.errors.push(e);
            return;
        };
        let fields: Vec<&Field> = self
            .form
            .fields
            .iter()
            .filter(|f| f.path.len() == 2 && f.path[0] == group)
            .collect();
        for (key, value) in sorted(t) {
            let k = key.get_ref().as_ref();
            match fields.iter().find(|f| f.path[1] == k) {
                Some(f) => {
                    if let Some(val) = self.value(f.key, &f.label, f.kind, value) {
                        p.values.insert(f.key, val);
                    }
                }
                None => {
                    let known: Vec<(&str, String)> = fields
                        .iter()
                        .map(|f| (f.path[1], f.label.clone()))
                        .collect();
                    self.unknown(k, key.span(), &known, &format!("{group}."));
                }
            }
        }
    }

    /// A value of `kind`; `None` (and an error) when it is not one.
    fn value(&mut self, key: &str, label: &str, kind: Kind, v: &Spanned<DeValue>) -> Option<Value> {
        let span = self.span(v.span());
        let got = match (kind, v.get_ref()) {
            (Kind::Money | Kind::Percent, d) => amount(d).map(Value::Amount),
            (Kind::Date, DeValue::Datetime(d)) if d.time.is_none() && d.offset.is_none() => {
                Ok(Value::Text(d.to_string()))
            }
            (Kind::Date, DeValue::String(s)) => date_text(s).map(|_| Value::Text(s.to_string())),
            (Kind::Period, DeValue::String(s)) => {
                period_text(s).map(|_| Value::Text(s.to_string()))
            }
            (_, DeValue::String(s)) => Ok(Value::Text(s.to_string())),
            (_, other) => {
                self.errors
                    .push(wrong_type(key, label, kind.zh(), other, span));
                return None;
            }
        };
        match got {
            Ok(v) => Some(v),
            Err(AmountError::Type) => {
                self.errors
                    .push(wrong_type(key, label, kind.zh(), v.get_ref(), span));
                None
            }
            Err(AmountError::Bad(m)) => {
                self.errors.push(translate::toml_error(&m).with_span(span));
                None
            }
        }
    }

    fn text(&mut self, key: &str, label: &str, v: &Spanned<DeValue>) -> Option<String> {
        match v.get_ref() {
            DeValue::String(s) => Some(s.to_string()),
            other => {
                self.errors
                    .push(wrong_type(key, label, "文本", other, self.span(v.span())));
                None
            }
        }
    }

    /// `[labels]`: every key must be a label of the form.
    fn labels(&mut self, v: &Spanned<DeValue>) -> Labels {
        let mut out = Labels::new();
        let Some(t) = v.get_ref().as_table() else {
            self.errors.push(wrong_type(
                "labels",
                "固定文字",
                "表",
                v.get_ref(),
                self.span(v.span()),
            ));
            return out;
        };
        let known: Vec<(&str, String)> = self
            .form
            .label_keys()
            .into_iter()
            .map(|(k, l)| (k, l.to_string()))
            .collect();
        for (key, value) in sorted(t) {
            let k = key.get_ref().as_ref();
            match known.iter().find(|(n, _)| *n == k) {
                Some((_, l)) => {
                    if let Some(s) = self.text(k, l, value) {
                        out.insert(k.to_string(), s);
                    }
                }
                None => self.unknown(k, key.span(), &known, "labels."),
            }
        }
        out
    }

    /// `[check]`: `allow = [codes]`.
    fn check(&mut self, v: &Spanned<DeValue>) -> ProjectCheck {
        let mut out = ProjectCheck::default();
        let Some(t) = v.get_ref().as_table() else {
            self.errors.push(wrong_type(
                "check",
                "检查设置",
                "表",
                v.get_ref(),
                self.span(v.span()),
            ));
            return out;
        };
        for (key, value) in sorted(t) {
            let k = key.get_ref().as_ref();
            if k != "allow" {
                self.unknown(
                    k,
                    key.span(),
                    &[("allow", "不检查的规则代码".into())],
                    "check.",
                );
                continue;
            }
            let items = value.get_ref().as_array().map(|a| {
                a.iter()
                    .map(|i| i.get_ref().as_str().map(str::to_string))
                    .collect::<Option<Vec<_>>>()
            });
            match items.flatten() {
                Some(codes) => out.allow = codes,
                None => self.errors.push(wrong_type(
                    "check.allow",
                    "不检查的规则代码",
                    "文本列表",
                    value.get_ref(),
                    self.span(value.span()),
                )),
            }
        }
        out
    }

    /// The rows of `[[table]]`.
    fn rows(&mut self, t: &TableDef, v: &Spanned<DeValue>) -> Vec<Row> {
        let Some(items) = v.get_ref().as_array() else {
            self.errors.push(wrong_type(
                t.key,
                &t.label,
                "多行表 [[…]]",
                v.get_ref(),
                self.span(v.span()),
            ));
            return Vec::new();
        };
        let mut out = Vec::new();
        for (j, item) in items.iter().enumerate() {
            let Some(cells) = item.get_ref().as_table() else {
                self.errors.push(wrong_type(
                    t.key,
                    &t.label,
                    ROW,
                    item.get_ref(),
                    self.span(item.span()),
                ));
                continue;
            };
            out.push(self.row(t, j, cells, item.span()));
        }
        out
    }

    fn row(&mut self, t: &TableDef, j: usize, cells: &DeTable, at: Range<usize>) -> Row {
        let mut row = Row::default();
        let known: Vec<(&str, String)> = t
            .columns
            .iter()
            .filter(|c| c.auto.is_none())
            .map(|c| (c.key, c.label.clone()))
            .collect();
        for (key, value) in sorted(cells) {
            let k = key.get_ref().as_ref();
            match t.columns.iter().find(|c| c.key == k && c.auto.is_none()) {
                Some(c) => {
                    let label = format!("第 {} 行的{}", j + 1, c.label);
                    if let Some(val) = self.value(c.key, &label, c.kind, value) {
                        row.0.insert(c.key, val);
                    }
                }
                None => self.unknown(k, key.span(), &known, &format!("{}[{}].", t.key, j + 1)),
            }
        }
        for c in t
            .columns
            .iter()
            .filter(|c| c.need == Need::Required && c.auto.is_none())
        {
            if !cells.contains_key(c.key) {
                let what = format!("{}[{}].{}", t.key, j + 1, c.key);
                self.missing(&what, &c.label, at.clone(), &format!("{} = \"…\"", c.key));
            }
        }
        row
    }

    fn missing(&mut self, key: &str, label: &str, range: Range<usize>, example: &str) {
        if self.suggested.iter().any(|s| s == key) {
            return;
        }
        self.errors.push(
            Diagnostic::error(format!("缺少必填字段“{key}”（{label}）"))
                .with_span(self.span(range))
                .with_label("此表缺少该字段")
                .with_hint(format!(
                    "请补上 {example}（表样“{}”要求填写{label}）",
                    self.form.name
                )),
        );
    }

    /// Required fields that are absent, at their group or the file start.
    fn missing_fields(&mut self, p: &Project, root: &DeTable, whole: Range<usize>) {
        let form = self.form;
        for f in form.fields.iter().filter(|f| f.need == Need::Required) {
            if p.values.contains_key(f.key) || self.has_error_at(f, root) {
                continue;
            }
            let at = match f.path.as_slice() {
                [group, _] => root.get(*group).map_or(whole.clone(), |g| header(g.span())),
                _ => whole.clone(),
            };
            let example = match f.kind {
                Kind::Money | Kind::Percent => format!("{} = \"0\"", f.path[f.path.len() - 1]),
                _ => format!("{} = \"…\"", f.path[f.path.len() - 1]),
            };
            let mut example = example;
            if f.path.len() == 2 && root.get(f.path[0]).is_none() {
                example = format!("[{}] 表和其中的 {example}", f.path[0]);
            }
            self.missing(f.key, &f.label, at, &example);
        }
    }

    /// Whether the field was written but refused (already an error).
    fn has_error_at(&self, f: &Field, root: &DeTable) -> bool {
        let mut v = root.get(f.path[0]);
        for part in &f.path[1..] {
            v = v.and_then(|x| x.get_ref().get(*part));
        }
        v.is_some()
    }
}

/// The first line of a table's span (its `[header]`).
fn header(range: Range<usize>) -> Range<usize> {
    range.start..range.start + 1
}

enum AmountError {
    Type,
    Bad(String),
}

/// The dates a text names, as (year, month, day or 0): "2025-01-20",
/// "2025年1月20日", "2025.07", "2025年7月"; each must exist.
fn dates_in(text: &str) -> std::result::Result<Vec<(u32, u32, u32)>, String> {
    let digits: Vec<(usize, u32, usize)> = numbers(text);
    let mut out = Vec::new();
    let mut i = 0;
    while i < digits.len() {
        let (_, year, len) = digits[i];
        if len != 4 {
            i += 1;
            continue;
        }
        let month = digits.get(i + 1).map_or(0, |d| d.1);
        let day = digits.get(i + 2).filter(|d| d.2 <= 2).map_or(0, |d| d.1);
        if !(2000..=2100).contains(&year) || !(1..=12).contains(&month) {
            return Err(format!(
                "“{text}”中的年月不对：年份应在 2000–2100 年之间，月份在 1–12 之间"
            ));
        }
        if day > days_in(year, month) {
            return Err(format!(
                "“{text}”中的日期不存在：{year}年{month}月没有{day}日"
            ));
        }
        out.push((year, month, day));
        i += if day > 0 { 3 } else { 2 };
    }
    Ok(out)
}

/// Each run of ASCII digits: (byte offset, value, length).
fn numbers(text: &str) -> Vec<(usize, u32, usize)> {
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i].is_ascii_digit() {
            let start = i;
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                i += 1;
            }
            let value = text[start..i].parse().unwrap_or(u32::MAX);
            out.push((start, value, i - start));
        } else {
            i += 1;
        }
    }
    out
}

fn days_in(year: u32, month: u32) -> u32 {
    match month {
        2 if year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400)) => {
            29
        }
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// A date field: one date with at least year and month.
fn date_text(text: &str) -> std::result::Result<(), AmountError> {
    let hint = "日期写成 2025-01-20、2025年1月20日 或 2025年1月";
    match dates_in(text) {
        Ok(d) if d.len() == 1 => Ok(()),
        Ok(_) => Err(AmountError::Bad(translate::with_hint(
            &format!("“{text}”不是一个日期"),
            hint,
        ))),
        Err(m) => Err(AmountError::Bad(translate::with_hint(&m, hint))),
    }
}

/// A period field: a start and an end date (year and month at least), the
/// end not before the start.
fn period_text(text: &str) -> std::result::Result<(), AmountError> {
    let hint = "期间写成 2025.07–2026.06 或 2025年7月至2026年6月（起止都写年和月）";
    match dates_in(text) {
        Ok(d) if d.len() == 2 && d[0] <= d[1] => Ok(()),
        Ok(d) if d.len() == 2 => Err(AmountError::Bad(translate::with_hint(
            &format!("“{text}”的结束早于开始"),
            hint,
        ))),
        Ok(_) => Err(AmountError::Bad(translate::with_hint(
            &format!("“{text}”不是起止两个年月"),
            hint,
        ))),
        Err(m) => Err(AmountError::Bad(translate::with_hint(&m, hint))),
    }
}

/// An amount written as a number or a string.
fn amount(v: &DeValue) -> std::result::Result<Amount, AmountError> {
    match v {
        DeValue::String(s) => s.parse().map_err(AmountError::Bad),
        DeValue::Integer(i) => i64::from_str_radix(i.as_str(), i.radix())
            .map(|n| Amount(rust_decimal::Decimal::from(n)))
            .map_err(|_| AmountError::Bad("数字太大".into())),
        DeValue::Float(f) => {
            let value = f.as_str().parse::<f64>().unwrap_or(f64::NAN);
            Amount::from_f64(value).map_err(AmountError::Bad)
        }
        _ => Err(AmountError::Type),
    }
}

/// Label keys used by several tables, for `[labels]` in `document.toml`.
pub(crate) fn label_keys(forms: &[&Form]) -> BTreeMap<&'static str, String> {
    let mut out = BTreeMap::new();
    for f in forms {
        for (k, l) in f.label_keys() {
            out.entry(k).or_insert_with(|| l.to_string());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_periods_must_exist() {
        for ok in ["2025-01-20", "2025年1月20日", "2025年1月", "2024.02.29"] {
            assert!(date_text(ok).is_ok(), "{ok}");
        }
        for bad in [
            "2025-13-45",
            "下周",
            "2025-02-29",
            "1999年1月",
            "2025-01-20 至 2025-02-01",
        ] {
            assert!(date_text(bad).is_err(), "{bad}");
        }
        for ok in [
            "2025.07–2026.06",
            "2025年7月至2026年6月",
            "2025-03-01~2025-12-31",
        ] {
            assert!(period_text(ok).is_ok(), "{ok}");
        }
        for bad in ["2026.06–2025.07", "2025年", "长期", "2025.13–2026.01"] {
            assert!(period_text(bad).is_err(), "{bad}");
        }
    }
}
