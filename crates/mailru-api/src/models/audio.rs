//! Audio tracks (audio.get, audio.search, and `music` attachments, spec §6.6, §7.3).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::{de, lenient};

/// A track.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Track {
    /// Track id (for `audio.link` and `mids`).
    #[serde(default, deserialize_with = "lenient::string")]
    pub mid: String,
    /// Title.
    #[serde(default, deserialize_with = "lenient::string")]
    pub name: String,
    /// Performer.
    #[serde(default, deserialize_with = "lenient::string")]
    pub author: String,
    /// Length in seconds.
    #[serde(default, deserialize_with = "lenient::u64_or_zero")]
    pub duration: u64,
    /// The file.
    #[serde(default, deserialize_with = "lenient::opt_nonempty")]
    pub file_url: Option<String>,
    /// Page of the track.
    #[serde(default, deserialize_with = "lenient::opt_nonempty")]
    pub click_url: Option<String>,
    /// Uid of the uploader.
    #[serde(default, deserialize_with = "de::opt_u64")]
    pub uploader: Option<u64>,
    /// Added to the caller's playlist.
    #[serde(default, deserialize_with = "de::flag")]
    pub is_add: bool,
    /// Every other field, as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}
