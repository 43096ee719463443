//! The implicit flow against a hostile or impersonated server, through a scripted
//! transport that answers by URL and records every request: the password goes only to the
//! platform's login origin, tokens are taken only from exactly the success page, redirects
//! never leave the platform or https, login pages are bounded, and server text in errors
//! is sanitized.

use std::fmt;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use bytes::Bytes;
use http::HeaderMap;
use http::header::{CONTENT_TYPE, HeaderValue, LOCATION};
use mailru_api::{Endpoints, HttpRequest, HttpResponse, Transport};
use mailru_auth::{App, AuthError, OAuth};
use url::Url;

/// The password of every test: it must appear in no request but the login POST to the
/// platform's login origin.
const PASSWORD: &str = "SENTINEL-password-3f1c";
const EMAIL: &str = "user@mail.ru";

/// A fragment the real platform would send.
const TOKEN_FRAGMENT: &str = "access_token=SENTINELaccess&refresh_token=SENTINELrefresh&expires_in=86400&token_type=bearer&x_mailru_vid=1324730981306483817";

/// One request as the transport saw it.
#[derive(Clone)]
struct Sent {
    method: String,
    url: Url,
    headers: HeaderMap,
    body: Vec<u8>,
}

impl Sent {
    /// Everything of the request as text (URL, headers, body).
    fn text(&self) -> String {
        let headers: Vec<String> = self
            .headers
            .iter()
            .map(|(k, v)| format!("{k}: {}", String::from_utf8_lossy(v.as_bytes())))
            .collect();
        format!(
            "{} {}\n{}\n{}",
            self.method,
            self.url,
            headers.join("\n"),
            String::from_utf8_lossy(&self.body)
        )
    }

    fn origin(&self) -> String {
        self.url.origin().ascii_serialization()
    }
}

impl fmt::Debug for Sent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.method, self.url)
    }
}

type Script = Box<dyn Fn(&Sent) -> HttpResponse + Send + Sync>;

/// Answers each request with `script`, recording it first.
struct Scripted {
    script: Script,
    sent: Mutex<Vec<Sent>>,
}

impl fmt::Debug for Scripted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Scripted")
    }
}

#[async_trait]
impl Transport for Scripted {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, mailru_api::Error> {
        let sent = Sent {
            method: request.method.to_string(),
            url: request.url,
            headers: request.headers,
            body: request.body.to_vec(),
        };
        let answer = (self.script)(&sent);
        self.sent.lock().unwrap().push(sent);
        Ok(answer)
    }
}

/// An OAuth client of `endpoints` whose requests `script` answers; the recorder.
fn scripted(
    endpoints: Endpoints,
    script: impl Fn(&Sent) -> HttpResponse + Send + Sync + 'static,
) -> (OAuth, Arc<Scripted>) {
    let transport = Arc::new(Scripted {
        script: Box::new(script),
        sent: Mutex::new(Vec::new()),
    });
    let oauth = OAuth::new(App::new(423_004).private_key("7815696ecbf1c96e6894b779456d330e"))
        .with_endpoints(endpoints)
        .transport(transport.clone());
    (oauth, transport)
}

impl Scripted {
    fn sent(&self) -> Vec<Sent> {
        self.sent.lock().unwrap().clone()
    }
}

fn html(status: u16, body: impl Into<Bytes>) -> HttpResponse {
    let mut headers = HeaderMap::new();
    headers.insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    HttpResponse {
        status,
        headers,
        body: body.into(),
    }
}

fn redirect(location: &str) -> HttpResponse {
    let mut headers = HeaderMap::new();
    headers.insert(LOCATION, HeaderValue::from_str(location).unwrap());
    HttpResponse {
        status: 302,
        headers,
        body: Bytes::new(),
    }
}

/// A login dialog (spec §5.5 structure) whose form posts to `action`.
fn login_page(action: &str) -> String {
    format!(
        r#"<html><head><title>Mail.Ru — Запрос доступа</title></head><body>
<form id="login-form" method="post" action="{action}">
  <input type="hidden" name="Page" value="https://connect.mail.ru/oauth/authorize?client_id=423004&amp;login=1"/>
  <input type="hidden" name="FailPage" value="https://connect.mail.ru/oauth/authorize?client_id=423004&amp;fail=1"/>
  <select name="Domain"><option value="mail.ru">@mail.ru</option></select>
  <input type="text" name="Login"/>
  <input type="password" name="Password"/>
</form></body></html>"#
    )
}

/// The real platform's endpoints (https dialog and login form, the spec's http success
/// page).
fn real() -> Endpoints {
    Endpoints::default()
}

/// Every endpoint on one plain-http origin, as with a local emulator.
fn plain(origin: &str) -> Endpoints {
    Endpoints::single_origin(origin).unwrap()
}

fn is_authorize(s: &Sent, endpoints: &Endpoints) -> bool {
    s.url.origin() == endpoints.authorize.origin() && s.url.path() == endpoints.authorize.path()
}

#[track_caller]
fn assert_password_never_sent(sent: &[Sent]) {
    for s in sent {
        assert!(!s.text().contains(PASSWORD), "the password went out: {s:?}");
    }
}

// ---------------------------------------------------------------------------------------
// The password goes only to the login origin (`trusted_action`).

#[tokio::test]
async fn a_login_form_posting_elsewhere_gets_nothing_and_the_flow_fails_typed() {
    for action in [
        "https://evil.example/cgi-bin/auth",
        "//evil.example/cgi-bin/auth",
        // The login host, but down to http or on another port.
        "http://auth.mail.ru/cgi-bin/auth",
        "https://auth.mail.ru:8443/cgi-bin/auth",
        // Relative: the dialog's own origin, not the login origin.
        "/cgi-bin/auth",
        // A look-alike host.
        "https://auth.mail.ru.evil.example/cgi-bin/auth",
    ] {
        let endpoints = real();
        let page = login_page(action);
        let (oauth, transport) = scripted(endpoints.clone(), move |s| {
            if s.url.host_str() == Some("connect.mail.ru") && s.method == "GET" {
                html(200, page.clone())
            } else {
                html(200, "<html><title>accepted</title></html>")
            }
        });
        let err = oauth.implicit(EMAIL, PASSWORD).login().await.unwrap_err();
        assert!(
            matches!(&err, AuthError::MalformedPage(m) if m.contains("not to the platform")),
            "{action}: {err:?}"
        );
        assert_eq!(err.kind(), "malformed_page");
        let sent = transport.sent();
        assert_eq!(
            sent.len(),
            1,
            "{action}: only the dialog was opened: {sent:?}"
        );
        assert!(is_authorize(&sent[0], &endpoints), "{sent:?}");
        assert!(
            sent.iter()
                .all(|s| s.url.host_str() != Some("evil.example")),
            "{sent:?}"
        );
        assert_password_never_sent(&sent);
    }
}

#[tokio::test]
async fn the_password_goes_to_the_login_origin_and_the_token_comes_from_the_success_page() {
    // The control of the test above: the same scripted platform with the real action.
    let endpoints = real();
    let page = login_page("https://auth.mail.ru/cgi-bin/auth");
    let (oauth, transport) = scripted(endpoints, move |s| match s.url.host_str() {
        Some("connect.mail.ru") => html(200, page.clone()),
        Some("auth.mail.ru") => redirect(&format!(
            "http://connect.mail.ru/oauth/success.html#{TOKEN_FRAGMENT}"
        )),
        _ => html(404, "not found"),
    });
    let token = oauth
        .implicit(EMAIL, PASSWORD)
        .login()
        .await
        .expect("logs in");
    assert_eq!(token.uid, 1_324_730_981_306_483_817);
    assert_eq!(token.access_token.expose(), "SENTINELaccess");
    let sent = transport.sent();
    assert_eq!(
        sent.iter()
            .map(|s| (s.method.as_str(), s.origin()))
            .collect::<Vec<_>>(),
        [
            ("GET", "https://connect.mail.ru".to_owned()),
            ("POST", "https://auth.mail.ru".to_owned()),
        ]
    );
    assert!(String::from_utf8_lossy(&sent[1].body).contains("Password=SENTINEL-password-3f1c"));
    assert_password_never_sent(&sent[..1]);
}

// ---------------------------------------------------------------------------------------
// Tokens only from exactly the success page; redirects stay on the platform and on https.

/// Logs in against a platform whose dialog redirects to `location` (directly, or after
/// the login form when `after_login`); returns the error and what was sent.
async fn redirected(
    endpoints: Endpoints,
    location: &'static str,
    after_login: bool,
) -> (AuthError, Vec<Sent>) {
    let login = endpoints.login.clone();
    let page = login_page(login.as_str());
    let (oauth, transport) = scripted(endpoints.clone(), move |s| {
        if is_authorize(s, &endpoints) {
            if after_login {
                html(200, page.clone())
            } else {
                redirect(location)
            }
        } else if s.url == login {
            redirect(location)
        } else {
            html(200, "<html><title>followed</title></html>")
        }
    });
    let err = oauth.implicit(EMAIL, PASSWORD).login().await.unwrap_err();
    (err, transport.sent())
}

#[track_caller]
fn assert_refused(err: &AuthError, url: &str, reason: &str) {
    match err {
        AuthError::RefusedRedirect {
            url: shown,
            reason: why,
        } => {
            assert_eq!(shown, url, "{err}");
            assert_eq!(*why, reason, "{err}");
        }
        other => panic!("expected a refused redirect to {url}, got {other:?}"),
    }
    assert_eq!(err.kind(), "refused_redirect");
}

#[tokio::test]
async fn a_token_redirect_to_another_host_is_neither_taken_nor_followed() {
    const EVIL: &str = "http://evil.example/oauth/success.html#access_token=EVIL&refresh_token=EVIL&expires_in=86400&x_mailru_vid=666";
    for after_login in [false, true] {
        // From the https platform: leaving https is caught first.
        let (err, sent) = redirected(real(), EVIL, after_login).await;
        assert_refused(
            &err,
            "http://evil.example/oauth/success.html",
            "it leaves https",
        );
        assert!(
            sent.iter()
                .all(|s| s.url.host_str() != Some("evil.example"))
        );
        assert!(!format!("{err:?}{err}").contains("EVIL"));
        // From a plain-http platform (an emulator): leaving the platform.
        let (err, sent) = redirected(plain("http://platform.test"), EVIL, after_login).await;
        assert_refused(
            &err,
            "http://evil.example/oauth/success.html",
            "it leaves the platform",
        );
        assert!(
            sent.iter()
                .all(|s| s.url.host_str() != Some("evil.example"))
        );
        assert_eq!(sent.len(), if after_login { 2 } else { 1 }, "{sent:?}");
    }
}

#[tokio::test]
async fn an_https_dialog_redirecting_to_http_on_the_same_host_is_refused() {
    for (location, shown) in [
        (
            "http://connect.mail.ru/oauth/authorize?client_id=423004&login=1",
            "http://connect.mail.ru/oauth/authorize",
        ),
        (
            "http://auth.mail.ru/cgi-bin/auth",
            "http://auth.mail.ru/cgi-bin/auth",
        ),
    ] {
        for after_login in [false, true] {
            let (err, sent) = redirected(real(), location, after_login).await;
            assert_refused(&err, shown, "it leaves https");
            assert!(
                sent.iter().all(|s| s.url.scheme() == "https"),
                "nothing went over http: {sent:?}"
            );
        }
    }
}

#[tokio::test]
async fn a_success_page_on_another_scheme_or_port_is_refused() {
    // The real success page is http://connect.mail.ru/oauth/success.html.
    for (location, shown) in [
        (
            "https://connect.mail.ru/oauth/success.html#access_token=EVIL&x_mailru_vid=666",
            "https://connect.mail.ru/oauth/success.html",
        ),
        (
            "http://connect.mail.ru:8080/oauth/success.html#access_token=EVIL&x_mailru_vid=666",
            "http://connect.mail.ru:8080/oauth/success.html",
        ),
        (
            "https://connect.mail.ru/oauth/success.html",
            "https://connect.mail.ru/oauth/success.html",
        ),
    ] {
        for after_login in [false, true] {
            let (err, sent) = redirected(real(), location, after_login).await;
            assert!(
                matches!(err, AuthError::RefusedRedirect { ref url, .. } if url == shown),
                "{location}: {err:?}"
            );
            assert!(
                sent.iter().all(|s| !s.url.path().ends_with("success.html")),
                "the look-alike was not fetched: {sent:?}"
            );
            assert!(!format!("{err:?}{err}").contains("EVIL"));
        }
    }
    // On a plain-http platform: another port, or https, of the same host.
    for (location, shown) in [
        (
            "http://platform.test:81/oauth/success.html#access_token=EVIL&x_mailru_vid=666",
            "http://platform.test:81/oauth/success.html",
        ),
        (
            "https://platform.test/oauth/success.html#access_token=EVIL&x_mailru_vid=666",
            "https://platform.test/oauth/success.html",
        ),
    ] {
        let (err, sent) = redirected(plain("http://platform.test"), location, true).await;
        assert!(
            matches!(err, AuthError::RefusedRedirect { ref url, .. } if url == shown),
            "{location}: {err:?}"
        );
        assert_eq!(sent.len(), 2, "{sent:?}");
    }
}

// ---------------------------------------------------------------------------------------
// Bounded pages, sanitized server text.

#[tokio::test]
async fn a_login_page_over_one_mebibyte_is_a_typed_error_and_nothing_is_posted() {
    let endpoints = real();
    // A real login form followed by 2 MiB of padding.
    let mut page = login_page("https://auth.mail.ru/cgi-bin/auth");
    page.push_str(&format!("<!-- {} -->", "x".repeat(2 * 1024 * 1024)));
    let (oauth, transport) = scripted(endpoints, move |s| match s.url.host_str() {
        Some("connect.mail.ru") => html(200, page.clone()),
        _ => redirect(&format!(
            "http://connect.mail.ru/oauth/success.html#{TOKEN_FRAGMENT}"
        )),
    });
    let err = oauth.implicit(EMAIL, PASSWORD).login().await.unwrap_err();
    assert!(
        matches!(&err, AuthError::PageTooLarge { url, limit: 1_048_576 } if url == "https://connect.mail.ru/oauth/authorize"),
        "{err:?}"
    );
    assert_eq!(err.kind(), "page_too_large");
    assert_eq!(mailru_auth::MAX_PAGE_SIZE, 1_048_576);
    assert_eq!(
        err.to_string(),
        "the page at https://connect.mail.ru/oauth/authorize is larger than 1048576 bytes"
    );
    assert!(!err.is_transient());
    let sent = transport.sent();
    assert_eq!(sent.len(), 1, "nothing was posted: {sent:?}");
    assert_password_never_sent(&sent);
}

/// Terminal escapes (clear screen, set the window title, ring the bell) and a secret.
const HOSTILE: &str =
    "\u{1b}[2J\u{1b}]0;pwned\u{7} proxy error for /api?session_key=SECRETsk&sig=SECRETsig";

#[track_caller]
fn assert_clean(text: &str) {
    assert!(!text.contains("SECRET"), "a secret in {text:?}");
    assert!(
        !text.chars().any(char::is_control),
        "a control character in {text:?}"
    );
}

#[tokio::test]
async fn an_unexpected_page_title_is_sanitized_and_bounded() {
    let title = format!("{HOSTILE}{}", "я".repeat(1_000));
    let page = format!("<html><head><title>{title}</title></head><body>no form</body></html>");
    let (oauth, _transport) = scripted(real(), move |_| html(200, page.clone()));
    let err = oauth.implicit(EMAIL, PASSWORD).login().await.unwrap_err();
    match &err {
        AuthError::UnexpectedPage { url, title } => {
            assert_eq!(url, "https://connect.mail.ru/oauth/authorize");
            let title = title.as_deref().expect("the title is kept");
            assert_clean(title);
            assert!(title.contains("pwned"), "{title}");
            assert!(title.contains("session_key=[redacted]"), "{title}");
            assert!(title.chars().count() <= 301, "{}", title.chars().count());
        }
        other => panic!("{other:?}"),
    }
    assert_clean(&err.to_string());
    assert_clean(&format!("{err:?}"));
}

#[tokio::test]
async fn a_server_error_page_is_quoted_sanitized() {
    let body = format!("<html>{HOSTILE}\n{}</html>", "x".repeat(100_000));
    let (oauth, _transport) = scripted(real(), move |_| html(502, body.clone()));
    let err = oauth.implicit(EMAIL, PASSWORD).login().await.unwrap_err();
    match &err {
        AuthError::Api(mailru_api::Error::Http { status, body_start }) => {
            assert_eq!(*status, 502);
            assert_clean(body_start);
            assert!(body_start.starts_with("<html>"), "{body_start}");
            assert!(
                body_start.contains("session_key=[redacted]"),
                "{body_start}"
            );
            assert!(body_start.chars().count() <= 301);
        }
        other => panic!("{other:?}"),
    }
    assert!(err.is_transient());
    assert_clean(&err.to_string());
}

#[tokio::test]
async fn a_form_action_quoted_in_an_error_is_sanitized() {
    let page = login_page("https://evil.example/session_key=SECRETsk/auth?sig=SECRETsig");
    let (oauth, transport) = scripted(real(), move |_| html(200, page.clone()));
    let err = oauth.implicit(EMAIL, PASSWORD).login().await.unwrap_err();
    assert!(matches!(err, AuthError::MalformedPage(_)), "{err:?}");
    assert_clean(&err.to_string());
    assert!(err.to_string().contains("https://evil.example/"), "{err}");
    assert_eq!(transport.sent().len(), 1);
}

#[tokio::test]
async fn a_consent_form_posting_off_the_dialog_origin_is_not_submitted() {
    let consent = r#"<html><head><title>Mail.Ru — Запрос доступа</title></head><body>
<form id="login" method="post" action="https://evil.example/oauth/authorize">
  <input type="hidden" name="sig" value="0123456789abcdef"/>
  <input type="hidden" name="client_id" value="423004"/>
  <input type="hidden" name="redirect_uri" value="http://connect.mail.ru/oauth/success.html"/>
  <input type="hidden" name="response_type" value="token"/>
</form></body></html>"#;
    let (oauth, transport) = scripted(real(), move |_| html(200, consent));
    let err = oauth.implicit(EMAIL, PASSWORD).login().await.unwrap_err();
    assert!(
        matches!(&err, AuthError::MalformedPage(m) if m == "the consent form posts to https://evil.example/oauth/authorize, not to the platform"),
        "{err:?}"
    );
    let sent = transport.sent();
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert!(
        sent.iter()
            .all(|s| s.url.host_str() != Some("evil.example"))
    );
}
