//! Stable line-oriented text forms of jixiao's files for `git diff`: one
//! fact per line for a data TOML file, the text of each page for a PDF.

use std::path::Path;

use hayro_interpret::font::Glyph;
use hayro_interpret::hayro_cmap::BfString;
use hayro_interpret::hayro_syntax::Pdf;
use hayro_interpret::{
    BlendMode, ClipPath, Context, Device, GlyphDrawMode, Image, InterpreterCache,
    InterpreterSettings, Paint, PathDrawMode, SoftMask, interpret_page,
};
use kurbo::{Affine, BezPath, Point, Rect};

use crate::compare::diff::fields::flatten;
use crate::input::form::{DEFAULT_FORM, Kind, Registry, Role, TableDef, TableKind};
use crate::input::load::{read_document_file, read_project_file};
use crate::input::model::{Amount, Document, Overall, Project, Row};
use crate::report::diag::{Diagnostic, Result, SourceMap};
use crate::report::escape::one_line;
use crate::typeset::render::chinese_number;

/// The text form of a file: PDF by its first bytes, else a data TOML file
/// (`document.toml` when it has `year`, else a project file read with the
/// form it names, or the first of `forms` it fits).
///
/// A data file that does not parse (a draft, a half-edited version in
/// history) comes back as its own text under a note, so `git diff` and
/// `git log -p` never stop on it.
pub fn convert(path: &Path, forms: &Registry, sources: &SourceMap) -> Result<String> {
    let bytes = read_input(path)?;
    if bytes.starts_with(b"%PDF-") {
        return pdf_text(bytes);
    }
    let table: Option<toml::Table> = std::str::from_utf8(&bytes)
        .ok()
        .and_then(|t| t.parse().ok());
    let is_project = table.as_ref().is_some_and(|t| !t.contains_key("year"));
    let lines = if is_project {
        read_any_form(path, table.as_ref(), forms, sources).map(|p| project_lines(&p))
    } else {
        read_document_file(path, sources).map(|(d, _)| document_lines(&d))
    };
    Ok(lines.unwrap_or_else(|diags| {
        let why = diags.0.first().map_or("", |d| d.message.as_str());
        // A draft may hold raw control characters (that is often why it
        // does not parse): shown escaped like every other output.
        format!(
            "# jixiao: 无法按数据格式读取（{}），以下为原文\n{}",
            one_line(why),
            crate::report::escape::controls(&String::from_utf8_lossy(&bytes))
        )
    }))
}

/// A project file read with the form it names; one that names none is
/// tried with the default form, then with every other, since git hands
/// over the file without the `document.toml` that may name its form.
fn read_any_form(
    path: &Path,
    table: Option<&toml::Table>,
    forms: &Registry,
    sources: &SourceMap,
) -> Result<Project> {
    let first = read_project_file(path, forms, DEFAULT_FORM, sources).map(|(p, _)| p);
    if first.is_ok() || table.is_none_or(|t| t.contains_key("form")) {
        return first;
    }
    forms
        .names()
        .into_iter()
        .filter(|n| *n != DEFAULT_FORM)
        .find_map(|n| read_project_file(path, forms, n, &SourceMap::default()).ok())
        .map(|(p, _)| p)
        .map_or(first, Ok)
}

/// The largest file `textconv` reads. jixiao's PDFs take about 20 KB a
/// page and its data files a few KB, so this is far above any real input;
/// it stops `/dev/zero`-like growth and bounds what a PDF parser is fed.
pub(crate) const MAX_INPUT_BYTES: u64 = 32 << 20;

/// Reads a file for `textconv`: a regular file (after links) of at most
/// [`MAX_INPUT_BYTES`]. FIFOs, devices and folders are refused from their
/// metadata before opening, so nothing blocks and nothing grows unbounded.
fn read_input(path: &Path) -> Result<Vec<u8>> {
    // git hands over any path of the work tree or a temporary copy: the
    // whole file system is the folder, only the file type and size matter.
    crate::input::confine::open_confined(Path::new("/"), path, MAX_INPUT_BYTES)
        .map_err(|e| e.diagnostic("", path, MAX_INPUT_BYTES).into())
}

/// Collects `key: value` lines; multi-paragraph values give one line each.
#[derive(Default)]
struct Out(String);

impl Out {
    /// One `key: value` line; a line break or control character in either
    /// is escaped, so data can never forge a line of its own.
    fn line(&mut self, key: &str, value: &str) {
        // No trailing space after an empty value: git marks it as an error.
        self.0.push_str(&one_line(key));
        self.0.push(':');
        if !value.is_empty() {
            self.0.push(' ');
            self.0.push_str(&one_line(value));
        }
        self.0.push('\n');
    }

    /// A paragraph field: one numbered line per non-blank paragraph.
    fn paragraphs(&mut self, key: &str, text: &str) {
        let paras: Vec<&str> = text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect();
        for (i, p) in paras.iter().enumerate() {
            self.line(&format!("{key}[{}]", i + 1), p);
        }
    }

    /// A table cell: line breaks shown as ↵ to keep one line.
    fn cell(&mut self, key: &str, text: &str) {
        self.line(key, &cell(text));
    }

    fn amount(&mut self, key: &str, value: Option<Amount>) {
        self.line(key, &value.map(|a| a.to_string()).unwrap_or_default());
    }

    /// The fields of a settings table that are set (not null and not
    /// the default), as `name[dotted.key]: value` lines in key order.
    fn settings<T: serde::Serialize + Default>(&mut self, name: &str, value: &T) {
        let defaults = flatten(&T::default());
        for (key, v) in flatten(value) {
            if defaults.get(&key) != Some(&v) {
                self.line(&format!("{name}[{key}]"), &v);
            }
        }
    }
}

fn cell(text: &str) -> String {
    one_line(text.trim_end_matches('\n')).into_owned()
}

/// The text form of `document.toml`.
pub fn document_lines(d: &Document) -> String {
    let mut out = Out::default();
    out.line("预算年度", &d.year.to_string());
    out.line("部门名称", &d.department);
    out.line("单位编码", &d.unit_code);
    out.line("单位名称", &d.unit_name);
    out.line("金额单位", &d.money_unit);
    if let Some(t) = &d.cover.title {
        out.line("封面标题", t);
    }
    for (i, l) in d.cover.lines.iter().enumerate() {
        out.line(&format!("封面附加行[{}]", i + 1), l);
    }
    match &d.overall {
        Overall::Text(t) => out.paragraphs("总体绩效目标", t),
        Overall::Parts(parts) => {
            for (i, part) in parts.iter().enumerate() {
                let at = format!("总体绩效目标（{}）", chinese_number(i + 1));
                out.line(&format!("{at}标题"), &part.title);
                out.paragraphs(&format!("{at}正文"), &part.text);
            }
        }
    }
    for (i, g) in d.goals.iter().enumerate() {
        let at = format!("分项绩效目标（{}）", chinese_number(i + 1));
        out.line(&format!("{at}标题"), &g.title);
        out.paragraphs(&format!("{at}绩效目标"), &g.target);
        out.paragraphs(&format!("{at}绩效指标"), &g.indicator);
    }
    for (i, m) in d.measures.iter().enumerate() {
        let at = format!("保障措施（{}）", chinese_number(i + 1));
        out.line(&format!("{at}要点"), &m.lead);
        out.paragraphs(&format!("{at}正文"), &m.text);
    }
    out.settings("固定文字", &d.labels);
    out.settings("样式", &d.style);
    out.0
}

/// The text form of a project file: one line per field of its form, then
/// one per row of each row table, named by the form's labels.
pub fn project_lines(p: &Project) -> String {
    let mut out = Out::default();
    let form = &*p.form;
    if p.form_written || form.name != DEFAULT_FORM {
        out.line("表样", &form.name);
    }
    for f in form
        .fields
        .iter()
        .filter(|f| f.role == Some(Role::Code) || f.role == Some(Role::Name))
    {
        out.line(&f.label, &p.text(f.key));
    }
    out.line("表格标题", &p.title());
    for f in form
        .fields
        .iter()
        .filter(|f| !matches!(f.role, Some(Role::Code | Role::Name)))
    {
        let label = f.label.trim_start_matches("其中：");
        match (f.kind, f.path.as_slice()) {
            (Kind::Percent, [group, _]) => {
                let what = form.group_label(group);
                let what = what
                    .split('（')
                    .next()
                    .unwrap_or(&what)
                    .trim_start_matches("资金");
                out.amount(&format!("{what}[{label}]"), p.amount(f.key));
            }
            (k, _) if k.is_amount() => out.amount(label, p.amount(f.key)),
            _ => out.cell(label, &p.text(f.key)),
        }
    }
    out.settings("固定文字", &p.labels);
    for t in &form.tables {
        for (j, r) in p.rows(t.key).iter().enumerate() {
            table_row(&mut out, t, j, r);
        }
    }
    out.0
}

/// One row of a row table: indicators are named by 二级/三级, other rows
/// by table and number; the other cells follow as `label=value`.
fn table_row(out: &mut Out, t: &TableDef, j: usize, r: &Row) {
    let named = t.kind == TableKind::Indicators;
    let key = if named {
        format!(
            "指标[{}/{}]",
            cell(&r.role(t, Role::Level2)),
            cell(&r.role(t, Role::Level3))
        )
    } else {
        format!("{}[{}]", t.label, j + 1)
    };
    let cells: Vec<String> = t
        .columns
        .iter()
        .filter(|c| c.auto.is_none())
        .filter(|c| !named || !matches!(c.role, Some(Role::Level2 | Role::Level3)))
        .map(|c| format!("{}={}", c.label, cell(&r.get(c.key))))
        .collect();
    out.line(&key, &cells.join(" | "));
}

/// The text of each page of a PDF, under `=== 第 N 页 ===` headers.
///
/// Glyphs are read with hayro (already used by Typst for PDF images) through
/// their ToUnicode maps, which typst-pdf always writes; glyphs on one
/// baseline make one line, read left to right.
///
/// hayro bounds neither nesting, nor decoded stream size, nor work: on a
/// PDF that may be hostile, run this where a crash, memory and time are
/// limited from outside, as `jixiao textconv` does (see `cli::textconv`).
pub fn pdf_text(bytes: Vec<u8>) -> Result<String> {
    let pdf = Pdf::new(bytes).map_err(|e| {
        Diagnostic::error(format!("无法读取 PDF：{e:?}")).with_hint("请确认这是完整的 PDF 文件")
    })?;
    let cache = InterpreterCache::new();
    let mut out = String::new();
    for (i, page) in pdf.pages().iter().enumerate() {
        let mut context = Context::new(
            Affine::IDENTITY,
            Rect::new(0.0, 0.0, 1.0, 1.0),
            &cache,
            pdf.xref(),
            InterpreterSettings::default(),
        );
        let mut glyphs = Glyphs::default();
        interpret_page(page, &mut context, &mut glyphs);
        out.push_str(&format!("=== 第 {} 页 ===\n", i + 1));
        for line in glyphs.lines() {
            out.push_str(&line);
            out.push('\n');
        }
    }
    Ok(out)
}

/// One glyph: baseline origin (PDF space, y up), font size, text.
struct Placed {
    x: f64,
    y: f64,
    size: f64,
    text: String,
}

/// The glyphs of one page.
#[derive(Default)]
struct Glyphs(Vec<Placed>);

impl Glyphs {
    /// Lines top to bottom, glyphs left to right.
    fn lines(mut self) -> Vec<String> {
        self.0
            .sort_by(|a, b| b.y.total_cmp(&a.y).then(a.x.total_cmp(&b.x)));
        let mut rows: Vec<Vec<Placed>> = Vec::new();
        for g in self.0 {
            match rows.last_mut() {
                Some(row) if (row[0].y - g.y).abs() < 2.0 => row.push(g),
                _ => rows.push(vec![g]),
            }
        }
        rows.into_iter()
            .map(join_row)
            .filter(|l| !l.is_empty())
            .collect()
    }
}

/// Joins a line's glyphs; a step of more than 1.5 em from one glyph's
/// origin to the next (wider than any glyph) becomes one space, which
/// separates table cells side by side.
fn join_row(mut row: Vec<Placed>) -> String {
    row.sort_by(|a, b| a.x.total_cmp(&b.x));
    let mut line = String::new();
    for (i, g) in row.iter().enumerate() {
        if i > 0 && g.x - row[i - 1].x > 1.5 * row[i - 1].size {
            line.push(' ');
        }
        line.push_str(&g.text);
    }
    line.trim().to_string()
}

impl Device<'_> for Glyphs {
    fn set_soft_mask(&mut self, _: Option<SoftMask<'_>>) {}
    fn set_blend_mode(&mut self, _: BlendMode) {}
    fn draw_path(&mut self, _: &BezPath, _: Affine, _: &Paint<'_>, _: &PathDrawMode) {}
    fn push_clip_path(&mut self, _: &ClipPath) {}
    fn push_transparency_group(&mut self, _: f32, _: Option<SoftMask<'_>>, _: BlendMode) {}
    fn draw_glyph(
        &mut self,
        glyph: &Glyph<'_>,
        transform: Affine,
        glyph_transform: Affine,
        _: &Paint<'_>,
        _: &GlyphDrawMode,
    ) {
        let text = match glyph.as_unicode() {
            Some(BfString::Char(c)) => c.to_string(),
            Some(BfString::String(s)) => s,
            None => '\u{FFFD}'.to_string(),
        };
        let full = transform * glyph_transform;
        let at = full * Point::ORIGIN;
        // Glyph space is 1000 units per em, so the scale times 1000 is the size.
        let size = full.determinant().abs().sqrt() * 1000.0;
        self.0.push(Placed {
            x: at.x,
            y: at.y,
            size,
            text,
        });
    }
    fn draw_image(&mut self, _: Image<'_, '_>, _: Affine) {}
    fn pop_clip_path(&mut self) {}
    fn pop_transparency_group(&mut self) {}
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every line of a text form must be `key: value` with a key the form
    /// itself writes; data must not add a line of its own.
    fn keys(text: &str) -> Vec<&str> {
        text.lines().map(|l| l.split(':').next().unwrap()).collect()
    }

    #[test]
    fn data_cannot_forge_a_line() {
        let p = crate::input::model::project::parse_test(
            r#"
            code = "CS01\n预算数: 10"
            name = "运行\u001B[2K经费\r预算数: 20"
            goal = "保障运行。\n\n第二段\u2028预算数: 30"
            [budget]
            total = "117.26"
            [[indicators]]
            level1 = "产出指标"
            level2 = "数量指标"
            name = "面积\n指标[数量指标/x]: 一级指标=伪造"
            value = "≥800平方米"
            "#,
        );
        let text = project_lines(&p);
        assert_eq!(
            keys(&text).iter().filter(|k| **k == "预算数").count(),
            1,
            "{text}"
        );
        assert_eq!(
            text.lines().filter(|l| l.starts_with("指标[")).count(),
            1,
            "{text}"
        );
        assert!(text.contains("项目编码: CS01↵预算数: 10\n"), "{text}");
        assert!(
            text.contains("运行\\u{1b}[2K经费\\u{d}预算数: 20"),
            "{text}"
        );
        assert!(
            text.contains("保障运行。↵↵第二段\\u{2028}预算数: 30"),
            "{text}"
        );
        assert!(!text.contains('\u{1b}') && !text.contains('\r'), "{text}");
    }

    #[test]
    fn unparsed_draft_shows_controls_escaped() {
        let dir = std::env::temp_dir().join(format!("jixiao-textconv-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("01-draft.toml");
        std::fs::write(&path, "code = \"CS01\u{1b}[2J\"\nname = \"x\u{202E}y\"\n").unwrap();
        let text = convert(&path, &Registry::builtin(), &SourceMap::default()).unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
        assert!(text.starts_with("# jixiao: 无法按数据格式读取"), "{text}");
        assert!(
            text.contains("code = \"CS01\\u{1b}[2J\"\nname = \"x\\u{202e}y\"\n"),
            "{text}"
        );
        assert!(!text.contains(['\u{1b}', '\u{202E}']), "{text}");
    }

    #[test]
    fn paragraphs_stay_one_line_each() {
        let d: Document = toml::from_str(
            r#"
            year = 2025
            department = "信访局\n单位编码: 999"
            unit_code = "900001"
            unit_name = "本级"
            overall = "第一段。\n第二段\u000B预算年度: 1999"
            "#,
        )
        .unwrap();
        let text = document_lines(&d);
        assert!(text.contains("部门名称: 信访局↵单位编码: 999\n"), "{text}");
        assert!(text.contains("总体绩效目标[1]: 第一段。\n"), "{text}");
        assert!(
            text.contains("总体绩效目标[2]: 第二段\\u{b}预算年度: 1999\n"),
            "{text}"
        );
        assert_eq!(
            keys(&text).iter().filter(|k| **k == "单位编码").count(),
            1,
            "{text}"
        );
        assert_eq!(
            keys(&text).iter().filter(|k| **k == "预算年度").count(),
            1,
            "{text}"
        );
    }
}
