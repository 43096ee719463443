//! The answer's envelope: an `{"error": {...}}` object is an API error whatever the HTTP
//! status; anything else on a 200 is the result, decoded once into the output type.

use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::error::{Cause, Error, Result};
use crate::text::body_start;
use crate::transport::HttpResponse;

/// A response as the platform sent it, for raw mode (aiomailru's `pass_error`).
#[derive(Clone, PartialEq, Eq)]
pub struct RawResponse {
    /// HTTP status.
    pub status: u16,
    /// The body, unchanged (invalid UTF-8 replaced).
    pub body: String,
}

impl std::fmt::Debug for RawResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RawResponse")
            .field("status", &self.status)
            .field("body", &body_start(self.body.as_bytes()))
            .finish()
    }
}

impl RawResponse {
    pub(crate) fn from_http(resp: &HttpResponse) -> Self {
        RawResponse {
            status: resp.status,
            body: String::from_utf8_lossy(&resp.body).into_owned(),
        }
    }
}

/// `{"error": {"error_code": N, "error_msg": "..."}}`, whatever the HTTP status.
pub(crate) fn api_error(body: &[u8]) -> Option<Error> {
    #[derive(serde::Deserialize)]
    struct Envelope {
        error: Inner,
    }
    #[derive(serde::Deserialize)]
    struct Inner {
        error_code: Value,
        #[serde(default)]
        error_msg: Option<String>,
    }
    // An error is an object: most answers (arrays, numbers) are ruled out by their first
    // byte, the other objects by the absence of the key.
    if body.trim_ascii_start().first() != Some(&b'{') || !contains(body, b"\"error\"") {
        return None;
    }
    let env: Envelope = serde_json::from_slice(body).ok()?;
    let code = match env.error.error_code {
        Value::Number(n) => n.as_i64()?,
        Value::String(s) => s.trim().parse().ok()?,
        _ => return None,
    };
    Some(Error::api(
        code,
        env.error.error_msg.as_deref().unwrap_or(""),
    ))
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    let Some((&first, rest)) = needle.split_first() else {
        return true;
    };
    haystack
        .iter()
        .enumerate()
        .filter(|(_, b)| **b == first)
        .any(|(i, _)| haystack[i + 1..].starts_with(rest))
}

/// The error an answered attempt stands for, or `None` for a success (200, no error
/// object).
pub(crate) fn failure(resp: &HttpResponse) -> Option<Error> {
    if let Some(e) = api_error(&resp.body) {
        return Some(e);
    }
    (resp.status != 200).then(|| Error::http(resp.status, &resp.body))
}

/// `{}`, `[]` or nothing.
pub(crate) fn is_empty(body: &[u8]) -> bool {
    let t = body.trim_ascii();
    t.is_empty() || t == b"{}" || t == b"[]"
}

/// Deserializes a success body in one pass; only when that fails is the body parsed
/// again, to report the JSON path of the failure.
pub(crate) fn decode<T: DeserializeOwned>(body: &[u8]) -> Result<T> {
    let first = match serde_json::from_slice(body) {
        Ok(v) => return Ok(v),
        Err(e) => e,
    };
    let de = &mut serde_json::Deserializer::from_slice(body);
    let (path, message) = match serde_path_to_error::deserialize::<_, T>(de) {
        Err(e) => (e.path().to_string(), e.inner().to_string()),
        // Cannot succeed where the first pass failed; keep the first error if it does.
        Ok(_) => (String::new(), first.to_string()),
    };
    Err(Error::Decode {
        // The path names the server's keys: its text, so sanitized like the rest (found
        // by the envelope_decode fuzz target: a key holding U+007F).
        path: if path == "." {
            String::new()
        } else {
            crate::text::sanitize(&path)
        },
        message: crate::text::sanitize(&message),
        body_start: body_start(body),
        source: Some(Cause::new(first)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use bytes::Bytes;
    use http::HeaderMap;

    fn resp(status: u16, body: &'static str) -> HttpResponse {
        HttpResponse {
            status,
            headers: HeaderMap::new(),
            body: Bytes::from_static(body.as_bytes()),
        }
    }

    #[test]
    fn api_errors_are_found_whatever_the_status_and_code_type() {
        let body = br#"{"error":{"error_code":104,"error_msg":"Incorrect signature","error_token":"NONE","extended":null}}"#;
        let e = api_error(body).unwrap();
        assert_eq!(
            (e.api_code(), e.to_string().as_str()),
            (Some(104), "API error 104: Incorrect signature")
        );
        assert_eq!(
            api_error(br#"{"error":{"error_code":"3"}}"#)
                .unwrap()
                .api_code(),
            Some(3)
        );
        assert!(api_error(br#"[{"uid":"1"}]"#).is_none());
        assert!(api_error(br#"{"error":"invalid_grant"}"#).is_none());
        assert!(failure(&resp(200, r#"{"error":{"error_code":1,"error_msg":"x"}}"#)).is_some());
        assert!(failure(&resp(200, "[]")).is_none());
        assert!(matches!(
            failure(&resp(502, "<html>bad gateway</html>")),
            Some(Error::Http { status: 502, .. })
        ));
    }

    #[test]
    fn empty_bodies() {
        assert!(is_empty(b""));
        assert!(is_empty(b" {} "));
        assert!(is_empty(b"[]"));
        assert!(!is_empty(b"[1]"));
    }

    #[test]
    fn a_path_through_keys_with_control_characters_is_sanitized() {
        // The envelope_decode fuzz target's find: a key holding U+007F before a string
        // that is not UTF-8.
        let body = b"[{\"aid\":\"_myphoto\",\"cover_pid\":1,\"%o\x7fner\":\"101\xbe\xd1\x82\"}]";
        let err = decode::<Vec<crate::models::Album>>(body).unwrap_err();
        let shown = err.to_string();
        assert!(!shown.chars().any(char::is_control), "{shown:?}");
        let Error::Decode { path, .. } = err else {
            panic!("{err:?}")
        };
        assert!(path.starts_with("[0].%o"), "{path:?}");
        assert!(!path.chars().any(char::is_control), "{path:?}");
    }

    #[test]
    fn decode_reports_the_path_and_keeps_the_json_error() {
        #[derive(serde::Deserialize, Debug)]
        struct U {
            #[allow(dead_code)]
            uid: u64,
        }
        let err = decode::<Vec<U>>(br#"[{"uid":1},{"uid":"x"}]"#).unwrap_err();
        match &err {
            Error::Decode { path, .. } => assert_eq!(path, "[1].uid"),
            other => panic!("{other:?}"),
        }
        let source = std::error::Error::source(&err).unwrap();
        assert!(source.downcast_ref::<serde_json::Error>().is_some());
        assert_eq!(decode::<Vec<u64>>(b"[1,2]").unwrap(), vec![1, 2]);
    }
}
