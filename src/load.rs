//! Reading a document folder (`document.toml`, `projects/*.toml`) into the
//! model, turning every TOML or schema error into a located diagnostic.

use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;

use crate::diag::{Diagnostic, Diagnostics, FileKey, Result, SourceMap, Span, display_path};
use crate::docfiles::select_projects;
pub use crate::docfiles::{DocFiles, EntryKind, MemoryFiles, is_ignored_name};
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
