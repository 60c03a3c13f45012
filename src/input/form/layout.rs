//! The cell syntax of a form's `layout` ("@code", "name*3", "@plan/2",
//! "#indicators") and the check that the cells fill the grid exactly.

/// What a layout cell shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CellRef {
    /// The label of a field, heading or table (`@key`).
    Label(&'static str),
    /// The value of a field (`key`).
    Value(&'static str),
    /// A row table, which takes whole grid rows (`#key`).
    Table(&'static str),
    /// Fixed text (`'text'`), printed as written.
    Text(String),
}

/// One cell of a layout row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CellSpec {
    /// What it shows.
    pub what: CellRef,
    /// Grid columns it spans.
    pub colspan: usize,
    /// Grid rows it spans.
    pub rowspan: usize,
}

/// Parses one cell such as `@budget_block/2` or `name*3`.
pub(crate) fn parse_cell(text: &str) -> Result<CellSpec, String> {
    let (body, colspan, rowspan) = spans(text)?;
    let what = if let Some(k) = body.strip_prefix('@') {
        CellRef::Label(key(k, text)?)
    } else if let Some(k) = body.strip_prefix('#') {
        CellRef::Table(key(k, text)?)
    } else if body.len() >= 2 && body.starts_with('\'') && body.ends_with('\'') {
        CellRef::Text(body[1..body.len() - 1].to_string())
    } else {
        CellRef::Value(key(body, text)?)
    };
    Ok(CellSpec {
        what,
        colspan,
        rowspan,
    })
}

/// Splits the `*N` and `/N` suffixes off a cell, each written at most
/// once, in either order; a quoted text ends at its last quote, so it may
/// hold `*` and `/` itself.
fn spans(text: &str) -> Result<(&str, usize, usize), String> {
    let split = if text.starts_with('\'') {
        text.rfind('\'')
            .filter(|&i| i > 0)
            .map_or(text.len(), |i| i + 1)
    } else {
        text.find(['*', '/']).unwrap_or(text.len())
    };
    let (body, mut rest) = text.split_at(split);
    let (mut colspan, mut rowspan) = (None, None);
    while let Some(op) = rest.chars().next() {
        let tail = &rest[op.len_utf8()..];
        let end = tail.find(['*', '/']).unwrap_or(tail.len());
        let slot = match op {
            '*' => &mut colspan,
            '/' => &mut rowspan,
            _ => return Err(invalid(text)),
        };
        if slot.replace(count(&tail[..end], text)?).is_some() {
            return Err(format!(
                "“{text}”写了两次“{op}”：列数（*N）和行数（/N）各最多写一次"
            ));
        }
        rest = &tail[end..];
    }
    Ok((body, colspan.unwrap_or(1), rowspan.unwrap_or(1)))
}

fn count(n: &str, cell: &str) -> Result<usize, String> {
    n.parse::<usize>()
        .ok()
        .filter(|n| (1..=32).contains(n))
        .ok_or_else(|| format!("“{cell}”中的跨度“{n}”不是 1–32 的整数"))
}

fn key(k: &str, cell: &str) -> Result<&'static str, String> {
    let ok = !k.is_empty()
        && k.split('.').all(|p| {
            !p.is_empty()
                && p.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        });
    if ok {
        Ok(super::intern(k))
    } else {
        Err(invalid(cell))
    }
}

fn invalid(cell: &str) -> String {
    format!(
        "“{cell}”不是有效的格子：应写成 @字段（标签）、字段（取值）、#表（指标等多行表）或 '固定文字'，后面可跟 *列数 和 /行数"
    )
}

/// Checks that each row's cells, with the row spans of the rows above,
/// fill exactly `columns` grid columns; a table cell must be alone in its
/// row. Returns the 0-based row and a message for the first problem.
pub(crate) fn check_grid(rows: &[Vec<CellSpec>], columns: usize) -> Result<(), (usize, String)> {
    let mut pending = vec![0usize; columns];
    for (i, row) in rows.iter().enumerate() {
        if row.iter().any(|c| matches!(c.what, CellRef::Table(_))) {
            if row.len() != 1 || pending.iter().any(|&p| p > 0) {
                return Err((
                    i,
                    "多行表（#…）要单独占一行，且上面的格子不能跨进这一行".into(),
                ));
            }
            continue;
        }
        let mut col = 0;
        for cell in row {
            while col < columns && pending[col] > 0 {
                col += 1;
            }
            if col + cell.colspan > columns {
                return Err((i, format!("这一行的格子超出了 grid 的 {columns} 列")));
            }
            for p in &mut pending[col..col + cell.colspan] {
                *p = cell.rowspan;
            }
            col += cell.colspan;
        }
        if pending.contains(&0) {
            return Err((i, format!("这一行的格子不满 grid 的 {columns} 列")));
        }
        pending.iter_mut().for_each(|p| *p -= 1);
    }
    if pending.iter().any(|&p| p > 0) {
        return Err((
            rows.len().saturating_sub(1),
            "最后一行的格子跨出了表格".into(),
        ));
    }
    Ok(())
}

/// The first grid column of every cell of a layout that passed
/// [`check_grid`], row by row (table rows get an empty list).
pub(crate) fn first_columns(rows: &[Vec<CellSpec>], columns: usize) -> Vec<Vec<usize>> {
    let mut pending = vec![0usize; columns];
    let mut out = Vec::new();
    for row in rows {
        let mut firsts = Vec::new();
        if row.iter().any(|c| matches!(c.what, CellRef::Table(_))) {
            out.push(firsts);
            continue;
        }
        let mut col = 0;
        for cell in row {
            while col < columns && pending[col] > 0 {
                col += 1;
            }
            firsts.push(col);
            let end = (col + cell.colspan).min(columns);
            pending[col.min(end)..end]
                .iter_mut()
                .for_each(|p| *p = cell.rowspan);
            col = end;
        }
        pending.iter_mut().for_each(|p| *p = p.saturating_sub(1));
        out.push(firsts);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(cells: &[&str]) -> Vec<CellSpec> {
        cells.iter().map(|c| parse_cell(c).unwrap()).collect()
    }

    #[test]
    fn cells_parse_with_spans() {
        let c = parse_cell("@budget_block/2").unwrap();
        assert_eq!(c.what, CellRef::Label("budget_block"));
        assert_eq!((c.colspan, c.rowspan), (1, 2));
        let c = parse_cell("plan.march*2").unwrap();
        assert_eq!(c.what, CellRef::Value("plan.march"));
        assert_eq!((c.colspan, c.rowspan), (2, 1));
        let c = parse_cell("x*2/3").unwrap();
        assert_eq!((c.colspan, c.rowspan), (2, 3));
        assert_eq!(
            parse_cell("'其中：'").unwrap().what,
            CellRef::Text("其中：".into())
        );
        let c = parse_cell("'a/b'*4").unwrap();
        assert_eq!(c.what, CellRef::Text("a/b".into()));
        assert_eq!((c.colspan, c.rowspan), (4, 1));
        let c = parse_cell("'x*y'/2*3").unwrap();
        assert_eq!(c.what, CellRef::Text("x*y".into()));
        assert_eq!((c.colspan, c.rowspan), (3, 2));
        assert_eq!(
            parse_cell("'1/2'").unwrap().what,
            CellRef::Text("1/2".into())
        );
        for twice in ["'x'*2*2", "a/2/2", "a*2/2*1"] {
            let e = parse_cell(twice).unwrap_err();
            assert!(e.contains("写了两次"), "{twice}: {e}");
        }
        assert!(parse_cell("'x' *2").is_err());
        assert!(parse_cell("a*0").is_err());
        assert!(parse_cell("名称").is_err());
        assert!(parse_cell("@").is_err());
    }

    #[test]
    fn grids_must_be_filled_exactly() {
        let ok = [
            row(&["@a/2", "b*2"]),
            row(&["c", "d"]),
            row(&["#t"]),
            row(&["e*3"]),
        ];
        assert_eq!(check_grid(&ok, 3), Ok(()));
        assert!(check_grid(&[row(&["a", "b"])], 3).is_err());
        assert!(check_grid(&[row(&["a*4"])], 3).is_err());
        assert!(check_grid(&[row(&["a/2", "b*2"]), row(&["#t"])], 3).is_err());
        assert!(check_grid(&[row(&["a/2", "b*2"])], 3).is_err());
    }
}
