//! Signing only: the `sig` of a REST call, no I/O at all.
//!
//! ```sh
//! cargo run --example sign_only
//! ```
//!
//! Everything here is `mailru::sign`, a re-export of `mailru-sign`: a program that only signs
//! can depend on `mailru-sign` alone (it needs nothing but `md-5`). With `MAILRU_APP_ID`,
//! `MAILRU_UID`, `MAILRU_PRIVATE_KEY` and `MAILRU_SESSION_KEY` set it signs your own call;
//! without them, the documented `friends.get` example.

use mailru::sign::{Circuit, Credentials};

/// The URL of a `friends.get` call signed with the client-server circuit.
pub fn run(
    app_id: &str,
    uid: &str,
    private_key: &str,
    session_key: &str,
) -> Result<String, mailru::sign::Error> {
    let creds = Credentials::new(app_id).uid(uid).private_key(private_key);
    let params = [
        ("app_id", app_id),
        ("method", "friends.get"),
        ("session_key", session_key),
    ];
    let sig = creds.sign(Circuit::ClientServer, &params)?;
    // Percent-encode the values if yours are not URL-safe (these are).
    let query: Vec<String> = params.iter().map(|(k, v)| format!("{k}={v}")).collect();
    Ok(format!(
        "https://appsmail.ru/platform/api?{}&sig={sig}",
        query.join("&")
    ))
}

#[allow(dead_code)] // also compiled as a module of the facade's tests
fn main() -> Result<(), mailru::sign::Error> {
    let env = |name: &str, default: &str| {
        std::env::var(name)
            .ok()
            .filter(|v| !v.is_empty())
            .unwrap_or_else(|| default.to_owned())
    };
    let url = run(
        &env("MAILRU_APP_ID", "423004"),
        &env("MAILRU_UID", "1324730981306483817"),
        &env("MAILRU_PRIVATE_KEY", "7815696ecbf1c96e6894b779456d330e"),
        &env("MAILRU_SESSION_KEY", "be6ef89965d58e56dec21acb9b62bdaa"),
    )?;
    println!("{url}");
    Ok(())
}
