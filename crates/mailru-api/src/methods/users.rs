//! `users.*`

use serde_json::Value;

use crate::methods::Ids;
use crate::models::User;

method! {
    /// Profiles of users and communities (communities carry `group_info`).
    GetInfo = "users.getInfo" -> Vec<User>;
    required {}
    optional {
        /// The uids; default: the session owner.
        uids: Ids => "uids",
    }
}

method! {
    /// Whether a user installed the application: `{"isAppUser": 0|1}`.
    IsAppUser = "users.isAppUser" -> Value, non_empty = true;
    required {}
    optional {
        /// The user; default: the session owner.
        uid: u64 => "uid",
    }
}
