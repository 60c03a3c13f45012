//! The images of an OFD package: each distinct image Typst placed is one
//! `MultiMedia` resource in `DocumentRes.xml` (its file in `Res/`), drawn by
//! an `ImageObject` per placement. PNG and JPEG files go in as they are
//! (unless their EXIF turns them: Typst draws them turned, and readers may
//! ignore EXIF); other raster formats, SVG and PDF images are rasterised
//! by typst-render (the visual diff's rasteriser) to PNG, as OFD readers
//! know PNG and JPEG.

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
    /// How the file is made.
    encoding: Encoding,
    /// The largest size it is drawn at on a page (a vector image is
    /// rasterised for that one).
    largest: Size,
}

/// How an image's file is made.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Encoding {
    /// The PNG file as it is.
    Png,
    /// The JPEG file as it is.
    Jpeg,
    /// Drawn by typst-render, as PNG.
    Drawn,
}

impl Encoding {
    /// How `image`'s file is made.
    fn of(image: &Image) -> Self {
        let ImageKind::Raster(raster) = image.kind() else {
            return Self::Drawn;
        };
        // EXIF orientation 1 is upright; others Typst applies itself.
        if raster.exif_rotation().is_some_and(|r| r > 1) {
            return Self::Drawn;
        }
        match raster.format() {
            RasterFormat::Exchange(ExchangeFormat::Png) => Self::Png,
            RasterFormat::Exchange(ExchangeFormat::Jpg) => Self::Jpeg,
            _ => Self::Drawn,
        }
    }

    /// OFD's format name and the file extension.
    fn names(self) -> (&'static str, &'static str) {
        match self {
            Self::Jpeg => ("JPEG", "jpg"),
            Self::Png | Self::Drawn => ("PNG", "png"),
        }
    }
}

/// The images used so far, in order of first use.
#[derive(Default)]
pub(super) struct Images {
    used: Vec<Media>,
}

impl Images {
    /// The resource ID of `image` drawn at `size` on the page, given one on
    /// first use.
    pub(super) fn id(&mut self, image: &Image, size: Size, ids: &mut Ids) -> u64 {
        if let Some(m) = self.used.iter_mut().find(|m| &m.image == image) {
            m.largest = m.largest.max(size);
            return m.id;
        }
        let id = ids.next();
        self.used.push(Media {
            image: image.clone(),
            id,
            encoding: Encoding::of(image),
            largest: size,
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
                m.id,
                m.encoding.names().0,
                m.file_name(),
            ));
        }
        Some(format!(
            "{DECLARATION}<ofd:Res xmlns:ofd=\"{NS}\" BaseLoc=\"Res\"><ofd:MultiMedias>\n{media}</ofd:MultiMedias></ofd:Res>\n"
        ))
    }

    /// The image files, as (name inside `Res/`, bytes).
    pub(super) fn files(self) -> impl Iterator<Item = (String, Vec<u8>)> {
        self.used.into_iter().map(|m| {
            let bytes = match (m.encoding, m.image.kind()) {
                (Encoding::Png | Encoding::Jpeg, ImageKind::Raster(raster)) => {
                    raster.data().to_vec()
                }
                _ => rasterised(&m.image, m.largest),
            };
            (m.file_name(), bytes)
        })
    }
}

impl Media {
    /// The file's name inside the resource folder.
    fn file_name(&self) -> String {
        format!("image_{}.{}", self.id, self.encoding.names().1)
    }
}

/// `image` drawn by typst-render as a PNG with a transparent background:
/// a raster image at its own pixel size (turned as its EXIF says), a
/// vector one at [`VECTOR_DPI`] of its largest placed size, either at most
/// [`MAX_PIXELS`].
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

#[cfg(test)]
mod tests {
    use typst::foundations::Bytes;
    use typst::visualize::{RasterImage, SvgImage};

    use super::*;

    /// A 6 × 2 pixel PNG, with an EXIF orientation if given.
    fn png(orientation: Option<u16>) -> Vec<u8> {
        let mut out = Vec::new();
        let mut enc = png::Encoder::new(&mut out, 6, 2);
        enc.set_color(png::ColorType::Rgb);
        let mut writer = enc.write_header().unwrap();
        if let Some(o) = orientation {
            // A big-endian TIFF header and one IFD entry: Orientation (0x0112), SHORT.
            let mut exif =
                b"MM\x00\x2a\x00\x00\x00\x08\x00\x01\x01\x12\x00\x03\x00\x00\x00\x01".to_vec();
            exif.extend(o.to_be_bytes());
            exif.extend([0; 6]);
            writer
                .write_chunk(png::chunk::ChunkType(*b"eXIf"), &exif)
                .unwrap();
        }
        writer.write_image_data(&[90; 36]).unwrap();
        writer.finish().unwrap();
        out
    }

    fn raster(bytes: Vec<u8>) -> Image {
        Image::plain(RasterImage::plain(Bytes::new(bytes), ExchangeFormat::Png).unwrap())
    }

    /// Sizes in pixels of a PNG.
    fn pixels(bytes: &[u8]) -> (u32, u32) {
        let info = png::Decoder::new(std::io::Cursor::new(bytes))
            .read_info()
            .unwrap();
        (info.info().width, info.info().height)
    }

    #[test]
    fn a_turned_png_is_drawn_turned_and_an_upright_one_copied() {
        let size = Size::new(Abs::mm(10.0), Abs::mm(30.0));
        let (mut images, mut ids) = (Images::default(), Ids(0));
        images.id(&raster(png(None)), size, &mut ids);
        images.id(&raster(png(Some(1))), size, &mut ids);
        let turned = raster(png(Some(6)));
        assert!(matches!(turned.kind(), ImageKind::Raster(r) if r.exif_rotation() == Some(6)));
        images.id(&turned, size, &mut ids);
        let files: Vec<_> = images.files().collect();
        assert_eq!(files[0].1, png(None));
        assert_eq!(files[1].1, png(Some(1)));
        // Orientation 6 turns it a quarter: 2 × 6 pixels, as Typst draws it.
        assert_ne!(files[2].1, png(Some(6)));
        assert_eq!(pixels(&files[2].1), (2, 6));
    }

    #[test]
    fn a_vector_image_is_drawn_for_its_largest_placement() {
        let svg = br#"<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>"#;
        let image = Image::plain(SvgImage::new(Bytes::new(svg.to_vec())).unwrap());
        let (mut images, mut ids) = (Images::default(), Ids(0));
        let first = images.id(&image, Size::splat(Abs::mm(1.0)), &mut ids);
        let again = images.id(&image, Size::splat(Abs::mm(20.0)), &mut ids);
        assert_eq!(first, again);
        let files: Vec<_> = images.files().collect();
        assert_eq!(files.len(), 1);
        // 20 mm at 300 dpi.
        assert_eq!(pixels(&files[0].1), (236, 236));
    }
}
