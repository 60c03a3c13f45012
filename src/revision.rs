//! Reading a document folder as it was at a git revision: telling folders
//! from revisions on the command line and extracting a revision's files into
//! a temporary folder with the `git` command.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::diag::{Diagnostic, Result, io_error};

/// One side of a comparison: a folder on disk or a folder at a revision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Side {
    /// A document folder as it is now.
    Dir(PathBuf),
    /// A document folder as committed at `rev`.
    Rev {
        /// The revision as the user wrote it (`HEAD~1`, a tag, a commit).
        rev: String,
        /// The folder (in the working tree) whose committed version is meant.
        dir: PathBuf,
    },
}

impl Side {
    /// How the side is named in reports: the folder, or `rev:folder`.
    pub fn label(&self) -> String {
        match self {
            Side::Dir(d) => d.display().to_string(),
            Side::Rev { rev, dir } => format!("{rev}:{}", dir.display()),
        }
    }

    /// The working-tree folder this side refers to.
    pub fn dir(&self) -> &Path {
        match self {
            Side::Dir(d) | Side::Rev { dir: d, .. } => d,
        }
    }
}

/// Decides what `old` and `new` are: an existing folder is a folder; else a
/// git revision of the folder given by the other argument or by `dir`
/// (or of the current folder when it holds `document.toml`).
pub fn resolve(old: &str, new: &str, dir: Option<&Path>) -> Result<(Side, Side)> {
    let folder = dir
        .map(Path::to_path_buf)
        .or_else(|| [old, new].iter().map(PathBuf::from).find(|p| p.is_dir()))
        .or_else(|| {
            let here = PathBuf::from(".");
            here.join(crate::load::DOCUMENT_FILE)
                .is_file()
                .then_some(here)
        });
    let side = |arg: &str| -> Result<Side> {
        let path = PathBuf::from(arg);
        if path.is_dir() {
            return Ok(Side::Dir(path));
        }
        let Some(folder) = &folder else {
            return Err(Diagnostic::error(format!("“{arg}”既不是文件夹，也无法确定是哪个文件夹的版本"))
                .with_hint("比较两个版本时请给出文档文件夹，例如 jixiao diff HEAD~1 HEAD data/2025/chengde-xinfang")
                .into());
        };
        if is_revision(folder, arg) {
            return Ok(Side::Rev {
                rev: arg.to_string(),
                dir: folder.clone(),
            });
        }
        Err(
            Diagnostic::error(format!("“{arg}”既不是文件夹，也不是 git 版本"))
                .with_hint("请给出文档文件夹，或 git 版本号（例如 HEAD~1、v2025、某次提交的编号）")
                .into(),
        )
    };
    Ok((side(old)?, side(new)?))
}

/// Whether `rev` names a commit in the repository holding `dir`.
fn is_revision(dir: &Path, rev: &str) -> bool {
    git(
        dir,
        &[
            "rev-parse",
            "--verify",
            "--quiet",
            &format!("{rev}^{{commit}}"),
        ],
    )
    .is_ok()
}

/// Runs git in `dir` and returns its standard output.
fn git(dir: &Path, args: &[&str]) -> std::result::Result<Vec<u8>, String> {
    let output = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .map_err(|e| format!("无法运行 git：{e}"))?;
    if output.status.success() {
        Ok(output.stdout)
    } else {
        Err(String::from_utf8_lossy(&output.stderr).trim().to_string())
    }
}

fn git_error(what: &str, err: String) -> Diagnostic {
    Diagnostic::error(format!("{what}失败：{err}"))
        .with_hint("请确认已安装 git，且该文件夹位于 git 仓库中")
}

/// A folder holding a document as of some revision; removed when dropped.
#[derive(Debug)]
pub struct Checkout {
    path: PathBuf,
}

impl Checkout {
    /// The folder to load.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for Checkout {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

/// Writes the files of `dir` as committed at `rev` into a new temporary
/// folder (`git ls-tree` for the names, `git show rev:path` for each file).
pub fn checkout(dir: &Path, rev: &str) -> Result<Checkout> {
    let prefix =
        git(dir, &["rev-parse", "--show-prefix"]).map_err(|e| git_error("查找 git 仓库", e))?;
    let prefix = String::from_utf8_lossy(&prefix).trim().to_string();
    let names = git(
        dir,
        &[
            "ls-tree",
            "-r",
            "-z",
            "--name-only",
            "--full-name",
            rev,
            ".",
        ],
    )
    .map_err(|e| git_error(&format!("列出版本 {rev} 中的文件"), e))?;
    let names: Vec<String> = names
        .split(|b| *b == 0)
        .filter(|n| !n.is_empty())
        .map(|n| String::from_utf8_lossy(n).into_owned())
        .collect();
    if names.is_empty() {
        return Err(
            Diagnostic::error(format!("版本 {rev} 中没有文件夹“{}”", dir.display()))
                .with_hint("该文件夹可能是在此版本之后才加入的")
                .into(),
        );
    }
    let out = Checkout {
        path: temp_folder(),
    };
    for name in names {
        let bytes = git(dir, &["show", &format!("{rev}:{name}")])
            .map_err(|e| git_error(&format!("读取 {rev}:{name}"), e))?;
        let rel = name.strip_prefix(&prefix).unwrap_or(&name);
        write(&out.path.join(rel), &bytes)?;
    }
    Ok(out)
}

fn write(path: &Path, bytes: &[u8]) -> Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| io_error("创建临时文件夹", parent, &e))?;
    }
    std::fs::write(path, bytes).map_err(|e| io_error("写入临时文件", path, &e).into())
}

/// A fresh, unique folder below the system temp dir.
fn temp_folder() -> PathBuf {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let n = COUNTER.fetch_add(1, Ordering::SeqCst);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    std::env::temp_dir().join(format!("jixiao-rev-{}-{n}-{nanos}", std::process::id()))
}
