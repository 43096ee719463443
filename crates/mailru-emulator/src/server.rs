//! Request handling: read within the limits, pick the host's routes, apply faults, log.

use std::borrow::Cow;
use std::io;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};

use futures::{StreamExt, stream};
use http_body_util::{BodyExt, StreamBody};
use hyper::body::Frame;
use hyper::header::{CONTENT_LENGTH, CONTENT_TYPE, HeaderValue};
use hyper::{Method, Request, Response, StatusCode};

use crate::config::Limits;
use crate::conn::Conns;
use crate::control;
use crate::faults::{FaultKind, FaultSet};
use crate::form::Reject;
use crate::hosts::{Host, Origins, is_rest_path, serves};
use crate::http::{self, Body, Incoming};
use crate::log::{Entry, RequestLog, clip, clip_list, mask};
use crate::oauth::{self, pages};
use crate::public;
use crate::rest::{self, ApiError};
use crate::state::State;
use crate::stubs::StubSet;

/// Everything the request handlers share.
#[derive(Debug)]
pub(crate) struct Shared {
    /// The platform. REST reads share it; writes, OAuth and the control API have it alone.
    pub state: RwLock<State>,
    pub faults: FaultSet,
    pub stubs: StubSet,
    pub log: Mutex<RequestLog>,
    pub origins: Origins,
    pub limits: Limits,
    pub conns: Conns,
}

/// Locks a mutex; a handler that panicked cannot leave the data half-written in a way that
/// matters for a test server, so a poisoned lock is used as it is.
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Shares a lock with the other readers (poisoned: as for [`lock`]).
pub(crate) fn read<T>(l: &RwLock<T>) -> RwLockReadGuard<'_, T> {
    l.read().unwrap_or_else(PoisonError::into_inner)
}

/// Takes a lock exclusively (poisoned: as for [`lock`]).
pub(crate) fn write<T>(l: &RwLock<T>) -> RwLockWriteGuard<'_, T> {
    l.write().unwrap_or_else(PoisonError::into_inner)
}

/// Why a request got no response at all.
#[derive(Debug)]
pub(crate) struct Dropped;

impl std::fmt::Display for Dropped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection dropped by fault injection")
    }
}

impl std::error::Error for Dropped {}

/// A routed response and what the log should say about it.
struct Routed {
    response: Response<Body>,
    method: Option<String>,
    error_code: Option<u32>,
}

/// The answer to a request refused while it was read: the platform's error envelope on
/// the REST endpoint (error 100, or the status alone for 413 and 408), plain text elsewhere.
pub(crate) fn refusal(path: &str, reject: &Reject) -> (Response<Body>, Option<u32>) {
    if is_rest_path(path) && reject.status == StatusCode::BAD_REQUEST {
        let err = ApiError {
            code: 100,
            message: format!(
                "One of the parameters specified is missing or invalid: {}",
                reject.message
            ),
        };
        return (http::json(reject.status, &err.envelope()), Some(100));
    }
    (http::text(reject.status, &reject.message), None)
}

pub(crate) async fn handle(
    shared: Arc<Shared>,
    host: Host,
    origin: Arc<str>,
    req: Request<hyper::body::Incoming>,
) -> Result<Response<Body>, Dropped> {
    let incoming = match http::read(req, &shared.limits).await {
        Ok(i) => i,
        Err(refused) => {
            let (response, error_code) = refusal(&refused.path, &refused.reject);
            let empty = Incoming {
                method: refused.method,
                path: refused.path,
                params: Vec::new(),
                files: Vec::new(),
                cookies: Vec::new(),
                content_type: String::new(),
                origin: None,
                body: bytes::Bytes::new(),
            };
            let status = Some(response.status().as_u16());
            record(&shared, &origin, empty, None, status, error_code);
            return Ok(response);
        }
    };
    if !serves(host, &incoming.path) {
        let response = http::html(StatusCode::NOT_FOUND, pages::not_found());
        record(&shared, &origin, incoming, None, Some(404), None);
        return Ok(response);
    }
    if incoming.path.starts_with("/_emulator/") {
        return Ok(control::handle(&shared, &origin, &incoming));
    }
    let is_rest = is_rest_path(&incoming.path);
    let method = is_rest
        .then(|| incoming.param("method").map(str::to_owned))
        .flatten();
    let target = method.as_deref().unwrap_or(&incoming.path);
    let fault = shared.faults.take(target);
    if let Some(delay) = fault.as_ref().and_then(FaultKind::delay) {
        tokio::time::sleep(delay).await;
    }
    let routed = match &fault {
        Some(FaultKind::DropConnection) => {
            record(&shared, &origin, incoming, method, None, None);
            return Err(Dropped);
        }
        Some(FaultKind::HttpStatus { status }) => {
            let status = StatusCode::from_u16(*status).unwrap_or(StatusCode::SERVICE_UNAVAILABLE);
            let page = format!("<html><body><h1>{status}</h1></body></html>");
            Routed {
                response: http::html(status, page),
                method,
                error_code: None,
            }
        }
        Some(FaultKind::ApiError { code }) => {
            let err = ApiError::code(*code);
            Routed {
                response: http::json(StatusCode::BAD_REQUEST, &err.envelope()),
                method,
                error_code: Some(*code),
            }
        }
        _ => route(&shared, host, &incoming, method, is_rest),
    };
    record(
        &shared,
        &origin,
        incoming,
        routed.method,
        Some(routed.response.status().as_u16()),
        routed.error_code,
    );
    let mut response = routed.response;
    match fault {
        Some(FaultKind::WrongContentType) => {
            response.headers_mut().insert(
                CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            );
        }
        Some(FaultKind::TruncatedBody) => response = truncate(response).await,
        _ => {}
    }
    Ok(response)
}

fn route(
    shared: &Shared,
    host: Host,
    req: &Incoming,
    method: Option<String>,
    is_rest: bool,
) -> Routed {
    let origins = &shared.origins;
    let plain = |response| Routed {
        response,
        method: None,
        error_code: None,
    };
    if is_rest {
        let result = rest::call(&shared.state, &shared.stubs, &req.params, &req.files);
        let (response, error_code) = match result {
            Ok(body) => (http::json_body(StatusCode::OK, body), None),
            Err(err) => (
                http::json(StatusCode::BAD_REQUEST, &err.envelope()),
                Some(err.code),
            ),
        };
        return Routed {
            response,
            method,
            error_code,
        };
    }
    let path = req.path.as_str();
    let state = &shared.state;
    plain(match (&req.method, path) {
        (&Method::GET | &Method::POST, "/oauth/authorize") => {
            oauth::authorize(&mut write(state), req, origins)
        }
        (&Method::POST, "/cgi-bin/auth") => oauth::login(&mut write(state), req, origins),
        (&Method::POST, "/oauth/token") => oauth::token(&mut write(state), req, host),
        (&Method::GET, "/oauth/success.html") => http::html(StatusCode::OK, pages::success()),
        (&Method::GET, "/recovery") => http::html(StatusCode::OK, pages::recovery()),
        (&Method::GET, p) if p.starts_with("/platform/") => {
            public::profile(&read(state), &p["/platform/".len()..])
        }
        _ => http::html(StatusCode::NOT_FOUND, pages::not_found()),
    })
}

/// Logs a request, moving its strings into the entry (the request is done with).
fn record(
    shared: &Shared,
    origin: &Arc<str>,
    req: Incoming,
    method: Option<String>,
    status: Option<u16>,
    error_code: Option<u32>,
) {
    // The catalog's own name when the method is known: nothing to copy.
    let method = method.map(|m| match rest::lookup(&m) {
        Some(spec) => Cow::Borrowed(spec.name),
        None => Cow::Owned(clip(m)),
    });
    let entry = Entry {
        http_method: req.method,
        host: origin.clone(),
        path: clip(req.path),
        method,
        params: mask(req.params),
        files: clip_list(req.files.into_iter().map(|f| f.name)),
        status,
        error_code,
    };
    lock(&shared.log).push(entry);
}

/// The same response with a `Content-Length` of the whole body, of which only half is sent
/// before the connection breaks.
async fn truncate(response: Response<Body>) -> Response<Body> {
    let (mut parts, body) = response.into_parts();
    let bytes = body
        .collect()
        .await
        .map(|c| c.to_bytes())
        .unwrap_or_default();
    let half = bytes.slice(..bytes.len() / 2);
    parts
        .headers
        .insert(CONTENT_LENGTH, HeaderValue::from(bytes.len().max(1)));
    let first = stream::once(async move { Ok::<_, io::Error>(Frame::data(half)) });
    // The pause lets hyper flush the headers and the first half before the body breaks.
    let broken = stream::once(async {
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        Err(io::Error::new(
            io::ErrorKind::ConnectionAborted,
            "truncated by fault injection",
        ))
    });
    Response::from_parts(parts, BodyExt::boxed(StreamBody::new(first.chain(broken))))
}

/// The origin of a listener: `http://127.0.0.1:PORT`.
pub(crate) fn origin(addr: std::net::SocketAddr) -> String {
    format!("http://{addr}")
}
