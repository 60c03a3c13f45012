//! Usage errors of the command line in Chinese: clap's parse errors (an
//! unknown option, a bad value, a missing argument) become diagnostics
//! printed by the one printer like every other error. Help and version
//! output stay clap's.

use std::process::ExitCode;

use clap::error::{ContextKind, ContextValue, ErrorKind};

use crate::report::diag::{Diagnostic, SourceMap};

/// Prints `error` (a usage error in Chinese, or clap's help or version)
/// and returns its exit code: 2 for a usage error, as clap's own.
pub(super) fn fail(error: clap::Error, args: &[String]) -> ExitCode {
    match error.kind() {
        ErrorKind::DisplayHelp
        | ErrorKind::DisplayVersion
        | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => error.exit(),
        _ => {
            SourceMap::default().print(&[diagnostic(&error, args)]);
            ExitCode::from(2)
        }
    }
}

/// The Chinese diagnostic of a clap parse error of the command line `args`.
pub(super) fn diagnostic(error: &clap::Error, args: &[String]) -> Diagnostic {
    let text = |kind| match error.get(kind) {
        Some(ContextValue::String(s)) => s.clone(),
        Some(other) => other.to_string(),
        None => String::new(),
    };
    let arg = text(ContextKind::InvalidArg);
    let opt = what(&arg);
    let value = text(ContextKind::InvalidValue);
    let d = match error.kind() {
        ErrorKind::UnknownArgument => unknown_argument(error, &arg, args),
        ErrorKind::InvalidSubcommand => {
            let sub = text(ContextKind::InvalidSubcommand);
            let d = Diagnostic::error(format!("没有子命令“{sub}”"));
            suggested(d, error).with_hint(format!("可用的子命令：{}", subcommands().join("、")))
        }
        ErrorKind::InvalidValue if value.is_empty() => {
            Diagnostic::error(format!("{opt} {arg} 缺少取值"))
        }
        ErrorKind::InvalidValue => {
            let mut d = Diagnostic::error(format!("{opt} {arg} 的取值“{value}”无效"));
            if let Some(ContextValue::Strings(valid)) = error.get(ContextKind::ValidValue) {
                d = d.with_hint(format!("可用的取值：{}", valid.join("、")));
            }
            d
        }
        ErrorKind::ValueValidation => invalid_value(error, &arg, &value),
        ErrorKind::NoEquals => Diagnostic::error(format!("选项 {arg} 的取值要用等号连接"))
            .with_hint(format!("例如 {}=取值", option_name(&arg))),
        ErrorKind::TooManyValues => Diagnostic::error(format!("{opt} {arg} 多给了取值“{value}”"))
            .with_hint("取值中有空格时，请用引号把整个取值括起来"),
        ErrorKind::TooFewValues | ErrorKind::WrongNumberOfValues => {
            let expected = match error.get(ContextKind::MinValues) {
                Some(n) => n.to_string(),
                None => text(ContextKind::ExpectedNumValues),
            };
            let actual = text(ContextKind::ActualNumValues);
            Diagnostic::error(format!(
                "{opt} {arg} 需要 {expected} 个取值，只给了 {actual} 个"
            ))
        }
        ErrorKind::ArgumentConflict => conflict(error, &arg),
        ErrorKind::MissingRequiredArgument => {
            let missing = match error.get(ContextKind::InvalidArg) {
                Some(ContextValue::Strings(all)) => all.join("、"),
                _ => arg.clone(),
            };
            let d = Diagnostic::error(format!("缺少必需的参数：{missing}"));
            match missing.contains("--from") && args.iter().any(|a| a == "--bump-years") {
                true => {
                    d.with_hint("--bump-years 要与 --from 一起用：它改的是从去年文档复制来的年份")
                }
                false => d,
            }
        }
        ErrorKind::MissingSubcommand => Diagnostic::error("缺少子命令")
            .with_hint(format!("可用的子命令：{}", subcommands().join("、"))),
        ErrorKind::InvalidUtf8 => Diagnostic::error("参数不是有效的 UTF-8 文本")
            .with_hint("请把终端的字符编码设为 UTF-8，或改用只含 UTF-8 字符的文件夹名"),
        _ => Diagnostic::error(
            error
                .kind()
                .as_str()
                .unwrap_or("命令行参数有误")
                .to_string(),
        ),
    };
    with_usage(typed_wrong(d, args), args)
}

/// Whether an argument before `--` starts with a full-width dash.
fn full_width_dash(args: &[String]) -> bool {
    let before = args.iter().skip(1).take_while(|a| *a != "--");
    before.into_iter().any(|a| a.starts_with(['－', '—', '–']))
}

/// `d` with a hint for what a Chinese input method types: an option
/// with a full-width dash (－－year) is taken for a value, so the error
/// may name another argument.
fn typed_wrong(d: Diagnostic, args: &[String]) -> Diagnostic {
    match full_width_dash(args) {
        true => d.with_hint("选项要用半角减号，例如 --year；不能用全角“－”或破折号“—”"),
        false => d,
    }
}

/// An argument clap does not know: a misspelt option, a full-width dash,
/// or a path with a blank split in two.
fn unknown_argument(error: &clap::Error, arg: &str, args: &[String]) -> Diagnostic {
    // A blank splits a path only for a subcommand that takes one.
    let takes_path = typed_command(args).0.get_positionals().next().is_some();
    let mut d = if arg.starts_with('-') {
        Diagnostic::error(format!("无法识别的选项“{arg}”"))
    } else {
        Diagnostic::error(format!("多余的参数“{arg}”"))
    };
    d = suggested(d, error);
    if arg.starts_with('-') && error.get(ContextKind::SuggestedArg).is_none() {
        d = d.with_hint(format!(
            "如“{arg}”是取值（例如以 - 开头的文件夹名），请写在 -- 之后：-- {arg}"
        ));
    } else if !arg.starts_with('-') && takes_path && !full_width_dash(args) {
        d = d.with_hint("文件夹名中有空格时，请用引号把整个路径括起来，例如 \"data/2025/某 单位\"");
    }
    d
}

/// `d` with the option or subcommand clap suggests instead, if any.
fn suggested(mut d: Diagnostic, error: &clap::Error) -> Diagnostic {
    for kind in [ContextKind::SuggestedArg, ContextKind::SuggestedSubcommand] {
        if let Some(ContextValue::String(s)) = error.get(kind).map(one_suggestion) {
            d = d.with_hint(format!("是否想写 {s}？"));
        }
    }
    d
}

/// The first of the suggestions clap gives, as one string value.
fn one_suggestion(value: &ContextValue) -> ContextValue {
    match value {
        ContextValue::Strings(all) => all
            .first()
            .map_or(ContextValue::None, |s| ContextValue::String(s.clone())),
        other => other.clone(),
    }
}

/// A value its parser refused (a year that is no number).
fn invalid_value(error: &clap::Error, arg: &str, value: &str) -> Diagnostic {
    let why = std::error::Error::source(error).map(|s| s.to_string());
    let why = match why.as_deref() {
        Some("invalid digit found in string") => "不是整数".to_string(),
        Some("number too large to fit in target type") => "数值太大".to_string(),
        Some("number too small to fit in target type") => "数值太小".to_string(),
        Some("cannot parse integer from empty string") => "为空".to_string(),
        Some(other) => other.to_string(),
        None => "无法识别".to_string(),
    };
    let d = Diagnostic::error(format!("{} {arg} 的取值“{value}”{why}", what(arg)));
    if value.chars().any(|c| ('０'..='９').contains(&c)) {
        d.with_hint("请用半角数字，例如 2026（输入法的全角数字“２０２６”不算数字）")
    } else {
        d
    }
}

/// Two options that cannot go together, or one given twice.
fn conflict(error: &clap::Error, arg: &str) -> Diagnostic {
    match error.get(ContextKind::PriorArg) {
        Some(ContextValue::String(prior)) if prior == arg => {
            Diagnostic::error(format!("选项 {arg} 只能给一次"))
        }
        Some(ContextValue::String(prior)) => {
            Diagnostic::error(format!("选项 {arg} 不能与 {prior} 同时使用"))
        }
        Some(ContextValue::Strings(prior)) => {
            Diagnostic::error(format!("选项 {arg} 不能与 {} 同时使用", prior.join("、")))
        }
        _ => Diagnostic::error(format!("选项 {arg} 不能与其他已给的选项同时使用")),
    }
}

/// How `arg` is called: an option (`--year <YEAR>`) or an argument (`<DIR>`).
fn what(arg: &str) -> &'static str {
    match arg.starts_with('-') {
        true => "选项",
        false => "参数",
    }
}

/// The option of `--name <VALUE>`: `--name`.
fn option_name(arg: &str) -> &str {
    arg.split([' ', '=']).next().unwrap_or(arg)
}

/// The names of the subcommands.
fn subcommands() -> Vec<String> {
    use clap::CommandFactory;
    let cmd = super::Cli::command();
    let names = cmd.get_subcommands().filter(|c| !c.is_hide_set());
    names.map(|c| c.get_name().to_string()).collect()
}

/// The words of `args` that may name subcommands: after the program,
/// not options, nor the value of the one top-level option taking one.
fn command_words(args: &[String]) -> impl Iterator<Item = &str> {
    let mut after_color = false;
    args.iter().skip(1).filter_map(move |a| {
        let value = std::mem::replace(&mut after_color, a == "--color");
        (!value && !a.starts_with('-')).then_some(a.as_str())
    })
}

/// The deepest subcommand named in `args` (else jixiao itself), built,
/// and how it is typed (`jixiao templates export`).
fn typed_command(args: &[String]) -> (clap::Command, String) {
    use clap::CommandFactory;
    let mut cmd = super::Cli::command();
    // Built, so that a subcommand's usage starts with `jixiao`.
    cmd.build();
    let mut sub = &cmd;
    let mut command = "jixiao".to_string();
    for name in command_words(args) {
        match sub.find_subcommand(name) {
            Some(found) => {
                sub = found;
                command = format!("{command} {name}");
            }
            None => break,
        }
    }
    (sub.clone(), command)
}

/// `d` with the usage of the subcommand named in `args` (else of
/// jixiao) and where its full help is.
fn with_usage(d: Diagnostic, args: &[String]) -> Diagnostic {
    let (mut sub, command) = typed_command(args);
    let usage = sub.render_usage().to_string();
    let usage = usage.trim().trim_start_matches("Usage:").trim();
    d.with_hint(format!("用法：{usage}"))
        .with_hint(format!("运行 {command} --help 查看全部选项"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    /// The diagnostic of parsing `line` (which must fail).
    fn parsed(line: &str) -> Diagnostic {
        let args: Vec<String> = line.split(' ').map(String::from).collect();
        let error = super::super::Cli::command()
            .try_get_matches_from(&args)
            .expect_err(line);
        diagnostic(&error, &args)
    }

    fn hints(d: &Diagnostic) -> String {
        d.hints.join("\n")
    }

    #[test]
    fn a_misspelt_option_is_named_with_the_right_one() {
        let d = parsed("jixiao build data --emt typ");
        assert_eq!(d.message, "无法识别的选项“--emt”");
        assert!(hints(&d).contains("是否想写 --emit？"), "{d:?}");
        assert!(
            hints(&d).contains("用法：jixiao build [OPTIONS] <DIR>"),
            "{d:?}"
        );
        assert!(hints(&d).contains("运行 jixiao build --help"), "{d:?}");
    }

    #[test]
    fn a_full_width_dash_or_year_is_explained() {
        let d = parsed("jixiao new d －－year 2026");
        assert!(hints(&d).contains("半角减号"), "{d:?}");
        let d = parsed("jixiao new d --year ２０２６");
        assert_eq!(d.message, "选项 --year <YEAR> 的取值“２０２６”不是整数");
        assert!(hints(&d).contains("请用半角数字"), "{d:?}");
    }

    #[test]
    fn values_subcommands_and_missing_arguments_are_in_chinese() {
        let d = parsed("jixiao check data --format xml");
        assert_eq!(d.message, "选项 --format <FORMAT> 的取值“xml”无效");
        assert!(
            hints(&d).contains("用法：jixiao check [OPTIONS] <DIR>"),
            "{d:?}"
        );
        assert!(
            hints(&d).contains("可用的取值：text、json、markdown"),
            "{d:?}"
        );
        let d = parsed("jixiao biuld data");
        assert_eq!(d.message, "没有子命令“biuld”");
        assert!(hints(&d).contains("是否想写 build？"), "{d:?}");
        assert!(hints(&d).contains("build、check"), "{d:?}");
        assert!(hints(&d).contains("运行 jixiao --help"), "{d:?}");
        let d = parsed("jixiao check");
        assert_eq!(d.message, "缺少必需的参数：<DIR>");
        let d = parsed("jixiao check a b");
        assert_eq!(d.message, "多余的参数“b”");
        assert!(hints(&d).contains("请用引号"), "{d:?}");
        let d = parsed("jixiao new d --from a --form x");
        assert!(d.message.contains("不能与"), "{d:?}");
    }

    #[test]
    fn found_in_review() {
        let d = parsed("jixiao completions tcsh");
        assert!(d.message.starts_with("参数 <SHELL> 的取值“tcsh”"), "{d:?}");
        let d = parsed("jixiao new －－year 2026");
        assert!(hints(&d).contains("半角减号"), "{d:?}");
        assert!(!hints(&d).contains("请用引号"), "{d:?}");
        let d = parsed("jixiao new x --bump-years");
        assert!(
            hints(&d).contains("--bump-years 要与 --from 一起用"),
            "{d:?}"
        );
        let d = parsed("jixiao templates export --bad");
        assert!(hints(&d).contains("用法：jixiao templates export"), "{d:?}");
        assert!(
            hints(&d).contains("运行 jixiao templates export --help"),
            "{d:?}"
        );
        let d = parsed("jixiao biuld check");
        assert!(
            hints(&d).contains("用法：jixiao [OPTIONS] <COMMAND>"),
            "{d:?}"
        );
        let d = parsed("jixiao --color never check");
        assert!(hints(&d).contains("用法：jixiao check"), "{d:?}");
        // No path to split for a subcommand that takes none.
        let d = parsed("jixiao rules extra");
        assert_eq!(d.message, "多余的参数“extra”");
        assert!(!hints(&d).contains("请用引号"), "{d:?}");
    }

    #[test]
    fn help_and_version_are_not_errors() {
        for line in ["jixiao --help", "jixiao --version", "jixiao"] {
            let error = super::super::Cli::command()
                .try_get_matches_from(line.split(' '))
                .expect_err(line);
            assert!(
                matches!(
                    error.kind(),
                    ErrorKind::DisplayHelp
                        | ErrorKind::DisplayVersion
                        | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
                ),
                "{line}: {:?}",
                error.kind()
            );
        }
    }
}
