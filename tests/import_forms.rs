//! `jixiao import` of every example table of every built-in form, laid
//! out as the printed form (labels, values, side cells, header rows,
//! merged 一级, auto cells, 合计 rows, lines under the table).

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::TempDir;
use jixiao::input::form::{CellRef, Form, Kind, Need, Registry, Role, TableDef, TableKind};
use rust_xlsxwriter::{Format, Workbook, Worksheet};

/// The value at a dotted key of a table.
fn at<'a>(t: &'a toml::Table, path: &[&str]) -> Option<&'a toml::Value> {
    let (last, groups) = path.split_last()?;
    let mut cur = t;
    for g in groups {
        cur = cur.get(*g)?.as_table()?;
    }
    cur.get(*last)
}

/// Writes a value of `kind` as a sheet shows it.
fn put(ws: &mut Worksheet, r: u32, c: u16, kind: Kind, v: &toml::Value) {
    match (kind, v) {
        (Kind::Money, toml::Value::String(s)) => {
            let d = s.split_once('.').map_or(0, |(_, d)| d.len());
            let f = match d {
                0 => Format::new().set_num_format("0"),
                d => Format::new().set_num_format(format!("0.{}", "0".repeat(d))),
            };
            ws.write_number_with_format(r, c, s.parse::<f64>().unwrap(), &f)
                .unwrap();
        }
        (Kind::Percent, toml::Value::Integer(i)) => {
            let f = Format::new().set_num_format("0%");
            ws.write_number_with_format(r, c, *i as f64 / 100.0, &f)
                .unwrap();
        }
        (_, toml::Value::String(s)) => {
            ws.write_string(r, c, s).unwrap();
        }
        (_, other) => {
            ws.write_string(r, c, other.to_string()).unwrap();
        }
    }
}

/// Merges a region (when larger than a cell) without writing into it.
fn region(ws: &mut Worksheet, r: u32, c: u16, rs: u32, cs: u16) {
    if rs > 1 || cs > 1 {
        ws.merge_range(r, c, r + rs - 1, c + cs - 1, "", &Format::new())
            .unwrap();
    }
}

struct Sheet<'a> {
    form: &'a Form,
    t: &'a toml::Table,
}

impl Sheet<'_> {
    fn label(&self, key: &str) -> String {
        at(self.t, &["labels", key])
            .and_then(toml::Value::as_str)
            .map(str::to_string)
            .unwrap_or_else(|| self.form.label_default(key).unwrap().to_string())
    }

    /// The grid part and the tables, from sheet row `r`; returns the row after.
    fn grid(&self, ws: &mut Worksheet, mut r: u32) -> u32 {
        let cols = self.form.grid.len();
        let mut pending = vec![0usize; cols];
        for row in &self.form.layout {
            if let [spec] = row.as_slice()
                && let CellRef::Table(k) = &spec.what
            {
                r = self.table(ws, r, self.form.table(k).unwrap());
                continue;
            }
            let mut col = 0;
            for spec in row {
                while pending[col] > 0 {
                    col += 1;
                }
                let (cs, rs) = (spec.colspan as u16, spec.rowspan as u32);
                region(ws, r, col as u16, rs, cs);
                match &spec.what {
                    CellRef::Label(k) => ws
                        .write_string(r, col as u16, self.label(k))
                        .map(drop)
                        .unwrap(),
                    CellRef::Value(k) => {
                        let f = self.form.field(k).unwrap();
                        if let Some(v) = at(self.t, &f.path) {
                            put(ws, r, col as u16, f.kind, v);
                        }
                    }
                    CellRef::Text(text) => ws.write_string(r, col as u16, text).map(drop).unwrap(),
                    CellRef::Table(_) => unreachable!(),
                }
                pending[col..col + spec.colspan]
                    .iter_mut()
                    .for_each(|p| *p = spec.rowspan);
                col += spec.colspan;
            }
            pending.iter_mut().for_each(|p| *p = p.saturating_sub(1));
            r += 1;
        }
        r
    }

    /// A row table; returns the row after it.
    fn table(&self, ws: &mut Worksheet, r: u32, t: &TableDef) -> u32 {
        let rows: Vec<&toml::Table> = at(self.t, &[t.key])
            .and_then(toml::Value::as_array)
            .map(|a| a.iter().filter_map(toml::Value::as_table).collect())
            .unwrap_or_default();
        if rows.is_empty() && t.kind != TableKind::Indicators {
            return r;
        }
        // The printed columns: an optional one blank in every row is left
        // out, its width going to the column on its left.
        let mut printed: Vec<(usize, usize)> = Vec::new();
        for (i, c) in t.columns.iter().enumerate() {
            let blank = c.auto.is_none()
                && c.need == Need::Optional
                && rows.iter().all(|row| !row.contains_key(c.key));
            match (blank, printed.last_mut()) {
                (true, Some(last)) => last.1 += c.span,
                _ => printed.push((i, c.span)),
            }
        }
        let first_col = if t.side { t.side_span } else { 0 } as u16;
        let n = rows.len() as u32 + u32::from(t.header) + u32::from(t.total_row.is_some());
        if t.side && n > 0 {
            region(ws, r, 0, n, t.side_span as u16);
            ws.write_string(r, 0, self.label(t.key)).unwrap();
        }
        let mut row_at = r;
        if t.header {
            self.cells(
                ws,
                row_at,
                first_col,
                &printed,
                |c| Some(toml::Value::String(self.label(t.columns[c].label_key))),
                Kind::Text,
            );
            row_at += 1;
        }
        let merge =
            t.kind == TableKind::Indicators && t.columns[printed[0].0].role == Some(Role::Level1);
        let mut group_start = row_at;
        for (j, row) in rows.iter().enumerate() {
            let cell = |c: usize| match &t.columns[c].auto {
                Some(a) => Some(toml::Value::String(a.replace("{n}", &(j + 1).to_string()))),
                None => row.get(t.columns[c].key).cloned(),
            };
            let skip = usize::from(merge);
            let at_col = first_col + if merge { printed[0].1 as u16 } else { 0 };
            for (k, &(c, span)) in printed[skip..].iter().enumerate() {
                let x = at_col + printed[skip..][..k].iter().map(|p| p.1 as u16).sum::<u16>();
                region(ws, row_at, x, 1, span as u16);
                if let Some(v) = cell(c) {
                    put(ws, row_at, x, t.columns[c].kind, &v);
                }
            }
            if merge {
                let key = t.columns[printed[0].0].key;
                let next = rows.get(j + 1).and_then(|n| n.get(key));
                if next != row.get(key) {
                    region(
                        ws,
                        group_start,
                        first_col,
                        row_at - group_start + 1,
                        printed[0].1 as u16,
                    );
                    put(ws, group_start, first_col, Kind::Text, &row[key]);
                    group_start = row_at + 1;
                }
            }
            row_at += 1;
        }
        if let Some(label) = &t.total_row {
            ws.write_string(row_at, first_col, label).unwrap();
            row_at += 1;
        }
        row_at
    }

    /// One row of cells across the printed columns.
    fn cells(
        &self,
        ws: &mut Worksheet,
        r: u32,
        first: u16,
        printed: &[(usize, usize)],
        value: impl Fn(usize) -> Option<toml::Value>,
        kind: Kind,
    ) {
        let mut x = first;
        for &(c, span) in printed {
            region(ws, r, x, 1, span as u16);
            if let Some(v) = value(c) {
                put(ws, r, x, kind, &v);
            }
            x += span as u16;
        }
    }

    /// The lines under the table.
    fn below(&self, ws: &mut Worksheet, mut r: u32) {
        for line in &self.form.below {
            let parts: Vec<String> = line
                .iter()
                .map(|k| {
                    let f = self.form.field(k).unwrap();
                    let v = match at(self.t, &f.path) {
                        Some(toml::Value::String(s)) => s.clone(),
                        Some(other) => other.to_string(),
                        None => String::new(),
                    };
                    format!("{}：{v}", self.label(f.label_key))
                })
                .collect();
            ws.write_string(r, 0, parts.join("　　")).unwrap();
            r += 1;
        }
    }
}

/// Lays out every project file of `doc` on its own sheet.
fn workbook(doc: &Path, forms: &Registry, default: &str, out: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(doc.join("projects"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    let mut wb = Workbook::new();
    for (i, path) in files.iter().enumerate() {
        let t: toml::Table = std::fs::read_to_string(path).unwrap().parse().unwrap();
        let name = at(&t, &["form"])
            .and_then(toml::Value::as_str)
            .unwrap_or(default);
        let form = forms.get(name).unwrap();
        let ws = wb.add_worksheet();
        ws.set_name(format!("表{}", i + 1)).unwrap();
        let sheet = Sheet { form, t: &t };
        ws.write_string(0, 0, format!("{}.某某表", i + 1)).unwrap();
        ws.write_string(1, 0, "单位：万元").unwrap();
        let end = sheet.grid(ws, 2);
        sheet.below(ws, end);
    }
    wb.save(out).unwrap();
    files
}

#[test]
fn every_example_table_of_every_form_reads_back() {
    let forms = Registry::builtin();
    for name in ["central", "department", "shenbao"] {
        let tmp = TempDir::new(&format!("import-forms-{name}"));
        let doc = common::manifest_dir().join("data/examples").join(name);
        let default = std::fs::read_to_string(doc.join("document.toml"))
            .unwrap()
            .parse::<toml::Table>()
            .unwrap();
        let default = default
            .get("form")
            .and_then(toml::Value::as_str)
            .unwrap_or("hebei")
            .to_string();
        let book = tmp.path().join(format!("{name}.xlsx"));
        let files = workbook(&doc, &forms, &default, &book);
        let out = tmp.path().join("out");
        std::fs::create_dir_all(&out).unwrap();
        std::fs::copy(doc.join("document.toml"), out.join("document.toml")).unwrap();
        let o = Command::new(env!("CARGO_BIN_EXE_jixiao"))
            .args([
                "import",
                book.to_str().unwrap(),
                "-o",
                out.to_str().unwrap(),
            ])
            .env("NO_COLOR", "1")
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(o.status.success(), "{name}: {err}");
        assert!(!err.contains("未导入"), "{name}: {err}");
        let mut written: Vec<PathBuf> = std::fs::read_dir(out.join("projects"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        written.sort();
        assert_eq!(written.len(), files.len(), "{name}");
        for (want, got) in files.iter().zip(&written) {
            let read = |p: &Path| {
                let mut t: toml::Table = std::fs::read_to_string(p).unwrap().parse().unwrap();
                // The sheets carry a made-up title.
                t.remove("title");
                t
            };
            assert_eq!(
                read(got),
                read(want),
                "{name}: {} from {}",
                got.display(),
                want.display()
            );
        }
    }
}
