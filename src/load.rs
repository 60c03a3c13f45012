//! Reading a document folder (`document.toml`, `projects/*.toml`) into the
//! model, turning every TOML or schema error into a located diagnostic.

use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::de::DeserializeOwned;

use crate::diag::{
    Diagnostic, Diagnostics, FileKey, Result, SourceMap, Span, display_path, io_error,
};
use crate::locate::{self, FileRef, Place};
use crate::model::{Document, Project};
use crate::translate;

/// The file holding everything but the project tables.
pub const DOCUMENT_FILE: &str = "document.toml";
/// The folder holding one file per project table.
pub const PROJECTS_DIR: &str = "projects";

/// A loaded document and the folder it came from.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The parsed document, projects included.
    pub document: Document,
    /// The document folder, canonicalised.
    pub dir: PathBuf,
    /// The source-map key of `document.toml`.
    pub doc_key: FileKey,
    /// The source-map key of each project file, in table order.
    pub project_keys: Vec<FileKey>,
    /// Where the files were read from.
    pub files: DocFiles,
    /// Warnings and notes about the folder (files left out and why).
    pub warnings: Vec<Diagnostic>,
}

impl Loaded {
    /// The place of a diagnostic that still lacks a span.
    fn pending(d: &Diagnostic) -> Option<&Place> {
        d.place.as_ref().filter(|_| d.span.is_none())
    }

    /// The source-map key of the file a place is in.
    fn key_of(&self, place: &Place) -> Option<FileKey> {
        match place.file {
            FileRef::Document => Some(self.doc_key),
            FileRef::Project(n) => self.project_keys.get(n).copied(),
        }
    }

    /// Turns the data places of diagnostics into spans of the TOML text,
    /// parsing each file once however many diagnostics point into it.
    pub fn locate(&self, sources: &SourceMap, diags: &mut [Diagnostic]) {
        let mut keys: Vec<FileKey> = diags
            .iter()
            .filter_map(|d| Self::pending(d).and_then(|p| self.key_of(p)))
            .collect();
        keys.sort_unstable();
        keys.dedup();
        for key in keys {
            let Some(text) = sources.text(key) else {
                continue;
            };
            let Some(tree) = locate::Tree::parse(&text) else {
                continue;
            };
            for d in diags.iter_mut() {
                let range = Self::pending(d)
                    .filter(|p| self.key_of(p) == Some(key))
                    .map(|p| tree.range(&p.path));
                if let Some(range) = range {
                    d.span = Some(Span { file: key, range });
                }
            }
        }
    }
}

/// Reads a document folder, collecting every error before giving up.
pub fn load_dir(dir: &Path, sources: &SourceMap) -> Result<Loaded> {
    load_files(&DocFiles::open(dir)?, sources)
}

/// Reads a document from a folder or from memory, collecting every error.
pub fn load_files(files: &DocFiles, sources: &SourceMap) -> Result<Loaded> {
    match load_files_partial(files, sources) {
        (Some(loaded), errors) if errors.is_empty() => Ok(loaded),
        (_, errors) => Err(Diagnostics(errors)),
    }
}

/// Reads what parses of a document folder: `document.toml` with the project
/// files that parsed (if `document.toml` did), and the errors of the rest,
/// so the rules can still look at the good files.
pub fn load_dir_partial(
    dir: &Path,
    sources: &SourceMap,
) -> Result<(Option<Loaded>, Vec<Diagnostic>)> {
    Ok(load_files_partial(&DocFiles::open(dir)?, sources))
}

/// Like [`load_dir_partial`] for a folder on disk or in memory; without a
/// loaded document the folder's warnings come with the errors.
pub fn load_files_partial(
    files: &DocFiles,
    sources: &SourceMap,
) -> (Option<Loaded>, Vec<Diagnostic>) {
    let mut errors = Vec::new();
    let document = parse_in::<Document>(files, DOCUMENT_FILE, sources);
    let document = document.map_err(|d| errors.extend(d.0));
    let (names, mut warnings) = match files.project_entries() {
        Ok(entries) => select_projects(entries),
        Err(d) => {
            errors.extend(d.0);
            (Vec::new(), Vec::new())
        }
    };
    warnings.extend(files.notes());
    let (mut refused, mut warnings): (Vec<_>, Vec<_>) =
        warnings.into_iter().partition(Diagnostic::is_error);
    errors.append(&mut refused);
    let mut projects = Vec::new();
    let mut project_keys = Vec::new();
    for name in names {
        let rel = format!("{PROJECTS_DIR}/{name}");
        match parse_in::<Project>(files, &rel, sources) {
            Ok((p, key)) => {
                projects.push(p);
                project_keys.push(key);
            }
            Err(d) => errors.extend(d.0),
        }
    }
    let Ok((mut document, doc_key)) = document else {
        errors.append(&mut warnings);
        return (None, errors);
    };
    document.projects = projects;
    let loaded = Loaded {
        document,
        dir: files.dir().to_path_buf(),
        doc_key,
        project_keys,
        files: files.clone(),
        warnings,
    };
    (Some(loaded), errors)
}

/// Reads and parses one file of a document by its relative name.
fn parse_in<T: DeserializeOwned>(
    files: &DocFiles,
    rel: &str,
    sources: &SourceMap,
) -> Result<(T, FileKey)> {
    let name = files.name(rel);
    parse_bytes(&name, files.read(rel, &name)?, sources)
}

/// The project files of a document folder, in table order.
pub fn project_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let files = DocFiles::open(dir)?;
    let (names, _) = select_projects(files.project_entries()?);
    let pdir = files.dir().join(PROJECTS_DIR);
    Ok(names.iter().map(|n| pdir.join(n)).collect())
}

/// Whether a file name is left out without a word, in `build` and `watch`
/// alike: hidden files (editor swap files, macOS `._*` resource forks, our
/// own temporary outputs) and editor backups ending in `~`.
pub fn is_ignored_name(name: &str) -> bool {
    name.starts_with('.') || name.ends_with('~')
}

/// What an entry of `projects/` is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryKind {
    /// A file, or a link to one.
    File,
    /// A folder.
    Dir,
    /// A link whose target does not exist.
    Dangling,
    /// A FIFO, socket or device.
    Special,
}

/// Picks the project files among the entries of `projects/`, in natural
/// order, with a warning for every entry that is not built.
fn select_projects(entries: Vec<(String, EntryKind)>) -> (Vec<String>, Vec<Diagnostic>) {
    let mut names = Vec::new();
    let mut warnings = Vec::new();
    for (name, kind) in entries {
        if is_ignored_name(&name) {
            continue;
        }
        match left_out(&name, kind) {
            None => names.push(name),
            Some((why, hint)) => {
                let message = format!("“{PROJECTS_DIR}/{name}”不会生成项目表：{why}");
                // A FIFO or device is refused outright (it is never opened).
                let d = if kind == EntryKind::Special {
                    Diagnostic::error(message)
                } else {
                    Diagnostic::warning(message)
                };
                warnings.push(d.with_hint(hint));
            }
        }
    }
    names.sort_by(|a, b| natural_cmp(a, b));
    warnings.sort_by(|a, b| natural_cmp(&a.message, &b.message));
    (names, warnings)
}

/// Why an entry of `projects/` is not built, and what to do, if it is not.
fn left_out(name: &str, kind: EntryKind) -> Option<(&'static str, String)> {
    let lower = name.to_lowercase();
    match kind {
        EntryKind::File if name.ends_with(".toml") => None,
        EntryKind::File if lower.ends_with(".toml") => Some((
            "扩展名必须是小写的 .toml",
            format!("请改名为“{}.toml”", &name[..name.len() - 5]),
        )),
        EntryKind::File => Some((
            "不是 .toml 文件",
            "项目表文件名须以 .toml 结尾；其他文件请移出 projects/".to_string(),
        )),
        EntryKind::Dir => Some((
            "这是子文件夹，其中的文件不会读取",
            "项目表须直接放在 projects/ 下，不能放在子文件夹里".to_string(),
        )),
        EntryKind::Dangling => Some((
            "这是指向不存在文件的符号链接",
            "请修正或删除这个链接".to_string(),
        )),
        EntryKind::Special => Some((
            "不是普通文件（是管道、设备或套接字）",
            "请换成普通的 .toml 文件".to_string(),
        )),
    }
}

/// Natural order: runs of digits compare by value, so `9-g.toml` comes
/// before `10-f.toml`; ties fall back to plain order.
pub fn natural_cmp(a: &str, b: &str) -> Ordering {
    let (mut x, mut y) = (a, b);
    loop {
        let (Some(c), Some(d)) = (x.chars().next(), y.chars().next()) else {
            return x.len().cmp(&y.len()).then_with(|| a.cmp(b));
        };
        if c.is_ascii_digit() && d.is_ascii_digit() {
            let (m, rest_x) = split_digits(x);
            let (n, rest_y) = split_digits(y);
            let (m, n) = (m.trim_start_matches('0'), n.trim_start_matches('0'));
            let order = m.len().cmp(&n.len()).then_with(|| m.cmp(n));
            if order != Ordering::Equal {
                return order;
            }
            (x, y) = (rest_x, rest_y);
        } else if c != d {
            return c.cmp(&d);
        } else {
            (x, y) = (&x[c.len_utf8()..], &y[d.len_utf8()..]);
        }
    }
}

/// Splits a leading run of ASCII digits off a string.
fn split_digits(s: &str) -> (&str, &str) {
    let end = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    s.split_at(end)
}

/// The files of one document: a folder on disk, or a git revision read
/// into memory (nothing of a revision is ever written to disk).
#[derive(Debug, Clone)]
pub enum DocFiles {
    /// A folder on disk, canonicalised.
    Dir(PathBuf),
    /// Files held in memory.
    Memory(Arc<MemoryFiles>),
}

/// A document's files held in memory, by path relative to the document
/// folder with `/` separators.
#[derive(Debug, Default)]
pub struct MemoryFiles {
    /// How the folder is named in messages, e.g. `HEAD~1:data/2025/x`.
    pub label: String,
    /// The working-tree folder it is a version of.
    pub dir: PathBuf,
    /// The files' contents.
    pub files: BTreeMap<String, Vec<u8>>,
    /// Notes on entries left out (submodules, symbolic links).
    pub notes: Vec<Diagnostic>,
}

impl MemoryFiles {
    /// The contents of a file by relative path.
    pub fn get(&self, rel: &str) -> Option<Vec<u8>> {
        self.files.get(rel).cloned()
    }
}

impl DocFiles {
    /// A folder on disk; fails when it cannot be opened.
    pub fn open(dir: &Path) -> Result<Self> {
        let dir = dir.canonicalize().map_err(|e| {
            io_error("打开文档文件夹", dir, &e)
                .with_hint("请给出包含 document.toml 的文件夹，例如 data/2025/chengde-xinfang")
        })?;
        Ok(Self::Dir(dir))
    }

    /// The folder on disk (for a revision: the working-tree folder).
    pub fn dir(&self) -> &Path {
        match self {
            Self::Dir(dir) => dir,
            Self::Memory(m) => &m.dir,
        }
    }

    /// The files held in memory, if that is where they are.
    pub fn memory(&self) -> Option<Arc<MemoryFiles>> {
        match self {
            Self::Dir(_) => None,
            Self::Memory(m) => Some(m.clone()),
        }
    }

    /// How a file is named in messages.
    fn name(&self, rel: &str) -> PathBuf {
        match self {
            Self::Dir(dir) => dir.join(rel),
            Self::Memory(m) => PathBuf::from(format!("{}/{rel}", m.label)),
        }
    }

    /// Notes about what was left out when the files were gathered.
    fn notes(&self) -> Vec<Diagnostic> {
        self.memory().map(|m| m.notes.clone()).unwrap_or_default()
    }

    /// Reads one file; on disk it must be a regular file inside the folder.
    fn read(&self, rel: &str, name: &Path) -> Result<Vec<u8>> {
        match self {
            Self::Dir(dir) => crate::confine::open_confined(dir, name, MAX_FILE_BYTES)
                .map_err(|e| e.diagnostic("数据文件", name, MAX_FILE_BYTES).into()),
            Self::Memory(m) => m.get(rel).ok_or_else(|| {
                Diagnostic::error(format!("“{}”不存在", name.display()))
                    .with_hint("该版本中缺少这个文件")
                    .into()
            }),
        }
    }

    /// The entries of `projects/` (none when there is no such folder).
    fn project_entries(&self) -> Result<Vec<(String, EntryKind)>> {
        match self {
            Self::Dir(dir) => disk_entries(&dir.join(PROJECTS_DIR)),
            Self::Memory(m) => Ok(memory_entries(m)),
        }
    }
}

/// The entries of a folder on disk with what each is (links followed).
fn disk_entries(pdir: &Path) -> Result<Vec<(String, EntryKind)>> {
    if !pdir.exists() {
        return Ok(Vec::new());
    }
    let entries = std::fs::read_dir(pdir).map_err(|e| io_error("读取文件夹", pdir, &e))?;
    Ok(entries
        .filter_map(|e| e.ok())
        .map(|e| {
            let kind = match std::fs::metadata(e.path()) {
                Err(_) => EntryKind::Dangling,
                Ok(m) if m.is_dir() => EntryKind::Dir,
                Ok(m) if m.is_file() => EntryKind::File,
                Ok(_) => EntryKind::Special,
            };
            (e.file_name().to_string_lossy().into_owned(), kind)
        })
        .collect())
}

/// The entries of `projects/` among files held in memory.
fn memory_entries(m: &MemoryFiles) -> Vec<(String, EntryKind)> {
    let mut entries: Vec<(String, EntryKind)> = Vec::new();
    let prefix = format!("{PROJECTS_DIR}/");
    for rel in m.files.keys() {
        let Some(rest) = rel.strip_prefix(&prefix) else {
            continue;
        };
        let entry = match rest.split_once('/') {
            Some((sub, _)) => (sub.to_string(), EntryKind::Dir),
            None => (rest.to_string(), EntryKind::File),
        };
        if !entries.contains(&entry) {
            entries.push(entry);
        }
    }
    entries
}

/// The largest data file read; real ones are a few kilobytes.
pub const MAX_FILE_BYTES: u64 = 8 * 1024 * 1024;

/// Reads and parses one TOML file into `T`, returning its source-map key.
pub fn parse_file<T: DeserializeOwned>(path: &Path, sources: &SourceMap) -> Result<(T, FileKey)> {
    let bytes = read_limited(path)?;
    parse_bytes(path, bytes, sources)
}

/// Parses the bytes of one TOML file named `path` in messages.
fn parse_bytes<T: DeserializeOwned>(
    path: &Path,
    bytes: Vec<u8>,
    sources: &SourceMap,
) -> Result<(T, FileKey)> {
    let text = String::from_utf8(bytes).map_err(|e| {
        Diagnostic::error(format!(
            "“{}”不是 UTF-8 编码的文本（第 {} 个字节起无法解码）",
            display_path(path),
            e.utf8_error().valid_up_to() + 1
        ))
        .with_hint("请用 UTF-8 编码另存此文件（WPS/记事本“另存为”时选择 UTF-8）")
    })?;
    let file = sources.add(path, &text);
    let syntax = toml::de::DeTable::parse_recoverable(&text).1;
    if !syntax.is_empty() {
        return Err(Diagnostics(
            syntax.iter().map(|e| located(e, file, &text)).collect(),
        ));
    }
    toml::from_str::<T>(&text)
        .map(|t| (t, file))
        .map_err(|e| Diagnostics::from(located(&e, file, &text)))
}

fn located(e: &toml::de::Error, file: FileKey, text: &str) -> Diagnostic {
    let span = e.span().map(|range| Span { file, range });
    if let Some(span) = &span
        && value_is_blank(text, span.range.start)
    {
        return Diagnostic::error("TOML 格式错误：等号后面缺少取值")
            .with_span(Some(span.clone()))
            .with_label("缺少取值")
            .with_hint("不填的项目请删除整行（表中即为空白）；要填请写上取值，例如 other = \"0\"");
    }
    translate::toml_error(e.message()).with_span(span)
}

/// Whether the error sits after `key =` with nothing else on its line.
fn value_is_blank(text: &str, at: usize) -> bool {
    let at = at.min(text.len());
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[at..].find('\n').map_or(text.len(), |i| at + i);
    let line = &text[line_start..line_end];
    line.split_once('=').is_some_and(|(key, value)| {
        !key.trim().is_empty() && value.split('#').next().unwrap_or("").trim().is_empty()
    })
}

/// Reads a file given by path (as `textconv` is), refusing folders, FIFOs,
/// devices and absurdly large files before reading.
fn read_limited(path: &Path) -> Result<Vec<u8>> {
    crate::confine::open_confined(Path::new("/"), path, MAX_FILE_BYTES)
        .map_err(|e| e.diagnostic("文件", path, MAX_FILE_BYTES).into())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load_str(text: &str) -> String {
        static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = N.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let dir = std::env::temp_dir().join(format!("jixiao-load-{}-{n}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("t.toml");
        std::fs::write(&path, text).unwrap();
        let map = SourceMap::default();
        let err = parse_file::<Project>(&path, &map).map(|_| ()).unwrap_err();
        std::fs::remove_dir_all(&dir).unwrap();
        map.render_plain(&err.0)
    }

    #[test]
    fn natural_order_compares_numbers_by_value() {
        let mut names = vec![
            "10-f.toml",
            "9-g.toml",
            "02-b.toml",
            "1-a.toml",
            "b.toml",
            "a10",
        ];
        names.sort_by(|a, b| natural_cmp(a, b));
        let want = [
            "1-a.toml",
            "02-b.toml",
            "9-g.toml",
            "10-f.toml",
            "a10",
            "b.toml",
        ];
        assert_eq!(names, want);
        assert_eq!(
            natural_cmp("01", "1"),
            Ordering::Less,
            "ties fall back to text"
        );
        assert_eq!(natural_cmp("表2", "表10"), Ordering::Less);
    }

    #[test]
    fn unknown_key_suggests_nearest() {
        let out = load_str("code='X'\nnmae='Y'\n[budget]\ntotal=1\n");
        assert!(out.contains("未知字段“nmae”"), "{out}");
        assert!(out.contains("您是不是想写“name”"), "{out}");
        assert!(out.contains(":2:1"), "{out}");
    }

    #[test]
    fn wrong_type_names_expected() {
        let out = load_str("code=1\nname='Y'\n[budget]\ntotal=1\n");
        assert!(out.contains("类型不对"), "{out}");
        assert!(out.contains("文本"), "{out}");
    }

    #[test]
    fn missing_field_is_named() {
        let out = load_str("code='X'\n[budget]\ntotal=1\n");
        assert!(out.contains("缺少必填字段“name”"), "{out}");
    }
}
