//! A long-lived build of one document: the fonts and the Typst world are kept
//! across rebuilds so that `watch` (and the rebuild benchmark) pays only for
//! what changed. Nothing here prints.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::pipeline::{self, LoadedFonts, Options, Root};
use crate::report::diag::{Diagnostic, Result, SourceMap};
use crate::typeset::render::ViewCache;
use crate::typeset::world::JixiaoWorld;

/// How many compilations an unused memoized result survives; typst-cli's
/// watch mode uses the same value.
const EVICT_AGE: usize = 10;

/// One document being rebuilt again and again.
pub struct Session {
    doc_dir: PathBuf,
    opts: Options,
    root: Root,
    sources: SourceMap,
    fonts: Option<LoadedFonts>,
    world: Option<JixiaoWorld>,
    /// The last build's table views, for the tables an edit left alone.
    views: ViewCache,
    formats: Formats,
}

/// What a rebuild exports from the typeset pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Formats {
    /// The PDF.
    pub pdf: bool,
    /// The OFD package.
    pub ofd: bool,
}

/// The result of one successful rebuild.
pub struct Rebuilt {
    /// The PDF bytes, if asked for (the default).
    pub pdf: Option<Vec<u8>>,
    /// The OFD package, if asked for ([`Session::export`]).
    pub ofd: Option<Vec<u8>>,
    /// Warnings met on the way.
    pub(crate) warnings: Vec<Diagnostic>,
}

impl Session {
    /// Starts a session for a document folder; fails only if there is no
    /// project root (templates and fonts) to build with.
    pub fn new(doc_dir: &Path, opts: Options, sources: SourceMap) -> Result<Self> {
        let root = Root::find(doc_dir, opts.root.as_deref())?;
        Ok(Self {
            doc_dir: doc_dir.to_path_buf(),
            opts,
            root,
            sources,
            fonts: None,
            world: None,
            views: ViewCache::default(),
            formats: Formats {
                pdf: true,
                ofd: false,
            },
        })
    }

    /// Chooses what each rebuild exports (the PDF only, by default).
    pub fn export(&mut self, formats: Formats) {
        self.formats = formats;
    }

    /// The project root used.
    pub(crate) fn root(&self) -> &Root {
        &self.root
    }

    /// The document folder.
    pub(crate) fn doc_dir(&self) -> &Path {
        &self.doc_dir
    }

    /// The texts diagnostics point into.
    pub(crate) fn sources(&self) -> &SourceMap {
        &self.sources
    }

    /// The folders fonts are read from (`--font-path` ones and the shipped).
    pub(crate) fn font_dirs(&self) -> Vec<PathBuf> {
        pipeline::FontKey::new(&self.root, &self.opts, false).dirs
    }

    /// Default PDF path for this document.
    pub(crate) fn default_output(&self) -> PathBuf {
        self.root.default_output(&self.doc_dir)
    }

    /// How many tables the last rebuild took unchanged from the one before
    /// instead of laying them out again.
    pub fn tables_reused(&self) -> usize {
        self.views.reused()
    }

    /// Forgets the loaded fonts, so the next rebuild scans the font folders
    /// again (a font file was added, changed or removed).
    pub(crate) fn fonts_changed(&mut self) {
        self.fonts = None;
    }

    /// Reads the data and templates again and compiles them into a PDF;
    /// `main_path` names the generated source in messages.
    pub fn rebuild(&mut self, main_path: &Path) -> Result<Rebuilt> {
        // The last build's diagnostics are printed: older file versions
        // can go (else every edit of a 1 MB file keeps another copy).
        self.sources.forget_superseded();
        let prepared = pipeline::prepare_reusing(
            &self.doc_dir,
            &self.opts,
            &self.sources,
            self.fonts.as_ref(),
            Some(&mut self.views),
        )?;
        let same_fonts = self
            .fonts
            .as_ref()
            .is_some_and(|f| Arc::ptr_eq(&f.set, &prepared.fonts.set));
        self.fonts = Some(prepared.fonts.clone());
        let prepared = prepared.accepted()?;
        // The kept world's incremental cache is what makes a rebuild fast.
        let world = match &mut self.world {
            Some(world) if same_fonts => {
                prepared.update_world(world);
                world
            }
            slot => slot.insert(prepared.world()),
        };
        let typeset = prepared.typeset_in(world, main_path, &self.sources);
        // Keep the incremental cache from growing without bound.
        typst::comemo::evict(EVICT_AGE);
        let typeset = typeset?;
        let pdf = self.formats.pdf.then(|| typeset.pdf()).transpose()?;
        let ofd = self.formats.ofd.then(|| typeset.ofd()).transpose()?;
        Ok(Rebuilt {
            pdf,
            ofd,
            warnings: typeset.warnings,
        })
    }
}
