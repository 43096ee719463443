//! Photo albums and photos (spec §7.4, §7.5).

use serde::Serialize;

use super::lenient;

model! {
    /// An album, as photos.getAlbums gives it.
    #[derive(Debug, Clone, PartialEq, Default, Serialize)]
    pub struct Album {
        /// Album id, e.g. `_myphoto` (for `photos.get`).
        pub aid: String => default(lenient::string),
        /// Owner's uid (sent as a string).
        pub owner: u64 => default(lenient::u64_or_zero),
        /// Title.
        pub title: String => default(lenient::string),
        /// Description.
        pub description: String => default(lenient::string),
        /// The cover photo's pid; `None` when the album has no cover (sent as `""`).
        pub cover_pid: Option<String> => default(lenient::opt_nonempty),
        /// Creation, unix seconds (sent as a string).
        pub created: u64 => default(lenient::u64_or_zero),
        /// Last change, unix seconds (sent as a string).
        pub updated: u64 => default(lenient::u64_or_zero),
        /// Number of photos.
        pub size: u64 => default(lenient::u64_or_zero),
        /// Access level (see photos.createAlbum).
        pub privacy: u64 => default(lenient::u64_or_zero),
        /// Page of the album.
        pub link: Option<String> => default(lenient::opt_nonempty),
        ..extra
    }
}

model! {
    /// A photo, as photos.get gives it.
    #[derive(Debug, Clone, PartialEq, Default, Serialize)]
    pub struct Photo {
        /// Photo id within the album (a number in the docs; kept as text, like every id).
        pub pid: String => default(lenient::string),
        /// Album id.
        pub aid: String => default(lenient::string),
        /// Owner's uid (sent as a string).
        pub owner: u64 => default(lenient::u64_or_zero),
        /// Image, at most 480 px on the longest side.
        pub src: String => default(lenient::string),
        /// Thumbnail, at most 120 px.
        pub src_small: Option<String> => default(lenient::opt_nonempty),
        /// The original; absent when it is not larger than `src`.
        pub src_big: Option<String> => default(lenient::opt_nonempty),
        /// Upload time, unix seconds.
        pub created: u64 => default(lenient::u64_or_zero),
        /// Width in pixels.
        pub width: u64 => default(lenient::u64_or_zero),
        /// Height in pixels.
        pub height: u64 => default(lenient::u64_or_zero),
        /// File size in bytes.
        pub size: u64 => default(lenient::u64_or_zero),
        /// Title.
        pub title: String => default(lenient::string),
        ..extra
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documented_examples() {
        let a: Album = serde_json::from_str(
            r#"{"aid":"_myphoto","cover_pid":"","owner":"123","title":"t","created":"1241431501",
                "updated":"1241431502","size":6,"privacy":2,"link":"http://foto.mail.ru/mail/x/_myphoto/"}"#,
        )
        .unwrap();
        assert_eq!(
            (a.owner, a.cover_pid.as_deref(), a.created, a.size),
            (123, None, 1_241_431_501, 6)
        );
        let a: Album = serde_json::from_str(r#"{"aid":"1","cover_pid":1}"#).unwrap();
        assert_eq!(a.cover_pid.as_deref(), Some("1"));
        let p: Photo = serde_json::from_str(
            r#"{"pid":1,"aid":"_myphoto","owner":"5","src":"i-1.jpg","created":1241431501,
                "width":230,"height":294,"size":42922,"title":"x","new_field":[1]}"#,
        )
        .unwrap();
        assert_eq!(
            (p.pid.as_str(), p.owner, p.width, p.src_big),
            ("1", 5, 230, None)
        );
        assert!(p.extra.contains_key("new_field"));
    }
}
