//! Skip-cursor and offset-limit pagination (spec §6, §9; decisions.md "Methods and
//! pagination"): default limits, the page cap, exclusive `skip` cursors, walks that collect
//! everything exactly once, the uids cap, closed communities and sessionless public reads.

use crate::common;

use std::collections::HashSet;

use common::{Circuit, Env, Resp, sign};
use mailru_emulator::Emulator;
use mailru_emulator::accounts::{
    APP_ID, BIG_COMMUNITY_UID, CLOSED_COMMUNITY_UID, DEMO_UID, INBOX_EMAIL, INBOX_PASSWORD,
    INBOX_UID,
};
use serde_json::{Value, json};

/// Events of the big community with the default configuration.
const BIG_EVENTS: usize = 1_200;
/// Friends of the demo user with the default configuration.
const DEMO_FRIENDS: usize = 250;

fn demo() -> String {
    DEMO_UID.to_string()
}

fn big() -> String {
    BIG_COMMUNITY_UID.to_string()
}

#[track_caller]
fn ok(r: &Resp) -> Value {
    r.ok()
}

#[track_caller]
fn assert_error(r: &Resp, code: u64) {
    r.assert_error(code);
}

#[track_caller]
fn items(v: &Value) -> Vec<Value> {
    v.as_array()
        .unwrap_or_else(|| panic!("not an array: {v}"))
        .clone()
}

fn str_of(v: &Value, key: &str) -> String {
    v[key]
        .as_str()
        .unwrap_or_else(|| panic!("no string {key}: {v}"))
        .to_owned()
}

/// A server-server call without a session, signed with the secret key.
async fn sessionless(env: &Env, method: &str, extra: &[(&str, &str)]) -> Resp {
    let app = APP_ID.to_string();
    let mut params = vec![("app_id", app.as_str()), ("method", method)];
    params.extend_from_slice(extra);
    env.raw(&sign(&params, Circuit::Server, "")).await
}

/// Walks a skip-cursor method page by page (`limit` per call) until an empty page; checks
/// newest first within and across pages and no repeated id. Returns the pages.
async fn walk_skip(
    env: &Env,
    circuit: Circuit,
    method: &str,
    extra: &[(&str, &str)],
    limit: &str,
    max_pages: usize,
) -> Vec<Vec<Value>> {
    let mut pages = Vec::new();
    let mut seen = HashSet::new();
    let mut skip: Option<String> = None;
    let mut last_time = u64::MAX;
    loop {
        assert!(
            pages.len() <= max_pages,
            "{method}: more than {max_pages} pages"
        );
        let mut params: Vec<(&str, &str)> = extra.to_vec();
        params.push(("limit", limit));
        if let Some(s) = &skip {
            params.push(("skip", s));
        }
        let page = items(&env.ok(circuit, method, &params).await);
        if page.is_empty() {
            return pages;
        }
        for e in &page {
            let time = e["time"].as_u64().unwrap();
            assert!(time <= last_time, "{method}: {time} after {last_time}");
            last_time = time;
            assert!(seen.insert(str_of(e, "id")), "{method}: repeated event {e}");
        }
        skip = Some(str_of(page.last().unwrap(), "id"));
        pages.push(page);
    }
}

/// Walks an offset-limit method with `limit` until an empty page.
async fn walk_offset(
    env: &Env,
    method: &str,
    extra: &[(&str, &str)],
    limit: usize,
    max_pages: usize,
) -> Vec<Vec<Value>> {
    let mut pages: Vec<Vec<Value>> = Vec::new();
    let mut offset = 0;
    let limit_s = limit.to_string();
    loop {
        assert!(
            pages.len() <= max_pages,
            "{method}: more than {max_pages} pages"
        );
        let offset_s = offset.to_string();
        let mut params: Vec<(&str, &str)> = extra.to_vec();
        params.push(("offset", &offset_s));
        params.push(("limit", &limit_s));
        let page = items(&env.ok(Circuit::Client, method, &params).await);
        assert!(
            page.len() <= limit,
            "{method}: {} items for limit {limit}",
            page.len()
        );
        if page.is_empty() {
            return pages;
        }
        offset += page.len();
        pages.push(page);
    }
}

// ---------------------------------------------------------------------------------------
// stream.getByAuthor / stream.get: skip cursors

#[tokio::test]
async fn big_community_stream_default_limit_is_10_and_500_is_capped_at_100() {
    let env = Env::new().await;
    let first = items(
        &env.ok(Circuit::Client, "stream.getByAuthor", &[("uid", &big())])
            .await,
    );
    assert_eq!(first.len(), 10);
    let capped = items(
        &env.ok(
            Circuit::Client,
            "stream.getByAuthor",
            &[("uid", &big()), ("limit", "500")],
        )
        .await,
    );
    assert_eq!(capped.len(), 100);
    // Both start at the newest event.
    assert_eq!(first[..], capped[..10]);
    for e in &capped {
        assert_eq!(e["authors"][0]["uid"], big().as_str());
    }
    let three = env
        .ok(
            Circuit::Server,
            "stream.getByAuthor",
            &[("uid", &big()), ("limit", "3")],
        )
        .await;
    assert_eq!(items(&three)[..], capped[..3]);
}

#[tokio::test]
async fn big_community_skip_walk_yields_every_event_once_then_an_empty_page() {
    let env = Env::new().await;
    let pages = walk_skip(
        &env,
        Circuit::Client,
        "stream.getByAuthor",
        &[("uid", &big())],
        "500",
        20,
    )
    .await;
    assert_eq!(pages.len(), BIG_EVENTS / 100);
    assert!(pages.iter().all(|p| p.len() == 100));
    let ids: HashSet<String> = pages.iter().flatten().map(|e| str_of(e, "id")).collect();
    assert_eq!(ids.len(), BIG_EVENTS);
    // Strictly older: the first event of a page is older than the cursor event.
    for pair in pages.windows(2) {
        let (last, next) = (pair[0].last().unwrap(), &pair[1][0]);
        assert!(next["time"].as_u64() <= last["time"].as_u64());
        assert_ne!(next["id"], last["id"]);
    }
    // The oldest event as a cursor gives the empty page.
    let oldest = str_of(pages.last().unwrap().last().unwrap(), "id");
    let r = env
        .ok(
            Circuit::Client,
            "stream.getByAuthor",
            &[("uid", &big()), ("skip", &oldest)],
        )
        .await;
    assert_eq!(r, json!([]));
}

#[tokio::test]
async fn skip_is_an_exclusive_cursor_on_both_circuits() {
    let env = Env::new().await;
    let all = items(
        &env.ok(
            Circuit::Client,
            "stream.getByAuthor",
            &[("uid", &big()), ("limit", "30")],
        )
        .await,
    );
    for circuit in [Circuit::Client, Circuit::Server] {
        let cursor = str_of(&all[9], "id");
        let next = items(
            &env.ok(
                circuit,
                "stream.getByAuthor",
                &[("uid", &big()), ("skip", &cursor), ("limit", "20")],
            )
            .await,
        );
        assert_eq!(next[..], all[10..30]);
        // The Ruby client's skip=<id>&limit=1 gets the event right after, not the id itself.
        let one = items(
            &env.ok(
                circuit,
                "stream.getByAuthor",
                &[("uid", &big()), ("skip", &cursor), ("limit", "1")],
            )
            .await,
        );
        assert_eq!(one[..], all[10..11]);
    }
}

#[tokio::test]
async fn unknown_or_foreign_skip_ids_are_error_100() {
    let env = Env::new().await;
    let page = items(
        &env.ok(Circuit::Client, "stream.getByAuthor", &[("uid", &big())])
            .await,
    );
    let id = str_of(&page[0], "id");
    // Same author tag, a sequence number that does not exist.
    let beyond = format!("{}ffffff00", &id[..8]);
    let zero = format!("{}00000000", &id[..8]);
    for bad in [
        "0",
        "not-an-event-id",
        "zzzzzzzzzzzzzzzz",
        beyond.as_str(),
        zero.as_str(),
    ] {
        let r = env
            .call(
                Circuit::Client,
                "stream.getByAuthor",
                &[("uid", &big()), ("skip", bad)],
            )
            .await;
        assert_error(&r, 100);
    }
    // An id of the demo user's own stream is not a cursor of the community's stream.
    let own = items(
        &env.ok(Circuit::Client, "stream.getByAuthor", &[("uid", &demo())])
            .await,
    );
    let foreign = str_of(&own[0], "id");
    for circuit in [Circuit::Client, Circuit::Server] {
        let r = env
            .call(
                circuit,
                "stream.getByAuthor",
                &[("uid", &big()), ("skip", &foreign)],
            )
            .await;
        assert_error(&r, 100);
    }
    // And the other way round.
    let r = env
        .call(
            Circuit::Client,
            "stream.getByAuthor",
            &[("uid", &demo()), ("skip", &id)],
        )
        .await;
    assert_error(&r, 100);
    // An unknown skip in the feed as well.
    assert_error(
        &env.call(
            Circuit::Client,
            "stream.get",
            &[("skip", "ffffffffffffffff")],
        )
        .await,
        100,
    );
}

#[tokio::test]
async fn feed_skip_walk_is_newest_first_without_duplicates() {
    let env = Env::new().await;
    let first = items(&env.ok(Circuit::Client, "stream.get", &[]).await);
    assert_eq!(first.len(), 10, "default limit");
    let mut pages = Vec::new();
    let mut seen = HashSet::new();
    let mut last_time = u64::MAX;
    let mut skip: Option<String> = None;
    for _ in 0..6 {
        let mut params = vec![("limit", "25")];
        if let Some(s) = &skip {
            params.push(("skip", s.as_str()));
        }
        let page = items(&env.ok(Circuit::Client, "stream.get", &params).await);
        assert_eq!(page.len(), 25);
        for e in &page {
            let time = e["time"].as_u64().unwrap();
            assert!(
                time <= last_time,
                "feed not newest first: {time} after {last_time}"
            );
            last_time = time;
            assert!(seen.insert(str_of(e, "id")), "repeated event {e}");
        }
        skip = Some(str_of(page.last().unwrap(), "id"));
        pages.push(page);
    }
    assert_eq!(pages[0][..10], first[..]);
    // The feed mixes authors: friends and communities of the demo user.
    let friends: HashSet<String> = walk_offset(&env, "friends.get", &[], 100, 5)
        .await
        .into_iter()
        .flatten()
        .map(|u| u.as_str().unwrap().to_owned())
        .collect();
    let authors: Vec<&Value> = pages.iter().flatten().map(|e| &e["authors"][0]).collect();
    let distinct: HashSet<String> = authors.iter().map(|a| str_of(a, "uid")).collect();
    assert!(distinct.len() > 1, "{distinct:?}");
    for a in authors {
        let uid = str_of(a, "uid");
        let community = a["group_info"].is_object();
        assert!(
            friends.contains(&uid) || community,
            "{uid} is neither a friend nor a community of the demo user"
        );
        assert_ne!(uid, CLOSED_COMMUNITY_UID.to_string());
    }
    // The cursor of page 2 continues exactly after page 1 when fetched as one bigger page.
    let fifty = items(
        &env.ok(Circuit::Client, "stream.get", &[("limit", "50")])
            .await,
    );
    let joined: Vec<Value> = pages[..2].concat();
    assert_eq!(fifty, joined);
}

// ---------------------------------------------------------------------------------------
// offset-limit methods

#[tokio::test]
async fn friends_get_offset_walk_collects_all_250_friends() {
    let env = Env::new().await;
    let pages = walk_offset(&env, "friends.get", &[], 500, 10).await;
    let sizes: Vec<usize> = pages.iter().map(Vec::len).collect();
    assert_eq!(sizes, [100, 100, 50], "limit=500 is capped at 100");
    let uids: Vec<String> = pages
        .iter()
        .flatten()
        .map(|u| u.as_str().expect("ext=0 gives uid strings").to_owned())
        .collect();
    let distinct: HashSet<&String> = uids.iter().collect();
    assert_eq!(distinct.len(), DEMO_FRIENDS);
    assert!(!distinct.contains(&demo()));
    assert!(uids.iter().all(|u| u.parse::<u64>().is_ok()));
    // Without a limit the page is at most the cap.
    let default = items(&env.ok(Circuit::Client, "friends.get", &[]).await);
    assert!(!default.is_empty() && default.len() <= 100);
    assert_eq!(default[..], pages[0][..default.len()]);
    // Beyond the end: an empty array.
    for offset in ["250", "1000"] {
        assert_eq!(
            env.ok(Circuit::Client, "friends.get", &[("offset", offset)])
                .await,
            json!([])
        );
    }
}

#[tokio::test]
async fn friends_get_ext_gives_user_objects_in_the_same_order() {
    let env = Env::new().await;
    for offset in ["0", "100", "240"] {
        let plain = items(
            &env.ok(
                Circuit::Client,
                "friends.get",
                &[("offset", offset), ("limit", "30")],
            )
            .await,
        );
        let ext = items(
            &env.ok(
                Circuit::Client,
                "friends.get",
                &[("offset", offset), ("limit", "30"), ("ext", "1")],
            )
            .await,
        );
        assert_eq!(plain.len(), ext.len());
        for (uid, user) in plain.iter().zip(&ext) {
            assert!(user.is_object(), "{user}");
            assert_eq!(&user["uid"], uid, "uid is a string equal to the ext=0 item");
            assert!(user["first_name"].is_string());
            assert_eq!(user["is_friend"], 1);
        }
    }
    let tail = env
        .ok(
            Circuit::Client,
            "friends.get",
            &[("offset", "245"), ("limit", "30"), ("ext", "1")],
        )
        .await;
    assert_eq!(items(&tail).len(), 5);
    let past = env
        .ok(
            Circuit::Client,
            "friends.get",
            &[("offset", "250"), ("ext", "1")],
        )
        .await;
    assert_eq!(past, json!([]));
}

#[tokio::test]
async fn guestbook_get_default_limit_and_offset_walk() {
    let env = Env::new().await;
    let full = items(
        &env.ok(Circuit::Client, "guestbook.get", &[("limit", "100")])
            .await,
    );
    assert_eq!(full.len(), 15, "the demo guestbook has 15 posts");
    let first = items(&env.ok(Circuit::Client, "guestbook.get", &[]).await);
    assert_eq!(first[..], full[..10], "default limit 10");
    let second = items(
        &env.ok(Circuit::Client, "guestbook.get", &[("offset", "10")])
            .await,
    );
    assert_eq!(second[..], full[10..]);
    assert_eq!(
        env.ok(Circuit::Client, "guestbook.get", &[("offset", "15")])
            .await,
        json!([])
    );
    let pages = walk_offset(&env, "guestbook.get", &[("uid", &demo())], 4, 10).await;
    assert_eq!(pages.iter().map(Vec::len).collect::<Vec<_>>(), [4, 4, 4, 3]);
    assert_eq!(pages.concat(), full);
    let ids: HashSet<String> = full.iter().map(|p| str_of(p, "id")).collect();
    assert_eq!(ids.len(), 15);
    // Newest first.
    for pair in full.windows(2) {
        assert!(pair[0]["time"].as_u64() >= pair[1]["time"].as_u64());
    }
}

#[tokio::test]
async fn messages_threads_list_offset_walk() {
    let env = Env::new().await;
    let first = items(
        &env.ok(Circuit::Client, "messages.getThreadsList", &[])
            .await,
    );
    assert_eq!(first.len(), 10, "default limit 10");
    let full = items(
        &env.ok(
            Circuit::Client,
            "messages.getThreadsList",
            &[("limit", "100")],
        )
        .await,
    );
    assert_eq!(full.len(), 25, "the demo user has 25 conversations");
    assert_eq!(first[..], full[..10]);
    let pages = walk_offset(&env, "messages.getThreadsList", &[], 10, 10).await;
    assert_eq!(pages.iter().map(Vec::len).collect::<Vec<_>>(), [10, 10, 5]);
    assert_eq!(pages.concat(), full);
    let others: HashSet<String> = full.iter().map(|t| str_of(&t["user"], "uid")).collect();
    assert_eq!(others.len(), 25);
    for pair in full.windows(2) {
        assert!(pair[0]["time"].as_u64() >= pair[1]["time"].as_u64());
    }
}

/// A message without its read flag (reading a page marks it read).
fn message_key(m: &Value) -> (u64, u64, String) {
    (
        m["time"].as_u64().unwrap(),
        m["type"].as_u64().unwrap(),
        str_of(m, "filtered_message"),
    )
}

#[tokio::test]
async fn messages_get_thread_offset_walk() {
    let env = Env::new().await;
    let threads = items(
        &env.ok(
            Circuit::Client,
            "messages.getThreadsList",
            &[("limit", "100")],
        )
        .await,
    );
    let thread = threads
        .iter()
        .max_by_key(|t| t["messages_count"].as_u64())
        .unwrap();
    let count = thread["messages_count"].as_u64().unwrap() as usize;
    assert!(
        count > 10,
        "the longest seeded conversation has {count} messages"
    );
    let other = str_of(&thread["user"], "uid");
    let full = items(
        &env.ok(
            Circuit::Client,
            "messages.getThread",
            &[("uid", &other), ("limit", "100")],
        )
        .await,
    );
    assert_eq!(full.len(), count);
    let keys: Vec<_> = full.iter().map(message_key).collect();
    for pair in keys.windows(2) {
        assert!(pair[0].0 >= pair[1].0, "newest first");
    }
    let first = items(
        &env.ok(Circuit::Client, "messages.getThread", &[("uid", &other)])
            .await,
    );
    assert_eq!(first.len(), 10, "default limit 10");
    let pages = walk_offset(&env, "messages.getThread", &[("uid", &other)], 3, 20).await;
    assert_eq!(pages.iter().map(Vec::len).sum::<usize>(), count);
    let walked: Vec<_> = pages.concat().iter().map(message_key).collect();
    assert_eq!(walked, keys);
    let past = (count + 5).to_string();
    assert_eq!(
        env.ok(
            Circuit::Client,
            "messages.getThread",
            &[("uid", &other), ("offset", &past)]
        )
        .await,
        json!([])
    );
}

#[tokio::test]
async fn photos_get_offset_walk() {
    let env = Env::new().await;
    let albums = items(&env.ok(Circuit::Client, "photos.getAlbums", &[]).await);
    assert_eq!(albums.len(), 3, "the demo user has 3 albums");
    let album = albums.iter().max_by_key(|a| a["size"].as_u64()).unwrap();
    let aid = str_of(album, "aid");
    let size = album["size"].as_u64().unwrap() as usize;
    let full = items(
        &env.ok(Circuit::Client, "photos.get", &[("aid", &aid)])
            .await,
    );
    assert_eq!(
        full.len(),
        size,
        "without a limit photos.get gives the whole album"
    );
    let pages = walk_offset(&env, "photos.get", &[("aid", &aid)], 2, 20).await;
    assert_eq!(pages.concat(), full);
    let pids: HashSet<u64> = full.iter().map(|p| p["pid"].as_u64().unwrap()).collect();
    assert_eq!(pids.len(), size);
    let one = items(
        &env.ok(
            Circuit::Client,
            "photos.get",
            &[("aid", &aid), ("offset", "1"), ("limit", "1")],
        )
        .await,
    );
    assert_eq!(one[..], full[1..2]);
    let past = size.to_string();
    assert_eq!(
        env.ok(
            Circuit::Client,
            "photos.get",
            &[("aid", &aid), ("offset", &past)]
        )
        .await,
        json!([])
    );
}

#[tokio::test]
async fn audio_search_default_limit_and_offset() {
    let env = Env::new().await;
    let full = items(
        &env.ok(
            Circuit::Client,
            "audio.search",
            &[("query", "Кино"), ("limit", "100")],
        )
        .await,
    );
    assert!(full.len() > 10, "{} tracks by Кино", full.len());
    for t in &full {
        let text = format!("{} {}", str_of(t, "author"), str_of(t, "name")).to_lowercase();
        assert!(text.contains("кино"), "{t}");
    }
    let first = items(
        &env.ok(Circuit::Client, "audio.search", &[("query", "Кино")])
            .await,
    );
    assert_eq!(first[..], full[..10], "default limit 10");
    let page = items(
        &env.ok(
            Circuit::Client,
            "audio.search",
            &[("query", "Кино"), ("offset", "5"), ("limit", "5")],
        )
        .await,
    );
    assert_eq!(page[..], full[5..10]);
    // More matches than one capped page: a lower-case walk collects them all.
    let walked = walk_offset(&env, "audio.search", &[("query", "кино")], 7, 100)
        .await
        .concat();
    assert!(
        walked.len() >= full.len(),
        "{} < {}",
        walked.len(),
        full.len()
    );
    assert!(walked[..full.len()] == full[..], "the search ignores case");
    let mids: HashSet<String> = walked.iter().map(|t| str_of(t, "mid")).collect();
    assert_eq!(mids.len(), walked.len(), "no track twice");
    let a = items(
        &env.ok(Circuit::Client, "audio.search", &[("query", "а")])
            .await,
    );
    assert_eq!(a.len(), 10);
    assert_error(&env.call(Circuit::Client, "audio.search", &[]).await, 100);
}

// ---------------------------------------------------------------------------------------
// caps

#[tokio::test]
async fn a_lower_page_cap_caps_every_paged_method() {
    let env = Env::with(Emulator::builder().seed(7).page_cap(7)).await;
    let cases: [(&str, Vec<(&str, String)>); 6] = [
        ("friends.get", vec![]),
        ("stream.getByAuthor", vec![("uid", big())]),
        ("stream.get", vec![]),
        ("guestbook.get", vec![]),
        ("messages.getThreadsList", vec![]),
        ("audio.search", vec![("query", "а".to_owned())]),
    ];
    for (method, extra) in &cases {
        let mut params: Vec<(&str, &str)> = extra.iter().map(|(k, v)| (*k, v.as_str())).collect();
        params.push(("limit", "50"));
        let page = items(&env.ok(Circuit::Client, method, &params).await);
        assert_eq!(page.len(), 7, "{method}");
    }
    // Walks still reach everything: 250 friends in pages of 7.
    let pages = walk_offset(&env, "friends.get", &[], 50, 40).await;
    let uids: HashSet<String> = pages
        .iter()
        .flatten()
        .map(|u| u.as_str().unwrap().to_owned())
        .collect();
    assert_eq!(uids.len(), DEMO_FRIENDS);
    assert_eq!(pages.len(), DEMO_FRIENDS.div_ceil(7));
}

#[tokio::test]
async fn users_get_info_takes_at_most_100_uids() {
    let env = Env::new().await;
    let friends: Vec<String> = walk_offset(&env, "friends.get", &[], 100, 5)
        .await
        .into_iter()
        .flatten()
        .map(|u| u.as_str().unwrap().to_owned())
        .collect();
    let hundred = friends[..100].join(",");
    for circuit in [Circuit::Client, Circuit::Server] {
        let users = items(
            &env.ok(circuit, "users.getInfo", &[("uids", &hundred)])
                .await,
        );
        assert_eq!(users.len(), 100);
        let got: Vec<String> = users.iter().map(|u| str_of(u, "uid")).collect();
        assert_eq!(got[..], friends[..100]);
    }
    let hundred_one = friends[..101].join(",");
    for circuit in [Circuit::Client, Circuit::Server] {
        assert_error(
            &env.call(circuit, "users.getInfo", &[("uids", &hundred_one)])
                .await,
            100,
        );
        assert_error(
            &env.post(circuit, "users.getInfo", &[("uids", &hundred_one)])
                .await,
            100,
        );
    }
    assert_error(
        &sessionless(&env, "users.getInfo", &[("uids", &hundred_one)]).await,
        100,
    );
}

// ---------------------------------------------------------------------------------------
// visibility and sessionless reads

#[tokio::test]
async fn closed_community_stream_is_202_for_non_members_and_200_for_members() {
    let env = Env::new().await;
    let closed = CLOSED_COMMUNITY_UID.to_string();
    for circuit in [Circuit::Client, Circuit::Server] {
        let r = env
            .call(circuit, "stream.getByAuthor", &[("uid", &closed)])
            .await;
        assert_error(&r, 202);
    }
    let (token, uid) = env.token(INBOX_EMAIL, INBOX_PASSWORD, "").await;
    assert_eq!(uid, INBOX_UID.to_string());
    let r = env
        .call_as(
            Circuit::Client,
            &token,
            &uid,
            "stream.getByAuthor",
            &[("uid", &closed)],
        )
        .await;
    let events = items(&ok(&r));
    assert_eq!(events.len(), 10);
    assert!(
        events
            .iter()
            .all(|e| e["authors"][0]["uid"] == closed.as_str())
    );
    // A member can page through it as well.
    let cursor = str_of(&events[9], "id");
    let r = env
        .call_as(
            Circuit::Client,
            &token,
            &uid,
            "stream.getByAuthor",
            &[("uid", &closed), ("skip", &cursor), ("limit", "100")],
        )
        .await;
    assert_eq!(items(&ok(&r)).len(), 30, "40 events in all");
    // Nobody's session: not a member either.
    assert_error(
        &sessionless(&env, "stream.getByAuthor", &[("uid", &closed)]).await,
        202,
    );
}

#[tokio::test]
async fn sessionless_server_calls_work_for_public_reads() {
    let env = Env::new().await;
    let uids = format!("{},{}", demo(), big());
    let users = items(&ok(
        &sessionless(&env, "users.getInfo", &[("uids", &uids)]).await
    ));
    assert_eq!(users.len(), 2);
    assert_eq!(users[0]["uid"], demo().as_str());
    assert_eq!(users[1]["uid"], big().as_str());
    assert!(users[1]["group_info"].is_object());

    let events = items(&ok(&sessionless(
        &env,
        "stream.getByAuthor",
        &[("uid", &big())],
    )
    .await));
    assert_eq!(events.len(), 10);
    let with_session = items(
        &env.ok(Circuit::Client, "stream.getByAuthor", &[("uid", &big())])
            .await,
    );
    let ids = |v: &[Value]| v.iter().map(|e| str_of(e, "id")).collect::<Vec<_>>();
    assert_eq!(ids(&events), ids(&with_session));
    let cursor = str_of(&events[9], "id");
    let next = items(&ok(&sessionless(
        &env,
        "stream.getByAuthor",
        &[("uid", &big()), ("skip", &cursor), ("limit", "500")],
    )
    .await));
    assert_eq!(next.len(), 100);
    assert!(!ids(&next).contains(&cursor));

    let albums = items(&ok(&sessionless(
        &env,
        "photos.getAlbums",
        &[("uid", &demo())],
    )
    .await));
    assert_eq!(albums.len(), 3);
    let aid = str_of(&albums[0], "aid");
    let photos = items(&ok(&sessionless(
        &env,
        "photos.get",
        &[("uid", &demo()), ("aid", &aid)],
    )
    .await));
    assert!(!photos.is_empty());
    assert_eq!(photos.len() as u64, albums[0]["size"].as_u64().unwrap());
    let paged = items(&ok(&sessionless(
        &env,
        "photos.get",
        &[("uid", &demo()), ("aid", &aid), ("limit", "1")],
    )
    .await));
    assert_eq!(paged[..], photos[..1]);

    // Whose stream, albums or friends? Without a session the uid must be given...
    assert_error(&sessionless(&env, "stream.getByAuthor", &[]).await, 100);
    // ...and methods about the session owner are not public reads at all.
    assert_error(&sessionless(&env, "friends.get", &[]).await, 102);
    assert_error(
        &sessionless(&env, "friends.get", &[("uid", &demo())]).await,
        102,
    );
    assert_error(&sessionless(&env, "stream.get", &[]).await, 102);
}

// ---------------------------------------------------------------------------------------
// written events page like generated ones; filters; malformed windows

#[tokio::test]
async fn posted_events_and_comment_wrappers_are_paged_with_the_generated_ones() {
    let env = Env::new().await;
    let before = walk_skip(&env, Circuit::Client, "stream.getByAuthor", &[], "100", 10)
        .await
        .concat();
    assert!(!before.is_empty());
    let thread = items(
        &env.ok(Circuit::Client, "stream.getByAuthor", &[("uid", &big())])
            .await,
    )[0]["thread_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut written = Vec::new();
    for n in 0..4 {
        let text = format!("Запись {n}");
        let v = env
            .ok(Circuit::Client, "stream.post", &[("text", &text)])
            .await;
        written.push(str_of(&v, "id"));
    }
    env.ok(
        Circuit::Client,
        "stream.comment",
        &[("thread_id", &thread), ("text", "к записи")],
    )
    .await;
    // Pages of 3 cross the boundary between written and generated events.
    let after = walk_skip(
        &env,
        Circuit::Client,
        "stream.getByAuthor",
        &[("uid", &demo())],
        "3",
        50,
    )
    .await
    .concat();
    assert_eq!(after.len(), before.len() + 5);
    assert_eq!(after[0]["subtype"], "comment");
    let newest: Vec<String> = after[1..5].iter().map(|e| str_of(e, "id")).collect();
    assert_eq!(newest, written.iter().rev().cloned().collect::<Vec<_>>());
    assert_eq!(after[5..], before[..]);
    // A written event is a valid cursor.
    let r = env
        .ok(
            Circuit::Client,
            "stream.getByAuthor",
            &[("skip", &written[0]), ("limit", "2")],
        )
        .await;
    assert_eq!(items(&r)[..], before[..2]);
}

#[tokio::test]
async fn filter_app_pages_only_that_apps_events() {
    let env = Env::new().await;
    let app = APP_ID.to_string();
    let pages = walk_skip(
        &env,
        Circuit::Client,
        "stream.get",
        &[("filter_app", &app)],
        "7",
        500,
    )
    .await;
    let events = pages.concat();
    assert!(
        events.len() > 7,
        "{} events of the demo app in the feed",
        events.len()
    );
    for e in &events {
        assert_eq!(e["generator"]["app_id"], APP_ID, "{e}");
    }
    // The filtered walk is the unfiltered feed with the other events left out.
    let all = walk_skip(&env, Circuit::Client, "stream.get", &[], "100", 500)
        .await
        .concat();
    let expected: Vec<&Value> = all
        .iter()
        .filter(|e| e["generator"]["app_id"] == APP_ID)
        .collect();
    assert_eq!(events.iter().collect::<Vec<_>>(), expected);
}

#[tokio::test]
async fn malformed_offsets_and_limits_are_error_100() {
    let env = Env::new().await;
    for (method, extra) in [
        ("friends.get", vec![]),
        ("guestbook.get", vec![]),
        ("messages.getThreadsList", vec![]),
        ("stream.get", vec![]),
        ("stream.getByAuthor", vec![("uid", big())]),
    ] {
        for bad in [
            ("limit", "ten"),
            ("limit", "-1"),
            ("offset", "-5"),
            ("offset", "1.5"),
        ] {
            if method.starts_with("stream") && bad.0 == "offset" {
                continue;
            }
            let mut params: Vec<(&str, &str)> =
                extra.iter().map(|(k, v)| (*k, v.as_str())).collect();
            params.push(bad);
            assert_error(&env.call(Circuit::Client, method, &params).await, 100);
        }
    }
}
