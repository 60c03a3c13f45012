//! Reading a document folder (`document.toml`, `projects/*.toml`) into the
//! model, turning every TOML or schema error into a located diagnostic.

use std::path::{Path, PathBuf};

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
    match load_dir_partial(dir, sources)? {
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
    let dir = dir.canonicalize().map_err(|e| {
        io_error("打开文档文件夹", dir, &e)
            .with_hint("请给出包含 document.toml 的文件夹，例如 data/2025/chengde-xinfang")
    })?;
    let doc_path = dir.join(DOCUMENT_FILE);
    let mut errors = Vec::new();
    let document = parse_file::<Document>(&doc_path, sources).map_err(|d| errors.extend(d.0));
    let mut projects = Vec::new();
    let mut project_keys = Vec::new();
    for path in project_files(&dir)? {
        match parse_file::<Project>(&path, sources) {
            Ok((p, key)) => {
                projects.push(p);
                project_keys.push(key);
            }
            Err(d) => errors.extend(d.0),
        }
    }
    let loaded = document.ok().map(|(mut document, doc_key)| {
        document.projects = projects;
        Loaded {
            document,
            dir,
            doc_key,
            project_keys,
        }
    });
    Ok((loaded, errors))
}

/// The project files of a document folder, sorted by name.
pub fn project_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let pdir = dir.join(PROJECTS_DIR);
    if !pdir.exists() {
        return Ok(Vec::new());
    }
    let entries = std::fs::read_dir(&pdir).map_err(|e| io_error("读取文件夹", &pdir, &e))?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml") && p.is_file())
        .collect();
    files.sort();
    Ok(files)
}

/// The largest data file read; real ones are a few kilobytes.
pub const MAX_FILE_BYTES: u64 = 8 * 1024 * 1024;

/// Reads and parses one TOML file into `T`, returning its source-map key.
pub fn parse_file<T: DeserializeOwned>(path: &Path, sources: &SourceMap) -> Result<(T, FileKey)> {
    let bytes = read_limited(path)?;
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

/// Reads a file, refusing folders and absurdly large files before reading.
fn read_limited(path: &Path) -> Result<Vec<u8>> {
    let meta = std::fs::metadata(path).map_err(|e| io_error("读取文件", path, &e))?;
    if !meta.is_file() {
        return Err(
            Diagnostic::error(format!("“{}”不是普通文件", path.display()))
                .with_hint("请删除或改名这个同名文件夹")
                .into(),
        );
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(Diagnostic::error(format!(
            "“{}”太大（{} 字节，上限 {} 字节）",
            display_path(path),
            meta.len(),
            MAX_FILE_BYTES
        ))
        .with_hint("一个数据文件通常只有几千字节；请确认选对了文件，或把内容拆分到多个项目文件")
        .into());
    }
    std::fs::read(path).map_err(|e| io_error("读取文件", path, &e).into())
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
