//! Turning toml and serde error messages into Chinese diagnostics with a
//! hint on how to fix them, and "did you mean" suggestions.

use crate::report::diag::Diagnostic;

/// Chinese wording and a fix for toml_parser's syntax messages, by prefix.
const SYNTAX: &[(&[&str], &str, &str)] = &[
    (
        &[
            "invalid basic string",
            "invalid multi-line basic string",
            "invalid literal string",
            "invalid multi-line literal string",
        ],
        "文本缺少结尾的引号",
        "文本要用一对英文双引号括起来，例如 name = \"某某项目\"；中文引号“”不算引号",
    ),
    (
        &["missing opening quote", "string values must be quoted"],
        "文本没有加引号",
        "文字要用英文双引号括起来，例如 department = \"某某局\"",
    ),
    (
        &[
            "key with no value",
            "missing assignment",
            "missing value",
            "extra assignment",
            "extra `=`",
        ],
        "缺少等号或取值",
        "每行写成 字段 = 取值，例如 total = \"117.26\"",
    ),
    (
        &[
            "unclosed array",
            "missing comma between array",
            "extra comma in array",
            "missing array opening",
            "unexpected `=` in array",
        ],
        "列表 [ … ] 的写法不对",
        "列表写成 [\"甲\", \"乙\"]：方括号成对，元素之间用英文逗号分隔",
    ),
    (
        &[
            "unclosed table",
            "unclosed array table",
            "missing table open",
        ],
        "表头不完整",
        "表头单独占一行，写成 [budget] 或 [[indicators]]，方括号成对",
    ),
    (
        &[
            "unclosed inline table",
            "missing inline table opening",
            "missing key for inline table",
            "invalid inline table",
            "extra comma in inline table",
            "missing comma between key-value",
        ],
        "行内表 { … } 的写法不对",
        "行内表写成 { total = \"10\", fiscal = \"10\" }，花括号成对、用英文逗号分隔",
    ),
    (
        &[
            "invalid unquoted key",
            "unquoted keys cannot be empty",
            "invalid key-value pair",
            "unexpected key or value",
            "unexpected content",
            "keys cannot be",
        ],
        "这一行无法识别",
        "每行应为 字段 = 取值；字段名只用英文字母、数字和下划线，取值的文字要加英文双引号",
    ),
    (
        &[
            "unexpected leading zero",
            "redundant",
            "unexpected sign",
            "`_` may only go",
            "integers with a radix",
            "radix must be",
        ],
        "数字的写法不对",
        "以 0 开头的编码等内容请加引号写成文本，例如 unit_code = \"012345\"",
    ),
    (
        &[
            "invalid date",
            "invalid time",
            "invalid offset",
            "invalid datetime",
            "invalid date-time",
        ],
        "日期不存在或写法不对",
        "日期写成 2025-01-20（年-月-日，月和日写两位），且必须是真实存在的日期",
    ),
    (
        &["missing escaped value"],
        "反斜杠 \\ 后面的转义写法不对",
        "文本里要写反斜杠本身请写两个（\\\\），或改用单引号 '…' 括起文本；可用的转义只有 \\n \\t \\\" \\\\ \\uXXXX 等",
    ),
    (
        &["too few unicode value digits", "invalid value"],
        "\\u 转义的编码不是有效的字符",
        "\\u 后面写 4 位、\\U 后面写 8 位十六进制编码，且不能是 D800–DFFF（代理码，不是字符）；汉字直接写出即可，不必转义",
    ),
    (
        &[
            "integer number overflowed",
            "floating-point number overflowed",
        ],
        "数字太大",
        "请检查这个数是否多写了位数；编码等内容请加英文双引号写成文本",
    ),
    (
        &[
            "invalid float",
            "invalid fraction",
            "invalid mantissa",
            "invalid exponent",
            "invalid integer number",
            "invalid hexadecimal number",
            "invalid octal number",
            "invalid binary number",
        ],
        "数字的写法不对（数字后面不能跟单位或文字）",
        "金额写成 total = \"15.28\"（不带“万元”）；带文字的取值请整个加英文双引号；小数点前后都要有数字（0.5，不写 .5 或 1.）",
    ),
    (
        &["invalid boolean"],
        "是/否的取值写法不对",
        "是/否只能写 true 或 false（小写，不加引号），例如 duplex = true；若是文字，请加英文双引号",
    ),
    (
        &["invalid comment character", "missing comment start"],
        "注释中有不可见的控制字符",
        "注释以 # 开头，这一行 # 后面有控制字符（可能是从别处复制来的）；请删去这一行注释重新输入",
    ),
    (
        &["cannot recurse further"],
        "括号嵌套层数太多",
        "数据文件里的列表和表不需要这么多层；请检查是否有多余的 [ 或 {",
    ),
];

/// Separates a message of our own deserializers from its hint, since serde
/// errors carry one string only.
const HINT_MARK: &str = "\n提示：";

/// A deserializer's Chinese message with a hint, for [`toml_error`] to split.
pub(crate) fn with_hint(message: &str, hint: &str) -> String {
    format!("{message}{HINT_MARK}{hint}")
}

/// Turns a toml/serde message into a Chinese diagnostic with a hint.
pub fn toml_error(message: &str) -> Diagnostic {
    let msg = message.trim();
    if let Some((own, hint)) = msg.split_once(HINT_MARK) {
        return Diagnostic::error(own)
            .with_label("此处有误")
            .with_hint(hint);
    }
    if let Some(rest) = msg.strip_prefix("unknown field `") {
        return unknown_field(rest);
    }
    if let Some(rest) = msg.strip_prefix("missing field `") {
        let field = rest.split('`').next().unwrap_or(rest);
        return Diagnostic::error(format!("缺少必填字段“{field}”"))
            .with_label("此表缺少该字段")
            .with_hint(format!("请补上“{field}”，写法见 jixiao guide"));
    }
    if let Some(rest) = msg.strip_prefix("invalid type: ") {
        return invalid_type(rest);
    }
    if let Some(rest) = msg.strip_prefix("invalid value: ") {
        // serde's out-of-range integer, e.g. "integer `300`, expected u8".
        let value = rest.split('`').nth(1).unwrap_or(rest);
        return Diagnostic::error(format!("数值 {value} 超出这个字段允许的范围"))
            .with_label("超出范围")
            .with_hint("请检查是否多写或少写了位数");
    }
    if let Some(rest) = msg.strip_prefix("unknown variant `") {
        let (value, expected) = rest.split_once('`').unwrap_or((rest, ""));
        let known = backticked(expected);
        return Diagnostic::error(format!("不认识的取值“{value}”"))
            .with_label("此处不认识")
            .with_hint(format!("可用的取值：{}", known.join("、")));
    }
    if msg.starts_with("duplicate key") {
        return Diagnostic::error("同一个字段写了两次")
            .with_label("重复的字段")
            .with_hint("同一个表里每个字段只能写一次；请删除多余的一行");
    }
    if msg.contains("数字") {
        return Diagnostic::error(format!("金额或百分比必须是数字：{msg}"))
            .with_label("不是数字")
            .with_hint("只写阿拉伯数字，不带单位和 % 号，例如 total = \"117.26\"、march = 25");
    }
    // Messages of our own deserializers (e.g. `date`) are Chinese already.
    if msg.chars().next().is_some_and(|c| c >= '\u{2e80}') {
        return Diagnostic::error(msg).with_label("此处有误");
    }
    syntax_error(msg)
}

fn syntax_error(msg: &str) -> Diagnostic {
    let head = msg.split(", expected").next().unwrap_or(msg);
    match SYNTAX
        .iter()
        .find(|(prefixes, _, _)| prefixes.iter().any(|p| head.starts_with(p)))
    {
        Some((_, zh, hint)) => Diagnostic::error(format!("TOML 格式错误：{zh}"))
            .with_label(*zh)
            .with_hint(*hint),
        None => Diagnostic::error(format!("TOML 格式错误：{msg}"))
            .with_hint("请检查引号、括号和等号是否成对、完整"),
    }
}

fn unknown_field(rest: &str) -> Diagnostic {
    let (field, expected) = rest.split_once('`').unwrap_or((rest, ""));
    let known = backticked(expected);
    let mut d = Diagnostic::error(format!("未知字段“{field}”")).with_label("此处不认识");
    if let Some(best) = nearest(field, &known) {
        d = d.with_hint(format!("您是不是想写“{best}”？"));
    }
    if !known.is_empty() {
        d = d.with_hint(format!("此处可用的字段：{}", known.join("、")));
    }
    d
}

fn invalid_type(rest: &str) -> Diagnostic {
    let (found, expected) = rest.split_once(", expected ").unwrap_or((rest, ""));
    let want = type_name(expected);
    let mut d = Diagnostic::error(format!(
        "类型不对：这里需要{want}，实际写的是{}",
        found_name(found)
    ))
    .with_label(format!("应为{want}"));
    if want.starts_with("文本") {
        let value = found.split(['`', '"']).nth(1).unwrap_or("…");
        d = d.with_hint(format!("请加上英文双引号，写成 \"{value}\""));
    } else if want == "整数" {
        d = d.with_hint("请去掉引号和文字，只写数字，例如 year = 2025");
    }
    d
}

/// The words between backticks in a serde "expected one of" list.
fn backticked(s: &str) -> Vec<String> {
    s.split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect()
}

/// Describes a serde type name in Chinese.
fn type_name(s: &str) -> String {
    let s = s.trim();
    let zh = if s.contains("string") {
        "文本（加英文双引号）"
    } else if s.contains("integer") || s.starts_with('i') || s.starts_with('u') {
        "整数"
    } else if s.contains("float") || s.contains("数字") {
        "数字"
    } else if s.contains("bool") {
        "true 或 false"
    } else if s.contains("sequence") || s.contains("array") {
        "列表 [ … ]"
    } else if s.contains("map") || s.contains("struct") || s.contains("table") {
        "表"
    } else {
        return s.to_string();
    };
    zh.to_string()
}

/// Describes what was found, with the value the user wrote.
fn found_name(s: &str) -> String {
    let kind =
        type_name(s.split([' ', '`', '"']).next().unwrap_or(s)).replace("（加英文双引号）", "");
    match s.split(['`', '"']).nth(1) {
        Some(v) => format!(" {v}（{kind}）"),
        None => kind,
    }
}

/// The known name closest to `word`, if reasonably close.
pub fn nearest<'a>(word: &str, known: &'a [String]) -> Option<&'a str> {
    known
        .iter()
        .map(|k| (edit_distance(word, k), k))
        .filter(|(d, k)| *d <= (k.chars().count().max(3) / 2))
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k.as_str())
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != *cb);
            cur.push(sub.min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distance_works() {
        assert_eq!(edit_distance("nmae", "name"), 2);
        assert_eq!(edit_distance("titel", "title"), 2);
        assert_eq!(edit_distance("", "abc"), 3);
    }

    #[test]
    fn syntax_messages_are_translated() {
        let d = toml_error("invalid basic string, expected `\"`");
        assert_eq!(d.message, "TOML 格式错误：文本缺少结尾的引号");
        let d = toml_error("something new");
        assert_eq!(d.message, "TOML 格式错误：something new");
    }

    #[test]
    fn what_the_parser_says_of_typed_values_is_translated() {
        let cases = [
            ("total = 15.28万元", "数字的写法不对"),
            ("total = 1.", "数字的写法不对"),
            ("total = 1..2", "数字的写法不对"),
            ("total = .5", "数字的写法不对"),
            ("total = 1e", "数字的写法不对"),
            ("total = 0x1G", "数字的写法不对"),
            ("total = nan1", "数字的写法不对"),
            ("duplex = true1", "是/否的取值写法不对"),
            ("a = 1 # x\u{7}y", "注释中有不可见的控制字符"),
        ];
        for (line, want) in cases {
            let e = line.parse::<toml::Table>().unwrap_err();
            let d = toml_error(e.message());
            assert!(
                d.message.contains(want),
                "{line}: {} ({})",
                d.message,
                e.message()
            );
        }
    }

    #[test]
    fn type_errors_show_the_value() {
        let d = toml_error("invalid type: integer `900001`, expected a string");
        assert_eq!(
            d.message,
            "类型不对：这里需要文本（加英文双引号），实际写的是 900001（整数）"
        );
        assert!(d.hints[0].contains("\"900001\""));
    }
}
