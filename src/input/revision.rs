//! Reading a document folder as it was at a git revision: telling folders
//! from revisions on the command line and reading a revision's files into
//! memory with the `git` command. Nothing of a revision is written to disk,
//! so a hostile tree (entries named `..`) has nowhere to write.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::input::form::FORMS_DIR;
use crate::input::load::{MAX_FILE_BYTES, MemoryFiles};
use crate::report::diag::{Diagnostic, Result};

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
            here.join(crate::input::load::DOCUMENT_FILE)
                .is_file()
                .then_some(here)
        });
    let side = |arg: &str| -> Result<Side> {
        let path = PathBuf::from(arg);
        if path.is_dir() {
            return Ok(Side::Dir(path));
        }
        let Some(folder) = &folder else {
            // Neither argument is a folder: either may be the mistake.
            return Err(Diagnostic::error(format!(
                "“{old}”和“{new}”都不是存在的文件夹，也无法确定要比较哪个文件夹的 git 版本"
            ))
            .with_hint("比较两个文件夹时请检查路径是否写对")
            .with_hint("比较 git 版本时请再给出文档文件夹，例如 jixiao diff HEAD~1 HEAD data/2025/chengde-xinfang")
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

/// One entry of `git ls-tree -r -l`: mode, object id, size and path.
struct TreeEntry {
    mode: String,
    oid: String,
    size: Option<u64>,
    path: String,
}

/// Reads the files of `dir` as committed at `rev` into memory; `label`
/// names them in messages (`HEAD~1:data/2025/x`). Submodules and symbolic
/// links are left out with a note; an unsafe path refuses the revision.
pub fn read(dir: &Path, rev: &str, label: &str) -> Result<MemoryFiles> {
    let prefix =
        git(dir, &["rev-parse", "--show-prefix"]).map_err(|e| git_error("查找 git 仓库", e))?;
    let prefix = String::from_utf8_lossy(&prefix).trim().to_string();
    let tree = format!("{rev}:{}", prefix.trim_end_matches('/'));
    let listing = git(dir, &["ls-tree", "-r", "-l", "-z", "--full-tree", &tree]).map_err(|_| {
        Diagnostic::error(format!("版本 {rev} 中没有文件夹“{}”", dir.display()))
            .with_hint("该文件夹可能是在此版本之后才加入的")
    })?;
    let Listed { files, notes } = read_listed(dir, rev, "", parse_listing(&listing))?;
    Ok(MemoryFiles {
        label: label.to_string(),
        dir: dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf()),
        files: files.into_iter().collect(),
        notes,
    })
}

/// A project's own forms as committed at a revision.
#[derive(Debug, Default)]
pub struct RevisionForms {
    /// How the forms folder is named in messages: `HEAD~1:templates/forms`.
    pub label: PathBuf,
    /// File name and contents of each entry of the folder that was read.
    pub files: Vec<(String, Vec<u8>)>,
    /// Notes on entries left out (submodules, symbolic links).
    pub notes: Vec<Diagnostic>,
}

/// Reads `templates/forms/*.toml` of the project root `root` as committed
/// at `rev` of the repository holding `dir`, into memory. `None` when the
/// root is not inside that repository (its forms on disk apply then); no
/// files when the revision has no forms folder (built-in forms only).
pub fn read_forms(dir: &Path, root: &Path, rev: &str) -> Result<Option<RevisionForms>> {
    let top =
        git(dir, &["rev-parse", "--show-toplevel"]).map_err(|e| git_error("查找 git 仓库", e))?;
    let top = PathBuf::from(String::from_utf8_lossy(&top).trim());
    let top = top.canonicalize().unwrap_or(top);
    let root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let Ok(below) = root.strip_prefix(&top) else {
        return Ok(None);
    };
    let folder = below.join("templates").join(FORMS_DIR);
    let folder = folder.to_string_lossy().replace('\\', "/");
    let label = PathBuf::from(format!("{rev}:{folder}"));
    // Not a folder at that revision (absent, a file, a link): no project forms.
    let Ok(listing) = git(
        dir,
        &[
            "ls-tree",
            "-l",
            "-z",
            "--full-tree",
            &format!("{rev}:{folder}"),
        ],
    ) else {
        return Ok(Some(RevisionForms {
            label,
            ..RevisionForms::default()
        }));
    };
    let mut entries = parse_listing(&listing);
    // Every name is checked, even of entries that are no form.
    for entry in &entries {
        check_path(&entry.path, rev)?;
    }
    // Only the folder's own `.toml` entries are forms, as on disk.
    entries.retain(|e| e.mode != "040000" && e.path.ends_with(".toml"));
    let Listed { files, notes } = read_listed(dir, rev, &format!("{folder}/"), entries)?;
    Ok(Some(RevisionForms {
        label,
        files,
        notes,
    }))
}

/// Files read from a revision, in order, and notes on entries left out.
struct Listed {
    files: Vec<(String, Vec<u8>)>,
    notes: Vec<Diagnostic>,
}

/// Reads the blobs among listed entries of a revision, in order, after
/// checking every path and the sizes; submodules and links get a note.
/// Messages name an entry by `shown` (the folder listed) and its path.
fn read_listed(dir: &Path, rev: &str, shown: &str, entries: Vec<TreeEntry>) -> Result<Listed> {
    let mut notes = Vec::new();
    let mut blobs = Vec::new();
    for entry in entries {
        check_path(&entry.path, rev)?;
        let path = &entry.path;
        match entry.mode.as_str() {
            "160000" => notes.push(Diagnostic::note(format!(
                "版本 {rev} 中的“{shown}{path}”是子模块，比较时已跳过"
            ))),
            "120000" => notes.push(Diagnostic::note(format!(
                "版本 {rev} 中的“{shown}{path}”是符号链接，比较时不跟随链接，已跳过"
            ))),
            _ if entry.size.is_some_and(|n| n > MAX_FILE_BYTES) => {
                return Err(Diagnostic::error(format!(
                    "版本 {rev} 中的“{shown}{path}”太大（上限 {MAX_FILE_BYTES} 字节）"
                ))
                .with_hint("数据文件通常只有几千字节；请确认该版本中的文件夹选对了")
                .into());
            }
            _ => blobs.push(entry),
        }
    }
    check_totals(&blobs, rev)?;
    let contents = cat_blobs(dir, &blobs).map_err(|e| git_error(&format!("读取版本 {rev}"), e))?;
    let files = blobs.into_iter().map(|b| b.path).zip(contents).collect();
    Ok(Listed { files, notes })
}

/// The most files and bytes read from one revision: each file is bounded by
/// [`MAX_FILE_BYTES`], but a tree may hold any number of them.
const MAX_FILES: usize = 10_000;
const MAX_TOTAL_BYTES: u64 = 64 << 20;

/// Refuses a revision whose folder holds more files or bytes than a
/// document ever has, before any of them is read into memory.
fn check_totals(blobs: &[TreeEntry], rev: &str) -> Result<()> {
    let bytes: u64 = blobs.iter().filter_map(|b| b.size).sum();
    if blobs.len() <= MAX_FILES && bytes <= MAX_TOTAL_BYTES {
        return Ok(());
    }
    Err(Diagnostic::error(format!(
        "版本 {rev} 中的文件夹太大（{} 个文件，共 {bytes} 字节；上限 {MAX_FILES} 个、{MAX_TOTAL_BYTES} 字节）",
        blobs.len()
    ))
    .with_hint("一份文档只有一个 document.toml 和若干项目文件；请确认比较的文件夹选对了")
    .into())
}

/// The entries of `git ls-tree -r -l -z` output (`<mode> <type> <oid>
/// <size>\t<path>`, NUL-terminated).
fn parse_listing(listing: &[u8]) -> Vec<TreeEntry> {
    listing
        .split(|b| *b == 0)
        .filter(|n| !n.is_empty())
        .filter_map(|line| {
            let tab = line.iter().position(|b| *b == b'\t')?;
            let head = String::from_utf8_lossy(&line[..tab]);
            let mut fields = head.split_whitespace();
            let (mode, _kind, oid) = (fields.next()?, fields.next()?, fields.next()?);
            Some(TreeEntry {
                mode: mode.to_string(),
                oid: oid.to_string(),
                size: fields.next().and_then(|n| n.parse().ok()),
                path: String::from_utf8_lossy(&line[tab + 1..]).into_owned(),
            })
        })
        .collect()
}

/// Refuses a path with a component that could lead anywhere else: `..`,
/// `.`, an empty one (absolute paths, doubled slashes), a NUL or a
/// backslash.
fn check_path(path: &str, rev: &str) -> Result<()> {
    let bad = path
        .split('/')
        .find(|c| c.is_empty() || *c == "." || *c == ".." || c.contains('\0') || c.contains('\\'));
    let Some(bad) = bad else {
        return Ok(());
    };
    let shown = if bad.is_empty() { "（空）" } else { bad };
    Err(Diagnostic::error(format!(
        "版本 {rev} 中的路径“{}”含有不安全的部分“{}”，已拒绝读取此版本",
        path.escape_debug(),
        shown.escape_debug()
    ))
    .with_hint("正常的 git 仓库里不会有这样的路径；该提交可能是有意构造的，请勿使用")
    .into())
}

/// The contents of the given blobs, in order, from one `git cat-file --batch`.
fn cat_blobs(dir: &Path, blobs: &[TreeEntry]) -> std::result::Result<Vec<Vec<u8>>, String> {
    let mut child = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["cat-file", "--batch"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("无法运行 git：{e}"))?;
    let mut stdin = child.stdin.take().ok_or("无法写入 git")?;
    let ids: String = blobs.iter().map(|b| format!("{}\n", b.oid)).collect();
    // Write from another thread: git answers while it reads, and a full
    // pipe on both sides would block for ever.
    let writer = std::thread::spawn(move || stdin.write_all(ids.as_bytes()));
    let mut reader = BufReader::new(child.stdout.take().ok_or("无法读取 git 的输出")?);
    let contents = blobs
        .iter()
        .map(|b| read_blob(&mut reader, &b.oid))
        .collect::<std::result::Result<Vec<_>, _>>();
    drop(reader);
    let _ = writer.join();
    let _ = child.wait();
    contents
}

/// Reads one `<oid> blob <size>\n<bytes>\n` answer of `git cat-file --batch`.
fn read_blob(reader: &mut impl BufRead, oid: &str) -> std::result::Result<Vec<u8>, String> {
    let mut header = String::new();
    reader
        .read_line(&mut header)
        .map_err(|e| format!("读取 git 输出失败：{e}"))?;
    let size = match header.split_whitespace().collect::<Vec<_>>()[..] {
        [_, "blob", size] => size.parse::<u64>().ok(),
        _ => None,
    }
    .filter(|n| *n <= MAX_FILE_BYTES)
    .ok_or_else(|| format!("无法读取对象 {oid}：{}", header.trim()))?;
    let mut bytes = Vec::new();
    reader
        .take(size + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("读取 git 输出失败：{e}"))?;
    // The answer ends with a newline after the contents.
    if bytes.pop() != Some(b'\n') || bytes.len() as u64 != size {
        return Err(format!("git 对对象 {oid} 的输出不完整"));
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_arguments_that_are_no_folders_are_both_named() {
        let e = resolve("HEAD", "no/such/folder", None).unwrap_err();
        let d = &e.0[0];
        assert!(
            d.message
                .contains("“HEAD”和“no/such/folder”都不是存在的文件夹"),
            "{d:?}"
        );
        assert!(d.hints.iter().any(|h| h.contains("检查路径")), "{d:?}");
    }

    fn refused(path: &str) -> String {
        let err = check_path(path, "HEAD").expect_err(path);
        err.0[0].message.clone()
    }

    #[test]
    fn revisions_larger_than_any_document_are_refused_before_reading() {
        let entry = |size| TreeEntry {
            mode: "100644".into(),
            oid: "0".into(),
            size: Some(size),
            path: "projects/a.toml".into(),
        };
        let few: Vec<_> = (0..8).map(|_| entry(MAX_FILE_BYTES)).collect();
        assert!(check_totals(&few, "HEAD").is_ok());
        let heavy: Vec<_> = (0..9).map(|_| entry(MAX_FILE_BYTES)).collect();
        let err = check_totals(&heavy, "HEAD").unwrap_err();
        assert!(err.0[0].message.contains("太大"), "{}", err.0[0].message);
        let many: Vec<_> = (0..=MAX_FILES).map(|_| entry(1)).collect();
        assert!(check_totals(&many, "HEAD").is_err());
    }

    #[test]
    fn unsafe_path_components_are_refused_by_name() {
        assert!(check_path("projects/01-a.toml", "HEAD").is_ok());
        assert!(
            check_path("..a/b..", "HEAD").is_ok(),
            "dots inside a name are fine"
        );
        assert!(refused("a/../b").contains("部分“..”"));
        assert!(refused("./x").contains("部分“.”"));
        assert!(refused("/etc/passwd").contains("部分“（空）”"));
        assert!(refused("a//b").contains("部分“（空）”"));
        assert!(refused("a\\b").contains(r"部分“a\\b”"));
        assert!(refused("a\0b").contains(r"部分“a\0b”"));
    }

    #[test]
    fn listing_lines_are_parsed_with_sizes() {
        let listing = b"100644 blob abc      12\tdocument.toml\0\
                        160000 commit def       -\tsub\0";
        let entries = parse_listing(listing);
        assert_eq!(entries.len(), 2);
        assert_eq!(
            (entries[0].mode.as_str(), entries[0].size),
            ("100644", Some(12))
        );
        assert_eq!((entries[1].path.as_str(), entries[1].size), ("sub", None));
    }
}
