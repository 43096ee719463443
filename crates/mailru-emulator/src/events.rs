//! Stream events (spec §7.2, §7.3). Generated events are a pure function of the seed, the
//! author and a sequence number, so a million of them cost nothing until read; events written
//! during a run and likes and comments are kept in [`Streams`].

use std::cell::RefCell;
use std::collections::{BinaryHeap, HashMap, HashSet};

use serde_json::{Value, json};

use crate::accounts::APP_ID;
use crate::model::World;
use crate::render;
use crate::rng::{Rng, mix};
use crate::seed::{EPOCH, tag};

/// Generated events of one author are spread over about three years.
const SPAN: u64 = 3 * 365 * 86_400;

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
        generated + self.posted.get(&author).map_or(0, |p| p.len() as u32)
    }

    pub(crate) fn exists(&self, w: &World, e: EventRef) -> bool {
        e.seq >= 1 && e.seq <= self.total(w, e.author)
    }

    /// Unix time of an event; strictly increasing with `seq` for one author.
    pub(crate) fn time(&self, w: &World, e: EventRef) -> u64 {
        let generated = w.user(e.author).map_or(0, |u| u.events);
        if e.seq > generated {
            let i = (e.seq - generated - 1) as usize;
            return self.posted[&e.author][i].time();
        }
        let n = u64::from(generated);
        let step = (SPAN / n.max(1)).max(60);
        let offset = mix(e.author) % step;
        let jitter = mix(e.author ^ u64::from(e.seq)) % (step / 2);
        EPOCH - offset - (n - u64::from(e.seq)) * step - jitter
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

    fn posted_of(&self, w: &World, e: EventRef) -> Option<&Posted> {
        let generated = w.user(e.author).map_or(0, |u| u.events);
        (e.seq > generated).then(|| &self.posted[&e.author][(e.seq - generated - 1) as usize])
    }
}

/// `format!("{tag:08x}{seq:08x}")`: 16 hex characters like the platform's event ids.
pub(crate) fn event_id(e: EventRef) -> String {
    format!("{:08x}{:08x}", tag(e.author), e.seq)
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
    format!("{:016x}{}", mix(e.author ^ 0x7468_7264), event_id(e))
}

pub(crate) fn parse_thread_id(w: &World, s: &Streams, id: &str) -> Option<EventRef> {
    let e = parse_event_id(w, s, id.get(16..)?)?;
    (thread_id(e) == id).then_some(e)
}

/// The deterministic content of a generated event.
struct Generated {
    kind: usize,
    app_id: Option<u64>,
    likes: u32,
    comments: u32,
    rng: Rng,
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
    fn new(w: &World, seed: u64, e: EventRef) -> Self {
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

    fn type_code(&self) -> (&'static str, &'static str) {
        PERSON_KINDS
            .iter()
            .chain(COMMUNITY_KINDS.iter())
            .nth(self.kind)
            .copied()
            .unwrap_or(("3-23", "micropost"))
    }
}

/// Everything an event needs to render for one viewer.
pub(crate) struct View<'a> {
    pub world: &'a World,
    pub streams: &'a Streams,
    pub seed: u64,
    pub viewer: Option<u64>,
    pub app_id: u64,
    /// Profiles already rendered for this page: a community's page has one author.
    pub authors: RefCell<HashMap<u64, Value>>,
}

impl View<'_> {
    fn author(&self, uid: u64) -> Value {
        self.authors
            .borrow_mut()
            .entry(uid)
            .or_insert_with(|| render::author(self.world, uid, self.viewer, self.app_id))
            .clone()
    }

    /// An event object of spec §7.2.
    pub(crate) fn event(&self, e: EventRef) -> Value {
        let w = self.world;
        let time = self.streams.time(w, e);
        let overlay = self.streams.overlay.get(&e);
        let liked = overlay.is_some_and(|o| self.viewer.is_some_and(|v| o.likes.contains(&v)));
        let extra_likes = overlay.map_or(0, |o| o.likes.len() as u32);
        let extra_comments = overlay.map_or(0, |o| o.comments);
        let author = self.author(e.author);
        let mut v = match self.streams.posted_of(w, e) {
            Some(Posted::Comment {
                target,
                comment_id,
                text,
                ..
            }) => {
                return json!({
                    "id": event_id(e),
                    "time": time,
                    "huid": thread_id(e),
                    "subtype": "comment",
                    // A closed community's event stays hidden inside the wrapper too.
                    "subevent": if w.can_view(target.author, self.viewer) {
                        self.event(*target)
                    } else {
                        Value::Null
                    },
                    "comment": {
                        "id": comment_id,
                        "text": text,
                        "time": time,
                        "is_deleted": 0,
                        "author": author,
                        "text_media": {"object": "text", "content": text},
                    },
                    "is_commentable": 0,
                    "is_likeable": 0,
                    "authors": [author],
                });
            }
            Some(Posted::Own {
                app_id,
                type_code,
                type_name,
                title,
                text,
                user_text,
                img_url,
                links,
                ..
            }) => {
                let mut attachments = Vec::new();
                if let Some(src) = img_url {
                    attachments.push(json!({"object": "image", "src": src}));
                }
                let action_links: Vec<Value> = links
                    .iter()
                    .map(|(t, h)| json!({"text": t, "href": h}))
                    .collect();
                for (t, h) in links {
                    attachments.push(json!({"object": "link", "text": t, "url": h}));
                }
                let mut v = json!({
                    "type": type_code,
                    "type_name": type_name,
                    "title": title,
                    "user_text": user_text,
                    "text_media": [{"object": "text", "content": text}],
                    "attachments": attachments,
                    "action_links": action_links,
                    "likes_count": extra_likes,
                    "comments_count": extra_comments,
                });
                if *app_id != 0 {
                    v["generator"] = generator(*app_id, w);
                }
                v
            }
            None => self.generated(e, extra_likes, extra_comments),
        };
        v["id"] = json!(event_id(e));
        v["time"] = json!(time);
        v["huid"] = json!(thread_id(e));
        v["thread_id"] = json!(thread_id(e));
        v["subtype"] = json!("event");
        v["authors"] = json!([author]);
        v["is_commentable"] = json!(1);
        v["is_likeable"] = json!(1);
        v["is_liked_by_me"] = json!(u8::from(liked));
        v["click_url"] = json!(format!(
            "{}multipost/{}",
            w.user(e.author).map(|u| u.link()).unwrap_or_default(),
            event_id(e)
        ));
        v
    }

    fn generated(&self, e: EventRef, extra_likes: u32, extra_comments: u32) -> Value {
        let w = self.world;
        let mut g = Generated::new(w, self.seed, e);
        let (code, name) = g.type_code();
        let (domain, nick) = w
            .user(e.author)
            .map_or(("mail", String::new()), |u| (u.domain, u.nick.clone()));
        let n = u64::from(e.seq);
        let text = format!("Запись №{n} от {nick}");
        let image = |rng: &mut Rng| {
            let id = rng.range(1, 999);
            json!({
                "object": "image",
                "src": format!("https://content.foto.my.mail.ru/{domain}/{nick}/_myphoto/i-{id}.jpg"),
                "src_hires": format!("https://content.foto.my.mail.ru/{domain}/{nick}/_myphoto/h-{id}.jpg"),
                "width": rng.range(320, 1600), "height": rng.range(240, 1200),
                "album_id": "_myphoto", "owner_id": e.author.to_string(), "id": id.to_string(),
                "likes_count": rng.range(0, 30), "comments_count": rng.range(0, 5),
            })
        };
        let attachments = match name {
            "photo_upload" | "community_photo_upload" => vec![image(&mut g.rng)],
            "music_add" => vec![json!({
                "object": "music", "mid": format!("{:x}", g.rng.next_u64() >> 16),
                "name": "Группа крови", "author": "Кино", "duration": g.rng.range(120, 360),
                "file_url": "https://music.my.mail.ru/file/track.mp3", "is_add": 1,
            })],
            "avatar_change" => vec![json!({"object": "avatar", "new": image(&mut g.rng)})],
            "gift_send" => vec![json!({"object": "gift", "content": {
                "is_private": 0, "is_anonymous": 0, "text": "С праздником!", "time": n,
                "gift": {"id": g.rng.range(1, 400).to_string()},
            }})],
            "share" => vec![json!({
                "object": "link", "text": "Интересная статья",
                "url": format!("https://example.org/articles/{n}"),
            })],
            "video_upload" | "community_video_upload" => vec![json!({
                "object": "video", "title": format!("Видео {n}"), "duration": g.rng.range(10, 900),
                "src": format!("https://my.mail.ru/video/embed/{n}"), "view_count": g.rng.range(0, 5000),
                "owner_id": e.author.to_string(),
            })],
            "app_info2" => vec![json!({"object": "app", "content": {
                "ID": g.app_id.unwrap_or(APP_ID), "Name": "Демо-приложение",
                "ShortDescription": "Игра", "Installations": g.rng.range(100, 100_000),
            }})],
            _ => vec![json!({"object": "tag", "content": {"is_blacklist": 0, "tag": "новости"}})],
        };
        let mut v = json!({
            "type": code,
            "type_name": name,
            "user_text": "",
            "text_media": [{"object": "text", "content": text}],
            "attachments": attachments,
            "action_links": [],
            "likes_count": g.likes + extra_likes,
            "comments_count": g.comments + extra_comments,
        });
        if let Some(app) = g.app_id {
            v["generator"] = generator(app, w);
        }
        v
    }
}

fn generator(app_id: u64, w: &World) -> Value {
    let title = w
        .apps
        .get(&app_id)
        .map_or_else(|| "Приложение".to_owned(), |a| a.name.clone());
    json!({
        "app_id": app_id,
        "icon": format!("https://appsmail.ru/icons/{app_id}.gif"),
        "url": format!("https://my.mail.ru/cgi-bin/my/app-canvas?appid={app_id}"),
        "title": title,
        "type": "application",
    })
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
