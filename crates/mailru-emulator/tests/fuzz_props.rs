//! Stable mirrors of the fuzz targets: the request parser and the REST dispatcher of
//! `mailru_emulator::fuzzing` get arbitrary input and must answer without panicking, with
//! a status from the expected set and, for REST, the platform's JSON.

use std::cell::RefCell;

use mailru_emulator::Config;
use mailru_emulator::accounts::*;
use mailru_emulator::fuzzing::{self, RestAnswer, RestTarget};
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::select;
use proptest::test_runner::{Config as RunnerConfig, TestRunner};

const CASES: u32 = 256;

fn runner() -> TestRunner {
    TestRunner::new(RunnerConfig {
        cases: CASES,
        failure_persistence: None,
        ..RunnerConfig::default()
    })
}

fn bytes(max: usize) -> impl Strategy<Value = Vec<u8>> {
    vec(any::<u8>(), 0..max)
}

fn method() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        Just(b"GET".to_vec()),
        Just(b"POST".to_vec()),
        Just(b"DELETE".to_vec()),
        bytes(12),
    ]
}

fn target() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        "[ -~]{0,120}".prop_map(|q| format!("/platform/api?{q}").into_bytes()),
        "[a-z%0-9=&+._-]{0,120}".prop_map(|q| format!("/oauth/token?{q}").into_bytes()),
        bytes(64),
    ]
}

/// A multipart body (sometimes cut short) and its Content-Type.
fn multipart() -> impl Strategy<Value = (Vec<u8>, Vec<u8>)> {
    let part = ("[a-z_]{0,8}", "[ -~\r\n]{0,40}", any::<bool>());
    (
        "[a-zA-Z0-9'()+_,./:=?-]{1,75}",
        vec(part, 0..5),
        any::<bool>(),
        0usize..400,
    )
        .prop_map(|(boundary, parts, cut, at)| {
            let mut body = Vec::new();
            for (name, value, file) in parts {
                let filename = if file { "; filename=\"f.bin\"" } else { "" };
                body.extend_from_slice(
                    format!(
                        "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"{filename}\r\n\r\n{value}\r\n"
                    )
                    .as_bytes(),
                );
            }
            body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
            if cut {
                body.truncate(at);
            }
            let ct = format!("multipart/form-data; boundary=\"{boundary}\"").into_bytes();
            (ct, body)
        })
}

fn content_type_and_body() -> impl Strategy<Value = (Vec<u8>, Vec<u8>)> {
    let form = "[ -~]{0,300}".prop_map(String::into_bytes);
    prop_oneof![
        (
            Just(b"application/x-www-form-urlencoded".to_vec()),
            form.clone()
        ),
        (Just(Vec::new()), bytes(300)),
        (Just(b"application/json".to_vec()), bytes(100)),
        (bytes(40), bytes(300)),
        (
            "multipart/form-data; boundary=[ -~]{0,80}".prop_map(String::into_bytes),
            bytes(300)
        ),
        multipart(),
    ]
}

fn check_parsed(p: &fuzzing::ParsedRequest, config: &Config) -> Result<(), TestCaseError> {
    prop_assert!(matches!(p.status, 200 | 400 | 413), "status {}", p.status);
    if p.status == 200 {
        prop_assert!(p.params.len() + p.files.len() <= config.max_params);
        for (k, v) in &p.params {
            prop_assert!(k.len() <= config.max_param_len && v.len() <= config.max_param_len);
        }
        prop_assert_eq!(p.error_code, None);
    } else {
        prop_assert!(p.params.is_empty() && p.files.is_empty());
        prop_assert!(p.error_code.is_none() || p.error_code == Some(100));
    }
    Ok(())
}

#[test]
fn parsing_arbitrary_requests_never_panics() {
    let config = Config::default();
    runner()
        .run(
            &(method(), target(), content_type_and_body()),
            |(method, target, (ct, body))| {
                let p = fuzzing::parse_request(&method, &target, &ct, &body);
                check_parsed(&p, &config)
            },
        )
        .unwrap();
}

#[test]
fn parsing_under_tight_limits_never_exceeds_them() {
    let config = Config {
        max_params: 3,
        max_param_len: 8,
        max_body_bytes: 200,
        ..Config::default()
    };
    runner()
        .run(
            &(target(), content_type_and_body()),
            |(target, (ct, body))| {
                let p = fuzzing::parse_request_with(&config, b"POST", &target, &ct, &body);
                check_parsed(&p, &config)?;
                if body.len() > 200 {
                    prop_assert!(p.status != 200);
                }
                Ok(())
            },
        )
        .unwrap();
}

fn check_answer(a: &RestAnswer) -> Result<(), TestCaseError> {
    prop_assert!(matches!(a.status, 200 | 400), "status {}", a.status);
    prop_assert!(fuzzing::is_well_formed(a), "not the platform's JSON: {a:?}");
    Ok(())
}

#[test]
fn dispatching_arbitrary_parameters_never_panics() {
    let target = RefCell::new(RestTarget::default());
    let key = prop_oneof![
        select(vec![
            "sig",
            "app_id",
            "method",
            "session_key",
            "secure",
            "uid",
            "format"
        ]),
        Just("x"),
    ]
    .prop_map(str::to_owned);
    let key = prop_oneof![key, "\\PC{0,12}"];
    runner()
        .run(&vec((key, "\\PC{0,24}"), 0..10), |params| {
            check_answer(&target.borrow_mut().dispatch(&params))
        })
        .unwrap();
}

const METHODS: [&str; 32] = [
    "users.getInfo",
    "users.isAppUser",
    "users.hasAppPermission",
    "users.getBalance",
    "friends.get",
    "friends.getAppUsers",
    "friends.getOnline",
    "friends.getInvitationsCount",
    "stream.get",
    "stream.getByAuthor",
    "stream.post",
    "stream.share",
    "stream.comment",
    "stream.like",
    "stream.unlike",
    "guestbook.get",
    "guestbook.post",
    "photos.getAlbums",
    "photos.get",
    "photos.createAlbum",
    "photos.upload",
    "audio.get",
    "audio.link",
    "audio.search",
    "messages.getThreadsList",
    "messages.getThread",
    "messages.getUnreadCount",
    "messages.post",
    "mail.getUnreadCount",
    "events.getNewCount",
    "notifications.send",
    "no.suchMethod",
];

const KEYS: [&str; 28] = [
    "uid",
    "uids",
    "offset",
    "limit",
    "skip",
    "ext",
    "text",
    "thread_id",
    "title",
    "url",
    "ext_perm",
    "filter_app",
    "aid",
    "pid",
    "mid",
    "query",
    "message",
    "description",
    "img_url",
    "link1_text",
    "link1_href",
    "name",
    "privacy",
    "format",
    "user_text",
    "secure",
    "session_key",
    "app_id",
];

/// Ids the platform really has, so that fuzzed calls reach objects and not only errors.
fn known_values(target: &mut RestTarget) -> Vec<String> {
    let mut values = vec![
        DEMO_UID.to_string(),
        INBOX_UID.to_string(),
        BIG_COMMUNITY_UID.to_string(),
        CLOSED_COMMUNITY_UID.to_string(),
        APP_ID.to_string(),
        "_myphoto".to_owned(),
        "events".to_owned(),
        "1".to_owned(),
        "0".to_owned(),
        u64::MAX.to_string(),
        "18446744073709551616".to_owned(),
        "-1".to_owned(),
    ];
    let uid = DEMO_UID.to_string();
    let extra = vec![
        ("uid".to_owned(), uid),
        ("limit".to_owned(), "5".to_owned()),
    ];
    let page = target.dispatch(&fuzzing::demo_call("stream.getByAuthor", &extra, false));
    if let Ok(serde_json::Value::Array(events)) = serde_json::from_str(&page.body) {
        for e in events {
            for k in ["id", "thread_id", "huid"] {
                if let Some(v) = e[k].as_str() {
                    values.push(v.to_owned());
                }
            }
        }
    }
    values
}

#[test]
fn signed_calls_with_arbitrary_parameters_never_panic() {
    let mut t = RestTarget::default();
    let known = known_values(&mut t);
    assert!(known.len() > 12, "real ids were found: {known:?}");
    let target = RefCell::new(t);
    let value = prop_oneof![
        3 => select(known),
        2 => "[0-9]{1,22}",
        2 => "\\PC{0,30}",
        1 => "-?[0-9a-f]{1,40}",
        1 => Just(String::new()),
    ];
    let params = vec((select(KEYS.to_vec()).prop_map(str::to_owned), value), 0..6);
    let ok = RefCell::new(0u32);
    runner()
        .run(
            &(select(METHODS.to_vec()), params, any::<bool>()),
            |(method, params, server)| {
                let call = fuzzing::demo_call(method, &params, server);
                let answer = target.borrow_mut().dispatch(&call);
                if answer.status == 200 {
                    *ok.borrow_mut() += 1;
                }
                check_answer(&answer)
            },
        )
        .unwrap();
    let ok = ok.into_inner();
    assert!(
        ok > CASES / 8,
        "only {ok} of {CASES} calls got past the checks"
    );
}

#[test]
fn a_fresh_platform_answers_a_signed_call() {
    let call = fuzzing::demo_call("users.getInfo", &[], true);
    let a = fuzzing::dispatch_rest(&call);
    assert_eq!(a.status, 200, "{}", a.body);
    assert!(fuzzing::is_well_formed(&a));
    assert!(a.body.contains(&DEMO_UID.to_string()));
}
