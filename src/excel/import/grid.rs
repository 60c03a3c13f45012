//! One worksheet as the importer sees it: its cells (with the number format
//! of each number), its merged regions, read with explicit bounds on rows
//! and columns so that no workbook can make the reading unbounded.

use std::collections::{BTreeMap, HashMap};
use std::io::{Read, Seek};

use calamine::{Data, DataRef, Reader, Sheets, Xlsx};

use crate::excel::a1;

/// The most rows of a sheet read (a real 绩效目标表 has under 100).
pub(crate) const MAX_ROWS: u32 = 50_000;
/// The most columns of a sheet read.
pub(crate) const MAX_COLS: u32 = 200;
/// The most cells read from one workbook (all its sheets together).
pub(crate) const MAX_CELLS: usize = 2_000_000;
/// The most merged regions of one sheet.
pub(crate) const MAX_MERGES: usize = 10_000;

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
    /// Per column, the merges through it by top row: (bottom, index). The
    /// merges of a column do not overlap, so the last one starting at or
    /// above a row is the only one that can hold it.
    merge_cols: HashMap<u32, BTreeMap<u32, (u32, usize)>>,
    /// How many more cells may be put (the workbook's bound).
    room: usize,
    /// One past the last row holding a cell.
    pub height: u32,
    /// One past the last column holding a cell.
    pub width: u32,
}

/// Why a sheet could not be read.
#[derive(Debug)]
pub(crate) enum GridError {
    /// More rows, columns, cells or merges than are read.
    TooBig(String),
    /// The reader failed (a damaged file).
    Read(String),
}

impl Grid {
    /// An empty sheet named `name` (for tests).
    #[cfg(test)]
    pub(crate) fn new(name: &str) -> Self {
        Grid::with_room(name, MAX_CELLS)
    }

    /// An empty sheet named `name` that takes at most `room` cells.
    pub(crate) fn with_room(name: &str, room: usize) -> Self {
        Grid {
            name: name.to_string(),
            room,
            ..Grid::default()
        }
    }

    /// How many cells the sheet holds.
    pub(crate) fn len(&self) -> usize {
        self.cells.len()
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
        if self.cells.len() >= self.room && !self.cells.contains_key(&(row, col)) {
            return Err(GridError::TooBig(format!(
                "工作簿中有内容的单元格超过 {MAX_CELLS} 个（读到工作表“{}”的 {}）",
                self.name,
                a1(row, col)
            )));
        }
        self.height = self.height.max(row + 1);
        self.width = self.width.max(col + 1);
        self.cells.insert((row, col), cell);
        Ok(())
    }

    /// Adds a merged region, cut to the cells the sheet holds; one
    /// overlapping a region added before is dropped (the first wins, as
    /// no spreadsheet saves overlapping merges). Refuses more than
    /// [`MAX_MERGES`].
    pub(crate) fn add_merge(&mut self, m: Merge) -> Result<(), GridError> {
        let bottom = m.bottom.min(self.height.saturating_sub(1)).min(MAX_ROWS);
        let right = m.right.min(self.width.saturating_sub(1)).min(MAX_COLS);
        if m.top > bottom || m.left > right || (m.top == bottom && m.left == right) {
            return Ok(());
        }
        if self.merges.len() >= MAX_MERGES {
            return Err(GridError::TooBig(format!(
                "工作表“{}”有超过 {MAX_MERGES} 个合并单元格（{}）",
                self.name,
                a1(m.top, m.left)
            )));
        }
        let m = Merge { bottom, right, ..m };
        let overlaps = (m.left..=m.right).any(|c| {
            self.merge_cols.get(&c).is_some_and(|col| {
                col.range(..=m.bottom)
                    .next_back()
                    .is_some_and(|(_, &(b, _))| b >= m.top)
            })
        });
        if overlaps {
            return Ok(());
        }
        let i = self.merges.len();
        self.merges.push(m);
        for c in m.left..=m.right {
            self.merge_cols
                .entry(c)
                .or_default()
                .insert(m.top, (m.bottom, i));
        }
        Ok(())
    }

    /// Adds a merged region within the bounds (for tests).
    #[cfg(test)]
    pub(crate) fn merge(&mut self, m: Merge) {
        self.add_merge(m).unwrap();
    }

    /// Adds merged regions given as calamine's dimensions.
    fn merge_all(&mut self, merges: &[calamine::Dimensions]) -> Result<(), GridError> {
        for d in merges {
            self.add_merge(Merge {
                top: d.start.0,
                left: d.start.1,
                bottom: d.end.0,
                right: d.end.1,
            })?;
        }
        Ok(())
    }

    /// The cell written at a position (merged cells other than the
    /// top-left one hold nothing).
    pub(crate) fn raw(&self, row: u32, col: u32) -> Option<&Cell> {
        self.cells.get(&(row, col))
    }

    /// The merged region a cell is in.
    pub(crate) fn merge_of(&self, row: u32, col: u32) -> Option<Merge> {
        let (_, &(bottom, i)) = self.merge_cols.get(&col)?.range(..=row).next_back()?;
        (bottom >= row).then(|| self.merges[i])
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
    room: usize,
) -> Result<Grid, GridError> {
    let bad = |e: calamine::XlsxError| GridError::Read(e.to_string());
    let mut grid = Grid::with_room(name, room);
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
    grid.merge_all(&merges)?;
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
/// whole; their formats are not kept, so numbers carry no format), with
/// the merges and number formats of an .ods found by [`super::ods::scan`].
pub(crate) fn read_other<RS: Read + Seek>(
    book: &mut Sheets<RS>,
    name: &str,
    room: usize,
    ods: Option<&super::ods::Sheet>,
) -> Result<Grid, GridError> {
    let range = book
        .worksheet_range(name)
        .map_err(|e| GridError::Read(e.to_string()))?;
    let mut grid = Grid::with_room(name, room);
    if let Some((r0, c0)) = range.start() {
        for (r, c, v) in range.used_cells() {
            let (r, c) = (r0 + r as u32, c0 + c as u32);
            let format = || ods.and_then(|s| s.formats.get(&(r, c))).cloned();
            let cell = match v {
                Data::Int(i) => Cell::Number(*i as f64, format()),
                Data::Float(f) => Cell::Number(*f, format()),
                Data::String(s) => Cell::Text(s.clone()),
                Data::Bool(b) => Cell::Bool(*b),
                Data::DateTime(d) => Cell::Date(d.as_f64()),
                Data::DateTimeIso(s) | Data::DurationIso(s) => Cell::DateIso(s.clone()),
                Data::Error(e) => Cell::Error(e.to_string()),
                Data::Empty => continue,
            };
            grid.put(r, c, cell)?;
        }
    }
    if let Sheets::Xls(xls) = book
        && let Ok(merges) = xls.merge_cells_by_sheet_name(name)
    {
        grid.merge_all(&merges)?;
    }
    for m in ods.map_or(&[][..], |s| s.merges.as_slice()) {
        grid.add_merge(*m)?;
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

    #[test]
    fn a_huge_merge_is_one_entry_per_column_and_merges_and_cells_are_bounded() {
        let mut g = Grid::with_room("表1", 3);
        g.put(MAX_ROWS - 1, MAX_COLS - 1, Cell::Bool(true)).unwrap();
        let start = std::time::Instant::now();
        let all = Merge {
            top: 0,
            left: 0,
            bottom: MAX_ROWS - 1,
            right: MAX_COLS - 1,
        };
        g.merge(all);
        assert!(start.elapsed().as_millis() < 200);
        assert_eq!(g.merge_of(MAX_ROWS - 1, 7), Some(all));
        assert_eq!(g.anchor(123, 45), (0, 0));
        // An overlapping region is dropped; the first wins.
        g.merge(Merge {
            top: 5,
            left: 5,
            bottom: 6,
            right: 6,
        });
        assert_eq!(g.merge_of(6, 6), Some(all));
        let mut g = Grid::with_room("表1", 3);
        g.put(0, 0, Cell::Bool(true)).unwrap();
        g.put(MAX_MERGES as u32 + 1, 1, Cell::Bool(true)).unwrap();
        for r in 0..MAX_MERGES as u32 {
            g.merge(Merge {
                top: r,
                left: 0,
                bottom: r,
                right: 1,
            });
        }
        assert_eq!(g.merge_of(10, 1).map(|m| m.top), Some(10));
        assert_eq!(g.merge_of(MAX_MERGES as u32, 1), None);
        let top = MAX_MERGES as u32;
        let e = g.add_merge(Merge {
            top,
            left: 0,
            bottom: top,
            right: 1,
        });
        assert!(matches!(e, Err(GridError::TooBig(m)) if m.contains("合并单元格")));
        g.put(2, 0, Cell::Bool(true)).unwrap();
        let e = g.put(3, 0, Cell::Bool(true));
        assert!(matches!(e, Err(GridError::TooBig(m)) if m.contains("A4")));
    }
}
