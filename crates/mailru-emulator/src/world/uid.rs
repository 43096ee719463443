//! Uids in world files: written as strings (they exceed what JavaScript numbers hold
//! exactly), read from strings or numbers.

use std::fmt;

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serializer};

use crate::json::Disp;

/// One uid, as it may appear in a file.
struct Uid(u64);

impl<'de> Deserialize<'de> for Uid {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Uid;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a uid: a non-negative integer or a string of digits")
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Uid, E> {
                Ok(Uid(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Uid, E> {
                u64::try_from(v)
                    .map(Uid)
                    .map_err(|_| E::custom(format!("uid {v} is negative")))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Uid, E> {
                v.parse()
                    .map(Uid)
                    .map_err(|_| E::custom(format!("uid `{v}` is not a number")))
            }
        }
        d.deserialize_any(V)
    }
}

pub(super) mod one {
    use super::*;

    pub(crate) fn serialize<S: Serializer>(uid: &u64, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&uid.to_string())
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
        Uid::deserialize(d).map(|u| u.0)
    }
}

pub(super) mod optional {
    use super::*;

    pub(crate) fn serialize<S: Serializer>(uid: &Option<u64>, s: S) -> Result<S::Ok, S::Error> {
        match uid {
            Some(uid) => s.serialize_some(&Disp(*uid)),
            None => s.serialize_none(),
        }
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
        Option::<Uid>::deserialize(d).map(|u| u.map(|u| u.0))
    }
}

pub(super) mod list {
    use super::*;

    pub(crate) fn serialize<S: Serializer>(uids: &[u64], s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(uids.iter().map(|u| Disp(*u)))
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u64>, D::Error> {
        Vec::<Uid>::deserialize(d).map(|v| v.into_iter().map(|u| u.0).collect())
    }
}
