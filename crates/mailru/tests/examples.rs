//! The user-facing examples of `examples/`, run against an in-process emulator.

#[path = "../../../examples/harvest_checkpoint.rs"]
mod harvest_checkpoint;
#[path = "../../../examples/renewing_token_file.rs"]
mod renewing_token_file;
#[path = "../../../examples/sign_only.rs"]
mod sign_only;
use crate::test_own_code;

use std::collections::HashSet;
use std::path::PathBuf;

use mailru::emulator::{Emulator, Stub, accounts};
use mailru::prelude::*;

/// A fresh directory of this test under the target's temporary directory.
fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("mailru-examples-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn sign_only_signs_the_documented_example() {
    let url = sign_only::run(
        "423004",
        "1324730981306483817",
        "7815696ecbf1c96e6894b779456d330e",
        "be6ef89965d58e56dec21acb9b62bdaa",
    )
    .unwrap();
    assert!(
        url.ends_with("&sig=5073f15c6d5b6ab2fde23ac43332b002"),
        "{url}"
    );
    assert!(url.starts_with("https://appsmail.ru/platform/api?app_id=423004&method=friends.get"));
}

#[tokio::test]
async fn renewing_token_file_logs_in_once_and_saves_renewed_tokens() {
    let emulator = Emulator::builder().start().await.unwrap();
    let app = App::new(accounts::APP_ID)
        .private_key(accounts::APP_PRIVATE_KEY)
        .secret_key(accounts::APP_SECRET_KEY);
    let oauth = OAuth::with_base_url(app, emulator.base_url()).unwrap();
    let dir = temp_dir("token");
    let file = dir.join("token.json");
    let (email, password) = (accounts::DEMO_EMAIL, accounts::DEMO_PASSWORD);

    let first = renewing_token_file::run(&oauth, email, password, &file)
        .await
        .unwrap();
    assert!(!first.from_file);
    assert_eq!(first.uid, accounts::DEMO_UID);
    assert!(file.exists());
    let saved = Token::load(&file).unwrap();
    assert_eq!(
        saved.access_token.expose(),
        first.token.access_token.expose()
    );

    // The file is reused: no second login, the same token.
    let second = renewing_token_file::run(&oauth, email, password, &file)
        .await
        .unwrap();
    assert!(second.from_file);
    assert_eq!(
        second.token.access_token.expose(),
        first.token.access_token.expose()
    );

    // The platform expires it: the session renews it and writes the new one to the file.
    emulator.expire_all_tokens();
    let third = renewing_token_file::run(&oauth, email, password, &file)
        .await
        .unwrap();
    assert!(third.from_file);
    assert_eq!(third.uid, accounts::DEMO_UID);
    let renewed = third.token.access_token.expose().to_owned();
    assert_ne!(renewed, first.token.access_token.expose());
    assert_eq!(Token::load(&file).unwrap().access_token.expose(), renewed);
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn harvest_checkpoint_resumes_after_a_crash_without_duplicates() {
    const EVENTS: u64 = 230;
    let emulator = Emulator::builder()
        .community_events(EVENTS as u32)
        .start()
        .await
        .unwrap();
    let session = Session::client(
        accounts::APP_ID,
        PrivateKey::new(accounts::APP_PRIVATE_KEY),
        AccessToken::new(accounts::DEMO_SESSION_KEY),
        accounts::DEMO_UID,
    );
    let api = Api::builder(session)
        .base_url(emulator.base_url())
        .unwrap()
        .build()
        .unwrap();
    let dir = temp_dir("harvest");
    let out = dir.join("events.jsonl");
    let community = accounts::BIG_COMMUNITY_UID;

    // Crashes after 120 events: the last checkpoint covers 100, 20 lines are extra.
    let first = harvest_checkpoint::run(&api, community, &out, Some(120))
        .await
        .unwrap();
    assert_eq!(
        (first.resumed, first.written, first.complete),
        (false, 120, false)
    );
    let checkpoint: Checkpoint = serde_json::from_str(
        &std::fs::read_to_string(harvest_checkpoint::checkpoint_path(&out)).unwrap(),
    )
    .unwrap();
    assert_eq!(checkpoint.items, 100);

    // Crashes again, 30 events into the resumed walk.
    let second = harvest_checkpoint::run(&api, community, &out, Some(30))
        .await
        .unwrap();
    assert_eq!((second.resumed, second.written), (true, 30));

    let last = harvest_checkpoint::run(&api, community, &out, None)
        .await
        .unwrap();
    assert_eq!(
        (last.resumed, last.written, last.complete),
        (true, 130, true)
    );

    let text = std::fs::read_to_string(&out).unwrap();
    let ids: Vec<String> = text
        .lines()
        .map(|line| {
            let v: serde_json::Value = serde_json::from_str(line).unwrap();
            v["id"].as_str().unwrap().to_owned()
        })
        .collect();
    assert_eq!(ids.len() as u64, EVENTS);
    assert_eq!(ids.iter().collect::<HashSet<_>>().len() as u64, EVENTS);
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn own_code_sees_the_world_and_the_stubs() {
    let (emulator, api) = test_own_code::start().await.unwrap();
    let community = test_own_code::COMMUNITY;
    assert_eq!(
        test_own_code::run(&api, community).await.unwrap(),
        (Some("Bob".to_owned()), 30)
    );
    let carol = serde_json::json!([{ "uid": "1003", "first_name": "Carol" }]);
    emulator
        .add_stub(Stub::json("friends.get", carol).times(1))
        .unwrap();
    assert_eq!(
        test_own_code::best_friend_name(&api).await.unwrap(),
        Some("Carol".to_owned())
    );
    assert_eq!(
        test_own_code::best_friend_name(&api).await.unwrap(),
        Some("Bob".to_owned())
    );
    emulator
        .add_stub(Stub::error("friends.get", 202, None))
        .unwrap();
    let err = test_own_code::best_friend_name(&api).await.unwrap_err();
    assert_eq!(err.api_kind(), Some(ApiErrorKind::AccessDenied));
}
