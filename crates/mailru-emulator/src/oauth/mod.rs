//! OAuth 2.0 of spec §5 and decisions.md: the authorize dialogs, the login form target,
//! the token endpoint.

pub(crate) mod pages;

use std::collections::BTreeSet;

use hyper::{Method, Response, StatusCode};
use serde_json::json;
use url::Url;
use url::form_urlencoded::Serializer;

use crate::accounts::ALL_PRIVILEGES;
use crate::http::{self, Body, Incoming};
use crate::state::{Pending, State};

/// The browser session cookie of a logged-in user (the real platform's name).
pub(crate) const LOGIN_COOKIE: &str = "Mpop";

/// Known privileges of a `scope` value, in canonical order. Separators are spaces (the
/// standard), commas, and the stray quotes one real dialog URL carried.
fn parse_scope(raw: Option<&str>) -> BTreeSet<String> {
    let requested: Vec<&str> = raw
        .unwrap_or("")
        .split(|c: char| c.is_whitespace() || c == ',' || c == '+')
        .map(|p| p.trim_matches('"'))
        .collect();
    ALL_PRIVILEGES
        .iter()
        .filter(|p| requested.contains(p))
        .map(|p| (*p).to_owned())
        .collect()
}

fn ordered(scope: &BTreeSet<String>) -> Vec<String> {
    ALL_PRIVILEGES
        .iter()
        .filter(|p| scope.contains(**p))
        .map(|p| (*p).to_owned())
        .collect()
}

/// The emulator's `needed_permissions`: a bit per privilege in [`ALL_PRIVILEGES`] order
/// (the real bit assignment is unknown, spec §4).
fn needed_permissions(scope: &BTreeSet<String>) -> u32 {
    ALL_PRIVILEGES
        .iter()
        .enumerate()
        .filter(|(_, p)| scope.contains(**p))
        .map(|(i, _)| 1u32 << i)
        .sum()
}

/// `url` with `pairs` appended to its query (or, with `fragment`, as its fragment).
fn with_params(url: &str, pairs: &[(&str, &str)], fragment: bool) -> String {
    let mut ser = Serializer::new(String::new());
    for (k, v) in pairs {
        ser.append_pair(k, v);
    }
    let encoded = ser.finish();
    if fragment {
        let base = url.split('#').next().unwrap_or(url);
        return format!("{base}#{encoded}");
    }
    match Url::parse(url) {
        Ok(mut u) => {
            u.query_pairs_mut().extend_pairs(pairs.iter());
            u.to_string()
        }
        Err(_) => {
            let sep = if url.contains('?') { '&' } else { '?' };
            format!("{url}{sep}{encoded}")
        }
    }
}

fn logged_in(st: &State, req: &Incoming) -> Option<u64> {
    req.cookie(LOGIN_COOKIE)
        .and_then(|c| st.logins.get(c))
        .copied()
}

/// What an authorize request asks for.
struct AuthRequest {
    app_id: u64,
    response_type: String,
    redirect_uri: String,
    scope: BTreeSet<String>,
    state: String,
}

impl AuthRequest {
    /// `None` when `client_id` is missing or names no app.
    fn parse(st: &State, req: &Incoming, base: &str) -> Option<Self> {
        let app_id = req
            .param("client_id")
            .and_then(|id| id.parse::<u64>().ok())
            .filter(|id| st.world.apps.contains_key(id))?;
        Some(AuthRequest {
            app_id,
            response_type: req.param("response_type").unwrap_or("token").to_owned(),
            redirect_uri: req
                .param("redirect_uri")
                .filter(|r| !r.is_empty())
                .map_or_else(|| format!("{base}/oauth/success.html"), str::to_owned),
            scope: parse_scope(req.param("scope")),
            state: req.param("state").unwrap_or_default().to_owned(),
        })
    }

    /// The authorize URL again, with `extra` appended: `Page` (`login=1`) and `FailPage`
    /// (`fail=1`) of the login form.
    fn url(&self, base: &str, extra: &[(&str, &str)]) -> String {
        let scope = ordered(&self.scope).join(" ");
        let app = self.app_id.to_string();
        let mut pairs = vec![
            ("response_type", self.response_type.as_str()),
            ("client_id", app.as_str()),
            ("redirect_uri", self.redirect_uri.as_str()),
            ("scope", scope.as_str()),
        ];
        if !self.state.is_empty() {
            pairs.push(("state", self.state.as_str()));
        }
        pairs.extend_from_slice(extra);
        with_params(&format!("{base}/oauth/authorize"), &pairs, false)
    }

    fn decline(&self) -> Response<Body> {
        let mut pairs = vec![("error", "access_denied")];
        if !self.state.is_empty() {
            pairs.push(("state", self.state.as_str()));
        }
        http::redirect(&with_params(&self.redirect_uri, &pairs, false), &[])
    }
}

/// GET (or POST) `/oauth/authorize`.
pub(crate) fn authorize(st: &mut State, req: &Incoming, base: &str) -> Response<Body> {
    if req.method == Method::POST && req.param("sig").is_some() {
        return consent(st, req);
    }
    let Some(ar) = AuthRequest::parse(st, req, base) else {
        return http::html(StatusCode::OK, pages::no_client());
    };
    if req.param("decline") == Some("1") {
        return ar.decline();
    }
    if ar.response_type != "token" && ar.response_type != "code" {
        let pairs = [("error", "unsupported_response_type")];
        return http::redirect(&with_params(&ar.redirect_uri, &pairs, false), &[]);
    }
    let app = &st.world.apps[&ar.app_id];
    let Some(uid) = logged_in(st, req) else {
        let page_url = ar.url(base, &[("login", "1")]);
        let fail_url = ar.url(base, &[("fail", "1")]);
        let page = pages::login(
            &app.name,
            &ordered(&ar.scope),
            &format!("{base}/cgi-bin/auth"),
            &page_url,
            &fail_url,
            req.param("fail") == Some("1"),
        );
        return http::html(StatusCode::OK, page);
    };
    let account = st
        .world
        .user(uid)
        .map(|u| u.display_name())
        .unwrap_or_default();
    if app.in_development && uid != app.author {
        return http::html(StatusCode::OK, pages::denied(&account));
    }
    let granted = st.world.installs.get(&(ar.app_id, uid));
    if granted.is_some_and(|g| ar.scope.is_subset(g)) {
        return finish(st, &ar, uid);
    }
    let key = st.tokens.hex32();
    let app_name = app.name.clone();
    st.pending.insert(
        key.clone(),
        Pending {
            app_id: ar.app_id,
            uid,
            scope: ar.scope.clone(),
            redirect_uri: ar.redirect_uri.clone(),
            response_type: ar.response_type.clone(),
            state: ar.state.clone(),
        },
    );
    let client_id = ar.app_id.to_string();
    let needed = needed_permissions(&ar.scope).to_string();
    let hidden = [
        ("sig", key.as_str()),
        ("client_id", client_id.as_str()),
        ("redirect_uri", ar.redirect_uri.as_str()),
        ("response_type", ar.response_type.as_str()),
        ("state", ar.state.as_str()),
        ("login", "1"),
        ("needed_permissions", needed.as_str()),
    ];
    let page = pages::consent(
        &app_name,
        &account,
        &ordered(&ar.scope),
        &format!("{base}/oauth/authorize"),
        &hidden,
        &ar.url(base, &[("decline", "1")]),
    );
    http::html(StatusCode::OK, page)
}

/// POST of the consent form. Any POST counts as consent (aiomailru sends no `agree`),
/// unless it says `decline=1` / `agree=0` or the user was set to decline.
fn consent(st: &mut State, req: &Incoming) -> Response<Body> {
    let Some(uid) = logged_in(st, req) else {
        return http::html(
            StatusCode::BAD_REQUEST,
            pages::bad_request("Войдите, чтобы разрешить доступ."),
        );
    };
    let key = req.param("sig").unwrap_or_default();
    let pending = match st.pending.get(key) {
        Some(p) if p.uid == uid => st.pending.remove(key),
        _ => None,
    };
    let Some(p) = pending else {
        return http::html(
            StatusCode::BAD_REQUEST,
            pages::bad_request("Форма устарела, откройте диалог заново."),
        );
    };
    let ar = AuthRequest {
        app_id: p.app_id,
        response_type: p.response_type,
        redirect_uri: p.redirect_uri,
        scope: p.scope,
        state: p.state,
    };
    let declined = req.param("decline") == Some("1")
        || req.param("agree") == Some("0")
        || st.declines.contains(&uid);
    if declined {
        return ar.decline();
    }
    finish(st, &ar, uid)
}

/// Grants the scope and redirects with a token (fragment) or a code (query).
fn finish(st: &mut State, ar: &AuthRequest, uid: u64) -> Response<Body> {
    if ar.response_type == "code" {
        let code = st.tokens.hex32();
        let granted = st.world.installs.entry((ar.app_id, uid)).or_default();
        granted.extend(ar.scope.iter().cloned());
        st.codes.insert(
            code.clone(),
            crate::state::Code {
                app_id: ar.app_id,
                uid,
                scope: ar.scope.clone(),
                redirect_uri: ar.redirect_uri.clone(),
            },
        );
        let mut pairs = vec![("code", code.as_str())];
        if !ar.state.is_empty() {
            pairs.push(("state", ar.state.as_str()));
        }
        return http::redirect(&with_params(&ar.redirect_uri, &pairs, false), &[]);
    }
    let issued = st.issue(ar.app_id, uid, ar.scope.clone());
    let expires = issued.expires_in.to_string();
    let vid = issued.uid.to_string();
    let mut pairs = vec![
        ("access_token", issued.access_token.as_str()),
        ("refresh_token", issued.refresh_token.as_str()),
        ("expires_in", expires.as_str()),
        ("token_type", "bearer"),
        ("x_mailru_vid", vid.as_str()),
    ];
    if !ar.state.is_empty() {
        pairs.push(("state", ar.state.as_str()));
    }
    http::redirect(&with_params(&ar.redirect_uri, &pairs, true), &[])
}

/// Whether `url` has the scheme, host and port of `base` (a bare prefix test would let
/// `{base}.evil.example` or `{base}@evil.example` through).
fn same_origin(url: &str, base: &str) -> bool {
    match (Url::parse(url), Url::parse(base)) {
        (Ok(u), Ok(b)) => u.origin() == b.origin(),
        _ => false,
    }
}

/// POST `/cgi-bin/auth`: the login form. Redirects to `Page` with cookies, to `FailPage`
/// on bad credentials, or to `/recovery` for a blocked user.
pub(crate) fn login(st: &mut State, req: &Incoming, base: &str) -> Response<Body> {
    let (Some(page), Some(fail)) = (req.param("Page"), req.param("FailPage")) else {
        return http::html(
            StatusCode::BAD_REQUEST,
            pages::bad_request("Не переданы параметры Page и FailPage."),
        );
    };
    // Only redirect within the platform (the real one only to mail.ru hosts).
    if !same_origin(page, base) || !same_origin(fail, base) {
        return http::html(
            StatusCode::BAD_REQUEST,
            pages::bad_request("Недопустимый адрес возврата."),
        );
    }
    let login = req.param("Login").unwrap_or_default().trim().to_lowercase();
    let email = if login.contains('@') {
        login
    } else {
        format!(
            "{login}@{}",
            req.param("Domain")
                .unwrap_or("mail.ru")
                .trim()
                .to_lowercase()
        )
    };
    let password = req.param("Password").unwrap_or_default();
    let user = st
        .world
        .by_email
        .get(&email)
        .map(|&i| &st.world.users[i])
        .filter(|u| u.password.as_deref() == Some(password));
    match user {
        None => http::redirect(fail, &[]),
        Some(u) if u.blocked => http::redirect(&format!("{base}/recovery?from=oauth"), &[]),
        Some(u) => {
            let uid = u.uid;
            let cookie = st.tokens.hex32();
            let t = st.tokens.hex32();
            st.logins.insert(cookie.clone(), uid);
            http::redirect(
                page,
                &[
                    (
                        "set-cookie",
                        format!("{LOGIN_COOKIE}={cookie}; Path=/; HttpOnly"),
                    ),
                    ("set-cookie", format!("t={t}; Path=/")),
                    (
                        "set-cookie",
                        format!("ssdc={}; Path=/cgi-bin; HttpOnly", &t[..16]),
                    ),
                ],
            )
        }
    }
}

fn token_error(error: &str, description: &str) -> Response<Body> {
    http::json(
        StatusCode::BAD_REQUEST,
        &json!({"error": error, "error_description": description}),
    )
}

/// POST `/oauth/token`: authorization_code, password and refresh_token grants on one path
/// (spec §11: simplest to accept all grants on both hosts).
pub(crate) fn token(st: &mut State, req: &Incoming) -> Response<Body> {
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
