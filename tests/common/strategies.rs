//! proptest strategies for user text: printable text the shipped fonts
//! cover (so pdftotext can read it back) and any string at all.

use proptest::prelude::*;

/// Pieces of Typst markup and code that would do something if not escaped.
pub const MARKUP: &[&str] = &[
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
pub const COMMON_CJK: &str = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别访绩预算";

/// CJK punctuation and symbols of the domain.
pub const CJK_PUNCT: &str = "“”‘’，。、；：（）《》—…≥≤％×·！？【】";

/// Rare characters the Fandol fonts still cover.
pub const RARE_CJK: &str = "辦鑫淼焱嬲鼋鼍鼐鼗鼙鼢鼬鼯鼷鼹鼽鼾齄齑龀龃龅龆龇龈龉龊龋龌龠";

pub fn chars_of(s: &'static str) -> impl Strategy<Value = String> {
    let v: Vec<char> = s.chars().collect();
    proptest::sample::select(v).prop_map(String::from)
}

/// One piece of printable text: markup, ASCII, CJK, punctuation, rare CJK,
/// a space or a newline.
pub fn printable_piece() -> impl Strategy<Value = String> {
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
pub fn printable_text() -> impl Strategy<Value = String> {
    proptest::collection::vec(printable_piece(), 1..16).prop_map(|v| v.concat())
}

/// Any string at all, biased towards what is hard to escape.
pub fn any_text() -> impl Strategy<Value = String> {
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
