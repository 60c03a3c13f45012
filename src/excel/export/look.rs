//! How an exported sheet looks: the cell formats, the A4 page set-up and
//! the row heights a wrapped text needs (Excel sizes neither merged nor
//! written rows by itself).

use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Worksheet};
use unicode_width::UnicodeWidthStr;

use crate::input::form::Kind;
use crate::input::model::Amount;

/// The font of every cell: the 宋体 of published tables (WPS and Excel
/// on Chinese systems have it; others substitute their own 宋体).
const FONT: &str = "宋体";
/// The cell font size in points (五号).
pub(super) const FONT_SIZE: f64 = 10.5;
/// The title's font size in points (四号).
const TITLE_SIZE: f64 = 14.0;
/// Points per line of wrapped text at [`FONT_SIZE`].
const LINE: f64 = 14.0;
/// Points added above and below a cell's text.
const PAD: f64 = 6.0;
/// The tallest row Excel allows, in points.
pub(super) const MAX_ROW: f64 = 409.0;
/// GB/T 9704 margins in inches: left 28 mm, right 26 mm, top 37 mm,
/// bottom 35 mm; the page number 7 mm below the text block.
const MARGINS: (f64, f64, f64, f64, f64, f64) = (1.10, 1.02, 1.46, 1.38, 0.5, 1.0);
/// A4 in Excel's paper numbering.
const A4: u8 = 9;

/// The font every format starts from.
fn base() -> Format {
    Format::new()
        .set_font_name(FONT)
        .set_font_size(FONT_SIZE)
        .set_font_charset(134)
        .set_align(FormatAlign::VerticalCenter)
        .set_text_wrap()
}

/// The table's title: bold, 四号, centred, no border.
pub(super) fn title() -> Format {
    base()
        .set_font_size(TITLE_SIZE)
        .set_bold()
        .set_align(FormatAlign::Center)
}

/// A line outside the table (unit line, 单位：万元, lines under it).
pub(super) fn plain(right: bool) -> Format {
    let align = if right {
        FormatAlign::Right
    } else {
        FormatAlign::Left
    };
    base().set_align(align)
}

/// A table cell: thin borders, wrapped, left or centred.
pub(super) fn cell(left: bool) -> Format {
    let align = if left {
        FormatAlign::Left
    } else {
        FormatAlign::Center
    };
    base().set_border(FormatBorder::Thin).set_align(align)
}

/// A bold table cell (the 文本 sheet's labels and column headers).
pub(super) fn bold(left: bool) -> Format {
    cell(left).set_bold()
}

/// A table cell holding a number in `num_format`.
pub(super) fn number(left: bool, num_format: &str) -> Format {
    cell(left).set_num_format(num_format)
}

/// The number an amount cell holds and the format that shows it exactly
/// as written ("6.20" → 6.2 in `0.00`, 25 % → 0.25 in `0%`); `None` when
/// a spreadsheet number cannot show it exactly (more than 15 digits), so
/// it is written as text.
pub(super) fn amount(a: Amount, kind: Kind, suffix: &str) -> Option<(f64, String)> {
    let text = a.0.to_string();
    let scale = a.0.scale() as usize;
    let digits = text.chars().filter(char::is_ascii_digit).count();
    let value: f64 = text.parse().ok()?;
    if digits > 15 || format!("{value:.scale$}") != text {
        return None;
    }
    let decimals = if scale == 0 {
        "0".to_string()
    } else {
        format!("0.{}", "0".repeat(scale))
    };
    match kind {
        Kind::Percent => {
            // Divided as a decimal, so 33.3 % is the double nearest 0.333.
            let fraction = a.0.checked_div(rust_decimal::Decimal::ONE_HUNDRED)?;
            Some((fraction.to_string().parse().ok()?, format!("{decimals}%")))
        }
        _ => {
            let suffix: String = suffix.chars().filter(|c| *c != '"').collect();
            let format = match suffix.as_str() {
                "" => decimals,
                s => format!("{decimals}\"{s}\""),
            };
            Some((value, format))
        }
    }
}

/// A4 portrait, one page wide, GB/T 9704-like margins, page numbers
/// "— 1 —" centred under the text, centred on the page.
pub(super) fn page(ws: &mut Worksheet) {
    let (l, r, t, b, h, f) = MARGINS;
    ws.set_paper_size(A4)
        .set_portrait()
        .set_print_fit_to_pages(1, 0)
        .set_print_center_horizontally(true)
        .set_margins(l, r, t, b, h, f)
        .set_footer("&C— &P —");
}

/// The height in points a row needs to show `text` wrapped in a cell
/// `width` characters wide (a CJK character is two characters wide).
pub(super) fn height(text: &str, width: f64) -> f64 {
    // The cell's inner width, in the half-width units of `width()`.
    let room = (width - 1.0).max(1.0);
    let lines: f64 = text
        .split('\n')
        .map(|l| (UnicodeWidthStr::width(l) as f64 / room).ceil().max(1.0))
        .sum();
    (lines * LINE + PAD).min(MAX_ROW)
}

/// The height of a row of one line.
pub(super) fn line_height() -> f64 {
    LINE + PAD
}

/// The height of a title row.
pub(super) fn title_height() -> f64 {
    TITLE_SIZE * 1.4 + PAD
}

#[cfg(test)]
mod tests {
    use super::*;

    fn amt(s: &str) -> Amount {
        s.parse().unwrap()
    }

    #[test]
    fn amounts_keep_their_written_decimals() {
        assert_eq!(
            amount(amt("117.26"), Kind::Money, ""),
            Some((117.26, "0.00".into()))
        );
        assert_eq!(
            amount(amt("6.20"), Kind::Money, ""),
            Some((6.2, "0.00".into()))
        );
        assert_eq!(
            amount(amt("250"), Kind::Money, "万"),
            Some((250.0, "0\"万\"".into()))
        );
        assert_eq!(
            amount(amt("25"), Kind::Percent, ""),
            Some((0.25, "0%".into()))
        );
        assert_eq!(
            amount(amt("33.3"), Kind::Percent, ""),
            Some((0.333, "0.0%".into()))
        );
        assert_eq!(
            amount(amt("-1.5"), Kind::Money, ""),
            Some((-1.5, "0.0".into()))
        );
        // 17 digits: a spreadsheet number would round them away.
        assert_eq!(amount(amt("12345678901234567"), Kind::Money, ""), None);
    }

    #[test]
    fn wrapped_text_needs_taller_rows() {
        let one = height("短", 20.0);
        assert_eq!(one, line_height());
        // 30 CJK characters are 60 units: four lines in a 20-wide cell.
        assert_eq!(height(&"长".repeat(30), 20.0), 4.0 * LINE + PAD);
        assert_eq!(height("一\n二", 20.0), 2.0 * LINE + PAD);
        assert_eq!(height(&"长".repeat(100_000), 20.0), MAX_ROW);
    }
}
