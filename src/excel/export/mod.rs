//! `jixiao export`: a document as an .xlsx workbook ([`workbook`]): the
//! [`DOC_SHEET`] sheet, one sheet per table laid out like the printed form
//! (amounts as numbers in the format that shows them as written), and the
//! hidden [`META_SHEET`] with what the sheets do not show. The same
//! document always gives the same bytes.

use std::collections::BTreeSet;

use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook};

use super::{DOC_SHEET, META_HEADER, META_SHEET, SheetMeta, sheet_name};
use crate::input::form::Placement;
use crate::input::load::DOCUMENT_FILE;
use crate::input::model::{CheckSettings, Cover, Document, Project, Style};
use crate::report::diag::{Diagnostic, Diagnostics, Result};

mod form;
mod look;
mod names;
mod sheet;
mod text;

pub use sheet::CELL_MAX;

/// The workbook of `doc` as .xlsx bytes; `files[i]` is the path of
/// `doc.projects[i]` relative to the document folder
/// ("projects/01-jiefang-dating.toml"). A text longer than a cell holds
/// is an error at its place in the data (see `Loaded::locate`).
pub fn workbook(doc: &Document, files: &[String]) -> Result<Vec<u8>> {
    if files.len() != doc.projects.len() {
        return Err(Diagnostic::error(format!(
            "导出时项目文件数（{}）与读到的表数（{}）不一致",
            files.len(),
            doc.projects.len()
        ))
        .with_hint("请重新运行导出；若仍出错，请把数据文件夹告诉维护者")
        .into());
    }
    names::check_lengths(doc, files)?;
    let mut wb = Workbook::new();
    wb.set_properties(&properties(doc));
    text::write(wb.add_worksheet(), doc)?;
    let mut metas = vec![SheetMeta {
        sheet: DOC_SHEET.to_string(),
        file: DOCUMENT_FILE.to_string(),
        settings: doc_settings(doc)?,
    }];
    let mut taken = BTreeSet::new();
    let mut numbered = 0;
    for (p, file) in doc.projects.iter().zip(files) {
        let number = match p.form.placement {
            Placement::Project => {
                numbered += 1;
                numbered.to_string()
            }
            Placement::Department => String::new(),
        };
        let name = sheet_name(&number, p.title().trim(), &mut taken);
        form::write(wb.add_worksheet(), &name, &number, p, doc)?;
        metas.push(SheetMeta {
            sheet: name,
            file: file.clone(),
            settings: project_settings(p)?,
        });
    }
    meta(wb.add_worksheet(), &metas)?;
    wb.save_to_buffer().map_err(|e| sheet::xlsx(META_SHEET, &e))
}

/// Title, author and a fixed creation date (the document's `date`, else
/// 2000-01-01; never the clock), so the bytes depend on the data only.
fn properties(doc: &Document) -> DocProperties {
    let fixed = || ExcelDateTime::from_ymd(2000, 1, 1).expect("a valid date");
    let date = doc
        .date
        .and_then(|d| ExcelDateTime::from_ymd(d.year, d.month, d.day).ok())
        .unwrap_or_else(fixed);
    DocProperties::new()
        .set_title(format!("{}{}年部门预算绩效文本", doc.department, doc.year))
        .set_author(&doc.department)
        .set_creation_datetime(&date)
}

/// The hidden sheet: [`META_HEADER`], then one [`SheetMeta`] row per sheet.
fn meta(ws: &mut rust_xlsxwriter::Worksheet, metas: &[SheetMeta]) -> Result<()> {
    use sheet::{At, Content};
    ws.set_hidden(true);
    let mut s = sheet::Sheet::new(ws, META_SHEET, &[24.0, 40.0, 60.0])?;
    let plain = Format::new();
    for (col, head) in (0u16..).zip(META_HEADER) {
        s.put(At::cell(0, col), Content::Text(head), &plain)?;
    }
    for (row, m) in (1u32..).zip(metas) {
        for (col, text) in (0u16..).zip([&m.sheet, &m.file, &m.settings]) {
            s.put(At::cell(row, col), Content::Text(text), &plain)?;
        }
    }
    s.finish()
}

/// TOML of the `document.toml` keys the sheets do not show: `form`,
/// `cover`, `labels`, `style`, `check`, each only when set.
pub(crate) fn doc_settings(doc: &Document) -> Result<String> {
    let mut t = toml::Table::new();
    if let Some(form) = &doc.form {
        t.insert("form".into(), form.clone().into());
    }
    if doc.cover != Cover::default() {
        t.insert("cover".into(), to_toml(&doc.cover)?);
    }
    if !doc.labels.is_empty() {
        t.insert("labels".into(), to_toml(&doc.labels)?);
    }
    if doc.style != Style::default() {
        t.insert("style".into(), to_toml(&doc.style)?);
    }
    if doc.check != CheckSettings::default() {
        t.insert("check".into(), to_toml(&doc.check)?);
    }
    to_text(&t)
}

/// TOML of a table file's keys its sheet does not show: `form` always,
/// `[check]` when set, `title` when the title row cannot give it back
/// (written with spaces around it, or written though it is the default).
pub(crate) fn project_settings(p: &Project) -> Result<String> {
    let mut t = toml::Table::new();
    // Written only when the file names it: a table of the document's form
    // names none, and `import` reads a row without `form` so.
    if p.form_written {
        t.insert("form".into(), p.form.name.clone().into());
    }
    if let Some(title) = &p.title {
        let default = format!("{}{}", p.name(), p.form.title_suffix);
        if title.trim() != title || *title == default {
            t.insert("title".into(), title.clone().into());
        }
    }
    if !p.check.allow.is_empty() {
        t.insert("check".into(), to_toml(&p.check)?);
    }
    to_text(&t)
}

fn to_toml<T: serde::Serialize>(v: &T) -> Result<toml::Value> {
    toml::Value::try_from(v).map_err(|e| unexpected(&e))
}

fn to_text(t: &toml::Table) -> Result<String> {
    toml::to_string(t).map_err(|e| unexpected(&e))
}

fn unexpected(e: &dyn std::fmt::Display) -> Diagnostics {
    Diagnostic::error(format!("无法写出文档的设置：{e}"))
        .with_hint("这是导出时意外的错误；请把数据文件夹和这条消息告诉维护者")
        .into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::model::project::parse_test;

    #[test]
    fn a_table_keeps_its_form_and_silenced_rules() {
        let body = "name = '甲'\ncode = 'X'\n[check]\nallow = ['J604']\n[budget]\ntotal = 1\n";
        let s = project_settings(&parse_test(body)).unwrap();
        // A file naming no form names none in the workbook either.
        assert_eq!(s, "[check]\nallow = [\"J604\"]\n");
        let t: toml::Table = s.parse().unwrap();
        assert!(!t.contains_key("title"));
        let named = project_settings(&parse_test(&format!("form = 'hebei'\n{body}"))).unwrap();
        assert!(named.starts_with("form = \"hebei\"\n"), "{named}");
    }

    #[test]
    fn a_title_the_title_row_cannot_give_back_is_kept() {
        let base = "name = '甲'\ncode = 'X'\n[budget]\ntotal = 1\n";
        let settings = |title: &str| {
            let p = parse_test(&format!("title = '{title}'\n{base}"));
            project_settings(&p).unwrap()
        };
        assert!(!settings("另一个标题").contains("title"));
        assert!(settings(" 带空格 ").contains("title = \" 带空格 \""));
        assert!(settings("甲绩效目标表").contains("title = \"甲绩效目标表\""));
    }
}
