//! Looking at one field of a JSON document without decoding the rest.

use std::cell::RefCell;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

/// What is at a path inside an item (or the item itself, when it is not an object).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Probe {
    /// A string.
    Str(String),
    /// A number, as written.
    Num(String),
    /// `null`.
    Null,
    /// Nothing at that path.
    Missing,
    /// Something else: `an object`, `a list`, `a boolean`.
    Other(&'static str),
}

impl fmt::Display for Probe {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Probe::Str(s) => write!(f, "{s:?}"),
            Probe::Num(n) => f.write_str(n),
            Probe::Null => f.write_str("null"),
            Probe::Missing => f.write_str("nothing"),
            Probe::Other(what) => f.write_str(what),
        }
    }
}

/// What `item` holds at the dotted `path`; a bare scalar item is probed itself.
///
/// Reading stops at the first occurrence of the path: the rest of the item is not looked
/// at (an id that comes first costs almost nothing). The models refuse an object with a
/// key twice, so the first occurrence is the one a decode would see.
pub(crate) fn probe(item: &str, path: &str) -> Probe {
    let path: Vec<&str> = path.split('.').filter(|p| !p.is_empty()).collect();
    let mut de = serde_json::Deserializer::from_str(item);
    let found = RefCell::new(None);
    let walked = PathSeed {
        path: &path,
        top: true,
        found: &found,
    }
    .deserialize(&mut de);
    // Stopping early is an error for serde_json (the object is left unfinished): the
    // value is in `found` then.
    found
        .into_inner()
        .or_else(|| walked.ok())
        .unwrap_or(Probe::Missing)
}

/// The string at top-level `key` of an object's text (the field that tells an item's
/// kind); `""` when `text` is not an object or `key` holds no string.
pub(crate) fn kind_of(text: &str, key: &str) -> String {
    match text.starts_with('{').then(|| probe(text, key)) {
        Some(Probe::Str(kind)) => kind,
        _ => String::new(),
    }
}

/// Walks down `path`, skipping every other field without building anything.
struct PathSeed<'p> {
    path: &'p [&'p str],
    /// The item itself: a scalar item is its own key.
    top: bool,
    /// Set when the path was found inside an object; reading stops there.
    found: &'p RefCell<Option<Probe>>,
}

impl<'de> DeserializeSeed<'de> for PathSeed<'_> {
    type Value = Probe;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Probe, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for PathSeed<'_> {
    type Value = Probe;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Probe, E> {
        Ok(self.scalar(|| Probe::Str(v.to_owned())))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Probe, E> {
        Ok(self.scalar(|| Probe::Num(v.to_string())))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Probe, E> {
        Ok(self.scalar(|| Probe::Num(v.to_string())))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Probe, E> {
        Ok(self.scalar(|| Probe::Num(v.to_string())))
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Probe, E> {
        Ok(self.scalar(|| Probe::Other("a boolean")))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Probe, E> {
        Ok(self.scalar(|| Probe::Null))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Probe, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(self.scalar(|| Probe::Other("a list")))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Probe, A::Error> {
        let Some((first, rest)) = self.path.split_first() else {
            while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
            return Ok(Probe::Other("an object"));
        };
        while let Some(key) = map.next_key::<crate::models::de::Key<'de>>()? {
            if key.as_str() != *first {
                map.next_value::<IgnoredAny>()?;
                continue;
            }
            let inner = map.next_value_seed(PathSeed {
                path: rest,
                top: false,
                found: self.found,
            })?;
            let mut found = self.found.borrow_mut();
            if found.is_none() {
                *found = Some(inner);
            }
            return Err(de::Error::custom("found"));
        }
        Ok(Probe::Missing)
    }
}

impl PathSeed<'_> {
    /// A scalar: what was looked for when the path ends here, or the key of a bare item.
    fn scalar(&self, found: impl FnOnce() -> Probe) -> Probe {
        if self.path.is_empty() || self.top {
            found()
        } else {
            Probe::Missing
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn probes_find_the_field_and_skip_the_rest() {
        let item = r#"{"x":{"id":"inner"},"id":"top","user":{"uid":12,"name":"n"}}"#;
        assert_eq!(probe(item, "id"), Probe::Str("top".to_owned()));
        assert_eq!(probe(item, "user.uid"), Probe::Num("12".to_owned()));
        assert_eq!(probe(item, "user.none"), Probe::Missing);
        assert_eq!(probe(r#"{"id":null}"#, "id"), Probe::Null);
        assert_eq!(probe(r#"{"id":{"a":1}}"#, "id"), Probe::Other("an object"));
        assert_eq!(
            probe(r#""15410773191172635989""#, "uid"),
            Probe::Str("15410773191172635989".to_owned())
        );
        assert_eq!(probe("not json", "id"), Probe::Missing);
    }
}
