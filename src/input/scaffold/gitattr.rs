//! The git diff driver for a new document: the `.gitattributes` line that
//! routes its data files through `jixiao textconv`, and the one `git
//! config` command to give, when the driver is not configured. `git` runs
//! only as `rev-parse --show-toplevel` and `config --get`; without git, or
//! outside a work tree, nothing happens.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use super::{absolute, relative};
use crate::report::diag::{Diagnostic, Diagnostics, Result, io_error};

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
/// those of the document folder itself. A pattern with a space or a
/// special character is quoted as git reads it (`"my docs/data/**/*.toml"`).
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
    format!("{} diff={DRIVER}", quote(&format!("{base}**/*.toml")))
}

/// A pattern as git's attribute files read it: C-style quoted when it
/// holds a space, a quote, a backslash or a control character (git takes
/// an unquoted space as the end of the pattern).
fn quote(pattern: &str) -> String {
    let special = |c: char| c.is_whitespace() || c.is_control() || matches!(c, '"' | '\\');
    if !pattern.chars().any(special) {
        return pattern.to_string();
    }
    let mut out = String::from('"');
    for c in pattern.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c if c.is_ascii_control() => out.push_str(&format!("\\{:03o}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The new text of a `.gitattributes` holding `old`, with `line` added at
/// its end (in its line endings); `None` when a line equal to it is there.
fn appended(old: &str, line: &str) -> Option<String> {
    if old
        .lines()
        .any(|l| l.split_whitespace().eq(line.split_whitespace()))
    {
        return None;
    }
    let eol = if old.contains("\r\n") { "\r\n" } else { "\n" };
    let sep = if old.is_empty() || old.ends_with('\n') {
        ""
    } else {
        eol
    };
    Some(format!("{old}{sep}{line}{eol}"))
}

/// Adds the attribute line for the document folder `doc` (which exists) to
/// its work tree's `.gitattributes` unless a line equal to it is there,
/// and says how to configure the driver when git does not know it. A
/// `.gitattributes` that is a link or not a regular file is left alone
/// (the warning returned), so the write never leaves the work tree.
pub(crate) fn ensure(doc: &Path) -> Result<GitSetup> {
    let mut setup = GitSetup::default();
    let Some(top) = git(doc, &["rev-parse", "--show-toplevel"]).filter(|t| !t.is_empty()) else {
        return Ok(setup);
    };
    let top = PathBuf::from(top);
    let top = top.canonicalize().unwrap_or(top);
    let doc_abs = doc.canonicalize().unwrap_or_else(|_| absolute(doc));
    let line = attribute_line(&relative(&top, &doc_abs));
    let file = top.join(".gitattributes");
    let warn = |e: &std::io::Error| {
        let d = io_error("更新", &file, e);
        let hint = format!("数据文件的 git diff 设置没有写入；可自行在其中加入一行：{line}");
        Diagnostics::from(Diagnostic::warning(d.message).with_hint(hint))
    };
    super::refuse_non_file(&file).map_err(|e| warn(&e))?;
    let old = match std::fs::read_to_string(&file) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(warn(&e)),
    };
    if let Some(text) = appended(&old, &line) {
        super::replace_file(&file, text.as_bytes()).map_err(|e| warn(&e))?;
        setup.added = Some((file, line));
    }
    let key = format!("diff.{DRIVER}.textconv");
    if git(&top, &["config", "--get", &key]).is_none_or(|v| v.is_empty()) {
        setup.config_hint = Some(config_command(&top, &key));
    }
    Ok(setup)
}

/// The `git config` command that sets the driver, runnable from any
/// folder (`git -C TOP`): `jixiao textconv` when the `jixiao` a shell
/// finds first on PATH is this program, else this program by its full
/// path, which git can run whatever PATH holds.
fn config_command(top: &Path, key: &str) -> String {
    let exe = std::env::current_exe().and_then(|e| e.canonicalize()).ok();
    let on_path = std::env::var_os("PATH").is_some_and(|paths| {
        let first = std::env::split_paths(&paths)
            .map(|d| d.join("jixiao"))
            .find(|p| p.is_file());
        first.and_then(|p| p.canonicalize().ok()) == exe && exe.is_some()
    });
    let program = match (&exe, on_path) {
        (Some(exe), false) => sh_quote(&exe.to_string_lossy()),
        _ => DRIVER.to_string(),
    };
    let top = sh_quote(&top.to_string_lossy());
    format!(
        "git -C {top} config {key} {}",
        sh_quote(&format!("{program} textconv"))
    )
}

/// A word for a POSIX shell: as it is when it holds only characters no
/// shell treats specially, else in single quotes.
fn sh_quote(word: &str) -> String {
    let plain = |c: char| c.is_alphanumeric() || "/._-+,:@%=".contains(c);
    match !word.is_empty() && word.chars().all(plain) {
        true => word.to_string(),
        false => format!("'{}'", word.replace('\'', "'\\''")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shell_words_are_quoted_only_when_needed() {
        assert_eq!(sh_quote("/usr/bin/jixiao"), "/usr/bin/jixiao");
        assert_eq!(sh_quote("/数据/承德"), "/数据/承德");
        assert_eq!(sh_quote("jixiao textconv"), "'jixiao textconv'");
        assert_eq!(sh_quote("it's $x"), "'it'\\''s $x'");
        assert_eq!(sh_quote(""), "''");
    }

    #[test]
    fn the_line_covers_the_data_folder_or_the_document() {
        let line = |p: &str| attribute_line(Path::new(p));
        assert_eq!(line("data/2026/chengde"), "data/**/*.toml diff=jixiao");
        assert_eq!(line("work/data/2026/x"), "work/data/**/*.toml diff=jixiao");
        assert_eq!(line("docs/x"), "docs/x/**/*.toml diff=jixiao");
        assert_eq!(line(""), "**/*.toml diff=jixiao");
        // git ends an unquoted pattern at a space.
        assert_eq!(
            line("my docs/data/2026/x"),
            "\"my docs/data/**/*.toml\" diff=jixiao"
        );
        assert_eq!(line("a\"b\tc"), "\"a\\\"b\\tc/**/*.toml\" diff=jixiao");
        assert_eq!(quote("a\\b"), "\"a\\\\b\"");
    }

    #[test]
    fn the_line_is_added_once_in_the_files_line_endings() {
        let line = "data/**/*.toml diff=jixiao";
        assert_eq!(appended("", line).unwrap(), format!("{line}\n"));
        assert_eq!(
            appended("*.pdf binary\r\n", line).unwrap(),
            format!("*.pdf binary\r\n{line}\r\n")
        );
        assert_eq!(
            appended("*.pdf binary", line).unwrap(),
            format!("*.pdf binary\n{line}\n")
        );
        assert_eq!(appended("data/**/*.toml  diff=jixiao\r\n", line), None);
    }
}
