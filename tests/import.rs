//! `jixiao import`: workbooks laid out as the export writes them, as
//! people and budget systems lay them out, and broken ones.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use common::TempDir;
use rust_xlsxwriter::{Format, Formula, Workbook, Worksheet};

/// The reference table 1, as TOML.
fn reference() -> toml::Table {
    let path = common::reference_dir().join("projects/01-jiefang-dating.toml");
    std::fs::read_to_string(path).unwrap().parse().unwrap()
}

fn s<'a>(t: &'a toml::Table, path: &str) -> &'a str {
    let parts: Vec<&str> = path.split('.').collect();
    let mut cur = t;
    for p in &parts[..parts.len() - 1] {
        cur = cur[*p].as_table().unwrap();
    }
    cur[*parts.last().unwrap()].as_str().unwrap()
}

/// How plan percentages are written.
#[derive(Clone, Copy)]
enum Plan {
    /// 0.25 with a "0%" format (as the export writes them).
    Fraction,
    /// The text "25%".
    Text,
}

/// How a variant of table 1 is laid out.
#[derive(Clone, Copy)]
struct Layout {
    row0: u32,
    col0: u16,
    /// A blank column inserted right of the label column.
    blank_col: bool,
    /// Blank rows inserted between parts of the grid.
    blank_rows: bool,
    /// The 绩效目标 row above the budget rows.
    goal_first: bool,
    plan: Plan,
    /// 117.26000000000002 instead of 117.26.
    noise: bool,
    /// 预算数 as a formula with its cached result.
    formula: bool,
}

const EXPORT: Layout = Layout {
    row0: 0,
    col0: 0,
    blank_col: false,
    blank_rows: false,
    goal_first: false,
    plan: Plan::Fraction,
    noise: false,
    formula: false,
};

/// Writes table 1 of the reference on `ws` in `l`'s layout.
fn table1(ws: &mut Worksheet, l: Layout) {
    project_sheet(ws, &reference(), 1, l);
}

/// A label: the file's `[labels]` override, else `default`.
fn label<'a>(t: &'a toml::Table, key: &str, default: &'a str) -> &'a str {
    t.get("labels")
        .and_then(|l| l.get(key))
        .and_then(toml::Value::as_str)
        .unwrap_or(default)
}

/// A money amount as a number with a format showing its written decimals.
fn write_money(ws: &mut Worksheet, r: u32, c: u16, text: &str, l: Layout) {
    let decimals = text.split_once('.').map_or(0, |(_, d)| d.len());
    let format = match decimals {
        0 => Format::new().set_num_format("0"),
        d => Format::new().set_num_format(format!("0.{}", "0".repeat(d))),
    };
    let v: f64 = text.parse().unwrap();
    // The next double above: 117.26 becomes 117.26000000000002.
    let shown = if l.noise {
        f64::from_bits(v.to_bits() + 1)
    } else {
        v
    };
    if l.formula {
        let f = Formula::new("=0+0").set_result(shown.to_string());
        ws.write_formula_with_format(r, c, f, &format).unwrap();
    } else {
        ws.write_number_with_format(r, c, shown, &format).unwrap();
    }
}

/// Writes project file `t` as table `n` of the hebei form, in `l`'s layout.
fn project_sheet(ws: &mut Worksheet, t: &toml::Table, n: usize, l: Layout) {
    let col = |c: u16| l.col0 + c + u16::from(l.blank_col && c >= 1);
    let plain = Format::new();
    let mut r = l.row0;
    let last = col(6);
    let default_title = format!("{}绩效目标表", s(t, "name"));
    let title = t
        .get("title")
        .and_then(toml::Value::as_str)
        .unwrap_or(&default_title);
    ws.merge_range(r, col(0), r, last, &format!("{n}.{title}"), &plain)
        .unwrap();
    ws.write_string(r + 1, col(0), "154001 承德市信访局本级")
        .unwrap();
    ws.write_string(r + 2, last, "单位：万元").unwrap();
    r += 3 + u32::from(l.blank_rows);
    ws.write_string(r, col(0), label(t, "code", "项目编码"))
        .unwrap();
    ws.merge_range(r, col(1), r, col(2), s(t, "code"), &plain)
        .unwrap();
    ws.write_string(r, col(3), "项目名称").unwrap();
    ws.merge_range(r, col(4), r, col(6), s(t, "name"), &plain)
        .unwrap();
    r += 1;
    let goal_row = |ws: &mut Worksheet, r: u32| {
        ws.write_string(r, col(0), "绩效目标").unwrap();
        ws.merge_range(r, col(1), r, col(6), s(t, "goal"), &plain)
            .unwrap();
    };
    if l.goal_first {
        goal_row(ws, r);
        r += 1;
    }
    ws.merge_range(r, col(0), r + 1, col(0), "预算规模及资金用途", &plain)
        .unwrap();
    ws.write_string(r, col(1), "预算数").unwrap();
    ws.write_string(r, col(3), "其中：财政资金").unwrap();
    ws.write_string(r, col(5), "其他资金").unwrap();
    let budget = t["budget"].as_table().unwrap();
    for (key, c) in [("total", 2), ("fiscal", 4), ("other", 6)] {
        if let Some(v) = budget.get(key).and_then(toml::Value::as_str) {
            write_money(ws, r, col(c), v, l);
        }
    }
    ws.merge_range(r + 1, col(1), r + 1, col(6), s(t, "usage"), &plain)
        .unwrap();
    r += 2 + u32::from(l.blank_rows);
    plan_rows(ws, r, &col, t, l);
    r += 2;
    if !l.goal_first {
        goal_row(ws, r);
        r += 1;
    }
    r += u32::from(l.blank_rows);
    indicators(ws, r, &col, t["indicators"].as_array().unwrap());
}

/// The 资金支出计划 label row and its values below.
fn plan_rows(ws: &mut Worksheet, r: u32, col: &dyn Fn(u16) -> u16, t: &toml::Table, l: Layout) {
    let plain = Format::new();
    let percent = Format::new().set_num_format("0%");
    let plan = label(t, "plan", "资金支出计划（%）");
    ws.merge_range(r, col(0), r + 1, col(0), plan, &plain)
        .unwrap();
    ws.merge_range(r, col(1), r, col(2), "3月底", &plain)
        .unwrap();
    ws.write_string(r, col(3), "6月底").unwrap();
    ws.write_string(r, col(4), "10月底").unwrap();
    ws.merge_range(r, col(5), r, col(6), "12月底", &plain)
        .unwrap();
    let cells = [
        ("march", 1, 2),
        ("june", 3, 3),
        ("october", 4, 4),
        ("december", 5, 6),
    ];
    for (key, a, b) in cells {
        if a != b {
            ws.merge_range(r + 1, col(a), r + 1, col(b), "", &plain)
                .unwrap();
        }
        let Some(v) = t["plan"].get(key).and_then(toml::Value::as_integer) else {
            continue;
        };
        match l.plan {
            Plan::Fraction => {
                ws.write_number_with_format(r + 1, col(a), v as f64 / 100.0, &percent)
            }
            Plan::Text => ws.write_string(r + 1, col(a), format!("{v}%")),
        }
        .unwrap();
    }
}

/// The indicator table: header, rows, 一级 merged over its group.
fn indicators(ws: &mut Worksheet, r: u32, col: &dyn Fn(u16) -> u16, rows: &[toml::Value]) {
    let plain = Format::new();
    let header = ["一级指标", "二级指标", "三级指标", "绩效指标描述", "指标值"];
    for (i, h) in header.iter().enumerate() {
        ws.write_string(r, col(i as u16), *h).unwrap();
    }
    ws.merge_range(r, col(5), r, col(6), "指标值确定依据", &plain)
        .unwrap();
    let mut start = 0;
    for (i, row) in rows.iter().enumerate() {
        let row = row.as_table().unwrap();
        let at = r + 1 + i as u32;
        for (c, key) in ["level2", "name", "description", "value"]
            .iter()
            .enumerate()
        {
            ws.write_string(at, col(c as u16 + 1), row[*key].as_str().unwrap())
                .unwrap();
        }
        ws.merge_range(
            at,
            col(5),
            at,
            col(6),
            row["basis"].as_str().unwrap(),
            &plain,
        )
        .unwrap();
        let level1 = row["level1"].as_str().unwrap();
        let next = rows.get(i + 1).map(|n| n["level1"].as_str().unwrap());
        if next != Some(level1) {
            let top = r + 1 + start as u32;
            if top == at {
                ws.write_string(at, col(0), level1).unwrap();
            } else {
                ws.merge_range(top, col(0), at, col(0), level1, &plain)
                    .unwrap();
            }
            start = i + 1;
        }
    }
}

fn book(dir: &Path, name: &str, fill: impl FnOnce(&mut Workbook)) -> PathBuf {
    let mut wb = Workbook::new();
    fill(&mut wb);
    let path = dir.join(name);
    wb.save(&path).unwrap();
    path
}

fn one_sheet(dir: &Path, name: &str, l: Layout) -> PathBuf {
    book(dir, name, |wb| {
        let ws = wb.add_worksheet();
        ws.set_name("1.接访大厅").unwrap();
        table1(ws, l);
    })
}

fn jixiao(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .args(args)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Imports `file` into a copy of the reference's document.toml and
/// returns the one project file written, as TOML.
fn import_table1(tmp: &Path, file: &Path) -> toml::Table {
    let dir = tmp.join(format!(
        "doc-{}",
        file.file_stem().unwrap().to_string_lossy()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy(
        common::reference_dir().join("document.toml"),
        dir.join("document.toml"),
    )
    .unwrap();
    let o = jixiao(
        &[
            "import",
            file.to_str().unwrap(),
            "-o",
            dir.to_str().unwrap(),
        ],
        tmp,
    );
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    assert!(err.contains("导入后检查：0 个错误"), "{err}");
    let written = dir.join("projects/01-QC154005.toml");
    let text = std::fs::read_to_string(&written).unwrap_or_else(|e| panic!("{e}: {err}"));
    assert!(
        text.starts_with("# 1.接访大厅租赁及运行经费绩效目标表\n"),
        "{text}"
    );
    text.parse().unwrap()
}

#[test]
fn the_export_layout_reads_back_as_the_reference_table() {
    let tmp = TempDir::new("import-export-layout");
    let file = one_sheet(tmp.path(), "export.xlsx", EXPORT);
    assert_eq!(import_table1(tmp.path(), &file), reference());
}

#[test]
fn moved_rows_blank_rows_and_columns_text_percents_and_float_noise_work() {
    let tmp = TempDir::new("import-moved");
    let moved = Layout {
        row0: 2,
        col0: 1,
        blank_col: true,
        blank_rows: true,
        goal_first: true,
        plan: Plan::Text,
        noise: true,
        formula: false,
    };
    let file = one_sheet(tmp.path(), "moved.xlsx", moved);
    assert_eq!(import_table1(tmp.path(), &file), reference());
}

#[test]
fn a_formula_gives_its_cached_result() {
    let tmp = TempDir::new("import-formula");
    let file = one_sheet(
        tmp.path(),
        "formula.xlsx",
        Layout {
            formula: true,
            noise: true,
            ..EXPORT
        },
    );
    assert_eq!(import_table1(tmp.path(), &file), reference());
}

#[test]
fn a_formula_without_result_is_a_located_error() {
    let tmp = TempDir::new("import-formula-none");
    let file = book(tmp.path(), "none.xlsx", |wb| {
        let ws = wb.add_worksheet();
        ws.set_name("表1").unwrap();
        ws.set_formula_result_default("");
        table1(ws, EXPORT);
        ws.write_formula(4, 2, Formula::new("=E5")).unwrap();
    });
    let o = jixiao(&["import", file.to_str().unwrap(), "-o", "out"], tmp.path());
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains("表1!C5：预算数是公式“=E5”，但文件中没有保存它的计算结果"),
        "{err}"
    );
    assert!(!tmp.path().join("out").exists());
}

#[test]
fn two_tables_on_one_sheet_and_a_label_twice_are_errors() {
    let tmp = TempDir::new("import-twice");
    let two = book(tmp.path(), "two.xlsx", |wb| {
        let ws = wb.add_worksheet();
        ws.set_name("表3").unwrap();
        table1(ws, EXPORT);
        table1(ws, Layout { row0: 29, ..EXPORT });
    });
    let o = jixiao(&["import", two.to_str().unwrap()], tmp.path());
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains("工作表“表3”中有两张绩效目标表（第4行和第33行）"),
        "{err}"
    );
    let dup = book(tmp.path(), "dup.xlsx", |wb| {
        let ws = wb.add_worksheet();
        ws.set_name("表3").unwrap();
        table1(ws, EXPORT);
        ws.write_string(40, 3, "预算数").unwrap();
    });
    let o = jixiao(&["import", dup.to_str().unwrap()], tmp.path());
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains("表3!B5：标签“预算数”出现了两次（另一处在 D41）"),
        "{err}"
    );
}

#[test]
fn sheets_without_a_table_are_skipped_and_stray_text_is_reported() {
    let tmp = TempDir::new("import-skip");
    let file = book(tmp.path(), "skip.xlsx", |wb| {
        let notes = wb.add_worksheet();
        notes.set_name("说明").unwrap();
        notes.write_string(0, 0, "填表说明：按表样填写").unwrap();
        let ws = wb.add_worksheet();
        ws.set_name("表1").unwrap();
        table1(ws, EXPORT);
        ws.write_string(30, 8, "备忘：待核").unwrap();
    });
    let o = jixiao(&["import", file.to_str().unwrap()], tmp.path());
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    assert!(err.contains("跳过工作表“说明”"), "{err}");
    assert!(err.contains("表1!I31：无法识别的内容“备忘：待核”"), "{err}");
    // No 文本 sheet and no document.toml: the projects, and a reminder.
    assert!(tmp.path().join("skip/projects/01-QC154005.toml").is_file());
    assert!(
        err.contains("还缺少 document.toml") && err.contains("jixiao new"),
        "{err}"
    );
    // Again: nothing is replaced without --force.
    let o = jixiao(&["import", file.to_str().unwrap()], tmp.path());
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains("以下文件已存在，未写入任何文件") && err.contains("01-QC154005.toml"),
        "{err}"
    );
    let o = jixiao(&["import", file.to_str().unwrap(), "--force"], tmp.path());
    assert!(o.status.success(), "{}", stderr(&o));
}

/// Imports a bad file: exit 1, a Chinese message naming it, in time.
fn refused(tmp: &Path, name: &str, bytes: &[u8], want: &str) {
    let path = tmp.join(name);
    std::fs::write(&path, bytes).unwrap();
    let start = Instant::now();
    let o = jixiao(&["import", name, "-o", "out"], tmp);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{name}: {err}");
    assert!(err.contains(name) && err.contains(want), "{name}: {err}");
    assert!(!err.contains("panicked"), "{err}");
    assert!(start.elapsed() < Duration::from_secs(20), "{name}");
    assert!(!tmp.join("out").exists());
}

#[test]
fn bad_workbooks_are_refused_with_a_located_message() {
    let tmp = TempDir::new("import-bad");
    let good = std::fs::read(one_sheet(tmp.path(), "good.xlsx", EXPORT)).unwrap();
    let noise: Vec<u8> = (0..5000u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    refused(tmp.path(), "noise.xlsx", &noise, "不是可以读取的工作簿");
    refused(
        tmp.path(),
        "truncated.xlsx",
        &good[..good.len() / 2],
        "不是有效的工作簿",
    );
    // A zip whose parts declare 2 GB each: refused before unpacking.
    let mut bomb = good.clone();
    let sig = b"PK\x01\x02";
    let at: Vec<usize> = (0..bomb.len() - 4)
        .filter(|&i| &bomb[i..i + 4] == sig)
        .collect();
    for i in at {
        bomb[i + 24..i + 28].copy_from_slice(&0x7FFF_FFF0u32.to_le_bytes());
    }
    refused(tmp.path(), "bomb.xlsx", &bomb, "压缩炸弹");
    // An OLE file holding encryption information (a password-protected .xlsx).
    let mut ole = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    ole.resize(512, 0);
    ole.extend("EncryptionInfo".encode_utf16().flat_map(u16::to_le_bytes));
    ole.resize(4096, 0);
    refused(tmp.path(), "secret.xlsx", &ole, "密码保护");
    // An OLE file that is no workbook.
    let mut other = ole[..8].to_vec();
    other.resize(4096, 0);
    refused(tmp.path(), "other.xls", &other, "不是可以读取的工作簿");
}

#[test]
fn ten_thousand_indicator_rows_import_in_bounded_time() {
    let tmp = TempDir::new("import-10000");
    let mut rows = Vec::new();
    for i in 0..10_000 {
        let mut t = toml::Table::new();
        for (k, v) in [
            ("level1", "产出指标"),
            ("level2", "数量指标"),
            ("description", "d"),
            ("value", "≥1"),
            ("basis", "b"),
        ] {
            t.insert(k.into(), v.into());
        }
        t.insert("name".into(), format!("指标{i}").into());
        rows.push(toml::Value::Table(t));
    }
    let file = book(tmp.path(), "big.xlsx", |wb| {
        let ws = wb.add_worksheet();
        ws.write_string(0, 0, "项目编码").unwrap();
        ws.write_string(0, 1, "Q1").unwrap();
        ws.write_string(0, 3, "项目名称").unwrap();
        ws.write_string(0, 4, "大表").unwrap();
        ws.write_string(1, 1, "预算数").unwrap();
        ws.write_number(1, 2, 1.0).unwrap();
        indicators(ws, 2, &|c| c, &rows);
    });
    let start = Instant::now();
    let o = jixiao(&["import", file.to_str().unwrap()], tmp.path());
    assert!(o.status.success(), "{}", stderr(&o));
    eprintln!("import of 10,000 indicator rows: {:?}", start.elapsed());
    assert!(start.elapsed() < Duration::from_secs(60));
    let text = std::fs::read_to_string(tmp.path().join("big/projects/01-Q1.toml")).unwrap();
    assert_eq!(text.matches("[[indicators]]").count(), 10_000);
}

/// Writes the 文本 sheet of the reference document.
fn text_sheet(ws: &mut Worksheet) {
    let path = common::reference_dir().join("document.toml");
    let d: toml::Table = std::fs::read_to_string(path).unwrap().parse().unwrap();
    let plain = Format::new();
    ws.set_name("文本").unwrap();
    ws.write_string(0, 0, "2025年部门预算绩效文本").unwrap();
    ws.write_string(1, 0, "预算年度").unwrap();
    ws.write_number(1, 1, d["year"].as_integer().unwrap() as f64)
        .unwrap();
    let mut r = 2;
    for (label, key) in [
        ("部门名称", "department"),
        ("单位编码", "unit_code"),
        ("单位名称", "unit_name"),
        ("金额单位", "money_unit"),
    ] {
        ws.write_string(r, 0, label).unwrap();
        ws.merge_range(r, 1, r, 3, d[key].as_str().unwrap(), &plain)
            .unwrap();
        r += 1;
    }
    ws.write_string(r, 0, "一、总体绩效目标").unwrap();
    ws.merge_range(r, 1, r, 3, d["overall"].as_str().unwrap(), &plain)
        .unwrap();
    r += 1;
    let parts = [
        (
            "二、分项绩效目标",
            "goals",
            &["标题", "绩效目标", "绩效指标"][..],
            &["title", "target", "indicator"][..],
        ),
        (
            "三、工作保障措施",
            "measures",
            &["首句", "正文"][..],
            &["lead", "text"][..],
        ),
    ];
    for (heading, key, labels, keys) in parts {
        ws.write_string(r, 0, heading).unwrap();
        ws.write_string(r + 1, 0, "序号").unwrap();
        for (c, l) in labels.iter().enumerate() {
            ws.write_string(r + 1, 1 + c as u16, *l).unwrap();
        }
        r += 2;
        for (i, item) in d[key].as_array().unwrap().iter().enumerate() {
            ws.write_number(r, 0, (i + 1) as f64).unwrap();
            for (c, k) in keys.iter().enumerate() {
                ws.write_string(r, 1 + c as u16, item[*k].as_str().unwrap())
                    .unwrap();
            }
            r += 1;
        }
    }
}

#[test]
fn the_text_sheet_and_the_hidden_sheet_give_back_the_files() {
    let tmp = TempDir::new("import-meta");
    let file = book(tmp.path(), "full.xlsx", |wb| {
        text_sheet(wb.add_worksheet());
        let ws = wb.add_worksheet();
        ws.set_name("1.接访大厅").unwrap();
        table1(ws, EXPORT);
        let meta = wb.add_worksheet();
        meta.set_name("jixiao").unwrap();
        for (c, h) in ["工作表", "文件", "设置"].iter().enumerate() {
            meta.write_string(0, c as u16, *h).unwrap();
        }
        meta.write_string(1, 0, "文本").unwrap();
        meta.write_string(1, 1, "document.toml").unwrap();
        meta.write_string(2, 0, "1.接访大厅").unwrap();
        meta.write_string(2, 1, "projects/01-jiefang-dating.toml")
            .unwrap();
        meta.write_string(2, 2, "form = \"hebei\"\n\n[check]\nallow = [\"J604\"]\n")
            .unwrap();
        meta.set_hidden(true);
    });
    let o = jixiao(&["import", file.to_str().unwrap(), "-o", "doc"], tmp.path());
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    assert!(err.contains("导入后检查：0 个错误"), "{err}");
    let read = |p: &str| -> toml::Table {
        std::fs::read_to_string(tmp.path().join("doc").join(p))
            .unwrap()
            .parse()
            .unwrap()
    };
    let d: toml::Table = std::fs::read_to_string(common::reference_dir().join("document.toml"))
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(read("document.toml"), d);
    let mut want = reference();
    want.insert("form".into(), "hebei".into());
    want.insert(
        "check".into(),
        toml::Value::Table("allow = [\"J604\"]".parse().unwrap()),
    );
    assert_eq!(read("projects/01-jiefang-dating.toml"), want);
}

#[test]
fn the_whole_reference_imports_and_builds_the_same_pdf() {
    let tmp = TempDir::new("import-reference");
    let dir = common::reference_dir().join("projects");
    let mut names: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    names.sort();
    let file = book(tmp.path(), "reference.xlsx", |wb| {
        text_sheet(wb.add_worksheet());
        for (i, path) in names.iter().enumerate() {
            let t: toml::Table = std::fs::read_to_string(path).unwrap().parse().unwrap();
            let ws = wb.add_worksheet();
            ws.set_name(format!("表{}", i + 1)).unwrap();
            project_sheet(ws, &t, i + 1, EXPORT);
        }
    });
    let start = Instant::now();
    let o = jixiao(&["import", file.to_str().unwrap(), "-o", "doc"], tmp.path());
    eprintln!(
        "import of the reference (7 tables, with the check): {:?}",
        start.elapsed()
    );
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    assert!(!err.contains("未导入"), "{err}");
    let pdf = tmp.path().join("doc.pdf");
    let o = jixiao(&["build", "doc", "-o", pdf.to_str().unwrap()], tmp.path());
    assert!(o.status.success(), "{}", stderr(&o));
    let (made, ref_pdf) = common::run_build(&common::reference_dir(), tmp.path(), "ref", &[]);
    assert!(made.status.success());
    let want = std::fs::read(ref_pdf).unwrap();
    assert!(
        std::fs::read(&pdf).unwrap() == want,
        "the imported document prints differently"
    );
}

#[test]
fn a_sheet_of_a_million_rows_is_refused_at_once() {
    let tmp = TempDir::new("import-million");
    let file = book(tmp.path(), "million.xlsx", |wb| {
        let ws = wb.add_worksheet();
        ws.set_name("表1").unwrap();
        table1(ws, EXPORT);
        ws.write_string(999_999, 0, "末行").unwrap();
    });
    let start = Instant::now();
    let o = jixiao(&["import", file.to_str().unwrap()], tmp.path());
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains("工作表“表1”超过 50000 行（A1000000）"),
        "{err}"
    );
    assert!(start.elapsed() < Duration::from_secs(20));
}

/// The files below `dir`, with their text.
fn files(dir: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for sub in ["", "projects"] {
        let Ok(entries) = std::fs::read_dir(dir.join(sub)) else {
            continue;
        };
        for e in entries.flatten().filter(|e| e.path().is_file()) {
            let name = format!("{sub}/{}", e.file_name().to_string_lossy());
            out.push((name, std::fs::read_to_string(e.path()).unwrap()));
        }
    }
    out.sort();
    out
}

#[test]
fn every_form_saved_as_ods_by_libreoffice_imports_as_its_xlsx() {
    let tmp = TempDir::new("import-ods-forms");
    for name in ["department", "central", "shenbao"] {
        let example = common::manifest_dir().join("data/examples").join(name);
        let xlsx = tmp.path().join(format!("{name}.xlsx"));
        let o = jixiao(
            &[
                "export",
                example.to_str().unwrap(),
                "-o",
                xlsx.to_str().unwrap(),
            ],
            tmp.path(),
        );
        assert!(o.status.success(), "{}", stderr(&o));
        let ods = common::fixture("excel").join(format!("{name}.ods"));
        let (a, b) = (
            tmp.path().join(format!("a-{name}")),
            tmp.path().join(format!("b-{name}")),
        );
        for (book, dir) in [(&xlsx, &a), (&ods, &b)] {
            let o = jixiao(
                &[
                    "import",
                    book.to_str().unwrap(),
                    "-o",
                    dir.to_str().unwrap(),
                ],
                tmp.path(),
            );
            let err = stderr(&o);
            assert!(
                o.status.success() && err.contains("导入后检查：0 个错误，0 个警告"),
                "{err}"
            );
        }
        assert_eq!(files(&a), files(&b), "{name}.ods");
        assert!(!files(&a).is_empty());
    }
}

/// An .ods whose one sheet holds `rows` (table:table-row elements).
fn ods_book(rows: &str) -> Vec<u8> {
    use std::io::Write;
    let xml = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body><office:spreadsheet><table:table table:name="S1">{rows}</table:table></office:spreadsheet></office:body></office:document-content>"#
    );
    let mut out = std::io::Cursor::new(Vec::new());
    let mut zip = zip::ZipWriter::new(&mut out);
    let opts = zip::write::SimpleFileOptions::default();
    zip.start_file("mimetype", opts).unwrap();
    zip.write_all(b"application/vnd.oasis.opendocument.spreadsheet")
        .unwrap();
    zip.start_file("content.xml", opts).unwrap();
    zip.write_all(xml.as_bytes()).unwrap();
    zip.finish().unwrap();
    out.into_inner()
}

#[test]
fn an_ods_repeating_cells_past_the_bounds_is_refused_at_once() {
    let tmp = TempDir::new("import-ods-repeat");
    let cell = |cols: u32| {
        format!(
            r#"<table:table-cell office:value-type="string" table:number-columns-repeated="{cols}"><text:p>x</text:p></table:table-cell>"#
        )
    };
    for (rows, cols, want) in [
        (
            1_000_000,
            1,
            "工作表“S1”的内容延伸到 A1000000，超过 50000 行",
        ),
        (10_000, 1000, "工作表“S1”的内容延伸到 ALL1"),
        (
            40_000,
            199,
            "工作表“S1”到 GQ40000 为止的单元格超过 2000000 个",
        ),
    ] {
        let row = format!(
            r#"<table:table-row table:number-rows-repeated="{rows}">{}</table:table-row>"#,
            cell(cols)
        );
        let path = tmp.path().join("big.ods");
        std::fs::write(&path, ods_book(&row)).unwrap();
        let start = Instant::now();
        let o = jixiao(&["import", path.to_str().unwrap()], tmp.path());
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(1), "{err}");
        assert!(err.contains("big.ods：") && err.contains(want), "{err}");
        assert!(start.elapsed() < Duration::from_secs(5));
    }
}

#[test]
fn stray_content_is_listed_twenty_times_then_counted() {
    let tmp = TempDir::new("import-stray-cap");
    let file = book(tmp.path(), "stray.xlsx", |wb| {
        let ws = wb.add_worksheet();
        ws.set_name("表1").unwrap();
        table1(ws, EXPORT);
        for r in 0..50 {
            ws.write_string(40 + r, 8, format!("备忘{r}")).unwrap();
        }
    });
    let o = jixiao(&["import", file.to_str().unwrap()], tmp.path());
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    assert_eq!(err.matches("无法识别的内容").count(), 20, "{err}");
    assert!(err.contains("工作表“表1”另有 30 处未导入的内容"), "{err}");
}

/// Runs `jixiao args` in `cwd`, killing it after 20 seconds (a hang fails).
fn jixiao_timed(args: &[&str], cwd: &Path) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .args(args)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > Duration::from_secs(20) {
            child.kill().unwrap();
            panic!("jixiao {args:?} hung");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    child.wait_with_output().unwrap()
}

#[cfg(unix)]
#[test]
fn links_and_special_files_in_the_target_are_refused() {
    use std::os::unix::fs::symlink;
    let tmp = TempDir::new("import-links");
    let file = one_sheet(tmp.path(), "t.xlsx", EXPORT);
    let f = file.to_str().unwrap();
    // projects/ a link to a folder elsewhere: nothing is written there.
    let (doc, elsewhere) = (tmp.path().join("doc"), tmp.path().join("elsewhere"));
    std::fs::create_dir_all(&doc).unwrap();
    std::fs::create_dir_all(&elsewhere).unwrap();
    symlink(&elsewhere, doc.join("projects")).unwrap();
    let o = jixiao_timed(&["import", f, "-o", "doc", "--force"], tmp.path());
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("doc/projects 是符号链接或不是文件夹"), "{err}");
    assert_eq!(std::fs::read_dir(&elsewhere).unwrap().count(), 0);
    // A dangling link at the file to write: refused, even with --force.
    std::fs::remove_file(doc.join("projects")).unwrap();
    std::fs::create_dir_all(doc.join("projects")).unwrap();
    let target = doc.join("projects/01-QC154005.toml");
    symlink(tmp.path().join("nowhere.toml"), &target).unwrap();
    for force in [false, true] {
        let mut args = vec!["import", f, "-o", "doc"];
        args.extend(force.then_some("--force"));
        let o = jixiao_timed(&args, tmp.path());
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(1), "{err}");
        assert!(
            err.contains("01-QC154005.toml 是符号链接或特殊文件"),
            "{err}"
        );
        assert!(!tmp.path().join("nowhere.toml").exists());
    }
    // document.toml a FIFO: read without waiting, never hangs.
    std::fs::remove_file(&target).unwrap();
    let st = Command::new("mkfifo")
        .arg(doc.join("document.toml"))
        .status()
        .unwrap();
    assert!(st.success());
    let o = jixiao_timed(&["import", f, "-o", "doc"], tmp.path());
    assert!(target.is_file(), "{}", stderr(&o));
}

/// Rewrites the .xlsx at `path`, changing the text of `part` by `edit`.
fn edit_part(path: &Path, part: &str, edit: impl Fn(String) -> String) {
    use std::io::{Read, Write};
    let bytes = std::fs::read(path).unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut out = std::io::Cursor::new(Vec::new());
    let mut w = zip::ZipWriter::new(&mut out);
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).unwrap();
        let name = f.name().unwrap().to_string();
        let mut data = Vec::new();
        f.read_to_end(&mut data).unwrap();
        if name == part {
            data = edit(String::from_utf8(data).unwrap()).into_bytes();
        }
        w.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        w.write_all(&data).unwrap();
    }
    w.finish().unwrap();
    std::fs::write(path, out.into_inner()).unwrap();
}

#[test]
fn tables_naming_no_form_take_the_form_of_the_document_imported_into() {
    let tmp = TempDir::new("import-into-form");
    let example = common::manifest_dir().join("data/examples/central");
    let xlsx = tmp.path().join("central.xlsx");
    let o = jixiao(
        &[
            "export",
            example.to_str().unwrap(),
            "-o",
            xlsx.to_str().unwrap(),
        ],
        tmp.path(),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    // The 文本 sheet taken out of the workbook's sheet list.
    edit_part(&xlsx, "xl/workbook.xml", |x| {
        let start = x.find("<sheet name=\"文本\"").unwrap();
        let end = start + x[start..].find("/>").unwrap() + 2;
        format!("{}{}", &x[..start], &x[end..])
    });
    let doc = tmp.path().join("doc");
    std::fs::create_dir_all(&doc).unwrap();
    std::fs::copy(example.join("document.toml"), doc.join("document.toml")).unwrap();
    let o = jixiao(&["import", xlsx.to_str().unwrap(), "-o", "doc"], tmp.path());
    let err = stderr(&o);
    assert!(err.contains("导入后检查：0 个错误"), "{err}");
    let mut names: Vec<String> = std::fs::read_dir(doc.join("projects"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    for name in &names {
        let got = std::fs::read_to_string(doc.join("projects").join(name)).unwrap();
        let want = std::fs::read_to_string(example.join("projects").join(name)).unwrap();
        assert!(!got.contains("form ="), "{name}:\n{got}");
        let (got, want): (toml::Table, toml::Table) = (got.parse().unwrap(), want.parse().unwrap());
        assert_eq!(got, want, "{name}");
    }
    assert!(!names.is_empty());
}

#[test]
fn an_unknown_form_in_the_hidden_sheet_is_named_once_per_sheet_with_its_cell() {
    let tmp = TempDir::new("import-unknown-form");
    let file = book(tmp.path(), "u.xlsx", |wb| {
        for n in 1..=2 {
            let ws = wb.add_worksheet();
            ws.set_name(format!("表{n}")).unwrap();
            table1(ws, EXPORT);
        }
        let meta = wb.add_worksheet();
        meta.set_name("jixiao").unwrap();
        for (c, h) in ["sheet", "file", "settings"].iter().enumerate() {
            meta.write_string(0, c as u16, *h).unwrap();
        }
        for r in 1..=2u32 {
            meta.write_string(r, 0, format!("表{r}")).unwrap();
            meta.write_string(r, 2, "form = \"nonexistent\"").unwrap();
        }
    });
    let o = jixiao(&["import", file.to_str().unwrap()], tmp.path());
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert_eq!(err.matches("未知表样").count(), 2, "{err}");
    for r in 1..=2 {
        let want = format!(
            "u.xlsx：jixiao!C{}：工作表“表{r}”的未知表样“nonexistent”",
            r + 1
        );
        assert!(err.contains(&want), "{err}");
    }
}

#[test]
fn a_unit_line_naming_another_unit_is_a_located_warning() {
    let tmp = TempDir::new("import-unit");
    let file = book(tmp.path(), "yuan.xlsx", |wb| {
        let ws = wb.add_worksheet();
        ws.set_name("1.接访大厅").unwrap();
        table1(ws, EXPORT);
        // The budget system's sheet says its amounts are in 元.
        ws.write_string(2, 6, "单位：元").unwrap();
    });
    let o = jixiao(&["import", file.to_str().unwrap(), "-o", "doc"], tmp.path());
    let err = stderr(&o);
    assert!(
        err.contains("1.接访大厅!G3：表上方的金额单位是“元”，文本中的金额单位是“万元”"),
        "{err}"
    );
}

/// A workbook exported before a project file was renamed writes to the
/// renamed file (found by its 项目编码), and a sheet deleted from it is
/// named as left out, its file untouched.
#[test]
fn renamed_files_and_deleted_sheets_after_the_export() {
    let tmp = TempDir::new("import-renamed");
    let doc = tmp.path().join("doc");
    common::copy_dir(&common::reference_dir(), &doc);
    let xlsx = tmp.path().join("ref.xlsx");
    let o = jixiao(&["export", "doc", "-o", xlsx.to_str().unwrap()], tmp.path());
    assert!(o.status.success(), "{}", stderr(&o));
    let projects = doc.join("projects");
    std::fs::rename(
        projects.join("01-jiefang-dating.toml"),
        projects.join("08-jiefang-dating.toml"),
    )
    .unwrap();
    // The seventh table's sheet taken out of the workbook's sheet list.
    edit_part(&xlsx, "xl/workbook.xml", |x| {
        let start = x.find("<sheet name=\"7.").unwrap();
        let end = start + x[start..].find("/>").unwrap() + 2;
        format!("{}{}", &x[..start], &x[end..])
    });
    let seventh = std::fs::read(projects.join("07-xinfang-weiwen.toml")).unwrap();
    let o = jixiao(
        &["import", xlsx.to_str().unwrap(), "-o", "doc", "--force"],
        tmp.path(),
    );
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    assert!(!projects.join("01-jiefang-dating.toml").exists(), "{err}");
    assert!(!err.contains("J601"), "{err}");
    assert!(
        err.contains("07-xinfang-weiwen.toml 在工作簿中已没有工作表"),
        "{err}"
    );
    assert_eq!(
        std::fs::read(projects.join("07-xinfang-weiwen.toml")).unwrap(),
        seventh
    );
}
