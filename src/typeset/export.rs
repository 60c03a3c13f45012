//! Exporting: the paged document to PDF bytes, and writing any output file
//! atomically so a failed build never leaves a partial file.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, PdfStandard, PdfStandards};

use crate::input::stamp::BuildDate;
use crate::report::diag::{Diagnostic, Diagnostics, Result, io_error};

/// A standard the PDF is made to conform to (`--pdf-standard`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, clap::ValueEnum)]
pub enum Standard {
    /// PDF/A-2b, for archiving.
    #[value(name = "a-2b")]
    A2b,
    /// PDF/UA-1, for accessibility.
    #[value(name = "ua-1")]
    Ua1,
}

impl Standard {
    /// The name readers know it by.
    fn name(self) -> &'static str {
        match self {
            Self::A2b => "PDF/A-2b",
            Self::Ua1 => "PDF/UA-1",
        }
    }
}

/// Encodes a document as PDF with content-derived identifiers, stamped with
/// the build date if there is one (never the clock), conforming to
/// `standards` (none: plain PDF 1.7).
pub fn pdf(
    document: &PagedDocument,
    date: Option<&BuildDate>,
    standards: &[Standard],
) -> Result<Vec<u8>> {
    // `ident` stays Auto: typst-pdf then derives the document ID from the
    // title and author with a fixed-key hash, and the instance ID from the
    // bytes, so both depend on the content only. A hash of the source would
    // change the permanent document ID on every edit, against the PDF spec.
    if standards.contains(&Standard::A2b) && date.is_none() {
        // PDF/A needs a creation date, and a build never reads the clock.
        return Err(Diagnostic::error("PDF/A-2b 要求 PDF 有创建日期，但本次生成没有日期")
            .with_hint("在 document.toml 中写 date = 2025-01-20（不加引号），或设置环境变量 SOURCE_DATE_EPOCH")
            .into());
    }
    let options = PdfOptions {
        creator: typst::foundations::Smart::Custom(Some(format!(
            "jixiao {}",
            env!("CARGO_PKG_VERSION")
        ))),
        timestamp: date.map(BuildDate::timestamp),
        standards: pdf_standards(standards)?,
        ..PdfOptions::default()
    };
    typst_pdf::pdf(document, &options).map_err(|errors| {
        // Typst names what breaks a standard in English: say which
        // standard was asked for.
        let asked = match standards {
            [] => String::new(),
            s => format!("（要求符合 {}）", names(s)),
        };
        let error = |e: &typst::diag::SourceDiagnostic| {
            let d = Diagnostic::error(format!("PDF 导出失败{asked}：{}", e.message));
            if standards.is_empty() {
                d
            } else {
                d.with_hint("文档不符合所要求的标准；不加 --pdf-standard 可照常生成普通 PDF")
            }
        };
        Diagnostics(errors.iter().map(error).collect())
    })
}

/// "PDF/A-2b、PDF/UA-1".
fn names(standards: &[Standard]) -> String {
    let names: Vec<&str> = standards.iter().map(|s| s.name()).collect();
    names.join("、")
}

/// Typst's standards for ours (a standard named twice counts once); a
/// combination Typst refuses is an error.
fn pdf_standards(standards: &[Standard]) -> Result<PdfStandards> {
    let mut list: Vec<PdfStandard> = Vec::new();
    for s in standards {
        let s = match s {
            Standard::A2b => PdfStandard::A_2b,
            Standard::Ua1 => PdfStandard::Ua_1,
        };
        if !list.contains(&s) {
            list.push(s);
        }
    }
    PdfStandards::new(&list).map_err(|e| {
        let message = format!("无法同时符合 {}：{}", names(standards), e.message());
        Diagnostic::error(message).into()
    })
}

/// Writes `bytes` to `path` through a temporary file in the same folder that
/// is renamed into place, so readers see the old file or the new one, never
/// a mix. An existing file keeps its permissions; a `path` that is a
/// symbolic link is refused, as a write through it lands anywhere.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    if path
        .symlink_metadata()
        .is_ok_and(|m| m.file_type().is_symlink())
    {
        return Err(crate::input::confine::link_refused(path, path).into());
    }
    let dir = folder_of(path);
    std::fs::create_dir_all(dir).map_err(|e| io_error("创建输出文件夹", dir, &e))?;
    remove_stale_temps(dir);
    // A short name: `.<name>.<pid>.tmp` could exceed the 255-byte limit
    // on names when `name` is near it.
    let n = COUNT.fetch_add(1, Ordering::Relaxed);
    let tmp = dir.join(format!(
        "{TEMP_PREFIX}{}-{n}{TEMP_SUFFIX}",
        std::process::id()
    ));
    let mode = std::fs::metadata(path).ok().map(|m| m.permissions());
    let result = (|| {
        let (_in_flight, mut f) = InFlight::create(&tmp)?;
        f.write_all(bytes)?;
        if let Some(mode) = mode {
            f.set_permissions(mode)?;
        }
        f.sync_all()?;
        // Renaming replaces a link put in place meanwhile, never its target.
        std::fs::rename(&tmp, path)
    })();
    result.map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        Diagnostics::from(
            io_error("写入输出文件", path, &e)
                .with_hint("请确认输出位置可写，或用 -o 指定其他位置"),
        )
    })
}

/// How many temporary files this process has named.
static COUNT: AtomicUsize = AtomicUsize::new(0);

/// The temporary files being written now, for [`remove_in_flight`].
static IN_FLIGHT: std::sync::Mutex<Vec<PathBuf>> = std::sync::Mutex::new(Vec::new());

/// A temporary file listed in [`IN_FLIGHT`] while it lives.
struct InFlight(PathBuf);

impl InFlight {
    /// Creates the temporary file `tmp`, listed: under the list's lock, so
    /// that [`remove_in_flight`] sees every file made before it, and none
    /// is made after it.
    fn create(tmp: &Path) -> std::io::Result<(Self, std::fs::File)> {
        let mut list = IN_FLIGHT.lock().unwrap_or_else(|e| e.into_inner());
        // Made new, never opened through a link or a file planted at
        // this name.
        let file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(tmp)?;
        list.push(tmp.to_path_buf());
        Ok((Self(tmp.to_path_buf()), file))
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        let mut list = IN_FLIGHT.lock().unwrap_or_else(|e| e.into_inner());
        list.retain(|p| *p != self.0);
    }
}

/// Removes the temporary files being written now and keeps any other from
/// being made: called on Ctrl-C right before exiting, so an interrupted
/// build leaves no `.jx-*.tmp` beside its outputs. (The list stays locked:
/// a writer then waits; one that had made its file finds it gone, and its
/// rename fails.) A file already renamed into place is whole.
pub fn remove_in_flight() {
    let list = IN_FLIGHT.lock().unwrap_or_else(|e| e.into_inner());
    for tmp in list.iter() {
        let _ = std::fs::remove_file(tmp);
    }
    std::mem::forget(list);
}

/// Temporary files are named `.jx-<pid>-<n>.tmp`.
const TEMP_PREFIX: &str = ".jx-";
const TEMP_SUFFIX: &str = ".tmp";
/// Links followed before giving up (the kernel's limit is 40 too).
const MAX_LINKS: usize = 40;

/// The file a path finally names: symlinks followed, even dangling ones
/// (writing then creates their target).
pub fn follow_links(path: &Path) -> PathBuf {
    let mut current = path.to_path_buf();
    for _ in 0..MAX_LINKS {
        match std::fs::read_link(&current) {
            // A relative target is relative to the link's folder; an
            // absolute one replaces the path.
            Ok(next) => current = folder_of(&current).join(next),
            Err(_) => break,
        }
    }
    current
}

/// The folder a file is in (`.` for a bare name).
fn folder_of(path: &Path) -> &Path {
    match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    }
}

/// Removes temporary files left by builds that were killed while writing
/// (their process no longer exists), so they do not pile up.
fn remove_stale_temps(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let file = entry.file_name().to_string_lossy().into_owned();
        let pid = file
            .strip_prefix(TEMP_PREFIX)
            .and_then(|rest| rest.strip_suffix(TEMP_SUFFIX))
            .and_then(|rest| rest.split_once('-'))
            .and_then(|(pid, _)| pid.parse::<u32>().ok());
        if pid.is_some_and(|pid| pid != std::process::id() && !process_alive(pid)) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Whether a process exists; where that cannot be known, assume it does.
fn process_alive(pid: u32) -> bool {
    let proc = Path::new("/proc");
    !proc.is_dir() || proc.join(pid.to_string()).exists()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_write_replaces_and_leaves_no_temp() {
        let dir = std::env::temp_dir().join(format!("jixiao-export-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("a.pdf");
        write_atomic(&path, b"one").unwrap();
        write_atomic(&path, b"two").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"two");
        let leftovers = std::fs::read_dir(&dir).unwrap().count();
        assert_eq!(leftovers, 1);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// Listed while written, no longer once renamed or removed. (The
    /// removal itself is not called here: it locks the list for good.)
    #[test]
    fn temporary_files_are_listed_only_while_in_flight() {
        let tmp = std::env::temp_dir().join(format!(".jx-inflight-{}.tmp", std::process::id()));
        let listed = |p: &Path| IN_FLIGHT.lock().unwrap().iter().any(|t| t == p);
        let (entry, file) = InFlight::create(&tmp).unwrap();
        assert!(listed(&tmp) && tmp.is_file());
        drop((entry, file));
        assert!(!listed(&tmp));
        std::fs::remove_file(&tmp).unwrap();
    }

    #[test]
    fn stale_temp_of_a_dead_process_is_removed() {
        let dir = std::env::temp_dir().join(format!("jixiao-export3-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        // PID 0 is never a user process; /proc/0 does not exist.
        let stale = dir.join(".jx-0-7.tmp");
        std::fs::write(&stale, b"half").unwrap();
        write_atomic(&dir.join("a.pdf"), b"new").unwrap();
        assert_eq!(stale.exists(), !Path::new("/proc").is_dir());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn failed_write_keeps_old_file() {
        let dir = std::env::temp_dir().join(format!("jixiao-export2-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("a.pdf");
        std::fs::write(&path, b"old").unwrap();
        // A directory in the way of the rename makes the write fail.
        let blocked = dir.join("sub");
        std::fs::create_dir_all(blocked.join("x")).unwrap();
        assert!(write_atomic(&blocked, b"new").is_err());
        assert_eq!(std::fs::read(&path).unwrap(), b"old");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn a_link_is_refused_a_planted_temp_name_too_and_mode_kept() {
        use std::os::unix::fs::PermissionsExt;
        let dir = std::env::temp_dir().join(format!("jixiao-export4-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let real = dir.join("real.pdf");
        std::fs::write(&real, b"old").unwrap();
        std::fs::set_permissions(&real, std::fs::Permissions::from_mode(0o640)).unwrap();
        let link = dir.join("link.pdf");
        std::os::unix::fs::symlink("real.pdf", &link).unwrap();
        let e = write_atomic(&link, b"new").unwrap_err();
        assert!(format!("{e:?}").contains("符号链接"), "{e:?}");
        assert_eq!(std::fs::read(&real).unwrap(), b"old");
        write_atomic(&real, b"new").unwrap();
        let mode = std::fs::metadata(&real).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o640);
        // A link at the next temporary names (other tests take some) is
        // not written through.
        let next = COUNT.load(Ordering::Relaxed);
        for n in next..next + 64 {
            let name = format!("{TEMP_PREFIX}{}-{n}{TEMP_SUFFIX}", std::process::id());
            std::os::unix::fs::symlink("real.pdf", dir.join(name)).unwrap();
        }
        assert!(write_atomic(&dir.join("out.pdf"), b"other").is_err());
        assert_eq!(std::fs::read(&real).unwrap(), b"new");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn longest_file_name_can_be_written() {
        let dir = std::env::temp_dir().join(format!("jixiao-export5-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(format!("{}.pdf", "a".repeat(251)));
        write_atomic(&path, b"x").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"x");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
