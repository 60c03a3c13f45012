//! Reading `document.toml`: every key checked against the schema next to
//! the model ([`DOCUMENT_KEYS`]) first, so that all unknown and missing keys
//! are reported in one run in file order; only then does serde read it.

use std::ops::Range;

use toml::de::{DeTable, DeValue};

use crate::input::model::{DOCUMENT_KEYS, DocKey, Document, Holds};
use crate::report::diag::{Diagnostic, Diagnostics, FileKey, Result, Span};
use crate::report::translate;

/// Reads the text of `document.toml` (already known to be valid TOML).
pub(super) fn read_document(text: &str, file: FileKey) -> Result<(Document, FileKey)> {
    let errors = key_errors(text, file);
    if !errors.is_empty() {
        return Err(Diagnostics(errors));
    }
    toml::from_str::<Document>(text)
        .map(|d| (d, file))
        .map_err(|e| Diagnostics::from(super::located(&e, file, text)))
}

/// Every unknown and every missing key of `document.toml`, in file order.
fn key_errors(text: &str, file: FileKey) -> Vec<Diagnostic> {
    let Ok(root) = DeTable::parse(text) else {
        // Not reached: the text parsed before; serde reports the error.
        return Vec::new();
    };
    let mut walk = Walk {
        file,
        errors: Vec::new(),
    };
    let first_line = 0..text.find('\n').unwrap_or(text.len());
    walk.table(root.get_ref(), DOCUMENT_KEYS, "", first_line);
    let mut errors = walk.errors;
    errors.sort_by_key(|d| d.span.as_ref().map(|s| s.range.start));
    errors
}

/// The errors found so far in one file.
struct Walk {
    file: FileKey,
    errors: Vec<Diagnostic>,
}

impl Walk {
    fn span(&self, range: Range<usize>) -> Option<Span> {
        Some(Span {
            file: self.file,
            range,
        })
    }

    /// Checks the keys of one table whose path is `within` ("" or
    /// "goals[2]."); a missing key is located at `at`, the table's header.
    fn table(&mut self, t: &DeTable, keys: &[DocKey], within: &str, at: Range<usize>) {
        let mut entries: Vec<_> = t.iter().collect();
        entries.sort_by_key(|(k, _)| k.span().start);
        // A key suggested for a misspelt one is not also reported missing.
        let mut suggested = Vec::new();
        for (key, value) in entries {
            let k = key.get_ref().as_ref();
            let Some(def) = keys.iter().find(|d| d.key == k) else {
                suggested.extend(self.unknown(k, key.span(), keys, within));
                continue;
            };
            match (&def.holds, value.get_ref()) {
                (Holds::Table(sub), DeValue::Table(inner)) => {
                    let path = format!("{within}{k}.");
                    self.table(inner, sub, &path, header(value.span()));
                }
                (Holds::Tables(sub), DeValue::Array(items)) => {
                    for (i, item) in items.iter().enumerate() {
                        if let DeValue::Table(inner) = item.get_ref() {
                            let path = format!("{within}{k}[{}].", i + 1);
                            self.table(inner, sub, &path, item.span());
                        }
                    }
                }
                // Anything else is a value, or of a kind serde refuses.
                _ => {}
            }
        }
        for def in keys.iter().filter(|d| !t.contains_key(d.key)) {
            if let Some(example) = def.required
                && !suggested.contains(&def.key)
            {
                self.missing(def, example, within, at.clone());
            }
        }
    }

    /// The error for a key the schema does not have at this place, with
    /// did-you-mean; returns the key suggested.
    fn unknown(
        &mut self,
        k: &str,
        range: Range<usize>,
        keys: &[DocKey],
        within: &str,
    ) -> Option<&'static str> {
        let names: Vec<String> = keys.iter().map(|d| d.key.to_string()).collect();
        let mut d = Diagnostic::error(format!(
            "未知字段“{within}{k}”（document.toml 没有这个字段）"
        ))
        .with_span(self.span(range))
        .with_label("此处不认识");
        let best =
            translate::nearest(k, &names).and_then(|best| keys.iter().find(|d| d.key == best));
        if let Some(best) = best {
            d = d.with_hint(format!("您是不是想写“{}”（{}）？", best.key, best.zh));
        }
        let list: Vec<String> = keys
            .iter()
            .map(|d| format!("{}（{}）", d.key, d.zh))
            .collect();
        self.errors
            .push(d.with_hint(format!("此处可用的字段：{}", list.join("、"))));
        best.map(|d| d.key)
    }

    /// The error for a required key that is absent from its table.
    fn missing(&mut self, def: &DocKey, example: &str, within: &str, at: Range<usize>) {
        self.errors.push(
            Diagnostic::error(format!("缺少必填字段“{within}{}”（{}）", def.key, def.zh))
                .with_span(self.span(at))
                .with_label("此表缺少该字段")
                .with_hint(format!(
                    "请补上 {} = {example}（写法见 jixiao guide）",
                    def.key
                )),
        );
    }
}

/// The start of a table's span (its `[header]`).
fn header(range: Range<usize>) -> Range<usize> {
    range.start..range.start + 1
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::diag::SourceMap;

    const HEAD: &str = "year = 2025\ndepartment = '局'\nunit_code = '1'\nunit_name = '局本级'\n";

    /// The key errors of `text` as (message, line) pairs, in order.
    fn errors(text: &str) -> Vec<(String, usize)> {
        let map = SourceMap::default();
        let file = map.add(std::path::Path::new("document.toml"), text);
        key_errors(text, file)
            .into_iter()
            .map(|d| {
                let at = d.span.unwrap().range.start;
                (d.message, text[..at].matches('\n').count() + 1)
            })
            .collect()
    }

    #[test]
    fn every_unknown_and_missing_key_is_reported_in_file_order() {
        let text = "year = 2025\nunit_code = '1'\nunit_nmae = '局'\n\
                    [cover]\ntitel = 'x'\n\
                    [[goals]]\ntitle = 'a'\n[[goals]]\ntarget = 'b'\n\
                    [style.fonts]\nbdy = 'x'\n";
        let got = errors(text);
        let want = [
            ("缺少必填字段“department”（部门名称）", 1),
            ("未知字段“unit_nmae”（document.toml 没有这个字段）", 3),
            ("未知字段“cover.titel”（document.toml 没有这个字段）", 5),
            ("缺少必填字段“goals[2].title”（标题）", 8),
            (
                "未知字段“style.fonts.bdy”（document.toml 没有这个字段）",
                11,
            ),
        ];
        let want: Vec<(String, usize)> = want.iter().map(|(m, l)| (m.to_string(), *l)).collect();
        // unit_name is not also missing: it was suggested for unit_nmae.
        assert_eq!(got, want);
    }

    #[test]
    fn hints_name_the_nearest_key_and_all_keys_in_chinese() {
        let map = SourceMap::default();
        let text = format!("{HEAD}[[measures]]\nlaed = 'x'\n");
        let file = map.add(std::path::Path::new("document.toml"), &text);
        let d = key_errors(&text, file);
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(
            d[0].message,
            "未知字段“measures[1].laed”（document.toml 没有这个字段）"
        );
        assert_eq!(d[0].hints[0], "您是不是想写“lead”（首句）？");
        assert_eq!(d[0].hints[1], "此处可用的字段：lead（首句）、text（正文）");
    }

    #[test]
    fn values_of_the_wrong_kind_are_left_to_serde() {
        for (extra, message) in [
            ("cover = 'x'\n", "类型不对"),
            (
                "overall = 5\n",
                "总体绩效目标（overall）应为文本或 [[overall]] 表格数组",
            ),
            ("goals = [1]\n", "类型不对"),
        ] {
            let text = format!("{HEAD}{extra}");
            assert_eq!(errors(&text), Vec::new(), "{extra}");
            let map = SourceMap::default();
            let file = map.add(std::path::Path::new("document.toml"), &text);
            let e = read_document(&text, file).unwrap_err().0;
            assert!(e[0].message.starts_with(message), "{extra}: {e:?}");
        }
    }

    #[test]
    fn labels_and_text_overall_pass_the_key_check() {
        let text = format!("{HEAD}overall = '甲'\n[labels]\nanything = 'x'\n");
        assert_eq!(errors(&text), Vec::new());
        let map = SourceMap::default();
        let file = map.add(std::path::Path::new("document.toml"), &text);
        let (doc, _) = read_document(&text, file).unwrap();
        assert_eq!(doc.labels["anything"], "x");
    }
}
