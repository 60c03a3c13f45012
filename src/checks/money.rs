//! Figures (J2xx–J4xx): the budget split, the cumulative spending plan,
//! 成本指标 against 预算数, and percentage 指标值.

use rust_decimal::Decimal;

use super::Finding;
use crate::locate::Place;
use crate::locate::Seg::{Index, Key};
use crate::model::{Amount, Document, Profile, Project};

/// Runs the J2xx–J4xx rules on every project.
pub fn check(doc: &Document, out: &mut Vec<Finding>) {
    for (n, p) in doc.projects.iter().enumerate() {
        budget(n, p, out);
        plan(n, p, out);
        costs(n, p, doc, out);
        percentages(n, p, out);
    }
}

/// J201–J203: 预算数 = 财政资金 + 其他资金, nothing negative, not zero.
fn budget(n: usize, p: &Project, out: &mut Vec<Finding>) {
    let b = &p.budget;
    let at = |k| Place::project(n, &[Key("budget"), Key(k)]);
    for (key, v) in [
        ("total", Some(b.total)),
        ("fiscal", b.fiscal),
        ("other", b.other),
    ] {
        if v.is_some_and(|a| a.0.is_sign_negative() && !a.0.is_zero()) {
            out.push(
                Finding::new(
                    "J202",
                    at(key),
                    format!("金额 {} 是负数", v.unwrap_or_default()),
                )
                .hint("预算金额应为 0 或正数"),
            );
        }
    }
    if b.total.0.is_zero() {
        out.push(Finding::new("J203", at("total"), "预算数为 0").hint("请填写本项目的预算金额"));
    }
    if b.fiscal.is_none() && b.other.is_none() {
        return;
    }
    let fiscal = b.fiscal.unwrap_or_default().0;
    let other = b.other.unwrap_or_default().0;
    let sum = fiscal.checked_add(other);
    if sum != Some(b.total.0) {
        out.push(
            Finding::new(
                "J201",
                at("total"),
                format!(
                    "预算数 {} ≠ 财政资金 {} + 其他资金 {}（合计 {}）",
                    b.total,
                    show(b.fiscal),
                    show(b.other),
                    sum.map_or_else(|| "超出可计算范围".to_string(), |s| s.to_string())
                ),
            )
            .hint("预算数应等于财政资金与其他资金之和（空白按 0 计）；请核对三个数"),
        );
    }
}

fn show(a: Option<Amount>) -> String {
    a.map_or_else(|| "空白".to_string(), |a| a.to_string())
}

/// J301–J304: each checkpoint within 0–100, never decreasing, ending at 100.
fn plan(n: usize, p: &Project, out: &mut Vec<Finding>) {
    const KEYS: [(&str, &str); 4] = [
        ("march", "3月底"),
        ("june", "6月底"),
        ("october", "10月底"),
        ("december", "12月底"),
    ];
    let at = |k| Place::project(n, &[Key("plan"), Key(k)]);
    let filled: Vec<(&str, &str, Decimal)> = KEYS
        .iter()
        .zip(p.plan.checkpoints())
        .filter_map(|((k, zh), v)| v.map(|v| (*k, *zh, v.0)))
        .collect();
    let Some(&(last_key, last_zh, last)) = filled.last() else {
        out.push(
            Finding::new(
                "J304",
                Place::project(n, &[Key("plan")]),
                "资金支出计划全部空白",
            )
            .hint("请至少填写 12月底（december = 100）"),
        );
        return;
    };
    let hundred = Decimal::ONE_HUNDRED;
    for &(k, zh, v) in &filled {
        if v < Decimal::ZERO || v > hundred {
            out.push(
                Finding::new("J301", at(k), format!("{zh}支出进度 {v}% 不在 0–100 之间"))
                    .hint("资金支出计划填累计百分比，不带 % 号，例如 25、50、100"),
            );
        }
    }
    for pair in filled.windows(2) {
        let ((_, zh0, v0), (k1, zh1, v1)) = (pair[0], pair[1]);
        if v1 < v0 {
            out.push(
                Finding::new("J302", at(k1), format!("{zh1}累计 {v1}% 小于{zh0}的 {v0}%"))
                    .hint("资金支出计划是累计数，后一个节点不能小于前一个"),
            );
        }
    }
    if last != hundred {
        out.push(
            Finding::new(
                "J303",
                at(last_key),
                format!("最后一个节点（{last_zh}）为 {last}%，不是 100%"),
            )
            .hint("全年资金应在最后一个节点累计支出 100%"),
        );
    }
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
    let number: Decimal = rest[..end].parse().ok()?;
    Some(Figure {
        op,
        number,
        unit: rest[end..].trim().to_string(),
    })
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

/// J401: a 成本指标 in money may not exceed 预算数.
fn costs(n: usize, p: &Project, doc: &Document, out: &mut Vec<Finding>) {
    let Some(budget_scale) = yuan(doc.money_unit.trim()) else {
        return;
    };
    let is_cost = |l1: &str, l2: &str| match doc.check.profile {
        Profile::A => l2 == "成本指标",
        Profile::B => l1 == "成本指标",
    };
    for (j, r) in p.indicators.iter().enumerate() {
        if !is_cost(r.level1.trim(), r.level2.trim()) {
            continue;
        }
        let Some(f) = figure(&r.value) else { continue };
        let Some(scale) = yuan(&f.unit) else { continue };
        // An amount too large to convert certainly exceeds any budget.
        let exceeds = (f.number.checked_mul(scale))
            .and_then(|yuan| yuan.checked_div(budget_scale))
            .is_none_or(|v| v > p.budget.total.0);
        if matches!(f.op, "=" | "≤" | "<" | "") && exceeds {
            out.push(
                Finding::new(
                    "J401",
                    Place::project(n, &[Key("indicators"), Index(j), Key("value")]),
                    format!(
                        "成本指标“{}”{} 超过预算数 {}{}",
                        r.name.trim(),
                        r.value.trim(),
                        p.budget.total,
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
    for (j, r) in p.indicators.iter().enumerate() {
        let Some(f) = figure(&r.value) else { continue };
        if matches!(f.op, "=" | "≥" | ">") && f.unit == "%" && f.number > Decimal::ONE_HUNDRED {
            out.push(
                Finding::new(
                    "J402",
                    Place::project(n, &[Key("indicators"), Index(j), Key("value")]),
                    format!("指标值“{}”超过 100%", r.value.trim()),
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
        toml::from_str(&format!("code='X'\nname='N'\n{extra}")).unwrap()
    }

    fn codes(p: &Project) -> Vec<&'static str> {
        let doc: Document =
            toml::from_str("year=2025\ndepartment='d'\nunit_code='1'\nunit_name='u'").unwrap();
        let mut out = Vec::new();
        budget(0, p, &mut out);
        plan(0, p, &mut out);
        costs(0, p, &doc, &mut out);
        percentages(0, p, &mut out);
        out.iter().map(|f| f.code).collect()
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
    fn blank_plan_is_a_warning() {
        assert_eq!(codes(&project("[budget]\ntotal=0\n")), ["J203", "J304"]);
    }
}
