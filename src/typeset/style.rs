//! Layout presets and font roles: turns the optional `[style]` settings into
//! the concrete numbers and families the Typst style library receives.

use serde::Serialize;

use crate::input::locate::Place;
use crate::input::locate::Seg::Key;
use crate::input::model::{FontRoles, Style};
use crate::report::diag::{Diagnostic, Result};

/// Concrete layout numbers (pt) and font families for the Typst library.
///
/// Numbers are strings because every value reaches Typst as an escaped
/// string literal; the style library converts them.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ResolvedStyle {
    /// Preset name.
    pub preset: String,
    /// Body font size.
    pub body_size: String,
    /// Baseline-to-baseline distance of body lines.
    pub line_pitch: String,
    /// Extra space between characters (negative to fit 28 a line).
    pub tracking: String,
    /// Table cell font size.
    pub table_size: String,
    /// Font family per role.
    pub fonts: Fonts,
    /// "true" to append "（续）" to a 一级指标 repeated on a continuation page.
    pub continued_mark: String,
    /// "true" to print "续表" above a repeated table header.
    pub continued_table: String,
    /// "true" to start the 目录 and each part on a right-hand page.
    pub duplex: String,
    /// "true" to start each project table on a right-hand page too.
    pub duplex_tables: String,
}

/// Family names per role.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Fonts {
    /// 小标宋 role.
    pub title: String,
    /// 黑体 role.
    pub heading: String,
    /// 楷体 role.
    pub subheading: String,
    /// 仿宋 role.
    pub body: String,
    /// Table cells.
    pub table: String,
    /// Page numbers.
    pub page_number: String,
}

impl Fonts {
    /// Every (role, family) pair.
    pub fn roles(&self) -> [(&'static str, &str); 6] {
        [
            ("title", &self.title),
            ("heading", &self.heading),
            ("subheading", &self.subheading),
            ("body", &self.body),
            ("table", &self.table),
            ("page_number", &self.page_number),
        ]
    }
}

/// Resolves the preset and overrides of a `[style]` table.
pub fn resolve(style: &Style) -> Result<ResolvedStyle> {
    let preset = style.preset.as_deref().unwrap_or("reference");
    // The reference look (四号仿宋 on a 23.5 pt pitch, 32–33 characters a
    // line, which lands every 目录 entry on its published page) and the strict
    // GB/T 9704 grid (三号仿宋, 22 lines of 28 characters in 156 × 225 mm).
    let (body, pitch, tracking, table) = match preset {
        "reference" => (14.0, 23.5, -0.45, 10.5),
        "gb9704" => (
            16.0,
            225.0 / 22.0 * 72.0 / 25.4,
            156.0 / 28.0 * 72.0 / 25.4 - 16.0,
            12.0,
        ),
        other => {
            return Err(Diagnostic::error(format!("未知的版式预设“{other}”"))
                .with_place(Place::doc(&[Key("style"), Key("preset")]))
                .with_hint("style.preset 可选 \"reference\"（与参考文本一致）或 \"gb9704\"（严格按 GB/T 9704 每页 22 行、每行 28 字）")
                .into());
        }
    };
    let body = positive(style.body_size, body, "body_size")?;
    if style.duplex_tables && !style.duplex {
        // Right-hand pages exist only in duplex printing; saying nothing
        // would leave the tables where they were without a word.
        return Err(Diagnostic::error(
            "style.duplex_tables 只在双面打印（style.duplex = true）时有效",
        )
        .with_place(Place::doc(&[Key("style"), Key("duplex_tables")]))
        .with_hint("同时写 duplex = true，或删去 duplex_tables")
        .into());
    }
    Ok(ResolvedStyle {
        preset: preset.to_string(),
        body_size: num(body),
        line_pitch: num(positive(style.line_pitch, pitch, "line_pitch")?),
        tracking: num(if style.body_size.is_some() {
            0.0
        } else {
            tracking
        }),
        table_size: num(table_points(style.table_size, table)?),
        fonts: role_fonts(&style.fonts),
        continued_mark: style.continued_mark.to_string(),
        continued_table: style.continued_table.to_string(),
        duplex: style.duplex.to_string(),
        duplex_tables: style.duplex_tables.to_string(),
    })
}

/// The family per role: the user's choice, else the shipped Fandol face.
fn role_fonts(f: &FontRoles) -> Fonts {
    let or = |v: &Option<String>, default: &str| v.clone().unwrap_or_else(|| default.into());
    Fonts {
        title: or(&f.title, "FandolSong"),
        heading: or(&f.heading, "FandolHei"),
        subheading: or(&f.subheading, "FandolKai"),
        body: or(&f.body, "FandolFang R"),
        table: or(&f.table, "FandolFang R"),
        page_number: or(&f.page_number, "FandolSong"),
    }
}

/// The largest table font size: the 7-column grid holds at most 三号 (16 pt);
/// beyond that cells of ordinary length no longer fit a page.
pub(crate) const MAX_TABLE_SIZE: f64 = 16.0;

fn table_points(v: Option<f64>, default: f64) -> Result<f64> {
    let x = positive(v, default, "table_size")?;
    if x <= MAX_TABLE_SIZE {
        return Ok(x);
    }
    Err(
        Diagnostic::error(format!("style.table_size = {x} 磅太大，表格放不下"))
            .with_place(Place::doc(&[Key("style"), Key("table_size")]))
            .with_hint(format!(
                "表格字号最大 {MAX_TABLE_SIZE} 磅（三号）；常用 10.5（五号）或 12（小四）"
            ))
            .into(),
    )
}

fn positive(v: Option<f64>, default: f64, name: &'static str) -> Result<f64> {
    match v {
        None => Ok(default),
        Some(x) if x.is_finite() && x > 1.0 && x < 200.0 => Ok(x),
        Some(x) => Err(
            Diagnostic::error(format!("style.{name} = {x} 不是合理的磅值"))
                .with_place(Place::doc(&[Key("style"), Key(name)]))
                .with_hint("请填写 1 到 200 之间的数字，单位为磅（pt），例如 16")
                .into(),
        ),
    }
}

fn num(x: f64) -> String {
    // Four decimals keep the output stable and exact enough for layout.
    let s = format!("{x:.4}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presets_resolve() {
        let r = resolve(&Style::default()).unwrap();
        assert_eq!(r.preset, "reference");
        let g = resolve(&Style {
            preset: Some("gb9704".into()),
            ..Style::default()
        })
        .unwrap();
        assert_eq!(g.body_size, "16");
        assert_eq!(g.line_pitch, "28.9907");
        assert_eq!(g.tracking, "-0.207");
    }

    #[test]
    fn bad_values_are_refused() {
        assert!(
            resolve(&Style {
                preset: Some("x".into()),
                ..Style::default()
            })
            .is_err()
        );
        assert!(
            resolve(&Style {
                body_size: Some(-3.0),
                ..Style::default()
            })
            .is_err()
        );
        assert!(
            resolve(&Style {
                line_pitch: Some(f64::NAN),
                ..Style::default()
            })
            .is_err()
        );
    }

    #[test]
    fn duplex_tables_needs_duplex() {
        let alone = Style {
            duplex_tables: true,
            ..Style::default()
        };
        let err = resolve(&alone).unwrap_err();
        assert!(format!("{err:?}").contains("duplex_tables"), "{err:?}");
        let both = resolve(&Style {
            duplex: true,
            ..alone
        })
        .unwrap();
        assert_eq!(
            (both.duplex.as_str(), both.duplex_tables.as_str()),
            ("true", "true")
        );
        let plain = resolve(&Style::default()).unwrap();
        assert_eq!(
            (plain.duplex.as_str(), plain.duplex_tables.as_str()),
            ("false", "false")
        );
    }
}
