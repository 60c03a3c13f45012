//! Standard output and standard error for every command: each text goes out
//! in one write through the locked stream, and a reader that went away (a
//! closed pipe, as in `jixiao rules | head -1`) ends the writing quietly
//! instead of panicking like `println!` does.

use std::io::{self, IsTerminal, Write};
use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};

/// One of the two standard streams.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stream {
    /// Standard output: reports meant for programs and pipes.
    Out,
    /// Standard error: diagnostics and progress messages.
    Err,
}

/// When to colour what a command prints (`--color`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Color {
    /// On a terminal, unless `NO_COLOR` is set to a non-empty value.
    #[default]
    Auto,
    /// Always (the flag wins over `NO_COLOR`).
    Always,
    /// Never.
    Never,
}

/// The process-wide `--color` choice: 0 auto, 1 always, 2 never.
static COLOR: AtomicU8 = AtomicU8::new(0);
/// Whether `-q` asked for errors only.
static QUIET: AtomicBool = AtomicBool::new(false);

/// Sets the `--color` and `-q` choices for every later write.
pub fn configure(color: Color, quiet: bool) {
    COLOR.store(color as u8, Ordering::Relaxed);
    QUIET.store(quiet, Ordering::Relaxed);
}

/// Whether `-q` asked for errors only: status lines, warnings and notes
/// are left out.
pub fn quiet() -> bool {
    QUIET.load(Ordering::Relaxed)
}

/// Whether text written to `stream` is coloured.
pub fn colored(stream: Stream) -> bool {
    let color = match COLOR.load(Ordering::Relaxed) {
        1 => Color::Always,
        2 => Color::Never,
        _ => Color::Auto,
    };
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let terminal = match stream {
        Stream::Out => io::stdout().is_terminal(),
        Stream::Err => io::stderr().is_terminal(),
    };
    decide(color, no_color, terminal)
}

/// The colour rule of <https://no-color.org>: an explicit choice wins,
/// else colour only on a terminal and only without `NO_COLOR`.
fn decide(color: Color, no_color: bool, terminal: bool) -> bool {
    match color {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => terminal && !no_color,
    }
}

/// Set once a stream's reader has gone away; later writes are skipped.
static OUT_CLOSED: AtomicBool = AtomicBool::new(false);
static ERR_CLOSED: AtomicBool = AtomicBool::new(false);

impl Stream {
    fn closed_flag(self) -> &'static AtomicBool {
        match self {
            Stream::Out => &OUT_CLOSED,
            Stream::Err => &ERR_CLOSED,
        }
    }

    /// Whether the reader of this stream has gone away.
    pub fn is_closed(self) -> bool {
        self.closed_flag().load(Ordering::Relaxed)
    }
}

/// Writes bytes to a standard stream in one locked write.
///
/// A broken pipe marks the stream closed and is otherwise silent: the
/// command goes on to its normal end and exit status, it just has no reader
/// left. Other write errors are dropped too, as there is nowhere left to
/// report them.
pub fn write(stream: Stream, bytes: &[u8]) {
    if stream.is_closed() {
        return;
    }
    let result = match stream {
        Stream::Out => write_flushed(&mut io::stdout().lock(), bytes),
        Stream::Err => write_flushed(&mut io::stderr().lock(), bytes),
    };
    if result.is_err_and(|e| e.kind() == io::ErrorKind::BrokenPipe) {
        stream.closed_flag().store(true, Ordering::Relaxed);
    }
}

fn write_flushed(w: &mut impl Write, bytes: &[u8]) -> io::Result<()> {
    w.write_all(bytes)?;
    w.flush()
}

/// Writes text to standard output.
pub fn out(text: &str) {
    write(Stream::Out, text.as_bytes());
}

/// Writes one line of text to standard error.
pub fn err_line(text: &str) {
    write(Stream::Err, format!("{text}\n").as_bytes());
}

/// `eprintln!` through [`write`]: quiet when the reader has gone away.
macro_rules! errln {
    ($($arg:tt)*) => {
        $crate::report::stdio::err_line(&format!($($arg)*))
    };
}
pub(crate) use errln;

/// A status line on standard error ("已生成 …"), left out under `-q`.
macro_rules! status {
    ($($arg:tt)*) => {
        if !$crate::report::stdio::quiet() {
            $crate::report::stdio::err_line(&format!($($arg)*))
        }
    };
}
pub(crate) use status;

/// `print!` through [`write`]: quiet when the reader has gone away.
macro_rules! outp {
    ($($arg:tt)*) => {
        $crate::report::stdio::out(&format!($($arg)*))
    };
}
pub(crate) use outp;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colour_follows_the_flag_then_no_color_then_the_terminal() {
        for no_color in [false, true] {
            for terminal in [false, true] {
                assert!(decide(Color::Always, no_color, terminal));
                assert!(!decide(Color::Never, no_color, terminal));
            }
        }
        assert!(decide(Color::Auto, false, true));
        assert!(!decide(Color::Auto, true, true), "NO_COLOR turns auto off");
        assert!(!decide(Color::Auto, false, false), "no colour into a pipe");
    }
}
