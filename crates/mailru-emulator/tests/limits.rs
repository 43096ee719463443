//! Request limits (body size, parameter count and length, multipart boundary), the request
//! log's byte budget, extreme configuration values and deep comment chains: hostile input
//! must be refused or bounded, never crash or bloat the process hosting the emulator.

use crate::common;

use bytes::Bytes;
use common::{Circuit, Env, JSON_TYPE, encode, owned, sign};
use hyper::{Method, StatusCode};
use mailru_emulator::accounts::*;
use mailru_emulator::{Emulator, MAX_EVENTS, TRUNCATED};

const FORM: &str = "application/x-www-form-urlencoded";

async fn post(env: &Env, path: &str, content_type: &str, body: impl Into<Bytes>) -> common::Resp {
    env.http
        .send(
            Method::POST,
            &env.url(path),
            Some(content_type),
            body.into(),
            &[],
        )
        .await
        .unwrap()
}

#[tokio::test]
async fn a_body_over_the_limit_is_413() {
    let env = Env::with(Emulator::builder().seed(7).max_body_bytes(4096)).await;
    let r = post(&env, "/platform/api", FORM, vec![b'a'; 8192]).await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", r.text());
    let r = post(&env, "/oauth/token", FORM, vec![b'a'; 4097]).await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    // At the limit the request goes through (and fails for its own reasons).
    let r = post(&env, "/platform/api", FORM, vec![b'a'; 4096]).await;
    r.assert_error(100);
    let log = env.emu.requests();
    let statuses: Vec<_> = log.iter().map(|e| e.status).collect();
    assert_eq!(statuses, [Some(413), Some(413), Some(400)]);
    assert!(log[0].params.is_empty());
}

/// A 16 MiB body of `a&a&…` used to become millions of parameters (and copies of them in
/// the log); now the parser stops at the first one over the limit.
#[tokio::test]
async fn too_many_parameters_are_400_with_the_platform_envelope() {
    let env = Env::new().await;
    let body = "a&".repeat(4 * 1024 * 1024);
    let r = post(&env, "/platform/api", FORM, body.clone()).await;
    r.assert_error(100);
    assert_eq!(r.content_type(), JSON_TYPE);
    let msg = r.json()["error"]["error_msg"].as_str().unwrap().to_owned();
    assert!(msg.contains("more than 1000 parameters"), "{msg}");
    // Outside the REST endpoint: a plain 400.
    let r = post(&env, "/oauth/token", FORM, body).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(
        r.content_type().starts_with("text/plain"),
        "{}",
        r.content_type()
    );
    // The limit counts query and body together; 1000 is fine.
    let app = APP_ID.to_string();
    let mut params = sign(
        &[
            ("app_id", &app),
            ("method", "users.getInfo"),
            ("session_key", DEMO_SESSION_KEY),
        ],
        Circuit::Server,
        "",
    );
    let filler: Vec<(String, String)> = (params.len()..1000)
        .map(|i| (format!("x{i}"), String::new()))
        .collect();
    // Unsigned extra parameters make the signature wrong: error 104, not a limit error.
    params.extend(filler);
    let r = post(&env, "/platform/api", FORM, encode(&params)).await;
    r.assert_error(104);
    params.push(("one_more".to_owned(), String::new()));
    let r = post(&env, "/platform/api", FORM, encode(&params)).await;
    r.assert_error(100);
}

#[tokio::test]
async fn an_overlong_parameter_is_400() {
    let env = Env::with(Emulator::builder().seed(7).max_param_len(1024)).await;
    let long = "я".repeat(513);
    let r = env
        .http
        .get(&format!(
            "{}?{}",
            env.url("/platform/api"),
            encode(&owned(&[("text", &long)]))
        ))
        .await;
    r.assert_error(100);
    assert!(r.text().contains("longer than 1024 bytes"), "{}", r.text());
    let long_key = "k".repeat(1025);
    let r = post(&env, "/platform/api", FORM, format!("{long_key}=1")).await;
    r.assert_error(100);
    // 1024 bytes exactly is a normal (here: wrongly signed) call.
    let r = post(
        &env,
        "/platform/api",
        FORM,
        format!("sig=1&text={}", "b".repeat(1024)),
    )
    .await;
    r.assert_error(100);
    assert!(r.text().contains("app_id"), "{}", r.text());
}

fn multipart(boundary: &str, fields: &[(String, String)]) -> Vec<u8> {
    let mut body = Vec::new();
    for (k, v) in fields {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                .as_bytes(),
        );
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    body
}

#[tokio::test]
async fn a_multipart_boundary_longer_than_70_is_400() {
    let env = Env::new().await;
    let app = APP_ID.to_string();
    let signed = sign(
        &[
            ("app_id", &app),
            ("method", "users.getInfo"),
            ("session_key", DEMO_SESSION_KEY),
        ],
        Circuit::Client,
        &DEMO_UID.to_string(),
    );
    let seventy = "7".repeat(70);
    let r = post(
        &env,
        "/platform/api",
        &format!("multipart/form-data; boundary={seventy}"),
        multipart(&seventy, &signed),
    )
    .await;
    assert_eq!(r.ok()[0]["uid"], DEMO_UID.to_string());
    let seventy_one = "7".repeat(71);
    let r = post(
        &env,
        "/platform/api",
        &format!("multipart/form-data; boundary=\"{seventy_one}\""),
        multipart(&seventy_one, &signed),
    )
    .await;
    r.assert_error(100);
    assert!(r.text().contains("boundary"), "{}", r.text());
}

/// Big requests go through, but the log keeps a bounded summary of each and stays within
/// its byte budget by dropping the oldest entries.
#[tokio::test]
async fn the_request_log_stays_within_its_byte_budget() {
    let budget = 1024 * 1024;
    let env = Env::with(Emulator::builder().seed(7).log_max_bytes(budget)).await;
    let params: Vec<(String, String)> = (0..200)
        .map(|i| {
            (
                format!("p{i:03}"),
                "v".repeat(if i == 0 { 10_000 } else { 4_000 }),
            )
        })
        .collect();
    let body = encode(&params);
    for _ in 0..12 {
        post(&env, "/platform/api", FORM, body.clone())
            .await
            .assert_error(100);
    }
    let log = env.emu.requests();
    assert!(!log.is_empty() && log.len() < 12, "{} entries", log.len());
    assert_eq!(log.last().unwrap().seq, 12, "the newest entry is kept");
    let held: usize = log
        .iter()
        .flat_map(|e| e.params.iter().flat_map(|(k, v)| [k.len(), v.len()]))
        .sum();
    assert!(held <= budget, "{held} bytes of parameters held");
    let last = log.last().unwrap();
    assert_eq!(last.params.len(), 101);
    assert_eq!(last.param(TRUNCATED), Some("100 more parameters"));
    let first = last.param("p000").unwrap();
    assert!(
        first.ends_with("…[truncated 5904 bytes]"),
        "{}",
        &first[4000..]
    );
    assert_eq!(last.param("p001").map(str::len), Some(4_000));
}

/// `community_events(u32::MAX)` used to underflow the event-time arithmetic (the first
/// page after a `skip` cursor panicked in the handler); it is clamped and the stream reads
/// fine, page after page.
#[tokio::test]
async fn community_events_of_u32_max_are_clamped_and_readable() {
    let env = Env::with(Emulator::builder().seed(7).community_events(u32::MAX)).await;
    let uid = BIG_COMMUNITY_UID.to_string();
    let app = APP_ID.to_string();
    let mut times = Vec::new();
    let mut skip = String::new();
    for _ in 0..2 {
        let mut params = vec![
            ("app_id", app.as_str()),
            ("method", "stream.getByAuthor"),
            ("uid", &uid),
            ("limit", "100"),
        ];
        if !skip.is_empty() {
            params.push(("skip", &skip));
        }
        let page = env.raw(&sign(&params, Circuit::Server, "")).await.ok();
        let page = page.as_array().unwrap();
        assert_eq!(page.len(), 100);
        times.extend(page.iter().map(|e| e["time"].as_u64().unwrap()));
        skip = page[99]["id"].as_str().unwrap().to_owned();
    }
    assert!(times.windows(2).all(|w| w[0] > w[1]), "newest first");
    let info = env
        .ok(Circuit::Server, "users.getInfo", &[("uids", &uid)])
        .await;
    assert_eq!(info[0]["group_info"]["posts_cnt"], MAX_EVENTS);
}

/// The newest event of the demo user's own stream.
async fn newest_own_event(env: &Env) -> serde_json::Value {
    let uid = DEMO_UID.to_string();
    let page = env
        .ok(
            Circuit::Client,
            "stream.getByAuthor",
            &[("uid", &uid), ("limit", "1")],
        )
        .await;
    page[0].clone()
}

/// Comments on comments nest in the rendered wrapper; the nesting is capped, so a long
/// chain neither overflows the stack nor makes JSON too deep to read.
#[tokio::test]
async fn a_chain_of_comments_on_comments_renders_with_capped_nesting() {
    let env = Env::new().await;
    for i in 0..12 {
        let newest = newest_own_event(&env).await;
        let thread = newest["thread_id"]
            .as_str()
            .or_else(|| newest["huid"].as_str())
            .unwrap()
            .to_owned();
        let text = format!("ответ {i}");
        let r = env
            .post(
                Circuit::Client,
                "stream.comment",
                &[("thread_id", &thread), ("text", &text)],
            )
            .await;
        r.ok();
    }
    let top = newest_own_event(&env).await;
    assert_eq!(top["comment"]["text"], "ответ 11");
    let mut depth = 0;
    let mut v = &top;
    while v["subevent"].is_object() {
        v = &v["subevent"];
        depth += 1;
    }
    assert_eq!(depth, 8, "nesting is capped at 8 levels: {top}");
    assert!(v["subevent"].is_null());
    assert_eq!(v["comment"]["text"], "ответ 3");
}
