//! The pipeline in order: load data → resolve style → fonts → render Typst
//! source → compile → PDF. Commands call these stages; nothing here prints.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::checks;
use crate::compile::{self, Compiled, Origin};
use crate::diag::{Diagnostic, Diagnostics, Result, SourceMap};
use crate::fonts::FontSet;
use crate::form::Registry;
use crate::load::{self, Loaded};
use crate::render::{self, MAIN_TEMPLATE, Templates};
use crate::stamp::{self, BuildDate};
use crate::style;
use crate::world::JixiaoWorld;

/// The folders a build reads besides the data: templates and fonts.
#[derive(Debug, Clone)]
pub struct Root {
    /// The project root (holds `templates/`, `fonts/`, `out/`).
    pub dir: PathBuf,
}

impl Root {
    /// Finds the project root: `explicit`, else the nearest folder above
    /// `start` holding `templates/` and `fonts/`, else the source tree this
    /// binary was built from.
    pub fn find(start: &Path, explicit: Option<&Path>) -> Result<Self> {
        if let Some(dir) = explicit {
            return Self::check(dir);
        }
        let start = start.canonicalize().unwrap_or_else(|_| start.to_path_buf());
        let found = start.ancestors().find(|d| is_root(d));
        let built_in = Path::new(env!("CARGO_MANIFEST_DIR"));
        let dir = found.unwrap_or(built_in);
        Self::check(dir)
    }

    fn check(dir: &Path) -> Result<Self> {
        if is_root(dir) {
            Ok(Self {
                dir: dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf()),
            })
        } else {
            Err(Diagnostic::error(format!(
                "“{}”不是 jixiao 项目文件夹（缺少 templates/{MAIN_TEMPLATE} 或 fonts/）",
                dir.display()
            ))
            .with_hint("请在 jixiao 项目中运行，或用 --root 指定包含 templates/ 和 fonts/ 的文件夹")
            .into())
        }
    }

    /// The Tera and Typst templates.
    pub fn templates(&self) -> PathBuf {
        self.dir.join("templates")
    }

    /// The forms: built-in ones and those of `templates/forms/`.
    pub fn forms(&self, sources: &SourceMap) -> Result<Registry> {
        Registry::load(&self.templates(), sources)
    }

    /// The shipped fonts.
    pub fn fonts(&self) -> PathBuf {
        self.dir.join("fonts")
    }

    /// The default output path of a document folder: `out/<path below data/>.pdf`.
    pub fn default_output(&self, doc_dir: &Path) -> PathBuf {
        let doc = doc_dir
            .canonicalize()
            .unwrap_or_else(|_| doc_dir.to_path_buf());
        let below = doc
            .strip_prefix(self.dir.join("data"))
            .map(Path::to_path_buf)
            .unwrap_or_else(|_| PathBuf::from(doc.file_name().unwrap_or_default()));
        self.dir.join("out").join(below).with_extension("pdf")
    }
}

fn is_root(dir: &Path) -> bool {
    dir.join("templates").join(MAIN_TEMPLATE).is_file() && dir.join("fonts").is_dir()
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
}

/// A document loaded and rendered to Typst source, ready to compile.
pub struct Prepared {
    /// The project root used.
    pub root: Root,
    /// The loaded data.
    pub loaded: Loaded,
    /// The generated Typst source.
    pub typst: String,
    /// The Tera templates it was rendered from.
    pub template_files: Vec<PathBuf>,
    /// The fonts.
    pub fonts: LoadedFonts,
    /// The build date (from the data or `SOURCE_DATE_EPOCH`), if any.
    pub date: Option<BuildDate>,
    /// What the domain rules found (errors among them stop a build, not a check).
    pub report: Vec<Diagnostic>,
}

/// The font folders and system switch a font set was loaded for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FontKey {
    /// Font folders in search order (`--font-path` ones, then the shipped).
    pub dirs: Vec<PathBuf>,
    /// Whether the system's fonts are included.
    pub system: bool,
}

/// A loaded font set and what it was loaded for.
#[derive(Clone)]
pub struct LoadedFonts {
    /// What was loaded.
    pub key: FontKey,
    /// The fonts.
    pub set: Arc<FontSet>,
}

impl Prepared {
    /// Whether the rules found an error.
    pub fn has_errors(&self) -> bool {
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
    prepare_reusing(doc_dir, opts, sources, None)
}

/// Like [`prepare`], but reuses `fonts` when they were loaded for the same
/// folders and system switch (a long-running `watch` keeps them).
pub fn prepare_reusing(
    doc_dir: &Path,
    opts: &Options,
    sources: &SourceMap,
    fonts: Option<&LoadedFonts>,
) -> Result<Prepared> {
    prepare_files(&load::DocFiles::open(doc_dir)?, opts, sources, fonts)
}

/// Like [`prepare_reusing`] for a document on disk or in memory (a git
/// revision).
pub fn prepare_files(
    files: &load::DocFiles,
    opts: &Options,
    sources: &SourceMap,
    fonts: Option<&LoadedFonts>,
) -> Result<Prepared> {
    let root = Root::find(files.dir(), opts.root.as_deref())?;
    let forms = root.forms(sources)?;
    let loaded = load_checked(files, &forms, sources)?;
    let mut fatal = Vec::new();
    let style = style::resolve(&loaded.document.style).map_err(|d| fatal.extend(d.0));
    let date = stamp::resolve(loaded.document.date).map_err(|d| fatal.extend(d.0));
    let fonts = fonts_for(&root, opts, &loaded, fonts)?;
    if let Ok(style) = &style {
        fatal.extend(fonts.set.check_roles(&style.fonts));
    }
    let mut report = loaded.warnings.clone();
    report.extend(checks::run(&loaded, Some(&fonts.set), sources));
    let templates = Templates::load(&root.templates(), sources).map_err(|d| fatal.extend(d.0));
    let (Ok(style), Ok(date), Ok(templates), true) = (style, date, templates, fatal.is_empty())
    else {
        fatal.append(&mut report);
        loaded.locate(sources, &mut fatal);
        return Err(Diagnostics(fatal));
    };
    let view = render::view(&loaded.document, style);
    let typst = templates.render(&view, sources)?;
    loaded.locate(sources, &mut report);
    Ok(Prepared {
        root,
        loaded,
        typst,
        template_files: templates.files().to_vec(),
        fonts,
        date,
        report,
    })
}

/// Loads a document folder; when some files do not parse, the rules still
/// run on those that did, so one `check` reports every problem.
fn load_checked(files: &load::DocFiles, forms: &Registry, sources: &SourceMap) -> Result<Loaded> {
    match load::load_files_partial(files, forms, sources) {
        (Some(loaded), errors) if errors.is_empty() => Ok(loaded),
        (partial, mut errors) => {
            if let Some(loaded) = partial {
                errors.extend(loaded.warnings.iter().cloned());
                let found = checks::findings(&loaded.document);
                errors.extend(checks::locate_all(found, &loaded, sources));
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
    let mut dirs = opts.font_dirs.clone();
    dirs.push(root.fonts());
    let key = FontKey {
        dirs,
        system: opts.system_fonts || loaded.document.style.system_fonts,
    };
    if let Some(f) = reuse.filter(|f| f.key == key) {
        return Ok(f.clone());
    }
    let dirs: Vec<&Path> = key.dirs.iter().map(PathBuf::as_path).collect();
    let set = Arc::new(FontSet::load(&dirs, key.system)?);
    Ok(LoadedFonts { key, set })
}

impl Prepared {
    /// A Typst world for this document.
    pub fn world(&self) -> JixiaoWorld {
        let mut world = JixiaoWorld::new(
            self.fonts.set.clone(),
            &self.root.templates(),
            &self.loaded.dir,
        );
        world.set_data_memory(self.loaded.files.memory());
        self.update_world(&mut world);
        world
    }

    /// Points a world made for the same folders and fonts at this source
    /// and date, making it re-read files; its incremental cache stays.
    pub fn update_world(&self, world: &mut JixiaoWorld) {
        world.reset_files();
        world.set_main(self.typst.clone());
        world.set_today(self.date.as_ref().map(BuildDate::today));
    }

    /// Compiles the generated source; `main_path` is how it is named in messages.
    pub fn compile(
        &self,
        world: &JixiaoWorld,
        main_path: &Path,
        sources: &SourceMap,
    ) -> Result<Compiled> {
        let origin = Origin {
            main_path,
            templates: &self.template_files,
        };
        compile::compile(world, sources, &origin)
    }
}
