use mailru::emulator::world::{self, App, Community, Event, User};
use mailru::emulator::{Emulator, Stub, World};
use mailru::methods::stream::GetByAuthor;
use mailru::prelude::*;

/// Your code: the first name of the user's first friend.
async fn best_friend_name(api: &Api) -> mailru::Result<Option<String>> {
    let friends = api.call("friends.get", [("ext", 1)]).await?;
    Ok(friends[0]["first_name"].as_str().map(str::to_owned))
}

/// Your code: how many events a community has posted.
async fn count_posts(api: &Api, community: u64) -> mailru::Result<usize> {
    let events: Vec<_> = api
        .paginate(GetByAuthor::new().uid(community))
        .try_collect()
        .await?;
    Ok(events.len())
}

async fn my_code_works() -> Result<(), Box<dyn std::error::Error>> {
    // A world of your own: an app, two friends, Alice's token, a community of 30 events.
    let user = |uid, name: &str| User {
        uid,
        first_name: name.into(),
        ..User::default()
    };
    let mine = World {
        apps: vec![App {
            id: 7,
            private_key: "key".into(),
            ..App::default()
        }],
        users: vec![
            User {
                friends: vec![2],
                ..user(1, "Alice")
            },
            user(2, "Bob"),
        ],
        communities: vec![Community {
            uid: 100,
            name: "club".into(),
            ..Community::default()
        }],
        events: (0..30)
            .map(|i| Event {
                author: 100,
                title: format!("post {i}"),
                ..Event::default()
            })
            .collect(),
        sessions: vec![world::Session {
            access_token: "alice".into(),
            app_id: 7,
            uid: 1,
            scope: vec!["stream".into()],
            ..world::Session::default()
        }],
        ..World::default()
    };
    let emulator = Emulator::builder().world(mine).start().await?; // 127.0.0.1, port 0
    let session = Session::client(7, PrivateKey::new("key"), AccessToken::new("alice"), 1);
    let api = Api::builder(session)
        .base_url(emulator.base_url())?
        .build()?;

    assert_eq!(best_friend_name(&api).await?.as_deref(), Some("Bob")); // from the world
    assert_eq!(count_posts(&api, 100).await?, 30);

    // A stub answers instead of the world (here once), with JSON or an API error.
    emulator.add_stub(
        Stub::json(
            "friends.get",
            r#"[{"uid": "3", "first_name": "Carol"}]"#.parse()?,
        )
        .times(1),
    )?;
    assert_eq!(best_friend_name(&api).await?.as_deref(), Some("Carol"));
    emulator.add_stub(Stub::error("friends.get", 202, None))?;
    let denied = best_friend_name(&api).await.unwrap_err();
    assert_eq!(denied.api_kind(), Some(ApiErrorKind::AccessDenied));
    Ok(())
}

#[tokio::test]
async fn best_friend_and_posts() -> Result<(), Box<dyn std::error::Error>> {
    my_code_works().await
}
