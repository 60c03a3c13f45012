//! Bounds on the work that data and templates drive: a deadline for each
//! document's rendering, typesetting and PDF writing, and a memory ceiling
//! for the process. A project's own template can loop forever or double a
//! string until the machine gives out, and neither Tera nor Typst can be
//! told to stop, so past the deadline the process says so and exits.

use std::path::Path;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::report::diag::{Diagnostic, SourceMap, display_path};

/// Seconds one document may take, unless `JIXIAO_TIMEOUT` says otherwise:
/// sixty times what a 10,000-row document takes here.
const DEFAULT_SECONDS: u64 = 600;
/// Memory the process may map for its data, unless `JIXIAO_MEMORY_MIB`
/// says otherwise (a 10,000-row document needs under 2 GiB).
const DEFAULT_MEMORY_MIB: u64 = 8 * 1024;
/// How often the watchdog looks at the clock.
const TICK: Duration = Duration::from_millis(100);

/// Documents being worked on: a number, the deadline, the folder shown.
static ARMED: Mutex<Vec<(u64, Instant, String)>> = Mutex::new(Vec::new());

/// A document's deadline; dropping it disarms it.
#[must_use]
pub(crate) struct Deadline(u64);

/// Starts the clock for work on the document in `dir`.
pub(crate) fn arm(dir: &Path) -> Deadline {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    static WATCHDOG: std::sync::Once = std::sync::Once::new();
    WATCHDOG.call_once(|| {
        // Without a watchdog the work is merely unbounded, as before.
        let _ = std::thread::Builder::new()
            .name("jixiao-deadline".into())
            .spawn(watch);
    });
    let id = NEXT.fetch_add(1, Ordering::Relaxed);
    let deadline = Instant::now() + seconds();
    let mut armed = ARMED.lock().unwrap_or_else(|e| e.into_inner());
    armed.push((id, deadline, display_path(dir)));
    Deadline(id)
}

impl Drop for Deadline {
    fn drop(&mut self) {
        let mut armed = ARMED.lock().unwrap_or_else(|e| e.into_inner());
        armed.retain(|(id, ..)| *id != self.0);
    }
}

/// The time a document may take.
fn seconds() -> Duration {
    // Read once: every document arms a deadline, and a bad value is
    // warned about once.
    static SECONDS: std::sync::OnceLock<Duration> = std::sync::OnceLock::new();
    *SECONDS.get_or_init(|| Duration::from_secs(env_number("JIXIAO_TIMEOUT", DEFAULT_SECONDS)))
}

/// The positive whole number an environment variable sets, else `default`;
/// a value that is none is warned about and ignored.
fn env_number(name: &str, default: u64) -> u64 {
    let Ok(text) = std::env::var(name) else {
        return default;
    };
    match text.trim().parse::<u64>().ok().filter(|n| *n > 0) {
        Some(n) => n,
        None => {
            let d = Diagnostic::warning(format!(
                "环境变量 {name}=“{}”不是正整数，已忽略",
                text.escape_debug()
            ))
            .with_hint(format!(
                "写成 {name}={default} 这样的整数；不设置则用默认值"
            ));
            SourceMap::default().print(&[d]);
            default
        }
    }
}

/// The watchdog: ends the process when a document passes its deadline.
fn watch() {
    loop {
        std::thread::sleep(TICK);
        let late = {
            let armed = ARMED.lock().unwrap_or_else(|e| e.into_inner());
            let now = Instant::now();
            armed
                .iter()
                .find(|(_, d, _)| *d <= now)
                .map(|(.., s)| s.clone())
        };
        if let Some(shown) = late {
            SourceMap::default().print(&[overdue(&shown)]);
            crate::typeset::export::remove_in_flight();
            std::process::exit(1);
        }
    }
}

/// The message for a document past its deadline.
fn overdue(shown: &str) -> Diagnostic {
    let secs = seconds().as_secs();
    Diagnostic::error(format!(
        "“{shown}”排版超过 {secs} 秒仍未完成，已停止运行（这篇文本未写入任何文件）"
    ))
    .with_hint("项目自己的模板（templates/ 下的文件）可能有死循环；删去或改正它后重试")
    .with_hint("批量生成时，已写好的文本不受影响，其余文本未生成")
    .with_hint(format!(
        "数据确实很多时，可设置环境变量 JIXIAO_TIMEOUT=秒数 放宽（现为 {secs} 秒）"
    ))
}

/// Caps the memory the process may map for data (`RLIMIT_DATA`) at
/// `JIXIAO_MEMORY_MIB` (default 8 GiB), never raising a lower limit, so a
/// runaway template fails at once instead of taking the machine down.
pub(crate) fn cap_memory() {
    #[cfg(unix)]
    {
        use nix::sys::resource::{Resource, getrlimit, setrlimit};
        let mib = env_number("JIXIAO_MEMORY_MIB", DEFAULT_MEMORY_MIB);
        let bytes = mib.saturating_mul(1 << 20);
        if let Ok((soft, hard)) = getrlimit(Resource::RLIMIT_DATA) {
            // Failing to lower it leaves the process as it was.
            let _ = setrlimit(Resource::RLIMIT_DATA, soft.min(bytes).min(hard), hard);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_deadline_is_listed_while_it_lives() {
        let listed = |shown: &str| {
            let armed = ARMED.lock().unwrap();
            armed.iter().filter(|(.., s)| s == shown).count()
        };
        let dir = Path::new("/nowhere/deadline-test");
        let shown = display_path(dir);
        let first = arm(dir);
        let second = arm(dir);
        assert_eq!(listed(&shown), 2);
        drop(first);
        assert_eq!(listed(&shown), 1);
        drop(second);
        assert_eq!(listed(&shown), 0);
        let d = overdue("x");
        assert!(d.message.contains("排版超过") && d.message.contains("秒"));
    }
}
