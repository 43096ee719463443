//! The public, unsigned `/platform/<domain>/<nick>` endpoint (spec §8).

use hyper::{Response, StatusCode};

use crate::http::{self, Body};
use crate::oauth::pages;
use crate::render;
use crate::state::State;

/// `rest` is the path after `/platform/`, e.g. `mail/ivanov` or `community/name/`.
pub(crate) fn profile(st: &State, rest: &str) -> Response<Body> {
    let mut parts = rest.trim_end_matches('/').splitn(2, '/');
    let (Some(domain), Some(nick)) = (parts.next(), parts.next()) else {
        return http::html(StatusCode::NOT_FOUND, pages::not_found());
    };
    let w = &st.world;
    match w.by_link.get(&(domain.to_owned(), nick.to_owned())) {
        Some(&i) => http::json(StatusCode::OK, &render::user(w, &w.users[i], None, 0)),
        None => http::html(StatusCode::NOT_FOUND, pages::not_found()),
    }
}
