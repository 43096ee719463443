//! Request parsing (query + form + multipart merged) and response helpers.

use std::convert::Infallible;
use std::io;

use bytes::Bytes;
use http_body_util::combinators::BoxBody;
use http_body_util::{BodyExt, Full};
use hyper::header::{CONTENT_TYPE, HeaderValue, LOCATION};
use hyper::{Request, Response, StatusCode};

/// Every response body of the emulator.
pub(crate) type Body = BoxBody<Bytes, io::Error>;

/// `Content-Type` of every JSON answer of the platform (spec §1.3).
pub(crate) const JSON_TYPE: &str = "text/javascript; charset=utf-8";
const HTML_TYPE: &str = "text/html; charset=utf-8";

/// Largest request body the emulator reads (uploads included).
const MAX_BODY: usize = 16 * 1024 * 1024;

/// A file field of a multipart upload: not signed, not logged.
#[derive(Debug, Clone)]
pub(crate) struct FilePart {
    pub name: String,
    pub bytes: Bytes,
}

/// A request as handlers see it.
#[derive(Debug)]
pub(crate) struct Incoming {
    pub method: hyper::Method,
    pub path: String,
    /// Query parameters first, then form or multipart fields, in arrival order.
    pub params: Vec<(String, String)>,
    pub files: Vec<FilePart>,
    pub cookies: Vec<(String, String)>,
    /// The raw body (JSON bodies of the control API are not parsed as a form).
    pub body: Bytes,
}

impl Incoming {
    pub(crate) fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    pub(crate) fn cookie(&self, name: &str) -> Option<&str> {
        self.cookies
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Reads the whole request. `Err` is a ready 400/413 response.
pub(crate) async fn read(req: Request<hyper::body::Incoming>) -> Result<Incoming, Response<Body>> {
    let (parts, body) = req.into_parts();
    let mut params: Vec<(String, String)> = parts
        .uri
        .query()
        .map(|q| parse_form(q.as_bytes()))
        .unwrap_or_default();
    let cookies = parts
        .headers
        .get_all(hyper::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|c| c.trim().split_once('='))
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
    let content_type = parts
        .headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let limited = http_body_util::Limited::new(body, MAX_BODY);
    let bytes = match limited.collect().await {
        Ok(b) => b.to_bytes(),
        Err(_) => {
            return Err(text(
                StatusCode::PAYLOAD_TOO_LARGE,
                "request body too large",
            ));
        }
    };
    let mut files = Vec::new();
    if content_type.starts_with("multipart/form-data") {
        let Some(boundary) = boundary(&content_type) else {
            return Err(text(StatusCode::BAD_REQUEST, "multipart without boundary"));
        };
        match multipart(&bytes, &boundary) {
            Some((fields, parts)) => {
                params.extend(fields);
                files = parts;
            }
            None => return Err(text(StatusCode::BAD_REQUEST, "malformed multipart body")),
        }
    } else if !bytes.is_empty() && !content_type.starts_with("application/json") {
        params.extend(parse_form(&bytes));
    }
    Ok(Incoming {
        method: parts.method,
        path: parts.uri.path().to_owned(),
        params,
        files,
        cookies,
        body: bytes,
    })
}

fn parse_form(bytes: &[u8]) -> Vec<(String, String)> {
    url::form_urlencoded::parse(bytes).into_owned().collect()
}

fn boundary(content_type: &str) -> Option<String> {
    content_type.split(';').find_map(|p| {
        let (k, v) = p.trim().split_once('=')?;
        (k.eq_ignore_ascii_case("boundary")).then(|| v.trim_matches('"').to_owned())
    })
}

/// A minimal multipart/form-data reader: fields become parameters, parts with a filename
/// become files. `None` when the body does not follow the format.
/// Text fields and file parts of a multipart body.
type Parts = (Vec<(String, String)>, Vec<FilePart>);

fn multipart(body: &Bytes, boundary: &str) -> Option<Parts> {
    let delimiter = format!("--{boundary}");
    let mut fields = Vec::new();
    let mut files = Vec::new();
    let mut rest = &body[..];
    rest = &rest[find(rest, delimiter.as_bytes())? + delimiter.len()..];
    loop {
        if rest.starts_with(b"--") {
            return Some((fields, files));
        }
        rest = rest.strip_prefix(b"\r\n")?;
        let head_end = find(rest, b"\r\n\r\n")?;
        let head = std::str::from_utf8(&rest[..head_end]).ok()?;
        let content = &rest[head_end + 4..];
        let end = find(content, format!("\r\n{delimiter}").as_bytes())?;
        let data = &content[..end];
        rest = &content[end + 2 + delimiter.len()..];
        let disposition = head
            .lines()
            .find(|l| l.to_ascii_lowercase().starts_with("content-disposition:"))?;
        let attr = |name: &str| {
            disposition.split(';').find_map(|p| {
                let (k, v) = p.trim().split_once('=')?;
                (k == name).then(|| v.trim_matches('"').to_owned())
            })
        };
        let name = attr("name")?;
        if attr("filename").is_some() {
            files.push(FilePart {
                name,
                bytes: body.slice_ref(data),
            });
        } else {
            fields.push((name, String::from_utf8(data.to_vec()).ok()?));
        }
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

pub(crate) fn full(bytes: impl Into<Bytes>) -> Body {
    Full::new(bytes.into())
        .map_err(|never: Infallible| match never {})
        .boxed()
}

pub(crate) fn respond(
    status: StatusCode,
    content_type: &str,
    body: impl Into<Bytes>,
) -> Response<Body> {
    let mut resp = Response::new(full(body));
    *resp.status_mut() = status;
    if let Ok(v) = HeaderValue::from_str(content_type) {
        resp.headers_mut().insert(CONTENT_TYPE, v);
    }
    resp
}

pub(crate) fn json(status: StatusCode, value: &serde_json::Value) -> Response<Body> {
    respond(status, JSON_TYPE, value.to_string())
}

pub(crate) fn html(status: StatusCode, page: String) -> Response<Body> {
    respond(status, HTML_TYPE, page)
}

pub(crate) fn text(status: StatusCode, message: &str) -> Response<Body> {
    respond(status, "text/plain; charset=utf-8", message.to_owned())
}

/// A 302 to `location`, with extra headers such as `Set-Cookie`.
pub(crate) fn redirect(location: &str, headers: &[(&str, String)]) -> Response<Body> {
    let mut resp = respond(StatusCode::FOUND, HTML_TYPE, "");
    if let Ok(v) = HeaderValue::from_str(location) {
        resp.headers_mut().insert(LOCATION, v);
    }
    for (name, value) in headers {
        if let (Ok(n), Ok(v)) = (
            hyper::header::HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(value),
        ) {
            resp.headers_mut().append(n, v);
        }
    }
    resp
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multipart_splits_fields_and_files() {
        let body = Bytes::from_static(
            b"--XyZ\r\nContent-Disposition: form-data; name=\"aid\"\r\n\r\n_myphoto\r\n\
              --XyZ\r\nContent-Disposition: form-data; name=\"img_file\"; filename=\"a.png\"\r\n\
              Content-Type: image/png\r\n\r\n\x89PNG\r\n\x1a\nDATA\r\n--XyZ--\r\n",
        );
        let (fields, files) = multipart(&body, "XyZ").unwrap();
        assert_eq!(fields, vec![("aid".to_owned(), "_myphoto".to_owned())]);
        assert_eq!(files.len(), 1);
        assert_eq!(files[0].name, "img_file");
        assert_eq!(&files[0].bytes[..], b"\x89PNG\r\n\x1a\nDATA");
        assert!(multipart(&Bytes::from_static(b"garbage"), "XyZ").is_none());
    }

    #[test]
    fn boundary_is_read_with_or_without_quotes() {
        assert_eq!(
            boundary("multipart/form-data; boundary=abc").as_deref(),
            Some("abc")
        );
        assert_eq!(
            boundary("multipart/form-data; boundary=\"a b\"").as_deref(),
            Some("a b")
        );
        assert_eq!(boundary("multipart/form-data"), None);
    }
}
