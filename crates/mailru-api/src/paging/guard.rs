//! What a walk remembers to notice a platform that sends items again: the keys of the
//! most recent items (and, for items without a key, the most recent pages), in bounded
//! memory whatever the length of the walk.

use std::collections::{HashSet, VecDeque};
use std::hash::{DefaultHasher, Hash, Hasher};

/// Keys remembered: a repeat within the last this-many items is noticed.
pub(crate) const WINDOW: usize = 10_000;

/// A set of the most recent `cap` hashes.
#[derive(Debug)]
pub(crate) struct Recent {
    set: HashSet<u64>,
    order: VecDeque<u64>,
    cap: usize,
}

impl Recent {
    pub(crate) fn new(cap: usize) -> Self {
        Recent {
            set: HashSet::new(),
            order: VecDeque::new(),
            cap: cap.max(1),
        }
    }

    /// Whether `hash` is among the recent ones.
    pub(crate) fn contains(&self, hash: u64) -> bool {
        self.set.contains(&hash)
    }

    /// Remembers `hash`, forgetting the oldest beyond the cap.
    pub(crate) fn insert(&mut self, hash: u64) {
        if !self.set.insert(hash) {
            return;
        }
        self.order.push_back(hash);
        if self.order.len() > self.cap
            && let Some(old) = self.order.pop_front()
        {
            self.set.remove(&old);
        }
    }
}

/// A stable 64-bit hash (the same in every run: the standard hasher with fixed keys).
pub(crate) fn hash_of(value: &impl Hash) -> u64 {
    let mut h = DefaultHasher::new();
    value.hash(&mut h);
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remembers_only_the_most_recent() {
        let mut r = Recent::new(3);
        for k in 1..=4 {
            r.insert(k);
        }
        assert!(!r.contains(1));
        assert!(r.contains(2) && r.contains(4));
        r.insert(4);
        assert!(r.contains(2), "a repeated insert does not evict");
        assert_eq!(hash_of(&"a"), hash_of(&"a"));
    }
}
