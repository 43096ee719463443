//! Worlds of one's own and stubs, through raw HTTP calls signed with mailru-sign.

use crate::common;

use common::{Circuit, Env, encode, owned};
use hyper::StatusCode;
use mailru_emulator::world::{Problem, Session, User};
use mailru_emulator::{Emulator, Stub, World, WorldError};
use serde_json::{Value, json};

const APP: u64 = 77;
const PRIVATE: &str = "private-key-of-app-77";
const SECRET: &str = "secret-key-of-app-77";
const ALICE: u64 = 18_000_000_000_000_000_101;
const BOB: u64 = 102;
const CLUB: u64 = 900;
const TOKEN: &str = "alice-token";

/// Two users who are friends, a community of 30 events, an app and a session of Alice.
fn small_world() -> World {
    let events: Vec<Value> = (1..=30)
        .map(|i| json!({"author": CLUB.to_string(), "time": 1_800_000_000 + i * 60, "text": format!("новость {i}")}))
        .collect();
    World::from_json(
        &json!({
            "seed": 5,
            "apps": [{"id": APP, "name": "Тест", "private_key": PRIVATE, "secret_key": SECRET}],
            "users": [
                {"uid": ALICE.to_string(), "email": "alice@mail.ru", "password": "pw", "first_name": "Алиса",
                 "last_name": "Иванова", "friends": [BOB.to_string()]},
                {"uid": BOB, "first_name": "Боб", "city": "Казань"}
            ],
            "communities": [{"uid": CLUB.to_string(), "name": "club", "title": "Клуб", "members": [ALICE.to_string()]}],
            "events": events,
            "sessions": [{"access_token": TOKEN, "app_id": APP, "uid": ALICE.to_string(), "scope": ["stream"]}]
        })
        .to_string(),
    )
    .expect("a world")
}

/// `method` with `extra`, as Alice's session of app 77 signs it (client-server).
fn signed(method: &str, extra: &[(&str, &str)]) -> Vec<(String, String)> {
    let app = APP.to_string();
    let mut p = owned(&[("app_id", &app), ("method", method), ("session_key", TOKEN)]);
    p.extend(owned(extra));
    let sig = mailru_sign::sign_client_server(&ALICE.to_string(), &p, PRIVATE).unwrap();
    p.push(("sig".to_owned(), sig.to_string()));
    p
}

async fn call(env: &Env, method: &str, extra: &[(&str, &str)]) -> (StatusCode, Value) {
    let r = env.raw(&signed(method, extra)).await;
    (r.status, r.json())
}

async fn world_env() -> Env {
    Env::with(Emulator::builder().world(small_world())).await
}

#[tokio::test]
async fn a_small_world_serves_its_users_friends_and_community_events() {
    let env = world_env().await;
    let both = format!("{ALICE},{BOB}");
    let (status, users) = call(&env, "users.getInfo", &[("uids", &both)]).await;
    assert_eq!(status, StatusCode::OK, "{users}");
    assert_eq!(users[0]["uid"], ALICE.to_string());
    assert_eq!(users[0]["first_name"], "Алиса");
    assert_eq!(users[0]["link"], "https://my.mail.ru/mail/alice/");
    assert_eq!(users[1]["first_name"], "Боб");
    assert_eq!(users[1]["is_friend"], 1);
    assert_eq!(users[1]["location"]["city"]["name"], "Казань");

    let (_, friends) = call(&env, "friends.get", &[]).await;
    assert_eq!(friends, json!([BOB.to_string()]));

    let club = CLUB.to_string();
    let (status, page) = call(
        &env,
        "stream.getByAuthor",
        &[("uid", &club), ("limit", "20")],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let page = page.as_array().unwrap().clone();
    assert_eq!(page.len(), 20);
    assert_eq!(page[0]["text_media"][0]["object"], "text");
    assert_eq!(page[0]["text_media"][0]["content"], "новость 30");
    assert_eq!(page[0]["time"], 1_800_000_000 + 30 * 60);
    let last = page[19]["id"].as_str().unwrap();
    let (_, rest) = call(
        &env,
        "stream.getByAuthor",
        &[("uid", &club), ("limit", "20"), ("skip", last)],
    )
    .await;
    let rest = rest.as_array().unwrap();
    assert_eq!(rest.len(), 10, "30 events in all");
    assert_eq!(rest[9]["text_media"][0]["content"], "новость 1");
    // Alice is a member: the community is in her feed.
    let (_, feed) = call(&env, "stream.get", &[("limit", "5")]).await;
    assert_eq!(feed[0]["id"], page[0]["id"]);

    // The seeded accounts are not there: the world replaced them.
    let demo = mailru_emulator::accounts::DEMO_UID.to_string();
    let (_, none) = call(&env, "users.getInfo", &[("uids", &demo)]).await;
    assert_eq!(none, json!([]));
}

#[tokio::test]
async fn a_stub_for_friends_get_answers_after_the_checks() {
    let env = world_env().await;
    env.emu
        .add_stub(Stub::json("friends.get", json!(["555", "556"])))
        .unwrap();
    let (status, friends) = call(&env, "friends.get", &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(friends, json!(["555", "556"]));
    assert_eq!(friends, call(&env, "friends.get", &[]).await.1, "always");

    // A bad signature is still the platform's error 104, not the stub.
    let mut bad = signed("friends.get", &[]);
    let sig = bad.last_mut().unwrap();
    sig.1 = "0".repeat(32);
    let r = env.raw(&bad).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.error_code(), Some(104), "{}", r.text());
    // An unknown session is still 102.
    let app = APP.to_string();
    let mut p = owned(&[
        ("app_id", &app),
        ("method", "friends.get"),
        ("session_key", "nope"),
        ("uid", "1"),
    ]);
    let sig = mailru_sign::sign_client_server("1", &p, PRIVATE).unwrap();
    p.push(("sig".to_owned(), sig.to_string()));
    assert_eq!(env.raw(&p).await.error_code(), Some(102));

    env.emu.clear_stubs();
    assert_eq!(
        call(&env, "friends.get", &[]).await.1,
        json!([BOB.to_string()])
    );
}

#[tokio::test]
async fn a_stub_for_one_call_answers_once_then_the_platform_does() {
    let env = world_env().await;
    let stub = Stub::error("friends.get", 3, Some("Занято".to_owned())).times(1);
    env.emu.add_stub(stub).unwrap();
    let (status, err) = call(&env, "friends.get", &[]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(err["error"]["error_code"], 3);
    assert_eq!(err["error"]["error_msg"], "Занято");
    let (status, friends) = call(&env, "friends.get", &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(friends, json!([BOB.to_string()]));
}

#[tokio::test]
async fn a_stub_with_parameters_applies_only_to_matching_calls() {
    let env = world_env().await;
    let bob = BOB.to_string();
    env.emu
        .add_stub(Stub::json("users.getInfo", json!([{"uid": "stubbed"}])).when("uids", &bob))
        .unwrap();
    let (_, stubbed) = call(&env, "users.getInfo", &[("uids", &bob)]).await;
    assert_eq!(stubbed, json!([{"uid": "stubbed"}]));
    let alice = ALICE.to_string();
    let (_, real) = call(&env, "users.getInfo", &[("uids", &alice)]).await;
    assert_eq!(real[0]["uid"], alice);
    let (_, real) = call(&env, "users.getInfo", &[]).await;
    assert_eq!(real[0]["uid"], alice, "no uids parameter: no match");
}

#[tokio::test]
async fn stubs_through_the_control_api() {
    let env = world_env().await;
    let url = env.url("/_emulator/stubs");
    let stub = json!({"method": "friends.get", "answer": {"json": ["9"]}, "times": 2});
    let r = env.http.post_json(&url, &stub).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(call(&env, "friends.get", &[]).await.1, json!(["9"]));
    let unknown = json!({"method": "friends.fly", "answer": {"error": {"code": 1}}});
    let r = env.http.post_json(&url, &unknown).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.text().contains("friends.fly"), "{}", r.text());
    let typo = json!({"method": "friends.get", "answr": {"json": []}});
    assert_eq!(
        env.http.post_json(&url, &typo).await.status,
        StatusCode::BAD_REQUEST
    );
    // The JSON endpoints keep the control API's CSRF rules.
    let r = env
        .http
        .send_headers(
            hyper::Method::POST,
            &url,
            &[("content-type", "text/plain")],
            stub.to_string(),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let r = env
        .http
        .send_headers(hyper::Method::DELETE, &url, &[], "")
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(
        call(&env, "friends.get", &[]).await.1,
        json!([BOB.to_string()])
    );
}

#[tokio::test]
async fn users_events_and_sessions_added_at_run_time() {
    let env = world_env().await;
    let carol = 103u64;
    let user = json!({"uid": carol.to_string(), "first_name": "Кэрол", "email": "carol@bk.ru",
                      "friends": [ALICE.to_string()]});
    let r = env
        .http
        .post_json(&env.url("/_emulator/users"), &user)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let (_, friends) = call(&env, "friends.get", &[]).await;
    assert_eq!(friends, json!([BOB.to_string(), carol.to_string()]));
    // The same uid again is refused, naming it.
    let r = env
        .http
        .post_json(&env.url("/_emulator/users"), &user)
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(
        r.text().contains("uid 103") && r.text().contains("duplicate uid"),
        "{}",
        r.text()
    );

    let event = json!({"author": carol.to_string(), "text": "привет"});
    let r = env
        .http
        .post_json(&env.url("/_emulator/events"), &event)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let id = r.json()["id"].as_str().unwrap().to_owned();
    let (_, page) = call(&env, "stream.getByAuthor", &[("uid", &carol.to_string())]).await;
    assert_eq!(page[0]["id"], id);
    assert_eq!(
        page[0]["authors"][0]["link"],
        "https://my.mail.ru/bk/carol/"
    );

    let session = Session {
        access_token: "carol-token".to_owned(),
        app_id: APP,
        uid: carol,
        ..Session::default()
    };
    env.emu.add_session(session.clone()).unwrap();
    let err = env.emu.add_session(session).unwrap_err();
    assert!(err.to_string().contains("duplicate access token"), "{err}");
    assert!(
        !err.to_string().contains("carol-token"),
        "tokens are not repeated: {err}"
    );
    let app = APP.to_string();
    let mut p = owned(&[
        ("app_id", &app),
        ("method", "friends.get"),
        ("session_key", "carol-token"),
    ]);
    let sig = mailru_sign::sign_client_server(&carol.to_string(), &p, PRIVATE).unwrap();
    p.push(("sig".to_owned(), sig.to_string()));
    let r = env.raw(&p).await;
    assert_eq!(r.json(), json!([ALICE.to_string()]), "{}", encode(&p));

    let dave = User {
        uid: 104,
        friends: vec![4040],
        ..User::default()
    };
    let err = env.emu.add_user(dave).unwrap_err();
    assert!(err.to_string().contains("friend 4040"), "{err}");
    let (_, none) = call(&env, "users.getInfo", &[("uids", "104")]).await;
    assert_eq!(none, json!([]), "a refused user leaves no trace");
}

/// The entry and problem of a refused world.
fn refusal(world: &Value) -> (String, Problem, String) {
    let world = World::from_json(&world.to_string()).expect("parses");
    match world.check() {
        Err(e @ WorldError::Entry { .. }) => {
            let text = e.to_string();
            let WorldError::Entry { entry, problem } = e else {
                unreachable!()
            };
            (entry, problem, text)
        }
        other => panic!("refused as an entry: {other:?}"),
    }
}

#[tokio::test]
async fn worlds_that_do_not_hold_together_are_refused_naming_the_entry() {
    let app = json!({"id": APP, "name": "a", "private_key": "k"});
    let (entry, problem, text) = refusal(&json!({
        "users": [{"uid": "1"}, {"uid": "2", "friends": ["3"]}]
    }));
    assert_eq!(entry, "users[1] (uid 2)");
    assert_eq!(
        problem,
        Problem::UnknownUser {
            field: "friend",
            uid: 3
        }
    );
    assert_eq!(
        text,
        "users[1] (uid 2): friend 3 is not a user or community of the world"
    );

    let (entry, problem, _) = refusal(&json!({"users": [{"uid": "1"}, {"uid": 1}]}));
    assert_eq!(entry, "users[1] (uid 1)");
    assert!(matches!(problem, Problem::Duplicate { what: "uid", .. }));

    let (entry, _, text) = refusal(&json!({
        "users": [{"uid": "1"}],
        "communities": [{"uid": "1", "name": "c"}]
    }));
    assert_eq!(entry, "communities[0] (uid 1)", "{text}");

    let (entry, problem, _) = refusal(&json!({
        "apps": [app],
        "users": [{"uid": "1"}],
        "sessions": [{"access_token": "t", "app_id": 5, "uid": "1"}]
    }));
    assert_eq!(entry, "sessions[0] (app 5, uid 1)");
    assert_eq!(problem, Problem::UnknownApp(5));

    let (entry, problem, _) = refusal(&json!({
        "users": [{"uid": "1"}],
        "events": [{"author": "1", "text": "a"}, {"author": "8", "text": "b"}]
    }));
    assert_eq!(entry, "events[1] (author 8)");
    assert_eq!(
        problem,
        Problem::UnknownUser {
            field: "author",
            uid: 8
        }
    );

    let (entry, problem, _) = refusal(&json!({
        "users": [{"uid": "1"}],
        "events": [{"author": "1", "text": "a", "time": 200}, {"author": "1", "text": "b", "time": 100}]
    }));
    assert_eq!(entry, "events[1] (author 1)");
    assert_eq!(
        problem,
        Problem::OutOfOrder {
            time: 100,
            newest: 200
        }
    );

    let (entry, _, text) = refusal(&json!({
        "users": [{"uid": "1"}],
        "albums": [{"owner": "1", "aid": "a"}],
        "photos": [{"owner": "1", "aid": "b", "pid": 1}]
    }));
    assert_eq!(entry, "photos[0] (owner 1, aid b, pid 1)", "{text}");

    let (entry, _, text) = refusal(&json!({"users": [{"uid": "1", "city": "Атлантида"}]}));
    assert_eq!(entry, "users[0] (uid 1)");
    assert!(
        text.contains("Атлантида") && text.contains("Казань"),
        "{text}"
    );

    let (entry, _, _) = refusal(&json!({
        "apps": [app], "users": [{"uid": "1"}],
        "installs": [{"app_id": APP, "uid": "1", "scope": ["stream", "everything"]}]
    }));
    assert_eq!(entry, format!("installs[0] (app {APP}, uid 1)"));

    // Unknown fields and wrong types are refused while parsing, with the position.
    let typo = World::from_json(r#"{"users": [{"uid": "1", "frends": []}]}"#).unwrap_err();
    assert!(matches!(typo, WorldError::Parse(_)));
    assert!(typo.to_string().contains("frends"), "{typo}");
    let bad_uid = World::from_json(r#"{"users": [{"uid": "x1"}]}"#).unwrap_err();
    assert!(bad_uid.to_string().contains("x1"), "{bad_uid}");

    // Starting an emulator on a broken world fails the same way.
    let broken = World::from_json(r#"{"users": [{"uid": "2", "friends": ["3"]}]}"#).unwrap();
    let err = Emulator::builder().world(broken).start().await.unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::InvalidData);
    assert!(
        err.to_string().contains("users[0] (uid 2): friend 3"),
        "{err}"
    );
    let inner = err.get_ref().and_then(|e| e.downcast_ref::<WorldError>());
    assert!(matches!(inner, Some(WorldError::Entry { .. })));
}

#[test]
fn world_files_are_read_within_a_bound() {
    let dir = std::env::temp_dir().join(format!("mailru-emulator-worlds-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("small.json");
    small_world().to_path(&path).unwrap();
    assert_eq!(World::from_path(&path).unwrap(), small_world());
    let huge = dir.join("huge.json");
    let file = std::fs::File::create(&huge).unwrap();
    // Sparse: costs no disk, but is one byte over the limit.
    file.set_len(mailru_emulator::world::MAX_WORLD_BYTES + 1)
        .unwrap();
    let err = World::from_path(&huge).unwrap_err();
    assert!(matches!(err, WorldError::TooLarge { .. }), "{err}");
    let missing = World::from_path(dir.join("missing.json")).unwrap_err();
    assert!(matches!(missing, WorldError::Read { .. }), "{missing}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn the_seeded_world_dumped_and_loaded_answers_like_the_default() {
    let seeded = World::seeded();
    let again = World::from_json(&seeded.to_json()).unwrap();
    assert_eq!(again, seeded);
    let default = Env::with(Emulator::builder()).await;
    let loaded = Env::with(Emulator::builder().world(again)).await;
    let big = mailru_emulator::accounts::BIG_COMMUNITY_UID.to_string();
    let inbox = mailru_emulator::accounts::INBOX_UID.to_string();
    let calls: [(&str, Vec<(&str, &str)>); 9] = [
        ("users.getInfo", vec![("uids", &inbox)]),
        ("users.getInfo", vec![]),
        ("users.getBalance", vec![]),
        ("events.getNewCount", vec![]),
        ("audio.get", vec![]),
        ("friends.get", vec![("ext", "1"), ("offset", "100")]),
        ("stream.getByAuthor", vec![("uid", &big), ("limit", "100")]),
        ("stream.get", vec![("limit", "50")]),
        ("photos.getAlbums", vec![]),
    ];
    for (method, extra) in &calls {
        for circuit in [Circuit::Client, Circuit::Server] {
            let a = default.call(circuit, method, extra).await;
            let b = loaded.call(circuit, method, extra).await;
            assert_eq!(a.status, StatusCode::OK, "{method}: {}", a.text());
            assert_eq!(a.text(), b.text(), "{method} {extra:?}");
        }
    }
}
