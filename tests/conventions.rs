//! Options every command shares: `--color auto|always|never` (with
//! `NO_COLOR`) and `-q` for errors only.

mod common;

use std::path::Path;
use std::process::{Command, Output};

use common::{TempDir, copy_dir, reference_dir};

fn jixiao(args: &[&str], no_color: Option<&str>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_jixiao"));
    cmd.args(args);
    match no_color {
        Some(v) => cmd.env("NO_COLOR", v),
        None => cmd.env_remove("NO_COLOR"),
    };
    cmd.output().expect("run jixiao")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

const ESC: &str = "\u{1b}[";

#[test]
fn color_is_off_in_a_pipe_unless_asked_for_and_the_flag_beats_no_color() {
    let dir = reference_dir();
    let dir = dir.to_str().unwrap();
    let plain = jixiao(&["check", dir], None);
    assert!(stderr(&plain).contains("warning[J605]") && !stderr(&plain).contains(ESC));
    let always = jixiao(&["check", dir, "--color", "always"], None);
    assert!(stderr(&always).contains(ESC), "{}", stderr(&always));
    let flag_wins = jixiao(&["--color", "always", "check", dir], Some("1"));
    assert!(stderr(&flag_wins).contains(ESC));
    let never = jixiao(&["check", dir, "--color", "never"], None);
    assert!(!stderr(&never).contains(ESC));
    assert_eq!(stderr(&plain), stderr(&never), "auto into a pipe is never");
}

#[test]
fn diff_marks_follow_the_global_color_option() {
    let dir = reference_dir();
    let tmp = TempDir::new("conv-diff");
    let edited = tmp.path().join("d");
    copy_dir(&dir, &edited);
    let file = edited.join("projects/01-jiefang-dating.toml");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, text.replace("改善服务环境", "改善办事环境")).unwrap();
    let args = |c: &'static str| {
        vec![
            "diff".to_string(),
            dir.display().to_string(),
            edited.display().to_string(),
            "--color".into(),
            c.into(),
        ]
    };
    let run = |c| {
        let a = args(c);
        let a: Vec<&str> = a.iter().map(String::as_str).collect();
        String::from_utf8_lossy(&jixiao(&a, None).stdout).into_owned()
    };
    assert!(run("always").contains(ESC));
    let never = run("never");
    assert!(
        !never.contains(ESC) && never.contains("[-服务-]"),
        "{never}"
    );
}

/// The reference with a 预算数 that breaks J201.
fn broken(tmp: &Path) -> std::path::PathBuf {
    let doc = tmp.join("broken");
    copy_dir(&reference_dir(), &doc);
    let file = doc.join("projects/01-jiefang-dating.toml");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(
        &file,
        text.replace("total = \"117.26\"", "total = \"117.27\""),
    )
    .unwrap();
    doc
}

#[test]
fn quiet_prints_errors_only() {
    let tmp = TempDir::new("conv-quiet");
    let pdf = tmp.path().join("r.pdf");
    let dir = reference_dir();
    let built = jixiao(
        &[
            "-q",
            "build",
            dir.to_str().unwrap(),
            "-o",
            pdf.to_str().unwrap(),
        ],
        None,
    );
    assert!(built.status.success() && pdf.is_file());
    assert_eq!(stderr(&built), "", "no warnings or 已生成 line under -q");
    let doc = broken(tmp.path());
    let checked = jixiao(&["check", doc.to_str().unwrap(), "--quiet"], None);
    assert_eq!(checked.status.code(), Some(1));
    let err = stderr(&checked);
    assert!(err.contains("error[J201]"), "{err}");
    assert!(
        !err.contains("warning[") && !err.contains("检查完成"),
        "{err}"
    );
    let loud = stderr(&jixiao(&["check", doc.to_str().unwrap()], None));
    assert!(loud.contains("warning[J605]") && loud.contains("检查完成"));
    // A clean batch under -q prints nothing at all; JSON asked for still
    // comes.
    let batch = tmp.path().join("batch");
    copy_dir(&dir, &batch.join("a"));
    let central = common::manifest_dir().join("data/examples/central");
    copy_dir(&central, &batch.join("b"));
    let b = batch.to_str().unwrap();
    let out = jixiao(&["-q", "check", b], None);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "");
    assert_eq!(stderr(&out), "");
    let json = jixiao(&["-q", "check", b, "--format", "json"], None);
    assert!(String::from_utf8_lossy(&json.stdout).contains("\"documents\""));
}

#[test]
fn every_command_accepts_the_shared_options() {
    let help = String::from_utf8_lossy(&jixiao(&["--help"], None).stdout).into_owned();
    let commands: Vec<&str> = help
        .lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|c| *c != "help")
        .collect();
    assert!(commands.len() >= 9, "{commands:?}");
    for command in commands {
        let out = jixiao(&[command, "--color", "never", "-q", "--help"], None);
        assert!(out.status.success(), "{command}: {}", stderr(&out));
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            text.contains("--color") && text.contains("--quiet"),
            "{command}"
        );
    }
}

#[test]
fn usage_errors_follow_the_color_option_too() {
    let always = jixiao(&["--color", "always", "build", "--bogus"], None);
    assert_eq!(always.status.code(), Some(2));
    assert!(stderr(&always).contains(ESC), "{}", stderr(&always));
    let piped = jixiao(&["build", "--bogus"], None);
    assert!(!stderr(&piped).contains(ESC));
    // In Chinese, through the printer every other error uses.
    assert!(
        stderr(&piped).starts_with("error: 无法识别的选项“--bogus”"),
        "{}",
        stderr(&piped)
    );
    assert!(stderr(&piped).contains("用法：jixiao build [OPTIONS] <DIR>"));
    let year = jixiao(&["new", "x", "--year", "２０２６"], None);
    assert_eq!(year.status.code(), Some(2));
    assert!(stderr(&year).contains("请用半角数字"), "{}", stderr(&year));
    // Help and version are no errors, and stay clap's.
    let help = jixiao(&["build", "--help"], None);
    assert_eq!(help.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&help.stdout).contains("Usage: jixiao build"));
    let version = jixiao(&["--version"], None);
    assert_eq!(version.status.code(), Some(0));
    // A folder that does not exist goes through the same printer.
    for command in ["build", "check", "export"] {
        let missing = jixiao(&["--color", "always", command, "/nonexistent-jixiao"], None);
        assert_eq!(missing.status.code(), Some(2), "{command}");
        assert!(
            stderr(&missing).contains(ESC),
            "{command}: {}",
            stderr(&missing)
        );
    }
}

/// The guide every "写法见 jixiao guide" hint points to is built in: the
/// same text as data/FORMAT.md.
#[test]
fn the_guide_is_the_data_format_file() {
    let out = jixiao(&["guide"], None);
    assert_eq!(out.status.code(), Some(0));
    let file = std::fs::read(common::manifest_dir().join("data/FORMAT.md")).unwrap();
    assert_eq!(out.stdout, file);
}
