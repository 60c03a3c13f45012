//! One sheet being written: cells placed by row, column and span, each
//! text checked against Excel's limit, and the row heights the wrapped
//! texts need set at the end.

use std::collections::BTreeMap;

use rust_xlsxwriter::{Format, Worksheet, XlsxError};

use super::look;
use crate::excel::a1;
use crate::report::diag::{Diagnostic, Diagnostics, Result};

/// The most characters (UTF-16 units) Excel keeps in one cell.
pub const CELL_MAX: usize = 32_767;

/// Where a cell goes: its top-left corner and how many rows and columns
/// it spans (a span over one cell is merged).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct At {
    /// First row (0-based).
    pub row: u32,
    /// First column (0-based).
    pub col: u16,
    /// Rows spanned (at least 1).
    pub rows: u32,
    /// Columns spanned (at least 1).
    pub cols: u16,
}

impl At {
    /// One cell.
    pub(super) fn cell(row: u32, col: u16) -> Self {
        Self::span(row, col, 1, 1)
    }

    /// A block of `rows` × `cols` cells.
    pub(super) fn span(row: u32, col: u16, rows: u32, cols: u16) -> Self {
        Self {
            row,
            col,
            rows: rows.max(1),
            cols: cols.max(1),
        }
    }
}

/// What a cell holds.
#[derive(Debug, Clone, Copy)]
pub(super) enum Content<'t> {
    /// Text (never read as a formula).
    Text(&'t str),
    /// A number, shown by its format.
    Number(f64),
}

/// A worksheet being filled.
pub(super) struct Sheet<'a> {
    ws: &'a mut Worksheet,
    name: String,
    widths: Vec<f64>,
    /// The height each row needs for its one-row cells.
    heights: BTreeMap<u32, f64>,
    /// Cells over several rows: first row, last row, height needed.
    tall: Vec<(u32, u32, f64)>,
}

impl<'a> Sheet<'a> {
    /// Names the sheet, sets its column widths (in characters) and page.
    pub(super) fn new(ws: &'a mut Worksheet, name: &str, widths: &[f64]) -> Result<Self> {
        ws.set_name(name).map_err(|e| xlsx(name, &e))?;
        for (i, w) in widths.iter().enumerate() {
            let col = u16::try_from(i).map_err(|_| too_big(name))?;
            ws.set_column_width(col, *w).map_err(|e| xlsx(name, &e))?;
        }
        look::page(ws);
        Ok(Self {
            ws,
            name: name.to_string(),
            widths: widths.to_vec(),
            heights: BTreeMap::new(),
            tall: Vec::new(),
        })
    }

    /// The worksheet, for settings this type does not make.
    pub(super) fn ws(&mut self) -> &mut Worksheet {
        self.ws
    }

    /// Writes `content` at `at` in `format`, merging a span; a text over
    /// Excel's limit is an error naming the sheet and cell.
    pub(super) fn put(&mut self, at: At, content: Content, format: &Format) -> Result<()> {
        let (r, c) = (at.row, at.col);
        let (r2, c2) = (r + at.rows - 1, c + at.cols - 1);
        let text = match content {
            Content::Text(t) => t,
            Content::Number(_) => "",
        };
        let units = text.encode_utf16().count();
        if units > CELL_MAX {
            return Err(
                too_long(&format!("工作表“{}”{}", self.name, a1(r, c.into())), units).into(),
            );
        }
        let ws = &mut *self.ws;
        let done = if at.rows > 1 || at.cols > 1 {
            ws.merge_range(r, c, r2, c2, text, format).map(|_| ())
        } else if text.is_empty() {
            ws.write_blank(r, c, format).map(|_| ())
        } else {
            ws.write_string_with_format(r, c, text, format).map(|_| ())
        };
        let done = done.and_then(|()| match content {
            Content::Number(n) => ws.write_number_with_format(r, c, n, format).map(|_| ()),
            Content::Text(_) => Ok(()),
        });
        done.map_err(|e| xlsx(&self.name, &e))?;
        let width: f64 = (c..=c2)
            .map(|i| self.widths.get(usize::from(i)).copied().unwrap_or(8.43))
            .sum();
        let need = look::height(text, width);
        if at.rows == 1 {
            self.need(r, need);
        } else {
            self.tall.push((r, r2, need));
        }
        Ok(())
    }

    /// Asks for row `row` to be at least `height` points tall.
    pub(super) fn need(&mut self, row: u32, height: f64) {
        let h = self.heights.entry(row).or_insert(0.0);
        *h = h.max(height);
    }

    /// Sets every row's height: the tallest of its cells, and rows under a
    /// cell spanning several grown evenly until that cell's text fits.
    pub(super) fn finish(mut self) -> Result<()> {
        for (first, last, need) in std::mem::take(&mut self.tall) {
            let line = look::line_height();
            let have: f64 = (first..=last)
                .map(|r| self.heights.get(&r).copied().unwrap_or(line))
                .sum();
            if need > have {
                let more = (need - have) / f64::from(last - first + 1);
                for r in first..=last {
                    let h = self.heights.get(&r).copied().unwrap_or(line);
                    self.heights.insert(r, h + more);
                }
            }
        }
        for (row, h) in &self.heights {
            let h = h.min(look::MAX_ROW);
            self.ws
                .set_row_height(*row, h)
                .map_err(|e| xlsx(&self.name, &e))?;
        }
        Ok(())
    }
}

/// The error for a text of `units` characters that no cell can hold.
pub(crate) fn too_long(what: &str, units: usize) -> Diagnostic {
    Diagnostic::error(format!(
        "{what}的文字有 {units} 个字符，超过了 Excel 一个单元格最多能存的 {CELL_MAX} 个"
    ))
    .with_hint(
        "Excel 和 WPS 存不下更长的单元格，导出不会截断文字：请把这段文字缩短，或分写到几个字段、几行里",
    )
}

/// The error for a sheet over Excel's 1,048,576 rows or 16,384 columns.
fn too_big(sheet: &str) -> Diagnostics {
    Diagnostic::error(format!(
        "工作表“{sheet}”超出了 Excel 的 1048576 行或 16384 列"
    ))
    .with_hint("请把这张表拆成几张（几个项目文件）")
    .into()
}

/// A writer error as a diagnostic (limits are named in Chinese).
pub(super) fn xlsx(sheet: &str, e: &XlsxError) -> Diagnostics {
    match e {
        XlsxError::RowColumnLimitError => too_big(sheet),
        other => Diagnostic::error(format!("无法写出工作表“{sheet}”：{other}"))
            .with_hint("这是导出时意外的错误；请把数据文件夹和这条消息告诉维护者")
            .into(),
    }
}
