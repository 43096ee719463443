//! Rendering events for one viewer (spec §7.2, §7.3), serialized straight from the world
//! and the stream overlay: no intermediate JSON tree, each author's profile serialized once
//! per page.

use std::cell::RefCell;
use std::collections::HashMap;
use std::fmt;
use std::rc::Rc;

use serde::Serialize;
use serde::ser::{Error as _, SerializeMap, SerializeSeq, Serializer};
use serde_json::value::RawValue;

use crate::events::attachments::{Attachment, Owner};
use crate::events::generated::Generated;
use crate::events::{EventRef, MAX_NESTED_COMMENTS, Posted, Streams, tag};
use crate::json::{Disp, Json};
use crate::model::World;
use crate::render::{self, ImageItem, Link, LinkItem, TextItem};
use crate::rng::mix;

/// Everything an event needs to render for one viewer.
pub(crate) struct View<'a> {
    pub world: &'a World,
    pub streams: &'a Streams,
    pub seed: u64,
    pub viewer: Option<u64>,
    pub app_id: u64,
    /// Profiles already serialized for this page: a community's page has one author.
    authors: RefCell<HashMap<u64, Rc<RawValue>>>,
}

/// Lowercase hex digits of `value`, `out.len()` of them (leading zeros included).
fn hex(out: &mut [u8], mut value: u64) {
    for b in out.iter_mut().rev() {
        *b = b"0123456789abcdef"[(value & 0xf) as usize];
        value >>= 4;
    }
}

/// `{tag:08x}{seq:08x}`: the 16 hex characters of an event id.
#[derive(Clone, Copy)]
pub(crate) struct EventId(pub EventRef);

impl EventId {
    fn digits(self) -> [u8; 16] {
        let mut out = [0; 16];
        hex(&mut out[..8], u64::from(tag(self.0.author)));
        hex(&mut out[8..], u64::from(self.0.seq));
        out
    }
}

/// `thread_id` (and `huid`): a checksum of the author followed by the event id.
#[derive(Clone, Copy)]
pub(crate) struct ThreadId(pub EventRef);

impl ThreadId {
    fn digits(self) -> [u8; 32] {
        let mut out = [0; 32];
        hex(&mut out[..16], mix(self.0.author ^ 0x7468_7264));
        out[16..].copy_from_slice(&EventId(self.0).digits());
        out
    }
}

/// Hex digits as text (they are ASCII; the fallback is never taken).
fn ascii(digits: &[u8]) -> &str {
    std::str::from_utf8(digits).unwrap_or_default()
}

impl fmt::Display for EventId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(ascii(&self.digits()))
    }
}

impl fmt::Display for ThreadId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(ascii(&self.digits()))
    }
}

impl Serialize for EventId {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(ascii(&self.digits()))
    }
}

impl Serialize for ThreadId {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(ascii(&self.digits()))
    }
}

/// Bytes a rendered event takes, about: the page buffer is reserved from it.
const EVENT_BYTES: usize = 2_600;

impl<'a> View<'a> {
    pub(crate) fn new(
        world: &'a World,
        streams: &'a Streams,
        seed: u64,
        viewer: Option<u64>,
        app_id: u64,
    ) -> Self {
        View {
            world,
            streams,
            seed,
            viewer,
            app_id,
            authors: RefCell::default(),
        }
    }

    /// The serialized profile of an author (`null` for an unknown uid).
    fn author(&self, uid: u64) -> Result<Rc<RawValue>, serde_json::Error> {
        if let Some(raw) = self.authors.borrow().get(&uid) {
            return Ok(raw.clone());
        }
        let author = render::author(self.world, uid, self.viewer, self.app_id);
        let raw: Rc<RawValue> = serde_json::value::to_raw_value(&author)?.into();
        self.authors.borrow_mut().insert(uid, raw.clone());
        Ok(raw)
    }

    /// An event object of spec §7.2, ready to serialize.
    pub(crate) fn event(&self, e: EventRef) -> EventJson<'_, 'a> {
        EventJson {
            view: self,
            e,
            depth: 0,
        }
    }

    /// A JSON array of these events.
    pub(crate) fn page(&self, refs: &[EventRef]) -> Result<Json, serde_json::Error> {
        let page = Page { view: self, refs };
        Json::with_capacity(&page, refs.len().saturating_mul(EVENT_BYTES).max(2))
    }
}

struct Page<'v, 'a> {
    view: &'v View<'a>,
    refs: &'v [EventRef],
}

impl Serialize for Page<'_, '_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.refs.len()))?;
        for e in self.refs {
            seq.serialize_element(&self.view.event(*e))?;
        }
        seq.end()
    }
}

/// One event rendered `depth` comment wrappers deep.
pub(crate) struct EventJson<'v, 'a> {
    view: &'v View<'a>,
    e: EventRef,
    depth: usize,
}

/// The `comment` object of a comment wrapper.
#[derive(Serialize)]
struct CommentJson<'a> {
    id: &'a str,
    text: &'a str,
    time: u64,
    is_deleted: u8,
    author: &'a RawValue,
    text_media: TextItem<&'a str>,
}

/// The `generator` object of an app's event.
struct Generator<'a> {
    app_id: u64,
    world: &'a World,
}

impl Serialize for Generator<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let app_id = self.app_id;
        let title = self
            .world
            .apps
            .get(&app_id)
            .map_or("Приложение", |a| a.name.as_str());
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("app_id", &app_id)?;
        m.serialize_entry(
            "icon",
            &Disp(format_args!("https://appsmail.ru/icons/{app_id}.gif")),
        )?;
        m.serialize_entry(
            "url",
            &Disp(format_args!(
                "https://my.mail.ru/cgi-bin/my/app-canvas?appid={app_id}"
            )),
        )?;
        m.serialize_entry("title", title)?;
        m.serialize_entry("type", "application")?;
        m.end()
    }
}

/// The attachments of a posted event: its image, then its links.
struct PostedAttachments<'a> {
    img_url: Option<&'a str>,
    links: &'a [(String, String)],
}

impl Serialize for PostedAttachments<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(None)?;
        if let Some(src) = self.img_url {
            seq.serialize_element(&ImageItem::new(src))?;
        }
        for (text, url) in self.links {
            seq.serialize_element(&LinkItem::new(text, url))?;
        }
        seq.end()
    }
}

/// `action_links` of a posted event.
struct ActionLinks<'a>(&'a [(String, String)]);

#[derive(Serialize)]
struct ActionLink<'a> {
    text: &'a str,
    href: &'a str,
}

impl Serialize for ActionLinks<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter().map(|(text, href)| ActionLink { text, href }))
    }
}

/// The empty `action_links` of generated events.
const NO_LINKS: [(); 0] = [];

impl Serialize for EventJson<'_, '_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let (v, e) = (self.view, self.e);
        let w = v.world;
        let time = v.streams.time(w, e);
        let overlay = v.streams.overlay.get(&e);
        let liked = overlay.is_some_and(|o| v.viewer.is_some_and(|u| o.likes.contains(&u)));
        let extra_likes = overlay.map_or(0, |o| o.likes.len() as u64);
        let extra_comments = overlay.map_or(0, |o| u64::from(o.comments));
        let author = v.author(e.author).map_err(S::Error::custom)?;
        let mut m = s.serialize_map(None)?;
        match v.streams.posted_of(w, e) {
            Some(Posted::Comment {
                target,
                comment_id,
                text,
                ..
            }) => {
                m.serialize_entry("id", &EventId(e))?;
                m.serialize_entry("time", &time)?;
                m.serialize_entry("huid", &ThreadId(e))?;
                m.serialize_entry("subtype", "comment")?;
                // A closed community's event stays hidden inside the wrapper too, and so
                // does anything nested deeper than the cap.
                if self.depth < MAX_NESTED_COMMENTS && w.can_view(target.author, v.viewer) {
                    let inner = EventJson {
                        view: v,
                        e: *target,
                        depth: self.depth + 1,
                    };
                    m.serialize_entry("subevent", &inner)?;
                } else {
                    m.serialize_entry("subevent", &())?;
                }
                let comment = CommentJson {
                    id: comment_id,
                    text,
                    time,
                    is_deleted: 0,
                    author: &author,
                    text_media: TextItem::new(text),
                };
                m.serialize_entry("comment", &comment)?;
                m.serialize_entry("is_commentable", &0)?;
                m.serialize_entry("is_likeable", &0)?;
                m.serialize_entry("authors", &[&*author])?;
                return m.end();
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
                m.serialize_entry("type", type_code)?;
                m.serialize_entry("type_name", type_name)?;
                m.serialize_entry("title", title)?;
                m.serialize_entry("user_text", user_text)?;
                m.serialize_entry("text_media", &[TextItem::new(text)])?;
                let attachments = PostedAttachments {
                    img_url: img_url.as_deref(),
                    links,
                };
                m.serialize_entry("attachments", &attachments)?;
                m.serialize_entry("action_links", &ActionLinks(links))?;
                m.serialize_entry("likes_count", &extra_likes)?;
                m.serialize_entry("comments_count", &extra_comments)?;
                if *app_id != 0 {
                    let generator = Generator {
                        app_id: *app_id,
                        world: w,
                    };
                    m.serialize_entry("generator", &generator)?;
                }
            }
            None => generated(&mut m, v, e, extra_likes, extra_comments)?,
        }
        m.serialize_entry("id", &EventId(e))?;
        m.serialize_entry("time", &time)?;
        m.serialize_entry("huid", &ThreadId(e))?;
        m.serialize_entry("thread_id", &ThreadId(e))?;
        m.serialize_entry("subtype", "event")?;
        m.serialize_entry("authors", &[&*author])?;
        m.serialize_entry("is_commentable", &1)?;
        m.serialize_entry("is_likeable", &1)?;
        m.serialize_entry("is_liked_by_me", &u8::from(liked))?;
        match w.user(e.author) {
            Some(u) => m.serialize_entry(
                "click_url",
                &Disp(format_args!("{}multipost/{}", Link(u), EventId(e))),
            )?,
            None => {
                m.serialize_entry("click_url", &Disp(format_args!("multipost/{}", EventId(e))))?
            }
        }
        m.end()
    }
}

/// The entries of a generated event before the common ones.
fn generated<M: SerializeMap>(
    m: &mut M,
    v: &View<'_>,
    e: EventRef,
    extra_likes: u64,
    extra_comments: u64,
) -> Result<(), M::Error> {
    let w = v.world;
    let mut g = Generated::new(w, v.seed, e);
    let (code, name) = g.type_code();
    let owner = match w.user(e.author) {
        Some(u) => Owner {
            uid: e.author,
            domain: &u.domain,
            nick: &u.nick,
        },
        None => Owner {
            uid: e.author,
            domain: "mail",
            nick: "",
        },
    };
    let n = u64::from(e.seq);
    let attachment = Attachment::draw(name, n, owner, g.app_id, &mut g.rng);
    m.serialize_entry("type", code)?;
    m.serialize_entry("type_name", name)?;
    m.serialize_entry("user_text", "")?;
    let nick = owner.nick;
    m.serialize_entry(
        "text_media",
        &[TextItem::new(Disp(format_args!("Запись №{n} от {nick}")))],
    )?;
    m.serialize_entry("attachments", &[attachment])?;
    m.serialize_entry("action_links", &NO_LINKS)?;
    m.serialize_entry("likes_count", &(u64::from(g.likes) + extra_likes))?;
    m.serialize_entry("comments_count", &(u64::from(g.comments) + extra_comments))?;
    if let Some(app_id) = g.app_id {
        m.serialize_entry("generator", &Generator { app_id, world: w })?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::accounts::APP_ID;
    use crate::accounts::DEMO_UID;
    use crate::config::Config;
    use crate::seed;
    use serde_json::Value;

    /// A chain of 100,000 comments, each on the previous one, renders with a bounded
    /// nesting (a recursive renderer overflows the stack here and aborts the process).
    #[test]
    fn a_deep_chain_of_comments_renders_with_bounded_nesting() {
        let config = Config {
            users: 20,
            ..Config::default()
        };
        let w = seed::world(&config);
        let mut s = Streams::default();
        let generated = s.total(&w, DEMO_UID);
        let mut target = EventRef {
            author: DEMO_UID,
            seq: 1,
        };
        for i in 0..100_000u32 {
            s.post(
                DEMO_UID,
                Posted::Comment {
                    time: 1_800_000_000 + u64::from(i),
                    target,
                    comment_id: format!("{i:016x}"),
                    text: format!("комментарий {i}"),
                },
            );
            target = EventRef {
                author: DEMO_UID,
                seq: generated + i + 1,
            };
        }
        let view = View::new(&w, &s, config.seed, Some(DEMO_UID), APP_ID);
        let top = serde_json::to_value(view.event(target)).expect("serializable");
        assert_eq!(top["comment"]["text"], "комментарий 99999");
        let mut depth = 0;
        let mut v = &top;
        while !v["subevent"].is_null() {
            v = &v["subevent"];
            depth += 1;
            assert_eq!(v["subtype"], "comment", "level {depth}");
        }
        assert_eq!(depth, MAX_NESTED_COMMENTS);
        let text = top.to_string();
        let back: Value = serde_json::from_str(&text).expect("within serde_json's nesting limit");
        assert_eq!(back, top);
    }
}

#[cfg(test)]
mod shape_tests {
    use super::*;
    use crate::accounts::{APP_ID, BIG_COMMUNITY_UID, DEMO_UID};
    use crate::config::Config;
    use crate::seed;
    use serde_json::Value;

    fn keys(v: &Value) -> Vec<&str> {
        v.as_object()
            .map(|m| m.keys().map(String::as_str).collect())
            .unwrap_or_default()
    }

    /// The platform's field order, kept byte for byte from the earlier `Value` renderer.
    #[test]
    fn events_and_authors_keep_the_field_order() {
        let config = Config {
            users: 20,
            ..Config::default()
        };
        let w = seed::world(&config);
        let mut s = Streams::default();
        let target = EventRef {
            author: BIG_COMMUNITY_UID,
            seq: 3,
        };
        s.post(
            DEMO_UID,
            Posted::Comment {
                time: 1_800_000_000,
                target,
                comment_id: "00000000000f4241".to_owned(),
                text: "комментарий \"в кавычках\"".to_owned(),
            },
        );
        let view = View::new(&w, &s, config.seed, Some(DEMO_UID), APP_ID);
        let page = view.page(&[target]).expect("serializable");
        let v: Value = serde_json::from_slice(&page.0).expect("JSON");
        let event = &v[0];
        assert_eq!(
            keys(event)[..8],
            [
                "type",
                "type_name",
                "user_text",
                "text_media",
                "attachments",
                "action_links",
                "likes_count",
                "comments_count"
            ]
        );
        let tail = [
            "id",
            "time",
            "huid",
            "thread_id",
            "subtype",
            "authors",
            "is_commentable",
            "is_likeable",
            "is_liked_by_me",
            "click_url",
        ];
        assert_eq!(keys(event)[keys(event).len() - tail.len()..], tail);
        let author = keys(&event["authors"][0]);
        assert_eq!(
            author[..5],
            ["uid", "first_name", "last_name", "nick", "sex"]
        );
        assert_eq!(
            author[author.len() - 4..],
            ["location", "group_info", "is_closed", "members_count"]
        );
        let generated = s.total(&w, DEMO_UID);
        let wrapper = serde_json::to_value(view.event(EventRef {
            author: DEMO_UID,
            seq: generated,
        }))
        .expect("serializable");
        assert_eq!(
            keys(&wrapper),
            [
                "id",
                "time",
                "huid",
                "subtype",
                "subevent",
                "comment",
                "is_commentable",
                "is_likeable",
                "authors"
            ]
        );
        assert_eq!(wrapper["subevent"], *event);
        assert_eq!(wrapper["comment"]["text"], "комментарий \"в кавычках\"");
        assert_eq!(
            keys(&wrapper["comment"]),
            ["id", "text", "time", "is_deleted", "author", "text_media"]
        );
    }
}
