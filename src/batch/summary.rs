//! The summary a batch ends with: one line per document (pages, tables,
//! 预算数 total, errors, warnings, status) and a totals line, as an aligned
//! text table, Markdown or JSON. Rows are sorted by path, so the summary
//! does not depend on the order the documents finished in.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::Serialize;
use unicode_width::UnicodeWidthStr;

use crate::report::diag::Record;
use crate::report::escape;

/// How one document of a batch ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Status {
    /// Built (or, for `check`, no error; with `--deny-warnings` no warning).
    Ok,
    /// Not built, or errors found.
    Failed,
}

/// One document's line of the summary.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct DocEntry {
    /// The document folder relative to the batch folder, `/`-separated.
    pub(crate) path: String,
    /// How it ended.
    pub(crate) status: Status,
    /// The budget year, when the data was read.
    pub(crate) year: Option<i32>,
    /// Pages of the typeset document, when it was typeset.
    pub(crate) pages: Option<usize>,
    /// Project tables, when the data was read.
    pub(crate) tables: Option<usize>,
    /// Sum of the projects' 预算数 (exact decimal, as a string); `None`
    /// when the data was not read, or (with `unit` known) past what a
    /// decimal holds.
    pub(crate) total: Option<Decimal>,
    /// The unit of `total`.
    pub(crate) unit: Option<String>,
    /// Diagnostics by severity.
    pub(crate) errors: usize,
    /// Warnings.
    pub(crate) warnings: usize,
    /// Notes.
    pub(crate) notes: usize,
    /// The files written (build only): relative to the current folder
    /// when below it, else absolute.
    pub(crate) outputs: Vec<String>,
    /// Every diagnostic of the document.
    pub(crate) diagnostics: Vec<Record>,
}

/// The sum of the 预算数 totals of one budget year in one unit.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct UnitTotal {
    /// The budget year: documents of different years are not added up.
    pub(crate) year: i32,
    /// The money unit.
    pub(crate) unit: String,
    /// The exact sum; `None` past what a decimal holds.
    pub(crate) total: Option<Decimal>,
}

/// The totals line.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Totals {
    /// Documents in the batch.
    pub(crate) documents: usize,
    /// Those that ended well.
    pub(crate) ok: usize,
    /// Those that failed.
    pub(crate) failed: usize,
    /// Pages of the typeset documents.
    pub(crate) pages: usize,
    /// Project tables of the documents read.
    pub(crate) tables: usize,
    /// 预算数 summed per budget year and money unit.
    pub(crate) amounts: Vec<UnitTotal>,
    /// Errors, the cross-document ones included.
    pub(crate) errors: usize,
    /// Warnings, the cross-document ones included.
    pub(crate) warnings: usize,
    /// Notes, the cross-document ones included.
    pub(crate) notes: usize,
}

/// The whole summary (the JSON document of `--format json`).
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Summary {
    /// Format version.
    pub(crate) version: u32,
    /// "build" or "check".
    pub(crate) command: &'static str,
    /// One entry per document, sorted by path.
    pub(crate) documents: Vec<DocEntry>,
    /// Findings about the batch as a whole (J901, J902, skipped links).
    pub(crate) cross: Vec<Record>,
    /// The totals.
    pub(crate) totals: Totals,
}

impl Summary {
    /// The summary of `documents` (any order) and the batch-wide findings.
    pub(crate) fn new(
        command: &'static str,
        mut documents: Vec<DocEntry>,
        cross: Vec<Record>,
    ) -> Self {
        // By path components, as the documents were found and their
        // diagnostics are printed (`x/a` before `x-y/b`).
        documents.sort_by(|a, b| a.path.split('/').cmp(b.path.split('/')));
        let count = |s: &str| cross.iter().filter(|r| r.severity == s).count();
        let mut amounts: BTreeMap<(i32, String), Option<Decimal>> = BTreeMap::new();
        for d in &documents {
            if let (Some(year), Some(unit)) = (d.year, &d.unit) {
                let sum = amounts
                    .entry((year, unit.clone()))
                    .or_insert(Some(Decimal::ZERO));
                *sum = sum.zip(d.total).and_then(|(a, b)| a.checked_add(b));
            }
        }
        let ok = documents.iter().filter(|d| d.status == Status::Ok).count();
        let totals = Totals {
            documents: documents.len(),
            ok,
            failed: documents.len() - ok,
            pages: documents.iter().filter_map(|d| d.pages).sum(),
            tables: documents.iter().filter_map(|d| d.tables).sum(),
            amounts: amounts
                .into_iter()
                .map(|((year, unit), total)| UnitTotal { year, unit, total })
                .collect(),
            errors: documents.iter().map(|d| d.errors).sum::<usize>() + count("error"),
            warnings: documents.iter().map(|d| d.warnings).sum::<usize>() + count("warning"),
            notes: documents.iter().map(|d| d.notes).sum::<usize>() + count("note"),
        };
        Self {
            version: 1,
            command,
            documents,
            cross,
            totals,
        }
    }

    /// Pretty JSON, control characters escaped.
    pub(crate) fn json(&self) -> String {
        let json = serde_json::to_string_pretty(self).expect("summary serialises");
        escape::json(&json) + "\n"
    }

    /// The aligned text table and the totals line.
    pub(crate) fn text(&self) -> String {
        let mut rows = vec![HEADER.map(String::from).to_vec()];
        rows.extend(self.documents.iter().map(|d| self.cells(d)));
        rows.extend(self.cross_cells());
        let widths: Vec<usize> = (0..HEADER.len())
            .map(|c| rows.iter().map(|r| r[c].width()).max().unwrap_or(0))
            .collect();
        let mut out = String::new();
        for row in &rows {
            let line: Vec<String> = row
                .iter()
                .zip(&widths)
                .enumerate()
                .map(|(c, (cell, w))| pad(cell, *w, c >= 2))
                .collect();
            out.push_str(line.join("  ").trim_end());
            out.push('\n');
        }
        out.push_str(&self.totals_line());
        out.push('\n');
        out
    }

    /// A Markdown table with a totals row.
    pub(crate) fn markdown(&self) -> String {
        let mut out = format!("| {} |\n", HEADER.join(" | "));
        out.push_str("|---|---|--:|--:|--:|--:|--:|\n");
        let rows = self.documents.iter().map(|d| self.cells(d));
        for row in rows.chain(self.cross_cells()) {
            // Data text (folder names, the money unit) prints literally.
            let cells: Vec<String> = row.iter().map(|c| markdown_text(c)).collect();
            out.push_str(&format!("| {} |\n", cells.join(" | ")));
        }
        let totals = self.totals_cells().map(|c| markdown_text(&c));
        let [first, rest @ ..] = totals;
        out.push_str(&format!("| **{first}** | {} |\n", rest.join(" | ")));
        out.push_str(&self.markdown_findings());
        out
    }

    /// The row of the batch-wide findings (J901 is counted in the rows of
    /// its documents; J902, skipped folders here), so that the columns add
    /// up to the totals; none without such findings.
    fn cross_cells(&self) -> Option<Vec<String>> {
        let count = |s: &str| self.cross.iter().filter(|r| r.severity == s).count();
        let (errors, warnings) = (count("error"), count("warning"));
        (errors + warnings > 0).then(|| {
            let dash = || "—".to_string();
            vec![
                "（批量检查）".to_string(),
                dash(),
                dash(),
                dash(),
                dash(),
                errors.to_string(),
                warnings.to_string(),
            ]
        })
    }

    /// Every error and warning under its document's heading, then the
    /// batch-wide ones: the report carries what its counts stand for.
    fn markdown_findings(&self) -> String {
        let groups = self
            .documents
            .iter()
            .map(|d| (escape::one_line(&d.path).into_owned(), &d.diagnostics));
        let groups = groups.chain(std::iter::once(("批量检查".to_string(), &self.cross)));
        let mut out = String::new();
        for (name, records) in groups {
            let shown: Vec<&Record> = records.iter().filter(|r| r.severity != "note").collect();
            if shown.is_empty() {
                continue;
            }
            out.push_str(&format!("\n### {}\n\n", markdown_text(&name)));
            shown.iter().for_each(|r| out.push_str(&markdown_item(r)));
        }
        match out.is_empty() {
            true => out,
            false => format!("\n## 问题\n{out}"),
        }
    }

    /// The cells of one document's row.
    fn cells(&self, d: &DocEntry) -> Vec<String> {
        let or_dash = |v: Option<String>| v.unwrap_or_else(|| "—".to_string());
        let total = d.unit.as_ref().map(|unit| money(d.total, unit));
        vec![
            escape::one_line(&d.path).into_owned(),
            self.status_label(d.status).to_string(),
            or_dash(d.pages.map(|p| p.to_string())),
            or_dash(d.tables.map(|t| t.to_string())),
            or_dash(total.map(|t| escape::one_line(&t).into_owned())),
            d.errors.to_string(),
            d.warnings.to_string(),
        ]
    }

    fn status_label(&self, status: Status) -> &'static str {
        match (status, self.command) {
            (Status::Ok, "build") => "已生成",
            (Status::Ok, _) => "通过",
            (Status::Failed, _) => "失败",
        }
    }

    /// The totals per year and unit; the year is named only when the batch
    /// holds more than one.
    fn amounts(&self) -> String {
        let amounts = &self.totals.amounts;
        let years = amounts.iter().any(|a| a.year != amounts[0].year);
        let parts: Vec<String> = amounts
            .iter()
            .map(|a| {
                let year = if years {
                    format!("{} 年 ", a.year)
                } else {
                    String::new()
                };
                escape::one_line(&format!("{year}{}", money(a.total, &a.unit))).into_owned()
            })
            .collect();
        if parts.is_empty() {
            "—".to_string()
        } else {
            parts.join(" + ")
        }
    }

    /// The totals in the columns of the table.
    fn totals_cells(&self) -> [String; 7] {
        let t = &self.totals;
        [
            format!("合计（{} 个文档）", t.documents),
            // The word the rows use: built documents succeeded, checked
            // ones passed.
            match self.command {
                "build" => format!("{} 个成功，{} 个失败", t.ok, t.failed),
                _ => format!("{} 个通过，{} 个失败", t.ok, t.failed),
            },
            t.pages.to_string(),
            t.tables.to_string(),
            self.amounts(),
            t.errors.to_string(),
            t.warnings.to_string(),
        ]
    }

    fn totals_line(&self) -> String {
        let [docs, status, pages, tables, amounts, errors, warnings] = self.totals_cells();
        format!(
            "{docs}：{status}；{pages} 页，{tables} 张表，预算数 {amounts}；{errors} 个错误，{warnings} 个警告"
        )
    }
}

/// An amount with its unit, or what stands for one past a decimal's range.
fn money(total: Option<Decimal>, unit: &str) -> String {
    match total {
        Some(total) => format!("{total} {unit}"),
        None => format!("超出可计算范围（{unit}）"),
    }
}

/// One finding as a Markdown list item: `severity[code] file:line:col`
/// then the message.
fn markdown_item(r: &Record) -> String {
    let code = r
        .code
        .as_deref()
        .map_or(String::new(), |c| format!("[{c}]"));
    let at = match (&r.file, r.line, r.column) {
        (Some(f), Some(l), Some(c)) => format!(" {f}:{l}:{c}"),
        (Some(f), _, _) => format!(" {f}"),
        _ => String::new(),
    };
    let head = markdown_text(&format!("{}{code}{at}", r.severity));
    format!("- {head}：{}\n", markdown_text(&r.message))
}

/// Text from data as Markdown that prints it literally: on one line, each
/// character that could start markup (emphasis, code, a link, HTML, an
/// entity, a table cell, math) escaped; the text never starts a line, so
/// list and heading markers need none.
fn markdown_text(text: &str) -> String {
    let mut out = String::new();
    for c in escape::one_line(text).chars() {
        if "\\`*_[]<>|~!#&$".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The column titles.
const HEADER: [&str; 7] = ["文档", "状态", "页数", "表数", "预算数", "错误", "警告"];

/// `cell` padded to `width` terminal columns (CJK characters take two).
fn pad(cell: &str, width: usize, right: bool) -> String {
    let fill = " ".repeat(width.saturating_sub(cell.width()));
    if right {
        fill + cell
    } else {
        format!("{cell}{fill}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(path: &str, status: Status, total: Option<&str>) -> DocEntry {
        DocEntry {
            path: path.into(),
            status,
            year: total.map(|_| 2025),
            pages: total.map(|_| 3),
            tables: total.map(|_| 2),
            total: total.map(|t| t.parse().unwrap()),
            unit: total.map(|_| "万元".into()),
            errors: usize::from(status == Status::Failed),
            warnings: 1,
            notes: 0,
            outputs: Vec::new(),
            diagnostics: Vec::new(),
        }
    }

    #[test]
    fn rows_are_sorted_and_totals_exact() {
        let docs = vec![
            entry("b", Status::Ok, Some("0.1")),
            entry("a", Status::Ok, Some("0.20")),
            entry("c", Status::Failed, None),
        ];
        let s = Summary::new("build", docs, Vec::new());
        let paths: Vec<_> = s.documents.iter().map(|d| d.path.as_str()).collect();
        assert_eq!(paths, ["a", "b", "c"]);
        assert_eq!(s.totals.amounts[0].total.unwrap().to_string(), "0.30");
        assert_eq!((s.totals.ok, s.totals.failed, s.totals.pages), (2, 1, 6));
        let text = s.text();
        assert!(
            text.contains("合计（3 个文档）：2 个成功，1 个失败；6 页，4 张表，预算数 0.30 万元；1 个错误，3 个警告"),
            "{text}"
        );
        // Columns line up although the header is CJK: each line's cells end
        // at the same terminal column.
        let lines: Vec<&str> = text.lines().take(4).collect();
        let widths: Vec<usize> = lines.iter().map(|l| l.width()).collect();
        assert!(widths.iter().all(|w| *w == widths[0]), "{text}");
    }

    /// Rows are in the order the diagnostics are printed: by path
    /// components, not as strings (where `-` sorts before `/`).
    #[test]
    fn rows_are_sorted_by_path_components() {
        let docs = ["x-y/b", "x/a", "x"]
            .map(|p| entry(p, Status::Ok, None))
            .to_vec();
        let s = Summary::new("check", docs, Vec::new());
        let paths: Vec<_> = s.documents.iter().map(|d| d.path.as_str()).collect();
        assert_eq!(paths, ["x", "x/a", "x-y/b"]);
    }

    #[test]
    fn sums_past_a_decimals_range_and_other_years_are_not_added_up() {
        let max = Decimal::MAX.to_string();
        let mut docs = vec![
            entry("a", Status::Ok, Some(&max)),
            entry("b", Status::Ok, Some("1")),
            entry("c", Status::Ok, Some("2")),
        ];
        docs[2].year = Some(2026);
        let s = Summary::new("check", docs, Vec::new());
        let sums: Vec<_> = s.totals.amounts.iter().map(|a| (a.year, a.total)).collect();
        assert_eq!(sums, [(2025, None), (2026, Some(Decimal::TWO))]);
        let text = s.text();
        assert!(
            text.contains("预算数 2025 年 超出可计算范围（万元） + 2026 年 2 万元"),
            "{text}"
        );
        // A document's own sum past the range (the loader's 合计 error).
        let mut doc = entry("d", Status::Failed, Some("1"));
        doc.total = None;
        let text = Summary::new("check", vec![doc], Vec::new()).text();
        assert!(
            text.contains("d     失败     3     2  超出可计算范围（万元）")
                && text.contains("合计（1 个文档）：0 个通过，1 个失败"),
            "{text}"
        );
    }

    #[test]
    fn markdown_lists_the_findings_literally_and_a_row_adds_the_batchwide_ones() {
        let record = |severity: &'static str, message: &str| Record {
            severity,
            code: Some("J902".into()),
            message: message.into(),
            file: Some("x/a.toml".into()),
            line: Some(3),
            column: Some(1),
            end_line: None,
            end_column: None,
            label: None,
            hints: Vec::new(),
        };
        let mut doc = entry("a", Status::Ok, Some("1"));
        doc.diagnostics = vec![
            record("warning", "<b>*粗*</b> `x` [l](u)"),
            record("note", "提示"),
        ];
        let s = Summary::new("check", vec![doc], vec![record("warning", "空文件夹")]);
        let md = s.markdown();
        assert!(
            md.contains("| （批量检查） | — | — | — | — | 0 | 1 |"),
            "{md}"
        );
        assert!(
            md.contains(
                "- warning\\[J902\\] x/a.toml:3:1：\\<b\\>\\*粗\\*\\</b\\> \\`x\\` \\[l\\](u)\n"
            ),
            "{md}"
        );
        assert!(md.contains("### 批量检查\n\n- warning"), "{md}");
        assert!(!md.contains("提示"), "notes are left out: {md}");
    }

    /// A folder name and a money unit are data: Markdown in them prints
    /// literally in the table too.
    #[test]
    fn markdown_table_cells_print_data_literally() {
        let mut doc = entry("2025/*局*|<b>", Status::Ok, Some("1"));
        doc.unit = Some("[万元]".into());
        let md = Summary::new("build", vec![doc], Vec::new()).markdown();
        assert!(md.contains("| 2025/\\*局\\*\\|\\<b\\> |"), "{md}");
        assert!(md.contains("\\[万元\\]"), "{md}");
        assert!(!md.contains("*局*"), "{md}");
    }

    #[test]
    fn markdown_escapes_bars_in_paths() {
        let s = Summary::new(
            "check",
            vec![entry("a|b", Status::Ok, Some("1"))],
            Vec::new(),
        );
        let md = s.markdown();
        assert!(
            md.contains("| a\\|b | 通过 | 3 | 2 | 1 万元 | 0 | 1 |"),
            "{md}"
        );
    }
}
