//! One worksheet as the importer sees it: its cells (with the number format
//! of each number), its merged regions, read with explicit bounds on rows
//! and columns so that no workbook can make the reading unbounded.

use std::collections::HashMap;
use std::io::{Read, Seek};

use calamine::{Data, DataRef, Reader, Sheets, Xlsx};

use crate::excel::a1;

/// The most rows of a sheet read (a real 绩效目标表 has under 100).
pub(crate) const MAX_ROWS: u32 = 50_000;
/// The most columns of a sheet read.
pub(crate) const MAX_COLS: u32 = 200;

/// One cell's content.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Cell {
    /// Text as written.
    Text(String),
    /// A number with the cell's number format ("General", "0.00", "0%"),
    /// `None` when the file format keeps no formats (.xls, .ods).
    Number(f64, Option<String>),
    /// A date as an Excel serial day number.
    Date(f64),
    /// A date written as ISO text by the file format (.ods).
    DateIso(String),
    /// TRUE or FALSE.
    Bool(bool),
    /// An error value such as #DIV/0!.
    Error(String),
    /// A formula whose result was never computed and saved.
    NoResult(String),
}

/// A merged region, inclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Merge {
    pub top: u32,
    pub left: u32,
    pub bottom: u32,
    pub right: u32,
}

/// A sheet's cells and merges.
#[derive(Debug, Default)]
pub(crate) struct Grid {
    /// The sheet's name.
    pub name: String,
    cells: HashMap<(u32, u32), Cell>,
    merges: Vec<Merge>,
    merge_at: HashMap<(u32, u32), usize>,
    /// One past the last row holding a cell.
    pub height: u32,
    /// One past the last column holding a cell.
    pub width: u32,
}

/// Why a sheet could not be read.
#[derive(Debug)]
pub(crate) enum GridError {
    /// More rows or columns than are read.
    TooBig(String),
    /// The reader failed (a damaged file).
    Read(String),
}

impl Grid {
    /// An empty sheet named `name`.
    pub(crate) fn new(name: &str) -> Self {
        Grid {
            name: name.to_string(),
            ..Grid::default()
        }
    }

    /// Adds one cell, refusing positions past the bounds.
    pub(crate) fn put(&mut self, row: u32, col: u32, cell: Cell) -> Result<(), GridError> {
        if row >= MAX_ROWS {
            return Err(GridError::TooBig(format!(
                "工作表“{}”超过 {MAX_ROWS} 行（{}）",
                self.name,
                a1(row, col)
            )));
        }
        if col >= MAX_COLS {
            return Err(GridError::TooBig(format!(
                "工作表“{}”超过 {MAX_COLS} 列（{}）",
                self.name,
                a1(row, col)
            )));
        }
        if matches!(&cell, Cell::Text(t) if t.trim().is_empty()) {
            return Ok(());
        }
        self.height = self.height.max(row + 1);
        self.width = self.width.max(col + 1);
        self.cells.insert((row, col), cell);
        Ok(())
    }

    /// Adds a merged region, cut to the cells the sheet holds.
    pub(crate) fn merge(&mut self, m: Merge) {
        let bottom = m.bottom.min(self.height.saturating_sub(1)).min(MAX_ROWS);
        let right = m.right.min(self.width.saturating_sub(1)).min(MAX_COLS);
        if m.top > bottom || m.left > right || (m.top == bottom && m.left == right) {
            return;
        }
        let m = Merge { bottom, right, ..m };
        let i = self.merges.len();
        self.merges.push(m);
        for r in m.top..=m.bottom {
            for c in m.left..=m.right {
                self.merge_at.entry((r, c)).or_insert(i);
            }
        }
    }

    /// Adds calamine's merged regions.
    fn merge_all(&mut self, merges: &[calamine::Dimensions]) {
        for d in merges {
            self.merge(Merge {
                top: d.start.0,
                left: d.start.1,
                bottom: d.end.0,
                right: d.end.1,
            });
        }
    }

    /// The cell written at a position (merged cells other than the
    /// top-left one hold nothing).
    pub(crate) fn raw(&self, row: u32, col: u32) -> Option<&Cell> {
        self.cells.get(&(row, col))
    }

    /// The merged region a cell is in.
    pub(crate) fn merge_of(&self, row: u32, col: u32) -> Option<Merge> {
        self.merge_at.get(&(row, col)).map(|&i| self.merges[i])
    }

    /// The top-left cell of the region a position is in (itself if none).
    pub(crate) fn anchor(&self, row: u32, col: u32) -> (u32, u32) {
        self.merge_of(row, col)
            .map_or((row, col), |m| (m.top, m.left))
    }

    /// The last row and column of the region a position is in.
    pub(crate) fn end(&self, row: u32, col: u32) -> (u32, u32) {
        self.merge_of(row, col)
            .map_or((row, col), |m| (m.bottom, m.right))
    }

    /// The text of the cell at a position (without merge), if it is text.
    pub(crate) fn text(&self, row: u32, col: u32) -> Option<&str> {
        match self.raw(row, col) {
            Some(Cell::Text(t)) => Some(t),
            _ => None,
        }
    }

    /// Every written cell position, in reading order.
    pub(crate) fn positions(&self) -> Vec<(u32, u32)> {
        let mut v: Vec<(u32, u32)> = self.cells.keys().copied().collect();
        v.sort_unstable();
        v
    }

    /// Whether no cell of row `row` is written.
    pub(crate) fn row_blank(&self, row: u32) -> bool {
        (0..self.width).all(|c| self.raw(row, c).is_none())
    }

    /// Whether row `row` is a spacer: no cell written and no merged region
    /// through it (a blank row of a bordered form has its merges).
    pub(crate) fn row_empty(&self, row: u32) -> bool {
        self.row_blank(row) && (0..self.width).all(|c| self.merge_of(row, c).is_none())
    }

    /// Whether no cell of column `col` at or below `from` is written.
    pub(crate) fn col_blank(&self, col: u32, from: u32) -> bool {
        (from..self.height).all(|r| self.raw(r, col).is_none())
    }
}

/// Reads sheet `name` of an .xlsx workbook cell by cell, with the number
/// format of each number and the formulas left without a result.
pub(crate) fn read_xlsx<RS: Read + Seek>(
    book: &mut Xlsx<RS>,
    name: &str,
) -> Result<Grid, GridError> {
    let bad = |e: calamine::XlsxError| GridError::Read(e.to_string());
    let mut grid = Grid::new(name);
    let mut formulas = Vec::new();
    {
        let mut reader = book.worksheet_cells_reader(name).map_err(bad)?;
        while let Some(f) = reader.next_formula().map_err(bad)? {
            let (r, c) = f.get_position();
            if r >= MAX_ROWS {
                break;
            }
            if !f.get_value().is_empty() {
                formulas.push(((r, c), f.get_value().clone()));
            }
        }
    }
    let mut reader = book.worksheet_cells_reader(name).map_err(bad)?;
    let styles: Vec<Option<String>> = reader
        .styles()
        .iter()
        .map(|s| s.number_format.as_ref().map(|f| f.format_code.clone()))
        .collect();
    while let Some((cell, style)) = reader.next_cell_with_style_id().map_err(bad)? {
        let (r, c) = cell.get_position();
        let format = styles.get(style).cloned().flatten();
        if let Some(v) = from_ref(cell.get_value(), format) {
            grid.put(r, c, v)?;
        }
    }
    drop(reader);
    for ((r, c), f) in formulas {
        let empty = match grid.raw(r, c) {
            None => true,
            Some(Cell::Text(t)) => t.is_empty(),
            _ => false,
        };
        if empty {
            grid.height = grid.height.max(r + 1);
            grid.width = grid.width.max(c + 1);
            grid.put(r, c, Cell::NoResult(f))?;
        }
    }
    let merges = book.merge_cells_by_sheet_name(name).map_err(bad)?;
    grid.merge_all(&merges);
    Ok(grid)
}

fn from_ref(v: &DataRef, format: Option<String>) -> Option<Cell> {
    Some(match v {
        DataRef::Int(i) => Cell::Number(*i as f64, Some(format.unwrap_or_default())),
        DataRef::Float(f) => Cell::Number(*f, Some(format.unwrap_or_default())),
        DataRef::String(s) => Cell::Text(s.clone()),
        DataRef::SharedString(s) => Cell::Text(s.to_string()),
        DataRef::Bool(b) => Cell::Bool(*b),
        DataRef::DateTime(d) => Cell::Date(d.as_f64()),
        DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => Cell::DateIso(s.clone()),
        DataRef::Error(e) => Cell::Error(e.to_string()),
        DataRef::Empty => return None,
    })
}

/// Reads sheet `name` of an .xls or .ods workbook (which calamine reads
/// whole; their formats are not kept, so numbers carry no format).
pub(crate) fn read_other<RS: Read + Seek>(
    book: &mut Sheets<RS>,
    name: &str,
) -> Result<Grid, GridError> {
    let range = book
        .worksheet_range(name)
        .map_err(|e| GridError::Read(e.to_string()))?;
    let mut grid = Grid::new(name);
    if let Some((r0, c0)) = range.start() {
        for (r, c, v) in range.used_cells() {
            let cell = match v {
                Data::Int(i) => Cell::Number(*i as f64, None),
                Data::Float(f) => Cell::Number(*f, None),
                Data::String(s) => Cell::Text(s.clone()),
                Data::Bool(b) => Cell::Bool(*b),
                Data::DateTime(d) => Cell::Date(d.as_f64()),
                Data::DateTimeIso(s) | Data::DurationIso(s) => Cell::DateIso(s.clone()),
                Data::Error(e) => Cell::Error(e.to_string()),
                Data::Empty => continue,
            };
            grid.put(r0 + r as u32, c0 + c as u32, cell)?;
        }
    }
    if let Sheets::Xls(xls) = book
        && let Ok(merges) = xls.merge_cells_by_sheet_name(name)
    {
        grid.merge_all(&merges);
    }
    Ok(grid)
}

/// A grid built from rows of text, for unit tests: "" is an empty cell.
#[cfg(test)]
pub(crate) fn from_rows(rows: &[&[&str]]) -> Grid {
    let mut g = Grid::new("表1");
    for (r, row) in rows.iter().enumerate() {
        for (c, t) in row.iter().enumerate() {
            g.put(r as u32, c as u32, Cell::Text(t.to_string()))
                .unwrap();
        }
    }
    g
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merged_cells_show_their_anchor() {
        let mut g = from_rows(&[&["标题", "", ""], &["a", "b", "c"]]);
        g.merge(Merge {
            top: 0,
            left: 0,
            bottom: 0,
            right: 2,
        });
        assert_eq!(g.anchor(0, 2), (0, 0));
        assert_eq!(g.raw(0, 2), None);
        assert_eq!(g.end(0, 1), (0, 2));
        assert!(!g.row_blank(1));
        assert!(g.put(MAX_ROWS, 0, Cell::Bool(true)).is_err());
    }
}
