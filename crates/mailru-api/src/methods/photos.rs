//! `photos.*`

use serde_json::Value;

use crate::method::{Call, Method};
use crate::methods::{Names, ParamValue};
use crate::models::{Album, Photo};

method! {
    /// A user's photo albums.
    GetAlbums = "photos.getAlbums" -> Vec<Album>;
    required {}
    optional {
        /// Only these album ids.
        aids: Names => "aids",
        /// Whose albums; default: the session owner.
        uid: u64 => "uid",
    }
}

method! {
    /// The photos of an album.
    Get = "photos.get" -> Vec<Photo>;
    required {
        /// The album id, e.g. `_myphoto`.
        aid: String => "aid",
    }
    optional {
        /// Only these photo ids.
        pids: Names => "pids",
        /// Whose album; default: the session owner.
        uid: u64 => "uid",
        /// Photos to skip.
        offset: u32 => "offset",
        /// Page size (0: all).
        limit: u32 => "limit",
    }
}

method! {
    /// Creates an album (privilege `photos`). Untyped answer (decisions.md); the emulator
    /// sends `{"id": "<aid>"}` and requires a title.
    CreateAlbum = "photos.createAlbum" -> Value, write = true;
    required {}
    optional {
        /// Album title.
        title: String => "title",
        /// Description.
        description: String => "description",
        /// Access level (values undocumented; the example album has 2).
        privacy: u32 => "privacy",
        /// Password, for password-protected albums.
        password: String => "password",
        /// Album id (sent by some clients; meaning unclear).
        aid: String => "aid",
    }
}

/// Uploads a photo (privilege `photos`) given by URL ([`img_url`](Self::img_url)) or as a
/// multipart upload ([`img_file`](Self::img_file)); error 501 for something that is not an
/// image. Untyped answer (decisions.md); the emulator sends `{"id": "<pid>"}`.
///
/// The REST method `photos.upload`.
///
/// ```
/// use bytes::Bytes;
/// use mailru_api::methods::photos;
/// use mailru_api::{FilePart, Method};
///
/// let upload = photos::Upload::new().aid("_myphoto").name("Закат").img_file(FilePart {
///     field: "img_file",
///     file_name: "sunset.jpg".to_owned(),
///     content_type: "image/jpeg".to_owned(),
///     bytes: Bytes::from_static(b"\xff\xd8\xff\xe0"),
/// });
/// assert_eq!(
///     upload.params(),
///     vec![("aid", "_myphoto".to_owned()), ("name", "Закат".to_owned())]
/// );
/// assert_eq!(upload.files().len(), 1);
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Upload {
    aid: Option<String>,
    img_url: Option<String>,
    name: Option<String>,
    description: Option<String>,
    tags: Option<String>,
    theme: Option<String>,
    img_file: Option<crate::FilePart>,
}

impl Upload {
    /// The method; set the image with [`img_url`](Self::img_url) or
    /// [`img_file`](Self::img_file).
    pub fn new() -> Self {
        Upload::default()
    }

    /// The target album (the emulator's default: `_myphoto`).
    ///
    /// Sets `aid`.
    #[must_use]
    pub fn aid(mut self, value: impl Into<String>) -> Self {
        self.aid = Some(value.into());
        self
    }

    /// The image by URL.
    ///
    /// Sets `img_url`.
    #[must_use]
    pub fn img_url(mut self, value: impl Into<String>) -> Self {
        self.img_url = Some(value.into());
        self
    }

    /// Sets `name`.
    #[must_use]
    pub fn name(mut self, value: impl Into<String>) -> Self {
        self.name = Some(value.into());
        self
    }

    /// Sets `description`.
    #[must_use]
    pub fn description(mut self, value: impl Into<String>) -> Self {
        self.description = Some(value.into());
        self
    }

    /// Sets `tags`.
    #[must_use]
    pub fn tags(mut self, value: impl Into<String>) -> Self {
        self.tags = Some(value.into());
        self
    }

    /// The category.
    ///
    /// Sets `theme`.
    #[must_use]
    pub fn theme(mut self, value: impl Into<String>) -> Self {
        self.theme = Some(value.into());
        self
    }

    /// The image as the multipart part `img_file` (the request becomes a multipart POST;
    /// the file is not signed). The part's field is set to `img_file` whatever
    /// `file.field` says.
    #[must_use]
    pub fn img_file(mut self, mut file: crate::FilePart) -> Self {
        file.field = "img_file";
        self.img_file = Some(file);
        self
    }
}

impl Method for Upload {
    const NAME: &'static str = "photos.upload";
    const WRITE: bool = true;
    type Output = Value;

    fn params(&self) -> Vec<(&'static str, String)> {
        [
            ("aid", &self.aid),
            ("img_url", &self.img_url),
            ("name", &self.name),
            ("description", &self.description),
            ("tags", &self.tags),
            ("theme", &self.theme),
        ]
        .into_iter()
        .filter_map(|(k, v)| v.as_ref().map(|v| (k, v.to_param())))
        .collect()
    }

    fn files(&self) -> Vec<crate::FilePart> {
        self.img_file.iter().cloned().collect()
    }
}

impl Call<'_, Upload> {
    /// Sets `aid`.
    #[must_use]
    pub fn aid(self, value: impl Into<String>) -> Self {
        self.map(|m| m.aid(value))
    }

    /// Sets `img_url`.
    #[must_use]
    pub fn img_url(self, value: impl Into<String>) -> Self {
        self.map(|m| m.img_url(value))
    }

    /// Sets `name`.
    #[must_use]
    pub fn name(self, value: impl Into<String>) -> Self {
        self.map(|m| m.name(value))
    }

    /// Sets `description`.
    #[must_use]
    pub fn description(self, value: impl Into<String>) -> Self {
        self.map(|m| m.description(value))
    }

    /// Sets `tags`.
    #[must_use]
    pub fn tags(self, value: impl Into<String>) -> Self {
        self.map(|m| m.tags(value))
    }

    /// Sets `theme`.
    #[must_use]
    pub fn theme(self, value: impl Into<String>) -> Self {
        self.map(|m| m.theme(value))
    }

    /// Uploads the image as the multipart part `img_file`.
    #[must_use]
    pub fn img_file(self, file: crate::FilePart) -> Self {
        self.map(|m| m.img_file(file))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bytes::Bytes;

    #[test]
    fn params_files_and_flags() {
        assert!(Upload::new().params().is_empty());
        let file = crate::FilePart {
            field: "x",
            file_name: "a.jpg".to_owned(),
            content_type: "image/jpeg".to_owned(),
            bytes: Bytes::from_static(b"\xff\xd8\xff"),
        };
        let up = Upload::new().theme("nature").img_file(file);
        assert_eq!(up.params(), vec![("theme", "nature".to_owned())]);
        assert_eq!(up.files()[0].field, "img_file");
        const { assert!(Upload::WRITE && CreateAlbum::WRITE && !Get::WRITE) };
        assert_eq!(
            Get::new("_myphoto").pids(vec!["1", "2"]).params(),
            vec![("aid", "_myphoto".to_owned()), ("pids", "1,2".to_owned())]
        );
    }
}
