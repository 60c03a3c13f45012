//! Finding the document folders below a batch folder: every folder holding
//! `document.toml`, at any depth, without descending into a document
//! folder, hidden folders or `out/`, and without following a link out of
//! the batch folder (the rule `input::confine` applies to files, applied to
//! folders). Also finds department folders that hold no document (J902).

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use crate::input::load::{DOCUMENT_FILE, PROJECTS_DIR, is_ignored_name};
use crate::report::diag::{Diagnostic, Result, Severity, display_path, io_error};

/// How deep below the batch folder documents are looked for.
pub(crate) const MAX_DEPTH: usize = 16;
/// The most documents one batch holds.
pub(crate) const MAX_DOCUMENTS: usize = 2000;

/// Folders of a project that hold no document and are no department.
const NOT_DEPARTMENTS: [&str; 2] = ["templates", "fonts"];

/// What was found below a batch folder.
#[derive(Debug, Default)]
pub(crate) struct Tree {
    /// The document folders (the batch folder joined with their relative
    /// path), sorted by that path.
    pub(crate) docs: Vec<PathBuf>,
    /// Folders beside a document folder that hold no document at any depth.
    pub(crate) empty: Vec<PathBuf>,
    /// Links that were not followed, and folders that could not be read.
    pub(crate) skipped: Vec<Diagnostic>,
}

/// Whether `dir` is a document folder (holds `document.toml`).
pub(crate) fn is_document(dir: &Path) -> bool {
    dir.join(DOCUMENT_FILE).exists()
}

/// Finds every document folder below `dir` (not a document folder itself).
pub(crate) fn discover(dir: &Path) -> Result<Tree> {
    let real = dir
        .canonicalize()
        .map_err(|e| io_error("打开文件夹", dir, &e))?;
    let mut walk = Walk {
        top: real.clone(),
        seen: HashSet::from([real]),
        tree: Tree::default(),
    };
    walk.folder(dir, 0)?;
    walk.tree.docs.sort();
    walk.tree.empty.sort();
    Ok(walk.tree)
}

/// The state of one walk.
struct Walk {
    /// The batch folder, canonicalised.
    top: PathBuf,
    /// Folders entered, canonicalised (a link back up is not walked twice).
    seen: HashSet<PathBuf>,
    tree: Tree,
}

impl Walk {
    /// Walks `dir` (at `depth` below the batch folder); whether it holds a
    /// document at any depth.
    fn folder(&mut self, dir: &Path, depth: usize) -> Result<bool> {
        let subfolders = self.subfolders(dir);
        if depth >= MAX_DEPTH {
            // Skipped, not fatal: the other documents are still processed.
            // Not claimed empty either (no J902 for what was not looked at).
            self.tree
                .skipped
                .extend(subfolders.iter().map(|s| too_deep(s)));
            return Ok(!subfolders.is_empty());
        }
        let mut docs = Vec::new();
        let mut others = Vec::new();
        for sub in subfolders {
            if is_document(&sub) {
                self.nested(&sub, depth + 1);
                docs.push(sub);
            } else {
                others.push(sub);
            }
        }
        let walked = others.len();
        let mut empty = Vec::new();
        for sub in others {
            if !self.folder(&sub, depth + 1)? {
                empty.push(sub);
            }
        }
        // A folder without documents is a missing department only where
        // its siblings are departments (document folders).
        // A project's `templates/` and `fonts/` stand beside its document
        // folders and are no departments.
        if !docs.is_empty() {
            let department = |p: &&PathBuf| {
                let name = p.file_name().and_then(|n| n.to_str());
                !name.is_some_and(|n| NOT_DEPARTMENTS.contains(&n))
            };
            self.tree
                .empty
                .extend(empty.iter().filter(department).cloned());
        }
        let found = !docs.is_empty() || empty.len() < walked;
        self.add_docs(docs)?;
        Ok(found)
    }

    /// Notes the document folders inside document folder `dir` (at `depth`):
    /// they are part of it, not documents of the batch.
    fn nested(&mut self, dir: &Path, depth: usize) {
        if depth >= MAX_DEPTH {
            return;
        }
        for sub in self.subfolders(dir) {
            if is_document(&sub) {
                self.tree.skipped.push(
                    Diagnostic::note(format!(
                        "文档文件夹“{}”在另一个文档文件夹“{}”之中，未作为单独的文档处理",
                        display_path(&sub),
                        display_path(dir)
                    ))
                    .with_hint("文档文件夹之中不再查找文档；请把它移到文档文件夹之外，或单独给出这个文件夹"),
                );
            }
            self.nested(&sub, depth + 1);
        }
    }

    /// Records document folders, within the bound on their number.
    fn add_docs(&mut self, docs: Vec<PathBuf>) -> Result<()> {
        self.tree.docs.extend(docs);
        if self.tree.docs.len() > MAX_DOCUMENTS {
            return Err(Diagnostic::error(format!(
                "文件夹中的文档超过 {MAX_DOCUMENTS} 个，一次批量处理不了"
            ))
            .with_hint("请分批处理：每次给出下一级文件夹，例如 data/2025")
            .into());
        }
        Ok(())
    }

    /// The folders to walk in `dir`, sorted: hidden ones, `out/`, links
    /// out of the batch folder and folders already walked are left out.
    fn subfolders(&mut self, dir: &Path) -> Vec<PathBuf> {
        let entries = match std::fs::read_dir(dir) {
            Ok(entries) => entries,
            Err(e) => {
                let d = io_error("读取文件夹", dir, &e).with_hint("已跳过这个文件夹");
                self.tree.skipped.push(to_warning(d));
                return Vec::new();
            }
        };
        let mut names: Vec<_> = entries.flatten().map(|e| e.file_name()).collect();
        names.sort();
        names
            .into_iter()
            .filter(|name| {
                let name = name.to_string_lossy();
                !name.starts_with('.') && name != "out"
            })
            .map(|name| dir.join(name))
            .filter(|path| self.enter(path))
            .collect()
    }

    /// Whether to walk `path`: a folder inside the batch folder, not
    /// walked before. A link to a folder inside is not walked: the folder
    /// is, under its own name (so a document is never named by its alias,
    /// nor its output by the link's name).
    fn enter(&mut self, path: &Path) -> bool {
        let Ok(real) = path.canonicalize() else {
            return false;
        };
        if !real.is_dir() {
            return false;
        }
        let link = path.symlink_metadata().is_ok_and(|m| m.is_symlink());
        if link && reached(&self.top, &real) {
            if is_document(&real) {
                let note = Diagnostic::note(format!(
                    "“{}”是指向批量文件夹内“{}”的链接，按后者处理",
                    display_path(path),
                    display_path(&real)
                ));
                self.tree.skipped.push(note);
            }
            return false;
        }
        if !real.starts_with(&self.top) {
            self.tree.skipped.push(
                Diagnostic::note(format!(
                    "“{}”是指向批量文件夹之外的链接，已跳过",
                    display_path(path)
                ))
                .with_hint("请把文档文件夹本身放进批量文件夹，或直接给出链接指向的文件夹"),
            );
            return false;
        }
        self.seen.insert(real)
    }
}

/// Whether a walk of the batch folder `top` (canonical) reaches `real`
/// (canonical) under its own name: inside `top`, within the depth limit,
/// through no hidden folder, `out/` or document folder.
pub(crate) fn reached(top: &Path, real: &Path) -> bool {
    let Ok(rest) = real.strip_prefix(top) else {
        return false;
    };
    let parts: Vec<_> = rest.components().collect();
    let shown = |c: &std::path::Component| {
        let name = c.as_os_str().to_string_lossy();
        !name.starts_with('.') && name != "out"
    };
    let mut dir = top.to_path_buf();
    let mut below_a_document = false;
    for c in &parts[..parts.len().saturating_sub(1)] {
        dir.push(c);
        below_a_document |= is_document(&dir);
    }
    parts.len() <= MAX_DEPTH && parts.iter().all(shown) && !below_a_document
}

/// Whether `dir`, holding no document at any depth, still looks like a
/// document folder (a `projects/` folder or a `.toml` file in it): one
/// that lacks its `document.toml`, not an empty batch folder.
pub(crate) fn looks_like_document(dir: &Path) -> bool {
    // Hidden files (an editor's .taplo.toml) are no data, as the loader has it.
    let toml = |e: &std::fs::DirEntry| {
        let name = e.file_name().to_string_lossy().to_lowercase();
        name.ends_with(".toml") && !is_ignored_name(&name)
    };
    dir.join(PROJECTS_DIR).is_dir()
        || std::fs::read_dir(dir).is_ok_and(|all| all.flatten().any(|e| toml(&e)))
}

/// The first document folder (in name order, shallowest first) up to
/// three levels below `dir`, looking at a bounded number of folders: only
/// to word an error, so that naming `/` does not walk the disk. Hidden
/// folders and links are not entered.
pub(crate) fn first_document(dir: &Path) -> Option<PathBuf> {
    const MAX_FOLDERS: usize = 200;
    const MAX_ENTRIES: usize = 1000;
    let mut level = vec![dir.to_path_buf()];
    let mut seen = 0;
    for _ in 0..3 {
        let mut next = Vec::new();
        for folder in &level {
            let Ok(entries) = std::fs::read_dir(folder) else {
                continue;
            };
            let mut subs: Vec<PathBuf> = entries
                .flatten()
                .take(MAX_ENTRIES)
                .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
                .filter(|e| !e.file_name().to_string_lossy().starts_with('.'))
                .map(|e| e.path())
                .collect();
            subs.sort();
            if let Some(doc) = subs.iter().find(|s| is_document(s)) {
                return Some(doc.clone());
            }
            seen += subs.len();
            if seen > MAX_FOLDERS {
                return None;
            }
            next.extend(subs);
        }
        level = next;
    }
    None
}

/// The error of a batch folder in which no document was found.
/// Folders skipped (too deep, links, unreadable) are said to be left out.
pub(crate) fn no_documents(dir: &Path, skipped: bool) -> Diagnostic {
    let shown = display_path(dir);
    let d = Diagnostic::error(format!(
        "文件夹“{shown}”中没有找到文档：它本身和其下查找的各层文件夹中都没有 document.toml"
    ));
    let d = match skipped {
        true => d.with_hint("有文件夹被跳过、未查找（不加 -q 可看到是哪些），其中的文档未计入"),
        false => d,
    };
    d.with_hint(format!("新建文档：jixiao new {shown}/部门名"))
        .with_hint(
            "如给错了文件夹，请给出文档文件夹（含 document.toml），或含多个文档文件夹的文件夹",
        )
}

fn to_warning(d: Diagnostic) -> Diagnostic {
    Diagnostic {
        severity: Severity::Warning,
        ..d
    }
}

/// A folder below the depth limit: a warning, as a document there is not
/// processed and what any other folder holds was not looked at.
fn too_deep(path: &Path) -> Diagnostic {
    let shown = display_path(path);
    let hint = "请给出离文档更近的文件夹，或把文档文件夹移到较浅的位置";
    let message = match is_document(path) {
        true => format!("文档文件夹“{shown}”在批量文件夹之下超过 {MAX_DEPTH} 层，未处理"),
        false => {
            format!("文件夹“{shown}”在批量文件夹之下超过 {MAX_DEPTH} 层，已跳过，不再往下查找文档")
        }
    };
    to_warning(Diagnostic::note(message)).with_hint(hint)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(top: &Path, rel: &str) {
        let dir = top.join(rel);
        std::fs::create_dir_all(dir.join("projects")).unwrap();
        std::fs::write(dir.join(DOCUMENT_FILE), "year = 2025\n").unwrap();
    }

    fn rels(top: &Path, paths: &[PathBuf]) -> Vec<String> {
        paths
            .iter()
            .map(|p| p.strip_prefix(top).unwrap().display().to_string())
            .collect()
    }

    #[test]
    fn finds_documents_at_any_depth_but_not_inside_one() {
        let tmp = tempfile::tempdir().unwrap();
        let top = tmp.path();
        doc(top, "2025/b");
        doc(top, "2025/a");
        doc(top, "2024/city/x");
        doc(top, "2025/a/nested"); // inside a document: noted, not a document
        doc(top, ".hidden/h");
        doc(top, "out/o");
        std::fs::create_dir_all(top.join("2025/missing/projects")).unwrap();
        std::fs::create_dir_all(top.join("notes")).unwrap();
        let tree = discover(top).unwrap();
        assert_eq!(rels(top, &tree.docs), ["2024/city/x", "2025/a", "2025/b"]);
        // `notes` has no document folder beside it; `2025/missing` has.
        assert_eq!(rels(top, &tree.empty), ["2025/missing"]);
        assert_eq!(tree.skipped.len(), 1, "{:?}", tree.skipped);
    }

    /// A project folder holds `templates/`, `fonts/` and `out/` beside its
    /// document folders: none of them is a missing department.
    #[test]
    fn project_folders_beside_documents_are_no_departments() {
        let tmp = tempfile::tempdir().unwrap();
        let top = tmp.path();
        doc(top, "a");
        for dir in ["templates/forms", "fonts", "out", ".git", "missing"] {
            std::fs::create_dir_all(top.join(dir)).unwrap();
        }
        let tree = discover(top).unwrap();
        assert_eq!(rels(top, &tree.empty), ["missing"]);
    }

    #[cfg(unix)]
    #[test]
    fn links_out_of_the_folder_are_skipped_and_loops_walked_once() {
        let tmp = tempfile::tempdir().unwrap();
        let (top, outside) = (tmp.path().join("top"), tmp.path().join("outside"));
        doc(&top, "a");
        doc(&outside, "secret");
        std::os::unix::fs::symlink(&outside, top.join("elsewhere")).unwrap();
        std::os::unix::fs::symlink(&top, top.join("loop")).unwrap();
        // A link to a document inside: the document under its own name;
        // one the walk does not reach (hidden) through the link.
        doc(&top, "zz");
        std::os::unix::fs::symlink(top.join("zz"), top.join("aa-link")).unwrap();
        doc(&top, ".archive/old");
        std::os::unix::fs::symlink(top.join(".archive/old"), top.join("old")).unwrap();
        let tree = discover(&top).unwrap();
        assert_eq!(rels(&top, &tree.docs), ["a", "old", "zz"]);
        assert_eq!(tree.skipped.len(), 2, "{:?}", tree.skipped);
        assert!(
            tree.skipped[0]
                .message
                .contains("aa-link”是指向批量文件夹内")
        );
        assert!(tree.skipped[1].message.contains("elsewhere"));
    }

    /// Deeper than the limit: a document is noted, another folder skipped
    /// with a warning; the documents within the limit are still found.
    #[test]
    fn too_deep_a_subtree_is_skipped_not_fatal() {
        let tmp = tempfile::tempdir().unwrap();
        let deep: Vec<String> = (0..MAX_DEPTH).map(|i| format!("d{i}")).collect();
        doc(tmp.path(), &deep.join("/"));
        doc(tmp.path(), &format!("{}/e/more", deep[..15].join("/")));
        std::fs::create_dir_all(tmp.path().join(deep[..15].join("/")).join("f/g/h")).unwrap();
        let tree = discover(tmp.path()).unwrap();
        assert_eq!(tree.docs.len(), 1);
        let found: Vec<(bool, bool)> = tree
            .skipped
            .iter()
            .map(|d| {
                (
                    d.severity == Severity::Warning,
                    d.message.contains("文档文件夹"),
                )
            })
            .collect();
        // A document not processed is a warning, as a folder not looked in.
        assert_eq!(found, [(true, true), (true, false)], "{:?}", tree.skipped);
        assert!(tree.empty.is_empty(), "{:?}", tree.empty);
    }

    #[test]
    fn a_document_inside_a_document_is_noted() {
        let tmp = tempfile::tempdir().unwrap();
        doc(tmp.path(), "a");
        doc(tmp.path(), "a/sub/inner");
        let tree = discover(tmp.path()).unwrap();
        assert_eq!(rels(tmp.path(), &tree.docs), ["a"]);
        assert_eq!(tree.skipped.len(), 1, "{:?}", tree.skipped);
        assert!(
            tree.skipped[0].message.contains("inner"),
            "{:?}",
            tree.skipped
        );
    }
}
