//! The control API under `/_emulator/`: fault injection, stubs, users, events and
//! sessions added at run time, token expiry, the request log.
//! Requests here are neither logged nor subject to faults.
//!
//! It listens on loopback, where any web page the user opens can reach it, so it refuses
//! what a browser would send on a page's behalf: a request whose `Origin` is not the
//! emulator's own (403), and a JSON endpoint called without `Content-Type:
//! application/json` (415; a cross-site form or `no-cors` fetch cannot set that type).

use hyper::{Method, Response, StatusCode};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::faults::{Fault, RandomFaults};
use crate::http::{self, Body, Incoming};
use crate::server::{Shared, lock, write};
use crate::state::now;
use crate::stubs::Stub;
use crate::world::{self, load};

#[derive(Deserialize)]
struct TokenBody {
    #[serde(default)]
    token: Option<String>,
}

#[derive(Deserialize)]
struct DeclineBody {
    uid: String,
    #[serde(default = "yes")]
    decline: bool,
}

#[derive(Deserialize)]
struct InstallBody {
    app_id: u64,
    uid: String,
}

fn yes() -> bool {
    true
}

fn ok(value: Value) -> Response<Body> {
    http::json(StatusCode::OK, &value)
}

fn bad(message: String) -> Response<Body> {
    http::json(StatusCode::BAD_REQUEST, &json!({"error": message}))
}

fn parse<T: for<'de> Deserialize<'de>>(req: &Incoming) -> Result<T, String> {
    let body: &[u8] = if req.body.is_empty() {
        b"{}"
    } else {
        &req.body
    };
    serde_json::from_slice(body).map_err(|e| format!("invalid JSON body: {e}"))
}

fn uid(raw: &str) -> Result<u64, String> {
    raw.parse().map_err(|_| format!("invalid uid `{raw}`"))
}

/// The endpoints whose body is JSON.
fn takes_json(method: &Method, path: &str) -> bool {
    *method == Method::POST
        && matches!(
            path,
            "/faults"
                | "/faults/random"
                | "/stubs"
                | "/users"
                | "/events"
                | "/sessions"
                | "/tokens/expire"
                | "/tokens/revoke"
                | "/consent"
                | "/installs/remove"
        )
}

fn is_json(content_type: &str) -> bool {
    content_type
        .split(';')
        .next()
        .is_some_and(|t| t.trim().eq_ignore_ascii_case("application/json"))
}

/// Why a control request is refused before it is looked at, if it is.
fn refuse(own_origin: &str, req: &Incoming, path: &str) -> Option<Response<Body>> {
    if let Some(origin) = &req.origin
        && origin.trim_end_matches('/') != own_origin
    {
        let message = format!("control requests from origin {origin} are refused");
        return Some(http::json(
            StatusCode::FORBIDDEN,
            &json!({"error": message}),
        ));
    }
    if takes_json(&req.method, path) && !is_json(&req.content_type) {
        return Some(http::json(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            &json!({"error": "the body must be sent as Content-Type: application/json"}),
        ));
    }
    None
}

pub(crate) fn handle(shared: &Shared, own_origin: &str, req: &Incoming) -> Response<Body> {
    let path = req.path.get("/_emulator".len()..).unwrap_or_default();
    if let Some(refused) = refuse(own_origin, req, path) {
        return refused;
    }
    let result: Result<Response<Body>, String> = match (&req.method, path) {
        (&Method::GET, "/health") => Ok(ok(json!({"status": "ok"}))),
        (&Method::GET, "/log") => Ok(ok(json!(lock(&shared.log).snapshot()))),
        (&Method::DELETE, "/log") => {
            lock(&shared.log).clear();
            Ok(ok(json!({"cleared": true})))
        }
        (&Method::POST, "/faults") => parse::<Fault>(req).map(|f| {
            shared.faults.push(f);
            ok(json!({"queued": true}))
        }),
        (&Method::DELETE, "/faults") => {
            shared.faults.clear();
            Ok(ok(json!({"cleared": true})))
        }
        (&Method::POST, "/faults/random") => parse::<Option<RandomFaults>>(req).map(|r| {
            shared.faults.set_random(r);
            ok(json!({"random": true}))
        }),
        (&Method::POST, "/stubs") => parse::<Stub>(req).and_then(|stub| {
            shared.stubs.add(stub).map_err(|e| e.to_string())?;
            Ok(ok(json!({"armed": true})))
        }),
        (&Method::DELETE, "/stubs") => {
            shared.stubs.clear();
            Ok(ok(json!({"cleared": true})))
        }
        (&Method::POST, "/users") => parse::<world::User>(req).and_then(|user| {
            load::add_user(&mut write(&shared.state), &user).map_err(|e| e.to_string())?;
            Ok(ok(json!({"uid": user.uid.to_string()})))
        }),
        (&Method::POST, "/events") => parse::<world::Event>(req).and_then(|event| {
            let label = format!("event (author {})", event.author);
            let id = load::add_event(&mut write(&shared.state), &label, &event, now())
                .map_err(|e| e.to_string())?;
            Ok(ok(json!({"id": id})))
        }),
        (&Method::POST, "/sessions") => parse::<world::Session>(req).and_then(|session| {
            let label = format!("session (app {}, uid {})", session.app_id, session.uid);
            load::add_session(&mut write(&shared.state), &label, &session)
                .map_err(|e| e.to_string())?;
            Ok(ok(json!({"added": true})))
        }),
        (&Method::POST, "/tokens/expire") => parse::<TokenBody>(req).map(|b| {
            let n = write(&shared.state).expire(b.token.as_deref());
            ok(json!({"expired": n}))
        }),
        (&Method::POST, "/tokens/revoke") => parse::<TokenBody>(req).map(|b| {
            let n = write(&shared.state).revoke(b.token.as_deref());
            ok(json!({"revoked": n}))
        }),
        (&Method::POST, "/consent") => parse::<DeclineBody>(req).and_then(|b| {
            let uid = uid(&b.uid)?;
            write(&shared.state).set_declines(uid, b.decline);
            Ok(ok(json!({"uid": b.uid, "decline": b.decline})))
        }),
        (&Method::POST, "/installs/remove") => parse::<InstallBody>(req).and_then(|b| {
            let uid = uid(&b.uid)?;
            let removed = write(&shared.state).uninstall(b.app_id, uid);
            Ok(ok(json!({"removed": removed})))
        }),
        _ => {
            return http::json(
                StatusCode::NOT_FOUND,
                &json!({"error": format!("no control endpoint {} {}", req.method, req.path)}),
            );
        }
    };
    result.unwrap_or_else(bad)
}
