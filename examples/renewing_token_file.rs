//! Log in once, keep the token in a file, and let a renewing session write every renewed
//! token back to it.
//!
//! ```sh
//! cargo run --example renewing_token_file [-- token.json]
//! ```
//!
//! The first run logs in through the login form and saves the token file; later runs load
//! it and log in no more. When the token expires (or the platform answers error 102), the
//! session renews it with the refresh token and saves the new one to the same file.
//!
//! With `MAILRU_APP_ID`, `MAILRU_PRIVATE_KEY`, `MAILRU_SECRET_KEY`, `MAILRU_EMAIL` and
//! `MAILRU_PASSWORD` set it runs against the real platform (or `MAILRU_BASE_URL`); without
//! them, against an in-process emulator and its demo account.

use std::error::Error;
use std::path::Path;

use mailru::emulator::{Emulator, accounts};
use mailru::prelude::*;

/// What a run did.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// Whether the token came from the file (no login).
    pub from_file: bool,
    /// The logged in user.
    pub uid: u64,
    /// The token the session ends with (the file holds the same one).
    pub token: Token,
}

/// Loads the token file (or logs in and saves it), then calls `users.getInfo` through a
/// session that saves every renewed token to the file.
pub async fn run(
    oauth: &OAuth,
    email: &str,
    password: &str,
    token_file: &Path,
) -> Result<Outcome, Box<dyn Error>> {
    let from_file = token_file.exists();
    let token = if from_file {
        Token::load(token_file)?
    } else {
        let token = oauth.implicit(email, password).login().await?;
        token.save(token_file)?; // atomic, mode 0600
        token
    };
    let session = oauth.renewing(token).token_file(token_file);
    let api = session.api()?;
    let me = api.users().get_info().send().await?;
    Ok(Outcome {
        from_file,
        uid: me.first().map_or(0, |u| u.uid),
        token: session.token(),
    })
}

#[allow(dead_code)] // also compiled as a module of the facade's tests
#[tokio::main]
async fn main() -> Result<(), Box<dyn Error>> {
    let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    let path = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "token.json".to_owned());
    let (oauth, email, password, _emulator) = if let Some(app_id) = env("MAILRU_APP_ID") {
        let mut app = App::new(app_id.parse()?);
        if let Some(k) = env("MAILRU_PRIVATE_KEY") {
            app = app.private_key(k.as_str());
        }
        if let Some(k) = env("MAILRU_SECRET_KEY") {
            app = app.secret_key(k.as_str());
        }
        let oauth = match env("MAILRU_BASE_URL") {
            Some(base) => OAuth::with_base_url(app, &base)?,
            None => OAuth::new(app),
        };
        let need = |name: &str| env(name).ok_or(format!("set {name} too"));
        (oauth, need("MAILRU_EMAIL")?, need("MAILRU_PASSWORD")?, None)
    } else {
        let emulator = Emulator::builder().start().await?;
        let app = App::new(accounts::APP_ID)
            .private_key(accounts::APP_PRIVATE_KEY)
            .secret_key(accounts::APP_SECRET_KEY);
        let oauth = OAuth::with_base_url(app, emulator.base_url())?;
        let who = (accounts::DEMO_EMAIL.into(), accounts::DEMO_PASSWORD.into());
        (oauth, who.0, who.1, Some(emulator))
    };
    let outcome = run(&oauth, &email, &password, Path::new(&path)).await?;
    println!(
        "uid {} ({}); the token in {path} expires in {} s",
        outcome.uid,
        if outcome.from_file {
            "token from the file"
        } else {
            "logged in"
        },
        outcome.token.expires_in()
    );
    Ok(())
}
