//! Compiling: Typst source to a paged document, with Typst's errors and
//! warnings turned into located diagnostics (template lines, not only the
//! generated file).

use std::path::{Path, PathBuf};

use typst::diag::{Severity as TypstSeverity, SourceDiagnostic};
use typst::syntax::FileId;
use typst::{World, WorldExt};
use typst_layout::PagedDocument;

use crate::report::diag::{Diagnostic, Diagnostics, Severity, SourceMap, Span};
use crate::typeset::world::JixiaoWorld;

/// A compiled document and the warnings met on the way.
pub struct Compiled {
    /// The laid-out pages.
    pub document: PagedDocument,
    /// Typst warnings, as diagnostics.
    pub warnings: Vec<Diagnostic>,
}

/// Where the generated source is shown in diagnostics.
pub struct Origin<'a> {
    /// Display path of the generated main file (e.g. `out/….typ`).
    pub main_path: &'a Path,
    /// The Tera templates the source came from, for mapping lines back.
    pub templates: &'a [PathBuf],
}

/// Compiles the world's main source.
pub fn compile(
    world: &JixiaoWorld,
    sources: &SourceMap,
    origin: &Origin,
) -> crate::report::diag::Result<Compiled> {
    let warned = typst::compile::<PagedDocument>(world);
    let convert = |list: &[SourceDiagnostic]| -> Vec<Diagnostic> {
        list.iter()
            .map(|d| convert(world, sources, origin, d))
            .collect()
    };
    let warnings = convert(&warned.warnings);
    match warned.output {
        Ok(document) => Ok(Compiled { document, warnings }),
        Err(errors) => {
            let mut all = convert(&errors);
            all.extend(warnings);
            Err(Diagnostics(all))
        }
    }
}

/// Converts one Typst diagnostic into ours.
pub fn convert(
    world: &JixiaoWorld,
    sources: &SourceMap,
    origin: &Origin,
    d: &SourceDiagnostic,
) -> Diagnostic {
    let severity = match d.severity {
        TypstSeverity::Error => Severity::Error,
        TypstSeverity::Warning => Severity::Warning,
    };
    let mut out = match severity {
        Severity::Error => Diagnostic::error(format!("排版错误：{}", d.message)),
        _ => Diagnostic::warning(format!("排版警告：{}", d.message)),
    };
    out.span = locate(world, sources, origin, d.span.id(), world.range(d.span));
    if let Some(hint) = template_origin(world, sources, origin, d) {
        out.hints.push(hint);
    }
    if let Some(id) = d.span.id().filter(|id| world.overrides_builtin(*id)) {
        let vpath = id.vpath().get_with_slash();
        let name = vpath.rsplit('/').next().unwrap_or_default();
        out.hints.push(crate::typeset::builtin::override_hint(name));
    }
    for hint in &d.hints {
        out.hints.push(hint.v.to_string());
    }
    if d.message.contains("access denied") {
        out.hints
            .push("出于安全考虑，模板只能读取 templates/ 和文档文件夹中的文件".to_string());
    }
    for point in &d.trace {
        if let Some(span) = locate(
            world,
            sources,
            origin,
            point.span.id(),
            world.range(point.span),
        ) && let Some((line, col)) = sources.line_col(&span)
        {
            out.hints
                .push(format!("{}（第 {line} 行第 {col} 列）", point.v));
        }
    }
    out
}

/// Registers the file behind a Typst span and returns our span.
fn locate(
    world: &JixiaoWorld,
    sources: &SourceMap,
    origin: &Origin,
    id: Option<FileId>,
    range: Option<std::ops::Range<usize>>,
) -> Option<Span> {
    let id = id?;
    let range = range?;
    let (path, text): (PathBuf, String) = if id == world.main() {
        (
            origin.main_path.to_path_buf(),
            world.main_source().text().to_string(),
        )
    } else {
        let path = world.real_path(id)?;
        let text = world.source(id).ok()?.text().to_string();
        (path, text)
    };
    let file = sources.add(&path, &text);
    Some(Span { file, range })
}

/// For an error in the generated file, names the template line that made it.
fn template_origin(
    world: &JixiaoWorld,
    sources: &SourceMap,
    origin: &Origin,
    d: &SourceDiagnostic,
) -> Option<String> {
    if d.span.id()? != world.main() {
        return None;
    }
    let range = world.range(d.span)?;
    let text = world.main_source().text();
    let line_start = text[..range.start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[range.start..]
        .find('\n')
        .map_or(text.len(), |i| range.start + i);
    let line = &text[line_start..line_end];
    let (path, lineno) = find_template_line(origin.templates, sources, line)?;
    Some(format!(
        "此行由模板 {}:{lineno} 生成（加 --emit typ 可写出生成的 Typst 源文件）",
        path.display()
    ))
}

/// Finds the template line whose literal parts all occur, in order, in a
/// generated line. Tera keeps no line map, so this matches by text.
pub fn find_template_line(
    templates: &[PathBuf],
    sources: &SourceMap,
    generated: &str,
) -> Option<(PathBuf, usize)> {
    let mut best: Option<(PathBuf, usize, usize)> = None;
    for path in templates {
        let Some((_, text)) = sources.text_of_path(path) else {
            continue;
        };
        for (i, tline) in text.lines().enumerate() {
            let score = literal_match(tline, generated);
            if score > best.as_ref().map_or(2, |b| b.2) {
                best = Some((path.clone(), i + 1, score));
            }
        }
    }
    best.map(|(p, l, _)| (p, l))
}

/// Length of the literal text of a template line if all of it occurs in
/// order in `generated`, else 0.
fn literal_match(template_line: &str, generated: &str) -> usize {
    let mut rest = generated;
    let mut total = 0;
    for lit in literals(template_line) {
        let lit = lit.trim();
        if lit.is_empty() {
            continue;
        }
        match rest.find(lit) {
            Some(i) => {
                rest = &rest[i + lit.len()..];
                total += lit.len();
            }
            None => return 0,
        }
    }
    total
}

/// The parts of a template line outside `{{ }}`, `{% %}` and `{# #}`.
fn literals(line: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = line;
    while let Some(start) = rest.find(['{']) {
        let tail = &rest[start..];
        let close = if tail.starts_with("{{") {
            "}}"
        } else if tail.starts_with("{%") {
            "%}"
        } else if tail.starts_with("{#") {
            "#}"
        } else {
            out.push(&rest[..start + 1]);
            rest = &rest[start + 1..];
            continue;
        };
        out.push(&rest[..start]);
        match tail.find(close) {
            Some(end) => rest = &tail[end + 2..],
            None => return out,
        }
    }
    out.push(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_skip_tera_tags() {
        assert_eq!(
            literals("#f({{ a }}, x: {% if b %}1{% endif %})"),
            vec!["#f(", ", x: ", "1", ")"]
        );
        assert_eq!(
            literal_match("#para({{ p }})", "#para(\"甲\")"),
            "#para(".len() + 1
        );
        assert_eq!(literal_match("#para({{ p }})", "#cover(\"甲\")"), 0);
    }

    #[test]
    fn generated_line_maps_to_its_template_line() {
        let sources = SourceMap::default();
        let a = PathBuf::from("/t/a.typ.tera");
        let b = PathBuf::from("/t/b.typ.tera");
        sources.add(
            &a,
            "// head\n#(jx.para)({{ p }})\n#(jx.section)(\"一、\", \"总体\")\n",
        );
        sources.add(&b, "#(jx.project-table)(\n  number: {{ p.number }},\n");
        let files = [a.clone(), b.clone()];
        let found = |line: &str| find_template_line(&files, &sources, line);
        assert_eq!(found("#(jx.para)(\"甲\")"), Some((a.clone(), 2)));
        assert_eq!(found("  number: \"3\","), Some((b, 2)));
        assert_eq!(found("#(jx.section)(\"一、\", \"总体\")"), Some((a, 3)));
        assert_eq!(found("nothing alike"), None);
    }
}
