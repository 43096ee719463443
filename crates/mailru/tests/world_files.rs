//! A world file as a user writes it: two users, a community with 30 events, a stub for
//! `friends.get`; loaded with `World::from_path` and checked through the public mailru
//! API. A world file that does not hold together is refused, naming the entry.

use crate::test_own_code;

use mailru::emulator::{Emulator, Stub, World};
use mailru::prelude::*;
use test_own_code::{ALICE, APP_ID, BOB, COMMUNITY, PRIVATE_KEY, TOKEN};

fn temp_file(name: &str, text: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("mailru-world-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("world.json");
    std::fs::write(&path, text).unwrap();
    path
}

#[tokio::test]
async fn a_world_file_with_a_stub_answers_through_the_mailru_api() {
    let path = temp_file("good", &test_own_code::world().to_json());
    let world = World::from_path(&path).unwrap();
    assert_eq!(world.users.len(), 2);
    let emulator = Emulator::builder().world(world).start().await.unwrap();
    let session = Session::client(
        APP_ID,
        PrivateKey::new(PRIVATE_KEY),
        AccessToken::new(TOKEN),
        ALICE,
    );
    let api = Api::builder(session)
        .base_url(emulator.base_url())
        .unwrap()
        .build()
        .unwrap();

    let me = api.users().get_info().send().await.unwrap();
    assert_eq!((me[0].uid, me[0].first_name.as_str()), (ALICE, "Alice"));
    let friends = api.call("friends.get", ()).await.unwrap();
    assert_eq!(friends, serde_json::json!([BOB.to_string()]));
    assert_eq!(
        test_own_code::count_posts(&api, COMMUNITY).await.unwrap(),
        30
    );

    emulator
        .add_stub(Stub::json("friends.get", serde_json::json!(["42"])).times(1))
        .unwrap();
    assert_eq!(
        api.call("friends.get", ()).await.unwrap(),
        serde_json::json!(["42"])
    );
    assert_eq!(
        api.call("friends.get", ()).await.unwrap(),
        serde_json::json!([BOB.to_string()]),
        "the stub answered once"
    );
    std::fs::remove_dir_all(path.parent().unwrap()).unwrap();
}

#[test]
fn a_world_file_whose_friend_does_not_exist_is_refused_naming_the_entry() {
    let mut world = test_own_code::world();
    world.users[1].friends.push(999_999);
    let path = temp_file("broken", &world.to_json());
    let err = World::from_path(&path)
        .and_then(|w| w.check().map(|()| w))
        .unwrap_err();
    let message = err.to_string();
    assert!(message.contains("users[1]"), "{message}");
    assert!(message.contains("999999"), "{message}");
    std::fs::remove_dir_all(path.parent().unwrap()).unwrap();
}
