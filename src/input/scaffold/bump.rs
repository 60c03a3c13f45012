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
/// indicator), the cover title and the lines under it ("2025年1月编制").
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
    let lines = get(root, &["cover", "lines"]).and_then(|v| v.get_ref().as_array());
    lines
        .into_iter()
        .flatten()
        .for_each(|l| push_str(Some(l), &mut out));
    out
}

/// Every string value of a table, at any depth (keys and comments are
/// never printed).
fn all_strings<'t, 'i>(table: &'t DeTable<'i>, out: &mut Vec<&'t Node<'i>>) {
    fn value<'t, 'i>(v: &'t Node<'i>, out: &mut Vec<&'t Node<'i>>) {
        match v.get_ref() {
            DeValue::String(_) => out.push(v),
            DeValue::Array(items) => items.iter().for_each(|i| value(i, out)),
            DeValue::Table(t) => all_strings(t, out),
            _ => {}
        }
    }
    table.values().for_each(|v| value(v, out));
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
            let within = content(text, node.span()).0;
            moved.push(found_at(text, range.clone(), within, &new_digits, held));
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

/// Why an old year found outside the texts that move was left as it is.
pub(crate) const LEFT: &str = "去年的年份，未改动";

/// The old year left in the printed texts of a data file, beside `found`
/// (the years moved or held there): `old` standing alone as four digits
/// in any string value ("2025年", "2025.12.31", "较2025年"), outside a
/// document number; each held (`LEFT`) for a person to look at, so no
/// year of last year's is left unmentioned.
pub(crate) fn left_years(text: &str, old: i32, found: &[Moved]) -> Vec<Moved> {
    let Ok(root) = DeTable::parse(text) else {
        return Vec::new();
    };
    let mut nodes = Vec::new();
    all_strings(root.get_ref(), &mut nodes);
    let mut out = Vec::new();
    for node in nodes {
        let chars = token_chars(text, node.span());
        for i in old_years(&chars, old) {
            let last = chars[i + 3];
            let range = chars[i].0..last.0 + last.1.len_utf8();
            if !found.iter().any(|m| m.at == range.start) {
                let digits = text[range.clone()].to_string();
                let within = content(text, node.span()).0;
                out.push(found_at(text, range, within, &digits, Some(LEFT)));
            }
        }
    }
    out.sort_by_key(|m| m.at);
    out
}

/// The year at `range` of `text` (in the string whose text is `within`),
/// to become `new` (or held, `why`).
fn found_at(
    text: &str,
    range: Range<usize>,
    within: Range<usize>,
    new: &str,
    why: Option<&'static str>,
) -> Moved {
    let before = &text[..range.start];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    Moved {
        at: range.start,
        line: before.matches('\n').count() + 1,
        column: before[line_start..].chars().count() + 1,
        old: text[range.clone()].to_string(),
        context: context(text, range, within, new),
        new: new.to_string(),
        held: why,
    }
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

/// Up to ten characters either side of `range` on its line and inside its
/// string (`within`), with the replacement in place, marked 【…】; "…"
/// where the text goes on.
fn context(text: &str, range: Range<usize>, within: Range<usize>, new: &str) -> String {
    let line_start = text[..range.start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[range.end..]
        .find('\n')
        .map_or(text.len(), |i| range.end + i);
    let before: Vec<char> = text[line_start.max(within.start)..range.start]
        .chars()
        .collect();
    let after: Vec<char> = text[range.end..line_end.min(within.end).max(range.end)]
        .chars()
        .collect();
    let cut = |more: bool| if more { "…" } else { "" };
    // A multi-line string goes on above or below the line shown.
    let text_in = |r: Range<usize>| r.start < r.end && !text[r].trim().is_empty();
    let above = text_in(within.start..line_start);
    let below = text_in(line_end..within.end);
    let shown: String = before[before.len().saturating_sub(10)..].iter().collect();
    let tail: String = after.iter().take(10).collect();
    format!(
        "{}{shown}【{new}】{tail}{}",
        cut(before.len() > 10 || above),
        cut(after.len() > 10 || below)
    )
}

/// A digit, ASCII or full-width, as its value.
fn digit(c: char) -> Option<u32> {
    match c {
        '0'..='9' => Some(c as u32 - '0' as u32),
        '０'..='９' => Some(c as u32 - '０' as u32),
        _ => None,
    }
}

/// The bytes of a string token's text between its quotes, and whether it
/// is a basic string (one with escapes).
fn content(text: &str, span: Range<usize>) -> (Range<usize>, bool) {
    let raw = &text[span.clone()];
    let (quote, basic) = match raw {
        r if r.starts_with("\"\"\"") => (3, true),
        r if r.starts_with("'''") => (3, false),
        r if r.starts_with('"') => (1, true),
        _ => (1, false),
    };
    let start = span.start + quote;
    (start..span.end.saturating_sub(quote).max(start), basic)
}

/// The characters of the string token at `span` with their byte offsets
/// in `text`; an escape sequence of a basic string stands as one `\0`, so
/// the digits of `\u2025` are never taken for a year.
fn token_chars(text: &str, span: Range<usize>) -> Vec<(usize, char)> {
    let (Range { start, end }, basic) = content(text, span);
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
    let is_digit = |k: usize| chars.get(k).is_some_and(|(_, c)| digit(*c).is_some());
    let mut out = Vec::new();
    for i in old_years(&chars, old) {
        let compared = chars[i.saturating_sub(3)..i]
            .iter()
            .any(|(_, c)| matches!(c, '较' | '比'));
        if compared {
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
        let ends = ends_a_range(&chars, i, &is_digit) || after_a_date_dash(&chars, i);
        let held = match (range_after || ends, named) {
            (_, true) => Some("书名号内的文件名，未改动"),
            (true, _) => Some("年份区间，未改动"),
            _ => None,
        };
        out.push((chars[i].0..last.0 + last.1.len_utf8(), held));
    }
    out
}

/// The indexes in `chars` where `old` stands as four digits (no digit or
/// Latin letter on either side: "DA2025" is a code), outside a document
/// number ("〔2025〕101号").
fn old_years(chars: &[(usize, char)], old: i32) -> Vec<usize> {
    let plain: String = chars.iter().map(|(_, c)| *c).collect();
    let offsets: Vec<usize> = plain.char_indices().map(|(i, _)| i).collect();
    let byte = |k: usize| offsets.get(k).copied().unwrap_or(plain.len());
    let is_digit = |k: usize| chars.get(k).is_some_and(|(_, c)| digit(*c).is_some());
    let joined =
        |k: usize| is_digit(k) || chars.get(k).is_some_and(|(_, c)| c.is_ascii_alphabetic());
    let starts =
        |i: usize| is_digit(i) && !(i > 0 && joined(i - 1)) && (0..4).all(|d| is_digit(i + d));
    let value = |i: usize| (0..4).fold(0, |n, d| n * 10 + digit(chars[i + d].1).unwrap_or(0));
    (0..chars.len())
        .filter(|&i| starts(i) && !joined(i + 4) && value(i) == old as u32)
        .filter(|&i| !crate::rules::is_document_number(&plain, byte(i), byte(i + 4)))
        .collect()
}

/// Where a date's month and day end, when they follow at `k`: a
/// separator, 1–12, the same separator, 1–31 ("2025.12.31", "2025-6-30",
/// "2025/12/31"); a month alone ("2025.12") could be an amount, so it is
/// not taken.
fn month_and_day(chars: &[(usize, char)], k: usize) -> Option<usize> {
    const SEPARATORS: [char; 6] = ['.', '-', '/', '．', '－', '／'];
    let &(_, sep) = chars.get(k).filter(|(_, c)| SEPARATORS.contains(c))?;
    // A number of one or two digits at `k`, and where it ends.
    let number = |k: usize| {
        let n = chars[k..]
            .iter()
            .take_while(|(_, c)| digit(*c).is_some())
            .count();
        let value = chars[k..k + n]
            .iter()
            .fold(0, |v, (_, c)| v * 10 + digit(*c).unwrap_or(0));
        (1..=2).contains(&n).then_some((value, k + n))
    };
    let (month, end) = number(k + 1)?;
    let (day, end) = (chars.get(end).map(|(_, c)| *c) == Some(sep))
        .then(|| number(end + 1))
        .flatten()?;
    ((1..=12).contains(&month) && (1..=31).contains(&day)).then_some(end)
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

/// Whether the year at `i` follows a range dash after a date or a year
/// written out ("2024.7.1-2025.6.30", "2024年—2025年"): the end of a range.
fn after_a_date_dash(chars: &[(usize, char)], i: usize) -> bool {
    let before: Vec<char> = chars[..i]
        .iter()
        .rev()
        .map(|(_, c)| *c)
        .filter(|c| !matches!(c, ' ' | '\u{3000}'))
        .take(2)
        .collect();
    matches!(before[..], [dash, c] if RANGE_DASHES.contains(&dash)
        && (digit(c).is_some() || matches!(c, '年' | '月' | '日')))
}

/// Whether what follows the digits ending before `k` makes them a year:
/// "年" or a month and day ("2025.12.31", `Some(false)`), or a range dash
/// and four more digits, or a date then a range dash ("2025.7.1-…",
/// `Some(true)`).
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
    // A range dash, then (after blanks) a number: "-2026", "至 12月".
    let range_at = |k: usize| {
        let k = skip(k);
        chars.get(k).is_some_and(|(_, c)| RANGE_DASHES.contains(c)) && is_digit(skip(k + 1))
    };
    if let Some(end) = month_and_day(chars, k) {
        return Some(range_at(end));
    }
    let k = skip(k);
    match chars.get(k).map(|(_, c)| *c) {
        // "2025年7月-2026年", "2025年-2026年": the start of a range.
        Some('年') => {
            let mut k = k + 1;
            for unit in ['月', '日'] {
                let digits = (k..).take_while(|&d| is_digit(d)).count();
                if digits > 0 && chars.get(k + digits).is_some_and(|(_, c)| *c == unit) {
                    k += digits + 1;
                }
            }
            Some(range_at(k))
        }
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
        assert_eq!(moved[0], "【2026】年使用经费；2025…");
        assert_eq!(moved[1], "2025年使用经费；【2026】 年12月底前；冀财…");
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
    fn dates_move_with_their_month_and_day_but_a_month_alone_stays() {
        let (text, moved) =
            bumped("\"2025.12.31前；2025-6-30；2025/12/31；2025.12万元；2025-13-01\"");
        assert_eq!(
            text,
            "overall = \"2026.12.31前；2026-6-30；2026/12/31；2025.12万元；2025-13-01\"\n"
        );
        assert_eq!(moved.len(), 3, "{moved:?}");
    }

    #[test]
    fn dates_and_years_written_out_that_make_a_range_are_held() {
        let s = "\"2025.7.1-2026.6.30前；2024.7.1-2025.6.30；2024年—2025年；2025年7月-2026年\"";
        let text = format!("overall = {s}\n");
        let (edits, found) = bump_file(&text, None, 2025, 2026);
        assert!(edits.is_empty(), "{edits:?}");
        assert_eq!(found.len(), 4, "{found:?}");
        assert!(found.iter().all(|m| m.held == Some("年份区间，未改动")));
        // "到" and "至" are range words only before a number.
        let (text, _) = bumped("\"2025年到期；2025.12.31至今\"");
        assert_eq!(text, "overall = \"2026年到期；2026.12.31至今\"\n");
    }

    #[test]
    fn the_lines_under_the_cover_title_move() {
        let text = "[cover]\ntitle = \"2025年绩效\"\nlines = [\"2025年1月编制\", \"审核\"]\n";
        let (edits, _) = bump_file(text, None, 2025, 2026);
        assert_eq!(
            apply(text, edits),
            "[cover]\ntitle = \"2026年绩效\"\nlines = [\"2026年1月编制\", \"审核\"]\n"
        );
    }

    #[test]
    fn every_old_year_left_in_a_printed_text_is_listed_once() {
        let text = "# 2025年的注释\ncode = \"DA2025\"\ngoal = \"2025年完成\"\n\
                    [[indicators]]\nlevel1 = \"效益指标\"\nlevel2 = \"社会效益指标\"\n\
                    name = \"较2025年提升\"\nvalue = \"〔2025〕1号；2025.6\"\n\
                    description = [\"2025\", {note = \"２０２５年\"}]\n";
        let forms = Registry::builtin();
        let (_, moved) = bump_file(text, Some((&forms, DEFAULT_FORM)), 2025, 2026);
        assert_eq!(moved.len(), 1, "the goal moves");
        let left = left_years(text, 2025, &moved);
        let at: Vec<_> = left.iter().map(|m| (m.line, m.column, m.held)).collect();
        assert_eq!(
            at,
            [
                (7, 10, Some(LEFT)),
                (8, 19, Some(LEFT)),
                (9, 17, Some(LEFT)),
                (9, 33, Some(LEFT)),
            ],
            "{left:?}"
        );
        assert_eq!(left[0].context, "较【2025】年提升");
        assert!(left_years(text, 2024, &[]).is_empty());
    }

    /// A year on a middle line of a multi-line string: "…" on both sides,
    /// since the text goes on above and below; none on its first line.
    #[test]
    fn the_context_says_where_a_multi_line_text_goes_on() {
        let text = "overall = \"\"\"\n第一段。\n2025年完成\n第三段。\n\"\"\"\nx = \"\"\"\n2025年\n\"\"\"\n";
        let left = left_years(text, 2025, &[]);
        let contexts: Vec<&str> = left.iter().map(|m| m.context.as_str()).collect();
        assert_eq!(contexts, ["…【2025】年完成…", "【2025】年"], "{left:?}");
    }

    #[test]
    fn the_year_key_is_set_in_place() {
        let text = "# c\nyear = 2025   # 预算年度\n";
        let (old, edit) = set_year(text, 2026).unwrap();
        assert_eq!(old, 2025);
        assert_eq!(apply(text, vec![edit]), "# c\nyear = 2026   # 预算年度\n");
    }
}
