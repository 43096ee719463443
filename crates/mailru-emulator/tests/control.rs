//! The control API must not be usable by a web page the user happens to open (it listens
//! on loopback, which every page can reach): foreign `Origin`s get 403, and JSON endpoints
//! want `Content-Type: application/json`, which a cross-site form cannot send.

use crate::common;

use common::{Circuit, Env};
use hyper::{Method, StatusCode};
use mailru_emulator::accounts::DEMO_SESSION_KEY;

const EXPIRE_DEMO: &str = "{\"token\":\"be6ef89965d58e56dec21acb9b62bdaa\"}";

async fn demo_token_works(env: &Env) -> bool {
    env.call(Circuit::Client, "users.getInfo", &[]).await.status == StatusCode::OK
}

#[tokio::test]
async fn control_requests_from_a_foreign_origin_are_refused() {
    let env = Env::new().await;
    assert!(EXPIRE_DEMO.contains(DEMO_SESSION_KEY));
    let url = env.url("/_emulator/tokens/expire");
    for origin in ["http://evil.example", "null", "http://127.0.0.1:1"] {
        let r = env
            .http
            .send_headers(
                Method::POST,
                &url,
                &[("content-type", "application/json"), ("origin", origin)],
                EXPIRE_DEMO,
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{origin}: {}", r.text());
    }
    let log = env.url("/_emulator/log");
    let r = env
        .http
        .send_headers(Method::GET, &log, &[("origin", "http://evil.example")], "")
        .await;
    assert_eq!(
        r.status,
        StatusCode::FORBIDDEN,
        "the log is not readable cross-site"
    );
    assert!(demo_token_works(&env).await, "nothing was expired");
    // The emulator's own origin (and no Origin at all, as curl or a test sends) is fine.
    let own = env.emu.base_url().to_owned();
    let r = env
        .http
        .send_headers(
            Method::POST,
            &url,
            &[("content-type", "application/json"), ("origin", &own)],
            EXPIRE_DEMO,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.json()["expired"], 1);
    assert!(!demo_token_works(&env).await);
    let r = env.http.send_headers(Method::GET, &log, &[], "").await;
    assert_eq!(r.status, StatusCode::OK);
}

#[tokio::test]
async fn control_json_endpoints_need_a_json_content_type() {
    let env = Env::new().await;
    let url = env.url("/_emulator/tokens/expire");
    let multipart = format!(
        "--x\r\nContent-Disposition: form-data; name=\"token\"\r\n\r\n{DEMO_SESSION_KEY}\r\n--x--\r\n"
    );
    for (content_type, body) in [
        (None, EXPIRE_DEMO.to_owned()),
        (Some("text/plain"), EXPIRE_DEMO.to_owned()),
        (
            Some("application/x-www-form-urlencoded"),
            format!("token={DEMO_SESSION_KEY}"),
        ),
        (Some("multipart/form-data; boundary=x"), multipart),
    ] {
        let headers: Vec<(&str, &str)> = content_type
            .map(|c| ("content-type", c))
            .into_iter()
            .collect();
        let r = env
            .http
            .send_headers(Method::POST, &url, &headers, body)
            .await;
        assert_eq!(
            r.status,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "{content_type:?}: {}",
            r.text()
        );
    }
    let r = env
        .http
        .send_headers(
            Method::POST,
            &env.url("/_emulator/faults"),
            &[],
            "{\"kind\":\"drop_connection\"}",
        )
        .await;
    assert_eq!(r.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert!(
        demo_token_works(&env).await,
        "no fault was queued, no token expired"
    );
    let r = env
        .http
        .send_headers(
            Method::POST,
            &url,
            &[("content-type", "application/json; charset=utf-8")],
            EXPIRE_DEMO,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert!(!demo_token_works(&env).await);
    // Endpoints without a body need no content type.
    let r = env
        .http
        .send_headers(Method::DELETE, &env.url("/_emulator/log"), &[], "")
        .await;
    assert_eq!(r.status, StatusCode::OK);
}
