//! The data model: serde types for one 部门预算绩效文本, strict about keys.

use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;
use schemars::JsonSchema;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::input::locate::Place;
use crate::input::locate::Seg::{Index, Key};

pub mod project;

pub use project::{Labels, Project, Row, Value, label_texts};

/// One whole document: the contents of `document.toml` plus its projects.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Document {
    /// 预算年度, e.g. 2025.
    #[serde(deserialize_with = "budget_year")]
    #[schemars(range(min = 2000, max = 2100))]
    pub year: i32,
    /// 部门名称, shown on the cover and as PDF author.
    pub department: String,
    /// 单位编码, printed above every table.
    pub unit_code: String,
    /// 单位名称, printed after the unit code.
    pub unit_name: String,
    /// 金额单位, printed as "单位：万元".
    #[serde(default = "default_money_unit")]
    pub money_unit: String,
    /// 发布/编制日期: the PDF's creation date and Typst's `datetime.today()`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<crate::input::stamp::DocDate>,
    /// 一、总体绩效目标: paragraphs, or parts under numbered sub-headings.
    #[serde(default)]
    pub overall: Overall,
    /// The cover page.
    #[serde(default)]
    pub cover: Cover,
    /// 二、分项绩效目标.
    #[serde(default)]
    pub goals: Vec<Goal>,
    /// 三、工作保障措施.
    #[serde(default)]
    pub measures: Vec<Measure>,
    /// The form of tables whose file names none (default "hebei").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub form: Option<String>,
    /// Overrides of the fixed table labels for every table.
    #[serde(default, skip_serializing_if = "Labels::is_empty")]
    pub labels: Labels,
    /// Layout and font settings.
    #[serde(default)]
    pub style: Style,
    /// Settings of `jixiao check` for this document.
    #[serde(default)]
    pub check: CheckSettings,
    /// 第二部分: the project tables, read from `projects/*.toml`.
    #[serde(skip)]
    pub projects: Vec<Project>,
}

impl Document {
    /// A place named in Chinese for a reader without the file at hand
    /// (the diff's findings): 分项绩效目标第 2 项的绩效目标, 绩效目标, 绩效指标第
    /// 3 行的指标值. A key it does not know is shown as written.
    pub fn describe(&self, place: &Place) -> String {
        use crate::input::locate::FileRef;
        let words = match place.file {
            FileRef::Document => describe_doc(DOCUMENT_KEYS, &place.path),
            FileRef::Project(n) => match self.projects.get(n) {
                Some(p) => describe_project(p, &place.path),
                None => Vec::new(),
            },
        };
        if words.is_empty() {
            place.to_string()
        } else {
            words.concat()
        }
    }

    /// Every user string with its place in the data, for checks.
    pub fn texts(&self) -> Vec<(Place, &str)> {
        let mut out: Vec<(Place, &str)> = vec![
            (Place::doc(&[Key("department")]), &self.department),
            (Place::doc(&[Key("unit_name")]), &self.unit_name),
            (Place::doc(&[Key("unit_code")]), &self.unit_code),
            (Place::doc(&[Key("money_unit")]), &self.money_unit),
        ];
        match &self.overall {
            Overall::Text(t) => out.push((Place::doc(&[Key("overall")]), t)),
            Overall::Parts(parts) => {
                for (i, part) in parts.iter().enumerate() {
                    let at = |k| Place::doc(&[Key("overall"), Index(i), Key(k)]);
                    out.extend([(at("title"), part.title.as_str()), (at("text"), &part.text)]);
                }
            }
        }
        if let Some(t) = &self.cover.title {
            out.push((Place::doc(&[Key("cover"), Key("title")]), t));
        }
        for (i, t) in self.cover.lines.iter().enumerate() {
            out.push((Place::doc(&[Key("cover"), Key("lines"), Index(i)]), t));
        }
        for (i, g) in self.goals.iter().enumerate() {
            let at = |k| Place::doc(&[Key("goals"), Index(i), Key(k)]);
            out.extend([
                (at("title"), g.title.as_str()),
                (at("target"), &g.target),
                (at("indicator"), &g.indicator),
            ]);
        }
        for (i, m) in self.measures.iter().enumerate() {
            let at = |k| Place::doc(&[Key("measures"), Index(i), Key(k)]);
            out.extend([(at("lead"), m.lead.as_str()), (at("text"), &m.text)]);
        }
        out.extend(label_texts(&self.labels, Place::doc(&[Key("labels")])));
        for (i, p) in self.projects.iter().enumerate() {
            p.texts(i, &mut out);
        }
        out
    }
}

/// One key of `document.toml` as the loader checks it before serde reads
/// the file, so that every unknown and missing key is reported in one run.
/// [`DOCUMENT_KEYS`] lists exactly the serde fields (a test checks).
#[derive(Debug)]
pub(crate) struct DocKey {
    /// The key as written.
    pub key: &'static str,
    /// Its Chinese name, shown beside the key in messages.
    pub zh: &'static str,
    /// For a key that must be present: an example value for the hint.
    pub required: Option<&'static str>,
    /// What the value holds.
    pub holds: Holds,
}

/// What the value of a [`DocKey`] holds.
#[derive(Debug)]
pub(crate) enum Holds {
    /// A plain value; its type is checked by serde.
    Value,
    /// A table with these keys (`[cover]`).
    Table(&'static [DocKey]),
    /// An array of tables with these keys (`[[goals]]`); another kind of
    /// value (`overall = "…"`) is left to serde.
    Tables(&'static [DocKey]),
    /// A table whose keys are checked later, by the forms in use (`[labels]`).
    Open,
}

const fn opt(key: &'static str, zh: &'static str) -> DocKey {
    DocKey {
        key,
        zh,
        required: None,
        holds: Holds::Value,
    }
}

const fn req(key: &'static str, zh: &'static str, example: &'static str) -> DocKey {
    DocKey {
        key,
        zh,
        required: Some(example),
        holds: Holds::Value,
    }
}

const fn sub(key: &'static str, zh: &'static str, holds: Holds) -> DocKey {
    DocKey {
        key,
        zh,
        required: None,
        holds,
    }
}

/// The Chinese words of a path in `document.toml` under `keys`.
fn describe_doc(keys: &[DocKey], path: &[crate::input::locate::Seg]) -> Vec<String> {
    let Some((Key(first), rest)) = path.split_first() else {
        return Vec::new();
    };
    let Some(k) = keys.iter().find(|k| k.key == *first) else {
        return vec![first.to_string()];
    };
    let mut out = vec![k.zh.to_string()];
    let (inner, rest) = match (&k.holds, rest.split_first()) {
        (Holds::Tables(inner), Some((Index(i), rest))) => {
            out.push(format!("第 {} 项", i + 1));
            (*inner, rest)
        }
        (Holds::Table(inner), _) => (*inner, rest),
        _ => return out,
    };
    let more = describe_doc(inner, rest);
    if !more.is_empty() {
        out.push("的".into());
        out.extend(more);
    }
    out
}

/// The Chinese words of a path in a project file: its form's labels.
fn describe_project(p: &Project, path: &[crate::input::locate::Seg]) -> Vec<String> {
    let keys: Vec<&str> = path
        .iter()
        .filter_map(|s| match s {
            Key(k) => Some(*k),
            Index(_) => None,
        })
        .collect();
    if let Some(f) = p.form.field(&keys.join(".")) {
        return vec![f.label.replace('\n', "")];
    }
    match path {
        [Key(t), Index(i), Key(c), ..] => match p.form.table(t) {
            Some(table) => {
                let column = table.columns.iter().find(|col| col.key == *c);
                let column = column.map_or(c.to_string(), |col| col.label.replace('\n', ""));
                let table = table.label.replace('\n', "");
                vec![format!("{table}第 {} 行的{column}", i + 1)]
            }
            None => Vec::new(),
        },
        _ => Vec::new(),
    }
}

/// The keys of `document.toml`, in the order of [`Document`].
pub(crate) const DOCUMENT_KEYS: &[DocKey] = &[
    req("year", "预算年度", "2025"),
    req("department", "部门名称", "\"某某局\""),
    req("unit_code", "单位编码", "\"154001\""),
    req("unit_name", "单位名称", "\"某某局本级\""),
    opt("money_unit", "金额单位"),
    opt("date", "编制日期"),
    sub("overall", "总体绩效目标", Holds::Tables(OVERALL_PART_KEYS)),
    sub("cover", "封面", Holds::Table(COVER_KEYS)),
    sub("goals", "分项绩效目标", Holds::Tables(GOAL_KEYS)),
    sub("measures", "工作保障措施", Holds::Tables(MEASURE_KEYS)),
    opt("form", "表样"),
    sub("labels", "固定文字", Holds::Open),
    sub("style", "版式", Holds::Table(STYLE_KEYS)),
    sub("check", "检查设置", Holds::Table(CHECK_KEYS)),
];

/// The keys of one `[[overall]]` part ([`OverallPart`]).
const OVERALL_PART_KEYS: &[DocKey] = &[
    req("title", "小标题", "\"年度总体目标\""),
    opt("text", "正文"),
];

/// The keys of `[cover]` ([`Cover`]).
const COVER_KEYS: &[DocKey] = &[opt("title", "封面标题"), opt("lines", "标题下的文字")];

/// The keys of one `[[goals]]` ([`Goal`]).
const GOAL_KEYS: &[DocKey] = &[
    req("title", "标题", "\"……\""),
    opt("target", "绩效目标"),
    opt("indicator", "绩效指标"),
];

/// The keys of one `[[measures]]` ([`Measure`]).
const MEASURE_KEYS: &[DocKey] = &[req("lead", "首句", "\"……\""), opt("text", "正文")];

/// The keys of `[style]` ([`Style`]).
const STYLE_KEYS: &[DocKey] = &[
    opt("preset", "版式预设"),
    opt("body_size", "正文字号"),
    opt("line_pitch", "行距"),
    opt("table_size", "表格字号"),
    sub("fonts", "字体", Holds::Table(FONT_KEYS)),
    opt("system_fonts", "使用本机字体"),
    opt("continued_mark", "续页一级指标加（续）"),
    opt("continued_table", "续页表头上加“续表”"),
    opt("duplex", "双面打印"),
    opt("duplex_tables", "双面打印时每张表从右页起"),
];

/// The keys of `[style.fonts]` ([`FontRoles`]).
const FONT_KEYS: &[DocKey] = &[
    opt("title", "标题字体"),
    opt("heading", "一级标题字体"),
    opt("subheading", "二级标题字体"),
    opt("body", "正文字体"),
    opt("table", "表格字体"),
    opt("page_number", "页码字体"),
];

/// The keys of `[check]` ([`CheckSettings`]).
const CHECK_KEYS: &[DocKey] = &[opt("profile", "指标体系"), opt("allow", "不检查的规则代码")];

/// The budget years a document may have: anything else is a typo (`-1`,
/// `0`, `20250`) that would otherwise print on the cover.
pub const YEARS: std::ops::RangeInclusive<i32> = 2000..=2100;

/// Reads `year`, refusing years outside [`YEARS`] with a located message.
fn budget_year<'de, D: Deserializer<'de>>(d: D) -> Result<i32, D::Error> {
    // i128 so that a huge number is reported as out of range, not overflow.
    let y = i128::deserialize(d)?;
    i32::try_from(y)
        .ok()
        .filter(|y| YEARS.contains(y))
        .ok_or_else(|| {
            serde::de::Error::custom(crate::report::translate::with_hint(
                &format!("预算年度 {y} 不在 {}–{} 年之间", YEARS.start(), YEARS.end()),
                "请写四位数的预算年度，例如 year = 2025",
            ))
        })
}

fn default_money_unit() -> String {
    "万元".into()
}

/// 一、总体绩效目标: one text, or parts each under a "（一）" sub-heading.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum Overall {
    /// `overall = "…"`: one paragraph per line.
    Text(String),
    /// `[[overall]]`: numbered parts in order.
    Parts(Vec<OverallPart>),
}

impl Default for Overall {
    fn default() -> Self {
        Self::Text(String::new())
    }
}

/// One numbered part of 总体绩效目标.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OverallPart {
    /// Sub-heading text after "（一）", printed in 楷体.
    pub title: String,
    /// Paragraphs under the sub-heading, one per line.
    #[serde(default)]
    pub text: String,
}

impl<'de> Deserialize<'de> for Overall {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(OverallVisitor)
    }
}

/// Reads `overall` as a string or an array of tables; a table keeps the
/// spans of its own keys, so an unknown key inside a part is located.
struct OverallVisitor;

impl Overall {
    /// Whether there is no text at all.
    pub fn is_empty(&self) -> bool {
        match self {
            Overall::Text(t) => t.trim().is_empty(),
            Overall::Parts(parts) => parts.is_empty(),
        }
    }
}

impl OverallVisitor {
    /// The located message for any other kind of value.
    fn wrong<E: serde::de::Error>(found: &str) -> E {
        E::custom(crate::report::translate::with_hint(
            &format!("总体绩效目标（overall）应为文本或 [[overall]] 表格数组，实际写的是{found}"),
            "写成 overall = \"……\"（一行一段），或分几部分写成 [[overall]] 表，\
             每个表有 title（小标题）和 text（正文），写法见 jixiao guide",
        ))
    }
}

impl<'de> serde::de::Visitor<'de> for OverallVisitor {
    type Value = Overall;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("文本或 [[overall]] 表格数组")
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Overall, E> {
        Ok(Overall::Text(v.to_string()))
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, seq: A) -> Result<Overall, A::Error> {
        let d = serde::de::value::SeqAccessDeserializer::new(seq);
        Vec::<OverallPart>::deserialize(d).map(Overall::Parts)
    }

    fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<Overall, E> {
        Err(Self::wrong(&format!(" {v}（true 或 false）")))
    }

    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Overall, E> {
        Err(Self::wrong(&format!(" {v}（整数）")))
    }

    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Overall, E> {
        Err(Self::wrong(&format!(" {v}（整数）")))
    }

    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Overall, E> {
        Err(Self::wrong(&format!(" {v}（数字）")))
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, _: A) -> Result<Overall, A::Error> {
        Err(Self::wrong("表或日期"))
    }
}

/// The cover page.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Cover {
    /// The title under the department name; default "{year}年部门预算绩效文本".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Extra lines under the title (e.g. "某某县财政局审核").
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub lines: Vec<String>,
}

/// One 分项绩效目标.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Goal {
    /// Heading text after "（一）".
    pub title: String,
    /// 绩效目标 paragraph(s).
    #[serde(default)]
    pub target: String,
    /// 绩效指标 paragraph(s).
    #[serde(default)]
    pub indicator: String,
}

/// One 工作保障措施.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Measure {
    /// Lead sentence after "（一）".
    pub lead: String,
    /// Body text; its first paragraph continues the lead's line.
    #[serde(default)]
    pub text: String,
}

/// Layout and font settings; every field is optional.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Style {
    /// "reference" (the published look, default) or "gb9704" (the strict grid).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preset: Option<String>,
    /// Body font size in pt.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body_size: Option<f64>,
    /// Distance between body baselines in pt.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line_pitch: Option<f64>,
    /// Font size inside tables in pt.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub table_size: Option<f64>,
    /// Font families per role.
    #[serde(default)]
    pub fonts: FontRoles,
    /// Also use the fonts installed on this computer.
    #[serde(default)]
    pub system_fonts: bool,
    /// Append "（续）" to a merged 一级指标 repeated on a continuation page.
    #[serde(default)]
    pub continued_mark: bool,
    /// Print "续表" above the header a table repeats on a continuation page.
    #[serde(default)]
    pub continued_table: bool,
    /// Duplex printing: the 目录 and each part start on a right-hand page.
    #[serde(default)]
    pub duplex: bool,
    /// With `duplex`, each 项目绩效目标表 starts on a right-hand page too.
    #[serde(default)]
    pub duplex_tables: bool,
}

/// Font family names per typographic role (GB/T 9704).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FontRoles {
    /// Title (小标宋).
    pub title: Option<String>,
    /// "一、" headings (黑体).
    pub heading: Option<String>,
    /// "（一）" headings (楷体).
    pub subheading: Option<String>,
    /// Body text (仿宋).
    pub body: Option<String>,
    /// Table cells (仿宋 by default).
    pub table: Option<String>,
    /// Page numbers (宋体).
    pub page_number: Option<String>,
}

/// `[check]` in `document.toml`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CheckSettings {
    /// The indicator taxonomy, by name (the form's first by default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile: Option<String>,
    /// Rule codes silenced for the whole document, e.g. `["J604"]`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub allow: Vec<String>,
}

/// `[check]` in a project file.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProjectCheck {
    /// Rule codes silenced for this table only.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub allow: Vec<String>,
}

/// An exact decimal as the user wrote it (money or percentage).
///
/// `Decimal` keeps the scale, so "6.20" prints as 6.20 and "6.2" as 6.2.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Amount(pub Decimal);

impl fmt::Display for Amount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl FromStr for Amount {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        let t = s.trim();
        if t.is_empty() {
            return Err("金额为空（不填请删除这一行，表中即为空白）".to_string());
        }
        if t.contains(['e', 'E', '_']) {
            return Err(format!("“{s}”不是数字"));
        }
        // `from_str` would round a 29th digit away (and `from_str_exact` says
        // so); a sum that no longer matches the user's text must not print.
        Decimal::from_str_exact(t).map(Amount).map_err(|_| {
            if is_plain_decimal(t) {
                inexact("金额", t, None)
            } else {
                format!("“{s}”不是数字")
            }
        })
    }
}

/// Whether `t` is written like a decimal number: sign, digits, one point.
fn is_plain_decimal(t: &str) -> bool {
    let body = t.strip_prefix(['-', '+']).unwrap_or(t);
    let (int, frac) = body.split_once('.').unwrap_or((body, ""));
    !(int.is_empty() && frac.is_empty())
        && int.chars().chain(frac.chars()).all(|c| c.is_ascii_digit())
}

/// The message for an amount that cannot be kept exactly as written.
fn inexact(what: &str, written: &str, becomes: Option<&str>) -> String {
    let becomes = becomes.map(|b| format!("，会变成 {b}")).unwrap_or_default();
    crate::report::translate::with_hint(
        &format!("{what} {written} 的位数太多，无法按原样精确保存{becomes}"),
        &format!(
            "金额请少写几位，并加英文双引号写成文本，例如 \"{}\"（文本最多 {MAX_DIGITS} 位有效数字；不加引号的小数最多 {FLOAT_DIGITS} 位）",
            shorter(written)
        ),
    )
}

/// Significant digits a quoted amount may have (what `Decimal` holds).
pub const MAX_DIGITS: usize = 28;
/// Significant digits an unquoted TOML float keeps exactly through `f64`.
pub const FLOAT_DIGITS: usize = 15;

/// `written` cut to two decimals, as an example of a shorter amount.
fn shorter(written: &str) -> String {
    match written.split_once('.') {
        Some((int, frac)) => format!("{int}.{}", frac.chars().take(2).collect::<String>()),
        None => written.chars().take(MAX_DIGITS).collect(),
    }
}

/// Significant digits of a plain decimal text ("0.0120" has 3).
fn significant_digits(t: &str) -> usize {
    let digits: String = t.chars().filter(char::is_ascii_digit).collect();
    let digits = digits.trim_start_matches('0');
    let digits = if t.contains('.') {
        digits
    } else {
        digits.trim_end_matches('0')
    };
    digits.len()
}

/// Checks a TOML float literal (as the parser decoded it, without `_`):
/// `Some(message)` when the `f64` it becomes is not the number written.
/// Every float of a data file is checked (a style size too), so the
/// message says 数字 and its hint speaks of amounts.
pub fn float_literal_problem(literal: &str, value: f64) -> Option<String> {
    if !value.is_finite() {
        return None;
    }
    let written = if literal.contains(['e', 'E']) {
        Decimal::from_scientific(literal).ok()
    } else {
        Decimal::from_str_exact(literal).ok()
    };
    let kept = Decimal::from_str_exact(&format!("{value}")).ok()?;
    (written != Some(kept)).then(|| inexact("数字", literal, Some(&format!("{value}"))))
}

impl Serialize for Amount {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0.to_string())
    }
}

impl<'de> Deserialize<'de> for Amount {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(AmountVisitor)
    }
}

struct AmountVisitor;

impl serde::de::Visitor<'_> for AmountVisitor {
    type Value = Amount;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("数字，例如 117.26 或 \"117.26\"")
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Amount, E> {
        v.parse().map_err(E::custom)
    }

    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Amount, E> {
        Ok(Amount(Decimal::from(v)))
    }

    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Amount, E> {
        Ok(Amount(Decimal::from(v)))
    }

    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Amount, E> {
        Amount::from_f64(v).map_err(E::custom)
    }
}

impl Amount {
    /// The amount a TOML float stands for, refusing one it cannot be exact.
    pub fn from_f64(v: f64) -> Result<Amount, String> {
        // Rust prints the shortest text that reads back as the same f64, which
        // is what the user typed for any money value of up to 15 digits; a
        // longer one may be a neighbour of what was typed (10.000000000000001
        // reads as 10.000000000000002), so it is refused. `load` compares
        // the literal text too, which catches long literals that round short.
        if !v.is_finite() {
            return Err("金额必须是有限的数字".into());
        }
        let shortest = format!("{v}");
        if significant_digits(&shortest) > FLOAT_DIGITS {
            return Err(inexact("金额", &shortest, None));
        }
        shortest.parse()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn places_are_described_in_chinese() {
        let mut doc: Document = toml::from_str(
            "year = 2025\ndepartment = 'x'\nunit_code = '1'\nunit_name = 'y'\noverall = 'z'",
        )
        .unwrap();
        let forms = crate::input::form::Registry::builtin();
        doc.projects
            .push(Project::new(forms.get("hebei").unwrap().clone()));
        let said = |p: Place| doc.describe(&p);
        assert_eq!(
            said(Place::doc(&[Key("goals"), Index(1), Key("target")])),
            "分项绩效目标第 2 项的绩效目标"
        );
        assert_eq!(
            said(Place::doc(&[Key("style"), Key("fonts"), Key("body")])),
            "版式的字体的正文字体"
        );
        assert_eq!(
            said(Place::project(0, &[Key("budget"), Key("total")])),
            "预算数"
        );
        assert_eq!(
            said(Place::project(
                0,
                &[Key("indicators"), Index(2), Key("value")]
            )),
            "绩效指标第 3 行的指标值"
        );
        assert_eq!(said(Place::project(0, &[Key("nothing")])), "nothing");
    }

    #[derive(Deserialize)]
    struct One {
        a: Amount,
    }

    fn amount(toml_value: &str) -> Result<Amount, String> {
        toml::from_str::<One>(&format!("a = {toml_value}"))
            .map(|o| o.a)
            .map_err(|e| e.to_string())
    }

    #[derive(Deserialize)]
    struct Doc {
        overall: Overall,
    }

    #[test]
    fn overall_is_text_or_numbered_parts() {
        let text: Doc = toml::from_str("overall = \"甲\\n乙\"").unwrap();
        assert_eq!(text.overall, Overall::Text("甲\n乙".into()));
        let parts: Doc = toml::from_str(
            "[[overall]]\ntitle = \"年度总体目标\"\ntext = \"甲\"\n[[overall]]\ntitle = \"乙\"",
        )
        .unwrap();
        let part = |title: &str, text: &str| OverallPart {
            title: title.into(),
            text: text.into(),
        };
        assert_eq!(
            parts.overall,
            Overall::Parts(vec![part("年度总体目标", "甲"), part("乙", "")])
        );
        for wrong in ["5", "true", "1.5", "2025-01-01", "{ title = \"x\" }"] {
            let err = toml::from_str::<Doc>(&format!("overall = {wrong}"))
                .err()
                .unwrap();
            assert!(
                err.message()
                    .starts_with("总体绩效目标（overall）应为文本或 [[overall]] 表格数组"),
                "{wrong}: {err}"
            );
            assert_eq!(err.span(), Some(10..10 + wrong.len()), "{wrong}");
        }
    }

    #[test]
    fn amounts_print_as_written() {
        assert_eq!(amount("6.2").unwrap().to_string(), "6.2");
        assert_eq!(amount("117.26").unwrap().to_string(), "117.26");
        assert_eq!(amount("\"6.20\"").unwrap().to_string(), "6.20");
        assert_eq!(amount("78").unwrap().to_string(), "78");
        assert_eq!(amount("0.1").unwrap().to_string(), "0.1");
    }

    #[test]
    fn amounts_sum_exactly() {
        let a = amount("0.1").unwrap().0 + amount("0.2").unwrap().0;
        assert_eq!(a.to_string(), "0.3");
    }

    #[test]
    fn bad_amounts_are_refused() {
        assert!(amount("\"abc\"").is_err());
        assert!(amount("\"\"").is_err());
        assert!(amount("\"1e5\"").is_err());
        assert!(amount("inf").is_err());
        assert!(amount("true").is_err());
    }

    #[test]
    fn amounts_that_would_round_are_refused() {
        let e = amount("\"9.99999999999999999999999999999\"").unwrap_err();
        assert!(e.contains("位数太多"), "{e}");
        assert!(amount("\"0.00000000000000000000000000001\"").is_err());
        assert!(amount("\"79228162514264337593543950336\"").is_err());
        let e = amount("10.000000000000001").unwrap_err();
        assert!(e.contains("位数太多"), "{e}");
        // 28 digits still fit exactly.
        let max = "9.999999999999999999999999999";
        assert_eq!(amount(&format!("\"{max}\"")).unwrap().to_string(), max);
        assert_eq!(
            amount("123456789012.345").unwrap().to_string(),
            "123456789012.345"
        );
    }

    #[test]
    fn float_literals_are_compared_with_their_text() {
        assert!(float_literal_problem("0.1", 0.1).is_none());
        assert!(float_literal_problem("1.5e3", 1500.0).is_none());
        assert!(float_literal_problem("1.10000000000000000001", 1.1).is_some());
        assert!(float_literal_problem("10.000000000000001", 10.000000000000002).is_some());
    }

    /// A document with every optional key set, so that each serialises.
    fn full_document() -> Document {
        let some = |s: &str| Some(s.to_string());
        Document {
            year: 2025,
            department: "局".into(),
            unit_code: "1".into(),
            unit_name: "局本级".into(),
            money_unit: "万元".into(),
            date: Some(crate::input::stamp::DocDate {
                year: 2025,
                month: 1,
                day: 20,
            }),
            overall: Overall::Parts(vec![OverallPart {
                title: "甲".into(),
                text: "乙".into(),
            }]),
            cover: Cover {
                title: some("封面"),
                lines: vec!["审核".into()],
            },
            goals: vec![Goal {
                title: "甲".into(),
                target: "乙".into(),
                indicator: "丙".into(),
            }],
            measures: vec![Measure {
                lead: "甲".into(),
                text: "乙".into(),
            }],
            form: some("hebei"),
            labels: [("code".to_string(), "编码".to_string())].into(),
            style: Style {
                preset: some("reference"),
                body_size: Some(14.0),
                line_pitch: Some(23.5),
                table_size: Some(10.5),
                fonts: FontRoles {
                    title: some("a"),
                    heading: some("b"),
                    subheading: some("c"),
                    body: some("d"),
                    table: some("e"),
                    page_number: some("f"),
                },
                system_fonts: true,
                continued_mark: true,
                continued_table: true,
                duplex: true,
                duplex_tables: true,
            },
            check: CheckSettings {
                profile: some("A"),
                allow: vec!["J604".into()],
            },
            projects: Vec::new(),
        }
    }

    /// Key paths of the schema, "goals[].title" for a key of `[[goals]]`.
    fn schema_paths(keys: &[DocKey], within: &str, out: &mut Vec<String>) {
        for k in keys {
            let path = format!("{within}{}", k.key);
            match &k.holds {
                Holds::Table(sub) => schema_paths(sub, &format!("{path}."), out),
                Holds::Tables(sub) => schema_paths(sub, &format!("{path}[]."), out),
                Holds::Value | Holds::Open => out.push(path),
            }
        }
    }

    /// Key paths of serialised TOML, written like [`schema_paths`]; the
    /// keys of `labels` are the forms' business, not the schema's.
    fn value_paths(t: &toml::Table, within: &str, out: &mut Vec<String>) {
        for (k, v) in t {
            let path = format!("{within}{k}");
            match v {
                toml::Value::Table(sub) if path != "labels" => {
                    value_paths(sub, &format!("{path}."), out)
                }
                toml::Value::Array(items) if items.iter().all(toml::Value::is_table) => {
                    for item in items.iter().filter_map(toml::Value::as_table) {
                        value_paths(item, &format!("{path}[]."), out);
                    }
                }
                _ => out.push(path),
            }
        }
    }

    /// Removes the key at a schema path from serialised TOML (from the
    /// first table of an array).
    fn remove(t: &mut toml::Table, path: &str) {
        match path.split_once('.') {
            None => assert!(t.remove(path).is_some(), "{path}"),
            Some((head, rest)) => {
                let sub = match t.get_mut(head.trim_end_matches("[]")).unwrap() {
                    toml::Value::Array(items) => items[0].as_table_mut().unwrap(),
                    v => v.as_table_mut().unwrap(),
                };
                remove(sub, rest);
            }
        }
    }

    /// Whether the schema marks the key at `path` required.
    fn required(keys: &[DocKey], path: &str) -> bool {
        let (head, rest) = path.split_once('.').unwrap_or((path, ""));
        let k = keys
            .iter()
            .find(|k| k.key == head.trim_end_matches("[]"))
            .unwrap();
        match &k.holds {
            Holds::Table(sub) | Holds::Tables(sub) if !rest.is_empty() => required(sub, rest),
            _ => k.required.is_some(),
        }
    }

    #[test]
    fn the_key_schema_lists_exactly_the_serde_fields() {
        let text = toml::to_string(&full_document()).unwrap();
        let full: toml::Table = toml::from_str(&text).unwrap();
        let mut written = Vec::new();
        value_paths(&full, "", &mut written);
        let mut schema = Vec::new();
        schema_paths(DOCUMENT_KEYS, "", &mut schema);
        written.sort();
        schema.sort();
        assert_eq!(written, schema);
        let back: Document = toml::from_str(&toml::to_string(&full).unwrap()).unwrap();
        assert_eq!(back, full_document());
        // Each key left out: serde refuses exactly the ones marked required.
        for path in &schema {
            let mut t = full.clone();
            remove(&mut t, path);
            let got = toml::from_str::<Document>(&toml::to_string(&t).unwrap());
            match required(DOCUMENT_KEYS, path) {
                true => assert!(
                    got.unwrap_err().message().contains("missing field"),
                    "{path}"
                ),
                false => assert!(got.is_ok(), "{path}: {:?}", got.err()),
            }
        }
    }

    #[test]
    fn years_outside_the_range_are_refused() {
        let doc = |y: &str| {
            toml::from_str::<Document>(&format!(
                "year={y}\ndepartment='d'\nunit_code='1'\nunit_name='u'"
            ))
        };
        assert_eq!(doc("2025").unwrap().year, 2025);
        for bad in [
            "-1",
            "0",
            "1999",
            "2101",
            "2147483648",
            "99999999999999999999",
        ] {
            let e = doc(bad).unwrap_err().to_string();
            assert!(e.contains("2000–2100"), "{bad}: {e}");
        }
    }
}
