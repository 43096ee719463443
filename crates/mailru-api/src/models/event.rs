//! Stream events and their like and comment wrappers (spec §7.2).

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;
use serde_json::value::RawValue;

use crate::json::kind_of;
use crate::paging::first_value;

use super::lenient;
use super::{Attachment, PageItem, User, de};

/// An item of stream.get / stream.getByAuthor, chosen by its `subtype`.
///
/// ```
/// use mailru_api::models::StreamItem;
///
/// let item: StreamItem =
///     serde_json::from_str(r#"{"subtype":"event","id":"081b0000ab375802","type":"5-24"}"#).unwrap();
/// assert_eq!(item.id(), "081b0000ab375802");
/// assert!(matches!(&item, StreamItem::Event(e) if e.type_code == "5-24"));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum StreamItem {
    /// `subtype: "event"` (or no subtype): an event.
    Event(Event),
    /// `subtype: "like"`: someone liked an event.
    Like(LikeWrapper),
    /// `subtype: "comment"`: someone commented on an event.
    Comment(CommentWrapper),
    /// Any other subtype, as sent.
    Other(Value),
}

impl StreamItem {
    /// The item's `id`: the cursor for `skip`. `""` when an [`StreamItem::Other`] has none.
    pub fn id(&self) -> &str {
        match self {
            StreamItem::Event(e) => &e.id,
            StreamItem::Like(l) => &l.id,
            StreamItem::Comment(c) => &c.id,
            StreamItem::Other(v) => v.get("id").and_then(Value::as_str).unwrap_or(""),
        }
    }

    /// Unix time of the item, when known.
    pub fn time(&self) -> Option<u64> {
        match self {
            StreamItem::Event(e) => Some(e.time),
            StreamItem::Like(l) => Some(l.time),
            StreamItem::Comment(c) => Some(c.time),
            StreamItem::Other(v) => match v.get("time") {
                Some(Value::Number(n)) => n.as_u64(),
                Some(Value::String(s)) => s.parse().ok(),
                _ => None,
            },
        }
    }

    /// The event, when this item is one.
    pub fn as_event(&self) -> Option<&Event> {
        match self {
            StreamItem::Event(e) => Some(e),
            _ => None,
        }
    }
}

impl<'de> Deserialize<'de> for StreamItem {
    /// The item's text is taken whole and decoded as an event; when its `subtype` says it
    /// is something else, decoded again into the matching type (no `serde_json::Value` in
    /// between).
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = Box::<RawValue>::deserialize(d)?;
        let text = raw.get();
        if !text.starts_with('{') {
            return serde_json::from_str(text)
                .map(StreamItem::Other)
                .map_err(serde::de::Error::custom);
        }
        // Most items are events: decoded as one straight away, the subtype checked after
        // (no pass to find it first).
        match serde_json::from_str::<Event>(text) {
            Ok(event) if is_event(&event) => Ok(StreamItem::Event(event)),
            _ => StreamItem::by_subtype(text).map_err(serde::de::Error::custom),
        }
    }
}

impl PageItem for StreamItem {
    /// Decoded as an event as the page is read (no pass to take the item's text first);
    /// only an item whose subtype says otherwise is decoded again, from its text.
    fn first_in(text: &str) -> serde_json::Result<(Self, usize)> {
        let mut events = serde_json::Deserializer::from_str(text).into_iter::<Event>();
        match events.next() {
            Some(Ok(event)) if is_event(&event) => {
                Ok((StreamItem::Event(event), events.byte_offset()))
            }
            Some(Ok(_)) => {
                let len = events.byte_offset();
                let item = text.get(..len).unwrap_or_default();
                Ok((StreamItem::by_subtype(item)?, len))
            }
            // Not an event's shape: the general way, which says what is wrong.
            _ => first_value(text),
        }
    }
}

/// An event whose subtype says it is one (or says nothing).
fn is_event(event: &Event) -> bool {
    matches!(event.subtype.as_str(), "event" | "")
}

impl StreamItem {
    /// The object `text` decoded as its `subtype` says (the same answer for an event).
    fn by_subtype(text: &str) -> serde_json::Result<Self> {
        let subtype = kind_of(text, "subtype");
        let wrong = |e: serde_json::Error| {
            serde::de::Error::custom(format!("{e} (in a stream item of subtype {subtype})"))
        };
        Ok(match subtype.as_str() {
            "event" | "" => StreamItem::Event(lenient::from_text(text).map_err(wrong)?),
            "like" => StreamItem::Like(lenient::from_text(text).map_err(wrong)?),
            "comment" => StreamItem::Comment(lenient::from_text(text).map_err(wrong)?),
            _ => StreamItem::Other(serde_json::from_str(text).map_err(wrong)?),
        })
    }
}

model! {
    /// An event: a post, a photo upload, an app event...
    #[derive(Debug, Clone, PartialEq, Default, Serialize)]
    pub struct Event {
        /// Event id: the `skip` cursor.
        pub id: String => default(lenient::string),
        /// `event`.
        pub subtype: String => default(lenient::string),
        /// Type code, e.g. `5-24` (spec §7.2 lists them).
        pub type_code: String as "type" => default(lenient::string),
        /// Type name, e.g. `micropost`, `app_info2`.
        pub type_name: String => default(lenient::string),
        /// Unix seconds.
        pub time: u64 => default(lenient::u64_or_zero),
        /// Id of the event's thread: pass it to stream.comment / like / unlike.
        pub thread_id: String => default(lenient::string),
        /// User checksum followed by the event id.
        pub huid: String => default(lenient::string),
        /// The authors (several when the event is aggregated).
        pub authors: Vec<User> => default(lenient::list),
        /// The application that generated the event.
        pub generator: Option<Generator> => default(lenient::opt_object),
        /// Title (app events and shares).
        pub title: String => default(lenient::string),
        /// Text from the user.
        pub user_text: String => default(lenient::string),
        /// Rich text.
        pub text_media: Vec<Attachment> => default(lenient::list),
        /// Attachments: images, music, links...
        pub attachments: Vec<Attachment> => default(lenient::list),
        /// Links under the event.
        pub action_links: Vec<ActionLink> => default(lenient::list),
        /// Comments allowed.
        pub is_commentable: bool => default(de::flag),
        /// Number of comments.
        pub comments_count: u64 => default(lenient::u64_or_zero),
        /// Likes allowed.
        pub is_likeable: bool => default(de::flag),
        /// Number of likes.
        pub likes_count: u64 => default(lenient::u64_or_zero),
        /// Liked by the caller.
        pub is_liked_by_me: bool => default(de::flag),
        /// Page of the event.
        pub click_url: Option<String> => default(lenient::opt_nonempty),
        ..extra
    }
}

impl Event {
    /// The first author.
    pub fn author(&self) -> Option<&User> {
        self.authors.first()
    }

    /// The text of the `text` items of `text_media`, joined by newlines.
    pub fn text(&self) -> String {
        self.text_media
            .iter()
            .filter_map(|a| match a {
                Attachment::Text(t) => Some(t.content.as_str()),
                _ => None,
            })
            .collect::<Vec<_>>()
            .join("\n")
    }
}

model! {
    /// The application behind an event.
    #[derive(Debug, Clone, PartialEq, Default, Serialize)]
    pub struct Generator {
        /// Application id.
        pub app_id: Option<u64> => default(de::opt_u64),
        /// Application name.
        pub title: String => default(lenient::string),
        /// Icon URL.
        pub icon: Option<String> => default(lenient::opt_nonempty),
        /// Canvas URL.
        pub url: Option<String> => default(lenient::opt_nonempty),
        /// `application`.
        pub kind: String as "type" => default(lenient::string),
        ..extra
    }
}

model! {
    /// `{text, href}` under an event.
    #[derive(Debug, Clone, PartialEq, Default, Serialize)]
    pub struct ActionLink {
        /// Link text.
        pub text: String => default(lenient::string),
        /// Target.
        pub href: String => default(lenient::string),
        ..extra
    }
}

model! {
    /// `subtype: "like"`: `{time, author, huid, subevent, id, ...}`.
    #[derive(Debug, Clone, PartialEq, Default, Serialize)]
    pub struct LikeWrapper {
        /// Item id: the `skip` cursor.
        pub id: String => default(lenient::string),
        /// `like`.
        pub subtype: String => default(lenient::string),
        /// Unix seconds.
        pub time: u64 => default(lenient::u64_or_zero),
        /// User checksum followed by the item id.
        pub huid: String => default(lenient::string),
        /// Who liked.
        pub author: Option<User> => default(lenient::opt_object),
        /// The liked event; `None` when the caller may not see it.
        pub subevent: Option<Box<Event>> => default(lenient::opt_object),
        /// Comments allowed (0 for wrappers).
        pub is_commentable: bool => default(de::flag),
        /// Likes allowed (0 for wrappers).
        pub is_likeable: bool => default(de::flag),
        ..extra
    }
}

model! {
    /// `subtype: "comment"`: `{time, huid, subevent, comment, id, ...}`.
    #[derive(Debug, Clone, PartialEq, Default, Serialize)]
    pub struct CommentWrapper {
        /// Item id: the `skip` cursor.
        pub id: String => default(lenient::string),
        /// `comment`.
        pub subtype: String => default(lenient::string),
        /// Unix seconds.
        pub time: u64 => default(lenient::u64_or_zero),
        /// User checksum followed by the item id.
        pub huid: String => default(lenient::string),
        /// The commented event; `None` when the caller may not see it.
        pub subevent: Option<Box<Event>> => default(lenient::opt_object),
        /// The comment.
        pub comment: Option<Comment> => default(lenient::opt_object),
        /// Authors, when sent.
        pub authors: Vec<User> => default(lenient::list),
        /// Comments allowed (0 for wrappers).
        pub is_commentable: bool => default(de::flag),
        /// Likes allowed (0 for wrappers).
        pub is_likeable: bool => default(de::flag),
        ..extra
    }
}

model! {
    /// The comment of a [`CommentWrapper`].
    #[derive(Debug, Clone, PartialEq, Default, Serialize)]
    pub struct Comment {
        /// Comment id.
        pub id: String => default(lenient::string),
        /// The text.
        pub text: String => default(lenient::string),
        /// Unix seconds.
        pub time: u64 => default(lenient::u64_or_zero),
        /// Deleted since.
        pub is_deleted: bool => default(de::flag),
        /// Who commented.
        pub author: Option<User> => default(lenient::opt_object),
        /// Rich text (one object on the wire, or a list).
        pub text_media: Vec<Attachment> => default(lenient::list),
        ..extra
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn user(uid: &str) -> Value {
        json!({"uid": uid, "first_name": "A", "is_online": 0})
    }

    #[test]
    fn documented_event() {
        let e = json!({
            "id": "081b0000ab375802",
            "generator": {"app_id": 520706, "icon": "http://appsmail.ru/icons/520706.gif",
                          "url": "u", "title": "T", "type": "application"},
            "authors": [user("1"), null],
            "subtype": "event", "type": "5-24", "type_name": "app_info2", "time": "1257365345",
            "huid": "h", "thread_id": "th", "user_text": "ut",
            "text_media": [{"object": "text", "content": "hello"}],
            "attachments": [{"object": "image", "src": "s"}],
            "action_links": [{"text": "t", "href": "h"}],
            "is_commentable": 1, "comments_count": "3", "is_likeable": "1", "likes_count": 5,
            "is_liked_by_me": 0, "click_url": "c", "likes": []
        });
        let item: StreamItem = serde_json::from_value(e).unwrap();
        let ev = item.as_event().unwrap();
        assert_eq!(ev.generator.as_ref().unwrap().app_id, Some(520_706));
        assert_eq!(ev.authors.len(), 1);
        assert_eq!(ev.author().unwrap().uid, 1);
        assert_eq!(
            (ev.time, ev.comments_count, ev.likes_count),
            (1_257_365_345, 3, 5)
        );
        assert!(ev.is_commentable && ev.is_likeable && !ev.is_liked_by_me);
        assert_eq!(ev.text(), "hello");
        assert!(ev.extra.contains_key("likes"));
        assert_eq!(item.time(), Some(1_257_365_345));
    }

    #[test]
    fn wrappers_and_other_subtypes() {
        let like = json!({"time": 5, "author": user("2"), "huid": "h", "subevent": {"id": "e1", "subtype": "event"},
                          "subtype": "like", "is_commentable": 0, "id": "l1", "is_likeable": 0});
        let comment = json!({"time": 6, "huid": "h", "subevent": null, "subtype": "comment",
                             "comment": {"text": "c", "time": 6, "is_deleted": 0, "id": "c1", "author": user("3"),
                                         "text_media": {"object": "text", "content": "c"}},
                             "is_commentable": 0, "id": "k1", "is_likeable": 0});
        let other = json!({"subtype": "poll", "id": "p1", "time": "7"});
        let items: Vec<StreamItem> =
            serde_json::from_value(json!([like, comment, other.clone()])).unwrap();
        match &items[0] {
            StreamItem::Like(l) => {
                assert_eq!(l.author.as_ref().unwrap().uid, 2);
                assert_eq!(l.subevent.as_ref().unwrap().id, "e1");
            }
            x => panic!("{x:?}"),
        }
        match &items[1] {
            StreamItem::Comment(c) => {
                assert!(c.subevent.is_none());
                let body = c.comment.as_ref().unwrap();
                assert_eq!((body.text.as_str(), body.text_media.len()), ("c", 1));
                assert_eq!(body.author.as_ref().unwrap().uid, 3);
            }
            x => panic!("{x:?}"),
        }
        assert_eq!(items[2], StreamItem::Other(other.clone()));
        assert_eq!(
            items.iter().map(StreamItem::id).collect::<Vec<_>>(),
            ["l1", "k1", "p1"]
        );
        assert_eq!(items[2].time(), Some(7));
        // Serialization is untagged: the subtype field stays in the object.
        assert_eq!(serde_json::to_value(&items[2]).unwrap(), other);
        assert_eq!(serde_json::to_value(&items[0]).unwrap()["subtype"], "like");
    }

    #[test]
    fn decode_errors_say_where() {
        let err = serde_json::from_value::<Vec<StreamItem>>(json!([
            {"subtype": "event", "authors": [{"uid": "1"}, {"uid": "bad"}]}
        ]))
        .unwrap_err()
        .to_string();
        assert_eq!(
            err,
            "at `authors[1].uid`: `bad` is not an unsigned integer (in a stream item of subtype event)"
        );
    }
}
