//! The REST endpoint at the protocol level: circuits, signatures, the error codes.

use crate::common;

use common::{Circuit, Env, JSON_TYPE, encode, owned, sign};
use hyper::StatusCode;
use mailru_emulator::accounts::*;

const FRIENDS_GET_CLIENT: &str = "app_id=423004&method=friends.get&session_key=be6ef89965d58e56dec21acb9b62bdaa&sig=5073f15c6d5b6ab2fde23ac43332b002";
const FRIENDS_GET_SERVER: &str = "app_id=423004&method=friends.get&secure=1&session_key=be6ef89965d58e56dec21acb9b62bdaa&sig=4a05af66f80da18b308fa7e536912bae";

#[tokio::test]
async fn documented_worked_examples_are_accepted_under_both_circuits() {
    let env = Env::new().await;
    for query in [FRIENDS_GET_CLIENT, FRIENDS_GET_SERVER] {
        let r = env
            .http
            .get(&format!("{}?{query}", env.url("/platform/api")))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        assert_eq!(r.content_type(), JSON_TYPE);
        let friends = r.json();
        let friends = friends.as_array().unwrap();
        assert_eq!(friends.len(), 100, "first page, capped at 100");
        assert!(
            friends
                .iter()
                .all(|f| f.as_str().is_some_and(|s| s.parse::<u64>().is_ok()))
        );
    }
}

#[tokio::test]
async fn post_form_and_extra_path_segments_are_accepted() {
    let env = Env::new().await;
    let r = env.post(Circuit::Client, "users.getInfo", &[]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.json()[0]["uid"], DEMO_UID.to_string());
    let r = env
        .http
        .get(&format!(
            "{}?{FRIENDS_GET_CLIENT}",
            env.url("/platform/api/friends/get")
        ))
        .await;
    assert_eq!(r.status, StatusCode::OK);
}

#[tokio::test]
async fn a_one_character_change_of_any_signed_value_is_rejected_with_104() {
    let env = Env::new().await;
    for circuit in [Circuit::Client, Circuit::Server] {
        let signed = sign(
            &[
                ("app_id", "423004"),
                ("method", "users.getInfo"),
                ("session_key", DEMO_SESSION_KEY),
                ("uids", "15410773191172635989"),
            ],
            circuit,
            &DEMO_UID.to_string(),
        );
        assert_eq!(env.raw(&signed).await.status, StatusCode::OK);
        for i in 0..signed.len() {
            let (key, value) = &signed[i];
            // app_id and session_key changes are caught earlier (103, 102); every other
            // signed value must fail the signature check.
            if key == "app_id" || key == "session_key" {
                continue;
            }
            let mut tampered = signed.clone();
            let mut chars: Vec<char> = value.chars().collect();
            let last = chars.len() - 1;
            chars[last] = if chars[last] == '1' { '2' } else { '1' };
            tampered[i].1 = chars.into_iter().collect();
            let r = env.raw(&tampered).await;
            assert_eq!(r.status, StatusCode::BAD_REQUEST, "{key}");
            assert_eq!(r.error_code(), Some(104), "{circuit:?} {key}: {}", r.text());
            assert_eq!(r.json()["error"]["error_msg"], "Incorrect signature");
        }
    }
}

#[tokio::test]
async fn error_envelope_is_exact() {
    let env = Env::new().await;
    let r = env
        .http
        .get(&format!(
            "{}?app_id=423004&method=friends.get&session_key={DEMO_SESSION_KEY}",
            env.url("/platform/api")
        ))
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.content_type(), JSON_TYPE);
    assert_eq!(
        r.json(),
        serde_json::json!({"error": {
            "error_code": 100,
            "error_msg": "parameter 'sig' is necessary",
            "error_token": "NONE",
            "extended": null,
        }})
    );
}

#[tokio::test]
async fn missing_and_unknown_app_give_100_and_103() {
    let env = Env::new().await;
    let r = env
        .raw(&owned(&[("method", "friends.get"), ("sig", "0")]))
        .await;
    assert_eq!(r.error_code(), Some(100));
    assert_eq!(
        r.json()["error"]["error_msg"],
        "parameter 'app_id' is necessary"
    );
    let r = env
        .raw(&owned(&[
            ("app_id", "999"),
            ("method", "friends.get"),
            ("sig", "0"),
        ]))
        .await;
    assert_eq!(r.error_code(), Some(103));
}

#[tokio::test]
async fn unknown_and_doubtful_methods_give_2() {
    let env = Env::new().await;
    for method in ["friends.nope", "groups.get", "audios.top", "widget.set"] {
        let r = env.call(Circuit::Client, method, &[]).await;
        assert_eq!(r.error_code(), Some(2), "{method}");
    }
    let r = env
        .raw(&sign(
            &[("app_id", "423004"), ("session_key", DEMO_SESSION_KEY)],
            Circuit::Server,
            "",
        ))
        .await;
    assert_eq!(
        r.json()["error"]["error_msg"],
        "parameter 'method' is necessary"
    );
}

#[tokio::test]
async fn bad_sessions_give_102() {
    let env = Env::new().await;
    // Unknown session, client-server, with the uid parameter standing in for the signature.
    let r = env
        .call_as(
            Circuit::Client,
            "0123456789abcdef0123456789abcdef",
            &DEMO_UID.to_string(),
            "friends.get",
            &[("uid", &DEMO_UID.to_string())],
        )
        .await;
    assert_eq!(r.error_code(), Some(102));
    // A retired session signed by its owner, on a method whose `uid` names someone else
    // (stream.getByAuthor of a community): the platform cannot attribute it, 102 (the
    // client renews on 102; a 104 would look like a key problem).
    let community = BIG_COMMUNITY_UID.to_string();
    let r = env
        .call_as(
            Circuit::Client,
            "0123456789abcdef0123456789abcdef",
            &DEMO_UID.to_string(),
            "stream.getByAuthor",
            &[("uid", &community)],
        )
        .await;
    assert_eq!(r.error_code(), Some(102));
    // Unknown session, server-server.
    let r = env
        .call_as(
            Circuit::Server,
            "0123456789abcdef0123456789abcdef",
            "",
            "friends.get",
            &[],
        )
        .await;
    assert_eq!(r.error_code(), Some(102));
    // Expired session.
    assert!(env.emu.expire_token(DEMO_SESSION_KEY));
    let r = env.call(Circuit::Client, "friends.get", &[]).await;
    assert_eq!(r.error_code(), Some(102));
    assert_eq!(
        r.json()["error"]["error_msg"],
        "User authorization failed: the session key or uid is incorrect."
    );
}

#[tokio::test]
async fn sessionless_call_of_a_private_method_gives_102() {
    let env = Env::new().await;
    let r = env
        .raw(&sign(
            &[("app_id", "423004"), ("method", "messages.getUnreadCount")],
            Circuit::Server,
            "",
        ))
        .await;
    assert_eq!(r.error_code(), Some(102));
}

#[tokio::test]
async fn uninstalled_app_gives_105() {
    let env = Env::new().await;
    assert!(env.emu.uninstall(APP_ID, DEMO_UID));
    let r = env.call(Circuit::Server, "friends.get", &[]).await;
    assert_eq!(r.error_code(), Some(105));
}

#[tokio::test]
async fn missing_privilege_gives_200() {
    let env = Env::new().await;
    let (token, uid) = env.token(BK_EMAIL, BK_PASSWORD, "photos").await;
    let r = env
        .call_as(
            Circuit::Client,
            &token,
            &uid,
            "messages.getUnreadCount",
            &[],
        )
        .await;
    assert_eq!(r.error_code(), Some(200));
    let r = env
        .call_as(Circuit::Client, &token, &uid, "photos.getAlbums", &[])
        .await;
    assert_eq!(r.status, StatusCode::OK, "base access needs no privilege");
}

#[tokio::test]
async fn closed_community_stream_gives_202() {
    let env = Env::new().await;
    let closed = CLOSED_COMMUNITY_UID.to_string();
    let r = env
        .call(Circuit::Client, "stream.getByAuthor", &[("uid", &closed)])
        .await;
    assert_eq!(r.error_code(), Some(202));
    assert_eq!(
        r.json()["error"]["error_msg"],
        "Access to this object is denied"
    );
}

#[tokio::test]
async fn bad_parameters_give_100() {
    let env = Env::new().await;
    let r = env
        .call(Circuit::Client, "users.hasAppPermission", &[])
        .await;
    assert_eq!(
        r.json()["error"]["error_msg"],
        "parameter 'ext_perm' is necessary"
    );
    let r = env
        .call(Circuit::Client, "friends.get", &[("offset", "-1")])
        .await;
    assert_eq!(r.error_code(), Some(100));
    let r = env
        .call(Circuit::Client, "friends.get", &[("ext", "yes")])
        .await;
    assert_eq!(r.error_code(), Some(100));
    let r = env
        .call(Circuit::Client, "users.getInfo", &[("format", "xml")])
        .await;
    assert_eq!(r.error_code(), Some(100));
    // Duplicate keys can never carry a valid signature.
    let mut dup = sign(
        &[
            ("app_id", "423004"),
            ("method", "friends.get"),
            ("session_key", DEMO_SESSION_KEY),
        ],
        Circuit::Client,
        &DEMO_UID.to_string(),
    );
    dup.push(("method".to_owned(), "friends.get".to_owned()));
    let r = env
        .http
        .get(&format!("{}?{}", env.url("/platform/api"), encode(&dup)))
        .await;
    assert_eq!(r.error_code(), Some(100));
}

#[tokio::test]
async fn bad_image_gives_501() {
    let env = Env::new().await;
    let r = env
        .post(
            Circuit::Client,
            "photos.upload",
            &[("img_url", "ftp://example.org/a.jpg")],
        )
        .await;
    assert_eq!(r.error_code(), Some(501));
}

#[tokio::test]
async fn typed_values_follow_the_spec() {
    let env = Env::new().await;
    let me = env.ok(Circuit::Server, "users.getInfo", &[]).await;
    let me = &me[0];
    assert_eq!(me["uid"], DEMO_UID.to_string());
    assert!(me["sex"].is_u64() && me["is_online"].is_u64() && me["friends_count"].is_u64());
    assert!(me["last_visit"].is_string());
    let counters = [
        ("users.isAppUser", "isAppUser"),
        ("messages.getUnreadCount", "count"),
        ("mail.getUnreadCount", "count"),
        ("events.getNewCount", "count"),
    ];
    for (method, key) in counters {
        let v = env.ok(Circuit::Client, method, &[]).await;
        assert!(v[key].is_u64(), "{method}: {v}");
    }
    let v = env
        .ok(
            Circuit::Client,
            "friends.getInvitationsCount",
            &[("uid", &DEMO_UID.to_string())],
        )
        .await;
    assert!(v["count"].is_u64());
    let v = env
        .ok(
            Circuit::Client,
            "users.hasAppPermission",
            &[("ext_perm", "events")],
        )
        .await;
    assert_eq!(v, serde_json::json!({"events": 1}));
    let albums = env.ok(Circuit::Client, "photos.getAlbums", &[]).await;
    assert!(albums[0]["created"].is_string() && albums[0]["owner"].is_string());
    let aid = albums[0]["aid"].as_str().unwrap().to_owned();
    let photos = env
        .ok(Circuit::Client, "photos.get", &[("aid", &aid)])
        .await;
    assert!(photos[0]["created"].is_u64() && photos[0]["pid"].is_u64());
    let events = env.ok(Circuit::Client, "stream.get", &[]).await;
    assert!(events[0]["time"].is_u64() && events[0]["id"].as_str().unwrap().len() == 16);
}

#[tokio::test]
async fn public_endpoint_resolves_profiles_and_communities() {
    let env = Env::new().await;
    let r = env
        .http
        .get(&env.url(&format!("/platform/community/{BIG_COMMUNITY_NAME}")))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.content_type(), JSON_TYPE);
    assert_eq!(r.json()["uid"], BIG_COMMUNITY_UID.to_string());
    assert!(r.json()["group_info"].is_object());
    let r = env.http.get(&env.url("/platform/mail/demo/")).await;
    assert_eq!(r.json()["uid"], DEMO_UID.to_string());
    let r = env.http.get(&env.url("/platform/mail/no-such-user")).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(r.content_type().starts_with("text/html"));
}
