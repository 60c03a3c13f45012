//! Tests of form files: the built-in ones and refused definitions.

use super::*;
use crate::report::diag::SourceMap;

fn parse(text: &str) -> std::result::Result<Form, String> {
    let map = SourceMap::default();
    parse::parse_form(
        std::path::Path::new("/t/x.toml"),
        text.as_bytes().to_vec(),
        "x",
        &map,
    )
    .map_err(|e| map.render_plain(&e.0))
}

#[test]
fn builtin_forms_parse() {
    let r = Registry::builtin();
    assert!(r.names().contains(&DEFAULT_FORM));
    for (name, _) in BUILTIN {
        assert!(r.get(name).is_some(), "{name}");
    }
    let hebei = r.get("hebei").unwrap();
    assert_eq!(hebei.plan.len(), 4);
    assert_eq!(hebei.indicators().unwrap().columns.len(), 6);
    assert_eq!(hebei.role(Role::Total).unwrap().key, "budget.total");
}

const SMALL: &str = r##"
name = "x"
title = "测试"
grid = [1, 1]
layout = [["@code", "code"], ["#rows"]]
[[fields]]
key = "code"
label = "编码"
[[tables]]
key = "rows"
label = "行"
[[tables.columns]]
key = "a"
label = "甲"
[[tables.columns]]
key = "b"
label = "乙"
"##;

#[test]
fn a_small_form_parses() {
    let f = parse(SMALL).unwrap();
    assert_eq!(f.grid, [1.0, 1.0]);
    assert_eq!(f.table("rows").unwrap().columns.len(), 2);
}

#[test]
fn bad_forms_are_refused_where_wrong() {
    let e = parse(&SMALL.replace("[\"@code\", \"code\"]", "[\"@code\", \"coed\"]")).unwrap_err();
    assert!(e.contains("“coed”不是本表样定义的字段"), "{e}");
    assert!(e.contains(":5:"), "{e}");
    let e = parse(&SMALL.replace("[\"@code\", \"code\"]", "[\"@code*2\", \"code\"]")).unwrap_err();
    assert!(e.contains("超出了 grid"), "{e}");
    let e = parse(&SMALL.replace("name = \"x\"", "name = \"y\"")).unwrap_err();
    assert!(e.contains("与文件名“x”不一致"), "{e}");
    let e = parse(&SMALL.replace(
        "key = \"b\"\nlabel = \"乙\"",
        "key = \"b\"\nlabel = \"乙\"\nspan = 2",
    ))
    .unwrap_err();
    assert!(e.contains("共跨 3 列"), "{e}");
    let twice = format!(
        "{SMALL}[[tables]]\nkey = \"rows\"\nlabel = \"又\"\n[[tables.columns]]\nkey = \"a\"\nlabel = \"甲\"\nspan = 2\n"
    );
    let e = parse(&twice).unwrap_err();
    assert!(e.contains("与字段、其他表重名"), "{e}");
    let e = parse(&SMALL.replace("[\"#rows\"]", "[\"code*2\"]")).unwrap_err();
    assert!(e.contains("出现了 2 次"), "{e}");
}

/// A valid form of `n` fields, each with its label and value in one row.
fn big_form(n: usize) -> String {
    let mut s = String::from("name = \"x\"\ntitle = \"大\"\ngrid = [1, 1]\nlayout = [\n");
    for i in 0..n {
        s.push_str(&format!("  [\"@f{i}\", \"f{i}\"],\n"));
    }
    s.push_str("]\n");
    for i in 0..n {
        s.push_str(&format!(
            "[[fields]]\nkey = \"f{i}\"\nlabel = \"字段{i}\"\n"
        ));
    }
    s
}

#[test]
fn a_large_form_parses_in_linear_time() {
    // Quadratic or cubic checks took over a minute for 4000 fields; the
    // bound only catches such a regression (a linear parse takes well
    // under a second).
    let text = big_form(4000);
    let started = std::time::Instant::now();
    let f = parse(&text).unwrap();
    assert_eq!(f.fields.len(), 4000);
    assert_eq!(f.label_default("f3999"), Some("字段3999"));
    assert!(started.elapsed().as_secs() < 10, "{:?}", started.elapsed());
}

#[test]
fn spans_and_widths_must_be_printable() {
    let side = SMALL.replace(
        "key = \"rows\"\nlabel = \"行\"",
        "key = \"rows\"\nlabel = \"行\"\nside = true\nside_span = 0",
    );
    let e = parse(&side).unwrap_err();
    assert!(e.contains("side_span 应为 1–32 的整数"), "{e}");
    assert!(e.contains("side_span = 0"), "{e}");
    for grid in [
        "[1e308, 1e308]",
        "[1, inf]",
        "[1, 1001]",
        "[0, 1]",
        "[1, nan]",
    ] {
        let e = parse(&SMALL.replace("grid = [1, 1]", &format!("grid = {grid}"))).unwrap_err();
        assert!(e.contains("grid 应列出"), "{grid}: {e}");
        assert!(e.contains(":4:"), "{grid}: {e}");
    }
    assert!(parse(&SMALL.replace("grid = [1, 1]", "grid = [0.5, 1000]")).is_ok());
}

#[test]
fn form_texts_must_not_hold_control_characters() {
    let cases = [
        ("title = \"测试\"", "title = \"测\\u202E试\"", ":3:"),
        ("label = \"编码\"", "label = \"编\\u001b[31m码\"", ":8:"),
        ("label = \"行\"", "label = \"行\\r\"", ":11:"),
        (
            "[\"@code\", \"code\"]",
            "[\"'a\\u2028b'\", \"code\"]",
            ":5:",
        ),
    ];
    for (from, to, at) in cases {
        let e = parse(&SMALL.replace(from, to)).unwrap_err();
        assert!(e.contains("含有控制字符"), "{to}: {e}");
        assert!(e.contains(at), "{to}: {e}");
        // The message shows the character escaped, never raw.
        assert!(
            !e.contains(['\u{202e}', '\u{1b}', '\r', '\u{2028}']),
            "{e:?}"
        );
    }
    // A line break in a label is the intended one, as in data.
    assert!(parse(&SMALL.replace("label = \"编码\"", "label = \"编\\n码\"")).is_ok());
    let e = parse(&SMALL.replace("title = \"测试\"", "title = \"测\\n试\"")).unwrap_err();
    assert!(e.contains("U+000A"), "{e}");
    let tax = "[[taxonomies]]\nname = \"a\\u200Fb\"\ntitle = \"t\"\nlevels = []\n";
    let e = parse(&format!("{SMALL}{tax}")).unwrap_err();
    assert!(e.contains("U+200F"), "{e}");
}

#[test]
fn a_bad_cell_is_reported_once() {
    for cell in ["'x'*2*2", "code*2*2", "coed"] {
        let text = SMALL.replace("[\"@code\", \"code\"]", &format!("[\"@code\", \"{cell}\"]"));
        let e = parse(&text).unwrap_err();
        assert_eq!(e.matches("error:").count(), 1, "{cell}: {e}");
    }
}

#[test]
fn heading_keys_name_nothing_else() {
    let with = |key: &str| {
        let text = SMALL.replace(
            "[[fields]]",
            &format!("[[headings]]\nkey = \"{key}\"\nlabel = \"标题\"\n[[fields]]"),
        );
        parse(&text)
    };
    assert!(with("block").is_ok());
    for key in ["code", "rows", "a", "bad key"] {
        let e = with(key).unwrap_err();
        assert!(
            e.contains(&format!("标题名“{key}”无效，或与")),
            "{key}: {e}"
        );
        assert!(e.contains(":7:"), "{key}: {e}");
    }
    let twice = SMALL.replace(
        "[[fields]]",
        "[[headings]]\nkey = \"h\"\nlabel = \"甲\"\n[[headings]]\nkey = \"h\"\nlabel = \"乙\"\n[[fields]]",
    );
    let e = parse(&twice).unwrap_err();
    assert!(e.contains(":10:"), "{e}");
}

#[test]
fn table_keys_are_label_keys() {
    let f = parse(SMALL).unwrap();
    assert!(f.label_keys().contains(&("rows", "行")));
    assert_eq!(f.label_default("rows"), Some("行"));
}

#[test]
fn roles_fit_their_slots() {
    let field = |extra: &str| {
        let text = SMALL.replace("label = \"编码\"", &format!("label = \"编码\"\n{extra}"));
        parse(&text)
    };
    assert!(field("role = \"code\"").is_ok());
    assert!(field("role = \"total\"\nkind = \"money\"").is_ok());
    assert!(field("role = \"goal\"").is_ok());
    for (bad, says) in [
        ("role = \"total\"", "只能用于 kind = \"money\" 的字段"),
        (
            "role = \"goal\"\nkind = \"date\"",
            "只能用于 kind = \"text\" 的字段",
        ),
        ("role = \"level1\"", "只能用于指标表"),
        ("role = \"unit\"", "只能用于指标表"),
    ] {
        let e = field(bad).unwrap_err();
        assert!(e.contains(says), "{bad}: {e}");
        assert!(e.contains(":9:"), "{bad}: {e}");
    }
    let column = |role: &str| {
        let text = SMALL.replace(
            "label = \"甲\"",
            &format!("label = \"甲\"\nrole = \"{role}\""),
        );
        parse(&text)
    };
    for (role, says) in [("value", "只能用于指标表"), ("total", "不能用于表的列")] {
        let e = column(role).unwrap_err();
        assert!(e.contains(says), "{role}: {e}");
        assert!(e.contains(":15:"), "{role}: {e}");
    }
    // Numbered goals are rows: a text column of a plain table may be a goal.
    assert!(column("goal").is_ok());
}

#[test]
fn plan_checkpoints_are_distinct() {
    let with = |checkpoints: &str| {
        let text = SMALL
            .replace(
                "[\"@code\", \"code\"]",
                "[\"@code\", \"code\"], [\"@p\", \"p\"]",
            )
            .replace(
                "[[fields]]",
                "[[fields]]\nkey = \"p\"\nlabel = \"节点\"\nkind = \"percent\"\n[[fields]]",
            );
        let plan = format!("[plan]\ncheckpoints = {checkpoints}\n[[tables]]");
        parse(&text.replace("[[tables]]", &plan))
    };
    assert!(with("[\"p\"]").is_ok());
    let e = with("[\"p\", \"p\"]").unwrap_err();
    assert!(e.contains("支出计划节点“p”重复"), "{e}");
}
