//! The images of an OFD package: each distinct image Typst placed is one
//! `MultiMedia` resource in `DocumentRes.xml` (its file in `Res/`), drawn by
//! an `ImageObject` per placement. PNG and JPEG files go in as they are;
//! other raster formats, SVG and PDF images are rasterised by typst-render
//! (the visual diff's rasteriser) to PNG, as OFD readers know PNG and JPEG.

use typst::foundations::{Content, Smart};
use typst::layout::{Abs, Frame, FrameItem, FrameKind, Point, Sides, Size};
use typst::visualize::{ExchangeFormat, Image, ImageKind, RasterFormat};
use typst_layout::Page;

use super::Ids;
use super::xml::{DECLARATION, NS};

/// The path of the document's own resources inside the document folder.
pub(super) const PATH: &str = "DocumentRes.xml";

/// Resolution of a vector image turned into pixels.
const VECTOR_DPI: f64 = 300.0;
/// The most pixels a rasterised image may have (a 64 MB picture).
const MAX_PIXELS: f64 = 16_000_000.0;

/// One image resource.
struct Media {
    /// The image as Typst loaded it.
    image: Image,
    /// Its OFD ID.
    id: u64,
    /// OFD's format name (`PNG`, `JPEG`) and the file.
    format: &'static str,
    /// The file's name inside the resource folder.
    name: String,
    /// The file's bytes.
    bytes: Vec<u8>,
}

/// The images used so far, in order of first use.
#[derive(Default)]
pub(super) struct Images {
    used: Vec<Media>,
}

impl Images {
    /// The resource ID of `image` placed at `size`, given one (and its file
    /// made) on first use.
    pub(super) fn id(&mut self, image: &Image, size: Size, ids: &mut Ids) -> u64 {
        if let Some(m) = self.used.iter().find(|m| &m.image == image) {
            return m.id;
        }
        let id = ids.next();
        let (format, ext, bytes) = encoded(image, size);
        self.used.push(Media {
            image: image.clone(),
            id,
            format,
            name: format!("image_{id}.{ext}"),
            bytes,
        });
        id
    }

    /// `DocumentRes.xml`, or `None` for a document without images.
    pub(super) fn resources(&self) -> Option<String> {
        if self.used.is_empty() {
            return None;
        }
        let mut media = String::new();
        for m in &self.used {
            media.push_str(&format!(
                "<ofd:MultiMedia ID=\"{}\" Type=\"Image\" Format=\"{}\"><ofd:MediaFile>{}</ofd:MediaFile></ofd:MultiMedia>\n",
                m.id, m.format, m.name
            ));
        }
        Some(format!(
            "{DECLARATION}<ofd:Res xmlns:ofd=\"{NS}\" BaseLoc=\"Res\"><ofd:MultiMedias>\n{media}</ofd:MultiMedias></ofd:Res>\n"
        ))
    }

    /// The image files, as (name inside `Res/`, bytes).
    pub(super) fn files(self) -> impl Iterator<Item = (String, Vec<u8>)> {
        self.used.into_iter().map(|m| (m.name, m.bytes))
    }
}

/// OFD's format name, the file extension and the bytes of `image`.
fn encoded(image: &Image, size: Size) -> (&'static str, &'static str, Vec<u8>) {
    if let ImageKind::Raster(raster) = image.kind() {
        match raster.format() {
            RasterFormat::Exchange(ExchangeFormat::Png) => {
                return ("PNG", "png", raster.data().to_vec());
            }
            RasterFormat::Exchange(ExchangeFormat::Jpg) => {
                return ("JPEG", "jpg", raster.data().to_vec());
            }
            _ => {}
        }
    }
    ("PNG", "png", rasterised(image, size))
}

/// `image` drawn by typst-render as a PNG with a transparent background:
/// a raster image at its own pixel size, a vector one at [`VECTOR_DPI`]
/// of its placed size, either at most [`MAX_PIXELS`].
fn rasterised(image: &Image, size: Size) -> Vec<u8> {
    let (w, h) = (size.x.to_pt().max(1.0), size.y.to_pt().max(1.0));
    let wanted = match image.kind() {
        ImageKind::Raster(raster) => f64::from(raster.width()) / w,
        ImageKind::Svg(_) | ImageKind::Pdf(_) => VECTOR_DPI / 72.0,
    };
    let cap = (MAX_PIXELS / (w * h)).sqrt();
    let mut frame = Frame::new(size, FrameKind::Hard);
    frame.push(
        Point::zero(),
        FrameItem::Image(image.clone(), size, typst::syntax::Span::detached()),
    );
    let page = Page {
        frame,
        bleed: Sides::splat(Abs::zero()),
        fill: Smart::Custom(None),
        numbering: None,
        supplement: Content::empty(),
        number: 1,
    };
    let options = typst_render::RenderOptions {
        pixel_per_pt: typst::utils::Scalar::new(wanted.min(cap)),
        render_bleed: false,
    };
    // Encoding a pixmap made in memory cannot fail but for memory.
    typst_render::render(&page, &options)
        .encode_png()
        .unwrap_or_default()
}
