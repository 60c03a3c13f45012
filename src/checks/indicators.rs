//! Indicator-grid rules (J1xx): the taxonomy of 一级/二级指标 under the
//! chosen profile, required groups, duplicate names and split groups.

use super::Finding;
use crate::locate::Place;
use crate::locate::Seg::{Index, Key};
use crate::model::{Document, Profile, Project};

/// 一级指标 with their standard 二级指标 under a profile.
fn taxonomy(profile: Profile) -> &'static [(&'static str, &'static [&'static str])] {
    const BENEFIT: (&str, &[&str]) = (
        "效益指标",
        &[
            "经济效益指标",
            "社会效益指标",
            "生态效益指标",
            "可持续影响指标",
        ],
    );
    const SATISFACTION: (&str, &[&str]) = ("满意度指标", &["服务对象满意度指标"]);
    match profile {
        Profile::A => &[
            (
                "产出指标",
                &["数量指标", "质量指标", "时效指标", "成本指标"],
            ),
            BENEFIT,
            SATISFACTION,
        ],
        Profile::B => &[
            (
                "成本指标",
                &["经济成本指标", "社会成本指标", "生态环境成本指标"],
            ),
            ("产出指标", &["数量指标", "质量指标", "时效指标"]),
            BENEFIT,
            SATISFACTION,
        ],
    }
}

/// The profile's name as users know it.
fn profile_name(profile: Profile) -> &'static str {
    match profile {
        Profile::A => "A（财预〔2015〕88号，河北做法）",
        Profile::B => "B（财预〔2021〕101号指引）",
    }
}

/// Runs the J1xx rules on every project.
pub fn check(doc: &Document, out: &mut Vec<Finding>) {
    let profile = doc.check.profile;
    for (n, p) in doc.projects.iter().enumerate() {
        required_groups(n, p, profile, out);
        levels(n, p, profile, out);
        duplicate_names(n, p, out);
        split_groups(n, p, out);
    }
}

fn row(n: usize, j: usize, key: &'static str) -> Place {
    Place::project(n, &[Key("indicators"), Index(j), Key(key)])
}

/// J101: every 一级 of the profile has at least one row.
fn required_groups(n: usize, p: &Project, profile: Profile, out: &mut Vec<Finding>) {
    for (level1, _) in taxonomy(profile) {
        if !p.indicators.iter().any(|r| r.level1.trim() == *level1) {
            out.push(
                Finding::new(
                    "J101",
                    Place::project(n, &[Key("indicators")]),
                    format!("项目“{}”没有{level1}", p.name),
                )
                .hint(format!(
                    "每个项目至少要有一行 level1 = \"{level1}\" 的指标（指标体系 {}）",
                    profile_name(profile)
                )),
            );
        }
    }
}

/// J102 and J103: 一级 known to the profile, 二级 under its 一级.
fn levels(n: usize, p: &Project, profile: Profile, out: &mut Vec<Finding>) {
    let tax = taxonomy(profile);
    for (j, r) in p.indicators.iter().enumerate() {
        let l1 = r.level1.trim();
        let l2 = r.level2.trim();
        let Some((_, seconds)) = tax.iter().find(|(k, _)| *k == l1) else {
            if l1.is_empty() {
                continue;
            }
            let names: Vec<String> = tax.iter().map(|(k, _)| k.to_string()).collect();
            let mut f = Finding::new("J102", row(n, j, "level1"), format!("“{l1}”不是一级指标"))
                .hint(format!(
                    "指标体系 {} 的一级指标是：{}",
                    profile_name(profile),
                    names.join("、")
                ));
            if l1 == "成本指标" && profile == Profile::A {
                f = f.hint("按财预〔2021〕101号把成本指标列为一级的，请在 document.toml 写 [check] profile = \"B\"");
            }
            out.push(f);
            continue;
        };
        if !l2.is_empty() && !seconds.contains(&l2) {
            let mut f = Finding::new(
                "J103",
                row(n, j, "level2"),
                format!("二级指标“{l2}”不在一级指标“{l1}”之下"),
            )
            .hint(format!("“{l1}”的二级指标是：{}", seconds.join("、")));
            if let Some((owner, _)) = tax.iter().find(|(_, s)| s.contains(&l2)) {
                f = f.hint(format!("“{l2}”属于“{owner}”"));
            }
            out.push(f);
        }
    }
}

/// J104: a 三级指标 name used twice in one table.
fn duplicate_names(n: usize, p: &Project, out: &mut Vec<Finding>) {
    for (j, r) in p.indicators.iter().enumerate() {
        let name = r.name.trim();
        if name.is_empty() {
            continue;
        }
        if let Some(first) = p.indicators[..j].iter().position(|o| o.name.trim() == name) {
            out.push(
                Finding::new(
                    "J104",
                    row(n, j, "name"),
                    format!("三级指标“{name}”与第 {} 行重名", first + 1),
                )
                .hint("同一张表里的三级指标应各不相同；比较版本时也按名称对应"),
            );
        }
    }
}

/// J105: rows of one 一级 separated by another, which splits its merged cell.
fn split_groups(n: usize, p: &Project, out: &mut Vec<Finding>) {
    let mut seen: Vec<&str> = Vec::new();
    for (j, r) in p.indicators.iter().enumerate() {
        let l1 = r.level1.trim();
        let continues = seen.last() == Some(&l1);
        if !continues && seen.contains(&l1) {
            out.push(
                Finding::new(
                    "J105",
                    row(n, j, "level1"),
                    format!("“{l1}”的指标行被其他一级指标隔开，表中会出现两个“{l1}”合并格"),
                )
                .hint(format!("请把所有“{l1}”的行排在一起")),
            );
        }
        if !continues {
            seen.push(l1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Indicator;

    fn ind(l1: &str, l2: &str, name: &str) -> Indicator {
        Indicator {
            level1: l1.into(),
            level2: l2.into(),
            name: name.into(),
            description: String::new(),
            value: String::new(),
            basis: String::new(),
        }
    }

    fn codes(rows: Vec<Indicator>, profile: Profile) -> Vec<&'static str> {
        let p: Project = toml::from_str("code='X'\nname='N'\n[budget]\ntotal=1\n").unwrap();
        let p = Project {
            indicators: rows,
            ..p
        };
        let mut out = Vec::new();
        required_groups(0, &p, profile, &mut out);
        levels(0, &p, profile, &mut out);
        duplicate_names(0, &p, &mut out);
        split_groups(0, &p, &mut out);
        out.iter().map(|f| f.code).collect()
    }

    #[test]
    fn complete_profile_a_table_passes() {
        let rows = vec![
            ind("产出指标", "数量指标", "a"),
            ind("产出指标", "成本指标", "b"),
            ind("效益指标", "社会效益指标", "c"),
            ind("满意度指标", "服务对象满意度指标", "d"),
        ];
        assert!(codes(rows, Profile::A).is_empty());
    }

    #[test]
    fn profile_b_wants_cost_as_first_level() {
        let rows = vec![
            ind("产出指标", "成本指标", "b"),
            ind("效益指标", "社会效益指标", "c"),
            ind("满意度指标", "服务对象满意度指标", "d"),
        ];
        assert_eq!(codes(rows, Profile::B), ["J101", "J103"]);
    }

    #[test]
    fn unknown_levels_duplicates_and_splits_are_found() {
        let rows = vec![
            ind("产出指标", "数量指标", "a"),
            ind("效益指标", "质量指标", "a"),
            ind("产出指标", "时效指标", "c"),
            ind("满意度", "x", "d"),
        ];
        assert_eq!(
            codes(rows, Profile::A),
            ["J101", "J103", "J102", "J104", "J105"]
        );
    }
}
