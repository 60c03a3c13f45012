//! Runs the `jixiao` binary for a benchmark and reads its peak memory:
//! shared by the benchmarks through `#[path]`.

use std::ffi::OsStr;
use std::process::{Command, Output, Stdio};
use std::time::Instant;

/// Runs `jixiao args` in the project folder, stderr discarded. Returns its
/// output, the seconds it took and the peak resident MB of every child
/// this process has waited for (`getrusage(RUSAGE_CHILDREN)`, which takes
/// in their own children): run one measured command per process.
pub fn jixiao<S: AsRef<OsStr>>(args: &[S]) -> (Output, f64, f64) {
    let started = Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(args)
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .unwrap();
    let took = started.elapsed().as_secs_f64();
    let usage =
        nix::sys::resource::getrusage(nix::sys::resource::UsageWho::RUSAGE_CHILDREN).unwrap();
    // Linux reports kilobytes.
    (out, took, usage.max_rss() as f64 / 1024.0)
}
