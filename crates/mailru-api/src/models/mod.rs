//! serde types of spec §7, lenient where the platform is: numbers as strings, 0/1 flags,
//! missing fields; unknown fields kept in `extra` so nothing is lost.

#[macro_use]
pub(crate) mod de;
mod attachment;
mod audio;
mod counters;
mod event;
mod friend;
mod guestbook;
mod lenient;
mod message;
mod photo;
mod user;

pub use attachment::{
    AppAttachment, AppCard, Attachment, AvatarAttachment, Gift, GiftAttachment, GroupAttachment,
    ImageAttachment, LinkAttachment, LinkContent, Tag, TagAttachment, TextAttachment,
    VideoAttachment,
};
pub use audio::Track;
pub use counters::{AppPermission, Count, IsAppUser};
pub use event::{ActionLink, Comment, CommentWrapper, Event, Generator, LikeWrapper, StreamItem};
pub use friend::Uid;
pub use guestbook::GuestbookPost;
pub use message::{Message, MessagePart, Thread};
pub use photo::{Album, Photo};
pub use user::{GroupInfo, Location, Place, User};

/// How the pager reads an item of this type from a page: the `pages of` methods use it
/// for [`Paginated::first_item`](crate::Paginated::first_item).
pub(crate) trait PageItem: serde::de::DeserializeOwned {
    /// The first item of `text` and its length.
    fn first_in(text: &str) -> serde_json::Result<(Self, usize)> {
        crate::paging::first_value(text)
    }
}

impl PageItem for GuestbookPost {}
impl PageItem for Message {}
impl PageItem for Photo {}
impl PageItem for Thread {}
impl PageItem for Track {}
