//! `jixiao forms`: the forms a project can use, and one form's fields,
//! tables, columns and taxonomies, as a user choosing a layout reads them.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use crate::input::form::{Form, Kind, Need, Placement, Registry};
use crate::pipeline::Root;
use crate::report::diag::SourceMap;
use crate::report::escape::one_line;

/// Arguments of `jixiao forms`.
#[derive(Debug, Args)]
pub struct FormsArgs {
    /// Show this form's fields, tables and columns (default: list all forms).
    pub name: Option<String>,
    /// Project root holding templates/forms/ (default: found above the current folder).
    #[arg(long, value_name = "DIR")]
    pub root: Option<PathBuf>,
}

/// Runs `jixiao forms`.
pub fn run(args: &FormsArgs) -> ExitCode {
    let sources = SourceMap::default();
    let forms = match project_forms(args.root.as_deref(), &sources) {
        Ok(f) => f,
        Err(code) => return code,
    };
    let text = match &args.name {
        None => list(&forms),
        Some(name) => match forms.get(name) {
            Some(form) => describe(form, &forms),
            None => {
                sources.print(&[crate::input::load::unknown_form(name, &forms, None)]);
                return ExitCode::from(2);
            }
        },
    };
    crate::report::stdio::out(&text);
    ExitCode::SUCCESS
}

/// The forms of the project found above the current folder (or at
/// `root`); on an error it is printed and the exit code returned.
pub(super) fn project_forms(
    root: Option<&std::path::Path>,
    sources: &SourceMap,
) -> Result<Registry, ExitCode> {
    let cwd = std::env::current_dir().unwrap_or_default();
    Root::find(&cwd, root)
        .and_then(|r| r.forms(sources))
        .map_err(|d| {
            sources.print(&d.0);
            ExitCode::from(2)
        })
}

/// One line per form: name, where it prints, what it is, where it is from.
fn list(forms: &Registry) -> String {
    let mut out = String::new();
    for f in forms.iter() {
        let from = forms
            .file(&f.name)
            .map_or("内置".to_string(), |p| e(&p.display().to_string()));
        out.push_str(&format!(
            "{}  {}  {}（{from}）\n",
            e(&f.name),
            placement(f),
            e(&f.title)
        ));
    }
    out.push_str(
        "\n用 jixiao forms 名称 查看某个表样的字段和列；项目文件用 form = \"名称\" 选用表样。\n",
    );
    out
}

fn placement(f: &Form) -> &'static str {
    match (f.placement, f.standalone) {
        (_, true) => "单独成表",
        (Placement::Project, _) => "第二部分项目表",
        (Placement::Department, _) => "第一部分整体表",
    }
}

fn need(n: Need) -> &'static str {
    match n {
        Need::Required => "必填",
        Need::Recommended => "建议填",
        Need::Optional => "可选",
    }
}

fn kind(k: Kind) -> &'static str {
    k.zh()
}

/// A text of a form file as the other commands show data text: on one
/// line, control and bidi characters escaped (form files are checked for
/// them, this keeps the terminal safe whatever reaches it).
fn e(text: &str) -> String {
    one_line(text).into_owned()
}

/// Everything a data file of this form may hold.
fn describe(f: &Form, forms: &Registry) -> String {
    let mut out = format!("{}：{}（{}）\n", e(&f.name), e(&f.title), placement(f));
    if let Some(p) = forms.file(&f.name) {
        out.push_str(&format!("文件：{}\n", e(&p.display().to_string())));
    }
    out.push_str("\n字段：\n");
    for field in &f.fields {
        out.push_str(&format!(
            "  {:<24} {}  {}  {}\n",
            e(field.key),
            e(&field.label),
            kind(field.kind),
            need(field.need)
        ));
    }
    for s in &f.sums {
        out.push_str(&format!(
            "\n求和：{} = {}\n",
            e(s.total),
            e(&s.parts.join(" + "))
        ));
    }
    if !f.plan.is_empty() {
        out.push_str(&format!(
            "\n支出计划节点（累计 %）：{}\n",
            e(&f.plan.join("、"))
        ));
    }
    for t in &f.tables {
        out.push_str(&format!("\n[[{}]] {}：\n", e(t.key), e(&t.label)));
        for c in &t.columns {
            let auto = c
                .auto
                .as_deref()
                .map_or(String::new(), |a| format!("  自动生成“{}”", e(a)));
            out.push_str(&format!(
                "  {:<24} {}  {}  {}  宽 {} 列{auto}\n",
                e(c.key),
                e(&c.label),
                kind(c.kind),
                need(c.need),
                c.span
            ));
        }
        if let Some(total) = &t.total_row {
            out.push_str(&format!("  （末行“{}”合计金额列）\n", e(total)));
        }
    }
    out.push_str("\n[labels] 可改写的固定文字（键  默认文字）：\n");
    for (key, label) in f.label_keys() {
        out.push_str(&format!("  {:<24} {}\n", e(key), e(label)));
    }
    for tax in &f.taxonomies {
        out.push_str(&format!(
            "\n指标体系 {}（{}）：\n",
            e(&tax.name),
            e(&tax.title)
        ));
        for level in &tax.levels {
            let children: Vec<&str> = level.child_names().collect();
            out.push_str(&format!(
                "  {}：{}\n",
                e(&level.name),
                e(&children.join("、"))
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_texts_are_shown_escaped() {
        let forms = Registry::builtin();
        let mut f = (**forms.get("hebei").unwrap()).clone();
        f.title = "表\u{1b}[2J样".into();
        f.fields[0].label = "编\u{202e}码\n二".into();
        f.tables[0].columns[0].label = "一级\u{85}".into();
        f.taxonomies[0].levels[0].children[0] = "甲\u{2028}".into();
        let text = describe(&f, &forms) + &list(&forms);
        assert!(
            !text.contains(['\u{1b}', '\u{202e}', '\u{85}', '\u{2028}']),
            "{text:?}"
        );
        assert!(text.contains("表\\u{1b}[2J样"), "{text}");
        assert!(text.contains("编\\u{202e}码↵二"), "{text}");
    }

    #[test]
    fn the_label_keys_are_listed_with_their_labels() {
        let forms = Registry::builtin();
        let text = describe(forms.get("hebei").unwrap(), &forms);
        let labels = text.split("[labels]").nth(1).unwrap();
        for line in [
            "budget_block",
            "预算规模及资金用途",
            "  plan ",
            "name3",
            "三级指标",
            "indicators",
        ] {
            assert!(labels.contains(line), "{line}:\n{labels}");
        }
    }
}
