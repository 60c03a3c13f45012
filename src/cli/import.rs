//! `jixiao import FILE [-o DIR] [--force]`: writes a document folder (or
//! adds project files to one) from a workbook, then loads the folder as a
//! build would and prints its findings, so a bad import shows at once.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;

use crate::excel::import::{Imported, read_workbook_with};
use crate::excel::toml_out::{document_text, project_text};
use crate::input::form::{Placement, Registry};
use crate::input::load::{DOCUMENT_FILE, PROJECTS_DIR};
use crate::input::scaffold::{self, replace_file};
use crate::pipeline::{self, Options};
use crate::report::diag::{self, Diagnostic, Diagnostics, Result, SourceMap, display_path};
use crate::report::stdio::status;

/// Arguments of `jixiao import`.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The workbook (.xlsx, .xls or .ods).
    pub file: PathBuf,
    /// The document folder to write (default: a folder named after the workbook, here).
    #[arg(short, long, value_name = "DIR")]
    pub output: Option<PathBuf>,
    /// Replace files that exist already.
    #[arg(long)]
    pub force: bool,
}

/// One file to write.
struct Planned {
    path: PathBuf,
    text: String,
    what: String,
}

/// Runs `jixiao import`.
pub fn run(args: &ImportArgs) -> ExitCode {
    let sources = SourceMap::default();
    let dir = args
        .output
        .clone()
        .unwrap_or_else(|| PathBuf::from(args.file.file_stem().unwrap_or_else(|| "导入".as_ref())));
    match import(args, &dir, &sources) {
        Ok(()) => check(&dir, &sources),
        Err(d) => {
            sources.print(&d.0);
            ExitCode::from(1)
        }
    }
}

fn import(args: &ImportArgs, dir: &Path, sources: &SourceMap) -> Result<()> {
    let forms = match scaffold::project_root(dir, None) {
        Some(root) => Registry::load(&root.join("templates"), sources)?,
        None => Registry::builtin(),
    };
    check_folders(dir)?;
    let imported = read_workbook_with(&args.file, &forms, document_form(dir).as_deref())?;
    let planned = plan(&imported, dir)?;
    // An entry that is there at all (a dangling link too) exists.
    let existing: Vec<&Planned> = planned
        .iter()
        .filter(|p| std::fs::symlink_metadata(&p.path).is_ok())
        .collect();
    if let Some(p) = existing.iter().find(|p| !is_regular(&p.path)) {
        return Err(Diagnostic::error(format!(
            "{} 是符号链接或特殊文件（不是普通文件），未写入任何文件",
            display_path(&p.path)
        ))
        .with_hint(
            "导入不会写到链接或特殊文件上，加 --force 也不会；请删去它，或用 -o 指定另一个文件夹",
        )
        .into());
    }
    if !existing.is_empty() && !args.force {
        let list: Vec<String> = existing.iter().map(|p| display_path(&p.path)).collect();
        return Err(Diagnostic::error(format!(
            "以下文件已存在，未写入任何文件：{}",
            list.join("、")
        ))
        .with_hint("加 --force 覆盖它们，或用 -o 指定另一个文件夹")
        .into());
    }
    let left = left_out(&imported, &planned, dir);
    write(dir, &planned)?;
    for name in &imported.skipped {
        status!("跳过工作表“{name}”：其中没有绩效目标表");
    }
    sources.print(&imported.warnings);
    sources.print(&left);
    if imported.document.is_none() && !dir.join(DOCUMENT_FILE).exists() {
        sources.print(&[Diagnostic::warning(format!(
            "工作簿中没有“{}”工作表，{} 中还缺少 {DOCUMENT_FILE}",
            crate::excel::DOC_SHEET,
            display_path(dir)
        ))
        .with_hint(format!(
            "用 jixiao new 新建一个文档文件夹后，把 {PROJECTS_DIR}/ 中的文件放进去；或手工写 {DOCUMENT_FILE}（见 jixiao guide）"
        ))]);
    }
    Ok(())
}

/// Refuses a document folder, or its projects folder, that is a link or
/// not a folder: the import would write outside the folder named.
fn check_folders(dir: &Path) -> Result<()> {
    crate::input::confine::no_link_to(dir)?;
    for d in [dir.to_path_buf(), dir.join(PROJECTS_DIR)] {
        let Ok(meta) = std::fs::symlink_metadata(&d) else {
            continue;
        };
        if !meta.file_type().is_dir() {
            return Err(Diagnostic::error(format!(
                "{} 是符号链接或不是文件夹，未写入任何文件",
                display_path(&d)
            ))
            .with_hint("导入只写入普通文件夹；请删去或改名它，或用 -o 指定另一个文件夹")
            .into());
        }
    }
    Ok(())
}

/// Whether `path` is a regular file itself (not a link, FIFO or device).
fn is_regular(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_file())
}

/// The text of the regular file at `path` (not through a link, without
/// waiting on a FIFO, at most the loader's size), if there is one.
fn read_regular(path: &Path) -> Option<String> {
    if !is_regular(path) {
        return None;
    }
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let bytes =
        crate::input::confine::open_confined(parent, path, crate::input::load::MAX_FILE_BYTES)
            .ok()?;
    String::from_utf8(bytes).ok()
}

/// The form the document.toml already in `dir` names (`form = "…"`).
fn document_form(dir: &Path) -> Option<String> {
    let t: toml::Table = read_regular(&dir.join(DOCUMENT_FILE))?.parse().ok()?;
    t.get("form")?.as_str().map(str::to_string)
}

/// The files to write: document.toml and one file per table.
fn plan(imported: &Imported, dir: &Path) -> Result<Vec<Planned>> {
    let mut out = Vec::new();
    if let Some(d) = &imported.document {
        out.push(Planned {
            path: dir.join(DOCUMENT_FILE),
            text: document_text(d),
            what: format!("工作表“{}”", crate::excel::DOC_SHEET),
        });
    }
    let pdir = dir.join(PROJECTS_DIR);
    let existing = existing_codes(&pdir);
    let mut taken: BTreeSet<String> = existing.iter().map(|(n, _)| n.clone()).collect();
    let mut number = 0;
    let mut assigned = BTreeSet::new();
    let doc_form = existing_form(dir, imported);
    for ip in &imported.projects {
        let mut own = None;
        // A table of the document's own form need not name it.
        if ip.project.form_written && doc_form.as_deref() == Some(ip.project.form.name.as_str()) {
            let mut p = ip.project.clone();
            p.form_written = false;
            own = Some(p);
        }
        let p = own.as_ref().unwrap_or(&ip.project);
        if p.form.placement == Placement::Project {
            number += 1;
        }
        let heading = match p.form.placement {
            Placement::Project => format!("{number}.{}", p.title().trim()),
            Placement::Department => p.title().trim().to_string(),
        };
        let code = p.code();
        let by_code = existing
            .iter()
            .find(|(_, c)| !code.is_empty() && *c == code)
            .map(|(n, _)| n.clone());
        let exists = |n: &String| existing.iter().any(|(e, _)| e == n);
        // The file it was exported from, unless that is gone and another
        // holds its 项目编码 (renamed since: 01-x.toml → 08-x.toml).
        let name = match (ip.file.as_deref().and_then(meta_file_name), by_code) {
            (Some(file), Some(other)) if !exists(&file) => other,
            (Some(file), _) => file,
            (None, Some(other)) => other,
            (None, None) => free_name(&code, &taken),
        };
        taken.insert(name.clone());
        if !assigned.insert(name.clone()) {
            return Err(Diagnostic::error(format!(
                "工作表“{}”与另一张表会写到同一个文件 {name}（项目编码“{code}”相同，或隐藏的 jixiao 工作表给了同一个文件名）",
                ip.sheet
            ))
            .with_hint("项目编码在一篇文本中应唯一；请在工作簿中改正后再导入")
            .into());
        }
        out.push(Planned {
            path: pdir.join(&name),
            text: project_text(p, &heading),
            what: format!("工作表“{}”", ip.sheet),
        });
    }
    Ok(out)
}

/// Warnings for the project files the workbook was exported from that no
/// sheet of it writes any more (its sheet deleted): such a file is left as
/// it is and still printed.
fn left_out(imported: &Imported, planned: &[Planned], dir: &Path) -> Vec<Diagnostic> {
    let pdir = dir.join(PROJECTS_DIR);
    imported
        .listed
        .iter()
        .filter_map(|f| meta_file_name(f))
        .map(|name| pdir.join(name))
        .filter(|path| path.is_file() && !planned.iter().any(|p| p.path == *path))
        .map(|path| {
            Diagnostic::warning(format!(
                "{} 在工作簿中已没有工作表（可能已删去），该文件未改动，仍会印出",
                display_path(&path)
            ))
            .with_hint("如确要去掉这个项目，请删除该文件；否则可忽略")
        })
        .collect()
}

/// The form the document names (`form = "…"`): the imported one's, else
/// that of the document.toml already in `dir`.
fn existing_form(dir: &Path, imported: &Imported) -> Option<String> {
    if let Some(d) = &imported.document {
        return d.form.clone();
    }
    document_form(dir)
}

/// The file name the hidden sheet gives ("projects/01-x.toml"), if safe.
fn meta_file_name(file: &str) -> Option<String> {
    let name = file.strip_prefix(&format!("{PROJECTS_DIR}/"))?;
    let ok = name.ends_with(".toml")
        && !name.starts_with('.')
        && name
            .chars()
            .all(|c| !c.is_control() && !"/\\:*?\"<>|".contains(c));
    ok.then(|| name.to_string())
}

/// The project files already in `pdir` with their 项目编码 (`code`).
fn existing_codes(pdir: &Path) -> Vec<(String, String)> {
    let Ok(entries) = std::fs::read_dir(pdir) else {
        return Vec::new();
    };
    let mut out: Vec<(String, String)> = entries
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            if !name.ends_with(".toml") {
                return None;
            }
            let text = read_regular(&e.path())?;
            let table: toml::Table = text.parse().ok()?;
            let code = table
                .get("code")
                .and_then(toml::Value::as_str)
                .unwrap_or("");
            Some((name, code.trim().to_string()))
        })
        .collect();
    out.sort();
    out
}

/// The next free "NN-code.toml".
fn free_name(code: &str, taken: &BTreeSet<String>) -> String {
    let clean: String = code
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
        .collect();
    let stem = if clean.is_empty() {
        "xiangmu".to_string()
    } else {
        clean
    };
    let last = taken
        .iter()
        .filter_map(|n| n.split(['-', '.']).next()?.parse::<u32>().ok())
        .max()
        .unwrap_or(0);
    (last + 1..)
        .map(|n| format!("{n:02}-{stem}.toml"))
        .find(|n| !taken.contains(n))
        .unwrap_or_default()
}

/// Writes each file atomically. A file that exists keeps its comments,
/// key order and spelling where the data is unchanged (`excel::keep`), and
/// is not touched at all when nothing changed, so `git diff` shows the
/// edit alone.
fn write(dir: &Path, planned: &[Planned]) -> Result<()> {
    let pdir = dir.join(PROJECTS_DIR);
    std::fs::create_dir_all(&pdir).map_err(|e| diag::io_error("创建文件夹", &pdir, &e))?;
    for p in planned {
        let old = read_regular(&p.path);
        let text = old
            .as_deref()
            .and_then(|old| {
                crate::excel::keep::update(old, &p.text, crate::excel::keep::keep_for(&p.path))
            })
            .unwrap_or_else(|| p.text.clone());
        if old.as_deref() == Some(text.as_str()) {
            status!("未改变 {}（{}）", display_path(&p.path), p.what);
            continue;
        }
        replace_file(&p.path, text.as_bytes())
            .map_err(|e| Diagnostics::from(diag::io_error("写入文件", &p.path, &e)))?;
        status!("已写入 {}（{}）", display_path(&p.path), p.what);
    }
    Ok(())
}

/// Loads the written folder as a build does and prints its findings.
fn check(dir: &Path, sources: &SourceMap) -> ExitCode {
    if !dir.join(DOCUMENT_FILE).exists() {
        return ExitCode::SUCCESS;
    }
    let diags = match pipeline::prepare(dir, &Options::default(), sources) {
        Ok(p) => p.report.clone(),
        Err(d) => d.0,
    };
    sources.print(&diags);
    let (errors, warnings, _) = diag::counts(&diags);
    status!("导入后检查：{errors} 个错误，{warnings} 个警告");
    ExitCode::from(u8::from(errors > 0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_are_safe_and_numbered() {
        let taken: BTreeSet<String> = ["01-a.toml".into(), "07-b.toml".into()].into();
        assert_eq!(free_name("QC/15 4", &taken), "08-QC154.toml");
        assert_eq!(free_name("项目", &BTreeSet::new()), "01-xiangmu.toml");
        assert_eq!(
            meta_file_name("projects/01-x.toml").as_deref(),
            Some("01-x.toml")
        );
        assert_eq!(meta_file_name("projects/../x.toml"), None);
        assert_eq!(meta_file_name("../x.toml"), None);
    }
}
