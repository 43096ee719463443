//! Entry points for fuzz targets, property tests and benchmarks: the emulator's request
//! parsing, REST dispatch and stream rendering as pure, synchronous functions of raw
//! input. Not a stable API, hidden from the documentation; none of these may panic on any
//! input.

use bytes::Bytes;
use hyper::StatusCode;
use hyper::header::HeaderValue;
use serde_json::Value;

use crate::accounts::{APP_ID, APP_PRIVATE_KEY, APP_SECRET_KEY, DEMO_SESSION_KEY, DEMO_UID};
use crate::config::{Config, Limits};
use crate::events;
use crate::form;
use crate::rest;
use crate::server::refusal;
use crate::state::State;
use crate::stubs::StubSet;
use crate::world::{World, WorldError, load};

/// What the emulator makes of a request before any handler sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedRequest {
    /// 200 when the request reaches a handler, else the status it is refused with
    /// (400 malformed or over a limit, 413 body too large).
    pub status: u16,
    /// For a refused REST request, the API error code of its envelope (100).
    pub error_code: Option<u32>,
    /// Query, form and multipart fields in arrival order.
    pub params: Vec<(String, String)>,
    /// Name and size of each uploaded file.
    pub files: Vec<(String, usize)>,
}

impl ParsedRequest {
    fn refused(status: StatusCode, error_code: Option<u32>) -> Self {
        ParsedRequest {
            status: status.as_u16(),
            error_code,
            params: Vec::new(),
            files: Vec::new(),
        }
    }
}

/// Parses a request with the limits of the default [`Config`]: `method` (`GET`), request
/// target (`/platform/api?a=1`), `Content-Type` header value and body, as the server would.
pub fn parse_request(
    method: &[u8],
    target: &[u8],
    content_type: &[u8],
    body: &[u8],
) -> ParsedRequest {
    parse_request_with(&Config::default(), method, target, content_type, body)
}

/// [`parse_request`] with the limits of `config`.
pub fn parse_request_with(
    config: &Config,
    method: &[u8],
    target: &[u8],
    content_type: &[u8],
    body: &[u8],
) -> ParsedRequest {
    let bad = || ParsedRequest::refused(StatusCode::BAD_REQUEST, None);
    if hyper::Method::from_bytes(method).is_err() {
        return bad();
    }
    let Ok(uri) = hyper::Uri::try_from(target) else {
        return bad();
    };
    let Ok(content_type) = HeaderValue::from_bytes(content_type) else {
        return bad();
    };
    // The server reads a header that is not visible ASCII as absent.
    let content_type = content_type.to_str().unwrap_or("");
    let limits = Limits::of(config);
    match form::parse(
        &limits,
        uri.query(),
        content_type,
        &Bytes::copy_from_slice(body),
    ) {
        Ok(parsed) => ParsedRequest {
            status: 200,
            error_code: None,
            params: parsed.params,
            files: parsed
                .files
                .into_iter()
                .map(|f| (f.name, f.bytes.len()))
                .collect(),
        },
        Err(reject) => {
            let (response, code) = refusal(uri.path(), &reject);
            ParsedRequest::refused(response.status(), code)
        }
    }
}

/// The answer of the REST endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RestAnswer {
    /// 200 for a result, 400 for an API error.
    pub status: u16,
    /// The JSON body.
    pub body: String,
    /// The `error_code` of an error envelope.
    pub error_code: Option<u32>,
}

/// A platform built from the default [`Config`], answering REST calls synchronously. One
/// value can take any number of calls (writes accumulate, as on the server).
#[derive(Debug)]
pub struct RestTarget {
    state: State,
    stubs: StubSet,
}

impl Default for RestTarget {
    fn default() -> Self {
        RestTarget::new(Config::default())
    }
}

impl RestTarget {
    /// A platform built from `config`.
    pub fn new(config: Config) -> Self {
        RestTarget {
            state: State::new(config),
            stubs: StubSet::default(),
        }
    }

    /// A platform of `world` with the limits of `config`.
    ///
    /// # Errors
    /// When the world does not hold together.
    pub fn with_world(world: World, config: &Config) -> Result<Self, WorldError> {
        Ok(RestTarget {
            state: load::state(world, config)?,
            stubs: StubSet::default(),
        })
    }

    /// `/platform/api` with these (already parsed) parameters and no files.
    pub fn dispatch(&mut self, params: &[(String, String)]) -> RestAnswer {
        match rest::call_mut(&mut self.state, &self.stubs, params, &[]) {
            Ok(body) => RestAnswer {
                status: 200,
                body: body.as_str().to_owned(),
                error_code: None,
            },
            Err(err) => RestAnswer {
                status: 400,
                body: err.envelope().to_string(),
                error_code: Some(err.code),
            },
        }
    }
}

impl RestTarget {
    /// The body `/platform/api` answers, without copying it: the REST path minus HTTP.
    pub fn dispatch_body(&mut self, params: &[(String, String)]) -> Vec<u8> {
        match rest::call_mut(&mut self.state, &self.stubs, params, &[]) {
            Ok(body) => body.0,
            Err(err) => err.envelope().to_string().into_bytes(),
        }
    }

    /// Renders the events of `author` newest first, `limit` of them after the event `skip`
    /// (an exclusive cursor), as `viewer` sees them through app 423004: the JSON array of
    /// `stream.getByAuthor` without the checks. `None` for an unknown cursor.
    pub fn stream_page(
        &self,
        author: u64,
        viewer: Option<u64>,
        limit: usize,
        skip: Option<&str>,
    ) -> Option<Vec<u8>> {
        let (w, s) = (&self.state.world, &self.state.streams);
        let after = match skip {
            Some(id) => Some(events::parse_event_id(w, s, id)?),
            None => None,
        };
        let refs = events::page(w, s, &[author], after, limit, |_| true);
        let view = events::View::new(w, s, self.state.config.seed, viewer, APP_ID);
        view.page(&refs).ok().map(|json| json.0)
    }
}

/// [`RestTarget::dispatch`] on a fresh default platform.
pub fn dispatch_rest(params: &[(String, String)]) -> RestAnswer {
    RestTarget::default().dispatch(params)
}

/// `method` with `params`, as the demo user's session of app 423004 would send it: adds
/// `app_id`, `method`, `session_key` (and `secure=1` for the server circuit) and a valid
/// `sig`, so that fuzzed input gets past the signature check into the handlers. With
/// duplicate keys the request cannot be signed and goes out unsigned.
pub fn demo_call(method: &str, params: &[(String, String)], server: bool) -> Vec<(String, String)> {
    let mut p = vec![
        ("app_id".to_owned(), APP_ID.to_string()),
        ("method".to_owned(), method.to_owned()),
        ("session_key".to_owned(), DEMO_SESSION_KEY.to_owned()),
    ];
    p.extend(params.iter().cloned());
    let sig = if server {
        p.push(("secure".to_owned(), "1".to_owned()));
        mailru_sign::sign_server_server(&p, APP_SECRET_KEY)
    } else {
        mailru_sign::sign_client_server(&DEMO_UID.to_string(), &p, APP_PRIVATE_KEY)
    };
    if let Ok(sig) = sig {
        p.push(("sig".to_owned(), sig.to_string()));
    }
    p
}

/// Whether `body` is the JSON the REST endpoint promises: an error envelope with a numeric
/// code when `status` is 400, anything but an error envelope when it is 200.
pub fn is_well_formed(answer: &RestAnswer) -> bool {
    let Ok(v) = serde_json::from_str::<Value>(&answer.body) else {
        return false;
    };
    let code = v
        .get("error")
        .and_then(|e| e.get("error_code"))
        .and_then(Value::as_u64);
    match answer.status {
        200 => code.is_none(),
        400 => code.is_some() && code == answer.error_code.map(u64::from),
        _ => false,
    }
}
