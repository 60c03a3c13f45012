//! The built-in forms (issue 9, item 3): each has a fixture document under
//! `data/examples/` that builds, is checked clean (notes allowed) and
//! prints the form's labels and its data.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::*;
use jixiao::input::form::{Form, Need, Registry};

/// Each built-in form and the fixture document that shows it. The Hebei
/// form's clean fixture is the department one, whose project table is a
/// Hebei table (the reference document has deliberate slips, see
/// tests/reference.rs).
const FIXTURES: &[(&str, &str)] = &[
    ("hebei", "data/examples/department"),
    ("central", "data/examples/central"),
    ("department", "data/examples/department"),
    ("shenbao", "data/examples/shenbao"),
];

fn fixture_dir(name: &str) -> PathBuf {
    let (_, dir) = FIXTURES
        .iter()
        .find(|(n, _)| *n == name)
        .unwrap_or_else(|| panic!("no fixture for form {name}"));
    manifest_dir().join(dir)
}

/// `jixiao check --format json <dir>` as parsed JSON.
fn check_json(dir: &Path) -> serde_json::Value {
    let out = Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .args(["check", "--format", "json"])
        .arg(dir)
        .output()
        .expect("cannot run the jixiao binary");
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "check printed no JSON ({e}): {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

fn assert_clean(dir: &Path) {
    let report = check_json(dir);
    assert_eq!(report["errors"], 0, "{}: {report:#}", dir.display());
    assert_eq!(report["warnings"], 0, "{}: {report:#}", dir.display());
}

/// Builds a fixture and returns its pages' text (raw order, footers
/// removed, whitespace squashed).
fn pages_of(name: &str, tmp: &TempDir) -> Vec<String> {
    let pdf = build_ok(&fixture_dir(name), tmp.path(), name);
    page_bodies(&pdf)
}

/// Every label the form always prints: field labels, headings, side
/// cells and the headers of columns that are not optional (an optional
/// column blank in every row is left out).
fn printed_labels(form: &Form) -> Vec<String> {
    let mut out: Vec<String> = form.fields.iter().map(|f| f.label.clone()).collect();
    out.extend(form.headings.iter().map(|h| h.label.clone()));
    for t in &form.tables {
        if t.side {
            out.push(t.label.clone());
        }
        if t.header {
            out.extend(
                t.columns
                    .iter()
                    .filter(|c| c.need != Need::Optional)
                    .map(|c| c.label.clone()),
            );
        }
    }
    out
}

fn assert_contains(text: &str, wanted: &[&str], what: &str) {
    let missing: Vec<&&str> = wanted
        .iter()
        .filter(|w| !text.contains(&squash(w)))
        .collect();
    assert!(missing.is_empty(), "{what}: missing {missing:?} in\n{text}");
}

#[test]
fn every_builtin_form_has_a_fixture() {
    for (name, _) in jixiao::input::form::BUILTIN {
        assert!(fixture_dir(name).join("document.toml").is_file(), "{name}");
    }
}

#[test]
fn every_fixture_is_checked_clean() {
    let mut dirs: Vec<&str> = FIXTURES.iter().map(|(_, d)| *d).collect();
    dirs.dedup();
    for dir in dirs {
        assert_clean(&manifest_dir().join(dir));
    }
}

#[test]
fn every_fixture_prints_its_forms_labels() {
    let forms = Registry::builtin();
    let tmp = TempDir::new("forms-labels");
    for (name, _) in FIXTURES {
        let text = pages_of(name, &tmp).concat();
        let labels = printed_labels(forms.get(name).unwrap());
        let labels: Vec<&str> = labels.iter().map(String::as_str).collect();
        assert_contains(&text, &labels, name);
    }
}

#[test]
fn central_prints_its_blocks_and_drops_a_blank_optional_column() {
    let tmp = TempDir::new("forms-central");
    let pages = pages_of("central", &tmp);
    let text = pages.concat();
    assert_contains(
        &text,
        &[
            "1.国家级自然保护区监测与管护绩效目标表",
            "项目资金（万元）",
            "1280.00",
            "1200.00",
            "80.00",
            "2025—2027年，建立覆盖全部国家级自然保护区",
            "成本指标经济成本指标单个保护区年均监测巡护成本≤2.7万元",
            "备注",
            "含新晋升保护区",
        ],
        "central",
    );
    // Table 2 fills no 备注: the column is not printed on its page.
    assert!(pages[1].starts_with("目录"), "{}", pages[1]);
    let second = pages[2..]
        .iter()
        .find(|p| p.contains("2.林草生态综合监测评价绩效目标表"))
        .expect("table 2 printed");
    assert!(second.contains("指标值确定依据"), "{second}");
    assert!(!second.contains("备注"), "{second}");
}

#[test]
fn department_table_is_numbered_goals_duties_and_sits_in_part_one() {
    let tmp = TempDir::new("forms-department");
    let pages = pages_of("department", &tmp);
    assert!(pages[1].starts_with("目录"), "{}", pages[1]);
    let body = &pages[2..];
    let title = "承德市档案馆部门整体支出绩效目标表";
    let table = body
        .iter()
        .position(|p| p.contains(title))
        .expect("department table printed");
    let part_two = body
        .iter()
        .position(|p| p.contains("第二部分"))
        .expect("第二部分 printed");
    assert!(
        table < part_two,
        "table on page {table}, 第二部分 on {part_two}"
    );
    let text = body.concat();
    assert!(!text.contains(&format!("1.{title}")), "not numbered");
    assert_contains(
        &text,
        &[
            "1236.48",
            "850.48",
            "目标1依法接收到期进馆档案2万卷",
            "目标4做好档案查阅利用服务",
            "档案信息化建设馆藏重点档案数字化加工30万画幅档案数字化加工180.00",
            "合计386.00",
            "指标解释",
            "全年依法接收到期进馆的各类档案卷数",
            "1.档案数字化加工绩效目标表",
        ],
        "department",
    );
    // Numbered goals print no header row.
    assert!(!text.contains("序号"), "{text}");
}

#[test]
fn shenbao_stands_alone_with_suffixed_amounts_and_footer_lines() {
    let tmp = TempDir::new("forms-shenbao");
    let pages = pages_of("shenbao", &tmp);
    assert_eq!(pages.len(), 2, "one page per table, no cover or 目录");
    assert!(
        pages[0].starts_with("1.高标准农田建设绩效目标申报表"),
        "{}",
        pages[0]
    );
    let text = pages.concat();
    for absent in ["目录", "第一部分", "第二部分"] {
        assert!(!text.contains(absent), "{absent} printed");
    }
    assert_contains(
        &text,
        &[
            "项目实施期2025.07–2026.06",
            "项目资金年度预算金额250万本级资金50万上级资金200万",
            "120万",
            "新建高标准农田面积≥1万亩计划标准",
            "财政部门审核意见",
            "填表人：李明　　联系电话：0314-3112345　　填报日期：2025-01-20",
            "单位负责人签字：",
        ],
        "shenbao",
    );
}

/// The third taxonomy: 实施效果指标 as the one 一级 over 产出指标 and
/// 效益指标 (central form, `[check] profile = "C"`); the same rows under
/// the default profile are refused.
#[test]
fn central_accepts_the_implementation_effect_taxonomy() {
    let tmp = TempDir::new("forms-taxonomy-c");
    let dir = tmp.path();
    std::fs::create_dir_all(dir.join("projects")).unwrap();
    let doc = "year = 2025\ndepartment = \"某部\"\nunit_code = \"1\"\nunit_name = \"某部本级\"\n\
               form = \"central\"\n";
    let mut project = String::from(
        "name = \"某水库除险加固\"\ndepartment = \"某部\"\nunit = \"某水库管理处\"\n\
         goal = \"2025年完成水库大坝除险加固主体工程。\"\n[budget]\ntotal = 500\nfiscal = 500\n",
    );
    for (l2, name, value) in [
        ("产出指标", "完成大坝加固长度", "≥1.2公里"),
        ("效益", "水库恢复设计蓄水能力", "恢复"),
        ("社会公众或服务对象满意度指标", "受益群众满意度", "≥90%"),
    ] {
        project += &format!(
            "[[indicators]]\nlevel1 = \"实施效果指标\"\nlevel2 = \"{l2}\"\nname = \"{name}\"\nvalue = \"{value}\"\n"
        );
    }
    std::fs::write(dir.join("projects/01.toml"), &project).unwrap();
    std::fs::write(
        dir.join("document.toml"),
        format!("{doc}[check]\nprofile = \"C\"\n"),
    )
    .unwrap();
    assert_clean(dir);
    std::fs::write(dir.join("document.toml"), doc).unwrap();
    let report = check_json(dir);
    let codes: Vec<&str> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|d| d["code"].as_str())
        .collect();
    assert!(codes.contains(&"J102"), "{report:#}");
    assert!(codes.contains(&"J101"), "{report:#}");
}
