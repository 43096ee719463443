//! JSON shapes of spec §7, serialized straight from the world: ids as strings, flags as
//! 0/1, the per-field timestamp quirks.

mod user;

use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};

use crate::json::Disp;
use crate::model::{Album, GuestPost, Photo, Track, World};

pub(crate) use user::{AuthorJson, Link, UserJson};

/// A user or community as `users.getInfo` returns it (§7.1).
pub(crate) fn user<'a>(
    w: &'a World,
    u: &'a crate::model::User,
    viewer: Option<u64>,
    app_id: u64,
) -> UserJson<'a> {
    UserJson {
        world: w,
        user: u,
        viewer,
        app_id,
    }
}

/// A profile as an event or comment author: the same object as `users.getInfo`.
pub(crate) fn author(w: &World, uid: u64, viewer: Option<u64>, app_id: u64) -> AuthorJson<'_> {
    AuthorJson::new(w, uid, viewer, app_id)
}

/// `{"object": "text", "content": ...}`, the text item of `text_media`.
#[derive(Serialize)]
pub(crate) struct TextItem<T> {
    pub object: &'static str,
    pub content: T,
}

impl<T> TextItem<T> {
    pub(crate) fn new(content: T) -> Self {
        TextItem {
            object: "text",
            content,
        }
    }
}

/// `{"object": "link", "text": ..., "url": ...}`.
#[derive(Serialize)]
pub(crate) struct LinkItem<'a> {
    pub object: &'static str,
    pub text: &'a str,
    pub url: &'a str,
}

impl<'a> LinkItem<'a> {
    pub(crate) fn new(text: &'a str, url: &'a str) -> Self {
        LinkItem {
            object: "link",
            text,
            url,
        }
    }
}

/// `{"object": "image", "src": ...}`.
#[derive(Serialize)]
pub(crate) struct ImageItem<'a> {
    pub object: &'static str,
    pub src: &'a str,
}

impl<'a> ImageItem<'a> {
    pub(crate) fn new(src: &'a str) -> Self {
        ImageItem {
            object: "image",
            src,
        }
    }
}

/// §7.4. `created`/`updated` are strings, `cover_pid` is empty when there is no cover.
pub(crate) struct AlbumJson<'a>(pub &'a World, pub &'a Album);

impl Serialize for AlbumJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let (w, a) = (self.0, self.1);
        let (domain, nick) = w
            .user(a.owner)
            .map_or(("mail", ""), |u| (u.domain.as_str(), u.nick.as_str()));
        let size = w.photos.get(&(a.owner, a.aid.clone())).map_or(0, Vec::len);
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("aid", &a.aid)?;
        match a.cover_pid {
            Some(p) => m.serialize_entry("cover_pid", &p)?,
            None => m.serialize_entry("cover_pid", "")?,
        }
        m.serialize_entry("owner", &Disp(a.owner))?;
        m.serialize_entry("title", &a.title)?;
        m.serialize_entry("description", &a.description)?;
        m.serialize_entry("created", &Disp(a.created))?;
        m.serialize_entry("updated", &Disp(a.updated))?;
        m.serialize_entry("size", &size)?;
        m.serialize_entry("privacy", &a.privacy)?;
        m.serialize_entry(
            "link",
            &Disp(format_args!(
                "https://foto.mail.ru/{domain}/{nick}/{}/",
                a.aid
            )),
        )?;
        m.end()
    }
}

/// §7.5. `created` is an integer; `src_big` is absent for small images.
#[derive(Serialize)]
pub(crate) struct PhotoJson<'a> {
    pid: u64,
    aid: &'a str,
    owner: Disp<u64>,
    src: &'a str,
    src_small: &'a str,
    created: u64,
    width: u32,
    height: u32,
    size: u64,
    title: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    src_big: Option<&'a str>,
}

pub(crate) fn photo(p: &Photo) -> PhotoJson<'_> {
    PhotoJson {
        pid: p.pid,
        aid: &p.aid,
        owner: Disp(p.owner),
        src: &p.src,
        src_small: &p.src_small,
        created: p.created,
        width: p.width,
        height: p.height,
        size: p.size,
        title: &p.title,
        src_big: p.src_big.as_deref(),
    }
}

/// Guestbook post, modelled like a guestbook event (spec §7.6 leaves the shape open).
pub(crate) struct GuestPostJson<'a> {
    pub world: &'a World,
    pub post: &'a GuestPost,
    pub viewer: Option<u64>,
    pub app_id: u64,
}

/// The `text_media` of a guestbook post: its text, image and links.
struct GuestMedia<'a>(&'a GuestPost);

impl Serialize for GuestMedia<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        let p = self.0;
        let mut seq = s.serialize_seq(None)?;
        seq.serialize_element(&TextItem::new(&p.text))?;
        if let Some(src) = &p.img_url {
            seq.serialize_element(&ImageItem::new(src))?;
        }
        for (text, href) in &p.links {
            seq.serialize_element(&LinkItem::new(text, href))?;
        }
        seq.end()
    }
}

impl Serialize for GuestPostJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let p = self.post;
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("id", &Disp(p.id))?;
        m.serialize_entry("time", &p.time)?;
        m.serialize_entry("type", "3-7")?;
        m.serialize_entry("type_name", "guestbook")?;
        let author = author(self.world, p.author, self.viewer, self.app_id);
        m.serialize_entry("author", &author)?;
        m.serialize_entry("title", &p.title)?;
        m.serialize_entry("text", &p.text)?;
        m.serialize_entry("text_media", &GuestMedia(p))?;
        m.end()
    }
}

/// An audio track, with the fields of the `music` attachment.
pub(crate) struct TrackJson<'a>(pub &'a Track);

impl Serialize for TrackJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let t = self.0;
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("mid", &t.mid)?;
        m.serialize_entry("name", &t.name)?;
        m.serialize_entry("author", &t.author)?;
        m.serialize_entry("duration", &t.duration)?;
        m.serialize_entry(
            "file_url",
            &Disp(format_args!("https://music.my.mail.ru/file/{}.mp3", t.mid)),
        )?;
        m.serialize_entry("uploader", &Disp(t.uploader))?;
        m.serialize_entry(
            "click_url",
            &Disp(format_args!("https://my.mail.ru/music/songs/{}", t.mid)),
        )?;
        m.serialize_entry("is_add", &0)?;
        m.end()
    }
}
