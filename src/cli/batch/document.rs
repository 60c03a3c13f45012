//! One document of a batch: the resources it shares with the documents that
//! read the same templates and fonts (forms and fonts, loaded once), where
//! it writes, and its
//! build or check, which never prints (the batch prints every document's
//! diagnostics together afterwards).

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::{Mode, Outputs};
use crate::batch::Facts;
#[cfg(test)]
use crate::cli::output::Wanted;
use crate::cli::output::{self, Plan, Sink};
use crate::cli::{build, check};
use crate::input::form::Registry;
use crate::input::load::DocFiles;
use crate::pipeline::{self, FontKey, LoadedFonts, Options, Prepared, Root};
use crate::report::diag::{self, Diagnostic, Diagnostics, Result, SourceMap, display_path};

/// What the documents reading the same templates and fonts share.
pub(super) struct Shared {
    forms: Registry,
    fonts: LoadedFonts,
}

impl Shared {
    /// Loads the forms and the fonts of `root` once for all documents
    /// that read the same templates and fonts.
    fn load(root: &Root, opts: &Options, sources: &SourceMap) -> Result<Self> {
        let forms = root.forms(sources)?;
        // The key `pipeline::prepare_reusing` compares: the same folders,
        // and the system's fonts only when asked for on the command line
        // (a document that asks for them in its style loads its own).
        let fonts = LoadedFonts::load(FontKey::new(root, opts, false))?;
        Ok(Self { forms, fonts })
    }
}

/// A document to build or check.
pub(super) struct Job {
    /// The document folder.
    pub(super) dir: PathBuf,
    /// Its path relative to the batch folder, `/`-separated, as shown.
    pub(super) rel: String,
    /// Its path relative to the batch folder, as it is.
    below: PathBuf,
    root: std::result::Result<Root, Diagnostics>,
    shared: std::result::Result<Arc<Shared>, Diagnostics>,
    plan: Option<std::result::Result<Plan, Diagnostics>>,
}

/// How a document ended.
pub(super) struct Done {
    /// The document folder.
    pub(super) dir: PathBuf,
    /// Its path relative to the batch folder.
    pub(super) rel: String,
    /// Its diagnostics, in the order they are printed.
    pub(super) diags: Vec<Diagnostic>,
    /// Its facts, when its data was read.
    pub(super) facts: Option<Facts>,
    /// The facts of the files that parsed, when it failed to load (one bad
    /// project file): its 项目编码 are still compared across documents.
    pub(super) seen: Option<Facts>,
    /// Its page count, when it typeset.
    pub(super) pages: Option<usize>,
    /// The outputs written.
    pub(super) written: Vec<Sink>,
    /// Whether it failed.
    pub(super) failed: bool,
}

/// The jobs of the document folders `docs` below `top`: each with the
/// shared resources of its root and, for a build, its outputs.
pub(super) fn jobs(
    top: &Path,
    docs: &[PathBuf],
    mode: &Mode,
    opts: &Options,
    sources: &SourceMap,
) -> Vec<Job> {
    // Keyed by what the resources are read from, not by the root: documents
    // outside any project each have a root of their own, and share all.
    // With the first document that reads them: a broken form file is
    // reported there in full, and the others refer to it.
    let mut shared: HashMap<_, (Result<Arc<Shared>>, String)> = HashMap::new();
    let mut jobs: Vec<Job> = docs
        .iter()
        .map(|dir| {
            let below = dir.strip_prefix(top).unwrap_or(dir).to_path_buf();
            let rel = shown(&below);
            let root = Root::find(dir, opts.root.as_deref());
            let resources = root.clone().and_then(|root| {
                let key = (root.templates(), root.fonts());
                match shared.get(&key) {
                    Some((Ok(s), _)) => Ok(Arc::clone(s)),
                    Some((Err(_), first)) => Err(same_error(first)),
                    None => {
                        let loaded = Shared::load(&root, opts, sources).map(Arc::new);
                        shared.insert(key, (loaded.clone(), rel.clone()));
                        loaded
                    }
                }
            });
            Job {
                dir: dir.clone(),
                rel,
                below,
                root,
                shared: resources,
                plan: None,
            }
        })
        .collect();
    if let Mode::Build(outputs) = mode {
        plan_outputs(&mut jobs, outputs);
    }
    jobs
}

/// The error of a document whose templates or fonts failed to load for
/// an earlier document (`first`), where the error is printed in full.
fn same_error(first: &str) -> Diagnostics {
    let first = crate::report::escape::one_line(first).into_owned();
    Diagnostic::error(format!(
        "模板或字体有错误（与文档“{first}”的相同，见该文档），本文档未处理"
    ))
    .with_hint("改正该错误后，所有用这些模板和字体的文档都会一起处理")
    .into()
}

/// A path below the batch folder as shown, with `/` between the parts.
fn shown(below: &Path) -> String {
    let parts: Vec<String> = below
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    parts.join("/")
}

/// Gives each job its outputs: the document's default output, or the
/// mirror of its relative path below the `-o` folder. An output inside a
/// document folder of the batch, or the same file as another document's,
/// is refused for that document.
fn plan_outputs(jobs: &mut [Job], outputs: &Outputs) {
    let folders: HashSet<PathBuf> = jobs
        .iter()
        .filter_map(|j| j.dir.canonicalize().ok())
        .collect();
    let mut taken: HashMap<PathBuf, String> = HashMap::new();
    for job in jobs.iter_mut() {
        let Ok(root) = &job.root else { continue };
        let plan = match &outputs.folder {
            Some(folder) => Ok(mirror(folder, &job.below, outputs)),
            None => {
                let default = root.default_output(&job.dir);
                output::plan(None, outputs.wanted, &default)
            }
        };
        job.plan = Some(plan.and_then(|plan| {
            claim(&plan, &job.rel, &folders, &mut taken)?;
            Ok(plan)
        }));
    }
}

/// The outputs of a document below the `-o` folder: `<folder>/<below>.pdf`.
/// Built from the folder names as they are, not as shown: two names that
/// are not UTF-8 (GBK from an old archive) may show the same.
fn mirror(folder: &Path, below: &Path, outputs: &Outputs) -> Plan {
    let file = |ext: &str| {
        let mut name = folder.join(below).into_os_string();
        name.push(".");
        name.push(ext);
        Sink::File(PathBuf::from(name))
    };
    Plan {
        pdf: outputs.wanted.pdf.then(|| file("pdf")),
        typ: outputs.wanted.typ.then(|| file("typ")),
        ofd: outputs.wanted.ofd.then(|| file("ofd")),
    }
}

/// Refuses an output inside a document folder or already another's.
fn claim(
    plan: &Plan,
    rel: &str,
    folders: &HashSet<PathBuf>,
    taken: &mut HashMap<PathBuf, String>,
) -> Result<()> {
    for sink in plan.sinks() {
        let Sink::File(path) = sink else { continue };
        let real = output::real_target(path);
        if let Some(doc) = real.ancestors().skip(1).find(|a| folders.contains(*a)) {
            return Err(Diagnostic::error(format!(
                "不能写入“{}”：它在文档文件夹“{}”中",
                path.display(),
                display_path(doc)
            ))
            .with_hint("请用 -o 指定文档文件夹以外的文件夹，例如 -o dist/")
            .into());
        }
        if let Some(other) = taken.insert(real, rel.to_string()) {
            return Err(Diagnostic::error(format!(
                "不能写入“{}”：文档“{other}”的输出也写到这里",
                path.display()
            ))
            .with_hint("同名的文档文件夹默认输出到同一文件；请用 -o 文件夹/，按相对路径分别写入")
            .into());
        }
    }
    Ok(())
}

impl Job {
    /// Builds or checks the document; prints nothing.
    pub(super) fn run(
        &self,
        mode: &Mode,
        opts: &Options,
        font_paths: &[PathBuf],
        sources: &SourceMap,
    ) -> Done {
        let mut done = Done {
            dir: self.dir.clone(),
            rel: self.rel.clone(),
            diags: Vec::new(),
            facts: None,
            seen: None,
            pages: None,
            written: Vec::new(),
            failed: true,
        };
        let prepared = self.prepare(opts, sources);
        let prepared = match prepared {
            Ok(p) => p,
            Err(d) => {
                done.diags = d.0;
                if let Mode::Check { .. } = mode {
                    done.seen = self.partial_facts(sources);
                }
                return done;
            }
        };
        done.facts = Some(Facts::of(&prepared.loaded, sources));
        match mode {
            Mode::Build(_) => self.build(prepared, font_paths, sources, &mut done),
            Mode::Check { deny_warnings } => {
                (done.diags, done.pages) = check::typeset_findings(&prepared, sources);
                let (errors, warnings, _) = diag::counts(&done.diags);
                done.failed = errors > 0 || (*deny_warnings && warnings > 0);
            }
        }
        done
    }

    fn prepare(&self, opts: &Options, sources: &SourceMap) -> Result<Prepared> {
        let shared = self.shared.as_ref().map_err(Clone::clone)?;
        let files = DocFiles::open(&self.dir)?;
        pipeline::prepare_files(
            &files,
            Some(&shared.forms),
            opts,
            sources,
            Some(&shared.fonts),
            None,
        )
    }

    /// The facts of what parses of a document that failed to load.
    fn partial_facts(&self, sources: &SourceMap) -> Option<Facts> {
        let shared = self.shared.as_ref().ok()?;
        let files = DocFiles::open(&self.dir).ok()?;
        let (loaded, _) = crate::input::load::load_files_partial(&files, &shared.forms, sources);
        Some(Facts::of(&loaded?, sources))
    }

    fn build(
        &self,
        prepared: Prepared,
        font_paths: &[PathBuf],
        sources: &SourceMap,
        done: &mut Done,
    ) {
        let plan = match &self.plan {
            Some(Ok(plan)) => plan,
            Some(Err(d)) => return done.diags = d.0.clone(),
            None => return,
        };
        let prepared = match prepared.accepted() {
            Ok(p) => p,
            Err(d) => return done.diags = d.0,
        };
        match build::finish(&prepared, plan, font_paths, sources) {
            Ok(built) => {
                done.diags = built.warnings;
                done.pages = built.pages;
                done.written = built.written;
                done.failed = false;
            }
            Err(failed) => {
                done.diags = failed.diags.0;
                done.written = failed.written;
                done.pages = failed.pages;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fonts loaded once per root are the ones every document uses:
    /// `prepare_files` takes them instead of scanning the folders again.
    #[test]
    fn documents_reuse_the_shared_fonts() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/2025/chengde-xinfang");
        let (opts, sources) = (Options::default(), SourceMap::default());
        let root = Root::find(&dir, None).unwrap();
        let shared = Shared::load(&root, &opts, &sources).unwrap();
        let job = Job {
            dir: dir.clone(),
            rel: "x".into(),
            below: PathBuf::from("x"),
            root: Ok(root),
            shared: Ok(Arc::new(shared)),
            plan: None,
        };
        let prepared = job.prepare(&opts, &sources).unwrap();
        let shared = job.shared.as_ref().unwrap();
        assert!(Arc::ptr_eq(&prepared.fonts.set, &shared.fonts.set));
    }

    #[test]
    fn mirrored_outputs_keep_the_relative_path() {
        let outputs = Outputs {
            folder: Some(PathBuf::from("dist/")),
            wanted: Wanted {
                pdf: true,
                typ: true,
                ofd: false,
            },
        };
        let plan = mirror(Path::new("dist/"), Path::new("2025/a.b"), &outputs);
        assert_eq!(
            plan.pdf,
            Some(Sink::File(PathBuf::from("dist/2025/a.b.pdf")))
        );
        assert_eq!(
            plan.typ,
            Some(Sink::File(PathBuf::from("dist/2025/a.b.typ")))
        );
        assert_eq!(shown(Path::new("2025/x")), "2025/x");
    }

    /// Two GBK folder names are shown alike (U+FFFD for each byte that is
    /// not UTF-8) but written to two files.
    #[cfg(unix)]
    #[test]
    fn names_that_are_not_utf8_keep_their_own_output() {
        use std::os::unix::ffi::OsStrExt;
        let outputs = Outputs {
            folder: Some(PathBuf::from("dist/")),
            wanted: Wanted {
                pdf: true,
                ..Wanted::default()
            },
        };
        // 财政 and 民政 in GBK.
        let (a, b) = (b"\xb2\xc6\xd5\xfe", b"\xc3\xf1\xd5\xfe");
        let a = Path::new(std::ffi::OsStr::from_bytes(a));
        let b = Path::new(std::ffi::OsStr::from_bytes(b));
        assert_eq!(shown(a), shown(b));
        let (pa, pb) = (
            mirror(Path::new("dist"), a, &outputs),
            mirror(Path::new("dist"), b, &outputs),
        );
        assert_ne!(pa.pdf, pb.pdf);
        let Some(Sink::File(pa)) = pa.pdf else {
            panic!("no pdf")
        };
        assert_eq!(pa.as_os_str().as_bytes(), b"dist/\xb2\xc6\xd5\xfe.pdf");
    }
}
