//! Reading an input file only when, after resolving every link, it is a
//! regular file inside its folder and not larger than a bound: the one rule
//! for data files, Tera templates and every file the Typst world serves, so
//! a symlink cannot smuggle `/etc/passwd` into a PDF or a log, and a FIFO or
//! `/dev/zero` cannot hang or flood a build. Writing is confined too: no
//! output goes through a link planted inside the project.

use std::fs::{File, OpenOptions};
use std::io::Read;
use std::path::{Component, Path, PathBuf};

use crate::report::diag::{Diagnostic, display_path};

/// Why a file was not read.
#[derive(Debug)]
pub(crate) enum ConfineError {
    /// The file could not be found or opened (dangling links included).
    Io(std::io::Error),
    /// The file resolves to a place outside the folder.
    Outside,
    /// The file is a folder.
    Directory,
    /// The file is a FIFO, socket or device.
    NotRegular,
    /// The file holds more than the bound (its size, as far as known).
    TooLarge(u64),
}

/// Reads `path`, which must resolve to a regular file below `root`, and at
/// most `max_bytes` long.
pub(crate) fn open_confined(
    root: &Path,
    path: &Path,
    max_bytes: u64,
) -> Result<Vec<u8>, ConfineError> {
    let root = root.canonicalize().map_err(ConfineError::Io)?;
    let real = path.canonicalize().map_err(ConfineError::Io)?;
    if !real.starts_with(&root) {
        return Err(ConfineError::Outside);
    }
    check_type(&std::fs::metadata(&real).map_err(ConfineError::Io)?)?;
    let file = open_no_wait(&real).map_err(ConfineError::Io)?;
    // The file may have been swapped since the check: look again at what
    // was actually opened before reading from it.
    let meta = file.metadata().map_err(ConfineError::Io)?;
    check_type(&meta)?;
    if meta.len() > max_bytes {
        return Err(ConfineError::TooLarge(meta.len()));
    }
    read_bounded(file, max_bytes)
}

/// Reads at most `max_bytes`, failing rather than truncating (a file may
/// grow after its size was looked at).
fn read_bounded(file: File, max_bytes: u64) -> Result<Vec<u8>, ConfineError> {
    let mut bytes = Vec::new();
    file.take(max_bytes + 1)
        .read_to_end(&mut bytes)
        .map_err(ConfineError::Io)?;
    if bytes.len() as u64 > max_bytes {
        return Err(ConfineError::TooLarge(bytes.len() as u64));
    }
    Ok(bytes)
}

fn check_type(meta: &std::fs::Metadata) -> Result<(), ConfineError> {
    if meta.is_dir() {
        Err(ConfineError::Directory)
    } else if !meta.is_file() {
        Err(ConfineError::NotRegular)
    } else {
        Ok(())
    }
}

/// Opens for reading without following a final link and without waiting:
/// opening a FIFO that was put in place after the check returns at once.
#[cfg(unix)]
fn open_no_wait(path: &Path) -> std::io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    OpenOptions::new()
        .read(true)
        .custom_flags(nix::libc::O_NONBLOCK | nix::libc::O_NOFOLLOW)
        .open(path)
}

#[cfg(not(unix))]
fn open_no_wait(path: &Path) -> std::io::Result<File> {
    OpenOptions::new().read(true).open(path)
}

/// The first symbolic link met on the way down to `path` inside `root`:
/// a folder or the file itself. Inside the project a cloned repository, an
/// unpacked archive or a shared folder may have planted a link that would
/// carry a write anywhere; links above it (a home folder mounted
/// elsewhere) are the user's and are followed. `..` is taken as the
/// system takes it: after a link, it leaves the link's target.
pub(crate) fn link_inside(root: &Path, path: &Path) -> Option<PathBuf> {
    let root = root.canonicalize().ok()?;
    let absolute = std::env::current_dir().ok()?.join(path);
    let mut real = PathBuf::new();
    for part in absolute.components() {
        match part {
            Component::Prefix(_) | Component::RootDir => real.push(part),
            Component::CurDir => {}
            Component::ParentDir => {
                real.pop();
            }
            Component::Normal(name) => {
                let next = real.join(name);
                let link = next
                    .symlink_metadata()
                    .is_ok_and(|m| m.file_type().is_symlink());
                if !link {
                    real = next;
                } else if real.starts_with(&root) {
                    return Some(next);
                } else {
                    real = next.canonicalize().ok()?;
                }
            }
        }
    }
    None
}

/// The refusal to write `path` because of the link `link` on its way (or
/// `path` itself being one).
pub(crate) fn link_refused(path: &Path, link: &Path) -> Diagnostic {
    // `link` is real (its folders resolved), `path` as the user gave it.
    let folder = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let itself = link == path
        || (path.file_name() == link.file_name()
            && folder.canonicalize().ok().as_deref() == link.parent());
    let message = if itself {
        format!(
            "不能写入“{}”：它是符号链接，写入会落到链接指向的位置",
            display_path(path)
        )
    } else {
        format!(
            "不能写入“{}”：路径中的“{}”是符号链接，写入会落到链接指向的位置",
            display_path(path),
            display_path(link)
        )
    };
    Diagnostic::error(message).with_hint(
        "链接可能随复制、解压或克隆的文件夹而来；确认无误后请删去该链接，或换一个输出位置",
    )
}

/// Refuses a write to `path` when a link is on its way inside the project
/// `root`: checked again right before each write, as `watch` (or a long
/// batch) writes long after its outputs were planned.
pub(crate) fn no_link_within(root: Option<&Path>, path: &Path) -> crate::report::diag::Result<()> {
    match root.and_then(|r| link_inside(r, path)) {
        Some(link) => Err(link_refused(path, &link).into()),
        None => Ok(()),
    }
}

/// Refuses a folder a command was told to write into (`-o DIR`,
/// `templates export DIR`) that is a link, or that has one on its way
/// inside the project the command runs in (the current folder's, or the
/// current folder itself when it holds `data/` or `templates/`).
pub(crate) fn no_link_to(dir: &Path) -> crate::report::diag::Result<()> {
    if dir
        .symlink_metadata()
        .is_ok_and(|m| m.file_type().is_symlink())
    {
        return Err(link_refused(dir, dir).into());
    }
    let cwd = std::env::current_dir().unwrap_or_default();
    let found = crate::pipeline::Root::find(&cwd, None).ok();
    let project = found
        .as_ref()
        .and_then(|r| r.project())
        .map(Path::to_path_buf);
    let here = ["data", "templates"].iter().any(|d| cwd.join(d).is_dir());
    let root = project.or_else(|| here.then_some(cwd));
    no_link_within(root.as_deref(), dir)
}

impl ConfineError {
    /// The error as a diagnostic about `path` (a `what` such as 数据文件);
    /// it never shows anything of the file's target but the reason.
    pub(crate) fn diagnostic(&self, what: &str, path: &Path, max_bytes: u64) -> Diagnostic {
        let shown = display_path(path);
        match self {
            ConfineError::Io(e) => crate::report::diag::io_error("读取文件", path, e),
            ConfineError::Outside => Diagnostic::error(format!(
                "{what}“{shown}”是指向所在文件夹之外的链接，已拒绝读取"
            ))
            .with_hint("请把文件本身放进该文件夹，不要用指向别处的符号链接"),
            ConfineError::Directory => {
                Diagnostic::error(format!("{what}“{shown}”是文件夹，不是普通文件"))
                    .with_hint("请删除或改名这个同名文件夹")
            }
            ConfineError::NotRegular => Diagnostic::error(format!(
                "{what}“{shown}”不是普通文件（是管道、设备或套接字），已拒绝读取"
            ))
            .with_hint("请换成普通文件"),
            ConfineError::TooLarge(n) => Diagnostic::error(format!(
                "{what}“{shown}”太大（{n} 字节，上限 {max_bytes} 字节）"
            ))
            .with_hint("请确认选对了文件；数据文件通常只有几千字节"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn a_link_inside_the_root_is_found_one_above_is_followed() {
        use std::os::unix::fs::symlink;
        let base = std::env::temp_dir().join(format!("jx-link-inside-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&base);
        let (root, elsewhere) = (base.join("proj"), base.join("elsewhere"));
        std::fs::create_dir_all(root.join("out")).unwrap();
        std::fs::create_dir_all(&elsewhere).unwrap();
        symlink(&root, base.join("mounted")).unwrap();
        symlink(&elsewhere, root.join("planted")).unwrap();
        symlink(elsewhere.join("f"), root.join("out/x.pdf")).unwrap();
        let found = |p: &str| link_inside(&root, &base.join(p));
        assert_eq!(found("proj/out/new/y.pdf"), None);
        assert_eq!(found("mounted/out/y.pdf"), None, "a link above the root");
        assert_eq!(found("proj/planted/y.pdf"), Some(root.join("planted")));
        assert_eq!(found("mounted/out/x.pdf"), Some(root.join("out/x.pdf")));
        assert_eq!(
            found("proj/planted/../out/y.pdf"),
            Some(root.join("planted")),
            "`..` after a link is the link's"
        );
        assert_eq!(found("elsewhere/y.pdf"), None, "outside the root");
        std::fs::remove_dir_all(&base).unwrap();
    }
    use std::path::PathBuf;

    fn scratch(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("jixiao-confine-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("in")).unwrap();
        dir
    }

    #[test]
    fn links_inside_are_read_and_links_outside_refused() {
        let dir = scratch("links");
        std::fs::write(dir.join("secret"), "secret").unwrap();
        std::fs::write(dir.join("in/a"), "a").unwrap();
        std::os::unix::fs::symlink(dir.join("in/a"), dir.join("in/b")).unwrap();
        std::os::unix::fs::symlink("../secret", dir.join("in/c")).unwrap();
        std::os::unix::fs::symlink("/nowhere", dir.join("in/d")).unwrap();
        let root = dir.join("in");
        assert_eq!(open_confined(&root, &root.join("a"), 10).unwrap(), b"a");
        assert_eq!(open_confined(&root, &root.join("b"), 10).unwrap(), b"a");
        let c = open_confined(&root, &root.join("c"), 10);
        assert!(matches!(c, Err(ConfineError::Outside)), "{c:?}");
        let d = open_confined(&root, &root.join("d"), 10);
        assert!(matches!(d, Err(ConfineError::Io(_))), "{d:?}");
        let big = open_confined(&root, &root.join("a"), 0);
        assert!(matches!(big, Err(ConfineError::TooLarge(1))), "{big:?}");
        let sub = open_confined(&dir, &root, 10);
        assert!(matches!(sub, Err(ConfineError::Directory)), "{sub:?}");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn fifos_and_devices_are_never_read() {
        let dir = scratch("fifo");
        let fifo = dir.join("in/x.tera");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(made.success());
        let root = dir.join("in");
        let got = open_confined(&root, &fifo, 10);
        assert!(matches!(got, Err(ConfineError::NotRegular)), "{got:?}");
        let zero = open_confined(Path::new("/dev"), Path::new("/dev/zero"), 10);
        assert!(matches!(zero, Err(ConfineError::NotRegular)), "{zero:?}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
