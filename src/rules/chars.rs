//! Characters that print something other than what the data says: bidi
//! controls and line breaks other than `\n` (J607), control characters that
//! no font draws (J701).
//!
//! Every character of the data either prints with a glyph (fonts are checked
//! by [`super::glyphs`]), is dropped by Typst on purpose (zero-width space,
//! soft hyphen, BOM: `fonts::uncovered`), is the intended line break `\n`
//! (or `\r\n`), or is reported here with its place and code point.

use super::{Finding, J607, J701};
use crate::input::locate::{self, Place};
use crate::input::model::Document;
use crate::report::diag::{SourceMap, Span};
use crate::report::escape::is_bidi_control;

/// What a character does instead of printing a glyph.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Special {
    /// Reorders the text around it: `62.711` shows as `117.26` (J607).
    Bidi,
    /// Starts a new line inside a paragraph or cell (J607).
    Break,
    /// A control character: a box or nothing in the PDF (J701).
    Control,
}

/// How `c` misprints, or `None` when it prints (or is dropped) as meant.
/// `\n` is the intended line break; a CR before it is checked by the caller.
pub(crate) fn special(c: char) -> Option<Special> {
    if is_bidi_control(c) {
        Some(Special::Bidi)
    } else if c != '\n' && typst::syntax::is_newline(c) {
        // Typst breaks the line at VT, FF, CR, NEL, U+2028 and U+2029.
        Some(Special::Break)
    } else if c.is_control() && !matches!(c, '\t' | '\n') {
        Some(Special::Control)
    } else {
        None
    }
}

/// Runs J607 and the control-character part of J701 on every data string.
pub fn check(doc: &Document, out: &mut Vec<Finding>) {
    for (place, text) in doc.texts() {
        for (c, count) in specials(text) {
            out.push(finding(&place, c, count));
        }
    }
}

/// The special characters of a text, each once, in order, with its count.
fn specials(text: &str) -> Vec<(char, usize)> {
    let mut found: Vec<(char, usize)> = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\r' && chars.peek() == Some(&'\n') {
            continue; // a Windows line ending is the intended `\n`
        }
        if special(c).is_some() {
            match found.iter_mut().find(|(f, _)| *f == c) {
                Some((_, n)) => *n += 1,
                None => found.push((c, 1)),
            }
        }
    }
    found
}

fn finding(place: &Place, c: char, count: usize) -> Finding {
    let code = format!("U+{:04X}", c as u32);
    let kind = special(c).expect("only special characters are reported");
    let mut f = match kind {
        Special::Bidi => Finding::new(
            &J607,
            place.clone(),
            format!(
                "有看不见的双向文字控制符 {code}（{}），它会改变文字的显示顺序，PDF 上显示的可能与数据不同（如“62.711”显示为“117.26”）",
                bidi_name(c)
            ),
        )
        .hint("请删除该字符：中文和数字不需要方向控制符（它多由复制粘贴带入，编辑器里通常看不见）"),
        Special::Break => Finding::new(
            &J607,
            place.clone(),
            format!("有换行控制符 {code}（{}），它会在文字中间另起一行", break_name(c)),
        )
        .hint("要分段或在单元格中换行，请直接换行（即 \\n）；不需要换行就删除它"),
        Special::Control => Finding::new(
            &J701,
            place.clone(),
            format!("有控制字符 {code}，它没有字形，PDF 中会印成方框或空白"),
        )
        .hint("请删除它（多由复制粘贴或转换编码带入）"),
    };
    if let Some(meant) = cp1252(c) {
        f = f.hint(format!(
            "{code} 多半是“{meant}”按 Windows-1252 编码被误读（常见于从旧系统导出的文本），如是请改为“{meant}”"
        ));
    }
    if count > 1 {
        f = f.hint(format!("此字符在该处共有 {count} 个"));
    }
    f.at(c.to_string())
}

fn bidi_name(c: char) -> &'static str {
    match c {
        '\u{061C}' => "阿拉伯字母标记",
        '\u{200E}' => "从左至右标记",
        '\u{200F}' => "从右至左标记",
        '\u{202A}' => "从左至右嵌入",
        '\u{202B}' => "从右至左嵌入",
        '\u{202C}' => "结束嵌入或强制",
        '\u{202D}' => "从左至右强制",
        '\u{202E}' => "从右至左强制",
        '\u{2066}' => "从左至右隔离",
        '\u{2067}' => "从右至左隔离",
        '\u{2068}' => "按首字定向隔离",
        _ => "结束隔离",
    }
}

fn break_name(c: char) -> &'static str {
    match c {
        '\u{0B}' => "垂直制表符",
        '\u{0C}' => "换页符",
        '\r' => "单独的回车符",
        '\u{85}' => "下一行符",
        '\u{2028}' => "行分隔符",
        _ => "段分隔符",
    }
}

/// The character Windows-1252 puts at a C1 code point, when it has one:
/// text decoded as Latin-1 that was really cp1252 ("mojibake") lands there.
fn cp1252(c: char) -> Option<char> {
    const HIGH: &str = "€\0‚ƒ„…†‡ˆ‰Š‹Œ\0Ž\0\0‘’“”•–—˜™š›œ\0žŸ";
    let i = (c as u32).checked_sub(0x80).filter(|i| *i < 0x20)?;
    HIGH.chars().nth(i as usize).filter(|m| *m != '\0')
}

/// Narrows a value's span to `needle`; a single character the file spells
/// as a TOML escape (`\u202E`, `\u001b`, `\r`, `\e`, `\x1B`) is found too.
pub fn narrow(sources: &SourceMap, span: &Span, needle: &str, skip: usize) -> Span {
    let first = locate::narrow(sources, span, needle, skip);
    let mut chars = needle.chars();
    let (Some(c), None) = (chars.next(), chars.next()) else {
        return first;
    };
    if first != *span {
        return first;
    }
    spellings(c)
        .iter()
        .map(|s| locate::narrow(sources, span, s, skip))
        .find(|s| s != span)
        .unwrap_or(first)
}

/// The TOML escapes that spell `c` (TOML 1.0 and 1.1), both hex cases.
fn spellings(c: char) -> Vec<String> {
    let n = c as u32;
    let mut out = vec![
        format!("\\u{n:04X}"),
        format!("\\u{n:04x}"),
        format!("\\U{n:08X}"),
        format!("\\U{n:08x}"),
    ];
    if n < 0x100 {
        out.extend([format!("\\x{n:02X}"), format!("\\x{n:02x}")]);
    }
    let short = match c {
        '\u{08}' => "\\b",
        '\t' => "\\t",
        '\u{0C}' => "\\f",
        '\r' => "\\r",
        '\u{1B}' => "\\e",
        _ => "",
    };
    if !short.is_empty() {
        out.push(short.to_string());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::locate::Seg::Key;

    fn codes(text: &str) -> Vec<(&'static str, String)> {
        let place = Place::doc(&[Key("overall")]);
        specials(text)
            .into_iter()
            .map(|(c, n)| {
                let f = finding(&place, c, n);
                (f.rule.code, format!("U+{:04X}", c as u32))
            })
            .collect()
    }

    #[test]
    fn bidi_controls_and_stray_breaks_are_j607() {
        let text = "62.\u{202E}711\u{2066}\u{200E}\u{200F}\u{061C}甲\u{0B}乙\u{0C}\u{85}\u{2028}\u{2029}丙\r丁";
        let found = codes(text);
        assert!(found.iter().all(|(code, _)| *code == "J607"), "{found:?}");
        let points: Vec<_> = found.iter().map(|(_, p)| p.as_str()).collect();
        assert_eq!(
            points,
            [
                "U+202E", "U+2066", "U+200E", "U+200F", "U+061C", "U+000B", "U+000C", "U+0085",
                "U+2028", "U+2029", "U+000D"
            ]
        );
    }

    #[test]
    fn control_characters_are_j701_with_the_meant_character() {
        let found = codes("\u{1B}\u{7F}\u{80}\u{93}\u{9F}\u{07}");
        assert!(found.iter().all(|(code, _)| *code == "J701"), "{found:?}");
        assert_eq!(found.len(), 6);
        let place = Place::doc(&[Key("overall")]);
        let hints = finding(&place, '\u{93}', 2).hints.join(" ");
        assert!(
            hints.contains("改为““”") && hints.contains("共有 2 个"),
            "{hints}"
        );
        assert_eq!(cp1252('\u{85}'), Some('…'));
        assert_eq!(cp1252('\u{81}'), None);
        assert_eq!(cp1252('a'), None);
    }

    #[test]
    fn intended_line_breaks_and_invisibles_pass() {
        assert!(
            specials("第一段\n第二段\r\n第三段\t制表 \u{200B}\u{FEFF}\u{AD}\u{3000}").is_empty()
        );
    }

    #[test]
    fn escaped_characters_are_located_in_the_file() {
        let map = SourceMap::default();
        let text = "overall = \"甲\\u202e乙\\r丙\"\nname = \"x\u{2066}y\"\n";
        let file = map.add(std::path::Path::new("/t.toml"), text);
        let span = |r: std::ops::Range<usize>| Span { file, range: r };
        let value = span(10..text.find('\n').unwrap());
        let at = |needle: char| narrow(&map, &value, &needle.to_string(), 0).range;
        assert_eq!(&text[at('\u{202E}')], "\\u202e");
        assert_eq!(&text[at('\r')], "\\r");
        assert_eq!(
            at('\u{2066}'),
            value.range,
            "not in this value: whole value"
        );
        let second = span(text.find("\"x").unwrap()..text.len() - 1);
        let r = narrow(&map, &second, "\u{2066}", 0).range;
        assert_eq!(&text[r], "\u{2066}");
    }
}
