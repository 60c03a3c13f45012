//! The pipeline in order: load data → resolve style → fonts → render Typst
//! source → compile → PDF. Commands call these stages; nothing here prints.
//!
//! Every caller (build, check, watch, the visual diff, the tests) takes the
//! same path: [`prepare`], then [`Prepared::accepted`] (unless the caller
//! reports rule errors itself), [`Prepared::typeset`] (a world, then
//! compiling), and [`Typeset::pdf`].

use std::path::{Path, PathBuf};
use std::sync::Arc;

use typst_layout::PagedDocument;

use crate::input::form::Registry;
use crate::input::load::{self, Loaded};
use crate::input::model::Document;
use crate::input::stamp::{self, BuildDate};
use crate::report::diag::{Diagnostic, Diagnostics, Result, SourceMap};
use crate::rules;
use crate::typeset::compile::{self, Origin};
use crate::typeset::export::{self, Standard};
use crate::typeset::fonts::FontSet;
use crate::typeset::render::{self, Templates, ViewCache};
use crate::typeset::style;
use crate::typeset::world::JixiaoWorld;

/// Where a document belongs: its project folder, whose `templates/` and
/// `fonts/` (each optional) add to the built-in ones and whose `out/`
/// receives the PDF, or, for a document outside any project, its parent.
#[derive(Debug, Clone)]
pub(crate) struct Root {
    /// The project folder, or the parent of a lone document folder.
    pub(crate) dir: PathBuf,
    /// Whether `dir` is a project (else outputs go beside the document).
    project: bool,
}

impl Root {
    /// Finds the project: `explicit`, else the nearest folder at or above
    /// `start` that holds `templates/` or `fonts/`, or whose `data/` holds
    /// `start`. A document folder is never its own project, nor are the
    /// file system's root and the home folder anyone's (a `~/data/x` must
    /// not write to `~/out/`). Nothing is read from where this binary was built.
    pub(crate) fn find(start: &Path, explicit: Option<&Path>) -> Result<Self> {
        if let Some(dir) = explicit {
            return Self::check(dir);
        }
        let start = start.canonicalize().unwrap_or_else(|_| start.to_path_buf());
        let home = std::env::var_os("HOME").and_then(|h| Path::new(&h).canonicalize().ok());
        Ok(Self::search(&start, home.as_deref()))
    }

    /// [`Root::find`] without `--root`, below the home folder `home`.
    fn search(start: &Path, home: Option<&Path>) -> Self {
        let is_doc = start.join("document.toml").is_file();
        let found = start
            .ancestors()
            .filter(|d| !(is_doc && *d == start))
            .take_while(|d| d.parent().is_some() && Some(*d) != home)
            .find(|d| is_root(d, start));
        match found {
            Some(dir) => Self {
                dir: dir.to_path_buf(),
                project: true,
            },
            None => Self {
                dir: start.parent().unwrap_or(start).to_path_buf(),
                project: false,
            },
        }
    }

    fn check(dir: &Path) -> Result<Self> {
        match dir.canonicalize() {
            Ok(dir) if dir.is_dir() => Ok(Self { dir, project: true }),
            _ => Err(Diagnostic::error(format!(
                "--root 给出的“{}”不是文件夹",
                dir.display()
            ))
            .with_hint("--root 应指向项目文件夹（其中可有 templates/、fonts/ 和 data/）；不给 --root 时自动向上查找")
            .into()),
        }
    }

    /// The project folder, unless this is a lone document's parent.
    pub(crate) fn project(&self) -> Option<&Path> {
        self.project.then_some(self.dir.as_path())
    }

    /// The project's own templates folder, if it has one.
    pub(crate) fn templates(&self) -> Option<PathBuf> {
        self.project_folder("templates")
    }

    /// The forms: built-in ones and those of `templates/forms/`.
    pub fn forms(&self, sources: &SourceMap) -> Result<Registry> {
        match self.templates() {
            Some(dir) => Registry::load(&dir, sources),
            None => Ok(Registry::builtin()),
        }
    }

    /// The project's own fonts folder, if it has one.
    pub(crate) fn fonts(&self) -> Option<PathBuf> {
        self.project_folder("fonts")
    }

    fn project_folder(&self, name: &str) -> Option<PathBuf> {
        let dir = self.dir.join(name);
        (self.project && dir.is_dir() && !shared_scratch(&dir)).then_some(dir)
    }

    /// The default output path of a document folder: in a project
    /// `out/<path below data/>.pdf`, else `<folder>.pdf` beside the folder.
    pub(crate) fn default_output(&self, doc_dir: &Path) -> PathBuf {
        let doc = doc_dir
            .canonicalize()
            .unwrap_or_else(|_| doc_dir.to_path_buf());
        let name = PathBuf::from(doc.file_name().unwrap_or_default());
        if !self.project {
            return self.dir.join(name).with_added_extension("pdf");
        }
        let below = doc
            .strip_prefix(self.dir.join("data"))
            .map(Path::to_path_buf)
            .unwrap_or(name);
        self.dir.join("out").join(below).with_added_extension("pdf")
    }
}

/// Whether `dir` is the project folder of the document folder `doc`.
/// A shared scratch folder never counts, so that another user's
/// `/tmp/templates` or `/tmp/out` never serves a build.
fn is_root(dir: &Path, doc: &Path) -> bool {
    let holds = |name: &str| {
        let sub = dir.join(name);
        sub.is_dir() && !shared_scratch(&sub)
    };
    !shared_scratch(dir)
        && (holds("templates") || holds("fonts") || doc.starts_with(dir.join("data")))
}

/// Whether a folder is a shared scratch folder such as `/tmp`: writable by
/// everyone, with the sticky bit that lets each user keep only their own
/// files there. (A USB stick or a Windows drive shows every folder as
/// writable by everyone, but without the sticky bit: those are projects.)
fn shared_scratch(dir: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::metadata(dir).is_ok_and(|m| m.permissions().mode() & 0o1002 == 0o1002)
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        false
    }
}

/// What a build needs besides the document folder.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Project root override.
    pub root: Option<PathBuf>,
    /// Also use the system's fonts.
    pub system_fonts: bool,
    /// Extra font folders.
    pub font_dirs: Vec<PathBuf>,
    /// PDF standards the PDF must conform to (`--pdf-standard`).
    pub pdf_standards: Vec<Standard>,
}

/// A document loaded and rendered to Typst source, ready to compile.
pub struct Prepared {
    /// The project root used.
    pub(crate) root: Root,
    /// The loaded data.
    pub(crate) loaded: Loaded,
    /// The generated Typst source.
    pub(crate) typst: String,
    /// The Tera templates it was rendered from.
    pub(crate) template_files: Vec<PathBuf>,
    /// The fonts.
    pub(crate) fonts: LoadedFonts,
    /// The build date (from the data or `SOURCE_DATE_EPOCH`), if any.
    pub(crate) date: Option<BuildDate>,
    /// PDF standards the PDF must conform to.
    pub(crate) standards: Vec<Standard>,
    /// What the domain rules found (errors among them stop a build, not a check).
    pub report: Vec<Diagnostic>,
}

/// The font folders and system switch a font set was loaded for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FontKey {
    /// Font folders in search order (`--font-path` ones, then the shipped).
    pub(crate) dirs: Vec<PathBuf>,
    /// How many of them, first, are `--font-path` ones.
    pub(crate) user: usize,
    /// Whether the system's fonts are included.
    pub(crate) system: bool,
}

impl FontKey {
    /// The font folders of a build (`--font-path` ones, then the project's
    /// `fonts/`), with the system's fonts if the options or the style ask.
    pub(crate) fn new(root: &Root, opts: &Options, style_system: bool) -> Self {
        let mut dirs = opts.font_dirs.clone();
        dirs.extend(root.fonts());
        Self {
            dirs,
            user: opts.font_dirs.len(),
            system: opts.system_fonts || style_system,
        }
    }
}

/// A loaded font set and what it was loaded for.
#[derive(Clone)]
pub(crate) struct LoadedFonts {
    /// What was loaded.
    pub(crate) key: FontKey,
    /// The fonts.
    pub(crate) set: Arc<FontSet>,
}

impl LoadedFonts {
    /// Loads the fonts a key names.
    pub(crate) fn load(key: FontKey) -> Result<Self> {
        let dirs: Vec<&Path> = key.dirs.iter().map(PathBuf::as_path).collect();
        let set = Arc::new(FontSet::load_from(&dirs, key.user, key.system)?);
        Ok(Self { key, set })
    }
}

impl Prepared {
    /// Whether the rules found an error.
    pub(crate) fn has_errors(&self) -> bool {
        self.report.iter().any(Diagnostic::is_error)
    }
}

/// Loads, checks and renders a document folder.
///
/// Only problems that make rendering impossible (unreadable data, a bad
/// style or date, missing fonts, broken templates) are an `Err`; rule
/// findings go into [`Prepared::report`] so `check` can still compile and
/// report more.
pub fn prepare(doc_dir: &Path, opts: &Options, sources: &SourceMap) -> Result<Prepared> {
    prepare_reusing(doc_dir, opts, sources, None, None)
}

/// Like [`prepare`], but reuses `fonts` when they were loaded for the same
/// folders and system switch, and the tables in `views` that did not
/// change (a long-running `watch` keeps both).
pub(crate) fn prepare_reusing(
    doc_dir: &Path,
    opts: &Options,
    sources: &SourceMap,
    fonts: Option<&LoadedFonts>,
    views: Option<&mut ViewCache>,
) -> Result<Prepared> {
    let files = load::DocFiles::open(doc_dir)?;
    prepare_files(&files, None, opts, sources, fonts, views)
}

/// Like [`prepare_reusing`] for a document on disk or in memory (a git
/// revision), read with `forms` when given (a revision's own forms), else
/// with the project root's.
pub(crate) fn prepare_files(
    files: &load::DocFiles,
    forms: Option<&Registry>,
    opts: &Options,
    sources: &SourceMap,
    fonts: Option<&LoadedFonts>,
    views: Option<&mut ViewCache>,
) -> Result<Prepared> {
    let root = Root::find(files.dir(), opts.root.as_deref())?;
    let own;
    let forms = match forms {
        Some(forms) => forms,
        None => {
            own = root.forms(sources)?;
            &own
        }
    };
    let loaded = load_checked(files, forms, sources)?;
    let mut fatal = Vec::new();
    let style = style::resolve(&loaded.document.style).map_err(|d| fatal.extend(d.0));
    let date = stamp::resolve(loaded.document.date).map_err(|d| fatal.extend(d.0));
    let fonts = fonts_for(&root, opts, &loaded, fonts)?;
    if let Ok(style) = &style {
        fatal.extend(fonts.set.check_roles(&style.fonts));
    }
    let mut report = loaded.warnings.clone();
    report.extend(rules::run(&loaded, Some(&fonts.set), sources));
    let templates =
        Templates::load(root.templates().as_deref(), sources).map_err(|d| fatal.extend(d.0));
    let (Ok(style), Ok(date), Ok(templates), true) = (style, date, templates, fatal.is_empty())
    else {
        fatal.append(&mut report);
        loaded.locate(sources, &mut fatal);
        return Err(Diagnostics(fatal));
    };
    let view = match views {
        Some(cache) => render::view_reusing(&loaded.document, style, cache),
        None => render::view(&loaded.document, style),
    };
    let typst = {
        let _deadline = crate::limits::arm(files.dir());
        templates.render(&view, sources)?
    };
    loaded.locate(sources, &mut report);
    Ok(Prepared {
        root,
        loaded,
        typst,
        template_files: templates.files().to_vec(),
        fonts,
        date,
        standards: opts.pdf_standards.clone(),
        report,
    })
}

/// Loads a document folder with its project's forms, without checking or
/// rendering it (what `export` and the round-trip tests need).
pub fn load_document(doc_dir: &Path, opts: &Options, sources: &SourceMap) -> Result<Document> {
    let files = load::DocFiles::open(doc_dir)?;
    let root = Root::find(files.dir(), opts.root.as_deref())?;
    let loaded = load::load_files(&files, &root.forms(sources)?, sources)?;
    Ok(loaded.document)
}

/// Loads a document folder; when some files do not parse, the rules still
/// run on those that did, so one `check` reports every problem.
fn load_checked(files: &load::DocFiles, forms: &Registry, sources: &SourceMap) -> Result<Loaded> {
    match load::load_files_partial(files, forms, sources) {
        (Some(loaded), errors) if errors.is_empty() => Ok(loaded),
        (partial, mut errors) => {
            if let Some(loaded) = partial {
                errors.extend(loaded.warnings.iter().cloned());
                let found = rules::findings(&loaded.document);
                errors.extend(rules::locate_all(found, &loaded, sources));
            }
            Err(Diagnostics(errors))
        }
    }
}

/// The fonts for a document: `reuse` if loaded for the same folders.
fn fonts_for(
    root: &Root,
    opts: &Options,
    loaded: &Loaded,
    reuse: Option<&LoadedFonts>,
) -> Result<LoadedFonts> {
    let key = FontKey::new(root, opts, loaded.document.style.system_fonts);
    match reuse.filter(|f| f.key == key) {
        Some(f) => Ok(f.clone()),
        None => LoadedFonts::load(key),
    }
}

/// A typeset document and every warning of its build.
pub struct Typeset {
    /// The laid-out pages.
    pub(crate) document: PagedDocument,
    /// The document folder (for the deadline's message).
    dir: PathBuf,
    /// The rules' findings (see [`Prepared::report`]), then Typst's warnings.
    pub(crate) warnings: Vec<Diagnostic>,
    date: Option<BuildDate>,
    standards: Vec<Standard>,
}

impl Typeset {
    /// The laid-out pages (what tests measure glyph positions on).
    pub fn document(&self) -> &PagedDocument {
        &self.document
    }

    /// The PDF bytes, stamped with the build date if there is one, in the
    /// standards asked for.
    pub fn pdf(&self) -> Result<Vec<u8>> {
        let _deadline = crate::limits::arm(&self.dir);
        export::pdf(&self.document, self.date.as_ref(), &self.standards)
    }

    /// The OFD package of the same pages, dated like the PDF.
    pub fn ofd(&self) -> Result<Vec<u8>> {
        let _deadline = crate::limits::arm(&self.dir);
        crate::typeset::ofd::ofd(&self.document, self.date.as_ref())
    }
}

impl Prepared {
    /// The document, unless the rules found an error: then their report.
    pub fn accepted(self) -> Result<Self> {
        if self.has_errors() {
            return Err(Diagnostics(self.report));
        }
        Ok(self)
    }

    /// Typesets the generated source in a new world; `main_path` is how it
    /// is named in messages. An `Err` holds Typst's errors and warnings.
    pub fn typeset(&self, main_path: &Path, sources: &SourceMap) -> Result<Typeset> {
        self.typeset_in(&self.world(), main_path, sources)
    }

    /// Like [`Prepared::typeset`], in a world from [`Prepared::world`] or
    /// one kept and pointed at this document by [`Prepared::update_world`].
    pub(crate) fn typeset_in(
        &self,
        world: &JixiaoWorld,
        main_path: &Path,
        sources: &SourceMap,
    ) -> Result<Typeset> {
        let origin = Origin {
            main_path,
            templates: &self.template_files,
        };
        self.finish(world, &origin, self.report.clone(), sources)
    }

    /// Typesets another source (the visual diff's comparison pages) with
    /// this document's fonts, templates and date, reading data from `data_dir`.
    pub(crate) fn typeset_other(
        &self,
        main: String,
        data_dir: &Path,
        main_path: &Path,
        sources: &SourceMap,
    ) -> Result<Typeset> {
        let mut world = self.new_world(data_dir);
        world.set_main(main);
        let origin = Origin {
            main_path,
            templates: &[],
        };
        self.finish(&world, &origin, Vec::new(), sources)
    }

    /// Compiles and puts Typst's warnings after `warnings`.
    fn finish(
        &self,
        world: &JixiaoWorld,
        origin: &Origin,
        mut warnings: Vec<Diagnostic>,
        sources: &SourceMap,
    ) -> Result<Typeset> {
        let compiled = {
            let _deadline = crate::limits::arm(&self.loaded.dir);
            compile::compile(world, sources, origin)?
        };
        warnings.extend(compiled.warnings);
        Ok(Typeset {
            document: compiled.document,
            dir: self.loaded.dir.clone(),
            warnings,
            date: self.date,
            standards: self.standards.clone(),
        })
    }

    /// A Typst world for this document.
    pub(crate) fn world(&self) -> JixiaoWorld {
        let mut world = self.new_world(&self.loaded.dir);
        world.set_data_memory(self.loaded.files.memory());
        self.update_world(&mut world);
        world
    }

    fn new_world(&self, data_dir: &Path) -> JixiaoWorld {
        JixiaoWorld::new(
            self.fonts.set.clone(),
            self.root.templates().as_deref(),
            data_dir,
        )
    }

    /// Points a world made for the same folders and fonts at this source
    /// and date, making it re-read files; its incremental cache stays.
    pub(crate) fn update_world(&self, world: &mut JixiaoWorld) {
        world.reset_files();
        world.set_main(self.typst.clone());
        world.set_today(self.date.as_ref().map(BuildDate::today));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fresh folder tree for one test, removed at the end.
    struct Tree(PathBuf);

    impl Tree {
        fn new(name: &str, dirs: &[&str]) -> Self {
            let root =
                std::env::temp_dir().join(format!("jixiao-root-{name}-{}", std::process::id()));
            let _ = std::fs::remove_dir_all(&root);
            for d in dirs {
                std::fs::create_dir_all(root.join(d)).unwrap();
            }
            Self(root.canonicalize().unwrap())
        }
    }

    impl Drop for Tree {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    #[test]
    fn a_project_is_the_folder_above_data_or_with_templates_or_fonts() {
        let t = Tree::new("data", &["office/data/2025/a"]);
        let doc = t.0.join("office/data/2025/a");
        let root = Root::find(&doc, None).unwrap();
        assert_eq!(root.dir, t.0.join("office"));
        assert_eq!(root.templates(), None);
        assert_eq!(root.default_output(&doc), t.0.join("office/out/2025/a.pdf"));

        let t = Tree::new("fonts", &["p/fonts", "p/docs/b"]);
        let doc = t.0.join("p/docs/b");
        let root = Root::find(&doc, None).unwrap();
        assert_eq!(root.fonts(), Some(t.0.join("p/fonts")));
        assert_eq!(root.default_output(&doc), t.0.join("p/out/b.pdf"));
    }

    #[test]
    fn a_lone_document_is_written_beside_its_folder() {
        let t = Tree::new("lone", &["x/c"]);
        let doc = t.0.join("x/c");
        let root = Root::find(&doc, None).unwrap();
        assert_eq!((root.templates(), root.fonts()), (None, None));
        assert_eq!(root.default_output(&doc), t.0.join("x/c.pdf"));
        // A dot in the folder's name is kept: shi.xinfang → shi.xinfang.pdf.
        let t = Tree::new("dotted", &["x/shi.xinfang", "p/data/2025/a.b"]);
        let doc = t.0.join("x/shi.xinfang");
        let root = Root::find(&doc, None).unwrap();
        assert_eq!(root.default_output(&doc), t.0.join("x/shi.xinfang.pdf"));
        let doc = t.0.join("p/data/2025/a.b");
        let root = Root::find(&doc, None).unwrap();
        assert_eq!(root.default_output(&doc), t.0.join("p/out/2025/a.b.pdf"));
    }

    #[test]
    fn neither_the_document_nor_home_nor_the_root_folder_is_a_project() {
        let t = Tree::new("own", &["x/doc/fonts", "home/data/2025/d", "home/p/data/e"]);
        let doc = t.0.join("x/doc");
        std::fs::write(doc.join("document.toml"), "").unwrap();
        let root = Root::search(&doc, None);
        assert_eq!(root.default_output(&doc), t.0.join("x/doc.pdf"));
        let home = t.0.join("home");
        let d = home.join("data/2025/d");
        assert_eq!(
            Root::search(&d, Some(&home)).default_output(&d),
            home.join("data/2025/d.pdf")
        );
        let e = home.join("p/data/e");
        assert_eq!(
            Root::search(&e, Some(&home)).default_output(&e),
            home.join("p/out/e.pdf")
        );
        // `/data/x` has `/` above its `data/`: still a lone document.
        let lone = Root::search(Path::new("/data/x"), None);
        assert_eq!(
            lone.default_output(Path::new("/data/x")),
            Path::new("/data/x.pdf")
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_shared_scratch_folder_is_no_project() {
        use std::os::unix::fs::PermissionsExt;
        let t = Tree::new(
            "shared",
            &[
                "tmp/templates",
                "tmp/p/data/d",
                "tmp/q/fonts",
                "tmp/q/data/d",
                "usb/templates",
                "usb/data/d",
            ],
        );
        let mode = |p: &str, m: u32| {
            std::fs::set_permissions(t.0.join(p), std::fs::Permissions::from_mode(m)).unwrap()
        };
        mode("tmp", 0o1777);
        // As /tmp: its templates/ (anyone's) do not make it a project.
        let d = t.0.join("tmp/p/data/d");
        assert_eq!(Root::search(&d, None).dir, t.0.join("tmp/p"));
        mode("tmp/p", 0o1777);
        assert_eq!(
            Root::search(&d, None).default_output(&d),
            d.with_added_extension("pdf")
        );
        // A fonts/ of that kind is not the project's either.
        mode("tmp/q/fonts", 0o1777);
        let e = t.0.join("tmp/q/data/d");
        let root = Root::search(&e, None);
        assert_eq!(root.dir, t.0.join("tmp/q"), "its data/ still makes it one");
        assert_eq!(root.fonts(), None);
        // Everything writable by everyone without the sticky bit, as a FAT
        // stick shows it: a project like any other.
        for p in ["usb", "usb/templates", "usb/data", "usb/data/d"] {
            mode(p, 0o777);
        }
        let u = t.0.join("usb/data/d");
        let root = Root::search(&u, None);
        assert_eq!(root.dir, t.0.join("usb"));
        assert!(root.templates().is_some());
    }

    #[test]
    fn an_explicit_root_must_be_a_folder() {
        let t = Tree::new("explicit", &["p"]);
        assert!(Root::find(&t.0, Some(&t.0.join("p"))).is_ok());
        let err = Root::find(&t.0, Some(&t.0.join("missing"))).unwrap_err();
        assert!(err.0[0].message.contains("不是文件夹"), "{:?}", err.0[0]);
    }
}
