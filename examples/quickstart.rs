//! Quickstart: the whole flow in one run.
//!
//! ```sh
//! cargo run --example quickstart
//! ```
//!
//! With no `MAILRU_*` variables it starts the emulator in process and uses its seeded demo
//! account. With `MAILRU_APP_ID`, `MAILRU_PRIVATE_KEY` (and optionally `MAILRU_SECRET_KEY`),
//! `MAILRU_EMAIL`, `MAILRU_PASSWORD` and `MAILRU_COMMUNITY` (a community link) set, it runs
//! the same against the real platform (or against `MAILRU_BASE_URL`).

use std::time::Instant;

use mailru::emulator::{Emulator, EmulatorHandle, accounts};
use mailru::methods::friends::Profiles;
use mailru::methods::stream::GetByAuthor;
use mailru::models::StreamItem;
use mailru::prelude::*;
use mailru::scrapers::resolve;
use mailru::sign::{Circuit, Credentials};

/// Where to run, and as whom.
struct Target {
    app: App,
    base_url: Option<String>,
    email: String,
    password: String,
    community: String,
    /// Keeps the in-process emulator alive for the run.
    emulator: Option<EmulatorHandle>,
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

async fn target() -> Result<Target, Box<dyn std::error::Error>> {
    if let Some(app_id) = env("MAILRU_APP_ID") {
        let mut app = App::new(app_id.parse()?);
        if let Some(k) = env("MAILRU_PRIVATE_KEY") {
            app = app.private_key(k.as_str());
        }
        if let Some(k) = env("MAILRU_SECRET_KEY") {
            app = app.secret_key(k.as_str());
        }
        let need =
            |name: &str| env(name).ok_or(format!("set {name} too (see the top of quickstart.rs)"));
        return Ok(Target {
            app,
            base_url: env("MAILRU_BASE_URL"),
            email: need("MAILRU_EMAIL")?,
            password: need("MAILRU_PASSWORD")?,
            community: env("MAILRU_COMMUNITY").unwrap_or_else(|| "community/mymail".to_owned()),
            emulator: None,
        });
    }
    let emulator = Emulator::builder().seed(7).start().await?;
    println!("emulator: {}", emulator.base_url());
    Ok(Target {
        app: App::new(accounts::APP_ID)
            .private_key(accounts::APP_PRIVATE_KEY)
            .secret_key(accounts::APP_SECRET_KEY),
        base_url: Some(emulator.base_url().to_owned()),
        email: accounts::DEMO_EMAIL.to_owned(),
        password: accounts::DEMO_PASSWORD.to_owned(),
        community: format!(
            "https://my.mail.ru/community/{}/",
            accounts::BIG_COMMUNITY_NAME
        ),
        emulator: Some(emulator),
    })
}

/// 1. Signing, no network: the documented friends.get example under both circuits.
fn signed_urls() -> Result<(), mailru::sign::Error> {
    const SESSION_KEY: &str = "be6ef89965d58e56dec21acb9b62bdaa";
    let creds = Credentials::new("423004")
        .uid("1324730981306483817")
        .private_key("7815696ecbf1c96e6894b779456d330e")
        .secret_key("3dad9cbf9baaa0360c0f2ba372d25716");
    for circuit in [Circuit::ClientServer, Circuit::ServerServer] {
        let mut params = vec![
            ("app_id", "423004"),
            ("method", "friends.get"),
            ("session_key", SESSION_KEY),
        ];
        if let Some(secure) = circuit.secure_param() {
            params.push(("secure", secure));
        }
        let sig = creds.sign(circuit, &params)?;
        // Every value here is URL-safe, so the query needs no percent-encoding.
        let query: Vec<String> = params.iter().map(|(k, v)| format!("{k}={v}")).collect();
        println!(
            "{circuit}:\n  https://appsmail.ru/platform/api?{}&sig={sig}",
            query.join("&")
        );
    }
    Ok(())
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    signed_urls()?;
    let target = target().await?;
    let oauth = match &target.base_url {
        Some(base) => OAuth::with_base_url(target.app.clone(), base)?,
        None => OAuth::new(target.app.clone()),
    };

    // 2. Log in through the HTML login form (the implicit grant, full scope).
    let token = oauth
        .implicit(&target.email, target.password.as_str())
        .login()
        .await?;
    println!(
        "\nlogged in as uid {} (token expires in {} s, scope: {})",
        token.uid,
        token.expires_in(),
        token.scope.join(" ")
    );
    // A session that renews the token itself (before it expires, and after error 102):
    // every call below, pagers included, goes through it.
    let session = oauth.renewing(token).on_renew(|t| {
        println!("(token renewed; it now expires in {} s)", t.expires_in());
    });
    let api = session.api()?;

    // 3. Typed calls: the profile, every friend (a paginated call walked whole), the feed.
    let me = api.users().get_info().send().await?;
    if let Some(me) = me.first() {
        println!(
            "profile: {} {} <{}>",
            me.first_name,
            me.last_name,
            me.link.as_deref().unwrap_or("")
        );
    }
    let mut friends = api.friends().get().ext(Profiles).items();
    let mut online = 0;
    let mut total = 0;
    while let Some(friend) = friends.try_next().await? {
        total += 1;
        online += usize::from(friend.is_online);
    }
    println!("friends: {total} ({online} online)");
    let feed = api.stream().get().limit(5u32).send().await?;
    println!("newest events in the feed:");
    for item in &feed {
        if let StreamItem::Event(e) = item {
            let who = e.author().map_or(String::new(), |a| {
                format!("{} {}", a.first_name, a.last_name)
                    .trim()
                    .to_owned()
            });
            println!("  [{}] {who}: {}", e.type_name, e.text());
        }
    }

    // 4. A whole community stream, typed, with a checkpoint to resume from.
    let community = resolve(&api, &target.community).await?;
    let started = Instant::now();
    let mut events = api.paginate(GetByAuthor::new().uid(community.uid).limit(100u32));
    let mut count = 0u64;
    while let Some(_event) = events.try_next().await? {
        count += 1;
    }
    println!(
        "community {} (uid {}): {count} events in {:.2?}; checkpoint {:?}",
        community.path,
        community.uid,
        started.elapsed(),
        events.checkpoint()
    );

    // 5. Errors are typed: a closed community's stream (or an unknown method).
    let closed = accounts::CLOSED_COMMUNITY_UID.to_string();
    let result = if target.emulator.is_some() {
        api.call("stream.getByAuthor", [("uid", closed.as_str())])
            .await
    } else {
        api.call("no.suchMethod", [("x", "1")]).await
    };
    match result {
        Err(e) => println!("an API error, as expected: {e} (kind {:?})", e.api_kind()),
        Ok(v) => println!("unexpectedly succeeded: {v}"),
    }
    Ok(())
}
