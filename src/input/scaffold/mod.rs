//! Starting a document folder (`jixiao new`): from last year's document
//! (copied through the confinement rule, its year moved) or from a small
//! commented starter; written whole into a temporary folder beside the
//! target and renamed into place, so an error leaves nothing behind.

pub(crate) mod bump;
pub(crate) mod gitattr;
pub(crate) mod schema;
pub(crate) mod starter;

use std::path::{Component, Path, PathBuf};

use crate::input::docfiles::{DocFiles, select_projects};
use crate::input::form::{DEFAULT_FORM, Registry};
use crate::input::load::{DOCUMENT_FILE, PROJECTS_DIR};
use crate::input::model::YEARS;
use crate::report::diag::{Diagnostic, Diagnostics, Result, SourceMap, display_path, io_error};

use bump::{Edit, Moved};

/// One file of a new document folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct NewFile {
    /// Path relative to the document folder, `/`-separated.
    pub rel: String,
    /// Its text.
    pub text: String,
}

/// A new document folder, ready to be written.
#[derive(Debug, Default)]
pub(crate) struct Plan {
    /// The files, `document.toml` first.
    pub files: Vec<NewFile>,
    /// The budget year written.
    pub year: i32,
    /// Years moved in texts, and those held for a person (`Moved::held`),
    /// by file (relative path), in file order; lines are those of the new
    /// file.
    pub moved: Vec<(String, Vec<Moved>)>,
    /// What the source folder holds that was not copied (the loader does
    /// not read it), relative, `/`-separated, sorted; a folder ends in `/`.
    pub left: Vec<String>,
}

/// The folder the schemas of a new document go to, and how its files name
/// them: the `#:schema` line of a file at `rel` in the document folder.
#[derive(Debug, Clone)]
pub(crate) struct SchemaRef {
    /// The schema folder relative to the document folder.
    pub from_doc: PathBuf,
}

impl SchemaRef {
    /// The `#:schema` line (with its newline) of the file at `rel` whose
    /// schema file is `name`.
    pub(crate) fn line(&self, rel: &str, name: &str) -> String {
        let depth = rel.matches('/').count();
        let mut path = PathBuf::new();
        (0..depth).for_each(|_| path.push(".."));
        let path = path.join(&self.from_doc).join(name);
        format!("#:schema {}\n", path.to_string_lossy().replace('\\', "/"))
    }
}

/// The edit that makes a file start with `line`: it replaces a first line
/// that is already a `#:schema` line, else it is inserted before the text
/// (after a byte-order mark; ending as the file's first line ends).
fn schema_edit(text: &str, line: String) -> Edit {
    let start = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let first = text[start..]
        .find('\n')
        .map_or(text.len(), |i| start + i + 1);
    let line = match text[..first].ends_with("\r\n") {
        true => line.replace('\n', "\r\n"),
        false => line,
    };
    let range = match text[start..].starts_with("#:schema") {
        true => start..first,
        false => start..start,
    };
    Edit { range, new: line }
}

/// The budget year of a new document, refused outside 2000–2100.
pub(crate) fn check_year(year: i64) -> Result<i32> {
    i32::try_from(year)
        .ok()
        .filter(|y| YEARS.contains(y))
        .ok_or_else(|| {
            Diagnostic::error(format!(
                "预算年度 {year} 不在 {}–{} 年之间",
                YEARS.start(),
                YEARS.end()
            ))
            .with_hint("请用 --year 写四位数的预算年度，例如 --year 2026")
            .into()
        })
}

/// Last year's document as a new one: its data files (what the loader
/// reads, each through the confinement rule), `year` set, and with
/// `bump` the old year moved in goal texts, 时效 values and titles; every
/// other old year in a printed text is listed as held for a person.
pub(crate) fn from_existing(
    src: &Path,
    year: Option<i64>,
    bump: bool,
    forms: &Registry,
    schema: &SchemaRef,
    map: &SourceMap,
) -> Result<Plan> {
    let sources = read_sources(src)?;
    let copied: Vec<&str> = sources.iter().map(|(rel, _)| rel.as_str()).collect();
    let left = not_copied(src, &copied);
    let doc_text = &sources[0].1;
    let Some((old, year_edit)) = bump::set_year(doc_text, 0) else {
        return Err(no_year(&src.join(DOCUMENT_FILE), doc_text, map));
    };
    let new = check_year(year.unwrap_or(i64::from(old) + 1))?;
    let default_form = doc_form(doc_text).unwrap_or_else(|| DEFAULT_FORM.to_string());
    let mut plan = Plan {
        year: new,
        left,
        ..Plan::default()
    };
    for (rel, text) in sources {
        let is_doc = rel == DOCUMENT_FILE;
        let project = (!is_doc).then_some((forms, default_form.as_str()));
        let (mut edits, mut moved) = match bump && old != new {
            true => bump::bump_file(&text, project, old, new),
            false => (Vec::new(), Vec::new()),
        };
        if old != new {
            let left = bump::left_years(&text, old, &moved);
            moved.extend(left);
            moved.sort_by_key(|m| m.at);
        }
        if is_doc {
            edits.push(Edit {
                new: new.to_string(),
                ..year_edit.clone()
            });
        }
        let head = schema_edit(&text, schema.line(&rel, &schema_name(&text, project)));
        // An inserted `#:schema` line moves every later line down one.
        let shift = usize::from(head.range.is_empty());
        moved.iter_mut().for_each(|m| m.line += shift);
        edits.push(head);
        plan.moved.push((rel.clone(), moved));
        plan.files.push(NewFile {
            text: bump::apply(&text, edits),
            rel,
        });
    }
    Ok(plan)
}

/// Why the source's `document.toml` gives no year: its TOML error (with
/// line and column), or a `year` missing or not a whole number.
fn no_year(path: &Path, text: &str, map: &SourceMap) -> Diagnostics {
    let shown = display_path(path);
    let table = crate::input::load::parse_bytes::<toml::Table>(path, text.into(), map);
    let message = match table {
        Err(located) => return located,
        Ok((t, _)) if t.get("year").is_some_and(toml::Value::is_integer) => {
            format!(
                "“{shown}”中的 year 不在 {}–{} 年之间",
                YEARS.start(),
                YEARS.end()
            )
        }
        Ok((t, _)) if t.contains_key("year") => format!("“{shown}”中的 year 不是整数"),
        Ok(_) => format!("“{shown}”中没有 year（预算年度）"),
    };
    Diagnostic::error(message)
        .with_hint("year 应写成整数，例如 year = 2025；请先用 jixiao check 检查原文件夹并改正它")
        .into()
}

/// The data files of a document folder as (relative path, text),
/// `document.toml` first, then the project files in table order.
fn read_sources(src: &Path) -> Result<Vec<(String, String)>> {
    check_source(src)?;
    let files = DocFiles::open(src)?;
    let doc = read_text(&files, DOCUMENT_FILE, &files.name(DOCUMENT_FILE))?;
    let mut out = vec![(DOCUMENT_FILE.to_string(), doc)];
    let (names, _) = select_projects(files.project_entries()?);
    for name in names {
        let rel = format!("{PROJECTS_DIR}/{name}");
        let text = read_text(&files, &rel, &files.name(&rel))?;
        out.push((rel, text));
    }
    Ok(out)
}

/// Refuses a `--from` that is no document folder with what to give
/// instead: a file (`document.toml` itself), or a folder of documents.
fn check_source(src: &Path) -> Result<()> {
    let shown = display_path(src);
    if src.is_file() {
        let parent = src.parent().filter(|p| !p.as_os_str().is_empty());
        let hint = match parent {
            Some(p) if src.file_name().is_some_and(|n| n == DOCUMENT_FILE) => {
                format!("请给出它所在的文件夹：--from {}", display_path(p))
            }
            _ => "请给出去年的文档文件夹（含 document.toml 和 projects/）".to_string(),
        };
        return Err(
            Diagnostic::error(format!("--from 要给出文档文件夹，“{shown}”是文件"))
                .with_hint(hint)
                .into(),
        );
    }
    if !src.is_dir() || crate::batch::discover::is_document(src) {
        return Ok(()); // Opening it says what is wrong.
    }
    let Some(first) = crate::batch::discover::first_document(src) else {
        return Err(
            Diagnostic::error(format!("“{shown}”中没有 document.toml，不是文档文件夹"))
                .with_hint("请给出去年的文档文件夹（含 document.toml 和 projects/）")
                .into(),
        );
    };
    Err(Diagnostic::error(format!(
        "“{shown}”不是文档文件夹，而是含有文档文件夹的文件夹"
    ))
    .with_hint(format!(
        "jixiao new 一次新建一个文档：请给出其中一个，例如 --from {}",
        display_path(&first)
    ))
    .into())
}

/// The most entries of one folder looked at for the not-copied list.
const MAX_LEFT: usize = 1000;

/// The entries of the source folder and of its `projects/` that are not
/// among `copied` (hidden ones aside, as the loader leaves them out): only
/// their names are read.
fn not_copied(src: &Path, copied: &[&str]) -> Vec<String> {
    let names = |dir: &Path, prefix: &str| -> Vec<String> {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return Vec::new();
        };
        let entries = entries.filter_map(|e| e.ok());
        // A folder of a million files is not listed in full.
        let entries = entries.take(MAX_LEFT);
        entries
            .filter_map(|e| {
                let name = e.file_name().to_string_lossy().into_owned();
                let folder = e.file_type().is_ok_and(|t| t.is_dir());
                let rel = format!("{prefix}{name}{}", if folder { "/" } else { "" });
                let read = copied.contains(&rel.as_str()) || rel == format!("{PROJECTS_DIR}/");
                (!crate::input::load::is_ignored_name(&name) && !read).then_some(rel)
            })
            .collect()
    };
    let mut left = names(src, "");
    left.extend(names(&src.join(PROJECTS_DIR), &format!("{PROJECTS_DIR}/")));
    left.sort();
    left
}

/// The schema file of a data file: the document's, or its form's.
fn schema_name(text: &str, project: Option<(&Registry, &str)>) -> String {
    let Some((forms, default)) = project else {
        return schema::DOCUMENT_SCHEMA.to_string();
    };
    let named = doc_form(text).filter(|n| forms.get(n).is_some());
    schema::project_schema_name(&named.unwrap_or_else(|| default.to_string()))
}

/// The `form = "…"` of a data file's text, if it parses and has one.
fn doc_form(text: &str) -> Option<String> {
    let table: toml::Table = toml::from_str(text).ok()?;
    table.get("form")?.as_str().map(str::to_string)
}

/// A data file's text, read through the confinement rule.
fn read_text(files: &DocFiles, rel: &str, name: &Path) -> Result<String> {
    let bytes = files.read(rel, name)?;
    String::from_utf8(bytes).map_err(|_| {
        Diagnostic::error(format!("“{}”不是 UTF-8 编码的文本", display_path(name)))
            .with_hint("请先用 jixiao check 检查原文件夹并改正它")
            .into()
    })
}

/// Refuses a target that exists and is not an empty folder, and the
/// current folder or one above it (it cannot be renamed into place).
pub(crate) fn check_target(target: &Path) -> Result<()> {
    let shown = display_path(target);
    let cwd = std::env::current_dir().unwrap_or_default();
    let real = absolute(target);
    // The current folder itself is filled in place when empty; a folder
    // above it holds it, so is not empty.
    if cwd.starts_with(&real) && cwd != real {
        return Err(Diagnostic::error(format!(
            "“{shown}”在当前文件夹之上，jixiao new 不能在其中新建文本"
        ))
        .with_hint("请给出一个新的或空的文件夹，例如 jixiao new 文件夹名")
        .into());
    }
    // A link to an empty folder elsewhere would carry the files there.
    if real
        .symlink_metadata()
        .is_ok_and(|m| m.file_type().is_symlink())
    {
        return Err(
            Diagnostic::error(format!("“{shown}”是链接，jixiao new 不写入链接指向的位置"))
                .with_hint("请给出一个新的或空的文件夹本身")
                .into(),
        );
    }
    if !target.exists() && target.symlink_metadata().is_err() {
        return Ok(());
    }
    if !target.is_dir() {
        return Err(Diagnostic::error(format!("“{shown}”已存在，且不是文件夹"))
            .with_hint("请换一个新文件夹的名字")
            .into());
    }
    let entries = std::fs::read_dir(target).map_err(|e| io_error("读取文件夹", target, &e))?;
    // An entry that cannot be read still makes the folder not empty.
    let mut names: Vec<String> = entries
        .take(4)
        .map(|e| {
            e.map_or_else(
                |_| "?".to_string(),
                |e| e.file_name().to_string_lossy().into_owned(),
            )
        })
        .collect();
    if names.is_empty() {
        return Ok(());
    }
    names.sort();
    // Hidden files (".gitkeep") are named: a listing does not show them.
    let more = if names.len() > 3 { "等" } else { "" };
    names.truncate(3);
    let names = crate::report::escape::one_line(&names.join("、")).into_owned();
    Err(Diagnostic::error(format!(
        "文件夹“{shown}”已存在且不是空的（其中有 {names}{more}）"
    ))
    .with_hint("jixiao new 不会覆盖已有的数据；请换一个新文件夹，或先移走其中的文件")
    .into())
}

/// Writes the files into a temporary folder beside `target`, then renames
/// it into place (over an empty folder); on any error nothing is left.
pub(crate) fn write_folder(target: &Path, files: &[NewFile]) -> Result<()> {
    check_target(target)?;
    // Absolute and folded: "x/." or "x/../y" name their folder too.
    let target = &absolute(target);
    if target.is_dir() {
        return fill_empty(target, files);
    }
    let parent = target.parent().map(Path::to_path_buf).unwrap_or_default();
    let made = missing_ancestors(&parent);
    std::fs::create_dir_all(&parent).map_err(|e| io_error("创建文件夹", &parent, &e))?;
    let name = target.file_name().unwrap_or_default().to_string_lossy();
    let tmp = parent.join(format!(".{name}.jixiao-new-{}", std::process::id()));
    let written = write_all(&tmp, files).and_then(|()| {
        std::fs::rename(&tmp, target).map_err(|e| io_error("写入文件夹", target, &e).into())
    });
    if written.is_err() {
        let _ = std::fs::remove_dir_all(&tmp);
        made.iter().for_each(|d| drop(std::fs::remove_dir(d)));
    }
    written
}

/// Writes `files` into the existing empty folder `target`, which is kept
/// (its mode and owner; it may be the shell's current folder): written
/// whole into a hidden folder inside it, then each entry moved up. On a
/// failure what was moved is removed again, leaving the folder empty.
fn fill_empty(target: &Path, files: &[NewFile]) -> Result<()> {
    let tmp = target.join(format!(".jixiao-new-{}", std::process::id()));
    let mut moved = Vec::new();
    let written = write_all(&tmp, files).and_then(|()| {
        let entries = std::fs::read_dir(&tmp).map_err(|e| io_error("读取文件夹", &tmp, &e))?;
        for entry in entries {
            let entry = entry.map_err(|e| io_error("读取文件夹", &tmp, &e))?;
            let to = target.join(entry.file_name());
            std::fs::rename(entry.path(), &to).map_err(|e| io_error("写入文件夹", &to, &e))?;
            moved.push(to);
        }
        Ok(())
    });
    if written.is_err() {
        for path in &moved {
            let _ = std::fs::remove_dir_all(path).or_else(|_| std::fs::remove_file(path));
        }
    }
    let _ = std::fs::remove_dir_all(&tmp);
    written
}

/// The folders of `dir` and above that do not exist yet, deepest first.
fn missing_ancestors(dir: &Path) -> Vec<PathBuf> {
    dir.ancestors()
        .take_while(|d| !d.exists())
        .map(Path::to_path_buf)
        .collect()
}

fn write_all(dir: &Path, files: &[NewFile]) -> Result<()> {
    for f in files {
        let path = dir.join(&f.rel);
        let folder = path.parent().unwrap_or(dir);
        std::fs::create_dir_all(folder).map_err(|e| io_error("创建文件夹", folder, &e))?;
        std::fs::write(&path, &f.text).map_err(|e| io_error("写入文件", &path, &e))?;
    }
    Ok(())
}

/// Replaces the file at `path` with `bytes` through a new temporary file
/// in the same folder, renamed into place; refuses (`InvalidInput`) a
/// `path` that exists and is not a regular file, a link above all, so a
/// link can never carry the write out of the folder. The temporary name is
/// made with `create_new`, so a file or link planted under it is never
/// written through.
pub(crate) fn replace_file(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    refuse_non_file(path)?;
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let (tmp, mut file) = (0u32..)
        .map(|n| dir.join(format!(".{name}.jx-{}-{n}.tmp", std::process::id())))
        .map(|tmp| {
            let f = std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&tmp);
            (tmp, f)
        })
        .find(|(_, f)| !matches!(f, Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists))
        .expect("some temporary name is free");
    let written = file
        .as_mut()
        .map_err(|e| std::io::Error::new(e.kind(), e.to_string()))
        .and_then(|f| f.write_all(bytes).and_then(|()| f.sync_all()))
        .and_then(|()| std::fs::rename(&tmp, path));
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written
}

/// `InvalidInput` when `path` exists and is not a regular file (a link,
/// a folder, a device).
pub(crate) fn refuse_non_file(path: &Path) -> std::io::Result<()> {
    match std::fs::symlink_metadata(path) {
        Ok(m) if !m.file_type().is_file() => Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "它是链接或不是普通文件",
        )),
        _ => Ok(()),
    }
}

/// `path` made absolute against the current folder, `.` and `..` folded
/// (the path need not exist).
pub(crate) fn absolute(path: &Path) -> PathBuf {
    fold(&std::env::current_dir().unwrap_or_default().join(path))
}

/// Resolves `.` and `..` lexically: "a/../b" is "b", "../a" stays, "/.."
/// is "/", and nothing left is ".".
pub(crate) fn fold(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match (c, out.components().next_back()) {
            (Component::ParentDir, Some(Component::Normal(_))) => {
                out.pop();
            }
            (Component::ParentDir, Some(Component::RootDir | Component::Prefix(_))) => {}
            (Component::CurDir, _) => {}
            (other, _) => out.push(other),
        }
    }
    match out.as_os_str().is_empty() {
        true => PathBuf::from("."),
        false => out,
    }
}

/// The budget year a folder's path names, as typed (the current folder's
/// own path does not count): its last component that is a year of four
/// digits in range (`data/2026/chengde-xinfang` is 2026).
pub(crate) fn folder_year(dir: &Path) -> Option<i32> {
    let year = |c: Component| {
        let name = c.as_os_str().to_str()?;
        let y: i32 = name.parse().ok()?;
        (name.len() == 4 && name.bytes().all(|b| b.is_ascii_digit()) && YEARS.contains(&y))
            .then_some(y)
    };
    fold(dir).components().rev().find_map(year)
}

/// The project a new document belongs to, found as a build finds it
/// (`pipeline::Root`): `explicit`, else the nearest folder above it that
/// holds `templates/` or `fonts/`, or whose `data/` holds it; `None` for a
/// document outside any project.
pub(crate) fn project_root(target: &Path, explicit: Option<&Path>) -> Option<PathBuf> {
    if let Some(dir) = explicit {
        return Some(absolute(dir));
    }
    let root = crate::pipeline::Root::find(&absolute(target), None).ok()?;
    root.project().map(Path::to_path_buf)
}

/// Where the schema files of a new document go: `templates/schema/` of
/// its project; for a document outside any project, its own `.schema/`
/// (a `templates/` made beside it would make its parent a project).
pub(crate) fn schema_dir(target: &Path, explicit: Option<&Path>) -> PathBuf {
    match project_root(target, explicit) {
        Some(root) => root.join("templates").join(schema::SCHEMA_DIR),
        None => absolute(target).join(".schema"),
    }
}

/// A path from folder `from` to `to`, both absolute and folded.
pub(crate) fn relative(from: &Path, to: &Path) -> PathBuf {
    let a: Vec<Component> = from.components().collect();
    let b: Vec<Component> = to.components().collect();
    let common = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let mut out = PathBuf::new();
    (common..a.len()).for_each(|_| out.push(".."));
    b[common..].iter().for_each(|c| out.push(c));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_schema_line_goes_first_after_a_bom_and_replaces_an_old_one() {
        let put = |text: &str| bump::apply(text, vec![schema_edit(text, "#:schema x\n".into())]);
        assert_eq!(put("year = 1\n"), "#:schema x\nyear = 1\n");
        assert_eq!(put("#:schema old\nyear = 1\n"), "#:schema x\nyear = 1\n");
        assert_eq!(put("\u{feff}year = 1\n"), "\u{feff}#:schema x\nyear = 1\n");
        assert_eq!(
            put("year = 1\r\nb = 2\r\n"),
            "#:schema x\r\nyear = 1\r\nb = 2\r\n"
        );
        assert_eq!(put(""), "#:schema x\n");
    }

    #[test]
    fn paths_fold_lexically_keeping_leading_parents() {
        let f = |p: &str| fold(Path::new(p));
        assert_eq!(f("data/2030/../2030b/x"), Path::new("data/2030b/x"));
        assert_eq!(f("../a/./b/.."), Path::new("../a"));
        assert_eq!(f("a/../.."), Path::new(".."));
        assert_eq!(f("/../x"), Path::new("/x"));
        assert_eq!(f("sub/."), Path::new("sub"));
        assert_eq!(f("a/.."), Path::new("."));
    }

    #[test]
    fn the_folder_year_is_the_last_four_digit_year_in_the_path() {
        let y = |p: &str| folder_year(Path::new(p));
        assert_eq!(y("/p/data/2026/chengde"), Some(2026));
        assert_eq!(y("/p/2025/data/2026/x/2027"), Some(2027));
        assert_eq!(y("/p/data/2026b/x"), None);
        assert_eq!(y("/p/data/1999/x"), None);
        assert_eq!(y("/p/data/０２０２６/x"), None);
    }

    #[test]
    fn relative_paths_climb_to_the_common_folder() {
        let rel = |a: &str, b: &str| relative(Path::new(a), Path::new(b));
        assert_eq!(
            rel("/p/data/2026/x", "/p/templates/schema"),
            Path::new("../../../templates/schema")
        );
        assert_eq!(rel("/p", "/p/t"), Path::new("t"));
        let line = SchemaRef {
            from_doc: PathBuf::from("../t/schema"),
        }
        .line("projects/a.toml", "s.json");
        assert_eq!(line, "#:schema ../../t/schema/s.json\n");
    }
}
