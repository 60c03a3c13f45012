//! Reading a document folder (`document.toml`, `projects/*.toml`) into the
//! model, turning every TOML or schema error into a located diagnostic.

use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;

use crate::input::docfiles::select_projects;
pub use crate::input::docfiles::{DocFiles, MemoryFiles, is_ignored_name};
use crate::input::form::{DEFAULT_FORM, Registry};
use crate::input::locate::{self, FileRef, Place};
use crate::input::model::{Document, Project};
use crate::report::diag::{
    Diagnostic, Diagnostics, FileKey, Result, SourceMap, Span, display_path,
};
use crate::report::translate;

mod document;
mod project;

#[cfg(test)]
pub(crate) use project::read_project as read_project_text;
pub use project::unknown_form;

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

/// Reads a document from a folder or from memory, collecting every error.
pub fn load_files(files: &DocFiles, forms: &Registry, sources: &SourceMap) -> Result<Loaded> {
    match load_files_partial(files, forms, sources) {
        (Some(loaded), errors) if errors.is_empty() => Ok(loaded),
        (_, errors) => Err(Diagnostics(errors)),
    }
}

/// Reads what parses of a document (a folder on disk or in memory):
/// `document.toml` with the project files that parsed (if `document.toml`
/// did), and the errors of the rest, so the rules can still look at the
/// good files; without a loaded document the folder's warnings come with
/// the errors.
pub fn load_files_partial(
    files: &DocFiles,
    forms: &Registry,
    sources: &SourceMap,
) -> (Option<Loaded>, Vec<Diagnostic>) {
    let mut errors = Vec::new();
    let document = read_document_in(files, sources);
    let document = document.map_err(|d| errors.extend(d.0));
    let default_form = default_form(document.as_ref().ok(), forms, sources, &mut errors);
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
    let (projects, project_keys) =
        read_projects(files, &names, forms, &default_form, sources, &mut errors);
    let Ok((mut document, doc_key)) = document else {
        errors.append(&mut warnings);
        return (None, errors);
    };
    document.projects = projects;
    for check in [check_doc_labels, check_profile] {
        errors.extend(check(&document, forms, &default_form, doc_key, sources));
    }
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

/// The project files that parse, with their source-map keys, in table
/// order; the errors of the others go to `errors`.
fn read_projects(
    files: &DocFiles,
    names: &[String],
    forms: &Registry,
    default_form: &str,
    sources: &SourceMap,
    errors: &mut Vec<Diagnostic>,
) -> (Vec<Project>, Vec<FileKey>) {
    let mut projects = Vec::new();
    let mut keys = Vec::new();
    for name in names {
        let rel = format!("{PROJECTS_DIR}/{name}");
        match read_project_in(files, &rel, forms, default_form, sources) {
            Ok((p, key)) => {
                projects.push(p);
                keys.push(key);
            }
            Err(d) => errors.extend(d.0),
        }
    }
    (projects, keys)
}

/// The form of tables that name none: `form` of `document.toml` or the
/// built-in default; an unknown name is an error at the value.
fn default_form(
    doc: Option<&(Document, FileKey)>,
    forms: &Registry,
    sources: &SourceMap,
    errors: &mut Vec<Diagnostic>,
) -> String {
    let Some((doc, key)) = doc else {
        return DEFAULT_FORM.into();
    };
    let Some(name) = &doc.form else {
        return DEFAULT_FORM.into();
    };
    if forms.get(name).is_none() {
        let span = span_at(sources, *key, &[locate::Seg::Key("form")]);
        errors.push(unknown_form(name, forms, span));
        return DEFAULT_FORM.into();
    }
    name.clone()
}

/// The key `key` written before the value at `span` on its line (the
/// wrong word is the key); the value's span when it is not found there.
fn key_of(sources: &SourceMap, span: Span, key: &str) -> Span {
    let Some(text) = sources.text(span.file) else {
        return span;
    };
    let start = span.range.start.min(text.len());
    let line = text[..start].rfind('\n').map_or(0, |i| i + 1);
    match text.get(line..start).and_then(|before| before.find(key)) {
        Some(i) => Span {
            file: span.file,
            range: line + i..line + i + key.len(),
        },
        None => span,
    }
}

/// The span of the value at `path` in a loaded file.
fn span_at(sources: &SourceMap, file: FileKey, path: &[locate::Seg]) -> Option<Span> {
    let text = sources.text(file)?;
    let tree = locate::Tree::parse(&text)?;
    Some(Span {
        file,
        range: tree.range(path),
    })
}

/// Errors for `[labels]` keys of `document.toml` that no table's form has.
fn check_doc_labels(
    doc: &Document,
    forms: &Registry,
    default_form: &str,
    key: FileKey,
    sources: &SourceMap,
) -> Vec<Diagnostic> {
    let mut used: Vec<&crate::input::form::Form> = doc.projects.iter().map(|p| &*p.form).collect();
    if let Some(f) = forms.get(default_form) {
        used.push(f);
    }
    let known = project::label_keys(&used);
    let names: Vec<String> = known.keys().map(|k| k.to_string()).collect();
    doc.labels
        .keys()
        .filter(|k| !known.contains_key(k.as_str()))
        .map(|k| {
            let path = [
                locate::Seg::Key("labels"),
                locate::Seg::Key(crate::input::form::intern(k)),
            ];
            let span = span_at(sources, key, &path).map(|s| key_of(sources, s, k));
            let mut d = Diagnostic::error(format!(
                "未知字段“labels.{k}”（所用表样都没有这个固定文字）"
            ))
            .with_span(span)
            .with_label("此处不认识");
            if let Some(best) = translate::nearest(k, &names) {
                d = d.with_hint(format!("您是不是想写“{best}”（{}）？", known[best]));
            }
            let listed: Vec<String> = names
                .iter()
                .map(|n| format!("{n}（{}）", known[n.as_str()]))
                .collect();
            d.with_hint(format!(
                "此处可用的字段：{}（jixiao forms 表样名 也列出它们）",
                listed.join("、")
            ))
        })
        .collect()
}

/// An error when `[check] profile` names a taxonomy that a form in use
/// (with indicators) does not define.
fn check_profile(
    doc: &Document,
    forms: &Registry,
    default_form: &str,
    key: FileKey,
    sources: &SourceMap,
) -> Vec<Diagnostic> {
    profile_error(doc, forms, default_form, key, sources)
        .into_iter()
        .collect()
}

/// The error of [`check_profile`], if any.
fn profile_error(
    doc: &Document,
    forms: &Registry,
    default_form: &str,
    key: FileKey,
    sources: &SourceMap,
) -> Option<Diagnostic> {
    let name = doc.check.profile.as_deref()?;
    let mut used: Vec<&crate::input::form::Form> = doc.projects.iter().map(|p| &*p.form).collect();
    used.extend(forms.get(default_form).map(|f| &**f));
    let lacking = used
        .into_iter()
        .find(|f| f.indicators().is_some() && f.taxonomy(Some(name)).is_none())?;
    let known: Vec<String> = lacking.taxonomies.iter().map(|t| t.name.clone()).collect();
    let span = sources.text(key).and_then(|t| {
        let path = [locate::Seg::Key("check"), locate::Seg::Key("profile")];
        locate::Tree::parse(&t).map(|tree| Span {
            file: key,
            range: tree.range(&path),
        })
    });
    let list: Vec<String> = lacking
        .taxonomies
        .iter()
        .map(|t| format!("{}（{}）", t.name, t.title))
        .collect();
    let mut d = Diagnostic::error(format!("表样“{}”没有指标体系“{name}”", lacking.name))
        .with_span(span)
        .with_label("此处不认识");
    if let Some(best) = translate::nearest(name, &known) {
        d = d.with_hint(format!("您是不是想写“{best}”？"));
    }
    Some(d.with_hint(format!("可用的取值：{}", list.join("、"))))
}

/// Reads one project file by its form.
fn read_project_in(
    files: &DocFiles,
    rel: &str,
    forms: &Registry,
    default_form: &str,
    sources: &SourceMap,
) -> Result<(Project, FileKey)> {
    let name = files.name(rel);
    let (text, file) = checked_text(&name, files.read(rel, &name)?, sources)?;
    project::read_project(&text, file, forms, default_form)
        .map(|p| (p, file))
        .map_err(Diagnostics)
}

/// Reads `document.toml`: all its unknown and missing keys at once, else
/// the document as serde reads it.
fn read_document_in(files: &DocFiles, sources: &SourceMap) -> Result<(Document, FileKey)> {
    let name = files.name(DOCUMENT_FILE);
    let bytes = files.read(DOCUMENT_FILE, &name).map_err(|mut d| {
        // A folder without its main file: say what a document folder is.
        if files.memory().is_none() && !name.exists() {
            let hint = "文档文件夹要有 document.toml（封面、总体目标等）和 projects/（每个项目一个文件）；新建可用 jixiao new 文件夹";
            d.0.iter_mut().for_each(|e| e.hints.push(hint.into()));
        }
        d
    })?;
    let (text, file) = checked_text(&name, bytes, sources)?;
    document::read_document(&text, file)
}

/// Reads a `document.toml` given by path (as `textconv` is), reporting
/// every key error in one run like a build does.
pub fn read_document_file(path: &Path, sources: &SourceMap) -> Result<(Document, FileKey)> {
    let (text, file) = checked_text(path, read_limited(path)?, sources)?;
    document::read_document(&text, file)
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

/// Parses the bytes of one TOML file named `path` in messages.
pub(crate) fn parse_bytes<T: DeserializeOwned>(
    path: &Path,
    bytes: Vec<u8>,
    sources: &SourceMap,
) -> Result<(T, FileKey)> {
    let (text, file) = checked_text(path, bytes, sources)?;
    toml::from_str::<T>(&text)
        .map(|t| (t, file))
        .map_err(|e| Diagnostics::from(located(&e, file, &text)))
}

/// Reads a project file given by path (as `textconv` is) with its form.
pub fn read_project_file(
    path: &Path,
    forms: &Registry,
    default_form: &str,
    sources: &SourceMap,
) -> Result<(Project, FileKey)> {
    let (text, file) = checked_text(path, read_limited(path)?, sources)?;
    project::read_project(&text, file, forms, default_form)
        .map(|p| (p, file))
        .map_err(Diagnostics)
}

/// The text of one TOML file, refused unless it is UTF-8, has no lone
/// carriage return, parses, and holds no float that `f64` would change.
fn checked_text(path: &Path, bytes: Vec<u8>, sources: &SourceMap) -> Result<(String, FileKey)> {
    let text = String::from_utf8(bytes).map_err(|e| not_utf8(path, &e, sources))?;
    let cr = lone_crs(&text);
    // Shown with line feeds for lone carriage returns (same byte length, so
    // every span still fits) so that an old-Mac file is not one long line.
    let file = match cr.is_empty() {
        true => sources.add(path, &text),
        false => {
            let mut shown = text.clone().into_bytes();
            cr.iter().for_each(|&i| shown[i] = b'\n');
            sources.add(path, &String::from_utf8_lossy(&shown))
        }
    };
    let (table, syntax) = toml::de::DeTable::parse_recoverable(&text);
    if !cr.is_empty() {
        return Err(lone_cr_errors(path, &text, &cr, &syntax, file));
    }
    if !syntax.is_empty() {
        return Err(Diagnostics(
            syntax.iter().map(|e| located(e, file, &text)).collect(),
        ));
    }
    let mut inexact = Vec::new();
    inexact_floats(
        &toml::de::DeValue::Table(table.into_inner()),
        file,
        &mut inexact,
    );
    if !inexact.is_empty() {
        inexact.sort_by_key(|d| d.span.as_ref().map(|s| s.range.start));
        return Err(Diagnostics(inexact));
    }
    Ok((text, file))
}

/// The error for a file that is not UTF-8, at the line and column of its
/// first bad byte (the file is shown with that byte replaced).
fn not_utf8(path: &Path, e: &std::string::FromUtf8Error, sources: &SourceMap) -> Diagnostics {
    let at = e.utf8_error().valid_up_to();
    let shown = String::from_utf8_lossy(e.as_bytes());
    let file = sources.add(path, &shown);
    let before = &shown[..at];
    let line = before.matches('\n').count() + 1;
    let col = before[before.rfind('\n').map_or(0, |i| i + 1)..]
        .chars()
        .count()
        + 1;
    Diagnostic::error(format!(
        "“{}”不是 UTF-8 编码的文本：第 {line} 行第 {col} 列（第 {} 个字节，0x{:02X}）无法解码",
        display_path(path),
        at + 1,
        e.as_bytes()[at]
    ))
    .with_span(Some(Span {
        file,
        range: at..at + '\u{fffd}'.len_utf8(),
    }))
    .with_label("无法解码")
    .with_hint("请用 UTF-8 编码另存此文件（WPS/记事本“另存为”时选择 UTF-8）")
    .into()
}

/// Byte offsets of carriage returns not followed by a line feed.
fn lone_crs(text: &str) -> Vec<usize> {
    let bytes = text.as_bytes();
    (0..bytes.len())
        .filter(|&i| bytes[i] == b'\r' && bytes.get(i + 1) != Some(&b'\n'))
        .collect()
}

/// One error for the lone carriage returns of a file (TOML reports each
/// one in English), at the first; a file without any line feed is an
/// old-Mac file whose other errors all follow from that, so only it is said.
fn lone_cr_errors(
    path: &Path,
    text: &str,
    cr: &[usize],
    syntax: &[toml::de::Error],
    file: FileKey,
) -> Diagnostics {
    // Empty, so the caret sits at the end of the line the CR ends.
    let span = Some(Span {
        file,
        range: cr[0]..cr[0],
    });
    let fix = "请把换行符转换为 LF 或 CRLF 后保存（Notepad++：编辑 → 文档格式转换 → 转为 Unix 格式；命令行：tr '\\r' '\\n' < 旧文件 > 新文件）";
    if !text.contains('\n') {
        return Diagnostic::error(format!(
            "“{}”用的是旧式苹果电脑的换行符（只有回车 CR），TOML 读不出分行",
            display_path(path)
        ))
        .with_span(span)
        .with_label("这里的换行只有 CR")
        .with_hint(fix)
        .into();
    }
    let more = match cr.len() {
        1 => String::new(),
        n => format!("（本文件共 {n} 处）"),
    };
    let mut out = vec![
        Diagnostic::error(format!("行末有单独的回车符（CR），后面没有换行符 LF{more}"))
            .with_span(span)
            .with_label("单独的 CR")
            .with_hint("请在编辑器里删掉这行末尾看不见的回车符后重新换行，或把整个文件的换行符统一为 LF 或 CRLF"),
    ];
    out.extend(
        syntax
            .iter()
            .filter(|e| !e.message().starts_with("carriage return"))
            .map(|e| located(e, file, text)),
    );
    Diagnostics(out)
}

/// Errors for TOML floats whose `f64` differs from the number written
/// (`10.000000000000001` would print as `10.000000000000002`).
fn inexact_floats(value: &toml::de::DeValue, file: FileKey, out: &mut Vec<Diagnostic>) {
    use toml::de::DeValue;
    let mut check = |v: &toml::Spanned<DeValue>| match v.get_ref() {
        DeValue::Float(f) => {
            let value = f.as_str().parse::<f64>().unwrap_or(f64::NAN);
            if let Some(msg) = crate::input::model::float_literal_problem(f.as_str(), value) {
                let span = Span {
                    file,
                    range: v.span(),
                };
                out.push(translate::toml_error(&msg).with_span(Some(span)));
            }
        }
        other => inexact_floats(other, file, out),
    };
    match value {
        DeValue::Table(t) => t.values().for_each(&mut check),
        DeValue::Array(a) => a.iter().for_each(&mut check),
        _ => {}
    }
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
    if let Some(span) = &span
        && let Some(c) = text[span.range.start.min(text.len())..].chars().next()
        && c.is_control()
        && !matches!(c, '\t' | '\n')
    {
        // TOML refuses raw control characters; its message ("invalid basic
        // string", "invalid comment character") would send the user looking
        // for a missing quote.
        return Diagnostic::error(format!(
            "TOML 格式错误：这里有一个看不见的控制字符 U+{:04X}",
            c as u32
        ))
        .with_span(Some(Span {
            file,
            range: span.range.start..span.range.start + c.len_utf8(),
        }))
        .with_label(format!("U+{:04X}", c as u32))
        .with_hint(
            "请删除它（常见于从别处复制粘贴的文字）；确实需要时在文本里写成转义，例如 \\u0001",
        );
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
    crate::input::confine::open_confined(Path::new("/"), path, MAX_FILE_BYTES)
        .map_err(|e| e.diagnostic("文件", path, MAX_FILE_BYTES).into())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Parses `bytes` as a project file: `Ok(())` or the rendered errors.
    fn load_bytes(bytes: &[u8]) -> std::result::Result<(), String> {
        static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = N.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let dir = std::env::temp_dir().join(format!("jixiao-load-{}-{n}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("t.toml");
        std::fs::write(&path, bytes).unwrap();
        let map = SourceMap::default();
        let got = read_project_file(&path, &Registry::builtin(), DEFAULT_FORM, &map).map(|_| ());
        std::fs::remove_dir_all(&dir).unwrap();
        got.map_err(|e| map.render_plain(&e.0))
    }

    fn load_str(text: &str) -> String {
        load_bytes(text.as_bytes()).unwrap_err()
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
    fn old_mac_line_endings_are_one_located_error() {
        let out = load_str("code='X'\rname='Y'\r[budget]\rtotal=1\r");
        assert!(out.contains("旧式苹果电脑的换行符"), "{out}");
        assert!(out.contains(":1:9"), "{out}");
        assert!(!out.contains("carriage return"), "{out}");
        assert_eq!(out.matches("error").count(), 1, "{out}");
        // Shown as lines, not as the whole file on one line.
        assert!(!out.contains("name='Y'"), "{out}");
    }

    #[test]
    fn a_stray_cr_is_named_with_other_errors() {
        let out = load_str("code='X'\r\nname='Y'\r[budget]\r\ntotal=1\r\nx=\n");
        assert!(out.contains("单独的回车符"), "{out}");
        assert!(out.contains(":2:9"), "{out}");
        assert!(out.contains("缺少取值"), "{out}");
    }

    #[test]
    fn invalid_utf8_is_located_by_line_and_column() {
        let out = load_bytes(b"code='X'\nname='\xe6\xb5\x8b\xff'\n").unwrap_err();
        assert!(
            out.contains("第 2 行第 8 列（第 19 个字节，0xFF）"),
            "{out}"
        );
        assert!(out.contains(":2:8"), "{out}");
    }

    #[test]
    fn floats_that_f64_changes_are_refused_where_written() {
        let out = load_str("code='X'\nname='Y'\n[budget]\ntotal=1.10000000000000000001\n");
        assert!(
            out.contains("数字 1.10000000000000000001 的位数太多"),
            "{out}"
        );
        assert!(out.contains(":4:7"), "{out}");
        let out = load_str("code='X'\nname='Y'\n[budget]\ntotal=10.000000000000001\n");
        assert!(out.contains("会变成 10.000000000000002"), "{out}");
    }

    #[test]
    fn exact_floats_are_kept() {
        for ok in ["0.1", "117.26", "1_000.5", "1.5e3", "6.20"] {
            let text = format!("code='X'\nname='Y'\n[budget]\ntotal={ok}\n");
            assert!(load_bytes(text.as_bytes()).is_ok(), "{ok}");
        }
    }

    #[test]
    fn control_characters_are_named_not_a_missing_quote() {
        let out = load_str("code='X\u{1}'\nname='Y' # \u{7f}\n[budget]\ntotal=1\n");
        assert!(out.contains("控制字符 U+0001"), "{out}");
        assert!(out.contains("控制字符 U+007F"), "{out}");
        assert!(!out.contains("引号"), "{out}");
    }

    #[test]
    fn missing_field_is_named() {
        let out = load_str("code='X'\n[budget]\ntotal=1\n");
        assert!(out.contains("缺少必填字段“name”"), "{out}");
    }
}
