//! The Typst `World`: the rendered main source, the template and data folders
//! as the only readable files, the shipped fonts, and a fixed build date
//! instead of the clock.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use typst::diag::{FileError, FileResult, PackageError};
use typst::foundations::{Bytes, Datetime, Duration};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};

use crate::input::load::MemoryFiles;
use crate::typeset::builtin;
use crate::typeset::fonts::FontSet;

/// Virtual path of the generated main file.
pub const MAIN_PATH: &str = "/main.typ";
/// Virtual folder that maps to the project's `templates/`.
pub const TEMPLATES_MOUNT: &str = "/templates";
/// Virtual folder that maps to the document's data folder.
pub const DATA_MOUNT: &str = "/data";

/// The compilation environment for one document.
pub struct JixiaoWorld {
    library: LazyHash<Library>,
    fonts: Arc<FontSet>,
    main: FileId,
    main_source: Source,
    mounts: Vec<(String, PathBuf)>,
    files: Mutex<HashMap<FileId, Slot>>,
    data_memory: Option<Arc<MemoryFiles>>,
    today: Option<Datetime>,
}

/// A file read once per build: its bytes, and its parse when used as source.
struct Slot {
    bytes: FileResult<Bytes>,
    source: Option<FileResult<Source>>,
    /// False after [`JixiaoWorld::reset_files`]: re-read before the next use.
    fresh: bool,
}

impl Slot {
    /// Takes newly read bytes, keeping the parse when they are unchanged and
    /// reparsing incrementally when an already parsed file was edited.
    fn refresh(&mut self, bytes: FileResult<Bytes>) {
        self.fresh = true;
        if bytes == self.bytes {
            return;
        }
        let text = bytes
            .as_ref()
            .ok()
            .and_then(|b| std::str::from_utf8(b).ok());
        match (&mut self.source, text) {
            (Some(Ok(source)), Some(text)) => {
                source.replace(text);
            }
            _ => self.source = None,
        }
        self.bytes = bytes;
    }
}

impl JixiaoWorld {
    /// Creates a world reading data only from the data folder, and
    /// templates from the project's folder (if any) or else the built-in ones.
    pub fn new(fonts: Arc<FontSet>, templates_dir: Option<&Path>, data_dir: &Path) -> Self {
        let main = file_id(MAIN_PATH);
        let canon = |p: &Path| p.canonicalize().unwrap_or_else(|_| p.to_path_buf());
        let mut mounts = vec![(DATA_MOUNT.to_string(), canon(data_dir))];
        if let Some(dir) = templates_dir {
            mounts.push((TEMPLATES_MOUNT.to_string(), canon(dir)));
        }
        Self {
            library: LazyHash::new(Library::builder().build()),
            fonts,
            main,
            main_source: Source::new(main, String::new()),
            mounts,
            files: Mutex::new(HashMap::new()),
            data_memory: None,
            today: None,
        }
    }

    /// Replaces the main source; unchanged parts keep their incremental cache.
    pub fn set_main(&mut self, text: String) {
        self.main_source.replace(&text);
    }

    /// Sets what `datetime.today()` returns (None: it fails, as there is no clock).
    pub fn set_today(&mut self, today: Option<Datetime>) {
        self.today = today;
    }

    /// Makes the next build re-read every file it uses (a long-running
    /// `watch` calls this before each rebuild); unchanged files keep their
    /// parse, so Typst's incremental cache still applies.
    pub fn reset_files(&mut self) {
        let files = self.files.get_mut().expect("file cache lock");
        for slot in files.values_mut() {
            slot.fresh = false;
        }
    }

    /// The generated main source.
    pub fn main_source(&self) -> &Source {
        &self.main_source
    }

    /// The real path of a virtual file id, if it lies in a mount, or the
    /// name of the built-in template serving it.
    pub fn real_path(&self, id: FileId) -> Option<PathBuf> {
        match self.mount_of(id) {
            Some((_, path)) if path.exists() || builtin_template(id).is_none() => Some(path),
            _ => builtin_template(id).map(|(name, _)| builtin::path(name)),
        }
    }

    /// Whether a file is the project's own copy of a built-in template
    /// (`templates/jixiao.typ`), served instead of the built-in one.
    pub fn overrides_builtin(&self, id: FileId) -> bool {
        builtin_template(id).is_some() && self.mount_of(id).is_some_and(|(_, path)| path.exists())
    }

    /// Serves `/data` from a document held in memory (a git revision)
    /// instead of the data folder.
    pub fn set_data_memory(&mut self, files: Option<Arc<MemoryFiles>>) {
        self.data_memory = files;
    }

    /// Runs `f` on the slot of a file, reading the file on first use.
    fn with_slot<T>(&self, id: FileId, f: impl FnOnce(&mut Slot) -> T) -> T {
        let mut files = self.files.lock().expect("file cache lock");
        let slot = files.entry(id).or_insert_with(|| Slot {
            bytes: self.read(id),
            source: None,
            fresh: true,
        });
        if !slot.fresh {
            slot.refresh(self.read(id));
        }
        f(slot)
    }

    /// Reads a file, confined to the mounted folders (no `..`, no symlink
    /// escapes, no FIFOs or devices, no huge files, no packages); a
    /// document held in memory (a git revision) serves `/data` itself.
    fn read(&self, id: FileId) -> FileResult<Bytes> {
        if let VirtualRoot::Package(spec) = id.root() {
            return Err(FileError::Package(PackageError::Other(Some(
                format!("jixiao 不下载 Typst 包（{spec}）：请把需要的代码放进 templates/").into(),
            ))));
        }
        let vpath = id.vpath().get_with_slash();
        if let Some(memory) = &self.data_memory
            && let Some(rest) = vpath
                .strip_prefix(DATA_MOUNT)
                .and_then(|r| r.strip_prefix('/'))
        {
            return memory.get(rest).map(Bytes::new).ok_or_else(|| {
                FileError::NotFound(PathBuf::from(format!("{}:{rest}", memory.label)))
            });
        }
        let mut present = false;
        let read = match self.mount_of(id) {
            Some((dir, path)) => {
                // A link that points nowhere is still the project's file.
                present = path.symlink_metadata().is_ok();
                crate::input::confine::open_confined(dir, &path, MAX_FILE_BYTES)
                    .map(Bytes::new)
                    .map_err(|e| file_error(e, &path))
            }
            None => Err(FileError::NotFound(PathBuf::from(vpath))),
        };
        // A project's template file of the same name overrides a built-in
        // one; a file that is there but may not be read stays an error.
        match (read, builtin_template(id)) {
            (Err(FileError::NotFound(_)), Some((_, text))) if !present => {
                Ok(Bytes::from_string(text))
            }
            (Err(FileError::NotFound(_)), None) if self.mount_of(id).is_none() => {
                Err(FileError::AccessDenied)
            }
            (read, _) => read,
        }
    }

    /// The mounted folder holding a virtual file, and the file's real path.
    fn mount_of(&self, id: FileId) -> Option<(&Path, PathBuf)> {
        let vpath = id.vpath().get_with_slash();
        self.mounts.iter().find_map(|(mount, dir)| {
            let rest = vpath.strip_prefix(mount.as_str())?.strip_prefix('/')?;
            Some((dir.as_path(), dir.join(rest)))
        })
    }
}

/// The built-in template a virtual path names (`/templates/jixiao.typ`).
fn builtin_template(id: FileId) -> Option<(&'static str, &'static str)> {
    let vpath = id.vpath().get_with_slash();
    let name = vpath.strip_prefix(TEMPLATES_MOUNT)?.strip_prefix('/')?;
    builtin::TEMPLATES.iter().find(|(n, _)| *n == name).copied()
}

/// The largest file the world serves (images included); the shipped
/// templates are a few kilobytes.
const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// A confinement refusal as Typst's file error.
fn file_error(err: crate::input::confine::ConfineError, path: &Path) -> FileError {
    use crate::input::confine::ConfineError;
    match err {
        ConfineError::Io(e) => FileError::from_io(e, path),
        ConfineError::Outside => FileError::AccessDenied,
        ConfineError::Directory => FileError::IsDirectory,
        ConfineError::NotRegular => {
            FileError::Other(Some("不是普通文件（管道、设备或套接字）".into()))
        }
        ConfineError::TooLarge(n) => FileError::Other(Some(
            format!("文件太大（{n} 字节，上限 {MAX_FILE_BYTES} 字节）").into(),
        )),
    }
}

/// The file id of a project path such as `/main.typ`.
pub fn file_id(path: &str) -> FileId {
    let vpath = VirtualPath::new(path).expect("valid virtual path");
    RootedPath::new(VirtualRoot::Project, vpath).intern()
}

impl World for JixiaoWorld {
    fn library(&self) -> &LazyHash<Library> {
        &self.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        self.fonts.book()
    }

    fn main(&self) -> FileId {
        self.main
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main {
            return Ok(self.main_source.clone());
        }
        // Parsed once per world: Typst asks for an imported file repeatedly.
        self.with_slot(id, |slot| {
            let bytes = slot.bytes.clone();
            slot.source
                .get_or_insert_with(|| {
                    let text = std::str::from_utf8(&bytes?)
                        .map_err(|_| FileError::InvalidUtf8)?
                        .to_string();
                    Ok(Source::new(id, text))
                })
                .clone()
        })
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == self.main {
            return Ok(Bytes::from_string(self.main_source.text().to_string()));
        }
        self.with_slot(id, |slot| slot.bytes.clone())
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.fonts.font(index)
    }

    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        // No clock: the same data must give the same PDF. The build date is
        // a calendar date, so the offset asked for does not shift it.
        self.today
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn world() -> JixiaoWorld {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let fonts = Arc::new(FontSet::load(&[], false).unwrap());
        JixiaoWorld::new(fonts, Some(&root.join("templates")), &root.join("data"))
    }

    #[test]
    fn today_is_the_build_date_or_an_error() {
        let mut world = world();
        world.set_main("#assert.eq(datetime.today().display(), \"2025-01-20\")".into());
        let compile = |w: &JixiaoWorld| typst::compile::<typst_layout::PagedDocument>(w).output;
        assert!(compile(&world).is_err(), "no build date: today() must fail");
        world.set_today(Datetime::from_ymd(2025, 1, 20));
        assert!(compile(&world).is_ok(), "today() should be the build date");
    }

    #[test]
    fn a_revision_in_memory_serves_data_without_the_disk() {
        let mut world = world();
        let mut files = MemoryFiles {
            label: "HEAD~1:doc".into(),
            ..MemoryFiles::default()
        };
        files
            .files
            .insert("note.txt".into(), b"from memory".to_vec());
        world.set_data_memory(Some(Arc::new(files)));
        let compile = |w: &JixiaoWorld| typst::compile::<typst_layout::PagedDocument>(w).output;
        world.set_main("#assert.eq(read(\"/data/note.txt\"), \"from memory\")".into());
        assert!(compile(&world).is_ok());
        // The data folder on disk is not consulted for a revision.
        world.set_main("#read(\"/data/2025/chengde-xinfang/document.toml\")".into());
        assert!(compile(&world).is_err());
    }

    #[test]
    fn reset_files_rereads_edited_templates() {
        let dir = std::env::temp_dir().join(format!("jixiao-world-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let lib = dir.join("lib.typ");
        std::fs::write(&lib, "#let v = 1").unwrap();
        let mut world = world();
        world.mounts[1].1 = dir.canonicalize().unwrap();
        let id = file_id("/templates/lib.typ");
        assert_eq!(world.source(id).unwrap().text(), "#let v = 1");
        std::fs::write(&lib, "#let v = 2").unwrap();
        assert_eq!(
            world.source(id).unwrap().text(),
            "#let v = 1",
            "cached per build"
        );
        world.reset_files();
        assert_eq!(world.source(id).unwrap().text(), "#let v = 2");
        std::fs::remove_file(&lib).unwrap();
        world.reset_files();
        assert!(world.source(id).is_err(), "a deleted file must be an error");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
