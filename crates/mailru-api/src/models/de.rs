//! Lenient deserializers shared by the models.

use serde::{Deserialize, Deserializer};
use serde_json::Value;

/// A u64 sent as a number or a decimal string; `null`, `""` and absence give `None`.
pub(crate) fn opt_u64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    match Option::<Value>::deserialize(d)? {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => n
            .as_u64()
            .map(Some)
            .ok_or_else(|| serde::de::Error::custom(format!("`{n}` is not an unsigned integer"))),
        Some(Value::String(s)) if s.is_empty() => Ok(None),
        Some(Value::String(s)) => s
            .parse()
            .map(Some)
            .map_err(|_| serde::de::Error::custom(format!("`{s}` is not an unsigned integer"))),
        Some(other) => Err(serde::de::Error::custom(format!(
            "expected an integer or a numeric string, found {other}"
        ))),
    }
}

/// A required u64 sent as a number or a decimal string.
pub(crate) fn u64_lenient<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    opt_u64(d)?.ok_or_else(|| serde::de::Error::custom("missing integer"))
}

/// A 0/1 flag sent as a number, a string or a boolean; absence gives `false`.
pub(crate) fn flag<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    match Option::<Value>::deserialize(d)? {
        None | Some(Value::Null) => Ok(false),
        Some(Value::Bool(b)) => Ok(b),
        Some(Value::Number(n)) => Ok(n.as_f64().is_some_and(|f| f != 0.0)),
        Some(Value::String(s)) => match s.as_str() {
            "" | "0" | "false" => Ok(false),
            "1" | "true" => Ok(true),
            other => Err(serde::de::Error::custom(format!(
                "`{other}` is not a 0/1 flag"
            ))),
        },
        Some(other) => Err(serde::de::Error::custom(format!(
            "{other} is not a 0/1 flag"
        ))),
    }
}

/// A string that may come as a number.
pub(crate) fn opt_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    match Option::<Value>::deserialize(d)? {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(Value::Number(n)) => Ok(Some(n.to_string())),
        Some(other) => Err(serde::de::Error::custom(format!("{other} is not a string"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Deserialize)]
    struct T {
        #[serde(default, deserialize_with = "opt_u64")]
        n: Option<u64>,
        #[serde(default, deserialize_with = "flag")]
        f: bool,
    }

    #[test]
    fn lenient_numbers_and_flags() {
        let t: T = serde_json::from_str(r#"{"n":"15410773191172635989","f":"1"}"#).unwrap();
        assert_eq!(t.n, Some(15_410_773_191_172_635_989));
        assert!(t.f);
        let t: T = serde_json::from_str(r#"{"n":5,"f":0}"#).unwrap();
        assert_eq!((t.n, t.f), (Some(5), false));
        let t: T = serde_json::from_str(r#"{}"#).unwrap();
        assert_eq!((t.n, t.f), (None, false));
        assert!(serde_json::from_str::<T>(r#"{"n":"abc"}"#).is_err());
        assert!(serde_json::from_str::<T>(r#"{"f":"maybe"}"#).is_err());
    }
}
