//! A first pass over an .ods's content.xml, streamed before calamine opens
//! it: the cells its row and column repeats declare are counted and
//! refused above the grid bounds (calamine expands the repeats in memory),
//! and what calamine does not give for .ods is read: the merged cells, and
//! the decimals each number is shown with (its displayed text), so 386.00
//! stays 386.00.

use std::collections::HashMap;
use std::io::{BufReader, Cursor, Read};

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

use super::grid::{MAX_CELLS, MAX_COLS, MAX_MERGES, MAX_ROWS, Merge};
use crate::excel::a1;

/// What the pass keeps of one sheet.
#[derive(Debug, Default)]
pub(crate) struct Sheet {
    /// The merged regions.
    pub merges: Vec<Merge>,
    /// The number format ("0.00", "0%") each number is shown with.
    pub formats: HashMap<(u32, u32), String>,
}

/// The sheets, by name.
pub(crate) type Merges = HashMap<String, Sheet>;

/// Scans the .ods in `bytes` (a zip holding content.xml): its merges, or
/// why it is refused (a message naming the sheet and cell). A zip without
/// content.xml (an .xlsx) has none.
pub(crate) fn scan(bytes: &[u8]) -> Result<Merges, String> {
    let bad = |_| "不是有效的 ODS 工作簿（content.xml 已损坏）".to_string();
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| bad(()))?;
    let Ok(part) = zip.by_name("content.xml") else {
        return Ok(Merges::new());
    };
    let mut reader = Reader::from_reader(BufReader::new(part.take(super::MAX_UNPACKED_BYTES)));
    let mut scan = Scan::default();
    let mut buf = Vec::new();
    loop {
        let event = reader.read_event_into(&mut buf).map_err(|_| bad(()))?;
        match event {
            Event::Eof => break,
            Event::Start(e) => scan.start(&e, false)?,
            Event::Empty(e) => scan.start(&e, true)?,
            Event::End(e) => scan.end(e.local_name().as_ref())?,
            Event::Text(t) => scan.text(t.as_ref()),
            Event::CData(_) => scan.content = true,
            _ => {}
        }
        buf.clear();
    }
    Ok(scan.merges)
}

/// The state of the pass.
#[derive(Default)]
struct Scan {
    merges: Merges,
    /// Content cells counted over the workbook.
    cells: u64,
    sheet: String,
    row: u64,
    rows_repeated: u64,
    col: u64,
    /// The open cell's column repeat, spans, and whether it holds content.
    cell: Option<(u64, u64, u64)>,
    content: bool,
    /// Whether the open cell holds a number ("percentage" for a percent).
    number: Option<bool>,
    /// The open number cell's displayed text.
    shown: String,
    /// The sheet's used rectangle (top, left, bottom, right).
    used: Option<(u64, u64, u64, u64)>,
}

fn attr(e: &BytesStart, name: &str) -> Option<u64> {
    let mut attrs = e.attributes();
    attrs.with_checks(false);
    attrs
        .flatten()
        .find(|a| a.key.as_ref() == name)
        .map(|a| a.value.trim().parse::<u64>().unwrap_or(1).max(1))
}

fn value_type(e: &BytesStart) -> Option<String> {
    let mut attrs = e.attributes();
    attrs.with_checks(false);
    attrs
        .flatten()
        .find(|a| a.key.as_ref() == "office:value-type")
        .map(|a| a.value.to_string())
}

/// The number format that shows a number as `shown` ("386.00" → "0.00").
fn format_of(shown: &str, percent: bool) -> String {
    let digits = shown.trim().trim_end_matches('%').trim_end();
    let decimals = digits.rsplit_once('.').map_or(0, |(_, d)| {
        d.chars().take_while(char::is_ascii_digit).count()
    });
    let mut code = "0".to_string();
    if decimals > 0 {
        code.push('.');
        code.push_str(&"0".repeat(decimals.min(30)));
    }
    if percent {
        code.push('%');
    }
    code
}

impl Scan {
    /// Text inside a cell: content, and the shown text of a number.
    fn text(&mut self, t: &str) {
        if self.cell.is_some() {
            self.content = true;
            if self.number.is_some() && self.shown.len() < 100 {
                self.shown.push_str(t);
            }
        }
    }

    fn start(&mut self, e: &BytesStart, empty: bool) -> Result<(), String> {
        match e.local_name().as_ref() {
            "table" if self.cell.is_none() => {
                let mut attrs = e.attributes();
                attrs.with_checks(false);
                self.sheet = attrs
                    .flatten()
                    .find(|a| a.key.as_ref() == "table:name")
                    .map(|a| a.value.to_string())
                    .unwrap_or_default();
                (self.row, self.used) = (0, None);
            }
            "table-row" if self.cell.is_none() => {
                self.rows_repeated = attr(e, "table:number-rows-repeated").unwrap_or(1);
                self.col = 0;
                if empty {
                    self.row = self.row.saturating_add(self.rows_repeated);
                }
            }
            "table-cell" | "covered-table-cell" if self.cell.is_none() => {
                let repeated = attr(e, "table:number-columns-repeated").unwrap_or(1);
                let covered = e.local_name().as_ref() == "covered-table-cell";
                let spans = match covered {
                    true => (1, 1),
                    false => (
                        attr(e, "table:number-rows-spanned").unwrap_or(1),
                        attr(e, "table:number-columns-spanned").unwrap_or(1),
                    ),
                };
                self.cell = Some((repeated, spans.0, spans.1));
                let kind = value_type(e);
                self.content = kind.is_some();
                self.number = match kind.as_deref() {
                    Some("float" | "currency") => Some(false),
                    Some("percentage") => Some(true),
                    _ => None,
                };
                self.shown.clear();
                if empty {
                    self.end_cell()?;
                }
            }
            _ if self.cell.is_some() => self.content = true,
            _ => {}
        }
        Ok(())
    }

    fn end(&mut self, name: &str) -> Result<(), String> {
        match name {
            "table-cell" | "covered-table-cell" => self.end_cell(),
            "table-row" if self.cell.is_none() => {
                self.row = self.row.saturating_add(self.rows_repeated);
                Ok(())
            }
            "table" if self.cell.is_none() => {
                let sheet = std::mem::take(&mut self.sheet);
                self.merges.entry(sheet).or_default();
                Ok(())
            }
            _ => Ok(()),
        }
    }

    /// Counts the closed cell (repeated across and down) and keeps its merge.
    fn end_cell(&mut self) -> Result<(), String> {
        let Some((repeated, rows, cols)) = self.cell.take() else {
            return Ok(());
        };
        let (row, col) = (self.row, self.col);
        self.col = col.saturating_add(repeated);
        let inside = row < u64::from(MAX_ROWS) && col < u64::from(MAX_COLS);
        if (rows > 1 || cols > 1) && inside {
            self.merge(row, col, rows, cols)?;
        }
        if let Some(percent) = self.number.take()
            && inside
            && repeated == 1
            && self.rows_repeated == 1
            && !self.shown.is_empty()
        {
            let code = format_of(&self.shown, percent);
            let sheet = self.merges.entry(self.sheet.clone()).or_default();
            sheet.formats.insert((row as u32, col as u32), code);
        }
        if !std::mem::take(&mut self.content) {
            return Ok(());
        }
        let (bottom, right) = (
            row.saturating_add(self.rows_repeated - 1),
            col.saturating_add(repeated - 1),
        );
        if bottom >= u64::from(MAX_ROWS) || right >= u64::from(MAX_COLS) {
            let at = a1(
                bottom.min(u64::from(u32::MAX)) as u32,
                right.min(1 << 20) as u32,
            );
            return Err(format!(
                "工作表“{}”的内容延伸到 {at}，超过 {MAX_ROWS} 行或 {MAX_COLS} 列的上限（重复的行列展开后）",
                self.sheet
            ));
        }
        let used = self.used.get_or_insert((row, col, bottom, right));
        *used = (
            used.0.min(row),
            used.1.min(col),
            used.2.max(bottom),
            used.3.max(right),
        );
        let area = (used.2 - used.0 + 1) * (used.3 - used.1 + 1);
        self.cells = self.cells.saturating_add(self.rows_repeated * repeated);
        if area > MAX_CELLS as u64 || self.cells > MAX_CELLS as u64 {
            return Err(format!(
                "工作表“{}”到 {} 为止的单元格超过 {MAX_CELLS} 个的上限（重复的行列展开后）",
                self.sheet,
                a1(bottom as u32, right as u32)
            ));
        }
        Ok(())
    }

    /// Keeps a merged region for each repeat of its row.
    fn merge(&mut self, row: u64, col: u64, rows: u64, cols: u64) -> Result<(), String> {
        let list = &mut self.merges.entry(self.sheet.clone()).or_default().merges;
        for r in 0..self.rows_repeated.min(u64::from(MAX_ROWS)) {
            if list.len() >= MAX_MERGES {
                return Err(format!(
                    "工作表“{}”有超过 {MAX_MERGES} 个合并单元格（{}）",
                    self.sheet,
                    a1((row + r) as u32, col as u32)
                ));
            }
            let top = (row + r) as u32;
            list.push(Merge {
                top,
                left: col as u32,
                bottom: top.saturating_add((rows - 1).min(u64::from(MAX_ROWS)) as u32),
                right: (col as u32).saturating_add((cols - 1).min(u64::from(MAX_COLS)) as u32),
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    /// An .ods holding `table` (the body of one table:table).
    fn ods(table: &str) -> Vec<u8> {
        let xml = format!(
            r#"<?xml version="1.0"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:spreadsheet><table:table table:name="S1">{table}</table:table></office:spreadsheet></office:body></office:document-content>"#
        );
        let mut out = Cursor::new(Vec::new());
        let mut zip = zip::ZipWriter::new(&mut out);
        zip.start_file("content.xml", zip::write::SimpleFileOptions::default())
            .unwrap();
        zip.write_all(xml.as_bytes()).unwrap();
        zip.finish().unwrap();
        out.into_inner()
    }

    #[test]
    fn repeats_past_the_bounds_are_refused_and_merges_are_read() {
        let cell =
            r#"<table:table-cell office:value-type="string"><text:p>x</text:p></table:table-cell>"#;
        let big = format!(
            r#"<table:table-row table:number-rows-repeated="20000">{}</table:table-row>"#,
            cell.replace(
                "<table:table-cell ",
                r#"<table:table-cell table:number-columns-repeated="199" "#
            )
        );
        let e = scan(&ods(&big)).unwrap_err();
        assert!(e.contains("S1") && e.contains("2000000"), "{e}");
        let far = format!(
            r#"<table:table-row table:number-rows-repeated="60000"><table:table-cell/></table:table-row><table:table-row>{cell}</table:table-row>"#
        );
        assert!(scan(&ods(&far)).unwrap_err().contains("A60001"));
        let empty = r#"<table:table-row table:number-rows-repeated="1048576"><table:table-cell table:number-columns-repeated="16384"/></table:table-row>"#;
        assert_eq!(scan(&ods(empty)).unwrap()["S1"].merges, vec![]);
        let merged = format!(
            r#"<table:table-row><table:table-cell/><table:table-cell table:number-columns-spanned="2" table:number-rows-spanned="3" office:value-type="string"><text:p>m</text:p></table:table-cell><table:covered-table-cell/></table:table-row><table:table-row>{cell}</table:table-row>"#
        );
        let m = scan(&ods(&merged)).unwrap();
        assert_eq!(
            m["S1"].merges,
            vec![Merge {
                top: 0,
                left: 1,
                bottom: 2,
                right: 2
            }]
        );
        let n = r#"<table:table-row><table:table-cell office:value-type="float" office:value="386"><text:p>386.00</text:p></table:table-cell><table:table-cell office:value-type="percentage" office:value="0.2"><text:p>20%</text:p></table:table-cell></table:table-row>"#;
        let f = &scan(&ods(n)).unwrap()["S1"].formats;
        assert_eq!(f[&(0, 0)], "0.00");
        assert_eq!(f[&(0, 1)], "0%");
    }
}
