//! Sentinel secrets never appear in the Debug or Display output of any library type, in
//! the errors of failed calls, logins and refreshes, nor in tracing output at TRACE.
//!
//! One test, alone in its binary: tracing's callsite cache is global to a process, and a
//! test running beside it on another thread could make it miss this test's subscriber
//! (see `crates/mailru-api/tests/secrets.rs`).

use std::collections::VecDeque;
use std::fmt::Debug;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use futures::TryStreamExt;
use mailru::api::{HttpRequest, HttpResponse, Pager, RawResponse, Transport};
use mailru::auth::{App, FULL_SCOPE, OAuth, RefreshFrom, Token};
use mailru::methods::stream::GetByAuthor;
use mailru::{AccessToken, Api, Password, PrivateKey, RefreshToken, SecretKey, Session};
use mailru_emulator::Emulator;
use mailru_emulator::accounts::*;
use serde_json::json;

/// Every sentinel starts with this; finding it anywhere is a leak.
const MARK: &str = "SENTINEL";

fn sentinel(what: &str) -> String {
    format!("{MARK}{what}0123456789abcdef")
}

/// A `MakeWriter` collecting everything tracing prints.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Captured {
    type Writer = Captured;
    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

/// Answers from a script, in order (then 500); records what it was sent.
#[derive(Debug, Default)]
struct Scripted {
    answers: Mutex<VecDeque<HttpResponse>>,
    sent: Mutex<Vec<HttpRequest>>,
}

impl Scripted {
    fn new(answers: &[(u16, &str)]) -> Arc<Self> {
        let answers = answers
            .iter()
            .map(|(status, body)| HttpResponse {
                status: *status,
                headers: Default::default(),
                body: body.to_string().into(),
            })
            .collect();
        Arc::new(Scripted {
            answers: Mutex::new(answers),
            sent: Mutex::default(),
        })
    }
}

#[async_trait]
impl Transport for Scripted {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, mailru::api::Error> {
        self.sent.lock().unwrap().push(request);
        Ok(self
            .answers
            .lock()
            .unwrap()
            .pop_front()
            .unwrap_or_else(|| HttpResponse {
                status: 500,
                headers: Default::default(),
                body: "script exhausted".into(),
            }))
    }
}

/// What was shown, labelled, to check at the end.
#[derive(Default)]
struct Shown(Vec<(String, String)>);

impl Shown {
    fn debug(&mut self, label: &str, value: &impl Debug) {
        self.0
            .push((format!("{label} (Debug)"), format!("{value:?}")));
        self.0
            .push((format!("{label} (Debug, pretty)"), format!("{value:#?}")));
    }

    fn both(&mut self, label: &str, value: &(impl Debug + std::fmt::Display)) {
        self.debug(label, value);
        self.0
            .push((format!("{label} (Display)"), value.to_string()));
    }

    /// An error, its Display and Debug, and every error of its `source()` chain.
    fn error(&mut self, label: &str, err: &(dyn std::error::Error + 'static)) {
        self.0
            .push((format!("{label} (Debug)"), format!("{err:?}")));
        self.0.push((format!("{label} (Display)"), err.to_string()));
        let mut next = err.source();
        let mut depth = 0;
        while let Some(e) = next {
            depth += 1;
            self.0
                .push((format!("{label} source {depth}"), e.to_string()));
            self.0
                .push((format!("{label} source {depth} (Debug)"), format!("{e:?}")));
            next = e.source();
        }
    }
}

#[tokio::test(flavor = "current_thread")]
async fn sentinel_secrets_never_appear_in_debug_display_errors_or_logs() {
    let captured = Captured::default();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(captured.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let (private_key, secret_key) = (sentinel("pk"), sentinel("sk"));
    let (access_token, refresh_token) = (sentinel("at"), sentinel("rt"));
    let password = sentinel("pw");
    let mut shown = Shown::default();
    let emu = Emulator::builder().start().await.unwrap();
    let base = emu.base_url();

    // The secret types themselves.
    shown.both("PrivateKey", &PrivateKey::new(private_key.clone()));
    shown.both("SecretKey", &SecretKey::new(secret_key.clone()));
    shown.both("AccessToken", &AccessToken::new(access_token.clone()));
    shown.both("RefreshToken", &RefreshToken::new(refresh_token.clone()));
    shown.both("Password", &Password::new(password.clone()));

    // App, OAuth, and an implicit login that fails on the password.
    let app = App::new(APP_ID)
        .private_key(private_key.clone())
        .secret_key(secret_key.clone());
    shown.debug("App", &app);
    let oauth = OAuth::with_base_url(app.clone(), base).unwrap();
    shown.debug("OAuth", &oauth);
    let grant = oauth.implicit("demo@mail.ru", Password::new(password.clone()));
    shown.debug("ImplicitGrant", &grant);
    let err = grant.login().await.unwrap_err();
    shown.error("failed login", &err);

    // The password grant with the sentinel password and secret key, and refreshes from a
    // bare refresh token and from a token.
    let err = oauth
        .password(
            "demo@mail.ru",
            &Password::new(password.clone()),
            &FULL_SCOPE,
        )
        .await
        .unwrap_err();
    shown.error("failed password grant", &err);
    let err = oauth
        .refresh(RefreshFrom::RefreshToken(RefreshToken::new(
            refresh_token.clone(),
        )))
        .await
        .unwrap_err();
    shown.error("failed refresh (bare)", &err);
    let token = Token::from_json(
        &json!({
            "access_token": access_token,
            "refresh_token": refresh_token,
            "expires_in": 0,
            "token_type": "bearer",
            "x_mailru_vid": DEMO_UID.to_string(),
        }),
        &[],
        None,
    )
    .unwrap();
    shown.debug("Token", &token);
    shown.debug("RefreshFrom", &RefreshFrom::Token(&token));
    let err = oauth.refresh(&token).await.unwrap_err();
    shown.error("failed refresh (token)", &err);

    // A renewing session whose token has expired: the call renews first, the
    // refresh is refused, and the call fails with a session error.
    let renewing = oauth.renewing(token.clone());
    shown.debug("RenewingSession", &renewing);
    let api = renewing.api().unwrap();
    shown.debug("Api (renewing)", &api);
    let err = api.users().get_info().send().await.unwrap_err();
    assert!(matches!(err, mailru::api::Error::Session(_)), "{err:?}");
    shown.error("failed renewal", &err);
    let facade: mailru::Error = err.into();
    shown.error("facade error", &facade);

    // A fixed session with every secret: failed calls (the emulator does not know the
    // token), walks by type and by name before and after they fail.
    let session = Session::client(
        APP_ID,
        PrivateKey::new(private_key.clone()),
        AccessToken::new(access_token.clone()),
        DEMO_UID,
    )
    .with_secret_key(SecretKey::new(secret_key.clone()));
    shown.debug("Session", &session);
    let api = Api::builder(session.clone())
        .base_url(base)
        .unwrap()
        .build()
        .unwrap();
    shown.debug("Api", &api);
    let err = api.call("friends.get", ()).await.unwrap_err();
    shown.error("failed call", &err);
    let raw = api.call_raw("friends.get", ()).await.unwrap();
    shown.debug("RawResponse (API error)", &raw);
    let mut items = api.paginate(GetByAuthor::new().uid(BIG_COMMUNITY_UID));
    shown.debug("Items (fresh)", &items);
    let err = items.try_next().await.unwrap_err();
    shown.error("failed walk", &err);
    shown.debug("Items (failed)", &items);
    shown.debug("Checkpoint", &items.checkpoint());
    let pager = Pager::new(&api, "stream.getByAuthor")
        .unwrap()
        .param("uid", BIG_COMMUNITY_UID);
    shown.debug("Pager", &pager);
    let mut pages = pager.pages();
    let err = pages.try_next().await.unwrap_err();
    shown.error("failed pages", &err);
    shown.debug("Pages (failed)", &pages);

    // A hostile hop that quotes the signed request back: in an HTTP error, a decoding
    // error and a raw answer, and a token endpoint that quotes the refresh token.
    let echo = format!(
        "<html>502 upstream failed for /platform/api?app_id={APP_ID}&session_key={access_token}&sig=00ff</html>"
    );
    let json_echo = format!(r#"{{"access_token": "{access_token}", "uid": [1]}}"#);
    let script = Scripted::new(&[(502, &echo), (200, &json_echo), (200, &echo), (200, "[]")]);
    let scripted = Api::builder(session.clone())
        .transport(script.clone())
        .retry(mailru::api::RetryPolicy::none())
        .build()
        .unwrap();
    let err = scripted.call("friends.get", ()).await.unwrap_err();
    shown.error("HTTP error quoting the URL", &err);
    let err = scripted
        .send(&mailru::methods::users::GetInfo::new())
        .await
        .unwrap_err();
    shown.error("decode error quoting JSON", &err);
    // The same token in free text, where no key names it.
    let free = format!("Bearer {access_token} was refused");
    let api_free = format!(r#"{{"error":{{"error_code":102,"error_msg":"{free}"}}}}"#);
    let free_script = Scripted::new(&[
        (401, &free),
        (200, &api_free),
        (200, &format!(r#"["{access_token}"]"#)),
        (200, &format!(r#"{{"note":"{free}"}}"#)),
    ]);
    let free_api = Api::builder(session.clone())
        .transport(free_script)
        .retry(mailru::api::RetryPolicy::none())
        .build()
        .unwrap();
    let err = free_api.call("friends.get", ()).await.unwrap_err();
    shown.error("HTTP error quoting the token in free text", &err);
    let err = free_api.call("friends.get", ()).await.unwrap_err();
    assert_eq!(err.api_code(), Some(102));
    shown.error("API error quoting the token in free text", &err);
    let err = free_api
        .send(&mailru::methods::users::GetInfo::new())
        .await
        .unwrap_err();
    shown.error("decode error quoting the token as a value", &err);
    let err = Pager::new(&free_api, "stream.get")
        .unwrap()
        .items()
        .try_next()
        .await
        .unwrap_err();
    shown.error("pager error quoting the token in free text", &err);
    let raw: RawResponse = scripted.call_raw("friends.get", ()).await.unwrap();
    assert!(raw.body.contains(&access_token), "the body itself is kept");
    shown.debug("RawResponse (echo)", &raw);
    scripted.call("friends.get", ()).await.unwrap();
    let sent = script.sent.lock().unwrap().clone();
    assert!(
        sent[0].url.as_str().contains(&access_token),
        "it was really sent"
    );
    for (i, request) in sent.iter().enumerate() {
        shown.debug(&format!("HttpRequest {i}"), request);
    }
    let hostile_token_endpoint = Scripted::new(&[
        (
            400,
            &format!(
                r#"{{"error":"invalid_grant","error_description":"refresh_token={refresh_token} is unknown","refresh_token":"{refresh_token}"}}"#
            ),
        ),
        (
            400,
            &format!(
                r#"{{"error":"invalid_grant","error_description":"the token {refresh_token} is unknown"}}"#
            ),
        ),
    ]);
    let echoing = OAuth::with_base_url(app, base)
        .unwrap()
        .transport(hostile_token_endpoint);
    let err = echoing.refresh(&token).await.unwrap_err();
    shown.error("token endpoint quoting the refresh token", &err);
    let err = echoing.refresh(&token).await.unwrap_err();
    shown.error(
        "token endpoint quoting the refresh token in free text",
        &err,
    );

    // A successful login and call, with the platform's real credentials: what the
    // emulator issued must not show either.
    let real = OAuth::with_base_url(
        App::new(APP_ID)
            .private_key(APP_PRIVATE_KEY)
            .secret_key(APP_SECRET_KEY),
        base,
    )
    .unwrap();
    let issued = real
        .implicit("demo@mail.ru", "demo-password")
        .login()
        .await
        .unwrap();
    shown.debug("issued Token", &issued);
    let renewing = real.renewing(issued.clone());
    let me = renewing
        .api()
        .unwrap()
        .users()
        .get_info()
        .send()
        .await
        .unwrap();
    assert_eq!(me[0].uid, DEMO_UID);
    shown.debug("RenewingSession (working)", &renewing);

    let logs = String::from_utf8_lossy(&captured.0.lock().unwrap()).into_owned();
    shown.0.push(("tracing at TRACE".to_owned(), logs.clone()));
    let mut secrets = vec![MARK.to_owned(), "demo-password".to_owned()];
    secrets.extend([
        APP_PRIVATE_KEY.to_owned(),
        APP_SECRET_KEY.to_owned(),
        issued.access_token.expose().to_owned(),
    ]);
    let issued_refresh = issued.refresh_token.as_ref().unwrap().expose().to_owned();
    secrets.push(issued_refresh);
    for (label, text) in &shown.0 {
        for secret in &secrets {
            assert!(
                !text.contains(secret.as_str()),
                "{label} shows a secret ({secret}): {text}"
            );
        }
    }
    // The checks saw real output: a span per call, and the errors say what happened.
    assert!(logs.contains("mailru.call"), "{logs}");
    assert!(logs.contains("mailru.oauth.token"), "{logs}");
    assert!(shown.0.len() >= 80, "{}", shown.0.len());
}
