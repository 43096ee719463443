//! Pure request parsing with limits: query string, URL-encoded form, multipart form.
//! No I/O, so the server and the fuzzing entry points share it.

use bytes::Bytes;
use hyper::StatusCode;

use crate::config::Limits;
use crate::multipart;

/// A file field of a multipart upload: not signed, not logged.
#[derive(Debug, Clone)]
pub(crate) struct FilePart {
    pub name: String,
    pub bytes: Bytes,
}

/// Why a request was refused before any handler saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Reject {
    pub status: StatusCode,
    pub message: String,
}

impl Reject {
    pub(crate) fn bad(message: impl Into<String>) -> Self {
        Reject {
            status: StatusCode::BAD_REQUEST,
            message: message.into(),
        }
    }

    pub(crate) fn too_large(limit: usize) -> Self {
        Reject {
            status: StatusCode::PAYLOAD_TOO_LARGE,
            message: format!("request body larger than {limit} bytes"),
        }
    }
}

/// Parameters and files of a request, in arrival order (query first).
#[derive(Debug, Default)]
pub(crate) struct Parsed {
    pub params: Vec<(String, String)>,
    pub files: Vec<FilePart>,
}

impl Parsed {
    /// Adds a parameter, enforcing the count and length limits.
    pub(crate) fn push(
        &mut self,
        limits: &Limits,
        key: String,
        value: String,
    ) -> Result<(), Reject> {
        self.count(limits)?;
        check_len(limits, &key)?;
        check_len(limits, &value)?;
        self.params.push((key, value));
        Ok(())
    }

    /// Adds an uploaded file; it counts as a parameter, its content is bounded by the body.
    pub(crate) fn push_file(&mut self, limits: &Limits, file: FilePart) -> Result<(), Reject> {
        self.count(limits)?;
        check_len(limits, &file.name)?;
        self.files.push(file);
        Ok(())
    }

    fn count(&self, limits: &Limits) -> Result<(), Reject> {
        if self.params.len() + self.files.len() >= limits.max_params {
            return Err(Reject::bad(format!(
                "more than {} parameters",
                limits.max_params
            )));
        }
        Ok(())
    }
}

fn check_len(limits: &Limits, s: &str) -> Result<(), Reject> {
    if s.len() > limits.max_param_len {
        return Err(Reject::bad(format!(
            "a parameter name or value is longer than {} bytes",
            limits.max_param_len
        )));
    }
    Ok(())
}

/// `application/x-www-form-urlencoded` pairs (also the query string) appended to `out`.
/// Stops at the first pair over a limit, so a body of a million `a&` costs nothing more.
pub(crate) fn form(limits: &Limits, bytes: &[u8], out: &mut Parsed) -> Result<(), Reject> {
    for (k, v) in url::form_urlencoded::parse(bytes) {
        out.push(limits, k.into_owned(), v.into_owned())?;
    }
    Ok(())
}

/// Parses the query string and the body of a request the way the platform reads them:
/// query first, then a form or multipart body. JSON bodies (the control API) and bodies
/// of other types are left to the handler.
pub(crate) fn parse(
    limits: &Limits,
    query: Option<&str>,
    content_type: &str,
    body: &Bytes,
) -> Result<Parsed, Reject> {
    if body.len() > limits.max_body_bytes {
        return Err(Reject::too_large(limits.max_body_bytes));
    }
    let mut parsed = Parsed::default();
    if let Some(q) = query {
        form(limits, q.as_bytes(), &mut parsed)?;
    }
    let media = content_type.split(';').next().unwrap_or("").trim();
    if media.eq_ignore_ascii_case("multipart/form-data") {
        let boundary = multipart::boundary(content_type)?;
        multipart::parse(limits, body, &boundary, &mut parsed)?;
    } else if !body.is_empty() && !media.eq_ignore_ascii_case("application/json") {
        form(limits, body, &mut parsed)?;
    }
    Ok(parsed)
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    fn limits() -> Limits {
        Limits {
            max_body_bytes: 1024,
            max_params: 4,
            max_param_len: 8,
            header_read_timeout: Duration::from_secs(1),
        }
    }

    #[test]
    fn query_and_form_are_merged_in_order() {
        let body = Bytes::from_static(b"c=3&d=%D0%AF");
        let p = parse(
            &limits(),
            Some("a=1&b=2"),
            "application/x-www-form-urlencoded",
            &body,
        )
        .unwrap();
        let keys: Vec<_> = p.params.iter().map(|(k, v)| format!("{k}={v}")).collect();
        assert_eq!(keys, ["a=1", "b=2", "c=3", "d=Я"]);
    }

    #[test]
    fn limits_refuse_counts_lengths_and_sizes() {
        let l = limits();
        let many = Bytes::from_static(b"a&a&a&a&a");
        let r = parse(&l, None, "", &many).unwrap_err();
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        assert!(r.message.contains("more than 4 parameters"), "{r:?}");
        let r = parse(&l, Some("key=123456789"), "", &Bytes::new()).unwrap_err();
        assert!(r.message.contains("longer than 8"), "{r:?}");
        let r = parse(&l, Some("123456789=1"), "", &Bytes::new()).unwrap_err();
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        let big = Bytes::from(vec![b'a'; 1025]);
        assert_eq!(
            parse(&l, None, "", &big).unwrap_err().status,
            StatusCode::PAYLOAD_TOO_LARGE
        );
        // Exactly at the limits is fine.
        let p = parse(&l, Some("a=12345678&b&c&d"), "", &Bytes::new()).unwrap();
        assert_eq!(p.params.len(), 4);
    }

    #[test]
    fn json_bodies_are_not_read_as_forms() {
        let body = Bytes::from_static(b"{\"a\":1}");
        let p = parse(&limits(), None, "application/json; charset=utf-8", &body).unwrap();
        assert!(p.params.is_empty());
    }
}
