//! A character map for an embedded font subset: `subsetter` writes fonts
//! for PDF, without `cmap`, so an OFD reader that maps `TextCode` through
//! the font (rather than through `CGTransform`) would find no glyphs. The
//! map is rebuilt from the original font's and added to the subset.

use std::collections::BTreeMap;

use subsetter::GlyphRemapper;

/// The subset `font` with a `cmap` mapping every character the original
/// font (`original`) maps to a glyph of the subset; `None` if the subset
/// cannot be read as an OpenType file (it is then used as it is).
pub(super) fn with_cmap(
    subset: &[u8],
    original: &ttf_parser::Face,
    glyphs: &GlyphRemapper,
) -> Option<Vec<u8>> {
    let map = mapping(original, glyphs)?;
    let mut tables = tables(subset)?;
    tables.retain(|(tag, _)| tag != b"cmap");
    tables.push((*b"cmap", cmap(&map)));
    tables.sort_by_key(|t| t.0);
    Some(sfnt(subset.get(..4)?, &tables))
}

/// Character → glyph ID in the subset, for the characters the original
/// font's Unicode subtables map to glyphs the subset holds.
fn mapping(face: &ttf_parser::Face, glyphs: &GlyphRemapper) -> Option<BTreeMap<u32, u16>> {
    let mut map = BTreeMap::new();
    for sub in face.tables().cmap?.subtables {
        if !sub.is_unicode() {
            continue;
        }
        sub.codepoints(|c| {
            let new = sub.glyph_index(c).and_then(|g| glyphs.get(g.0));
            if let Some(new) = new.filter(|g| *g != 0) {
                map.entry(c).or_insert(new);
            }
        });
    }
    Some(map)
}

/// The tables of an sfnt file, as (tag, bytes), read by ttf-parser.
fn tables(font: &[u8]) -> Option<Vec<([u8; 4], Vec<u8>)>> {
    let raw = ttf_parser::RawFace::parse(font, 0).ok()?;
    raw.table_records
        .into_iter()
        .map(|r| Some((r.tag.to_bytes(), raw.table(r.tag)?.to_vec())))
        .collect()
}

/// A `cmap` table: format 4 for the Basic Multilingual Plane (the one
/// every reader knows) when it fits its 16-bit length, and format 12 for
/// every character.
fn cmap(map: &BTreeMap<u32, u16>) -> Vec<u8> {
    let runs = runs(map);
    let bmp: Vec<(u32, u32, u16)> = runs.iter().copied().filter(|r| r.1 < 0xFFFF).collect();
    let mut subtables: Vec<(u16, Vec<u8>)> = Vec::new();
    if 16 + 8 * (bmp.len() + 1) <= usize::from(u16::MAX) {
        subtables.push((1, format4(&bmp)));
    }
    subtables.push((10, format12(&runs)));
    let mut out = Vec::new();
    push16(&mut out, 0);
    push16(&mut out, subtables.len() as u16);
    let mut offset = 4 + 8 * subtables.len() as u32;
    for (encoding, table) in &subtables {
        push16(&mut out, 3);
        push16(&mut out, *encoding);
        push32(&mut out, offset);
        offset += table.len() as u32;
    }
    for (_, table) in subtables {
        out.extend(table);
    }
    out
}

/// Runs of consecutive characters with consecutive glyphs: (first, last,
/// first glyph).
fn runs(map: &BTreeMap<u32, u16>) -> Vec<(u32, u32, u16)> {
    let mut out: Vec<(u32, u32, u16)> = Vec::new();
    for (&c, &g) in map {
        match out.last_mut() {
            Some(r) if r.1 + 1 == c && u32::from(r.2) + (c - r.0) == u32::from(g) => r.1 = c,
            _ => out.push((c, c, g)),
        }
    }
    out
}

/// A format 4 subtable, one segment per run and the closing 0xFFFF one.
fn format4(runs: &[(u32, u32, u16)]) -> Vec<u8> {
    let mut segments: Vec<(u16, u16, u16)> = runs
        .iter()
        .map(|&(a, z, g)| (a as u16, z as u16, g.wrapping_sub(a as u16)))
        .collect();
    segments.push((0xFFFF, 0xFFFF, 1));
    let n = segments.len() as u16;
    let search = 2 * (1u16 << (15 - n.leading_zeros()));
    let mut out = Vec::new();
    for v in [
        4,
        16 + 8 * n,
        0,
        2 * n,
        search,
        search.trailing_zeros() as u16 - 1,
    ] {
        push16(&mut out, v);
    }
    push16(&mut out, 2 * n - search);
    segments.iter().for_each(|s| push16(&mut out, s.1));
    push16(&mut out, 0);
    segments.iter().for_each(|s| push16(&mut out, s.0));
    segments.iter().for_each(|s| push16(&mut out, s.2));
    segments.iter().for_each(|_| push16(&mut out, 0));
    out
}

/// A format 12 subtable, one group per run.
fn format12(runs: &[(u32, u32, u16)]) -> Vec<u8> {
    let mut out = Vec::new();
    push16(&mut out, 12);
    push16(&mut out, 0);
    push32(&mut out, 16 + 12 * runs.len() as u32);
    push32(&mut out, 0);
    push32(&mut out, runs.len() as u32);
    for &(a, z, g) in runs {
        push32(&mut out, a);
        push32(&mut out, z);
        push32(&mut out, u32::from(g));
    }
    out
}

/// An sfnt file of `tables` (sorted by tag), with table checksums and the
/// `head` table's whole-file checksum adjustment.
fn sfnt(version: &[u8], tables: &[([u8; 4], Vec<u8>)]) -> Vec<u8> {
    let n = tables.len() as u16;
    let search = 16 * (1u16 << (15 - n.leading_zeros()));
    let mut out = version.to_vec();
    for v in [
        n,
        search,
        search.trailing_zeros() as u16 - 4,
        16 * n - search,
    ] {
        push16(&mut out, v);
    }
    let mut offset = 12 + 16 * tables.len();
    let mut head_at = None;
    for (tag, data) in tables {
        let mut data = data.clone();
        if tag == b"head" && data.len() >= 12 {
            data[8..12].fill(0);
            head_at = Some(offset + 8);
        }
        out.extend(tag);
        push32(&mut out, checksum(&data));
        push32(&mut out, offset as u32);
        push32(&mut out, data.len() as u32);
        offset += data.len().next_multiple_of(4);
    }
    for (tag, data) in tables {
        let start = out.len();
        out.extend(data);
        if tag == b"head" && data.len() >= 12 {
            out[start + 8..start + 12].fill(0);
        }
        out.resize(out.len().next_multiple_of(4), 0);
    }
    if let Some(at) = head_at {
        let adjust = 0xB1B0_AFBAu32.wrapping_sub(checksum(&out));
        out[at..at + 4].copy_from_slice(&adjust.to_be_bytes());
    }
    out
}

/// The OpenType checksum: the sum of big-endian u32 words, zero-padded.
fn checksum(data: &[u8]) -> u32 {
    data.chunks(4).fold(0u32, |sum, c| {
        let mut word = [0u8; 4];
        word[..c.len()].copy_from_slice(c);
        sum.wrapping_add(u32::from_be_bytes(word))
    })
}

fn push16(out: &mut Vec<u8>, v: u16) {
    out.extend(v.to_be_bytes());
}

fn push32(out: &mut Vec<u8>, v: u32) {
    out.extend(v.to_be_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_subset_maps_its_characters_to_its_glyphs() {
        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fonts/FandolSong-Regular.otf");
        let original = std::fs::read(path).unwrap();
        let face = ttf_parser::Face::parse(&original, 0).unwrap();
        let text = "绩效目标表（2025年）ABC，≥800平方米";
        let mut glyphs = GlyphRemapper::new();
        for c in text.chars() {
            glyphs.remap(face.glyph_index(c).unwrap().0);
        }
        let subset = subsetter::subset(&original, 0, &glyphs).unwrap();
        assert!(
            ttf_parser::Face::parse(&subset, 0)
                .unwrap()
                .tables()
                .cmap
                .is_none()
        );
        let font = with_cmap(&subset, &face, &glyphs).unwrap();
        // Read back by ttf-parser, an independent reader.
        let back = ttf_parser::Face::parse(&font, 0).unwrap();
        for c in text.chars() {
            let old = face.glyph_index(c).unwrap().0;
            assert_eq!(back.glyph_index(c).map(|g| g.0), glyphs.get(old), "{c}");
        }
        assert_eq!(back.glyph_index('字'), None);
        assert_eq!(back.number_of_glyphs(), glyphs.num_gids());
        // Every table's checksum holds, and the file sums to the magic.
        assert_eq!(checksum(&font), 0xB1B0_AFBA);
    }

    #[test]
    fn format4_segments_cover_runs() {
        let map: BTreeMap<u32, u16> = [(0x41, 5), (0x42, 6), (0x44, 7), (0x1F600, 9)].into();
        assert_eq!(
            runs(&map),
            [(0x41, 0x42, 5), (0x44, 0x44, 7), (0x1F600, 0x1F600, 9)]
        );
        let table = cmap(&map);
        let sub = ttf_parser::cmap::Table::parse(&table).unwrap();
        let look = |c| {
            sub.subtables
                .into_iter()
                .find_map(|s| s.glyph_index(c))
                .map(|g| g.0)
        };
        assert_eq!(look(0x42), Some(6));
        assert_eq!(look(0x43), None);
        assert_eq!(look(0x1F600), Some(9));
    }
}
