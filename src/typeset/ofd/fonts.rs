//! The fonts of an OFD package: each Typst font used gets an ID, its glyphs
//! are renumbered as they are met (the numbers the pages' `CGTransform`s
//! name), and at the end each font is subsetted to those glyphs.

use std::collections::BTreeSet;

use subsetter::GlyphRemapper;
use typst::text::Font;

use super::Ids;
use super::xml::escape;
use crate::report::diag::{Diagnostic, Result};

/// One embedded font.
struct Embedded {
    /// The font as Typst loaded it.
    font: Font,
    /// Its OFD ID.
    id: u64,
    /// Old glyph ID → glyph ID in the subset, in order of first use.
    glyphs: GlyphRemapper,
    /// The characters drawn with it (see [`Fonts::cover`]).
    chars: BTreeSet<char>,
}

/// The fonts used so far, in order of first use.
#[derive(Default)]
pub(super) struct Fonts {
    used: Vec<Embedded>,
}

/// A subsetted font ready for the package.
pub(super) struct FontFile {
    /// The file's name inside the resource folder.
    pub(super) name: String,
    /// The subset's bytes.
    pub(super) bytes: Vec<u8>,
}

impl Fonts {
    /// Where `font` is kept, given an ID on first use. Looked up once per
    /// text run, then used for each of its glyphs.
    pub(super) fn slot(&mut self, font: &Font, ids: &mut Ids) -> usize {
        if let Some(i) = self.used.iter().position(|e| &e.font == font) {
            return i;
        }
        self.used.push(Embedded {
            font: font.clone(),
            id: ids.next(),
            glyphs: GlyphRemapper::new(),
            chars: BTreeSet::new(),
        });
        self.used.len() - 1
    }

    /// The OFD ID of the font in `slot`.
    pub(super) fn id(&self, slot: usize) -> u64 {
        self.used[slot].id
    }

    /// The glyph ID `glyph` of the font in `slot` has in the subset.
    pub(super) fn glyph(&mut self, slot: usize, glyph: u16) -> u16 {
        self.used[slot].glyphs.remap(glyph)
    }

    /// Puts in the subset of the font in `slot` the glyph its `cmap` gives
    /// each character of `text`, beside the glyphs shaping chose. A reader that maps
    /// `TextCode` through the font's `cmap` instead of following the
    /// `CGTransform` (which names the shaped glyphs) then still finds every
    /// character: where shaping substituted a glyph (a ligature, a
    /// localised form) the subset would otherwise have no glyph for it.
    /// The glyphs are added when the font is subsetted, after every glyph
    /// the pages name, so the `CGTransform` numbers stay as written.
    pub(super) fn cover(&mut self, slot: usize, text: &str) {
        self.used[slot].chars.extend(text.chars());
    }

    /// `PublicRes.xml`'s `<ofd:Fonts>` entries, one per font.
    pub(super) fn entries(&self) -> String {
        let mut out = String::new();
        for e in &self.used {
            let info = e.font.info();
            let name = e
                .font
                .post_script_name()
                .unwrap_or_else(|| info.family.clone());
            out.push_str(&format!(
                "<ofd:Font ID=\"{}\" FontName=\"{}\" FamilyName=\"{}\"{}><ofd:FontFile>{}</ofd:FontFile></ofd:Font>\n",
                e.id,
                escape(&name),
                escape(&info.family),
                if info.variant.weight.to_number() >= 600 { " Bold=\"true\"" } else { "" },
                file_name(e.id),
            ));
        }
        out
    }

    /// Every font subsetted to the glyphs the pages use. A font whose
    /// licence forbids embedding, or that cannot be subsetted, is an error.
    pub(super) fn files(&self) -> Result<Vec<FontFile>> {
        self.used.iter().map(subset).collect()
    }
}

/// The name of font `id`'s file in `Doc_0/Res/`.
fn file_name(id: u64) -> String {
    format!("font_{id}.otf")
}

fn subset(e: &Embedded) -> Result<FontFile> {
    let family = &e.font.info().family;
    // Typst loaded this face, so it parses; if not, nothing is known.
    let face = ttf_parser::Face::parse(e.font.data(), e.font.index()).ok();
    if let Some(why) = face.as_ref().and_then(forbidden) {
        return Err(
            Diagnostic::error(format!("字体“{family}”的许可{why}，无法生成 OFD"))
                .with_hint("请换用允许嵌入的字体（例如随附的 Fandol 字体），或只生成 PDF")
                .into(),
        );
    }
    let glyphs = match &face {
        Some(face) => with_cmap_glyphs(e, face),
        None => e.glyphs.clone(),
    };
    let bytes = subsetter::subset(e.font.data(), e.font.index(), &glyphs).map_err(|err| {
        Diagnostic::error(format!("字体“{family}”无法子集化，无法嵌入 OFD：{err}"))
            .with_hint("请换用 TrueType 或 CFF 轮廓的 OpenType 字体")
    })?;
    // A reader that maps characters through the font needs a cmap.
    let with_cmap = face.and_then(|face| super::cmap::with_cmap(&bytes, &face, &glyphs));
    Ok(FontFile {
        name: file_name(e.id),
        bytes: with_cmap.unwrap_or(bytes),
    })
}

/// The glyphs the pages name, then the `cmap` glyph of each character
/// drawn with the font (see [`Fonts::cover`]).
fn with_cmap_glyphs(e: &Embedded, face: &ttf_parser::Face) -> GlyphRemapper {
    let mut glyphs = e.glyphs.clone();
    let mapped = e.chars.iter().filter_map(|&c| face.glyph_index(c));
    for glyph in mapped.filter(|g| g.0 != 0) {
        glyphs.remap(glyph.0);
    }
    glyphs
}

/// What the font's licence (OS/2 `fsType`, read for the font's own face
/// in a collection) forbids of what OFD embedding does: embedding at all,
/// subsetting, or embedding the outlines (bitmap embedding only).
fn forbidden(face: &ttf_parser::Face) -> Option<&'static str> {
    if face.permissions() == Some(ttf_parser::Permissions::Restricted) {
        Some("不允许嵌入")
    } else if !face.is_subsetting_allowed() {
        Some("不允许子集化")
    } else if !face.is_outline_embedding_allowed() {
        Some("只允许嵌入位图")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use typst::foundations::Bytes;

    /// The bundled FandolSong with its OS/2 `fsType` set to `fs`.
    fn song_with(fs: u16) -> Font {
        let mut data = std::fs::read(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fonts/FandolSong-Regular.otf"),
        )
        .unwrap();
        let face = ttf_parser::RawFace::parse(&data, 0).unwrap();
        let os2 = face.table(ttf_parser::Tag::from_bytes(b"OS/2")).unwrap();
        let at = os2.as_ptr() as usize - data.as_ptr() as usize + 8;
        data[at..at + 2].copy_from_slice(&fs.to_be_bytes());
        Font::new(Bytes::new(data), 0).unwrap()
    }

    /// A character drawn with a glyph other than its `cmap` glyph (here 一
    /// drawn as 二's glyph, as a substitution would) keeps the drawn glyph
    /// for the `CGTransform` and gets its own in the subset's `cmap`.
    #[test]
    fn substituted_characters_stay_in_the_cmap() {
        let font = song_with(0);
        let face = ttf_parser::Face::parse(font.data(), 0).unwrap();
        let (one, two) = (
            face.glyph_index('一').unwrap().0,
            face.glyph_index('二').unwrap().0,
        );
        let mut ids = Ids(0);
        let mut fonts = Fonts::default();
        let slot = fonts.slot(&font, &mut ids);
        let drawn = fonts.glyph(slot, two);
        let file = |fonts: &Fonts| fonts.files().unwrap().remove(0).bytes;
        let without = file(&fonts);
        let back = ttf_parser::Face::parse(&without, 0).unwrap();
        assert_eq!(back.glyph_index('一'), None, "the case this guards against");
        fonts.cover(slot, "一");
        let with = file(&fonts);
        let back = ttf_parser::Face::parse(&with, 0).unwrap();
        let mapped = back.glyph_index('一').expect("一 in the cmap").0;
        assert_ne!(mapped, drawn);
        assert_eq!(back.glyph_index('二').map(|g| g.0), Some(drawn));
        assert_eq!(
            with_cmap_glyphs(&fonts.used[0], &face).get(one),
            Some(mapped)
        );
    }

    /// What the licence of FandolSong with `fsType` set to `fs` forbids.
    fn licence(fs: u16) -> Option<&'static str> {
        let font = song_with(fs);
        forbidden(&ttf_parser::Face::parse(font.data(), 0).unwrap())
    }

    #[test]
    fn licence_bits_are_read() {
        assert_eq!(licence(0), None);
        assert_eq!(licence(2), Some("不允许嵌入"));
        assert_eq!(licence(4), None);
        assert_eq!(licence(8), None);
        assert_eq!(licence(0x0100), Some("不允许子集化"));
        assert_eq!(licence(0x0200), Some("只允许嵌入位图"));
    }
}
