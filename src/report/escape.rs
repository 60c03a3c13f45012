//! Showing data text safely where it lands on a terminal or in a line-based
//! report: control characters, bidi controls and line separators as `\u{…}`.
//!
//! One function for every output that quotes the user's text (diagnostics,
//! `textconv`, `diff`, JSON), so that a value can neither send escape sequences to
//! a terminal, reorder what is shown around it, nor forge an extra line.

use std::borrow::Cow;

/// Whether a character must be shown escaped: control characters (C0, DEL,
/// C1; NEL among them), the Unicode bidi controls (they reorder the text
/// around them) and the line and paragraph separators U+2028/U+2029.
pub fn needs_escape(c: char) -> bool {
    c.is_control() || is_bidi_control(c) || matches!(c, '\u{2028}' | '\u{2029}')
}

/// The Unicode `Bidi_Control` characters: ALM, LRM/RLM, the embeddings and
/// overrides U+202A–U+202E, the isolates U+2066–U+2069.
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// The text with every character of [`needs_escape`] but `\n` written as
/// Rust writes it (`\u{1b}`); newlines are kept for callers that show
/// several lines. A backslash is not doubled: data text stays readable.
pub fn controls(text: &str) -> Cow<'_, str> {
    escape_where(text, |c| c != '\n' && needs_escape(c))
}

/// Like [`controls`], and a line break (`\n` or `\r\n`) shown as `↵`, so the
/// text stays on one line whatever it holds.
pub fn one_line(text: &str) -> Cow<'_, str> {
    if !text.contains('\n') {
        return controls(text);
    }
    let joined = text.replace("\r\n", "↵").replace('\n', "↵");
    Cow::Owned(controls(&joined).into_owned())
}

/// JSON text with DEL, C1 (U+009B is a terminal's CSI), the bidi controls
/// and U+2028/U+2029 written as `\uXXXX`: serde_json escapes only C0. They
/// occur only inside strings, so the JSON means exactly the same.
pub fn json(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        if c > '\u{1f}' && needs_escape(c) {
            out.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

/// A source line as diagnostics quote it: each byte of a character of
/// [`needs_escape`] (but `\n`, `\t` and the CR of `\r\n`) becomes `?`, so
/// byte offsets stay those of the real text and the raw character never
/// reaches the terminal (a bidi override would reorder the line shown under
/// its own error).
pub(crate) fn placeholders(text: &str) -> Cow<'_, str> {
    let hide = |i: usize, c: char| {
        c != '\n' && c != '\t' && needs_escape(c) && !text[i..].starts_with("\r\n")
    };
    if !text.char_indices().any(|(i, c)| hide(i, c)) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    for (i, c) in text.char_indices() {
        if hide(i, c) {
            out.extend(std::iter::repeat_n('?', c.len_utf8()));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

fn escape_where(text: &str, escape: impl Fn(char) -> bool) -> Cow<'_, str> {
    if !text.chars().any(&escape) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if escape(c) {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terminal_controls_are_escaped_rust_style() {
        assert_eq!(
            controls("a\u{1b}[31mb\rc\u{7f}"),
            "a\\u{1b}[31mb\\u{d}c\\u{7f}"
        );
        assert_eq!(
            controls("\u{93}引号\u{94}\u{85}"),
            "\\u{93}引号\\u{94}\\u{85}"
        );
        assert_eq!(controls("制表\t符"), "制表\\u{9}符");
    }

    #[test]
    fn bidi_controls_and_separators_are_escaped() {
        assert_eq!(controls("62.\u{202E}711"), "62.\\u{202e}711");
        assert_eq!(
            controls("\u{2066}a\u{2069}\u{200F}\u{061C}"),
            "\\u{2066}a\\u{2069}\\u{200f}\\u{61c}"
        );
        assert_eq!(controls("甲\u{2028}乙\u{2029}"), "甲\\u{2028}乙\\u{2029}");
    }

    #[test]
    fn newline_kept_or_shown_as_arrow() {
        assert_eq!(controls("第一段\n第二段"), "第一段\n第二段");
        assert_eq!(one_line("第一段\r\n第二段\n"), "第一段↵第二段↵");
        assert_eq!(one_line("CS01\n预算数: 10"), "CS01↵预算数: 10");
        assert_eq!(one_line("a\u{1b}\nb"), "a\\u{1b}↵b");
    }

    #[test]
    fn json_keeps_its_values() {
        let value = "a\u{1b}\u{7f}\u{9b}2J\u{202E}b\u{2028}\n";
        let text = json(&serde_json::to_string_pretty(&[value]).unwrap());
        assert_eq!(
            text,
            "[\n  \"a\\u001b\\u007f\\u009b2J\\u202eb\\u2028\\n\"\n]"
        );
        let back: Vec<String> = serde_json::from_str(&text).unwrap();
        assert_eq!(back, [value]);
    }

    #[test]
    fn source_lines_hide_controls_byte_for_byte() {
        let text = "a = \"x\u{202E}y\u{93}\u{1b}\"\r\nb = \"\t\"\n";
        let shown = placeholders(text);
        assert_eq!(shown, "a = \"x???y???\"\r\nb = \"\t\"\n");
        assert_eq!(shown.len(), text.len());
        assert!(matches!(placeholders("a\r\nb\tc"), Cow::Borrowed(_)));
    }

    #[test]
    fn ordinary_text_is_borrowed_unchanged() {
        let text = "≥800平方米 \\ “引号” \u{200B}\u{FEFF}\u{AD}　全角空格";
        assert!(matches!(controls(text), Cow::Borrowed(t) if t == text));
        assert!(matches!(one_line(text), Cow::Borrowed(t) if t == text));
    }
}
