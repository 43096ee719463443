//! Fault injection (Rust API and HTTP control API), the request log, determinism.

use crate::common;

use std::time::{Duration, Instant};

use bytes::Bytes;
use common::{Circuit, Env, JSON_TYPE, encode, sign};
use hyper::{Method, StatusCode};
use mailru_emulator::accounts::*;
use mailru_emulator::{Emulator, Fault, FaultKind, MASK, RandomFaults};
use serde_json::json;

#[tokio::test]
async fn api_error_fault_answers_the_code_then_recovers() {
    let env = Env::new().await;
    env.emu.inject(
        Fault::new(FaultKind::ApiError { code: 3 })
            .target("friends.get")
            .times(2),
    );
    let other = env.call(Circuit::Client, "users.getInfo", &[]).await;
    assert_eq!(other.status, StatusCode::OK, "other methods are not hit");
    for _ in 0..2 {
        let r = env.call(Circuit::Client, "friends.get", &[]).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        assert_eq!(r.error_code(), Some(3));
        assert_eq!(
            r.json()["error"]["error_msg"],
            "Service Unavailable. Please try again later."
        );
    }
    assert_eq!(
        env.call(Circuit::Client, "friends.get", &[]).await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn http_status_fault_has_no_api_body() {
    let env = Env::new().await;
    for status in [500u16, 502, 503] {
        env.emu.inject(Fault::new(FaultKind::HttpStatus { status }));
        let r = env.call(Circuit::Client, "friends.get", &[]).await;
        assert_eq!(r.status.as_u16(), status);
        assert!(r.content_type().starts_with("text/html"));
        assert!(serde_json::from_slice::<serde_json::Value>(&r.body).is_err());
    }
}

#[tokio::test]
async fn delay_fault_delays_then_answers_normally() {
    let env = Env::new().await;
    env.emu.inject(Fault::new(FaultKind::Delay { ms: 300 }));
    let start = Instant::now();
    let r = env.call(Circuit::Client, "users.getInfo", &[]).await;
    assert!(start.elapsed() >= Duration::from_millis(300));
    assert_eq!(r.status, StatusCode::OK);
}

#[tokio::test]
async fn dropped_connection_gives_no_response() {
    let env = Env::new().await;
    env.emu.inject(Fault::new(FaultKind::DropConnection));
    let url = format!(
        "{}?{}",
        env.url("/platform/api"),
        encode(&sign(
            &[
                ("app_id", "423004"),
                ("method", "users.getInfo"),
                ("session_key", DEMO_SESSION_KEY)
            ],
            Circuit::Client,
            &DEMO_UID.to_string()
        ))
    );
    let r = env
        .http
        .send(Method::GET, &url, None, Bytes::new(), &[])
        .await;
    assert!(r.is_err(), "expected a transport error, got {r:?}");
    let log = env.emu.requests();
    assert_eq!(log.last().unwrap().status, None);
}

#[tokio::test]
async fn truncated_body_breaks_mid_body() {
    let env = Env::new().await;
    env.emu
        .inject(Fault::new(FaultKind::TruncatedBody).target("friends.get"));
    let url = format!(
        "{}?{}",
        env.url("/platform/api"),
        encode(&sign(
            &[
                ("app_id", "423004"),
                ("method", "friends.get"),
                ("session_key", DEMO_SESSION_KEY)
            ],
            Circuit::Client,
            &DEMO_UID.to_string()
        ))
    );
    let r = env
        .http
        .send(Method::GET, &url, None, Bytes::new(), &[])
        .await;
    let err = r.expect_err("body must not arrive whole");
    assert!(
        err.starts_with("body"),
        "headers arrive, the body breaks: {err}"
    );
}

#[tokio::test]
async fn wrong_content_type_fault_keeps_the_body() {
    let env = Env::new().await;
    env.emu.inject(Fault::new(FaultKind::WrongContentType));
    let r = env.call(Circuit::Client, "users.getInfo", &[]).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.content_type().starts_with("text/html"));
    assert_eq!(r.json()[0]["uid"], DEMO_UID.to_string());
    let r = env.call(Circuit::Client, "users.getInfo", &[]).await;
    assert_eq!(r.content_type(), JSON_TYPE);
}

#[tokio::test]
async fn faults_can_target_non_rest_paths() {
    let env = Env::new().await;
    env.emu
        .inject(Fault::new(FaultKind::HttpStatus { status: 502 }).target("/oauth/token"));
    let r = env.call(Circuit::Client, "users.getInfo", &[]).await;
    assert_eq!(r.status, StatusCode::OK);
    let r = env.http.post_form(&env.url("/oauth/token"), &[], &[]).await;
    assert_eq!(r.status, StatusCode::BAD_GATEWAY);
}

#[tokio::test]
async fn random_faults_hit_about_the_rate_and_repeat_with_the_seed() {
    let run = |seed| async move {
        let env = Env::new().await;
        env.emu.set_random_faults(Some(RandomFaults {
            rate: 0.5,
            seed,
            kinds: vec![FaultKind::ApiError { code: 1 }],
        }));
        let mut hits = Vec::new();
        for _ in 0..40 {
            let r = env.call(Circuit::Client, "users.isAppUser", &[]).await;
            hits.push(r.status == StatusCode::BAD_REQUEST);
        }
        env.emu.clear_faults();
        assert_eq!(
            env.call(Circuit::Client, "users.isAppUser", &[])
                .await
                .status,
            StatusCode::OK
        );
        hits
    };
    let a = run(11).await;
    let count = a.iter().filter(|h| **h).count();
    assert!((8..=32).contains(&count), "{count} of 40 at rate 0.5");
    assert_eq!(a, run(11).await);
}

#[tokio::test]
async fn control_api_over_http() {
    let env = Env::new().await;
    let r = env
        .http
        .post_json(
            &env.url("/_emulator/faults"),
            &json!({"kind": "api_error", "code": 1, "target": "users.getInfo", "times": 1}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(
        env.call(Circuit::Client, "users.getInfo", &[])
            .await
            .error_code(),
        Some(1)
    );
    let r = env
        .http
        .post_json(
            &env.url("/_emulator/tokens/expire"),
            &json!({"token": DEMO_SESSION_KEY}),
        )
        .await;
    assert_eq!(r.json()["expired"], 1);
    assert_eq!(
        env.call(Circuit::Client, "users.getInfo", &[])
            .await
            .error_code(),
        Some(102)
    );
    let log = env.http.get(&env.url("/_emulator/log")).await.json();
    let log = log.as_array().unwrap();
    assert_eq!(log.len(), 2, "control requests are not logged");
    assert_eq!(log[0]["method"], "users.getInfo");
    assert_eq!(log[0]["error_code"], 1);
    let r = env
        .http
        .send(
            Method::DELETE,
            &env.url("/_emulator/log"),
            None,
            Bytes::new(),
            &[],
        )
        .await
        .unwrap();
    assert_eq!(r.status, StatusCode::OK);
    assert!(env.emu.requests().is_empty());
    let r = env
        .http
        .post_json(&env.url("/_emulator/faults"), &json!({"kind": "nope"}))
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn log_records_parameters_with_secrets_masked() {
    let env = Env::new().await;
    env.call(Circuit::Server, "friends.get", &[("ext", "1")])
        .await;
    let log = env.emu.requests();
    let entry = &log[0];
    assert_eq!(entry.http_method, "GET");
    assert_eq!(entry.path, "/platform/api");
    assert_eq!(entry.method.as_deref(), Some("friends.get"));
    assert_eq!(entry.param("ext"), Some("1"));
    assert_eq!(entry.param("secure"), Some("1"));
    assert_eq!(entry.param("session_key"), Some(MASK));
    assert_eq!(entry.status, Some(200));
    let text = format!("{log:?}");
    assert!(!text.contains(DEMO_SESSION_KEY));
}

#[tokio::test]
async fn same_seed_gives_identical_responses() {
    let calls: [(&str, &[(&str, &str)]); 6] = [
        (
            "users.getInfo",
            &[("uids", "15410773191172635989,1324730981306483817")],
        ),
        ("friends.get", &[("ext", "1")]),
        ("stream.get", &[("limit", "20")]),
        ("photos.getAlbums", &[]),
        ("guestbook.get", &[]),
        ("messages.getThreadsList", &[]),
    ];
    let snapshot = |seed: u64| async move {
        let env = Env::with(Emulator::builder().seed(seed)).await;
        let mut out = Vec::new();
        for (method, params) in calls {
            out.push(env.ok(Circuit::Client, method, params).await);
        }
        out.push(
            env.http
                .get(&env.url("/platform/community/rust_lovers"))
                .await
                .json(),
        );
        out
    };
    let a = snapshot(7).await;
    assert_eq!(a, snapshot(7).await);
    assert_ne!(a, snapshot(8).await);
}

#[tokio::test]
async fn stop_closes_the_port() {
    let emu = Emulator::builder().start().await.unwrap();
    let addr = emu.addr();
    emu.stop().await;
    assert!(tokio::net::TcpStream::connect(addr).await.is_err());
}
