//! Folding repeats: after the first few diagnostics of one rule in one file
//! the rest are counted in one note ("另有 N 处") instead of printed, so ten
//! thousand findings on one line do not bury the terminal.

use std::collections::HashMap;

use super::Diagnostic;

/// Diagnostics of one rule in one file printed before the rest are folded.
/// The reference data has at most one per rule and file.
const SHOWN: usize = 3;
/// Fewer repeats than this are printed too: a note in place of one or two
/// diagnostics would save nothing.
const MIN_FOLDED: usize = 3;

/// What the printer shows, in order.
pub(super) enum Shown<'a> {
    /// A diagnostic printed as it is.
    One(&'a Diagnostic),
    /// The count of repeats left out.
    Folded(Diagnostic),
}

/// Rule code and file name; diagnostics without a code are never folded.
type Key = (String, Option<String>);

/// The diagnostics to print: each rule's first `SHOWN` per file, then one
/// note counting the rest of them; `name` gives a diagnostic's file name.
pub(super) fn fold(
    diags: &[Diagnostic],
    name: impl Fn(&Diagnostic) -> Option<String>,
) -> Vec<Shown<'_>> {
    let key = |d: &Diagnostic| -> Option<Key> { Some((d.code.clone()?, name(d))) };
    let mut total: HashMap<Key, usize> = HashMap::new();
    for k in diags.iter().filter_map(key) {
        *total.entry(k).or_default() += 1;
    }
    let mut seen: HashMap<Key, usize> = HashMap::new();
    let mut out = Vec::new();
    for d in diags {
        let Some(k) = key(d) else {
            out.push(Shown::One(d));
            continue;
        };
        let rest = total[&k].saturating_sub(SHOWN);
        let n = seen.entry(k.clone()).or_default();
        *n += 1;
        if *n <= SHOWN || rest < MIN_FOLDED {
            out.push(Shown::One(d));
        }
        if *n == SHOWN && rest >= MIN_FOLDED {
            out.push(Shown::Folded(note(&k, rest)));
        }
    }
    out
}

fn note((code, file): &Key, rest: usize) -> Diagnostic {
    let place = file
        .as_ref()
        .map_or(String::new(), |f| format!("在 {f} 中"));
    Diagnostic::note(format!("{code} {place}另有 {rest} 处，未逐条列出"))
        .with_hint("改正上面几处后再检查可看到其余各处；jixiao check --format json 一次列出全部")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn coded(code: &str) -> Diagnostic {
        Diagnostic::error("x").with_code(code)
    }

    #[test]
    fn repeats_of_one_rule_fold_after_the_first_few() {
        let mut diags: Vec<Diagnostic> = (0..10).map(|_| coded("J701")).collect();
        diags.push(coded("J605"));
        diags.push(Diagnostic::error("uncoded"));
        let shown = fold(&diags, |_| Some("a.toml".into()));
        let notes: Vec<&str> = shown
            .iter()
            .filter_map(|s| match s {
                Shown::Folded(d) => Some(d.message.as_str()),
                Shown::One(_) => None,
            })
            .collect();
        assert_eq!(shown.len(), SHOWN + 1 + 2);
        assert_eq!(
            notes,
            [format!(
                "J701 在 a.toml 中另有 {} 处，未逐条列出",
                10 - SHOWN
            )]
        );
    }

    #[test]
    fn few_repeats_are_all_shown() {
        // One or two more than SHOWN are printed rather than counted.
        let diags: Vec<Diagnostic> = (0..SHOWN + MIN_FOLDED - 1).map(|_| coded("J605")).collect();
        let shown = fold(&diags, |_| None);
        assert!(shown.iter().all(|s| matches!(s, Shown::One(_))));
        assert_eq!(shown.len(), SHOWN + MIN_FOLDED - 1);
    }
}
