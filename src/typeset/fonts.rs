//! Fonts: the families shipped in `fonts/` (and the system's, on request),
//! loaded lazily, and the check that every configured role exists.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use std::sync::OnceLock;

use typst::foundations::Bytes;
use typst::text::{Font, FontBook, FontInfo};
use typst::utils::LazyHash;
use typst_kit::fonts::{FontPath, FontStore};

use crate::input::locate::Place;
use crate::input::locate::Seg::Key;
use crate::report::diag::{Diagnostic, Result};
use crate::typeset::style::Fonts;

/// The fonts one run can use; each file is read only when first needed.
pub struct FontSet {
    store: FontStore,
    /// What any of them covers, built on first use and kept with them, so a
    /// `watch` rebuild does not build it again.
    covered: OnceLock<CharSet>,
}

impl FontSet {
    /// Scans the font folders, then adds the built-in fonts and, when asked
    /// to, the system's: an earlier font wins where two offer a family.
    pub fn load(dirs: &[&Path], system: bool) -> Result<Self> {
        Self::load_from(dirs, dirs.len(), system)
    }

    /// Like [`FontSet::load`], where the first `user` folders are the
    /// user's own (`--font-path`: a link to a font elsewhere is followed)
    /// and the rest the project's (`fonts/`: confined to the folder).
    pub(crate) fn load_from(dirs: &[&Path], user: usize, system: bool) -> Result<Self> {
        let mut store = FontStore::new();
        let builtin = builtin_fonts();
        for (i, dir) in dirs.iter().enumerate() {
            if !dir.is_dir() {
                let shown = crate::report::diag::display_path(dir);
                let (why, hint) = match dir.exists() {
                    // A font file given where its folder is expected.
                    true => (
                        "不是文件夹",
                        "--font-path 要给出字体所在的文件夹，而不是字体文件本身",
                    ),
                    false => ("不存在", "请检查 --font-path 给出的文件夹"),
                };
                let d = Diagnostic::error(format!("字体文件夹“{shown}”{why}"));
                return Err(d.with_hint(hint).into());
            }
            // Sorted so that font indices, and with them the PDF, do not
            // depend on the order the file system lists files in.
            let mut found = scan(dir, i >= user);
            found.sort_by(|a, b| (&a.0.path, a.0.index).cmp(&(&b.0.path, b.0.index)));
            // A copy of a built-in font (a project's own `fonts/` often is
            // one) adds nothing but a second entry for the same family.
            found.retain(|(_, info)| !builtin.iter().any(|(_, b)| b == info));
            store.extend(found);
        }
        store.extend(builtin.iter().cloned());
        if system {
            store.extend(typst_kit::fonts::system());
        }
        Ok(Self {
            store,
            covered: OnceLock::new(),
        })
    }

    /// Whether some font has a glyph for `c`.
    pub fn covers(&self, c: char) -> bool {
        self.covered
            .get_or_init(|| CharSet::of(self.book()))
            .contains(c)
    }

    /// Metadata of every known font.
    pub fn book(&self) -> &LazyHash<FontBook> {
        self.store.book()
    }

    /// Loads font `index` (None past the end).
    pub fn font(&self, index: usize) -> Option<Font> {
        self.store.font(index)
    }

    /// Every family name, sorted.
    pub fn families(&self) -> Vec<String> {
        let mut names: Vec<String> = self.book().families().map(|(f, _)| f.to_string()).collect();
        names.sort();
        names.dedup();
        names
    }

    /// Whether a family is known (case-insensitive, as Typst matches).
    pub fn has_family(&self, family: &str) -> bool {
        self.book().contains_family(&family.to_lowercase())
    }

    /// Errors for configured role families that no loaded font provides.
    ///
    /// Typst only warns about an unknown family and silently falls back to
    /// another font, which would print a wrong typeface: so this is an error.
    pub fn check_roles(&self, fonts: &Fonts) -> Vec<Diagnostic> {
        let known = self.families();
        fonts
            .roles()
            .into_iter()
            .filter(|(_, family)| !self.has_family(family))
            .map(|(role, family)| {
                let mut d = Diagnostic::error(format!(
                    "找不到字体“{family}”（用于 style.fonts.{role}）"
                ))
                .with_hint(format!("可用的字体：{}", known.join("、")));
                if let Some(best) = crate::report::translate::nearest(family, &known) {
                    d = d.with_hint(format!("您是不是想写“{best}”？"));
                }
                d.with_place(Place::doc(&[Key("style"), Key("fonts"), Key(role)]))
                    .with_hint("使用本机安装的字体（如 仿宋_GB2312 的英文名 FangSong_GB2312）请设 style.system_fonts = true 或加 --system-fonts")
            })
            .collect()
    }
}

/// Folders below a font folder looked into, at most.
const MAX_FONT_DEPTH: usize = 8;
/// Entries of a font folder and its subfolders looked at, at most.
const MAX_FONT_ENTRIES: usize = 20_000;

/// The fonts in the files below `dir` (see [`font_files`]), as typst-kit's
/// `scan` gives them but read only from where [`font_files`] allows.
fn scan(dir: &Path, confined: bool) -> Vec<(FontPath, FontInfo)> {
    let mut db = fontdb::Database::new();
    for file in font_files(dir, confined) {
        // A file that is no font (or a broken one) is skipped, as
        // typst-kit's own scan skips it.
        let _ = db.load_font_file(&file);
    }
    db.faces()
        .filter_map(|face| {
            let fontdb::Source::File(path) = &face.source else {
                return None;
            };
            let info = db.with_face_data(face.id, FontInfo::new)??;
            let path = FontPath {
                path: path.clone(),
                index: face.index,
            };
            Some((path, info))
        })
        .collect()
}

/// The font files (`.ttf`, `.otf`, `.ttc`, `.otc`) below `dir`, by their
/// real paths: regular files, and when `confined` (a project's `fonts/`)
/// only those inside `dir` after resolving links, as for data files and
/// templates, so a `fonts/x -> /` neither embeds a font from elsewhere
/// nor walks the whole disk. Links to folders are not followed (a folder
/// inside is found under its own name), and the walk stops
/// [`MAX_FONT_DEPTH`] folders deep and after [`MAX_FONT_ENTRIES`] entries.
fn font_files(dir: &Path, confined: bool) -> Vec<PathBuf> {
    let Ok(root) = dir.canonicalize() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut stack = vec![(root.clone(), 0)];
    let mut seen = 0;
    while let Some((folder, depth)) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&folder) else {
            continue;
        };
        for entry in entries.flatten() {
            seen += 1;
            if seen > MAX_FONT_ENTRIES {
                break;
            }
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            let path = entry.path();
            if kind.is_dir() && depth < MAX_FONT_DEPTH {
                stack.push((path, depth + 1));
            } else if is_font_name(&path)
                && let Ok(real) = path.canonicalize()
                && (!confined || real.starts_with(&root))
                && std::fs::metadata(&real).is_ok_and(|m| m.is_file())
            {
                out.push(real);
            }
        }
    }
    // Once each, also when a link inside names it a second time.
    out.sort();
    out.dedup();
    out
}

/// Whether a file is named as a font file, as fontdb's scan picks them.
fn is_font_name(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| ["ttf", "otf", "ttc", "otc"].contains(&e.to_ascii_lowercase().as_str()))
}

/// The built-in fonts, parsed once per process: the bytes are part of the
/// binary, so this costs only reading their tables.
fn builtin_fonts() -> &'static [(Font, FontInfo)] {
    static FONTS: OnceLock<Vec<(Font, FontInfo)>> = OnceLock::new();
    FONTS.get_or_init(|| {
        crate::typeset::builtin::FONTS
            .iter()
            .flat_map(|(_, data)| Font::iter(Bytes::new(*data)))
            .map(|font| {
                let info = font.info().clone();
                (font, info)
            })
            .collect()
    })
}

/// A character of the data that no loaded font can draw.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Uncovered {
    /// The character.
    pub ch: char,
    /// Its first place in the data.
    pub place: Place,
    /// How many further times it occurs.
    pub more: usize,
}

/// Characters of the data that no loaded font can draw, each once.
///
/// Typst prints such a character as an empty box and says nothing
/// (typst#5137), so every data string is checked before compiling.
pub fn uncovered<'a>(
    fonts: &FontSet,
    texts: impl IntoIterator<Item = (Place, &'a str)>,
) -> Vec<Uncovered> {
    // An uncovered character is found in `out` through `index`: a text of
    // many of them stays linear (a 40 KB line of 10,000 was quadratic).
    let covered = |c: char| {
        // Typst drops default-ignorable characters (zero-width space, soft
        // hyphen, BOM, variation selectors) without drawing anything, and
        // the shaper draws the Unicode spaces with the font's space glyph.
        // Other controls and separators (U+0085, U+1680, U+2028 …) are not
        // spaces: they are reported here or by rules::chars.
        matches!(c, '\t' | '\n')
            || is_space_fallback(c)
            || typst::text::is_default_ignorable(c)
            || fonts.covers(c)
    };
    let mut out: Vec<Uncovered> = Vec::new();
    let mut index: HashMap<char, usize> = HashMap::new();
    for (place, text) in texts {
        for ch in text.chars().filter(|&c| !covered(c)) {
            match index.get(&ch) {
                Some(&i) => out[i].more += 1,
                None => {
                    index.insert(ch, out.len());
                    out.push(Uncovered {
                        ch,
                        place: place.clone(),
                        more: 0,
                    });
                }
            }
        }
    }
    out
}

/// A set of characters, one bit each: Typst's `Coverage::contains` walks
/// the font's runs one by one, which for the CJK fonts' thousands of runs
/// made looking up a document's characters a fifth of its preparation.
struct CharSet(Vec<u64>);

impl CharSet {
    /// Every character some font in `book` covers.
    fn of(book: &FontBook) -> Self {
        let mut bits = vec![0u64; (char::MAX as usize + 1).div_ceil(64)];
        for info in (0..).map_while(|i| book.info(i)) {
            for c in info.coverage.iter() {
                if let Some(word) = bits.get_mut(c as usize / 64) {
                    *word |= 1 << (c % 64);
                }
            }
        }
        Self(bits)
    }

    fn contains(&self, c: char) -> bool {
        let c = c as usize;
        self.0[c / 64] >> (c % 64) & 1 == 1
    }
}

/// The spaces rustybuzz draws with the font's U+0020 glyph when the font
/// has no glyph of their own (its `space_fallback`, all of Zs but U+1680).
fn is_space_fallback(c: char) -> bool {
    matches!(
        c,
        ' ' | '\u{A0}' | '\u{2000}'..='\u{200A}' | '\u{202F}' | '\u{205F}' | '\u{3000}'
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn font_files_stay_inside_their_folder() {
        use std::os::unix::fs::symlink;
        let base = std::env::temp_dir().join(format!("jx-font-files-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&base);
        let (dir, outside) = (base.join("fonts"), base.join("outside"));
        std::fs::create_dir_all(dir.join("sub/deeper")).unwrap();
        std::fs::create_dir_all(&outside).unwrap();
        for f in ["a.otf", "sub/B.TTF", "sub/deeper/c.ttc", "notes.txt"] {
            std::fs::write(dir.join(f), "").unwrap();
        }
        std::fs::write(outside.join("x.otf"), "").unwrap();
        symlink(outside.join("x.otf"), dir.join("x.otf")).unwrap();
        symlink(&outside, dir.join("elsewhere")).unwrap();
        symlink("/", dir.join("root")).unwrap();
        symlink("sub/B.TTF", dir.join("b-link.ttf")).unwrap();
        let mut found: Vec<String> = font_files(&dir, true)
            .iter()
            .map(|p| {
                p.strip_prefix(dir.canonicalize().unwrap())
                    .unwrap()
                    .display()
                    .to_string()
            })
            .collect();
        found.sort();
        // A link to a font inside counts once, under its real name.
        assert_eq!(found, ["a.otf", "sub/B.TTF", "sub/deeper/c.ttc"]);
        // A folder the user named (--font-path) reaches a linked font
        // elsewhere, still not a linked folder.
        let reached = font_files(&dir, false);
        assert!(reached.contains(&outside.join("x.otf").canonicalize().unwrap()));
        assert_eq!(reached.len(), 4, "{reached:?}");
        std::fs::remove_dir_all(&base).unwrap();
    }

    fn shipped() -> FontSet {
        FontSet::load(&[], false).unwrap()
    }

    #[test]
    fn a_copy_of_the_builtin_fonts_adds_nothing() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fonts");
        let with_copy = FontSet::load(&[&dir], false).unwrap();
        let count = |f: &FontSet| (0..).take_while(|&i| f.font(i).is_some()).count();
        assert_eq!(count(&shipped()), crate::typeset::builtin::FONTS.len());
        assert_eq!(count(&with_copy), count(&shipped()));
    }

    #[test]
    fn shipped_fonts_give_every_default_role() {
        let fonts = shipped();
        let style = crate::typeset::style::resolve(&Default::default()).unwrap();
        assert!(fonts.check_roles(&style.fonts).is_empty());
        assert!(!fonts.has_family("FandolFang"));
    }

    #[test]
    fn uncovered_characters_are_reported_once_with_place() {
        let fonts = shipped();
        let a = Place::doc(&[crate::input::locate::Seg::Key("overall")]);
        let b = Place::project(1, &[crate::input::locate::Seg::Key("goal")]);
        let found = uncovered(
            &fonts,
            [(a.clone(), "信访≥“”😀😀"), (b.clone(), "😀\u{10FFFD}")],
        );
        assert_eq!(found.len(), 2, "{found:?}");
        assert_eq!((found[0].ch, &found[0].place, found[0].more), ('😀', &a, 2));
        assert_eq!(
            (found[1].ch, &found[1].place, found[1].more),
            ('\u{10FFFD}', &b, 0)
        );
    }

    /// The bit set answers as the fonts' own coverage does.
    #[test]
    fn the_char_set_is_the_fonts_coverage() {
        let fonts = shipped();
        let book = fonts.book();
        let by_fonts = |c: char| {
            (0..)
                .map_while(|i| book.info(i))
                .any(|f| f.coverage.contains(c as u32))
        };
        let sample = [
            '绩',
            '效',
            'A',
            '≥',
            '㊣',
            '\u{10FFFF}',
            '\u{E000}',
            '\u{20000}',
            '\u{1F600}',
        ];
        for c in sample
            .into_iter()
            .chain(('\u{3000}'..'\u{3100}').step_by(7))
        {
            assert_eq!(fonts.covers(c), by_fonts(c), "U+{:04X}", c as u32);
        }
        assert!(fonts.covers('绩') && !fonts.covers('\u{E000}'));
    }
}
