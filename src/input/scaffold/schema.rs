//! JSON Schemas (draft 2020-12) of the data files, with Chinese titles and
//! descriptions, for editors (Even Better TOML / Taplo complete keys and
//! show the help): `document.toml` from the serde model (schemars), each
//! project form's file from the form's fields, tables and taxonomies.

use std::path::{Path, PathBuf};

use schemars::JsonSchema;
use serde_json::{Map, Value, json};

use crate::input::form::{Column, DEFAULT_FORM, Field, Form, Kind, Need, Registry, Role, TableDef};
use crate::input::model::{DOCUMENT_KEYS, DocKey, Document, Holds};
use crate::input::stamp::DocDate;
use crate::report::diag::{Diagnostic, Result, display_path, io_error};

/// The schema file of `document.toml`.
pub(crate) const DOCUMENT_SCHEMA: &str = "document.schema.json";
/// The folder of the schema files inside the project's `templates/`.
pub(crate) const SCHEMA_DIR: &str = "schema";

/// The schema file of project files of form `form`.
pub(crate) fn project_schema_name(form: &str) -> String {
    format!("project.{form}.schema.json")
}

impl JsonSchema for DocDate {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "DocDate".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        // Editors hand a TOML date to the validator as its text, so a
        // schema cannot tell `date = 2025-01-20` from the quoted string
        // the loader refuses; the description says to leave the quotes off.
        schemars::json_schema!({ "type": "string", "format": "date" })
    }
}

/// Help for keys of `document.toml` beyond their Chinese names (from
/// data/FORMAT.md), by key path (`goals[].title` for a key of `[[goals]]`).
const DOCUMENT_HELP: &[(&str, &str)] = &[
    ("year", "四位数，2000–2100，例如 2026"),
    ("department", "印在封面，也是 PDF 的作者"),
    ("unit_code", "印在每张项目表上方"),
    ("unit_name", "印在单位编码之后"),
    ("money_unit", "印作“单位：万元”；可不写，默认“万元”"),
    (
        "date",
        "不加引号的 TOML 日期，如 2025-01-20：PDF 的创建日期；可不写",
    ),
    (
        "overall",
        "一行一段的文本；或分几部分写成 [[overall]] 表（title 小标题、text 正文）",
    ),
    (
        "cover",
        "title 标题（默认“{year}年部门预算绩效文本”），lines 标题下的文字",
    ),
    ("goals", "每项一个 [[goals]]，按顺序编号（一）（二）……"),
    ("goals[].title", "印在（一）之后"),
    ("goals[].target", "“绩效目标：”后的段落"),
    ("goals[].indicator", "“绩效指标：”后的段落"),
    (
        "measures",
        "每项一个 [[measures]]，按顺序编号（一）（二）……",
    ),
    ("measures[].lead", "印作楷体"),
    ("measures[].text", "第一段接在首句之后"),
    (
        "form",
        "没写 form 的项目表所用的表样（默认 hebei；jixiao forms 列出全部表样）",
    ),
    (
        "labels",
        "改写所有项目表中的固定文字，键为表样的文字键（jixiao forms NAME 列出）",
    ),
    ("style", "版式和字体，见 README“Style and fonts”"),
    (
        "style.preset",
        "reference：已发布文本的版式（默认）；gb9704：严格的 22 × 28 版心",
    ),
    ("style.body_size", "正文字号，单位 pt"),
    ("style.line_pitch", "行距（基线到基线），单位 pt"),
    ("style.table_size", "表格字号，单位 pt"),
    ("style.system_fonts", "true：也使用本机安装的字体"),
    (
        "style.continued_mark",
        "true：跨页的一级指标在续页上写作“产出指标（续）”",
    ),
    (
        "style.continued_table",
        "true：跨页表格在续页的表头上方加“续表”",
    ),
    (
        "style.duplex",
        "true：双面打印，目录和各部分从右页（奇数页）起，必要时插入不印页码的空白页",
    ),
    (
        "style.duplex_tables",
        "true：双面打印时每张项目绩效目标表也从右页起（需同时设 duplex = true）",
    ),
    (
        "style.fonts",
        "各角色的字体名（Typst 所知的英文名，如 FangSong_GB2312）",
    ),
    ("check", "jixiao check 的设置"),
    (
        "check.profile",
        "A（财预〔2015〕88号，默认）或 B（财预〔2021〕101号）",
    ),
    (
        "check.allow",
        "整篇文本不检查的规则代码，例如 [\"J604\"]（jixiao rules 列出全部）",
    ),
];

/// The schema of `document.toml`: the serde model's, every description
/// replaced by the Chinese name and help of its key.
pub(crate) fn document_schema(forms: &Registry) -> Value {
    let settings = schemars::generate::SchemaSettings::draft2020_12().with(|s| {
        s.inline_subschemas = true;
    });
    let schema = settings.into_generator().into_root_schema_for::<Document>();
    let mut v = schema.to_value();
    strip_descriptions(&mut v);
    annotate(&mut v, DOCUMENT_KEYS, "");
    let root = v.as_object_mut().expect("a root schema is an object");
    root.insert("title".into(), json!("部门预算绩效文本 document.toml"));
    root.insert(
        "description".into(),
        json!("封面和第一部分（总体、分项绩效目标，工作保障措施）；写法见 jixiao guide"),
    );
    if let Some(props) = root.get_mut("properties").and_then(Value::as_object_mut) {
        refine_document(props, forms);
    }
    root.insert("allOf".into(), profile_rules(forms));
    v
}

/// `[check] profile` must name a taxonomy of the document's form (its
/// `form`, else hebei), as the loader demands: one `if`/`then` per form
/// with indicators. (The loader also holds it to the project files' own
/// forms, which the document's schema cannot see.)
fn profile_rules(forms: &Registry) -> Value {
    let mut rules = Vec::new();
    for name in forms.names() {
        let Some(form) = forms.get(name).filter(|f| f.indicators().is_some()) else {
            continue;
        };
        let names: Vec<&str> = form.taxonomies.iter().map(|t| t.name.as_str()).collect();
        let named = json!({ "properties": { "form": { "const": name } }, "required": ["form"] });
        let cond = match name == DEFAULT_FORM {
            true => json!({ "anyOf": [named, { "not": { "required": ["form"] } }] }),
            false => named,
        };
        let then = json!({ "properties": { "check": { "properties": { "profile": { "enum": names } } } } });
        rules.push(json!({ "if": cond, "then": then }));
    }
    Value::Array(rules)
}

/// Choices the serde model cannot know: form names, label keys of every
/// form, taxonomy names, rule codes and style presets.
fn refine_document(props: &mut Map<String, Value>, forms: &Registry) {
    let all: Vec<&Form> = forms
        .names()
        .iter()
        .filter_map(|n| forms.get(n))
        .map(|f| &**f)
        .collect();
    set(props, &["form"], "enum", json!(forms.names()));
    let labels = labels_schema(&all);
    if let Some(l) = props.get_mut("labels").and_then(Value::as_object_mut) {
        l.insert("properties".into(), labels);
        l.insert("additionalProperties".into(), json!({ "type": "string" }));
    }
    let mut profiles: Vec<&str> = all
        .iter()
        .flat_map(|f| &f.taxonomies)
        .map(|t| t.name.as_str())
        .collect();
    profiles.sort_unstable();
    profiles.dedup();
    set(props, &["check", "profile"], "enum", json!(profiles));
    set(props, &["check", "allow"], "items", rule_codes());
    set(
        props,
        &["style", "preset"],
        "enum",
        json!(["reference", "gb9704"]),
    );
}

/// Sets `key` of the property schema at `path` (through nested objects).
fn set(props: &mut Map<String, Value>, path: &[&str], key: &str, value: Value) {
    let Some((first, rest)) = path.split_first() else {
        return;
    };
    let Some(p) = props.get_mut(*first).and_then(Value::as_object_mut) else {
        return;
    };
    if rest.is_empty() {
        p.remove("type");
        if key == "items" {
            p.insert("type".into(), json!("array"));
        }
        p.insert(key.into(), value);
    } else if let Some(sub) = p.get_mut("properties").and_then(Value::as_object_mut) {
        set(sub, rest, key, value);
    }
}

/// The schema of one rule code.
fn rule_codes() -> Value {
    let codes = crate::rules::RULES.iter().map(|r| r.code);
    let codes: Vec<&str> = codes.filter(|c| crate::rules::allowable(c)).collect();
    json!({ "enum": codes })
}

/// Every label key of `forms` with its default label.
fn labels_schema(forms: &[&Form]) -> Value {
    let mut out = Map::new();
    for f in forms {
        for (k, label) in f.label_keys() {
            out.entry(k.to_string()).or_insert_with(|| {
                json!({ "type": "string", "title": label, "description": format!("“{label}”的改写") })
            });
        }
    }
    Value::Object(out)
}

/// Removes what the serde model says that a TOML file cannot use: every
/// `description` (the model's English doc comments), `null` as a type
/// (TOML has none: an absent key is the `None`), and table defaults
/// (they spell absent keys as `null`).
fn strip_descriptions(v: &mut Value) {
    match v {
        Value::Object(m) => {
            m.remove("description");
            if m.get("default").is_some_and(Value::is_object) {
                m.remove("default");
            }
            if let Some(Value::Array(types)) = m.get_mut("type") {
                types.retain(|t| t != "null");
                if let [one] = types.as_slice() {
                    let one = one.clone();
                    m.insert("type".into(), one);
                }
            }
            if let Some(Value::Array(branches)) = m.get_mut("anyOf") {
                branches.retain(|b| b != &json!({ "type": "null" }));
            }
            m.values_mut().for_each(strip_descriptions);
        }
        Value::Array(a) => a.iter_mut().for_each(strip_descriptions),
        _ => {}
    }
}

/// The object schemas `v` stands for: itself, its array items, the
/// branches of `anyOf`/`oneOf`.
fn objects(v: &mut Value) -> Vec<&mut Map<String, Value>> {
    let Value::Object(m) = v else {
        return Vec::new();
    };
    if m.contains_key("properties") {
        return vec![m];
    }
    let mut out = Vec::new();
    for (k, sub) in m.iter_mut() {
        match (k.as_str(), sub) {
            ("items", s) => out.extend(objects(s)),
            ("anyOf" | "oneOf", Value::Array(a)) => {
                a.iter_mut().for_each(|s| out.extend(objects(s)))
            }
            _ => {}
        }
    }
    out
}

/// Gives each key of `keys` in the object schemas of `v` its Chinese title
/// and description.
fn annotate(v: &mut Value, keys: &[DocKey], within: &str) {
    for obj in objects(v) {
        let Some(props) = obj.get_mut("properties").and_then(Value::as_object_mut) else {
            continue;
        };
        for k in keys {
            let Some(Value::Object(p)) = props.get_mut(k.key) else {
                continue;
            };
            let path = format!("{within}{}", k.key);
            let help = DOCUMENT_HELP.iter().find(|(h, _)| *h == path);
            let description = match (help, k.required) {
                (Some((_, h)), Some(_)) => format!("{}（必填）：{h}", k.zh),
                (Some((_, h)), None) => format!("{}：{h}", k.zh),
                (None, Some(_)) => format!("{}（必填）", k.zh),
                (None, None) => k.zh.to_string(),
            };
            p.insert("title".into(), json!(k.zh));
            p.insert("description".into(), json!(description));
            let mut sub = Value::Object(std::mem::take(p));
            match &k.holds {
                Holds::Table(keys) => annotate(&mut sub, keys, &format!("{path}.")),
                Holds::Tables(keys) => annotate(&mut sub, keys, &format!("{path}[].")),
                Holds::Value | Holds::Open => {}
            }
            *p = match sub {
                Value::Object(m) => m,
                _ => Map::new(),
            };
        }
    }
}

/// What must or may be written, in words.
fn need_zh(need: Need) -> &'static str {
    match need {
        Need::Required => "必填",
        Need::Recommended => "建议填写",
        Need::Optional => "可不填",
    }
}

/// The schema of one value of `kind`, titled `label`.
fn value_schema(label: &str, kind: Kind, need: Need, extra: &str) -> Value {
    let how = match kind {
        Kind::Text => "文本",
        Kind::Money => "金额：数字或带英文双引号的数字，如 \"117.26\"，不带单位",
        Kind::Percent => "百分比：数字，不带 % 号，如 25 或 \"62.5\"",
        Kind::Date => "日期：2025-01-20、2025年1月20日 或 2025年1月",
        Kind::Period => "期间：2025.07–2026.06 或 2025年7月至2026年6月",
    };
    let description = format!("{label}（{}）：{how}{extra}", need_zh(need));
    let mut v = json!({ "title": label, "description": description });
    let m = v.as_object_mut().expect("an object");
    if kind.is_amount() {
        m.insert("type".into(), json!(["number", "string"]));
        m.insert(
            "pattern".into(),
            json!(r"^\s*[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)\s*$"),
        );
    } else {
        m.insert("type".into(), json!("string"));
    }
    v
}

/// What the rules do with a slot of `role`, for its description.
fn role_zh(role: Option<Role>) -> &'static str {
    match role {
        Some(Role::Code) => "；同一文本内不得重复",
        Some(Role::Total) => "；须等于各组成部分之和",
        Some(Role::Goal) => "；其中的年份应为预算年度",
        Some(Role::Level2) => "；应属于其一级指标",
        Some(Role::Value) => "；时效指标中的年份应为预算年度",
        _ => "",
    }
}

fn field_schema(f: &Field) -> Value {
    value_schema(&f.label, f.kind, f.need, role_zh(f.role))
}

/// The schema of a column; a 一级指标 column lists the taxonomies' 一级.
fn column_schema(form: &Form, c: &Column) -> Value {
    let mut v = value_schema(&c.label, c.kind, c.need, role_zh(c.role));
    if c.role == Some(Role::Level1) {
        let mut names: Vec<&str> = form
            .taxonomies
            .iter()
            .flat_map(|t| &t.levels)
            .flat_map(|l| std::iter::once(&l.name).chain(&l.also))
            .map(String::as_str)
            .collect();
        names.sort_unstable();
        names.dedup();
        v["enum"] = json!(names);
    }
    v
}

/// An object schema of `props`, closed, with its required keys.
fn object(
    title: &str,
    description: String,
    props: Map<String, Value>,
    required: Vec<String>,
) -> Value {
    json!({
        "type": "object",
        "title": title,
        "description": description,
        "properties": props,
        "required": required,
        "additionalProperties": false,
    })
}

/// The schema of a project file of `form`: its fields (grouped as
/// `[budget]`), its row tables with their columns, `title`, `[labels]`
/// and `[check]`.
pub(crate) fn project_schema(form: &Form) -> Value {
    let mut props = fixed_props(form);
    let mut required = Vec::new();
    for f in &form.fields {
        add_field(form, f, &mut props, &mut required);
    }
    for t in &form.tables {
        props.insert(t.key.into(), table_schema(form, t));
    }
    let about = format!(
        "{}（表样 {}）；jixiao forms {} 列出全部字段",
        form.title, form.name, form.name
    );
    let mut v = object(&form.title, about, props, required);
    v["$schema"] = json!("https://json-schema.org/draft/2020-12/schema");
    v
}

/// The keys every project file may have whatever its form: `form`,
/// `title`, `[labels]` (the form's label keys) and `[check]`.
fn fixed_props(form: &Form) -> Map<String, Value> {
    let mut props = Map::new();
    let about = format!(
        "表样：{}（{}）；不写则用 document.toml 的 form，再不写用 hebei",
        form.name, form.title
    );
    props.insert(
        "form".into(),
        json!({ "title": "表样", "description": about, "const": form.name }),
    );
    let about = format!(
        "表名（可不写）：默认为项目名称加“{}”；其中的年份、金额须与预算年度、预算数一致",
        form.title_suffix
    );
    props.insert(
        "title".into(),
        json!({ "type": "string", "title": "表名", "description": about }),
    );
    let labels = labels_schema(&[form])
        .as_object()
        .cloned()
        .unwrap_or_default();
    let labels = object("固定文字", "改写本表的固定文字".into(), labels, Vec::new());
    props.insert("labels".into(), labels);
    let mut check = Map::new();
    let about = "本表不检查的规则代码，例如 [\"J605\"]";
    check.insert(
        "allow".into(),
        json!({ "type": "array", "title": "不检查的规则代码", "description": about, "items": rule_codes() }),
    );
    let check = object("检查设置", "本表的检查设置".into(), check, Vec::new());
    props.insert("check".into(), check);
    props
}

/// The schema of a row table: an array of closed rows of its data columns.
fn table_schema(form: &Form, t: &TableDef) -> Value {
    let cols = t.columns.iter().filter(|c| c.auto.is_none());
    let row_props: Map<String, Value> = cols
        .clone()
        .map(|c| (c.key.to_string(), column_schema(form, c)))
        .collect();
    let row_required = cols
        .filter(|c| c.need == Need::Required)
        .map(|c| c.key.to_string())
        .collect();
    let row = object(
        &t.label,
        format!("{}的一行", t.label),
        row_props,
        row_required,
    );
    let description = format!("{}：每行写一个 [[{}]] 表", t.label, t.key);
    json!({ "type": "array", "title": t.label, "description": description, "items": row })
}

/// Adds a field to the top-level properties, inside its group's table
/// (`[budget]`) when its key has two parts.
fn add_field(form: &Form, f: &Field, props: &mut Map<String, Value>, required: &mut Vec<String>) {
    let need = f.need == Need::Required;
    let [group, key] = f.path.as_slice() else {
        props.insert(f.key.into(), field_schema(f));
        if need {
            required.push(f.key.into());
        }
        return;
    };
    let label = form.group_label(group);
    let entry = props.entry(group.to_string()).or_insert_with(|| {
        object(
            &label,
            format!("[{group}] 表：{label}"),
            Map::new(),
            Vec::new(),
        )
    });
    entry["properties"][*key] = field_schema(f);
    if need {
        if let Some(r) = entry["required"].as_array_mut() {
            r.push(json!(key));
        }
        if !required.iter().any(|r| r == group) {
            required.push(group.to_string());
        }
    }
}

/// Every schema file: `document.schema.json` and one per form, as (file
/// name, JSON text).
pub(crate) fn all(forms: &Registry) -> Vec<(String, String)> {
    let pretty = |v: &Value| serde_json::to_string_pretty(v).expect("a schema serialises") + "\n";
    let mut out = vec![(DOCUMENT_SCHEMA.to_string(), pretty(&document_schema(forms)))];
    for name in forms.names() {
        if let Some(f) = forms.get(name) {
            out.push((project_schema_name(name), pretty(&project_schema(f))));
        }
    }
    out
}

/// Writes the schema files into `dir` (created if missing), each through
/// a new temporary file renamed into place; a `dir` that is a link (or,
/// inside the project `within`, has one on its way), or a schema file that
/// is a link or not a regular file, is refused, so the writing never
/// leaves the folder. Returns the paths written (a file already holding
/// its text is not).
pub(crate) fn write(
    dir: &Path,
    files: &[(String, String)],
    within: Option<&Path>,
) -> Result<Vec<PathBuf>> {
    let link = match within {
        Some(root) => crate::input::confine::link_inside(root, dir),
        None => dir
            .symlink_metadata()
            .is_ok_and(|m| m.file_type().is_symlink())
            .then(|| dir.to_path_buf()),
    };
    if let Some(link) = link {
        return Err(Diagnostic::error(format!(
            "“{}”是链接，JSON Schema 不会写到链接指向的地方",
            display_path(&link)
        ))
        .with_hint("请把它换成普通文件夹，或删除它后重试")
        .into());
    }
    std::fs::create_dir_all(dir).map_err(|e| io_error("创建文件夹", dir, &e))?;
    let mut written = Vec::new();
    for (name, text) in files {
        let path = dir.join(name);
        // One already as it would be written is left alone (a read-only
        // copy in a shared project does not fail `new`); a link is never
        // read, replace_file refuses it.
        let same = super::refuse_non_file(&path).is_ok()
            && std::fs::metadata(&path).is_ok_and(|m| m.len() == text.len() as u64)
            && std::fs::read(&path).is_ok_and(|old| old == text.as_bytes());
        if !same {
            super::replace_file(&path, text.as_bytes())
                .map_err(|e| io_error("写入文件", &path, &e))?;
            written.push(path);
        }
    }
    Ok(written)
}
