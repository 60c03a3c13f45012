//! Numbers of a sheet as exact decimals, as the sheet displays them:
//! 117.26000000000001 shown with "0.00" is 117.26, 0.25 shown with "0%"
//! is 25, the text "25%" is 25.

use rust_decimal::Decimal;

use super::grid::Cell;

/// The significant digits Excel displays of a number in General format.
const GENERAL_DIGITS: usize = 15;

/// How a number format shows a number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Shown {
    /// With this many decimals.
    Fixed(u32),
    /// ×100 with this many decimals and a % sign.
    Percent(u32),
    /// As General: up to 15 significant digits.
    General,
}

/// How format `code` shows a number: the decimals of its first section
/// (outside quotes and brackets), percent when it holds a `%`.
pub(crate) fn shown(code: &str) -> Shown {
    let plain = plain(code);
    if !plain.contains(['0', '#', '?']) {
        return Shown::General;
    }
    let decimals = plain.split_once('.').map_or(0, |(_, d)| {
        d.chars()
            .take_while(|c| matches!(c, '0' | '#' | '?'))
            .count()
    }) as u32;
    if plain.contains('%') {
        Shown::Percent(decimals)
    } else {
        Shown::Fixed(decimals)
    }
}

/// The first section of format `code` without its quoted text, bracketed
/// parts and escaped characters.
fn plain(code: &str) -> String {
    let section = code.split(';').next().unwrap_or("");
    let mut plain = String::new();
    let mut quoted = false;
    let mut bracket = false;
    let mut escaped = false;
    for c in section.chars() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '"' => quoted = !quoted,
            '[' if !quoted => bracket = true,
            ']' if !quoted => bracket = false,
            _ if quoted || bracket => {}
            c => plain.push(c),
        }
    }
    plain
}

/// A number cell as the sheet displays it, for a text field (指标值):
/// 0.95 with "0%" is "95%", 1234.5 with "#,##0.00" is "1,234.50", General
/// (or no format) the shortest form of 15 significant digits.
pub(crate) fn display(v: f64, format: Option<&str>) -> String {
    let Some((value, _)) = number(v, format) else {
        // Beyond an exact decimal (1e308): as Excel shows it, 1E308.
        return format!("{v:E}");
    };
    let code = format.map(plain).unwrap_or_default();
    let text = match code.contains(['0', '#', '?']) && code.contains(',') {
        true => group(&value.to_string()),
        false => value.to_string(),
    };
    match format.map(shown) {
        Some(Shown::Percent(_)) => format!("{text}%"),
        _ => text,
    }
}

/// "-1234567.5" as "-1,234,567.5".
fn group(number: &str) -> String {
    let (sign, rest) = number.strip_prefix('-').map_or(("", number), |r| ("-", r));
    let (int, frac) = rest
        .split_once('.')
        .map_or((rest, None), |(i, f)| (i, Some(f)));
    let mut out = String::from(sign);
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if let Some(f) = frac {
        out.push('.');
        out.push_str(f);
    }
    out
}

/// `shown` (a General reading) rounded to `decimals` places as Excel
/// rounds (half away from zero), keeping that scale (6.2 → 6.20).
fn fixed(shown: Decimal, decimals: u32) -> Decimal {
    let d = decimals.min(20);
    let mut x =
        shown.round_dp_with_strategy(d, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
    x.rescale(d);
    x
}

/// `v` as Excel's General format shows it: 15 significant digits, trailing
/// zeros dropped.
pub(crate) fn general(v: f64) -> Option<Decimal> {
    if !v.is_finite() {
        return None;
    }
    let text = format!("{v:.*e}", GENERAL_DIGITS - 1);
    Decimal::from_scientific(&text).ok().map(|d| d.normalize())
}

/// The amount a number cell shows; `percent` says whether the field is a
/// percentage (its shown value without the % sign is wanted).
/// The bool is whether a format said how to show it.
pub(crate) fn number(v: f64, format: Option<&str>) -> Option<(Decimal, bool)> {
    if !v.is_finite() {
        return None;
    }
    match format.map(shown) {
        Some(Shown::Fixed(d)) => Some((fixed(general(v)?, d), true)),
        Some(Shown::Percent(d)) => Some((
            fixed(general(v)?.checked_mul(Decimal::ONE_HUNDRED)?, d),
            true,
        )),
        Some(Shown::General) | None => general(v).map(|x| (x, false)),
    }
}

/// The amount a number cell stores, without its float noise (General's
/// 15 digits), ×100 when its format shows a percentage.
fn stored(v: f64, format: Option<&str>) -> Option<Decimal> {
    let exact = general(v)?;
    match format.map(shown) {
        Some(Shown::Percent(_)) => exact.checked_mul(Decimal::ONE_HUNDRED),
        _ => Some(exact),
    }
}

/// The amount a text cell holds: "117.26", "1,234.5", "25%", "25％";
/// `None` when it is not a number.
pub(crate) fn text(t: &str) -> Option<Decimal> {
    // What a Chinese input method types: １４．２８, ￥14.28.
    let t: String = t.trim().chars().map(half_width).collect();
    let t = t.trim_start_matches(['¥', '￥']).trim();
    let t = t.strip_suffix(['%', '％']).map_or(t, str::trim_end);
    let plain: String = t.chars().filter(|&c| c != ',' && c != '，').collect();
    if plain.is_empty() || plain.contains(['e', 'E', '_']) {
        return None;
    }
    Decimal::from_str_exact(&plain).ok()
}

/// A full-width digit, point, comma, minus or percent sign as its ASCII
/// form; any other character as it is.
fn half_width(c: char) -> char {
    match c {
        '０'..='９' | '．' | '，' | '－' | '％' => {
            char::from_u32(c as u32 - 0xFEE0).unwrap_or(c)
        }
        other => other,
    }
}

/// The digits of a text that is a plain number ("1,234.5" has 5), 0 for
/// any other text.
fn digits(t: &str) -> usize {
    let t = t.trim();
    let t = t.strip_suffix(['%', '％']).unwrap_or(t);
    let t = t.strip_prefix('-').unwrap_or(t);
    match t
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, ',' | '，' | '.'))
    {
        true => t.chars().filter(char::is_ascii_digit).count(),
        false => 0,
    }
}

/// What an amount cell holds.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Read {
    /// A decimal; `formatted` when a number format or the text fixed how
    /// it is shown (not subject to the fraction heuristic).
    Amount { value: Decimal, formatted: bool },
    /// A number whose format hides some of its digits (14.28 shown as
    /// 14): the value stored, and what the sheet shows.
    Hidden { value: Decimal, shown: Decimal },
    /// Not a number: the text shown.
    NotNumber(String),
    /// A number with more digits than an amount holds (28): its start.
    TooLarge(String),
}

/// The most digits an amount holds.
const MAX_DIGITS: usize = 28;

/// Reads an amount cell.
pub(crate) fn cell(c: &Cell) -> Read {
    match c {
        Cell::Number(v, f) => match number(*v, f.as_deref()) {
            Some((shown, true)) => match stored(*v, f.as_deref()) {
                // Equal as numbers: only float noise or zeros were cut.
                Some(value) if value != shown => Read::Hidden { value, shown },
                _ => Read::Amount {
                    value: shown,
                    formatted: true,
                },
            },
            Some((value, formatted)) => Read::Amount { value, formatted },
            None if v.is_finite() => Read::TooLarge(format!("{v:E}")),
            None => Read::NotNumber(v.to_string()),
        },
        Cell::Text(t) => match text(t) {
            Some(value) => Read::Amount {
                value,
                formatted: true,
            },
            None if digits(t) > MAX_DIGITS => {
                Read::TooLarge(t.trim().chars().take(30).chain(['…']).collect())
            }
            None => Read::NotNumber(t.clone()),
        },
        Cell::Bool(b) => Read::NotNumber(b.to_string()),
        Cell::Error(e) => Read::NotNumber(e.clone()),
        Cell::Date(d) => Read::NotNumber(d.to_string()),
        Cell::DateIso(s) | Cell::NoResult(s) => Read::NotNumber(s.clone()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(v: f64, f: &str) -> String {
        number(v, Some(f)).unwrap().0.to_string()
    }

    /// 117.26 with float noise: the next double, 117.26000000000002.
    fn noisy() -> f64 {
        f64::from_bits(117.26f64.to_bits() + 1)
    }

    #[test]
    fn numbers_become_what_the_sheet_shows() {
        assert_ne!(noisy().to_string(), "117.26");
        assert_eq!(n(noisy(), "0.00"), "117.26");
        assert_eq!(n(6.2, "0.00"), "6.20");
        assert_eq!(n(6.2, "#,##0.00_ "), "6.20");
        assert_eq!(n(noisy(), "General"), "117.26");
        assert_eq!(n(0.1 + 0.2, "General"), "0.3");
        assert_eq!(n(78.0, "General"), "78");
        assert_eq!(n(0.25, "0%"), "25");
        assert_eq!(n(0.255, "0.0%"), "25.5");
        assert_eq!(n(1.0, "0%"), "100");
        assert_eq!(n(12.5, "0"), "13");
        assert_eq!(n(3.0, "[Red]0.0;\"负\"0.0"), "3.0");
        assert_eq!(
            number(0.25, None).unwrap(),
            ("0.25".parse().unwrap(), false)
        );
        assert!(number(f64::NAN, Some("0.00")).is_none());
    }

    #[test]
    fn an_amount_whose_format_hides_digits_keeps_them() {
        let read = |v: f64, f: &str| cell(&Cell::Number(v, Some(f.into())));
        let d = |t: &str| t.parse::<Decimal>().unwrap();
        assert_eq!(
            read(14.28, "0"),
            Read::Hidden {
                value: d("14.28"),
                shown: d("14")
            }
        );
        assert_eq!(
            read(0.2534, "0%"),
            Read::Hidden {
                value: d("25.34"),
                shown: d("25")
            }
        );
        // Float noise and zeros only: the shown value, with its scale.
        let amount = |t: &str| Read::Amount {
            value: d(t),
            formatted: true,
        };
        assert_eq!(read(noisy(), "0.00"), amount("117.26"));
        assert_eq!(read(14.0, "0.00"), amount("14.00"));
        assert_eq!(read(0.25, "0%"), amount("25"));
    }

    #[test]
    fn formats_are_read_outside_quotes() {
        assert_eq!(shown("General"), Shown::General);
        assert_eq!(shown("@"), Shown::General);
        assert_eq!(shown("0.00\"%\""), Shown::Fixed(2));
        assert_eq!(shown("0.0%"), Shown::Percent(1));
    }

    #[test]
    fn texts_are_numbers_when_they_read_as_one() {
        assert_eq!(text("117.26").unwrap().to_string(), "117.26");
        assert_eq!(text(" 25% ").unwrap().to_string(), "25");
        assert_eq!(text("25％").unwrap().to_string(), "25");
        assert_eq!(text("1,234.50").unwrap().to_string(), "1234.50");
        assert_eq!(text("１４．２８").unwrap().to_string(), "14.28");
        assert_eq!(text("￥14.28").unwrap().to_string(), "14.28");
        assert_eq!(text("¥ 1，234．5").unwrap().to_string(), "1234.5");
        assert!(text("abc").is_none());
        assert!(text("1e5").is_none());
        assert!(text("").is_none());
    }

    #[test]
    fn text_fields_show_numbers_as_the_sheet_displays_them() {
        assert_eq!(display(0.95, Some("0%")), "95%");
        assert_eq!(display(0.955, Some("0.0%")), "95.5%");
        assert_eq!(display(1234.5, Some("#,##0.00")), "1,234.50");
        assert_eq!(display(-1_234_567.0, Some("#,##0")), "-1,234,567");
        assert_eq!(display(123.0, Some("#,##0")), "123");
        assert_eq!(display(6.2, Some("0.00")), "6.20");
        assert_eq!(display(0.1 + 0.2, Some("General")), "0.3");
        assert_eq!(display(noisy(), None), "117.26");
        assert_eq!(display(1e308, None), "1E308");
    }

    #[test]
    fn numbers_too_large_for_an_amount_are_told_without_all_their_digits() {
        assert_eq!(
            cell(&Cell::Number(1e308, None)),
            Read::TooLarge("1E308".into())
        );
        let long = "1".repeat(300);
        let Read::TooLarge(shown) = cell(&Cell::Text(long)) else {
            panic!("not too large")
        };
        assert_eq!(shown.chars().count(), 31);
        assert_eq!(cell(&Cell::Text("1x".into())), Read::NotNumber("1x".into()));
    }
}
