//! `users.*`

use serde_json::Value;

use crate::methods::Ids;
use crate::models::{AppPermission, IsAppUser as IsAppUserAnswer, User};

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
    IsAppUser = "users.isAppUser" -> IsAppUserAnswer, non_empty = true;
    required {}
    optional {
        /// The user; default: the session owner.
        uid: u64 => "uid",
    }
}

method! {
    /// Whether a user granted the application a privilege: `{"<privilege>": 0|1}`.
    HasAppPermission = "users.hasAppPermission" -> AppPermission, non_empty = true;
    required {
        /// The privilege: `photos`, `guestbook`, `stream`, `messages`, `events`,
        /// `notifications` or `widget`.
        ext_perm: String => "ext_perm",
    }
    optional {
        /// The user; default: the session owner.
        uid: u64 => "uid",
    }
}

method! {
    /// The user's in-app balance. The shape is unknown (spec §6.1), so the answer is
    /// untyped; the emulator sends `{"balance": N}`.
    GetBalance = "users.getBalance" -> Value, non_empty = true;
    required {}
    optional {
        /// The user; default: the session owner.
        uid: u64 => "uid",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Method;

    #[test]
    fn params_are_what_the_user_set() {
        assert!(GetInfo::new().params().is_empty());
        assert_eq!(
            GetInfo::new().uids([1, 2, 3]).params(),
            vec![("uids", "1,2,3".to_owned())]
        );
        assert_eq!(
            HasAppPermission::new("stream").uid(5u64).params(),
            vec![("ext_perm", "stream".to_owned()), ("uid", "5".to_owned())]
        );
        const { assert!(IsAppUser::NON_EMPTY && !IsAppUser::WRITE) };
        assert_eq!(GetBalance::NAME, "users.getBalance");
    }
}
