//! One page's `Content.xml`: Typst's frames walked in paint order, text runs
//! as text objects (characters, glyph advances and, through `CGTransform`,
//! the glyphs of the embedded subset) and shapes as path objects. Lengths
//! are millimetres with y down, as in Typst.

use std::fmt::Write;

use typst::layout::{Abs, Frame, FrameItem, Point, Transform};
use typst::text::TextItem;
use typst::visualize::{
    CurveItem, FillRule, FixedStroke, Geometry, LineCap, LineJoin, Paint, Shape,
};

use super::Ids;
use super::fonts::Fonts;
use super::xml::{NS, escape, mm, number};

/// Writes the pages' content, sharing the fonts and IDs of the package.
pub(super) struct PageWriter<'a> {
    /// The XML written so far.
    out: String,
    /// The package's fonts.
    fonts: &'a mut Fonts,
    /// The package's object IDs.
    ids: &'a mut Ids,
}

/// The `Content.xml` of a page whose frame is `frame`.
pub(super) fn content(frame: &Frame, fonts: &mut Fonts, ids: &mut Ids) -> String {
    let size = frame.size();
    let layer = ids.next();
    let mut w = PageWriter {
        out: String::new(),
        fonts,
        ids,
    };
    let _ = writeln!(
        w.out,
        "{}<ofd:Page xmlns:ofd=\"{NS}\"><ofd:Area><ofd:PhysicalBox>0 0 {} {}</ofd:PhysicalBox></ofd:Area>\n<ofd:Content><ofd:Layer ID=\"{layer}\">",
        super::xml::DECLARATION,
        mm(size.x),
        mm(size.y),
    );
    w.frame(frame, Transform::identity());
    w.out.push_str("</ofd:Layer></ofd:Content></ofd:Page>\n");
    w.out
}

impl PageWriter<'_> {
    fn frame(&mut self, frame: &Frame, ts: Transform) {
        for (pos, item) in frame.items() {
            let at = ts.pre_concat(Transform::translate(pos.x, pos.y));
            match item {
                FrameItem::Group(group) => self.frame(&group.frame, at.pre_concat(group.transform)),
                FrameItem::Text(text) => self.text(text, at),
                FrameItem::Shape(shape, _) => self.shape(shape, at),
                // No images in the documents jixiao makes; links and tags
                // draw nothing.
                FrameItem::Image(..) | FrameItem::Link(..) | FrameItem::Tag(_) => {}
            }
        }
    }

    /// A run of glyphs as one text object, its origin at the baseline's start.
    fn text(&mut self, item: &TextItem, ts: Transform) {
        let scale = scale_of(ts);
        let run = Run::of(item, scale);
        if run.clusters.is_empty() {
            return;
        }
        let size = item.size * scale;
        let origin = Point::zero().transform(ts);
        // A generous box: readers may clip a text object to its boundary.
        let (left, top) = (origin.x - size, origin.y - size * 1.5);
        let width = run.width + size * 2.0;
        let id = self.ids.next();
        let font = self.fonts.id(item.font.font(), self.ids);
        let _ = write!(
            self.out,
            "<ofd:TextObject ID=\"{id}\" Boundary=\"{} {} {} {}\" Font=\"{font}\" Size=\"{}\">{}",
            mm(left),
            mm(top),
            mm(width),
            mm(size * 2.5),
            mm(size),
            color("FillColor", &item.fill),
        );
        self.cg_transforms(item, &run);
        self.fonts.cover(item.font.font(), &run.text, self.ids);
        let _ = writeln!(
            self.out,
            "<ofd:TextCode X=\"{}\" Y=\"{}\"{}>{}</ofd:TextCode></ofd:TextObject>",
            mm(origin.x + run.xs[0] - left),
            mm(origin.y - top),
            deltas(&run.xs),
            escape(&run.text),
        );
    }

    /// The glyphs of each cluster: runs of one-to-one clusters share one
    /// `CGTransform`, any other cluster gets its own.
    fn cg_transforms(&mut self, item: &TextItem, run: &Run) {
        let font = item.font.font();
        let mut code = 0;
        let mut i = 0;
        while i < run.clusters.len() {
            let one = |c: &Cluster| c.chars == 1 && c.glyphs.len() == 1;
            let take = if one(&run.clusters[i]) {
                run.clusters[i..].iter().take_while(|c| one(c)).count()
            } else {
                1
            };
            let group = &run.clusters[i..i + take];
            let chars: usize = group.iter().map(|c| c.chars).sum();
            let glyphs: Vec<String> = group
                .iter()
                .flat_map(|c| &c.glyphs)
                .map(|&g| self.fonts.glyph(font, g, self.ids).to_string())
                .collect();
            let _ = write!(
                self.out,
                "<ofd:CGTransform CodePosition=\"{code}\" CodeCount=\"{chars}\" GlyphCount=\"{}\"><ofd:Glyphs>{}</ofd:Glyphs></ofd:CGTransform>",
                glyphs.len(),
                glyphs.join(" "),
            );
            code += chars;
            i += take;
        }
    }

    /// A shape as a path object in a box around its points.
    fn shape(&mut self, shape: &Shape, ts: Transform) {
        if shape.fill.is_none() && shape.stroke.is_none() {
            return;
        }
        let segments: Vec<CurveItem> = segments(&shape.geometry)
            .into_iter()
            .map(|s| transformed(s, ts))
            .collect();
        let points: Vec<Point> = segments.iter().flat_map(points_of).collect();
        let Some((min, max)) = bounds(&points) else {
            return;
        };
        let width = shape.stroke.as_ref().map_or(Abs::zero(), |s| s.thickness) * scale_of(ts);
        let pad = width / 2.0 + Abs::pt(1.0);
        let corner = Point::new(min.x - pad, min.y - pad);
        let id = self.ids.next();
        let _ = write!(
            self.out,
            "<ofd:PathObject ID=\"{id}\" Boundary=\"{} {} {} {}\"{}{}>",
            mm(corner.x),
            mm(corner.y),
            mm(max.x - min.x + pad * 2.0),
            mm(max.y - min.y + pad * 2.0),
            path_attributes(shape, width),
            stroke_attributes(shape.stroke.as_ref(), width, scale_of(ts)),
        );
        // CT_Path's order: StrokeColor, then FillColor.
        if let Some(stroke) = &shape.stroke {
            self.out.push_str(&color("StrokeColor", &stroke.paint));
        }
        if let Some(fill) = &shape.fill {
            self.out.push_str(&color("FillColor", fill));
        }
        let _ = writeln!(
            self.out,
            "<ofd:AbbreviatedData>{}</ofd:AbbreviatedData></ofd:PathObject>",
            abbreviated(&segments, corner),
        );
    }
}

/// One cluster of a text run: its characters and glyphs (original IDs).
struct Cluster {
    /// How many characters.
    chars: usize,
    /// Whether they are all white space.
    blank: bool,
    /// The glyphs drawn for them.
    glyphs: Vec<u16>,
}

/// A text run laid out: its characters, each character's x (relative to
/// the run's origin) and its clusters.
struct Run {
    /// The characters, in order.
    text: String,
    /// Each character's x position.
    xs: Vec<Abs>,
    /// The clusters, in order.
    clusters: Vec<Cluster>,
    /// The run's advance width.
    width: Abs,
}

impl Run {
    fn of(item: &TextItem, scale: f64) -> Self {
        let mut run = Run {
            text: String::new(),
            xs: Vec::new(),
            clusters: Vec::new(),
            width: Abs::zero(),
        };
        let size = item.size * scale;
        let mut pen = Abs::zero();
        let mut last: Option<std::ops::Range<u16>> = None;
        for glyph in &item.glyphs {
            let x = pen + glyph.x_offset.at(size);
            pen += glyph.x_advance.at(size);
            if last.as_ref() == Some(&glyph.range) {
                if let Some(c) = run.clusters.last_mut() {
                    c.glyphs.push(glyph.id);
                }
                continue;
            }
            last = Some(glyph.range.clone());
            // A glyph without characters (none in practice) still needs a
            // code to carry it: the replacement character.
            let chars: String = match item.text.get(glyph.range()) {
                Some(s) if !s.is_empty() => s.to_string(),
                _ => "\u{FFFD}".to_string(),
            };
            let n = chars.chars().count();
            run.text.push_str(&chars);
            run.xs.extend(std::iter::repeat_n(x, n));
            run.clusters.push(Cluster {
                chars: n,
                blank: chars.chars().all(char::is_whitespace),
                glyphs: vec![glyph.id],
            });
        }
        run.width = pen;
        run.trim();
        run
    }

    /// Drops white space at either end: it draws nothing, and readers that
    /// strip an element's outer white space (xmltodict, and easyofd with
    /// it) would otherwise give every character the next one's position.
    fn trim(&mut self) {
        while let Some(c) = self.clusters.pop_if(|c| c.blank) {
            for _ in 0..c.chars {
                self.text.pop();
                self.xs.pop();
            }
        }
        let lead = self.clusters.iter().take_while(|c| c.blank).count();
        let chars: usize = self.clusters.drain(..lead).map(|c| c.chars).sum();
        self.xs.drain(..chars);
        self.text = self.text.chars().skip(chars).collect();
    }
}

/// The ` DeltaX="…"` attribute: the distance from each character to the
/// next, written out in full (no `g` shorthand, which some readers get
/// wrong); none for a single character.
fn deltas(xs: &[Abs]) -> String {
    let parts: Vec<String> = xs.windows(2).map(|w| mm(w[1] - w[0])).collect();
    if parts.is_empty() {
        return String::new();
    }
    format!(" DeltaX=\"{}\"", parts.join(" "))
}

/// How much a transform scales lengths (the square root of its area scale).
fn scale_of(ts: Transform) -> f64 {
    let det = ts.sx.get() * ts.sy.get() - ts.kx.get() * ts.ky.get();
    det.abs().sqrt()
}

/// `<ofd:FillColor Value="r g b"/>` (or another element name) for a paint;
/// gradients and tilings are drawn black.
fn color(element: &str, paint: &Paint) -> String {
    let color = match paint {
        Paint::Solid(color) => color.clone(),
        // No gradients or tilings in the documents jixiao makes.
        Paint::Gradient(_) | Paint::Tiling(_) => typst::visualize::Color::BLACK,
    };
    let rgb = color.to_rgb();
    let byte = |v: f32| (v.clamp(0.0, 1.0) * 255.0).round() as u8;
    let alpha = byte(rgb.alpha);
    let alpha = if alpha == 255 {
        String::new()
    } else {
        format!(" Alpha=\"{alpha}\"")
    };
    format!(
        "<ofd:{element} Value=\"{} {} {}\"{alpha}/>",
        byte(rgb.red),
        byte(rgb.green),
        byte(rgb.blue),
    )
}

/// `Stroke`, `Fill` and `Rule` of a path object.
fn path_attributes(shape: &Shape, width: Abs) -> String {
    let stroke = shape.stroke.is_some() && width > Abs::zero();
    let mut out = format!(" Stroke=\"{stroke}\" Fill=\"{}\"", shape.fill.is_some());
    if shape.fill.is_some() && shape.fill_rule == FillRule::EvenOdd {
        out.push_str(" Rule=\"Even-Odd\"");
    }
    out
}

/// `LineWidth`, `Cap`, `Join` and the dash pattern of a stroke.
fn stroke_attributes(stroke: Option<&FixedStroke>, width: Abs, scale: f64) -> String {
    let Some(stroke) = stroke else {
        return String::new();
    };
    let cap = match stroke.cap {
        LineCap::Butt => "Butt",
        LineCap::Round => "Round",
        LineCap::Square => "Square",
    };
    let join = match stroke.join {
        LineJoin::Miter => "Miter",
        LineJoin::Round => "Round",
        LineJoin::Bevel => "Bevel",
    };
    let mut out = format!(" LineWidth=\"{}\" Cap=\"{cap}\" Join=\"{join}\"", mm(width));
    let _ = write!(out, " MiterLimit=\"{}\"", number(stroke.miter_limit.get()));
    if let Some(dash) = &stroke.dash {
        let array: Vec<String> = dash.array.iter().map(|&d| mm(d * scale)).collect();
        let _ = write!(
            out,
            " DashOffset=\"{}\" DashPattern=\"{}\"",
            mm(dash.phase * scale),
            array.join(" ")
        );
    }
    out
}

/// A geometry as curve segments in its own coordinates.
fn segments(geometry: &Geometry) -> Vec<CurveItem> {
    match geometry {
        Geometry::Line(to) => vec![CurveItem::Move(Point::zero()), CurveItem::Line(*to)],
        Geometry::Rect(size) => vec![
            CurveItem::Move(Point::zero()),
            CurveItem::Line(Point::new(size.x, Abs::zero())),
            CurveItem::Line(Point::new(size.x, size.y)),
            CurveItem::Line(Point::new(Abs::zero(), size.y)),
            CurveItem::Close,
        ],
        Geometry::Curve(curve) => curve.0.clone(),
    }
}

fn transformed(item: CurveItem, ts: Transform) -> CurveItem {
    let t = |p: Point| p.transform(ts);
    match item {
        CurveItem::Move(p) => CurveItem::Move(t(p)),
        CurveItem::Line(p) => CurveItem::Line(t(p)),
        CurveItem::Cubic(a, b, c) => CurveItem::Cubic(t(a), t(b), t(c)),
        CurveItem::Close => CurveItem::Close,
    }
}

fn points_of(item: &CurveItem) -> Vec<Point> {
    match item {
        CurveItem::Move(p) | CurveItem::Line(p) => vec![*p],
        CurveItem::Cubic(a, b, c) => vec![*a, *b, *c],
        CurveItem::Close => Vec::new(),
    }
}

/// The smallest and largest coordinates of some points.
fn bounds(points: &[Point]) -> Option<(Point, Point)> {
    let first = *points.first()?;
    Some(points.iter().fold((first, first), |(lo, hi), p| {
        (
            Point::new(lo.x.min(p.x), lo.y.min(p.y)),
            Point::new(hi.x.max(p.x), hi.y.max(p.y)),
        )
    }))
}

/// `AbbreviatedData`: `M x y`, `L x y`, `B x1 y1 x2 y2 x3 y3`, `C`, in
/// millimetres relative to the object's boundary corner.
fn abbreviated(segments: &[CurveItem], corner: Point) -> String {
    let p = |p: &Point| format!("{} {}", mm(p.x - corner.x), mm(p.y - corner.y));
    let parts: Vec<String> = segments
        .iter()
        .map(|s| match s {
            CurveItem::Move(a) => format!("M {}", p(a)),
            CurveItem::Line(a) => format!("L {}", p(a)),
            CurveItem::Cubic(a, b, c) => format!("B {} {} {}", p(a), p(b), p(c)),
            CurveItem::Close => "C".to_string(),
        })
        .collect();
    parts.join(" ")
}
