//! Token lifetimes to the millisecond, and state that stays bounded: old token pairs,
//! browser logins and consent dialogs are dropped.

use crate::common;

use std::time::{Duration, Instant};

use common::{Circuit, Env, owned};
use hyper::StatusCode;
use mailru_emulator::Emulator;
use mailru_emulator::accounts::*;

async fn get_info(env: &Env, token: &str, uid: &str) -> common::Resp {
    env.call_as(Circuit::Client, token, uid, "users.getInfo", &[])
        .await
}

/// A 1.5 s token works at 1.0 s and not at 1.6 s. With expiry kept in whole unix seconds
/// it lived between 0 and 1 s, so the first check failed.
#[tokio::test]
async fn a_token_lives_exactly_its_ttl() {
    let env = Env::with(
        Emulator::builder()
            .seed(7)
            .token_ttl(Duration::from_millis(1500)),
    )
    .await;
    let (token, uid) = env.token(DEMO_EMAIL, DEMO_PASSWORD, "").await;
    let issued = Instant::now();
    tokio::time::sleep(Duration::from_millis(1000)).await;
    let r = get_info(&env, &token, &uid).await;
    assert_eq!(r.status, StatusCode::OK, "at 1.0 s: {}", r.text());
    tokio::time::sleep_until((issued + Duration::from_millis(1600)).into()).await;
    get_info(&env, &token, &uid).await.assert_error(102);
}

#[tokio::test]
async fn expires_in_is_whole_seconds_and_at_least_one() {
    for (ttl, expected) in [(500, 1), (1500, 1), (2999, 2), (86_400_000, 86_400)] {
        let env = Env::with(
            Emulator::builder()
                .seed(7)
                .token_ttl(Duration::from_millis(ttl)),
        )
        .await;
        let r = env
            .http
            .post_form(
                &env.url("/oauth/token"),
                &owned(&[
                    ("grant_type", "password"),
                    ("client_id", "423004"),
                    ("client_secret", APP_SECRET_KEY),
                    ("username", DEMO_EMAIL),
                    ("password", DEMO_PASSWORD),
                ]),
                &[],
            )
            .await;
        assert_eq!(r.json()["expires_in"], expected, "ttl {ttl} ms");
    }
}

/// Logging in again and again keeps a bounded number of token pairs per user and app: the
/// oldest ones stop working.
#[tokio::test]
async fn many_logins_keep_a_bounded_number_of_tokens() {
    let env = Env::with(Emulator::builder().seed(7).tokens_per_user_app(3)).await;
    let mut tokens = Vec::new();
    for _ in 0..6 {
        tokens.push(env.token(BK_EMAIL, BK_PASSWORD, "").await);
    }
    for (i, (token, uid)) in tokens.iter().enumerate() {
        let r = get_info(&env, token, uid).await;
        if i < 3 {
            r.assert_error(102);
        } else {
            assert_eq!(r.status, StatusCode::OK, "token {i}: {}", r.text());
        }
    }
    // The demo session of the seed is a pair of its own and still works.
    assert_eq!(
        env.call(Circuit::Client, "users.getInfo", &[]).await.status,
        StatusCode::OK
    );
}

/// The login form's target, with `Page`/`FailPage` on the dialog.
async fn log_in(env: &Env) -> Vec<(String, String)> {
    let page = format!(
        "{}?client_id=423004&response_type=token&login=1",
        env.url("/oauth/authorize")
    );
    let r = env
        .http
        .post_form(
            &env.url("/cgi-bin/auth"),
            &owned(&[
                ("Login", "demo"),
                ("Domain", "mail.ru"),
                ("Password", DEMO_PASSWORD),
                ("Page", &page),
                ("FailPage", &format!("{page}&fail=1")),
            ]),
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::FOUND, "{}", r.text());
    r.cookies()
}

async fn dialog(env: &Env, cookies: &[(String, String)]) -> String {
    let url = format!(
        "{}?client_id=600001&response_type=token&scope=photos",
        env.url("/oauth/authorize")
    );
    env.http.get_with_cookies(&url, cookies).await.text()
}

/// The `sig` of a consent dialog.
fn consent_key(page: &str) -> String {
    assert!(
        page.contains("<form id=\"login\""),
        "a consent dialog:\n{page}"
    );
    let at = page.find("name=\"sig\" value=\"").unwrap() + "name=\"sig\" value=\"".len();
    page[at..at + 32].to_owned()
}

#[tokio::test]
async fn consent_dialogs_expire() {
    let builder = Emulator::builder()
        .seed(7)
        .consent_ttl(Duration::from_millis(200));
    let env = Env::with(builder).await;
    let cookies = log_in(&env).await;
    let sig = consent_key(&dialog(&env, &cookies).await);
    tokio::time::sleep(Duration::from_millis(300)).await;
    let r = env
        .http
        .post_form(
            &env.url("/oauth/authorize"),
            &owned(&[("sig", &sig), ("client_id", "600001"), ("login", "1")]),
            &cookies,
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text());
    assert!(r.text().contains("Форма устарела"), "{}", r.text());
    // A fresh dialog works.
    let sig = consent_key(&dialog(&env, &cookies).await);
    let r = env
        .http
        .post_form(
            &env.url("/oauth/authorize"),
            &owned(&[("sig", &sig), ("client_id", "600001"), ("login", "1")]),
            &cookies,
        )
        .await;
    assert_eq!(r.status, StatusCode::FOUND, "{}", r.text());
}

#[tokio::test]
async fn browser_logins_expire() {
    let builder = Emulator::builder()
        .seed(7)
        .login_ttl(Duration::from_millis(200));
    let env = Env::with(builder).await;
    let cookies = log_in(&env).await;
    consent_key(&dialog(&env, &cookies).await);
    tokio::time::sleep(Duration::from_millis(300)).await;
    let page = dialog(&env, &cookies).await;
    assert!(
        page.contains("id=\"login-form\""),
        "logged out: login dialog"
    );
}

#[tokio::test]
async fn browser_logins_are_capped() {
    let env = Env::with(Emulator::builder().seed(7).max_auth_entries(4)).await;
    let first = log_in(&env).await;
    for _ in 0..4 {
        log_in(&env).await;
    }
    let page = dialog(&env, &first).await;
    assert!(
        page.contains("id=\"login-form\""),
        "the oldest login was dropped"
    );
    let newest = log_in(&env).await;
    consent_key(&dialog(&env, &newest).await);
}
