//! Watching a document's inputs: data files, templates and font folders,
//! reported as debounced batches of changes. Nothing here prints.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::time::Duration;

use notify::{EventKind, RecommendedWatcher, RecursiveMode, Watcher as _};

use crate::input::load::{DOCUMENT_FILE, PROJECTS_DIR, is_ignored_name};
use crate::report::diag::{Diagnostic, Result};
use crate::session::Session;

/// How long the inputs must be quiet before a rebuild starts: an editor's
/// save (write, rename, attribute change) arrives as a burst of events.
pub const DEBOUNCE: Duration = Duration::from_millis(150);

/// What changed since the last build.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Changes {
    /// The changed input files, sorted.
    pub paths: Vec<PathBuf>,
    /// Whether a font file is among them (the fonts must be rescanned).
    pub fonts: bool,
}

/// A message to the watch loop.
enum Message {
    Event(notify::Result<notify::Event>),
    Stop,
}

/// Which inputs a document has, to tell relevant file events from others.
#[derive(Debug, Clone)]
struct Inputs {
    doc_dir: PathBuf,
    templates: Option<PathBuf>,
    font_dirs: Vec<PathBuf>,
    /// Our own outputs, in case they are written inside a watched folder.
    ignore: Vec<PathBuf>,
}

/// What a path is to the build, if anything.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Data,
    Template,
    Font,
}

impl Inputs {
    /// The folders watched recursively.
    fn roots(&self) -> impl Iterator<Item = &PathBuf> {
        std::iter::once(&self.doc_dir)
            .chain(&self.templates)
            .chain(&self.font_dirs)
    }

    fn role(&self, path: &Path) -> Option<Role> {
        if path == self.doc_dir {
            // The whole folder created, moved or removed.
            return Some(Role::Data);
        }
        let name = path.file_name()?.to_string_lossy();
        // Hidden files (editor swap files, our own temporary outputs) are
        // left out by the build too: one rule for both.
        if is_ignored_name(&name) {
            return None;
        }
        if let Ok(rest) = path.strip_prefix(&self.doc_dir) {
            // Every other entry of projects/ is built or warned about.
            let is_data =
                rest == Path::new(DOCUMENT_FILE) || rest.parent() == Some(Path::new(PROJECTS_DIR));
            // A whole projects/ folder created, moved or removed.
            let is_projects = rest == Path::new(PROJECTS_DIR);
            return (is_data || is_projects).then_some(Role::Data);
        }
        if self.font_dirs.iter().any(|d| path.starts_with(d)) {
            return Some(Role::Font);
        }
        let template = self.templates.as_ref().is_some_and(|t| path.starts_with(t));
        template.then_some(Role::Template)
    }
}

/// Watches one session's inputs until stopped.
pub struct Watcher {
    inner: RecommendedWatcher,
    rx: Receiver<Message>,
    tx: Sender<Message>,
    inputs: Inputs,
}

/// Ends a [`Watcher`]'s wait from another thread (e.g. a Ctrl-C handler).
#[derive(Clone)]
pub struct Stopper(Sender<Message>);

impl Stopper {
    /// Makes [`Watcher::next`] return `None`.
    pub fn stop(&self) {
        let _ = self.0.send(Message::Stop);
    }
}

impl Watcher {
    /// Starts watching the session's document folder, templates and fonts;
    /// changes to the `outputs` (files this process writes) are ignored.
    pub fn new(session: &Session, outputs: &[&Path]) -> Result<Self> {
        let inputs = Inputs {
            doc_dir: canon(session.doc_dir()),
            templates: session.root().templates().map(|t| canon(&t)),
            font_dirs: session.font_dirs().iter().map(|d| canon(d)).collect(),
            ignore: outputs.iter().map(|p| canon_file(p)).collect(),
        };
        let (tx, rx) = mpsc::channel();
        let events = tx.clone();
        let mut inner = notify::recommended_watcher(move |e| {
            let _ = events.send(Message::Event(e));
        })
        .map_err(|e| watch_error(&inputs.doc_dir, &e))?;
        for dir in inputs.roots() {
            inner
                .watch(dir, RecursiveMode::Recursive)
                .map_err(|e| watch_error(dir, &e))?;
        }
        // A folder deleted and created again is a new inode that the watch
        // above no longer sees: its parent reports the return (unless the
        // parent is already watched as part of another folder).
        for parent in inputs.roots().filter_map(|d| d.parent()) {
            if parent.is_dir() && !inputs.roots().any(|r| parent.starts_with(r)) {
                inner
                    .watch(parent, RecursiveMode::NonRecursive)
                    .map_err(|e| watch_error(parent, &e))?;
            }
        }
        Ok(Self {
            inner,
            rx,
            tx,
            inputs,
        })
    }

    /// Watches a watched folder again after it came back (deleted and
    /// created, or moved into place).
    fn rewatch(&mut self, path: &Path) {
        if self.inputs.roots().any(|r| r == path) && path.is_dir() {
            // Failure leaves the old state: the next build reports what is
            // missing, and the parent's events still arrive.
            let _ = self.inner.watch(path, RecursiveMode::Recursive);
        }
    }

    /// A handle that ends the wait of [`Watcher::next`].
    pub fn stopper(&self) -> Stopper {
        Stopper(self.tx.clone())
    }

    /// Waits for the next batch of relevant changes; `None` once stopped.
    pub fn next_batch(&mut self) -> Option<Changes> {
        let mut changes = Changes::default();
        let mut pending = false;
        // Files made during this batch: one gone again before it ends (an
        // editor's probe, sed's temporary file) changed nothing.
        let mut made = HashSet::new();
        let mut lost = false;
        loop {
            // Block until the first relevant event, then until a quiet spell.
            let message = if !pending {
                self.rx.recv().ok()?
            } else {
                match self.rx.recv_timeout(DEBOUNCE) {
                    Ok(m) => m,
                    Err(RecvTimeoutError::Timeout) => return Some(changes),
                    Err(RecvTimeoutError::Disconnected) => return None,
                }
            };
            match message {
                Message::Stop => return None,
                Message::Event(Ok(event)) => self.add(&mut changes, &mut made, &event),
                // A lost event (queue overflow) may hide any change.
                Message::Event(Err(_)) => lost = true,
            }
            // What is left decides: a font file among the paths (or an
            // event lost) rescans the fonts; nothing left, no batch.
            let font = |p: &PathBuf| self.inputs.role(p) == Some(Role::Font);
            changes.fonts = lost || changes.paths.iter().any(font);
            pending = changes.fonts || !changes.paths.is_empty();
        }
    }

    /// Adds an event's relevant paths to `changes`; a path `made` in this
    /// batch and then removed or renamed away is taken out again.
    fn add(&mut self, changes: &mut Changes, made: &mut HashSet<PathBuf>, event: &notify::Event) {
        // Reads (our own build opens every input) are not changes.
        if matches!(event.kind, EventKind::Access(_)) {
            return;
        }
        for (i, path) in event.paths.iter().enumerate() {
            self.rewatch(path);
            if self.inputs.ignore.contains(path) {
                continue;
            }
            if self.inputs.role(path).is_none() {
                continue;
            }
            // (A rename is reported as its old name, then as both names.)
            if gone(&event.kind, i) && made.contains(path) {
                if let Ok(at) = changes.paths.binary_search(path) {
                    changes.paths.remove(at);
                }
                continue;
            }
            // A file already changed in this batch was there before it.
            let listed = changes.paths.binary_search(path).is_ok();
            if matches!(event.kind, EventKind::Create(_)) && !listed {
                made.insert(path.clone());
            }
            if let Err(at) = changes.paths.binary_search(path) {
                changes.paths.insert(at, path.clone());
            }
        }
    }
}

/// Whether the event's `i`-th path is no longer there: removed, or the old
/// name of a rename.
fn gone(kind: &EventKind, i: usize) -> bool {
    use notify::event::{ModifyKind, RenameMode};
    match kind {
        EventKind::Remove(_) => true,
        EventKind::Modify(ModifyKind::Name(RenameMode::From)) => true,
        EventKind::Modify(ModifyKind::Name(RenameMode::Both)) => i == 0,
        _ => false,
    }
}

fn canon(path: &Path) -> PathBuf {
    path.canonicalize().unwrap_or_else(|_| path.to_path_buf())
}

/// The canonical path of a file that may not exist yet.
fn canon_file(path: &Path) -> PathBuf {
    match (path.parent(), path.file_name()) {
        (Some(dir), Some(name)) if !dir.as_os_str().is_empty() => canon(dir).join(name),
        (_, Some(name)) => canon(Path::new(".")).join(name),
        _ => path.to_path_buf(),
    }
}

fn watch_error(dir: &Path, err: &notify::Error) -> crate::report::diag::Diagnostics {
    Diagnostic::error(format!("无法监视“{}”的变化：{err}", dir.display()))
        .with_hint("Linux 上可能是 inotify 监视数量已满：可调大 fs.inotify.max_user_watches")
        .into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_of_paths() {
        let inputs = Inputs {
            doc_dir: "/d/doc".into(),
            templates: Some("/r/templates".into()),
            font_dirs: vec!["/r/fonts".into(), "/x/myfonts".into()],
            ignore: Vec::new(),
        };
        let role = |p: &str| inputs.role(Path::new(p));
        assert_eq!(role("/d/doc/document.toml"), Some(Role::Data));
        assert_eq!(role("/d/doc"), Some(Role::Data));
        assert_eq!(role("/d/docs"), None);
        assert_eq!(role("/d/doc/projects/01-a.toml"), Some(Role::Data));
        assert_eq!(role("/d/doc/projects"), Some(Role::Data));
        assert_eq!(role("/d/doc/projects/02-b.TOML"), Some(Role::Data));
        assert_eq!(role("/d/doc/projects/sub"), Some(Role::Data));
        assert_eq!(role("/d/doc/projects/sub/08-h.toml"), None);
        assert_eq!(role("/d/doc/projects/.01-a.toml.swp"), None);
        assert_eq!(role("/d/doc/projects/.04-d.toml"), None);
        assert_eq!(role("/d/doc/projects/._05.toml"), None);
        assert_eq!(role("/d/doc/out.pdf"), None);
        assert_eq!(role("/d/doc/.out.pdf.123.tmp"), None);
        assert_eq!(role("/r/templates/jixiao.typ"), Some(Role::Template));
        assert_eq!(role("/r/fonts/A.otf"), Some(Role::Font));
        assert_eq!(role("/x/myfonts/sub/B.ttf"), Some(Role::Font));
        assert_eq!(role("/r/out/x.pdf"), None);
    }
}
