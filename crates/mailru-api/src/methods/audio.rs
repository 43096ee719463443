//! `audio.*`

use serde_json::Value;

use crate::methods::Names;
use crate::models::Track;

method! {
    /// A user's tracks.
    Audio.get: Get = "audio.get" -> pages of Track;
    required {}
    optional {
        /// Whose tracks; default: the session owner.
        uid: u64 => "uid",
        /// Only these track ids.
        mids: Names => "mids",
        /// Tracks to skip.
        offset: u32 => "offset",
        /// Page size.
        limit: u32 => "limit",
    }
}

method! {
    /// A playable link to a track. The shape is unknown (spec §6.6), so the answer is
    /// untyped; the emulator sends `{"link": "<url>"}`.
    Audio.link: Link = "audio.link" -> Value;
    required {
        /// The track id.
        mid: String => "mid",
    }
    optional {}
}

method! {
    /// Tracks whose title or performer matches a query.
    Audio.search: Search = "audio.search" -> pages of Track;
    required {
        /// The query.
        query: String => "query",
    }
    optional {
        /// Tracks to skip.
        offset: u32 => "offset",
        /// Page size (default 10).
        limit: u32 => "limit",
    }
}
