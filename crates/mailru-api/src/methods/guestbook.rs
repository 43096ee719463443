//! `guestbook.*`

use serde_json::Value;

use crate::models::GuestbookPost;

method! {
    /// Posts of a user's guestbook, newest first.
    Guestbook.get: Get = "guestbook.get" -> pages of GuestbookPost;
    required {}
    optional {
        /// Whose guestbook; default: the session owner.
        uid: u64 => "uid",
        /// Posts to skip.
        offset: u32 => "offset",
        /// Page size (default 10).
        limit: u32 => "limit",
    }
}

method! {
    /// Adds a post to a user's guestbook (privilege `guestbook`; applications only). An image
    /// comes by URL (`img_url`) or as a multipart upload (`img_file`). Untyped answer
    /// (decisions.md); the emulator sends `{"id": "<post id>"}`.
    ///
    /// ```
    /// use bytes::Bytes;
    /// use mailru_api::methods::guestbook;
    /// use mailru_api::{FilePart, Method};
    ///
    /// let post = guestbook::Post::new(15410773191172635989u64, "Привет!")
    ///     .title("Открытка")
    ///     .img_file(FilePart {
    ///         field: "img_file",
    ///         file_name: "card.jpg".to_owned(),
    ///         content_type: "image/jpeg".to_owned(),
    ///         bytes: Bytes::from_static(b"\xff\xd8\xff\xe0"),
    ///     });
    /// assert_eq!(
    ///     post.params(),
    ///     vec![
    ///         ("uid", "15410773191172635989".to_owned()),
    ///         ("description", "Привет!".to_owned()),
    ///         ("title", "Открытка".to_owned()),
    ///     ]
    /// );
    /// assert_eq!(post.files()[0].field, "img_file");
    /// ```
    Guestbook.post: Post = "guestbook.post" -> Value;
    required {
        /// Whose guestbook.
        uid: u64 => "uid",
        /// The post body.
        description: String => "description",
    }
    optional {
        /// A title.
        title: String => "title",
        /// The user's own words above the post.
        user_text: String => "user_text",
        /// An image by URL (served through Mail.ru's caching proxy).
        img_url: String => "img_url",
        /// Text of the first link.
        link1_text: String => "link1_text",
        /// Target of the first link.
        link1_href: String => "link1_href",
        /// Text of the second link.
        link2_text: String => "link2_text",
        /// Target of the second link.
        link2_href: String => "link2_href",
    }
    files {
        /// An image file.
        img_file => "img_file",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Access;
    use crate::{FilePart, Method};
    use bytes::Bytes;

    #[test]
    fn params_files_and_flags() {
        let post = Post::new(5u64, "body").link1_href("https://x");
        assert_eq!(
            post.params(),
            vec![
                ("uid", "5".to_owned()),
                ("description", "body".to_owned()),
                ("link1_href", "https://x".to_owned())
            ]
        );
        assert!(post.files().is_empty());
        let post = post.img_file(FilePart {
            field: "whatever",
            file_name: "a.png".to_owned(),
            content_type: "image/png".to_owned(),
            bytes: Bytes::from_static(b"\x89PNG"),
        });
        let files = post.files();
        assert_eq!((files.len(), files[0].field), (1, "img_file"));
        assert!(Post::INFO.access == Access::Write && !Post::INFO.non_empty);
        assert_eq!(Post::INFO.name, "guestbook.post");
    }
}
