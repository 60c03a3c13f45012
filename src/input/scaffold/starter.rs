//! The small commented starting document `jixiao new DIR` writes: a
//! `document.toml` with every part of 第一部分 and one project file of the
//! chosen form, each key under a Chinese comment saying what it is. The
//! project file is written from the form's definition; the values of the
//! built-in forms come from their example documents, so the starter passes
//! `jixiao check` and builds.

use std::fmt::Write;

use super::{NewFile, Plan, SchemaRef, schema};
use crate::input::form::{Column, Field, Form, Kind, Need, Role, TableDef, TableKind};
use crate::input::load::{DOCUMENT_FILE, PROJECTS_DIR};

/// The year the example values are written for; replaced by the new one.
const SAMPLE_YEAR: &str = "2025";

/// An example project file of each built-in form.
static SAMPLES: &[(&str, &str)] = &[
    (
        "hebei",
        include_str!("../../../data/examples/department/projects/01-dangan-shuzihua.toml"),
    ),
    (
        "central",
        include_str!("../../../data/examples/central/projects/01-baohuqu-guanhu.toml"),
    ),
    (
        "department",
        include_str!("../../../data/examples/department/projects/00-zhengti.toml"),
    ),
    (
        "shenbao",
        include_str!("../../../data/examples/shenbao/projects/01-gaobiaozhun-nongtian.toml"),
    ),
];

/// The starter's `document.toml`, `{year}` standing for the budget year.
const DOCUMENT: &str = r#"# 部门预算绩效文本：封面和第一部分。写法见 jixiao guide。
# 检查：jixiao check 本文件夹；生成 PDF：jixiao build 本文件夹。
# 预算年度（必填）：四位数，2000–2100
year = {year}
# 部门名称（必填）：印在封面，也是 PDF 的作者
department = "某某局"
# 单位编码（必填）：印在每张项目表上方
unit_code = "000001"
# 单位名称（必填）：印在单位编码之后
unit_name = "某某局本级"
# 金额单位（可不写，默认万元）：印作“单位：万元”
money_unit = "万元"
# 编制日期（可不写）：不加引号的日期，是 PDF 的创建日期
# date = {year}-01-20

# 一、总体绩效目标：一行一段
overall = """
{year}年，某某局围绕年度重点工作，加强预算绩效管理，提高财政资金使用效益。
"""

# 二、分项绩效目标：每项一个 [[goals]]，按顺序编号（一）（二）……
[[goals]]
# 标题：印在（一）之后
title = "保障单位正常运转。"
# 绩效目标：后的段落
target = "按时足额保障各项运转经费，确保各项工作正常开展。"
# 绩效指标：后的段落
indicator = "经费支出准确率达到100%。"

# 三、工作保障措施：每项一个 [[measures]]
[[measures]]
# 首句（楷体）
lead = "加强组织领导。"
# 正文：第一段接在首句之后
text = "明确责任分工，确保各项绩效目标按期实现。"

# 检查设置（可不写）
# [check]
# profile = "A"       # 指标体系：A（财预〔2015〕88号，默认）或 B（财预〔2021〕101号）
# allow = ["J604"]    # 整篇文本不检查的规则代码（jixiao rules 列出全部）
"#;

/// The starter document of `year` with one project file of `form`.
pub(crate) fn plan(year: i32, form: &Form, schema: &SchemaRef) -> Plan {
    let doc = DOCUMENT.replace("{year}", &year.to_string());
    let doc_rel = DOCUMENT_FILE.to_string();
    let project_rel = format!("{PROJECTS_DIR}/01-xiangmu.toml");
    let project = project_text(form, year);
    let files = vec![
        NewFile {
            text: schema.line(&doc_rel, schema::DOCUMENT_SCHEMA) + &doc,
            rel: doc_rel,
        },
        NewFile {
            text: schema.line(&project_rel, &schema::project_schema_name(&form.name)) + &project,
            rel: project_rel,
        },
    ];
    Plan {
        files,
        year,
        ..Plan::default()
    }
}

/// The example file's values, with the sample year moved to `year`.
fn sample(form: &str, year: i32) -> toml::Table {
    let text = SAMPLES.iter().find(|(n, _)| *n == form).map_or("", |s| s.1);
    let text = text.replace(SAMPLE_YEAR, &year.to_string());
    toml::from_str(&text).unwrap_or_default()
}

/// What a slot must be, for its comment: "项目编码（必填）".
fn comment(label: &str, need: Need, kind: Kind) -> String {
    let need = match need {
        Need::Required => "必填",
        Need::Recommended => "建议填写",
        Need::Optional => "可不填",
    };
    let kind = match kind {
        Kind::Text => "",
        Kind::Money => "，金额，不带单位",
        Kind::Percent => "，百分比，不带 % 号",
        Kind::Date => "，日期",
        Kind::Period => "，起止年月",
    };
    format!("# {}（{need}{kind}）\n", label.replace('\n', ""))
}

/// A key with its value, or commented out with a placeholder when the
/// example has none.
fn line(key: &str, value: Option<&toml::Value>, kind: Kind) -> String {
    match value {
        Some(v) => format!("{key} = {v}\n"),
        None if kind.is_amount() => format!("# {key} = \"0\"\n"),
        None => format!("# {key} = \"\"\n"),
    }
}

/// A required slot without an example value gets a placeholder to fill.
fn placeholder(need: Need, kind: Kind) -> Option<toml::Value> {
    (need == Need::Required).then(|| match kind {
        Kind::Money | Kind::Percent => toml::Value::String("0".into()),
        _ => toml::Value::String("（请填写）".into()),
    })
}

/// The project file of `form`, from its example values.
fn project_text(form: &Form, year: i32) -> String {
    let values = sample(&form.name, year);
    let mut out = format!(
        "# 项目绩效目标表，表样 {}：{}。\n# 每个键上面的注释是它在表中的名称；jixiao forms {} 列出全部字段。\n",
        form.name, form.title, form.name
    );
    out.push_str("# 表样\n");
    let _ = writeln!(out, "form = \"{}\"", form.name);
    out.push_str("# 表名（可不写）：默认为项目名称加“");
    let _ = writeln!(out, "{}”\n# title = \"\"", form.title_suffix);
    let fields = |group: Option<&'static str>| {
        form.fields
            .iter()
            .filter(move |f| match (group, f.path.as_slice()) {
                (None, [_]) => true,
                (Some(g), [first, _]) => *first == g,
                _ => false,
            })
    };
    for f in fields(None) {
        out.push_str(&field_lines(f, values.get(f.key)));
    }
    let mut groups: Vec<&str> = form
        .fields
        .iter()
        .filter(|f| f.path.len() == 2)
        .map(|f| f.path[0])
        .collect();
    groups.dedup();
    for g in groups {
        let _ = write!(out, "\n# {}\n[{g}]\n", form.group_label(g));
        let table = values.get(g).and_then(toml::Value::as_table);
        for f in fields(Some(g)) {
            out.push_str(&field_lines(f, table.and_then(|t| t.get(f.path[1]))));
        }
    }
    for t in &form.tables {
        out.push_str(&table_lines(form, t, values.get(t.key)));
    }
    out
}

/// The comment and line of one field.
fn field_lines(f: &Field, value: Option<&toml::Value>) -> String {
    let own = placeholder(f.need, f.kind);
    let value = value.or(own.as_ref());
    let mut out = comment(&f.label, f.need, f.kind);
    if f.role == Some(Role::Goal) {
        out.push_str("# （其中的年份应为预算年度）\n");
    }
    out + &line(f.path[f.path.len() - 1], value, f.kind)
}

/// The rows of a row table: every example row, or for the indicator table
/// the first row of each 一级指标; the first row's keys are commented.
fn table_lines(form: &Form, t: &TableDef, value: Option<&toml::Value>) -> String {
    let rows: Vec<&toml::Table> = value
        .and_then(toml::Value::as_array)
        .map(|a| a.iter().filter_map(toml::Value::as_table).collect())
        .unwrap_or_default();
    let rows = match (t.kind, t.role_key(Role::Level1)) {
        (TableKind::Indicators, Some(level1)) => {
            let mut seen = Vec::new();
            rows.into_iter()
                .filter(|r| {
                    let l = r.get(level1).and_then(toml::Value::as_str).unwrap_or("");
                    let first = !seen.contains(&l);
                    seen.push(l);
                    first
                })
                .collect()
        }
        _ => rows,
    };
    let mut out = format!(
        "\n# {}：每行写一个 [[{}]]\n",
        t.label.replace('\n', ""),
        t.key
    );
    if t.kind == TableKind::Indicators
        && let Some(tax) = form.taxonomies.first()
    {
        let names: Vec<&str> = tax.levels.iter().map(|l| l.name.as_str()).collect();
        let _ = writeln!(out, "# 一级指标可写：{}（{}）", names.join("、"), tax.title);
    }
    let from_taxonomy = match rows.is_empty() {
        true => taxonomy_rows(form, t),
        false => Vec::new(),
    };
    let empty = toml::Table::new();
    let rows = match (rows.is_empty(), from_taxonomy.is_empty()) {
        (false, _) => rows,
        (true, false) => from_taxonomy.iter().collect(),
        (true, true) => vec![&empty],
    };
    for (j, r) in rows.iter().enumerate() {
        let _ = writeln!(out, "[[{}]]", t.key);
        for c in t.columns.iter().filter(|c| c.auto.is_none()) {
            out.push_str(&cell_lines(c, r.get(c.key), j == 0));
        }
    }
    out
}

/// For a form without an example (a project's own), the indicator table's
/// rows from its first taxonomy: one per 一级 with its first 二级, so the
/// starter names them as the form's checks want (J101, J102).
fn taxonomy_rows(form: &Form, t: &TableDef) -> Vec<toml::Table> {
    let (Some(tax), Some(level1)) = (form.taxonomies.first(), t.role_key(Role::Level1)) else {
        return Vec::new();
    };
    if t.kind != TableKind::Indicators {
        return Vec::new();
    }
    let level2 = t.role_key(Role::Level2);
    let text = |s: &str| toml::Value::String(s.to_string());
    let row = |l: &crate::input::form::Level| {
        let mut r = toml::Table::new();
        r.insert(level1.to_string(), text(&l.name));
        let child = l.children.first().map(|c| c.split('|').next().unwrap_or(c));
        if let (Some(k), Some(c)) = (level2, child) {
            r.insert(k.to_string(), text(c));
        }
        r
    };
    tax.levels.iter().filter(|l| l.required).map(row).collect()
}

/// One cell of a row, under its comment in the first row.
fn cell_lines(c: &Column, value: Option<&toml::Value>, first: bool) -> String {
    let own = placeholder(c.need, c.kind);
    let value = value.or(own.as_ref());
    match (first, value) {
        (true, _) => comment(&c.label, c.need, c.kind) + &line(c.key, value, c.kind),
        (false, Some(v)) => format!("{} = {v}\n", c.key),
        (false, None) => String::new(),
    }
}
