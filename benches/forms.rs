//! Reading a large project form: a generated form file of about 1 MB (the
//! largest accepted) under `templates/forms/`, read through
//! [`Registry::load`] as every command does. Run with
//! `cargo bench --bench forms`; it prints the median.

use std::time::{Duration, Instant};

use jixiao::input::form::Registry;
use jixiao::report::diag::SourceMap;

const RUNS: usize = 5;
/// Fields in the generated form: about 0.98 MB of TOML.
const FIELDS: usize = 14_000;

fn main() {
    let work = std::env::temp_dir().join(format!("jixiao-bench-forms-{}", std::process::id()));
    let forms = work.join("templates/forms");
    std::fs::create_dir_all(&forms).unwrap();
    let text = big_form(FIELDS);
    std::fs::write(forms.join("big.toml"), &text).unwrap();
    let mut times: Vec<Duration> = (0..RUNS)
        .map(|_| {
            let started = Instant::now();
            let r = Registry::load(&work.join("templates"), &SourceMap::default()).unwrap();
            assert_eq!(r.get("big").unwrap().fields.len(), FIELDS);
            started.elapsed()
        })
        .collect();
    times.sort();
    println!(
        "form of {FIELDS} fields ({} bytes): median {:?} over {RUNS} runs",
        text.len(),
        times[RUNS / 2]
    );
    std::fs::remove_dir_all(&work).ok();
}

/// A valid form of `n` fields, each with its label and value in one row.
fn big_form(n: usize) -> String {
    let mut s = String::from("name = \"big\"\ntitle = \"大\"\ngrid = [1, 1]\nlayout = [\n");
    for i in 0..n {
        s.push_str(&format!("  [\"@f{i}\", \"f{i}\"],\n"));
    }
    s.push_str("]\n");
    for i in 0..n {
        s.push_str(&format!(
            "[[fields]]\nkey = \"f{i}\"\nlabel = \"字段{i}\"\n"
        ));
    }
    s
}
