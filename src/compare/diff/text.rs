//! Character-level text comparison: which runs of characters were removed or
//! inserted, and short inline snippets (`…原文[-删去-]{+新增+}…`) around them.

use similar::{Algorithm, ChangeTag, DiffableStr, TextDiff};

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

/// Work a diff may do, as the product of the lengths of the two texts
/// (characters, or clauses for the coarser diff): the cost of the diff
/// grows at most with it. A bound on work rather than time keeps the report
/// the same on a busy machine (a deadline made it depend on the load).
const WORK: usize = 16_000_000;

/// Where the coarser diff cuts a text: after clause and sentence ends.
const CLAUSE_ENDS: &[char] = &[
    '。', '，', '、', '；', '：', '！', '？', '\n', '.', ',', ';', ':', '!', '?', ' ',
];

/// The character diff of two texts, grouped into runs.
///
/// An unchanged stretch of one character between two changes is folded into
/// them: Chinese shares many common characters (的, 和, 工作), and a lone
/// match in the middle of a rewritten phrase only makes it harder to read.
///
/// The character diff costs time in the product of the lengths (two
/// rewritten 30,000-character paragraphs took 23.5 s), so whole clauses
/// shared at the start and the end are set aside first, and what is left
/// is compared character by character when the product of its lengths is
/// at most [`WORK`], else clause by clause (coarser, but still exact), and
/// beyond that as one removal and one insertion.
pub fn runs(old: &str, new: &str) -> Vec<Run> {
    runs_within(old, new, WORK)
}

/// [`runs`] with `work` for [`WORK`].
fn runs_within(old: &str, new: &str, work: usize) -> Vec<Run> {
    let (head, tail) = shared_clauses(old, new);
    let (a, b) = (&old[head..old.len() - tail], &new[head..new.len() - tail]);
    let mut out = Vec::new();
    if head > 0 {
        out.push(Run::Same(old[..head].to_string()));
    }
    let (ca, cb) = (a.chars().count(), b.chars().count());
    let middle = if ca.saturating_mul(cb) <= work {
        collect(&configured().diff_chars(a, b))
    } else {
        let (pa, pb) = (clauses(a), clauses(b));
        if pa.len().saturating_mul(pb.len()) <= work {
            collect(&configured().diff_slices(&pa, &pb))
        } else {
            let whole = [Run::Removed(a.to_string()), Run::Added(b.to_string())];
            whole
                .into_iter()
                .filter(|r| !matches!(r, Run::Removed(t) | Run::Added(t) if t.is_empty()))
                .collect()
        }
    };
    middle.into_iter().for_each(|r| push(&mut out, r));
    if tail > 0 {
        push(&mut out, Run::Same(old[old.len() - tail..].to_string()));
    }
    out
}

/// Bytes of whole clauses the two texts share at their start and at their
/// end (not overlapping).
fn shared_clauses(old: &str, new: &str) -> (usize, usize) {
    let prefix = old
        .char_indices()
        .zip(new.chars())
        .take_while(|((_, a), b)| a == b)
        .filter(|((_, c), _)| CLAUSE_ENDS.contains(c))
        .last()
        .map_or(0, |((i, c), _)| i + c.len_utf8());
    let (ro, rn) = (&old[prefix..], &new[prefix..]);
    let suffix = ro
        .char_indices()
        .rev()
        .zip(rn.chars().rev())
        .take_while(|((_, a), b)| a == b)
        .map(|((i, _), _)| i)
        .filter(|&i| ro[..i].ends_with(CLAUSE_ENDS))
        .last()
        .map_or(0, |i| ro.len() - i);
    (prefix, suffix)
}

fn configured() -> similar::TextDiffConfig {
    let mut config = TextDiff::configure();
    config.algorithm(Algorithm::Patience);
    config
}

/// A text cut after every clause end; the pieces join to the text.
fn clauses(text: &str) -> Vec<&str> {
    text.split_inclusive(CLAUSE_ENDS).collect()
}

/// The runs of a finished diff, one-character matches folded.
fn collect<'a, T: DiffableStr + ?Sized>(diff: &TextDiff<'a, 'a, '_, T>) -> Vec<Run> {
    let mut out: Vec<Run> = Vec::new();
    for change in diff.iter_all_changes() {
        let piece = change.value().to_string_lossy().into_owned();
        let run = match change.tag() {
            ChangeTag::Equal => Run::Same(piece),
            ChangeTag::Delete => Run::Removed(piece),
            ChangeTag::Insert => Run::Added(piece),
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
    crate::report::escape::one_line(text).into_owned()
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

    /// `n` characters of made-up Chinese prose (a clause end every 7-21
    /// characters), different for every seed: two seeds give two wholly
    /// rewritten paragraphs sharing only their common characters.
    fn prose(n: usize, seed: u64) -> String {
        let mut state = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let mut next = move |m: u64| {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (state >> 33) % m
        };
        let mut out = String::new();
        let mut until_end = 7 + next(15);
        for _ in 0..n {
            if until_end == 0 {
                out.push(if next(3) == 0 { '。' } else { '，' });
                until_end = 7 + next(15);
            } else {
                // One of the 200 ideographs from U+4E00.
                out.push(char::from_u32(0x4E00 + next(200) as u32).unwrap());
                until_end -= 1;
            }
        }
        out
    }

    /// The old and the new text put back together from runs.
    fn sides(runs: &[Run]) -> (String, String) {
        let (mut old, mut new) = (String::new(), String::new());
        for run in runs {
            match run {
                Run::Same(t) => {
                    old.push_str(t);
                    new.push_str(t);
                }
                Run::Removed(t) => old.push_str(t),
                Run::Added(t) => new.push_str(t),
            }
        }
        (old, new)
    }

    #[test]
    fn the_clause_fallback_is_coarser_but_exact() {
        let old = "预算一百万元，用于接访大厅租赁。其余不变。";
        let new = "预算二百万元，用于接访大厅租赁。其余不变，另增一项。";
        // No work for characters: clause by clause.
        let runs = runs_within(old, new, 100);
        assert_eq!(sides(&runs), (old.to_string(), new.to_string()));
        let same: Vec<&str> = runs
            .iter()
            .filter_map(|r| match r {
                Run::Same(t) => Some(t.as_str()),
                _ => None,
            })
            .collect();
        assert!(same.contains(&"用于接访大厅租赁。"), "{runs:?}");
        // Whole clauses, where the character diff changes one character.
        assert!(
            runs.contains(&Run::Removed("预算一百万元，".into())),
            "{runs:?}"
        );
        assert_eq!(
            all(old, new),
            ["预算[-一-]{+二+}百万元，用于接访大厅租赁。其余不变{+，另增一项+}。"]
        );
    }

    #[test]
    fn rewritten_long_paragraphs_finish_and_stay_exact() {
        // Before the deadline, 30,000 characters took 23.5 s and 100,000
        // never finished; the real figures are in benches/chardiff.rs.
        let (old, new) = (prose(100_000, 1), prose(100_000, 2));
        let started = std::time::Instant::now();
        let runs = runs(&old, &new);
        assert!(started.elapsed() < std::time::Duration::from_secs(30));
        assert_eq!(sides(&runs), (old, new));
    }

    #[test]
    fn a_small_edit_in_a_long_text_is_found_to_the_character() {
        let old = prose(30_000, 3);
        let cut = old.char_indices().nth(15_000).unwrap().0;
        let new = format!("{}新增{}", &old[..cut], &old[cut..]);
        let runs = runs(&old, &new);
        assert_eq!(sides(&runs), (old.clone(), new.clone()));
        assert!(
            runs.contains(&Run::Added("新增".into())),
            "{:?}",
            runs.len()
        );
    }

    #[test]
    fn shared_clauses_end_at_clause_ends() {
        assert_eq!(shared_clauses("甲，乙，丙。", "甲，丁，丙。"), (6, 6));
        assert_eq!(shared_clauses("甲乙", "甲丙"), (0, 0));
        assert_eq!(shared_clauses("同。", "同。"), (6, 0));
    }

    #[test]
    fn equal_texts_have_no_snippets() {
        assert!(all("一样", "一样").is_empty());
        assert_eq!(all("", "新"), ["{+新+}"]);
    }
}
