//! Where `build` and `watch` write. Output paths follow typst-cli (`-o -` is
//! standard output, `-o DIR/` or an existing folder gets `DIR/<name>.pdf`),
//! and are checked before anything is written: no output may be an input
//! (data, templates, fonts) or lie in their folders, and no two outputs may
//! be one file.

use std::path::{Path, PathBuf};

use crate::input::confine::{link_inside, link_refused};
use crate::report::diag::{Diagnostic, Diagnostics, Result, display_path};
use crate::session::Session;
use crate::typeset::export::follow_links;

/// Where one output goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Sink {
    /// Standard output (`-o -`).
    Stdout,
    /// A file (written through any symlink).
    File(PathBuf),
}

impl Sink {
    /// How messages name it.
    pub(crate) fn shown(&self) -> String {
        match self {
            Sink::Stdout => "标准输出".to_string(),
            Sink::File(path) => {
                crate::report::escape::one_line(&path.display().to_string()).into_owned()
            }
        }
    }
}

/// The PDF, Typst-source and OFD destinations of one build, as requested.
#[derive(Debug)]
pub(crate) struct Plan {
    /// The PDF, when emitted.
    pub pdf: Option<Sink>,
    /// The generated Typst source, when emitted.
    pub typ: Option<Sink>,
    /// The OFD package, when emitted.
    pub ofd: Option<Sink>,
}

impl Plan {
    /// The destinations, in the order `-o` names them (PDF, OFD, source).
    pub(crate) fn sinks(&self) -> impl Iterator<Item = &Sink> {
        [&self.pdf, &self.ofd, &self.typ].into_iter().flatten()
    }
}

/// Why `--pdf-standard` is refused when no PDF is made (`build`, `watch`).
pub(crate) const STANDARD_WITHOUT_PDF: &str =
    "--pdf-standard 只用于 PDF，而本次不生成 PDF：请去掉它，或加上 --format pdf";

/// Which outputs a build writes (`--emit`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Wanted {
    /// The PDF.
    pub pdf: bool,
    /// The generated Typst source.
    pub typ: bool,
    /// The OFD package.
    pub ofd: bool,
}

impl Wanted {
    /// Only the PDF (or the one file a command writes in its place).
    pub(crate) const PDF: Self = Self {
        pdf: true,
        typ: false,
        ofd: false,
    };

    /// Each kind of output as (asked for, extension, name), in the order
    /// `-o` names them: the first asked for takes `-o`'s name.
    fn kinds(self) -> [(bool, &'static str, &'static str); 3] {
        [
            (self.pdf, "pdf", "PDF"),
            (self.ofd, "ofd", "OFD"),
            (self.typ, "typ", "Typst 源文件"),
        ]
    }

    /// The extension and name of the first output asked for.
    fn first(self) -> Option<(&'static str, &'static str)> {
        let first = self.kinds().into_iter().find(|k| k.0);
        first.map(|(_, ext, name)| (ext, name))
    }
}

/// Turns `-o` and `--emit` into destinations; `default` is the PDF path
/// used without `-o` (its file name also names a PDF put into a folder).
/// `-o FILE` names the first output asked for (PDF, else OFD, else the
/// source); the others go beside it with their own extension.
pub(crate) fn plan(output: Option<&Path>, wanted: Wanted, default: &Path) -> Result<Plan> {
    let pick = |sink: Sink, want: bool| want.then_some(sink);
    let Some(out) = output else {
        return Ok(Plan {
            pdf: pick(Sink::File(default.to_path_buf()), wanted.pdf),
            typ: pick(Sink::File(default.with_extension("typ")), wanted.typ),
            ofd: pick(Sink::File(default.with_extension("ofd")), wanted.ofd),
        });
    };
    if out == Path::new("-") {
        if wanted.kinds().iter().filter(|k| k.0).count() > 1 {
            return Err(Diagnostic::error("-o - 只能把一种输出写到标准输出")
                .with_hint("请只用 --emit pdf、--emit ofd 或 --emit typ，或用 -o 指定文件名")
                .into());
        }
        return Ok(Plan {
            pdf: pick(Sink::Stdout, wanted.pdf),
            typ: pick(Sink::Stdout, wanted.typ),
            ofd: pick(Sink::Stdout, wanted.ofd),
        });
    }
    let names_folder = names_folder(out);
    // Only for the document outputs (`export` plans its workbook here too).
    if !names_folder && default.extension().is_some_and(|e| e == "pdf") {
        check_extension(out, wanted)?;
    }
    let base = if names_folder {
        out.join(default.file_name().unwrap_or_default())
    } else {
        out.to_path_buf()
    };
    // `base` names the PDF (or the one file a command writes in its
    // place); `-o x.ofd --emit ofd` names the OFD itself, `-o x.typ --emit
    // typ` the source; the others go beside the first, with their extensions.
    let first = wanted.first().map(|(ext, _)| ext);
    let named = |ext: &str| {
        if ext == "pdf" || (first == Some(ext) && !names_folder) {
            base.clone()
        } else {
            base.with_extension(ext)
        }
    };
    Ok(Plan {
        pdf: pick(Sink::File(named("pdf")), wanted.pdf),
        ofd: pick(Sink::File(named("ofd")), wanted.ofd),
        typ: pick(Sink::File(named("typ")), wanted.typ),
    })
}

/// Refuses `-o x.pdf` for an OFD (or any output whose kind the file's
/// extension contradicts): `-o` names the first output asked for, and a
/// file called .pdf holding a zip would only mislead. Other extensions
/// (or none) are the user's choice.
fn check_extension(out: &Path, wanted: Wanted) -> Result<()> {
    let Some((first, name)) = wanted.first() else {
        return Ok(());
    };
    let kinds = wanted.kinds();
    let ext = out
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    let Some(ext) = ext.filter(|e| kinds.iter().any(|k| k.1 == e)) else {
        return Ok(());
    };
    if ext == first {
        return Ok(());
    }
    let right = display_path(&out.with_extension(first));
    let asked = kinds.iter().any(|k| k.0 && k.1 == ext);
    let hint = if asked {
        format!("请写 -o {right}：-o 命名第一种输出（{name}），其余输出写到同名的 .{ext} 等文件")
    } else {
        format!("请写 -o {right}，或用 --format/--emit 要求生成 {ext}")
    };
    Err(Diagnostic::error(format!(
        "-o “{}” 是 .{ext} 文件，但 -o 命名的是 {name}",
        display_path(out)
    ))
    .with_hint(hint)
    .into())
}

/// Whether `-o` names a folder: it ends in `/` or is an existing folder.
pub(crate) fn names_folder(out: &Path) -> bool {
    out.as_os_str().to_string_lossy().ends_with('/') || out.is_dir()
}

/// What no output may overwrite: input files, and folders holding inputs.
#[derive(Debug, Default)]
pub(crate) struct Inputs {
    folders: Vec<PathBuf>,
    files: Vec<PathBuf>,
    /// The project (or the folder of a lone document), where no link may
    /// be on an output's way.
    root: Option<PathBuf>,
}

impl Inputs {
    /// The data folder, the template and font folders, and files read from
    /// elsewhere (through links).
    pub(crate) fn new(folders: &[PathBuf], files: &[PathBuf]) -> Self {
        let real = |p: &PathBuf| p.canonicalize().ok();
        Self {
            folders: folders.iter().filter_map(real).collect(),
            files: files.iter().filter_map(real).collect(),
            root: None,
        }
    }

    /// Also refuses an output with a link on its way inside the project
    /// `root` (none for a lone document: its folder's parent is no project).
    pub(crate) fn within(mut self, root: Option<&Path>) -> Self {
        self.root = root.map(Path::to_path_buf);
        self
    }

    /// Refuses a plan whose outputs overwrite an input or each other.
    pub(crate) fn check(&self, plan: &Plan) -> Result<()> {
        let files: Vec<(&PathBuf, PathBuf)> = plan
            .sinks()
            .filter_map(|sink| match sink {
                Sink::File(path) => Some((path, real_target(path))),
                Sink::Stdout => None,
            })
            .collect();
        for (i, (a, ra)) in files.iter().enumerate() {
            if files[i + 1..].iter().any(|(_, rb)| rb == ra) {
                return Err(refused(a, "两种输出（PDF、OFD 或 Typst 源文件）会写到同一个文件")
                    .with_hint("请用 -o 指定第一种输出的文件名（有 PDF 时为 .pdf，否则 .ofd），其余输出会写到同名的 .ofd、.typ 文件")
                    .into());
            }
        }
        for (shown, real) in &files {
            let link = self.root.as_ref().and_then(|r| link_inside(r, shown));
            if let Some(link) = link {
                return Err(link_refused(shown, &link).into());
            }
            if let Some((why, example)) = self.clash(real) {
                let hint = format!(
                    "请用 -o 指定数据、模板和字体文件夹以外的位置，例如 {}",
                    display_path(&example)
                );
                return Err(Diagnostics::from(refused(shown, &why).with_hint(hint)));
            }
        }
        Ok(())
    }

    /// Why writing `real` is refused, and a place beside the input folder
    /// it is in (or `out/`) to suggest instead. For an input file the
    /// place suggested is the PDF named after its folder.
    fn clash(&self, real: &Path) -> Option<(String, PathBuf)> {
        let input = self.files.iter().any(|f| f == real);
        let folder = self.folders.iter().find(|d| real.starts_with(d));
        let name = real.file_name().unwrap_or("文档.pdf".as_ref());
        let why = match (input, folder) {
            (true, _) => "它是输入文件，写入会毁掉它".to_string(),
            (false, Some(folder)) => format!(
                "它在输入文件夹“{}”中，写入可能覆盖数据、模板或字体",
                display_path(folder)
            ),
            (false, None) => return None,
        };
        let example = match folder {
            Some(folder) => {
                let beside = folder.parent().unwrap_or(folder);
                match (input, folder.file_name()) {
                    (true, Some(own)) => beside.join(own).with_added_extension("pdf"),
                    _ => beside.join(name),
                }
            }
            None => Path::new("out").join(name),
        };
        Some((why, example))
    }
}

/// Where `watch` writes: the PDF and the OFD asked for.
pub(crate) struct Watched {
    /// The PDF, when asked for.
    pub pdf: Option<PathBuf>,
    /// The OFD, when asked for.
    pub ofd: Option<PathBuf>,
}

impl Watched {
    /// The files, PDF first.
    pub(crate) fn files(&self) -> Vec<PathBuf> {
        [&self.pdf, &self.ofd]
            .into_iter()
            .flatten()
            .cloned()
            .collect()
    }
}

/// Where `watch` writes (`-o` names the first output, as for `build`),
/// refused on standard output or over an input.
pub(crate) fn watched(output: Option<&Path>, wanted: Wanted, session: &Session) -> Result<Watched> {
    let plan = plan(output, wanted, &session.default_output())?;
    let file = |sink: &Option<Sink>| match sink {
        Some(Sink::Stdout) => Err(Diagnostics::from(
            Diagnostic::error("watch 不能写到标准输出").with_hint("请用 -o 指定文件名"),
        )),
        Some(Sink::File(path)) => Ok(Some(path.clone())),
        None => Ok(None),
    };
    let watched = Watched {
        pdf: file(&plan.pdf)?,
        ofd: file(&plan.ofd)?,
    };
    let root = session.root();
    let mut folders = session.font_dirs();
    folders.push(session.doc_dir().to_path_buf());
    folders.extend(root.templates());
    let mut inputs = vec![session.doc_dir().join("document.toml")];
    inputs.extend(crate::input::load::project_files(session.doc_dir()).unwrap_or_default());
    Inputs::new(&folders, &inputs)
        .within(root.project())
        .check(&plan)?;
    Ok(watched)
}

fn refused(path: &Path, why: &str) -> Diagnostic {
    Diagnostic::error(format!("不能写入“{}”：{why}", path.display()))
}

/// The absolute, link-free path a write to `path` would replace, also when
/// it or its folders do not exist yet.
pub(crate) fn real_target(path: &Path) -> PathBuf {
    let target = follow_links(path);
    let absolute = std::env::current_dir()
        .map(|cwd| cwd.join(&target))
        .unwrap_or(target);
    // Canonicalise the longest existing ancestor, then add the rest with
    // `..` resolved by hand (it cannot be asked of the file system).
    let mut rest = Vec::new();
    let mut base = absolute.as_path();
    let real_base = loop {
        if let Ok(real) = base.canonicalize() {
            break real;
        }
        match (base.parent(), base.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_os_string());
                base = parent;
            }
            _ => break base.to_path_buf(),
        }
    };
    let mut out = real_base;
    for part in rest.iter().rev() {
        out.push(part);
    }
    crate::input::scaffold::fold(&out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Over an input file, the PDF named after its folder is suggested,
    /// a dot in the folder's name kept.
    #[test]
    fn the_place_suggested_over_an_input_file_keeps_the_folder_name() {
        let top = std::env::temp_dir().join(format!("jixiao-clash-{}", std::process::id()));
        let doc = top.join("shi.xinfang");
        std::fs::create_dir_all(&doc).unwrap();
        let file = doc.join("document.toml");
        std::fs::write(&file, "").unwrap();
        let inputs = Inputs::new(std::slice::from_ref(&doc), std::slice::from_ref(&file));
        let (why, example) = inputs.clash(&file.canonicalize().unwrap()).unwrap();
        assert!(why.contains("输入文件"), "{why}");
        let top = top.canonicalize().unwrap();
        assert_eq!(example, top.join("shi.xinfang.pdf"));
        std::fs::remove_dir_all(&top).unwrap();
    }

    fn files(plan: &Plan) -> (Option<Sink>, Option<Sink>) {
        (plan.pdf.clone(), plan.typ.clone())
    }

    const BOTH: Wanted = Wanted {
        pdf: true,
        typ: true,
        ofd: false,
    };
    const TYP: Wanted = Wanted {
        pdf: false,
        typ: true,
        ofd: false,
    };

    #[test]
    fn plans_follow_typst_cli() {
        let default = Path::new("out/2025/doc.pdf");
        let file = |p: &str| Some(Sink::File(PathBuf::from(p)));
        let p = plan(None, BOTH, default).unwrap();
        assert_eq!(
            files(&p),
            (file("out/2025/doc.pdf"), file("out/2025/doc.typ"))
        );
        let p = plan(Some(Path::new("-")), Wanted::PDF, default).unwrap();
        assert_eq!(files(&p), (Some(Sink::Stdout), None));
        assert!(plan(Some(Path::new("-")), BOTH, default).is_err());
        let p = plan(Some(Path::new("dist/")), Wanted::PDF, default).unwrap();
        assert_eq!(files(&p), (file("dist/doc.pdf"), None));
        let p = plan(Some(Path::new("x.typ")), TYP, default).unwrap();
        assert_eq!(files(&p), (None, file("x.typ")));
    }

    #[test]
    fn an_ofd_goes_beside_the_pdf_or_is_named_itself() {
        let default = Path::new("out/2025/doc.pdf");
        let file = |p: &str| Some(Sink::File(PathBuf::from(p)));
        let both = Wanted {
            ofd: true,
            ..Wanted::PDF
        };
        let p = plan(None, both, default).unwrap();
        assert_eq!(
            (p.pdf, p.ofd),
            (file("out/2025/doc.pdf"), file("out/2025/doc.ofd"))
        );
        let only = Wanted { pdf: false, ..both };
        let p = plan(Some(Path::new("x.ofd")), only, default).unwrap();
        assert_eq!((p.pdf, p.ofd), (None, file("x.ofd")));
        let p = plan(Some(Path::new("dist/")), only, default).unwrap();
        assert_eq!(p.ofd, file("dist/doc.ofd"));
        assert!(plan(Some(Path::new("-")), both, default).is_err());
    }

    #[test]
    fn an_extension_that_names_another_output_is_refused() {
        let default = Path::new("out/doc.pdf");
        let ofd = Wanted {
            pdf: false,
            ofd: true,
            typ: false,
        };
        let err = plan(Some(Path::new("x.pdf")), ofd, default).unwrap_err();
        assert!(
            err.0[0]
                .message
                .contains("是 .pdf 文件，但 -o 命名的是 OFD"),
            "{err:?}"
        );
        assert!(plan(Some(Path::new("x.OFD")), Wanted::PDF, default).is_err());
        assert!(plan(Some(Path::new("x.ofd")), BOTH, default).is_err());
        // Other extensions, or none, are the user's choice.
        assert!(plan(Some(Path::new("x.bin")), ofd, default).is_ok());
        assert!(plan(Some(Path::new("x")), ofd, default).is_ok());
        assert!(plan(Some(Path::new("x.ofd")), ofd, default).is_ok());
    }

    #[test]
    fn dot_dot_below_a_missing_folder_is_resolved() {
        let cwd = std::env::current_dir().unwrap().canonicalize().unwrap();
        let got = real_target(Path::new("no-such-dir/../templates/x.typ"));
        assert_eq!(got, cwd.join("templates/x.typ"));
    }
}
