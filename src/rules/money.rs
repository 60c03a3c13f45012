//! Figures (J2xx–J4xx): the budget split, the cumulative spending plan,
//! 成本指标 against 预算数, and percentage 指标值.

use rust_decimal::Decimal;

use super::{Finding, J201, J202, J203, J301, J302, J303, J304, J401, J402};
use crate::input::form::{Kind, Role, Sum};
use crate::input::model::{Amount, Document, Project};

/// Runs the J2xx–J4xx rules on every project.
pub fn check(doc: &Document, out: &mut Vec<Finding>) {
    for (n, p) in doc.projects.iter().enumerate() {
        amounts(n, p, out);
        plan(n, p, out);
        costs(n, p, doc, out);
        percentages(n, p, out);
    }
}

/// J201–J203: each sum of the form holds, nothing negative, total not zero.
fn amounts(n: usize, p: &Project, out: &mut Vec<Finding>) {
    let form = &*p.form;
    for f in form.fields.iter().filter(|f| f.kind == Kind::Money) {
        let v = p.amount(f.key);
        if v.is_some_and(|a| a.0.is_sign_negative() && !a.0.is_zero()) {
            out.push(
                Finding::new(
                    &J202,
                    p.field_place(n, f.key),
                    format!("金额 {} 是负数", v.unwrap_or_default()),
                )
                .hint("预算金额应为 0 或正数"),
            );
        }
    }
    if let Some(f) = form.role(Role::Total)
        && p.amount(f.key).is_some_and(|a| a.0.is_zero())
    {
        let msg = format!("{}为 0", f.label);
        out.push(Finding::new(&J203, p.field_place(n, f.key), msg).hint("请填写本项目的预算金额"));
    }
    for sum in &form.sums {
        sum_rule(n, p, sum, out);
    }
}

/// The amount a sum rule part stands for: a field's amount, or the sum of
/// a money column of a row table (`duties.amount`; `None` when no row has one).
fn part_amount(p: &Project, key: &str) -> Option<Amount> {
    if p.form.field(key).is_some() {
        return p.amount(key);
    }
    let (table, column) = key.split_once('.')?;
    let cells: Vec<Amount> = p
        .rows(table)
        .iter()
        .filter_map(|r| r.0.get(column).and_then(|v| v.amount()))
        .collect();
    let first = *cells.first()?;
    cells[1..]
        .iter()
        .try_fold(first.0, |a, b| a.checked_add(b.0))
        .map(Amount)
}

/// The Chinese name of a sum rule part ("财政资金", "年度履职目标预算金额合计").
fn part_label(p: &Project, key: &str) -> String {
    let form = &*p.form;
    if let Some(f) = form.field(key) {
        return f.label.trim_start_matches("其中：").to_string();
    }
    let column = key.split_once('.').and_then(|(t, c)| {
        let t = form.table(t)?;
        Some(format!(
            "{}{}合计",
            t.label,
            t.columns.iter().find(|col| col.key == c)?.label
        ))
    });
    column.unwrap_or_else(|| key.to_string())
}

/// J201 for one sum rule; a sum whose parts are all blank is not checked.
fn sum_rule(n: usize, p: &Project, sum: &Sum, out: &mut Vec<Finding>) {
    let label = |k: &str| part_label(p, k);
    if sum.parts.iter().all(|k| part_amount(p, k).is_none()) {
        return;
    }
    let Some(total) = p.amount(sum.total) else {
        return;
    };
    let total_sum = sum.parts.iter().try_fold(Decimal::ZERO, |a, k| {
        a.checked_add(part_amount(p, k).unwrap_or_default().0)
    });
    if total_sum == Some(total.0) {
        return;
    }
    let parts: Vec<String> = sum
        .parts
        .iter()
        .map(|k| format!("{} {}", label(k), show(part_amount(p, k))))
        .collect();
    let names: Vec<String> = sum.parts.iter().map(|k| label(k)).collect();
    // One part is its own sum: "（合计 …）" would repeat it.
    let summed = match (parts.len(), total_sum) {
        (1, Some(_)) => String::new(),
        (_, Some(s)) => format!("（合计 {s}）"),
        (_, None) => "（合计 超出可计算范围）".to_string(),
    };
    let message = format!(
        "{} {total} ≠ {}{summed}",
        label(sum.total),
        parts.join(" + ")
    );
    let hint = match names.as_slice() {
        [one] => format!("{}应等于{one}；请核对这两个数", label(sum.total)),
        _ => format!(
            "{}应等于{}之和（空白按 0 计）；请核对{}个数",
            label(sum.total),
            names.join("与"),
            crate::typeset::render::chinese_number(names.len() + 1)
        ),
    };
    out.push(Finding::new(&J201, p.field_place(n, sum.total), message).hint(hint));
}

fn show(a: Option<Amount>) -> String {
    a.map_or_else(|| "空白".to_string(), |a| a.to_string())
}

/// J301–J304: each checkpoint within 0–100, never decreasing, ending at 100.
fn plan(n: usize, p: &Project, out: &mut Vec<Finding>) {
    let form = &*p.form;
    if form.plan.is_empty() {
        return;
    }
    let label = |k: &str| form.field(k).map_or(String::new(), |f| f.label.clone());
    let filled: Vec<(&str, String, Decimal)> = form
        .plan
        .iter()
        .filter_map(|k| p.amount(k).map(|v| (*k, label(k), v.0)))
        .collect();
    let Some((last_key, last_zh, last)) = filled.last().cloned() else {
        out.push(blank_plan(n, p));
        return;
    };
    let hundred = Decimal::ONE_HUNDRED;
    for (k, zh, v) in &filled {
        if *v < Decimal::ZERO || *v > hundred {
            out.push(
                Finding::new(
                    &J301,
                    p.field_place(n, k),
                    format!("{zh}支出进度 {v}% 不在 0–100 之间"),
                )
                .hint("资金支出计划填累计百分比，不带 % 号，例如 25、50、100"),
            );
        }
    }
    for pair in filled.windows(2) {
        let ((_, zh0, v0), (k1, zh1, v1)) = (&pair[0], &pair[1]);
        if v1 < v0 {
            out.push(
                Finding::new(
                    &J302,
                    p.field_place(n, k1),
                    format!("{zh1}累计 {v1}% 小于{zh0}的 {v0}%"),
                )
                .hint("资金支出计划是累计数，后一个节点不能小于前一个"),
            );
        }
    }
    if last != hundred {
        out.push(
            Finding::new(
                &J303,
                p.field_place(n, last_key),
                format!("最后一个节点（{last_zh}）为 {last}%，不是 100%"),
            )
            .hint("全年资金应在最后一个节点累计支出 100%"),
        );
    }
}

/// J304: every checkpoint blank, at the plan's table.
fn blank_plan(n: usize, p: &Project) -> Finding {
    let form = &*p.form;
    let last = form.plan[form.plan.len() - 1];
    let place = p.field_place(n, last);
    let group = crate::input::locate::Place {
        path: place.path[..place.path.len().saturating_sub(1).max(1)].to_vec(),
        ..place
    };
    let (label, key) = form.field(last).map_or((String::new(), ""), |f| {
        (f.label.clone(), f.path[f.path.len() - 1])
    });
    Finding::new(&J304, group, "资金支出计划全部空白")
        .hint(format!("请至少填写 {label}（{key} = 100）"))
}

/// A parsed 指标值 such as "≤117.26万元": comparison, number and unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Figure {
    /// The comparison sign ("=", "≤", "≥", "<", ">" or "").
    pub op: &'static str,
    /// The number.
    pub number: Decimal,
    /// What follows the number, trimmed ("万元", "%", "人" …).
    pub unit: String,
}

/// Parses "≥ 95%", "=14.28万元", "≤1,172,600元", "１００％"; `None` for
/// qualitative values.
pub fn figure(value: &str) -> Option<Figure> {
    let v = super::text::half_width(value.trim());
    let ops = [
        ("≤", "≤"),
        ("≥", "≥"),
        ("<=", "≤"),
        (">=", "≥"),
        ("=", "="),
        ("<", "<"),
        (">", ">"),
    ];
    let (written, op) = ops
        .iter()
        .find(|(w, _)| v.starts_with(w))
        .copied()
        .unwrap_or(("", ""));
    let rest = v[written.len()..].trim_start();
    let end = rest
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(rest.len());
    let digits = &rest[..end];
    let number: Decimal = match digits.parse() {
        Ok(n) => n,
        // More whole digits than a Decimal holds (28): larger than any
        // budget or percentage, which is all the rules ask of it.
        Err(_)
            if digits.split('.').next().is_some_and(|w| w.len() > 28)
                && digits.matches('.').count() <= 1 =>
        {
            Decimal::MAX
        }
        Err(_) => return None,
    };
    Some(Figure {
        op,
        number,
        unit: rest[end..].trim().to_string(),
    })
}

/// Whether a value is an amount of money ("≤117.26万元", "=1,000元").
pub(crate) fn in_money(value: &str) -> bool {
    figure(value).is_some_and(|f| yuan(&f.unit).is_some())
}

/// Scale of a money unit relative to 元.
fn yuan(unit: &str) -> Option<Decimal> {
    match unit {
        "元" => Some(Decimal::ONE),
        "万元" => Some(Decimal::from(10_000)),
        "亿元" => Some(Decimal::from(100_000_000)),
        _ => None,
    }
}

/// J401: a 成本指标 in money may not exceed the project's total.
fn costs(n: usize, p: &Project, doc: &Document, out: &mut Vec<Finding>) {
    let Some(budget_scale) = yuan(doc.money_unit.trim()) else {
        return;
    };
    let (Some(total), Some((t, rows))) = (p.total(), p.indicators()) else {
        return;
    };
    let Some(tax) = p.form.taxonomy(doc.check.profile.as_deref()) else {
        return;
    };
    let Some(value_key) = t.role_key(Role::Value) else {
        return;
    };
    for (j, r) in rows.iter().enumerate() {
        if !tax.is_cost(&r.role(t, Role::Level1), &r.role(t, Role::Level2)) {
            continue;
        }
        let value = r.figure_text(t);
        let Some(f) = figure(&value) else { continue };
        let Some(scale) = yuan(&f.unit) else { continue };
        // An amount too large to convert certainly exceeds any budget.
        let exceeds = (f.number.checked_mul(scale))
            .and_then(|yuan| yuan.checked_div(budget_scale))
            .is_none_or(|v| v > total.0);
        if matches!(f.op, "=" | "≤" | "<" | "") && exceeds {
            out.push(
                Finding::new(
                    &J401,
                    Project::cell_place(n, t.key, j, value_key),
                    format!(
                        "成本指标“{}”{} 超过预算数 {}{}",
                        r.role(t, Role::Level3),
                        value,
                        total,
                        doc.money_unit
                    ),
                )
                .hint("成本指标不能超过项目预算数；请核对指标值或预算数"),
            );
        }
    }
}

/// J402: "=" or "≥" a percentage above 100% cannot be met.
fn percentages(n: usize, p: &Project, out: &mut Vec<Finding>) {
    let Some((t, rows)) = p.indicators() else {
        return;
    };
    let Some(value_key) = t.role_key(Role::Value) else {
        return;
    };
    for (j, r) in rows.iter().enumerate() {
        let value = r.figure_text(t);
        let Some(f) = figure(&value) else { continue };
        if matches!(f.op, "=" | "≥" | ">") && f.unit == "%" && f.number > Decimal::ONE_HUNDRED {
            out.push(
                Finding::new(
                    &J402,
                    Project::cell_place(n, t.key, j, value_key),
                    format!("指标值“{value}”超过 100%"),
                )
                .hint("比率类指标一般不超过 100%；请确认是否多写了数字"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_parse_like_users_write_them() {
        let f = figure("≤45 万元").unwrap();
        assert_eq!(
            (f.op, f.number.to_string(), f.unit.as_str()),
            ("≤", "45".into(), "万元")
        );
        let f = figure(">=98.5%").unwrap();
        assert_eq!(
            (f.op, f.number.to_string(), f.unit.as_str()),
            ("≥", "98.5".into(), "%")
        );
        assert_eq!(figure("100%").unwrap().op, "");
        // Too many digits for a Decimal: the largest one, so J401 and J402
        // still see that it is too large.
        let huge = format!("≤1{}万元", "0".repeat(30));
        assert_eq!(figure(&huge).unwrap().number, Decimal::MAX);
        assert!(figure(&format!("={}.5%", "9".repeat(40))).unwrap().number > Decimal::ONE_HUNDRED);
        assert!(figure("优良").is_none());
        assert!(figure("12月底前完成").is_some_and(|f| f.unit == "月底前完成"));
        let f = figure("≤1,172,600元").unwrap();
        assert_eq!(
            (f.number, f.unit.as_str()),
            (Decimal::from(1_172_600), "元")
        );
        let f = figure("＝１２０％").unwrap();
        assert_eq!(
            (f.op, f.number, f.unit.as_str()),
            ("=", Decimal::from(120), "%")
        );
    }

    fn project(extra: &str) -> Project {
        crate::input::model::project::parse_test(&format!("code='X'\nname='N'\n{extra}"))
    }

    fn codes(p: &Project) -> Vec<&'static str> {
        let doc: Document =
            toml::from_str("year=2025\ndepartment='d'\nunit_code='1'\nunit_name='u'").unwrap();
        let mut out = Vec::new();
        amounts(0, p, &mut out);
        plan(0, p, &mut out);
        costs(0, p, &doc, &mut out);
        percentages(0, p, &mut out);
        out.iter().map(|f| f.rule.code).collect()
    }

    #[test]
    fn consistent_project_passes() {
        let p = project(
            "[budget]\ntotal='10.5'\nfiscal='10'\nother='0.5'\n[plan]\njune=50\ndecember=100\n[[indicators]]\nlevel1='产出指标'\nlevel2='成本指标'\nname='c'\nvalue='≤105000元'\n",
        );
        assert!(codes(&p).is_empty(), "{:?}", codes(&p));
    }

    #[test]
    fn broken_figures_are_found() {
        let p = project(
            "[budget]\ntotal='10'\nfiscal='9'\nother='-1'\n[plan]\nmarch=120\njune=50\noctober=90\n[[indicators]]\nlevel1='产出指标'\nlevel2='成本指标'\nname='c'\nvalue='=11万元'\n[[indicators]]\nlevel1='产出指标'\nlevel2='质量指标'\nname='q'\nvalue='≥105%'\n",
        );
        assert_eq!(
            codes(&p),
            ["J202", "J201", "J301", "J302", "J303", "J401", "J402"]
        );
    }

    #[test]
    fn a_unit_column_is_read_after_the_value() {
        let p = crate::input::model::project::parse_test(
            "form='shenbao'\nname='n'\ncode='c'\ndepartment='d'\nunit='u'\ngoal='g'\n\
             [budget]\ntotal='10'\n[[indicators]]\nlevel1='产出指标'\nlevel2='质量指标'\n\
             name='q'\nvalue='≥105'\nunit='%'\n[[indicators]]\nlevel1='产出指标'\n\
             level2='成本指标'\nname='c'\nvalue='≤20'\nunit='万元'\n",
        );
        let doc: Document =
            toml::from_str("year=2025\ndepartment='d'\nunit_code='1'\nunit_name='u'").unwrap();
        let mut out = Vec::new();
        costs(0, &p, &doc, &mut out);
        percentages(0, &p, &mut out);
        let codes: Vec<&str> = out.iter().map(|f| f.rule.code).collect();
        assert_eq!(codes, ["J401", "J402"]);
    }

    #[test]
    fn a_money_column_sums_into_a_field() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/data/examples/department/projects/00-zhengti.toml"
        );
        let text = std::fs::read_to_string(path).unwrap();
        let clean = crate::input::model::project::parse_test(&text);
        let mut out = Vec::new();
        amounts(0, &clean, &mut out);
        assert!(out.is_empty(), "{out:?}");
        let broken =
            crate::input::model::project::parse_test(&text.replace("\"46.00\"", "\"4600.00\""));
        amounts(0, &broken, &mut out);
        let msgs: Vec<&str> = out.iter().map(|f| f.message.as_str()).collect();
        assert_eq!(msgs, ["项目支出 386.00 ≠ 年度履职目标预算金额合计 4940.00"]);
    }

    #[test]
    fn blank_plan_is_a_warning() {
        assert_eq!(codes(&project("[budget]\ntotal=0\n")), ["J203", "J304"]);
    }
}
