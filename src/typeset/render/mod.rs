//! Rendering: the model becomes a view of display strings, and the Tera
//! templates turn that view into Typst source with every data string escaped.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::input::model::{Document, Overall};
use crate::report::diag::{Diagnostic, Diagnostics, Result, SourceMap, Span};

pub(crate) mod fit;
mod segment;
mod table;

use crate::input::form::Placement;
use crate::typeset::builtin;
use crate::typeset::style::ResolvedStyle;
pub(crate) use table::project_view;
pub use table::{BlockView, CellView, GroupView, ProjectView, ViewCache};

/// The template every document starts from.
pub const MAIN_TEMPLATE: &str = "document.typ.tera";
/// The suffix of templates whose output is Typst (and so is escaped).
pub const TYPST_SUFFIX: &str = ".typ.tera";

/// Loaded Tera templates: the built-in ones, each replaced by the
/// project's file of the same name, plus the project's other `*.tera` files.
pub struct Templates {
    tera: tera::Tera,
    /// Where each template was read from (a project file or a built-in name).
    paths: std::collections::BTreeMap<String, PathBuf>,
    files: Vec<PathBuf>,
}

impl Templates {
    /// Loads the built-in templates and those of a project's template folder.
    pub fn load(dir: Option<&Path>, sources: &SourceMap) -> Result<Self> {
        let mut tera = tera::Tera::new();
        tera.autoescape_on([TYPST_SUFFIX]);
        tera.set_escape_fn(escape_typst_string);
        let mut named = std::collections::BTreeMap::new();
        for (name, text) in builtin::TEMPLATES
            .iter()
            .filter(|(n, _)| n.ends_with(".tera"))
        {
            named.insert(name.to_string(), (builtin::path(name), text.to_string()));
        }
        if let Some(dir) = dir {
            for (name, path, text) in project_templates(dir)? {
                named.insert(name, (path, text));
            }
        }
        let mut paths = std::collections::BTreeMap::new();
        let mut raw = Vec::new();
        for (name, (path, text)) in named {
            sources.add(&path, &text);
            paths.insert(name.clone(), path);
            raw.push((name, text));
        }
        let files = paths.values().cloned().collect();
        let mut templates = Self { tera, paths, files };
        let added = templates.tera.add_raw_templates(raw);
        added.map_err(|e| templates.tera_diagnostic(&e, sources))?;
        Ok(templates)
    }

    /// The template files loaded, sorted by path.
    pub fn files(&self) -> &[PathBuf] {
        &self.files
    }

    /// Renders the whole document to Typst source.
    pub fn render(&self, view: &View, sources: &SourceMap) -> Result<String> {
        let ctx = tera::Context::from_serialize(view)
            .map_err(|e| Diagnostic::error(format!("无法准备模板数据：{e}")))?;
        self.tera
            .render(MAIN_TEMPLATE, &ctx)
            .map_err(|e| self.tera_diagnostic(&e, sources))
    }

    /// Converts a Tera error into a diagnostic pointing at the template line.
    fn tera_diagnostic(&self, err: &tera::Error, sources: &SourceMap) -> Diagnostics {
        use tera::ErrorKind;
        let report = match err.kind() {
            ErrorKind::SyntaxError(r) | ErrorKind::RenderingError(r) => Some(r),
            _ => None,
        };
        let Some(report) = report else {
            return Diagnostic::error(format!("模板错误：{err}")).into();
        };
        let span = self
            .paths
            .get(report.filename())
            .and_then(|path| sources.text_of_path(path))
            .map(|(file, _)| Span {
                file,
                range: report.span().range.clone(),
            });
        let name = report.filename();
        let own = self
            .paths
            .get(name)
            .is_some_and(|p| *p != builtin::path(name));
        let d = Diagnostic::error(format!("模板错误：{}", report.message()))
            .with_span(span)
            .with_label("模板在这里出错")
            .with_hint("这是模板（templates/）的问题，不是数据的问题；请检查模板语法和变量名");
        match own && builtin::template(name).is_some() {
            true => d.with_hint(builtin::override_hint(name)).into(),
            false => d.into(),
        }
    }
}

/// The `*.tera` files of a project's template folder: name, path and text.
fn project_templates(dir: &Path) -> Result<Vec<(String, PathBuf, String)>> {
    let entries = std::fs::read_dir(dir)
        .map_err(|e| crate::report::diag::io_error("读取模板文件夹", dir, &e))?;
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.to_string_lossy().ends_with(".tera"))
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|path| {
            let text = read_template(dir, &path)?;
            let name = path
                .file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned();
            Ok((name, path, text))
        })
        .collect()
}

/// The largest template read; the shipped ones are a few kilobytes.
const MAX_TEMPLATE_BYTES: u64 = 4 * 1024 * 1024;

/// Reads one template: a regular UTF-8 file inside the template folder
/// after resolving links (never a FIFO, a device or a link to elsewhere).
fn read_template(dir: &Path, path: &Path) -> Result<String> {
    let bytes = crate::input::confine::open_confined(dir, path, MAX_TEMPLATE_BYTES)
        .map_err(|e| e.diagnostic("模板", path, MAX_TEMPLATE_BYTES))?;
    String::from_utf8(bytes).map_err(|_| {
        Diagnostic::error(format!(
            "模板“{}”不是 UTF-8 编码的文本",
            crate::report::diag::display_path(path)
        ))
        .with_hint("请用 UTF-8 编码保存模板")
        .into()
    })
}

/// Writes a data string as a Typst string literal, so that it prints
/// literally whatever characters it holds.
///
/// Inside `"…"` only `\` and `"` are special; line breaks and control
/// characters are escaped so the generated source keeps one item per line.
pub fn escape_typst_string(input: &str, out: &mut dyn Write) -> std::io::Result<()> {
    out.write_all(b"\"")?;
    let mut start = 0;
    for (i, c) in input.char_indices() {
        let esc: Option<String> = match c {
            '\\' => Some("\\\\".into()),
            '"' => Some("\\\"".into()),
            '\n' => Some("\\n".into()),
            '\r' => Some("\\r".into()),
            '\t' => Some("\\t".into()),
            c if c.is_control() || typst::syntax::is_newline(c) => {
                Some(format!("\\u{{{:x}}}", c as u32))
            }
            _ => None,
        };
        if let Some(esc) = esc {
            out.write_all(&input.as_bytes()[start..i])?;
            out.write_all(esc.as_bytes())?;
            start = i + c.len_utf8();
        }
    }
    out.write_all(&input.as_bytes()[start..])?;
    out.write_all(b"\"")
}

/// Everything the templates see, as display strings.
#[derive(Debug, Serialize)]
pub struct View {
    /// 预算年度.
    pub year: String,
    /// 部门名称.
    pub department: String,
    /// "154001 承德市信访局本级".
    pub unit_line: String,
    /// "单位：万元".
    pub money_line: String,
    /// PDF title.
    pub pdf_title: String,
    /// Cover title under the department name.
    pub cover_title: String,
    /// Extra cover lines.
    pub cover_lines: Vec<String>,
    /// 总体绩效目标 paragraphs (plain form).
    pub overall: Vec<String>,
    /// 总体绩效目标 parts under numbered sub-headings (`[[overall]]` form).
    pub overall_parts: Vec<OverallPartView>,
    /// 分项绩效目标.
    pub goals: Vec<GoalView>,
    /// 工作保障措施.
    pub measures: Vec<MeasureView>,
    /// Department-wide tables (in 第一部分).
    pub department_tables: Vec<ProjectView>,
    /// Project tables (第二部分).
    pub projects: Vec<ProjectView>,
    /// Only tables of standalone forms and no text: no cover, 目录 or parts.
    pub standalone: bool,
    /// Resolved layout settings.
    pub style: ResolvedStyle,
}

/// One numbered part of 总体绩效目标 for the templates.
#[derive(Debug, Serialize)]
pub struct OverallPartView {
    /// "（一）".
    pub number: String,
    /// Sub-heading text.
    pub title: String,
    /// Paragraphs under the sub-heading.
    pub text: Vec<String>,
}

/// One sub-goal for the templates.
#[derive(Debug, Serialize)]
pub struct GoalView {
    /// "（一）".
    pub number: String,
    /// Heading text.
    pub title: String,
    /// 绩效目标 paragraphs.
    pub target: Vec<String>,
    /// 绩效指标 paragraphs.
    pub indicator: Vec<String>,
}

/// One measure for the templates.
#[derive(Debug, Serialize)]
pub struct MeasureView {
    /// "（一）".
    pub number: String,
    /// Lead sentence.
    pub lead: String,
    /// Body paragraphs; the first continues the lead's line.
    pub text: Vec<String>,
}

/// Builds the template view of a document.
pub fn view(doc: &Document, style: ResolvedStyle) -> View {
    view_with(doc, style, None)
}

/// Like [`view`], taking unchanged tables from `cache` (and keeping this
/// build's tables in it for the next).
pub fn view_reusing(doc: &Document, style: ResolvedStyle, cache: &mut ViewCache) -> View {
    cache.start();
    let view = view_with(doc, style, Some(cache));
    cache.finish();
    view
}

fn view_with(doc: &Document, style: ResolvedStyle, mut cache: Option<&mut ViewCache>) -> View {
    let cover_title = doc
        .cover
        .title
        .clone()
        .unwrap_or_else(|| format!("{}年部门预算绩效文本", doc.year));
    View {
        year: doc.year.to_string(),
        department: doc.department.clone(),
        unit_line: format!("{} {}", doc.unit_code, doc.unit_name),
        money_line: format!("单位：{}", doc.money_unit),
        pdf_title: format!("{}{}", doc.department, cover_title),
        cover_title,
        cover_lines: doc.cover.lines.clone(),
        overall: match &doc.overall {
            Overall::Text(t) => paragraphs(t),
            Overall::Parts(_) => Vec::new(),
        },
        overall_parts: overall_parts(&doc.overall),
        goals: doc
            .goals
            .iter()
            .enumerate()
            .map(|(i, g)| GoalView {
                number: format!("（{}）", chinese_number(i + 1)),
                title: g.title.trim().to_string(),
                target: paragraphs(&g.target),
                indicator: paragraphs(&g.indicator),
            })
            .collect(),
        measures: doc
            .measures
            .iter()
            .enumerate()
            .map(|(i, m)| MeasureView {
                number: format!("（{}）", chinese_number(i + 1)),
                lead: m.lead.trim().to_string(),
                text: paragraphs(&m.text),
            })
            .collect(),
        department_tables: table::views(doc, Placement::Department, cache.as_deref_mut()),
        projects: table::views(doc, Placement::Project, cache),
        standalone: is_standalone(doc),
        style,
    }
}

/// Whether the document is a single form: every table's form is
/// standalone and there is no text for 第一部分.
pub(crate) fn is_standalone(doc: &Document) -> bool {
    !doc.projects.is_empty()
        && doc.projects.iter().all(|p| p.form.standalone)
        && doc.overall.is_empty()
        && doc.goals.is_empty()
        && doc.measures.is_empty()
}

/// The numbered parts of 总体绩效目标; none for the plain form, which
/// keeps its paragraphs in `overall` (so older templates still print it).
fn overall_parts(overall: &Overall) -> Vec<OverallPartView> {
    let Overall::Parts(parts) = overall else {
        return Vec::new();
    };
    parts
        .iter()
        .enumerate()
        .map(|(i, p)| OverallPartView {
            number: format!("（{}）", chinese_number(i + 1)),
            title: p.title.trim().to_string(),
            text: paragraphs(&p.text),
        })
        .collect()
}

/// Splits a text field into paragraphs: one per non-blank line, trimmed.
pub fn paragraphs(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

/// A table cell's text: trimmed lines, blank lines dropped, joined by `\n`
/// (a forced line break in the cell).
pub fn cell(text: &str) -> String {
    paragraphs(text).join("\n")
}

/// Writes 1 → 一, 10 → 十, 12 → 十二, 21 → 二十一, 105 → 一百零五.
pub fn chinese_number(n: usize) -> String {
    const DIGITS: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    match n {
        0..=9 => DIGITS[n].to_string(),
        10..=19 => format!("十{}", if n == 10 { "" } else { DIGITS[n % 10] }),
        20..=99 => format!(
            "{}十{}",
            DIGITS[n / 10],
            if n.is_multiple_of(10) {
                ""
            } else {
                DIGITS[n % 10]
            }
        ),
        100..=999 => {
            let rest = n % 100;
            let tail = match rest {
                0 => String::new(),
                1..=9 => format!("零{}", DIGITS[rest]),
                10..=19 => format!("一{}", chinese_number(rest)),
                _ => chinese_number(rest),
            };
            format!("{}百{tail}", DIGITS[n / 100])
        }
        _ => n.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn esc(s: &str) -> String {
        let mut out = Vec::new();
        escape_typst_string(s, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn escaping_quotes_only_what_typst_needs() {
        assert_eq!(esc("a"), "\"a\"");
        assert_eq!(esc(r##"#x "q" \n"##), r##""#x \"q\" \\n""##);
        assert_eq!(esc("一\n二"), "\"一\\n二\"");
        assert_eq!(esc("\u{7}"), "\"\\u{7}\"");
    }

    #[test]
    fn chinese_numbers() {
        let got: Vec<String> = [1, 9, 10, 11, 20, 21, 99, 100, 101, 110, 111, 120]
            .into_iter()
            .map(chinese_number)
            .collect();
        assert_eq!(
            got,
            [
                "一",
                "九",
                "十",
                "十一",
                "二十",
                "二十一",
                "九十九",
                "一百",
                "一百零一",
                "一百一十",
                "一百一十一",
                "一百二十"
            ]
        );
    }

    #[test]
    fn paragraphs_split_on_lines_and_drop_blanks() {
        assert_eq!(paragraphs("  甲\n\n 乙 \n"), vec!["甲", "乙"]);
        assert!(paragraphs("\n \n").is_empty());
        assert_eq!(cell("甲\n\n乙"), "甲\n乙");
    }
}
