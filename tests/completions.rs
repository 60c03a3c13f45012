//! `jixiao completions SHELL` prints a completion script that knows every
//! subcommand, for each supported shell.

use std::process::Command;

const SUBCOMMANDS: &[&str] = &[
    "build",
    "import",
    "check",
    "rules",
    "guide",
    "forms",
    "templates",
    "completions",
    "diff",
    "textconv",
    "watch",
    "new",
    "schema",
    "export",
];

fn run(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .args(args)
        .output()
        .expect("cannot run the jixiao binary")
}

#[test]
fn every_shell_gets_a_script_naming_every_subcommand() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let out = run(&["completions", shell]);
        assert!(
            out.status.success(),
            "{shell}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let script = String::from_utf8(out.stdout).unwrap();
        for sub in SUBCOMMANDS {
            assert!(script.contains(sub), "{shell} script lacks {sub}");
        }
    }
}

#[test]
fn the_list_above_is_every_subcommand() {
    use clap::CommandFactory;
    let mut known: Vec<String> = jixiao::cli::Cli::command()
        .get_subcommands()
        .map(|c| c.get_name().to_string())
        .collect();
    let mut listed: Vec<String> = SUBCOMMANDS.iter().map(|s| s.to_string()).collect();
    known.sort();
    listed.sort();
    assert_eq!(known, listed);
}

#[test]
fn an_unknown_shell_is_refused() {
    let out = run(&["completions", "cmd"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("bash") && err.contains("powershell"), "{err}");
}
