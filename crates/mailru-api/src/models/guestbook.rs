//! Guestbook posts (spec §7.6: undocumented, modelled like an event).

use serde::Serialize;

use super::{Attachment, User, lenient};

model! {
    /// A guestbook post, as guestbook.get gives it.
    #[derive(Debug, Clone, PartialEq, Default, Serialize)]
    pub struct GuestbookPost {
        /// Post id.
        pub id: String => default(lenient::string),
        /// Unix seconds.
        pub time: u64 => default(lenient::u64_or_zero),
        /// Event type code, e.g. `3-7`.
        pub type_code: String as "type" => default(lenient::string),
        /// Event type name, e.g. `guestbook`.
        pub type_name: String => default(lenient::string),
        /// The writer (`author`).
        pub author: Option<User> => default(lenient::opt_object),
        /// The writers, when sent as `authors` instead.
        pub authors: Vec<User> => default(lenient::list),
        /// Title.
        pub title: String => default(lenient::string),
        /// Body.
        pub text: String => default(lenient::string),
        /// Text from the user.
        pub user_text: String => default(lenient::string),
        /// Rich content: text, images, links.
        pub text_media: Vec<Attachment> => default(lenient::list),
        ..extra
    }
}

impl GuestbookPost {
    /// The writer: `author`, else the first of `authors`.
    pub fn writer(&self) -> Option<&User> {
        self.author.as_ref().or_else(|| self.authors.first())
    }
}
