//! J503: a year or an amount written in a project table's title agrees with
//! the data ("…7423万冀财社2021152号绩效目标表" is read as 7423 万元; the
//! document number after it is neither a year nor an amount).

use rust_decimal::Decimal;

use super::{Finding, J503};
use crate::input::form::Role;
use crate::input::locate::Place;
use crate::input::locate::Seg::Key;
use crate::input::model::{Amount, Document, YEARS};

/// Runs J503 on every project table's title.
pub(super) fn check(doc: &Document, out: &mut Vec<Finding>) {
    for (n, p) in doc.projects.iter().enumerate() {
        // The default title is "{name}绩效目标表": a figure in it is in `name`.
        let place = match (&p.title, p.form.role(Role::Name)) {
            (None, Some(f)) => p.field_place(n, f.key),
            _ => Place::project(n, &[Key("title")]),
        };
        for t in title_problems(&p.title(), doc.year, p.total(), &doc.money_unit) {
            let place = place.clone();
            out.push(
                Finding::new(&J503, place, t.message)
                    .at(t.needle)
                    .hint(t.hint),
            );
        }
    }
}

/// One figure of a title that disagrees with the data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TitleProblem {
    /// The text as written in the title, for the caret ("2024年", "7000万").
    pub needle: String,
    /// What is wrong, in Chinese.
    pub message: String,
    /// How to fix it, in Chinese.
    pub hint: String,
}

/// The years and amounts of `title` that disagree with the budget year and
/// 预算数 (`total`, in `money_unit`; no amount check without one).
pub(crate) fn title_problems(
    title: &str,
    year: i32,
    total: Option<Amount>,
    money_unit: &str,
) -> Vec<TitleProblem> {
    let figures = figures(title);
    let mut out = wrong_years(title, &figures, year);
    if let Some(total) = total {
        out.extend(wrong_amount(title, &figures, total.0, money_unit.trim()));
    }
    out
}

/// A run of digits in a title: byte range and value (ASCII, no separators).
#[derive(Debug)]
struct Figure {
    start: usize,
    end: usize,
    value: String,
}

fn digit(c: char) -> Option<char> {
    match c {
        '0'..='9' => Some(c),
        '０'..='９' => char::from_digit(c as u32 - '０' as u32, 10),
        _ => None,
    }
}

/// Every run of digits, with a decimal point or thousands separator
/// between digits taken into the run ("117.26", "１,２００").
fn figures(title: &str) -> Vec<Figure> {
    let chars: Vec<(usize, char)> = title.char_indices().collect();
    let is_digit = |k: usize| chars.get(k).is_some_and(|&(_, c)| digit(c).is_some());
    let mut out = Vec::new();
    let mut k = 0;
    while k < chars.len() {
        if !is_digit(k) {
            k += 1;
            continue;
        }
        let start = chars[k].0;
        let mut value = String::new();
        while k < chars.len() {
            let c = chars[k].1;
            if let Some(d) = digit(c) {
                value.push(d);
            } else if matches!(c, '.' | '．') && is_digit(k + 1) && !value.contains('.') {
                value.push('.');
            } else if !(matches!(c, ',' | '，') && is_digit(k + 1)) {
                break;
            }
            k += 1;
        }
        let end = chars.get(k).map_or(title.len(), |&(i, _)| i);
        out.push(Figure { start, end, value });
    }
    out
}

/// The text after `at` with leading spaces skipped.
fn rest(title: &str, at: usize) -> &str {
    title[at..].trim_start_matches([' ', '\u{3000}'])
}

/// Whether the digits at `start..end` of `text` are part of a document
/// number ("冀财社2021152号", "〔2021〕101号", "2021年152号"): neither a year
/// nor an amount. `jixiao new --bump-years` leaves them alone.
pub(crate) fn is_document_number(text: &str, start: usize, end: usize) -> bool {
    let value = String::new();
    in_document_number(text, &Figure { start, end, value })
}

/// Whether the figure is part of a document number: "2021152号",
/// "〔2021〕", "2021年152号", "2025年第10号" (never a year or an amount of the table).
fn in_document_number(title: &str, f: &Figure) -> bool {
    let after = rest(title, f.end);
    let bracketed = title[..f.start].ends_with(['〔', '[', '［', '【', '(', '（'])
        && after.starts_with(['〕', ']', '］', '】', ')', '）']);
    // "2021年152号", and a 公告/令 number "2025年第10号".
    let year_then_number = after.strip_prefix('年').is_some_and(|a| {
        let a = a.strip_prefix('第').unwrap_or(a);
        let digits = a.trim_start_matches(|c| digit(c).is_some());
        digits.len() < a.len() && digits.starts_with('号')
    });
    after.starts_with('号') || bracketed || year_then_number
}

/// Years written as years ("2024年", "2024年度", "2024-2026年") outside the
/// budget year; a year after "较"/"比" is a comparison, not a claim.
fn wrong_years(title: &str, figures: &[Figure], year: i32) -> Vec<TitleProblem> {
    let as_year = |f: &Figure| {
        let y: i32 = f.value.parse().ok()?;
        (f.value.len() == 4 && YEARS.contains(&y) && !in_document_number(title, f)).then_some(y)
    };
    let mut out = Vec::new();
    for (k, f) in figures.iter().enumerate() {
        let after = rest(title, f.end);
        let Some(last) = as_year(f).filter(|_| after.starts_with('年')) else {
            continue;
        };
        let first = k.checked_sub(1).map(|j| &figures[j]).filter(|p| {
            let between = title[p.end..f.start].trim_matches(' ');
            ["-", "—", "–", "~", "～", "至", "到"].contains(&between)
        });
        let (from_figure, from) = match first.and_then(|p| as_year(p).map(|y| (p, y))) {
            Some((p, y)) => (p, y.min(last)),
            None => (f, last),
        };
        let compared = title[..from_figure.start]
            .chars()
            .rev()
            .take(3)
            .any(|c| matches!(c, '较' | '比'));
        let to = last.max(from);
        if compared || (from..=to).contains(&year) {
            continue;
        }
        let unit_len = if after.starts_with("年度") {
            "年度"
        } else {
            "年"
        }
        .len();
        let end = title.len() - after.len() + unit_len;
        let shown = if from == to {
            from.to_string()
        } else {
            format!("{from}—{to}")
        };
        out.push(TitleProblem {
            needle: title[from_figure.start..end].to_string(),
            message: format!("表名写的是 {shown} 年，预算年度是 {year} 年"),
            hint: format!(
                "请把表名中的年份改为 {year} 年；每年更新数据时请同时改掉表名中去年的年份"
            ),
        });
    }
    out
}

/// Money units and how many 元 each is; the short forms ("7423万") only
/// when no measure word follows ("10万人", "5万亩" are not money).
const UNITS: [(&str, i64); 7] = [
    ("亿元", 100_000_000),
    ("百万元", 1_000_000),
    ("万元", 10_000),
    ("千元", 1_000),
    ("元", 1),
    ("亿", 100_000_000),
    ("万", 10_000),
];

/// Words after "万"/"亿" that count things other than money.
const MEASURE_WORDS: &str = "人次户件个名位亩顷吨株头只套台条册份张辆间座所家平米公千字斤项余多";

/// The money unit written right after a figure, as (unit text, 元 per unit).
fn unit_after(after: &str) -> Option<(&'static str, i64)> {
    let (unit, yuan) = UNITS.into_iter().find(|(u, _)| after.starts_with(u))?;
    let next = after[unit.len()..].chars().next();
    let counted = !unit.ends_with('元') && next.is_some_and(|c| MEASURE_WORDS.contains(c));
    (!counted).then_some((unit, yuan))
}

/// An amount written in the title, in `money_unit`: written in that unit
/// itself, or in another known unit converted ("1172600元" is 117.26 万元).
/// Returns the amount, its text and whether it was converted.
fn amount_in(title: &str, f: &Figure, money_unit: &str) -> Option<(Decimal, String, bool)> {
    if in_document_number(title, f) {
        return None;
    }
    let after = rest(title, f.end);
    let value: Decimal = f.value.parse().ok()?;
    let (unit, in_doc, converted) = if !money_unit.is_empty() && after.starts_with(money_unit) {
        (money_unit, value, false)
    } else {
        let (unit, yuan) = unit_after(after)?;
        let doc_yuan = UNITS.iter().find(|(u, _)| *u == money_unit)?.1;
        let in_yuan = value.checked_mul(Decimal::from(yuan))?;
        let in_doc = in_yuan.checked_div(Decimal::from(doc_yuan))?;
        (unit, in_doc, yuan != doc_yuan)
    };
    let end = title.len() - after.len() + unit.len();
    Some((
        in_doc.normalize(),
        title[f.start..end].to_string(),
        converted,
    ))
}

/// The title states amounts, yet neither one of them nor their sum is
/// 预算数: the first is reported.
fn wrong_amount(
    title: &str,
    figures: &[Figure],
    total: Decimal,
    money_unit: &str,
) -> Option<TitleProblem> {
    let found: Vec<(Decimal, String, bool)> = figures
        .iter()
        .filter_map(|f| amount_in(title, f, money_unit))
        .collect();
    let sum = found
        .iter()
        .try_fold(Decimal::ZERO, |acc, (a, _, _)| acc.checked_add(*a));
    if found.iter().any(|(a, _, _)| *a == total) || sum == Some(total) {
        return None;
    }
    let (value, written, converted) = found.into_iter().next()?;
    let converted = if converted {
        format!("（即 {value}{money_unit}）")
    } else {
        String::new()
    };
    Some(TitleProblem {
        message: format!("表名写的金额是 {written}{converted}，预算数是 {total}{money_unit}"),
        hint: "请按预算数（budget.total）改正表名中的金额，或核对预算数是否填错".to_string(),
        needle: written,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_announcement_number_is_a_document_number_not_a_year() {
        let t = "财政部公告2025年第10号";
        let at = t.find("2025").unwrap();
        assert!(is_document_number(t, at, at + 4));
        assert!(needles("依据财政部公告2024年第10号的项目", "1").is_empty());
        let t = "2025年第一季度";
        assert!(!is_document_number(t, 0, 4));
    }

    fn problems(title: &str, total: &str) -> Vec<(String, String)> {
        title_problems(title, 2025, Some(Amount(total.parse().unwrap())), "万元")
            .into_iter()
            .map(|p| (p.needle, p.message))
            .collect()
    }

    fn needles(title: &str, total: &str) -> Vec<String> {
        problems(title, total).into_iter().map(|p| p.0).collect()
    }

    #[test]
    fn the_2022_edition_title_agrees_with_its_data() {
        let t = "1.社会救助资金7423万冀财社2021152号绩效目标表";
        assert!(problems(t, "7423").is_empty());
        // The document number is neither a year nor an amount, even when
        // the 预算数 differs: only the amount before it is reported.
        assert_eq!(
            problems(t, "7000"),
            [(
                "7423万".to_string(),
                "表名写的金额是 7423万，预算数是 7000万元".to_string()
            )]
        );
    }

    #[test]
    fn document_numbers_are_not_years_or_amounts() {
        for t in [
            "冀财社2021152号社会救助资金绩效目标表",
            "财预〔2021〕101号专项资金绩效目标表",
            "冀财预[2019]10号资金绩效目标表",
            "冀政字2021年152号项目绩效目标表",
            "（2018）3号文件资金绩效目标表",
        ] {
            assert!(problems(t, "1").is_empty(), "{t}: {:?}", problems(t, "1"));
        }
    }

    #[test]
    fn a_year_other_than_the_budget_year_is_reported() {
        assert_eq!(
            problems("2024年信访经费绩效目标表", "1"),
            [(
                "2024年".to_string(),
                "表名写的是 2024 年，预算年度是 2025 年".to_string()
            )]
        );
        assert_eq!(
            needles("２０２４年度信访经费绩效目标表", "1"),
            ["２０２４年度"]
        );
        assert_eq!(needles("2022-2024年信访经费", "1"), ["2022-2024年"]);
        assert!(needles("2025年度信访经费", "1").is_empty());
        assert!(needles("2024—2026年信访经费", "1").is_empty());
        // Not years: a comparison, a number that is not four digits, one
        // outside 2000–2100, one not written as a year.
        for t in [
            "较2024年增长的经费",
            "20245年",
            "1998年建成的大楼",
            "2024项工作",
        ] {
            assert!(needles(t, "1").is_empty(), "{t}");
        }
    }

    #[test]
    fn amounts_are_compared_in_the_money_unit() {
        assert!(needles("信访经费117.26万元绩效目标表", "117.26").is_empty());
        assert!(needles("信访经费 7423 万元", "7423.00").is_empty());
        assert!(needles("信访经费1172600元", "117.26").is_empty());
        assert!(needles("信访经费1,172,600元", "117.26").is_empty());
        assert!(needles("房租80万元、水电37.26万元", "117.26").is_empty());
        assert_eq!(needles("信访经费117万元绩效目标表", "117.26"), ["117万元"]);
        assert_eq!(
            problems("信访经费1.2亿绩效目标表", "117.26"),
            [(
                "1.2亿".to_string(),
                "表名写的金额是 1.2亿（即 12000万元），预算数是 117.26万元".to_string()
            )]
        );
        // Counted things and no unit are not money.
        for t in [
            "惠及10万人的项目",
            "5万亩高标准农田",
            "第3批经费",
            "办结率95%",
        ] {
            assert!(needles(t, "117.26").is_empty(), "{t}");
        }
    }

    #[test]
    fn without_a_budget_or_a_known_unit() {
        let t = "2024年经费7423万";
        let found = title_problems(t, 2025, None, "万元");
        assert_eq!(found.len(), 1, "only the year: {found:?}");
        let total = Some(Amount(Decimal::from(5)));
        assert_eq!(
            title_problems("经费3千美元", 2025, total, "千美元").len(),
            1
        );
        assert!(title_problems("经费3万", 2025, total, "千美元").is_empty());
    }
}
