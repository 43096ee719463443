//! Items of friends.get, friends.getAppUsers and friends.getOnline.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

use super::User;
use super::lenient::from_value;

/// A friend: a uid string with `ext=0` (the default), a whole profile with `ext=1`.
///
/// ```
/// use mailru_api::models::Friend;
///
/// let ids: Vec<Friend> = serde_json::from_str(r#"["15410773191172635989"]"#).unwrap();
/// assert_eq!(ids[0].uid(), 15410773191172635989);
/// let users: Vec<Friend> = serde_json::from_str(r#"[{"uid":"5","first_name":"Ольга"}]"#).unwrap();
/// assert_eq!(users[0].uid(), 5);
/// assert_eq!(users[0].user().unwrap().first_name, "Ольга");
/// ```
#[derive(Debug, Clone, PartialEq)]
pub enum Friend {
    /// `ext=0`: the uid only.
    Uid(u64),
    /// `ext=1`: the profile.
    User(Box<User>),
}

impl Friend {
    /// The friend's uid, whichever form was sent.
    pub fn uid(&self) -> u64 {
        match self {
            Friend::Uid(uid) => *uid,
            Friend::User(user) => user.uid,
        }
    }

    /// The profile, when the call asked for it (`ext=1`).
    pub fn user(&self) -> Option<&User> {
        match self {
            Friend::Uid(_) => None,
            Friend::User(user) => Some(user),
        }
    }
}

impl<'de> Deserialize<'de> for Friend {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        match Value::deserialize(d)? {
            Value::String(s) => s
                .parse()
                .map(Friend::Uid)
                .map_err(|_| D::Error::custom(format!("`{s}` is not a uid"))),
            Value::Number(n) => n
                .as_u64()
                .map(Friend::Uid)
                .ok_or_else(|| D::Error::custom(format!("`{n}` is not a uid"))),
            v @ Value::Object(_) => from_value(v).map(|u| Friend::User(Box::new(u))),
            other => Err(D::Error::custom(format!(
                "expected a uid or a user object, found {other}"
            ))),
        }
    }
}

impl Serialize for Friend {
    /// As the platform sends it: a uid string, or the profile.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Friend::Uid(uid) => s.serialize_str(&uid.to_string()),
            Friend::User(user) => user.serialize(s),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_forms_and_errors() {
        let f: Vec<Friend> =
            serde_json::from_str(r#"["1", 2, {"uid": 3, "is_online": "1"}]"#).unwrap();
        assert_eq!(f.iter().map(Friend::uid).collect::<Vec<_>>(), vec![1, 2, 3]);
        assert!(f[2].user().unwrap().is_online);
        assert!(f[0].user().is_none());
        assert_eq!(serde_json::to_string(&f[0]).unwrap(), r#""1""#);
        let err = serde_json::from_str::<Friend>(r#"{"uid":"x"}"#)
            .unwrap_err()
            .to_string();
        assert!(err.contains("uid"), "{err}");
        assert!(serde_json::from_str::<Friend>("true").is_err());
        assert!(serde_json::from_str::<Friend>(r#""abc""#).is_err());
    }
}
