//! More lenient deserializers, built on [`de`](super::de): defaults instead of `Option`s,
//! lists that may come as one object, and decoding from a `Value` with the inner path kept.

use serde::de::{DeserializeOwned, Error as _};
use serde::{Deserialize, Deserializer};
use serde_json::Value;

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

/// A list: absence and `null` give an empty list, a single object gives a list of one, and
/// `null` items are skipped (an author the caller cannot see).
pub(crate) fn list<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: DeserializeOwned,
{
    match Option::<Value>::deserialize(d)? {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(items)) => items
            .into_iter()
            .enumerate()
            .filter(|(_, v)| !v.is_null())
            .map(|(i, v)| {
                from_value::<T, serde_json::Error>(v)
                    .map_err(|e| D::Error::custom(nest(&format!("[{i}]"), &e.to_string())))
            })
            .collect(),
        Some(v @ Value::Object(_)) => Ok(vec![from_value(v)?]),
        Some(other) => Err(D::Error::custom(format!("expected a list, found {other}"))),
    }
}

/// An optional object: absence, `null` and an empty string give `None`.
pub(crate) fn opt_object<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: DeserializeOwned,
{
    match Option::<Value>::deserialize(d)? {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.is_empty() => Ok(None),
        Some(v) => from_value(v).map(Some),
    }
}

/// Decodes `value` as `T`; a failure says where inside `value`, as
/// ``at `authors[1].uid`: <message>``, nested decodes included.
pub(crate) fn from_value<T: DeserializeOwned, E: serde::de::Error>(value: Value) -> Result<T, E> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        let message = e.into_inner().to_string();
        if path == "." || path.is_empty() {
            E::custom(message)
        } else {
            E::custom(nest(&path, &message))
        }
    })
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
        let v = serde_json::json!({"items": [{"user": {"uid": 1}}, {"user": {"uid": "x"}}]});
        let err = from_value::<Outer, serde_json::Error>(v)
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            "at `items[1].user.uid`: `x` is not an unsigned integer"
        );
    }
}
