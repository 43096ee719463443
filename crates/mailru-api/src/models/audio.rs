//! Audio tracks (audio.get, audio.search, and `music` attachments, spec §6.6, §7.3).

use serde::Serialize;

use super::{de, lenient};

model! {
    /// A track.
    #[derive(Debug, Clone, PartialEq, Default, Serialize)]
    pub struct Track {
        /// Track id (for `audio.link` and `mids`).
        pub mid: String => default(lenient::string),
        /// Title.
        pub name: String => default(lenient::string),
        /// Performer.
        pub author: String => default(lenient::string),
        /// Length in seconds.
        pub duration: u64 => default(lenient::u64_or_zero),
        /// The file.
        pub file_url: Option<String> => default(lenient::opt_nonempty),
        /// Page of the track.
        pub click_url: Option<String> => default(lenient::opt_nonempty),
        /// Uid of the uploader.
        pub uploader: Option<u64> => default(de::opt_u64),
        /// Added to the caller's playlist.
        pub is_add: bool => default(de::flag),
        ..extra
    }
}
