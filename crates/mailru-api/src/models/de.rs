//! Lenient deserializers shared by the models, and the `model!` macro. Each reads the
//! JSON token directly (no `serde_json::Value` in between), so a model decodes in one pass.

use std::borrow::Cow;
use std::fmt;

use serde::Deserialize;
use serde::de::{self, Deserializer, Visitor};

/// A model with typed fields and every other field kept in `extra`, decoded in one pass
/// (serde's `flatten` would buffer the whole object first).
///
/// Each field is `pub name: Type [as "json_key"] => default|required [(deserializer)],`:
/// `default` gives `Type::default()` when the field is absent, `required` is an error;
/// the deserializer is a function like `de::flag` (else `Type`'s own). The struct ends
/// with `..extra`: the `extra` map of every other field, as sent.
macro_rules! model {
    (
        $(#[$meta:meta])*
        pub struct $name:ident {
            $(
                $(#[doc = $doc:literal])*
                pub $field:ident : $ty:ty $(as $key:literal)? => $mode:ident $(($de:path))?,
            )*
            ..extra
        }
    ) => {
        $(#[$meta])*
        pub struct $name {
            $(
                $(#[doc = $doc])*
                $(#[serde(rename = $key)])?
                pub $field: $ty,
            )*
            /// Every other field, as sent.
            #[serde(flatten)]
            pub extra: serde_json::Map<String, serde_json::Value>,
        }

        const _: () = {
            mod fields {
                #![allow(non_camel_case_types)]
                use super::*;
                $(
                    pub(super) struct $field(pub(super) $ty);

                    impl<'de> serde::Deserialize<'de> for $field {
                        fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                            model!(@call d, $ty $(, $de)?).map($field)
                        }
                    }
                )*
            }

            impl<'de> serde::Deserialize<'de> for $name {
                fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                    struct ModelVisitor;

                    impl<'de> serde::de::Visitor<'de> for ModelVisitor {
                        type Value = $name;

                        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                            f.write_str(concat!("an object (", stringify!($name), ")"))
                        }

                        fn visit_map<M: serde::de::MapAccess<'de>>(
                            self,
                            mut map: M,
                        ) -> Result<$name, M::Error> {
                            $( let mut $field: Option<$ty> = None; )*
                            let mut extra = serde_json::Map::new();
                            while let Some(key) = map.next_key::<$crate::models::de::Key<'de>>()? {
                                let key = key.as_str();
                                // A `match` on the key: the compiler sorts the names by
                                // length and compares only those that can match.
                                match key {
                                    $(
                                        model!(@key $field $(, $key)?) => {
                                            // A key sent twice is refused, as serde's
                                            // derive does: which one counts would be a
                                            // guess (and the pager's cursor reads the
                                            // first).
                                            if $field.is_some() {
                                                return Err(serde::de::Error::duplicate_field(
                                                    model!(@key $field $(, $key)?),
                                                ));
                                            }
                                            $field = Some(map.next_value::<fields::$field>()?.0);
                                        }
                                    )*
                                    _ => {
                                        let value: serde_json::Value = map.next_value()?;
                                        if extra.contains_key(key) {
                                            return Err(serde::de::Error::custom(format_args!(
                                                "duplicate field `{}`",
                                                $crate::text::sanitize(key)
                                            )));
                                        }
                                        extra.insert(key.to_owned(), value);
                                    }
                                }
                            }
                            Ok($name {
                                $(
                                    $field: match $field {
                                        Some(v) => v,
                                        None => model!(@absent $mode, $field $(, $key)?),
                                    },
                                )*
                                extra,
                            })
                        }
                    }

                    d.deserialize_map(ModelVisitor)
                }
            }
        };
    };
    (@call $d:ident, $ty:ty) => { <$ty as serde::Deserialize>::deserialize($d) };
    (@call $d:ident, $ty:ty, $de:path) => { $de($d) };
    (@key $field:ident) => { stringify!($field) };
    (@key $field:ident, $key:literal) => { $key };
    (@absent default, $field:ident $(, $key:literal)?) => { Default::default() };
    (@absent required, $field:ident $(, $key:literal)?) => {
        return Err(serde::de::Error::missing_field(model!(@key $field $(, $key)?)))
    };
}

/// A map key, borrowed from the input when it can be.
pub(crate) struct Key<'de>(Cow<'de, str>);

impl Key<'_> {
    pub(crate) fn as_str(&self) -> &str {
        &self.0
    }
}

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a field name")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v)))
            }
        }
        d.deserialize_str(KeyVisitor)
    }
}

/// A u64 sent as a number or a decimal string; `null`, `""` and absence give `None`.
pub(crate) fn opt_u64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    struct U64Visitor;
    impl Visitor<'_> for U64Visitor {
        type Value = Option<u64>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an integer or a numeric string")
        }
        fn visit_unit<E: de::Error>(self) -> Result<Option<u64>, E> {
            Ok(None)
        }
        fn visit_none<E: de::Error>(self) -> Result<Option<u64>, E> {
            Ok(None)
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Option<u64>, E> {
            Ok(Some(v))
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Option<u64>, E> {
            u64::try_from(v)
                .map(Some)
                .map_err(|_| E::custom(format!("`{v}` is not an unsigned integer")))
        }
        fn visit_f64<E: de::Error>(self, v: f64) -> Result<Option<u64>, E> {
            Err(E::custom(format!("`{v}` is not an unsigned integer")))
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Option<u64>, E> {
            if v.is_empty() {
                return Ok(None);
            }
            v.parse().map(Some).map_err(|_| {
                E::custom(format!(
                    "`{}` is not an unsigned integer",
                    crate::text::sanitize(v)
                ))
            })
        }
    }
    d.deserialize_any(U64Visitor)
}

/// A required u64 sent as a number or a decimal string.
pub(crate) fn u64_lenient<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    opt_u64(d)?.ok_or_else(|| de::Error::custom("missing integer"))
}

/// A 0/1 flag sent as a number, a string or a boolean; `null` gives `false`.
pub(crate) fn flag<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    struct FlagVisitor;
    impl Visitor<'_> for FlagVisitor {
        type Value = bool;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a 0/1 flag")
        }
        fn visit_unit<E: de::Error>(self) -> Result<bool, E> {
            Ok(false)
        }
        fn visit_none<E: de::Error>(self) -> Result<bool, E> {
            Ok(false)
        }
        fn visit_bool<E: de::Error>(self, v: bool) -> Result<bool, E> {
            Ok(v)
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<bool, E> {
            Ok(v != 0)
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<bool, E> {
            Ok(v != 0)
        }
        fn visit_f64<E: de::Error>(self, v: f64) -> Result<bool, E> {
            Ok(v != 0.0)
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<bool, E> {
            match v {
                "" | "0" | "false" => Ok(false),
                "1" | "true" => Ok(true),
                other => Err(E::custom(format!(
                    "`{}` is not a 0/1 flag",
                    crate::text::sanitize(other)
                ))),
            }
        }
    }
    d.deserialize_any(FlagVisitor)
}

/// A string that may come as a number; `null` gives `None`.
pub(crate) fn opt_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    struct StringVisitor;
    impl Visitor<'_> for StringVisitor {
        type Value = Option<String>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a string or a number")
        }
        fn visit_unit<E: de::Error>(self) -> Result<Option<String>, E> {
            Ok(None)
        }
        fn visit_none<E: de::Error>(self) -> Result<Option<String>, E> {
            Ok(None)
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Option<String>, E> {
            Ok(Some(v.to_owned()))
        }
        fn visit_string<E: de::Error>(self, v: String) -> Result<Option<String>, E> {
            Ok(Some(v))
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Option<String>, E> {
            Ok(Some(v.to_string()))
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Option<String>, E> {
            Ok(Some(v.to_string()))
        }
        fn visit_f64<E: de::Error>(self, v: f64) -> Result<Option<String>, E> {
            Ok(Some(v.to_string()))
        }
    }
    d.deserialize_any(StringVisitor)
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
        #[serde(default, deserialize_with = "opt_string")]
        s: Option<String>,
    }

    #[test]
    fn lenient_numbers_flags_and_strings() {
        let t: T = serde_json::from_str(r#"{"n":"15410773191172635989","f":"1","s":5}"#).unwrap();
        assert_eq!(t.n, Some(15_410_773_191_172_635_989));
        assert!(t.f);
        assert_eq!(t.s.as_deref(), Some("5"));
        let t: T = serde_json::from_str(r#"{"n":5,"f":0,"s":null}"#).unwrap();
        assert_eq!((t.n, t.f, t.s), (Some(5), false, None));
        let t: T = serde_json::from_str(r#"{"n":"","f":true}"#).unwrap();
        assert_eq!((t.n, t.f), (None, true));
        let t: T = serde_json::from_str(r#"{}"#).unwrap();
        assert_eq!((t.n, t.f), (None, false));
        for bad in [
            r#"{"n":"abc"}"#,
            r#"{"n":-1}"#,
            r#"{"n":1.5}"#,
            r#"{"f":"maybe"}"#,
            r#"{"f":[]}"#,
            r#"{"s":{}}"#,
        ] {
            assert!(serde_json::from_str::<T>(bad).is_err(), "{bad}");
        }
        // The same through a Value (nested models decode from one).
        let v = serde_json::json!({"n": "7", "f": 1});
        let t: T = serde_json::from_value(v).unwrap();
        assert_eq!((t.n, t.f), (Some(7), true));
    }
}

#[cfg(test)]
mod duplicate_keys {
    use crate::models::{StreamItem, User};

    #[test]
    fn a_key_sent_twice_is_refused_typed_or_extra() {
        let err = serde_json::from_str::<User>(r#"{"uid":"1","uid":"2"}"#).unwrap_err();
        assert!(err.to_string().contains("duplicate field `uid`"), "{err}");
        let err = serde_json::from_str::<User>(r#"{"uid":"1","zz":1,"zz":2}"#).unwrap_err();
        assert!(err.to_string().contains("duplicate field `zz`"), "{err}");
        // The pager's cursor (the first `id`) can never differ from the decoded item's.
        let item = r#"{"id":"a","subtype":"event","id":"b"}"#;
        assert!(serde_json::from_str::<StreamItem>(item).is_err());
    }
}
