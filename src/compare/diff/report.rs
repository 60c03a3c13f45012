//! The three forms of a diff report: terminal text (optionally coloured),
//! Markdown for a review comment, and JSON for programs.

use serde::Serialize;

use super::text::{Run, snippets};
use super::{AmountChange, Changes, FieldChange, IndicatorChange, ItemChange, Kind};
use super::{ProjectChange, Section, Summary};
use crate::report::escape::one_line;
use crate::typeset::render::chinese_number;

/// Version of the JSON layout; raised when a field changes meaning.
pub const JSON_VERSION: u32 = 1;

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
        };
        self.tagged(kind, word)
    }

    /// A word marking an added/removed/changed item, coloured by kind.
    fn tagged(self, kind: Kind, word: &str) -> String {
        let colour = match kind {
            Kind::Added => "32",
            Kind::Removed => "31",
            Kind::Changed => "33",
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
        out.push_str(&closing);
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

/// The parts of [`human`] before layout: title, lines (depth, text) and
/// closing line, decorated by `painter`.
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
    document_lines(&mut lines, &changes.document);
    item_lines(&mut lines, "分项绩效目标", &changes.goals, "标题");
    item_lines(&mut lines, "工作保障措施", &changes.measures, "措施要点");
    project_lines(&mut lines, &changes.projects);
    let title = format!("比较 {} → {}", painter.text(old), painter.text(new));
    (title, lines.lines, closing(changes))
}

/// The last line: the counts, or that nothing changed.
fn closing(changes: &Changes) -> String {
    let Summary {
        added,
        removed,
        changed,
    } = changes.summary();
    match (changes.is_empty(), changes.any_reordered()) {
        (true, false) => "无变化".to_string(),
        (true, true) => "内容无变化（仅顺序调整）".to_string(),
        _ => format!("共计：新增 {added} 处，删除 {removed} 处，修改 {changed} 处"),
    }
}

fn document_lines(out: &mut Lines, fields: &[FieldChange]) {
    if fields.is_empty() {
        return;
    }
    out.push(0, "文档信息".into());
    for f in fields {
        field_lines(out, 1, f, &format!("{} ", out.painter.kind(Kind::Changed)));
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
        let line = format!("{lead}{label}：{} → {}", shown(&f.old), shown(&f.new));
        out.push(depth, line);
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

fn item_lines(out: &mut Lines, heading: &str, section: &Section<ItemChange>, title_label: &str) {
    if section.items.is_empty() && !section.reordered {
        return;
    }
    let p = out.painter;
    out.push(0, heading.into());
    for item in &section.items {
        let at = item.new_index.or(item.old_index).unwrap_or(0);
        let number = format!("（{}）", chinese_number(at));
        let head = match item.kind {
            Kind::Removed => format!("{} 原{number}{}", p.kind(item.kind), p.text(&item.title)),
            _ => format!("{} {number}{}", p.kind(item.kind), p.text(&item.title)),
        };
        out.push(1, head);
        for f in &item.fields {
            let f = relabel(f, title_label);
            field_lines(out, 2, &f, "");
        }
    }
    if section.reordered {
        out.push(1, "注：仅顺序调整（不计为内容变化）".into());
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

fn project_lines(out: &mut Lines, section: &Section<ProjectChange>) {
    if section.items.is_empty() && !section.reordered {
        return;
    }
    let p = out.painter;
    out.push(0, "项目绩效目标表".into());
    for proj in &section.items {
        let name = format!("{} {}", p.text(&proj.code), p.text(&proj.name));
        if proj.kind != Kind::Changed {
            let total = p.text(&proj.total);
            out.push(1, format!("{} {name}（预算数 {total}）", p.kind(proj.kind)));
            continue;
        }
        let kind = if proj.has_content() {
            p.kind(Kind::Changed)
        } else {
            "调整顺序".into()
        };
        out.push(1, format!("{kind} {name}"));
        for f in &proj.fields {
            field_lines(out, 2, f, "");
        }
        for a in &proj.budget {
            out.push(2, amount_line(p, a, ""));
        }
        for a in &proj.plan {
            out.push(2, amount_line(p, a, "%"));
        }
        indicator_lines(out, &proj.indicators);
    }
    if section.reordered {
        out.push(1, "注：项目表仅顺序调整（不计为内容变化）".into());
    }
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
        };
        let word = p.tagged(row.kind, word);
        if row.kind == Kind::Changed {
            out.push(2, format!("{word} {at}"));
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
        out.push(2, format!("{word} {at}：{}", p.text(&cells.join(" | "))));
    }
    if rows.reordered {
        out.push(2, "注：指标行仅顺序调整（不计为内容变化）".into());
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
        super::super::compare(&doc("甲局"), &new)
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
        let new = v["document"][0]["new"].as_str().unwrap();
        assert_eq!(new, "甲局\u{1b}[2J\r\n预算数: 10\u{9b}");
    }
}
