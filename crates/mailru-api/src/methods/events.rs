//! `events.*`

use crate::models::Count;

method! {
    /// New events in Мой Мир: `{"count": N}` (privilege `events`).
    Events.get_new_count: GetNewCount = "events.getNewCount" -> Count;
    required {}
    optional {
        /// The user; default: the session owner.
        uid: u64 => "uid",
    }
}
