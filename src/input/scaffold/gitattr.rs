//! The git diff driver for a new document: the `.gitattributes` line that
//! routes its data files through `jixiao textconv`, and the one `git
//! config` command to give, when the driver is not configured. `git` runs
//! only as `rev-parse --show-toplevel` and `config --get`; without git, or
//! outside a work tree, nothing happens.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use super::{absolute, relative};

/// The diff driver's name (README, "用 git 查看变化 / git diff driver").
pub(crate) const DRIVER: &str = "jixiao";

/// What was done for git, for the user.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct GitSetup {
    /// The `.gitattributes` file a line was added to, with the line.
    pub added: Option<(PathBuf, String)>,
    /// The `git config …` command to run, when the driver is not set.
    pub config_hint: Option<String>,
}

/// Runs git in `dir` with `args`; its trimmed standard output on success.
fn git(dir: &Path, args: &[&str]) -> Option<String> {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()?;
    let text = String::from_utf8(out.stdout).ok()?;
    out.status.success().then(|| text.trim().to_string())
}

/// The `.gitattributes` line for a document at `doc` (relative to the
/// work tree's top): the data files below the nearest `data/` folder
/// above it (`data/**/*.toml diff=jixiao`, as the README has it), else
/// those of the document folder itself.
pub(crate) fn attribute_line(doc_rel: &Path) -> String {
    let data = doc_rel
        .ancestors()
        .skip(1)
        .find(|d| d.file_name().is_some_and(|n| n == "data"));
    let base = data.unwrap_or(doc_rel).to_string_lossy().replace('\\', "/");
    let base = match base.as_str() {
        "" => String::new(),
        b => format!("{b}/"),
    };
    format!("{base}**/*.toml diff={DRIVER}")
}

/// Adds the attribute line for the document folder `doc` (which exists) to
/// its work tree's `.gitattributes` unless a line equal to it is there,
/// and says how to configure the driver when git does not know it.
pub(crate) fn ensure(doc: &Path) -> std::io::Result<GitSetup> {
    let mut setup = GitSetup::default();
    let Some(top) = git(doc, &["rev-parse", "--show-toplevel"]).filter(|t| !t.is_empty()) else {
        return Ok(setup);
    };
    let top = PathBuf::from(top);
    let top = top.canonicalize().unwrap_or(top);
    let doc_abs = doc.canonicalize().unwrap_or_else(|_| absolute(doc));
    let line = attribute_line(&relative(&top, &doc_abs));
    let file = top.join(".gitattributes");
    let old = match std::fs::read_to_string(&file) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(e),
    };
    if !old
        .lines()
        .any(|l| l.split_whitespace().eq(line.split_whitespace()))
    {
        let sep = if old.is_empty() || old.ends_with('\n') {
            ""
        } else {
            "\n"
        };
        std::fs::write(&file, format!("{old}{sep}{line}\n"))?;
        setup.added = Some((file, line));
    }
    let key = format!("diff.{DRIVER}.textconv");
    if git(&top, &["config", "--get", &key]).is_none_or(|v| v.is_empty()) {
        setup.config_hint = Some(format!("git config {key} \"jixiao textconv\""));
    }
    Ok(setup)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_line_covers_the_data_folder_or_the_document() {
        let line = |p: &str| attribute_line(Path::new(p));
        assert_eq!(line("data/2026/chengde"), "data/**/*.toml diff=jixiao");
        assert_eq!(line("work/data/2026/x"), "work/data/**/*.toml diff=jixiao");
        assert_eq!(line("docs/x"), "docs/x/**/*.toml diff=jixiao");
        assert_eq!(line(""), "**/*.toml diff=jixiao");
    }
}
