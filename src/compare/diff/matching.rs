//! Pairing the items of two lists by identity (then optionally by position)
//! and laying the pairs out in reading order.

/// The pairs of two lists in reading order, and whether common items moved.
pub struct Pairing {
    /// `(old index, new index)`: both for a common item, one for an added or
    /// removed item. New-list order, removed items at their old place.
    pub steps: Vec<(Option<usize>, Option<usize>)>,
    /// The common items are in a different relative order.
    pub reordered: bool,
}

/// A test of whether two items are the same item.
pub type Same<'a, T> = &'a dyn Fn(&T, &T) -> bool;

/// Pairs items by each test in turn (first unmatched occurrence wins), then,
/// with `positional`, pairs leftovers standing at the same position.
pub fn pair<T>(old: &[T], new: &[T], tests: &[Same<T>], positional: bool) -> Pairing {
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
    if positional {
        for (n, slot) in old_of_new.iter_mut().enumerate() {
            if slot.is_none() && n < old.len() && !taken[n] {
                taken[n] = true;
                *slot = Some(n);
            }
        }
    }
    layout(&old_of_new, &taken)
}

/// Orders the pairs for reading and detects reordering.
fn layout(old_of_new: &[Option<usize>], taken: &[bool]) -> Pairing {
    let mut steps = Vec::new();
    let mut next_removed = 0;
    let mut last_old: Option<usize> = None;
    let mut reordered = false;
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
        if let Some(o) = *o {
            reordered |= last_old.is_some_and(|l| l > o);
            last_old = Some(o);
        }
        steps.push((*o, Some(n)));
    }
    emit_removed(taken.len(), &mut next_removed, &mut steps);
    Pairing { steps, reordered }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn steps(old: &[&str], new: &[&str], positional: bool) -> Pairing {
        pair(old, new, &[&|a: &&str, b: &&str| a == b], positional)
    }

    #[test]
    fn swapped_items_pair_and_are_reordered() {
        let p = steps(&["a", "b"], &["b", "a"], false);
        assert_eq!(p.steps, [(Some(1), Some(0)), (Some(0), Some(1))]);
        assert!(p.reordered);
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
        assert!(!p.reordered);
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
    fn position_pairs_renamed_items() {
        let p = steps(&["a", "b"], &["a", "c"], true);
        assert_eq!(p.steps, [(Some(0), Some(0)), (Some(1), Some(1))]);
        let q = steps(&["a", "b"], &["a", "c"], false);
        assert_eq!(q.steps.len(), 3);
    }
}
