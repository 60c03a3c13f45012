//! One sheet per table, laid out like the printed form: the title, the
//! unit line and 单位：万元 above, then the form's grid with every cell of
//! the PDF's table at the same place (spans merged), the lines under it.

use rust_xlsxwriter::Worksheet;

use super::look;
use super::sheet::{At, Content, Sheet, xlsx};
use crate::input::model::{Document, Project, Value};
use crate::report::diag::Result;
use crate::typeset::render::{BlockView, CellView, ProjectView, project_view};

/// The width of the table in characters (A4 portrait holds about 110 at
/// the scale "one page wide" prints).
const TABLE_WIDTH: f64 = 110.0;
/// Rows above the table: title, unit line, 单位：….
const HEAD_ROWS: u32 = 3;

/// One cell of the table in reading order, and whether it is a header
/// cell repeated on every printed page.
struct Item<'v> {
    cell: &'v CellView,
    repeat: bool,
}

/// Writes the sheet `name` of table `p` numbered `number` ("" for a
/// department-wide table).
pub(super) fn write(
    ws: &mut Worksheet,
    name: &str,
    number: &str,
    p: &Project,
    doc: &Document,
) -> Result<()> {
    let view = project_view(number.to_string(), p, &doc.labels);
    let widths: Vec<f64> = view
        .columns
        .iter()
        .map(|pct| pct * TABLE_WIDTH / 100.0)
        .collect();
    let n = u16::try_from(widths.len().max(1)).unwrap_or(u16::MAX);
    let mut s = Sheet::new(ws, name, &widths)?;
    let title = match view.number.as_str() {
        "" => view.title.clone(),
        num => format!("{num}.{}", view.title),
    };
    let unit = format!("{} {}", doc.unit_code, doc.unit_name);
    let money = format!("单位：{}", doc.money_unit);
    s.put(At::span(0, 0, 1, n), Content::Text(&title), &look::title())?;
    s.need(0, look::title_height());
    s.put(
        At::span(1, 0, 1, n),
        Content::Text(&unit),
        &look::plain(false),
    )?;
    s.put(
        At::span(2, 0, 1, n),
        Content::Text(&money),
        &look::plain(true),
    )?;
    let items = items(&view);
    let spans: Vec<(usize, usize)> = items.iter().map(|i| (i.cell.cs, i.cell.rs)).collect();
    let places = place(&spans, usize::from(n));
    let mut repeat: Option<(u32, u32)> = None;
    let mut end = HEAD_ROWS;
    for (item, (row, col)) in items.iter().zip(&places) {
        let at = At::span(
            HEAD_ROWS + row,
            *col,
            rows(item.cell.rs),
            cols(item.cell.cs, n),
        );
        put_cell(&mut s, at, item.cell, &p.form.amount_suffix)?;
        end = end.max(at.row + at.rows);
        if item.repeat {
            let (a, b) = repeat.unwrap_or((at.row, at.row));
            repeat = Some((a.min(at.row), b.max(at.row + at.rows - 1)));
        }
    }
    for (i, line) in view.below.iter().enumerate() {
        let at = At::span(end + i as u32, 0, 1, n);
        s.put(at, Content::Text(line), &look::plain(false))?;
    }
    let ws = s.ws();
    let done = ws.set_freeze_panes(HEAD_ROWS, 0).map(|_| ());
    let done = done.and_then(|()| match repeat {
        Some((a, b)) => ws.set_repeat_rows(a, b).map(|_| ()),
        None => Ok(()),
    });
    done.map_err(|e| xlsx(name, &e))?;
    s.finish()
}

fn rows(rs: usize) -> u32 {
    u32::try_from(rs).unwrap_or(u32::MAX)
}

fn cols(cs: usize, n: u16) -> u16 {
    u16::try_from(cs).unwrap_or(n).min(n)
}

/// Writes one table cell: an amount as a number in the format that shows
/// it as written, a text as written, anything else as printed.
fn put_cell(s: &mut Sheet, at: At, cell: &CellView, suffix: &str) -> Result<()> {
    match &cell.value {
        Some((Value::Amount(a), kind)) if kind.is_amount() => {
            if let Some((n, format)) = look::amount(*a, *kind, suffix) {
                return s.put(at, Content::Number(n), &look::number(cell.left, &format));
            }
            s.put(at, Content::Text(&cell.t), &look::cell(cell.left))
        }
        Some((Value::Text(raw), _)) => s.put(at, Content::Text(raw), &look::cell(cell.left)),
        _ => s.put(at, Content::Text(&cell.t), &look::cell(cell.left)),
    }
}

/// The table's cells in the order the PDF's table takes them.
fn items(view: &ProjectView) -> Vec<Item<'_>> {
    let mut out = Vec::new();
    for b in &view.blocks {
        let plain = |cell| Item {
            cell,
            repeat: false,
        };
        out.extend(b.cells.iter().map(plain));
        out.extend(b.side.iter().map(plain));
        out.extend(b.header.iter().map(|cell| Item {
            cell,
            repeat: b.repeat,
        }));
        out.extend(rows_of(b).map(plain));
    }
    out
}

/// A row table's body cells: each group's merged first cell, then its rows.
fn rows_of(b: &BlockView) -> impl Iterator<Item = &CellView> {
    b.groups
        .iter()
        .flat_map(|g| g.first.iter().chain(g.rows.iter().flatten()))
}

/// Places cells of (colspan, rowspan) on a grid `n` columns wide as an
/// HTML or Typst table does: each at the next free position, left to
/// right, top to bottom, where its whole span is free. Returns (row, col).
fn place(spans: &[(usize, usize)], n: usize) -> Vec<(u32, u16)> {
    let n = n.max(1);
    let mut taken: Vec<Vec<bool>> = Vec::new();
    let (mut r, mut c) = (0usize, 0usize);
    let mut out = Vec::with_capacity(spans.len());
    for &(cs, rs) in spans {
        let (cs, rs) = (cs.clamp(1, n), rs.max(1));
        loop {
            if c + cs > n {
                (r, c) = (r + 1, 0);
            } else if free(&taken, r, c, cs, rs) {
                break;
            } else {
                c += 1;
            }
        }
        if taken.len() < r + rs {
            taken.resize(r + rs, vec![false; n]);
        }
        for row in &mut taken[r..r + rs] {
            row[c..c + cs].iter_mut().for_each(|t| *t = true);
        }
        out.push((r as u32, c as u16));
        c += cs;
    }
    out
}

/// Whether the `cs` × `rs` block at (r, c) is free.
fn free(taken: &[Vec<bool>], r: usize, c: usize, cs: usize, rs: usize) -> bool {
    (r..r + rs).all(|row| {
        taken
            .get(row)
            .is_none_or(|t| t[c..c + cs].iter().all(|x| !x))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_flow_around_row_spans_like_a_printed_table() {
        // hebei's first rows: @code code*2 @name name*3, then a label over
        // two rows beside six cells, then usage*6 beside it.
        let spans = [
            (1, 1),
            (2, 1),
            (1, 1),
            (3, 1),
            (1, 2),
            (1, 1),
            (1, 1),
            (1, 1),
            (1, 1),
            (1, 1),
            (1, 1),
            (6, 1),
            (7, 1),
        ];
        let got = place(&spans, 7);
        assert_eq!(
            got,
            [
                (0, 0),
                (0, 1),
                (0, 3),
                (0, 4),
                (1, 0),
                (1, 1),
                (1, 2),
                (1, 3),
                (1, 4),
                (1, 5),
                (1, 6),
                (2, 1),
                (3, 0)
            ]
        );
    }

    #[test]
    fn a_span_wider_than_the_grid_is_cut_to_it() {
        assert_eq!(place(&[(9, 1), (1, 1)], 3), [(0, 0), (1, 0)]);
    }
}
