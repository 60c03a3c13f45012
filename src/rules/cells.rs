//! J608: a run of letters or digits wider than its table cell. The layout
//! breaks such a run between two characters so that it stays inside the
//! cell, but a number or code split over lines reads wrongly, so the user
//! is told where.

use typst::layout::Abs;
use typst::text::{FontInstance, FontVariant, FontVariations};

use super::{Finding, J608};
use crate::input::form::Kind;
use crate::input::locate::Place;
use crate::input::model::project::shown;
use crate::input::model::{Document, Project};
use crate::typeset::fonts::FontSet;
use crate::typeset::render::fit::{BLOCK_PT, INSET_PT, breaks_anyway};
use crate::typeset::style::ResolvedStyle;

/// The text width of a cell taking `share` of the text block.
fn cell_width(share: f64) -> f64 {
    share * BLOCK_PT - INSET_PT
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

/// Every cell of the project tables with its place, text width, and
/// whether it holds money.
fn cells(doc: &Document) -> Vec<(Place, String, f64, bool)> {
    let mut out = Vec::new();
    for (n, p) in doc.projects.iter().enumerate() {
        let form = &*p.form;
        for (f, share) in form.value_cells() {
            if let Some(v) = p.values.get(f.key) {
                let text = shown(f.kind, v, &form.amount_suffix);
                out.push((
                    p.field_place(n, f.key),
                    text,
                    cell_width(share),
                    f.kind == Kind::Money,
                ));
            }
        }
        for t in &form.tables {
            let shares = form.column_shares(t);
            for (j, r) in p.rows(t.key).iter().enumerate() {
                for (c, share) in &shares {
                    if let Some(v) = r.0.get(c.key) {
                        let place = Project::cell_place(n, t.key, j, c.key);
                        let text = shown(c.kind, v, &form.amount_suffix);
                        out.push((place, text, cell_width(*share), c.kind == Kind::Money));
                    }
                }
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
    for (place, text, width, money) in cells(doc) {
        let wide = runs(&text).find(|r| ruler.width(r) > width);
        if let Some(run) = wide {
            out.push(too_wide(place, run, ruler.width(run), width, money));
        }
    }
    out
}

fn too_wide(place: Place, run: &str, width: f64, cell: f64, money: bool) -> Finding {
    let hint = if money {
        "金额放不下时，请改用更大的金额单位（document.toml 的 money_unit，例如“亿元”）"
    } else {
        "请在合适的位置加空格或换行（\\n），或缩短内容，使每段字母和数字都放得下"
    };
    let shown: String = run.chars().take(24).collect();
    let more = if run.chars().count() > 24 { "…" } else { "" };
    let mm = |pt: f64| pt / 72.0 * 25.4;
    Finding::new(
        &J608,
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
        let fonts = FontSet::load(&[], false).unwrap();
        let style = crate::typeset::style::resolve(&Default::default()).unwrap();
        let ruler = Ruler::new(&style, &fonts).unwrap();
        let value = cell_width(0.12);
        assert!(ruler.width("≥800") < value);
        assert!(ruler.width("2023.07-2024.01") > value);
        assert!(ruler.width("1234567890123456789012345678901234567") > value);
    }
}
