//! The client core against the in-process emulator and a scripted transport: error kinds,
//! raw mode, retries, timeouts, redaction, exactly what is sent.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use mailru_api::{
    AccessToken, Api, ApiErrorKind, Error, HttpRequest, HttpResponse, PrivateKey, RetryPolicy,
    SecretKey, Session, Transport, TransportKind,
};
use mailru_emulator::accounts::*;
use mailru_emulator::{Emulator, EmulatorHandle, Fault, FaultKind};
use serde_json::json;

fn client_session() -> Session {
    Session::client(
        APP_ID,
        PrivateKey::new(APP_PRIVATE_KEY),
        AccessToken::new(DEMO_SESSION_KEY),
        DEMO_UID,
    )
}

fn server_session() -> Session {
    Session::server(APP_ID, SecretKey::new(APP_SECRET_KEY))
        .with_access_token(AccessToken::new(DEMO_SESSION_KEY))
}

/// Fast retries so emulator tests do not sleep long in real time.
fn fast_retry() -> RetryPolicy {
    RetryPolicy {
        base_delay: Duration::from_millis(5),
        ..RetryPolicy::default()
    }
}

async fn setup(session: Session) -> (EmulatorHandle, Api) {
    let emu = Emulator::builder().seed(7).start().await.unwrap();
    let api = Api::builder(session)
        .base_url(emu.base_url())
        .unwrap()
        .retry(fast_retry())
        .build()
        .unwrap();
    (emu, api)
}

fn kind(result: mailru_api::Result<serde_json::Value>) -> (i64, ApiErrorKind) {
    match result {
        Err(Error::Api { code, kind, .. }) => (code, kind),
        other => panic!("expected an API error, got {other:?}"),
    }
}

#[tokio::test]
async fn emulator_error_codes_map_to_their_kinds() {
    let (emu, api) = setup(client_session()).await;
    assert_eq!(
        kind(api.call("friends.nope", ()).await),
        (2, ApiErrorKind::UnknownMethod)
    );
    assert_eq!(
        kind(api.call("users.hasAppPermission", ()).await),
        (100, ApiErrorKind::MissingParameter)
    );
    let closed = CLOSED_COMMUNITY_UID.to_string();
    assert_eq!(
        kind(
            api.call("stream.getByAuthor", [("uid", closed.as_str())])
                .await
        ),
        (202, ApiErrorKind::AccessDenied)
    );
    assert_eq!(
        kind(
            api.call("photos.upload", [("img_url", "ftp://x/a.jpg")])
                .await
        ),
        (501, ApiErrorKind::InvalidImage)
    );
    for code in [1, 3] {
        emu.inject(Fault::new(FaultKind::ApiError { code }).times(3));
        let expected = if code == 1 {
            ApiErrorKind::UnknownError
        } else {
            ApiErrorKind::ServiceUnavailable
        };
        assert_eq!(
            kind(api.call("users.getInfo", ()).await),
            (i64::from(code), expected)
        );
    }
    emu.uninstall(APP_ID, DEMO_UID);
    assert_eq!(
        kind(api.call("users.getInfo", ()).await),
        (105, ApiErrorKind::AppNotInstalled)
    );
    emu.expire_token(DEMO_SESSION_KEY);
    assert_eq!(
        kind(api.call("users.getInfo", ()).await),
        (102, ApiErrorKind::AuthorizationFailed)
    );

    let wrong_app = api
        .with_session(Session::server(999, SecretKey::new(APP_SECRET_KEY)))
        .unwrap();
    assert_eq!(
        kind(wrong_app.call("users.getInfo", [("uids", "1")]).await),
        (103, ApiErrorKind::InvalidApplication)
    );
}

#[tokio::test]
async fn tampered_signature_is_a_typed_104_and_raw_mode_keeps_the_body() {
    let emu = Emulator::builder().start().await.unwrap();
    let wrong_key = Session::client(
        APP_ID,
        PrivateKey::new("00000000000000000000000000000000"),
        AccessToken::new(DEMO_SESSION_KEY),
        DEMO_UID,
    );
    let api = Api::builder(wrong_key)
        .base_url(emu.base_url())
        .unwrap()
        .build()
        .unwrap();
    let err = api.call("friends.get", ()).await.unwrap_err();
    assert_eq!(err.api_kind(), Some(ApiErrorKind::InvalidSignature));
    assert_eq!(err.to_string(), "API error 104: Incorrect signature");
    assert!(!err.is_retryable());
    let raw = api.call_raw("friends.get", ()).await.unwrap();
    assert_eq!(raw.status, 400);
    assert_eq!(
        raw.body,
        r#"{"error":{"error_code":104,"error_msg":"Incorrect signature","error_token":"NONE","extended":null}}"#
    );
    assert_eq!(emu.requests().len(), 2, "errors are not retried");
}

#[tokio::test]
async fn read_call_succeeds_after_two_503s() {
    let (emu, api) = setup(client_session()).await;
    emu.inject(
        Fault::new(FaultKind::HttpStatus { status: 503 })
            .target("friends.get")
            .times(2),
    );
    let friends = api.call("friends.get", ()).await.unwrap();
    assert_eq!(friends.as_array().unwrap().len(), 100);
    let statuses: Vec<_> = emu.requests().iter().map(|r| r.status).collect();
    assert_eq!(statuses, vec![Some(503), Some(503), Some(200)]);
}

#[tokio::test]
async fn write_call_is_not_retried_by_default_but_can_opt_in() {
    let (emu, api) = setup(client_session()).await;
    emu.inject(Fault::new(FaultKind::HttpStatus { status: 503 }).target("stream.post"));
    let err = api
        .call("stream.post", [("text", "hello")])
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Http { status: 503, .. }), "{err:?}");
    assert_eq!(emu.requests().len(), 1);

    let opt_in = Api::builder(client_session())
        .base_url(emu.base_url())
        .unwrap()
        .retry(RetryPolicy {
            retry_writes: true,
            ..fast_retry()
        })
        .build()
        .unwrap();
    emu.inject(Fault::new(FaultKind::HttpStatus { status: 503 }).target("stream.post"));
    let posted = opt_in
        .call("stream.post", [("text", "hello")])
        .await
        .unwrap();
    assert_eq!(emu.requests().len(), 3);
    // The retried write took effect once: it is the newest item of the stream.
    let id = posted["id"].as_str().unwrap_or_else(|| panic!("{posted}"));
    let mine = opt_in
        .call("stream.getByAuthor", [("limit", "2")])
        .await
        .unwrap();
    assert_eq!(mine[0]["id"], id);
    assert_ne!(mine[1]["text"], "hello", "posted twice: {mine}");
}

#[tokio::test]
async fn delay_beyond_the_attempt_timeout_is_a_timeout() {
    let emu = Emulator::builder().start().await.unwrap();
    let api = Api::builder(client_session())
        .base_url(emu.base_url())
        .unwrap()
        .attempt_timeout(Duration::from_millis(200))
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    emu.inject(Fault::new(FaultKind::Delay { ms: 60_000 }));
    let start = std::time::Instant::now();
    let err = api.call("users.getInfo", ()).await.unwrap_err();
    assert!(
        matches!(err, Error::Timeout(d) if d == Duration::from_millis(200)),
        "{err:?}"
    );
    assert!(err.is_retryable());
    // Not the minute of the delay.
    assert!(start.elapsed() < Duration::from_secs(30));
}

#[tokio::test]
async fn broken_responses_are_transport_errors_and_retried() {
    let (emu, api) = setup(client_session()).await;
    emu.inject(Fault::new(FaultKind::DropConnection));
    emu.inject(Fault::new(FaultKind::TruncatedBody));
    let me = api.call("users.getInfo", ()).await.unwrap();
    assert_eq!(me[0]["uid"], DEMO_UID.to_string());
    let statuses: Vec<_> = emu.requests().iter().map(|r| r.status).collect();
    assert_eq!(statuses, vec![None, Some(200), Some(200)]);
    let no_retry = Api::builder(client_session())
        .base_url(emu.base_url())
        .unwrap()
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    // A connection closed before the answer: the request was sent, no head came back.
    emu.inject(Fault::new(FaultKind::DropConnection));
    let err = no_retry.call("users.getInfo", ()).await.unwrap_err();
    assert_eq!(err.transport_kind(), Some(TransportKind::Send), "{err:?}");
    assert!(err.is_retryable());
    // A body cut short after its head.
    emu.inject(Fault::new(FaultKind::TruncatedBody));
    let err = no_retry.call("users.getInfo", ()).await.unwrap_err();
    assert_eq!(err.transport_kind(), Some(TransportKind::Body), "{err:?}");
    assert!(err.is_retryable());
    assert_eq!(emu.requests().len(), 5);
}

#[tokio::test]
async fn wrong_content_type_with_a_json_body_is_still_decoded() {
    let (emu, api) = setup(client_session()).await;
    emu.inject(Fault::new(FaultKind::WrongContentType));
    let html_labelled = api.call("users.getInfo", ()).await.unwrap();
    assert_eq!(html_labelled[0]["uid"], DEMO_UID.to_string());
    assert_eq!(html_labelled[0]["first_name"], "Дмитрий");
    let plain = api.call("users.getInfo", ()).await.unwrap();
    assert_eq!(html_labelled, plain);
    assert_eq!(emu.requests().len(), 2, "decoded at once, not retried");
}

#[tokio::test]
async fn dynamic_call_sends_exactly_the_user_params_plus_the_platform_ones() {
    for (session, expected) in [
        (
            client_session(),
            vec!["method", "app_id", "session_key", "ext", "offset", "sig"],
        ),
        (
            server_session(),
            vec![
                "method",
                "app_id",
                "session_key",
                "secure",
                "ext",
                "offset",
                "sig",
            ],
        ),
    ] {
        let (emu, api) = setup(session).await;
        api.call("friends.get", [("ext", "0"), ("offset", "10")])
            .await
            .unwrap();
        let log = emu.requests();
        let keys: Vec<&str> = log[0].params.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, expected);
        assert_eq!(log[0].http_method, "GET");
    }
}

#[tokio::test]
async fn reserved_and_duplicate_params_are_rejected_before_sending() {
    let (emu, api) = setup(client_session()).await;
    let err = api.call("friends.get", [("sig", "x")]).await.unwrap_err();
    assert!(matches!(err, Error::InvalidRequest { .. }), "{err:?}");
    let err = api
        .call("friends.get", [("ext", "1"), ("ext", "0")])
        .await
        .unwrap_err();
    assert!(err.to_string().contains("`ext`"), "{err}");
    assert!(emu.requests().is_empty());
}

#[tokio::test]
async fn long_parameter_sets_go_as_post_forms() {
    let (emu, api) = setup(client_session()).await;
    let uids = vec![DEMO_UID.to_string(); 100].join(",");
    let users = api
        .call("users.getInfo", [("uids", uids.as_str())])
        .await
        .unwrap();
    assert_eq!(users.as_array().unwrap().len(), 100);
    assert_eq!(emu.requests()[0].http_method, "POST");
}

#[tokio::test]
async fn plain_http_needs_explicit_configuration() {
    let endpoints = mailru_api::Endpoints {
        api: url::Url::parse("http://appsmail.ru/platform/api").unwrap(),
        ..mailru_api::Endpoints::default()
    };
    let err = Api::builder(client_session())
        .endpoints(endpoints.clone())
        .build()
        .unwrap_err();
    assert!(matches!(err, Error::InvalidRequest { .. }));
    assert!(err.to_string().contains("http"), "{err}");
    let allowed = Api::builder(client_session())
        .endpoints(endpoints)
        .allow_http(true)
        .build()
        .unwrap();
    assert_eq!(
        allowed.endpoints().api.as_str(),
        "http://appsmail.ru/platform/api"
    );
}

#[tokio::test]
async fn the_public_endpoint_takes_any_segments_parameters_and_raw_mode() {
    let emu = Emulator::builder().start().await.unwrap();
    let api = Api::builder(Session::public())
        .base_url(emu.base_url())
        .unwrap()
        .build()
        .unwrap();
    let profile = api.public("community/mailru_devs", ()).await.unwrap();
    assert_eq!(profile["uid"], BIG_COMMUNITY_UID.to_string());
    // Parameters go in the query, unsigned.
    let demo = api.public("mail/demo", [("fields", "uid")]).await.unwrap();
    assert_eq!(demo["uid"], DEMO_UID.to_string());
    let sent = emu.requests().pop().unwrap();
    assert_eq!(sent.path, "/platform/mail/demo");
    assert_eq!(sent.params, vec![("fields".to_owned(), "uid".to_owned())]);
    for bad in [
        "http://evil.example/steal",
        "mail/%2e%2e/%2e%2e/oauth/token",
        "mail/../x",
        "mail//x",
        "",
    ] {
        let err = api.public(bad, ()).await.unwrap_err();
        assert!(
            matches!(err, Error::InvalidRequest { .. }),
            "{bad}: {err:?}"
        );
    }
    let err = api.public("mail/nobody-here", ()).await.unwrap_err();
    assert!(matches!(err, Error::Http { status: 404, .. }), "{err:?}");
    // Raw mode returns the 404 page as it came, and a found profile as it came.
    let raw = api.public_raw("mail/nobody-here", ()).await.unwrap();
    assert_eq!(raw.status, 404);
    assert!(raw.body.contains("<title>404"), "{}", raw.body);
    let raw = api.public_raw("community/mailru_devs", ()).await.unwrap();
    assert_eq!(raw.status, 200);
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&raw.body).unwrap(),
        profile
    );
    assert!(matches!(
        api.call("users.getInfo", ()).await,
        Err(Error::InvalidRequest { .. })
    ));
}

/// Answers from a script, in order; records what it was sent.
#[derive(Debug, Default)]
struct Scripted {
    answers: Mutex<VecDeque<Result<HttpResponse, Error>>>,
    sent: Mutex<Vec<HttpRequest>>,
}

impl Scripted {
    fn new(answers: Vec<Result<HttpResponse, Error>>) -> Arc<Self> {
        Arc::new(Scripted {
            answers: Mutex::new(answers.into()),
            sent: Mutex::default(),
        })
    }
}

fn response(status: u16, body: &str) -> Result<HttpResponse, Error> {
    Ok(HttpResponse {
        status,
        headers: Default::default(),
        body: body.to_owned().into(),
    })
}

#[async_trait]
impl Transport for Scripted {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, Error> {
        self.sent.lock().unwrap().push(request);
        self.answers
            .lock()
            .unwrap()
            .pop_front()
            .unwrap_or_else(|| response(500, "script exhausted"))
    }
}

#[tokio::test(start_paused = true)]
async fn backoff_sleeps_in_tokio_time_and_total_timeout_bounds_the_call() {
    let script = Scripted::new(vec![
        Err(Error::transport(
            TransportKind::Send,
            std::io::Error::new(std::io::ErrorKind::ConnectionReset, "reset"),
        )),
        response(502, "<html>bad gateway</html>"),
        response(200, r#"[{"uid":"1"}]"#),
    ]);
    let api = Api::builder(client_session())
        .transport(script.clone())
        .build()
        .unwrap();
    let start = tokio::time::Instant::now();
    let v = api.call("users.getInfo", ()).await.unwrap();
    assert_eq!(v, json!([{"uid": "1"}]));
    assert_eq!(script.sent.lock().unwrap().len(), 3);
    // Full jitter: at most 200 ms + 400 ms of virtual time.
    assert!(start.elapsed() <= Duration::from_millis(600));

    // Answers come at once, so the total timeout ends the call between attempts: with
    // the last answer, not a timeout (nothing timed out).
    let slow = Scripted::new((0..10).map(|_| response(503, "")).collect());
    let api = Api::builder(client_session())
        .transport(slow)
        .retry(RetryPolicy {
            max_attempts: 10,
            base_delay: Duration::from_secs(10),
            max_delay: Duration::from_secs(10),
            retry_writes: false,
        })
        .total_timeout(Duration::from_secs(1))
        .build()
        .unwrap();
    let start = tokio::time::Instant::now();
    let err = api.call("users.getInfo", ()).await.unwrap_err();
    assert!(
        start.elapsed() <= Duration::from_secs(1),
        "{:?}",
        start.elapsed()
    );
    assert!(matches!(err, Error::Http { status: 503, .. }), "{err:?}");

    // An attempt that never answers is cut at the deadline: a timeout of the total time.
    let api = Api::builder(client_session())
        .transport(Hanging)
        .attempt_timeout(Duration::from_secs(30))
        .total_timeout(Duration::from_secs(1))
        .build()
        .unwrap();
    let start = tokio::time::Instant::now();
    let err = api.call("users.getInfo", ()).await.unwrap_err();
    assert!(
        matches!(err, Error::Timeout(d) if d == Duration::from_secs(1)),
        "{err:?}"
    );
    // Virtual time: the deadline, give or take the timer wheel's millisecond.
    assert!(
        start.elapsed() <= Duration::from_millis(1_001),
        "{:?}",
        start.elapsed()
    );
}

/// A transport that never answers.
#[derive(Debug)]
struct Hanging;

#[async_trait]
impl Transport for Hanging {
    async fn send(&self, _request: HttpRequest) -> Result<HttpResponse, Error> {
        std::future::pending().await
    }
}

#[tokio::test]
async fn empty_responses_and_decode_failures_are_typed() {
    let script = Scripted::new(vec![
        response(200, "{}"),
        response(200, r#"[{"uid":"not a number"}]"#),
        response(200, "<html>"),
    ]);
    let api = Api::builder(client_session())
        .transport(script)
        .build()
        .unwrap();
    let err = api
        .send(&mailru_api::methods::users::IsAppUser::new())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::EmptyResponse), "{err:?}");
    let err = api
        .send(&mailru_api::methods::users::GetInfo::new())
        .await
        .unwrap_err();
    match err {
        Error::Decode {
            path, body_start, ..
        } => {
            assert_eq!(path, "[0].uid");
            assert!(body_start.starts_with("[{\"uid\""));
        }
        other => panic!("{other:?}"),
    }
    let err = api.call("users.getInfo", ()).await.unwrap_err();
    assert!(matches!(err, Error::Decode { .. }), "{err:?}");
}

#[tokio::test]
async fn bodies_over_the_cap_are_too_large() {
    let emu = Emulator::builder().start().await.unwrap();
    let api = Api::builder(client_session())
        .base_url(emu.base_url())
        .unwrap()
        .transport(
            mailru_api::HyperTransport::builder()
                .max_response_bytes(1_000)
                .build(),
        )
        .build()
        .unwrap();
    let err = api.call("friends.get", [("ext", "1")]).await.unwrap_err();
    assert!(
        matches!(
            err.transport_kind(),
            Some(TransportKind::TooLarge { limit: 1_000 })
        ),
        "{err:?}"
    );
    assert_eq!(
        api.call("users.isAppUser", ()).await.unwrap(),
        json!({"isAppUser": 1}),
        "small bodies pass"
    );
}

#[tokio::test]
async fn send_raw_returns_the_body_and_status_of_a_success_and_of_an_api_error() {
    use mailru_api::methods::users::{GetInfo, HasAppPermission};

    let (emu, api) = setup(client_session()).await;
    let by_name = api.call_raw("users.getInfo", ()).await.unwrap();
    assert_eq!(by_name.status, 200);
    let me: serde_json::Value = serde_json::from_str(&by_name.body).unwrap();
    assert_eq!(me[0]["uid"], DEMO_UID.to_string());

    // `Api::send_raw` and `Call::send_raw` give the same answer as the call by name.
    let typed = api.send_raw(&GetInfo::new()).await.unwrap();
    assert_eq!(typed, by_name);
    let namespaced = api.users().get_info().send_raw().await.unwrap();
    assert_eq!(namespaced, by_name);

    // An API error is the answer, not an error: status 400 and the envelope as sent.
    let refused = r#"{"error":{"error_code":100,"error_msg":"One of the parameters specified is missing or invalid.","error_token":"NONE","extended":null}}"#;
    let raw = api.send_raw(&HasAppPermission::new("bogus")).await.unwrap();
    assert_eq!((raw.status, raw.body.as_str()), (400, refused));
    let raw = api
        .users()
        .has_app_permission("bogus")
        .send_raw()
        .await
        .unwrap();
    assert_eq!((raw.status, raw.body.as_str()), (400, refused));
    let err = api
        .users()
        .has_app_permission("bogus")
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.api_kind(), Some(ApiErrorKind::InvalidParameter));

    // Raw mode still retries transient failures, and still fails without an answer.
    emu.inject(Fault::new(FaultKind::HttpStatus { status: 503 }).target("users.getInfo"));
    let after_503 = api.send_raw(&GetInfo::new()).await.unwrap();
    assert_eq!(after_503, by_name);
    let no_retry = Api::builder(client_session())
        .base_url(emu.base_url())
        .unwrap()
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    emu.inject(Fault::new(FaultKind::DropConnection));
    let err = no_retry.send_raw(&GetInfo::new()).await.unwrap_err();
    assert_eq!(err.transport_kind(), Some(TransportKind::Send), "{err:?}");
    // Debug of a raw answer shows the status and the start of the body.
    let shown = format!("{by_name:?}");
    assert!(
        shown.starts_with("RawResponse { status: 200, body: "),
        "{shown}"
    );
}
