//! Items of an event's `attachments` and `text_media` (spec §7.3): the `object` field
//! selects the kind.

use std::fmt;

use serde::de::value::{MapAccessDeserializer, SeqAccessDeserializer};
use serde::de::{MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

use super::de::Key;
use super::lenient;
use super::{Track, User, de};

/// One attachment. Kinds the client does not know, and items without `object`, are kept
/// whole in [`Attachment::Other`].
///
/// ```
/// use mailru_api::models::Attachment;
///
/// let a: Attachment = serde_json::from_str(r#"{"object":"text","content":"Привет"}"#).unwrap();
/// assert_eq!(a.kind(), "text");
/// assert!(matches!(&a, Attachment::Text(t) if t.content == "Привет"));
/// let a: Attachment = serde_json::from_str(r#"{"object":"poll","question":"?"}"#).unwrap();
/// assert!(matches!(&a, Attachment::Other(v) if v["question"] == "?"));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub enum Attachment {
    /// `text`: plain text.
    Text(TextAttachment),
    /// `tag`: a tag.
    Tag(TagAttachment),
    /// `link`: a link, in one of its two shapes.
    Link(LinkAttachment),
    /// `avatar`: a new avatar.
    Avatar(AvatarAttachment),
    /// `image`: a photo.
    Image(ImageAttachment),
    /// `music`: a track (the fields of [`Track`]).
    Music(Track),
    /// `video`: a video.
    Video(VideoAttachment),
    /// `app`: an application card.
    App(AppAttachment),
    /// `group`: a community.
    Group(Box<GroupAttachment>),
    /// `gift`: a gift (boxed: it holds two profiles).
    Gift(Box<GiftAttachment>),
    /// Any other kind, as sent (the `object` field included).
    Other(Value),
}

impl Attachment {
    /// The `object` name of the kind: `"text"`, `"image"`, ...; for [`Attachment::Other`]
    /// the `object` field as sent, or `""`.
    pub fn kind(&self) -> &str {
        match self {
            Attachment::Text(_) => "text",
            Attachment::Tag(_) => "tag",
            Attachment::Link(_) => "link",
            Attachment::Avatar(_) => "avatar",
            Attachment::Image(_) => "image",
            Attachment::Music(_) => "music",
            Attachment::Video(_) => "video",
            Attachment::App(_) => "app",
            Attachment::Group(_) => "group",
            Attachment::Gift(_) => "gift",
            Attachment::Other(v) => v.get("object").and_then(Value::as_str).unwrap_or(""),
        }
    }
}

impl<'de> Deserialize<'de> for Attachment {
    /// An object whose first field is `object` (as the platform sends it) is decoded in
    /// one pass: the rest of its fields go straight into the kind's struct. Any other
    /// shape is read whole into a `serde_json::Value` first.
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(AttachmentVisitor)
    }
}

struct AttachmentVisitor;

impl<'de> Visitor<'de> for AttachmentVisitor {
    type Value = Attachment;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an attachment")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Attachment, A::Error> {
        let Some(first) = map.next_key::<Key<'de>>()? else {
            return Ok(Attachment::Other(Value::Object(Map::new())));
        };
        let first_value: Value = map.next_value()?;
        let kind = match (first.as_str(), &first_value) {
            ("object", Value::String(kind)) if KINDS.contains(&kind.as_str()) => kind.clone(),
            _ => {
                // `object` later, or a kind the client does not know: the whole object.
                let mut all = Map::new();
                all.insert(first.as_str().to_owned(), first_value);
                while let Some((key, value)) = map.next_entry::<String, Value>()? {
                    if all.contains_key(&key) {
                        return Err(serde::de::Error::custom(format_args!(
                            "duplicate field `{}`",
                            crate::text::sanitize(&key)
                        )));
                    }
                    all.insert(key, value);
                }
                return Attachment::from_object(all).map_err(serde::de::Error::custom);
            }
        };
        let rest = MapAccessDeserializer::new(map);
        let attachment = Attachment::decode(&kind, rest).map_err(|e| in_kind(&kind, e))?;
        if attachment
            .extra()
            .is_some_and(|extra| extra.contains_key("object"))
        {
            return Err(serde::de::Error::duplicate_field("object"));
        }
        Ok(attachment)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Attachment, A::Error> {
        Value::deserialize(SeqAccessDeserializer::new(seq)).map(Attachment::Other)
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Attachment, E> {
        Ok(Attachment::Other(Value::from(v)))
    }

    fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<Attachment, E> {
        Ok(Attachment::Other(Value::from(v)))
    }

    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Attachment, E> {
        Ok(Attachment::Other(Value::from(v)))
    }

    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Attachment, E> {
        Ok(Attachment::Other(Value::from(v)))
    }

    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Attachment, E> {
        Ok(Attachment::Other(Value::from(v)))
    }

    fn visit_unit<E: serde::de::Error>(self) -> Result<Attachment, E> {
        Ok(Attachment::Other(Value::Null))
    }
}

/// `e` said to have happened in an attachment of `kind`.
fn in_kind<E: serde::de::Error>(kind: &str, e: impl fmt::Display) -> E {
    E::custom(format_args!(
        "{} (in a {kind} attachment)",
        lenient::message_of(&e)
    ))
}

/// The kinds with a struct of their own.
const KINDS: [&str; 10] = [
    "text", "tag", "link", "avatar", "image", "music", "video", "app", "group", "gift",
];

impl Attachment {
    /// The kind `kind` (one of [`KINDS`]) decoded from the fields of `d` (without `object`).
    fn decode<'de, D: Deserializer<'de>>(kind: &str, d: D) -> Result<Self, D::Error> {
        Ok(match kind {
            "text" => Attachment::Text(TextAttachment::deserialize(d)?),
            "tag" => Attachment::Tag(TagAttachment::deserialize(d)?),
            "link" => Attachment::Link(LinkAttachment::deserialize(d)?),
            "avatar" => Attachment::Avatar(AvatarAttachment::deserialize(d)?),
            "image" => Attachment::Image(ImageAttachment::deserialize(d)?),
            "music" => Attachment::Music(Track::deserialize(d)?),
            "video" => Attachment::Video(VideoAttachment::deserialize(d)?),
            "app" => Attachment::App(AppAttachment::deserialize(d)?),
            "group" => Attachment::Group(Box::new(GroupAttachment::deserialize(d)?)),
            "gift" => Attachment::Gift(Box::new(GiftAttachment::deserialize(d)?)),
            other => {
                return Err(serde::de::Error::custom(format_args!(
                    "no attachment kind `{}`",
                    crate::text::sanitize(other)
                )));
            }
        })
    }

    /// A whole object whose `object` may be anywhere (or missing, or unknown).
    fn from_object(mut all: Map<String, Value>) -> Result<Self, serde_json::Error> {
        let kind = match all.get("object") {
            Some(Value::String(kind)) if KINDS.contains(&kind.as_str()) => kind.clone(),
            _ => return Ok(Attachment::Other(Value::Object(all))),
        };
        // The kind is the variant: `object` is not one of the struct's other fields.
        all.remove("object");
        Attachment::decode(&kind, Value::Object(all)).map_err(|e| in_kind(&kind, e))
    }

    /// The `extra` map of a known kind.
    fn extra(&self) -> Option<&Map<String, Value>> {
        Some(match self {
            Attachment::Text(a) => &a.extra,
            Attachment::Tag(a) => &a.extra,
            Attachment::Link(a) => &a.extra,
            Attachment::Avatar(a) => &a.extra,
            Attachment::Image(a) => &a.extra,
            Attachment::Music(a) => &a.extra,
            Attachment::Video(a) => &a.extra,
            Attachment::App(a) => &a.extra,
            Attachment::Group(a) => &a.extra,
            Attachment::Gift(a) => &a.extra,
            Attachment::Other(_) => return None,
        })
    }
}

impl Serialize for Attachment {
    /// As the platform sends it: the fields with `object` naming the kind.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::Error;
        let inner = match self {
            Attachment::Text(a) => serde_json::to_value(a),
            Attachment::Tag(a) => serde_json::to_value(a),
            Attachment::Link(a) => serde_json::to_value(a),
            Attachment::Avatar(a) => serde_json::to_value(a),
            Attachment::Image(a) => serde_json::to_value(a),
            Attachment::Music(a) => serde_json::to_value(a),
            Attachment::Video(a) => serde_json::to_value(a),
            Attachment::App(a) => serde_json::to_value(a),
            Attachment::Group(a) => serde_json::to_value(a),
            Attachment::Gift(a) => serde_json::to_value(a),
            Attachment::Other(v) => return v.serialize(s),
        }
        .map_err(S::Error::custom)?;
        let mut map = Map::new();
        map.insert("object".to_owned(), Value::String(self.kind().to_owned()));
        if let Value::Object(fields) = inner {
            map.extend(fields);
        }
        Value::Object(map).serialize(s)
    }
}

model! {
    /// `{object:"text", content:"…"}`
    #[derive(Debug, Clone, PartialEq, Default, Serialize)]
    pub struct TextAttachment {
        /// The text.
        pub content: String => default(lenient::string),
        ..extra
    }
}

model! {
    /// `{object:"tag", content:{is_blacklist, tag}}`
    #[derive(Debug, Clone, PartialEq, Default, Serialize)]
    pub struct TagAttachment {
        /// The tag.
        pub content: Option<Tag> => default(lenient::opt_object),
        ..extra
    }
}

model! {
    /// The content of a [`TagAttachment`].
    #[derive(Debug, Clone, PartialEq, Default, Serialize)]
    pub struct Tag {
        /// The tag text.
        pub tag: String => default(lenient::string),
        /// Blacklisted tag.
        pub is_blacklist: bool => default(de::flag),
        ..extra
    }
}

model! {
    /// `{object:"link", text, url}` or `{object:"link", content:{"type-id", contents}}`.
    #[derive(Debug, Clone, PartialEq, Default, Serialize)]
    pub struct LinkAttachment {
        /// The link text (first shape).
        pub text: String => default(lenient::string),
        /// The target (first shape).
        pub url: String => default(lenient::string),
        /// The second shape's content.
        pub content: Option<LinkContent> => default(lenient::opt_object),
        ..extra
    }
}

model! {
    /// The content of a [`LinkAttachment`] of the second shape.
    #[derive(Debug, Clone, PartialEq, Default, Serialize)]
    pub struct LinkContent {
        /// `type-id`, e.g. `text`.
        pub type_id: String as "type-id" => default(lenient::string),
        /// The content.
        pub contents: String => default(lenient::string),
        ..extra
    }
}

model! {
    /// `{object:"avatar", new:{...image fields}}`
    #[derive(Debug, Clone, PartialEq, Default, Serialize)]
    pub struct AvatarAttachment {
        /// The new avatar.
        pub new: Option<ImageAttachment> => default(lenient::opt_object),
        ..extra
    }
}

model! {
    /// `{object:"image", src, ...}`: only `src` is guaranteed.
    #[derive(Debug, Clone, PartialEq, Default, Serialize)]
    pub struct ImageAttachment {
        /// Image URL.
        pub src: String => default(lenient::string),
        /// Photo id.
        pub id: Option<String> => default(lenient::opt_nonempty),
        /// Album of the photo.
        pub album_id: Option<String> => default(lenient::opt_nonempty),
        /// Owner of the photo.
        pub owner_id: Option<u64> => default(de::opt_u64),
        /// Thread of the photo's comments and likes.
        pub thread_id: Option<String> => default(lenient::opt_nonempty),
        /// Width in pixels.
        pub width: Option<u64> => default(de::opt_u64),
        /// Height in pixels.
        pub height: Option<u64> => default(de::opt_u64),
        /// Larger version.
        pub src_hires: Option<String> => default(lenient::opt_nonempty),
        /// Resized version.
        pub resized_src: Option<String> => default(lenient::opt_nonempty),
        /// Page of the photo.
        pub click_url: Option<String> => default(lenient::opt_nonempty),
        /// Description.
        pub desc: Option<String> => default(lenient::opt_nonempty),
        /// Likes.
        pub likes_count: u64 => default(lenient::u64_or_zero),
        /// Comments.
        pub comments_count: u64 => default(lenient::u64_or_zero),
        ..extra
    }
}

model! {
    /// `{object:"video", title, src, duration, ...}`
    #[derive(Debug, Clone, PartialEq, Default, Serialize)]
    pub struct VideoAttachment {
        /// Title.
        pub title: String => default(lenient::string),
        /// Player URL.
        pub src: String => default(lenient::string),
        /// Length in seconds.
        pub duration: Option<u64> => default(de::opt_u64),
        /// Views.
        pub view_count: u64 => default(lenient::u64_or_zero),
        /// Owner of the video.
        pub owner_id: Option<u64> => default(de::opt_u64),
        /// Description.
        pub desc: Option<String> => default(lenient::opt_nonempty),
        /// Page of the video.
        pub click_url: Option<String> => default(lenient::opt_nonempty),
        /// Thread of the video's comments and likes.
        pub thread_id: Option<String> => default(lenient::opt_nonempty),
        /// Likes.
        pub likes_count: u64 => default(lenient::u64_or_zero),
        /// Comments.
        pub comments_count: u64 => default(lenient::u64_or_zero),
        /// Liked by the caller.
        pub is_liked_by_me: bool => default(de::flag),
        ..extra
    }
}

model! {
    /// `{object:"app", content:{ID, Name, ...}}`
    #[derive(Debug, Clone, PartialEq, Default, Serialize)]
    pub struct AppAttachment {
        /// The application card.
        pub content: Option<AppCard> => default(lenient::opt_object),
        ..extra
    }
}

model! {
    /// The content of an [`AppAttachment`] (the platform's capitalised field names;
    /// `Genre`, `Votes`, `Pictures`, ... are in `extra`).
    #[derive(Debug, Clone, PartialEq, Default, Serialize)]
    pub struct AppCard {
        /// `ID`: the app id.
        pub id: Option<u64> as "ID" => default(de::opt_u64),
        /// `Name`.
        pub name: String as "Name" => default(lenient::string),
        /// `ShortDescription`.
        pub short_description: String as "ShortDescription" => default(lenient::string),
        /// `Installations`.
        pub installations: Option<u64> as "Installations" => default(de::opt_u64),
        ..extra
    }
}

model! {
    /// `{object:"group", content: User-like}`
    #[derive(Debug, Clone, PartialEq, Default, Serialize)]
    pub struct GroupAttachment {
        /// The community.
        pub content: Option<User> => default(lenient::opt_object),
        ..extra
    }
}

model! {
    /// `{object:"gift", content:{...}}`
    #[derive(Debug, Clone, PartialEq, Default, Serialize)]
    pub struct GiftAttachment {
        /// The gift.
        pub content: Option<Gift> => default(lenient::opt_object),
        ..extra
    }
}

model! {
    /// The content of a [`GiftAttachment`].
    #[derive(Debug, Clone, PartialEq, Default, Serialize)]
    pub struct Gift {
        /// The accompanying text.
        pub text: String => default(lenient::string),
        /// Unix time.
        pub time: Option<u64> => default(de::opt_u64),
        /// Sender.
        pub from: Option<User> => default(lenient::opt_object),
        /// Recipient.
        pub to: Option<User> => default(lenient::opt_object),
        /// The gift item, as sent.
        pub gift: Option<Value> => default,
        /// Private gift.
        pub is_private: bool => default(de::flag),
        /// Anonymous gift.
        pub is_anonymous: bool => default(de::flag),
        /// Read by the recipient.
        pub is_read: bool => default(de::flag),
        ..extra
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_kind_of_spec_7_3() {
        let items = json!([
            {"object": "text", "content": "t"},
            {"object": "tag", "content": {"is_blacklist": "0", "tag": "новости"}},
            {"object": "link", "text": "a", "url": "https://x"},
            {"object": "link", "content": {"type-id": "text", "contents": "c"}},
            {"object": "avatar", "new": {"src": "s", "id": 5, "width": "10"}},
            {"object": "image", "src": "i", "owner_id": "7", "likes_count": "3"},
            {"object": "music", "mid": "m", "name": "n", "author": "a", "duration": "100", "is_add": 1},
            {"object": "video", "title": "v", "duration": 10, "is_liked_by_me": "1"},
            {"object": "app", "content": {"ID": "423004", "Name": "App", "Genre": []}},
            {"object": "group", "content": {"uid": "1", "first_name": "G"}},
            {"object": "gift", "content": {"text": "g", "from": {"uid": 2}, "is_private": 1}},
            {"object": "poll", "q": 1},
            {"no_object": true},
        ]);
        let a: Vec<Attachment> = serde_json::from_value(items.clone()).unwrap();
        let kinds: Vec<_> = a.iter().map(Attachment::kind).collect();
        assert_eq!(
            kinds,
            [
                "text", "tag", "link", "link", "avatar", "image", "music", "video", "app", "group",
                "gift", "poll", ""
            ]
        );
        assert!(
            matches!(&a[1], Attachment::Tag(t) if t.content.as_ref().unwrap().tag == "новости")
        );
        assert!(matches!(&a[2], Attachment::Link(l) if l.url == "https://x" && l.extra.is_empty()));
        assert!(
            matches!(&a[3], Attachment::Link(l) if l.content.as_ref().unwrap().contents == "c")
        );
        assert!(
            matches!(&a[4], Attachment::Avatar(v) if v.new.as_ref().unwrap().width == Some(10))
        );
        assert!(
            matches!(&a[5], Attachment::Image(i) if i.owner_id == Some(7) && i.likes_count == 3)
        );
        assert!(matches!(&a[6], Attachment::Music(t) if t.duration == 100 && t.is_add));
        assert!(matches!(&a[7], Attachment::Video(v) if v.is_liked_by_me));
        assert!(
            matches!(&a[8], Attachment::App(x) if x.content.as_ref().unwrap().id == Some(423_004)
                && x.content.as_ref().unwrap().extra.contains_key("Genre"))
        );
        assert!(matches!(&a[9], Attachment::Group(g) if g.content.as_ref().unwrap().uid == 1));
        assert!(
            matches!(&a[10], Attachment::Gift(g) if g.content.as_ref().unwrap().from.as_ref().unwrap().uid == 2)
        );
        assert_eq!(a[11], Attachment::Other(json!({"object": "poll", "q": 1})));
        // Serializing gives the `object` field back.
        let back = serde_json::to_value(&a).unwrap();
        assert_eq!(back[0], json!({"object": "text", "content": "t"}));
        assert_eq!(back[11], items[11]);
        assert_eq!(back[12], items[12]);
    }

    #[test]
    fn errors_name_the_kind_and_the_path() {
        let group = json!({"object": "group", "content": {"uid": "x"}});
        let err = serde_json::from_value::<Attachment>(group).unwrap_err();
        assert_eq!(
            err.to_string(),
            "`x` is not an unsigned integer (in a group attachment)"
        );
        // Inside an event, the decode that explains a failure gives the path.
        let event = r#"{"id":"e","attachments":[{"object":"text","content":"t"},
            {"object":"group","content":{"uid":"x"}}]}"#;
        let err = lenient::from_text::<super::super::Event>(event).unwrap_err();
        assert_eq!(
            err.to_string(),
            "at `attachments[1].content.uid`: `x` is not an unsigned integer (in a group attachment)"
        );
    }

    #[test]
    fn object_anywhere_gives_the_same_kind_and_once_only() {
        let first: Attachment =
            serde_json::from_str(r#"{"object":"image","src":"i","width":5,"x":1}"#).unwrap();
        let last: Attachment =
            serde_json::from_str(r#"{"src":"i","width":5,"x":1,"object":"image"}"#).unwrap();
        assert_eq!(first, last);
        assert!(matches!(&first, Attachment::Image(i) if i.width == Some(5)
            && i.extra.len() == 1 && i.extra["x"] == 1));
        for twice in [
            r#"{"object":"image","src":"i","object":"image"}"#,
            r#"{"src":"i","object":"image","object":"text"}"#,
        ] {
            let err = serde_json::from_str::<Attachment>(twice).unwrap_err();
            assert!(
                err.to_string().contains("duplicate field `object`"),
                "{twice}: {err}"
            );
        }
        let bare: Vec<Attachment> = serde_json::from_str(r#"["s", 5, null, [1], {}]"#).unwrap();
        assert_eq!(
            bare,
            [
                Attachment::Other(json!("s")),
                Attachment::Other(json!(5)),
                Attachment::Other(json!(null)),
                Attachment::Other(json!([1])),
                Attachment::Other(json!({})),
            ]
        );
    }
}
