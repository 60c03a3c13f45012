//! `jixiao export`: the workbook of the reference document and of every
//! example, read back with calamine: sheet names, the 文本 sheet's fields,
//! table 1 cell by cell (labels, numbers and their formats, merged cells),
//! the hidden jixiao sheet; identical bytes for the same data; refusals
//! (a link as output, data with errors, a text no cell can hold).

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use calamine::{Data, Dimensions, Reader, SheetVisible, Xlsx, open_workbook};
use common::{TempDir, copy_dir, manifest_dir, read_toml, reference_dir};

fn export(dir: &Path, extra: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .arg("export")
        .arg(dir)
        .args(extra)
        .output()
        .expect("cannot run the jixiao binary")
}

/// Exports `dir` to `out/<name>.xlsx`, asserting success.
fn export_ok(dir: &Path, out: &Path, name: &str) -> PathBuf {
    let file = out.join(format!("{name}.xlsx"));
    let o = export(dir, &["-o", file.to_str().unwrap()]);
    assert!(
        o.status.success(),
        "export failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    file
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A workbook read back.
struct Book {
    xlsx: Xlsx<std::io::BufReader<std::fs::File>>,
}

impl Book {
    fn open(path: &Path) -> Self {
        Self {
            xlsx: open_workbook(path).expect("the export opens as xlsx"),
        }
    }

    fn names(&self) -> Vec<String> {
        self.xlsx.sheet_names()
    }

    fn sheet(&mut self, name: &str) -> Sheet {
        let cells = self.xlsx.worksheet_range(name).unwrap();
        let merged = self.xlsx.merge_cells_by_sheet_name(name).unwrap();
        let styles = self.xlsx.worksheet_style(name).unwrap();
        let formats = styles
            .cells()
            .filter_map(|(r, c, s)| {
                let f = s.number_format.as_ref()?;
                Some(((r, c), f.format_code.clone()))
            })
            .collect();
        Sheet {
            cells,
            merged,
            formats,
        }
    }
}

/// One sheet's cells, merged ranges and number formats.
struct Sheet {
    cells: calamine::Range<Data>,
    merged: Vec<Dimensions>,
    formats: Vec<((u32, u32), String)>,
}

impl Sheet {
    /// The cell at an A1 name ("C5").
    fn at(&self, name: &str) -> Data {
        let (r, c) = pos(name);
        self.cells.get_value((r, c)).cloned().unwrap_or(Data::Empty)
    }

    fn text(&self, name: &str) -> String {
        match self.at(name) {
            Data::String(s) => s,
            Data::Empty => String::new(),
            other => panic!("{name} holds {other:?}, not text"),
        }
    }

    fn number(&self, name: &str) -> f64 {
        match self.at(name) {
            Data::Float(f) => f,
            Data::Int(i) => i as f64,
            other => panic!("{name} holds {other:?}, not a number"),
        }
    }

    fn format(&self, name: &str) -> String {
        let p = pos(name);
        self.formats
            .iter()
            .find(|(at, _)| *at == p)
            .map(|(_, f)| f.clone())
            .unwrap_or_default()
    }

    /// The merged range starting at `name`, as "A5:A6".
    fn merge(&self, name: &str) -> Option<String> {
        let p = pos(name);
        self.merged
            .iter()
            .find(|d| d.start == p)
            .map(|d| format!("{}:{}", a1(d.start), a1(d.end)))
    }

    /// The first row (0-based) whose column A is `text`.
    fn row_of(&self, text: &str) -> u32 {
        (0..self.cells.height() as u32)
            .find(|r| matches!(self.cells.get_value((*r, 0)), Some(Data::String(s)) if s == text))
            .unwrap_or_else(|| panic!("no row starts with {text}"))
    }
}

fn pos(name: &str) -> (u32, u32) {
    let split = name.find(|c: char| c.is_ascii_digit()).unwrap();
    let (letters, digits) = name.split_at(split);
    let col = letters
        .bytes()
        .fold(0u32, |n, b| n * 26 + u32::from(b - b'A' + 1))
        - 1;
    (digits.parse::<u32>().unwrap() - 1, col)
}

fn a1((r, c): (u32, u32)) -> String {
    jixiao::excel::a1(r, c)
}

#[test]
fn the_reference_workbook_has_the_text_sheet_the_tables_and_the_hidden_sheet() {
    let out = TempDir::new("export-ref");
    let file = export_ok(&reference_dir(), out.path(), "ref");
    let mut book = Book::open(&file);
    let names = book.names();
    assert_eq!(names.len(), 9, "{names:?}");
    assert_eq!(names[0], "文本");
    assert_eq!(names[1], "1.接访大厅租赁及运行经费绩效目标表");
    assert!(names[2].starts_with("2."), "{names:?}");
    assert_eq!(names[8], "jixiao");
    let visible: Vec<SheetVisible> = book
        .xlsx
        .sheets_metadata()
        .iter()
        .map(|s| s.visible)
        .collect();
    assert_eq!(visible[8], SheetVisible::Hidden);
    assert!(visible[..8].iter().all(|v| *v == SheetVisible::Visible));

    let text = book.sheet("文本");
    assert_eq!(text.text("A1"), "承德市信访局2025年部门预算绩效文本");
    assert_eq!(text.merge("A1").as_deref(), Some("A1:D1"));
    assert_eq!(text.text("A2"), "预算年度");
    assert_eq!(text.number("B2"), 2025.0);
    assert_eq!(text.format("B2"), "0");
    assert_eq!(text.text("B3"), "承德市信访局");
    // The unit code stays text, digits and all.
    assert_eq!(text.text("A4"), "单位编码");
    assert_eq!(text.text("B4"), "154001");
    assert_eq!(text.text("B5"), "承德市信访局本级");
    assert_eq!(text.text("B6"), "万元");
    assert_eq!(text.text("A7"), "一、总体绩效目标");
    assert!(text.text("B7").starts_with("全市信访工作总体思路和目标"));
    assert_eq!(text.merge("B7").as_deref(), Some("B7:D7"));
    let goals = text.row_of("二、分项绩效目标") + 1;
    let head: Vec<String> = ["A", "B", "C", "D"]
        .iter()
        .map(|c| text.text(&format!("{c}{}", goals + 1)))
        .collect();
    assert_eq!(head, ["序号", "标题", "绩效目标", "绩效指标"]);
    assert_eq!(text.number(&format!("A{}", goals + 2)), 1.0);
    assert_eq!(
        text.text(&format!("B{}", goals + 2)),
        "不断强化信访系统意识形态建设。"
    );
    let measures = text.row_of("三、工作保障措施") + 1;
    assert_eq!(measures, goals + 2 + 9, "9 goals under their header");
    assert_eq!(text.text(&format!("C{}", measures + 1)), "正文");
    assert_eq!(
        text.merge(&format!("C{}", measures + 1)),
        Some(format!("C{0}:D{0}", measures + 1))
    );
}

#[test]
fn table_1_is_laid_out_like_the_printed_form_with_numbers_as_numbers() {
    let out = TempDir::new("export-t1");
    let file = export_ok(&reference_dir(), out.path(), "ref");
    let mut book = Book::open(&file);
    let t = book.sheet("1.接访大厅租赁及运行经费绩效目标表");
    assert_eq!(t.text("A1"), "1.接访大厅租赁及运行经费绩效目标表");
    assert_eq!(t.merge("A1").as_deref(), Some("A1:G1"));
    assert_eq!(t.text("A2"), "154001 承德市信访局本级");
    assert_eq!(t.text("A3"), "单位：万元");
    // Row 1 of the form: 项目编码 | code*2 | 项目名称 | name*3.
    assert_eq!(t.text("A4"), "项目编码");
    assert_eq!(t.text("B4"), "QC154005");
    assert_eq!(t.merge("B4").as_deref(), Some("B4:C4"));
    assert_eq!(t.text("D4"), "项目名称");
    assert_eq!(t.text("E4"), "接访大厅租赁及运行经费");
    assert_eq!(t.merge("E4").as_deref(), Some("E4:G4"));
    // The budget block: a label over two rows, amounts as numbers.
    assert_eq!(t.text("A5"), "预算规模及资金用途");
    assert_eq!(t.merge("A5").as_deref(), Some("A5:A6"));
    assert_eq!(t.text("B5"), "预算数");
    assert_eq!(t.number("C5"), 117.26);
    assert_eq!(t.format("C5"), "0.00");
    assert_eq!(t.text("D5"), "其中：财政资金");
    assert_eq!(t.number("E5"), 117.26);
    assert_eq!(t.text("F5"), "其他资金");
    assert_eq!(t.at("G5"), Data::Empty);
    assert!(t.text("B6").starts_with("保证大厅正常稳定运转"));
    assert_eq!(t.merge("B6").as_deref(), Some("B6:G6"));
    // The project's own label overrides the form's.
    assert_eq!(t.text("A7"), "资金支出计划(%)");
    assert_eq!(t.merge("A7").as_deref(), Some("A7:A8"));
    assert_eq!(t.text("B7"), "3月底");
    assert_eq!(t.merge("B7").as_deref(), Some("B7:C7"));
    assert_eq!(t.number("B8"), 0.25);
    assert_eq!(t.format("B8"), "0%");
    assert_eq!(t.number("F8"), 1.0);
    assert_eq!(t.text("A9"), "绩效目标");
    assert!(t.text("B9").contains("117.26万元"));
    // The indicator table: header, then 产出指标 merged over its 7 rows.
    let head: Vec<String> = ["A", "B", "C", "D", "E", "F"]
        .iter()
        .map(|c| t.text(&format!("{c}10")))
        .collect();
    assert_eq!(
        head,
        [
            "一级指标",
            "二级指标",
            "三级指标",
            "绩效指标描述",
            "指标值",
            "指标值确定依据"
        ]
    );
    assert_eq!(t.merge("F10").as_deref(), Some("F10:G10"));
    assert_eq!(t.text("A11"), "产出指标");
    assert_eq!(t.merge("A11").as_deref(), Some("A11:A17"));
    assert_eq!(t.text("B11"), "数量指标");
    assert_eq!(t.text("E11"), "≥800平方米");
    assert_eq!(t.text("E17"), "≤117.26万元");
    assert_eq!(t.text("A18"), "效益指标");
    assert_eq!(t.merge("A18").as_deref(), Some("A18:A20"));
    assert_eq!(t.text("A21"), "满意度指标");
    assert_eq!(t.text("C21"), "信访群众满意度满意度");
    assert_eq!(t.at("A23"), Data::Empty);
}

#[test]
fn the_hidden_sheet_names_each_sheets_file_and_settings() {
    let out = TempDir::new("export-meta");
    let file = export_ok(&reference_dir(), out.path(), "ref");
    let mut book = Book::open(&file);
    let names = book.names();
    let meta = book.sheet("jixiao");
    let row = |r: u32| -> Vec<String> {
        ["A", "B", "C"]
            .iter()
            .map(|c| meta.text(&format!("{c}{r}")))
            .collect()
    };
    assert_eq!(row(1), ["工作表", "文件", "设置"]);
    assert_eq!(row(2), ["文本", "document.toml", ""]);
    assert_eq!(
        row(3),
        [
            names[1].as_str(),
            "projects/01-jiefang-dating.toml",
            // The file names no form, nor silences a rule.
            ""
        ]
    );
    assert_eq!(meta.text("B9"), "projects/07-xinfang-weiwen.toml");
    assert_eq!(meta.at("A10"), Data::Empty);
}

#[test]
fn every_example_exports_one_sheet_per_table() {
    let out = TempDir::new("export-examples");
    let examples = manifest_dir().join("data/examples");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&examples)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    dirs.sort();
    assert!(dirs.len() >= 3);
    for dir in dirs {
        let name = dir.file_name().unwrap().to_str().unwrap().to_string();
        let file = export_ok(&dir, out.path(), &name);
        let mut book = Book::open(&file);
        let tables = std::fs::read_dir(dir.join("projects")).unwrap().count();
        assert_eq!(book.names().len(), tables + 2, "{name}: {:?}", book.names());
        // The hidden sheet names a table's form when its file does.
        let meta = book.sheet("jixiao");
        let first = dir.join(meta.text("B3"));
        let named = read_toml(&first).get("form").cloned();
        let settings: toml::Table = meta.text("C3").parse().unwrap();
        assert_eq!(settings.get("form"), named.as_ref(), "{name}");
    }
}

#[test]
fn the_same_data_gives_the_same_bytes() {
    let out = TempDir::new("export-same");
    let a = export_ok(&reference_dir(), out.path(), "a");
    let b = export_ok(&reference_dir(), out.path(), "b");
    assert_eq!(std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap());
    // Writing over an earlier export is allowed (it is generated).
    let again = export_ok(&reference_dir(), out.path(), "a");
    assert_eq!(std::fs::read(again).unwrap(), std::fs::read(&b).unwrap());
}

#[test]
fn a_lone_document_exports_beside_its_folder() {
    let tmp = TempDir::new("export-default");
    let doc = tmp.path().join("chengde");
    copy_dir(&reference_dir(), &doc);
    let o = export(&doc, &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(tmp.path().join("chengde.xlsx").is_file());
}

#[cfg(unix)]
#[test]
fn a_link_as_output_is_refused() {
    let tmp = TempDir::new("export-link");
    let target = tmp.path().join("target.xlsx");
    std::fs::write(&target, "keep").unwrap();
    let link = tmp.path().join("link.xlsx");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    let o = export(&reference_dir(), &["-o", link.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("链接"), "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "keep");
}

#[test]
fn an_output_in_the_data_is_refused() {
    let tmp = TempDir::new("export-into-data");
    let doc = tmp.path().join("doc");
    copy_dir(&reference_dir(), &doc);
    let before = std::fs::read(doc.join("document.toml")).unwrap();
    let o = export(&doc, &["-o", doc.join("document.toml").to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("输入文件"), "{}", stderr(&o));
    assert_eq!(std::fs::read(doc.join("document.toml")).unwrap(), before);
}

#[test]
fn a_document_with_errors_is_refused() {
    let tmp = TempDir::new("export-bad");
    let doc = tmp.path().join("doc");
    copy_dir(&reference_dir(), &doc);
    let toml = std::fs::read_to_string(doc.join("document.toml")).unwrap();
    std::fs::write(
        doc.join("document.toml"),
        toml.replace("year = 2025", "year = \"二〇二五\""),
    )
    .unwrap();
    let file = tmp.path().join("out.xlsx");
    let o = export(&doc, &["-o", file.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains("导出失败") && err.contains("未写入任何文件"),
        "{err}"
    );
    assert!(err.contains("document.toml"), "{err}");
    assert!(!file.exists());
}

#[test]
fn a_text_longer_than_a_cell_holds_is_refused_at_its_place() {
    let tmp = TempDir::new("export-long");
    let doc = tmp.path().join("doc");
    copy_dir(&reference_dir(), &doc);
    let p = doc.join("projects/01-jiefang-dating.toml");
    let toml = std::fs::read_to_string(&p).unwrap();
    let long = "长".repeat(jixiao::excel::export::CELL_MAX + 1);
    let usage = "usage = \"保证大厅正常稳定运转、提高公共服务效果、改善服务环境。\"";
    assert!(toml.contains(usage));
    std::fs::write(&p, toml.replace(usage, &format!("usage = \"{long}\""))).unwrap();
    let file = tmp.path().join("out.xlsx");
    let o = export(&doc, &["-o", file.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains("资金用途") && err.contains("32768"), "{err}");
    assert!(err.contains("01-jiefang-dating.toml:4"), "{err}");
    assert!(!file.exists());
}

#[test]
fn numbered_overall_parts_get_a_table_of_their_own() {
    let out = TempDir::new("export-parts");
    let dir = common::fixture("overall-parts");
    let file = export_ok(&dir, out.path(), "parts");
    let mut book = Book::open(&file);
    let text = book.sheet("文本");
    let r = text.row_of("一、总体绩效目标") + 1;
    assert_eq!(text.text(&format!("B{r}")), "");
    assert_eq!(text.text(&format!("C{}", r + 1)), "内容");
    assert_eq!(text.number(&format!("A{}", r + 2)), 1.0);
    assert_eq!(text.text(&format!("B{}", r + 2)), "年度总体目标");
    // A text of several lines stays one cell, its lines kept.
    let body = text.text(&format!("C{}", r + 2));
    assert!(body.contains("100%。\n持续推进"), "{body:?}");
    assert_eq!(
        text.merge(&format!("C{}", r + 2)),
        Some(format!("C{0}:D{0}", r + 2))
    );
    assert_eq!(text.text(&format!("B{}", r + 3)), "履职目标");
    assert_eq!(text.row_of("二、分项绩效目标"), r + 3);
}

#[test]
fn a_form_with_an_amount_suffix_and_lines_under_the_table() {
    let out = TempDir::new("export-shenbao");
    let file = export_ok(
        &manifest_dir().join("data/examples/shenbao"),
        out.path(),
        "s",
    );
    let mut book = Book::open(&file);
    let name = book.names()[1].clone();
    let t = book.sheet(&name);
    let suffixed: Vec<&String> = t
        .formats
        .iter()
        .map(|(_, f)| f)
        .filter(|f| f.ends_with("\"万\""))
        .collect();
    assert!(!suffixed.is_empty(), "{:?}", t.formats);
    let total = t
        .cells
        .used_cells()
        .find(|(_, _, v)| **v == Data::Float(250.0))
        .map(|(r, c, _)| a1((r as u32, c as u32)))
        .expect("预算 250 as a number");
    assert_eq!(t.format(&total), "0\"万\"");
    let last = t.cells.end().unwrap().0;
    let lines = [
        t.text(&format!("A{last}")),
        t.text(&format!("A{}", last + 1)),
    ];
    assert!(lines[0].starts_with("填表人："), "{lines:?}");
    assert!(lines[1].contains("："), "{lines:?}");
    // The document names its form: the hidden sheet keeps it.
    let meta = book.sheet("jixiao");
    assert_eq!(meta.text("C2"), "form = \"shenbao\"\n");
}

#[test]
fn the_documents_settings_and_date_travel_in_the_workbook() {
    let tmp = TempDir::new("export-settings");
    let doc = tmp.path().join("doc");
    copy_dir(&reference_dir(), &doc);
    let toml = std::fs::read_to_string(doc.join("document.toml")).unwrap();
    let extra = "date = 2025-01-20\n";
    let tables = "\n[style]\npreset = \"gb9704\"\n\n[check]\nallow = [\"J604\"]\n";
    let toml = toml.replacen(
        "money_unit = \"万元\"\n",
        &format!("money_unit = \"万元\"\n{extra}"),
        1,
    );
    std::fs::write(doc.join("document.toml"), format!("{toml}{tables}")).unwrap();
    let file = export_ok(&doc, tmp.path(), "x");
    let mut book = Book::open(&file);
    let text = book.sheet("文本");
    assert_eq!(text.text("A7"), "编制日期");
    assert_eq!(text.text("B7"), "2025-01-20");
    let meta = book.sheet("jixiao");
    let settings: toml::Table = meta.text("C2").parse().unwrap();
    assert_eq!(settings["style"]["preset"].as_str(), Some("gb9704"));
    assert_eq!(settings["check"]["allow"][0].as_str(), Some("J604"));
    assert!(!settings.contains_key("cover") && !settings.contains_key("form"));
}

#[test]
fn the_workbook_can_go_to_standard_output() {
    let out = TempDir::new("export-stdout");
    let file = export_ok(&reference_dir(), out.path(), "f");
    let o = export(&reference_dir(), &["-o", "-"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(o.stdout, std::fs::read(file).unwrap());
}

#[test]
fn a_text_that_looks_like_a_formula_stays_text() {
    let tmp = TempDir::new("export-formula");
    let doc = tmp.path().join("doc");
    copy_dir(&reference_dir(), &doc);
    let p = doc.join("projects/01-jiefang-dating.toml");
    let toml = std::fs::read_to_string(&p).unwrap();
    let toml = toml.replace("usage = \"保证", "usage = \"=SUM(C5:E5)保证");
    std::fs::write(&p, toml).unwrap();
    let file = export_ok(&doc, tmp.path(), "x");
    let mut book = Book::open(&file);
    let t = book.sheet("1.接访大厅租赁及运行经费绩效目标表");
    assert!(t.text("B6").starts_with("=SUM(C5:E5)保证"));
    let formulas = book
        .xlsx
        .worksheet_formula("1.接访大厅租赁及运行经费绩效目标表")
        .unwrap();
    assert!(formulas.used_cells().all(|(_, _, f)| f.is_empty()));
}
