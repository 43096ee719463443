//! Protocol tests of the emulator's OAuth (spec §5, decisions.md "OAuth"): the authorize
//! dialogs, the login form target, consent and decline, the code and implicit flows, the
//! token endpoint and what its tokens can do on the REST API. Plain HTTP only (tests/common).

use crate::common;

use std::collections::HashMap;
use std::time::Duration;

use common::{Circuit, Env, JSON_TYPE, Resp, owned, sign};
use hyper::StatusCode;
use mailru_emulator::Emulator;
use mailru_emulator::accounts::*;
use url::Url;

const HTML_TYPE: &str = "text/html; charset=utf-8";
const CODE_REDIRECT: &str = "http://127.0.0.1:9/cb";

// ---------------------------------------------------------------------------------------
// Page parsing: simple string search, enough for the emulator's well-formed pages.

/// Undoes the escaping of attribute values.
fn unescape(s: &str) -> String {
    s.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// The whole tag (`<...>`) around the first occurrence of `needle`.
fn tag_with<'a>(html: &'a str, needle: &str) -> &'a str {
    let at = html
        .find(needle)
        .unwrap_or_else(|| panic!("{needle:?} not in page:\n{html}"));
    let start = html[..=at].rfind('<').expect("tag start");
    let end = at + html[at..].find('>').expect("tag end");
    &html[start..=end]
}

/// The unescaped value of attribute `name` of one tag.
fn attr(tag: &str, name: &str) -> Option<String> {
    let pat = format!(" {name}=\"");
    let i = tag.find(&pat)? + pat.len();
    let j = i + tag[i..].find('"')?;
    Some(unescape(&tag[i..j]))
}

/// From `<form ` + `open` up to `</form>`.
fn form<'a>(html: &'a str, open: &str) -> &'a str {
    let needle = format!("<form {open}");
    let start = html
        .find(&needle)
        .unwrap_or_else(|| panic!("no {needle:?} in page:\n{html}"));
    let end = start + html[start..].find("</form>").expect("</form>") + "</form>".len();
    &html[start..end]
}

/// `(name, value)` of every `<input type="hidden">`, in page order.
fn hidden_inputs(html: &str) -> Vec<(String, String)> {
    html.match_indices("<input")
        .map(|(i, _)| &html[i..=i + html[i..].find('>').expect("input end")])
        .filter(|tag| attr(tag, "type").as_deref() == Some("hidden"))
        .map(|tag| {
            (
                attr(tag, "name").expect("hidden input name"),
                attr(tag, "value").unwrap_or_default(),
            )
        })
        .collect()
}

fn query(url: &str) -> Vec<(String, String)> {
    Url::parse(url)
        .unwrap_or_else(|e| panic!("bad url {url:?}: {e}"))
        .query_pairs()
        .into_owned()
        .collect()
}

fn param(url: &str, name: &str) -> Option<String> {
    query(url)
        .into_iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v)
}

/// The fragment's pairs, in order.
fn fragment(url: &str) -> Vec<(String, String)> {
    let frag = Url::parse(url)
        .unwrap_or_else(|e| panic!("bad url {url:?}: {e}"))
        .fragment()
        .unwrap_or_else(|| panic!("no fragment in {url:?}"))
        .to_owned();
    url::form_urlencoded::parse(frag.as_bytes())
        .into_owned()
        .collect()
}

fn without_fragment(url: &str) -> &str {
    url.split('#').next().unwrap_or(url)
}

fn is_hex32(s: &str) -> bool {
    s.len() == 32 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

fn assert_redirect(r: &Resp) {
    assert_eq!(r.status, StatusCode::FOUND, "expected 302: {}", r.text());
    assert!(!r.location().is_empty(), "302 without Location");
}

// ---------------------------------------------------------------------------------------
// Flow helpers.

fn authorize_url(env: &Env, query: &str) -> String {
    format!("{}?{query}", env.url("/oauth/authorize"))
}

/// The login dialog's hidden `Page` and `FailPage`.
async fn login_targets(env: &Env, authorize: &str) -> (String, String) {
    let r = env.http.get(authorize).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let html = r.text();
    let page = attr(tag_with(&html, "name=\"Page\""), "value").expect("Page value");
    let fail = attr(tag_with(&html, "name=\"FailPage\""), "value").expect("FailPage value");
    (page, fail)
}

/// POST /cgi-bin/auth as the login form does (`Login` = local part, `Domain` = the rest).
async fn post_login(env: &Env, email: &str, password: &str, page: &str, fail: &str) -> Resp {
    let (login, domain) = email.split_once('@').expect("e-mail");
    env.http
        .post_form(
            &env.url("/cgi-bin/auth"),
            &owned(&[
                ("Login", login),
                ("Domain", domain),
                ("Password", password),
                ("Page", page),
                ("FailPage", fail),
            ]),
            &[],
        )
        .await
}

/// Opens the dialog of `authorize`, logs in, and returns the cookies and the `Page` URL
/// the login redirected to.
async fn log_in(
    env: &Env,
    authorize: &str,
    email: &str,
    password: &str,
) -> (Vec<(String, String)>, String) {
    let (page, fail) = login_targets(env, authorize).await;
    let r = post_login(env, email, password, &page, &fail).await;
    assert_redirect(&r);
    assert_eq!(r.location(), page, "login must redirect to Page");
    let cookies = r.cookies();
    assert!(
        cookies.iter().any(|(k, v)| k == "Mpop" && !v.is_empty()),
        "no Mpop cookie: {cookies:?}"
    );
    (cookies, page)
}

/// The consent form of a logged-in GET: its action and hidden inputs.
async fn consent_form(
    env: &Env,
    url: &str,
    cookies: &[(String, String)],
) -> (String, Vec<(String, String)>, String) {
    let r = env.http.get_with_cookies(url, cookies).await;
    assert_eq!(
        r.status,
        StatusCode::OK,
        "expected the consent dialog: {:?}",
        r
    );
    let html = r.text();
    let f = form(&html, "id=\"login\"");
    let action = attr(tag_with(f, "<form"), "action").expect("form action");
    (action, hidden_inputs(f), html)
}

/// Posts the consent form's hidden inputs only (as aiomailru does: no `agree`).
async fn post_consent(
    env: &Env,
    action: &str,
    hidden: &[(String, String)],
    cookies: &[(String, String)],
) -> Resp {
    env.http.post_form(action, hidden, cookies).await
}

/// uid of a named user, through the public endpoint (not through OAuth, which would
/// install the app for the user).
async fn uid_of(env: &Env, email: &str) -> String {
    let (nick, domain) = email.split_once('@').expect("e-mail");
    let label = domain.split('.').next().unwrap_or(domain);
    let r = env
        .http
        .get(&env.url(&format!("/platform/{label}/{nick}")))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    r.json()["uid"].as_str().expect("uid").to_owned()
}

async fn token_request(env: &Env, pairs: &[(&str, &str)]) -> Resp {
    env.http
        .post_form(&env.url("/oauth/token"), &owned(pairs), &[])
        .await
}

async fn password_grant(
    env: &Env,
    client_id: &str,
    secret: &str,
    email: &str,
    password: &str,
    scope: &str,
) -> Resp {
    token_request(
        env,
        &[
            ("grant_type", "password"),
            ("client_id", client_id),
            ("client_secret", secret),
            ("username", email),
            ("password", password),
            ("scope", scope),
        ],
    )
    .await
}

/// A 400 token-endpoint error with `error` = `expected`.
fn assert_token_error(r: &Resp, expected: &str) {
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text());
    assert_eq!(r.content_type(), JSON_TYPE);
    let v = r.json();
    assert_eq!(v["error"], expected, "{v}");
    assert!(v.get("access_token").is_none(), "{v}");
}

/// A successful token response for `uid`: (access_token, refresh_token).
fn assert_token_ok(r: &Resp, uid: &str, expires_in: u64) -> (String, String) {
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.content_type(), JSON_TYPE);
    let v = r.json();
    let access = v["access_token"].as_str().expect("access_token").to_owned();
    let refresh = v["refresh_token"]
        .as_str()
        .expect("refresh_token")
        .to_owned();
    assert!(is_hex32(&access), "{v}");
    assert!(is_hex32(&refresh), "{v}");
    assert_ne!(access, refresh);
    assert_eq!(v["expires_in"], expires_in, "{v}");
    assert_eq!(v["token_type"], "bearer", "{v}");
    assert_eq!(v["x_mailru_vid"], uid, "{v}");
    (access, refresh)
}

/// users.getInfo (app 423004, client-server) with a token: the status and the JSON.
async fn get_info(env: &Env, token: &str, uid: &str) -> Resp {
    env.call_as(Circuit::Client, token, uid, "users.getInfo", &[])
        .await
}

async fn assert_token_works(env: &Env, token: &str, uid: &str) {
    let r = get_info(env, token, uid).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.json()[0]["uid"], uid, "{}", r.text());
}

async fn assert_token_rejected(env: &Env, token: &str, uid: &str) {
    let r = get_info(env, token, uid).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text());
    assert_eq!(r.error_code(), Some(102), "{}", r.text());
}

// ---------------------------------------------------------------------------------------
// 1. The login dialog.

#[tokio::test]
async fn authorize_without_login_shows_the_login_dialog() {
    let env = Env::new().await;
    let base = env.emu.base_url().to_owned();
    let r = env
        .http
        .get(&authorize_url(
            &env,
            "client_id=423004&response_type=token&scope=photos%20stream",
        ))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.content_type(), HTML_TYPE);
    let html = r.text();
    assert!(html.contains("Необходим доступ к вашим данным"), "{html}");
    assert!(html.contains("Демо-приложение"), "app name missing");
    // One permission line per requested privilege, plus the base line.
    assert!(html.contains("Создавать альбомы и размещать там изображения"));
    assert!(html.contains("Публиковать записи в ленте"));
    assert!(!html.contains("Отправлять личные сообщения"));

    let f = form(&html, "id=\"login-form\"");
    let open = tag_with(f, "<form");
    assert_eq!(
        attr(open, "action").as_deref(),
        Some(format!("{base}/cgi-bin/auth").as_str())
    );
    assert_eq!(attr(open, "method").as_deref(), Some("post"));

    let hidden = hidden_inputs(f);
    let names: Vec<&str> = hidden.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(names, ["Page", "FailPage"]);
    let page = &hidden[0].1;
    let fail = &hidden[1].1;
    // The raw attribute is escaped; the decoded value is a real URL.
    assert!(f.contains("&amp;"), "attribute values must be escaped");
    for url in [page, fail] {
        assert!(
            url.starts_with(&format!("{base}/oauth/authorize?")),
            "{url}"
        );
        assert_eq!(param(url, "client_id").as_deref(), Some("423004"));
        assert_eq!(param(url, "response_type").as_deref(), Some("token"));
        assert_eq!(param(url, "scope").as_deref(), Some("photos stream"));
        assert_eq!(
            param(url, "redirect_uri").as_deref(),
            Some(format!("{base}/oauth/success.html").as_str())
        );
    }
    assert_eq!(param(page, "login").as_deref(), Some("1"));
    assert_eq!(param(page, "fail"), None);
    assert_eq!(param(fail, "fail").as_deref(), Some("1"));
    assert_eq!(param(fail, "login"), None);

    let select = tag_with(f, "<select");
    assert_eq!(attr(select, "name").as_deref(), Some("Domain"));
    for domain in ["mail.ru", "inbox.ru", "bk.ru", "list.ru"] {
        assert!(
            f.contains(&format!("<option value=\"{domain}\">")),
            "no option {domain}"
        );
    }
    assert_eq!(
        attr(tag_with(f, "name=\"Login\""), "type").as_deref(),
        Some("text")
    );
    assert_eq!(
        attr(tag_with(f, "name=\"Password\""), "type").as_deref(),
        Some("password")
    );
    assert!(!html.contains("Неверное имя пользователя или пароль"));
}

#[tokio::test]
async fn fail_page_shows_the_login_dialog_with_an_error() {
    let env = Env::new().await;
    let (_, fail) =
        login_targets(&env, &authorize_url(&env, "client_id=423004&scope=stream")).await;
    let r = env.http.get(&fail).await;
    assert_eq!(r.status, StatusCode::OK);
    let html = r.text();
    assert!(
        html.contains("Неверное имя пользователя или пароль"),
        "{html}"
    );
    assert!(html.contains("<form id=\"login-form\""));
}

// ---------------------------------------------------------------------------------------
// 2. POST /cgi-bin/auth.

#[tokio::test]
async fn login_with_valid_credentials_redirects_to_page_with_a_cookie() {
    let env = Env::new().await;
    let (page, fail) = login_targets(
        &env,
        &authorize_url(&env, "client_id=423004&response_type=token"),
    )
    .await;
    let r = post_login(&env, DEMO_EMAIL, DEMO_PASSWORD, &page, &fail).await;
    assert_redirect(&r);
    assert_eq!(r.location(), page);
    let mpop = r
        .cookies()
        .into_iter()
        .find(|(k, _)| k == "Mpop")
        .expect("Mpop cookie");
    assert!(!mpop.1.is_empty());
}

#[tokio::test]
async fn login_with_a_wrong_password_redirects_to_fail_page() {
    let env = Env::new().await;
    let (page, fail) = login_targets(&env, &authorize_url(&env, "client_id=423004")).await;
    let r = post_login(&env, DEMO_EMAIL, "not-the-password", &page, &fail).await;
    assert_redirect(&r);
    assert_eq!(r.location(), fail);
    assert_eq!(param(r.location(), "fail").as_deref(), Some("1"));
    assert!(
        r.cookies().iter().all(|(k, _)| k != "Mpop"),
        "{:?}",
        r.cookies()
    );

    // An unknown mailbox fails the same way.
    let r = post_login(&env, "nobody.here@mail.ru", "x", &page, &fail).await;
    assert_redirect(&r);
    assert_eq!(r.location(), fail);
    assert!(r.cookies().iter().all(|(k, _)| k != "Mpop"));
}

#[tokio::test]
async fn login_of_a_blocked_user_redirects_to_recovery() {
    let env = Env::new().await;
    let base = env.emu.base_url().to_owned();
    let (page, fail) = login_targets(&env, &authorize_url(&env, "client_id=423004")).await;
    let r = post_login(&env, BLOCKED_EMAIL, BLOCKED_PASSWORD, &page, &fail).await;
    assert_redirect(&r);
    assert!(
        r.location().starts_with(&format!("{base}/recovery")),
        "{}",
        r.location()
    );
    assert_eq!(Url::parse(r.location()).unwrap().path(), "/recovery");
    assert!(r.cookies().iter().all(|(k, _)| k != "Mpop"));
}

#[tokio::test]
async fn login_of_the_inbox_user_with_a_non_ascii_password() {
    let env = Env::new().await;
    let authorize = authorize_url(&env, "client_id=423004&scope=photos");
    let (cookies, page) = log_in(&env, &authorize, INBOX_EMAIL, INBOX_PASSWORD).await;
    // The session belongs to that user: the consent dialog names them.
    let (_, hidden, html) = consent_form(&env, &page, &cookies).await;
    assert!(html.contains("Ольга"), "{html}");
    assert_eq!(hidden.len(), 7);
}

#[tokio::test]
async fn login_accepts_a_full_e_mail_in_login() {
    let env = Env::new().await;
    let (page, fail) = login_targets(&env, &authorize_url(&env, "client_id=423004")).await;
    let r = env
        .http
        .post_form(
            &env.url("/cgi-bin/auth"),
            &owned(&[
                ("Login", BK_EMAIL),
                ("Domain", "mail.ru"),
                ("Password", BK_PASSWORD),
                ("Page", &page),
                ("FailPage", &fail),
            ]),
            &[],
        )
        .await;
    assert_redirect(&r);
    assert_eq!(r.location(), page);
    assert!(r.cookies().iter().any(|(k, _)| k == "Mpop"));
}

#[tokio::test]
async fn login_refuses_pages_outside_the_platform() {
    let env = Env::new().await;
    let base = env.emu.base_url().to_owned();
    let (page, fail) = login_targets(&env, &authorize_url(&env, "client_id=423004")).await;
    let port = env.emu.addr().port();
    let outside = [
        "http://evil.example/oauth/authorize".to_owned(),
        format!("{base}.evil.example/oauth/authorize"),
        format!("{base}@evil.example/oauth/authorize"),
        format!("http://127.0.0.1:{}/oauth/authorize", u32::from(port) + 1),
        format!("{base}0/oauth/authorize"),
    ];
    for bad in &outside {
        for (p, f) in [(bad.as_str(), fail.as_str()), (page.as_str(), bad.as_str())] {
            let r = post_login(&env, DEMO_EMAIL, DEMO_PASSWORD, p, f).await;
            assert_eq!(
                r.status,
                StatusCode::BAD_REQUEST,
                "Page={p} FailPage={f}: {:?}",
                r.location()
            );
            assert!(r.cookies().iter().all(|(k, _)| k != "Mpop"));
        }
    }
    // Missing Page / FailPage.
    let r = env
        .http
        .post_form(
            &env.url("/cgi-bin/auth"),
            &owned(&[
                ("Login", "demo"),
                ("Domain", "mail.ru"),
                ("Password", DEMO_PASSWORD),
            ]),
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
}

// ---------------------------------------------------------------------------------------
// 3–4. Consent dialog and consent.

#[tokio::test]
async fn logged_in_user_without_consent_gets_the_consent_dialog() {
    let env = Env::new().await;
    let base = env.emu.base_url().to_owned();
    let authorize = authorize_url(
        &env,
        "client_id=423004&response_type=token&scope=photos%20stream",
    );
    let (cookies, page) = log_in(&env, &authorize, BK_EMAIL, BK_PASSWORD).await;
    let r = env.http.get_with_cookies(&page, &cookies).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.content_type(), HTML_TYPE);
    let html = r.text();
    assert!(html.contains("Необходим доступ к вашим данным"));
    assert!(html.contains("Иван"), "account name in the header");
    assert!(
        !html.contains("<form id=\"login-form\""),
        "no login form now"
    );

    let f = form(&html, "id=\"login\"");
    let open = tag_with(f, "<form");
    assert_eq!(attr(open, "method").as_deref(), Some("post"));
    assert_eq!(
        attr(open, "action").as_deref(),
        Some(format!("{base}/oauth/authorize").as_str())
    );
    let hidden = hidden_inputs(f);
    let names: Vec<&str> = hidden.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(
        names,
        [
            "sig",
            "client_id",
            "redirect_uri",
            "response_type",
            "state",
            "login",
            "needed_permissions"
        ]
    );
    let value = |name: &str| {
        hidden
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .unwrap()
    };
    assert!(!value("sig").is_empty());
    assert_eq!(value("client_id"), "423004");
    assert_eq!(value("redirect_uri"), format!("{base}/oauth/success.html"));
    assert_eq!(value("response_type"), "token");
    assert_eq!(value("state"), "");
    assert_eq!(value("login"), "1");
    let needed: u32 = value("needed_permissions").parse().expect("a number");
    assert!(needed > 0);

    let button = tag_with(f, "<button");
    assert_eq!(attr(button, "id").as_deref(), Some("accept"));
    assert_eq!(attr(button, "name").as_deref(), Some("agree"));
    assert_eq!(attr(button, "type").as_deref(), Some("submit"));
}

#[tokio::test]
async fn posting_the_consent_form_returns_a_token_in_the_fragment() {
    let env = Env::new().await;
    let base = env.emu.base_url().to_owned();
    let uid = uid_of(&env, BK_EMAIL).await;
    let authorize = authorize_url(
        &env,
        "client_id=423004&response_type=token&scope=photos%20stream",
    );
    let (cookies, page) = log_in(&env, &authorize, BK_EMAIL, BK_PASSWORD).await;
    let (action, hidden, _) = consent_form(&env, &page, &cookies).await;
    assert!(hidden.iter().all(|(k, _)| k != "agree"));
    let r = post_consent(&env, &action, &hidden, &cookies).await;
    assert_redirect(&r);
    let location = r.location();
    assert_eq!(
        without_fragment(location),
        format!("{base}/oauth/success.html")
    );
    let frag = fragment(location);
    let keys: Vec<&str> = frag.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(
        keys,
        [
            "access_token",
            "refresh_token",
            "expires_in",
            "token_type",
            "x_mailru_vid"
        ]
    );
    let f: HashMap<_, _> = frag.iter().cloned().collect();
    assert!(is_hex32(&f["access_token"]), "{location}");
    assert!(is_hex32(&f["refresh_token"]), "{location}");
    assert_ne!(f["access_token"], f["refresh_token"]);
    assert_eq!(f["expires_in"], "86400");
    assert_eq!(f["token_type"], "bearer");
    assert_eq!(f["x_mailru_vid"], uid);

    // The token is a REST session of that user, with the granted privileges.
    assert_token_works(&env, &f["access_token"], &uid).await;

    // The form is used up: posting it again is refused.
    let again = post_consent(&env, &action, &hidden, &cookies).await;
    assert_eq!(again.status, StatusCode::BAD_REQUEST, "{}", again.text());
}

#[tokio::test]
async fn consent_post_needs_the_same_logged_in_user_and_a_live_form() {
    let env = Env::new().await;
    let authorize = authorize_url(&env, "client_id=423004&scope=photos");
    let (cookies, page) = log_in(&env, &authorize, BK_EMAIL, BK_PASSWORD).await;
    let (action, hidden, _) = consent_form(&env, &page, &cookies).await;

    // Not logged in.
    let r = post_consent(&env, &action, &hidden, &[]).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text());
    // Another user's browser.
    let (other, _) = log_in(&env, &authorize, LIST_EMAIL, LIST_PASSWORD).await;
    let r = post_consent(&env, &action, &hidden, &other).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text());
    // A forged form key.
    let forged: Vec<(String, String)> = hidden
        .iter()
        .map(|(k, v)| {
            let v = if k == "sig" {
                "0".repeat(32)
            } else {
                v.clone()
            };
            (k.clone(), v)
        })
        .collect();
    let r = post_consent(&env, &action, &forged, &cookies).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text());
    // The genuine form of the genuine user still works after those attempts.
    let r = post_consent(&env, &action, &hidden, &cookies).await;
    assert_redirect(&r);
    assert!(
        fragment(r.location())
            .iter()
            .any(|(k, _)| k == "access_token")
    );
}

#[tokio::test]
async fn state_is_echoed_in_the_implicit_fragment() {
    let env = Env::new().await;
    let authorize = authorize_url(
        &env,
        "client_id=423004&response_type=token&scope=photos&state=st%201",
    );
    let (cookies, page) = log_in(&env, &authorize, LIST_EMAIL, LIST_PASSWORD).await;
    let (action, hidden, _) = consent_form(&env, &page, &cookies).await;
    assert!(hidden.contains(&("state".to_owned(), "st 1".to_owned())));
    let r = post_consent(&env, &action, &hidden, &cookies).await;
    assert_redirect(&r);
    let f: HashMap<_, _> = fragment(r.location()).into_iter().collect();
    assert_eq!(f.get("state").map(String::as_str), Some("st 1"));
    assert!(f.contains_key("access_token"));
}

// ---------------------------------------------------------------------------------------
// 5. Already consented.

#[tokio::test]
async fn consented_user_is_redirected_straight_to_success() {
    let env = Env::new().await;
    let base = env.emu.base_url().to_owned();
    let authorize = authorize_url(
        &env,
        "client_id=423004&response_type=token&scope=photos%20guestbook%20stream%20messages%20events",
    );
    // The demo user has granted every privilege to the demo app.
    let (cookies, page) = log_in(&env, &authorize, DEMO_EMAIL, DEMO_PASSWORD).await;
    for url in [&page, &authorize] {
        let r = env.http.get_with_cookies(url, &cookies).await;
        assert_redirect(&r);
        assert!(!r.text().contains("<form"));
        assert_eq!(
            without_fragment(r.location()),
            format!("{base}/oauth/success.html")
        );
        let f: HashMap<_, _> = fragment(r.location()).into_iter().collect();
        assert_eq!(f["x_mailru_vid"], DEMO_UID.to_string());
        assert_eq!(f["expires_in"], "86400");
        assert_token_works(&env, &f["access_token"], &DEMO_UID.to_string()).await;
    }
}

#[tokio::test]
async fn consent_is_remembered_until_more_is_asked() {
    let env = Env::new().await;
    let base = env.emu.base_url().to_owned();
    let narrow = authorize_url(&env, "client_id=423004&response_type=token&scope=photos");
    let (cookies, page) = log_in(&env, &narrow, BK_EMAIL, BK_PASSWORD).await;
    let (action, hidden, _) = consent_form(&env, &page, &cookies).await;
    let r = post_consent(&env, &action, &hidden, &cookies).await;
    assert_redirect(&r);

    // Same scope again: no dialog.
    let r = env.http.get_with_cookies(&narrow, &cookies).await;
    assert_redirect(&r);
    assert_eq!(
        without_fragment(r.location()),
        format!("{base}/oauth/success.html")
    );
    // A wider scope: the consent dialog again.
    let wide = authorize_url(
        &env,
        "client_id=423004&response_type=token&scope=photos%20messages",
    );
    let (_, hidden, html) = consent_form(&env, &wide, &cookies).await;
    assert!(html.contains("Отправлять личные сообщения"));
    assert_eq!(hidden.len(), 7);
}

// ---------------------------------------------------------------------------------------
// 6. Decline.

#[tokio::test]
async fn a_declining_user_is_redirected_with_access_denied() {
    let env = Env::new().await;
    let base = env.emu.base_url().to_owned();
    let uid: u64 = uid_of(&env, BK_EMAIL).await.parse().unwrap();
    let authorize = authorize_url(&env, "client_id=423004&response_type=token&scope=stream");
    let (cookies, page) = log_in(&env, &authorize, BK_EMAIL, BK_PASSWORD).await;
    let (action, hidden, _) = consent_form(&env, &page, &cookies).await;
    env.emu.set_declines_consent(uid, true);
    let r = post_consent(&env, &action, &hidden, &cookies).await;
    assert_redirect(&r);
    assert_eq!(
        r.location(),
        format!("{base}/oauth/success.html?error=access_denied")
    );
    assert!(!r.location().contains("access_token"));

    // Nothing was granted: the next visit asks again, and now the user agrees.
    env.emu.set_declines_consent(uid, false);
    let (action, hidden, _) = consent_form(&env, &authorize, &cookies).await;
    let r = post_consent(&env, &action, &hidden, &cookies).await;
    assert_redirect(&r);
    assert!(
        fragment(r.location())
            .iter()
            .any(|(k, _)| k == "access_token")
    );
}

#[tokio::test]
async fn an_explicit_decline_field_in_the_consent_post_declines() {
    let env = Env::new().await;
    let authorize = authorize_url(
        &env,
        "client_id=423004&response_type=code&redirect_uri=http%3A%2F%2F127.0.0.1%3A9%2Fcb&state=q",
    );
    let (cookies, page) = log_in(&env, &authorize, BK_EMAIL, BK_PASSWORD).await;
    for extra in [("agree", "0"), ("decline", "1")] {
        let (action, mut hidden, _) = consent_form(&env, &page, &cookies).await;
        hidden.push((extra.0.to_owned(), extra.1.to_owned()));
        let r = post_consent(&env, &action, &hidden, &cookies).await;
        assert_redirect(&r);
        assert_eq!(
            r.location(),
            format!("{CODE_REDIRECT}?error=access_denied&state=q"),
            "{extra:?}"
        );
    }
}

#[tokio::test]
async fn the_decline_link_redirects_with_access_denied_and_state() {
    let env = Env::new().await;
    let authorize = authorize_url(
        &env,
        "client_id=423004&response_type=code&redirect_uri=http%3A%2F%2F127.0.0.1%3A9%2Fcb&state=xyz",
    );
    let (cookies, page) = log_in(&env, &authorize, BK_EMAIL, BK_PASSWORD).await;
    let (_, _, html) = consent_form(&env, &page, &cookies).await;
    let link = attr(tag_with(&html, "id=\"decline\""), "href").expect("decline href");
    assert_eq!(param(&link, "decline").as_deref(), Some("1"));
    assert_eq!(
        Url::parse(&link).unwrap().path(),
        "/oauth/authorize",
        "{link}"
    );
    let r = env.http.get_with_cookies(&link, &cookies).await;
    assert_redirect(&r);
    let location = r.location();
    assert!(
        location.starts_with(&format!("{CODE_REDIRECT}?")),
        "{location}"
    );
    assert_eq!(param(location, "error").as_deref(), Some("access_denied"));
    assert_eq!(param(location, "state").as_deref(), Some("xyz"));
    assert_eq!(param(location, "code"), None);

    // The implicit default redirect gets the same answer, without state.
    let base = env.emu.base_url().to_owned();
    let r = env
        .http
        .get(&authorize_url(&env, "client_id=423004&decline=1"))
        .await;
    assert_redirect(&r);
    assert_eq!(
        r.location(),
        format!("{base}/oauth/success.html?error=access_denied")
    );
}

// ---------------------------------------------------------------------------------------
// 7. Unknown client; unsupported response type.

#[tokio::test]
async fn unknown_or_missing_client_id_shows_no_application_page() {
    let env = Env::new().await;
    for q in [
        "response_type=token",
        "client_id=999999&response_type=token",
        "client_id=&response_type=token",
        "client_id=abc",
    ] {
        let r = env.http.get(&authorize_url(&env, q)).await;
        assert_eq!(r.status, StatusCode::OK, "{q}");
        let html = r.text();
        assert!(html.contains("Не указано приложение"), "{q}: {html}");
        assert!(
            html.contains("Не передан идентификатор приложения в параметре client_id"),
            "{q}"
        );
        assert!(!html.contains("<form"), "{q}");
    }
}

#[tokio::test]
async fn unsupported_response_type_is_redirected_as_an_error() {
    let env = Env::new().await;
    let r = env
        .http
        .get(&authorize_url(
            &env,
            "client_id=423004&response_type=id_token&redirect_uri=http%3A%2F%2F127.0.0.1%3A9%2Fcb",
        ))
        .await;
    assert_redirect(&r);
    assert_eq!(
        r.location(),
        format!("{CODE_REDIRECT}?error=unsupported_response_type")
    );
}

// ---------------------------------------------------------------------------------------
// 8. App in development.

#[tokio::test]
async fn app_in_development_is_denied_to_other_users() {
    let env = Env::new().await;
    let authorize = authorize_url(&env, &format!("client_id={DEV_APP_ID}&scope=stream"));
    let (cookies, page) = log_in(&env, &authorize, BK_EMAIL, BK_PASSWORD).await;
    for url in [&page, &authorize] {
        let r = env.http.get_with_cookies(url, &cookies).await;
        assert_eq!(r.status, StatusCode::OK);
        let html = r.text();
        assert!(html.contains("Авторизация запрещена"), "{html}");
        assert!(!html.contains("<form"), "{html}");
        assert!(!html.contains("Необходим доступ к вашим данным"));
    }
    // Nor does the password grant let them in.
    let r = password_grant(
        &env,
        &DEV_APP_ID.to_string(),
        DEV_APP_SECRET_KEY,
        BK_EMAIL,
        BK_PASSWORD,
        "",
    )
    .await;
    assert_token_error(&r, "invalid_client");
}

#[tokio::test]
async fn app_in_development_is_open_to_its_developer() {
    let env = Env::new().await;
    let base = env.emu.base_url().to_owned();
    let authorize = authorize_url(&env, &format!("client_id={DEV_APP_ID}&scope=stream"));
    let (cookies, page) = log_in(&env, &authorize, DEVELOPER_EMAIL, DEVELOPER_PASSWORD).await;
    let (action, hidden, html) = consent_form(&env, &page, &cookies).await;
    assert!(!html.contains("Авторизация запрещена"));
    assert!(hidden.contains(&("client_id".to_owned(), DEV_APP_ID.to_string())));
    let r = post_consent(&env, &action, &hidden, &cookies).await;
    assert_redirect(&r);
    assert_eq!(
        without_fragment(r.location()),
        format!("{base}/oauth/success.html")
    );
    let uid = uid_of(&env, DEVELOPER_EMAIL).await;
    let f: HashMap<_, _> = fragment(r.location()).into_iter().collect();
    assert_eq!(f["x_mailru_vid"], uid);

    let r = password_grant(
        &env,
        &DEV_APP_ID.to_string(),
        DEV_APP_SECRET_KEY,
        DEVELOPER_EMAIL,
        DEVELOPER_PASSWORD,
        "",
    )
    .await;
    assert_token_ok(&r, &uid, 86_400);
}

// ---------------------------------------------------------------------------------------
// 9. Authorization-code flow.

/// Logs in and consents in the code flow; returns the code and the cookies.
async fn code_flow(env: &Env, email: &str, password: &str) -> (String, Vec<(String, String)>) {
    let authorize = authorize_url(
        env,
        "client_id=423004&response_type=code&redirect_uri=http://127.0.0.1:9/cb&state=xyz&scope=stream",
    );
    let (cookies, page) = log_in(env, &authorize, email, password).await;
    let (action, hidden, _) = consent_form(env, &page, &cookies).await;
    assert!(hidden.contains(&("response_type".to_owned(), "code".to_owned())));
    assert!(hidden.contains(&("redirect_uri".to_owned(), CODE_REDIRECT.to_owned())));
    assert!(hidden.contains(&("state".to_owned(), "xyz".to_owned())));
    let r = post_consent(env, &action, &hidden, &cookies).await;
    assert_redirect(&r);
    let location = r.location().to_owned();
    assert!(
        location.starts_with(&format!("{CODE_REDIRECT}?")),
        "{location}"
    );
    assert!(
        !location.contains('#'),
        "a code comes in the query: {location}"
    );
    assert!(!location.contains("access_token"), "{location}");
    let q = query(&location);
    let keys: Vec<&str> = q.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(keys, ["code", "state"]);
    assert_eq!(q[1].1, "xyz");
    assert!(is_hex32(&q[0].1), "{location}");
    (q[0].1.clone(), cookies)
}

async fn exchange(env: &Env, client_id: &str, secret: &str, code: &str, redirect: &str) -> Resp {
    token_request(
        env,
        &[
            ("grant_type", "authorization_code"),
            ("client_id", client_id),
            ("client_secret", secret),
            ("code", code),
            ("redirect_uri", redirect),
        ],
    )
    .await
}

#[tokio::test]
async fn code_flow_issues_a_code_exchanged_once_for_a_token() {
    let env = Env::new().await;
    let uid = uid_of(&env, LIST_EMAIL).await;
    let (code, _) = code_flow(&env, LIST_EMAIL, LIST_PASSWORD).await;
    let r = exchange(&env, "423004", APP_SECRET_KEY, &code, CODE_REDIRECT).await;
    let (access, _) = assert_token_ok(&r, &uid, 86_400);
    assert_token_works(&env, &access, &uid).await;

    // Used once: the second exchange fails.
    let r = exchange(&env, "423004", APP_SECRET_KEY, &code, CODE_REDIRECT).await;
    assert_token_error(&r, "invalid_grant");
    // A made-up code too.
    let r = exchange(
        &env,
        "423004",
        APP_SECRET_KEY,
        &"a".repeat(32),
        CODE_REDIRECT,
    )
    .await;
    assert_token_error(&r, "invalid_grant");
}

#[tokio::test]
async fn code_exchange_needs_the_same_redirect_uri_and_client() {
    let env = Env::new().await;
    let uid = uid_of(&env, LIST_EMAIL).await;
    let (code, cookies) = code_flow(&env, LIST_EMAIL, LIST_PASSWORD).await;
    let r = exchange(
        &env,
        "423004",
        APP_SECRET_KEY,
        &code,
        "http://127.0.0.1:9/other",
    )
    .await;
    assert_token_error(&r, "invalid_grant");
    // The failed attempt used the code up.
    let r = exchange(&env, "423004", APP_SECRET_KEY, &code, CODE_REDIRECT).await;
    assert_token_error(&r, "invalid_grant");

    // Consented now: the authorize URL answers with a new code directly.
    let authorize = authorize_url(
        &env,
        "client_id=423004&response_type=code&redirect_uri=http://127.0.0.1:9/cb&state=xyz&scope=stream",
    );
    let r = env.http.get_with_cookies(&authorize, &cookies).await;
    assert_redirect(&r);
    assert_eq!(param(r.location(), "state").as_deref(), Some("xyz"));
    let code = param(r.location(), "code").expect("code");
    // Another client may not exchange it (and uses it up).
    let r = exchange(
        &env,
        &MOBILE_APP_ID.to_string(),
        MOBILE_APP_PRIVATE_KEY,
        &code,
        CODE_REDIRECT,
    )
    .await;
    assert_token_error(&r, "invalid_grant");

    let r = env.http.get_with_cookies(&authorize, &cookies).await;
    let code = param(r.location(), "code").expect("code");
    // A wrong secret is a client error, before the code is looked at.
    let r = exchange(&env, "423004", "wrong", &code, CODE_REDIRECT).await;
    assert_token_error(&r, "invalid_client");
    let r = exchange(&env, "423004", APP_SECRET_KEY, &code, CODE_REDIRECT).await;
    assert_token_ok(&r, &uid, 86_400);
}

// ---------------------------------------------------------------------------------------
// 10. Token endpoint.

#[tokio::test]
async fn password_grant_with_secret_or_private_key() {
    let env = Env::new().await;
    let uid = uid_of(&env, BK_EMAIL).await;
    for secret in [APP_SECRET_KEY, APP_PRIVATE_KEY] {
        let r = password_grant(&env, "423004", secret, BK_EMAIL, BK_PASSWORD, "stream").await;
        let (access, _) = assert_token_ok(&r, &uid, 86_400);
        assert_token_works(&env, &access, &uid).await;
    }
    // The username is an e-mail, case-insensitively.
    let r = password_grant(
        &env,
        "423004",
        APP_SECRET_KEY,
        &BK_EMAIL.to_uppercase(),
        BK_PASSWORD,
        "",
    )
    .await;
    assert_token_ok(&r, &uid, 86_400);
    // The non-ASCII password travels as UTF-8.
    let r = password_grant(
        &env,
        "423004",
        APP_SECRET_KEY,
        INBOX_EMAIL,
        INBOX_PASSWORD,
        "",
    )
    .await;
    assert_token_ok(&r, &INBOX_UID.to_string(), 86_400);
}

#[tokio::test]
async fn mobile_app_uses_its_private_key_as_client_secret() {
    let env = Env::new().await;
    let uid = uid_of(&env, LIST_EMAIL).await;
    let mobile = MOBILE_APP_ID.to_string();
    let r = password_grant(
        &env,
        &mobile,
        MOBILE_APP_PRIVATE_KEY,
        LIST_EMAIL,
        LIST_PASSWORD,
        "",
    )
    .await;
    let (access, _) = assert_token_ok(&r, &uid, 86_400);

    // The token is a session of the mobile app (client-server signed with its key).
    let mut params = owned(&[
        ("app_id", &mobile),
        ("method", "users.getInfo"),
        ("session_key", &access),
    ]);
    let sig = mailru_sign::sign_client_server(&uid, &params, MOBILE_APP_PRIVATE_KEY).unwrap();
    params.push(("sig".to_owned(), sig.to_string()));
    let r = env.raw(&params).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.json()[0]["uid"], uid);
    // It is not a session of the demo app.
    assert_token_rejected(&env, &access, &uid).await;

    // The mobile app has no secret key: anything else is a client error.
    for secret in ["", APP_SECRET_KEY] {
        let r = password_grant(&env, &mobile, secret, LIST_EMAIL, LIST_PASSWORD, "").await;
        assert_token_error(&r, "invalid_client");
    }
}

#[tokio::test]
async fn password_grant_failures() {
    let env = Env::new().await;
    // Wrong password: exactly the documented shape.
    let r = password_grant(&env, "423004", APP_SECRET_KEY, BK_EMAIL, "wrong", "").await;
    assert_token_error(&r, "invalid_grant");
    let v = r.json();
    assert!(v["error_description"].is_string(), "{v}");
    // Unknown user.
    let r = password_grant(&env, "423004", APP_SECRET_KEY, "nobody@mail.ru", "x", "").await;
    assert_token_error(&r, "invalid_grant");
    // Blocked user, right password.
    let r = password_grant(
        &env,
        "423004",
        APP_SECRET_KEY,
        BLOCKED_EMAIL,
        BLOCKED_PASSWORD,
        "",
    )
    .await;
    assert_token_error(&r, "invalid_grant");
    // Unknown, missing and malformed client.
    for client in ["999999", "", "abc"] {
        let r = password_grant(&env, client, APP_SECRET_KEY, BK_EMAIL, BK_PASSWORD, "").await;
        assert_token_error(&r, "invalid_client");
    }
    let r = token_request(
        &env,
        &[
            ("grant_type", "password"),
            ("client_secret", APP_SECRET_KEY),
            ("username", BK_EMAIL),
            ("password", BK_PASSWORD),
        ],
    )
    .await;
    assert_token_error(&r, "invalid_client");
    // Wrong or missing secret.
    let r = password_grant(
        &env,
        "423004",
        "0".repeat(32).as_str(),
        BK_EMAIL,
        BK_PASSWORD,
        "",
    )
    .await;
    assert_token_error(&r, "invalid_client");
    let r = token_request(
        &env,
        &[
            ("grant_type", "password"),
            ("client_id", "423004"),
            ("username", BK_EMAIL),
            ("password", BK_PASSWORD),
        ],
    )
    .await;
    assert_token_error(&r, "invalid_client");
}

#[tokio::test]
async fn grant_type_missing_or_unknown() {
    let env = Env::new().await;
    let r = token_request(
        &env,
        &[
            ("client_id", "423004"),
            ("client_secret", APP_SECRET_KEY),
            ("username", BK_EMAIL),
            ("password", BK_PASSWORD),
        ],
    )
    .await;
    assert_token_error(&r, "invalid_request");
    let r = token_request(
        &env,
        &[
            ("grant_type", ""),
            ("client_id", "423004"),
            ("client_secret", APP_SECRET_KEY),
        ],
    )
    .await;
    assert_token_error(&r, "invalid_request");
    for grant in ["client_credentials", "implicit", "PASSWORD"] {
        let r = token_request(
            &env,
            &[
                ("grant_type", grant),
                ("client_id", "423004"),
                ("client_secret", APP_SECRET_KEY),
                ("username", BK_EMAIL),
                ("password", BK_PASSWORD),
            ],
        )
        .await;
        assert_token_error(&r, "unsupported_grant_type");
    }
}

async fn refresh_grant(env: &Env, client_id: &str, secret: &str, refresh: &str) -> Resp {
    token_request(
        env,
        &[
            ("grant_type", "refresh_token"),
            ("client_id", client_id),
            ("client_secret", secret),
            ("refresh_token", refresh),
        ],
    )
    .await
}

#[tokio::test]
async fn refresh_grant_replaces_the_access_token() {
    let env = Env::new().await;
    let uid = uid_of(&env, BK_EMAIL).await;
    let r = password_grant(
        &env,
        "423004",
        APP_SECRET_KEY,
        BK_EMAIL,
        BK_PASSWORD,
        "stream",
    )
    .await;
    let (old, refresh) = assert_token_ok(&r, &uid, 86_400);
    assert_token_works(&env, &old, &uid).await;

    let r = refresh_grant(&env, "423004", APP_SECRET_KEY, &refresh).await;
    let (new, _) = assert_token_ok(&r, &uid, 86_400);
    assert_ne!(new, old);
    assert_token_rejected(&env, &old, &uid).await;
    assert_token_works(&env, &new, &uid).await;
    // The refreshed session keeps its privileges.
    let r = stream_post(&env, &new, &uid).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());

    // The private key works as client_secret too, and again invalidates the previous token.
    let r = refresh_grant(&env, "423004", APP_PRIVATE_KEY, &refresh).await;
    let (newer, _) = assert_token_ok(&r, &uid, 86_400);
    assert_token_rejected(&env, &new, &uid).await;
    assert_token_works(&env, &newer, &uid).await;

    // A refresh token belongs to its client; an unknown one is nobody's.
    let r = refresh_grant(
        &env,
        &MOBILE_APP_ID.to_string(),
        MOBILE_APP_PRIVATE_KEY,
        &refresh,
    )
    .await;
    assert_token_error(&r, "invalid_grant");
    let r = refresh_grant(&env, "423004", APP_SECRET_KEY, &"f".repeat(32)).await;
    assert_token_error(&r, "invalid_grant");
    let r = refresh_grant(&env, "423004", APP_SECRET_KEY, "").await;
    assert_token_error(&r, "invalid_grant");
    // A wrong secret is a client error.
    let r = refresh_grant(&env, "423004", "wrong", &refresh).await;
    assert_token_error(&r, "invalid_client");
}

#[tokio::test]
async fn revoked_refresh_token_is_rejected() {
    let env = Env::new().await;
    let uid = uid_of(&env, BK_EMAIL).await;
    let r = password_grant(&env, "423004", APP_SECRET_KEY, BK_EMAIL, BK_PASSWORD, "").await;
    let (access, refresh) = assert_token_ok(&r, &uid, 86_400);
    assert!(env.emu.revoke_token(&refresh));
    let r = refresh_grant(&env, "423004", APP_SECRET_KEY, &refresh).await;
    assert_token_error(&r, "invalid_grant");
    // Its partner access token is revoked with it.
    assert_token_rejected(&env, &access, &uid).await;
    assert!(!env.emu.revoke_token(&"e".repeat(32)));
}

#[tokio::test]
async fn the_documented_demo_refresh_token_works() {
    let env = Env::new().await;
    let uid = DEMO_UID.to_string();
    assert_token_works(&env, DEMO_SESSION_KEY, &uid).await;
    let r = refresh_grant(&env, "423004", APP_SECRET_KEY, DEMO_REFRESH_TOKEN).await;
    let (new, refresh) = assert_token_ok(&r, &uid, 86_400);
    assert_eq!(refresh, DEMO_REFRESH_TOKEN);
    assert_token_rejected(&env, DEMO_SESSION_KEY, &uid).await;
    assert_token_works(&env, &new, &uid).await;
}

// ---------------------------------------------------------------------------------------
// 11. Expiry.

#[tokio::test]
async fn expired_token_is_rejected_with_102() {
    let env = Env::new().await;
    let uid = uid_of(&env, BK_EMAIL).await;
    let r = password_grant(&env, "423004", APP_SECRET_KEY, BK_EMAIL, BK_PASSWORD, "").await;
    let (access, refresh) = assert_token_ok(&r, &uid, 86_400);
    assert_token_works(&env, &access, &uid).await;
    assert!(env.emu.expire_token(&access));
    assert_token_rejected(&env, &access, &uid).await;
    // The refresh token still renews it.
    let r = refresh_grant(&env, "423004", APP_SECRET_KEY, &refresh).await;
    let (new, _) = assert_token_ok(&r, &uid, 86_400);
    assert_token_works(&env, &new, &uid).await;
    assert!(!env.emu.expire_token(&"d".repeat(32)));
}

#[tokio::test]
async fn token_ttl_sets_expires_in() {
    let env = Env::with(
        Emulator::builder()
            .seed(7)
            .token_ttl(Duration::from_secs(5)),
    )
    .await;
    let uid = uid_of(&env, BK_EMAIL).await;
    let r = password_grant(&env, "423004", APP_SECRET_KEY, BK_EMAIL, BK_PASSWORD, "").await;
    let (access, refresh) = assert_token_ok(&r, &uid, 5);
    assert_token_works(&env, &access, &uid).await;
    let r = refresh_grant(&env, "423004", APP_SECRET_KEY, &refresh).await;
    assert_token_ok(&r, &uid, 5);

    // The implicit flow's fragment says the same.
    let authorize = authorize_url(&env, "client_id=423004&response_type=token&scope=photos");
    let (cookies, page) = log_in(&env, &authorize, LIST_EMAIL, LIST_PASSWORD).await;
    let (action, hidden, _) = consent_form(&env, &page, &cookies).await;
    let r = post_consent(&env, &action, &hidden, &cookies).await;
    let f: HashMap<_, _> = fragment(r.location()).into_iter().collect();
    assert_eq!(f["expires_in"], "5");
}

// ---------------------------------------------------------------------------------------
// 12. Scope → privileges.

async fn stream_post(env: &Env, token: &str, uid: &str) -> Resp {
    let app = APP_ID.to_string();
    let signed = sign(
        &[
            ("app_id", &app),
            ("method", "stream.post"),
            ("session_key", token),
            ("text", "Привет из теста OAuth"),
        ],
        Circuit::Client,
        uid,
    );
    env.http
        .post_form(&env.url("/platform/api"), &signed, &[])
        .await
}

#[tokio::test]
async fn scope_decides_the_privileges_of_a_token() {
    let env = Env::new().await;
    let uid = uid_of(&env, BK_EMAIL).await;
    let r = password_grant(&env, "423004", APP_SECRET_KEY, BK_EMAIL, BK_PASSWORD, "").await;
    let (bare, _) = assert_token_ok(&r, &uid, 86_400);
    let r = stream_post(&env, &bare, &uid).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text());
    assert_eq!(r.error_code(), Some(200), "{}", r.text());

    let r = password_grant(
        &env,
        "423004",
        APP_SECRET_KEY,
        BK_EMAIL,
        BK_PASSWORD,
        "stream",
    )
    .await;
    let (with_stream, _) = assert_token_ok(&r, &uid, 86_400);
    let r = stream_post(&env, &with_stream, &uid).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert!(r.json()["id"].is_string(), "{}", r.text());

    // The earlier token did not gain the privilege from the later grant.
    let r = stream_post(&env, &bare, &uid).await;
    assert_eq!(r.error_code(), Some(200), "{}", r.text());
}

#[tokio::test]
async fn scope_granted_in_the_dialog_reaches_the_token() {
    let env = Env::new().await;
    let uid = uid_of(&env, LIST_EMAIL).await;
    for (scope, expected) in [("photos", Some(200)), ("photos%20stream", None)] {
        let authorize = authorize_url(
            &env,
            &format!("client_id=423004&response_type=token&scope={scope}"),
        );
        let (cookies, page) = log_in(&env, &authorize, LIST_EMAIL, LIST_PASSWORD).await;
        let (action, hidden, _) = consent_form(&env, &page, &cookies).await;
        let r = post_consent(&env, &action, &hidden, &cookies).await;
        let f: HashMap<_, _> = fragment(r.location()).into_iter().collect();
        let r = stream_post(&env, &f["access_token"], &uid).await;
        match expected {
            Some(code) => assert_eq!(r.error_code(), Some(code), "{scope}: {}", r.text()),
            None => assert_eq!(r.status, StatusCode::OK, "{scope}: {}", r.text()),
        }
    }
}

// ---------------------------------------------------------------------------------------
// 13. Landing pages.

#[tokio::test]
async fn success_and_recovery_pages_answer() {
    let env = Env::new().await;
    for path in ["/oauth/success.html", "/recovery", "/recovery?from=oauth"] {
        let r = env.http.get(&env.url(path)).await;
        assert_eq!(r.status, StatusCode::OK, "{path}");
        assert_eq!(r.content_type(), HTML_TYPE, "{path}");
        assert!(r.text().contains("<html"), "{path}");
    }
    let r = env.http.get(&env.url("/oauth/nothing-here")).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}
