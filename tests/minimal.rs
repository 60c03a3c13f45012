//! Edge-shaped documents from `tests/fixtures/`: the smallest valid document,
//! explicitly empty sections, and a large one whose long table runs over
//! several pages. Expectations are read from the fixture files themselves.

mod common;

use std::path::Path;

use common::*;

/// Builds `tests/fixtures/<name>` into a temporary folder (kept alive by the
/// returned guard) and reads its pages back.
fn build_fixture(name: &str) -> (std::path::PathBuf, TempDir, std::path::PathBuf, Vec<String>) {
    let dir = fixture(name);
    let out = TempDir::new(name);
    let pdf = build_ok(&dir, out.path(), name);
    let pages = pages_text(&pdf);
    (dir, out, pdf, pages)
}

/// The checks every fixture PDF must pass: at least `min_pages` pages
/// (`why` names them), cover and metadata from the data, continuous page
/// numbers, and 目录 numbers matching the pages.
fn check_document(dir: &Path, pdf: &Path, pages: &[String], min_pages: usize, why: &str) {
    assert!(
        pages.len() >= min_pages,
        "{why}: expected at least {min_pages} pages, got {}",
        pages.len()
    );
    check_cover_and_metadata(dir, pdf, pages);
    check_page_numbers(pages);
    check_toc_against_pages(pages);
}

/// Fails listing every expected string (whitespace removed) missing from
/// the PDF's body text.
fn assert_all_present(pages: &[String], expected: &[String], what: &str) {
    let body = pages.concat();
    let missing: Vec<String> = expected
        .iter()
        .filter(|s| !body.contains(&squash(s)))
        .map(|s| format!("{s}{}", explain_missing(pages, s)))
        .collect();
    assert!(
        missing.is_empty(),
        "{} of {} {what} not found in the PDF text:\n  {}",
        missing.len(),
        expected.len(),
        missing.join("\n  ")
    );
}

/// Fails unless the strings occur in `body` in the given order.
fn assert_in_order(body: &str, expected: &[String], what: &str) {
    let mut pos = 0;
    for (k, s) in expected.iter().enumerate() {
        let s = squash(s);
        match body[pos..].find(&s) {
            Some(i) => pos += i + s.len(),
            None => panic!(
                "{what}: item {} “{s}” not found after the previous one",
                k + 1
            ),
        }
    }
}

/// The numbered 目录 titles.
fn numbered_toc(pages: &[String]) -> Vec<String> {
    parse_toc(&pages[1])
        .into_iter()
        .filter(|e| e.page.is_some())
        .map(|e| e.title)
        .collect()
}

/// Department, cover title and PDF metadata of a fixture document.
fn check_cover_and_metadata(dir: &Path, pdf: &Path, pages: &[String]) {
    let doc = read_toml(&dir.join("document.toml"));
    let department = toml_str(&doc, "department");
    let year = doc
        .get("year")
        .and_then(toml::Value::as_integer)
        .expect("year");
    let title = format!("{year}年部门预算绩效文本");
    assert_eq!(
        squash(&pages[0]),
        squash(&format!("{department}{title}")),
        "the cover should hold the department and “{title}”"
    );
    assert_eq!(
        pdfinfo_field(pdf, "Title"),
        Some(format!("{department}{title}")),
        "PDF Title"
    );
    assert_eq!(
        pdfinfo_field(pdf, "Author"),
        Some(department.to_string()),
        "PDF Author"
    );
}

fn project_tables(dir: &Path) -> Vec<toml::Table> {
    let pdir = dir.join("projects");
    let mut files: Vec<_> = std::fs::read_dir(&pdir)
        .map(|r| r.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    files.retain(|p| p.extension().is_some_and(|x| x == "toml"));
    files.sort();
    files.iter().map(|p| read_toml(p)).collect()
}

fn table_title(p: &toml::Table) -> String {
    match p.get("title").and_then(toml::Value::as_str) {
        Some(t) => t.to_string(),
        None => format!("{}绩效目标表", toml_str(p, "name")),
    }
}

fn indicators(p: &toml::Table) -> Vec<toml::Table> {
    p.get("indicators")
        .and_then(toml::Value::as_array)
        .map(|a| a.iter().filter_map(|v| v.as_table().cloned()).collect())
        .unwrap_or_default()
}

#[test]
fn minimal_document_builds() {
    let (dir, _out, pdf, pages) = build_fixture("minimal");
    assert!(
        !dir.join("projects").exists(),
        "the minimal fixture must have no projects/"
    );
    check_document(&dir, &pdf, &pages, 3, "cover, 目录 and a body page");

    let body = body_text(&pdf);
    let expected: Vec<String> = [
        "第一部分",
        "部门整体绩效目标",
        "一、总体绩效目标",
        "二、分项绩效目标",
        "三、工作保障措施",
    ]
    .map(String::from)
    .to_vec();
    assert_in_order(&body, &expected, "第一部分 headings");
    assert!(
        !body.contains("第二部分"),
        "no projects/, yet the PDF has a 第二部分"
    );
    let doc = read_toml(&dir.join("document.toml"));
    assert!(
        !body.contains(toml_str(&doc, "unit_code")),
        "no project table, yet the unit code is printed"
    );
    assert_eq!(
        numbered_toc(&pages),
        ["一、总体绩效目标", "二、分项绩效目标", "三、工作保障措施"],
        "目录 of a document without projects"
    );
}

#[test]
fn empty_sections_build() {
    let (dir, _out, pdf, pages) = build_fixture("empty-sections");
    check_document(
        &dir,
        &pdf,
        &pages,
        4,
        "cover, 目录, 第一部分 and one table page",
    );

    let doc = read_toml(&dir.join("document.toml"));
    let projects = project_tables(&dir);
    assert_eq!(projects.len(), 1);
    let p = &projects[0];
    assert!(
        indicators(p).is_empty(),
        "the fixture's project must have no indicators"
    );

    let bodies = page_bodies(&pdf);
    let body = bodies.concat();
    assert!(
        !body.contains("（一）"),
        "empty goals and measures, yet “（一）” is printed"
    );
    let title = format!("1.{}", table_title(p));
    let total = p["budget"]["total"]
        .as_str()
        .expect("budget.total as a string");
    let expected = vec![
        "一、总体绩效目标".to_string(),
        "二、分项绩效目标".into(),
        "三、工作保障措施".into(),
        "第二部分".into(),
        "预算项目绩效目标".into(),
        title.clone(),
        format!(
            "{} {}",
            toml_str(&doc, "unit_code"),
            toml_str(&doc, "unit_name")
        ),
        format!("单位：{}", toml_str(&doc, "money_unit")),
    ];
    assert_in_order(&body, &expected, "headings and table title");
    assert_all_present(
        &bodies,
        &[
            toml_str(p, "code").to_string(),
            toml_str(p, "name").to_string(),
            total.to_string(),
            "项目编码".into(),
            "预算数".into(),
            "3月底".into(),
            "12月底".into(),
            "绩效目标".into(),
            "一级指标".into(),
            "指标值确定依据".into(),
        ],
        "table cells of the empty project",
    );
    // (The label 资金支出计划（%） holds a % sign; a value is a number + %.)
    let chars: Vec<char> = body.chars().collect();
    let percentages: Vec<String> = chars
        .windows(2)
        .enumerate()
        .filter(|(_, w)| w[0].is_ascii_digit() && (w[1] == '%' || w[1] == '％'))
        .map(|(i, _)| chars[i.saturating_sub(8)..i + 2].iter().collect())
        .collect();
    assert!(
        percentages.is_empty(),
        "a blank spending plan printed percentages: {percentages:?}"
    );
    assert_eq!(
        numbered_toc(&pages),
        [
            "一、总体绩效目标",
            "二、分项绩效目标",
            "三、工作保障措施",
            title.as_str()
        ],
        "目录"
    );
}

#[test]
fn many_sections_and_a_long_table() {
    let (dir, _out, pdf, pages) = build_fixture("many");

    let doc = read_toml(&dir.join("document.toml"));
    let goals = doc["goals"].as_array().expect("goals").clone();
    let measures = doc["measures"].as_array().expect("measures").clone();
    let projects = project_tables(&dir);
    assert_eq!(
        (goals.len(), measures.len(), projects.len()),
        (12, 12, 3),
        "fixture shape"
    );
    let long = projects
        .iter()
        .position(|p| indicators(p).len() == 40)
        .expect("a project with 40 indicator rows");

    // Cover + 目录 + at least one page of 第一部分 + one page per table + the
    // long table's second page.
    let lower = 2 + 1 + projects.len() + 1;
    check_document(
        &dir,
        &pdf,
        &pages,
        lower,
        "cover, 目录, 第一部分, one page per table and the long table's second page",
    );

    let bodies = page_bodies(&pdf);
    let body = bodies.concat();

    // Headings, in order: numbered goals then numbered measures.
    let mut headings = Vec::new();
    for (i, g) in goals.iter().enumerate() {
        let g = g.as_table().unwrap();
        headings.push(format!(
            "（{}）{}",
            chinese_number(i + 1),
            toml_str(g, "title")
        ));
    }
    for (i, m) in measures.iter().enumerate() {
        let m = m.as_table().unwrap();
        headings.push(format!(
            "（{}）{}",
            chinese_number(i + 1),
            toml_str(m, "lead")
        ));
    }
    assert_in_order(&body, &headings, "goal and measure headings");
    assert!(
        body.matches("（十二）").count() >= 2,
        "“（十二）” should number the 12th goal and the 12th measure"
    );

    // Every paragraph of every text field.
    let mut paragraphs = text_lines(toml_str(&doc, "overall"));
    for g in &goals {
        let g = g.as_table().unwrap();
        paragraphs.extend(text_lines(toml_str(g, "target")));
        paragraphs.extend(text_lines(toml_str(g, "indicator")));
    }
    for m in &measures {
        let m = m.as_table().unwrap();
        paragraphs.extend(text_lines(toml_str(m, "text")));
    }
    assert_eq!(
        paragraphs.len(),
        2 + 12 * 4 + 12 * 2,
        "fixture paragraph count"
    );
    assert_in_order(&body, &paragraphs, "paragraphs");

    // Tables: titles in order, every cell text present, every indicator name
    // of the long table in order.
    let titles: Vec<String> = projects
        .iter()
        .enumerate()
        .map(|(i, p)| format!("{}.{}", i + 1, table_title(p)))
        .collect();
    assert_in_order(&body, &titles, "table titles");
    assert_eq!(numbered_toc(&pages)[3..], titles[..], "目录 table entries");
    let mut cells = Vec::new();
    for p in &projects {
        cells.push(toml_str(p, "code").to_string());
        cells.push(toml_str(p, "name").to_string());
        cells.extend(text_lines(toml_str(p, "usage")));
        cells.extend(text_lines(toml_str(p, "goal")));
        for r in indicators(p) {
            for k in ["level2", "name", "description", "value", "basis"] {
                cells.push(toml_str(&r, k).to_string());
            }
        }
        if let Some(labels) = p.get("labels").and_then(toml::Value::as_table) {
            cells.extend(labels.values().filter_map(|v| v.as_str().map(String::from)));
        }
    }
    assert_all_present(&bodies, &cells, "table cells");
    let names: Vec<String> = indicators(&projects[long])
        .iter()
        .map(|r| toml_str(r, "name").to_string())
        .collect();
    assert_in_order(&body, &names, "the long table's 三级指标");

    // The long table runs over several pages, each with the header row.
    let holding: Vec<usize> = pages
        .iter()
        .enumerate()
        .filter(|(_, p)| {
            let p = squash(p);
            names.iter().any(|n| p.contains(n.as_str()))
        })
        .map(|(i, _)| i + 1)
        .collect();
    assert!(
        holding.len() >= 2,
        "the 40-row table should run over at least 2 pages; it is on pages {holding:?}"
    );
    let header = [
        "一级指标",
        "二级指标",
        "三级指标",
        "绩效指标描述",
        "指标值",
        "指标值确定依据",
    ];
    let without: Vec<usize> = holding
        .iter()
        .copied()
        .filter(|&n| {
            let p = squash(&pages[n - 1]);
            !header.iter().all(|h| p.contains(h))
        })
        .collect();
    assert!(
        without.is_empty(),
        "the 40-row table is on PDF pages {holding:?}; the header row is missing on {without:?}"
    );
}
