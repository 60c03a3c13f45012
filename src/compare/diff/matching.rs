//! Pairing the items of two lists: by identity, then by likeness (a renamed
//! row, goal or table is one changed item, not a removal and an addition),
//! laying the pairs out in reading order and finding the items that moved.

use super::text::{Run, runs};

/// The pairs of two lists in reading order, and which common items moved.
pub struct Pairing {
    /// `(old index, new index)`: both for a common item, one for an added or
    /// removed item. New-list order, removed items at their old place.
    pub steps: Vec<(Option<usize>, Option<usize>)>,
    /// Per step: the item is common and changed its place relative to the
    /// others (it is not on the longest run of items kept in order).
    pub moved: Vec<bool>,
    /// Some common items are in a different relative order.
    pub reordered: bool,
}

/// A test of whether two items are the same item.
pub type Same<'a, T> = &'a dyn Fn(&T, &T) -> bool;

/// How alike two items are, each share between 0 (nothing alike) and 1.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Likeness {
    /// Of their names (三级指标, title, lead, 项目名称): see [`share`].
    pub name: f64,
    /// Of everything else (other cells, the text, the table).
    pub rest: f64,
}

/// A measure of how alike two items are.
pub type Alike<'a, T> = &'a dyn Fn(&T, &T) -> Likeness;

/// Two items standing at the same place are one item when their names share
/// at least this much…
pub const IN_PLACE_NAME: f64 = 0.5;
/// …or more than this share of the rest is alike.
pub const IN_PLACE_REST: f64 = 0.5;
/// Items at different places are one item when at least this share of the
/// rest is alike…
pub const MOVED_REST: f64 = 0.75;
/// …and their names share at least this much.
pub const MOVED_NAME: f64 = 1.0 / 3.0;
/// Likeness is measured for at most this many pairs of leftover items per
/// list; beyond it only items at the same place are compared, so a hostile
/// list of thousands of renamed rows stays linear.
pub const MAX_MEASURED: usize = 4096;

/// Whether two items that identity did not pair are the same item changed.
pub fn alike(l: Likeness, same_place: bool) -> bool {
    if same_place {
        l.name >= IN_PLACE_NAME || l.rest > IN_PLACE_REST
    } else {
        l.rest >= MOVED_REST && l.name >= MOVED_NAME
    }
}

/// Texts up to this many characters each are compared by their character
/// diff; longer ones by their character pairs (see [`share`]).
pub const SHORT_TEXT: usize = 64;
/// Characters of a long text that are compared: with [`MAX_MEASURED`]
/// pairs this bounds the work of a list of long rewritten paragraphs.
pub const COMPARED_CHARS: usize = 2000;

/// The share of characters two texts have in common: 2 × common / (length
/// of both), 1 for two empty texts. Short texts (names) count the common
/// characters of the same bounded character diff the report shows; long
/// ones (bodies) count common pairs of adjacent characters among their
/// first [`COMPARED_CHARS`], which takes linear time.
pub fn share(a: &str, b: &str) -> f64 {
    if a == b {
        return 1.0;
    }
    let (la, lb) = (a.chars().count(), b.chars().count());
    if la > SHORT_TEXT || lb > SHORT_TEXT {
        return pair_share(a, b);
    }
    let same: usize = runs(a, b)
        .iter()
        .map(|r| match r {
            Run::Same(s) => s.chars().count(),
            _ => 0,
        })
        .sum();
    2.0 * same as f64 / (la + lb) as f64
}

/// 2 × common character pairs / (pairs of both), counted with repeats.
fn pair_share(a: &str, b: &str) -> f64 {
    use std::collections::HashMap;
    let pairs = |s: &str| -> Vec<(char, char)> {
        let chars: Vec<char> = s.chars().take(COMPARED_CHARS).collect();
        chars.windows(2).map(|w| (w[0], w[1])).collect()
    };
    let (pa, pb) = (pairs(a), pairs(b));
    if pa.is_empty() || pb.is_empty() {
        return 0.0;
    }
    let mut counts: HashMap<(char, char), usize> = HashMap::new();
    for p in &pa {
        *counts.entry(*p).or_default() += 1;
    }
    let mut common = 0usize;
    for p in &pb {
        if let Some(n) = counts.get_mut(p).filter(|n| **n > 0) {
            *n -= 1;
            common += 1;
        }
    }
    2.0 * common as f64 / (pa.len() + pb.len()) as f64
}

/// Pairs items by each identity test in turn (first unmatched occurrence
/// wins), then leftovers that are [`alike`]: at the same place first, then
/// the likeliest elsewhere.
pub fn pair<T>(old: &[T], new: &[T], tests: &[Same<T>], like: Option<Alike<T>>) -> Pairing {
    let mut old_of_new: Vec<Option<usize>> = vec![None; new.len()];
    let mut taken = vec![false; old.len()];
    for same in tests {
        for (n, item) in new.iter().enumerate() {
            if old_of_new[n].is_some() {
                continue;
            }
            let found = (0..old.len()).find(|&o| !taken[o] && same(&old[o], item));
            if let Some(o) = found {
                taken[o] = true;
                old_of_new[n] = Some(o);
            }
        }
    }
    if let Some(like) = like {
        pair_alike(old, new, like, &mut old_of_new, &mut taken);
    }
    layout(&old_of_new, &taken)
}

/// The likeness passes of [`pair`].
fn pair_alike<T>(
    old: &[T],
    new: &[T],
    like: Alike<T>,
    old_of_new: &mut [Option<usize>],
    taken: &mut [bool],
) {
    for n in 0..new.len().min(old.len()) {
        if old_of_new[n].is_none() && !taken[n] && alike(like(&old[n], &new[n]), true) {
            taken[n] = true;
            old_of_new[n] = Some(n);
        }
    }
    let left_new: Vec<usize> = (0..new.len())
        .filter(|&n| old_of_new[n].is_none())
        .collect();
    let left_old = taken.iter().filter(|t| !**t).count();
    if left_new.len() * left_old > MAX_MEASURED {
        return;
    }
    for n in left_new {
        let best = (0..old.len())
            .filter(|&o| !taken[o])
            .map(|o| (o, like(&old[o], &new[n])))
            .filter(|(_, l)| alike(*l, false))
            .max_by(|a, b| (a.1.rest + a.1.name).total_cmp(&(b.1.rest + b.1.name)));
        if let Some((o, _)) = best {
            taken[o] = true;
            old_of_new[n] = Some(o);
        }
    }
}

/// Orders the pairs for reading and finds the moved items.
fn layout(old_of_new: &[Option<usize>], taken: &[bool]) -> Pairing {
    let mut steps = Vec::new();
    let mut next_removed = 0;
    let emit_removed = |upto: usize, next: &mut usize, steps: &mut Vec<_>| {
        while *next < upto {
            if !taken[*next] {
                steps.push((Some(*next), None));
            }
            *next += 1;
        }
    };
    for (n, o) in old_of_new.iter().enumerate() {
        // A removed item is read before whatever takes its place: before an
        // added item, the removed items up to the next common one come first.
        let upto = o.or_else(|| old_of_new[n..].iter().flatten().next().copied());
        emit_removed(upto.unwrap_or(taken.len()), &mut next_removed, &mut steps);
        steps.push((*o, Some(n)));
    }
    emit_removed(taken.len(), &mut next_removed, &mut steps);
    let kept = in_order(old_of_new);
    let moved: Vec<bool> = steps
        .iter()
        .map(|s| matches!(s, (Some(_), Some(n)) if !kept[*n]))
        .collect();
    let reordered = moved.iter().any(|m| *m);
    Pairing {
        steps,
        moved,
        reordered,
    }
}

/// Per new item: whether it is common and on the longest run of common
/// items whose old order is kept (a longest increasing subsequence, the
/// earliest one on ties), so the fewest items count as moved.
fn in_order(old_of_new: &[Option<usize>]) -> Vec<bool> {
    let common: Vec<(usize, usize)> = old_of_new
        .iter()
        .enumerate()
        .filter_map(|(n, o)| o.map(|o| (n, o)))
        .collect();
    // tails[k]: index into `common` of the smallest tail of a run of k+1.
    let mut tails: Vec<usize> = Vec::new();
    let mut before: Vec<Option<usize>> = vec![None; common.len()];
    for (i, &(_, o)) in common.iter().enumerate() {
        let k = tails.partition_point(|&t| common[t].1 < o);
        before[i] = k.checked_sub(1).map(|k| tails[k]);
        if k == tails.len() {
            tails.push(i);
        } else {
            tails[k] = i;
        }
    }
    let mut kept = vec![false; old_of_new.len()];
    let mut at = tails.last().copied();
    while let Some(i) = at {
        kept[common[i].0] = true;
        at = before[i];
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    fn steps(old: &[&str], new: &[&str], like: bool) -> Pairing {
        let by_name = |a: &&str, b: &&str| Likeness {
            name: share(a, b),
            rest: 0.0,
        };
        let like: Option<Alike<&str>> = if like { Some(&by_name) } else { None };
        pair(old, new, &[&|a: &&str, b: &&str| a == b], like)
    }

    #[test]
    fn swapped_items_pair_and_one_moved() {
        let p = steps(&["a", "b"], &["b", "a"], false);
        assert_eq!(p.steps, [(Some(1), Some(0)), (Some(0), Some(1))]);
        assert_eq!(p.moved.iter().filter(|m| **m).count(), 1);
        assert!(p.reordered);
    }

    #[test]
    fn an_item_moved_to_the_end_is_the_one_moved() {
        let p = steps(&["a", "b", "c", "d"], &["b", "c", "d", "a"], false);
        assert_eq!(p.moved, [false, false, false, true]);
    }

    #[test]
    fn removed_items_stay_at_their_place() {
        let p = steps(&["a", "x", "b"], &["a", "b", "c"], false);
        assert_eq!(
            p.steps,
            [
                (Some(0), Some(0)),
                (Some(1), None),
                (Some(2), Some(1)),
                (None, Some(2))
            ]
        );
        assert!(!p.reordered && p.moved.iter().all(|m| !m));
    }

    #[test]
    fn replaced_item_reads_removed_then_added() {
        let p = steps(&["a", "x"], &["a", "y"], false);
        assert_eq!(
            p.steps,
            [(Some(0), Some(0)), (Some(1), None), (None, Some(1))]
        );
    }

    #[test]
    fn a_typo_fix_in_place_pairs_and_an_unrelated_name_does_not() {
        let p = steps(
            &["甲", "信访群众满意度满意度"],
            &["甲", "信访群众满意度"],
            true,
        );
        assert_eq!(p.steps, [(Some(0), Some(0)), (Some(1), Some(1))]);
        let q = steps(&["甲", "信访群众满意度"], &["甲", "案件办结率"], true);
        assert_eq!(q.steps.len(), 3);
    }

    #[test]
    fn share_counts_common_characters() {
        assert_eq!(share("", ""), 1.0);
        assert_eq!(share("ab", ""), 0.0);
        assert!((share("信访群众满意度满意度", "信访群众满意度") - 14.0 / 17.0).abs() < 1e-9);
    }

    #[test]
    fn long_texts_share_their_character_pairs() {
        let a =
            "深入学习贯彻《信访工作条例》，持续提升用法治思维和法治方式做好信访工作的能力和水平。"
                .repeat(2);
        let b = a.replace("提升", "提高");
        assert!(share(&a, &b) > 0.9, "{}", share(&a, &b));
        let c =
            "坚持和发展新时代“枫桥经验”，把问题隐患发现在初始、解决在当地、消灭在萌芽。".repeat(2);
        assert!(share(&a, &c) < 0.3, "{}", share(&a, &c));
    }

    #[test]
    fn many_long_rewritten_items_are_measured_in_bounded_work() {
        // 64 × 64 pairs of 30,000-character texts: only the first
        // COMPARED_CHARS of each are read, so this finishes at once.
        let text = |i: usize| format!("{i}").repeat(30_000 / 2);
        let old: Vec<String> = (0..64).map(text).collect();
        let new: Vec<String> = (64..128).map(text).collect();
        let like = |a: &String, b: &String| Likeness {
            name: share(a, b),
            rest: share(a, b),
        };
        let p = pair(&old, &new, &[], Some(&like));
        let olds = p.steps.iter().filter(|s| s.0.is_some()).count();
        let news = p.steps.iter().filter(|s| s.1.is_some()).count();
        assert_eq!((olds, news), (64, 64));
    }

    #[test]
    fn the_rule_at_its_edges() {
        let l = |name, rest| Likeness { name, rest };
        assert!(alike(l(0.5, 0.0), true));
        assert!(!alike(l(0.49, 0.5), true));
        assert!(alike(l(0.0, 0.51), true));
        assert!(alike(l(1.0 / 3.0, 0.75), false));
        assert!(!alike(l(0.32, 1.0), false));
        assert!(!alike(l(1.0, 0.74), false));
    }

    #[test]
    fn too_many_leftovers_are_only_compared_in_place() {
        let old: Vec<usize> = (0..100).collect();
        let new: Vec<usize> = (100..200).collect();
        let calls = std::cell::Cell::new(0usize);
        let like = |_: &usize, _: &usize| {
            calls.set(calls.get() + 1);
            Likeness {
                name: 0.0,
                rest: 0.0,
            }
        };
        pair(&old, &new, &[], Some(&like));
        assert_eq!(calls.get(), 100);
        let few: Vec<usize> = (0..10).collect();
        calls.set(0);
        pair(&few, &new[..10], &[], Some(&like));
        assert_eq!(calls.get(), 10 + 100);
    }
}
