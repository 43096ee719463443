//! A map whose entries live for a fixed time and whose size is capped: codes, browser
//! logins, consent dialogs. Pruning happens on insert and costs amortized O(1).

use std::collections::{HashMap, VecDeque};
use std::time::{Duration, Instant};

#[derive(Debug)]
pub(crate) struct Expiring<V> {
    map: HashMap<String, (Instant, V)>,
    /// Keys in insertion order (and so in expiry order: the TTL is the same for all).
    /// Entries whose key was removed or re-inserted since are skipped when met.
    order: VecDeque<(Instant, String)>,
    ttl: Duration,
    cap: usize,
}

impl<V> Expiring<V> {
    pub(crate) fn new(ttl: Duration, cap: usize) -> Self {
        Expiring {
            map: HashMap::new(),
            order: VecDeque::new(),
            ttl,
            cap: cap.max(1),
        }
    }

    fn live(&self, born: Instant, now: Instant) -> bool {
        now.saturating_duration_since(born) < self.ttl
    }

    /// Whether the order entry still describes the map entry.
    fn current(&self, born: Instant, key: &str) -> bool {
        self.map.get(key).is_some_and(|(t, _)| *t == born)
    }

    /// Drops expired entries, and the oldest ones while the map is full.
    fn prune(&mut self, now: Instant) {
        while let Some((born, key)) = self.order.front() {
            let (born, stale) = (*born, !self.current(*born, key));
            if !stale && self.live(born, now) && self.map.len() < self.cap {
                break;
            }
            if let Some((_, key)) = self.order.pop_front()
                && !stale
            {
                self.map.remove(&key);
            }
        }
        // Removed keys leave entries in the middle of `order`; compact when they dominate.
        if self.order.len() > 2 * self.cap.max(self.map.len()) {
            let map = &self.map;
            self.order
                .retain(|(born, key)| map.get(key).is_some_and(|(t, _)| t == born));
        }
    }

    pub(crate) fn insert(&mut self, key: String, value: V) {
        let now = Instant::now();
        self.prune(now);
        self.order.push_back((now, key.clone()));
        self.map.insert(key, (now, value));
    }

    /// The value of a live entry.
    pub(crate) fn get(&self, key: &str) -> Option<&V> {
        let now = Instant::now();
        self.map
            .get(key)
            .filter(|(born, _)| self.live(*born, now))
            .map(|(_, v)| v)
    }

    /// Removes an entry; its value if it was live.
    pub(crate) fn remove(&mut self, key: &str) -> Option<V> {
        let now = Instant::now();
        let (born, value) = self.map.remove(key)?;
        self.live(born, now).then_some(value)
    }

    /// Entries held, live or not yet pruned.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.map.len()
    }

    /// Entries of the insertion-order index (bounded by a small multiple of the cap).
    #[cfg(test)]
    pub(crate) fn index_len(&self) -> usize {
        self.order.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_expire_after_their_ttl() {
        let mut m = Expiring::new(Duration::from_millis(20), 100);
        m.insert("a".to_owned(), 1);
        assert_eq!(m.get("a"), Some(&1));
        std::thread::sleep(Duration::from_millis(40));
        assert_eq!(m.get("a"), None, "expired entries are not served");
        m.insert("b".to_owned(), 2);
        assert_eq!(m.len(), 1, "the expired entry was pruned on insert");
        assert_eq!(m.remove("b"), Some(2));
        assert_eq!(m.remove("b"), None);
    }

    #[test]
    fn size_is_capped_oldest_first_and_the_index_stays_bounded() {
        let mut m = Expiring::new(Duration::from_secs(3600), 50);
        for i in 0..10_000 {
            m.insert(format!("k{i}"), i);
            if i % 2 == 0 {
                // Used-up entries (exchanged codes) leave holes in the index.
                m.remove(&format!("k{i}"));
            }
            assert!(m.len() <= 50);
            assert!(m.index_len() <= 2 * 50 + 1, "{}", m.index_len());
        }
        assert_eq!(m.get("k9999"), Some(&9999));
        assert_eq!(m.get("k1"), None, "the oldest went first");
    }
}
