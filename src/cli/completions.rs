//! `jixiao completions SHELL`: the shell's tab-completion script for every
//! subcommand and option, generated from the command-line definition.

use std::process::ExitCode;

use clap::{Args, CommandFactory};
use clap_complete::Shell;

use super::Cli;

/// Arguments of `jixiao completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell: bash, zsh, fish, powershell or elvish.
    #[arg(value_enum)]
    pub shell: Shell,
}

/// Prints the completion script to standard output.
pub fn run(args: &CompletionsArgs) -> ExitCode {
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut Cli::command(), "jixiao", &mut script);
    crate::report::stdio::out(&String::from_utf8_lossy(&script));
    ExitCode::SUCCESS
}
