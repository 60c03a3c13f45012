//! Character-level text comparison: which runs of characters were removed or
//! inserted, and short inline snippets (`…原文[-删去-]{+新增+}…`) around them.

use similar::{ChangeTag, TextDiff};

/// Characters of unchanged text kept on each side of a change in a snippet.
pub const CONTEXT: usize = 12;

/// One run of a character diff.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Run {
    /// Text present in both versions.
    Same(String),
    /// Text only in the old version.
    Removed(String),
    /// Text only in the new version.
    Added(String),
}

/// The character diff of two texts, grouped into runs.
///
/// An unchanged stretch of one character between two changes is folded into
/// them: Chinese shares many common characters (的, 和, 工作), and a lone
/// match in the middle of a rewritten phrase only makes it harder to read.
pub fn runs(old: &str, new: &str) -> Vec<Run> {
    let diff = TextDiff::configure()
        .algorithm(similar::Algorithm::Patience)
        .diff_chars(old, new);
    let mut out: Vec<Run> = Vec::new();
    for change in diff.iter_all_changes() {
        let piece = change.value();
        let run = match change.tag() {
            ChangeTag::Equal => Run::Same(piece.to_string()),
            ChangeTag::Delete => Run::Removed(piece.to_string()),
            ChangeTag::Insert => Run::Added(piece.to_string()),
        };
        push(&mut out, run);
    }
    fold_short_matches(out)
}

/// Appends a run, merging it with the previous one of the same kind.
fn push(out: &mut Vec<Run>, run: Run) {
    match (out.last_mut(), run) {
        (Some(Run::Same(a)), Run::Same(b))
        | (Some(Run::Removed(a)), Run::Removed(b))
        | (Some(Run::Added(a)), Run::Added(b)) => a.push_str(&b),
        (_, run) => out.push(run),
    }
}

/// Folds one-character matches between changes into the changes, then
/// regroups so that every change reads as one removal then one insertion.
fn fold_short_matches(runs: Vec<Run>) -> Vec<Run> {
    let mut out: Vec<Run> = Vec::new();
    let mut removed = String::new();
    let mut added = String::new();
    let n = runs.len();
    for (i, run) in runs.into_iter().enumerate() {
        match run {
            Run::Removed(t) => removed.push_str(&t),
            Run::Added(t) => added.push_str(&t),
            Run::Same(t) => {
                let inner = i > 0 && i + 1 < n;
                if inner && t.chars().count() <= 1 && !(removed.is_empty() && added.is_empty()) {
                    removed.push_str(&t);
                    added.push_str(&t);
                    continue;
                }
                flush(&mut out, &mut removed, &mut added);
                push(&mut out, Run::Same(t));
            }
        }
    }
    flush(&mut out, &mut removed, &mut added);
    out
}

fn flush(out: &mut Vec<Run>, removed: &mut String, added: &mut String) {
    if !removed.is_empty() {
        push(out, Run::Removed(std::mem::take(removed)));
    }
    if !added.is_empty() {
        push(out, Run::Added(std::mem::take(added)));
    }
}

/// One inline snippet: a change with a little context on each side.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snippet {
    /// Whether text before the snippet was cut off.
    pub cut_before: bool,
    /// The runs of the snippet (context first and last, when any).
    pub runs: Vec<Run>,
    /// Whether text after the snippet was cut off.
    pub cut_after: bool,
}

/// The changes between two texts as snippets with [`CONTEXT`] characters of
/// context; changes closer than twice that share one snippet.
pub fn snippets(old: &str, new: &str) -> Vec<Snippet> {
    let runs = runs(old, new);
    let mut out = Vec::new();
    let mut current: Option<Snippet> = None;
    for (i, run) in runs.iter().enumerate() {
        let Run::Same(text) = run else {
            let snip = current.get_or_insert_with(|| Snippet {
                cut_before: false,
                runs: Vec::new(),
                cut_after: false,
            });
            snip.runs.push(run.clone());
            continue;
        };
        let first = i == 0;
        let last = i + 1 == runs.len();
        let len = text.chars().count();
        match current.take() {
            Some(mut snip) if !last && len <= 2 * CONTEXT => {
                snip.runs.push(run.clone());
                current = Some(snip);
            }
            Some(mut snip) => {
                let (head, cut) = take_head(text, CONTEXT);
                snip.runs.push(Run::Same(head));
                snip.cut_after = cut;
                out.push(snip);
                if !last {
                    current = Some(opening(text));
                }
            }
            None if last && !first => {}
            None => current = Some(opening(text)),
        }
    }
    out.extend(current.filter(|s| s.runs.iter().any(|r| !matches!(r, Run::Same(_)))));
    out.retain(|s| s.runs.iter().any(|r| !matches!(r, Run::Same(_))));
    out
}

/// A new snippet starting with the tail of an unchanged run.
fn opening(text: &str) -> Snippet {
    let chars: Vec<char> = text.chars().collect();
    let start = chars.len().saturating_sub(CONTEXT);
    Snippet {
        cut_before: start > 0,
        runs: vec![Run::Same(chars[start..].iter().collect())],
        cut_after: false,
    }
}

fn take_head(text: &str, n: usize) -> (String, bool) {
    let head: String = text.chars().take(n).collect();
    let cut = head.len() < text.len();
    (head, cut)
}

/// A snippet in the plain inline notation `…原文[-删去-]{+新增+}…`.
pub fn plain(snippet: &Snippet) -> String {
    let mut s = String::new();
    if snippet.cut_before {
        s.push('…');
    }
    for run in &snippet.runs {
        match run {
            Run::Same(t) => s.push_str(&visible(t)),
            Run::Removed(t) => s.push_str(&format!("[-{}-]", visible(t))),
            Run::Added(t) => s.push_str(&format!("{{+{}+}}", visible(t))),
        }
    }
    if snippet.cut_after {
        s.push('…');
    }
    s
}

/// Shows a line break as ↵ and control characters escaped, so a snippet
/// stays on one line and cannot drive the terminal.
pub fn visible(text: &str) -> String {
    crate::escape::one_line(text).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(old: &str, new: &str) -> Vec<String> {
        snippets(old, new).iter().map(plain).collect()
    }

    #[test]
    fn one_word_change_is_inline_with_context() {
        let old =
            "深入学习贯彻《信访工作条例》，持续提升用法治思维和法治方式做好信访工作的能力和水平。";
        let new = "深入学习贯彻《信访工作条例》，持续提升运用法治思维和法治方式做好信访工作的能力和水平。";
        assert_eq!(
            all(old, new),
            ["…信访工作条例》，持续提升{+运+}用法治思维和法治方式做好…"]
        );
    }

    #[test]
    fn replacement_reads_as_removal_then_insertion() {
        assert_eq!(
            all("预算一百万元", "预算二百万元"),
            ["预算[-一-]{+二+}百万元"]
        );
    }

    #[test]
    fn distant_changes_make_two_snippets() {
        let mid = "中".repeat(40);
        let got = all(&format!("甲{mid}乙"), &format!("丙{mid}丁"));
        assert_eq!(got.len(), 2, "{got:?}");
        assert!(got[0].starts_with("[-甲-]{+丙+}"), "{got:?}");
        assert!(got[1].ends_with("[-乙-]{+丁+}"), "{got:?}");
    }

    #[test]
    fn equal_texts_have_no_snippets() {
        assert!(all("一样", "一样").is_empty());
        assert_eq!(all("", "新"), ["{+新+}"]);
    }
}
