//! Time and peak memory of `jixiao textconv` on hostile inputs (issue 8,
//! item 4; the target is a Chinese message within 2 s and 200 MB) and on
//! the reference PDF. Run with `cargo bench --bench hostile`.
//!
//! Each case runs in a fresh process of this benchmark, which runs the
//! `jixiao` binary and reads the peak resident memory of its whole process
//! tree (`getrusage(RUSAGE_CHILDREN)`: the largest of the waited-for
//! descendants, so the worker process of textconv counts).

#[path = "../tests/common/hostile_pdf.rs"]
mod hostile_pdf;
#[path = "common/run.rs"]
mod run;

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--case") {
        return measure(Path::new(&args[i + 1]));
    }
    let work = std::env::temp_dir().join(format!("jixiao-hostile-{}", std::process::id()));
    std::fs::create_dir_all(&work).unwrap();
    let cases = write_cases(&work);
    println!(
        "{:<34} {:>8} {:>10} {:>5}",
        "case", "seconds", "peak MB", "exit"
    );
    for (name, path) in &cases {
        let out = Command::new(std::env::current_exe().unwrap())
            .arg("--case")
            .arg(path)
            .output()
            .unwrap();
        let line = String::from_utf8_lossy(&out.stdout);
        println!("{name:<34} {}", line.trim_end());
    }
    let _ = std::fs::remove_dir_all(&work);
}

/// Writes the inputs; returns (label, path) pairs.
fn write_cases(work: &Path) -> Vec<(String, PathBuf)> {
    let mut cases = Vec::new();
    let mut put = |name: &str, bytes: Vec<u8>| {
        let path = work.join(format!("{name}.pdf"));
        std::fs::write(&path, &bytes).unwrap();
        let label = format!("{name} ({} KB)", bytes.len() >> 10);
        cases.push((label, path));
    };
    put("nested [ x200000", hostile_pdf::nested_arrays(200_000));
    put("flate bomb 1 GB", hostile_pdf::flate_bomb(1024));
    put("forms 2^40", hostile_pdf::nested_forms(40));
    let reference = work.join("reference.pdf");
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let built = Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .arg("build")
        .arg(manifest.join("data/2025/chengde-xinfang"))
        .arg("-o")
        .arg(&reference)
        .stderr(Stdio::null())
        .status()
        .unwrap();
    assert!(built.success(), "cannot build the reference PDF");
    cases.push(("reference PDF".into(), reference));
    let sparse = work.join("sparse.pdf");
    std::fs::File::create(&sparse)
        .unwrap()
        .set_len(100 << 20)
        .unwrap();
    cases.push(("sparse 100 MB".into(), sparse));
    let fifo = work.join("fifo.pdf");
    let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success(), "mkfifo failed");
    cases.push(("FIFO".into(), fifo));
    cases.push(("/dev/zero".into(), PathBuf::from("/dev/zero")));
    cases
}

/// One case: runs textconv and prints seconds, peak MB and exit code.
fn measure(file: &Path) {
    let (out, took, peak_mb) = run::jixiao(&[OsStr::new("textconv"), file.as_os_str()]);
    let code = out.status.code().map_or("signal".into(), |c| c.to_string());
    println!("{took:>8.2} {peak_mb:>10.1} {code:>5}");
}
