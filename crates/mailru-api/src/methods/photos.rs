//! `photos.*`

use serde_json::Value;

use crate::methods::Names;
use crate::models::{Album, Photo};

method! {
    /// A user's photo albums.
    Photos.get_albums: GetAlbums = "photos.getAlbums" -> Vec<Album>;
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
    Photos.get: Get = "photos.get" -> pages of Photo;
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
    Photos.create_album: CreateAlbum = "photos.createAlbum" -> Value;
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

method! {
    /// Uploads a photo (privilege `photos`) given by URL (`img_url`) or as a multipart
    /// upload (`img_file`); error 501 for something that is not an image. Untyped answer
    /// (decisions.md); the emulator sends `{"id": "<pid>"}`.
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
    Photos.upload: Upload = "photos.upload" -> Value;
    required {}
    optional {
        /// The target album (the emulator's default: `_myphoto`).
        aid: String => "aid",
        /// The image by URL.
        img_url: String => "img_url",
        /// The photo's title.
        name: String => "name",
        /// A description.
        description: String => "description",
        /// Tags.
        tags: String => "tags",
        /// The category.
        theme: String => "theme",
    }
    files {
        /// The image file.
        img_file => "img_file",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Method;
    use crate::catalog::Access;
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
        assert_eq!(Upload::INFO.access, Access::Write);
        assert_eq!(CreateAlbum::INFO.access, Access::Write);
        assert_eq!(Get::INFO.access, Access::Read);
        assert_eq!(
            Get::new("_myphoto").pids(vec!["1", "2"]).params(),
            vec![("aid", "_myphoto".to_owned()), ("pids", "1,2".to_owned())]
        );
    }
}
