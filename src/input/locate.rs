//! Turning a place in the data (a file and a key path, see [`Place`]) back
//! into a span of the TOML text for diagnostics. The place types live in
//! their own module, which depends on nothing, and are re-exported here.

use std::ops::Range;

use toml::de::{DeTable, DeValue};

pub use crate::input::place::{FileRef, Place, Seg};
use crate::report::diag::{SourceMap, Span};

/// A TOML file parsed once, for looking up the places of many diagnostics.
///
/// Parsing happens only when diagnostics need places, and once per file.
pub(crate) struct Tree<'a> {
    root: DeValue<'a>,
    whole: Range<usize>,
}

impl<'a> Tree<'a> {
    /// Parses a file's text; `None` when it is not valid TOML.
    pub(crate) fn parse(text: &'a str) -> Option<Self> {
        let root = DeTable::parse(text).ok()?;
        let whole = first_line(text, first_entry(text, root.span()));
        Some(Self {
            root: DeValue::Table(root.into_inner()),
            whole,
        })
    }

    /// The byte range of the value at `path`.
    ///
    /// When the exact key is absent (an optional field left out), the range
    /// of the nearest enclosing table or array is returned, so the user still
    /// sees where to add it.
    pub(crate) fn range(&self, path: &[Seg]) -> Range<usize> {
        let mut current = &self.root;
        let mut best = self.whole.clone();
        for seg in path {
            let next = match seg {
                Seg::Key(k) => current.get(*k),
                Seg::Index(n) => current.get(*n),
            };
            let Some(next) = next else { break };
            best = next.span();
            current = next.get_ref();
        }
        best
    }
}

/// `range` from its first line that is neither blank nor a comment (the
/// `#:schema` line and the field comments at a file's top are no place to
/// point a missing top-level key at).
fn first_entry(text: &str, range: Range<usize>) -> Range<usize> {
    let mut at = range.start.min(text.len());
    for line in text[at..].split_inclusive('\n') {
        let t = line.trim();
        if !t.is_empty() && !t.starts_with('#') {
            return at..range.end.max(at);
        }
        at += line.len();
    }
    range
}

/// The first line of a range, so a whole-file fallback shows one line.
fn first_line(text: &str, range: Range<usize>) -> Range<usize> {
    let start = range.start.min(text.len());
    let end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    start..end.max(start)
}

/// Narrows the span of a string value to the occurrence of `needle` after
/// `skip` earlier ones, or failing that to its first.
///
/// When the value spells it differently (escapes, line continuations), the
/// whole value is kept.
pub(crate) fn narrow(sources: &SourceMap, span: &Span, needle: &str, skip: usize) -> Span {
    let Some(text) = sources.text(span.file) else {
        return span.clone();
    };
    let Some(raw) = text.get(span.range.clone()) else {
        return span.clone();
    };
    let mut found = raw.match_indices(needle).map(|(i, _)| i);
    let first = found.next();
    let at = if skip == 0 {
        first
    } else {
        found.nth(skip - 1).or(first)
    };
    match at {
        Some(i) if !needle.is_empty() => Span {
            file: span.file,
            range: span.range.start + i..span.range.start + i + needle.len(),
        },
        _ => span.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The byte range of the value at `path` (or its nearest present ancestor).
    fn range_of(text: &str, path: &[Seg]) -> Option<Range<usize>> {
        Tree::parse(text).map(|t| t.range(path))
    }

    const TEXT: &str = "code = \"X\"\n[budget]\ntotal = 1\n[[indicators]]\nname = \"a\"\n[[indicators]]\nname = \"b\"\nvalue = \"≥1%\"\n";

    fn at(path: &[Seg]) -> &'static str {
        let r = range_of(TEXT, path).unwrap();
        &TEXT[r]
    }

    #[test]
    fn finds_nested_values() {
        assert_eq!(at(&[Seg::Key("code")]), "\"X\"");
        assert_eq!(at(&[Seg::Key("budget"), Seg::Key("total")]), "1");
        assert_eq!(
            at(&[Seg::Key("indicators"), Seg::Index(1), Seg::Key("value")]),
            "\"≥1%\""
        );
    }

    #[test]
    fn missing_key_falls_back_to_its_table() {
        assert_eq!(at(&[Seg::Key("budget"), Seg::Key("fiscal")]), "[budget]");
        assert_eq!(at(&[Seg::Key("nothing")]), "code = \"X\"");
        let commented = "#:schema x.json\n\n# 项目编码\ncode = \"X\"\n";
        let r = range_of(commented, &[Seg::Key("usage")]).unwrap();
        assert_eq!(&commented[r], "code = \"X\"");
    }

    #[test]
    fn narrow_points_at_the_text() {
        let map = SourceMap::default();
        let key = map.add(std::path::Path::new("/t.toml"), TEXT);
        let path = [Seg::Key("indicators"), Seg::Index(1), Seg::Key("value")];
        let span = Span {
            file: key,
            range: range_of(TEXT, &path).unwrap(),
        };
        let inner = narrow(&map, &span, "1%", 0);
        assert_eq!(&TEXT[inner.range], "1%");
    }

    #[test]
    fn narrow_passes_over_earlier_occurrences() {
        let map = SourceMap::default();
        let text = "t = \"某某甲某某乙某某\"\n";
        let key = map.add(std::path::Path::new("/t.toml"), text);
        let span = Span {
            file: key,
            range: range_of(text, &[Seg::Key("t")]).unwrap(),
        };
        let at = |skip| narrow(&map, &span, "某某", skip).range.start;
        assert_eq!(at(0), text.find("某某").unwrap());
        assert_eq!(at(1), text.find("甲").unwrap() + "甲".len());
        assert_eq!(at(2), text.rfind("某某").unwrap());
        // Fewer occurrences than asked for (an escape spells one): the first.
        assert_eq!(at(7), at(0));
    }
}
