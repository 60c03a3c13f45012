//! User text is printed literally, whatever characters it holds.
//!
//! Two levels: `escape_typst_string` must write a Typst string literal that
//! Typst's own parser reads back as exactly the input (any string, checked
//! without building); and whole builds with markup-heavy text in paragraphs,
//! headings and table cells must print that text back (checked with
//! pdftotext, so only characters the Fandol fonts cover).

mod common;

use std::fmt::Write as _;

use proptest::prelude::*;
use proptest::test_runner::FileFailurePersistence;
use typst::syntax::{SyntaxKind, ast};

use common::strategies::*;
use common::*;

// ---------------------------------------------------------------------------
// The escaping function against Typst's parser.

fn escape(s: &str) -> String {
    let mut out = Vec::new();
    jixiao::typeset::render::escape_typst_string(s, &mut out)
        .expect("writing to a Vec cannot fail");
    String::from_utf8(out).expect("escape_typst_string wrote invalid UTF-8")
}

/// Parses `literal` as Typst code: it must be exactly one string literal,
/// without errors; returns its value.
fn parse_literal(literal: &str) -> Result<String, String> {
    let root = typst::syntax::parse_code(literal);
    let (errors, _) = root.errors_and_warnings();
    if !errors.is_empty() {
        return Err(format!(
            "syntax errors: {:?}",
            errors.iter().map(|e| &e.message).collect::<Vec<_>>()
        ));
    }
    let nodes: Vec<_> = root.children().filter(|n| !n.kind().is_trivia()).collect();
    match nodes.as_slice() {
        [node] if node.kind() == SyntaxKind::Str => {
            if node.len() != literal.len() {
                return Err(format!(
                    "the string node covers {} of {} bytes",
                    node.len(),
                    literal.len()
                ));
            }
            let s: ast::Str = node.cast().ok_or("not castable to ast::Str")?;
            Ok(s.get().to_string())
        }
        other => Err(format!(
            "expected one Str node, got {:?}",
            other.iter().map(|n| n.kind()).collect::<Vec<_>>()
        )),
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 2000,
        failure_persistence: Some(Box::new(FileFailurePersistence::WithSource("proptest-regressions"))),
        ..ProptestConfig::default()
    })]

    /// For any string, the escaped literal parses back (as code and after
    /// `#` in markup) to exactly that string.
    #[test]
    fn escaped_literal_parses_back_exactly(s in any_text()) {
        let lit = escape(&s);
        prop_assert_eq!(parse_literal(&lit), Ok(s.clone()), "literal: {:?}", lit);

        // The same literal embedded in markup, as the templates use it.
        let markup = format!("#{lit}");
        let root = typst::syntax::parse(&markup);
        let (errors, _) = root.errors_and_warnings();
        prop_assert!(errors.is_empty(), "`#` + literal has errors in markup: {:?}", markup);
        let strs: Vec<String> = root
            .children()
            .filter(|n| n.kind() == SyntaxKind::Str)
            .filter_map(|n| n.cast::<ast::Str>().map(|s| s.get().to_string()))
            .collect();
        prop_assert_eq!(strs, vec![s.clone()], "markup: {:?}", markup);
    }

    /// The documented contract: "line breaks and control characters are
    /// escaped so the generated source keeps one item per line" — no
    /// character Typst counts as a line break is left raw in the literal.
    #[test]
    fn escaped_literal_stays_on_one_line(s in any_text()) {
        let lit = escape(&s);
        let raw: Vec<String> = lit
            .chars()
            .filter(|&c| typst::syntax::is_newline(c) || c.is_control())
            .map(|c| format!("U+{:04X}", c as u32))
            .collect();
        prop_assert!(raw.is_empty(), "unescaped line break/control characters {:?} in {:?}", raw, lit);
    }
}

#[test]
fn escaping_edge_cases_parse_back() {
    for s in [
        "",
        "\\",
        "\"",
        "\\\"",
        "\"\\",
        "\u{0}",
        "\n",
        "\r\n",
        "\t",
        "\u{7f}",
        "\u{85}",
        "\u{2028}",
        "\\u{41}",
        "\\u{",
        "#",
        "$",
        "a\"b\\c",
        "😀",
        "𠮷",
        "\u{10ffff}",
        "}\"",
        "\\\\\\",
    ] {
        assert_eq!(
            parse_literal(&escape(s)),
            Ok(s.to_string()),
            "input {s:?}, literal {:?}",
            escape(s)
        );
    }
}

// ---------------------------------------------------------------------------
// Whole builds: the text comes back out of the PDF.

/// The slots one build fills with test strings.
const SLOTS: [&str; 6] = [
    "overall paragraph",
    "goal title",
    "goal target",
    "measure lead",
    "资金用途 cell",
    "三级指标 cell",
];

/// Writes a document whose six slots hold `texts`, builds it, and returns
/// the slots whose text is not found back in the PDF.
fn build_and_check(texts: &[String; 6]) -> Result<(), String> {
    let dir = TempDir::new("escape");
    let doc = dir.path().join("doc");
    std::fs::create_dir_all(doc.join("projects")).unwrap();
    let t = |i: usize| toml_string(&texts[i]);
    let mut d = String::new();
    writeln!(d, "year = 2025").unwrap();
    writeln!(d, "department = \"转义测试局\"").unwrap();
    writeln!(d, "unit_code = \"900009\"").unwrap();
    writeln!(d, "unit_name = \"转义测试局本级\"").unwrap();
    writeln!(d, "overall = {}", t(0)).unwrap();
    writeln!(
        d,
        "[[goals]]\ntitle = {}\ntarget = {}\nindicator = \"指标。\"",
        t(1),
        t(2)
    )
    .unwrap();
    writeln!(d, "[[measures]]\nlead = {}\ntext = \"措施正文。\"", t(3)).unwrap();
    // Random text may be blank; that rule is not what this test is about.
    writeln!(d, "[check]\nallow = [\"J602\"]").unwrap();
    std::fs::write(doc.join("document.toml"), &d).unwrap();
    let mut p = String::new();
    writeln!(
        p,
        "code = \"ZY900009\"\nname = \"转义测试项目\"\nusage = {}\ngoal = \"目标。\"",
        t(4)
    )
    .unwrap();
    writeln!(p, "[budget]\ntotal = \"1\"").unwrap();
    writeln!(
        p,
        "[[indicators]]\nlevel1 = \"产出指标\"\nlevel2 = \"数量指标\"\nname = {}\ndescription = \"描述\"\nvalue = \"=1\"\nbasis = \"计划\"",
        t(5)
    )
    .unwrap();
    for (l1, l2) in [
        ("效益指标", "社会效益指标"),
        ("满意度指标", "服务对象满意度指标"),
    ] {
        writeln!(
            p,
            "[[indicators]]\nlevel1 = \"{l1}\"\nlevel2 = \"{l2}\"\nname = \"{l1}行\"\ndescription = \"描述\"\nvalue = \"≥90%\"\nbasis = \"计划\""
        )
        .unwrap();
    }
    std::fs::write(doc.join("projects/01-zhuanyi.toml"), &p).unwrap();

    // The TOML we wrote reads back as the texts (tests the helper, too).
    let back = read_toml(&doc.join("document.toml"));
    if back["overall"].as_str() != Some(texts[0].as_str()) {
        return Err(format!("toml_string does not round-trip {:?}", texts[0]));
    }

    let (output, pdf) = run_build(&doc, dir.path(), "escape", &["--emit", "pdf,typ"]);
    if !output.status.success() {
        return Err(format!(
            "build failed ({}):\n{}\ndocument.toml:\n{d}\nproject:\n{p}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    let pages = page_bodies(&pdf);
    let body = pages.concat();
    let missing: Vec<String> = texts
        .iter()
        .zip(SLOTS)
        .filter(|(s, _)| !body.contains(&squash(s)))
        .map(|(s, slot)| format!("{slot}: {s:?}{}", explain_missing(&pages, s)))
        .collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "not found in the PDF text:\n  {}\nPDF text: {body}",
            missing.join("\n  ")
        ))
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 24,
        max_shrink_iters: 64,
        failure_persistence: Some(Box::new(FileFailurePersistence::WithSource("proptest-regressions"))),
        ..ProptestConfig::default()
    })]

    /// Markup-heavy text in a paragraph, headings and table cells builds and
    /// prints literally.
    #[test]
    fn arbitrary_text_prints_literally(texts in proptest::array::uniform6(printable_text())) {
        if let Err(e) = build_and_check(&texts) {
            prop_assert!(false, "{}", e);
        }
    }
}

/// The same check with fixed inputs, so a regression shows without luck.
#[test]
fn markup_characters_print_literally() {
    let texts = [
        "#set text(red) $x^2$ *粗* _斜_ `raw` <lab> @ref // 注释 /* 块 */".to_string(),
        "= 假标题 \\ \"引号\" 'a' #{1} [x]".to_string(),
        "- 列表\n+ 编号\n/ 术语: 说明\n```\n代码\n```".to_string(),
        "#\"\\u{41}\" \\n \\\\ ~ -- --- ...".to_string(),
        "第一行 #\n第二行 $\n第三行 \\".to_string(),
        "≥100% “引”‘号’（括）《书》—…辦鑫龘".replace('龘', "龠"),
    ];
    build_and_check(&texts).unwrap_or_else(|e| panic!("{e}"));
}
