//! The three forms of a diff report: terminal text (optionally coloured),
//! Markdown for a review comment, and JSON for programs.

use serde::Serialize;

use super::text::{Run, runs, snippets};
use super::{AmountChange, Changes, FieldChange, IndicatorChange, ItemChange, Kind};
use super::{CheckChanges, PageRef, Position, ProjectChange, Section, Summary, Totals};
use crate::report::escape::one_line;
use crate::typeset::render::chinese_number;

/// Version of the JSON layout; raised when a field changes meaning.
pub const JSON_VERSION: u32 = 2;

/// Values this long or longer are shown as inline snippets, not old → new.
const SHORT: usize = 40;

/// How report lines are decorated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Painter {
    /// Plain text with `[-…-]{+…+}` markers.
    Plain,
    /// Plain text markers plus ANSI colours.
    Ansi,
    /// Markdown with `<del>`/`<ins>`.
    Markdown,
    /// HTML with `<del>`/`<ins>` and kind words as `<span class>`.
    Html,
}

impl Painter {
    /// Data text as shown: on one line, control characters escaped (so
    /// ESC or CR never reach the terminal), Markdown-escaped for Markdown.
    fn text(self, s: &str) -> String {
        match self {
            Painter::Markdown => md_escape(s),
            Painter::Html => super::html::escape(&one_line(s)),
            _ => one_line(s).into_owned(),
        }
    }

    fn del(self, s: &str) -> String {
        let s = self.text(s);
        match self {
            Painter::Plain => format!("[-{s}-]"),
            Painter::Ansi => format!("\x1b[31m[-{s}-]\x1b[0m"),
            Painter::Markdown | Painter::Html => format!("<del>{s}</del>"),
        }
    }

    fn ins(self, s: &str) -> String {
        let s = self.text(s);
        match self {
            Painter::Plain => format!("{{+{s}+}}"),
            Painter::Ansi => format!("\x1b[32m{{+{s}+}}\x1b[0m"),
            Painter::Markdown | Painter::Html => format!("<ins>{s}</ins>"),
        }
    }

    fn kind(self, kind: Kind) -> String {
        let word = match kind {
            Kind::Added => "新增",
            Kind::Removed => "删除",
            Kind::Changed => "修改",
            Kind::Moved => "顺序调整",
        };
        self.tagged(kind, word)
    }

    /// A word marking an added/removed/changed item, coloured by kind.
    fn tagged(self, kind: Kind, word: &str) -> String {
        let colour = match kind {
            Kind::Added => "32",
            Kind::Removed => "31",
            Kind::Changed | Kind::Moved => "33",
        };
        match self {
            Painter::Plain => word.to_string(),
            Painter::Ansi => format!("\x1b[{colour}m{word}\x1b[0m"),
            Painter::Markdown => format!("**{word}**"),
            Painter::Html => {
                let class = match kind {
                    Kind::Added => "added",
                    Kind::Removed => "removed",
                    Kind::Changed => "changed",
                    Kind::Moved => "moved",
                };
                format!("<span class=\"{class}\">{word}</span>")
            }
        }
    }

    fn heading(self, s: &str) -> String {
        match self {
            Painter::Ansi => format!("\x1b[1m{s}\x1b[0m"),
            _ => s.to_string(),
        }
    }
}

/// Escapes text for Markdown: line breaks as ↵ and control characters as
/// `\u{…}` (see [`one_line`]), then HTML-special characters as entities and
/// Markdown punctuation with a backslash.
fn md_escape(s: &str) -> String {
    let s = one_line(s);
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\\' | '`' | '*' | '_' | '[' | ']' | '#' | '|' | '~' | '{' | '}' => {
                out.push('\\');
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out
}

/// Report lines before layout: nesting depth and text.
struct Lines {
    painter: Painter,
    lines: Vec<(usize, String)>,
}

impl Lines {
    fn push(&mut self, depth: usize, text: String) {
        self.lines.push((depth, text));
    }

    fn finish(self, title: String, closing: String) -> String {
        let md = self.painter == Painter::Markdown;
        let mut out = if md {
            format!("### {title}\n\n")
        } else {
            format!("{}\n", self.painter.heading(&title))
        };
        for (depth, text) in &self.lines {
            out.push_str(&match (md, depth) {
                (true, 0) if out.ends_with("\n\n") => format!("**{text}**\n\n"),
                (true, 0) => format!("\n**{text}**\n\n"),
                (true, d) => format!("{}- {text}\n", "  ".repeat(d - 1)),
                (false, 0) => format!("{}\n", self.painter.heading(text)),
                (false, d) => format!("{}{text}\n", "  ".repeat(*d)),
            });
        }
        if md && !self.lines.is_empty() {
            out.push('\n');
        }
        // Markdown joins adjacent lines into one paragraph.
        out.push_str(&if md {
            closing.replace('\n', "\n\n")
        } else {
            closing
        });
        out.push('\n');
        out
    }
}

/// The human-readable report (text or Markdown) of `changes` between the
/// versions named `old` and `new`.
pub fn human(changes: &Changes, old: &str, new: &str, painter: Painter) -> String {
    let (title, lines, closing) = human_parts(changes, old, new, painter);
    Lines { painter, lines }.finish(title, closing)
}

/// The report before layout: its title, its lines (nesting depth and
/// painted text) in document order, and its closing lines.
pub(crate) fn human_parts(
    changes: &Changes,
    old: &str,
    new: &str,
    painter: Painter,
) -> (String, Vec<(usize, String)>, String) {
    let mut lines = Lines {
        painter,
        lines: Vec::new(),
    };
    field_group(&mut lines, "封面", &changes.cover);
    field_group(&mut lines, "第一部分 一、总体绩效目标", &changes.overall);
    item_lines(
        &mut lines,
        "第一部分 二、分项绩效目标",
        &changes.goals,
        Numbered::Goal,
    );
    item_lines(
        &mut lines,
        "第一部分 三、工作保障措施",
        &changes.measures,
        Numbered::Measure,
    );
    project_lines(&mut lines, &changes.projects, 1, false);
    project_lines(&mut lines, &changes.projects, 2, changes.standalone);
    field_group(&mut lines, "其他设置（表头文字、样式）", &changes.settings);
    check_lines(&mut lines, &changes.checks);
    let title = format!("比较 {} → {}", painter.text(old), painter.text(new));
    let closing = format!(
        "{}\n{}",
        totals_line(painter, &changes.totals),
        closing(changes)
    );
    (title, lines.lines, closing)
}

/// The last line: the counts, or that nothing changed.
fn closing(changes: &Changes) -> String {
    let Summary {
        added,
        removed,
        changed,
        moved,
    } = changes.summary();
    match (changes.is_empty(), changes.any_reordered()) {
        (true, false) => "无变化".to_string(),
        (true, true) => "内容无变化（仅顺序调整，已按 --ignore-order 不计）".to_string(),
        _ => format!(
            "共计：新增 {added} 处，删除 {removed} 处，修改 {changed} 处，顺序调整 {moved} 处"
        ),
    }
}

/// `合计：预算数 301.84 → 304.58 万元（+2.74）；表 13 → 13 张；指标 120 → 121 行`;
/// with a department table, its 部门预算数 first and the projects' sum
/// named 项目预算数.
fn totals_line(p: Painter, t: &Totals) -> String {
    let pair = |a: &str, b: &str| {
        if a == b {
            a.to_string()
        } else {
            format!("{a} → {b}")
        }
    };
    let amount = |label: &str, b: &AmountChange| {
        let (old, new) = (
            b.old.as_deref().unwrap_or(""),
            b.new.as_deref().unwrap_or(""),
        );
        let delta = match b.delta.as_deref() {
            Some(d) if old != new => format!("（{d}）"),
            _ => String::new(),
        };
        format!("{label} {} {}{delta}", pair(old, new), t.unit)
    };
    let money = match &t.department {
        Some(d) => format!(
            "{}；{}",
            amount("部门预算数", d),
            amount("项目预算数", &t.budget)
        ),
        None => amount("预算数", &t.budget),
    };
    let count = |[a, b]: [usize; 2]| pair(&a.to_string(), &b.to_string());
    p.text(&format!(
        "合计：{money}；表 {} 张；指标 {} 行",
        count(t.projects),
        count(t.indicators)
    ))
}

/// A page reference as a suffix: `（第 7 页）`, or nothing.
fn on_page(page: &Option<PageRef>) -> String {
    notes(&[], page)
}

/// Notes and the page in one pair of brackets: `（第 2 → 第 1 行；第 3 页）`.
fn notes(parts: &[String], page: &Option<PageRef>) -> String {
    let mut all: Vec<&str> = parts
        .iter()
        .map(String::as_str)
        .filter(|s| !s.is_empty())
        .collect();
    if let Some(p) = page {
        all.push(&p.label);
    }
    if all.is_empty() {
        String::new()
    } else {
        format!("（{}）", all.join("；"))
    }
}

/// Top-level fields under one heading.
fn field_group(out: &mut Lines, heading: &str, fields: &[FieldChange]) {
    if fields.is_empty() {
        return;
    }
    out.push(0, heading.into());
    for f in fields {
        let lead = format!("{} ", out.painter.kind(Kind::Changed));
        let mut f = f.clone();
        f.label = format!("{}{}", f.label, on_page(&f.page));
        field_lines(out, 1, &f, &lead);
    }
}

/// One changed field: `label：old → new` when short, else its snippets.
fn field_lines(out: &mut Lines, depth: usize, f: &FieldChange, lead: &str) {
    let p = out.painter;
    let label = p.text(&f.label);
    let shown = |v: &Option<String>| v.as_deref().map_or("（空）".to_string(), |s| p.text(s));
    let short = |v: &Option<String>| {
        v.as_deref()
            .is_none_or(|s| s.chars().count() < SHORT && !s.contains('\n'))
    };
    if short(&f.old) && short(&f.new) {
        let (a, b) = match (&f.old, &f.new) {
            (Some(a), Some(b)) if worth_marking(a, b) => marked(p, a, b),
            _ => (shown(&f.old), shown(&f.new)),
        };
        out.push(depth, format!("{lead}{label}：{a} → {b}"));
        return;
    }
    let snips = inline(
        p,
        f.old.as_deref().unwrap_or(""),
        f.new.as_deref().unwrap_or(""),
    );
    match snips.as_slice() {
        [one] => out.push(depth, format!("{lead}{label}：{one}")),
        many => {
            out.push(depth, format!("{lead}{label}："));
            for s in many {
                out.push(depth + 1, s.clone());
            }
        }
    }
}

/// Whether marking the changed characters of a short value helps: not for
/// figures (`≥95% → ≥90%`, `=2人 → =3人` read better whole), yes for names
/// with a typo or an insertion.
fn worth_marking(old: &str, new: &str) -> bool {
    const LONG: usize = 4;
    let figure = |s: &str| s.chars().any(|c| c.is_ascii_digit());
    !figure(old)
        && !figure(new)
        && old.chars().count() >= LONG
        && new.chars().count() >= LONG
        && super::matching::share(old, new) >= 0.5
}

/// A short value's old and new text, the removed characters marked in the
/// old and the inserted ones in the new.
fn marked(p: Painter, old: &str, new: &str) -> (String, String) {
    let (mut a, mut b) = (String::new(), String::new());
    for run in runs(old, new) {
        match run {
            Run::Same(x) => {
                a.push_str(&p.text(&x));
                b.push_str(&p.text(&x));
            }
            Run::Removed(x) => a.push_str(&p.del(&x)),
            Run::Added(x) => b.push_str(&p.ins(&x)),
        }
    }
    (a, b)
}

/// The inline snippets of a text change, decorated by the painter.
fn inline(p: Painter, old: &str, new: &str) -> Vec<String> {
    snippets(old, new)
        .iter()
        .map(|s| {
            let mut t = String::new();
            if s.cut_before {
                t.push('…');
            }
            for run in &s.runs {
                t.push_str(&match run {
                    Run::Same(x) => p.text(x),
                    Run::Removed(x) => p.del(x),
                    Run::Added(x) => p.ins(x),
                });
            }
            if s.cut_after {
                t.push('…');
            }
            t
        })
        .collect()
}

/// How the items of a list are numbered in the report.
#[derive(Clone, Copy)]
enum Numbered {
    Goal,
    Measure,
}

impl Numbered {
    fn title_label(self) -> &'static str {
        match self {
            Numbered::Goal => "标题",
            Numbered::Measure => "措施要点",
        }
    }
}

/// `（二）`, or `（三）→（二）` for a moved item.
fn item_number(at: &Position) -> String {
    let n = |i: usize| format!("（{}）", chinese_number(i));
    match (at.old_index, at.new_index) {
        (Some(o), Some(m)) if at.moved => format!("{}→{}", n(o), n(m)),
        (Some(o), None) => format!("原{}", n(o)),
        (_, Some(m)) => n(m),
        _ => String::new(),
    }
}

fn item_lines(out: &mut Lines, heading: &str, section: &Section<ItemChange>, kind: Numbered) {
    if section.items.is_empty() && !section.reordered {
        return;
    }
    let p = out.painter;
    out.push(0, heading.into());
    for item in &section.items {
        let head = format!(
            "{} {}{}{}",
            p.kind(item.kind),
            item_number(&item.at),
            p.text(&item.title),
            on_page(&item.page)
        );
        out.push(1, head);
        for f in &item.fields {
            let f = relabel(f, kind.title_label());
            field_lines(out, 2, &f, "");
        }
    }
    order_note(out, 1, section, "");
}

/// The note for a list reordered while order is ignored.
fn order_note<T: Moves>(out: &mut Lines, depth: usize, section: &Section<T>, what: &str) {
    if section.reordered && !section.items.iter().any(Moves::moved) {
        out.push(
            depth,
            format!("注：{what}仅顺序调整（按 --ignore-order 不计为变化）"),
        );
    }
}

/// Items that may have moved.
trait Moves {
    fn moved(&self) -> bool;
}

impl Moves for ItemChange {
    fn moved(&self) -> bool {
        self.at.moved
    }
}

impl Moves for ProjectChange {
    fn moved(&self) -> bool {
        self.at.moved
    }
}

impl Moves for IndicatorChange {
    fn moved(&self) -> bool {
        self.at.moved
    }
}

/// The goal/measure title field under its section's own name.
fn relabel(f: &FieldChange, title_label: &str) -> FieldChange {
    let mut f = f.clone();
    if f.key == "title" || f.key == "lead" {
        f.label = title_label.to_string();
    }
    f
}

/// The tables of one part (1: department tables, 2: 项目绩效目标表).
fn project_lines(out: &mut Lines, section: &Section<ProjectChange>, part: u8, standalone: bool) {
    let items: Vec<&ProjectChange> = section.items.iter().filter(|p| p.part == part).collect();
    let note = part == 2 && section.reordered && !section.items.iter().any(Moves::moved);
    if items.is_empty() && !note {
        return;
    }
    out.push(
        0,
        match (part, standalone) {
            (1, _) => "第一部分 部门整体支出绩效目标表".into(),
            (_, true) => "绩效目标表".into(),
            _ => "第二部分 预算项目绩效目标".into(),
        },
    );
    for proj in items {
        project_head(out, proj);
        if proj.kind != Kind::Changed {
            continue;
        }
        for f in &proj.fields {
            field_lines(out, 2, f, "");
        }
        for a in &proj.budget {
            out.push(2, amount_line(out.painter, a, ""));
        }
        for a in &proj.plan {
            out.push(2, amount_line(out.painter, a, "%"));
        }
        indicator_lines(out, &proj.indicators);
    }
    if note {
        out.push(
            1,
            "注：项目表仅顺序调整（按 --ignore-order 不计为变化）".into(),
        );
    }
}

/// `修改 QC900001 信访接待经费（预算数 10.00 → 12.50，+2.50）（第 7 页）`.
fn project_head(out: &mut Lines, proj: &ProjectChange) {
    let p = out.painter;
    // A table without 项目编码 (a department-level form) shows its name alone.
    let name = [&proj.code, &proj.name]
        .into_iter()
        .filter(|t| !t.trim().is_empty())
        .map(|t| p.text(t))
        .collect::<Vec<_>>()
        .join(" ");
    let total = match (&proj.old_total, proj.kind) {
        (Some(old), Kind::Changed | Kind::Moved) if *old != proj.total => {
            let delta = proj
                .total_delta
                .as_ref()
                .map_or(String::new(), |d| format!("，{d}"));
            format!("预算数 {} → {}{delta}", p.text(old), p.text(&proj.total))
        }
        (Some(old), Kind::Removed) => format!("预算数 {}", p.text(old)),
        _ => format!("预算数 {}", p.text(&proj.total)),
    };
    let moved = match (proj.at.old_index, proj.at.new_index) {
        (Some(o), Some(n)) if proj.at.moved => format!("第 {o} → 第 {n} 张表"),
        _ => String::new(),
    };
    // Kept with --ignore-order only for the note on its rows.
    let kind = if proj.has_content() {
        p.kind(proj.kind)
    } else {
        p.tagged(Kind::Moved, "仅顺序调整")
    };
    out.push(
        1,
        format!("{kind} {name}{}", notes(&[moved, total], &proj.page)),
    );
}

/// `预算数：117.26 → 120.00（+2.74）`; checkpoints with a % sign.
fn amount_line(p: Painter, a: &AmountChange, unit: &str) -> String {
    let v = |x: &Option<String>| {
        x.as_ref()
            .map_or("（空）".to_string(), |s| format!("{s}{unit}"))
    };
    let label = if unit.is_empty() {
        a.label.clone()
    } else {
        format!("资金支出计划 {}", a.label)
    };
    let delta = a
        .delta
        .as_ref()
        .map_or(String::new(), |d| format!("（{d}）"));
    p.text(&format!("{label}：{} → {}{delta}", v(&a.old), v(&a.new)))
}

fn indicator_lines(out: &mut Lines, rows: &Section<IndicatorChange>) {
    let p = out.painter;
    for row in &rows.items {
        let at = p.text(&format!("[{}/{}]", row.level2, row.name));
        let word = match row.kind {
            Kind::Added => "新增指标",
            Kind::Removed => "删除指标",
            Kind::Changed => "修改指标",
            Kind::Moved => "顺序调整",
        };
        let word = p.tagged(row.kind, word);
        let place = match (row.at.old_index, row.at.new_index) {
            (Some(o), Some(n)) if row.at.moved => format!("第 {o} → 第 {n} 行"),
            _ => String::new(),
        };
        let page = notes(&[place], &row.page);
        if matches!(row.kind, Kind::Changed | Kind::Moved) {
            out.push(2, format!("{word} {at}{page}"));
            row.fields.iter().for_each(|f| field_lines(out, 3, f, ""));
            continue;
        }
        let cells: Vec<String> = row
            .fields
            .iter()
            .filter(|f| f.key != "name" && f.key != "level2")
            .map(|f| {
                let v = f
                    .new
                    .as_ref()
                    .or(f.old.as_ref())
                    .cloned()
                    .unwrap_or_default();
                format!("{}={v}", f.label)
            })
            .collect();
        let cells = p.text(&cells.join(" | "));
        out.push(2, format!("{word} {at}{page}：{cells}"));
    }
    order_note(out, 2, rows, "指标行");
}

/// The findings `check` has in one version and not the other.
fn check_lines(out: &mut Lines, checks: &CheckChanges) {
    if !checks.checked || (checks.new.is_empty() && checks.fixed.is_empty()) {
        return;
    }
    out.push(0, "检查结果".into());
    for (items, word, kind) in [
        (&checks.new, "新增", Kind::Removed),
        (&checks.fixed, "已修正", Kind::Added),
    ] {
        if items.is_empty() {
            continue;
        }
        let (errors, others) = CheckChanges::count(items);
        let counts = match (errors, others) {
            (0, w) => format!("{w} 个警告或提示"),
            (e, 0) => format!("{e} 个错误"),
            (e, w) => format!("{e} 个错误、{w} 个警告或提示"),
        };
        let word = out.painter.tagged(kind, word);
        out.push(1, format!("{word} {counts}："));
        for i in items {
            let place = if i.place.is_empty() {
                String::new()
            } else {
                format!("（{}）", i.place)
            };
            let line = format!("{} {}{place}", i.code, i.message);
            out.push(2, out.painter.text(&line));
        }
    }
}

/// The JSON report: stable key order (struct order), pretty-printed.
pub fn json(changes: &Changes, old: &str, new: &str) -> String {
    #[derive(Serialize)]
    struct Report<'a> {
        version: u32,
        old: &'a str,
        new: &'a str,
        equal: bool,
        reordered: bool,
        summary: Summary,
        #[serde(flatten)]
        changes: &'a Changes,
    }
    let report = Report {
        version: JSON_VERSION,
        old,
        new,
        equal: changes.is_empty(),
        reordered: changes.any_reordered(),
        summary: changes.summary(),
        changes,
    };
    let s = serde_json::to_string_pretty(&report).expect("diff report serialises");
    let mut s = crate::report::escape::json(&s);
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::model::Document;

    fn doc(department: &str) -> Document {
        let mut d: Document = toml::from_str(
            "year = 2030\nunit_code = '1'\nunit_name = '本级'\ndepartment = ''\n\
             overall = '深入学习贯彻《信访工作条例》，持续提升用法治思维和法治方式做好信访工作的能力和水平。'",
        )
        .unwrap();
        d.department = department.to_string();
        d
    }

    /// Old and new with control characters in a short field (old → new)
    /// and in a long one (inline snippets).
    fn changes() -> Changes {
        let mut new = doc("甲局\u{1b}[2J\r\n预算数: 10\u{9b}");
        let crate::input::model::Overall::Text(t) = &new.overall else {
            unreachable!("the document above writes overall as text")
        };
        new.overall =
            crate::input::model::Overall::Text(t.replace("用法治", "用\u{202E}法治\u{85}"));
        super::super::compare(&doc("甲局"), &new, super::super::Options::default())
    }

    #[test]
    fn text_and_markdown_show_controls_escaped() {
        let bad = ['\u{1b}', '\r', '\u{9b}', '\u{202E}', '\u{85}'];
        for painter in [Painter::Plain, Painter::Ansi, Painter::Markdown] {
            let mut out = human(&changes(), "旧\u{1b}", "新", painter);
            for colour in ["\x1b[0m", "\x1b[1m", "\x1b[31m", "\x1b[32m", "\x1b[33m"] {
                out = out.replace(colour, "");
            }
            assert!(!out.contains(bad), "{out}");
            assert!(out.lines().all(|l| !l.starts_with("预算数")), "{out}");
            assert_eq!(out.matches("预算数: 10").count(), 1, "{out}");
        }
        let plain = human(&changes(), "旧", "新", Painter::Plain);
        assert!(
            plain.contains("甲局{+\\u{1b}[2J↵预算数: 10\\u{9b}+}"),
            "{plain}"
        );
        assert!(plain.contains("用{+\\u{202e}+}法治{+\\u{85}+}"), "{plain}");
        let md = human(&changes(), "旧", "新", Painter::Markdown);
        assert!(md.contains("<ins>\\\\u\\{1b\\}\\[2J↵预算数: 10"), "{md}");
    }

    #[test]
    fn json_escapes_c1_and_bidi_but_keeps_the_values() {
        let out = json(&changes(), "旧", "新");
        assert!(
            !out.contains(['\u{1b}', '\u{9b}', '\u{202E}', '\u{85}']),
            "{out}"
        );
        assert!(out.contains("\\u009b") && out.contains("\\u202e"), "{out}");
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        let new = v["cover"][0]["new"].as_str().unwrap();
        assert_eq!(new, "甲局\u{1b}[2J\r\n预算数: 10\u{9b}");
    }
}
