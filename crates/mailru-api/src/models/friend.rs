//! The uid items of friends.get, friends.getAppUsers and friends.getOnline with `ext=0`.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::de;

/// A uid as the platform lists it (a decimal string; a number is accepted too).
///
/// ```
/// use mailru_api::models::Uid;
///
/// let ids: Vec<Uid> = serde_json::from_str(r#"["15410773191172635989", 5]"#).unwrap();
/// assert_eq!(ids[0], 15410773191172635989);
/// assert_eq!(u64::from(ids[1]), 5);
/// assert_eq!(serde_json::to_string(&ids[1]).unwrap(), r#""5""#);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Uid(pub u64);

impl<'de> Deserialize<'de> for Uid {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        de::u64_lenient(d).map(Uid)
    }
}

impl Serialize for Uid {
    /// As the platform sends it: a decimal string.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&self.0)
    }
}

impl fmt::Display for Uid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl From<Uid> for u64 {
    fn from(uid: Uid) -> Self {
        uid.0
    }
}

impl From<u64> for Uid {
    fn from(uid: u64) -> Self {
        Uid(uid)
    }
}

impl PartialEq<u64> for Uid {
    fn eq(&self, other: &u64) -> bool {
        self.0 == *other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_and_numbers_and_errors() {
        let ids: Vec<Uid> = serde_json::from_str(r#"["1", 2]"#).unwrap();
        assert_eq!(ids, vec![Uid(1), Uid(2)]);
        assert!(serde_json::from_str::<Uid>(r#""abc""#).is_err());
        assert!(serde_json::from_str::<Uid>("true").is_err());
        assert!(serde_json::from_str::<Uid>("-1").is_err());
    }
}
