//! The pagination engine: typed walks and walks by name against the in-process emulator,
//! and against scripted servers that misbehave.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use futures::{StreamExt, TryStreamExt};
use mailru_api::methods::friends::Profiles;
use mailru_api::methods::stream::GetByAuthor;
use mailru_api::methods::{audio, guestbook, messages};
use mailru_api::{
    AccessToken, Api, ApiErrorKind, Checkpoint, Cursor, Error, HttpRequest, HttpResponse, Items,
    Pager, PaginationError, PrivateKey, RetryPolicy, Session, Transport,
};
use mailru_emulator::{Emulator, EmulatorBuilder, EmulatorHandle, Fault, FaultKind, accounts};
use serde_json::{Value, json};

pub(crate) fn session() -> Session {
    Session::client(
        accounts::APP_ID,
        PrivateKey::new(accounts::APP_PRIVATE_KEY),
        AccessToken::new(accounts::DEMO_SESSION_KEY),
        accounts::DEMO_UID,
    )
}

pub(crate) async fn setup(builder: EmulatorBuilder) -> (EmulatorHandle, Api) {
    let emu = builder.seed(7).start().await.unwrap();
    let api = Api::builder(session())
        .base_url(emu.base_url())
        .unwrap()
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    (emu, api)
}

/// The values of parameter `key` in the logged calls of `method`.
pub(crate) fn logged(emu: &EmulatorHandle, method: &str, key: &str) -> Vec<Option<String>> {
    emu.requests()
        .iter()
        .filter(|r| r.method.as_deref() == Some(method))
        .map(|r| r.param(key).map(str::to_owned))
        .collect()
}

pub(crate) fn some(values: &[&str]) -> Vec<Option<String>> {
    values.iter().map(|v| Some((*v).to_owned())).collect()
}

pub(crate) fn community_walk(api: &Api) -> Items<Value> {
    Pager::new(api, "stream.getByAuthor")
        .unwrap()
        .param("uid", accounts::BIG_COMMUNITY_UID)
        .items()
}

pub(crate) fn ids(events: &[Value]) -> Vec<String> {
    events
        .iter()
        .map(|e| e["id"].as_str().unwrap().to_owned())
        .collect()
}

// ---------------------------------------------------------------------------------------
// Against the emulator.

#[tokio::test]
async fn a_skip_walk_sends_the_last_id_of_each_page_and_sees_every_event_once() {
    let (emu, api) = setup(Emulator::builder().page_cap(40)).await;
    let events: Vec<Value> = community_walk(&api).try_collect().await.unwrap();
    assert_eq!(events.len(), 1_200);
    let ids = ids(&events);
    assert_eq!(ids.iter().collect::<HashSet<_>>().len(), 1_200, "each once");
    assert!(
        events
            .windows(2)
            .all(|w| w[0]["time"].as_u64() >= w[1]["time"].as_u64()),
        "newest first"
    );
    // Pages of 40 (the cap, below the 100 asked for) are not taken for the end.
    let mut skips = vec![None];
    skips.extend(ids.chunks(40).map(|c| Some(c.last().unwrap().clone())));
    assert_eq!(logged(&emu, "stream.getByAuthor", "skip"), skips);
    assert!(
        logged(&emu, "stream.getByAuthor", "limit")
            .iter()
            .all(|l| l.as_deref() == Some("100"))
    );
    let uid = accounts::BIG_COMMUNITY_UID.to_string();
    assert!(
        logged(&emu, "stream.getByAuthor", "uid")
            .iter()
            .all(|u| u.as_deref() == Some(uid.as_str()))
    );
}

#[tokio::test]
async fn the_typed_walk_and_the_walk_by_name_see_the_same_items() {
    let (_emu, api) = setup(Emulator::builder()).await;
    let typed: Vec<String> = api
        .paginate(GetByAuthor::new().uid(accounts::BIG_COMMUNITY_UID))
        .map_ok(|e| e.id().to_owned())
        .try_collect()
        .await
        .unwrap();
    let by_name: Vec<Value> = community_walk(&api).try_collect().await.unwrap();
    assert_eq!(typed, ids(&by_name));
}

#[tokio::test]
async fn offset_walks_advance_by_what_arrived() {
    let (emu, api) = setup(Emulator::builder().page_cap(40)).await;
    let friends: Vec<Value> = Pager::new(&api, "friends.get")
        .unwrap()
        .items()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(friends.len(), 250);
    let offsets: Vec<Option<String>> = (0..=7)
        .map(|i| Some((i * 40).min(250).to_string()))
        .collect();
    let mut with_start = offsets.clone();
    with_start[0] = None;
    assert_eq!(logged(&emu, "friends.get", "offset"), with_start);
    assert!(
        logged(&emu, "friends.get", "limit")
            .iter()
            .all(Option::is_none),
        "friends.get takes no limit"
    );
    let threads: Vec<Value> = Pager::new(&api, "messages.getThreadsList")
        .unwrap()
        .items()
        .page_size(10)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(threads.len(), 25);
    let mut offsets = some(&["10", "20", "25"]);
    offsets.insert(0, None);
    assert_eq!(logged(&emu, "messages.getThreadsList", "offset"), offsets);
}

#[tokio::test]
async fn the_users_limit_is_the_page_size_and_skip_or_offset_the_start() {
    let (emu, api) = setup(Emulator::builder()).await;
    let reference: Vec<Value> = community_walk(&api).try_collect().await.unwrap();
    emu.clear_requests();

    // `limit` by name: pages of 10, never a duplicate-key error.
    let first: Vec<Value> = Pager::new(&api, "stream.getByAuthor")
        .unwrap()
        .param("uid", accounts::BIG_COMMUNITY_UID)
        .param("limit", "10")
        .items()
        .max_items(30)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(ids(&first), ids(&reference[..30]));
    assert_eq!(
        logged(&emu, "stream.getByAuthor", "limit"),
        some(&["10", "10", "10"])
    );

    // A typed `limit` and a `skip` cursor: only older items, from just after it.
    emu.clear_requests();
    let cursor = reference[499]["id"].as_str().unwrap();
    let older: Vec<String> = api
        .paginate(
            GetByAuthor::new()
                .uid(accounts::BIG_COMMUNITY_UID)
                .skip(cursor)
                .limit(25u32),
        )
        .map_ok(|e| e.id().to_owned())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(older, ids(&reference[500..]));
    let skips = logged(&emu, "stream.getByAuthor", "skip");
    assert_eq!(skips[0].as_deref(), Some(cursor));
    assert_eq!(skips.len(), 700 / 25 + 1);

    // An `offset` of an offset method.
    let all: Vec<u64> = api
        .friends()
        .get()
        .items()
        .map_ok(|f| f.0)
        .try_collect()
        .await
        .unwrap();
    let tail: Vec<u64> = api
        .friends()
        .get()
        .offset(200u32)
        .items()
        .map_ok(|f| f.0)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(tail, all[200..]);

    // A `limit` that is not a number is a typed error at the first poll, nothing sent.
    emu.clear_requests();
    let err = Pager::new(&api, "guestbook.get")
        .unwrap()
        .param("limit", "ten")
        .items()
        .next()
        .await
        .unwrap()
        .unwrap_err();
    assert!(
        matches!(&err, Error::Pagination(PaginationError::BadParameter { name, .. }) if name == "limit"),
        "{err:?}"
    );
    assert!(emu.requests().is_empty());
}

#[tokio::test]
async fn after_a_fault_on_page_three_resuming_yields_every_event_exactly_once() {
    let (emu, api) = setup(Emulator::builder()).await;
    let reference: Vec<Value> = community_walk(&api).try_collect().await.unwrap();

    let mut walk = community_walk(&api);
    let mut seen = Vec::new();
    for _ in 0..200 {
        seen.push(walk.try_next().await.unwrap().unwrap());
    }
    emu.inject(
        Fault::new(FaultKind::HttpStatus { status: 503 })
            .target("stream.getByAuthor")
            .times(1),
    );
    let err = walk.try_next().await.unwrap_err();
    assert!(matches!(err, Error::Http { status: 503, .. }), "{err:?}");
    assert!(walk.next().await.is_none(), "the walk ends after an error");
    let checkpoint = walk.checkpoint();
    assert_eq!(checkpoint.items, 200);
    assert_eq!(
        checkpoint.cursor,
        Cursor::Skip(seen[199]["id"].as_str().unwrap().to_owned())
    );
    // The checkpoint survives a file.
    let saved = serde_json::to_string(&checkpoint).unwrap();
    let checkpoint: Checkpoint = serde_json::from_str(&saved).unwrap();

    let mut resumed = community_walk(&api).resume(checkpoint);
    while let Some(event) = resumed.try_next().await.unwrap() {
        seen.push(event);
    }
    assert_eq!(
        ids(&seen),
        ids(&reference),
        "all 1,200 exactly once, in order"
    );
    assert_eq!(resumed.checkpoint().items, 1_200, "the count goes on");
}

#[tokio::test]
async fn a_checkpoint_in_the_middle_of_a_page_resumes_after_the_last_item_taken() {
    let (_emu, api) = setup(Emulator::builder()).await;
    let reference: Vec<u64> = api
        .friends()
        .get()
        .items()
        .map_ok(|f| f.0)
        .try_collect()
        .await
        .unwrap();
    let mut walk = api.friends().get().items();
    let mut seen = Vec::new();
    for _ in 0..130 {
        seen.push(walk.try_next().await.unwrap().unwrap().0);
    }
    let checkpoint = walk.checkpoint();
    assert_eq!(
        checkpoint,
        Checkpoint {
            cursor: Cursor::Offset(130),
            items: 130
        }
    );
    drop(walk);
    let rest: Vec<u64> = api
        .friends()
        .get()
        .items()
        .resume(checkpoint)
        .map_ok(|f| f.0)
        .try_collect()
        .await
        .unwrap();
    seen.extend(rest);
    assert_eq!(seen, reference);
}

#[tokio::test]
async fn max_items_stops_without_an_extra_request_for_both_pagings() {
    let (emu, api) = setup(Emulator::builder().page_cap(40)).await;
    let pages: Vec<Vec<Value>> = community_walk(&api)
        .max_items(250)
        .page_size(100)
        .pages()
        .try_collect()
        .await
        .unwrap();
    // Pages of the cap, 40, then the last one asked for only what is left.
    assert_eq!(pages.iter().map(Vec::len).sum::<usize>(), 250);
    let limits = logged(&emu, "stream.getByAuthor", "limit");
    assert_eq!(limits.len(), 7);
    assert_eq!(limits.last().unwrap().as_deref(), Some("10"));

    // Offset paging: friends.get takes no limit, so the last page is cut.
    emu.clear_requests();
    let friends: Vec<Value> = Pager::new(&api, "friends.get")
        .unwrap()
        .items()
        .max_items(130)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(friends.len(), 130);
    assert_eq!(
        logged(&emu, "friends.get", "offset").len(),
        4,
        "0, 40, 80, 120"
    );
    // With a limit, the last request asks for what is left.
    emu.clear_requests();
    let posts: Vec<Value> = Pager::new(&api, "guestbook.get")
        .unwrap()
        .items()
        .page_size(5)
        .max_items(12)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(posts.len(), 12);
    assert_eq!(
        logged(&emu, "guestbook.get", "limit"),
        some(&["5", "5", "2"])
    );
}

/// Walks `make()` with small and large pages; both see the same items, more than a page.
async fn same_items_whatever_the_page_size<T, F>(what: &str, make: F, key: fn(&T) -> String)
where
    F: Fn() -> Items<T>,
    T: serde::de::DeserializeOwned,
{
    let small: Vec<String> = make()
        .page_size(3)
        .map_ok(|i| key(&i))
        .try_collect()
        .await
        .unwrap();
    let large: Vec<String> = make()
        .page_size(100)
        .map_ok(|i| key(&i))
        .try_collect()
        .await
        .unwrap();
    assert!(
        small.len() > 3,
        "{what}: more than one page: {}",
        small.len()
    );
    assert_eq!(small, large);
}

#[tokio::test]
async fn the_other_paginated_methods_walk_whole() {
    let (_emu, api) = setup(Emulator::builder()).await;
    same_items_whatever_the_page_size(
        "friends.getAppUsers",
        || api.friends().get_app_users().ext(Profiles).items(),
        |u| u.uid.to_string(),
    )
    .await;
    same_items_whatever_the_page_size(
        "guestbook.get",
        || api.paginate(guestbook::Get::new().uid(accounts::DEMO_UID)),
        |p| serde_json::to_string(p).unwrap(),
    )
    .await;
    same_items_whatever_the_page_size(
        "audio.get",
        || api.paginate(audio::Get::new()),
        |t| t.mid.clone(),
    )
    .await;
    same_items_whatever_the_page_size(
        "audio.search",
        || api.paginate(audio::Search::new("а")),
        |t| t.mid.clone(),
    )
    .await;
    let thread_with = api
        .paginate(messages::GetThreadsList::new())
        .next()
        .await
        .unwrap()
        .unwrap()
        .user
        .expect("a thread names its other party")
        .uid;
    same_items_whatever_the_page_size(
        "messages.getThread",
        || api.paginate(messages::GetThread::new(thread_with)),
        |m| serde_json::to_string(m).unwrap(),
    )
    .await;
}

#[tokio::test]
async fn the_whole_friends_list_from_the_typed_call() {
    let (_emu, api) = setup(Emulator::builder()).await;
    // `send` is one page...
    let page = api.friends().get().ext(Profiles).send().await.unwrap();
    assert_eq!(page.len(), 100);
    // ...`items` is all of them, typed by `ext`, and the stream is Unpin.
    let mut friends = api.friends().get().ext(Profiles).items();
    let mut all = Vec::new();
    while let Some(user) = friends.try_next().await.unwrap() {
        assert!(user.is_friend);
        all.push(user.uid);
    }
    assert_eq!(all.len(), 250);
    let pages: Vec<Vec<mailru_api::models::Uid>> =
        api.friends().get().pages().try_collect().await.unwrap();
    assert_eq!(
        pages.iter().map(Vec::len).collect::<Vec<_>>(),
        vec![100, 100, 50]
    );
}

#[tokio::test]
async fn the_stream_ends_after_an_api_error() {
    let (emu, api) = setup(Emulator::builder()).await;
    let mut pages = community_walk(&api).pages();
    assert_eq!(pages.next().await.unwrap().unwrap().len(), 100);
    emu.inject(Fault::new(FaultKind::ApiError { code: 4 }));
    let err = pages.next().await.unwrap().unwrap_err();
    assert_eq!(err.api_kind(), Some(ApiErrorKind::MethodDeprecated));
    assert!(pages.next().await.is_none());
    assert_eq!(emu.requests().len(), 2);
    assert_eq!(pages.checkpoint().items, 100);
}

#[tokio::test]
async fn a_hundred_thousand_events_stream_through() {
    let (emu, api) = setup(
        Emulator::builder()
            .community_events(100_000)
            .page_cap(1_000),
    )
    .await;
    let count = community_walk(&api)
        .page_size(1_000)
        .try_fold(0u64, |n, _| async move { Ok(n + 1) })
        .await
        .unwrap();
    assert_eq!(count, 100_000);
    assert_eq!(emu.requests().len(), 101);
}

#[tokio::test]
async fn a_method_that_does_not_page_is_refused_with_the_list_of_those_that_do() {
    let (_emu, api) = setup(Emulator::builder()).await;
    let err = Pager::new(&api, "users.getInfo").unwrap_err();
    let text = err.to_string();
    for paginated in ["stream.getByAuthor", "friends.get", "messages.getThread"] {
        assert!(text.contains(paginated), "{text}");
    }
    assert!(matches!(
        err,
        Error::Pagination(PaginationError::NotPaginated { .. })
    ));
    assert!(Pager::new(&api, "no.suchMethod").is_err());
}

// ---------------------------------------------------------------------------------------
// Against scripted servers.

type Answer = Box<dyn Fn(usize, &HashMap<String, String>) -> Value + Send + Sync>;

/// Answers the n-th request (from 0) with `answer(n, params)`; counts requests.
pub(crate) struct Script {
    answer: Answer,
    pub(crate) sent: AtomicUsize,
    params: Mutex<Vec<HashMap<String, String>>>,
}

impl std::fmt::Debug for Script {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Script")
    }
}

#[async_trait::async_trait]
impl Transport for Script {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, Error> {
        let n = self.sent.fetch_add(1, Ordering::SeqCst);
        let params: HashMap<String, String> = request.url.query_pairs().into_owned().collect();
        let body = (self.answer)(n, &params);
        self.params.lock().unwrap().push(params);
        Ok(HttpResponse {
            status: 200,
            headers: Default::default(),
            body: body.to_string().into(),
        })
    }
}

pub(crate) fn scripted(
    answer: impl Fn(usize, &HashMap<String, String>) -> Value + Send + Sync + 'static,
) -> (Arc<Script>, Api) {
    let script = Arc::new(Script {
        answer: Box::new(answer),
        sent: AtomicUsize::new(0),
        params: Mutex::new(Vec::new()),
    });
    let api = Api::builder(session())
        .shared_transport(script.clone())
        .build()
        .unwrap();
    (script, api)
}

pub(crate) async fn walk_error(items: Items<Value>) -> (usize, Error) {
    let results: Vec<Result<Value, Error>> = items.collect().await;
    let yielded = results.iter().filter(|r| r.is_ok()).count();
    match results.into_iter().last() {
        Some(Err(e)) => (yielded, e),
        other => panic!("expected the walk to end with an error, got {other:?}"),
    }
}

#[tokio::test]
async fn pages_a_b_a_b_end_the_walk_with_a_typed_error() {
    let (script, api) = scripted(|n, _| {
        if n % 2 == 0 {
            json!([{"id": "a1"}, {"id": "a2"}])
        } else {
            json!([{"id": "b1"}, {"id": "b2"}])
        }
    });
    let (yielded, err) = walk_error(Pager::new(&api, "stream.get").unwrap().items()).await;
    assert_eq!(yielded, 4, "A and B once each");
    assert!(
        matches!(&err, Error::Pagination(PaginationError::Repeated { key, .. }) if key == "a1"),
        "{err:?}"
    );
    assert_eq!(
        script.sent.load(Ordering::SeqCst),
        3,
        "stopped at the third page"
    );
}

#[tokio::test]
async fn an_ignored_offset_with_a_changing_live_field_ends_the_walk() {
    let (script, api) = scripted(|n, _| {
        json!([
            {"uid": "1", "first_name": "a", "is_online": n % 2},
            {"uid": "2", "first_name": "b", "is_online": (n + 1) % 2},
        ])
    });
    let (yielded, err) = walk_error(
        Pager::new(&api, "friends.get")
            .unwrap()
            .param("ext", 1)
            .items(),
    )
    .await;
    assert_eq!(yielded, 2);
    assert!(
        matches!(&err, Error::Pagination(PaginationError::Repeated { key, .. }) if key == "1"),
        "{err:?}"
    );
    assert_eq!(script.sent.load(Ordering::SeqCst), 2);
    let offsets: Vec<Option<String>> = script
        .params
        .lock()
        .unwrap()
        .iter()
        .map(|p| p.get("offset").cloned())
        .collect();
    assert_eq!(offsets, vec![None, Some("2".to_owned())]);
}

#[tokio::test]
async fn a_repeated_page_of_items_without_a_key_ends_the_walk() {
    let (script, api) = scripted(|_, _| json!([{"time": 1, "message": [{"content": "hi"}]}]));
    let (yielded, err) = walk_error(
        Pager::new(&api, "messages.getThread")
            .unwrap()
            .param("uid", 5)
            .items(),
    )
    .await;
    assert_eq!(yielded, 1);
    assert!(
        matches!(err, Error::Pagination(PaginationError::Repeated { .. })),
        "{err:?}"
    );
    assert_eq!(script.sent.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn items_without_a_usable_id_end_a_skip_walk_instead_of_ending_it_silently() {
    for bad in [json!(5), json!(null), json!(""), json!({"x": 1})] {
        let page = json!([{"id": "ok1"}, {"id": bad.clone()}]);
        let (script, api) = scripted(move |_, _| page.clone());
        let (yielded, err) = walk_error(Pager::new(&api, "stream.get").unwrap().items()).await;
        assert_eq!(yielded, 0, "nothing of a page that fails the checks");
        assert!(
            matches!(
                &err,
                Error::Pagination(PaginationError::NoItemId { index: 1, .. })
            ),
            "{bad}: {err:?}"
        );
        assert_eq!(script.sent.load(Ordering::SeqCst), 1);
    }
    // No id at all.
    let (_, api) = scripted(|_, _| json!([{"text": "no id"}]));
    let (_, err) = walk_error(Pager::new(&api, "stream.get").unwrap().items()).await;
    assert!(matches!(
        err,
        Error::Pagination(PaginationError::NoItemId { index: 0, .. })
    ));
}

#[tokio::test]
async fn a_cursor_that_does_not_advance_ends_the_walk() {
    let (script, api) = scripted(|_, params| match params.get("skip") {
        None => json!([{"id": "x1"}, {"id": "x2"}]),
        Some(skip) => json!([{"id": skip}]),
    });
    let (yielded, err) = walk_error(Pager::new(&api, "stream.get").unwrap().items()).await;
    assert_eq!(yielded, 2);
    assert!(
        matches!(&err, Error::Pagination(PaginationError::CursorStuck { cursor, .. }) if cursor == "x2"),
        "{err:?}"
    );
    assert_eq!(script.sent.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn a_page_that_is_not_an_array_is_a_typed_error() {
    let (_, api) = scripted(|_, _| json!({"items": []}));
    let (_, err) = walk_error(Pager::new(&api, "stream.get").unwrap().items()).await;
    assert!(
        matches!(err, Error::Pagination(PaginationError::NotAnArray { .. })),
        "{err:?}"
    );
}

#[tokio::test]
async fn nothing_is_sent_until_the_stream_is_polled() {
    let (script, api) = scripted(|_, _| json!([]));
    let mut items = Pager::new(&api, "stream.get").unwrap().items();
    // Give any eager task every chance to run.
    for _ in 0..100 {
        tokio::task::yield_now().await;
    }
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    assert_eq!(script.sent.load(Ordering::SeqCst), 0);
    assert!(
        items.next().await.is_none(),
        "an empty first page is the end"
    );
    assert_eq!(script.sent.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn an_item_that_does_not_decode_stops_the_walk_before_it() {
    let (_, api) = scripted(|_, _| json!([{"uid": "1"}, {"uid": "not a uid"}, {"uid": "3"}]));
    let mut walk = api.friends().get().ext(Profiles).items();
    assert_eq!(walk.try_next().await.unwrap().unwrap().uid, 1);
    let err = walk.try_next().await.unwrap_err();
    assert!(matches!(err, Error::Decode { .. }), "{err:?}");
    assert!(walk.next().await.is_none());
    assert_eq!(
        walk.checkpoint(),
        Checkpoint {
            cursor: Cursor::Offset(1),
            items: 1
        }
    );
}
