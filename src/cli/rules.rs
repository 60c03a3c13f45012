//! `jixiao rules`: the list of domain rules with their codes.

use std::process::ExitCode;

use crate::report::diag::Severity;
use crate::rules::RULES;

/// Runs `jixiao rules`.
pub fn run() -> ExitCode {
    let mut text = String::new();
    for rule in RULES {
        let level = match rule.severity {
            Severity::Error => "错误",
            Severity::Warning => "警告",
            Severity::Note => "提示",
        };
        text.push_str(&format!("{}  {level}  {}\n", rule.code, rule.title));
    }
    crate::report::stdio::out(&text);
    ExitCode::SUCCESS
}
