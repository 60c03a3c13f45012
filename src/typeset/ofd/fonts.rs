//! The fonts of an OFD package: each Typst font used gets an ID, its glyphs
//! are renumbered as they are met (the numbers the pages' `CGTransform`s
//! name), and at the end each font is subsetted to those glyphs.

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
    /// The OFD ID of `font`, given one on first use.
    pub(super) fn id(&mut self, font: &Font, ids: &mut Ids) -> u64 {
        self.index(font, ids).1
    }

    /// The glyph ID `glyph` of `font` has in the subset.
    pub(super) fn glyph(&mut self, font: &Font, glyph: u16, ids: &mut Ids) -> u16 {
        let (i, _) = self.index(font, ids);
        self.used[i].glyphs.remap(glyph)
    }

    fn index(&mut self, font: &Font, ids: &mut Ids) -> (usize, u64) {
        if let Some(i) = self.used.iter().position(|e| &e.font == font) {
            return (i, self.used[i].id);
        }
        let id = ids.next();
        self.used.push(Embedded {
            font: font.clone(),
            id,
            glyphs: GlyphRemapper::new(),
        });
        (self.used.len() - 1, id)
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
    if restricted(e.font.data()) {
        return Err(
            Diagnostic::error(format!("字体“{family}”的许可不允许嵌入，无法生成 OFD"))
                .with_hint("请换用允许嵌入的字体（例如随附的 Fandol 字体），或只生成 PDF")
                .into(),
        );
    }
    let bytes = subsetter::subset(e.font.data(), e.font.index(), &e.glyphs).map_err(|err| {
        Diagnostic::error(format!("字体“{family}”无法子集化，无法嵌入 OFD：{err}"))
            .with_hint("请换用 TrueType 或 CFF 轮廓的 OpenType 字体")
    })?;
    Ok(FontFile {
        name: file_name(e.id),
        bytes,
    })
}

/// Whether the font's OS/2 `fsType` says "restricted licence embedding"
/// (bit 1 alone: no embedding at all).
fn restricted(data: &[u8]) -> bool {
    os2_fs_type(data).is_some_and(|fs| fs & 0x000F == 0x0002)
}

/// The `fsType` field of the first font's OS/2 table, if there is one.
fn os2_fs_type(data: &[u8]) -> Option<u16> {
    let u16_at = |at: usize| Some(u16::from_be_bytes(data.get(at..at + 2)?.try_into().ok()?));
    let u32_at = |at: usize| Some(u32::from_be_bytes(data.get(at..at + 4)?.try_into().ok()?));
    // A collection starts with `ttcf`; its first font's offset follows.
    let start = if data.get(..4) == Some(b"ttcf") {
        u32_at(12)? as usize
    } else {
        0
    };
    let tables = u16_at(start + 4)? as usize;
    (0..tables).find_map(|i| {
        let record = start + 12 + 16 * i;
        (data.get(record..record + 4)? == b"OS/2").then_some(())?;
        u16_at(u32_at(record + 8)? as usize + 8)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fs_type_is_read_from_the_os2_table() {
        // An sfnt header with one table record (OS/2 at offset 28).
        let mut data = vec![0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0];
        data.extend_from_slice(b"OS/2");
        data.extend_from_slice(&[0, 0, 0, 0, 0, 0, 0, 28, 0, 0, 0, 10]);
        data.extend_from_slice(&[0, 4, 0, 0, 0, 0, 0, 0, 0, 2]);
        assert_eq!(os2_fs_type(&data), Some(2));
        assert!(restricted(&data));
        data[37] = 8;
        assert!(!restricted(&data));
    }
}
