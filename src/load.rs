//! Reading a document folder (`document.toml`, `projects/*.toml`) into the
//! model, turning every TOML or schema error into a located diagnostic.

use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;

use crate::diag::{Diagnostic, Diagnostics, Result, SourceMap, Span, io_error};
use crate::model::{Document, Project};

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
}

/// Reads a document folder, collecting every error before giving up.
pub fn load_dir(dir: &Path, sources: &SourceMap) -> Result<Loaded> {
    let dir = dir.canonicalize().map_err(|e| {
        io_error("打开文档文件夹", dir, &e)
            .with_hint("请给出包含 document.toml 的文件夹，例如 data/2025/chengde-xinfang")
    })?;
    let doc_path = dir.join(DOCUMENT_FILE);
    let mut errors = Vec::new();
    let document = parse_file::<Document>(&doc_path, sources).map_err(|d| errors.extend(d.0));
    let mut projects = Vec::new();
    for path in project_files(&dir)? {
        match parse_file::<Project>(&path, sources) {
            Ok(p) => projects.push(p),
            Err(d) => errors.extend(d.0),
        }
    }
    match document {
        Ok(mut document) if errors.is_empty() => {
            document.projects = projects;
            Ok(Loaded { document, dir })
        }
        _ => Err(Diagnostics(errors)),
    }
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

/// Reads and parses one TOML file into `T`.
pub fn parse_file<T: DeserializeOwned>(path: &Path, sources: &SourceMap) -> Result<T> {
    let bytes = std::fs::read(path).map_err(|e| io_error("读取文件", path, &e))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        Diagnostic::error(format!(
            "“{}”不是 UTF-8 编码的文本（第 {} 个字节起无法解码）",
            path.display(),
            e.utf8_error().valid_up_to() + 1
        ))
        .with_hint("请用 UTF-8 编码另存此文件（WPS/记事本“另存为”时选择 UTF-8）")
    })?;
    let file = sources.add(path, &text);
    toml::from_str::<T>(&text).map_err(|e| {
        let span = e.span().map(|range| Span { file, range });
        Diagnostics::from(translate_toml_error(e.message()).with_span(span))
    })
}

/// Turns a toml/serde message into a Chinese diagnostic with a hint.
fn translate_toml_error(message: &str) -> Diagnostic {
    let msg = message.trim();
    if let Some(rest) = msg.strip_prefix("unknown field `") {
        let (field, expected) = rest.split_once('`').unwrap_or((rest, ""));
        let known = backticked(expected);
        let mut d = Diagnostic::error(format!("未知字段“{field}”")).with_label("此处不认识");
        if let Some(best) = nearest(field, &known) {
            d = d.with_hint(format!("您是不是想写“{best}”？"));
        }
        if !known.is_empty() {
            d = d.with_hint(format!("此处可用的字段：{}", known.join("、")));
        }
        return d;
    }
    if let Some(rest) = msg.strip_prefix("missing field `") {
        let field = rest.split('`').next().unwrap_or(rest);
        return Diagnostic::error(format!("缺少必填字段“{field}”"))
            .with_label("此表缺少该字段")
            .with_hint(format!("请添加一行 {field} = …"));
    }
    if let Some(rest) = msg.strip_prefix("invalid type: ") {
        let (found, expected) = rest.split_once(", expected ").unwrap_or((rest, ""));
        return Diagnostic::error(format!(
            "类型不对：这里需要{}，实际写的是{}",
            type_name(expected),
            type_name(found)
        ))
        .with_label("类型不对");
    }
    if let Some(rest) = msg.strip_prefix("duplicate key") {
        return Diagnostic::error(format!("重复的字段{rest}"))
            .with_hint("同一个表里每个字段只能写一次");
    }
    // Messages of our own deserializers (e.g. `date`) are Chinese already.
    if msg.chars().next().is_some_and(|c| c >= '\u{2e80}') {
        return Diagnostic::error(msg).with_label("此处有误");
    }
    Diagnostic::error(format!("TOML 格式错误：{msg}"))
        .with_hint("请检查引号、括号和等号是否成对、完整")
}

/// The words between backticks in a serde "expected one of" list.
fn backticked(s: &str) -> Vec<String> {
    s.split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect()
}

/// Describes a serde type name in Chinese.
fn type_name(s: &str) -> String {
    let s = s.trim();
    let zh = if s.starts_with("string") || s.contains("a string") {
        "文本（用引号括起来）"
    } else if s.starts_with("integer") || s.starts_with("i32") || s.contains("integer") {
        "整数"
    } else if s.starts_with("float") || s.contains("数字") {
        "数字"
    } else if s.starts_with("boolean") || s == "a boolean" {
        "true 或 false"
    } else if s.contains("sequence") || s.starts_with("array") {
        "列表 [ … ]"
    } else if s.contains("map") || s.starts_with("struct") || s.starts_with("table") {
        "表 [ … ] / { … }"
    } else {
        return s.to_string();
    };
    format!("{zh}（{s}）")
}

/// The known name closest to `word`, if reasonably close.
pub fn nearest<'a>(word: &str, known: &'a [String]) -> Option<&'a str> {
    known
        .iter()
        .map(|k| (edit_distance(word, k), k))
        .filter(|(d, k)| *d <= (k.chars().count().max(3) / 2))
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k.as_str())
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != *cb);
            cur.push(sub.min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load_str(text: &str) -> String {
        let dir = std::env::temp_dir().join(format!("jixiao-load-{}", std::process::id()));
        let _ = std::fs::create_dir_all(&dir);
        let path = dir.join(format!("t{}.toml", text.len()));
        std::fs::write(&path, text).unwrap();
        let map = SourceMap::default();
        let err = parse_file::<Project>(&path, &map).unwrap_err();
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

    #[test]
    fn edit_distance_works() {
        assert_eq!(edit_distance("nmae", "name"), 2);
        assert_eq!(edit_distance("titel", "title"), 2);
        assert_eq!(edit_distance("", "abc"), 3);
    }
}
