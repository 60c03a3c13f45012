//! A table cell's lines cut where the template boxes them: each number
//! with its unit, and the last two characters of a line. The template did
//! this cutting itself, with a regex and a grapheme split per line, which
//! took about a tenth of the reference's compile; it still decides by
//! measuring whether a number with its unit fits the cell, so the print is
//! the same.

use std::sync::LazyLock;

use regex::Regex;
use unicode_segmentation::UnicodeSegmentation;

/// `run-char` of templates/jixiao.typ: a character the line breaker does
/// not break around (letters, digits and their punctuation).
const RUN_CHAR: &str =
    r"[^\s\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}\u{3000}-\u{303F}\u{FF00}-\u{FFEF}]";

/// `units` of templates/jixiao.typ: the units kept with their number.
const UNITS: &str = "(?:平方公里|万平方米|平方米|立方米|万元|亿元|千元|元|公里|千米|米|小时|分钟|个工作日|工作日|人次|万人|人|个|次|年|月|日|天|件|家|项|台|套|户|所|份|场|批|座|辆|册|篇|期|名|吨|公斤|千克|亩|周|条|处|张|部|本|间|类|万|亿)";

/// `unit-run`: a number with its unit ("≥800平方米", "3万元/年").
static UNIT_RUN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!("{RUN_CHAR}*[0-9]{RUN_CHAR}*{UNITS}(?:/{UNITS})?"))
        .expect("the pattern is valid")
});

/// `is-run`: a cluster that is one run character.
static IS_RUN: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(&format!("^{RUN_CHAR}$")).expect("the pattern is valid"));

/// One line of a cell, cut for the template's `cut-line`.
#[derive(Debug, Clone, PartialEq)]
pub struct CutLine {
    /// Text and numbers with their units, alternately (odd places: a
    /// number with its unit, boxed where it fits the cell).
    pub pieces: Vec<String>,
    /// The line's last two characters, boxed together so that the line
    /// never ends in one character alone; none for a line of fewer than
    /// three, one ending in a letter or digit, or one whose last number
    /// with its unit reaches into them.
    pub tail: Option<String>,
}

/// The lines of a cell text (split at "\n"), each cut as the template's
/// `no-lone` would cut it.
pub fn cut(text: &str) -> Vec<CutLine> {
    text.split('\n').map(cut_line).collect()
}

/// One line: `no-lone` of templates/jixiao.typ.
fn cut_line(line: &str) -> CutLine {
    let whole = || CutLine {
        pieces: pieces(line),
        tail: None,
    };
    let clusters: Vec<&str> = line.graphemes(true).collect();
    if clusters.len() < 3
        || clusters[clusters.len() - 2..]
            .iter()
            .any(|c| IS_RUN.is_match(c))
    {
        return whole();
    }
    let head_len: usize = clusters[..clusters.len() - 2].iter().map(|c| c.len()).sum();
    if UNIT_RUN.find_iter(line).any(|m| m.end() > head_len) {
        return whole();
    }
    CutLine {
        pieces: pieces(&line[..head_len]),
        tail: Some(line[head_len..].to_string()),
    }
}

/// `line` as text and numbers with their units, alternately.
fn pieces(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut at = 0;
    for m in UNIT_RUN.find_iter(line) {
        out.push(line[at..m.start()].to_string());
        out.push(m.as_str().to_string());
        at = m.end();
    }
    out.push(line[at..].to_string());
    out
}

/// `lines` as a Typst array literal for the templates: `((pieces, tail), …)`,
/// each string escaped as the templates escape data.
pub fn literal(lines: &[CutLine]) -> String {
    let mut out = Vec::new();
    let string = |s: &str, out: &mut Vec<u8>| {
        super::escape_typst_string(s, out).expect("writing to memory");
    };
    out.push(b'(');
    for l in lines {
        out.extend_from_slice(b"((");
        for p in &l.pieces {
            string(p, &mut out);
            out.extend_from_slice(b", ");
        }
        out.extend_from_slice(b"), ");
        match &l.tail {
            Some(t) => string(t, &mut out),
            None => out.extend_from_slice(b"none"),
        }
        out.extend_from_slice(b"), ");
    }
    out.push(b')');
    String::from_utf8(out).expect("escaped UTF-8 stays UTF-8")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(pieces: &[&str], tail: Option<&str>) -> CutLine {
        CutLine {
            pieces: pieces.iter().map(|p| p.to_string()).collect(),
            tail: tail.map(str::to_string),
        }
    }

    #[test]
    fn lines_are_cut_as_the_template_cut_them() {
        assert_eq!(cut("满意度指标"), [line(&["满意度"], Some("指标"))]);
        // A number with its unit at the end: no tail, the number is a piece.
        assert_eq!(
            cut("面积≥800平方米"),
            [line(&["面积", "≥800平方米", ""], None)]
        );
        // A unit inside the head stays a piece; the tail follows it.
        assert_eq!(
            cut("租用800平方米场所"),
            [line(&["租用", "800平方米", ""], Some("场所"))]
        );
        // Letters or digits at the end, or fewer than three characters.
        assert_eq!(cut("完成APP"), [line(&["完成APP"], None)]);
        assert_eq!(cut("指标"), [line(&["指标"], None)]);
        assert_eq!(cut(""), [line(&[""], None)]);
        // Lines are cut one by one; a rate keeps both units.
        assert_eq!(
            cut("预算\n3万元/年"),
            [line(&["预算"], None), line(&["", "3万元/年", ""], None)]
        );
        // Clusters, not characters: a combining mark stays with its letter.
        assert_eq!(cut("检查e\u{301}项"), [line(&["检查"], Some("e\u{301}项"))]);
    }

    #[test]
    fn the_literal_is_an_array_of_escaped_strings() {
        assert_eq!(
            literal(&cut("满意度\"指标\n#x")),
            r##"((("满意度\"", ), "指标"), (("#x", ), none), )"##
        );
    }

    /// The patterns are the template's own: a change on one side only
    /// would cut lines the template no longer expects.
    #[test]
    fn the_patterns_are_the_templates() {
        let template = include_str!("../../../templates/jixiao.typ");
        let string = |name: &str| -> String {
            let start = format!("#let {name} = \"");
            let line = template
                .lines()
                .find_map(|l| l.strip_prefix(start.as_str()))
                .unwrap_or_else(|| panic!("templates/jixiao.typ defines {name}"));
            line.strip_suffix('"').unwrap().replace("\\\\", "\\")
        };
        assert_eq!(string("run-char"), RUN_CHAR);
        assert_eq!(string("units"), UNITS);
        assert!(template.contains(
            "regex(run-char + \"*[0-9]\" + run-char + \"*\" + units + \"(?:/\" + units + \")?\")"
        ));
        assert!(template.contains("regex(\"^\" + run-char + \"$\")"));
    }
}
