//! `jixiao watch`: build once, then rebuild the PDF (or the OFD, or both)
//! whenever a data file, a template or a font changes, until Ctrl-C.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use clap::{Args, ValueEnum};

use super::CommonArgs;
use super::output::{Wanted, Watched};
use crate::report::diag::{Diagnostic, Diagnostics, SourceMap, display_path};
use crate::report::stdio::{Stream, errln, status};
use crate::session::{Formats, Session};
use crate::typeset::export::{Standard, write_atomic};
use crate::watch::{Changes, Watcher};

/// Arguments of `jixiao watch`.
#[derive(Debug, Args)]
pub struct WatchArgs {
    /// The document folder (holding document.toml and projects/).
    pub dir: PathBuf,
    /// Output file (default: out/<path below data/>.pdf); with pdf,ofd
    /// the OFD goes beside the PDF.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// What to rebuild: pdf, ofd, or both (pdf,ofd) [default: pdf].
    #[arg(long, value_enum, value_delimiter = ',')]
    pub format: Vec<WatchFormat>,
    /// Make the PDF conform to a standard (see `jixiao build --pdf-standard`).
    #[arg(long, value_enum, value_delimiter = ',', value_name = "STANDARD")]
    pub pdf_standard: Vec<Standard>,
    /// Shared options.
    #[command(flatten)]
    pub common: CommonArgs,
}

/// A format `watch` rebuilds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum WatchFormat {
    /// The PDF.
    Pdf,
    /// The OFD package (GB/T 33190-2016) of the same pages.
    Ofd,
}

impl WatchArgs {
    /// The formats asked for; the PDF when none is.
    fn formats(&self) -> Formats {
        let ofd = self.format.contains(&WatchFormat::Ofd);
        Formats {
            pdf: !ofd || self.format.contains(&WatchFormat::Pdf),
            ofd,
        }
    }
}

/// Runs `jixiao watch` until Ctrl-C (exit 0) or a setup failure (exit 1).
pub fn run(args: &WatchArgs) -> ExitCode {
    // The same refusal, and exit code, as build gives a missing folder.
    if let Some(code) = super::missing_dir(&args.dir) {
        return code;
    }
    let sources = SourceMap::default();
    match watch(args, &sources) {
        Ok(()) => {
            status!("已停止监视");
            ExitCode::SUCCESS
        }
        Err(diags) => {
            sources.print(&diags.0);
            errln!("无法开始监视");
            ExitCode::from(1)
        }
    }
}

fn watch(args: &WatchArgs, sources: &SourceMap) -> Result<(), Diagnostics> {
    let opts = crate::pipeline::Options {
        pdf_standards: args.pdf_standard.clone(),
        ..args.common.options()
    };
    let formats = args.formats();
    if !args.pdf_standard.is_empty() && !formats.pdf {
        return Err(Diagnostic::error(super::output::STANDARD_WITHOUT_PDF).into());
    }
    one_document(&args.dir)?;
    let mut session = Session::new(&args.dir, opts, sources.clone())?;
    session.export(formats);
    let wanted = Wanted {
        pdf: formats.pdf,
        ofd: formats.ofd,
        typ: false,
    };
    let watched = super::output::watched(args.output.as_deref(), wanted, &session)?;
    let files = watched.files();
    let outputs: Vec<&Path> = files.iter().map(PathBuf::as_path).collect();
    // Watch before the first build, so an edit made during it is not lost.
    let mut watcher = Watcher::new(&session, &outputs)?;
    let stopper = watcher.stopper();
    // Ctrl-C only ends the wait: a rebuild in progress finishes first and
    // its atomic write is never cut short.
    ctrlc::set_handler(move || stopper.stop())
        .map_err(|e| Diagnostic::error(format!("无法设置 Ctrl-C 处理：{e}")))?;
    let mut count = 0;
    rebuild(&mut session, &watched, &mut count);
    status!(
        "正在监视 {} 及模板、字体的变化（按 Ctrl-C 停止）",
        args.dir.display()
    );
    // Nobody reads the log any more (`watch … 2>&1 | head`): stop like Ctrl-C.
    while !Stream::Err.is_closed()
        && let Some(changes) = watcher.next_batch()
    {
        if changes.fonts {
            session.fonts_changed();
        }
        report_changes(&changes);
        rebuild(&mut session, &watched, &mut count);
    }
    Ok(())
}

/// Refuses a batch folder: watch follows one document (a folder that
/// does not exist was refused by `missing_dir` already).
fn one_document(dir: &Path) -> Result<(), Diagnostics> {
    if crate::batch::discover::is_document(dir) {
        return Ok(());
    }
    let Ok(tree) = crate::batch::discover::discover(dir) else {
        return Ok(());
    };
    let Some(first) = tree.docs.first() else {
        return Ok(());
    };
    let shown = display_path(dir);
    Err(Diagnostic::error(format!(
        "jixiao watch 只监视一个文档，“{shown}”中有 {} 个文档文件夹",
        tree.docs.len()
    ))
    .with_hint(format!(
        "请给出其中一个，例如 jixiao watch {}；要一次生成全部，请用 jixiao build {shown}",
        display_path(first)
    ))
    .into())
}

/// Rebuilds and writes the PDF and/or the OFD, printing the outcome; a
/// failure keeps the last good files.
fn rebuild(session: &mut Session, watched: &Watched, count: &mut usize) {
    let started = Instant::now();
    let files = watched.files();
    let typ = files[0].with_extension("typ");
    let mut written = Vec::new();
    let result = session.rebuild(&typ).and_then(|built| {
        for (path, bytes) in [(&watched.pdf, built.pdf), (&watched.ofd, built.ofd)] {
            if let (Some(path), Some(bytes)) = (path, bytes) {
                // A link planted while watching is refused too.
                crate::input::confine::no_link_within(session.root().project(), path)?;
                write_atomic(path, &bytes)?;
                written.push(path.clone());
            }
        }
        Ok(built.warnings)
    });
    let sources = session.sources();
    match result {
        Ok(warnings) => {
            *count += 1;
            sources.print(&warnings);
            let verb = if *count == 1 {
                "已生成"
            } else {
                "已重新生成"
            };
            status!(
                "[{}] {verb} {}（{:.2} 秒）",
                clock(),
                shown(files.iter()),
                started.elapsed().as_secs_f64()
            );
        }
        Err(diags) => {
            sources.print(&diags.0);
            let n = diags.0.iter().filter(|d| d.is_error()).count();
            errln!(
                "[{}] 生成失败：{n} 个错误，{}；修改后将自动重试",
                clock(),
                after_failure(&files, &written)
            );
        }
    }
}

/// The paths, joined for a status line.
fn shown<'a>(paths: impl Iterator<Item = &'a PathBuf>) -> String {
    let names: Vec<String> = paths.map(|p| p.display().to_string()).collect();
    names.join("、")
}

/// What a failed rebuild left: the outputs it wrote before failing (the
/// PDF, when the OFD could not be written), and the older ones kept.
fn after_failure(files: &[PathBuf], written: &[PathBuf]) -> String {
    let kept = shown(files.iter().filter(|p| !written.contains(p) && p.is_file()));
    let mut parts = Vec::new();
    if !written.is_empty() {
        parts.push(format!("已写入 {}", shown(written.iter())));
    }
    if !kept.is_empty() {
        parts.push(format!("保留上次生成的 {kept}"));
    }
    if parts.is_empty() {
        parts.push("尚未生成任何文件".to_string());
    }
    parts.join("，")
}

/// Names the changed files (at most a few) before a rebuild.
fn report_changes(changes: &Changes) {
    let names: Vec<String> = changes
        .paths
        .iter()
        .take(3)
        .map(|p| {
            p.file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    let more = changes.paths.len().saturating_sub(names.len());
    let tail = if more > 0 {
        format!(" 等 {} 个文件", changes.paths.len())
    } else {
        String::new()
    };
    status!("[{}] 检测到修改：{}{tail}", clock(), names.join("、"));
}

/// The wall-clock time as HH:MM:SS in this computer's time zone, for the
/// terminal only (the PDF never sees the clock); with no time zone known,
/// UTC, said so.
fn clock() -> String {
    let now = jiff::Timestamp::now();
    match jiff::tz::TimeZone::try_system() {
        Ok(zone) => hms(now, &zone),
        Err(_) => format!("{} UTC", hms(now, &jiff::tz::TimeZone::UTC)),
    }
}

/// `now` as HH:MM:SS in `zone`.
fn hms(now: jiff::Timestamp, zone: &jiff::tz::TimeZone) -> String {
    now.to_zoned_datetime(zone.clone())
        .strftime("%H:%M:%S")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failure_names_what_it_wrote_and_what_it_kept() {
        let dir = std::env::temp_dir().join(format!("jixiao-watch-after-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let (pdf, ofd) = (dir.join("a.pdf"), dir.join("a.ofd"));
        let files = [pdf.clone(), ofd.clone()];
        assert_eq!(after_failure(&files, &[]), "尚未生成任何文件");
        std::fs::write(&ofd, b"old").unwrap();
        let wrote = after_failure(&files, std::slice::from_ref(&pdf));
        assert_eq!(
            wrote,
            format!("已写入 {}，保留上次生成的 {}", pdf.display(), ofd.display())
        );
        std::fs::write(&pdf, b"old").unwrap();
        let kept = after_failure(&files, &[]);
        assert_eq!(
            kept,
            format!("保留上次生成的 {}、{}", pdf.display(), ofd.display())
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn the_clock_is_local_time() {
        let noon_utc: jiff::Timestamp = "2025-01-20T04:05:06Z".parse().unwrap();
        let beijing = jiff::tz::TimeZone::fixed(jiff::tz::offset(8));
        assert_eq!(hms(noon_utc, &beijing), "12:05:06");
        assert_eq!(hms(noon_utc, &jiff::tz::TimeZone::UTC), "04:05:06");
    }
}
