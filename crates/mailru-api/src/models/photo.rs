//! Photo albums and photos (spec §7.4, §7.5).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::lenient;

/// An album, as photos.getAlbums gives it.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Album {
    /// Album id, e.g. `_myphoto` (for `photos.get`).
    #[serde(default, deserialize_with = "lenient::string")]
    pub aid: String,
    /// Owner's uid (sent as a string).
    #[serde(default, deserialize_with = "lenient::u64_or_zero")]
    pub owner: u64,
    /// Title.
    #[serde(default, deserialize_with = "lenient::string")]
    pub title: String,
    /// Description.
    #[serde(default, deserialize_with = "lenient::string")]
    pub description: String,
    /// The cover photo's pid; `None` when the album has no cover (sent as `""`).
    #[serde(default, deserialize_with = "lenient::opt_nonempty")]
    pub cover_pid: Option<String>,
    /// Creation, unix seconds (sent as a string).
    #[serde(default, deserialize_with = "lenient::u64_or_zero")]
    pub created: u64,
    /// Last change, unix seconds (sent as a string).
    #[serde(default, deserialize_with = "lenient::u64_or_zero")]
    pub updated: u64,
    /// Number of photos.
    #[serde(default, deserialize_with = "lenient::u64_or_zero")]
    pub size: u64,
    /// Access level (see photos.createAlbum).
    #[serde(default, deserialize_with = "lenient::u64_or_zero")]
    pub privacy: u64,
    /// Page of the album.
    #[serde(default, deserialize_with = "lenient::opt_nonempty")]
    pub link: Option<String>,
    /// Every other field, as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A photo, as photos.get gives it.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Photo {
    /// Photo id within the album (a number in the docs; kept as text, like every id).
    #[serde(default, deserialize_with = "lenient::string")]
    pub pid: String,
    /// Album id.
    #[serde(default, deserialize_with = "lenient::string")]
    pub aid: String,
    /// Owner's uid (sent as a string).
    #[serde(default, deserialize_with = "lenient::u64_or_zero")]
    pub owner: u64,
    /// Image, at most 480 px on the longest side.
    #[serde(default, deserialize_with = "lenient::string")]
    pub src: String,
    /// Thumbnail, at most 120 px.
    #[serde(default, deserialize_with = "lenient::opt_nonempty")]
    pub src_small: Option<String>,
    /// The original; absent when it is not larger than `src`.
    #[serde(default, deserialize_with = "lenient::opt_nonempty")]
    pub src_big: Option<String>,
    /// Upload time, unix seconds.
    #[serde(default, deserialize_with = "lenient::u64_or_zero")]
    pub created: u64,
    /// Width in pixels.
    #[serde(default, deserialize_with = "lenient::u64_or_zero")]
    pub width: u64,
    /// Height in pixels.
    #[serde(default, deserialize_with = "lenient::u64_or_zero")]
    pub height: u64,
    /// File size in bytes.
    #[serde(default, deserialize_with = "lenient::u64_or_zero")]
    pub size: u64,
    /// Title.
    #[serde(default, deserialize_with = "lenient::string")]
    pub title: String,
    /// Every other field, as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
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
