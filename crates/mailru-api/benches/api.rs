//! The client's CPU work per call, without a network: query encoding, typed decoding of
//! the two commonest answers, and a whole typed call through a canned transport.
//!
//! - `query/*`: the encoding every call does (`k=v&k=v`, form-encoded). It is internal
//!   (`request::encode`), so it is measured through the hidden `bench_hooks::encode_query`
//!   rather than through a whole call, where signing and URL handling would drown it; the
//!   whole call is `call/*`.
//! - `decode/*`: real bodies of the emulator (the demo user's `users.getInfo`, a 100-item
//!   page of the demo user's `stream.get`), fetched once at start-up, decoded into
//!   `Vec<User>` and `Vec<StreamItem>` as the typed methods and the pager do.
//! - `call/users.getInfo canned`: `api.send(&users::GetInfo::new())` end to end (signing,
//!   encoding, dispatch, envelope check, typed decode) with a transport that answers at
//!   once: the library's own cost per call.
//!
//! `cargo xtask bench` reports the medians.

use std::hint::black_box;

use async_trait::async_trait;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use mailru_api::methods::users;
use mailru_api::models::{StreamItem, User};
use mailru_api::{
    AccessToken, Api, Error, HttpRequest, HttpResponse, PrivateKey, Session, Transport,
};
use mailru_emulator::{Emulator, accounts};

fn demo_session() -> Session {
    Session::client(
        accounts::APP_ID,
        PrivateKey::new(accounts::APP_PRIVATE_KEY),
        AccessToken::new(accounts::DEMO_SESSION_KEY),
        accounts::DEMO_UID,
    )
}

/// The bodies the emulator sends for the demo user's profile and a 100-item feed page.
fn emulator_bodies(rt: &tokio::runtime::Runtime) -> (String, String) {
    rt.block_on(async {
        let emulator = Emulator::builder()
            .start()
            .await
            .expect("the emulator starts");
        let api = Api::builder(demo_session())
            .base_url(emulator.base_url())
            .and_then(|b| b.build())
            .expect("an API client");
        let user = api
            .call_raw("users.getInfo", ())
            .await
            .expect("users.getInfo");
        let stream = api
            .call_raw("stream.get", [("limit", 100u32)])
            .await
            .expect("stream.get");
        emulator.stop().await;
        (user.body, stream.body)
    })
}

fn query(c: &mut Criterion) {
    let sig = "5073f15c6d5b6ab2fde23ac43332b002";
    let get_info = [
        ("method", "users.getInfo"),
        ("app_id", "423004"),
        ("session_key", "be6ef89965d58e56dec21acb9b62bdaa"),
        ("uids", "1324730981306483817,15410773191172635989"),
        ("sig", sig),
    ];
    let text = "Привет, мир! & co = 100% ".repeat(8);
    let post = [
        ("method", "stream.post"),
        ("app_id", "423004"),
        ("session_key", "be6ef89965d58e56dec21acb9b62bdaa"),
        ("title", "A title"),
        ("text", text.as_str()),
        ("link1_href", "https://example.org/?a=1&b=2"),
        ("sig", sig),
    ];
    let mut group = c.benchmark_group("query");
    for (name, pairs) in [
        ("users.getInfo", &get_info[..]),
        ("stream.post_text", &post[..]),
    ] {
        let len: usize = pairs.iter().map(|(k, v)| k.len() + v.len() + 2).sum();
        group.throughput(Throughput::Bytes(len as u64));
        group.bench_function(name, |b| {
            b.iter(|| mailru_api::bench_hooks::encode_query(black_box(pairs)))
        });
    }
    group.finish();
}

fn decode(c: &mut Criterion, user: &str, stream: &str) {
    let items = serde_json::from_str::<Vec<StreamItem>>(stream)
        .expect("a stream page")
        .len();
    let mut group = c.benchmark_group("decode");
    group.throughput(Throughput::Bytes(user.len() as u64));
    group.bench_function("users.getInfo", |b| {
        b.iter(|| serde_json::from_slice::<Vec<User>>(black_box(user.as_bytes())).expect("users"))
    });
    group.throughput(Throughput::Elements(items as u64));
    group.bench_function(format!("stream.get_{items}_items"), |b| {
        b.iter(|| {
            serde_json::from_slice::<Vec<StreamItem>>(black_box(stream.as_bytes())).expect("items")
        })
    });
    group.finish();
}

/// Answers every request with the same body.
#[derive(Debug)]
struct Canned(bytes::Bytes);

#[async_trait]
impl Transport for Canned {
    async fn send(&self, _request: HttpRequest) -> Result<HttpResponse, Error> {
        Ok(HttpResponse {
            status: 200,
            headers: Default::default(),
            body: self.0.clone(),
        })
    }
}

fn call(c: &mut Criterion, rt: &tokio::runtime::Runtime, user: &str) {
    let api = Api::builder(demo_session())
        .base_url("http://127.0.0.1:1")
        .map(|b| b.transport(Canned(bytes::Bytes::from(user.to_owned()))))
        .and_then(|b| b.build())
        .expect("an API client");
    let mut group = c.benchmark_group("call");
    group.bench_function("users.getInfo_canned", |b| {
        b.iter(|| {
            rt.block_on(api.send(black_box(&users::GetInfo::new())))
                .expect("a profile")
        })
    });
    group.finish();
}

fn benches(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    let (user, stream) = emulator_bodies(&rt);
    query(c);
    decode(c, &user, &stream);
    call(c, &rt, &user);
}

criterion_group!(api, benches);
criterion_main!(api);
