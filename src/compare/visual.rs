//! The visual diff: both versions typeset and rasterised, compared page by
//! page, and the changed pages written side by side (old | new) with the
//! changed regions boxed in red, as PNG files, one PDF or the images of
//! the HTML report.

use std::num::NonZeroUsize;
use std::path::{Path, PathBuf};

use typst::layout::{Frame, FrameItem, PageRanges};
use typst::utils::Scalar;
use typst_layout::PagedDocument;
use typst_pdf::PdfOptions;
use typst_render::RenderOptions;

use crate::pipeline::Prepared;
use crate::report::diag::{Diagnostic, Diagnostics, Result, SourceMap, io_error};
use crate::typeset::export::write_atomic;

/// Pixels per point: 72 dpi keeps rendering fast and text still legible.
const PIXEL_PER_PT: f64 = 1.0;
/// Side of the square cells in which pixel differences are gathered.
const TILE: u32 = 8;
/// Grey gap between the old and the new page.
const GAP: u32 = 16;
/// Margin around a changed region, so the red border does not cover text.
const PAD: u32 = 5;
/// Height of the title line above the pages in the comparison PDF, in pt.
const TITLE: u32 = 28;
/// Names of the two versions' PDFs in the comparison's scratch folder.
const OLD_PDF: &str = "旧版本.pdf";
/// See [`OLD_PDF`].
const NEW_PDF: &str = "新版本.pdf";

/// An opaque RGBA raster.
#[derive(Debug, Clone)]
pub struct Raster {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// Row-major RGBA bytes.
    pub rgba: Vec<u8>,
}

impl Raster {
    fn filled(width: u32, height: u32, grey: u8) -> Self {
        let mut rgba = vec![grey; (width * height * 4) as usize];
        rgba.iter_mut().skip(3).step_by(4).for_each(|a| *a = 255);
        Self {
            width,
            height,
            rgba,
        }
    }

    /// The pixel at (x, y); white outside the raster.
    fn pixel(&self, x: u32, y: u32) -> [u8; 4] {
        if x >= self.width || y >= self.height {
            return [255; 4];
        }
        let i = ((y * self.width + x) * 4) as usize;
        [
            self.rgba[i],
            self.rgba[i + 1],
            self.rgba[i + 2],
            self.rgba[i + 3],
        ]
    }

    fn put(&mut self, x: u32, y: u32, px: [u8; 4]) {
        if x < self.width && y < self.height {
            let i = ((y * self.width + x) * 4) as usize;
            self.rgba[i..i + 4].copy_from_slice(&px);
        }
    }

    /// Copies `other` with its top-left corner at (dx, 0).
    fn blit(&mut self, other: &Raster, dx: u32) {
        for y in 0..other.height {
            for x in 0..other.width {
                self.put(x + dx, y, other.pixel(x, y));
            }
        }
    }

    /// Encodes the raster as PNG.
    pub fn png(&self) -> Vec<u8> {
        let mut out = Vec::new();
        let mut enc = png::Encoder::new(&mut out, self.width, self.height);
        enc.set_color(png::ColorType::Rgba);
        enc.set_depth(png::BitDepth::Eight);
        let mut writer = enc.write_header().expect("PNG header into memory");
        writer
            .write_image_data(&self.rgba)
            .expect("PNG data into memory");
        writer.finish().expect("PNG end into memory");
        out
    }
}

/// A rectangle in pixels: left, top, right, bottom (exclusive).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Area {
    /// Left edge.
    pub x0: u32,
    /// Top edge.
    pub y0: u32,
    /// Right edge (exclusive).
    pub x1: u32,
    /// Bottom edge (exclusive).
    pub y1: u32,
}

/// What happened to one page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PageState {
    /// Pixel-identical.
    Same,
    /// Differs inside these areas.
    Changed(Vec<Area>),
    /// Only in the new version.
    Added,
    /// Only in the old version.
    Removed,
}

/// One page position of the comparison.
#[derive(Debug, Clone)]
pub struct PageDiff {
    /// 1-based page number.
    pub number: usize,
    /// What happened to it.
    pub state: PageState,
}

/// A differing page's side-by-side image: old | new, changed areas boxed.
#[derive(Debug, Clone)]
pub struct PageImage {
    /// 1-based physical page number.
    pub number: usize,
    /// What happened to the page (never [`PageState::Same`]).
    pub state: PageState,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// The image as PNG.
    pub png: Vec<u8>,
}

/// How a reader names a page: the front page it is, or its printed number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Printed {
    /// The cover (first page, before the body).
    Cover,
    /// A 目录 page (after the cover, before the body).
    Toc,
    /// A body page with its printed number.
    Body(u64),
    /// A blank page (put before a right-hand page in duplex printing): it
    /// counts in the numbering but prints no number.
    Blank,
}

impl Printed {
    /// "封面", "目录", "第 7 页" or "空白页".
    pub fn name(self) -> String {
        match self {
            Self::Cover => "封面".to_string(),
            Self::Toc => "目录".to_string(),
            Self::Body(n) => format!("第 {n} 页"),
            Self::Blank => "空白页".to_string(),
        }
    }
}

/// How a reader names physical page `physical` (1-based) of `doc`: the
/// printed number for body pages (第 7 页（PDF 第 9 页）), 封面 or 目录
/// before the body.
pub fn page_label(doc: &PagedDocument, physical: usize) -> String {
    label_of(&numbers(doc), physical)
}

/// Per page: the logical number `counter(page)` gives it, or `None` for a
/// blank page, which counts but prints nothing (not even its number).
pub(crate) fn numbers(doc: &PagedDocument) -> Vec<Option<u64>> {
    doc.pages()
        .iter()
        .map(|p| (!is_blank(&p.frame)).then_some(p.number))
        .collect()
}

/// Whether a frame draws nothing (tags and links draw nothing).
fn is_blank(frame: &Frame) -> bool {
    frame.items().all(|(_, item)| match item {
        FrameItem::Group(g) => is_blank(&g.frame),
        FrameItem::Text(_) | FrameItem::Shape(..) | FrameItem::Image(..) => false,
        FrameItem::Link(..) | FrameItem::Tag(_) => true,
    })
}

/// The first body page (0-based) from the logical page numbers: the last
/// page numbered 1, where the template resets `counter(page)`.
pub(crate) fn body_start(numbers: &[Option<u64>]) -> usize {
    numbers.iter().rposition(|&n| n == Some(1)).unwrap_or(0)
}

/// [`page_label`] from the logical page numbers.
fn label_of(numbers: &[Option<u64>], physical: usize) -> String {
    match printed_of(numbers, physical) {
        None => format!("PDF 第 {physical} 页"),
        Some(p) => format!("{}（PDF 第 {physical} 页）", p.name()),
    }
}

/// What physical page `physical` is, from the logical page numbers; `None`
/// past the last page. The body starts where the template resets
/// `counter(page)` to 1, i.e. at the last page numbered 1; before it come
/// the cover and the 目录 (which may take several pages). A blank page is
/// named as one wherever it is.
pub(crate) fn printed_of(numbers: &[Option<u64>], physical: usize) -> Option<Printed> {
    let body = body_start(numbers);
    let index = physical.checked_sub(1)?;
    let n = *numbers.get(index)?;
    Some(match (index, n) {
        (_, None) => Printed::Blank,
        (0, _) if body > 0 => Printed::Cover,
        (i, _) if i < body => Printed::Toc,
        (_, Some(n)) => Printed::Body(n),
    })
}

/// "封面、目录、第 1、2、4 页": front and blank pages by name, body pages
/// by printed number under one 第…页.
fn names_of(pages: &[Printed]) -> String {
    let mut parts: Vec<String> = Vec::new();
    for p in pages {
        if !matches!(p, Printed::Body(_)) && !parts.contains(&p.name()) {
            parts.push(p.name());
        }
    }
    let body: Vec<String> = pages
        .iter()
        .filter_map(|p| match p {
            Printed::Body(n) => Some(n.to_string()),
            _ => None,
        })
        .collect();
    if !body.is_empty() {
        parts.push(format!("第 {} 页", body.join("、")));
    }
    parts.join("、")
}

/// The page-by-page comparison of two typeset versions.
///
/// It keeps the two typeset documents, not their rasters: a page is
/// rasterised when it is compared and again when it is written, so memory
/// stays flat however many pages there are (rasters of every page took
/// 1.3 GB for 257 pages, 1.7 GB for 379).
#[derive(Debug, Clone)]
pub struct Comparison {
    /// Every page position, in order.
    pub pages: Vec<PageDiff>,
    old: PagedDocument,
    new: PagedDocument,
}

/// Typesets both versions and compares them page by page.
pub fn compare(old: &Prepared, new: &Prepared, sources: &SourceMap) -> Result<Comparison> {
    let old = typeset(old, "旧版本.typ", sources)?;
    let new = typeset(new, "新版本.typ", sources)?;
    Ok(compare_documents(old, new))
}

/// Compares two typeset versions page by page.
pub fn compare_documents(old: PagedDocument, new: PagedDocument) -> Comparison {
    let count = old.pages().len().max(new.pages().len());
    let pages = (1..=count)
        .map(|number| {
            let (o, n) = (rasterise(&old, number), rasterise(&new, number));
            let state = match (&o, &n) {
                (Some(o), Some(n)) => match changed_areas(o, n) {
                    areas if areas.is_empty() => PageState::Same,
                    areas => PageState::Changed(areas),
                },
                (None, _) => PageState::Added,
                (_, None) => PageState::Removed,
            };
            PageDiff { number, state }
        })
        .collect();
    Comparison { pages, old, new }
}

fn typeset(prepared: &Prepared, name: &str, sources: &SourceMap) -> Result<PagedDocument> {
    Ok(prepared.typeset(Path::new(name), sources)?.document)
}

/// Page `number` (1-based) as a raster, or `None` past the last page.
fn rasterise(doc: &PagedDocument, number: usize) -> Option<Raster> {
    let opts = RenderOptions {
        pixel_per_pt: Scalar::new(PIXEL_PER_PT),
        render_bleed: false,
    };
    let pixmap = typst_render::render(doc.pages().get(number - 1)?, &opts);
    // The page is filled white, so premultiplied RGBA is plain RGBA.
    Some(Raster {
        width: pixmap.width(),
        height: pixmap.height(),
        rgba: pixmap.take(),
    })
}

/// The bounding boxes of the groups of differing tiles.
pub fn changed_areas(a: &Raster, b: &Raster) -> Vec<Area> {
    let (w, h) = (a.width.max(b.width), a.height.max(b.height));
    let (tw, th) = (w.div_ceil(TILE), h.div_ceil(TILE));
    let mut marked = vec![false; (tw * th) as usize];
    for y in 0..h {
        for x in 0..w {
            if a.pixel(x, y) != b.pixel(x, y) {
                marked[((y / TILE) * tw + x / TILE) as usize] = true;
            }
        }
    }
    groups(&marked, tw, th)
        .into_iter()
        .map(|(x0, y0, x1, y1)| Area {
            x0: (x0 * TILE).saturating_sub(PAD),
            y0: (y0 * TILE).saturating_sub(PAD),
            x1: ((x1 + 1) * TILE + PAD).min(w),
            y1: ((y1 + 1) * TILE + PAD).min(h),
        })
        .collect()
}

/// Tile bounding boxes of the marked tiles, joining tiles up to two apart
/// so that one changed word makes one box.
fn groups(marked: &[bool], tw: u32, th: u32) -> Vec<(u32, u32, u32, u32)> {
    let mut seen = vec![false; marked.len()];
    let mut out = Vec::new();
    for start in 0..marked.len() {
        if !marked[start] || seen[start] {
            continue;
        }
        seen[start] = true;
        let (sx, sy) = (start as u32 % tw, start as u32 / tw);
        let mut bbox = (sx, sy, sx, sy);
        let mut stack = vec![(sx, sy)];
        while let Some((x, y)) = stack.pop() {
            bbox = (bbox.0.min(x), bbox.1.min(y), bbox.2.max(x), bbox.3.max(y));
            for ny in y.saturating_sub(2)..(y + 3).min(th) {
                for nx in x.saturating_sub(2)..(x + 3).min(tw) {
                    let i = (ny * tw + nx) as usize;
                    if marked[i] && !seen[i] {
                        seen[i] = true;
                        stack.push((nx, ny));
                    }
                }
            }
        }
        out.push(bbox);
    }
    out.sort_by_key(|b| (b.1, b.0));
    out
}

impl Comparison {
    /// Whether any page differs.
    pub fn changed(&self) -> bool {
        self.pages.iter().any(|p| p.state != PageState::Same)
    }

    /// One line per changed page, then the unchanged pages on one line,
    /// each named by its printed number and its place in the PDF.
    pub fn summary(&self) -> String {
        let mut out = String::new();
        for p in &self.pages {
            let label = self.page_label(p.number);
            let line = match &p.state {
                PageState::Same => continue,
                PageState::Changed(areas) => format!("{label}有变化（{} 处）", areas.len()),
                PageState::Added => format!("{label}为新增页（旧版本没有此页）"),
                PageState::Removed => format!("{label}已删除（新版本没有此页）"),
            };
            out.push_str(&line);
            out.push('\n');
        }
        let same: Vec<usize> = self
            .pages
            .iter()
            .filter(|p| p.state == PageState::Same)
            .map(|p| p.number)
            .collect();
        let numbers = numbers(&self.new);
        let printed: Vec<Printed> = same
            .iter()
            .filter_map(|&n| printed_of(&numbers, n))
            .collect();
        let physical: Vec<String> = same.iter().map(usize::to_string).collect();
        match (same.len(), self.pages.len()) {
            (n, total) if n == total => out.push_str(&format!("全部 {total} 页无变化\n")),
            (0, _) => {}
            _ => out.push_str(&format!(
                "{}无变化（PDF 第 {} 页）\n",
                names_of(&printed),
                physical.join("、")
            )),
        }
        out
    }

    fn changed_pages(&self) -> impl Iterator<Item = &PageDiff> {
        self.pages.iter().filter(|p| p.state != PageState::Same)
    }

    /// The images of the pages that differ, in page order. Each page is
    /// rasterised and encoded only when the iterator reaches it, so no more
    /// than one page's rasters are held at a time.
    pub fn images(&self) -> impl Iterator<Item = PageImage> + '_ {
        self.changed_pages().map(|p| {
            let raster = self.compose(p);
            PageImage {
                number: p.number,
                state: p.state.clone(),
                width: raster.width,
                height: raster.height,
                png: raster.png(),
            }
        })
    }

    /// [`page_label`] of a physical page: from the new version, or from the
    /// old one for a page the new version no longer has.
    pub fn page_label(&self, physical: usize) -> String {
        let doc = if physical <= self.new.pages().len() {
            &self.new
        } else {
            &self.old
        };
        page_label(doc, physical)
    }

    /// A changed page's side-by-side image, rasterised anew (see [`Comparison`]).
    fn compose(&self, p: &PageDiff) -> Raster {
        let (old, new) = (
            rasterise(&self.old, p.number),
            rasterise(&self.new, p.number),
        );
        compose(p, old, new)
    }

    /// Writes the changed pages: PNG files into a folder, or one PDF when
    /// `out` ends in `.pdf`. Returns what was written.
    pub fn write(&self, out: &Path, prepared: &Prepared, sources: &SourceMap) -> Result<PathBuf> {
        if is_png_folder(out) {
            std::fs::create_dir_all(out).map_err(|e| io_error("创建输出文件夹", out, &e))?;
            remove_old_pngs(out)?;
            for p in self.changed_pages() {
                let path = out.join(png_name(p.number));
                write_atomic(&path, &self.compose(p).png())?;
            }
            return Ok(out.to_path_buf());
        }
        let pdf = self.pdf(prepared, sources)?;
        write_atomic(out, &pdf)?;
        Ok(out.to_path_buf())
    }

    /// A PDF with one page per changed page, typeset with the same fonts.
    ///
    /// The old and the new page are embedded as PDF pages (vector), not as
    /// rasters: Typst decodes every raster image it is given and keeps it
    /// until export, which took 1.4 GB for 211 changed pages.
    fn pdf(&self, prepared: &Prepared, sources: &SourceMap) -> Result<Vec<u8>> {
        let dir = Scratch::new()?;
        let changed: Vec<usize> = self.changed_pages().map(|p| p.number).collect();
        for (name, doc) in [(OLD_PDF, &self.old), (NEW_PDF, &self.new)] {
            let path = dir.0.join(name);
            let bytes = export_pages(doc, &changed)?;
            std::fs::write(&path, bytes).map_err(|e| io_error("写入临时文件", &path, &e))?;
        }
        let mut main = String::from(
            "#set document(title: \"页面对比：左为旧版本，右为新版本\")\n\
             #set text(font: \"FandolHei\", size: 12pt, lang: \"zh\")\n",
        );
        // Page k of an exported PDF is its k-th changed page.
        let (mut in_old, mut in_new) = (0, 0);
        for p in self.changed_pages() {
            let next = |doc: &PagedDocument, count: &mut usize| {
                (p.number <= doc.pages().len()).then(|| {
                    *count += 1;
                    *count
                })
            };
            let at = (next(&self.old, &mut in_old), next(&self.new, &mut in_new));
            main.push_str(&self.page_source(p, at));
        }
        prepared
            .typeset_other(main, &dir.0, Path::new("页面对比.typ"), sources)?
            .pdf()
    }

    /// The Typst source of one page of the comparison PDF: the layout of
    /// [`compose`], with the pages as PDF images and the areas as rects;
    /// `at` holds the page's number in the old and the new exported PDF.
    fn page_source(&self, p: &PageDiff, at: (Option<usize>, Option<usize>)) -> String {
        let size = |doc: &PagedDocument| {
            doc.pages().get(p.number - 1).map(|page| {
                let s = page.frame.size();
                (s.x.to_pt().ceil() as u32, s.y.to_pt().ceil() as u32)
            })
        };
        let (old, new) = (size(&self.old), size(&self.new));
        let (ow, oh) = old.unwrap_or((0, 0));
        let (nw, nh) = new.unwrap_or((0, 0));
        let (panel, height) = (ow.max(nw), oh.max(nh));
        let what = match p.state {
            PageState::Added => "为新增页",
            PageState::Removed => "已删除",
            _ => "有变化",
        };
        let mut out = format!(
            "#page(width: {w}pt, height: {h}pt, margin: 0pt)[\
             #place(top + left, dx: 10pt, dy: 8pt)[{label}{what}：左为旧版本，右为新版本]\
             #place(top + left, dy: {TITLE}pt, rect(width: {w}pt, height: {height}pt, \
             fill: luma(200), stroke: none))",
            w = 2 * panel + GAP,
            h = height + TITLE,
            label = self.page_label(p.number),
        );
        let sides = [
            (at.0, OLD_PDF, 0, (ow, oh)),
            (at.1, NEW_PDF, panel + GAP, (nw, nh)),
        ];
        for (page, file, dx, (pw, ph)) in &sides {
            if let Some(page) = page {
                // The exported page has no background of its own.
                out.push_str(&format!(
                    "#place(top + left, dx: {dx}pt, dy: {TITLE}pt, \
                     rect(width: {pw}pt, height: {ph}pt, fill: white, stroke: none))\
                     #place(top + left, dx: {dx}pt, dy: {TITLE}pt, \
                     image(\"/data/{file}\", page: {page}))"
                ));
            }
        }
        let areas = boxed_areas(&p.state, panel, height);
        for a in &areas {
            for (_, _, dx, _) in sides.iter().filter(|s| s.0.is_some()) {
                out.push_str(&format!(
                    "#place(top + left, dx: {x}pt, dy: {y}pt, rect(width: {aw}pt, \
                     height: {ah}pt, fill: rgb(255, 0, 0, 64), \
                     stroke: (paint: rgb(220, 0, 0), thickness: 2pt)))",
                    // Inset by half the stroke: the raster's border lies inside.
                    x = a.x0 + dx + 1,
                    y = a.y0 + TITLE + 1,
                    aw = (a.x1 - a.x0).saturating_sub(2),
                    ah = (a.y1 - a.y0).saturating_sub(2),
                ));
            }
        }
        out.push_str("]\n");
        out
    }
}

/// The pages `numbers` (1-based, those past the end skipped) of a document
/// as a PDF, untagged: only an intermediate for the comparison PDF.
fn export_pages(doc: &PagedDocument, numbers: &[usize]) -> Result<Vec<u8>> {
    let ranges = numbers
        .iter()
        .filter_map(|&n| NonZeroUsize::new(n))
        .map(|n| Some(n)..=Some(n))
        .collect();
    let options = PdfOptions {
        page_ranges: Some(PageRanges::new(ranges)),
        tagged: false,
        ..PdfOptions::default()
    };
    typst_pdf::pdf(doc, &options).map_err(|errors| {
        let message = |e: &typst::diag::SourceDiagnostic| format!("PDF 导出失败：{}", e.message);
        Diagnostics(
            errors
                .iter()
                .map(|e| Diagnostic::error(message(e)))
                .collect(),
        )
    })
}

/// Removes the page images of an earlier comparison, so the folder holds
/// exactly the pages of this one.
fn remove_old_pngs(dir: &Path) -> Result<()> {
    let entries = std::fs::read_dir(dir).map_err(|e| io_error("读取文件夹", dir, &e))?;
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let ours = name
            .strip_prefix("page-")
            .and_then(|n| n.strip_suffix(".png"));
        if ours.is_some_and(|n| n.len() >= 3 && n.bytes().all(|b| b.is_ascii_digit())) {
            let path = entry.path();
            std::fs::remove_file(&path).map_err(|e| io_error("删除旧的对比图", &path, &e))?;
        }
    }
    Ok(())
}

fn png_name(number: usize) -> String {
    format!("page-{number:03}.png")
}

/// Whether an output path means a folder of PNG files (not `*.pdf`).
pub fn is_png_folder(path: &Path) -> bool {
    path.is_dir()
        || path.to_string_lossy().ends_with('/')
        || path
            .extension()
            .is_none_or(|e| !e.eq_ignore_ascii_case("pdf"))
}

/// The old and the new page side by side on grey, changed areas boxed in
/// red on both; an added or removed page is boxed whole.
fn compose(p: &PageDiff, old: Option<Raster>, new: Option<Raster>) -> Raster {
    let size = |r: &Option<Raster>| r.as_ref().map_or((0, 0), |r| (r.width, r.height));
    let ((ow, oh), (nw, nh)) = (size(&old), size(&new));
    let panel = ow.max(nw);
    let mut canvas = Raster::filled(2 * panel + GAP, oh.max(nh), 200);
    if let Some(o) = &old {
        canvas.blit(o, 0);
    }
    if let Some(n) = &new {
        canvas.blit(n, panel + GAP);
    }
    let areas = boxed_areas(&p.state, panel, oh.max(nh));
    for a in &areas {
        if old.is_some() {
            highlight(&mut canvas, a, 0);
        }
        if new.is_some() {
            highlight(&mut canvas, a, panel + GAP);
        }
    }
    canvas
}

/// The areas to box on a page: the changed ones, or the whole page
/// (`width` x `height`) when it was added or removed.
fn boxed_areas(state: &PageState, width: u32, height: u32) -> Vec<Area> {
    match state {
        PageState::Changed(areas) => areas.clone(),
        _ => vec![Area {
            x0: 0,
            y0: 0,
            x1: width,
            y1: height,
        }],
    }
}

/// Tints an area red and draws a 2-pixel red border around it.
fn highlight(canvas: &mut Raster, a: &Area, dx: u32) {
    for y in a.y0..a.y1 {
        for x in a.x0..a.x1 {
            let [r, g, b, _] = canvas.pixel(x + dx, y);
            let border = x < a.x0 + 2 || x + 2 >= a.x1 || y < a.y0 + 2 || y + 2 >= a.y1;
            let px = if border {
                [220, 0, 0, 255]
            } else {
                // 25 % red over the page.
                let mix = |c: u8, t: u8| ((u16::from(c) * 3 + u16::from(t)) / 4) as u8;
                [mix(r, 255), mix(g, 0), mix(b, 0), 255]
            };
            canvas.put(x + dx, y, px);
        }
    }
}

/// A temporary folder for the comparison PDF's images; removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new() -> Result<Self> {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let dir = std::env::temp_dir().join(format!("jixiao-pages-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&dir).map_err(|e| io_error("创建临时文件夹", &dir, &e))?;
        Ok(Self(dir))
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_changed_pixel_makes_one_area() {
        let a = Raster::filled(64, 64, 255);
        let mut b = a.clone();
        b.put(20, 30, [0, 0, 0, 255]);
        b.put(22, 31, [0, 0, 0, 255]);
        let areas = changed_areas(&a, &b);
        assert_eq!(areas.len(), 1, "{areas:?}");
        let r = areas[0];
        assert!(r.x0 <= 20 && r.x1 > 22 && r.y0 <= 30 && r.y1 > 31, "{r:?}");
        assert!(changed_areas(&a, &a).is_empty());
    }

    #[test]
    fn distant_changes_make_separate_areas() {
        let a = Raster::filled(200, 200, 255);
        let mut b = a.clone();
        b.put(5, 5, [0, 0, 0, 255]);
        b.put(150, 150, [0, 0, 0, 255]);
        assert_eq!(changed_areas(&a, &b).len(), 2);
    }

    #[test]
    fn pages_are_named_cover_toc_and_by_printed_number() {
        // Cover, two 目录 pages, then the body counted from 1.
        let numbers = [1, 2, 3, 1, 2, 3].map(Some);
        let labels: Vec<String> = (1..=7).map(|p| label_of(&numbers, p)).collect();
        assert_eq!(
            labels,
            [
                "封面（PDF 第 1 页）",
                "目录（PDF 第 2 页）",
                "目录（PDF 第 3 页）",
                "第 1 页（PDF 第 4 页）",
                "第 2 页（PDF 第 5 页）",
                "第 3 页（PDF 第 6 页）",
                "PDF 第 7 页",
            ]
        );
        // Without cover and 目录 the body starts on the first page.
        let body = [Some(1), Some(2)];
        assert_eq!(label_of(&body, 1), "第 1 页（PDF 第 1 页）");
        assert_eq!(label_of(&body, 2), "第 2 页（PDF 第 2 页）");
        // A cover alone before the body.
        let cover = [Some(1), Some(1), Some(2)];
        assert_eq!(label_of(&cover, 1), "封面（PDF 第 1 页）");
        assert_eq!(label_of(&cover, 3), "第 2 页（PDF 第 3 页）");
    }

    #[test]
    fn blank_pages_are_named_blank_and_keep_the_count() {
        // Duplex: cover, blank, 目录, blank, body 1–2, blank (counted as
        // 3), body 4.
        let numbers = [
            Some(1),
            None,
            Some(3),
            None,
            Some(1),
            Some(2),
            None,
            Some(4),
        ];
        let labels: Vec<String> = (1..=8).map(|p| label_of(&numbers, p)).collect();
        assert_eq!(
            labels,
            [
                "封面（PDF 第 1 页）",
                "空白页（PDF 第 2 页）",
                "目录（PDF 第 3 页）",
                "空白页（PDF 第 4 页）",
                "第 1 页（PDF 第 5 页）",
                "第 2 页（PDF 第 6 页）",
                "空白页（PDF 第 7 页）",
                "第 4 页（PDF 第 8 页）",
            ]
        );
        let printed: Vec<Printed> = (1..=8).filter_map(|p| printed_of(&numbers, p)).collect();
        assert_eq!(names_of(&printed), "封面、空白页、目录、第 1、2、4 页");
    }

    #[test]
    fn unchanged_pages_are_listed_by_printed_number() {
        let pages = [
            Printed::Cover,
            Printed::Toc,
            Printed::Toc,
            Printed::Body(1),
            Printed::Body(4),
        ];
        assert_eq!(names_of(&pages), "封面、目录、第 1、4 页");
        assert_eq!(names_of(&pages[3..]), "第 1、4 页");
        assert_eq!(names_of(&pages[1..2]), "目录");
    }

    #[test]
    fn png_output_is_a_png() {
        let png = Raster::filled(3, 2, 128).png();
        assert_eq!(&png[1..4], b"PNG");
    }
}
