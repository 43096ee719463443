//! Throughput of the emulator's REST endpoint for `users.getInfo`: 32 requests in flight
//! over pooled keep-alive connections, so client benchmarks can tell whether the emulator
//! limits them. The target is at least 10,000 requests per second on 2 cores, client
//! included.
//!
//! And a page of 100 events of the big community's `stream.getByAuthor`, the page the
//! pager asks for: over HTTP (one request at a time, the pager's pattern; client included)
//! and dispatched in process (`fuzzing::RestTarget`: parameters to JSON text, no HTTP).
//! `cargo xtask bench` reports events per second (target: at least 200,000 over HTTP).

use std::hint::black_box;

use bytes::Bytes;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use http_body_util::{BodyExt, Empty};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use mailru_emulator::{Emulator, EmulatorHandle, accounts, fuzzing};

/// Requests sent concurrently per iteration.
const IN_FLIGHT: usize = 32;

/// Events per stream page: the pager's page size and the emulator's cap.
const PAGE: u32 = 100;

/// A signed GET of the REST endpoint of `emulator` as the demo user.
fn signed_url(emulator: &EmulatorHandle, method: &str, extra: &[(&str, String)]) -> hyper::Uri {
    let mut params = vec![
        ("app_id", accounts::APP_ID.to_string()),
        ("method", method.to_owned()),
        ("session_key", accounts::DEMO_SESSION_KEY.to_owned()),
    ];
    params.extend(extra.iter().cloned());
    let sig = mailru_sign::sign_client_server(
        &accounts::DEMO_UID.to_string(),
        &params,
        accounts::APP_PRIVATE_KEY,
    )
    .expect("no duplicate keys");
    let query: Vec<String> = params.iter().map(|(k, v)| format!("{k}={v}")).collect();
    format!(
        "{}/platform/api?{}&sig={sig}",
        emulator.base_url(),
        query.join("&")
    )
    .parse()
    .expect("a valid URL")
}

fn users_get_info(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a tokio runtime");
    let emulator = rt
        .block_on(Emulator::builder().start())
        .expect("the emulator starts");
    let url = signed_url(
        &emulator,
        "users.getInfo",
        &[("uids", accounts::INBOX_UID.to_string())],
    );
    let client: Client<_, Empty<Bytes>> = Client::builder(TokioExecutor::new()).build_http();

    let mut group = c.benchmark_group("emulator");
    group.throughput(Throughput::Elements(IN_FLIGHT as u64));
    group.bench_function("users.getInfo x32", |b| {
        b.iter(|| {
            rt.block_on(futures::future::join_all((0..IN_FLIGHT).map(|_| async {
                let resp = client.get(url.clone()).await.expect("a response");
                assert!(resp.status().is_success());
                black_box(resp.into_body().collect().await.expect("a body").to_bytes())
            })))
        })
    });
    group.finish();

    let page = signed_url(
        &emulator,
        "stream.getByAuthor",
        &[
            ("uid", accounts::BIG_COMMUNITY_UID.to_string()),
            ("limit", PAGE.to_string()),
        ],
    );
    let mut group = c.benchmark_group("emulator_stream");
    group.throughput(Throughput::Elements(u64::from(PAGE)));
    group.bench_function("page_100_http", |b| {
        b.iter(|| {
            rt.block_on(async {
                let resp = client.get(page.clone()).await.expect("a response");
                assert!(resp.status().is_success());
                black_box(resp.into_body().collect().await.expect("a body").to_bytes())
            })
        })
    });
    let params = fuzzing::demo_call(
        "stream.getByAuthor",
        &[
            ("uid".to_owned(), accounts::BIG_COMMUNITY_UID.to_string()),
            ("limit".to_owned(), PAGE.to_string()),
        ],
        false,
    );
    let mut target = fuzzing::RestTarget::default();
    let first = target.dispatch(&params);
    assert_eq!(first.status, 200, "{}", first.body);
    group.bench_function("page_100_dispatch", |b| {
        b.iter(|| black_box(target.dispatch(black_box(&params))))
    });
    group.finish();
    rt.block_on(emulator.stop());
}

criterion_group!(rest, users_get_info);
criterion_main!(rest);
