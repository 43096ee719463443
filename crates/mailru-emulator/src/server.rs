//! The HTTP server: one origin for every host of the platform, real paths kept.

use std::io;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use futures::{StreamExt, stream};
use http_body_util::{BodyExt, StreamBody};
use hyper::body::Frame;
use hyper::header::{CONTENT_LENGTH, CONTENT_TYPE, HeaderValue};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinSet;

use crate::control;
use crate::faults::{FaultKind, Faults};
use crate::http::{self, Body, Incoming};
use crate::log::{LoggedRequest, RequestLog, mask};
use crate::oauth::{self, pages};
use crate::public;
use crate::rest::{self, ApiError};
use crate::state::State;

/// Everything the request handlers share.
#[derive(Debug)]
pub(crate) struct Shared {
    pub state: Mutex<State>,
    pub faults: Mutex<Faults>,
    pub log: Mutex<RequestLog>,
    pub base_url: String,
}

/// Locks a mutex; a handler that panicked cannot leave the data half-written in a way that
/// matters for a test server, so a poisoned lock is used as it is.
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
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

/// Accepts connections until `shutdown` flips; dropping the task set closes them all.
pub(crate) async fn run(
    listener: TcpListener,
    shared: Arc<Shared>,
    mut shutdown: watch::Receiver<bool>,
) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let Ok((stream, _)) = accepted else { continue };
                let _ = stream.set_nodelay(true);
                let shared = shared.clone();
                connections.spawn(async move {
                    let service = service_fn(move |req| handle(shared.clone(), req));
                    let _ = http1::Builder::new()
                        .keep_alive(true)
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
            _ = shutdown.changed() => break,
        }
    }
}

/// A routed response and what the log should say about it.
struct Routed {
    response: Response<Body>,
    method: Option<String>,
    error_code: Option<u32>,
}

async fn handle(
    shared: Arc<Shared>,
    req: Request<hyper::body::Incoming>,
) -> Result<Response<Body>, Dropped> {
    let incoming = match http::read(req).await {
        Ok(i) => i,
        Err(resp) => return Ok(resp),
    };
    if incoming.path.starts_with("/_emulator/") {
        return Ok(control::handle(&shared, &incoming));
    }
    let is_rest = is_rest_path(&incoming.path);
    let method = is_rest
        .then(|| incoming.param("method").map(str::to_owned))
        .flatten();
    let target = method.clone().unwrap_or_else(|| incoming.path.clone());
    let fault = lock(&shared.faults).take(&target);
    if let Some(delay) = fault.as_ref().and_then(FaultKind::delay) {
        tokio::time::sleep(delay).await;
    }
    let routed = match &fault {
        Some(FaultKind::DropConnection) => {
            record(&shared, &incoming, method, None, None);
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
        _ => route(&shared, &incoming, method, is_rest),
    };
    record(
        &shared,
        &incoming,
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

fn is_rest_path(path: &str) -> bool {
    path == "/platform/api" || path.starts_with("/platform/api/")
}

fn route(shared: &Shared, req: &Incoming, method: Option<String>, is_rest: bool) -> Routed {
    let mut st = lock(&shared.state);
    let base = shared.base_url.as_str();
    let plain = |response| Routed {
        response,
        method: None,
        error_code: None,
    };
    if is_rest {
        let result = rest::call(&mut st, &req.params, &req.files);
        drop(st);
        let (response, error_code) = match result {
            Ok(value) => (http::json(StatusCode::OK, &value), None),
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
    plain(match (&req.method, path) {
        (&Method::GET | &Method::POST, "/oauth/authorize") => oauth::authorize(&mut st, req, base),
        (&Method::POST, "/cgi-bin/auth") => oauth::login(&mut st, req, base),
        (&Method::POST, "/oauth/token") => oauth::token(&mut st, req),
        (&Method::GET, "/oauth/success.html") => http::html(StatusCode::OK, pages::success()),
        (&Method::GET, "/recovery") => http::html(StatusCode::OK, pages::recovery()),
        (&Method::GET, p) if p.starts_with("/platform/") => {
            public::profile(&st, &p["/platform/".len()..])
        }
        _ => http::html(StatusCode::NOT_FOUND, pages::not_found()),
    })
}

fn record(
    shared: &Shared,
    req: &Incoming,
    method: Option<String>,
    status: Option<u16>,
    error_code: Option<u32>,
) {
    lock(&shared.log).push(LoggedRequest {
        seq: 0,
        http_method: req.method.to_string(),
        path: req.path.clone(),
        method,
        params: mask(&req.params),
        files: req.files.iter().map(|f| f.name.clone()).collect(),
        status,
        error_code,
    });
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

/// The address to print: loopback addresses as `127.0.0.1`.
pub(crate) fn base_url(addr: SocketAddr) -> String {
    format!("http://{addr}")
}
