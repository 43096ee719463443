//! The attachments of generated events (spec §7.3): numbers drawn from the event's
//! generator in a fixed order first, then serialized straight to JSON.

use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};

use crate::accounts::APP_ID;
use crate::json::Disp;
use crate::rng::Rng;

/// Whose content an attachment shows.
#[derive(Clone, Copy)]
pub(super) struct Owner<'a> {
    pub uid: u64,
    pub domain: &'a str,
    pub nick: &'a str,
}

/// An image of the owner's `_myphoto` album.
pub(super) struct Image<'a> {
    owner: Owner<'a>,
    id: u64,
    width: u64,
    height: u64,
    likes: u64,
    comments: u64,
}

impl<'a> Image<'a> {
    fn draw(owner: Owner<'a>, rng: &mut Rng) -> Self {
        let id = rng.range(1, 999);
        let width = rng.range(320, 1600);
        let height = rng.range(240, 1200);
        let likes = rng.range(0, 30);
        let comments = rng.range(0, 5);
        Image {
            owner,
            id,
            width,
            height,
            likes,
            comments,
        }
    }
}

impl Image<'_> {
    /// The image's fields, written into an open object.
    fn entries<M: SerializeMap>(&self, m: &mut M) -> Result<(), M::Error> {
        let Owner { uid, domain, nick } = self.owner;
        let id = self.id;
        m.serialize_entry("object", "image")?;
        m.serialize_entry(
            "src",
            &Disp(format_args!(
                "https://content.foto.my.mail.ru/{domain}/{nick}/_myphoto/i-{id}.jpg"
            )),
        )?;
        m.serialize_entry(
            "src_hires",
            &Disp(format_args!(
                "https://content.foto.my.mail.ru/{domain}/{nick}/_myphoto/h-{id}.jpg"
            )),
        )?;
        m.serialize_entry("width", &self.width)?;
        m.serialize_entry("height", &self.height)?;
        m.serialize_entry("album_id", "_myphoto")?;
        m.serialize_entry("owner_id", &Disp(uid))?;
        m.serialize_entry("id", &Disp(id))?;
        m.serialize_entry("likes_count", &self.likes)?;
        m.serialize_entry("comments_count", &self.comments)
    }
}

impl Serialize for Image<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        self.entries(&mut m)?;
        m.end()
    }
}

/// The one attachment of a generated event, by its `type_name`.
pub(super) enum Attachment<'a> {
    Image(Image<'a>),
    Music {
        mid: u64,
        duration: u64,
    },
    Avatar(Image<'a>),
    Gift {
        n: u64,
        gift: u64,
    },
    Share {
        n: u64,
    },
    Video {
        n: u64,
        duration: u64,
        views: u64,
        owner: u64,
    },
    App {
        app_id: u64,
        installations: u64,
    },
    Tag,
}

impl<'a> Attachment<'a> {
    /// Draws the attachment of an event of kind `name`, number `n`.
    pub(super) fn draw(
        name: &str,
        n: u64,
        owner: Owner<'a>,
        app_id: Option<u64>,
        rng: &mut Rng,
    ) -> Self {
        match name {
            "photo_upload" | "community_photo_upload" => Attachment::Image(Image::draw(owner, rng)),
            "music_add" => {
                let mid = rng.next_u64() >> 16;
                let duration = rng.range(120, 360);
                Attachment::Music { mid, duration }
            }
            "avatar_change" => Attachment::Avatar(Image::draw(owner, rng)),
            "gift_send" => Attachment::Gift {
                n,
                gift: rng.range(1, 400),
            },
            "share" => Attachment::Share { n },
            "video_upload" | "community_video_upload" => {
                let duration = rng.range(10, 900);
                let views = rng.range(0, 5000);
                Attachment::Video {
                    n,
                    duration,
                    views,
                    owner: owner.uid,
                }
            }
            "app_info2" => Attachment::App {
                app_id: app_id.unwrap_or(APP_ID),
                installations: rng.range(100, 100_000),
            },
            _ => Attachment::Tag,
        }
    }
}

#[derive(Serialize)]
struct Gift {
    id: Disp<u64>,
}

#[derive(Serialize)]
struct GiftContent {
    is_private: u8,
    is_anonymous: u8,
    text: &'static str,
    time: u64,
    gift: Gift,
}

#[derive(Serialize)]
#[allow(non_snake_case)]
struct AppContent {
    ID: u64,
    Name: &'static str,
    ShortDescription: &'static str,
    Installations: u64,
}

#[derive(Serialize)]
struct TagContent {
    is_blacklist: u8,
    tag: &'static str,
}

impl Serialize for Attachment<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        match self {
            Attachment::Image(image) => image.entries(&mut m)?,
            Attachment::Music { mid, duration } => {
                m.serialize_entry("object", "music")?;
                m.serialize_entry("mid", &Disp(format_args!("{mid:x}")))?;
                m.serialize_entry("name", "Группа крови")?;
                m.serialize_entry("author", "Кино")?;
                m.serialize_entry("duration", duration)?;
                m.serialize_entry("file_url", "https://music.my.mail.ru/file/track.mp3")?;
                m.serialize_entry("is_add", &1)?;
            }
            Attachment::Avatar(image) => {
                m.serialize_entry("object", "avatar")?;
                m.serialize_entry("new", image)?;
            }
            Attachment::Gift { n, gift } => {
                m.serialize_entry("object", "gift")?;
                let content = GiftContent {
                    is_private: 0,
                    is_anonymous: 0,
                    text: "С праздником!",
                    time: *n,
                    gift: Gift { id: Disp(*gift) },
                };
                m.serialize_entry("content", &content)?;
            }
            Attachment::Share { n } => {
                m.serialize_entry("object", "link")?;
                m.serialize_entry("text", "Интересная статья")?;
                m.serialize_entry(
                    "url",
                    &Disp(format_args!("https://example.org/articles/{n}")),
                )?;
            }
            Attachment::Video {
                n,
                duration,
                views,
                owner,
            } => {
                m.serialize_entry("object", "video")?;
                m.serialize_entry("title", &Disp(format_args!("Видео {n}")))?;
                m.serialize_entry("duration", duration)?;
                m.serialize_entry(
                    "src",
                    &Disp(format_args!("https://my.mail.ru/video/embed/{n}")),
                )?;
                m.serialize_entry("view_count", views)?;
                m.serialize_entry("owner_id", &Disp(owner))?;
            }
            Attachment::App {
                app_id,
                installations,
            } => {
                m.serialize_entry("object", "app")?;
                let content = AppContent {
                    ID: *app_id,
                    Name: "Демо-приложение",
                    ShortDescription: "Игра",
                    Installations: *installations,
                };
                m.serialize_entry("content", &content)?;
            }
            Attachment::Tag => {
                m.serialize_entry("object", "tag")?;
                let content = TagContent {
                    is_blacklist: 0,
                    tag: "новости",
                };
                m.serialize_entry("content", &content)?;
            }
        }
        m.end()
    }
}
