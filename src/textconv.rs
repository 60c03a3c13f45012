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

use crate::diag::{Diagnostic, Result, SourceMap, display_path, io_error};
use crate::diff::fields::flatten;
use crate::load::parse_file;
use crate::model::{Amount, Document, Indicator, Project};
use crate::render::chinese_number;

/// The text form of a file: PDF by its first bytes, else a data TOML file
/// (a project file when it has `code`, else `document.toml`).
///
/// A data file that does not parse (a draft, a half-edited version in
/// history) comes back as its own text under a note, so `git diff` and
/// `git log -p` never stop on it.
pub fn convert(path: &Path, sources: &SourceMap) -> Result<String> {
    let bytes = read_input(path)?;
    if bytes.starts_with(b"%PDF-") {
        return pdf_text(bytes);
    }
    let table: Option<toml::Table> = std::str::from_utf8(&bytes)
        .ok()
        .and_then(|t| t.parse().ok());
    let is_project = table.is_some_and(|t| t.contains_key("code"));
    let lines = if is_project {
        parse_file::<Project>(path, sources).map(|(p, _)| project_lines(&p))
    } else {
        parse_file::<Document>(path, sources).map(|(d, _)| document_lines(&d))
    };
    Ok(lines.unwrap_or_else(|diags| {
        let why = diags.0.first().map_or("", |d| d.message.as_str());
        format!(
            "# jixiao: 无法按数据格式读取（{why}），以下为原文\n{}",
            String::from_utf8_lossy(&bytes)
        )
    }))
}

/// The largest file `textconv` reads. jixiao's PDFs take about 20 KB a
/// page and its data files a few KB, so this is far above any real input;
/// it stops `/dev/zero`-like growth and bounds what a PDF parser is fed.
pub(crate) const MAX_INPUT_BYTES: u64 = 32 << 20;

/// Reads a file for `textconv`: a regular file (after links) of at most
/// [`MAX_INPUT_BYTES`]. FIFOs, devices and folders are refused from their
/// metadata before opening, so nothing blocks and nothing grows unbounded.
fn read_input(path: &Path) -> Result<Vec<u8>> {
    use std::io::Read;
    let meta = std::fs::metadata(path).map_err(|e| io_error("读取文件", path, &e))?;
    check_regular(path, &meta)?;
    let file = open_nonblocking(path).map_err(|e| io_error("读取文件", path, &e))?;
    // Checked again on the open file: the path may have been swapped.
    let meta = file
        .metadata()
        .map_err(|e| io_error("读取文件", path, &e))?;
    check_regular(path, &meta)?;
    let mut bytes = Vec::new();
    file.take(MAX_INPUT_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| io_error("读取文件", path, &e))?;
    if bytes.len() as u64 > MAX_INPUT_BYTES {
        return Err(too_large(path).into());
    }
    Ok(bytes)
}

/// Refuses anything but a regular file of at most [`MAX_INPUT_BYTES`].
fn check_regular(path: &Path, meta: &std::fs::Metadata) -> Result<()> {
    if !meta.is_file() {
        return Err(Diagnostic::error(format!(
            "“{}”不是普通文件（可能是文件夹、管道或设备），textconv 不读取它",
            display_path(path)
        ))
        .with_hint("请给出 jixiao 生成的 PDF 或数据文件（.toml）")
        .into());
    }
    if meta.len() > MAX_INPUT_BYTES {
        return Err(too_large(path).into());
    }
    Ok(())
}

fn too_large(path: &Path) -> Diagnostic {
    Diagnostic::error(format!(
        "“{}”超过 {} MB，textconv 不读取这么大的文件",
        display_path(path),
        MAX_INPUT_BYTES >> 20
    ))
    .with_hint("jixiao 生成的 PDF 和数据文件远小于此；请确认文件是否正确")
}

/// Opens for reading without blocking on a FIFO swapped in after the check.
fn open_nonblocking(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::custom_flags(&mut options, nix::libc::O_NONBLOCK);
    options.open(path)
}

/// Collects `key: value` lines; multi-paragraph values give one line each.
#[derive(Default)]
struct Out(String);

impl Out {
    fn line(&mut self, key: &str, value: &str) {
        // No trailing space after an empty value: git marks it as an error.
        self.0.push_str(key);
        self.0.push(':');
        if !value.is_empty() {
            self.0.push(' ');
            self.0.push_str(value);
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
    text.trim_end_matches('\n').replace('\n', "↵")
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
    out.paragraphs("总体绩效目标", &d.overall);
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

/// The text form of a project file.
pub fn project_lines(p: &Project) -> String {
    let mut out = Out::default();
    out.line("项目编码", &p.code);
    out.line("项目名称", &p.name);
    out.line("表格标题", &p.title());
    out.cell("资金用途", &p.usage);
    out.cell("绩效目标", &p.goal);
    out.amount("预算数", Some(p.budget.total));
    out.amount("财政资金", p.budget.fiscal);
    out.amount("其他资金", p.budget.other);
    let months = ["3月底", "6月底", "10月底", "12月底"];
    for (m, v) in months.iter().zip(p.plan.checkpoints()) {
        out.amount(&format!("支出计划[{m}]"), v);
    }
    out.settings("固定文字", &p.labels);
    for r in &p.indicators {
        out.line(
            &format!("指标[{}/{}]", cell(&r.level2), cell(&r.name)),
            &row(r),
        );
    }
    out.0
}

fn row(r: &Indicator) -> String {
    format!(
        "一级指标={} | 描述={} | 指标值={} | 依据={}",
        cell(&r.level1),
        cell(&r.description),
        cell(&r.value),
        cell(&r.basis)
    )
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
