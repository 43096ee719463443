//! Guestbook posts (spec §7.6: undocumented, modelled like an event).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::{Attachment, User, lenient};

/// A guestbook post, as guestbook.get gives it.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct GuestbookPost {
    /// Post id.
    #[serde(default, deserialize_with = "lenient::string")]
    pub id: String,
    /// Unix seconds.
    #[serde(default, deserialize_with = "lenient::u64_or_zero")]
    pub time: u64,
    /// Event type code, e.g. `3-7`.
    #[serde(rename = "type", default, deserialize_with = "lenient::string")]
    pub type_code: String,
    /// Event type name, e.g. `guestbook`.
    #[serde(default, deserialize_with = "lenient::string")]
    pub type_name: String,
    /// The writer (`author`).
    #[serde(default, deserialize_with = "lenient::opt_object")]
    pub author: Option<User>,
    /// The writers, when sent as `authors` instead.
    #[serde(default, deserialize_with = "lenient::list")]
    pub authors: Vec<User>,
    /// Title.
    #[serde(default, deserialize_with = "lenient::string")]
    pub title: String,
    /// Body.
    #[serde(default, deserialize_with = "lenient::string")]
    pub text: String,
    /// Text from the user.
    #[serde(default, deserialize_with = "lenient::string")]
    pub user_text: String,
    /// Rich content: text, images, links.
    #[serde(default, deserialize_with = "lenient::list")]
    pub text_media: Vec<Attachment>,
    /// Every other field, as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl GuestbookPost {
    /// The writer: `author`, else the first of `authors`.
    pub fn writer(&self) -> Option<&User> {
        self.author.as_ref().or_else(|| self.authors.first())
    }
}
