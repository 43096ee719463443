//! Throughput of the emulator's REST endpoint for `users.getInfo`: 32 requests in flight
//! over pooled keep-alive connections, so client benchmarks can tell whether the emulator
//! limits them. The target is at least 10,000 requests per second on 2 cores, client
//! included.

use std::hint::black_box;

use bytes::Bytes;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use http_body_util::{BodyExt, Empty};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use mailru_emulator::{Emulator, accounts};

/// Requests sent concurrently per iteration.
const IN_FLIGHT: usize = 32;

fn users_get_info(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a tokio runtime");
    let emulator = rt
        .block_on(Emulator::builder().start())
        .expect("the emulator starts");
    let params = [
        ("app_id", accounts::APP_ID.to_string()),
        ("method", "users.getInfo".to_owned()),
        ("session_key", accounts::DEMO_SESSION_KEY.to_owned()),
        ("uids", accounts::INBOX_UID.to_string()),
    ];
    let sig = mailru_sign::sign_client_server(
        &accounts::DEMO_UID.to_string(),
        &params,
        accounts::APP_PRIVATE_KEY,
    )
    .expect("no duplicate keys");
    let query: Vec<String> = params.iter().map(|(k, v)| format!("{k}={v}")).collect();
    let url: hyper::Uri = format!(
        "{}/platform/api?{}&sig={sig}",
        emulator.base_url(),
        query.join("&")
    )
    .parse()
    .expect("a valid URL");
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
    rt.block_on(emulator.stop());
}

criterion_group!(rest, users_get_info);
criterion_main!(rest);
