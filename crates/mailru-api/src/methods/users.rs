//! `users.*`

use serde_json::Value;

use crate::methods::Ids;
use crate::models::{AppPermission, IsAppUser as IsAppUserAnswer, User};

method! {
    /// Profiles of users and communities (communities carry `group_info`).
    Users.get_info: GetInfo = "users.getInfo" -> Vec<User>;
    required {}
    optional {
        /// The uids; default: the session owner.
        uids: Ids => "uids",
    }
}

method! {
    /// Whether a user installed the application: `{"isAppUser": 0|1}`.
    Users.is_app_user: IsAppUser = "users.isAppUser" -> IsAppUserAnswer;
    required {}
    optional {
        /// The user; default: the session owner.
        uid: u64 => "uid",
    }
}

method! {
    /// Whether a user granted the application a privilege: `{"<privilege>": 0|1}`.
    Users.has_app_permission: HasAppPermission = "users.hasAppPermission" -> AppPermission;
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
    Users.get_balance: GetBalance = "users.getBalance" -> Value;
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
    use crate::catalog::Access;

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
        assert!(IsAppUser::INFO.non_empty && IsAppUser::INFO.access == Access::Read);
        assert_eq!(GetBalance::INFO.name, "users.getBalance");
    }
}
