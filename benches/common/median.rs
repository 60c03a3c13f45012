//! The median of a benchmark case run several times, each run in a fresh
//! process of the benchmark (so its peak memory is that run's own):
//! shared by the benchmarks through `#[path]`, with `run.rs`.

use std::process::Command;

/// The median run's seconds, peak MB and output KB, formatted in columns.
/// Each run re-executes this benchmark with `--case args…`, which must
/// call `measure`.
pub fn median_line(runs: usize, args: &[String]) -> String {
    let mut all: Vec<(f64, f64, f64)> = (0..runs)
        .map(|_| {
            let out = Command::new(std::env::current_exe().unwrap())
                .arg("--case")
                .args(args)
                .output()
                .unwrap();
            let text = String::from_utf8_lossy(&out.stdout);
            let v: Vec<f64> = text
                .split_whitespace()
                .map(|x| x.parse().unwrap())
                .collect();
            (v[0], v[1], v[2])
        })
        .collect();
    all.sort_by(|a, b| a.0.total_cmp(&b.0));
    let (s, mb, kb) = all[runs / 2];
    format!("{s:>9.2} {mb:>9.0} {kb:>11.1}")
}

/// One case: runs jixiao with `args`; prints seconds, peak MB and the KB of
/// the file after `-o` (or of standard output).
pub fn measure(args: &[String]) {
    let (out, took, peak_mb) = crate::run::jixiao(args);
    let written = args
        .iter()
        .position(|a| a == "-o")
        .and_then(|i| std::fs::metadata(&args[i + 1]).ok())
        .map_or(out.stdout.len() as u64, |m| m.len());
    println!("{took} {peak_mb} {}", written as f64 / 1024.0);
}
