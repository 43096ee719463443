//! More lenient deserializers, built on [`de`](super::de): defaults instead of `Option`s,
//! lists that may come as one object (all in one pass), and decoding a text with the inner
//! path of a failure kept (for items whose kind is told by a field, like a stream item's
//! `subtype`).

use std::fmt;
use std::marker::PhantomData;

use serde::de::value::MapAccessDeserializer;
use serde::de::{self as serde_de, DeserializeOwned, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};

use super::de;

/// A string that may come as a number; absence and `null` give `""`.
pub(crate) fn string<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(de::opt_string(d)?.unwrap_or_default())
}

/// A string that may come as a number; absence, `null` and `""` give `None`.
pub(crate) fn opt_nonempty<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(de::opt_string(d)?.filter(|s| !s.is_empty()))
}

/// A u64 sent as a number or a decimal string; absence, `null` and `""` give 0.
pub(crate) fn u64_or_zero<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    Ok(de::opt_u64(d)?.unwrap_or(0))
}

/// A list: `null` gives an empty list, a single object gives a list of one, and `null`
/// items are skipped (an author the caller cannot see).
pub(crate) fn list<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: DeserializeOwned,
{
    struct ListVisitor<T>(PhantomData<T>);
    impl<'de, T: DeserializeOwned> Visitor<'de> for ListVisitor<T> {
        type Value = Vec<T>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a list or an object")
        }
        fn visit_unit<E: serde_de::Error>(self) -> Result<Vec<T>, E> {
            Ok(Vec::new())
        }
        fn visit_none<E: serde_de::Error>(self) -> Result<Vec<T>, E> {
            Ok(Vec::new())
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<T>, A::Error> {
            let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(64));
            while let Some(item) = seq.next_element::<Option<T>>()? {
                out.extend(item);
            }
            Ok(out)
        }
        fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Vec<T>, A::Error> {
            // Rare, and some items (stream items) read their own text first, which a map
            // access cannot give: through a `Value`.
            let one = serde_json::Value::deserialize(MapAccessDeserializer::new(map))?;
            T::deserialize(one)
                .map(|one| vec![one])
                .map_err(serde_de::Error::custom)
        }
    }
    d.deserialize_any(ListVisitor(PhantomData))
}

/// An optional object: `null` and an empty string give `None`.
pub(crate) fn opt_object<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    struct ObjectVisitor<T>(PhantomData<T>);
    impl<'de, T: Deserialize<'de>> Visitor<'de> for ObjectVisitor<T> {
        type Value = Option<T>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an object, null or an empty string")
        }
        fn visit_unit<E: serde_de::Error>(self) -> Result<Option<T>, E> {
            Ok(None)
        }
        fn visit_none<E: serde_de::Error>(self) -> Result<Option<T>, E> {
            Ok(None)
        }
        fn visit_str<E: serde_de::Error>(self, v: &str) -> Result<Option<T>, E> {
            if v.is_empty() {
                Ok(None)
            } else {
                Err(E::invalid_type(serde_de::Unexpected::Str(v), &self))
            }
        }
        fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Option<T>, A::Error> {
            T::deserialize(MapAccessDeserializer::new(map)).map(Some)
        }
    }
    d.deserialize_any(ObjectVisitor(PhantomData))
}

/// Decodes the JSON `text` as `T` in one pass; only a failure is decoded again, to say
/// where inside `text` it failed (``at `authors[1].uid`: ...``).
pub(crate) fn from_text<T: DeserializeOwned>(text: &str) -> Result<T, serde_json::Error> {
    serde_json::from_str(text).map_err(|first| {
        let de = &mut serde_json::Deserializer::from_str(text);
        match serde_path_to_error::deserialize::<_, T>(de) {
            Err(e) if !matches!(e.path().to_string().as_str(), "" | ".") => {
                let path = e.path().to_string();
                serde::de::Error::custom(nest(&path, &without_position(&e.into_inner())))
            }
            _ => first,
        }
    })
}

/// serde_json's message without its ` at line L column C` (relative to an inner text).
fn without_position(e: &serde_json::Error) -> String {
    if e.line() > 0 {
        message_of(e)
    } else {
        e.to_string()
    }
}

/// The message of any deserializer's error, without a trailing ` at line L column C`
/// (the position goes on the error that wraps it).
pub(crate) fn message_of(e: &impl fmt::Display) -> String {
    let mut text = e.to_string();
    if let Some(at) = text.rfind(" at line ")
        && text[at + " at line ".len()..]
            .split(" column ")
            .all(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
    {
        text.truncate(at);
    }
    text
}

/// Puts `outer` in front of the path of `message` (or gives it one).
fn nest(outer: &str, message: &str) -> String {
    match message
        .strip_prefix("at `")
        .and_then(|rest| rest.split_once("`: "))
    {
        Some((inner, rest)) if inner.starts_with('[') => format!("at `{outer}{inner}`: {rest}"),
        Some((inner, rest)) => format!("at `{outer}.{inner}`: {rest}"),
        None => format!("at `{outer}`: {message}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_compose() {
        assert_eq!(nest("a", "boom"), "at `a`: boom");
        assert_eq!(nest("a", "at `b.c`: boom"), "at `a.b.c`: boom");
        assert_eq!(nest("a", "at `[2].c`: boom"), "at `a[2].c`: boom");
        #[derive(Debug, serde::Deserialize)]
        struct Outer {
            #[serde(default, deserialize_with = "list")]
            #[allow(dead_code)]
            items: Vec<Inner>,
        }
        #[derive(Debug, serde::Deserialize)]
        struct Inner {
            #[serde(default, deserialize_with = "opt_object")]
            #[allow(dead_code)]
            user: Option<crate::models::User>,
        }
        let text = r#"{"items": [{"user": {"uid": 1}}, {"user": {"uid": "x"}}]}"#;
        let err = from_text::<Outer>(text).unwrap_err().to_string();
        assert_eq!(
            err,
            "at `items[1].user.uid`: `x` is not an unsigned integer"
        );
    }
}
