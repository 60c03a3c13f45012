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

/// Names sharing at least this much are half alike…
pub const IN_PLACE_NAME: f64 = 0.5;
/// …and so is a rest of which at least this share (more than this, for
/// items at the same place with unlike names) is alike.
pub const IN_PLACE_REST: f64 = 0.5;
/// Items at different places are one item when at least this share of the
/// rest is alike…
pub const MOVED_REST: f64 = 0.75;
/// …and their names share at least this much.
pub const MOVED_NAME: f64 = 1.0 / 3.0;
/// Likeness is measured for at most this many pairs of leftover items per
/// list; beyond it only items at the same place (see [`places`]) are
/// compared, so a hostile list of thousands of renamed rows stays linear.
pub const MAX_MEASURED: usize = 4096;

/// Whether two items that identity did not pair may be the same item
/// changed: names and rest both half alike anywhere; at the same place,
/// either half alike; elsewhere, the rest mostly alike and the names a
/// little.
pub fn alike(l: Likeness, same_place: bool) -> bool {
    let both = l.name >= IN_PLACE_NAME && l.rest >= IN_PLACE_REST;
    let in_place = same_place && (l.name >= IN_PLACE_NAME || l.rest > IN_PLACE_REST);
    let moved = l.rest >= MOVED_REST && l.name >= MOVED_NAME;
    both || in_place || moved
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
/// wins), then leftovers that are [`alike`], likeliest first.
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

/// The likeness pass of [`pair`]: every pair of leftover items that is
/// [`alike`] is a candidate; the likeliest are taken first, so a renamed
/// row goes with its old self, not with an unrelated neighbour that only
/// stands where it stood.
fn pair_alike<T>(
    old: &[T],
    new: &[T],
    like: Alike<T>,
    old_of_new: &mut [Option<usize>],
    taken: &mut [bool],
) {
    let left_new: Vec<usize> = (0..new.len())
        .filter(|&n| old_of_new[n].is_none())
        .collect();
    let left_old: Vec<usize> = (0..old.len()).filter(|&o| !taken[o]).collect();
    let places = (places(&left_old, old.len()), places(&left_new, new.len()));
    let measure_all = left_new.len() * left_old.len() <= MAX_MEASURED;
    let old_at: std::collections::HashMap<(usize, usize), usize> = left_old
        .iter()
        .filter_map(|&o| places.0[o].map(|p| (p, o)))
        .collect();
    let mut candidates: Vec<(f64, usize, usize)> = Vec::new();
    for &n in &left_new {
        // Beyond the bound, only the leftover at the same place is measured.
        let olds: Vec<usize> = if measure_all {
            left_old.clone()
        } else {
            places.1[n]
                .and_then(|p| old_at.get(&p))
                .copied()
                .into_iter()
                .collect()
        };
        for o in olds {
            let l = like(&old[o], &new[n]);
            if alike(l, places.0[o] == places.1[n]) {
                candidates.push((l.name + l.rest, o, n));
            }
        }
    }
    // Likeliest first; on a tie, the nearer pair, then reading order.
    candidates.sort_by(|a, b| {
        b.0.total_cmp(&a.0)
            .then(a.1.abs_diff(a.2).cmp(&b.1.abs_diff(b.2)))
            .then((a.2, a.1).cmp(&(b.2, b.1)))
    });
    for (_, o, n) in candidates {
        if !taken[o] && old_of_new[n].is_none() {
            taken[o] = true;
            old_of_new[n] = Some(o);
        }
    }
}

/// Per item of a list: `Some((gap, k))` for the k-th leftover in the gap
/// after `gap` paired items, `None` for paired items. Two leftovers stand
/// at the same place when these are equal in both lists.
fn places(leftovers: &[usize], len: usize) -> Vec<Option<(usize, usize)>> {
    let mut out = vec![None; len];
    let (mut gap, mut k, mut next) = (0, 0, leftovers.iter().peekable());
    for (i, slot) in out.iter_mut().enumerate() {
        if next.peek() == Some(&&i) {
            next.next();
            *slot = Some((gap, k));
            k += 1;
        } else {
            gap += 1;
            k = 0;
        }
    }
    out
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
    fn a_renamed_row_after_a_removed_one_goes_with_its_old_self() {
        // Old: x, y, z; new: y', z (x removed, y renamed). x stands where y'
        // stands and shares its other cells, but y is likelier.
        let names = |s: &[&str]| s.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        let old = names(&["信访群众满意度满意度", "工作人员满意度", "办结率"]);
        let new = names(&["窗口服务人员满意度", "办结率"]);
        let like = |a: &String, b: &String| Likeness {
            name: share(a, b),
            rest: 2.0 / 3.0,
        };
        let p = pair(&old, &new, &[&|a: &String, b: &String| a == b], Some(&like));
        assert_eq!(
            p.steps,
            [(Some(0), None), (Some(1), Some(0)), (Some(2), Some(1))]
        );
    }

    #[test]
    fn places_count_leftovers_within_their_gap() {
        assert_eq!(
            places(&[0, 2, 3], 4),
            [Some((0, 0)), None, Some((1, 0)), Some((1, 1))]
        );
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
        assert!(alike(l(0.5, 0.5), false));
        assert!(!alike(l(0.49, 0.74), false));
        assert!(!alike(l(0.5, 0.49), false));
        assert!(alike(l(1.0 / 3.0, 0.75), false));
        assert!(!alike(l(0.32, 1.0), false));
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
        assert_eq!(calls.get(), 100);
    }
}
