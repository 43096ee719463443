//! Separate hosts (issue 13): appsmail.ru, connect.mail.ru and auth.mail.ru each on their
//! own listener, a path on the wrong host is a 404, a grant on the other host's token
//! endpoint is `unsupported_grant_type`, and every URL the emulator generates points at
//! the right host. The login flow is walked with a plain client using only those URLs.

use crate::common;

use common::{Circuit, Env, Resp, encode, owned, sign};
use hyper::StatusCode;
use mailru_emulator::accounts::*;
use mailru_emulator::{Emulator, Origins};
use url::Url;

async fn separate() -> (Env, Origins) {
    let env = Env::with(Emulator::builder().seed(7).separate_hosts(true)).await;
    let origins = env.emu.origins();
    (env, origins)
}

fn origin_of(url: &str) -> String {
    let u = Url::parse(url).unwrap_or_else(|e| panic!("{url:?}: {e}"));
    u.origin().ascii_serialization()
}

fn assert_404_page(r: &Resp) {
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text());
    assert!(
        r.content_type().starts_with("text/html"),
        "{}",
        r.content_type()
    );
    assert!(r.text().contains("Страница не найдена"));
}

fn unescape(s: &str) -> String {
    s.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// The unescaped value of `name="…"` in the tag that contains `needle`.
fn attr_near(html: &str, needle: &str, name: &str) -> String {
    let at = html
        .find(needle)
        .unwrap_or_else(|| panic!("{needle:?} in\n{html}"));
    let start = html[..=at].rfind('<').unwrap();
    let end = at + html[at..].find('>').unwrap();
    let tag = &html[start..=end];
    let pat = format!(" {name}=\"");
    let i = tag.find(&pat).unwrap_or_else(|| panic!("{name} in {tag}")) + pat.len();
    let j = i + tag[i..].find('"').unwrap();
    unescape(&tag[i..j])
}

/// `(name, value)` of every hidden input.
fn hidden_inputs(html: &str) -> Vec<(String, String)> {
    html.match_indices("<input type=\"hidden\"")
        .map(|(i, _)| {
            let tag = &html[i..=i + html[i..].find('>').unwrap()];
            let get = |name: &str| {
                let pat = format!(" {name}=\"");
                let a = tag.find(&pat).unwrap() + pat.len();
                unescape(&tag[a..a + tag[a..].find('"').unwrap()])
            };
            (get("name"), get("value"))
        })
        .collect()
}

fn token_grant(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut all = vec![("client_id", "423004"), ("client_secret", APP_SECRET_KEY)];
    all.extend_from_slice(pairs);
    owned(&all)
}

#[tokio::test]
async fn one_origin_by_default_three_when_separate() {
    let env = Env::new().await;
    let single = env.emu.origins();
    assert_eq!(single.appsmail, env.emu.base_url());
    assert_eq!(single.connect, env.emu.base_url());
    assert_eq!(single.auth, env.emu.base_url());
    let (env, o) = separate().await;
    assert_eq!(o.appsmail, env.emu.base_url());
    assert_eq!(
        env.emu.addr().to_string(),
        o.appsmail.trim_start_matches("http://")
    );
    assert!(o.connect != o.appsmail && o.auth != o.appsmail && o.auth != o.connect);
    for origin in [&o.appsmail, &o.connect, &o.auth] {
        assert!(origin.starts_with("http://127.0.0.1:"), "{origin}");
    }
}

#[tokio::test]
async fn each_path_answers_only_on_its_host() {
    let (env, o) = separate().await;
    let app = APP_ID.to_string();
    let params = sign(
        &[
            ("app_id", &app),
            ("method", "users.getInfo"),
            ("session_key", DEMO_SESSION_KEY),
        ],
        Circuit::Client,
        &DEMO_UID.to_string(),
    );
    let query = encode(&params);
    for wrong in [&o.connect, &o.auth] {
        assert_404_page(&env.http.get(&format!("{wrong}/platform/api?{query}")).await);
        assert_404_page(&env.http.get(&format!("{wrong}/platform/mail/demo")).await);
        assert_404_page(&env.http.get(&format!("{wrong}/_emulator/health")).await);
    }
    let r = env
        .http
        .get(&format!("{}/platform/api?{query}", o.appsmail))
        .await;
    assert_eq!(r.ok()[0]["uid"], DEMO_UID.to_string());
    let authorize = "/oauth/authorize?client_id=423004&response_type=token";
    for wrong in [&o.appsmail, &o.auth] {
        assert_404_page(&env.http.get(&format!("{wrong}{authorize}")).await);
        assert_404_page(&env.http.get(&format!("{wrong}/oauth/success.html")).await);
    }
    let r = env.http.get(&format!("{}{authorize}", o.connect)).await;
    assert_eq!(r.status, StatusCode::OK);
    for wrong in [&o.appsmail, &o.connect] {
        assert_404_page(&env.http.get(&format!("{wrong}/recovery")).await);
        let r = env
            .http
            .post_form(
                &format!("{wrong}/cgi-bin/auth"),
                &owned(&[("Login", "demo")]),
                &[],
            )
            .await;
        assert_404_page(&r);
    }
    assert_404_page(
        &env.http
            .post_form(&format!("{}/oauth/token", o.auth), &[], &[])
            .await,
    );
    // The log says which host got what.
    let log = env.emu.requests();
    let rest: Vec<_> = log.iter().filter(|e| e.path == "/platform/api").collect();
    let hosts: Vec<&str> = rest.iter().map(|e| e.host.as_str()).collect();
    assert_eq!(hosts, [&o.connect, &o.auth, &o.appsmail]);
    let statuses: Vec<_> = rest.iter().map(|e| e.status).collect();
    assert_eq!(statuses, [Some(404), Some(404), Some(200)]);
}

#[tokio::test]
async fn each_token_endpoint_takes_only_its_grants() {
    let (env, o) = separate().await;
    let unsupported = |r: &Resp| {
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text());
        let v = r.json();
        assert_eq!(v["error"], "unsupported_grant_type", "{v}");
        assert!(
            v["error_description"]
                .as_str()
                .is_some_and(|d| !d.is_empty())
        );
    };
    let password = token_grant(&[
        ("grant_type", "password"),
        ("username", DEMO_EMAIL),
        ("password", DEMO_PASSWORD),
    ]);
    let refresh = token_grant(&[
        ("grant_type", "refresh_token"),
        ("refresh_token", DEMO_REFRESH_TOKEN),
    ]);
    let code = token_grant(&[
        ("grant_type", "authorization_code"),
        ("code", "0123456789abcdef0123456789abcdef"),
        ("redirect_uri", "http://127.0.0.1:9/cb"),
    ]);
    let on = |origin: &str| format!("{origin}/oauth/token");
    unsupported(&env.http.post_form(&on(&o.connect), &password, &[]).await);
    unsupported(&env.http.post_form(&on(&o.connect), &refresh, &[]).await);
    unsupported(&env.http.post_form(&on(&o.appsmail), &code, &[]).await);
    // On its own host each grant is judged on its merits.
    let r = env.http.post_form(&on(&o.appsmail), &password, &[]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let r = env.http.post_form(&on(&o.appsmail), &refresh, &[]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let r = env.http.post_form(&on(&o.connect), &code, &[]).await;
    assert_eq!(r.json()["error"], "invalid_grant");
}

/// The implicit flow with nothing but the URLs the emulator hands out: the dialog on
/// connect, the login form posted to auth, back to connect for consent, the token from the
/// success redirect, and the token used on appsmail.
#[tokio::test]
async fn the_implicit_login_flow_walks_across_the_three_hosts() {
    let (env, o) = separate().await;
    let start = format!(
        "{}/oauth/authorize?client_id={MOBILE_APP_ID}&response_type=token&scope=photos",
        o.connect
    );
    let dialog = env.http.get(&start).await;
    assert_eq!(dialog.status, StatusCode::OK);
    let html = dialog.text();
    let action = attr_near(&html, "id=\"login-form\"", "action");
    assert_eq!(action, format!("{}/cgi-bin/auth", o.auth));
    let mut form = hidden_inputs(&html);
    let page = form.iter().find(|(k, _)| k == "Page").unwrap().1.clone();
    let fail = form
        .iter()
        .find(|(k, _)| k == "FailPage")
        .unwrap()
        .1
        .clone();
    assert_eq!(origin_of(&page), o.connect);
    assert_eq!(origin_of(&fail), o.connect);
    form.extend(owned(&[
        ("Login", "demo"),
        ("Domain", "mail.ru"),
        ("Password", DEMO_PASSWORD),
    ]));
    let login = env.http.post_form(&action, &form, &[]).await;
    assert_eq!(login.status, StatusCode::FOUND, "{}", login.text());
    assert_eq!(login.location(), page);
    let cookies = login.cookies();
    // Cookies are per host name, not per port: the browser sends them to connect too.
    let consent = env.http.get_with_cookies(login.location(), &cookies).await;
    let html = consent.text();
    let action = attr_near(&html, "<form id=\"login\"", "action");
    assert_eq!(action, format!("{}/oauth/authorize", o.connect));
    let decline = attr_near(&html, "id=\"decline\"", "href");
    assert_eq!(origin_of(&decline), o.connect);
    let done = env
        .http
        .post_form(&action, &hidden_inputs(&html), &cookies)
        .await;
    assert_eq!(done.status, StatusCode::FOUND, "{}", done.text());
    let success = done.location().to_owned();
    assert!(
        success.starts_with(&format!("{}/oauth/success.html#", o.connect)),
        "{success}"
    );
    let fragment: Vec<(String, String)> =
        url::form_urlencoded::parse(success.split_once('#').unwrap().1.as_bytes())
            .into_owned()
            .collect();
    let get = |k: &str| fragment.iter().find(|(n, _)| n == k).unwrap().1.clone();
    let (token, uid) = (get("access_token"), get("x_mailru_vid"));
    assert_eq!(env.http.get(&success).await.status, StatusCode::OK);
    // The token works on appsmail (signed for the mobile app, which has no secret).
    let app = MOBILE_APP_ID.to_string();
    let mut p = owned(&[
        ("app_id", &app),
        ("method", "users.getInfo"),
        ("session_key", &token),
    ]);
    let sig = mailru_sign::sign_client_server(&uid, &p, MOBILE_APP_PRIVATE_KEY).unwrap();
    p.push(("sig".to_owned(), sig.to_string()));
    let r = env
        .http
        .get(&format!("{}/platform/api?{}", o.appsmail, encode(&p)))
        .await;
    assert_eq!(r.ok()[0]["uid"], DEMO_UID.to_string());
    let seen: Vec<(String, String)> = env
        .emu
        .requests()
        .iter()
        .map(|e| (e.path.clone(), e.host.clone()))
        .collect();
    let expected = [
        ("/oauth/authorize", &o.connect),
        ("/cgi-bin/auth", &o.auth),
        ("/oauth/authorize", &o.connect),
        ("/oauth/authorize", &o.connect),
        ("/oauth/success.html", &o.connect),
        ("/platform/api", &o.appsmail),
    ];
    let expected: Vec<(String, String)> = expected
        .iter()
        .map(|(p, h)| ((*p).to_owned(), (*h).clone()))
        .collect();
    assert_eq!(seen, expected);
}

#[tokio::test]
async fn the_code_flow_exchanges_on_connect_and_failures_go_to_auth() {
    let (env, o) = separate().await;
    let redirect = "http://127.0.0.1:9/cb";
    let start = format!(
        "{}/oauth/authorize?client_id=423004&response_type=code&redirect_uri={}",
        o.connect,
        url::form_urlencoded::byte_serialize(redirect.as_bytes()).collect::<String>()
    );
    let html = env.http.get(&start).await.text();
    let action = attr_near(&html, "id=\"login-form\"", "action");
    let mut form = hidden_inputs(&html);
    let hidden = form.clone();
    form.extend(owned(&[
        ("Login", "demo"),
        ("Domain", "mail.ru"),
        ("Password", DEMO_PASSWORD),
    ]));
    let login = env.http.post_form(&action, &form, &[]).await;
    // The demo user already granted app 423004 everything: straight to the code.
    let r = env
        .http
        .get_with_cookies(login.location(), &login.cookies())
        .await;
    assert_eq!(r.status, StatusCode::FOUND, "{}", r.text());
    let code = Url::parse(r.location())
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == "code")
        .unwrap()
        .1
        .into_owned();
    let exchange = token_grant(&[
        ("grant_type", "authorization_code"),
        ("code", &code),
        ("redirect_uri", redirect),
    ]);
    let r = env
        .http
        .post_form(&format!("{}/oauth/token", o.connect), &exchange, &[])
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.json()["x_mailru_vid"], DEMO_UID.to_string());
    // A wrong password goes to FailPage on connect; a blocked user to /recovery on auth.
    let mut wrong = hidden.clone();
    wrong.extend(owned(&[
        ("Login", "demo"),
        ("Domain", "mail.ru"),
        ("Password", "nope"),
    ]));
    let r = env.http.post_form(&action, &wrong, &[]).await;
    assert_eq!(origin_of(r.location()), o.connect);
    assert!(r.location().contains("fail=1"), "{}", r.location());
    let mut blocked = hidden;
    blocked.extend(owned(&[
        ("Login", "blocked.user"),
        ("Domain", "mail.ru"),
        ("Password", BLOCKED_PASSWORD),
    ]));
    let r = env.http.post_form(&action, &blocked, &[]).await;
    let recovery = r.location().to_owned();
    assert!(
        recovery.starts_with(&format!("{}/recovery", o.auth)),
        "{recovery}"
    );
    assert_eq!(env.http.get(&recovery).await.status, StatusCode::OK);
}

/// The login form refuses a `Page` on another host than connect (it would send the login
/// cookie's redirect elsewhere).
#[tokio::test]
async fn the_login_form_only_returns_to_connect() {
    let (env, o) = separate().await;
    for elsewhere in [&o.appsmail, &o.auth] {
        let page = format!("{elsewhere}/oauth/authorize?client_id=423004&login=1");
        let form = owned(&[
            ("Login", "demo"),
            ("Domain", "mail.ru"),
            ("Password", DEMO_PASSWORD),
            ("Page", &page),
            ("FailPage", &page),
        ]);
        let r = env
            .http
            .post_form(&format!("{}/cgi-bin/auth", o.auth), &form, &[])
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text());
    }
}
