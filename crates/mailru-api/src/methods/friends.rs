//! `friends.*`

use crate::models::{Count, Friend};

method! {
    /// The session owner's friends: uids, or profiles with `ext(true)`.
    Get = "friends.get" -> Vec<Friend>;
    required {}
    optional {
        /// `true`: profiles instead of uids.
        ext: bool => "ext",
        /// Friends to skip.
        offset: u32 => "offset",
    }
}

method! {
    /// Friends who installed the application: uids, or profiles with `ext(true)`.
    GetAppUsers = "friends.getAppUsers" -> Vec<Friend>;
    required {}
    optional {
        /// `true`: profiles instead of uids.
        ext: bool => "ext",
        /// Friends to skip.
        offset: u32 => "offset",
        /// Whose friends; default: the session owner.
        uid: u64 => "uid",
    }
}

method! {
    /// Friends online now: uids, or profiles with `ext(true)`.
    GetOnline = "friends.getOnline" -> Vec<Friend>;
    required {}
    optional {
        /// `true`: profiles instead of uids.
        ext: bool => "ext",
    }
}

method! {
    /// Pending friend invitations of a user: `{"count": N}`.
    GetInvitationsCount = "friends.getInvitationsCount" -> Count, non_empty = true;
    required {
        /// The user (required by the documentation).
        uid: u64 => "uid",
    }
    optional {}
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Method;

    #[test]
    fn ext_false_is_sent_as_zero_and_unset_is_not_sent() {
        assert!(Get::new().params().is_empty());
        assert_eq!(
            Get::new().ext(false).params(),
            vec![("ext", "0".to_owned())]
        );
        assert_eq!(
            GetAppUsers::new().uid(7u64).ext(true).params(),
            vec![("ext", "1".to_owned()), ("uid", "7".to_owned())]
        );
        assert_eq!(
            GetInvitationsCount::new(9u64).params(),
            vec![("uid", "9".to_owned())]
        );
        const { assert!(GetInvitationsCount::NON_EMPTY && !Get::NON_EMPTY) };
    }
}
