//! Quickstart: sign the documented `friends.get` example with both circuits and print the
//! full request URLs.
//!
//! Run with `cargo run --example quickstart`.

use mailru::sign::{Circuit, Credentials, Error};

/// The credentials of the official documentation's worked example.
const APP_ID: &str = "423004";
const UID: &str = "1324730981306483817";
const SESSION_KEY: &str = "be6ef89965d58e56dec21acb9b62bdaa";
const PRIVATE_KEY: &str = "7815696ecbf1c96e6894b779456d330e";
const SECRET_KEY: &str = "3dad9cbf9baaa0360c0f2ba372d25716";
const API_URL: &str = "https://appsmail.ru/platform/api";

fn main() -> Result<(), Error> {
    let creds = Credentials::new(APP_ID)
        .uid(UID)
        .private_key(PRIVATE_KEY)
        .secret_key(SECRET_KEY);

    for circuit in [Circuit::ClientServer, Circuit::ServerServer] {
        let mut params = vec![
            ("app_id", APP_ID),
            ("method", "friends.get"),
            ("session_key", SESSION_KEY),
        ];
        if let Some(secure) = circuit.secure_param() {
            params.push(("secure", secure));
        }
        let sig = creds.sign(circuit, &params)?;
        // Every value here is URL-safe, so the query needs no percent-encoding.
        let query = canonical_query(&params);
        println!("{circuit}:\n  {API_URL}?{query}&sig={sig}");
    }
    Ok(())
}

fn canonical_query(params: &[(&str, &str)]) -> String {
    params
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&")
}
