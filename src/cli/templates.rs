//! `jixiao templates`: the templates and forms built into the binary, listed
//! with what the project overrides, or written out for customising.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Subcommand};

use crate::input::form::{BUILTIN as BUILTIN_FORMS, FORMS_DIR};
use crate::pipeline::Root;
use crate::report::diag::{Diagnostic, Diagnostics, SourceMap};
use crate::report::escape::one_line;
use crate::report::stdio::status;
use crate::typeset::builtin::TEMPLATES;

/// Arguments of `jixiao templates`.
#[derive(Debug, Args)]
pub struct TemplatesArgs {
    /// What to do (default: list).
    #[command(subcommand)]
    pub action: Option<Action>,
    /// Project folder whose templates/ to compare (default: found above the current folder).
    #[arg(long, value_name = "DIR", global = true)]
    pub root: Option<PathBuf>,
}

/// What `jixiao templates` does.
#[derive(Debug, Subcommand)]
pub enum Action {
    /// List the built-in files and which the project's templates/ overrides (列出模板).
    List,
    /// Write the built-in templates and forms into DIR for customising (导出内置模板).
    Export(ExportArgs),
}

/// Arguments of `jixiao templates export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The folder to write into, usually the project's templates/.
    pub dir: PathBuf,
    /// Replace files that already exist there.
    #[arg(long)]
    pub force: bool,
}

/// Runs `jixiao templates`.
pub fn run(args: &TemplatesArgs) -> ExitCode {
    let sources = SourceMap::default();
    let result = match &args.action {
        None | Some(Action::List) => list(args.root.as_deref()),
        Some(Action::Export(export)) => write_out(export),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(d) => {
            sources.print(&d.0);
            ExitCode::from(2)
        }
    }
}

/// Every built-in file: its path relative to `templates/`, and its bytes.
pub(crate) fn builtin_files() -> Vec<(PathBuf, &'static str)> {
    let templates = TEMPLATES.iter().map(|(n, t)| (PathBuf::from(n), *t));
    let forms = BUILTIN_FORMS
        .iter()
        .map(|(n, t)| (Path::new(FORMS_DIR).join(format!("{n}.toml")), *t));
    templates.chain(forms).collect()
}

/// Prints each built-in file and whether the project's copy replaces it.
fn list(root: Option<&Path>) -> Result<(), Diagnostics> {
    let cwd = std::env::current_dir().unwrap_or_default();
    let project = Root::find(&cwd, root)?.templates();
    let mut out = String::new();
    for (rel, _) in builtin_files() {
        let own = project
            .as_ref()
            .map(|d| d.join(&rel))
            // A link counts even when it points nowhere: the build reads
            // (and then refuses) it instead of the built-in file.
            .filter(|p| p.symlink_metadata().is_ok());
        let from = match own {
            Some(p) => format!("项目文件 {}", one_line(&p.display().to_string())),
            None => "内置".to_string(),
        };
        out.push_str(&format!("{}  {from}\n", rel.display()));
    }
    crate::report::stdio::out(&out);
    Ok(())
}

/// Writes every built-in file below `dir`. Nothing is written when one of
/// them exists already (unless `--force`), when one is a link (even with
/// `--force`: the write would land wherever it points) or when a folder
/// cannot be made.
fn write_out(args: &ExportArgs) -> Result<(), Diagnostics> {
    let files = builtin_files();
    let targets: Vec<PathBuf> = files.iter().map(|(rel, _)| args.dir.join(rel)).collect();
    let named = |keep: &dyn Fn(&std::fs::Metadata) -> bool| -> Vec<String> {
        targets
            .iter()
            .filter(|p| p.symlink_metadata().is_ok_and(|m| keep(&m)))
            .map(|p| format!("“{}”", one_line(&p.display().to_string())))
            .collect()
    };
    crate::input::confine::no_link_to(&args.dir)?;
    // A folder on the way (forms/) that is a link would carry files too.
    let on_way = targets.iter().find_map(|p| {
        let folder = p.parent()?;
        crate::input::confine::link_inside(&args.dir, folder).map(|l| (p, l))
    });
    if let Some((path, link)) = on_way {
        return Err(crate::input::confine::link_refused(path, &link).into());
    }
    let links = named(&|m| m.file_type().is_symlink());
    if !links.is_empty() {
        return Err(
            Diagnostic::error(format!("不写入链接：{}", links.join("、")))
                .with_hint("这些文件是符号链接，写入会改动它们指向的文件；请删除链接或换一个文件夹")
                .into(),
        );
    }
    let existing = named(&|_| true);
    if !args.force && !existing.is_empty() {
        return Err(
            Diagnostic::error(format!("不覆盖已有的文件：{}", existing.join("、")))
                .with_hint("换一个文件夹，或加 --force 用内置版本覆盖它们")
                .into(),
        );
    }
    for dir in targets.iter().filter_map(|p| p.parent()) {
        std::fs::create_dir_all(dir)
            .map_err(|e| crate::report::diag::io_error("创建文件夹", dir, &e))?;
    }
    for (path, (_, text)) in targets.iter().zip(&files) {
        crate::typeset::export::write_atomic(path, text.as_bytes())?;
        status!("已写出 {}", one_line(&path.display().to_string()));
    }
    status!(
        "把这些文件放在项目的 templates/ 中即可覆盖内置版本；不需要修改的文件可以删去（删去后使用内置版本）。"
    );
    Ok(())
}
