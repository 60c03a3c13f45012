//! Issue 12, item 4: jixiao's speed beside typst-cli 0.15.1 compiling the
//! `--emit typ` output of the same data, paired in the same run (each
//! jixiao run followed by a typst-cli run, so both see the same machine
//! load), plus the warm `watch` rebuild and peak memory.
//!
//! Needs `typst` 0.15.1 (`cargo install typst-cli --version 0.15.1 --locked`;
//! set `TYPST=/path/to/typst` if it is not on PATH) and GNU time
//! (`/usr/bin/time`) for memory. Run with `cargo bench --bench speed`; it
//! prints a Markdown table of medians.

#[path = "common/copies.rs"]
mod copies;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use jixiao::pipeline::Options;
use jixiao::report::diag::SourceMap;
use jixiao::session::Session;

/// Paired runs of the reference document.
const PAIRS: usize = 11;
/// Documents in the batch.
const BATCH: usize = 100;
/// Timed runs of the whole batch.
const BATCH_RUNS: usize = 3;

fn main() {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let reference = manifest.join("data/2025/chengde-xinfang");
    let work = std::env::temp_dir().join(format!("jixiao-bench-speed-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work).unwrap();
    let typst = typst_cli();
    let mut rows = Vec::new();

    let emitted = emit_typ(&reference, &work.join("typst-ref"));
    let (jx, tc) = paired(
        PAIRS,
        &typst,
        &work,
        |w| jixiao(&["-q", "build"], &reference, &w.join("j.pdf")),
        &emitted,
    );
    rows.push(row("reference document", jx, tc));
    rows.push(phases(&reference));
    if let Some(tc) = typst.as_ref().map(|t| typst_runs(t, &emitted, PAIRS, true)) {
        rows.push(format!(
            "| (typst-cli with the system fonts scanned too) | | {} | |",
            ms(tc)
        ));
    }
    rows.push(format!(
        "| warm `watch` rebuild, one-cell edit | {} | | target ≤ 20 ms |",
        ms(warm_rebuild(&reference, &work))
    ));
    let jx_peak = peak_kb(&jixiao_command(
        &["-q", "build"],
        &reference,
        &work.join("m.pdf"),
    ));
    // typst-cli on the same source, with the same fonts, for comparison.
    let tc_peak = typst
        .as_ref()
        .and_then(|t| peak_kb(&typst_command(t, &emitted, false)));
    rows.push(format!(
        "| peak memory, reference build | {} | {} | target ≤ 80 MiB |",
        mib(jx_peak),
        tc_peak.map_or(String::new(), |kb| mib(Some(kb)))
    ));
    batch_rows(&work, &reference, typst.as_deref(), &mut rows);

    println!("| measured (median) | jixiao | typst-cli 0.15.1 | ratio |");
    println!("|---|---|---|---|");
    for r in rows {
        println!("{r}");
    }
    let _ = std::fs::remove_dir_all(&work);
}

/// The 100-document batch: one `jixiao build` over the folder against 100
/// typst-cli runs, and the batch's peak memory.
fn batch_rows(work: &Path, reference: &Path, typst: Option<&Path>, rows: &mut Vec<String>) {
    let folder = work.join("batch/data/2025");
    let docs: Vec<PathBuf> = (0..BATCH)
        .map(|i| copies::copy_with_codes(reference, &folder.join(format!("d{i:03}")), i))
        .collect();
    let out = work.join("batch-out/");
    let mut jx = Vec::new();
    for _ in 0..BATCH_RUNS {
        let _ = std::fs::remove_dir_all(&out);
        jx.push(jixiao(&["-q", "build"], &folder, &out));
    }
    let tc = typst.map(|t| {
        let emitted: Vec<PathBuf> = docs
            .iter()
            .enumerate()
            .map(|(i, d)| emit_typ(d, &work.join(format!("typst-batch/{i:03}"))))
            .collect();
        let started = Instant::now();
        for main in &emitted {
            typst_compile(t, main, false);
        }
        started.elapsed()
    });
    rows.push(row(
        &format!("{BATCH}-document batch (one call; typst-cli: {BATCH} runs)"),
        median(jx),
        tc,
    ));
    let peak = peak_kb(&jixiao_command(&["-q", "build"], &folder, &out));
    rows.push(format!(
        "| peak memory, {BATCH}-document batch | {} | | |",
        mib(peak)
    ));
}

/// Where a cold build of the reference spends its time, in this process
/// (Typst's incremental cache emptied before each run; the built-in fonts
/// stay loaded): reading, checking and rendering the data to Typst source,
/// compiling it, and exporting the PDF.
fn phases(reference: &Path) -> String {
    let mut took = [Vec::new(), Vec::new(), Vec::new()];
    for _ in 0..PAIRS {
        typst::comemo::evict(0);
        let sources = SourceMap::default();
        let started = Instant::now();
        let prepared = jixiao::pipeline::prepare(reference, &Options::default(), &sources).unwrap();
        let prepared_at = Instant::now();
        let typeset = prepared.typeset(Path::new("main.typ"), &sources).unwrap();
        let typeset_at = Instant::now();
        typeset.pdf().unwrap();
        let ends = [
            prepared_at - started,
            typeset_at - prepared_at,
            typeset_at.elapsed(),
        ];
        for (runs, d) in took.iter_mut().zip(ends) {
            runs.push(d);
        }
    }
    let [data, compile, pdf] = took.map(median);
    format!(
        "| of which, in process: data → source {} · compile {} · PDF {} | | | |",
        ms(data),
        ms(compile),
        ms(pdf)
    )
}

/// Median times of `runs` pairs: a jixiao run, then a typst-cli run.
fn paired(
    runs: usize,
    typst: &Option<PathBuf>,
    work: &Path,
    jixiao_run: impl Fn(&Path) -> Duration,
    emitted: &Path,
) -> (Duration, Option<Duration>) {
    let mut jx = Vec::new();
    let mut tc = Vec::new();
    for _ in 0..runs {
        jx.push(jixiao_run(work));
        if let Some(t) = typst {
            tc.push(typst_compile(t, emitted, false));
        }
    }
    (median(jx), (!tc.is_empty()).then(|| median(tc)))
}

/// Runs `jixiao args DIR -o OUT` and times it; a failure stops the bench.
fn jixiao(args: &[&str], dir: &Path, out: &Path) -> Duration {
    let what = format!("jixiao {args:?} {}", dir.display());
    timed(jixiao_command(args, dir, out), &what)
}

/// Runs `cmd` with its output discarded and times it; a failure stops the
/// bench.
fn timed(mut cmd: Command, what: &str) -> Duration {
    cmd.stdout(Stdio::null()).stderr(Stdio::null());
    let started = Instant::now();
    let status = cmd.status().unwrap();
    let took = started.elapsed();
    assert!(status.success(), "{what} failed");
    took
}

/// `jixiao ARGS DIR -o OUT`.
fn jixiao_command(args: &[&str], dir: &Path, out: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_jixiao"));
    cmd.args(args).arg(dir).arg("-o").arg(out);
    cmd
}

/// Writes the document's Typst source and the built-in templates into a
/// folder typst-cli can compile on its own; returns the main file.
fn emit_typ(doc: &Path, dir: &Path) -> PathBuf {
    std::fs::create_dir_all(dir).unwrap();
    let main = dir.join("main.typ");
    jixiao(&["-q", "build", "--emit", "typ"], doc, &main);
    let templates = dir.join("templates");
    if !templates.exists() {
        let ok = Command::new(env!("CARGO_BIN_EXE_jixiao"))
            .args(["-q", "templates", "export"])
            .arg(&templates)
            .stdout(Stdio::null())
            .status()
            .unwrap();
        assert!(ok.success());
    }
    main
}

/// Times `typst compile` of a main file with the shipped fonts.
fn typst_compile(typst: &Path, main: &Path, system_fonts: bool) -> Duration {
    let what = format!("typst compile {}", main.display());
    timed(typst_command(typst, main, system_fonts), &what)
}

/// `typst compile` of a main file into `out.pdf` beside it, with the
/// shipped fonts (and the system's when `system_fonts`).
fn typst_command(typst: &Path, main: &Path, system_fonts: bool) -> Command {
    let root = main.parent().unwrap();
    let mut cmd = Command::new(typst);
    cmd.arg("compile")
        .arg("--root")
        .arg(root)
        .arg("--font-path")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("fonts"));
    if !system_fonts {
        cmd.arg("--ignore-system-fonts");
    }
    cmd.arg(main).arg(root.join("out.pdf"));
    cmd
}

fn typst_runs(typst: &Path, main: &Path, runs: usize, system_fonts: bool) -> Duration {
    median(
        (0..runs)
            .map(|_| typst_compile(typst, main, system_fonts))
            .collect(),
    )
}

/// The warm rebuild `watch` does after a one-cell edit, as in `rebuild`.
fn warm_rebuild(reference: &Path, work: &Path) -> Duration {
    const CELL: &str = "value = \"≥800平方米\"";
    let doc = work.join("warm");
    copies::copy_with_codes(reference, &doc, 0);
    let table = doc.join("projects/01-jiefang-dating.toml");
    let original = std::fs::read_to_string(&table).unwrap();
    assert!(original.contains(CELL), "the reference data changed");
    let mut session = Session::new(&doc, Options::default(), SourceMap::default()).unwrap();
    let main = work.join("warm.typ");
    session.rebuild(&main).unwrap();
    let runs = (0..20)
        .map(|i| {
            let edit = format!("value = \"≥{}平方米\"", 801 + i % 2);
            std::fs::write(&table, original.replace(CELL, &edit)).unwrap();
            let started = Instant::now();
            session.rebuild(&main).unwrap();
            started.elapsed()
        })
        .collect();
    median(runs)
}

/// Peak resident KB of one run of `cmd` (its program and arguments), from
/// GNU time.
fn peak_kb(cmd: &Command) -> Option<u64> {
    let out = Command::new("/usr/bin/time")
        .args(["-f", "%M"])
        .arg(cmd.get_program())
        .args(cmd.get_args())
        .stdout(Stdio::null())
        .output()
        .ok()?;
    let err = String::from_utf8_lossy(&out.stderr);
    err.lines().last()?.trim().parse().ok()
}

/// typst-cli: `$TYPST`, else `typst` on PATH; None (and a note) if absent.
fn typst_cli() -> Option<PathBuf> {
    let typst = std::env::var_os("TYPST").map_or_else(|| PathBuf::from("typst"), PathBuf::from);
    let version = Command::new(&typst).arg("--version").output().ok()?;
    let version = String::from_utf8_lossy(&version.stdout).into_owned();
    if !version.contains("0.15.1") {
        eprintln!(
            "note: `{}` is {version}, not typst-cli 0.15.1",
            typst.display()
        );
    }
    Some(typst)
}

fn median(mut runs: Vec<Duration>) -> Duration {
    runs.sort();
    runs[runs.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.0} ms", d.as_secs_f64() * 1000.0)
}

fn mib(kb: Option<u64>) -> String {
    kb.map_or("(no GNU time)".into(), |kb| {
        format!("{:.1} MiB", kb as f64 / 1024.0)
    })
}

fn row(what: &str, jx: Duration, tc: Option<Duration>) -> String {
    match tc {
        Some(tc) => format!(
            "| {what} | {} | {} | {:.2} × |",
            ms(jx),
            ms(tc),
            jx.as_secs_f64() / tc.as_secs_f64()
        ),
        None => format!("| {what} | {} | (typst-cli not found) | |", ms(jx)),
    }
}
