//! Test your own code against an emulator with a world of your own and a stub.
//!
//! ```sh
//! cargo run --example test_own_code
//! ```
//!
//! `best_friend_name` and `count_posts` stand for your code: they take an [`Api`] and do
//! not care where it points. The test (here `main`, and `crates/mailru/tests/examples.rs`)
//! starts an emulator with two users, an app, a token and a community of 30 events, stubs
//! `friends.get`, and checks what your functions return. With `MAILRU_APP_ID`,
//! `MAILRU_PRIVATE_KEY`, `MAILRU_SESSION_KEY`, `MAILRU_UID` and `MAILRU_COMMUNITY_UID` set,
//! `main` runs the same functions against the real platform instead.

use mailru::emulator::world::{self, Community, Event, User};
use mailru::emulator::{Emulator, EmulatorHandle, Stub, World};
use mailru::methods::stream::GetByAuthor;
use mailru::prelude::*;

/// The app of the world.
pub const APP_ID: u64 = 777;
/// Its private key.
pub const PRIVATE_KEY: &str = "my-private-key";
/// Alice's token.
pub const TOKEN: &str = "alice-token";
/// Alice.
pub const ALICE: u64 = 1001;
/// Bob, her friend.
pub const BOB: u64 = 1002;
/// A community with 30 events.
pub const COMMUNITY: u64 = 2001;

/// Your code: the first name of the user's first friend, if any.
pub async fn best_friend_name(api: &Api) -> Result<Option<String>> {
    let friends = api.call("friends.get", [("ext", 1)]).await?;
    Ok(friends[0]["first_name"].as_str().map(str::to_owned))
}

/// Your code: how many events a community has posted.
pub async fn count_posts(api: &Api, community: u64) -> Result<u64> {
    let mut events = api.paginate(GetByAuthor::new().uid(community).limit(10u32));
    let mut count = 0;
    while events.try_next().await?.is_some() {
        count += 1;
    }
    Ok(count)
}

/// Both functions, as one run.
pub async fn run(api: &Api, community: u64) -> Result<(Option<String>, u64)> {
    Ok((
        best_friend_name(api).await?,
        count_posts(api, community).await?,
    ))
}

/// Two users (friends), an app, Alice's token and a community with 30 events.
pub fn world() -> World {
    let user = |uid, first_name: &str, friends| User {
        uid,
        first_name: first_name.into(),
        friends,
        ..User::default()
    };
    World {
        apps: vec![world::App {
            id: APP_ID,
            name: "My app".into(),
            private_key: PRIVATE_KEY.into(),
            ..world::App::default()
        }],
        users: vec![user(ALICE, "Alice", vec![BOB]), user(BOB, "Bob", vec![])],
        communities: vec![Community {
            uid: COMMUNITY,
            name: "my_club".into(),
            title: "My club".into(),
            members: vec![ALICE, BOB],
            ..Community::default()
        }],
        events: (1..=30)
            .map(|i| Event {
                author: COMMUNITY,
                time: Some(1_700_000_000 + i),
                title: format!("Post {i}"),
                text: format!("Text {i}"),
                ..Event::default()
            })
            .collect(),
        sessions: vec![world::Session {
            access_token: TOKEN.into(),
            app_id: APP_ID,
            uid: ALICE,
            scope: vec!["stream".into()],
            ..world::Session::default()
        }],
        ..World::default()
    }
}

/// An emulator of [`world`] and a client of Alice's.
pub async fn start() -> Result<(EmulatorHandle, Api)> {
    let emulator = Emulator::builder().world(world()).start().await?;
    let session = Session::client(
        APP_ID,
        PrivateKey::new(PRIVATE_KEY),
        AccessToken::new(TOKEN),
        ALICE,
    );
    let api = Api::builder(session)
        .base_url(emulator.base_url())?
        .build()?;
    Ok((emulator, api))
}

#[allow(dead_code)] // also compiled as a module of the facade's tests
#[tokio::main]
async fn main() -> std::result::Result<(), Box<dyn std::error::Error>> {
    let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    if let Some(app_id) = env("MAILRU_APP_ID") {
        let need = |name: &str| env(name).ok_or(format!("set {name} too"));
        let session = Session::client(
            app_id.parse::<u64>()?,
            PrivateKey::new(need("MAILRU_PRIVATE_KEY")?),
            AccessToken::new(need("MAILRU_SESSION_KEY")?),
            need("MAILRU_UID")?.parse::<u64>()?,
        );
        let mut builder = Api::builder(session);
        if let Some(base) = env("MAILRU_BASE_URL") {
            builder = builder.base_url(&base)?;
        }
        let community = need("MAILRU_COMMUNITY_UID")?.parse()?;
        println!("{:?}", run(&builder.build()?, community).await?);
        return Ok(());
    }
    let (emulator, api) = start().await?;
    // The world answers first: Bob is Alice's only friend; the community has 30 events.
    assert_eq!(run(&api, COMMUNITY).await?, (Some("Bob".into()), 30));
    // A stub answers instead of the world, here once.
    let carol = serde_json::json!([{ "uid": "1003", "first_name": "Carol" }]);
    emulator.add_stub(Stub::json("friends.get", carol).times(1))?;
    assert_eq!(best_friend_name(&api).await?, Some("Carol".into()));
    assert_eq!(best_friend_name(&api).await?, Some("Bob".into()));
    // An error stub: your code sees a typed API error.
    emulator.add_stub(Stub::error("friends.get", 202, None))?;
    let denied = best_friend_name(&api).await.unwrap_err();
    println!("as expected: {denied}");
    println!("your code passed");
    Ok(())
}
