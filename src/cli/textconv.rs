//! `jixiao textconv`: a data file or PDF as stable text, for git's diff
//! driver (`git config diff.jixiao.textconv "jixiao textconv"`).
//!
//! git runs this on every `*.pdf` in `git diff` and `git log -p`, so the
//! file may be hostile. The conversion runs in a child process of the same
//! binary (`textconv --worker`) under resource limits, and the parent waits
//! for it with a deadline. A child process, not a budget inside hayro nor a
//! thread, because hayro exposes no limit on nesting, decoded stream size
//! or work, and only a process can be stopped from outside: a stack
//! overflow or a failed allocation ends the child, not us; its memory is
//! capped by `RLIMIT_DATA`; a runaway page is killed at the deadline.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use clap::Args;

use crate::input::form::Registry;
use crate::report::diag::{Diagnostic, Diagnostics, Result, SourceMap, display_path};

/// Wall-clock time the worker may take, plus [`DEADLINE_PER_MB`] for each
/// MB of input: hostile files are small (about 1 MB) and are answered in
/// < 2 s, while a real 840-page PDF (14 MB) converts in about 1.2 s.
const DEADLINE: Duration = Duration::from_millis(1500);
/// Extra time per MB of input; the largest input (32 MB) gets 4.7 s.
const DEADLINE_PER_MB: Duration = Duration::from_millis(100);

/// Heap and anonymous memory the worker may map (`RLIMIT_DATA`). Text, the
/// stack and file-backed pages come on top, so its peak stays < 200 MB.
const MEMORY_LIMIT: u64 = 128 << 20;

/// Arguments of `jixiao textconv`.
#[derive(Debug, Args)]
pub struct TextconvArgs {
    /// A document.toml, a project file or a PDF built by jixiao.
    pub file: PathBuf,
    /// Converts in this process under resource limits (used internally).
    #[arg(long, hide = true)]
    pub worker: bool,
}

/// Runs `jixiao textconv`: prints the text form, or the error (exit 2).
pub fn run(args: &TextconvArgs) -> ExitCode {
    if args.worker {
        return work(&args.file);
    }
    match supervise(&args.file) {
        Ok(code) => code,
        Err(diags) => {
            SourceMap::default().print(&diags.0);
            ExitCode::from(2)
        }
    }
}

/// The worker: limits itself, converts and prints.
fn work(file: &Path) -> ExitCode {
    limit_self();
    let sources = SourceMap::default();
    let forms = match project_of(file) {
        Some(root) => root.forms(&sources),
        None => Ok(Registry::builtin()),
    };
    let forms = match forms {
        Ok(forms) => forms,
        Err(errors) => return broken_forms(file, &errors, &sources),
    };
    convert(file, &forms, &sources)
}

/// The project whose forms read `file`: the one the file is in (git
/// passes a work-tree file by its path from the repository's top, where
/// the project may be a folder further down), else, for an old version
/// git wrote to a temporary file, the one git runs in; `None` outside any.
fn project_of(file: &Path) -> Option<crate::pipeline::Root> {
    use crate::pipeline::Root;
    let cwd = std::env::current_dir().unwrap_or_default();
    let folder = file.parent().filter(|p| !p.as_os_str().is_empty());
    let own = folder.and_then(|f| Root::find(f, None).ok());
    own.filter(|r| r.project().is_some())
        .or_else(|| Root::find(&cwd, None).ok())
        .filter(|r| r.project().is_some())
}

/// The project's forms do not load: a project file is shown as its text
/// under a first line saying why (as textconv shows data it cannot read),
/// with the forms' errors on standard error; a PDF or `document.toml`,
/// which no form describes, converts as usual.
fn broken_forms(file: &Path, errors: &Diagnostics, sources: &SourceMap) -> ExitCode {
    let max = crate::compare::textconv::MAX_INPUT_BYTES;
    let bytes = crate::input::confine::open_confined(Path::new("/"), file, max).ok();
    let table = bytes
        .as_deref()
        .and_then(|b| std::str::from_utf8(b).ok()?.parse::<toml::Table>().ok());
    // Only a TOML table without `year` is read by a form (see
    // `compare::textconv::convert`); anything else converts as usual.
    let project = table.filter(|t| !t.contains_key("year"));
    let (Some(bytes), Some(_)) = (bytes, project) else {
        return convert(file, &Registry::builtin(), sources);
    };
    sources.print(&errors.0);
    // The first error, with its place: all of them are on standard error.
    let first = &sources.records(&errors.0[..1])[0];
    let place = match (&first.file, first.line, first.column) {
        (Some(f), Some(l), Some(c)) => format!("{f}:{l}:{c} "),
        (Some(f), ..) => format!("{f} "),
        _ => String::new(),
    };
    crate::report::stdio::out(&format!(
        "# jixiao: 无法按数据格式读取（项目的表样有错：{place}{}），以下为原文\n{}",
        first.message.replace('\n', " "),
        crate::report::escape::controls(&String::from_utf8_lossy(&bytes))
    ));
    ExitCode::SUCCESS
}

/// Converts `file` with `forms` and prints the text, or the errors.
fn convert(file: &Path, forms: &Registry, sources: &SourceMap) -> ExitCode {
    match crate::compare::textconv::convert(file, forms, sources) {
        Ok(text) => {
            // A closed pipe (git pager quit) is not an error worth a message.
            crate::report::stdio::out(&text);
            ExitCode::SUCCESS
        }
        Err(diags) => {
            sources.print(&diags.0);
            ExitCode::from(2)
        }
    }
}

/// Caps the worker's memory, CPU time (in case the parent is gone) and core
/// dumps (a crash on a hostile file should not write one).
fn limit_self() {
    #[cfg(unix)]
    {
        use nix::sys::resource::{Resource, setrlimit};
        let limits = [
            (Resource::RLIMIT_DATA, MEMORY_LIMIT),
            (Resource::RLIMIT_CPU, 10),
            (Resource::RLIMIT_CORE, 0),
        ];
        for (resource, value) in limits {
            // Lowering a limit cannot fail for want of privileges; should it
            // fail anyway, the parent's deadline still bounds the worker.
            let _ = setrlimit(resource, value, value);
        }
    }
}

/// Runs the worker on `file` with its stdout ours, waits until it ends or
/// the deadline passes, and turns a crash or timeout into one message.
fn supervise(file: &Path) -> Result<ExitCode> {
    let exe = std::env::current_exe().map_err(|e| cannot_start(&e))?;
    let mut child = Command::new(exe)
        .args(["textconv", "--worker", "--"])
        .arg(file)
        // A backtrace would map the debug info (tens of MB) while dying.
        .env("RUST_BACKTRACE", "0")
        .stdin(Stdio::null())
        .stdout(Stdio::inherit())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| cannot_start(&e))?;
    // Read stderr aside, so a chatty child cannot block on a full pipe.
    let mut pipe = child.stderr.take();
    let errors = std::thread::spawn(move || {
        let mut text = Vec::new();
        if let Some(p) = pipe.as_mut() {
            let _ = p.take(1 << 20).read_to_end(&mut text);
        }
        text
    });
    let allowed = time_allowed(file);
    let status = wait_until(&mut child, Instant::now() + allowed);
    let errors = errors.join().unwrap_or_default();
    match status {
        Some(s) if s.code().is_some_and(|c| c == 0 || c == 2) => {
            // The worker's own diagnostics (already Chinese): pass them on.
            let _ = std::io::stderr().write_all(&errors);
            Ok(ExitCode::from(s.code().unwrap_or(2) as u8))
        }
        Some(_) => Err(crashed(file, &String::from_utf8_lossy(&errors)).into()),
        None => Err(timed_out(file, allowed).into()),
    }
}

/// [`DEADLINE`] plus [`DEADLINE_PER_MB`] per MB (the worker checks the size
/// and the kind of file; an unreadable one gets the base time).
fn time_allowed(file: &Path) -> Duration {
    let max = crate::compare::textconv::MAX_INPUT_BYTES;
    let mb = std::fs::metadata(file).map_or(0, |m| m.len().min(max) >> 20);
    DEADLINE + DEADLINE_PER_MB * mb as u32
}

/// Polls the child until it exits (its status) or `deadline` (kills it).
fn wait_until(child: &mut Child, deadline: Instant) -> Option<ExitStatus> {
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return Some(status),
            Ok(None) if Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(5));
            }
            _ => {
                let _ = child.kill();
                let _ = child.wait();
                return None;
            }
        }
    }
}

fn cannot_start(e: &std::io::Error) -> Diagnostic {
    Diagnostic::error(format!("无法启动 textconv 的子进程：{e}"))
        .with_hint("请确认 jixiao 程序文件仍然存在且可以执行")
}

/// The worker ended abnormally: the runtime's own (English) last words
/// tell a stack overflow from a failed allocation; neither is shown.
fn crashed(file: &Path, last_words: &str) -> Diagnostic {
    let why = if last_words.contains("overflowed its stack") {
        "结构嵌套过深".to_string()
    } else if last_words.contains("memory allocation") {
        format!("解码所需内存超过 {} MB", MEMORY_LIMIT >> 20)
    } else {
        "解析时意外终止".to_string()
    };
    Diagnostic::error(format!("无法读取“{}”：{why}，已停止", display_path(file)))
        .with_hint("这不是 jixiao 生成的正常文件，可能已损坏或被有意构造；请重新生成它")
}

fn timed_out(file: &Path, allowed: Duration) -> Diagnostic {
    Diagnostic::error(format!(
        "无法读取“{}”：解析超过 {:.1} 秒，已停止",
        display_path(file),
        allowed.as_secs_f64()
    ))
    .with_hint("这不是 jixiao 生成的正常文件，可能已损坏或被有意构造；请重新生成它")
}
