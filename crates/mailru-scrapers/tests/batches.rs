//! Batches and community helpers against the in-process emulator.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use futures::{StreamExt, TryStreamExt};
use mailru_api::{AccessToken, Api, ApiErrorKind, Error, PrivateKey, RetryPolicy, Session};
use mailru_emulator::{Emulator, EmulatorBuilder, EmulatorHandle, Fault, FaultKind, accounts};
use mailru_scrapers::{
    CommunityFailure, communities, community_stream, profile_path, profiles, resolve,
};

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
            .all(|(_, e)| matches!(e, CommunityFailure::Call(Error::Transport { .. })))
    );
    assert_eq!(emu.requests().len(), 1);
}

#[tokio::test]
async fn profiles_come_in_input_order_in_chunks_with_missing_reported() {
    let (emu, api) = setup(Emulator::builder()).await;
    let friends: Vec<u64> = api
        .friends()
        .get()
        .items()
        .map_ok(u64::from)
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
    assert!(matches!(
        result.failed[0].1,
        CommunityFailure::NotACommunity
    ));
    assert!(matches!(result.failed[1].1, CommunityFailure::NotReturned));
}

#[tokio::test]
async fn a_chunk_refused_for_the_token_or_the_app_is_not_split_into_single_calls() {
    for code in [2, 4, 102, 103, 104, 105, 200] {
        let (emu, api) = setup(Emulator::builder()).await;
        let ids: Vec<u64> = vec![
            accounts::BIG_COMMUNITY_UID,
            accounts::CLOSED_COMMUNITY_UID,
            42,
        ];
        emu.inject(Fault::new(FaultKind::ApiError { code }).target("users.getInfo"));
        let result = communities(&api, &ids, 4).await;
        assert_eq!(
            emu.requests().len(),
            1,
            "code {code}: one call, not one per id"
        );
        assert!(result.found.is_empty());
        assert_eq!(result.failed.len(), 3);
        for (_, failure) in &result.failed {
            assert!(
                matches!(failure, CommunityFailure::Call(e) if e.api_code() == Some(i64::from(code))),
                "{failure:?}"
            );
        }
    }
    // An invalid parameter may come from one id: those are looked for one by one.
    let (emu, api) = setup(Emulator::builder()).await;
    emu.inject(Fault::new(FaultKind::ApiError { code: 100 }).target("users.getInfo"));
    let result = communities(&api, &[accounts::BIG_COMMUNITY_UID, 42], 4).await;
    assert_eq!(emu.requests().len(), 3, "the chunk, then each id");
    assert_eq!(result.found.len(), 1);
}

/// Answers `[]` after a pause, counting the requests in flight at once.
#[derive(Debug, Default)]
struct InFlight {
    now: AtomicUsize,
    most: AtomicUsize,
    total: AtomicUsize,
}

#[async_trait::async_trait]
impl mailru_api::Transport for InFlight {
    async fn send(&self, _: mailru_api::HttpRequest) -> Result<mailru_api::HttpResponse, Error> {
        let now = self.now.fetch_add(1, Ordering::SeqCst) + 1;
        self.most.fetch_max(now, Ordering::SeqCst);
        self.total.fetch_add(1, Ordering::SeqCst);
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        self.now.fetch_sub(1, Ordering::SeqCst);
        Ok(mailru_api::HttpResponse {
            status: 200,
            headers: Default::default(),
            body: "[]".into(),
        })
    }
}

#[tokio::test]
async fn batches_keep_at_most_the_cap_of_calls_in_flight() {
    let transport = Arc::new(InFlight::default());
    let api = Api::builder(Session::client(
        accounts::APP_ID,
        PrivateKey::new("k"),
        AccessToken::new("t"),
        1,
    ))
    .shared_transport(transport.clone())
    .build()
    .unwrap();
    let uids: Vec<u64> = (1..=10_000).collect();
    let found = profiles(&api, &uids, 1_000).await.unwrap();
    assert_eq!(found.missing.len(), 10_000);
    assert_eq!(transport.total.load(Ordering::SeqCst), 100, "chunks of 100");
    assert_eq!(
        transport.most.load(Ordering::SeqCst),
        mailru_scrapers::MAX_CONCURRENCY,
        "1,000 asked, the cap kept"
    );
    transport.most.store(0, Ordering::SeqCst);
    let _ = communities(&api, &uids[..1_000], 3).await;
    assert_eq!(
        transport.most.load(Ordering::SeqCst),
        3,
        "as asked below the cap"
    );
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
