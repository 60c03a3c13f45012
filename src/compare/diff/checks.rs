//! What `check` finds in the new version and not in the old (new findings)
//! and the other way round (fixed), for the end of a diff report.

use serde::Serialize;

use crate::input::place::Place;
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
}

/// The findings of `new` that `old` lacks and those of `old` that `new`
/// lacks. A finding is its rule and message, counted with repeats, so a
/// finding that only moved to another line is neither new nor fixed.
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
            Some(CheckItem {
                code,
                severity: d.severity.name(),
                message: d.message.clone(),
                place,
            })
        })
        .collect()
}

/// The items of `these` not matched by an item of `others` (same code and
/// message), each match used once.
fn missing_from(these: &[CheckItem], others: &[CheckItem]) -> Vec<CheckItem> {
    let mut used = vec![false; others.len()];
    let mut out = Vec::new();
    for item in these {
        let found = others
            .iter()
            .enumerate()
            .position(|(i, o)| !used[i] && o.code == item.code && o.message == item.message);
        match found {
            Some(i) => used[i] = true,
            None => out.push(item.clone()),
        }
    }
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
        Diagnostic::error(message).with_code(code)
    }

    #[test]
    fn new_and_fixed_findings_count_repeats() {
        let none = |_: &Place| String::new();
        let old = [diag("J201", "甲"), diag("J201", "甲"), diag("J601", "乙")];
        let new = [diag("J201", "甲"), diag("J302", "丙")];
        let c = compare(
            Found {
                diags: &old,
                place: &none,
            },
            Found {
                diags: &new,
                place: &none,
            },
        );
        let codes = |v: &[CheckItem]| v.iter().map(|i| i.code.clone()).collect::<Vec<_>>();
        assert_eq!(codes(&c.new), ["J302"]);
        assert_eq!(codes(&c.fixed), ["J201", "J601"]);
        assert_eq!(CheckChanges::count(&c.fixed), (2, 0));
    }
}
