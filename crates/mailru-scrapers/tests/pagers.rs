//! Pagers, batches and community helpers against the in-process emulator.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use futures::{StreamExt, TryStreamExt};
use mailru_api::{AccessToken, Api, ApiErrorKind, Error, PrivateKey, RetryPolicy, Session};
use mailru_emulator::{Emulator, EmulatorBuilder, EmulatorHandle, Fault, FaultKind, accounts};
use mailru_scrapers::{Pager, communities, community_stream, profile_path, profiles, resolve};
use serde_json::Value;

async fn setup(builder: EmulatorBuilder) -> (EmulatorHandle, Api) {
    let emu = builder.seed(7).start().await.unwrap();
    let session = Session::client(
        accounts::APP_ID,
        PrivateKey::new(accounts::APP_PRIVATE_KEY),
        AccessToken::new(accounts::DEMO_SESSION_KEY),
        accounts::DEMO_UID,
    );
    let api = Api::builder(session)
        .base_url(emu.base_url())
        .unwrap()
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    (emu, api)
}

fn logged(emu: &EmulatorHandle, method: &str, key: &str) -> Vec<Option<String>> {
    emu.requests()
        .iter()
        .filter(|r| r.method.as_deref() == Some(method))
        .map(|r| r.param(key).map(str::to_owned))
        .collect()
}

#[tokio::test]
async fn skip_cursor_walk_sends_the_last_id_of_each_page_and_sees_every_event_once() {
    let (emu, api) = setup(Emulator::builder().page_cap(40)).await;
    let uid = accounts::BIG_COMMUNITY_UID.to_string();
    let events: Vec<Value> = Pager::new(&api, "stream.getByAuthor")
        .unwrap()
        .param("uid", &uid)
        .page_size(100)
        .items()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(events.len(), 1_200);
    let ids: Vec<String> = events
        .iter()
        .map(|e| e["id"].as_str().unwrap().to_owned())
        .collect();
    let unique: std::collections::HashSet<_> = ids.iter().collect();
    assert_eq!(unique.len(), 1_200, "every event exactly once");
    assert!(
        events
            .windows(2)
            .all(|w| w[0]["time"].as_u64() >= w[1]["time"].as_u64()),
        "newest first"
    );

    // Pages of 40 (the cap, below the 100 asked for) are not taken for the end.
    let mut expected_skips = vec![None];
    expected_skips.extend(ids.chunks(40).map(|c| Some(c.last().unwrap().clone())));
    assert_eq!(logged(&emu, "stream.getByAuthor", "skip"), expected_skips);
    assert!(
        logged(&emu, "stream.getByAuthor", "limit")
            .iter()
            .all(|l| l.as_deref() == Some("100"))
    );
    assert!(
        logged(&emu, "stream.getByAuthor", "uid")
            .iter()
            .all(|u| u.as_deref() == Some(uid.as_str()))
    );
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
    assert_eq!(logged(&emu, "friends.get", "offset"), offsets);
    assert!(
        logged(&emu, "friends.get", "limit")
            .iter()
            .all(Option::is_none),
        "friends.get takes no limit"
    );

    let threads: Vec<Value> = Pager::new(&api, "messages.getThreadsList")
        .unwrap()
        .page_size(10)
        .items()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(threads.len(), 25);
    let offsets = logged(&emu, "messages.getThreadsList", "offset");
    assert_eq!(offsets, ["0", "10", "20", "25"].map(|s| Some(s.to_owned())));
}

#[tokio::test]
async fn max_items_stops_without_an_extra_request() {
    let (emu, api) = setup(Emulator::builder()).await;
    let uid = accounts::BIG_COMMUNITY_UID.to_string();
    let pages: Vec<Vec<Value>> = Pager::new(&api, "stream.getByAuthor")
        .unwrap()
        .param("uid", &uid)
        .max_items(250)
        .pages()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(
        pages.iter().map(Vec::len).collect::<Vec<_>>(),
        vec![100, 100, 50]
    );
    let limits = logged(&emu, "stream.getByAuthor", "limit");
    assert_eq!(limits, ["100", "100", "50"].map(|s| Some(s.to_owned())));
}

#[tokio::test]
async fn nothing_is_sent_until_polled() {
    let (emu, api) = setup(Emulator::builder()).await;
    let stream = Pager::new(&api, "friends.get").unwrap().items();
    tokio::task::yield_now().await;
    assert!(emu.requests().is_empty());
    let mut stream = Box::pin(stream);
    stream.next().await.unwrap().unwrap();
    assert_eq!(emu.requests().len(), 1);
}

#[tokio::test]
async fn the_stream_ends_after_an_error() {
    let (emu, api) = setup(Emulator::builder()).await;
    let uid = accounts::BIG_COMMUNITY_UID.to_string();
    let mut pages = Box::pin(
        Pager::new(&api, "stream.getByAuthor")
            .unwrap()
            .param("uid", &uid)
            .pages(),
    );
    assert_eq!(pages.next().await.unwrap().unwrap().len(), 100);
    emu.inject(Fault::new(FaultKind::ApiError { code: 4 }));
    let err = pages.next().await.unwrap().unwrap_err();
    assert_eq!(err.api_kind(), Some(ApiErrorKind::MethodDeprecated));
    assert!(pages.next().await.is_none());
    assert_eq!(emu.requests().len(), 2);
}

#[tokio::test]
async fn closed_community_stream_is_the_typed_access_denied_error() {
    let (_emu, api) = setup(Emulator::builder()).await;
    let items: Vec<_> = community_stream(&api, accounts::CLOSED_COMMUNITY_UID)
        .collect()
        .await;
    assert_eq!(items.len(), 1);
    match &items[0] {
        Err(Error::Api {
            code: 202,
            kind: ApiErrorKind::AccessDenied,
            ..
        }) => {}
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_hundred_thousand_events_stream_through() {
    let (emu, api) = setup(
        Emulator::builder()
            .community_events(100_000)
            .page_cap(1_000),
    )
    .await;
    let uid = accounts::BIG_COMMUNITY_UID.to_string();
    let count = Pager::new(&api, "stream.getByAuthor")
        .unwrap()
        .param("uid", &uid)
        .page_size(1_000)
        .items()
        .try_fold(0u64, |n, _| async move { Ok(n + 1) })
        .await
        .unwrap();
    assert_eq!(count, 100_000);
    assert_eq!(emu.requests().len(), 101);
}

/// Answers every request with the same page: a cursor that never moves.
#[derive(Debug)]
struct SamePage(AtomicUsize);

#[async_trait::async_trait]
impl mailru_api::Transport for SamePage {
    async fn send(&self, _: mailru_api::HttpRequest) -> Result<mailru_api::HttpResponse, Error> {
        self.0.fetch_add(1, Ordering::SeqCst);
        Ok(mailru_api::HttpResponse {
            status: 200,
            headers: Default::default(),
            body: r#"[{"id":"0000000100000001"},{"id":"0000000100000002"}]"#.into(),
        })
    }
}

#[tokio::test]
async fn a_cursor_that_does_not_advance_stops_the_walk() {
    let transport = Arc::new(SamePage(AtomicUsize::new(0)));
    let session = Session::client(
        accounts::APP_ID,
        PrivateKey::new("k"),
        AccessToken::new("t"),
        1,
    );
    let api = Api::builder(session)
        .shared_transport(transport.clone())
        .build()
        .unwrap();
    let items: Vec<Value> = Pager::new(&api, "stream.get")
        .unwrap()
        .items()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(items.len(), 2, "the repeated page is not yielded again");
    assert_eq!(transport.0.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn an_offset_the_platform_ignores_stops_the_walk() {
    let transport = Arc::new(SamePage(AtomicUsize::new(0)));
    let session = Session::client(
        accounts::APP_ID,
        PrivateKey::new("k"),
        AccessToken::new("t"),
        1,
    );
    let api = Api::builder(session)
        .shared_transport(transport.clone())
        .build()
        .unwrap();
    let items: Vec<Value> = Pager::new(&api, "photos.get")
        .unwrap()
        .param("aid", "_myphoto")
        .items()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(transport.0.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn communities_report_network_failures_per_chunk_without_retrying_each_id() {
    let (emu, api) = setup(Emulator::builder()).await;
    emu.inject(Fault::new(FaultKind::DropConnection).target("users.getInfo"));
    let ids = [accounts::BIG_COMMUNITY_UID, accounts::CLOSED_COMMUNITY_UID];
    let result = communities(&api, &ids, 1).await;
    assert!(result.found.is_empty());
    let failed: Vec<u64> = result.failed.iter().map(|(id, _)| *id).collect();
    assert_eq!(failed, ids.to_vec());
    assert!(
        result
            .failed
            .iter()
            .all(|(_, e)| matches!(e, Error::Transport(_)))
    );
    assert_eq!(emu.requests().len(), 1);
}

#[tokio::test]
async fn profiles_come_in_input_order_in_chunks_with_missing_reported() {
    let (emu, api) = setup(Emulator::builder()).await;
    let friends: Vec<u64> = Pager::new(&api, "friends.get")
        .unwrap()
        .items()
        .map_ok(|v| v.as_str().unwrap().parse::<u64>().unwrap())
        .try_collect()
        .await
        .unwrap();
    emu.clear_requests();
    let mut uids: Vec<u64> = friends.iter().rev().copied().collect();
    uids.insert(7, 42);
    uids.push(friends[0]);
    let found = profiles(&api, &uids, 2).await.unwrap();
    assert_eq!(found.missing, vec![42]);
    let got: Vec<u64> = found.users.iter().map(|u| u.uid).collect();
    let expected: Vec<u64> = friends.iter().rev().copied().collect();
    assert_eq!(got, expected);
    assert_eq!(emu.requests().len(), 3, "251 unique uids in chunks of 100");
}

#[tokio::test]
async fn communities_skip_and_report_failures() {
    let (emu, api) = setup(Emulator::builder()).await;
    let ids = [
        accounts::BIG_COMMUNITY_UID,
        accounts::DEMO_UID,
        accounts::CLOSED_COMMUNITY_UID,
        42,
    ];
    emu.inject(Fault::new(FaultKind::ApiError { code: 1 }).target("users.getInfo"));
    let result = communities(&api, &ids, 4).await;
    let found: Vec<u64> = result.found.iter().map(|u| u.uid).collect();
    assert_eq!(
        found,
        vec![accounts::BIG_COMMUNITY_UID, accounts::CLOSED_COMMUNITY_UID]
    );
    let failed: Vec<u64> = result.failed.iter().map(|(id, _)| *id).collect();
    assert_eq!(failed, vec![accounts::DEMO_UID, 42]);
}

#[tokio::test]
async fn links_resolve_through_the_public_endpoint() {
    let (_emu, api) = setup(Emulator::builder()).await;
    for link in [
        "https://my.mail.ru/community/mailru_devs/",
        "my.mail.ru/community/mailru_devs",
        "community/mailru_devs",
        "/community/mailru_devs/?ref=x",
    ] {
        let r = resolve(&api, link).await.unwrap();
        assert_eq!(r.uid, accounts::BIG_COMMUNITY_UID, "{link}");
        assert_eq!(r.path, "community/mailru_devs");
    }
    let demo = resolve(&api, "mail/demo").await.unwrap();
    assert_eq!(demo.uid, accounts::DEMO_UID);
    assert!(matches!(
        resolve(&api, "mail/nobody-here").await,
        Err(Error::Http { status: 404, .. })
    ));
    assert!(profile_path("https://example.org/mail/x").is_err());
    assert!(profile_path("justone").is_err());
}
