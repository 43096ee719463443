//! The "no library" baseline of `cargo xtask bench`: N signed `users.getInfo` calls with C
//! in flight, written with hyper-util alone — the same signing (md5 of the sorted
//! parameters), query encoding and typed decode a library must do, nothing else.
//! Prints `N requests in S s: R req/s` like the `loadgen` example.
//!
//! `--transport-features` adds, still without mailru code, what mailru's transport does
//! on every call beyond that: a connector that can also speak TLS (hyper-rustls, plain
//! HTTP passed through), a pool that closes idle connections on a timer, a cap on the
//! requests in flight and a timeout per attempt. The bench runs both, so its report
//! shows what these cost apart from the library's own code.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Empty};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::{Connect, HttpConnector};
use hyper_util::rt::{TokioExecutor, TokioTimer};
use md5::{Digest, Md5};
use tokio::sync::Semaphore;

/// The profile decoded into the same typed fields as `mailru_api::models::User`.
#[allow(dead_code)]
#[derive(serde::Deserialize)]
struct User {
    uid: String,
    first_name: String,
    last_name: String,
    nick: String,
    email: Option<String>,
    sex: Option<u8>,
    birthday: Option<String>,
    show_age: Option<u8>,
    age: Option<u32>,
    has_pic: Option<u8>,
    pic: Option<String>,
    pic_small: Option<String>,
    pic_big: Option<String>,
    pic_22: Option<String>,
    pic_32: Option<String>,
    pic_40: Option<String>,
    pic_50: Option<String>,
    pic_128: Option<String>,
    pic_180: Option<String>,
    pic_190: Option<String>,
    link: Option<String>,
    is_online: Option<u8>,
    is_verified: Option<u8>,
    vip: Option<u8>,
    app_installed: Option<u8>,
    is_friend: Option<u8>,
    has_photosafe: Option<u8>,
    friends_count: Option<u64>,
    last_visit: Option<String>,
    status_text: Option<String>,
    referer_type: Option<String>,
    referer_id: Option<String>,
    location: Option<Location>,
}

#[allow(dead_code)]
#[derive(serde::Deserialize)]
struct Location {
    country: Option<Place>,
    city: Option<Place>,
    region: Option<Place>,
}

#[allow(dead_code)]
#[derive(serde::Deserialize)]
struct Place {
    name: String,
    id: String,
}

fn signed_url(base: &str) -> String {
    let mut params = [
        ("app_id", "423004"),
        ("method", "users.getInfo"),
        ("session_key", "be6ef89965d58e56dec21acb9b62bdaa"),
    ];
    params.sort_unstable();
    let mut md5 = Md5::new();
    md5.update(b"1324730981306483817");
    for (k, v) in params {
        md5.update(k.as_bytes());
        md5.update(b"=");
        md5.update(v.as_bytes());
    }
    md5.update(b"7815696ecbf1c96e6894b779456d330e");
    let sig: String = md5.finalize().iter().map(|b| format!("{b:02x}")).collect();
    let query = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(params)
        .append_pair("sig", &sig)
        .finish();
    format!("{base}/platform/api?{query}")
}

/// mailru's defaults for what `--transport-features` adds.
const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(30);
const POOL_IDLE_TIMEOUT: Duration = Duration::from_secs(90);
const MAX_IN_FLIGHT: usize = 256;

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let arg = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .unwrap_or_else(|| {
                panic!(
                    "usage: bare-hyper --base-url URL --requests N --concurrency C \
                     [--transport-features]"
                )
            })
    };
    let (base, total, concurrency): (String, u64, u64) = (
        arg("--base-url").clone(),
        arg("--requests").parse().expect("a number of requests"),
        arg("--concurrency").parse().expect("a concurrency"),
    );
    let seconds = if args.iter().any(|a| a == "--transport-features") {
        let mut http = HttpConnector::new();
        http.enforce_http(false);
        let connector = hyper_rustls::HttpsConnectorBuilder::new()
            .with_webpki_roots()
            .https_or_http()
            .enable_http1()
            .wrap_connector(http);
        let client = Client::builder(TokioExecutor::new())
            .pool_timer(TokioTimer::new())
            .pool_idle_timeout(POOL_IDLE_TIMEOUT)
            .pool_max_idle_per_host(MAX_IN_FLIGHT)
            .build(connector);
        run::<_, true>(client, base, total, concurrency).await
    } else {
        let client = Client::builder(TokioExecutor::new()).build_http();
        run::<_, false>(client, base, total, concurrency).await
    };
    println!(
        "{total} requests in {seconds:.3} s: {:.0} req/s",
        total as f64 / seconds
    );
}

/// The calls, `concurrency` at a time; the seconds they took. `FEATURES` is a constant so
/// the plain baseline's code has no trace of the features.
async fn run<C, const FEATURES: bool>(
    client: Client<C, Empty<Bytes>>,
    base: String,
    total: u64,
    concurrency: u64,
) -> f64
where
    C: Connect + Clone + Send + Sync + 'static,
{
    let in_flight = Arc::new(Semaphore::new(MAX_IN_FLIGHT));
    let next = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let workers: Vec<_> = (0..concurrency)
        .map(|_| {
            let (client, next, base, in_flight) = (
                client.clone(),
                next.clone(),
                base.clone(),
                in_flight.clone(),
            );
            tokio::spawn(async move {
                while next.fetch_add(1, Ordering::Relaxed) < total {
                    // Signed per call, as a client with a changing session would.
                    let uri: hyper::Uri = signed_url(&base).parse().expect("a valid URL");
                    let call = async {
                        let _permit = if FEATURES {
                            Some(in_flight.acquire().await.expect("never closed"))
                        } else {
                            None
                        };
                        let resp = client.get(uri).await.expect("a response");
                        assert_eq!(resp.status(), 200);
                        resp.into_body().collect().await.expect("a body").to_bytes()
                    };
                    let body = if FEATURES {
                        tokio::time::timeout(ATTEMPT_TIMEOUT, call)
                            .await
                            .expect("an answer in time")
                    } else {
                        call.await
                    };
                    let users: Vec<User> = serde_json::from_slice(&body).expect("users");
                    assert!(!users.is_empty());
                }
            })
        })
        .collect();
    for w in workers {
        w.await.expect("a worker");
    }
    started.elapsed().as_secs_f64()
}
