//! The first sheet, [`DOC_SHEET`]: the document's fields, one label and
//! value a row, then the three sections of 第一部分 as small tables.

use rust_xlsxwriter::{Format, Worksheet};

use super::look;
use super::sheet::{At, Content, Sheet};
use crate::excel::DOC_SHEET;
use crate::input::model::{Document, Overall};
use crate::report::diag::Result;

/// Column widths in characters: labels, then three text columns.
const WIDTHS: [f64; 4] = [14.0, 30.0, 40.0, 40.0];

/// The cell formats of the sheet.
struct Looks {
    label: Format,
    header: Format,
    text: Format,
    center: Format,
    year: Format,
}

/// Writes the 文本 sheet of `doc` into `ws`.
pub(super) fn write(ws: &mut Worksheet, doc: &Document) -> Result<()> {
    let mut s = Sheet::new(ws, DOC_SHEET, &WIDTHS)?;
    let looks = Looks {
        label: look::bold(true),
        header: look::bold(false),
        text: look::cell(true),
        center: look::cell(false),
        year: look::number(true, "0"),
    };
    let title = format!("{}{}年部门预算绩效文本", doc.department, doc.year);
    s.put(At::span(0, 0, 1, 4), Content::Text(&title), &look::title())?;
    s.need(0, look::title_height());
    let mut row = 1;
    let year = Content::Number(f64::from(doc.year));
    let date = doc.date.map(|d| d.to_string());
    let fields = [
        ("预算年度", Some(year)),
        ("部门名称", Some(Content::Text(&doc.department))),
        ("单位编码", Some(Content::Text(&doc.unit_code))),
        ("单位名称", Some(Content::Text(&doc.unit_name))),
        ("金额单位", Some(Content::Text(&doc.money_unit))),
        ("编制日期", date.as_deref().map(Content::Text)),
    ];
    for (label, value) in fields {
        let Some(value) = value else { continue };
        s.put(At::cell(row, 0), Content::Text(label), &looks.label)?;
        let format = match value {
            Content::Number(_) => &looks.year,
            Content::Text(_) => &looks.text,
        };
        s.put(At::span(row, 1, 1, 3), value, format)?;
        row += 1;
    }
    row = overall(&mut s, row, &doc.overall, &looks)?;
    let goals: Vec<[&str; 3]> = doc
        .goals
        .iter()
        .map(|g| [g.title.as_str(), &g.target, &g.indicator])
        .collect();
    let head = ["序号", "标题", "绩效目标", "绩效指标"];
    row = section(&mut s, row, "二、分项绩效目标", &head, &goals, &looks)?;
    let measures: Vec<[&str; 2]> = doc
        .measures
        .iter()
        .map(|m| [m.lead.as_str(), &m.text])
        .collect();
    section(
        &mut s,
        row,
        "三、工作保障措施",
        &["序号", "首句", "正文"],
        &measures,
        &looks,
    )?;
    s.ws()
        .set_freeze_panes(1, 0)
        .map_err(|e| super::sheet::xlsx(DOC_SHEET, &e))?;
    s.finish()
}

/// 一、总体绩效目标: the text beside its heading, or a table of parts.
fn overall(s: &mut Sheet, row: u32, overall: &Overall, looks: &Looks) -> Result<u32> {
    const HEADING: &str = "一、总体绩效目标";
    match overall {
        Overall::Text(t) => {
            s.put(At::cell(row, 0), Content::Text(HEADING), &looks.label)?;
            s.put(At::span(row, 1, 1, 3), Content::Text(t), &looks.text)?;
            Ok(row + 1)
        }
        Overall::Parts(parts) => {
            let parts: Vec<[&str; 2]> = parts.iter().map(|p| [p.title.as_str(), &p.text]).collect();
            section(s, row, HEADING, &["序号", "标题", "内容"], &parts, looks)
        }
    }
}

/// A section: its heading in column A, a header row, then one row per
/// item numbered 1, 2, …; the last text of a row of two fills C:D.
fn section<const N: usize>(
    s: &mut Sheet,
    row: u32,
    heading: &str,
    head: &[&str],
    items: &[[&str; N]],
    looks: &Looks,
) -> Result<u32> {
    s.put(At::cell(row, 0), Content::Text(heading), &looks.label)?;
    let spans = spans(head.len());
    for (text, (col, cols)) in head.iter().zip(&spans) {
        s.put(
            At::span(row + 1, *col, 1, *cols),
            Content::Text(text),
            &looks.header,
        )?;
    }
    let mut r = row + 2;
    for (i, item) in items.iter().enumerate() {
        let number = Content::Number(i as f64 + 1.0);
        s.put(At::cell(r, 0), number, &looks.center)?;
        for (text, (col, cols)) in item.iter().zip(&spans[1..]) {
            s.put(
                At::span(r, *col, 1, *cols),
                Content::Text(text),
                &looks.text,
            )?;
        }
        r += 1;
    }
    Ok(r)
}

/// The first column and width of each of `n` columns over A:D: the last
/// one takes what is left.
fn spans(n: usize) -> Vec<(u16, u16)> {
    (0..n as u16)
        .map(|i| (i, if usize::from(i) + 1 == n { 4 - i } else { 1 }))
        .collect()
}
