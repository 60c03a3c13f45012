//! The source lines one diagnostic points at, with over-long lines cut to a
//! window around the caret, so that printing a diagnostic costs the same on a
//! 40 KB line as on a short one.
//!
//! codespan prints every line a label touches in full; giving it this
//! excerpt (a `Files` of one file holding only those lines) instead of the
//! whole file keeps its output short, while line and column numbers in the
//! header stay those of the real file.

use std::ops::Range;

use codespan_reporting::files::{self, Files};

/// Lines at most this many characters long are shown whole. The reference
/// data's longest diagnosed line has about 330 characters.
const LONG_LINE: usize = 400;
/// Characters kept on each side of the caret when a line is cut.
const CONTEXT: usize = 60;
/// The most characters of a long caret shown before the window is cut.
const CARET: usize = 120;
/// Marks the place where a line was cut.
const CUT: &str = "…";

/// The lines of one span, ready for codespan.
pub(super) struct Excerpt {
    name: String,
    text: String,
    /// Start of each excerpt line in `text`.
    starts: Vec<usize>,
    /// Index of the first excerpt line in the real file.
    first_line: usize,
    /// Per excerpt line: characters cut at its start minus those of the mark.
    shift: Vec<isize>,
    /// `text` as printed: see [`crate::report::escape::placeholders`].
    shown: String,
    /// The span, in `text`.
    pub(super) range: Range<usize>,
}

/// One line as it goes into the excerpt: the kept bytes of the real line and
/// whether a cut mark goes before and after them.
struct Window {
    kept: Range<usize>,
    cut_before: bool,
    cut_after: bool,
    chars_cut: usize,
}

impl Excerpt {
    /// The excerpt of `range` in the file `id` of `all`.
    pub(super) fn new<'a, F>(all: &'a F, id: F::FileId, range: Range<usize>) -> Option<Self>
    where
        F: Files<'a>,
    {
        let source = all.source(id).ok()?;
        let source = source.as_ref();
        let start = range.start.min(source.len());
        let end = range.end.clamp(start, source.len());
        let first_line = all.line_index(id, start).ok()?;
        let last_line = all.line_index(id, end).ok()?;
        let mut out = Self {
            name: all.name(id).ok()?.to_string(),
            text: String::new(),
            starts: Vec::new(),
            first_line,
            shift: Vec::new(),
            shown: String::new(),
            range: 0..0,
        };
        for index in first_line..=last_line {
            let line = all.line_range(id, index).ok()?;
            out.push_line(source, line, start..end);
        }
        out.shown = crate::report::escape::placeholders(&out.text).into_owned();
        Some(out)
    }

    /// Appends one real line, cut if long, and maps the span ends inside it.
    fn push_line(&mut self, source: &str, line: Range<usize>, span: Range<usize>) {
        let body_end = line.start + source[line.clone()].trim_end_matches(['\n', '\r']).len();
        let body = line.start..body_end;
        let focus = span.start.clamp(body.start, body.end)..span.end.clamp(body.start, body.end);
        let window = window(source, body.clone(), focus);
        let at = self.text.len();
        self.starts.push(at);
        let mark = if window.cut_before { CUT } else { "" };
        self.text.push_str(mark);
        self.text.push_str(&source[window.kept.clone()]);
        if window.cut_after {
            self.text.push_str(CUT);
        }
        self.text.push_str(&source[body_end..line.end]);
        let shift = window.chars_cut as isize - mark.chars().count() as isize;
        self.shift.push(shift);
        let map = |offset: usize| {
            let inside = offset.clamp(window.kept.start, window.kept.end);
            at + mark.len() + (inside - window.kept.start)
        };
        if line.contains(&span.start) || span.start == line.end && span.start == source.len() {
            self.range.start = map(span.start);
        }
        if line.contains(&span.end) || span.end == line.end && span.end == source.len() {
            self.range.end = map(span.end).max(self.range.start);
        }
    }
}

/// The part of a line to show: all of it when short, else the caret with
/// `CONTEXT` characters on either side.
fn window(source: &str, body: Range<usize>, focus: Range<usize>) -> Window {
    let text = &source[body.clone()];
    let whole = Window {
        kept: body.clone(),
        cut_before: false,
        cut_after: false,
        chars_cut: 0,
    };
    // Counting stops early: a short line is never walked twice.
    if text.chars().nth(LONG_LINE).is_none() {
        return whole;
    }
    let before = source[body.start..focus.start].chars().rev();
    let from = focus.start - before.take(CONTEXT).map(char::len_utf8).sum::<usize>();
    let caret_end = advance(source, focus.start, body.end, CARET).min(focus.end);
    let to = advance(source, caret_end, body.end, CONTEXT);
    Window {
        kept: from..to,
        cut_before: from > body.start,
        cut_after: to < body.end,
        chars_cut: source[body.start..from].chars().count(),
    }
}

/// The byte offset `n` characters after `at`, at most `limit`.
fn advance(source: &str, at: usize, limit: usize, n: usize) -> usize {
    at + source[at..limit]
        .chars()
        .take(n)
        .map(char::len_utf8)
        .sum::<usize>()
}

impl<'a> Files<'a> for Excerpt {
    type FileId = ();
    type Name = &'a str;
    type Source = &'a str;

    fn name(&'a self, (): ()) -> Result<&'a str, files::Error> {
        Ok(&self.name)
    }

    fn source(&'a self, (): ()) -> Result<&'a str, files::Error> {
        // Columns are counted on the real text; what is printed hides
        // control and bidi characters byte for byte.
        Ok(&self.shown)
    }

    fn line_index(&'a self, (): (), byte_index: usize) -> Result<usize, files::Error> {
        Ok(self
            .starts
            .partition_point(|&s| s <= byte_index)
            .saturating_sub(1))
    }

    fn line_number(&'a self, (): (), line_index: usize) -> Result<usize, files::Error> {
        Ok(self.first_line + line_index + 1)
    }

    fn column_number(
        &'a self,
        (): (),
        line_index: usize,
        byte_index: usize,
    ) -> Result<usize, files::Error> {
        let range = self.line_range((), line_index)?;
        let column = files::column_index(&self.text, range, byte_index) as isize;
        let shift = self.shift.get(line_index).copied().unwrap_or(0);
        Ok((column + shift).max(0) as usize + 1)
    }

    fn line_range(&'a self, (): (), line_index: usize) -> Result<Range<usize>, files::Error> {
        let start = *self
            .starts
            .get(line_index)
            .ok_or(files::Error::LineTooLarge {
                given: line_index,
                max: self.starts.len().saturating_sub(1),
            })?;
        let end = self
            .starts
            .get(line_index + 1)
            .copied()
            .unwrap_or(self.text.len());
        Ok(start..end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use codespan_reporting::files::SimpleFiles;

    fn excerpt(text: &str, range: Range<usize>) -> Excerpt {
        let mut all = SimpleFiles::new();
        let id = all.add("f.toml", text.to_string());
        Excerpt::new(&all, id, range).expect("excerpt")
    }

    #[test]
    fn short_line_is_kept_whole() {
        let e = excerpt("a = 1\nbad = 2\nc = 3\n", 6..9);
        assert_eq!(e.text, "bad = 2\n");
        assert_eq!(&e.text[e.range.clone()], "bad");
        assert_eq!(e.location((), e.range.start).unwrap().line_number, 2);
    }

    #[test]
    fn long_line_is_cut_around_the_caret_with_true_column() {
        let line = format!("x = \"{}错{}\"", "甲".repeat(5000), "乙".repeat(5000));
        let text = format!("a = 1\n{line}\n");
        let at = text.find('错').unwrap();
        let e = excerpt(&text, at..at + '错'.len_utf8());
        assert!(e.text.starts_with(CUT) && e.text.trim_end().ends_with(CUT));
        assert!(e.text.chars().count() < 2 * CONTEXT + 10, "{}", e.text);
        assert_eq!(&e.text[e.range.clone()], "错");
        let loc = e.location((), e.range.start).unwrap();
        assert_eq!((loc.line_number, loc.column_number), (2, 5 + 5000 + 1));
    }

    #[test]
    fn span_over_two_long_lines_maps_both_ends() {
        let long = "字".repeat(1000);
        let text = format!("{long}\n{long}\n");
        let start = 3 * 900;
        let end = long.len() + 1 + 3 * 10;
        let e = excerpt(&text, start..end);
        assert_eq!(e.starts.len(), 2);
        assert_eq!(e.location((), e.range.start).unwrap().column_number, 901);
        let end_loc = e.location((), e.range.end).unwrap();
        assert_eq!((end_loc.line_number, end_loc.column_number), (2, 11));
    }
}
