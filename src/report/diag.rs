//! Diagnostics: one located message type for every error source (TOML, model,
//! Tera, Typst, fonts, I/O) and the one printer that shows them.

use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};

use codespan_reporting::diagnostic as cs;

use crate::input::place::Place;
use crate::report::stdio;
use codespan_reporting::files::{Files, SimpleFiles};
use codespan_reporting::term::{self, termcolor};
use serde::Serialize;

mod excerpt;
mod fold;

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Something to know; never blocks a build.
    Note,
    /// Probably wrong; the build goes on.
    Warning,
    /// The build cannot go on.
    Error,
}

impl Severity {
    /// The English name used in JSON output.
    pub fn name(self) -> &'static str {
        match self {
            Severity::Note => "note",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// One diagnostic as plain data, for JSON output.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Record {
    /// "error", "warning" or "note".
    pub severity: &'static str,
    /// Rule code, if any.
    pub code: Option<String>,
    /// The message.
    pub message: String,
    /// File path as shown to the user.
    pub file: Option<String>,
    /// 1-based line of the start.
    pub line: Option<usize>,
    /// 1-based column (characters) of the start.
    pub column: Option<usize>,
    /// 1-based line of the end.
    pub end_line: Option<usize>,
    /// 1-based column of the end.
    pub end_column: Option<usize>,
    /// Text at the caret.
    pub label: Option<String>,
    /// Hints.
    pub hints: Vec<String>,
}

/// Counts of errors, warnings and notes in a list.
pub fn counts(diags: &[Diagnostic]) -> (usize, usize, usize) {
    let n = |s| diags.iter().filter(|d| d.severity == s).count();
    (n(Severity::Error), n(Severity::Warning), n(Severity::Note))
}

/// A file known to the diagnostics printer.
pub type FileKey = usize;

/// A span inside a registered file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Span {
    /// The file the span points into.
    pub file: FileKey,
    /// Byte range inside the file's text.
    pub range: Range<usize>,
}

/// One message for the user, optionally pointing into a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error, warning or note.
    pub severity: Severity,
    /// Stable rule code such as `J101`, if the message comes from a rule.
    pub code: Option<String>,
    /// What is wrong, in Chinese for users.
    pub message: String,
    /// Where it is wrong, if known.
    pub span: Option<Span>,
    /// A short text at the caret.
    pub label: Option<String>,
    /// How to fix it, and further context.
    pub hints: Vec<String>,
    /// A place in the data not yet turned into a span (see `Loaded::locate`).
    pub place: Option<Place>,
}

impl Diagnostic {
    /// An error with a message and nothing else yet.
    pub fn error(message: impl Into<String>) -> Self {
        Self::new(Severity::Error, message)
    }

    /// A warning with a message and nothing else yet.
    pub fn warning(message: impl Into<String>) -> Self {
        Self::new(Severity::Warning, message)
    }

    /// A note with a message and nothing else yet.
    pub fn note(message: impl Into<String>) -> Self {
        Self::new(Severity::Note, message)
    }

    fn new(severity: Severity, message: impl Into<String>) -> Self {
        Self {
            severity,
            code: None,
            message: message.into(),
            span: None,
            label: None,
            hints: Vec::new(),
            place: None,
        }
    }

    /// Records the data place this is about, to be located once files are known.
    pub fn with_place(mut self, place: Place) -> Self {
        self.place = Some(place);
        self
    }

    /// Points the diagnostic at a span.
    pub fn with_span(mut self, span: Option<Span>) -> Self {
        self.span = span;
        self
    }

    /// Sets the text shown at the caret.
    pub fn with_label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    /// Adds a hint line ("how to fix").
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hints.push(hint.into());
        self
    }

    /// Sets the stable rule code.
    pub fn with_code(mut self, code: impl Into<String>) -> Self {
        self.code = Some(code.into());
        self
    }

    /// Whether this diagnostic stops a build.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// A list of diagnostics, used as the error type of every pipeline stage.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl From<Diagnostic> for Diagnostics {
    fn from(d: Diagnostic) -> Self {
        Self(vec![d])
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for d in &self.0 {
            writeln!(f, "{}", d.message)?;
        }
        Ok(())
    }
}

/// Result of a pipeline stage.
pub type Result<T> = std::result::Result<T, Diagnostics>;

/// Builds an I/O error diagnostic naming the path.
pub fn io_error(action: &str, path: &Path, err: &std::io::Error) -> Diagnostic {
    let why = match err.kind() {
        std::io::ErrorKind::NotFound => "文件或文件夹不存在".to_string(),
        std::io::ErrorKind::PermissionDenied => "没有访问权限".to_string(),
        std::io::ErrorKind::AlreadyExists => "已有同名的文件或文件夹".to_string(),
        std::io::ErrorKind::NotADirectory => "路径中有一段不是文件夹".to_string(),
        std::io::ErrorKind::IsADirectory => "它是文件夹".to_string(),
        std::io::ErrorKind::DirectoryNotEmpty => "文件夹不是空的".to_string(),
        std::io::ErrorKind::ReadOnlyFilesystem => "所在的磁盘是只读的".to_string(),
        std::io::ErrorKind::StorageFull => "磁盘空间已满".to_string(),
        _ => err.to_string(),
    };
    Diagnostic::error(format!("无法{action}“{}”：{why}", display_path(path)))
}

/// The texts that diagnostics point into, shared by every stage of one run.
///
/// Registering a file returns a key; the same path registered again with the
/// same text reuses its key, so repeated builds (watch) do not grow it.
#[derive(Clone, Default)]
pub struct SourceMap {
    inner: Arc<RwLock<SimpleFiles<String, Arc<str>>>>,
    paths: Arc<RwLock<Vec<PathBuf>>>,
}

impl SourceMap {
    /// Registers a file's display name and text.
    pub fn add(&self, path: &Path, text: &str) -> FileKey {
        let mut files = self.inner.write().expect("source map lock");
        let mut paths = self.paths.write().expect("source map lock");
        if let Some(key) = paths.iter().rposition(|p| p == path)
            && files.get(key).is_ok_and(|f| f.source().as_ref() == text)
        {
            return key;
        }
        paths.push(path.to_path_buf());
        // The name is shown on every diagnostic's `┌─` line (and in JSON
        // records): a folder name from the data must not drive the terminal
        // or forge a line.
        let name = crate::report::escape::one_line(&display_path(path)).into_owned();
        files.add(name, Arc::from(text))
    }

    /// Drops the texts of files registered again since (older versions of
    /// an edited file), keeping every key valid; `watch` calls it before
    /// each rebuild, once the last build's diagnostics are printed, so
    /// that its memory does not grow with every edit.
    pub fn forget_superseded(&self) {
        let mut files = self.inner.write().expect("source map lock");
        let paths = self.paths.read().expect("source map lock");
        let mut kept = SimpleFiles::new();
        for (key, path) in paths.iter().enumerate() {
            let Ok(file) = files.get(key) else { continue };
            let newest = paths.iter().rposition(|p| p == path) == Some(key);
            let text = if newest {
                file.source().clone()
            } else {
                Arc::from("")
            };
            kept.add(file.name().clone(), text);
        }
        *files = kept;
    }

    /// Bytes of source text held, for measuring memory across rebuilds.
    pub fn held_bytes(&self) -> usize {
        let files = self.inner.read().expect("source map lock");
        let count = self.paths.read().expect("source map lock").len();
        (0..count)
            .filter_map(|key| files.get(key).ok())
            .map(|f| f.source().len())
            .sum()
    }

    /// The registered text of a file.
    pub fn text(&self, key: FileKey) -> Option<Arc<str>> {
        let files = self.inner.read().expect("source map lock");
        files.get(key).ok().map(|f| f.source().clone())
    }

    /// The key and text of the newest registration of a path.
    pub fn text_of_path(&self, path: &Path) -> Option<(FileKey, Arc<str>)> {
        let key = {
            let paths = self.paths.read().expect("source map lock");
            paths.iter().rposition(|p| p == path)?
        };
        Some((key, self.text(key)?))
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, span: &Span) -> Option<(usize, usize)> {
        let files = self.inner.read().expect("source map lock");
        let loc = files.location(span.file, span.range.start).ok()?;
        Some((loc.line_number, loc.column_number))
    }

    /// Machine-readable records of diagnostics (for `--format json`).
    pub fn records(&self, diags: &[Diagnostic]) -> Vec<Record> {
        diags.iter().map(|d| self.record(d)).collect()
    }

    fn record(&self, d: &Diagnostic) -> Record {
        let files = self.inner.read().expect("source map lock");
        let at = |span: &Span, offset: usize| {
            let loc = files.location(span.file, offset).ok()?;
            Some((loc.line_number, loc.column_number))
        };
        let (file, start, end) = match &d.span {
            Some(span) => (
                files.name(span.file).ok(),
                at(span, span.range.start),
                at(span, span.range.end),
            ),
            None => (None, None, None),
        };
        Record {
            severity: d.severity.name(),
            code: d.code.clone(),
            message: d.message.clone(),
            file,
            line: start.map(|s| s.0),
            column: start.map(|s| s.1),
            end_line: end.map(|e| e.0),
            end_column: end.map(|e| e.1),
            label: d.label.clone(),
            hints: d.hints.clone(),
        }
    }

    /// Renders diagnostics as plain text (used by tests and `--color never`).
    pub fn render_plain(&self, diags: &[Diagnostic]) -> String {
        let mut buf = termcolor::Buffer::no_color();
        self.render(&mut buf, diags);
        String::from_utf8_lossy(buf.as_slice()).into_owned()
    }

    /// Prints diagnostics to standard error in one write, coloured as
    /// `--color` and `NO_COLOR` say; under `-q` only the errors.
    pub fn print(&self, diags: &[Diagnostic]) {
        let choice = if stdio::colored(stdio::Stream::Err) {
            termcolor::ColorChoice::AlwaysAnsi
        } else {
            termcolor::ColorChoice::Never
        };
        let shown: Vec<Diagnostic>;
        let diags = if stdio::quiet() {
            shown = diags.iter().filter(|d| d.is_error()).cloned().collect();
            &shown
        } else {
            diags
        };
        let mut buf = termcolor::BufferWriter::stderr(choice).buffer();
        self.render(&mut buf, diags);
        stdio::write(stdio::Stream::Err, buf.as_slice());
    }

    /// Renders each diagnostic against an excerpt of its lines, folding
    /// repeats of one rule in one file after the first few.
    fn render(&self, out: &mut dyn termcolor::WriteColor, diags: &[Diagnostic]) {
        let files = self.inner.read().expect("source map lock");
        let name = |d: &Diagnostic| d.span.as_ref().and_then(|s| files.name(s.file).ok());
        for shown in fold::fold(diags, name) {
            let _ = match shown {
                fold::Shown::One(d) => emit(out, &files, d),
                fold::Shown::Folded(note) => term::emit_to_write_style(
                    out,
                    &config(),
                    &SimpleFiles::<String, String>::new(),
                    &to_codespan(&note, None),
                ),
            };
        }
    }
}

/// Prints one diagnostic; its lines come from an [`excerpt::Excerpt`].
fn emit(
    out: &mut dyn termcolor::WriteColor,
    files: &SimpleFiles<String, Arc<str>>,
    d: &Diagnostic,
) -> std::result::Result<(), codespan_reporting::files::Error> {
    let excerpt = d
        .span
        .as_ref()
        .and_then(|span| excerpt::Excerpt::new(files, span.file, span.range.clone()));
    match &excerpt {
        Some(e) => {
            let cs = to_codespan(d, Some(((), e.range.clone())));
            term::emit_to_write_style(out, &config(), e, &cs)
        }
        None => term::emit_to_write_style(out, &config(), files, &to_codespan(d, None)),
    }
}

fn config() -> term::Config {
    term::Config {
        tab_width: 4,
        ..Default::default()
    }
}

/// Shows a path relative to the working directory when it lies below it.
pub fn display_path(path: &Path) -> String {
    let cwd = std::env::current_dir().ok();
    let shown = cwd
        .as_deref()
        .and_then(|c| path.strip_prefix(c).ok())
        .unwrap_or(path);
    // The current folder itself, not an empty name ("在输入文件夹“”中").
    match shown.as_os_str().is_empty() {
        true => ".".to_string(),
        false => shown.display().to_string(),
    }
}

/// The codespan form of a diagnostic, its label on `at` (file and range).
fn to_codespan<Id>(d: &Diagnostic, at: Option<(Id, Range<usize>)>) -> cs::Diagnostic<Id> {
    let base = match d.severity {
        Severity::Error => cs::Diagnostic::error(),
        Severity::Warning => cs::Diagnostic::warning(),
        Severity::Note => cs::Diagnostic::note(),
    };
    // Messages, labels and hints quote the user's text: escaped so that it
    // can neither drive the terminal nor forge a line of the report.
    let shown = |s: &str| crate::report::escape::one_line(s).into_owned();
    let mut out = base.with_message(shown(&d.message));
    if let Some(code) = &d.code {
        out = out.with_code(code);
    }
    if let Some((file, range)) = at {
        let label = cs::Label::primary(file, range);
        out = out.with_labels(vec![match &d.label {
            Some(text) => label.with_message(shown(text)),
            None => label,
        }]);
    }
    out.with_notes(
        d.hints
            .iter()
            .map(|h| format!("提示：{}", shown(h)))
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_render_names_file_line_and_column() {
        let map = SourceMap::default();
        let key = map.add(Path::new("/x/doc.toml"), "a = 1\nbad = 2\n");
        let d = Diagnostic::error("未知字段")
            .with_span(Some(Span {
                file: key,
                range: 6..9,
            }))
            .with_label("这里")
            .with_hint("删除它");
        let text = map.render_plain(&[d]);
        assert!(text.contains("error: 未知字段"), "{text}");
        assert!(text.contains("/x/doc.toml:2:1"), "{text}");
        assert!(text.contains("bad = 2"), "{text}");
        assert!(text.contains("提示：删除它"), "{text}");
    }

    #[test]
    fn quoted_user_text_is_escaped() {
        let map = SourceMap::default();
        let d = Diagnostic::error("表名“a\u{1b}[2J\nerror: 伪造”不一致")
            .with_hint("简体应写作“\u{202E}办”");
        let text = map.render_plain(&[d]);
        assert!(
            text.contains("表名“a\\u{1b}[2J↵error: 伪造”不一致"),
            "{text}"
        );
        assert!(text.contains("提示：简体应写作“\\u{202e}办”"), "{text}");
        assert!(
            !text.contains('\u{1b}') && !text.contains('\u{202E}'),
            "{text}"
        );
    }

    #[test]
    fn source_line_hides_a_raw_bidi_override() {
        let map = SourceMap::default();
        let text = "goal = \"资金\u{202E}62.711\u{202C}万元\"\n";
        let key = map.add(Path::new("/x/01.toml"), text);
        let at = text.find('\u{202E}').unwrap();
        let span = Span {
            file: key,
            range: at..at + 3,
        };
        let d = Diagnostic::error("双向文字控制符").with_span(Some(span.clone()));
        let shown = map.render_plain(&[d]);
        assert!(shown.contains("goal = \"资金???62.711???万元\""), "{shown}");
        assert!(shown.contains("/x/01.toml:1:11"), "{shown}");
        assert!(!shown.contains('\u{202E}'), "{shown}");
        assert_eq!(map.line_col(&span), Some((1, 11)));
    }

    #[test]
    fn same_file_is_registered_once() {
        let map = SourceMap::default();
        let a = map.add(Path::new("/a"), "x");
        let b = map.add(Path::new("/a"), "x");
        let c = map.add(Path::new("/a"), "y");
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert_eq!(
            map.line_col(&Span {
                file: a,
                range: 0..1
            }),
            Some((1, 1))
        );
    }

    #[test]
    fn superseded_versions_are_forgotten_and_keys_stay_valid() {
        let map = SourceMap::default();
        let other = map.add(Path::new("/b"), "keep");
        for i in 0..50 {
            map.add(Path::new("/a"), &"x".repeat(1000 + i));
            map.forget_superseded();
        }
        assert!(map.held_bytes() < 2 * 1050, "{}", map.held_bytes());
        assert_eq!(map.text(other).as_deref(), Some("keep"));
        let (_, newest) = map.text_of_path(Path::new("/a")).unwrap();
        assert_eq!(newest.len(), 1049);
    }
}
