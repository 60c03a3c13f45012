//! J608: a run of letters or digits wider than its table cell. The layout
//! breaks such a run between two characters so that it stays inside the
//! cell, but a number or code split over lines reads wrongly, so the user
//! is told where.

use typst::layout::Abs;
use typst::text::{FontInstance, FontVariant, FontVariations};

use super::Finding;
use crate::fonts::FontSet;
use crate::locate::Place;
use crate::locate::Seg::{Index, Key};
use crate::model::Document;
use crate::style::ResolvedStyle;

/// Width of the text block, in points (156 mm).
const BLOCK_PT: f64 = 156.0 / 25.4 * 72.0;
/// Horizontal inset of a cell on both sides together (`inset: (x: 3pt)`).
const INSET_PT: f64 = 6.0;
/// The table's column widths as shares of the text block, as in
/// `templates/jixiao.typ` (`columns: (12%, 12%, 18%, 22%, 12%, 12%, 12%)`).
const COLUMNS: [f64; 7] = [0.12, 0.12, 0.18, 0.22, 0.12, 0.12, 0.12];

/// The text width of a cell spanning columns `first..first + span`.
fn cell_width(first: usize, span: usize) -> f64 {
    COLUMNS[first..first + span].iter().sum::<f64>() * BLOCK_PT - INSET_PT
}

/// Whether the line breaker may break around `c` anyway: spaces and CJK
/// (the template's `unbreakable-run` is the complement of this).
fn breaks_anyway(c: char) -> bool {
    c.is_whitespace()
        || matches!(c as u32,
            0x1100..=0x11FF | 0x2E80..=0x2FFF | 0x3000..=0x30FF | 0x3130..=0x318F
            | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xAC00..=0xD7AF | 0xF900..=0xFAFF
            | 0xFF00..=0xFFEF | 0x20000..=0x3FFFF)
}

/// The runs of `text` the line breaker cannot split.
fn runs(text: &str) -> impl Iterator<Item = &str> {
    text.split(breaks_anyway).filter(|r| !r.is_empty())
}

/// Measures text in the table font at the table size.
struct Ruler {
    font: FontInstance,
    size: f64,
}

impl Ruler {
    /// The table role's font, if it is loaded (else J701/role errors apply).
    fn new(style: &ResolvedStyle, fonts: &FontSet) -> Option<Self> {
        let family = style.fonts.table.to_lowercase();
        let variant = FontVariant::default();
        let index = fonts.book().select(&family, variant)?;
        let size: f64 = style.table_size.parse().ok()?;
        let font =
            fonts
                .font(index)?
                .instantiate(variant, Abs::pt(size), &FontVariations::default());
        Some(Self { font, size })
    }

    /// The advance width of `run` in points (1 em for a missing glyph).
    fn width(&self, run: &str) -> f64 {
        let ttf = self.font.ttf();
        let em: f64 = run
            .chars()
            .map(|c| {
                ttf.glyph_index(c)
                    .and_then(|g| self.font.x_advance(g.0))
                    .map_or(1.0, |a| a.get())
            })
            .sum();
        em * self.size
    }
}

/// Every cell of the project tables with its place and text width.
fn cells(doc: &Document) -> Vec<(Place, String, f64)> {
    let mut out = Vec::new();
    for (n, p) in doc.projects.iter().enumerate() {
        let at = |path: &[crate::locate::Seg]| Place::project(n, path);
        out.push((at(&[Key("code")]), p.code.clone(), cell_width(1, 2)));
        out.push((at(&[Key("name")]), p.name.clone(), cell_width(4, 3)));
        let b = &p.budget;
        out.push((
            at(&[Key("budget"), Key("total")]),
            b.total.to_string(),
            cell_width(2, 1),
        ));
        for (k, a, col) in [("fiscal", b.fiscal, 4), ("other", b.other, 6)] {
            if let Some(a) = a {
                out.push((
                    at(&[Key("budget"), Key(k)]),
                    a.to_string(),
                    cell_width(col, 1),
                ));
            }
        }
        out.push((at(&[Key("usage")]), p.usage.clone(), cell_width(1, 6)));
        out.push((at(&[Key("goal")]), p.goal.clone(), cell_width(1, 6)));
        for (j, r) in p.indicators.iter().enumerate() {
            let spans = [(0, 1), (1, 1), (2, 1), (3, 1), (4, 1), (5, 2)];
            for ((k, text), (first, span)) in r.cells().into_iter().zip(spans) {
                let place = at(&[Key("indicators"), Index(j), Key(k)]);
                out.push((place, text.to_string(), cell_width(first, span)));
            }
        }
    }
    out
}

/// J608 findings: the first run too wide for its cell, per cell.
pub(crate) fn check(doc: &Document, style: &ResolvedStyle, fonts: &FontSet) -> Vec<Finding> {
    let Some(ruler) = Ruler::new(style, fonts) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (place, text, width) in cells(doc) {
        let wide = runs(&text).find(|r| ruler.width(r) > width);
        if let Some(run) = wide {
            out.push(too_wide(place, run, ruler.width(run), width));
        }
    }
    out
}

fn too_wide(place: Place, run: &str, width: f64, cell: f64) -> Finding {
    let hint = if matches!(place_key(&place), Some("total" | "fiscal" | "other")) {
        "金额放不下时，请改用更大的金额单位（document.toml 的 money_unit，例如“亿元”）"
    } else {
        "请在合适的位置加空格或换行（\\n），或缩短内容，使每段字母和数字都放得下"
    };
    let shown: String = run.chars().take(24).collect();
    let more = if run.chars().count() > 24 { "…" } else { "" };
    let mm = |pt: f64| pt / 72.0 * 25.4;
    Finding::new(
        "J608",
        place,
        format!(
            "“{shown}{more}”宽约 {:.0} 毫米，单元格只有 {:.0} 毫米宽，印出时会从中间折行",
            mm(width),
            mm(cell)
        ),
    )
    .at(run)
    .hint(hint)
}

/// The last key of a place's path.
fn place_key(place: &Place) -> Option<&'static str> {
    match place.path.last()? {
        Key(k) => Some(k),
        Index(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_stop_at_spaces_and_cjk() {
        let got: Vec<&str> = runs("2023.07-2024.01 完成ABC，x").collect();
        assert_eq!(got, ["2023.07-2024.01", "ABC", "x"]);
    }

    #[test]
    fn only_runs_wider_than_the_cell_are_found() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fonts");
        let fonts = FontSet::load(&[&dir], false).unwrap();
        let style = crate::style::resolve(&Default::default()).unwrap();
        let ruler = Ruler::new(&style, &fonts).unwrap();
        let value = cell_width(4, 1);
        assert!(ruler.width("≥800") < value);
        assert!(ruler.width("2023.07-2024.01") > value);
        assert!(ruler.width("1234567890123456789012345678901234567") > value);
    }
}
