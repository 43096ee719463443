//! The deterministic content of generated events: a pure function of the seed, the author
//! and the sequence number.

use crate::accounts::APP_ID;
use crate::events::EventRef;
use crate::model::World;
use crate::rng::Rng;

/// The deterministic content of a generated event.
pub(super) struct Generated {
    pub kind: usize,
    pub app_id: Option<u64>,
    pub likes: u32,
    pub comments: u32,
    pub rng: Rng,
}

/// (type, type_name) of generated events: people first, communities after.
const PERSON_KINDS: [(&str, &str); 8] = [
    ("3-23", "micropost"),
    ("1-1", "photo_upload"),
    ("1-7", "music_add"),
    ("5-7", "avatar_change"),
    ("5-10", "gift_send"),
    ("5-26", "share"),
    ("5-24", "app_info2"),
    ("1-2", "video_upload"),
];
const COMMUNITY_KINDS: [(&str, &str); 3] = [
    ("5-39", "community_post"),
    ("5-22", "community_photo_upload"),
    ("5-21", "community_video_upload"),
];

impl Generated {
    pub(super) fn new(w: &World, seed: u64, e: EventRef) -> Self {
        let mut rng = Rng::derive(seed, &[e.author, u64::from(e.seq), 0xe7]);
        let community = w.user(e.author).is_some_and(|u| u.community.is_some());
        let kind = if community {
            PERSON_KINDS.len() + rng.below(COMMUNITY_KINDS.len() as u64) as usize
        } else {
            rng.below(PERSON_KINDS.len() as u64) as usize
        };
        let app_id = (kind == 6).then(|| if rng.chance(50) { APP_ID } else { 520_706 });
        Generated {
            kind,
            app_id,
            likes: rng.range(0, 40) as u32,
            comments: rng.range(0, 12) as u32,
            rng,
        }
    }

    pub(super) fn type_code(&self) -> (&'static str, &'static str) {
        PERSON_KINDS
            .iter()
            .chain(COMMUNITY_KINDS.iter())
            .nth(self.kind)
            .copied()
            .unwrap_or(("3-23", "micropost"))
    }
}
