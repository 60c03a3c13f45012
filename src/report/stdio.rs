//! Standard output and standard error for every command: each text goes out
//! in one write through the locked stream, and a reader that went away (a
//! closed pipe, as in `jixiao rules | head -1`) ends the writing quietly
//! instead of panicking like `println!` does.

use std::io::{self, Write};
use std::sync::atomic::{AtomicBool, Ordering};

/// One of the two standard streams.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stream {
    /// Standard output: reports meant for programs and pipes.
    Out,
    /// Standard error: diagnostics and progress messages.
    Err,
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

/// `print!` through [`write`]: quiet when the reader has gone away.
macro_rules! outp {
    ($($arg:tt)*) => {
        $crate::report::stdio::out(&format!($($arg)*))
    };
}
pub(crate) use outp;
