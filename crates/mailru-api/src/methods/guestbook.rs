//! `guestbook.*`

use serde_json::Value;

use crate::method::{Call, FilePart, Method};
use crate::methods::ParamValue;
use crate::models::GuestbookPost;

method! {
    /// Posts of a user's guestbook, newest first.
    Get = "guestbook.get" -> Vec<GuestbookPost>;
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

/// Adds a post to a user's guestbook (privilege `guestbook`; applications only). An image
/// comes by URL ([`img_url`](Self::img_url)) or as a multipart upload
/// ([`img_file`](Self::img_file)). Untyped answer (decisions.md); the emulator sends
/// `{"id": "<post id>"}`.
///
/// The REST method `guestbook.post`.
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
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Post {
    uid: u64,
    description: String,
    title: Option<String>,
    user_text: Option<String>,
    img_url: Option<String>,
    link1_text: Option<String>,
    link1_href: Option<String>,
    link2_text: Option<String>,
    link2_href: Option<String>,
    img_file: Option<FilePart>,
}

impl Post {
    /// The method with its required parameters: the guestbook's owner and the post body.
    pub fn new(uid: impl Into<u64>, description: impl Into<String>) -> Self {
        Post {
            uid: uid.into(),
            description: description.into(),
            ..Post::default()
        }
    }

    /// Sets `title`.
    #[must_use]
    pub fn title(mut self, value: impl Into<String>) -> Self {
        self.title = Some(value.into());
        self
    }

    /// Accompanying text from the user.
    ///
    /// Sets `user_text`.
    #[must_use]
    pub fn user_text(mut self, value: impl Into<String>) -> Self {
        self.user_text = Some(value.into());
        self
    }

    /// An image by URL (served through Mail.ru's caching proxy).
    ///
    /// Sets `img_url`.
    #[must_use]
    pub fn img_url(mut self, value: impl Into<String>) -> Self {
        self.img_url = Some(value.into());
        self
    }

    /// Sets `link1_text`.
    #[must_use]
    pub fn link1_text(mut self, value: impl Into<String>) -> Self {
        self.link1_text = Some(value.into());
        self
    }

    /// Sets `link1_href`.
    #[must_use]
    pub fn link1_href(mut self, value: impl Into<String>) -> Self {
        self.link1_href = Some(value.into());
        self
    }

    /// Sets `link2_text`.
    #[must_use]
    pub fn link2_text(mut self, value: impl Into<String>) -> Self {
        self.link2_text = Some(value.into());
        self
    }

    /// Sets `link2_href`.
    #[must_use]
    pub fn link2_href(mut self, value: impl Into<String>) -> Self {
        self.link2_href = Some(value.into());
        self
    }

    /// An image uploaded as the multipart part `img_file` (the request becomes a multipart
    /// POST; the file is not signed). The part's field is set to `img_file` whatever
    /// `file.field` says.
    #[must_use]
    pub fn img_file(mut self, mut file: FilePart) -> Self {
        file.field = "img_file";
        self.img_file = Some(file);
        self
    }
}

impl Method for Post {
    const NAME: &'static str = "guestbook.post";
    const WRITE: bool = true;
    type Output = Value;

    fn params(&self) -> Vec<(&'static str, String)> {
        let mut p = vec![
            ("uid", self.uid.to_param()),
            ("description", self.description.to_param()),
        ];
        let optional = [
            ("title", &self.title),
            ("user_text", &self.user_text),
            ("img_url", &self.img_url),
            ("link1_text", &self.link1_text),
            ("link1_href", &self.link1_href),
            ("link2_text", &self.link2_text),
            ("link2_href", &self.link2_href),
        ];
        p.extend(
            optional
                .into_iter()
                .filter_map(|(k, v)| v.as_ref().map(|v| (k, v.to_param()))),
        );
        p
    }

    fn files(&self) -> Vec<FilePart> {
        self.img_file.iter().cloned().collect()
    }
}

impl Call<'_, Post> {
    /// Sets `title`.
    #[must_use]
    pub fn title(self, value: impl Into<String>) -> Self {
        self.map(|m| m.title(value))
    }

    /// Sets `user_text`.
    #[must_use]
    pub fn user_text(self, value: impl Into<String>) -> Self {
        self.map(|m| m.user_text(value))
    }

    /// Sets `img_url`.
    #[must_use]
    pub fn img_url(self, value: impl Into<String>) -> Self {
        self.map(|m| m.img_url(value))
    }

    /// Sets `link1_text`.
    #[must_use]
    pub fn link1_text(self, value: impl Into<String>) -> Self {
        self.map(|m| m.link1_text(value))
    }

    /// Sets `link1_href`.
    #[must_use]
    pub fn link1_href(self, value: impl Into<String>) -> Self {
        self.map(|m| m.link1_href(value))
    }

    /// Sets `link2_text`.
    #[must_use]
    pub fn link2_text(self, value: impl Into<String>) -> Self {
        self.map(|m| m.link2_text(value))
    }

    /// Sets `link2_href`.
    #[must_use]
    pub fn link2_href(self, value: impl Into<String>) -> Self {
        self.map(|m| m.link2_href(value))
    }

    /// Uploads an image as the multipart part `img_file`.
    #[must_use]
    pub fn img_file(self, file: FilePart) -> Self {
        self.map(|m| m.img_file(file))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
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
        const { assert!(Post::WRITE && !Post::NON_EMPTY) };
        assert_eq!(Post::NAME, "guestbook.post");
    }
}
