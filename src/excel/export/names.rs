//! Data texts too long for a cell, found before anything is written and
//! named the way users know them ("分项绩效目标第 2 项的绩效目标",
//! "绩效指标第 3 行的“指标值”") at their place in the data.

use super::sheet::{CELL_MAX, too_long};
use crate::input::locate::Seg::{self, Index, Key};
use crate::input::locate::{FileRef, Place};
use crate::input::model::{DOCUMENT_KEYS, DocKey, Document, Holds, Project};
use crate::report::diag::{Diagnostics, Result};

/// An error for every text of `doc` longer than a cell holds.
pub(super) fn check_lengths(doc: &Document, files: &[String]) -> Result<()> {
    let found: Vec<_> = doc
        .texts()
        .into_iter()
        .filter_map(|(place, text)| {
            let units = text.encode_utf16().count();
            (units > CELL_MAX).then(|| {
                let what = named(doc, files, &place);
                too_long(&what, units).with_place(place)
            })
        })
        .collect();
    if found.is_empty() {
        Ok(())
    } else {
        Err(Diagnostics(found))
    }
}

/// "projects/01.toml 中“绩效指标第 3 行的“指标值””" for a place.
fn named(doc: &Document, files: &[String], place: &Place) -> String {
    let (file, what) = match place.file {
        FileRef::Document => ("document.toml", doc_field(&place.path)),
        FileRef::Project(n) => (
            files.get(n).map_or("项目文件", String::as_str),
            doc.projects
                .get(n)
                .and_then(|p| project_field(p, &place.path))
                .unwrap_or_else(|| place.to_string()),
        ),
    };
    format!("{file} 中“{what}”")
}

/// A `document.toml` key path by the Chinese names of its keys.
fn doc_field(path: &[Seg]) -> String {
    let mut keys: &[DocKey] = DOCUMENT_KEYS;
    let mut out = String::new();
    for seg in path {
        match seg {
            Key(k) => {
                if !out.is_empty() {
                    out.push('的');
                }
                match keys.iter().find(|d| d.key == *k) {
                    Some(d) => {
                        out.push_str(d.zh);
                        keys = match &d.holds {
                            Holds::Table(sub) | Holds::Tables(sub) => sub,
                            Holds::Value | Holds::Open => &[],
                        };
                    }
                    None => out.push_str(k),
                }
            }
            Index(i) => out.push_str(&format!("第 {} 项", i + 1)),
        }
    }
    out
}

/// A project file's key path by its form's labels.
fn project_field(p: &Project, path: &[Seg]) -> Option<String> {
    let form = &*p.form;
    match path {
        [Key("title")] => Some("标题".into()),
        [Key("labels"), Key(k)] => Some(format!("固定文字 {k}")),
        [Key(t), Index(j), Key(c)] => {
            let table = form.table(t)?;
            let column = table.columns.iter().find(|col| col.key == *c)?;
            Some(format!("{}第 {} 行的{}", table.label, j + 1, column.label))
        }
        keys => {
            let keys: Vec<&str> = keys
                .iter()
                .map(|s| match s {
                    Key(k) => Some(*k),
                    Index(_) => None,
                })
                .collect::<Option<_>>()?;
            let field = form.fields.iter().find(|f| f.path == keys)?;
            Some(field.label.clone())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn document_places_are_named_in_chinese() {
        let path = [Key("goals"), Index(1), Key("target")];
        assert_eq!(doc_field(&path), "分项绩效目标第 2 项的绩效目标");
        assert_eq!(doc_field(&[Key("overall")]), "总体绩效目标");
    }

    #[test]
    fn table_places_are_named_by_their_labels() {
        let p = crate::input::model::project::parse_test(
            "name = '甲'\ncode = 'X'\n[budget]\ntotal = 1\n",
        );
        let cell = [Key("indicators"), Index(2), Key("value")];
        assert_eq!(project_field(&p, &cell).unwrap(), "绩效指标第 3 行的指标值");
        let usage = [Key("usage")];
        assert_eq!(project_field(&p, &usage).unwrap(), "资金用途");
        let fiscal = [Key("budget"), Key("fiscal")];
        assert_eq!(project_field(&p, &fiscal).unwrap(), "其中：财政资金");
    }
}
