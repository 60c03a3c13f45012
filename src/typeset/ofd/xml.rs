//! Small helpers for writing OFD XML by hand: escaping text and attribute
//! values, and lengths in millimetres with a fixed number of decimals.

use typst::layout::Abs;

/// The OFD namespace every part is written in.
pub(super) const NS: &str = "http://www.ofdspec.org/2016";

/// The XML declaration that starts every part.
pub(super) const DECLARATION: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";

/// Text or an attribute value with `& < > " '` escaped, tab and line breaks
/// as character references (an attribute would turn them into spaces), and
/// characters XML 1.0 cannot hold at all (most control characters) as
/// U+FFFD: one character for one, so `CodeCount`, `DeltaX` and glyphs stay
/// aligned with the text.
pub(super) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' => out.push_str("&#9;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            c if (c as u32) < 0x20 || matches!(c, '\u{FFFE}' | '\u{FFFF}') => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// A length in millimetres, as OFD writes every length.
pub(super) fn mm(length: Abs) -> String {
    number(length.to_mm())
}

/// A number with at most three decimals (a micrometre), without trailing
/// zeros and never `-0`, so equal values always print the same.
pub(super) fn number(value: f64) -> String {
    let rounded = (value * 1000.0).round() / 1000.0;
    if rounded == 0.0 || !rounded.is_finite() {
        return "0".to_string();
    }
    let text = format!("{rounded:.3}");
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_short_and_stable() {
        assert_eq!(number(210.0), "210");
        assert_eq!(number(0.35277), "0.353");
        assert_eq!(number(-0.0001), "0");
        assert_eq!(number(-1.5), "-1.5");
        assert_eq!(mm(Abs::pt(72.0)), "25.4");
    }

    #[test]
    fn markup_and_control_characters_are_escaped() {
        assert_eq!(
            escape("a<b>&\"c'\u{1b}"),
            "a&lt;b&gt;&amp;&quot;c&apos;\u{FFFD}"
        );
        assert_eq!(escape("甲\u{1}乙\u{FFFF}丙").chars().count(), 5);
        assert_eq!(escape("a\tb\nc"), "a&#9;b&#10;c");
    }
}
