//! Progress of a batch on standard error: a bar on a terminal (indicatif),
//! else one plain line per finished document, so a log shows each one.

use std::io::IsTerminal;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::report::stdio::{self, status};

/// The progress of a batch of `total` documents.
pub(super) struct Progress {
    bar: Option<ProgressBar>,
    total: usize,
    done: AtomicUsize,
}

impl Progress {
    /// A bar when standard error is a terminal, else plain lines.
    pub(super) fn new(total: usize) -> Self {
        let shown = std::io::stderr().is_terminal() && !stdio::quiet();
        let bar = shown.then(|| {
            let bar =
                ProgressBar::with_draw_target(Some(total as u64), ProgressDrawTarget::stderr());
            let template = if stdio::colored(stdio::Stream::Err) {
                "{bar:30.cyan/blue} {pos}/{len} {elapsed} {wide_msg}"
            } else {
                "{bar:30} {pos}/{len} {elapsed} {wide_msg}"
            };
            let style = ProgressStyle::with_template(template)
                .unwrap_or_else(|_| ProgressStyle::default_bar());
            bar.set_style(style);
            bar.enable_steady_tick(Duration::from_millis(200));
            bar
        });
        Self {
            bar,
            total,
            done: AtomicUsize::new(0),
        }
    }

    /// One document finished: `path` relative to the batch folder, `how`
    /// it ended ("已生成 out/x.pdf", "失败：2 个错误").
    pub(super) fn finished(&self, path: &str, how: &str) {
        let n = self.done.fetch_add(1, Ordering::Relaxed) + 1;
        let path = crate::report::escape::one_line(path);
        match &self.bar {
            Some(bar) => {
                bar.set_message(format!("{path}：{how}"));
                bar.inc(1);
            }
            None => status!("[{n}/{}] {path}：{how}", self.total),
        }
    }

    /// Removes the bar before the report is printed.
    pub(super) fn clear(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
