//! messages.*, mail.getUnreadCount, events.getNewCount, notifications.send

use serde::Serialize;
use serde_json::{Value, json};

use crate::json::Json;
use crate::model::{Message, World};
use crate::render;
use crate::render::AuthorJson;
use crate::rest::ctx::{ApiResult, Read, Write, slice};
use crate::rest::error::ApiError;

/// An item of messages.getThreadsList.
#[derive(Serialize)]
struct ThreadJson<'a> {
    time: u64,
    unread: u8,
    user: AuthorJson<'a>,
    last_message: &'a str,
    messages_count: usize,
}

pub(super) fn threads_list(c: &Read<'_>) -> ApiResult {
    let me = c.me()?;
    let (offset, limit) = c.window(10)?;
    let w = &c.state.world;
    let mut threads: Vec<(u64, &Vec<Message>)> = w
        .threads
        .iter()
        .filter(|((a, b), m)| (*a == me || *b == me) && !m.is_empty())
        .map(|((a, b), m)| (if *a == me { *b } else { *a }, m))
        .collect();
    // Newest conversation first; uid breaks ties so the order is stable.
    threads.sort_by_key(|(other, m)| (std::cmp::Reverse(m.last().map_or(0, |x| x.time)), *other));
    let page: Vec<ThreadJson<'_>> = slice(&threads, offset, limit)
        .iter()
        .map(|(other, messages)| {
            let last = messages.last();
            ThreadJson {
                time: last.map_or(0, |m| m.time),
                unread: u8::from(messages.iter().any(|m| m.unread && m.from != me)),
                user: render::author(w, *other, Some(me), c.app_id),
                last_message: last.map_or("", |m| m.text.as_str()),
                messages_count: messages.len(),
            }
        })
        .collect();
    Ok(Json::of(&page)?)
}

/// Newest first. `type` 1 = sent by the caller, 0 = received (spec §7.6 leaves it open;
/// one of the two client readings). Reading marks the received messages of the page read.
pub(super) fn thread(c: &mut Write<'_>) -> ApiResult {
    let me = c.me()?;
    let other = c.number("uid")?.ok_or_else(|| ApiError::missing("uid"))?;
    c.state.world.user(other).ok_or_else(ApiError::invalid)?;
    let (offset, limit) = c.window(10)?;
    let Some(messages) = c.state.world.threads.get_mut(&World::thread_key(me, other)) else {
        return Ok(json!([]).into());
    };
    let len = messages.len();
    let start = len.saturating_sub(offset.saturating_add(limit));
    let end = len.saturating_sub(offset);
    let page: Vec<Value> = messages[start..end]
        .iter_mut()
        .rev()
        .map(|m| {
            let item = json!({
                "time": m.time,
                "type": u8::from(m.from == me),
                "message": [{"content": m.text}],
                "filtered_message": m.text,
                "unread": u8::from(m.unread),
            });
            if m.from != me {
                m.unread = false;
            }
            item
        })
        .collect();
    Ok(Value::Array(page).into())
}

pub(super) fn unread_count(c: &Read<'_>) -> ApiResult {
    let me = c.me()?;
    let count: usize = c
        .state
        .world
        .threads
        .iter()
        .filter(|((a, b), _)| *a == me || *b == me)
        .map(|(_, m)| m.iter().filter(|m| m.unread && m.from != me).count())
        .sum();
    Ok(json!({"count": count}).into())
}

pub(super) fn post(c: &mut Write<'_>) -> ApiResult {
    let me = c.me()?;
    let other = c.number("uid")?.ok_or_else(|| ApiError::missing("uid"))?;
    let text = c.required("message")?.to_owned();
    let w = &mut c.state.world;
    if other == me || w.user(other).is_none_or(|u| u.community.is_some()) {
        return Err(ApiError::invalid());
    }
    let thread = w.threads.entry(World::thread_key(me, other)).or_default();
    let time = thread.last().map_or(c.now, |m| c.now.max(m.time + 1));
    thread.push(Message {
        from: me,
        time,
        text,
        unread: true,
    });
    Ok(json!(1).into())
}

pub(super) fn mail_unread_count(c: &Read<'_>) -> ApiResult {
    let me = c.me()?;
    Ok(json!({"count": c.state.world.unread_mail.get(&me).copied().unwrap_or(0)}).into())
}

pub(super) fn events_new_count(c: &Read<'_>) -> ApiResult {
    let uid = c.uid_or_self("uid")?;
    c.state.world.user(uid).ok_or_else(ApiError::invalid)?;
    Ok(json!({"count": c.state.world.new_events.get(&uid).copied().unwrap_or(0)}).into())
}

/// Each notification counts as a new event of its recipient, so events.getNewCount shows it.
pub(super) fn notifications_send(c: &mut Write<'_>) -> ApiResult {
    let uids = c
        .uid_list("uids")?
        .ok_or_else(|| ApiError::missing("uids"))?;
    c.required("text")?;
    let w = &mut c.state.world;
    if uids.len() > c.state.config.uids_cap || uids.iter().any(|u| w.user(*u).is_none()) {
        return Err(ApiError::invalid());
    }
    for uid in uids {
        *w.new_events.entry(uid).or_default() += 1;
    }
    Ok(json!(1).into())
}
