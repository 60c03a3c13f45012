//! Peak memory of `check` and `build` on three large documents generated
//! here (issue 8, item 14): 10,000 indicator rows in one table, a 1 MB
//! paragraph, and 1,000 projects of 12 rows. Each command runs under
//! `/usr/bin/time -f %M` (GNU time; `apt-get install time`), which reports
//! the peak resident set size. Run with `cargo bench --bench memory`.

use std::path::{Path, PathBuf};
use std::process::Command;

const HEAD: &str =
    "year = 2031\ndepartment = \"测试局\"\nunit_code = \"900001\"\nunit_name = \"测试局本级\"\n";
const KINDS: [(&str, &str); 3] = [
    ("产出指标", "数量指标"),
    ("效益指标", "社会效益指标"),
    ("满意度指标", "服务对象满意度指标"),
];

fn main() {
    let work = std::env::temp_dir().join(format!("jixiao-bench-memory-{}", std::process::id()));
    let cases = [
        ("10,000 rows", rows(&work.join("rows"))),
        ("1 MB paragraph", paragraph(&work.join("paragraph"))),
        ("1,000 projects", projects(&work.join("projects"))),
    ];
    for (name, dir) in &cases {
        for command in ["check", "build"] {
            let pdf = work.join("out.pdf");
            let mut args = vec![command.as_ref(), dir.as_os_str()];
            if command == "build" {
                args.extend(["-o".as_ref(), pdf.as_os_str()]);
            }
            match peak(&args) {
                Some((kb, secs)) => {
                    println!(
                        "{name:>15} {command}: peak {:>6.0} MB, {secs} s",
                        kb as f64 / 1024.0
                    )
                }
                None => println!("{name:>15} {command}: no figure (is GNU time installed?)"),
            }
        }
    }
    std::fs::remove_dir_all(&work).ok();
}

/// Peak RSS in KB and wall time of `jixiao args`, via GNU time.
fn peak(args: &[&std::ffi::OsStr]) -> Option<(u64, String)> {
    let out = Command::new("/usr/bin/time")
        .args(["-f", "%M %e"])
        .arg(env!("CARGO_BIN_EXE_jixiao"))
        .args(args)
        .output()
        .ok()?;
    let err = String::from_utf8_lossy(&out.stderr);
    let (kb, secs) = err.lines().last()?.split_once(' ')?;
    Some((kb.parse().ok()?, secs.to_string()))
}

/// One project file of `n` rows, split evenly over the three required kinds.
fn project(code: usize, n: usize) -> String {
    let mut out = format!(
        "code = \"P{code:05}\"\nname = \"项目{code}\"\nusage = \"用途\"\ngoal = \"目标\"\n\
         [budget]\ntotal = \"10\"\nfiscal = \"10\"\n\
         [plan]\nmarch = 25\njune = 50\noctober = 75\ndecember = 100\n"
    );
    for i in 0..n {
        let (l1, l2) = KINDS[i * 3 / n];
        out.push_str(&format!(
            "[[indicators]]\nlevel1 = \"{l1}\"\nlevel2 = \"{l2}\"\nname = \"指标{i}\"\n\
             description = \"描述{i}\"\nvalue = \"≥{i}个\"\nbasis = \"依据\"\n"
        ));
    }
    out
}

fn rows(dir: &Path) -> PathBuf {
    write(dir, "document.toml", HEAD);
    write(dir, "projects/01-a.toml", &project(1, 10_000));
    dir.to_path_buf()
}

fn paragraph(dir: &Path) -> PathBuf {
    let sentence: Vec<char> = "信访工作经费保障到位，资金使用规范有效。".chars().collect();
    let text: String = (0..350_000).map(|i| sentence[i % sentence.len()]).collect();
    write(
        dir,
        "document.toml",
        &format!("{HEAD}overall = \"{text}\"\n"),
    );
    dir.to_path_buf()
}

fn projects(dir: &Path) -> PathBuf {
    write(dir, "document.toml", HEAD);
    for n in 1..=1000 {
        write(dir, &format!("projects/{n:04}-p.toml"), &project(n, 12));
    }
    dir.to_path_buf()
}

fn write(dir: &Path, name: &str, text: &str) {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}
