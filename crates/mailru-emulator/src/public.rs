//! The public, unsigned `/platform/<domain>/<nick>` endpoint (spec §8).

use hyper::{Response, StatusCode};

use crate::http::{self, Body};
use crate::json::Json;
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
        Some(&i) => match w
            .users
            .get(i)
            .map(|u| Json::of(&render::user(w, u, None, 0)))
        {
            Some(Ok(body)) => http::json_body(StatusCode::OK, body),
            _ => http::html(StatusCode::NOT_FOUND, pages::not_found()),
        },
        None => http::html(StatusCode::NOT_FOUND, pages::not_found()),
    }
}
