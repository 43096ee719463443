//! Stream events (spec §7.2, §7.3). Generated events are a pure function of the seed, the
//! author and a sequence number, so a million of them cost nothing until read; events written
//! during a run and likes and comments are kept in [`Streams`].

mod attachments;
mod generated;
mod view;

use std::collections::{BinaryHeap, HashMap, HashSet};

use crate::model::World;
use crate::rng::mix;
use crate::seed::EPOCH;
pub(crate) use crate::seed::tag;

use generated::Generated;
pub(crate) use view::{EventId, ThreadId, View};

/// Generated events of one author are spread over about three years.
const SPAN: u64 = 3 * 365 * 86_400;

/// Most `subevent`s nested inside one another in one rendered event: a comment on a
/// comment on … shows this many levels, then the innermost wrapper has `subevent: null`.
/// Rendering recurses once per level, so a chain of any length costs a bounded stack, and
/// JSON readers with a nesting limit (serde_json's is 128) can still read the result.
pub(crate) const MAX_NESTED_COMMENTS: usize = 8;

/// Where an event sits: its author and its 1-based sequence number (newer = larger).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct EventRef {
    pub author: u64,
    pub seq: u32,
}

/// What a write method added to an author's stream.
#[derive(Debug, Clone)]
pub(crate) enum Posted {
    /// stream.post / stream.share: an app event or a link share.
    Own {
        time: u64,
        app_id: u64,
        type_code: &'static str,
        type_name: &'static str,
        title: String,
        text: String,
        user_text: String,
        img_url: Option<String>,
        links: Vec<(String, String)>,
    },
    /// stream.comment: the comment wrapper, pointing at the commented event.
    Comment {
        time: u64,
        target: EventRef,
        comment_id: String,
        text: String,
    },
}

impl Posted {
    fn time(&self) -> u64 {
        match self {
            Posted::Own { time, .. } | Posted::Comment { time, .. } => *time,
        }
    }
}

/// Likes and comments of one event, on top of its generated counts.
#[derive(Debug, Clone, Default)]
pub(crate) struct Overlay {
    pub likes: HashSet<u64>,
    pub comments: u32,
}

#[derive(Debug, Default)]
pub(crate) struct Streams {
    pub posted: HashMap<u64, Vec<Posted>>,
    pub overlay: HashMap<EventRef, Overlay>,
}

impl Streams {
    /// Number of events of `author`: generated plus posted.
    pub(crate) fn total(&self, w: &World, author: u64) -> u32 {
        let generated = w.user(author).map_or(0, |u| u.events);
        let posted = self.posted.get(&author).map_or(0, Vec::len);
        generated.saturating_add(u32::try_from(posted).unwrap_or(u32::MAX))
    }

    pub(crate) fn exists(&self, w: &World, e: EventRef) -> bool {
        e.seq >= 1 && e.seq <= self.total(w, e.author)
    }

    /// Unix time of an event; strictly increasing with `seq` for one author.
    pub(crate) fn time(&self, w: &World, e: EventRef) -> u64 {
        let generated = w.user(e.author).map_or(0, |u| u.events);
        if e.seq > generated {
            return self.posted_of(w, e).map_or(EPOCH, Posted::time);
        }
        // The seed clamps `generated` to MAX_EVENTS, which keeps this far above zero; the
        // saturating operations only make sure that no input can make it panic.
        let n = u64::from(generated);
        let step = (SPAN / n.max(1)).max(60);
        let offset = mix(e.author) % step;
        let jitter = mix(e.author ^ u64::from(e.seq)) % (step / 2);
        let back = n
            .saturating_sub(u64::from(e.seq))
            .saturating_mul(step)
            .saturating_add(offset)
            .saturating_add(jitter);
        EPOCH.saturating_sub(back)
    }

    /// Time for a new event of `author`: now, but never before its newest event.
    pub(crate) fn next_time(&self, w: &World, author: u64, now: u64) -> u64 {
        let total = self.total(w, author);
        if total == 0 {
            return now;
        }
        now.max(self.time(w, EventRef { author, seq: total }) + 1)
    }

    pub(crate) fn post(&mut self, author: u64, event: Posted) {
        self.posted.entry(author).or_default().push(event);
    }

    /// The app that generated an event, if any (for `filter_app`).
    pub(crate) fn app_of(&self, w: &World, seed: u64, e: EventRef) -> Option<u64> {
        match self.posted_of(w, e) {
            Some(Posted::Own { app_id, .. }) => Some(*app_id),
            Some(Posted::Comment { .. }) => None,
            None => Generated::new(w, seed, e).app_id,
        }
    }

    pub(crate) fn posted_of(&self, w: &World, e: EventRef) -> Option<&Posted> {
        let generated = w.user(e.author).map_or(0, |u| u.events);
        let i = usize::try_from(e.seq.checked_sub(generated)?.checked_sub(1)?).ok()?;
        self.posted.get(&e.author)?.get(i)
    }
}

/// `format!("{tag:08x}{seq:08x}")`: 16 hex characters like the platform's event ids.
pub(crate) fn event_id(e: EventRef) -> String {
    EventId(e).to_string()
}

/// The event an id names, if it exists.
pub(crate) fn parse_event_id(w: &World, s: &Streams, id: &str) -> Option<EventRef> {
    if id.len() != 16 || !id.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let tag = u32::from_str_radix(&id[..8], 16).ok()?;
    let seq = u32::from_str_radix(&id[8..], 16).ok()?;
    let author = *w.by_tag.get(&tag)?;
    let e = EventRef { author, seq };
    s.exists(w, e).then_some(e)
}

/// `thread_id` (and `huid`): a checksum of the author followed by the event id.
pub(crate) fn thread_id(e: EventRef) -> String {
    ThreadId(e).to_string()
}

pub(crate) fn parse_thread_id(w: &World, s: &Streams, id: &str) -> Option<EventRef> {
    let e = parse_event_id(w, s, id.get(16..)?)?;
    (thread_id(e) == id).then_some(e)
}

/// Newest-first events of `authors` strictly older than `after` (an exclusive cursor),
/// at most `limit`, keeping those `keep` accepts. A k-way merge: each author is entered at
/// its position by binary search, so the cost is independent of how many events exist.
pub(crate) fn page(
    w: &World,
    s: &Streams,
    authors: &[u64],
    after: Option<EventRef>,
    limit: usize,
    mut keep: impl FnMut(EventRef) -> bool,
) -> Vec<EventRef> {
    let key = |e: EventRef| (s.time(w, e), tag(e.author), e.seq);
    let bound = after.map(key);
    // A max-heap on the key: the newest pending event of every author on top.
    let mut heap = BinaryHeap::new();
    for &author in authors {
        let total = s.total(w, author);
        // Largest seq whose key is below the bound (keys grow with seq).
        let (mut lo, mut hi) = (0u32, total);
        while lo < hi {
            let mid = lo + (hi - lo).div_ceil(2);
            let below = bound.is_none_or(|b| key(EventRef { author, seq: mid }) < b);
            if below {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        if lo > 0 {
            let e = EventRef { author, seq: lo };
            heap.push((key(e), e));
        }
    }
    let mut out = Vec::with_capacity(limit.min(128));
    while out.len() < limit {
        let Some((_, e)) = heap.pop() else { break };
        if keep(e) {
            out.push(e);
        }
        if e.seq > 1 {
            let next = EventRef {
                author: e.author,
                seq: e.seq - 1,
            };
            heap.push((key(next), next));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::accounts::{BIG_COMMUNITY_UID, DEMO_UID};
    use crate::config::{Config, MAX_EVENTS};
    use crate::seed;

    #[test]
    fn extreme_event_counts_are_clamped_and_times_stay_ordered() {
        let config = Config {
            community_events: u32::MAX,
            events_per_user: u32::MAX,
            users: 20,
            ..Config::default()
        };
        let w = seed::world(&config);
        let s = Streams::default();
        let total = s.total(&w, BIG_COMMUNITY_UID);
        assert_eq!(total, MAX_EVENTS);
        let at = |seq| {
            s.time(
                &w,
                EventRef {
                    author: BIG_COMMUNITY_UID,
                    seq,
                },
            )
        };
        let (first, last) = (at(1), at(total));
        assert!(first > 0 && first < at(2), "{first}");
        assert!(at(total - 1) < last && last <= EPOCH, "{last}");
        assert!(w.users.iter().all(|u| u.events <= MAX_EVENTS));
        // Even an unclamped count cannot make the arithmetic panic.
        let mut w = w;
        if let Some(&i) = w.by_uid.get(&DEMO_UID) {
            w.users[i].events = u32::MAX;
        }
        let e = EventRef {
            author: DEMO_UID,
            seq: 1,
        };
        let _ = s.time(&w, e);
        let mut s = s;
        s.post(
            DEMO_UID,
            Posted::Comment {
                time: 1,
                target: e,
                comment_id: String::new(),
                text: String::new(),
            },
        );
        assert_eq!(s.total(&w, DEMO_UID), u32::MAX);
    }
}
