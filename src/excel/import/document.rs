//! The 文本 sheet read back into a [`Document`]: its label/value rows and
//! the three parts of 第一部分 under their headings and header rows.

use super::grid::{Cell, Grid};
use super::project::text_of;
use crate::excel::{a1, norm_label};
use crate::input::form::Kind;
use crate::input::model::{CheckSettings, Cover, Document, Labels, Style};

/// Where the document's settings are: the hidden sheet's row of 文本.
const SETTINGS_AT: &str = "隐藏工作表 jixiao 中“文本”一行的设置（C 列）";
/// The hint for settings written wrong.
const SETTINGS_HINT: &str = "这一格由 jixiao export 写入，只能有 form、cover、labels、style、check；请勿手工改动，删去这一格的内容即只按文本工作表读取";
/// The label/value rows every document fills.
const REQUIRED: &[&str] = &["year", "department", "unit_code", "unit_name"];

/// The label/value rows: label, key, whether the value is a number.
const FIELDS: &[(&str, &str)] = &[
    ("预算年度", "year"),
    ("部门名称", "department"),
    ("单位编码", "unit_code"),
    ("单位名称", "unit_name"),
    ("金额单位", "money_unit"),
    ("编制日期", "date"),
];

/// Column labels with the keys they fill.
type Columns = &'static [(&'static str, &'static str)];

/// The parts of 第一部分: heading, key, column labels and keys.
const PARTS: &[(&str, &str, Columns)] = &[
    (
        "一、总体绩效目标",
        "overall",
        &[("标题", "title"), ("内容", "text")],
    ),
    (
        "二、分项绩效目标",
        "goals",
        &[
            ("标题", "title"),
            ("绩效目标", "target"),
            ("绩效指标", "indicator"),
        ],
    ),
    (
        "三、工作保障措施",
        "measures",
        &[("首句", "lead"), ("正文", "text")],
    ),
];

/// Reads the 文本 sheet with the document's `settings` (TOML text of the
/// keys the sheet does not show); errors as (message, hint).
pub(crate) fn read(g: &Grid, settings: &str) -> Result<Document, (String, String)> {
    let mut t: toml::Table = settings.parse().map_err(|e: toml::de::Error| {
        (
            format!("{SETTINGS_AT}无法读取：{}", e.message().trim()),
            SETTINGS_HINT.to_string(),
        )
    })?;
    check_settings(&t)?;
    for &(label, key) in FIELDS {
        let Some((r, c)) = find(g, label) else {
            continue;
        };
        let Some(v) = right(g, r, c) else { continue };
        let value = field(key, v).ok_or_else(|| {
            (
                format!(
                    "{}!{}：{label}“{}”写得不对",
                    g.name,
                    a1(r, c + 1),
                    cut(&text_of(v, Kind::Text))
                ),
                match key {
                    "year" => "预算年度写四位数字，例如 2025".to_string(),
                    _ => "编制日期写成 2025-01-20".to_string(),
                },
            )
        })?;
        t.insert(key.into(), value);
    }
    for &(heading, key, columns) in PARTS {
        let Some((r, c)) = find(g, heading) else {
            continue;
        };
        if key == "overall"
            && let Some(v) = right(g, r, c)
        {
            t.insert(key.into(), toml::Value::String(text_of(v, Kind::Text)));
            continue;
        }
        let rows = part_rows(g, r, columns);
        if !rows.is_empty() {
            t.insert(key.into(), toml::Value::Array(rows));
        }
    }
    if let Some(&(label, _)) = FIELDS
        .iter()
        .find(|(_, k)| REQUIRED.contains(k) && !t.contains_key(*k))
    {
        return Err((
            format!("工作表“{}”缺少{label}", g.name),
            format!("在 A 列写“{label}”，在它右边的格子填写{label}"),
        ));
    }
    // Through text: the year is read as i128, which only the text reader has.
    let text = toml::to_string(&t).unwrap_or_default();
    toml::from_str::<Document>(&text).map_err(|e| {
        (
            format!(
                "工作表“{}”中的文本信息写得不对（{}）",
                g.name,
                cut(e.message().trim())
            ),
            "预算年度、部门名称、单位编码、单位名称都要填写（A 列写标签，右边写值）".into(),
        )
    })
}

/// The hidden sheet's settings of the document: only the keys export
/// writes, each of its type; errors in Chinese naming the place.
fn check_settings(t: &toml::Table) -> Result<(), (String, String)> {
    for (key, v) in t {
        let wrong = |what: &str| {
            (
                format!("{SETTINGS_AT}中的 {key} {what}"),
                SETTINGS_HINT.to_string(),
            )
        };
        let fits = match key.as_str() {
            "form" => v.is_str(),
            "cover" => v.clone().try_into::<Cover>().is_ok(),
            "labels" => v.clone().try_into::<Labels>().is_ok(),
            "style" => v.clone().try_into::<Style>().is_ok(),
            "check" => v.clone().try_into::<CheckSettings>().is_ok(),
            _ => return Err(wrong("不是可用的设置")),
        };
        if !fits {
            return Err(wrong("写得不对"));
        }
    }
    Ok(())
}

/// A text cut for a message: at most 30 characters.
fn cut(text: &str) -> String {
    let mut out: String = text.chars().take(30).collect();
    if out.len() < text.len() {
        out.push('…');
    }
    out
}

/// One label/value row's value as TOML.
fn field(key: &str, v: &Cell) -> Option<toml::Value> {
    let text = text_of(
        v,
        if key == "date" {
            Kind::Date
        } else {
            Kind::Text
        },
    );
    Some(match key {
        "year" => toml::Value::Integer(text.trim().parse().ok()?),
        "date" => toml::Value::Datetime(text.trim().parse().ok()?),
        _ => toml::Value::String(text),
    })
}

/// The first cell whose text is `label`.
fn find(g: &Grid, label: &str) -> Option<(u32, u32)> {
    let want = norm_label(label);
    g.positions()
        .into_iter()
        .find(|&(r, c)| g.text(r, c).is_some_and(|t| norm_label(t) == want))
}

/// The first written cell right of (r, c).
fn right(g: &Grid, r: u32, c: u32) -> Option<&Cell> {
    ((g.end(r, c).1 + 1)..g.width).find_map(|col| g.raw(r, col))
}

/// Whether row r starts one of the parts.
fn is_heading(g: &Grid, r: u32) -> bool {
    (0..g.width).any(|c| {
        g.text(r, c)
            .is_some_and(|t| PARTS.iter().any(|p| norm_label(p.0) == norm_label(t)))
    })
}

/// The rows under a part's header row, as tables of `columns`.
fn part_rows(g: &Grid, heading: u32, columns: &[(&str, &str)]) -> Vec<toml::Value> {
    let header = heading + 1;
    let cols: Vec<(&str, u32)> = columns
        .iter()
        .filter_map(|(label, key)| {
            (0..g.width)
                .find(|&c| g.text(header, c).is_some_and(|t| norm_label(t) == *label))
                .map(|c| (*key, c))
        })
        .collect();
    let mut out = Vec::new();
    // Blank rows a user left between the rows are passed over: only the
    // next part's heading ends a part.
    for r in (header + 1..g.height).take_while(|&r| !cols.is_empty() && !is_heading(g, r)) {
        let cells: Vec<(&str, Option<&Cell>)> =
            cols.iter().map(|&(key, c)| (key, g.raw(r, c))).collect();
        if cells.iter().all(|(_, v)| v.is_none()) {
            continue;
        }
        let row = cells.into_iter().map(|(key, v)| {
            let text = v.map(|v| text_of(v, Kind::Text)).unwrap_or_default();
            (key.to_string(), toml::Value::String(text))
        });
        out.push(toml::Value::Table(row.collect()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::excel::import::grid::from_rows;
    use crate::input::model::Overall;

    #[test]
    fn the_text_sheet_reads_back() {
        let g = from_rows(&[
            &["2025年部门预算绩效文本"],
            &["预算年度", "2025"],
            &["部门名称", "某局"],
            &["单位编码", "154001"],
            &["单位名称", "某局本级"],
            &["金额单位", "万元"],
            &["一、总体绩效目标", "总体\n目标"],
            &["二、分项绩效目标"],
            &["序号", "标题", "绩效目标", "绩效指标"],
            &["1", "甲", "乙", "丙"],
            &[],
            &["2", "丁", "戊", "己"],
            &["3"],
            &["4", "庚", "", ""],
            &["三、工作保障措施"],
            &["序号", "首句", "正文"],
            &["1", "首", "正"],
        ]);
        let d = read(&g, "form = \"hebei\"").unwrap();
        assert_eq!(d.year, 2025);
        assert_eq!(d.unit_code, "154001");
        assert_eq!(d.overall, Overall::Text("总体\n目标".into()));
        assert_eq!(d.goals[0].indicator, "丙");
        // A blank row, or one with only its number, is passed over.
        let titles: Vec<&str> = d.goals.iter().map(|g| g.title.as_str()).collect();
        assert_eq!(titles, ["甲", "丁", "庚"]);
        assert_eq!(d.measures[0].text, "正");
        assert_eq!(d.form.as_deref(), Some("hebei"));
        let bad = from_rows(&[&["预算年度", "明年"]]);
        assert!(read(&bad, "").unwrap_err().0.contains("B1"));
    }

    #[test]
    fn settings_and_missing_fields_are_told_in_chinese_with_their_place() {
        let g = from_rows(&[
            &["预算年度", "2025"],
            &["部门名称", "某局"],
            &["单位编码", "1"],
            &["单位名称", "某局本级"],
        ]);
        assert!(read(&g, "form = \"hebei\"\n[cover]\ntitle = \"x\"").is_ok());
        for (bad, what) in [
            ("projects = 1", "projects 不是可用的设置"),
            ("cover = \"x\"", "cover 写得不对"),
            ("labels = {code = 5}", "labels 写得不对"),
            ("form = 3", "form 写得不对"),
        ] {
            let (m, h) = read(&g, bad).unwrap_err();
            assert!(
                m.starts_with(SETTINGS_AT) && m.ends_with(what),
                "{bad}: {m}"
            );
            assert!(h.contains("请勿手工改动"), "{h}");
        }
        let no_department = from_rows(&[
            &["预算年度", "2025"],
            &["单位编码", "1"],
            &["单位名称", "某局本级"],
        ]);
        let (m, h) = read(&no_department, "").unwrap_err();
        assert_eq!(m, "工作表“表1”缺少部门名称");
        assert!(h.contains("A 列写“部门名称”"), "{h}");
        let long = "9".repeat(300);
        let huge = from_rows(&[&["预算年度", &long]]);
        let (m, _) = read(&huge, "").unwrap_err();
        assert!(m.chars().count() < 60, "{m}");
    }
}
