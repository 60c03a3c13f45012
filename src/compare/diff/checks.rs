//! What `check` finds in the new version and not in the old (new findings)
//! and the other way round (fixed), for the end of a diff report.

use serde::Serialize;

use crate::input::place::{Place, Seg};
use crate::report::diag::{Diagnostic, Severity};

/// The findings that appeared and disappeared between two versions.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct CheckChanges {
    /// Whether both versions were checked (false: the lists mean nothing).
    pub checked: bool,
    /// Found in the new version only.
    pub new: Vec<CheckItem>,
    /// Found in the old version only: fixed.
    pub fixed: Vec<CheckItem>,
}

/// One finding of a rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CheckItem {
    /// The rule's code, e.g. `J201`.
    pub code: String,
    /// "error", "warning" or "note".
    pub severity: &'static str,
    /// What is wrong.
    pub message: String,
    /// Where: the table (or document.toml) and the key.
    pub place: String,
    /// The table (its code, else its name) or `document.toml`, and the key
    /// without row numbers: a finding that stays where it was is the same
    /// finding even when its message (amounts in it) or row changes.
    #[serde(skip)]
    pub site: (String, String),
}

impl CheckChanges {
    /// How many of `items` are errors and how many warnings or notes.
    pub fn count(items: &[CheckItem]) -> (usize, usize) {
        let errors = items.iter().filter(|i| i.severity == "error").count();
        (errors, items.len() - errors)
    }
}

/// A version's rule findings and how to name their places.
pub(crate) struct Found<'a> {
    /// The diagnostics of the version's check (those without a rule code
    /// are left out).
    pub diags: &'a [Diagnostic],
    /// Names a place of this version for the reader.
    pub place: &'a dyn Fn(&Place) -> String,
    /// The table of a place (code, else name; `document.toml`).
    pub table: &'a dyn Fn(&Place) -> String,
}

/// The findings of `new` that `old` lacks and those of `old` that `new`
/// lacks, counted with repeats. A finding matches one of the same rule with
/// the same message in the same table, else one of the same rule at the
/// same key of the same table (its amounts or row changed): neither is new
/// or fixed. The same message in another table is another finding.
pub(crate) fn compare(old: Found, new: Found) -> CheckChanges {
    let (a, b) = (items(&old), items(&new));
    CheckChanges {
        checked: true,
        new: missing_from(&b, &a),
        fixed: missing_from(&a, &b),
    }
}

fn items(found: &Found) -> Vec<CheckItem> {
    found
        .diags
        .iter()
        .filter_map(|d| {
            let code = d.code.clone()?;
            let place = d.place.as_ref().map(found.place).unwrap_or_default();
            let site = d
                .place
                .as_ref()
                .map(|p| {
                    (
                        (found.table)(p),
                        p.path
                            .iter()
                            .filter_map(|s| match s {
                                Seg::Key(k) => Some(*k),
                                Seg::Index(_) => None,
                            })
                            .collect::<Vec<_>>()
                            .join("."),
                    )
                })
                .unwrap_or_default();
            Some(CheckItem {
                code,
                severity: d.severity.name(),
                message: d.message.clone(),
                place,
                site,
            })
        })
        .collect()
}

/// A test of whether two findings are the same finding.
type Same<'a> = &'a dyn Fn(&CheckItem, &CheckItem) -> bool;

/// The items of `these` not matched by an item of `others`, each match
/// used once: first same code, table and message, then same code and site.
fn missing_from(these: &[CheckItem], others: &[CheckItem]) -> Vec<CheckItem> {
    let mut used = vec![false; others.len()];
    let mut left = vec![true; these.len()];
    let tests: [Same; 2] = [
        &|a, b| a.code == b.code && a.site.0 == b.site.0 && a.message == b.message,
        &|a, b| a.code == b.code && a.site == b.site,
    ];
    for same in tests {
        for (i, item) in these.iter().enumerate() {
            if !left[i] {
                continue;
            }
            let found = (0..others.len()).find(|&j| !used[j] && same(item, &others[j]));
            if let Some(j) = found {
                used[j] = true;
                left[i] = false;
            }
        }
    }
    let mut out: Vec<CheckItem> = these
        .iter()
        .zip(&left)
        .filter(|(_, l)| **l)
        .map(|(i, _)| i.clone())
        .collect();
    out.sort_by_key(|i| std::cmp::Reverse(severity_rank(i.severity)));
    out
}

fn severity_rank(name: &str) -> Severity {
    match name {
        "error" => Severity::Error,
        "warning" => Severity::Warning,
        _ => Severity::Note,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn diag(code: &str, message: &str) -> Diagnostic {
        diag_at(code, message, 0, "total")
    }

    fn diag_at(code: &str, message: &str, table: usize, key: &'static str) -> Diagnostic {
        let place = Place::project(table, &[Seg::Key("budget"), Seg::Key(key)]);
        Diagnostic::error(message).with_code(code).with_place(place)
    }

    fn table(p: &Place) -> String {
        format!("{:?}", p.file)
    }

    fn compare_diags(old: &[Diagnostic], new: &[Diagnostic]) -> CheckChanges {
        let none = |_: &Place| String::new();
        compare(
            Found {
                diags: old,
                place: &none,
                table: &table,
            },
            Found {
                diags: new,
                place: &none,
                table: &table,
            },
        )
    }

    #[test]
    fn new_and_fixed_findings_count_repeats() {
        let old = [
            diag("J201", "甲"),
            diag("J201", "甲"),
            diag_at("J601", "乙", 0, "x"),
        ];
        let new = [diag("J201", "甲"), diag_at("J302", "丙", 0, "y")];
        let c = compare_diags(&old, &new);
        let codes = |v: &[CheckItem]| v.iter().map(|i| i.code.clone()).collect::<Vec<_>>();
        assert_eq!(codes(&c.new), ["J302"]);
        assert_eq!(codes(&c.fixed), ["J201", "J601"]);
        assert_eq!(CheckChanges::count(&c.fixed), (2, 0));
    }

    #[test]
    fn a_finding_whose_amounts_changed_stays_and_one_in_another_table_is_new() {
        let old = [
            diag("J201", "预算数 190.00 ≠ …"),
            diag_at("J605", "“满意度”连写了两次", 0, "name"),
        ];
        let new = [
            diag("J201", "预算数 195.00 ≠ …"),
            diag_at("J605", "“满意度”连写了两次", 4, "name"),
        ];
        let c = compare_diags(&old, &new);
        assert_eq!(c.new.len(), 1, "{c:?}");
        assert_eq!((c.new[0].code.as_str(), c.fixed.len()), ("J605", 1));
    }
}
