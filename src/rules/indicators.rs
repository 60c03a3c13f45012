//! Indicator-grid rules (J1xx): the taxonomy of 一级/二级指标 of the form's
//! chosen taxonomy, required groups, duplicate names and split groups.

use super::{Finding, J101, J102, J103, J104, J105};
use crate::input::form::{Role, TableDef, Taxonomy};
use crate::input::locate::Place;
use crate::input::model::{Document, Project, Row};

/// Runs the J1xx rules on every table with indicators.
pub fn check(doc: &Document, out: &mut Vec<Finding>) {
    for (n, p) in doc.projects.iter().enumerate() {
        let Some((t, rows)) = p.indicators() else {
            continue;
        };
        let Some(tax) = p.form.taxonomy(doc.check.profile.as_deref()) else {
            continue;
        };
        let grid = Grid { n, p, t, rows };
        grid.required_groups(tax, out);
        grid.levels(tax, out);
        grid.duplicate_names(out);
        grid.split_groups(out);
    }
}

/// One table's indicator rows with its form's column keys.
struct Grid<'a> {
    n: usize,
    p: &'a Project,
    t: &'a TableDef,
    rows: &'a [Row],
}

impl Grid<'_> {
    /// The place of row `j`'s cell with `role`.
    fn at(&self, j: usize, role: Role) -> Place {
        Project::cell_place(self.n, self.t.key, j, self.key(role))
    }

    fn cell(&self, j: usize, role: Role) -> String {
        self.rows[j].role(self.t, role)
    }

    /// The key of the column with `role`, for hints.
    fn key(&self, role: Role) -> &'static str {
        self.t.role_key(role).unwrap_or("")
    }

    /// J101: every required 一级 of the taxonomy has at least one row.
    fn required_groups(&self, tax: &Taxonomy, out: &mut Vec<Finding>) {
        for level in tax.levels.iter().filter(|l| l.required) {
            if !(0..self.rows.len()).any(|j| level.is(&self.cell(j, Role::Level1))) {
                out.push(
                    Finding::new(
                        &J101,
                        Place::project(self.n, &[crate::input::locate::Seg::Key(self.t.key)]),
                        format!("项目“{}”没有{}", self.p.name(), level.name),
                    )
                    .hint(format!(
                        "每个项目至少要有一行 {} = \"{}\" 的指标（指标体系 {}）",
                        self.key(Role::Level1),
                        level.name,
                        taxonomy_name(tax)
                    )),
                );
            }
        }
    }

    /// J102 and J103: 一级 known to the taxonomy, 二级 under its 一级.
    fn levels(&self, tax: &Taxonomy, out: &mut Vec<Finding>) {
        for j in 0..self.rows.len() {
            let l1 = self.cell(j, Role::Level1);
            let l2 = self.cell(j, Role::Level2);
            let Some(level) = tax.level(&l1) else {
                if !l1.is_empty() {
                    out.push(self.unknown_level1(j, &l1, tax));
                }
                continue;
            };
            if l2.is_empty() || level.has_child(&l2) {
                continue;
            }
            let seconds: Vec<&str> = level.child_names().collect();
            let mut f = Finding::new(
                &J103,
                self.at(j, Role::Level2),
                format!("二级指标“{l2}”不在一级指标“{l1}”之下"),
            )
            .hint(format!("“{l1}”的二级指标是：{}", seconds.join("、")));
            if let Some(owner) = tax.levels.iter().find(|l| l.has_child(&l2)) {
                f = f.hint(format!("“{l2}”属于“{}”", owner.name));
            }
            out.push(f);
        }
    }

    /// J102 for one row, with a hint naming another taxonomy of the same
    /// form only when that one has this 一级.
    fn unknown_level1(&self, j: usize, l1: &str, tax: &Taxonomy) -> Finding {
        let names: Vec<&str> = tax.levels.iter().map(|l| l.name.as_str()).collect();
        let mut f = Finding::new(
            &J102,
            self.at(j, Role::Level1),
            format!("“{l1}”不是一级指标"),
        )
        .hint(format!(
            "指标体系 {} 的一级指标是：{}",
            taxonomy_name(tax),
            names.join("、")
        ));
        if let Some(other) = self
            .p
            .form
            .taxonomies
            .iter()
            .find(|o| o.name != tax.name && o.level(l1).is_some())
        {
            f = f.hint(format!(
                "按{}把“{l1}”列为一级的，请在 document.toml 写 [check] profile = \"{}\"",
                other.title, other.name
            ));
        }
        f
    }

    /// J104: a 三级指标 name used twice in one table.
    fn duplicate_names(&self, out: &mut Vec<Finding>) {
        for j in 0..self.rows.len() {
            let name = self.cell(j, Role::Level3);
            if name.is_empty() {
                continue;
            }
            if let Some(first) = (0..j).find(|&o| self.cell(o, Role::Level3) == name) {
                out.push(
                    Finding::new(
                        &J104,
                        self.at(j, Role::Level3),
                        format!("三级指标“{name}”与第 {} 行重名", first + 1),
                    )
                    .hint("同一张表里的三级指标应各不相同；比较版本时也按名称对应"),
                );
            }
        }
    }

    /// J105: rows of one 一级 separated by another, which splits its merged cell.
    fn split_groups(&self, out: &mut Vec<Finding>) {
        let mut seen: Vec<String> = Vec::new();
        for j in 0..self.rows.len() {
            let l1 = self.cell(j, Role::Level1);
            let continues = seen.last() == Some(&l1);
            if !continues && seen.contains(&l1) {
                out.push(
                    Finding::new(
                        &J105,
                        self.at(j, Role::Level1),
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
}

/// A taxonomy's name as users know it: "A（财预〔2015〕88号，河北做法）".
pub(crate) fn taxonomy_name(tax: &Taxonomy) -> String {
    format!("{}（{}）", tax.name, tax.title)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::model::project::parse_test;

    fn codes(rows: &[(&str, &str, &str)], profile: &str) -> Vec<&'static str> {
        let mut text = String::from("code='X'\nname='N'\n[budget]\ntotal=1\n");
        for (l1, l2, name) in rows {
            text += &format!(
                "[[indicators]]\nlevel1='{l1}'\nlevel2='{l2}'\nname='{name}'\nvalue='1'\n"
            );
        }
        let mut doc: Document =
            toml::from_str("year=2025\ndepartment='d'\nunit_code='1'\nunit_name='u'").unwrap();
        doc.check.profile = Some(profile.into());
        doc.projects.push(parse_test(&text));
        let mut out = Vec::new();
        check(&doc, &mut out);
        out.iter().map(|f| f.rule.code).collect()
    }

    #[test]
    fn complete_profile_a_table_passes() {
        let rows = [
            ("产出指标", "数量指标", "a"),
            ("产出指标", "成本指标", "b"),
            ("效益指标", "社会效益指标", "c"),
            ("满意度指标", "服务对象满意度指标", "d"),
        ];
        assert!(codes(&rows, "A").is_empty());
    }

    #[test]
    fn profile_b_wants_cost_as_first_level() {
        let rows = [
            ("产出指标", "成本指标", "b"),
            ("效益指标", "社会效益指标", "c"),
            ("满意度指标", "服务对象满意度指标", "d"),
        ];
        assert_eq!(codes(&rows, "B"), ["J101", "J103"]);
    }

    #[test]
    fn unknown_levels_duplicates_and_splits_are_found() {
        let rows = [
            ("产出指标", "数量指标", "a"),
            ("效益指标", "质量指标", "a"),
            ("产出指标", "时效指标", "c"),
            ("满意度", "x", "d"),
        ];
        assert_eq!(codes(&rows, "A"), ["J101", "J103", "J102", "J104", "J105"]);
    }
}
