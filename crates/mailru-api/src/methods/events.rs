//! `events.*`

use crate::models::Count;

method! {
    /// New events in Мой Мир: `{"count": N}` (privilege `events`).
    GetNewCount = "events.getNewCount" -> Count, non_empty = true;
    required {}
    optional {
        /// The user; default: the session owner.
        uid: u64 => "uid",
    }
}
