//! Character-level text comparison: which runs of characters were removed or
//! inserted, and short inline snippets (`…原文[-删去-]{+新增+}…`) around them.

use std::time::{Duration, Instant};

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

/// Time a diff may take: [`TIME_BASE`] plus [`TIME_PER_BYTE`] for each byte
/// of both texts, at most [`TIME_MAX`]. Growing with the input keeps the
/// whole report linear however the text is split into fields; an ordinary
/// edit of even a 1 MB text takes far less (the cost grows with the size
/// of the change), so only wholesale rewrites reach it.
const TIME_BASE: Duration = Duration::from_millis(2);
/// See [`TIME_BASE`].
const TIME_PER_BYTE: Duration = Duration::from_nanos(100);
/// See [`TIME_BASE`].
const TIME_MAX: Duration = Duration::from_millis(150);

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
/// The character diff costs time in the product of the length and the size
/// of the change (two rewritten 30,000-character paragraphs took 23.5 s),
/// so it gets a deadline (see [`TIME_BASE`]); when it runs out, the texts
/// are compared clause by clause instead: coarser, but still exact.
pub fn runs(old: &str, new: &str) -> Vec<Run> {
    let bytes = u32::try_from(old.len() + new.len()).unwrap_or(u32::MAX);
    let time = (TIME_BASE + TIME_PER_BYTE * bytes).min(TIME_MAX);
    runs_within(old, new, time, time)
}

/// [`runs`] with the time the character diff and then the clause diff
/// may take.
fn runs_within(old: &str, new: &str, char_time: Duration, clause_time: Duration) -> Vec<Run> {
    let deadline = Instant::now() + char_time;
    let diff = configured(deadline).diff_chars(old, new);
    if Instant::now() < deadline {
        return collect(&diff);
    }
    // The character diff was cut short, and similar's stand-in for the
    // rest is one removal and one insertion of everything left.
    let (old, new) = (clauses(old), clauses(new));
    let deadline = Instant::now() + clause_time;
    collect(&configured(deadline).diff_slices(&old, &new))
}

fn configured(deadline: Instant) -> similar::TextDiffConfig {
    let mut config = TextDiff::configure();
    config.algorithm(Algorithm::Patience).deadline(deadline);
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
        // No time at all: the character diff is cut short at once.
        let runs = runs_within(old, new, Duration::ZERO, Duration::from_secs(10));
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
        let started = Instant::now();
        let runs = runs(&old, &new);
        assert!(started.elapsed() < Duration::from_secs(30));
        assert_eq!(sides(&runs), (old, new));
    }

    #[test]
    fn equal_texts_have_no_snippets() {
        assert!(all("一样", "一样").is_empty());
        assert_eq!(all("", "新"), ["{+新+}"]);
    }
}
