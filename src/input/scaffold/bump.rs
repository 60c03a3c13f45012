//! Moving a copied document's budget year: `year = …` itself and, with
//! `--bump-years`, the old year written as a year ("2025年", "2025 年",
//! "2025-2027年") in the texts that J501 and J503 hold to the budget year.
//! Edits are made on the file's text at the spans the TOML parser gives, so
//! every other byte (comments, spacing, quoting) stays as it was.

use std::ops::Range;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::input::form::{DEFAULT_FORM, Form, Registry, Role, TableKind};

/// One change to a file's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Edit {
    /// The bytes replaced (empty for an insertion).
    pub range: Range<usize>,
    /// What they become.
    pub new: String,
}

/// Applies edits that do not overlap, in any order.
pub(crate) fn apply(text: &str, mut edits: Vec<Edit>) -> String {
    edits.sort_by_key(|e| std::cmp::Reverse((e.range.start, e.range.end)));
    let mut out = text.to_string();
    for e in edits {
        out.replace_range(e.range, &e.new);
    }
    out
}

/// A TOML value with its span, as the parser gives it.
type Node<'i> = Spanned<DeValue<'i>>;

/// The value at a key path of a table.
fn get<'t, 'i>(t: &'t DeTable<'i>, path: &[&str]) -> Option<&'t Node<'i>> {
    let (first, rest) = path.split_first()?;
    let v = t.get(*first)?;
    match rest.is_empty() {
        true => Some(v),
        false => get(v.get_ref().as_table()?, rest),
    }
}

/// The tables of an array of tables (none for any other value).
fn rows<'t, 'i>(v: Option<&'t Node<'i>>) -> Vec<&'t DeTable<'i>> {
    let items = v.and_then(|v| v.get_ref().as_array());
    items
        .map(|a| a.iter().filter_map(|i| i.get_ref().as_table()).collect())
        .unwrap_or_default()
}

/// Pushes `v` when it is a string.
fn push_str<'t, 'i>(v: Option<&'t Node<'i>>, out: &mut Vec<&'t Node<'i>>) {
    if let Some(v) = v.filter(|v| v.get_ref().as_str().is_some()) {
        out.push(v);
    }
}

/// The edit setting `year = …` of `document.toml`, with the old year.
pub(crate) fn set_year(text: &str, new: i32) -> Option<(i32, Edit)> {
    let root = DeTable::parse(text).ok()?;
    let v = root.get_ref().get("year")?;
    let DeValue::Integer(i) = v.get_ref() else {
        return None;
    };
    let old = i64::from_str_radix(i.as_str(), i.radix()).ok()?;
    let edit = Edit {
        range: v.span(),
        new: new.to_string(),
    };
    Some((i32::try_from(old).ok()?, edit))
}

/// The texts of `document.toml` whose years move: 总体绩效目标 (`overall`,
/// its parts' titles and texts), 分项绩效目标 (`goals`: title, target,
/// indicator) and the cover title.
fn document_texts<'t, 'i>(root: &'t DeTable<'i>) -> Vec<&'t Node<'i>> {
    let mut out = Vec::new();
    push_str(root.get("overall"), &mut out);
    for part in rows(root.get("overall")) {
        push_str(part.get("title"), &mut out);
        push_str(part.get("text"), &mut out);
    }
    for goal in rows(root.get("goals")) {
        for key in ["title", "target", "indicator"] {
            push_str(goal.get(key), &mut out);
        }
    }
    push_str(get(root, &["cover", "title"]), &mut out);
    out
}

/// The texts of a project file whose years move: the table title, every
/// goal field and goal column (role `goal`), and the 指标值 of each
/// 时效指标 row of the indicator table.
fn project_texts<'t, 'i>(root: &'t DeTable<'i>, form: &Form) -> Vec<&'t Node<'i>> {
    let mut out = Vec::new();
    push_str(root.get("title"), &mut out);
    for f in form.fields.iter().filter(|f| f.role == Some(Role::Goal)) {
        push_str(get(root, &f.path), &mut out);
    }
    for t in &form.tables {
        let goals: Vec<&str> = t
            .columns
            .iter()
            .filter(|c| c.role == Some(Role::Goal))
            .map(|c| c.key)
            .collect();
        let timely = |r: &DeTable| {
            let level2 = t.role_key(Role::Level2).and_then(|k| get(r, &[k]));
            t.kind == TableKind::Indicators
                && level2.and_then(|v| v.get_ref().as_str()).map(str::trim) == Some("时效指标")
        };
        for r in rows(root.get(t.key)) {
            goals.iter().for_each(|k| push_str(r.get(*k), &mut out));
            if timely(r) {
                push_str(t.role_key(Role::Value).and_then(|k| r.get(k)), &mut out);
            }
        }
    }
    out
}

/// One year moved, for the printed list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Moved {
    /// Byte offset in the old text.
    pub at: usize,
    /// 1-based line in the old text.
    pub line: usize,
    /// 1-based column (characters) in the old text.
    pub column: usize,
    /// The digits replaced.
    pub old: String,
    /// The digits written.
    pub new: String,
    /// The text around it on its line, after the change.
    pub context: String,
    /// Why the year was left for a person to change (a year range, a
    /// named document in 《…》); `None` when it was moved.
    pub held: Option<&'static str>,
}

/// The edits moving `old` to `new` in the year-bearing texts of a data
/// file (`form` `None` for `document.toml`), with what each one moved.
pub(crate) fn bump_file(
    text: &str,
    project: Option<(&Registry, &str)>,
    old: i32,
    new: i32,
) -> (Vec<Edit>, Vec<Moved>) {
    let Ok(root) = DeTable::parse(text) else {
        return (Vec::new(), Vec::new());
    };
    let root = root.get_ref();
    let nodes = match project {
        None => document_texts(root),
        Some((forms, default)) => {
            let name = root.get("form").and_then(|v| v.get_ref().as_str());
            let form = forms.get(name.unwrap_or(default));
            let form = form.or_else(|| forms.get(DEFAULT_FORM));
            form.map_or_else(Vec::new, |f| project_texts(root, f))
        }
    };
    let mut edits = Vec::new();
    let mut moved = Vec::new();
    for node in nodes {
        for (range, held) in year_ranges(text, node.span(), old) {
            let new_digits = match held {
                None => same_width(&text[range.clone()], new),
                Some(_) => text[range.clone()].to_string(),
            };
            let before = &text[..range.start];
            let line_start = before.rfind('\n').map_or(0, |i| i + 1);
            moved.push(Moved {
                at: range.start,
                line: before.matches('\n').count() + 1,
                column: before[line_start..].chars().count() + 1,
                old: text[range.clone()].to_string(),
                context: context(text, range.clone(), &new_digits),
                new: new_digits.clone(),
                held,
            });
            if held.is_none() {
                edits.push(Edit {
                    range,
                    new: new_digits,
                });
            }
        }
    }
    moved.sort_by_key(|m| m.at);
    (edits, moved)
}

/// `year` in the digits `like` is written in (ASCII or full-width).
fn same_width(like: &str, year: i32) -> String {
    let full = like.chars().next().is_some_and(|c| !c.is_ascii_digit());
    let digits = year.to_string();
    match full {
        false => digits,
        true => digits
            .chars()
            .map(|c| char::from_u32(c as u32 - '0' as u32 + '０' as u32).unwrap_or(c))
            .collect(),
    }
}

/// Up to ten characters either side of `range` on its line, with the
/// replacement in place, marked 【…】.
fn context(text: &str, range: Range<usize>, new: &str) -> String {
    let line_start = text[..range.start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[range.end..]
        .find('\n')
        .map_or(text.len(), |i| range.end + i);
    let before: Vec<char> = text[line_start..range.start].chars().collect();
    let after: String = text[range.end..line_end].chars().take(10).collect();
    let before: String = before[before.len().saturating_sub(10)..].iter().collect();
    format!("…{}【{new}】{after}…", before.trim_start())
}

/// A digit, ASCII or full-width, as its value.
fn digit(c: char) -> Option<u32> {
    match c {
        '0'..='9' => Some(c as u32 - '0' as u32),
        '０'..='９' => Some(c as u32 - '０' as u32),
        _ => None,
    }
}

/// The characters of the string token at `span` with their byte offsets
/// in `text`; an escape sequence of a basic string stands as one `\0`, so
/// the digits of `\u2025` are never taken for a year.
fn token_chars(text: &str, span: Range<usize>) -> Vec<(usize, char)> {
    let raw = &text[span.clone()];
    let (quote, basic) = match raw {
        r if r.starts_with("\"\"\"") => (3, true),
        r if r.starts_with("'''") => (3, false),
        r if r.starts_with('"') => (1, true),
        _ => (1, false),
    };
    let start = span.start + quote;
    let end = span.end.saturating_sub(quote).max(start);
    let mut out = Vec::new();
    let mut chars = text[start..end].char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if !(basic && c == '\\') {
            out.push((start + i, c));
            continue;
        }
        out.push((start + i, '\0'));
        let skip = match chars.next().map(|(_, e)| e) {
            Some('u') => 4,
            Some('U') => 8,
            Some(w) if w.is_whitespace() => {
                while chars.next_if(|(_, c)| c.is_whitespace()).is_some() {}
                0
            }
            _ => 0,
        };
        (0..skip).for_each(|_| {
            chars.next();
        });
    }
    out
}

/// Byte ranges of `old` written as a year in the string token at `span`:
/// four digits (no digit on either side) followed by "年" or by a dash and
/// another year ("2025-2027年"), not part of a document number
/// ("〔2025〕101号", "2025年152号", "2025年第10号") and not a comparison
/// ("较2025年"). A year of a range ("2025-2026年度", "2024—2025年") or
/// inside 《…》 (a named plan) is held (with the reason): moving it would
/// change what the text means.
fn year_ranges(
    text: &str,
    span: Range<usize>,
    old: i32,
) -> Vec<(Range<usize>, Option<&'static str>)> {
    let chars = token_chars(text, span);
    let plain: String = chars.iter().map(|(_, c)| *c).collect();
    let offsets: Vec<usize> = plain.char_indices().map(|(i, _)| i).collect();
    let byte = |k: usize| offsets.get(k).copied().unwrap_or(plain.len());
    let is_digit = |k: usize| chars.get(k).is_some_and(|(_, c)| digit(*c).is_some());
    let mut out = Vec::new();
    for i in 0..chars.len() {
        if !is_digit(i) || (i > 0 && is_digit(i - 1)) || !(0..4).all(|d| is_digit(i + d)) {
            continue;
        }
        let value = (0..4).fold(0, |n, d| n * 10 + digit(chars[i + d].1).unwrap_or(0));
        if is_digit(i + 4) || value != old as u32 {
            continue;
        }
        let compared = chars[i.saturating_sub(3)..i]
            .iter()
            .any(|(_, c)| matches!(c, '较' | '比'));
        if compared || crate::rules::is_document_number(&plain, byte(i), byte(i + 4)) {
            continue;
        }
        let Some(range_after) = names_a_year(&chars, i + 4, &is_digit) else {
            continue;
        };
        let last = chars[i + 3];
        let named = {
            let before = chars[..i].iter().map(|(_, c)| *c);
            before.fold(false, |open, c| match c {
                '《' => true,
                '》' => false,
                _ => open,
            })
        };
        let held = match (range_after || ends_a_range(&chars, i, &is_digit), named) {
            (_, true) => Some("书名号内的文件名，未改动"),
            (true, _) => Some("年份区间，未改动"),
            _ => None,
        };
        out.push((chars[i].0..last.0 + last.1.len_utf8(), held));
    }
    out
}

/// The range dashes between two years.
const RANGE_DASHES: [char; 7] = ['-', '—', '–', '~', '～', '至', '到'];

/// Whether the four digits at `i` end a range: a range dash (spaces
/// around it allowed) and four digits before them ("2024-2025年").
fn ends_a_range(chars: &[(usize, char)], i: usize, is_digit: &dyn Fn(usize) -> bool) -> bool {
    let blank = |k: usize| matches!(chars[k].1, ' ' | '\u{3000}');
    let mut k = i;
    while k > 0 && blank(k - 1) {
        k -= 1;
    }
    if k == 0 || !RANGE_DASHES.contains(&chars[k - 1].1) {
        return false;
    }
    k -= 1;
    while k > 0 && blank(k - 1) {
        k -= 1;
    }
    k >= 4 && (k - 4..k).all(is_digit) && !(k >= 5 && is_digit(k - 5))
}

/// Whether what follows the digits ending before `k` makes them a year:
/// "年" (`Some(false)`), or a range dash and four more digits
/// (`Some(true)`).
fn names_a_year(
    chars: &[(usize, char)],
    k: usize,
    is_digit: &dyn Fn(usize) -> bool,
) -> Option<bool> {
    let skip = |mut k: usize| {
        while chars
            .get(k)
            .is_some_and(|(_, c)| matches!(c, ' ' | '\u{3000}'))
        {
            k += 1;
        }
        k
    };
    let k = skip(k);
    match chars.get(k).map(|(_, c)| *c) {
        Some('年') => Some(false),
        Some(c) if RANGE_DASHES.contains(&c) => {
            let k = skip(k + 1);
            ((0..4).all(|d| is_digit(k + d)) && !is_digit(k + 4)).then_some(true)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The texts `old` moves to `new` in, as the string `s` of a file.
    fn bumped(s: &str) -> (String, Vec<String>) {
        let text = format!("overall = {s}\n");
        let (edits, moved) = bump_file(&text, None, 2025, 2026);
        let olds = moved.iter().map(|m| m.context.clone()).collect();
        (apply(&text, edits), olds)
    }

    #[test]
    fn years_move_but_document_numbers_and_comparisons_stay() {
        let (text, moved) = bumped(
            "\"2025年使用经费；2025 年12月底前；冀财社2021152号；\
             〔2025〕101号；冀政字2025年152号；较2025年增长；20251年；12025年\"",
        );
        assert_eq!(
            text,
            "overall = \"2026年使用经费；2026 年12月底前；冀财社2021152号；\
             〔2025〕101号；冀政字2025年152号；较2025年增长；20251年；12025年\"\n"
        );
        assert_eq!(moved.len(), 2, "{moved:?}");
        // Ten characters either side, the others as they were.
        assert_eq!(moved[0], "…verall = \"【2026】年使用经费；2025…");
    }

    #[test]
    fn ranges_named_documents_and_announcement_numbers_are_held() {
        let s = "\"2025-2026年度；2024-2025年已完成；2025—2027年；2024 至 2025年；\
                 《河北省2021-2025年信访规划》；《2025年工作方案》；财政部公告2025年第10号\"";
        let text = format!("overall = {s}\n");
        let (edits, found) = bump_file(&text, None, 2025, 2026);
        assert!(edits.is_empty(), "{edits:?}");
        let held: Vec<_> = found.iter().map(|m| m.held).collect();
        let range = Some("年份区间，未改动");
        let named = Some("书名号内的文件名，未改动");
        assert_eq!(held, [range, range, range, range, named, named]);
        assert!(found.iter().all(|m| m.old == m.new));
    }

    #[test]
    fn escapes_full_width_digits_and_literal_strings() {
        // "\u2025年" is "‥年", not a year; full-width digits stay full-width.
        let (text, _) = bumped("\"\\u2025年，２０２５年\"");
        assert_eq!(text, "overall = \"\\u2025年，２０２６年\"\n");
        let (text, _) = bumped("'''\n2025年\n'''");
        assert_eq!(text, "overall = '''\n2026年\n'''\n");
    }

    #[test]
    fn only_goal_texts_timely_values_and_titles_of_a_project_move() {
        let text = "code = \"2025年\"\nname = \"n\"\ngoal = \"2025年\"\ntitle = \"2025年表\"\n\
                    [budget]\ntotal = 1\n\
                    [[indicators]]\nlevel1 = \"产出指标\"\nlevel2 = \"时效指标\"\nname = \"2025年\"\nvalue = \"2025年底\"\n\
                    [[indicators]]\nlevel1 = \"产出指标\"\nlevel2 = \"数量指标\"\nname = \"x\"\nvalue = \"2025年\"\n";
        let forms = Registry::builtin();
        let (edits, moved) = bump_file(text, Some((&forms, DEFAULT_FORM)), 2025, 2026);
        assert_eq!(moved.len(), 3);
        let out = apply(text, edits);
        assert!(out.starts_with(
            "code = \"2025年\"\nname = \"n\"\ngoal = \"2026年\"\ntitle = \"2026年表\""
        ));
        assert!(
            out.contains("name = \"2025年\"\nvalue = \"2026年底\""),
            "{out}"
        );
        assert!(out.ends_with("name = \"x\"\nvalue = \"2025年\"\n"), "{out}");
    }

    #[test]
    fn the_year_key_is_set_in_place() {
        let text = "# c\nyear = 2025   # 预算年度\n";
        let (old, edit) = set_year(text, 2026).unwrap();
        assert_eq!(old, 2025);
        assert_eq!(apply(text, vec![edit]), "# c\nyear = 2026   # 预算年度\n");
    }
}
