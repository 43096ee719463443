//! The token endpoint `/oauth/token`: code, password and refresh grants (spec §5.1, §5.3,
//! §5.4), and which host takes which.

use hyper::{Response, StatusCode};
use serde_json::json;

use crate::hosts::{Host, takes_grant};
use crate::http::{self, Body, Incoming};
use crate::oauth::parse_scope;
use crate::state::State;

fn token_error(error: &str, description: &str) -> Response<Body> {
    http::json(
        StatusCode::BAD_REQUEST,
        &json!({"error": error, "error_description": description}),
    )
}

/// POST `/oauth/token`: with one origin, authorization_code, password and refresh_token
/// grants on one path (spec §11); with separate hosts, the code grant on connect.mail.ru
/// and the others on appsmail.ru, as on the real platform.
pub(crate) fn token(st: &mut State, req: &Incoming, host: Host) -> Response<Body> {
    let grant_type = req.param("grant_type").unwrap_or_default();
    if !takes_grant(host, grant_type) {
        return token_error(
            "unsupported_grant_type",
            &format!("grant_type '{grant_type}' is not supported on this host"),
        );
    }
    let Some(app) = req
        .param("client_id")
        .and_then(|id| id.parse::<u64>().ok())
        .and_then(|id| st.world.apps.get(&id))
    else {
        return token_error("invalid_client", "unknown client_id");
    };
    let app_id = app.id;
    // decisions.md: client_secret is the secret key, or the private key (apps without a
    // secret key, and clients such as the iOS SDK); either is accepted.
    let secret = req.param("client_secret").unwrap_or_default();
    let secret_ok = app.secret_key.as_deref() == Some(secret) || app.private_key == secret;
    if !secret_ok {
        return token_error("invalid_client", "client_secret is wrong");
    }
    let (in_development, author) = (app.in_development, app.author);
    let issued = match req.param("grant_type") {
        None | Some("") => return token_error("invalid_request", "grant_type is missing"),
        Some("authorization_code") => {
            let code = req.param("code").unwrap_or_default();
            let redirect = req.param("redirect_uri").unwrap_or_default();
            // A code is used up by any attempt, as OAuth recommends for misuse.
            match st.codes.remove(code) {
                Some(c) if c.app_id == app_id && c.redirect_uri == redirect => {
                    st.issue(app_id, c.uid, c.scope)
                }
                _ => return token_error("invalid_grant", "code is invalid or expired"),
            }
        }
        Some("password") => {
            let username = req.param("username").unwrap_or_default().to_lowercase();
            let password = req.param("password").unwrap_or_default();
            let user = st
                .world
                .by_email
                .get(&username)
                .map(|&i| &st.world.users[i])
                .filter(|u| u.password.as_deref() == Some(password));
            let Some(user) = user else {
                return token_error("invalid_grant", "invalid login or password");
            };
            if user.blocked {
                return token_error("invalid_grant", "user is blocked");
            }
            if in_development && user.uid != author {
                return token_error("invalid_client", "application is in the test mode");
            }
            let uid = user.uid;
            st.issue(app_id, uid, parse_scope(req.param("scope")))
        }
        Some("refresh_token") => {
            let refresh = req.param("refresh_token").unwrap_or_default();
            match st.refresh(refresh, app_id) {
                Some(issued) => issued,
                None => return token_error("invalid_grant", "refresh token is invalid"),
            }
        }
        Some(other) => {
            return token_error(
                "unsupported_grant_type",
                &format!("grant_type '{other}' is not supported"),
            );
        }
    };
    http::json(
        StatusCode::OK,
        &json!({
            "refresh_token": issued.refresh_token,
            "expires_in": issued.expires_in,
            "access_token": issued.access_token,
            "token_type": "bearer",
            "x_mailru_vid": issued.uid.to_string(),
        }),
    )
}
