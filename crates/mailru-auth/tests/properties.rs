//! Stable mirrors of the `login_pages`, `redirects` and `token_file` fuzz targets: dialog
//! pages, redirect targets, token fragments and token files made of arbitrary pieces.
//!
//! Properties: nothing panics; `classify` agrees with the markers and with
//! `extract_forms`; `fill_login` succeeds exactly when the form has `Page` and
//! `FailPage`; a token is only taken from exactly the success page; a fragment built from
//! a token's fields reads back; a token file and serde agree, and a loaded token saves and
//! loads back equal.

use std::path::PathBuf;

use mailru_api::{AccessToken, RefreshToken};
use mailru_auth::Token;
use mailru_auth::page::{
    Form, Page, Redirect, classify, classify_redirect, extract_forms, fill_login, title,
};
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::select;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use url::Url;

const CASES: u32 = 256;

fn runner() -> TestRunner {
    TestRunner::new(Config {
        cases: CASES,
        failure_persistence: None,
        ..Config::default()
    })
}

// ---------------------------------------------------------------------------------------
// Pages.

/// Pieces of dialog pages: the tags and markers the classifier looks at, and noise.
fn page_piece() -> impl Strategy<Value = String> {
    let name = select(vec![
        "Login",
        "Password",
        "Page",
        "FailPage",
        "Domain",
        "client_id",
        "sig",
        "agree",
        "",
    ]);
    let kind = select(vec![
        "text", "hidden", "password", "submit", "checkbox", "radio", "button", "FILE", "",
    ]);
    let attr_value = "[a-zA-Z0-9:/?=&;. %#\"'<>-]{0,16}";
    prop_oneof![
        select(vec![
            "<form method=\"post\" action=\"https://auth.mail.ru/cgi-bin/auth\">",
            "<form id=\"login\" method=\"POST\">",
            "<form action='/x'>",
            "<form method=get>",
            "</form>",
            "<title>",
            "</title>",
            "<select name=\"Domain\">",
            "</select>",
            "<option value=\"mail.ru\">",
            "<option selected>",
            "<!-- ",
            " -->",
            "<script>var s = '<form>';</script>",
            "<![CDATA[",
            "Авторизация запрещена",
            "Не указано приложение",
            "Необходим доступ к вашим данным",
            "&mdash;",
            "&amp;",
            "<html><head>",
            "</head><body>",
            "<div class=\"content\">",
            "</div>",
        ])
        .prop_map(str::to_owned),
        (name, kind, attr_value, any::<bool>()).prop_map(|(name, kind, value, checked)| {
            let checked = if checked { " checked" } else { "" };
            format!("<input type=\"{kind}\" name=\"{name}\" value=\"{value}\"{checked}/>")
        }),
        "\\PC{0,12}",
        "[<>/=\"' a-z]{0,12}",
    ]
}

fn page() -> impl Strategy<Value = String> {
    vec(page_piece(), 0..40).prop_map(|pieces| pieces.concat())
}

const EMAILS: [&str; 4] = ["user@mail.ru", "no-domain", "a@b@inbox.ru", ""];
const PASSWORD: &str = "pa=ss&wörd";

fn check_fill(form: &Form, email: &str) -> Result<(), TestCaseError> {
    match fill_login(form, email, PASSWORD) {
        Ok(fields) => {
            prop_assert!(form.has("Page") && form.has("FailPage"));
            let get = |name: &str| {
                fields
                    .iter()
                    .find(|(k, _)| k == name)
                    .map(|(_, v)| v.as_str())
            };
            prop_assert_eq!(get("Password"), Some(PASSWORD));
            let (login, domain) = email.rsplit_once('@').unwrap_or((email, "mail.ru"));
            prop_assert_eq!((get("Login"), get("Domain")), (Some(login), Some(domain)));
            for (name, _) in &form.fields {
                prop_assert!(get(name).is_some(), "field `{}` was dropped", name);
            }
        }
        Err(_) => prop_assert!(!(form.has("Page") && form.has("FailPage"))),
    }
    Ok(())
}

fn check_page(html: &str) -> Result<(), TestCaseError> {
    let forms = extract_forms(html);
    for form in &forms {
        prop_assert_eq!(&form.method, &form.method.to_ascii_uppercase());
    }
    if let Some(t) = title(html) {
        prop_assert!(!t.is_empty() && t.trim() == t);
    }
    let is_login = |f: &Form| f.has("Login") && f.has("Password");
    match classify(html) {
        Page::AppNotAvailable => prop_assert!(html.contains("Авторизация запрещена")),
        Page::NoClient => prop_assert!(html.contains("Не указано приложение")),
        Page::Login(form) => {
            prop_assert!(is_login(&form) && forms.contains(&form));
            for email in EMAILS {
                check_fill(&form, email)?;
            }
        }
        Page::Consent(form) => {
            prop_assert!(form.method == "POST" && form.has("client_id"));
            prop_assert!(forms.contains(&form) && !forms.iter().any(is_login));
        }
        Page::Unknown { title: t } => {
            prop_assert_eq!(t, title(html));
            prop_assert!(!forms.iter().any(is_login));
        }
    }
    for form in forms.iter().take(4) {
        check_fill(form, EMAILS[html.len() % EMAILS.len()])?;
    }
    Ok(())
}

#[test]
fn pages_made_of_dialog_pieces_are_classified_consistently() {
    runner().run(&page(), |html| check_page(&html)).unwrap();
}

#[test]
fn arbitrary_text_as_a_page_never_panics() {
    runner()
        .run(&vec(any::<u8>(), 0..600), |bytes| {
            check_page(&String::from_utf8_lossy(&bytes))
        })
        .unwrap();
}

/// The real snapshots of `../shared/fixtures/oauth-pages/`, when present (they may not be
/// copied into the repository).
fn real_pages() -> Vec<String> {
    let dir =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures/oauth-pages");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        eprintln!("NOTICE: {} is missing: real pages not cut", dir.display());
        return Vec::new();
    };
    entries
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "html"))
        .filter_map(|e| std::fs::read_to_string(e.path()).ok())
        .collect()
}

#[test]
fn real_pages_cut_and_spliced_are_classified_consistently() {
    let pages = real_pages();
    if pages.is_empty() {
        return;
    }
    let edit = (
        select(pages),
        any::<prop::sample::Index>(),
        any::<prop::sample::Index>(),
        page_piece(),
    );
    runner()
        .run(&edit, |(page, cut, at, piece)| {
            // Cut the page short (on a character boundary), then splice a piece in.
            let mut cut_at = cut.index(page.len() + 1);
            while !page.is_char_boundary(cut_at) {
                cut_at -= 1;
            }
            let mut html = page[..cut_at].to_owned();
            let mut insert_at = at.index(html.len() + 1);
            while !html.is_char_boundary(insert_at) {
                insert_at -= 1;
            }
            html.insert_str(insert_at, &piece);
            check_page(&html)
        })
        .unwrap();
}

// ---------------------------------------------------------------------------------------
// Redirects and fragments.

const SUCCESS: [&str; 3] = [
    "https://connect.mail.ru/oauth/success.html",
    "http://127.0.0.1:8080/oauth/success.html",
    "https://connect.mail.ru:443/oauth/success.html?x=1",
];

/// Redirect targets near the interesting ones: the success page on the right or a wrong
/// origin, refusals, failures, recoveries, relative references, junk.
fn location() -> impl Strategy<Value = String> {
    let scheme = select(vec!["https://", "http://", "ftp://", "", "//", "myapp:"]);
    let host = select(vec![
        "connect.mail.ru",
        "connect.mail.ru:443",
        "connect.mail.ru:8443",
        "127.0.0.1:8080",
        "evil.example",
        "connect.mail.ru.evil.example",
        "user:pw@connect.mail.ru",
        "",
    ]);
    let path = select(vec![
        "/oauth/success.html",
        "/oauth/success.html/",
        "/OAUTH/success.html",
        "/oauth/authorize",
        "/recovery",
        "/x/recovery",
        "",
        "/%6Fauth/success.html",
    ]);
    let query = prop_oneof![
        Just(String::new()),
        select(vec![
            "?error=access_denied",
            "?fail=1",
            "?client_id=1&login=1",
            "?error=other"
        ])
        .prop_map(str::to_owned),
        "\\?[a-z_=&%0-9]{0,16}",
    ];
    let fragment = prop_oneof![
        Just(String::new()),
        "#access_token=[a-z0-9]{0,8}&x_mailru_vid=[0-9]{1,20}",
        "#[a-z_=&%0-9]{0,20}",
    ];
    prop_oneof![
        4 => (scheme, host, path, query, fragment)
            .prop_map(|(s, h, p, q, f)| format!("{s}{h}{p}{q}{f}")),
        1 => "\\PC{0,40}",
    ]
}

fn check_redirect(location: &Url, success: &Url) -> Result<(), TestCaseError> {
    let query = |key: &str| {
        location
            .query_pairs()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.into_owned())
    };
    match classify_redirect(location, success) {
        Redirect::Token(fragment) => {
            prop_assert_eq!(
                location.origin(),
                success.origin(),
                "token from another origin"
            );
            prop_assert_eq!(location.path(), success.path(), "token from another page");
            prop_assert_eq!(location.fragment(), Some(fragment.as_str()));
            prop_assert!(fragment.contains("access_token="));
        }
        Redirect::Declined => {
            let error = query("error");
            prop_assert_eq!(error.as_deref(), Some("access_denied"));
        }
        Redirect::Blocked => prop_assert!(location.path().ends_with("/recovery")),
        Redirect::FailedLogin => {
            prop_assert!(location.path().ends_with("/oauth/authorize") && query("fail").is_some());
        }
        Redirect::Follow(next) => prop_assert_eq!(&next, location),
    }
    Ok(())
}

#[test]
fn tokens_come_only_from_exactly_the_success_page() {
    runner()
        .run(
            &(location(), select(SUCCESS.to_vec())),
            |(location, success)| {
                let success = Url::parse(success).unwrap();
                if let Ok(url) = Url::parse(&location) {
                    check_redirect(&url, &success)?;
                }
                if let Ok(url) = success.join(&location) {
                    check_redirect(&url, &success)?;
                }
                Ok(())
            },
        )
        .unwrap();
}

#[test]
fn the_success_page_with_an_access_token_fragment_is_a_token() {
    runner()
        .run(
            &(select(SUCCESS.to_vec()), "\\PC{0,30}"),
            |(success, fragment)| {
                let success = Url::parse(success).unwrap();
                let mut at = success.clone();
                at.set_fragment(Some(&fragment));
                let got = classify_redirect(&at, &success);
                if at.fragment().is_some_and(|f| f.contains("access_token=")) {
                    prop_assert!(matches!(got, Redirect::Token(_)), "{got:?}");
                }
                check_redirect(&at, &success)
            },
        )
        .unwrap();
}

fn check_fragment(fragment: &str, scope: &[String]) -> Result<(), TestCaseError> {
    if let Ok(token) = Token::from_fragment(fragment, scope) {
        prop_assert!(!token.access_token.expose().is_empty());
        prop_assert!(!token.token_type.is_empty());
        prop_assert_eq!(&token.scope, &scope.to_vec());
        prop_assert!(token.expires_in() <= 10 * 365 * 86_400 + 60);
    }
    Ok(())
}

#[test]
fn arbitrary_fragments_never_panic() {
    let pair = (
        select(vec![
            "access_token",
            "refresh_token",
            "expires_in",
            "token_type",
            "x_mailru_vid",
            "state",
            "",
        ]),
        prop_oneof![
            "[0-9]{0,22}",
            "\\PC{0,10}",
            Just("-1".to_owned()),
            Just("18446744073709551616".to_owned()),
        ],
    );
    let fragment = prop_oneof![
        vec(pair, 0..6).prop_map(|pairs| {
            let mut s = url::form_urlencoded::Serializer::new(String::new());
            s.extend_pairs(pairs);
            s.finish()
        }),
        "\\PC{0,60}",
        "[a-z_=&%+0-9]{0,60}",
    ];
    runner()
        .run(&(fragment, vec("[a-z]{0,8}", 0..3)), |(fragment, scope)| {
            check_fragment(&fragment, &scope)
        })
        .unwrap();
}

#[test]
fn a_fragment_built_from_token_fields_reads_back() {
    let fields = (
        "\\PC{0,20}",
        proptest::option::of("\\PC{0,20}"),
        any::<u64>(),
        any::<u64>(),
    );
    runner()
        .run(&fields, |(access, refresh, expires_in, uid)| {
            let mut s = url::form_urlencoded::Serializer::new(String::new());
            s.append_pair("access_token", &access);
            if let Some(r) = &refresh {
                s.append_pair("refresh_token", r);
            }
            s.append_pair("expires_in", &expires_in.to_string());
            s.append_pair("token_type", "bearer");
            s.append_pair("x_mailru_vid", &uid.to_string());
            let built = s.finish();
            match Token::from_fragment(&built, &[]) {
                Ok(token) => {
                    prop_assert_eq!(token.access_token.expose(), access.as_str());
                    prop_assert_eq!(token.uid, uid);
                    prop_assert_eq!(
                        token.refresh_token.as_ref().map(RefreshToken::expose),
                        refresh.as_deref().filter(|r| !r.is_empty())
                    );
                }
                Err(e) => prop_assert!(access.is_empty(), "{built}: {e}"),
            }
            Ok(())
        })
        .unwrap();
}

// ---------------------------------------------------------------------------------------
// Token files.

/// Token files near the real ones: the fields with values of every type, sometimes cut.
fn token_file() -> impl Strategy<Value = Vec<u8>> {
    let value = prop_oneof![
        Just(serde_json::Value::Null),
        any::<u64>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        "\\PC{0,12}".prop_map(serde_json::Value::from),
        "[0-9]{1,21}".prop_map(serde_json::Value::from),
        vec("\\PC{0,6}", 0..3).prop_map(serde_json::Value::from),
        Just(serde_json::json!([{
            "raw_cookie": "Mpop=1:x:user@mail.ru:; Path=/; Expires=Tue, 03 Aug 2100 00:38:37 GMT",
            "path": ["/", true],
            "domain": {"Suffix": "mail.ru"},
            "expires": {"AtUtc": "2100-08-03T00:38:37Z"}
        }])),
        Just(
            serde_json::json!([{"raw_cookie": "x", "path": ["/", false], "domain": "NotPresent", "expires": "SessionEnd"}])
        ),
    ];
    let key = select(vec![
        "access_token",
        "refresh_token",
        "expires_at",
        "uid",
        "token_type",
        "scope",
        "cookies",
        "other",
    ]);
    let object = proptest::collection::hash_map(key, value, 0..8).prop_map(|m| {
        let mut base = serde_json::json!({
            "access_token": "be6ef89965d58e56dec21acb9b62bdaa",
            "expires_at": 1767225600u64,
            "uid": "1324730981306483817",
            "token_type": "bearer",
        });
        for (k, v) in m {
            base[k] = v;
        }
        serde_json::to_vec(&base).unwrap_or_default()
    });
    prop_oneof![
        4 => object.clone(),
        1 => (object, any::<prop::sample::Index>()).prop_map(|(mut b, cut)| {
            let at = cut.index(b.len() + 1);
            b.truncate(at);
            b
        }),
        1 => vec(any::<u8>(), 0..200),
    ]
}

#[test]
fn token_files_load_like_serde_reads_them_and_save_back_equal() {
    let dir = std::env::temp_dir().join(format!("mailru-auth-props-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("token.json");
    runner()
        .run(&token_file(), |bytes| {
            let direct = serde_json::from_slice::<Token>(&bytes);
            std::fs::write(&path, &bytes).unwrap();
            match (Token::load(&path), &direct) {
                (Ok(a), Ok(b)) => prop_assert_eq!(&a, b),
                (Err(_), Err(_)) => {}
                (a, b) => prop_assert!(false, "load gave {a:?}, serde {b:?}"),
            }
            if let Ok(token) = direct {
                let json = serde_json::to_vec(&token).unwrap();
                let back: Token = serde_json::from_slice(&json).unwrap();
                prop_assert_eq!(&back, &token);
                // Debug shows no secret (unless another field holds the same text).
                let mut blank = token.clone();
                blank.access_token = AccessToken::new("");
                blank.refresh_token = blank.refresh_token.map(|_| RefreshToken::new(""));
                let (debug, without) = (format!("{token:?}"), format!("{blank:?}"));
                let secrets = std::iter::once(token.access_token.expose())
                    .chain(token.refresh_token.as_ref().map(RefreshToken::expose));
                for secret in secrets {
                    if !secret.is_empty() && !without.contains(secret) {
                        prop_assert!(!debug.contains(secret), "Debug shows a secret: {}", debug);
                    }
                }
            }
            Ok(())
        })
        .unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
}
