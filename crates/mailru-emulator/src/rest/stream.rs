//! stream.*: the feed, an author's events, and the write methods that change them.

use serde_json::json;

use crate::events::{self, EventRef, Posted, View, event_id, parse_event_id, parse_thread_id};
use crate::rest::ctx::{ApiResult, Read, Write};
use crate::rest::error::ApiError;

/// Default `limit` of the skip-cursor methods (spec §9).
const DEFAULT_LIMIT: usize = 10;

/// `skip`, `limit`, `filter_app` → a newest-first page of `authors`' events.
fn page(c: &Read<'_>, authors: &[u64]) -> ApiResult {
    let w = &c.state.world;
    let s = &c.state.streams;
    let after = match c.get("skip").filter(|v| !v.is_empty()) {
        // An unknown cursor is error 100 (decisions.md), as is one of another stream.
        Some(id) => Some(
            parse_event_id(w, s, id)
                .filter(|e| authors.contains(&e.author))
                .ok_or_else(ApiError::invalid)?,
        ),
        None => None,
    };
    let limit = c
        .number("limit")?
        .map_or(DEFAULT_LIMIT, |l| l as usize)
        .min(c.state.config.page_cap);
    let filter_app = c.number("filter_app")?;
    let seed = c.seed();
    let refs = events::page(w, s, authors, after, limit, |e| {
        filter_app.is_none_or(|app| s.app_of(w, seed, e) == Some(app))
    });
    let view = View::new(w, s, seed, c.user, c.app_id);
    Ok(view.page(&refs)?)
}

pub(super) fn get(c: &Read<'_>) -> ApiResult {
    let me = c.me()?;
    let w = &c.state.world;
    let mut authors: Vec<u64> = w.friends.get(&me).cloned().unwrap_or_default();
    authors.extend(w.memberships.get(&me).into_iter().flatten().copied());
    page(c, &authors)
}

pub(super) fn get_by_author(c: &Read<'_>) -> ApiResult {
    let uid = c.uid_or_self("uid")?;
    let w = &c.state.world;
    w.user(uid).ok_or_else(ApiError::invalid)?;
    if !w.can_view(uid, c.user) {
        return Err(ApiError::code(202));
    }
    page(c, &[uid])
}

fn text_param(c: &Write<'_>, name: &str) -> String {
    c.get(name).unwrap_or_default().to_owned()
}

fn links(c: &Write<'_>) -> Vec<(String, String)> {
    [("link1_text", "link1_href"), ("link2_text", "link2_href")]
        .iter()
        .filter_map(|(t, h)| {
            let href = c.get(h).filter(|v| !v.is_empty())?;
            Some((c.get(t).unwrap_or(href).to_owned(), href.to_owned()))
        })
        .collect()
}

fn publish(c: &mut Write<'_>, event: impl FnOnce(u64) -> Posted) -> ApiResult {
    let me = c.me()?;
    let time = c.state.streams.next_time(&c.state.world, me, c.now);
    c.state.streams.post(me, event(time));
    let seq = c.state.streams.total(&c.state.world, me);
    Ok(json!({"id": event_id(EventRef { author: me, seq })}).into())
}

pub(super) fn post(c: &mut Write<'_>) -> ApiResult {
    let (title, text, user_text) = (
        text_param(c, "title"),
        text_param(c, "text"),
        text_param(c, "user_text"),
    );
    if title.is_empty() && text.is_empty() && user_text.is_empty() {
        return Err(ApiError::missing("text"));
    }
    let img_url = c
        .get("img_url")
        .filter(|v| !v.is_empty())
        .map(str::to_owned);
    let links = links(c);
    let app_id = c.app_id;
    publish(c, |time| Posted::Own {
        time,
        app_id,
        type_code: "5-17",
        type_name: "app_event",
        title,
        text,
        user_text,
        img_url,
        links,
    })
}

pub(super) fn share(c: &mut Write<'_>) -> ApiResult {
    let url = c.required("url")?.to_owned();
    let title = c
        .get("title")
        .filter(|v| !v.is_empty())
        .unwrap_or(&url)
        .to_owned();
    let text = text_param(c, "description");
    let user_text = text_param(c, "user_text");
    let img_url = c
        .get("img_url")
        .filter(|v| !v.is_empty())
        .map(str::to_owned);
    publish(c, |time| Posted::Own {
        time,
        app_id: 0,
        type_code: "5-26",
        type_name: "share",
        title: title.clone(),
        text,
        user_text,
        img_url,
        links: vec![(title, url)],
    })
}

/// The event a `thread_id` names, if the caller may see it.
fn target(c: &Write<'_>) -> Result<EventRef, ApiError> {
    let id = c.required("thread_id")?;
    let e = parse_thread_id(&c.state.world, &c.state.streams, id).ok_or_else(ApiError::invalid)?;
    if !c.state.world.can_view(e.author, c.user) {
        return Err(ApiError::code(202));
    }
    Ok(e)
}

pub(super) fn comment(c: &mut Write<'_>) -> ApiResult {
    let e = target(c)?;
    let text = c.required("text")?.to_owned();
    c.state.streams.overlay.entry(e).or_default().comments += 1;
    let comment_id = format!("{:016x}", c.state.world.fresh_id());
    let id = comment_id.clone();
    publish(c, |time| Posted::Comment {
        time,
        target: e,
        comment_id,
        text,
    })?;
    Ok(json!({"id": id}).into())
}

pub(super) fn like(c: &mut Write<'_>) -> ApiResult {
    let me = c.me()?;
    let e = target(c)?;
    c.state
        .streams
        .overlay
        .entry(e)
        .or_default()
        .likes
        .insert(me);
    Ok(json!(1).into())
}

pub(super) fn unlike(c: &mut Write<'_>) -> ApiResult {
    let me = c.me()?;
    let e = target(c)?;
    if let Some(o) = c.state.streams.overlay.get_mut(&e) {
        o.likes.remove(&me);
    }
    Ok(json!(1).into())
}
