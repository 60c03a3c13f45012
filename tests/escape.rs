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

use common::*;

// ---------------------------------------------------------------------------
// Strategies.

/// Pieces of Typst markup and code that would do something if not escaped.
const MARKUP: &[&str] = &[
    "#",
    "$",
    "*",
    "_",
    "[",
    "]",
    "\\",
    "@",
    "<",
    ">",
    "`",
    "//",
    "/*",
    "*/",
    "=",
    "-",
    "+",
    "~",
    "\"",
    "'",
    "{",
    "}",
    "(",
    ")",
    ";",
    ":",
    "\\n",
    "\\u{41}",
    "\\\"",
    "\"\"",
    "#let x = 1",
    "#set text(red)",
    "#(1 + 2)",
    "$x^2$",
    "<label>",
    "@ref",
    "= 标题",
    "- 列表",
    "+ 编号",
    "```rust x```",
    "`raw`",
    "*粗体*",
    "_斜体_",
    "https://example.com/a_b",
    "--",
    "---",
    "...",
    "\\\\",
    "#{",
    "}",
    "#]",
    "[#",
    "/* 未闭合",
    "\" + \"",
    "\\#",
    "#\"",
    "%",
    "&",
    "^",
    "|",
    "?",
];

/// About 200 common characters (all in every Fandol font).
const COMMON_CJK: &str = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别访绩预算";

/// CJK punctuation and symbols of the domain.
const CJK_PUNCT: &str = "“”‘’，。、；：（）《》—…≥≤％×·！？【】";

/// Rare characters the Fandol fonts still cover.
const RARE_CJK: &str = "辦鑫淼焱嬲鼋鼍鼐鼗鼙鼢鼬鼯鼷鼹鼽鼾齄齑龀龃龅龆龇龈龉龊龋龌龠";

fn chars_of(s: &'static str) -> impl Strategy<Value = String> {
    let v: Vec<char> = s.chars().collect();
    proptest::sample::select(v).prop_map(String::from)
}

/// One piece of printable text: markup, ASCII, CJK, punctuation, rare CJK,
/// a space or a newline.
fn printable_piece() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => proptest::sample::select(MARKUP).prop_map(String::from),
        3 => (0x20u8..0x7f).prop_map(|b| (b as char).to_string()),
        4 => chars_of(COMMON_CJK),
        2 => chars_of(CJK_PUNCT),
        1 => chars_of(RARE_CJK),
        1 => Just(" ".to_string()),
        1 => Just("\n".to_string()),
    ]
}

/// Text the fonts can print: up to 16 pieces (short enough that a table cell
/// never runs over a page break).
fn printable_text() -> impl Strategy<Value = String> {
    proptest::collection::vec(printable_piece(), 1..16).prop_map(|v| v.concat())
}

/// Any string at all, biased towards what is hard to escape.
fn any_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        3 => any::<char>().prop_map(String::from),
        2 => (0u32..0x20).prop_map(|c| char::from_u32(c).unwrap().to_string()),
        1 => (0x7fu32..0xa0).prop_map(|c| char::from_u32(c).unwrap().to_string()),
        3 => proptest::sample::select(MARKUP).prop_map(String::from),
        1 => proptest::sample::select(vec![
            "\u{0}", "\u{2028}", "\u{2029}", "\u{85}", "\u{feff}", "\u{200b}", "\u{200d}", "\r\n",
            "😀", "👨‍👩‍👧", "🇨🇳", "𠮷", "\u{10ffff}", "\\u{", "\\u{110000}", "\\u{zz}", "\\",
        ])
        .prop_map(String::from),
        2 => chars_of(COMMON_CJK),
    ];
    proptest::collection::vec(piece, 0..24).prop_map(|v| v.concat())
}

// ---------------------------------------------------------------------------
// The escaping function against Typst's parser.

fn escape(s: &str) -> String {
    let mut out = Vec::new();
    jixiao::render::escape_typst_string(s, &mut out).expect("writing to a Vec cannot fail");
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
