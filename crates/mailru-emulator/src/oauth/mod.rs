//! OAuth 2.0 of spec §5 and decisions.md: the authorize dialogs, the login form target,
//! the token endpoint.

pub(crate) mod pages;
mod token;

use std::collections::BTreeSet;

use hyper::{Method, Response, StatusCode};
use url::Url;
use url::form_urlencoded::Serializer;

use crate::accounts::ALL_PRIVILEGES;
use crate::hosts::Origins;
use crate::http::{self, Body, Incoming};
use crate::state::{Pending, State};

pub(crate) use token::token;

/// The browser session cookie of a logged-in user (the real platform's name).
pub(crate) const LOGIN_COOKIE: &str = "Mpop";

/// Known privileges of a `scope` value, in canonical order. Separators are spaces (the
/// standard), commas, and the stray quotes one real dialog URL carried.
pub(super) fn parse_scope(raw: Option<&str>) -> BTreeSet<String> {
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
    /// `None` when `client_id` is missing or names no app. `connect` is the origin of
    /// connect.mail.ru, home of the default `redirect_uri`.
    fn parse(st: &State, req: &Incoming, connect: &str) -> Option<Self> {
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
                .map_or_else(|| format!("{connect}/oauth/success.html"), str::to_owned),
            scope: parse_scope(req.param("scope")),
            state: req.param("state").unwrap_or_default().to_owned(),
        })
    }

    /// The authorize URL again (on connect.mail.ru), with `extra` appended: `Page`
    /// (`login=1`) and `FailPage` (`fail=1`) of the login form.
    fn url(&self, connect: &str, extra: &[(&str, &str)]) -> String {
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
        with_params(&format!("{connect}/oauth/authorize"), &pairs, false)
    }

    fn decline(&self) -> Response<Body> {
        let mut pairs = vec![("error", "access_denied")];
        if !self.state.is_empty() {
            pairs.push(("state", self.state.as_str()));
        }
        http::redirect(&with_params(&self.redirect_uri, &pairs, false), &[])
    }
}

/// GET (or POST) `/oauth/authorize` (connect.mail.ru). The login form posts to
/// auth.mail.ru and comes back here.
pub(crate) fn authorize(st: &mut State, req: &Incoming, origins: &Origins) -> Response<Body> {
    if req.method == Method::POST && req.param("sig").is_some() {
        return consent(st, req);
    }
    let connect = origins.connect.as_str();
    let Some(ar) = AuthRequest::parse(st, req, connect) else {
        return http::html(StatusCode::OK, pages::no_client());
    };
    if req.param("decline") == Some("1") {
        return ar.decline();
    }
    if ar.response_type != "token" && ar.response_type != "code" {
        let pairs = [("error", "unsupported_response_type")];
        return http::redirect(&with_params(&ar.redirect_uri, &pairs, false), &[]);
    }
    // `parse` only accepts a client_id of a known app.
    let Some(app) = st.world.apps.get(&ar.app_id) else {
        return http::html(StatusCode::OK, pages::no_client());
    };
    let Some(uid) = logged_in(st, req) else {
        let page_url = ar.url(connect, &[("login", "1")]);
        let fail_url = ar.url(connect, &[("fail", "1")]);
        let page = pages::login(
            &app.name,
            &ordered(&ar.scope),
            &format!("{}/cgi-bin/auth", origins.auth),
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
    if app.in_development && uid != app.author && !app.testers.contains(&uid) {
        return http::html(StatusCode::OK, pages::denied(&account));
    }
    let granted = st.world.installs.get(&(ar.app_id, uid));
    if granted.is_some_and(|g| ar.scope.is_subset(g)) {
        return finish(st, &ar, uid);
    }
    let key = st.random.hex32();
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
        &format!("{connect}/oauth/authorize"),
        &hidden,
        &ar.url(connect, &[("decline", "1")]),
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
        let code = st.random.hex32();
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

/// POST `/cgi-bin/auth` (auth.mail.ru): the login form. Redirects to `Page` with cookies,
/// to `FailPage` on bad credentials, or to `/recovery` for a blocked user.
pub(crate) fn login(st: &mut State, req: &Incoming, origins: &Origins) -> Response<Body> {
    let (Some(page), Some(fail)) = (req.param("Page"), req.param("FailPage")) else {
        return http::html(
            StatusCode::BAD_REQUEST,
            pages::bad_request("Не переданы параметры Page и FailPage."),
        );
    };
    // Only redirect back to the dialog on connect.mail.ru (the real platform redirects to
    // mail.ru hosts only).
    let connect = origins.connect.as_str();
    if !same_origin(page, connect) || !same_origin(fail, connect) {
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
        Some(u) if u.blocked => {
            http::redirect(&format!("{}/recovery?from=oauth", origins.auth), &[])
        }
        Some(u) => {
            let uid = u.uid;
            let cookie = st.random.hex32();
            let t = st.random.hex32();
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
