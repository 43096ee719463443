//! User and community profiles (spec §7.1).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::de;

/// A user or community, as `users.getInfo`, `friends.get?ext=1` and event authors give it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct User {
    /// The uid (sent as a string).
    #[serde(deserialize_with = "de::u64_lenient")]
    pub uid: u64,
    /// First name (a community's title).
    #[serde(default)]
    pub first_name: String,
    /// Last name.
    #[serde(default)]
    pub last_name: String,
    /// Nickname: the last segment of the profile link.
    #[serde(default)]
    pub nick: String,
    /// 0 male, 1 female.
    #[serde(default, deserialize_with = "de::opt_u64")]
    pub sex: Option<u64>,
    /// `DD.MM.YYYY`, when visible.
    #[serde(default)]
    pub birthday: Option<String>,
    /// Profile link, e.g. `https://my.mail.ru/mail/nick/`.
    #[serde(default)]
    pub link: Option<String>,
    /// Avatar URL.
    #[serde(default)]
    pub pic: Option<String>,
    /// Online now.
    #[serde(default, deserialize_with = "de::flag")]
    pub is_online: bool,
    /// Has the calling application installed.
    #[serde(default, deserialize_with = "de::flag")]
    pub app_installed: bool,
    /// Friend of the caller.
    #[serde(default, deserialize_with = "de::flag")]
    pub is_friend: bool,
    /// Number of friends.
    #[serde(default, deserialize_with = "de::opt_u64")]
    pub friends_count: Option<u64>,
    /// Last visit, unix seconds (sent as a string).
    #[serde(default, deserialize_with = "de::opt_u64")]
    pub last_visit: Option<u64>,
    /// Community information; present for communities only.
    #[serde(default)]
    pub group_info: Option<Value>,
    /// Every other field, as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl User {
    /// Whether this profile is a community.
    pub fn is_community(&self) -> bool {
        self.group_info.is_some()
    }
}
