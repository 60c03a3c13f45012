//! One page's `Content.xml`: Typst's frames walked in paint order, text runs
//! as text objects (characters, glyph advances and, through `CGTransform`,
//! the glyphs of the embedded subset) and shapes as path objects. Lengths
//! are millimetres with y down, as in Typst.

use std::fmt::Write;

use typst::layout::{Abs, Frame, FrameItem, Point, Size, Transform};
use typst::text::TextItem;
use typst::visualize::{
    Curve, CurveItem, FillRule, FixedStroke, Geometry, Image, LineCap, LineJoin, Paint, Shape,
};

use super::Ids;
use super::fonts::Fonts;
use super::images::Images;
use super::xml::{NS, escape, mm, number};

/// Writes the pages' content, sharing the fonts and IDs of the package.
pub(super) struct PageWriter<'a> {
    /// The XML written so far.
    out: String,
    /// The package's fonts.
    fonts: &'a mut Fonts,
    /// The package's images.
    images: &'a mut Images,
    /// The package's object IDs.
    ids: &'a mut Ids,
    /// The clip paths of the groups being written, in page coordinates:
    /// what is drawn shows only inside all of them.
    clips: Vec<Vec<CurveItem>>,
}

/// The `Content.xml` of a page whose frame is `frame`.
pub(super) fn content(
    frame: &Frame,
    fonts: &mut Fonts,
    images: &mut Images,
    ids: &mut Ids,
) -> String {
    let size = frame.size();
    let layer = ids.next();
    let mut w = PageWriter {
        out: String::new(),
        fonts,
        images,
        ids,
        clips: Vec::new(),
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
                FrameItem::Group(group) => {
                    let inner = at.pre_concat(group.transform);
                    let clip = group.clip.as_ref().map(|clip| {
                        let path = clip.0.iter().map(|s| transformed(s.clone(), inner));
                        path.collect()
                    });
                    let clipped = clip.is_some();
                    self.clips.extend(clip);
                    self.frame(&group.frame, inner);
                    if clipped {
                        self.clips.pop();
                    }
                }
                FrameItem::Text(text) => self.text(text, at),
                FrameItem::Shape(shape, _) => self.shape(shape, at),
                FrameItem::Image(image, size, _) => self.image(image, *size, at),
                // Links and tags draw nothing.
                FrameItem::Link(..) | FrameItem::Tag(_) => {}
            }
        }
    }

    /// A run of glyphs as one text object, its origin at the baseline's
    /// start. Upright text is placed in page coordinates (positions and
    /// size scaled); turned, mirrored or unevenly scaled text keeps its own
    /// coordinates and a `CTM` maps them onto the page.
    fn text(&mut self, item: &TextItem, ts: Transform) {
        let upright =
            ts.kx.get() == 0.0 && ts.ky.get() == 0.0 && ts.sx.get() > 0.0 && ts.sx == ts.sy;
        let scale = if upright { scale_of(ts) } else { 1.0 };
        let run = Run::of(item, scale);
        if run.clusters.is_empty() {
            return;
        }
        let size = item.size * scale;
        // A generous box around the run: readers may clip to the boundary.
        let (left, top) = (-size, -size * 1.5);
        let (width, height) = (run.width + size * 2.0, size * 2.5);
        let origin = Point::zero().transform(ts);
        let (corner, extent, ctm, at) = if upright {
            let corner = Point::new(origin.x + left, origin.y + top);
            let at = Point::new(run.xs[0] - left, -top);
            (corner, Point::new(width, height), String::new(), at)
        } else {
            let own = Size::new(width, height);
            let Some((corner, extent, offset)) = placed(ts, Point::new(left, top), own) else {
                return;
            };
            let ctm = format!(
                " CTM=\"{} {} {} {} {} {}\"",
                number(ts.sx.get()),
                number(ts.ky.get()),
                number(ts.kx.get()),
                number(ts.sy.get()),
                mm(offset.x),
                mm(offset.y),
            );
            (corner, extent, ctm, Point::new(run.xs[0], Abs::zero()))
        };
        let id = self.ids.next();
        let slot = self.fonts.slot(item.font.font(), self.ids);
        let font = self.fonts.id(slot);
        let _ = write!(
            self.out,
            "<ofd:TextObject ID=\"{id}\" Boundary=\"{} {} {} {}\"{ctm} Font=\"{font}\" Size=\"{}\">{}{}",
            mm(corner.x),
            mm(corner.y),
            mm(extent.x),
            mm(extent.y),
            mm(size),
            self.clips_at(corner, extent),
            color("FillColor", &item.fill),
        );
        self.cg_transforms(slot, &run);
        self.fonts.cover(slot, &run.text);
        let _ = writeln!(
            self.out,
            "<ofd:TextCode X=\"{}\" Y=\"{}\"{}>{}</ofd:TextCode></ofd:TextObject>",
            mm(at.x),
            mm(at.y),
            deltas(&run.xs),
            escape(&run.text),
        );
    }

    /// The glyphs of each cluster: runs of one-to-one clusters share one
    /// `CGTransform`, any other cluster gets its own.
    fn cg_transforms(&mut self, slot: usize, run: &Run) {
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
                .map(|&g| self.fonts.glyph(slot, g).to_string())
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

    /// An image as an image object: OFD draws an image into the unit
    /// square, which the `CTM` maps onto where Typst placed it (scaled,
    /// and turned or mirrored if the frame is), relative to the boundary.
    fn image(&mut self, image: &Image, size: Size, ts: Transform) {
        let Some((corner, extent, offset)) = placed(ts, Point::zero(), size) else {
            return;
        };
        let id = self.ids.next();
        let resource = self.images.id(image, size * scale_of(ts), self.ids);
        let ctm = [
            size.x * ts.sx.get(),
            size.x * ts.ky.get(),
            size.y * ts.kx.get(),
            size.y * ts.sy.get(),
            offset.x,
            offset.y,
        ];
        let ctm: Vec<String> = ctm.into_iter().map(mm).collect();
        let clips = self.clips_at(corner, extent);
        let close = if clips.is_empty() {
            "/>".to_string()
        } else {
            format!(">{clips}</ofd:ImageObject>")
        };
        let _ = writeln!(
            self.out,
            "<ofd:ImageObject ID=\"{id}\" Boundary=\"{} {} {} {}\" CTM=\"{}\" ResourceID=\"{resource}\"{close}",
            mm(corner.x),
            mm(corner.y),
            mm(extent.x),
            mm(extent.y),
            ctm.join(" "),
        );
    }

    /// `<ofd:Clips>` for an object whose boundary is `corner` + `extent`:
    /// one clip per clipping group around it (OFD draws the object where
    /// all its clips overlap), each path relative to the boundary; nothing
    /// outside clipping groups.
    fn clips_at(&self, corner: Point, extent: Point) -> String {
        if self.clips.is_empty() {
            return String::new();
        }
        let mut out = String::from("<ofd:Clips>");
        for clip in &self.clips {
            let _ = write!(
                out,
                "<ofd:Clip><ofd:Area><ofd:Path Boundary=\"0 0 {} {}\" Stroke=\"false\" Fill=\"true\"><ofd:AbbreviatedData>{}</ofd:AbbreviatedData></ofd:Path></ofd:Area></ofd:Clip>",
                mm(extent.x),
                mm(extent.y),
                abbreviated(clip, corner),
            );
        }
        out.push_str("</ofd:Clips>");
        out
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
        let extent = Point::new(max.x - min.x + pad * 2.0, max.y - min.y + pad * 2.0);
        let id = self.ids.next();
        let _ = write!(
            self.out,
            "<ofd:PathObject ID=\"{id}\" Boundary=\"{} {} {} {}\"{}{}>{}",
            mm(corner.x),
            mm(corner.y),
            mm(extent.x),
            mm(extent.y),
            path_attributes(shape, width),
            stroke_attributes(shape.stroke.as_ref(), width, scale_of(ts)),
            self.clips_at(corner, extent),
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

/// Where an object whose own box is `corner` + `size` (in its own
/// coordinates, which `ts` maps onto the page) lands: the top-left corner
/// and size of its boundary on the page, and where its origin is inside
/// that boundary (a `CTM`'s translation).
fn placed(ts: Transform, corner: Point, size: Size) -> Option<(Point, Point, Point)> {
    let corners = [(0.0, 0.0), (1.0, 0.0), (0.0, 1.0), (1.0, 1.0)]
        .map(|(u, v)| Point::new(corner.x + size.x * u, corner.y + size.y * v).transform(ts));
    let (min, max) = bounds(&corners)?;
    Some((min, max - min, Point::zero().transform(ts) - min))
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

/// `<ofd:FillColor Value="r g b"/>` (or another element name) for a paint.
fn color(element: &str, paint: &Paint) -> String {
    let color = match paint {
        Paint::Solid(color) => color.clone(),
        // The templates paint neither gradients nor tilings: a gradient a
        // project's template adds is drawn in its middle colour (not as an
        // OFD shading), a tiling in black.
        Paint::Gradient(gradient) => gradient.sample(typst::visualize::RatioOrAngle::Ratio(
            typst::layout::Ratio::new(0.5),
        )),
        Paint::Tiling(_) => typst::visualize::Color::BLACK,
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
        Geometry::Rect(size) => Curve::rect(*size).0,
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

#[cfg(test)]
mod tests {
    use typst::foundations::Bytes;
    use typst::layout::{Angle, FrameKind, GroupItem};
    use typst::syntax::Span;
    use typst::visualize::{ExchangeFormat, RasterImage, SvgImage};

    use super::*;

    /// A 4 × 2 pixel PNG.
    fn png() -> Vec<u8> {
        let mut out = Vec::new();
        let mut enc = png::Encoder::new(&mut out, 4, 2);
        enc.set_color(png::ColorType::Rgb);
        let mut writer = enc.write_header().unwrap();
        writer.write_image_data(&[200; 24]).unwrap();
        writer.finish().unwrap();
        out
    }

    /// The `Content.xml` of a 100 × 100 pt page holding `items`, and the
    /// package's images.
    fn page_with(items: Vec<(Point, FrameItem)>) -> (String, Images) {
        let mut frame = Frame::new(Size::splat(Abs::pt(100.0)), FrameKind::Hard);
        for (at, item) in items {
            frame.push(at, item);
        }
        let (mut fonts, mut images, mut ids) = (Fonts::default(), Images::default(), Ids(0));
        (content(&frame, &mut fonts, &mut images, &mut ids), images)
    }

    #[test]
    fn an_image_fills_its_box_through_the_ctm() {
        let image =
            Image::plain(RasterImage::plain(Bytes::new(png()), ExchangeFormat::Png).unwrap());
        let size = Size::new(Abs::mm(40.0), Abs::mm(20.0));
        let item = FrameItem::Image(image.clone(), size, Span::detached());
        let again = FrameItem::Image(image, size, Span::detached());
        let at = Point::new(Abs::mm(10.0), Abs::mm(5.0));
        let (xml, images) = page_with(vec![(at, item), (Point::zero(), again)]);
        assert!(
            xml.contains("<ofd:ImageObject ID=\"2\" Boundary=\"10 5 40 20\" CTM=\"40 0 0 20 0 0\" ResourceID=\"3\"/>"),
            "{xml}"
        );
        assert!(
            xml.contains("Boundary=\"0 0 40 20\" CTM=\"40 0 0 20 0 0\" ResourceID=\"3\""),
            "{xml}"
        );
        let res = images.resources().unwrap();
        assert_eq!(
            res.matches("<ofd:MultiMedia ").count(),
            1,
            "one resource for both: {res}"
        );
        assert!(
            res.contains("Format=\"PNG\"><ofd:MediaFile>image_3.png<"),
            "{res}"
        );
        let files: Vec<_> = images.files().collect();
        assert_eq!(
            files,
            [("image_3.png".to_string(), png())],
            "the PNG as it was"
        );
    }

    /// "一二" in FandolSong at 10 pt, each glyph 1 em wide.
    fn text_item() -> TextItem {
        use typst::layout::Em;
        use typst::text::{Font, FontVariant, FontVariations, Glyph, Lang};
        let data = std::fs::read(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fonts/FandolSong-Regular.otf"),
        )
        .unwrap();
        let font = Font::new(Bytes::new(data), 0).unwrap();
        let face = ttf_parser::Face::parse(font.data(), 0).unwrap();
        let glyph = |c: char, range: std::ops::Range<u16>| Glyph {
            id: face.glyph_index(c).unwrap().0,
            x_advance: Em::one(),
            x_offset: Em::zero(),
            y_advance: Em::zero(),
            y_offset: Em::zero(),
            range,
            span: (Span::detached(), 0),
        };
        let glyphs = vec![glyph('一', 0..3), glyph('二', 3..6)];
        let size = Abs::pt(10.0);
        TextItem {
            font: font.instantiate(FontVariant::default(), size, &FontVariations::default()),
            size,
            fill: Paint::Solid(typst::visualize::Color::BLACK),
            stroke: None,
            lang: Lang::CHINESE,
            region: None,
            text: "一二".into(),
            glyphs,
        }
    }

    #[test]
    fn upright_text_is_placed_and_turned_text_is_turned_by_the_ctm() {
        let at = Point::new(Abs::mm(50.0), Abs::mm(10.0));
        let (xml, _) = page_with(vec![(at, FrameItem::Text(text_item()))]);
        assert!(
            xml.contains("Boundary=\"46.472 4.708 14.111 8.819\" Font="),
            "{xml}"
        );
        assert!(!xml.contains("CTM"), "{xml}");
        let mut group = Frame::new(Size::zero(), FrameKind::Hard);
        group.push(Point::zero(), FrameItem::Text(text_item()));
        let mut group = GroupItem::new(group);
        group.transform = Transform::rotate(Angle::deg(90.0));
        let (xml, _) = page_with(vec![(at, FrameItem::Group(group))]);
        // Its own box, 10 pt left of and 15 pt above the origin, 40 × 25 pt,
        // turned a quarter clockwise about the origin.
        assert!(
            xml.contains(
                "Boundary=\"46.472 6.472 8.819 14.111\" CTM=\"0 1 -1 0 3.528 3.528\" Font="
            ),
            "{xml}"
        );
        assert!(
            xml.contains("<ofd:TextCode X=\"0\" Y=\"0\" DeltaX=\"3.528\">一二<"),
            "{xml}"
        );
    }

    #[test]
    fn a_clipping_group_clips_what_it_holds() {
        use typst::visualize::{Color, Curve, Geometry};
        let square = |side: f64| Geometry::Rect(Size::splat(Abs::mm(side)));
        let mut inner = Frame::new(Size::splat(Abs::mm(20.0)), FrameKind::Hard);
        let fill = Paint::Solid(Color::BLACK);
        inner.push(
            Point::zero(),
            FrameItem::Shape(square(40.0).filled(fill), Span::detached()),
        );
        let mut group = GroupItem::new(inner);
        group.clip = Some(Curve::rect(Size::splat(Abs::mm(20.0))));
        let at = Point::new(Abs::mm(10.0), Abs::mm(10.0));
        let outside = FrameItem::Shape(
            square(5.0).filled(Paint::Solid(Color::BLACK)),
            Span::detached(),
        );
        let (xml, _) = page_with(vec![
            (at, FrameItem::Group(group)),
            (Point::zero(), outside),
        ]);
        // The 40 mm square (boundary padded by 1 pt) shows only inside the
        // 20 mm clip at (10, 10); the square after the group is not clipped.
        let clip = "<ofd:Clips><ofd:Clip><ofd:Area><ofd:Path Boundary=\"0 0 40.706 40.706\" Stroke=\"false\" Fill=\"true\"><ofd:AbbreviatedData>M 0.353 0.353 L 20.353 0.353 L 20.353 20.353 L 0.353 20.353 C</ofd:AbbreviatedData></ofd:Path></ofd:Area></ofd:Clip></ofd:Clips><ofd:FillColor";
        assert!(xml.contains(clip), "{xml}");
        assert_eq!(xml.matches("<ofd:Clips>").count(), 1, "{xml}");
    }

    #[test]
    fn a_gradient_is_drawn_in_its_middle_colour() {
        use std::sync::Arc;
        use typst::foundations::Smart;
        use typst::layout::Ratio;
        use typst::visualize::{Color, ColorSpace, Gradient, LinearGradient, ProcessColorSpace};
        let stops = vec![
            (Color::from_u8(200, 0, 0, 255), Ratio::zero()),
            (Color::from_u8(0, 0, 100, 255), Ratio::one()),
        ];
        let gradient = Gradient::Linear(Arc::new(LinearGradient {
            stops,
            angle: Angle::zero(),
            space: ColorSpace::Process(ProcessColorSpace::Srgb),
            relative: Smart::Auto,
            anti_alias: true,
        }));
        assert_eq!(
            color("FillColor", &Paint::Gradient(gradient)),
            "<ofd:FillColor Value=\"100 0 50\"/>"
        );
    }

    #[test]
    fn a_turned_image_is_turned_by_the_ctm_and_svg_is_rasterised() {
        let svg = br#"<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10" fill="red"/></svg>"#;
        let image = Image::plain(SvgImage::new(Bytes::new(svg.to_vec())).unwrap());
        let size = Size::splat(Abs::mm(10.0));
        let mut group = Frame::new(size, FrameKind::Hard);
        group.push(
            Point::zero(),
            FrameItem::Image(image, size, Span::detached()),
        );
        let turn = Transform::rotate(Angle::deg(90.0));
        let mut group = GroupItem::new(group);
        group.transform = turn;
        let at = Point::new(Abs::mm(30.0), Abs::mm(0.0));
        let (xml, images) = page_with(vec![(at, FrameItem::Group(group))]);
        // Turned a quarter clockwise (y down) about the group's origin: the
        // image now lies left of x = 30 mm.
        assert!(
            xml.contains("Boundary=\"20 0 10 10\" CTM=\"0 10 -10 0 10 0\""),
            "{xml}"
        );
        let (name, bytes) = images.files().next().unwrap();
        assert!(
            name.ends_with(".png") && bytes.starts_with(b"\x89PNG"),
            "{name}"
        );
        let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
        let info = decoder.read_info().unwrap().info().clone();
        // 10 mm at 300 dpi.
        assert_eq!((info.width, info.height), (118, 118));
    }
}
