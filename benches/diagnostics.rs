//! Cost of printing many diagnostics on one long line (issue 8, item 12):
//! `jixiao check` on (a) 10,000 characters no font draws on one 40 KB line
//! and (b) 1,000 inline indicator rows on one line, both generated here.
//! Run with `cargo bench --bench diagnostics`; it prints the time and the
//! bytes written for each, against the target of < 2 s and < 200 KB.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

const HEAD: &str =
    "year = 2031\ndepartment = \"测试局\"\nunit_code = \"900001\"\nunit_name = \"测试局本级\"\n";
const SECONDS: f64 = 2.0;
const BYTES: usize = 200_000;

fn main() {
    let work = std::env::temp_dir().join(format!("jixiao-bench-diag-{}", std::process::id()));
    let cases = [
        (
            "10,000 uncovered characters",
            uncovered(&work.join("uncovered")),
        ),
        ("1,000 inline rows", inline_rows(&work.join("rows"))),
    ];
    let mut ok = true;
    for (name, dir) in &cases {
        let started = Instant::now();
        let out = Command::new(env!("CARGO_BIN_EXE_jixiao"))
            .arg("check")
            .arg(dir)
            .output()
            .expect("run jixiao");
        let took = started.elapsed().as_secs_f64();
        let bytes = out.stdout.len() + out.stderr.len();
        let last = String::from_utf8_lossy(&out.stderr);
        let summary = last.lines().last().unwrap_or_default();
        println!("{name}: {took:.2} s, {bytes} bytes written ({summary})");
        ok &= took < SECONDS && bytes < BYTES;
    }
    std::fs::remove_dir_all(&work).ok();
    println!(
        "target < {SECONDS} s and < {BYTES} bytes: {}",
        if ok { "met" } else { "MISSED" }
    );
}

/// A document whose 总体目标 is one 40 KB line of 10,000 distinct CJK
/// Extension B characters (4 bytes each), none of them in the shipped fonts.
fn uncovered(dir: &Path) -> PathBuf {
    let text: String = (0x20000..0x20000 + 10_000)
        .filter_map(char::from_u32)
        .collect();
    write(
        dir,
        "document.toml",
        &format!("{HEAD}overall = \"{text}\"\n"),
    );
    dir.to_path_buf()
}

/// One project whose 1,000 indicator rows are an inline array on one line.
fn inline_rows(dir: &Path) -> PathBuf {
    write(dir, "document.toml", HEAD);
    let rows: Vec<String> = (0..1000)
        .map(|i| format!("{{level1 = \"产出指标\", level2 = \"数量指标\", name = \"指标{i}\", value = \"=1个\"}}"))
        .collect();
    let project = format!(
        "code = \"X1\"\nname = \"项目\"\nbudget = {{ total = \"1\" }}\nindicators = [{}]\n",
        rows.join(", ")
    );
    write(dir, "projects/01-a.toml", &project);
    dir.to_path_buf()
}

fn write(dir: &Path, name: &str, text: &str) {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}
