//! Findings about a batch as a whole, which no single document shows: the
//! same 项目编码 in two documents of one budget year (J901), and a
//! department folder that holds no document (J902).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::Facts;
use crate::report::diag::{Diagnostic, SourceMap, Span, display_path};
use crate::rules::{J901, J902};

/// J901: a 项目编码 met again in a later document of the same year. A code
/// is unique within a province's budget year, so the second one is an
/// error; a project that goes on into the next year keeps its code, so
/// documents of different years are not compared. Each finding comes with
/// the document folder it is reported at (and counted against).
pub(crate) fn duplicate_codes(
    docs: &[(&Path, &Facts)],
    sources: &SourceMap,
) -> Vec<(PathBuf, Diagnostic)> {
    let mut first: HashMap<(i32, String), (&Path, &Option<Span>)> = HashMap::new();
    let mut out = Vec::new();
    for (dir, facts) in docs {
        for site in &facts.codes {
            // Compared as J601 compares them (full-width, case, blanks).
            let key = (facts.year, crate::rules::code_key(&site.code));
            let Some((other, at)) = first.get(&key).copied() else {
                first.insert(key, (dir, &site.span));
                continue;
            };
            if other == *dir {
                continue; // J601 reports it within the document.
            }
            let d = J901
                .diagnostic(format!(
                    "项目编码“{}”在文档“{}”和“{}”中重复",
                    site.code,
                    display_path(other),
                    display_path(dir)
                ))
                .with_span(site.span.clone())
                .with_label("重复的项目编码")
                .with_hint(format!("先出现在 {}", where_is(other, at, sources)))
                .with_hint("同一预算年度内项目编码应唯一；请核对预算系统中两个部门的项目编码");
            out.push((dir.to_path_buf(), d));
        }
    }
    out
}

/// J902: a folder beside document folders that holds no document at any
/// depth (a department still missing, or a folder put in the wrong place).
pub(crate) fn empty_departments(empty: &[PathBuf]) -> Vec<Diagnostic> {
    empty
        .iter()
        .map(|dir| {
            J902.diagnostic(format!(
                "文件夹“{}”与部门文档文件夹并列，但其中没有文档（document.toml）",
                display_path(dir)
            ))
            .with_hint("如是尚未编制的部门，请补上 document.toml 和 projects/")
            .with_hint("如不是部门文件夹，请移走，或改名为以 . 开头的隐藏文件夹")
        })
        .collect()
}

/// `file:line:col` of a span, else the document folder.
fn where_is(dir: &Path, span: &Option<Span>, sources: &SourceMap) -> String {
    let mark = Diagnostic::note(String::new()).with_span(span.clone());
    match sources.records(&[mark]).pop() {
        Some(r) if r.file.is_some() => format!(
            "{}:{}:{}",
            r.file.unwrap_or_default(),
            r.line.unwrap_or(1),
            r.column.unwrap_or(1)
        ),
        _ => display_path(dir),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::batch::CodeSite;
    use rust_decimal::Decimal;

    fn facts(year: i32, codes: &[(&str, Option<Span>)]) -> Facts {
        Facts {
            year,
            tables: codes.len(),
            total: Some(Decimal::ZERO),
            unit: "万元".into(),
            codes: codes
                .iter()
                .map(|(c, s)| CodeSite {
                    code: c.to_string(),
                    span: s.clone(),
                })
                .collect(),
        }
    }

    #[test]
    fn a_code_in_two_documents_of_one_year_names_both_places() {
        let sources = SourceMap::default();
        let key = sources.add(Path::new("/d/a/projects/01.toml"), "x = 1\ncode = \"Q1\"\n");
        let at = Some(Span {
            file: key,
            range: 13..17,
        });
        let a = facts(2025, &[("Q1", at)]);
        // Typed with full-width letters and in lower case: the same code.
        let b = facts(2025, &[("Q2", None), ("ｑ１", None)]);
        let c = facts(2026, &[("Q1", None)]);
        let docs = [
            (Path::new("/d/a"), &a),
            (Path::new("/d/b"), &b),
            (Path::new("/d/c"), &c),
        ];
        let found = duplicate_codes(&docs, &sources);
        assert_eq!(found.len(), 1, "{found:?}");
        let (at, d) = &found[0];
        assert_eq!(at, Path::new("/d/b"));
        assert_eq!(d.code.as_deref(), Some("J901"));
        assert!(
            d.message.contains("/d/a") && d.message.contains("/d/b"),
            "{d:?}"
        );
        assert_eq!(d.hints[0], "先出现在 /d/a/projects/01.toml:2:8");
    }

    #[test]
    fn empty_department_is_a_j902_warning() {
        let found = empty_departments(&[PathBuf::from("/d/x")]);
        assert_eq!(found[0].code.as_deref(), Some("J902"));
        assert!(!found[0].is_error());
    }
}
