//! How alike two goals, measures, indicator rows or tables are, for
//! pairing items that identity did not pair (see [`super::matching::alike`]).

use crate::input::form::{Role, TableDef};
use crate::input::model::{Project, Row};

use super::matching::{Likeness, share};

/// Two items with a name and a body text.
pub fn texts(name_a: &str, name_b: &str, rest_a: &str, rest_b: &str) -> Likeness {
    Likeness {
        name: share(name_a, name_b),
        rest: share(rest_a, rest_b),
    }
}

/// Two indicator rows: their 三级指标, and the share of their other cells
/// that are equal (一级/二级 and auto-numbered cells left out, since rows of
/// one group share them; cells empty on both sides not counted).
pub fn rows(t: &TableDef, a: &Row, b: &Row) -> Likeness {
    let grouping = [Role::Level1, Role::Level2, Role::Level3];
    let (mut equal, mut counted) = (0usize, 0usize);
    for c in &t.columns {
        if c.auto.is_some() || c.role.is_some_and(|r| grouping.contains(&r)) {
            continue;
        }
        let (x, y) = (a.get(c.key), b.get(c.key));
        if x.trim().is_empty() && y.trim().is_empty() {
            continue;
        }
        counted += 1;
        equal += usize::from(x.trim() == y.trim());
    }
    Likeness {
        name: share(&a.role(t, Role::Level3), &b.role(t, Role::Level3)),
        rest: if counted == 0 {
            0.0
        } else {
            equal as f64 / counted as f64
        },
    }
}

/// Two tables: their 项目名称, and the share of everything else they hold
/// in common (field values other than code and name, amounts, 三级指标).
pub fn projects(a: &Project, b: &Project) -> Likeness {
    Likeness {
        name: share(&a.name(), &b.name()),
        rest: common_share(tokens(a), tokens(b)),
    }
}

/// The values of a table, each a token.
fn tokens(p: &Project) -> Vec<String> {
    let skip = [Some(Role::Code), Some(Role::Name)];
    let mut out: Vec<String> = p
        .form
        .fields
        .iter()
        .filter(|f| !skip.contains(&f.role))
        .filter_map(|f| p.values.get(f.key).map(|v| v.text().trim().to_string()))
        .filter(|v| !v.is_empty())
        .collect();
    if let Some((t, rows)) = p.indicators() {
        out.extend(rows.iter().map(|r| r.role(t, Role::Level3)));
    }
    out.sort();
    out
}

/// 2 × (tokens in both, counted with repeats) / (tokens of both).
fn common_share(a: Vec<String>, b: Vec<String>) -> f64 {
    if a.is_empty() && b.is_empty() {
        return 0.0;
    }
    let (mut i, mut j, mut common) = (0, 0, 0usize);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                common += 1;
                i += 1;
                j += 1;
            }
        }
    }
    2.0 * common as f64 / (a.len() + b.len()) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(s: &[&str]) -> Vec<String> {
        let mut v: Vec<String> = s.iter().map(|x| x.to_string()).collect();
        v.sort();
        v
    }

    #[test]
    fn common_share_counts_repeats_once_each() {
        let share = common_share(strings(&["a", "a", "b"]), strings(&["a", "b", "c"]));
        assert!((share - 4.0 / 6.0).abs() < 1e-9);
        assert_eq!(common_share(Vec::new(), Vec::new()), 0.0);
    }
}
