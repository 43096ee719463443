//! Reading requests (query + form + multipart merged, within the limits) and response
//! helpers.

use std::convert::Infallible;
use std::io;

use bytes::Bytes;
use http_body_util::combinators::BoxBody;
use http_body_util::{BodyExt, Full};
use hyper::header::{CONTENT_LENGTH, CONTENT_TYPE, HeaderValue, LOCATION, ORIGIN};
use hyper::{Request, Response, StatusCode};

use crate::config::Limits;
pub(crate) use crate::form::FilePart;
use crate::form::{self, Reject};
use crate::json::Json;

/// Every response body of the emulator.
pub(crate) type Body = BoxBody<Bytes, io::Error>;

/// `Content-Type` of every JSON answer of the platform (spec §1.3).
pub(crate) const JSON_TYPE: &str = "text/javascript; charset=utf-8";
const HTML_TYPE: &str = "text/html; charset=utf-8";

/// A request as handlers see it.
#[derive(Debug)]
pub(crate) struct Incoming {
    pub method: hyper::Method,
    pub path: String,
    /// Query parameters first, then form or multipart fields, in arrival order.
    pub params: Vec<(String, String)>,
    pub files: Vec<FilePart>,
    pub cookies: Vec<(String, String)>,
    /// The `Content-Type` header ("" when absent).
    pub content_type: String,
    /// The `Origin` header, when the request has one (browsers send it).
    pub origin: Option<String>,
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

/// What is known of a request that was refused while it was read.
#[derive(Debug)]
pub(crate) struct Refused {
    pub method: hyper::Method,
    pub path: String,
    pub reject: Reject,
}

/// Reads the whole request within the limits.
pub(crate) async fn read(
    req: Request<hyper::body::Incoming>,
    limits: &Limits,
) -> Result<Incoming, Refused> {
    let (parts, body) = req.into_parts();
    let refuse = |reject| Refused {
        method: parts.method.clone(),
        path: parts.uri.path().to_owned(),
        reject,
    };
    let header = |name| {
        parts
            .headers
            .get(name)
            .and_then(|v: &HeaderValue| v.to_str().ok())
    };
    let declared = header(CONTENT_LENGTH).and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|n| n > limits.max_body_bytes as u64) {
        return Err(refuse(Reject::too_large(limits.max_body_bytes)));
    }
    let content_type = header(CONTENT_TYPE).unwrap_or("").to_owned();
    let origin = header(ORIGIN).map(str::to_owned);
    let cookies = parts
        .headers
        .get_all(hyper::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|c| c.trim().split_once('='))
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
    // A request without a body (most GETs) needs neither a read nor its timer.
    let bytes = if hyper::body::Body::is_end_stream(&body) {
        Bytes::new()
    } else {
        let limited = http_body_util::Limited::new(body, limits.max_body_bytes);
        match tokio::time::timeout(limits.header_read_timeout, limited.collect()).await {
            Ok(Ok(b)) => b.to_bytes(),
            Ok(Err(e)) if e.is::<http_body_util::LengthLimitError>() => {
                return Err(refuse(Reject::too_large(limits.max_body_bytes)));
            }
            Ok(Err(_)) => return Err(refuse(Reject::bad("request body could not be read"))),
            Err(_) => {
                return Err(refuse(Reject {
                    status: StatusCode::REQUEST_TIMEOUT,
                    message: "request body too slow".to_owned(),
                }));
            }
        }
    };
    let parsed = form::parse(limits, parts.uri.query(), &content_type, &bytes).map_err(refuse)?;
    Ok(Incoming {
        method: parts.method,
        path: parts.uri.path().to_owned(),
        params: parsed.params,
        files: parsed.files,
        cookies,
        content_type,
        origin,
        body: bytes,
    })
}

pub(crate) fn full(bytes: impl Into<Bytes>) -> Body {
    Full::new(bytes.into())
        .map_err(|never: Infallible| match never {})
        .boxed()
}

pub(crate) fn respond(
    status: StatusCode,
    content_type: &'static str,
    body: impl Into<Bytes>,
) -> Response<Body> {
    let mut resp = Response::new(full(body));
    *resp.status_mut() = status;
    resp.headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    resp
}

pub(crate) fn json(status: StatusCode, value: &serde_json::Value) -> Response<Body> {
    respond(status, JSON_TYPE, value.to_string())
}

/// A JSON answer already serialized.
pub(crate) fn json_body(status: StatusCode, body: Json) -> Response<Body> {
    respond(status, JSON_TYPE, body.0)
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
