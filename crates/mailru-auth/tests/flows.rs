//! Every grant against the in-process emulator: the implicit login-form flow (consent,
//! failures, cookies, attempts), the authorization-code flow (driven by a plain HTTP
//! browser here), the password and refresh grants, the self-refreshing client, token files.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use http::header::{CONTENT_TYPE, COOKIE, HeaderValue, LOCATION, SET_COOKIE};
use http::{HeaderMap, Method};
use mailru_api::{
    Circuit, HttpRequest, HttpResponse, HyperTransport, Password, Session, Transport,
};
use mailru_auth::page::{Page, classify, fill_login};
use mailru_auth::{App, AuthError, OAuth, Token, new_state};
use mailru_emulator::accounts::*;
use mailru_emulator::{
    Emulator, EmulatorHandle, Fault, FaultKind, LoggedRequest, MASK, RandomFaults,
};
use serde_json::Value;
use url::Url;

/// No REST parameters: `users.getInfo` then answers the session owner.
const NONE: [(&str, &str); 0] = [];

/// A site's redirect URI for the code grant; never fetched.
const REDIRECT_URI: &str = "http://127.0.0.1:9/callback";

fn app() -> App {
    App::new(APP_ID)
        .private_key(APP_PRIVATE_KEY)
        .secret_key(APP_SECRET_KEY)
}

async fn setup() -> (EmulatorHandle, OAuth) {
    let emu = Emulator::builder()
        .seed(7)
        .start()
        .await
        .expect("the emulator starts");
    let oauth = OAuth::with_base_url(app(), emu.base_url()).expect("the emulator URL is valid");
    (emu, oauth)
}

/// The uid of the first user of a `users.getInfo` answer.
fn first_uid(v: &Value) -> u64 {
    let uid = &v[0]["uid"];
    uid.as_str()
        .and_then(|s| s.parse().ok())
        .or_else(|| uid.as_u64())
        .unwrap_or_else(|| panic!("no uid in {v}"))
}

/// `users.getInfo` of the session owner through a REST client of `oauth`.
async fn whoami(oauth: &OAuth, session: Session) -> u64 {
    let api = oauth.api(session).expect("the app's keys fit the circuit");
    let v = api
        .call("users.getInfo", NONE)
        .await
        .expect("users.getInfo works with the token");
    first_uid(&v)
}

/// Both circuits work with the token, and the call is made as its owner.
async fn assert_token_works(oauth: &OAuth, token: &Token) {
    let app = oauth.app();
    assert_eq!(whoami(oauth, token.client_session(app)).await, token.uid);
    assert_eq!(whoami(oauth, token.server_session(app)).await, token.uid);
}

/// The API error code a REST call with `session` gets.
async fn rest_error_code(oauth: &OAuth, session: Session) -> Option<i64> {
    let api = oauth.api(session).unwrap();
    match api.call("users.getInfo", NONE).await {
        Ok(v) => panic!("expected an API error, got {v}"),
        Err(e) => e.api_code(),
    }
}

fn count(log: &[LoggedRequest], http_method: &str, path: &str) -> usize {
    log.iter()
        .filter(|r| r.http_method == http_method && r.path == path)
        .count()
}

fn refreshes(log: &[LoggedRequest]) -> Vec<&LoggedRequest> {
    log.iter()
        .filter(|r| r.path == "/oauth/token" && r.param("grant_type") == Some("refresh_token"))
        .collect()
}

/// Whether `s` looks like the emulator's tokens: 32 lowercase hex digits.
fn is_hex32(s: &str) -> bool {
    s.len() == 32
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

fn is_token_endpoint(e: &AuthError, expected: &str) -> bool {
    matches!(e, AuthError::TokenEndpoint { error, .. } if error == expected)
}

// ---------------------------------------------------------------------------------------
// A plain HTTP browser for the code grant (the library has no browser for it: a site sends
// the user's own browser to the dialog).

struct RawBrowser {
    transport: HyperTransport,
    cookies: Vec<String>,
}

impl RawBrowser {
    fn new() -> Self {
        RawBrowser {
            transport: HyperTransport::new(),
            cookies: Vec::new(),
        }
    }

    async fn send(
        &mut self,
        method: Method,
        url: &Url,
        form: Option<&[(String, String)]>,
    ) -> HttpResponse {
        let mut headers = HeaderMap::new();
        let body = match form {
            Some(fields) => {
                headers.insert(
                    CONTENT_TYPE,
                    HeaderValue::from_static("application/x-www-form-urlencoded"),
                );
                url::form_urlencoded::Serializer::new(String::new())
                    .extend_pairs(fields)
                    .finish()
            }
            None => String::new(),
        };
        if !self.cookies.is_empty() {
            headers.insert(
                COOKIE,
                HeaderValue::from_str(&self.cookies.join("; ")).unwrap(),
            );
        }
        let resp = self
            .transport
            .send(HttpRequest {
                method,
                url: url.clone(),
                headers,
                body: Bytes::from(body),
            })
            .await
            .expect("the emulator answers");
        for v in resp.headers.get_all(SET_COOKIE) {
            let pair = v
                .to_str()
                .unwrap()
                .split(';')
                .next()
                .unwrap()
                .trim()
                .to_owned();
            let name = pair.split('=').next().unwrap().to_owned();
            self.cookies.retain(|c| !c.starts_with(&format!("{name}=")));
            self.cookies.push(pair);
        }
        resp
    }

    /// Opens the dialog at `url`, logs in, consents when asked, and returns the `Location`
    /// that leads back to the site (`REDIRECT_URI?...`).
    async fn authorize(&mut self, url: &Url, email: &str, password: &str) -> String {
        let mut url = url.clone();
        let mut resp = self.send(Method::GET, &url, None).await;
        for _ in 0..10 {
            if (300..400).contains(&resp.status) {
                let location = resp.headers.get(LOCATION).unwrap().to_str().unwrap();
                if location.starts_with(REDIRECT_URI) {
                    return location.to_owned();
                }
                url = url.join(location).unwrap();
                resp = self.send(Method::GET, &url, None).await;
                continue;
            }
            assert_eq!(resp.status, 200, "{}", String::from_utf8_lossy(&resp.body));
            let html = String::from_utf8_lossy(&resp.body).into_owned();
            let (action, fields) = match classify(&html) {
                Page::Login(form) => (
                    form.action.clone(),
                    fill_login(&form, email, password).unwrap(),
                ),
                Page::Consent(form) => (form.action.clone(), form.fields),
                other => panic!("unexpected dialog page {other:?}"),
            };
            url = url.join(&action).unwrap();
            resp = self.send(Method::POST, &url, Some(&fields)).await;
        }
        panic!("the dialog never redirected to the site");
    }
}

// ---------------------------------------------------------------------------------------
// Implicit grant: successes.

#[tokio::test]
async fn implicit_login_of_the_demo_user_gives_a_working_token() {
    let (emu, oauth) = setup().await;
    let token = oauth
        .implicit(DEMO_EMAIL, DEMO_PASSWORD)
        .login()
        .await
        .expect("the demo user logs in");
    assert_eq!(token.uid, DEMO_UID);
    assert_eq!(token.token_type, "bearer");
    let refresh = token
        .refresh_token
        .as_ref()
        .expect("the implicit flow returns a refresh token");
    assert!(is_hex32(refresh.expose()), "{refresh:?}");
    assert!(is_hex32(token.access_token.expose()));
    assert_ne!(
        token.access_token.expose(),
        DEMO_SESSION_KEY,
        "a new session is issued"
    );
    // 86,400 s (decisions.md) from the moment of the answer.
    assert!((86_390..=86_400).contains(&token.expires_in()));
    assert_eq!(
        token.scope,
        mailru_auth::full_scope(),
        "the full scope by default"
    );
    assert!(token.cookies.is_some(), "the browser cookies are kept");
    assert_token_works(&oauth, &token).await;

    let log = emu.requests();
    let auth: Vec<_> = log
        .iter()
        .filter(|r| r.http_method == "POST" && r.path == "/cgi-bin/auth")
        .collect();
    assert_eq!(auth.len(), 1, "{log:#?}");
    assert_eq!(auth[0].param("Login"), Some("demo"));
    assert_eq!(auth[0].param("Domain"), Some("mail.ru"));
    assert_eq!(auth[0].param("Password"), Some(MASK));
    let dialog = format!("{}/oauth/authorize?", emu.base_url());
    let page = auth[0].param("Page").expect("the hidden Page");
    let fail = auth[0].param("FailPage").expect("the hidden FailPage");
    assert!(
        page.starts_with(&dialog) && page.contains("login=1"),
        "{page}"
    );
    assert!(
        fail.starts_with(&dialog) && fail.contains("fail=1"),
        "{fail}"
    );
    // The app is already granted to the demo user: no consent form was posted, and
    // success.html itself is never fetched.
    assert_eq!(count(&log, "POST", "/oauth/authorize"), 0, "{log:#?}");
    assert_eq!(count(&log, "GET", "/oauth/success.html"), 0);
    let first = &log[0];
    assert_eq!(
        (first.http_method.as_str(), first.path.as_str()),
        ("GET", "/oauth/authorize")
    );
    assert_eq!(first.param("client_id"), Some("423004"));
    assert_eq!(first.param("response_type"), Some("token"));
    let redirect = format!("{}/oauth/success.html", emu.base_url());
    assert_eq!(first.param("redirect_uri"), Some(redirect.as_str()));
    // aiomailru asks for every privilege; so do we unless told otherwise.
    assert_eq!(
        first.param("scope"),
        Some("photos guestbook stream messages events")
    );
}

#[test]
fn the_standalone_redirect_uri_is_the_specs() {
    // spec §5.2: http, not https (it is never fetched; only compared with redirects).
    let oauth = OAuth::new(app());
    assert_eq!(
        oauth.endpoints().success.as_str(),
        "http://connect.mail.ru/oauth/success.html"
    );
    let grant = oauth.code("https://example.org/cb");
    let url = grant.authorize_url("s");
    let scope = url.query_pairs().find(|(k, _)| k == "scope").unwrap().1;
    assert_eq!(scope, "photos guestbook stream messages events");
    let less = oauth.code("https://example.org/cb").scope(&["stream"]);
    let url = less.authorize_url("s");
    assert!(
        url.query_pairs()
            .any(|(k, v)| k == "scope" && v == "stream")
    );
}

#[tokio::test]
async fn implicit_login_with_consent_posts_the_consent_form() {
    let (emu, oauth) = setup().await;
    let token = oauth
        .implicit(BK_EMAIL, BK_PASSWORD)
        .scope(&["stream", "photos"])
        .login()
        .await
        .expect("the bk.ru user logs in and consents");
    assert_eq!(token.scope, ["stream", "photos"]);
    assert!(token.refresh_token.is_some());
    assert_token_works(&oauth, &token).await;

    let log = emu.requests();
    let auth: Vec<_> = log.iter().filter(|r| r.path == "/cgi-bin/auth").collect();
    assert_eq!(auth.len(), 1);
    assert_eq!(auth[0].param("Login"), Some("ivan.petrov"));
    assert_eq!(auth[0].param("Domain"), Some("bk.ru"));
    let consent: Vec<_> = log
        .iter()
        .filter(|r| r.http_method == "POST" && r.path == "/oauth/authorize")
        .collect();
    assert_eq!(consent.len(), 1, "{log:#?}");
    for hidden in [
        "sig",
        "client_id",
        "redirect_uri",
        "response_type",
        "state",
        "login",
        "needed_permissions",
    ] {
        assert!(
            consent[0].param(hidden).is_some(),
            "consent lacks {hidden}: {:?}",
            consent[0]
        );
    }
    assert_eq!(consent[0].param("agree"), None, "the button is not posted");
    let first_uid = token.uid;

    // Granted now: the next login skips the consent dialog.
    emu.clear_requests();
    let again = oauth
        .implicit(BK_EMAIL, BK_PASSWORD)
        .scope(&["photos", "stream"])
        .login()
        .await
        .unwrap();
    assert_eq!(again.uid, first_uid);
    assert_eq!(count(&emu.requests(), "POST", "/oauth/authorize"), 0);
}

#[tokio::test]
async fn implicit_login_with_a_non_ascii_password_on_inbox_ru() {
    let (emu, oauth) = setup().await;
    let token = oauth
        .implicit(INBOX_EMAIL, INBOX_PASSWORD)
        .scope(&["messages"])
        .login()
        .await
        .expect("the inbox.ru user logs in");
    assert_eq!(token.uid, INBOX_UID);
    assert_token_works(&oauth, &token).await;
    let log = emu.requests();
    let auth = log.iter().find(|r| r.path == "/cgi-bin/auth").unwrap();
    assert_eq!(auth.param("Login"), Some("olga.smirnova"));
    assert_eq!(auth.param("Domain"), Some("inbox.ru"));
}

#[tokio::test]
async fn implicit_grant_returns_client_and_server_sessions() {
    let (_emu, oauth) = setup().await;
    let grant = oauth.implicit(LIST_EMAIL, LIST_PASSWORD).scope(&["stream"]);
    let (token, session) = grant.client_session().await.unwrap();
    assert_eq!(session.circuit().unwrap(), Circuit::ClientServer);
    assert_eq!(whoami(&oauth, session).await, token.uid);
    let (token2, session) = grant.server_session().await.unwrap();
    assert_eq!(session.circuit().unwrap(), Circuit::ServerServer);
    assert_eq!(whoami(&oauth, session).await, token2.uid);
    assert_eq!(token.uid, token2.uid);
}

#[tokio::test]
async fn the_developer_may_authorize_the_app_in_development() {
    let (emu, _) = setup().await;
    let dev = App::new(DEV_APP_ID)
        .private_key(DEV_APP_PRIVATE_KEY)
        .secret_key(DEV_APP_SECRET_KEY);
    let oauth = OAuth::with_base_url(dev, emu.base_url()).unwrap();
    let token = oauth
        .implicit(DEVELOPER_EMAIL, DEVELOPER_PASSWORD)
        .login()
        .await
        .expect("the author logs in");
    assert_token_works(&oauth, &token).await;
}

// ---------------------------------------------------------------------------------------
// Implicit grant: failures, one AuthError variant each (decisions.md).

#[tokio::test]
async fn wrong_password_is_invalid_credentials() {
    let (emu, oauth) = setup().await;
    let err = oauth
        .implicit(DEMO_EMAIL, "not-the-password")
        .login()
        .await
        .unwrap_err();
    assert!(matches!(err, AuthError::InvalidCredentials), "{err:?}");
    assert_eq!(err.kind(), "invalid_credentials");
    assert!(!err.is_transient());
    // An unknown user is the same answer.
    let err = oauth
        .implicit("nobody@mail.ru", "x")
        .login()
        .await
        .unwrap_err();
    assert!(matches!(err, AuthError::InvalidCredentials), "{err:?}");
    assert_eq!(count(&emu.requests(), "POST", "/cgi-bin/auth"), 2);
}

#[tokio::test]
async fn blocked_user_is_user_blocked() {
    let (_emu, oauth) = setup().await;
    let err = oauth
        .implicit(BLOCKED_EMAIL, BLOCKED_PASSWORD)
        .login()
        .await
        .unwrap_err();
    assert!(matches!(err, AuthError::UserBlocked), "{err:?}");
    assert_eq!(err.kind(), "user_blocked");
}

#[tokio::test]
async fn unknown_client_is_invalid_client() {
    let (emu, _) = setup().await;
    let oauth = OAuth::with_base_url(App::new(999), emu.base_url()).unwrap();
    let err = oauth
        .implicit(DEMO_EMAIL, DEMO_PASSWORD)
        .login()
        .await
        .unwrap_err();
    assert!(
        matches!(&err, AuthError::InvalidClient(m) if m == "the platform does not know application 999"),
        "{err:?}"
    );
    // The password never left: no login form was shown.
    assert_eq!(count(&emu.requests(), "POST", "/cgi-bin/auth"), 0);
}

#[tokio::test]
async fn app_in_development_is_not_available_to_other_users() {
    let (emu, _) = setup().await;
    let dev = App::new(DEV_APP_ID)
        .private_key(DEV_APP_PRIVATE_KEY)
        .secret_key(DEV_APP_SECRET_KEY);
    let oauth = OAuth::with_base_url(dev, emu.base_url()).unwrap();
    let err = oauth
        .implicit(DEMO_EMAIL, DEMO_PASSWORD)
        .login()
        .await
        .unwrap_err();
    assert!(matches!(err, AuthError::AppNotAvailable), "{err:?}");
    assert_eq!(err.kind(), "app_not_available");
}

/// The uid of a profile from the public endpoint (`/platform/<domain>/<nick>`).
async fn public_uid(emu: &EmulatorHandle, domain: &str, nick: &str) -> u64 {
    let url = Url::parse(&format!("{}/platform/{domain}/{nick}", emu.base_url())).unwrap();
    let resp = RawBrowser::new().send(Method::GET, &url, None).await;
    assert_eq!(resp.status, 200);
    let v: Value = serde_json::from_slice(&resp.body).unwrap();
    v["uid"].as_str().unwrap().parse().unwrap()
}

#[tokio::test]
async fn declined_consent_is_user_declined() {
    let (emu, oauth) = setup().await;
    let uid = public_uid(&emu, "bk", "ivan.petrov").await;
    emu.set_declines_consent(uid, true);
    let grant = oauth
        .implicit(BK_EMAIL, BK_PASSWORD)
        .scope(&["stream", "photos"]);
    let err = grant.login().await.unwrap_err();
    assert!(matches!(err, AuthError::UserDeclined), "{err:?}");
    assert_eq!(err.kind(), "user_declined");
    // The consent form was posted, and declined.
    assert_eq!(count(&emu.requests(), "POST", "/oauth/authorize"), 1);

    emu.set_declines_consent(uid, false);
    let token = grant.login().await.expect("consents now");
    assert_eq!(token.uid, uid);
}

// ---------------------------------------------------------------------------------------
// Cookies of an earlier login.

#[tokio::test]
async fn a_logged_in_browser_skips_the_login_form() {
    let (emu, oauth) = setup().await;
    let first = oauth
        .implicit(DEMO_EMAIL, DEMO_PASSWORD)
        .login()
        .await
        .unwrap();
    let cookies = first.cookies.clone().expect("cookies of the first login");
    emu.clear_requests();
    // A wrong password proves the form is not used.
    let second = oauth
        .implicit(DEMO_EMAIL, "the form is not used")
        .cookies(cookies)
        .login()
        .await
        .expect("the cookies log the user in");
    assert_eq!(second.uid, DEMO_UID);
    assert_ne!(second.access_token, first.access_token);
    assert_token_works(&oauth, &second).await;
    let log = emu.requests();
    assert_eq!(count(&log, "POST", "/cgi-bin/auth"), 0, "{log:#?}");
    assert_eq!(count(&log, "GET", "/oauth/authorize"), 1, "{log:#?}");
    assert!(second.cookies.is_some());
}

// ---------------------------------------------------------------------------------------
// Attempts.

#[tokio::test]
async fn attempts_ride_out_transient_failures() {
    let (emu, oauth) = setup().await;
    for _ in 0..2 {
        emu.inject(Fault::new(FaultKind::HttpStatus { status: 503 }).target("/oauth/authorize"));
    }
    let token = oauth
        .implicit(DEMO_EMAIL, DEMO_PASSWORD)
        .attempts(3, Duration::from_millis(10))
        .login()
        .await
        .expect("the third attempt succeeds");
    assert_eq!(token.uid, DEMO_UID);
    let log = emu.requests();
    let failed = log
        .iter()
        .filter(|r| r.path == "/oauth/authorize" && r.status == Some(503))
        .count();
    assert_eq!(failed, 2, "{log:#?}");
}

#[tokio::test]
async fn without_attempts_a_transient_failure_is_returned() {
    let (emu, oauth) = setup().await;
    emu.inject(Fault::new(FaultKind::HttpStatus { status: 503 }).target("/oauth/authorize"));
    let err = oauth
        .implicit(DEMO_EMAIL, DEMO_PASSWORD)
        .login()
        .await
        .unwrap_err();
    assert!(err.is_transient(), "{err:?}");
    assert!(
        matches!(
            &err,
            AuthError::Api(mailru_api::Error::Http { status: 503, .. })
        ),
        "{err:?}"
    );
    assert_eq!(
        summary(&emu.requests()),
        [("GET", "/oauth/authorize", Some(503))],
        "one attempt"
    );
}

/// Method, path and status of every logged request.
fn summary(log: &[LoggedRequest]) -> Vec<(&str, &str, Option<u16>)> {
    log.iter()
        .map(|r| (r.http_method.as_str(), r.path.as_str(), r.status))
        .collect()
}

#[tokio::test]
async fn attempts_2_makes_exactly_two_attempts_and_attempts_3_a_third() {
    let (emu, oauth) = setup().await;
    let drop_twice = || {
        Fault::new(FaultKind::DropConnection)
            .target("/oauth/authorize")
            .times(2)
    };
    emu.inject(drop_twice());
    let err = oauth
        .implicit(DEMO_EMAIL, DEMO_PASSWORD)
        .attempts(2, Duration::from_millis(10))
        .login()
        .await
        .unwrap_err();
    assert!(
        matches!(&err, AuthError::Api(mailru_api::Error::Transport { .. })),
        "{err:?}"
    );
    assert!(err.is_transient());
    // Exactly two GETs of the dialog, both dropped, and nothing else.
    assert_eq!(
        summary(&emu.requests()),
        [("GET", "/oauth/authorize", None); 2]
    );

    emu.clear_requests();
    emu.inject(drop_twice());
    let token = oauth
        .implicit(DEMO_EMAIL, DEMO_PASSWORD)
        .attempts(3, Duration::from_millis(10))
        .login()
        .await
        .expect("the third attempt succeeds");
    assert_eq!(token.uid, DEMO_UID);
    let log = emu.requests();
    let log = summary(&log);
    assert_eq!(
        log[..4],
        [
            ("GET", "/oauth/authorize", None),
            ("GET", "/oauth/authorize", None),
            ("GET", "/oauth/authorize", Some(200)),
            ("POST", "/cgi-bin/auth", Some(302)),
        ],
        "{log:?}"
    );
    assert_eq!(log.iter().filter(|(_, _, s)| s.is_none()).count(), 2);
}

#[tokio::test]
async fn logins_under_random_faults_end_in_a_token_or_a_typed_error_never_a_hang() {
    let (emu, oauth) = setup().await;
    let oauth = oauth.timeout(Duration::from_millis(300));
    emu.set_random_faults(Some(RandomFaults {
        rate: 0.3,
        seed: 11,
        kinds: vec![
            FaultKind::HttpStatus { status: 500 },
            FaultKind::HttpStatus { status: 503 },
            FaultKind::DropConnection,
            FaultKind::TruncatedBody,
            // Past the flow's per-request timeout.
            FaultKind::Delay { ms: 900 },
        ],
    }));
    let (mut tokens, mut errors) = (0, Vec::<String>::new());
    for _ in 0..20 {
        let grant = oauth.implicit(DEMO_EMAIL, DEMO_PASSWORD);
        let login = grant.login();
        // Generous: a login is a handful of requests of at most 300 ms each.
        let outcome = tokio::time::timeout(Duration::from_secs(30), login)
            .await
            .expect("a login under faults never hangs");
        match outcome {
            Ok(token) => {
                assert_eq!(token.uid, DEMO_UID);
                tokens += 1;
            }
            Err(e) => {
                // Every fault is network trouble: another attempt may succeed.
                assert!(e.is_transient(), "{e:?}");
                errors.push(e.to_string());
            }
        }
    }
    emu.set_random_faults(None);
    assert_eq!(tokens + errors.len(), 20);
    assert!(tokens > 0, "some logins get through: {errors:?}");
    assert!(!errors.is_empty(), "the faults were felt");
    // The platform still works for the next login.
    let token = oauth
        .implicit(DEMO_EMAIL, DEMO_PASSWORD)
        .login()
        .await
        .unwrap();
    assert_token_works(&oauth, &token).await;
}

#[tokio::test]
async fn attempts_do_not_repeat_definite_answers() {
    let (emu, oauth) = setup().await;
    let err = oauth
        .implicit(DEMO_EMAIL, "wrong")
        .attempts(3, Duration::from_millis(1))
        .login()
        .await
        .unwrap_err();
    assert!(matches!(err, AuthError::InvalidCredentials), "{err:?}");
    assert_eq!(count(&emu.requests(), "POST", "/cgi-bin/auth"), 1);
}

// ---------------------------------------------------------------------------------------
// Authorization-code grant.

#[tokio::test]
async fn code_grant_exchanges_a_code_once_with_the_right_state() {
    let (emu, oauth) = setup().await;
    let grant = oauth.code(REDIRECT_URI).scope(&["photos"]);
    let state = new_state();
    assert_eq!(state.len(), 32);
    assert_ne!(state, new_state());
    let url = grant.authorize_url(&state);
    assert!(
        url.as_str()
            .starts_with(&format!("{}/oauth/authorize?", emu.base_url())),
        "{url}"
    );
    let q: Vec<(String, String)> = url.query_pairs().into_owned().collect();
    let has = |k: &str, v: &str| q.iter().any(|(a, b)| a == k && b == v);
    assert!(has("client_id", "423004") && has("response_type", "code"));
    assert!(has("redirect_uri", REDIRECT_URI) && has("scope", "photos") && has("state", &state));

    // The bk.ru user logs in and consents in their browser.
    let callback = RawBrowser::new()
        .authorize(&url, BK_EMAIL, BK_PASSWORD)
        .await;
    assert!(callback.contains("code="), "{callback}");
    assert_eq!(
        count(&emu.requests(), "POST", "/oauth/authorize"),
        1,
        "consent was asked"
    );

    emu.clear_requests();
    let token = grant
        .exchange(&callback, &state)
        .await
        .expect("the code is exchanged");
    assert_eq!(token.scope, ["photos"]);
    assert!(token.refresh_token.is_some());
    assert_token_works(&oauth, &token).await;
    let log = emu.requests();
    let exchange = log.iter().find(|r| r.path == "/oauth/token").unwrap();
    assert_eq!(exchange.http_method, "POST");
    assert_eq!(exchange.param("grant_type"), Some("authorization_code"));
    assert_eq!(exchange.param("client_id"), Some("423004"));
    assert_eq!(exchange.param("redirect_uri"), Some(REDIRECT_URI));
    assert_eq!(exchange.param("code"), Some(MASK));
    assert_eq!(exchange.param("client_secret"), Some(MASK));

    // A used code is refused.
    let err = grant.exchange(&callback, &state).await.unwrap_err();
    assert!(is_token_endpoint(&err, "invalid_grant"), "{err:?}");
    assert_eq!(err.kind(), "token_endpoint");
}

#[tokio::test]
async fn code_grant_refuses_a_foreign_state_before_sending_anything() {
    let (emu, oauth) = setup().await;
    let grant = oauth.code(REDIRECT_URI).scope(&["stream"]);
    let state = new_state();
    let callback = RawBrowser::new()
        .authorize(&grant.authorize_url(&state), DEMO_EMAIL, DEMO_PASSWORD)
        .await;
    emu.clear_requests();
    let err = grant
        .exchange(&callback, "another-state")
        .await
        .unwrap_err();
    assert!(matches!(err, AuthError::StateMismatch), "{err:?}");
    assert!(emu.requests().is_empty(), "the code was not sent");
    // The right state still works with the same (unused) code, through the session helpers.
    let (token, session) = grant.server_session(&callback, &state).await.unwrap();
    assert_eq!(token.uid, DEMO_UID);
    assert_eq!(session.circuit().unwrap(), Circuit::ServerServer);
    assert_eq!(whoami(&oauth, session).await, DEMO_UID);
}

#[tokio::test]
async fn code_grant_callbacks_without_a_code() {
    let (emu, oauth) = setup().await;
    let grant = oauth.code(REDIRECT_URI);
    let err = grant
        .exchange(&format!("{REDIRECT_URI}?error=access_denied&state=s"), "s")
        .await
        .unwrap_err();
    assert!(matches!(err, AuthError::UserDeclined), "{err:?}");
    let err = grant
        .exchange(&format!("{REDIRECT_URI}?state=s"), "s")
        .await
        .unwrap_err();
    assert!(matches!(err, AuthError::MissingCode(_)), "{err:?}");
    // An unknown code reaches the token endpoint and is refused there.
    let err = grant
        .exchange_code("0123456789abcdef0123456789abcdef")
        .await
        .unwrap_err();
    assert!(is_token_endpoint(&err, "invalid_grant"), "{err:?}");
    // Declined in the dialog: the site gets error=access_denied.
    let uid = public_uid(&emu, "bk", "ivan.petrov").await;
    emu.set_declines_consent(uid, true);
    let grant = oauth.code(REDIRECT_URI).scope(&["photos"]);
    let state = new_state();
    let callback = RawBrowser::new()
        .authorize(&grant.authorize_url(&state), BK_EMAIL, BK_PASSWORD)
        .await;
    assert!(callback.contains("error=access_denied"), "{callback}");
    let err = grant.exchange(&callback, &state).await.unwrap_err();
    assert!(
        matches!(err, AuthError::UserDeclined),
        "{callback}: {err:?}"
    );
}

// ---------------------------------------------------------------------------------------
// Password and refresh grants.

#[tokio::test]
async fn password_grant_gives_a_working_token() {
    let (emu, oauth) = setup().await;
    let token = oauth
        .password(DEMO_EMAIL, &Password::new(DEMO_PASSWORD), &["stream"])
        .await
        .expect("the password grant works");
    assert_eq!(token.uid, DEMO_UID);
    assert_eq!(token.scope, ["stream"]);
    assert!(token.refresh_token.is_some());
    assert!(token.cookies.is_none());
    assert_token_works(&oauth, &token).await;
    let log = emu.requests();
    let grant = log.iter().find(|r| r.path == "/oauth/token").unwrap();
    assert_eq!(grant.param("grant_type"), Some("password"));
    assert_eq!(grant.param("username"), Some(DEMO_EMAIL));
    assert_eq!(grant.param("scope"), Some("stream"));
    assert_eq!(grant.param("password"), Some(MASK));
    // Non-ASCII passwords are sent as they are.
    let token = oauth
        .password(INBOX_EMAIL, &Password::new(INBOX_PASSWORD), &[])
        .await
        .unwrap();
    assert_eq!(token.uid, INBOX_UID);
}

#[tokio::test]
async fn password_grant_failures_are_token_endpoint_errors() {
    let (emu, oauth) = setup().await;
    let err = oauth
        .password(DEMO_EMAIL, &Password::new("wrong"), &["stream"])
        .await
        .unwrap_err();
    assert!(is_token_endpoint(&err, "invalid_grant"), "{err:?}");
    assert!(!err.is_transient());
    let err = oauth
        .password(BLOCKED_EMAIL, &Password::new(BLOCKED_PASSWORD), &[])
        .await
        .unwrap_err();
    assert!(is_token_endpoint(&err, "invalid_grant"), "{err:?}");
    // A wrong secret.
    let wrong =
        OAuth::with_base_url(App::new(APP_ID).secret_key("0".repeat(32)), emu.base_url()).unwrap();
    let err = wrong
        .password(DEMO_EMAIL, &Password::new(DEMO_PASSWORD), &[])
        .await
        .unwrap_err();
    assert!(is_token_endpoint(&err, "invalid_client"), "{err:?}");
    // An app without keys cannot ask at all.
    emu.clear_requests();
    let keyless = OAuth::with_base_url(App::new(APP_ID), emu.base_url()).unwrap();
    let err = keyless
        .password(DEMO_EMAIL, &Password::new(DEMO_PASSWORD), &[])
        .await
        .unwrap_err();
    assert!(matches!(err, AuthError::InvalidClient(_)), "{err:?}");
    assert!(emu.requests().is_empty());
}

#[tokio::test]
async fn an_app_without_a_secret_uses_its_private_key() {
    let (emu, _) = setup().await;
    let mobile = App::new(MOBILE_APP_ID).private_key(MOBILE_APP_PRIVATE_KEY);
    let oauth = OAuth::with_base_url(mobile, emu.base_url()).unwrap();
    let token = oauth
        .password(DEMO_EMAIL, &Password::new(DEMO_PASSWORD), &[])
        .await
        .expect("the private key is the client_secret");
    let fresh = oauth
        .refresh(&token)
        .await
        .expect("refresh with the private key");
    assert_ne!(fresh.access_token, token.access_token);
    // Client-server is the only circuit of a keyless-secret app.
    assert_eq!(whoami(&oauth, fresh.session(oauth.app())).await, DEMO_UID);
}

#[tokio::test]
async fn refresh_issues_a_new_access_token_and_retires_the_old_one() {
    let (emu, oauth) = setup().await;
    let old = oauth
        .password(DEMO_EMAIL, &Password::new(DEMO_PASSWORD), &["stream"])
        .await
        .unwrap();
    emu.clear_requests();
    let fresh = oauth.refresh(&old).await.expect("the refresh grant works");
    assert_ne!(fresh.access_token, old.access_token);
    assert_eq!(fresh.refresh_token, old.refresh_token);
    assert_eq!(fresh.uid, old.uid);
    assert_eq!(fresh.scope, old.scope);
    let log = emu.requests();
    let refresh = refreshes(&log);
    assert_eq!(refresh.len(), 1);
    assert_eq!(refresh[0].param("client_id"), Some("423004"));
    assert_eq!(refresh[0].param("refresh_token"), Some(MASK));
    assert_eq!(refresh[0].param("sig"), None, "refresh needs no sig");

    assert_token_works(&oauth, &fresh).await;
    let app = oauth.app();
    assert_eq!(
        rest_error_code(&oauth, old.client_session(app)).await,
        Some(102)
    );
    assert_eq!(
        rest_error_code(&oauth, old.server_session(app)).await,
        Some(102)
    );
}

#[tokio::test]
async fn refresh_from_a_bare_refresh_token_string() {
    let (emu, oauth) = setup().await;
    let token = oauth
        .password(DEMO_EMAIL, &Password::new(DEMO_PASSWORD), &["stream"])
        .await
        .unwrap();
    let bare = token.refresh_token.clone().unwrap();
    emu.clear_requests();
    let fresh = oauth
        .refresh(bare.expose())
        .await
        .expect("aiomailru's RefreshSession");
    assert_eq!(fresh.uid, DEMO_UID, "the uid comes from x_mailru_vid");
    assert_eq!(fresh.refresh_token, Some(bare));
    assert_ne!(fresh.access_token, token.access_token);
    assert_eq!(refreshes(&emu.requests()).len(), 1);
    assert_token_works(&oauth, &fresh).await;
}

#[tokio::test]
async fn a_refresh_answer_without_x_mailru_vid_keeps_the_uid() {
    let oauth = canned(
        200,
        r#"{"access_token":"fresh","expires_in":86400,"token_type":"bearer"}"#,
    );
    let old = Token::from_json(
        &serde_json::json!({"access_token": "old", "refresh_token": "r", "x_mailru_vid": "77"}),
        &["stream".to_owned()],
        None,
    )
    .unwrap();
    let fresh = oauth.refresh(&old).await.expect("no x_mailru_vid is fine");
    assert_eq!((fresh.uid, fresh.access_token.expose()), (77, "fresh"));
    assert_eq!(fresh.refresh_token, old.refresh_token, "kept when not sent");
    assert_eq!(fresh.scope, old.scope);
    // From a bare refresh token there is no uid to keep: a typed error.
    let err = oauth.refresh("r").await.unwrap_err();
    assert!(matches!(err, AuthError::MalformedToken(_)), "{err:?}");
}

#[tokio::test]
async fn refresh_failures() {
    let (emu, oauth) = setup().await;
    let mut token = oauth
        .password(DEMO_EMAIL, &Password::new(DEMO_PASSWORD), &[])
        .await
        .unwrap();
    let refresh = token.refresh_token.clone().unwrap();
    assert!(emu.revoke_token(refresh.expose()));
    let err = oauth.refresh(&token).await.unwrap_err();
    assert!(is_token_endpoint(&err, "invalid_grant"), "{err:?}");
    token.refresh_token = None;
    let err = oauth.refresh(&token).await.unwrap_err();
    assert!(matches!(err, AuthError::NoRefreshToken), "{err:?}");
}

// ---------------------------------------------------------------------------------------
// Token files.

fn temp_path(name: &str) -> std::path::PathBuf {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    std::env::temp_dir().join(format!(
        "mailru-auth-{name}-{}-{nanos}.json",
        std::process::id()
    ))
}

#[tokio::test]
async fn a_saved_token_loads_back_equal_and_private() {
    let (emu, oauth) = setup().await;
    let token = oauth
        .implicit(DEMO_EMAIL, DEMO_PASSWORD)
        .scope(&["stream"])
        .login()
        .await
        .unwrap();
    let path = temp_path("token");
    // An existing, world-readable file is tightened too.
    std::fs::write(&path, b"{}").unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    }
    // With the cookies, asked for explicitly (a plain save leaves them out:
    // tests/token_files.rs).
    token.save_with_cookies(&path).unwrap();
    let loaded = Token::load(&path).unwrap();
    #[cfg(unix)]
    let mode = {
        use std::os::unix::fs::PermissionsExt;
        std::fs::metadata(&path).unwrap().permissions().mode() & 0o777
    };
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::remove_file(&path).unwrap();
    assert_eq!(loaded, token);
    #[cfg(unix)]
    assert_eq!(mode, 0o600);
    assert!(
        text.contains(token.access_token.expose()),
        "the file holds the token"
    );

    let debug = format!("{token:?}");
    assert!(!debug.contains(token.access_token.expose()), "{debug}");
    assert!(
        !debug.contains(token.refresh_token.as_ref().unwrap().expose()),
        "{debug}"
    );
    assert!(debug.contains(&token.uid.to_string()), "{debug}");
    // Cookie values stay out of Debug too (their names are shown).
    let values = cookie_values(&text);
    assert!(!values.is_empty(), "the file holds the cookies: {text}");
    for value in values {
        assert!(!debug.contains(&value), "cookie value in {debug}");
    }

    // The cookies survive the file: the loaded token logs in without the form.
    emu.clear_requests();
    let again = oauth
        .implicit(DEMO_EMAIL, "unused")
        .cookies(loaded.cookies.clone().expect("cookies were saved"))
        .login()
        .await
        .expect("the saved cookies log the user in");
    assert_eq!(again.uid, DEMO_UID);
    assert_eq!(count(&emu.requests(), "POST", "/cgi-bin/auth"), 0);
}

/// Values of the 32-hex cookies the emulator sets, as found in a saved token file.
fn cookie_values(text: &str) -> Vec<String> {
    let v: Value = serde_json::from_str(text).unwrap();
    let mut out = Vec::new();
    collect_strings(&v["cookies"], &mut out);
    out.into_iter()
        .flat_map(|s| {
            s.split(|c: char| !c.is_ascii_hexdigit())
                .filter(|w| w.len() >= 16)
                .map(str::to_owned)
                .collect::<Vec<_>>()
        })
        .collect()
}

fn collect_strings(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::String(s) => out.push(s.clone()),
        Value::Array(a) => a.iter().for_each(|x| collect_strings(x, out)),
        Value::Object(m) => m.values().for_each(|x| collect_strings(x, out)),
        _ => {}
    }
}

#[test]
fn loading_a_missing_or_broken_file_is_a_token_file_error() {
    let path = temp_path("missing");
    let err = Token::load(&path).unwrap_err();
    assert!(matches!(err, AuthError::TokenFile { .. }), "{err:?}");
    assert_eq!(err.kind(), "token_file");
    let broken = temp_path("broken");
    std::fs::write(&broken, b"{\"access_token\": 1").unwrap();
    let err = Token::load(&broken).unwrap_err();
    std::fs::remove_file(&broken).unwrap();
    assert!(matches!(err, AuthError::TokenFile { .. }), "{err:?}");
}

#[tokio::test]
async fn a_redirect_chain_longer_than_the_hop_limit_is_too_many_redirects() {
    let (_emu, oauth) = setup().await;
    // The demo login needs: login page → login POST → redirect to Page → token redirect.
    let err = oauth
        .implicit(DEMO_EMAIL, DEMO_PASSWORD)
        .max_hops(1)
        .login()
        .await
        .unwrap_err();
    assert!(matches!(err, AuthError::TooManyRedirects(1)), "{err:?}");
    assert_eq!(err.kind(), "too_many_redirects");
}

#[tokio::test]
async fn an_unknown_page_is_reported_without_secrets_in_the_url() {
    let (emu, _) = setup().await;
    // The success page itself is no dialog: point the authorize endpoint at it.
    let mut endpoints = mailru_api::Endpoints::single_origin(emu.base_url()).unwrap();
    endpoints.authorize = Url::parse(&format!("{}/recovery", emu.base_url())).unwrap();
    let api = mailru_api::Api::builder(Session::public())
        .endpoints(endpoints)
        .allow_http(true)
        .build()
        .unwrap();
    let oauth = OAuth::from_api(app(), &api);
    let err = oauth
        .implicit(DEMO_EMAIL, DEMO_PASSWORD)
        .login()
        .await
        .unwrap_err();
    match err {
        AuthError::UnexpectedPage { url, title } => {
            assert_eq!(url, format!("{}/recovery", emu.base_url()));
            assert_eq!(title.as_deref(), Some("Восстановление доступа"));
        }
        other => panic!("{other:?}"),
    }
}

/// Answers every request from a script of (status, body).
#[derive(Debug)]
struct Canned(u16, &'static str);

#[async_trait::async_trait]
impl mailru_api::Transport for Canned {
    async fn send(
        &self,
        _: mailru_api::HttpRequest,
    ) -> Result<mailru_api::HttpResponse, mailru_api::Error> {
        Ok(mailru_api::HttpResponse {
            status: self.0,
            headers: Default::default(),
            body: self.1.into(),
        })
    }
}

fn canned(status: u16, body: &'static str) -> OAuth {
    OAuth::new(app()).transport(std::sync::Arc::new(Canned(status, body)))
}

#[tokio::test]
async fn token_endpoint_bodies_are_never_quoted_in_errors() {
    let oauth = canned(502, r#"<html>{"access_token":"SENTINELaccess"}</html>"#);
    let err = oauth
        .password(DEMO_EMAIL, &Password::new(DEMO_PASSWORD), &[])
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            AuthError::Api(mailru_api::Error::Http { status: 502, .. })
        ),
        "{err:?}"
    );
    assert!(!err.to_string().contains("SENTINEL") && !format!("{err:?}").contains("SENTINEL"));
}

#[tokio::test]
async fn an_oauth_error_object_wins_whatever_the_status() {
    let oauth = canned(
        200,
        r#"{"error":"token not found","error_code":6,"error_description":"token not found"}"#,
    );
    let err = oauth
        .password(DEMO_EMAIL, &Password::new(DEMO_PASSWORD), &[])
        .await
        .unwrap_err();
    assert!(
        matches!(&err, AuthError::TokenEndpoint { error, .. } if error == "token not found"),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_byte_order_mark_before_the_token_is_tolerated_and_huge_lifetimes_are_clamped() {
    let oauth = canned(
        200,
        "\u{feff}{\"access_token\":\"a\",\"x_mailru_vid\":\"1\",\"expires_in\":18446744073709551615}",
    );
    let token = oauth
        .password(DEMO_EMAIL, &Password::new(DEMO_PASSWORD), &[])
        .await
        .unwrap();
    assert_eq!(token.uid, 1);
    assert!(!token.expires_within(Duration::from_secs(86_400)));
    assert!(
        token.expires_within(Duration::MAX),
        "no overflow: everything expires within forever"
    );
}

#[tokio::test]
async fn a_server_that_never_answers_times_out() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    // Accept connections and never answer.
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((conn, _)) = listener.accept().await {
            held.push(conn);
        }
    });
    let oauth = OAuth::with_base_url(app(), &base)
        .unwrap()
        .timeout(Duration::from_millis(200));
    // The flows' own timeout ends them; the outer one only keeps a regression from
    // hanging the test run.
    let outer = Duration::from_secs(30);
    let err = tokio::time::timeout(
        outer,
        oauth.password(DEMO_EMAIL, &Password::new(DEMO_PASSWORD), &[]),
    )
    .await
    .expect("the password grant does not hang")
    .unwrap_err();
    assert!(
        matches!(err, AuthError::Api(mailru_api::Error::Timeout(_))),
        "{err:?}"
    );
    let grant = oauth.implicit(DEMO_EMAIL, DEMO_PASSWORD);
    let err = tokio::time::timeout(outer, grant.login())
        .await
        .expect("the login does not hang")
        .unwrap_err();
    assert!(
        matches!(err, AuthError::Api(mailru_api::Error::Timeout(t)) if t == Duration::from_millis(200)),
        "{err:?}"
    );
    assert!(err.is_transient());
}

// ---------------------------------------------------------------------------------------
// Each platform host on its own origin (the emulator's separate hosts): every endpoint is
// proven to go to its own host, and a swap is caught.

async fn separate_hosts() -> (EmulatorHandle, mailru_api::Endpoints) {
    let emu = Emulator::builder()
        .seed(7)
        .separate_hosts(true)
        .start()
        .await
        .expect("the emulator starts");
    let o = emu.origins();
    assert!(o.appsmail != o.connect && o.connect != o.auth && o.auth != o.appsmail);
    let endpoints = mailru_api::Endpoints::hosts(&o.appsmail, &o.connect, &o.auth).unwrap();
    (emu, endpoints)
}

#[tokio::test]
async fn every_grant_works_with_each_host_on_its_own_origin() {
    let (_emu, endpoints) = separate_hosts().await;
    let oauth = OAuth::new(app()).with_endpoints(endpoints.clone());

    // Implicit: the dialog on connect, the password to auth, the token from connect's
    // success page.
    let token = oauth
        .implicit(BK_EMAIL, BK_PASSWORD)
        .scope(&["stream"])
        .login()
        .await
        .expect("the implicit grant across three hosts");
    assert_token_works(&oauth, &token).await;

    // Password and refresh: appsmail's token endpoint.
    let token = oauth
        .password(DEMO_EMAIL, &Password::new(DEMO_PASSWORD), &["stream"])
        .await
        .expect("the password grant on appsmail");
    let fresh = oauth.refresh(&token).await.expect("refresh on appsmail");
    assert_token_works(&oauth, &fresh).await;

    // Code: connect's token endpoint.
    let grant = oauth.code(REDIRECT_URI).scope(&["stream"]);
    let state = new_state();
    let callback = RawBrowser::new()
        .authorize(&grant.authorize_url(&state), DEMO_EMAIL, DEMO_PASSWORD)
        .await;
    let token = grant
        .exchange(&callback, &state)
        .await
        .expect("the code grant on connect");
    assert_eq!(token.uid, DEMO_UID);
    assert_token_works(&oauth, &token).await;
}

#[tokio::test]
async fn swapped_token_endpoints_make_the_grants_fail() {
    let (_emu, mut endpoints) = separate_hosts().await;
    let right = OAuth::new(app()).with_endpoints(endpoints.clone());
    let grant = right.code(REDIRECT_URI);
    let state = new_state();
    let callback = RawBrowser::new()
        .authorize(&grant.authorize_url(&state), DEMO_EMAIL, DEMO_PASSWORD)
        .await;
    let token = right
        .password(DEMO_EMAIL, &Password::new(DEMO_PASSWORD), &[])
        .await
        .unwrap();

    std::mem::swap(&mut endpoints.token, &mut endpoints.code_token);
    let swapped = OAuth::new(app()).with_endpoints(endpoints);
    let err = swapped
        .password(DEMO_EMAIL, &Password::new(DEMO_PASSWORD), &[])
        .await
        .unwrap_err();
    assert!(is_token_endpoint(&err, "unsupported_grant_type"), "{err:?}");
    let err = swapped.refresh(&token).await.unwrap_err();
    assert!(is_token_endpoint(&err, "unsupported_grant_type"), "{err:?}");
    let err = swapped
        .code(REDIRECT_URI)
        .exchange(&callback, &state)
        .await
        .unwrap_err();
    assert!(is_token_endpoint(&err, "unsupported_grant_type"), "{err:?}");
    // The unused code still works at the right host.
    assert_eq!(
        grant.exchange(&callback, &state).await.unwrap().uid,
        DEMO_UID
    );
}

#[tokio::test]
async fn the_login_form_posted_to_the_wrong_host_is_refused_before_sending() {
    // The emulator's login page posts to auth's origin: an OAuth client that believes the
    // login endpoint is on connect refuses the form instead of posting the password there.
    let (emu, mut endpoints) = separate_hosts().await;
    endpoints.login = Url::parse(&format!("{}/cgi-bin/auth", emu.origins().connect)).unwrap();
    let oauth = OAuth::new(app()).with_endpoints(endpoints);
    let err = oauth
        .implicit(DEMO_EMAIL, DEMO_PASSWORD)
        .login()
        .await
        .unwrap_err();
    assert!(
        matches!(&err, AuthError::MalformedPage(m) if m.contains("not to the platform")),
        "{err:?}"
    );
    assert_eq!(count(&emu.requests(), "POST", "/cgi-bin/auth"), 0);
}
