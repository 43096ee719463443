//! User and community profiles (spec §7.1).

use serde::Serialize;
use serde_json::Value;

use super::de;

model! {
    /// A user or community, as `users.getInfo`, `friends.get?ext=1` and event authors give it.
    #[derive(Debug, Clone, PartialEq, Serialize)]
    pub struct User {
        /// The uid (sent as a string).
        pub uid: u64 => required(de::u64_lenient),
        /// First name (a community's title).
        pub first_name: String => default,
        /// Last name.
        pub last_name: String => default,
        /// Nickname: the last segment of the profile link.
        pub nick: String => default,
        /// 0 male, 1 female.
        pub sex: Option<u64> => default(de::opt_u64),
        /// `DD.MM.YYYY`, when visible.
        pub birthday: Option<String> => default,
        /// Profile link, e.g. `https://my.mail.ru/mail/nick/`.
        pub link: Option<String> => default,
        /// Avatar URL.
        pub pic: Option<String> => default,
        /// Online now.
        pub is_online: bool => default(de::flag),
        /// Has the calling application installed.
        pub app_installed: bool => default(de::flag),
        /// Friend of the caller.
        pub is_friend: bool => default(de::flag),
        /// Number of friends.
        pub friends_count: Option<u64> => default(de::opt_u64),
        /// Last visit, unix seconds (sent as a string).
        pub last_visit: Option<u64> => default(de::opt_u64),
        /// Community information; present for communities only.
        pub group_info: Option<Value> => default,
        ..extra
    }
}

impl User {
    /// Whether this profile is a community.
    pub fn is_community(&self) -> bool {
        self.group_info.is_some()
    }
}
