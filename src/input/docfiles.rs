//! The files of one document, wherever they are: a folder on disk (every
//! file read through the confinement rule) or a git revision held in
//! memory; and which entries of `projects/` are built, in which order.

use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::input::load::{MAX_FILE_BYTES, PROJECTS_DIR};
use crate::report::diag::{Diagnostic, Result, io_error};

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
pub(crate) fn select_projects(entries: Vec<(String, EntryKind)>) -> (Vec<String>, Vec<Diagnostic>) {
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
    pub(crate) fn name(&self, rel: &str) -> PathBuf {
        match self {
            Self::Dir(dir) => dir.join(rel),
            Self::Memory(m) => PathBuf::from(format!("{}/{rel}", m.label)),
        }
    }

    /// Notes about what was left out when the files were gathered.
    pub(crate) fn notes(&self) -> Vec<Diagnostic> {
        self.memory().map(|m| m.notes.clone()).unwrap_or_default()
    }

    /// Reads one file; on disk it must be a regular file inside the folder.
    pub(crate) fn read(&self, rel: &str, name: &Path) -> Result<Vec<u8>> {
        match self {
            Self::Dir(dir) => crate::input::confine::open_confined(dir, name, MAX_FILE_BYTES)
                .map_err(|e| e.diagnostic("数据文件", name, MAX_FILE_BYTES).into()),
            Self::Memory(m) => m.get(rel).ok_or_else(|| {
                Diagnostic::error(format!("“{}”不存在", name.display()))
                    .with_hint("该版本中缺少这个文件")
                    .into()
            }),
        }
    }

    /// The entries of `projects/` (none when there is no such folder).
    pub(crate) fn project_entries(&self) -> Result<Vec<(String, EntryKind)>> {
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
