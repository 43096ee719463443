//! The Rust way to use the Platform@Mail.Ru (My World@Mail.Ru) REST API.
//!
//! This facade re-exports the layers so that most users depend on it alone:
//!
//! | module | crate | what |
//! |---|---|---|
//! | [`sign`] | `mailru-sign` | request signatures, both circuits, verification |
//! | [`api`] (and the crate root) | `mailru-api` | sessions, calls, typed methods and models, errors |
//! | [`auth`] (feature `auth`) | `mailru-auth` | OAuth grants, login form, tokens, self-refresh |
//! | [`scrapers`] (feature `scrapers`) | `mailru-scrapers` | paginated streams, batches, links |
//! | [`emulator`] (feature `emulator`) | `mailru-emulator` | a local platform for tests |
//!
//! # A tour
//!
//! Log in through the login form, call methods typed or by name, walk a paginated method:
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use futures::TryStreamExt;
//! use mailru::prelude::*;
//! # use mailru_emulator::{Emulator, accounts};
//! # let emulator = Emulator::builder().start().await?;
//! # let base_url = emulator.base_url();
//!
//! // 1. The app and the user (here: the emulator's seeded demo account).
//! let app = App::new(423004).private_key("7815696ecbf1c96e6894b779456d330e");
//! let oauth = OAuth::with_base_url(app, base_url)?; // OAuth::new(app) for the real platform
//! let token = oauth.implicit("demo@mail.ru", "demo-password").scope(&["stream"]).login().await?;
//!
//! // 2. A client signed client-server with that token.
//! let api = oauth.api(token.client_session(oauth.app()))?;
//! let me = api.users().get_info().send().await?;
//! println!("hello, {}", me[0].first_name);
//!
//! // 3. Any method by name.
//! let friends = api.call("friends.get", [("ext", "0")]).await?;
//!
//! // 4. A whole paginated method as a stream.
//! let events: Vec<serde_json::Value> = Pager::new(&api, "stream.getByAuthor")?
//!     .param("uid", "5396991818946538245")
//!     .max_items(300)
//!     .items()
//!     .try_collect()
//!     .await?;
//! assert_eq!(events.len(), 300);
//!
//! // 5. Errors are typed.
//! let closed = api.call("stream.getByAuthor", [("uid", "6018374650129384756")]).await;
//! assert_eq!(closed.unwrap_err().api_kind(), Some(ApiErrorKind::AccessDenied));
//! # Ok(()) }
//! ```
//!
//! Signing alone, without I/O:
//!
//! ```
//! use mailru::sign::{Circuit, Credentials};
//!
//! let creds = Credentials::new("423004")
//!     .uid("1324730981306483817")
//!     .private_key("7815696ecbf1c96e6894b779456d330e");
//! let sig = creds.sign(Circuit::ClientServer, &[
//!     ("app_id", "423004"),
//!     ("method", "friends.get"),
//!     ("session_key", "be6ef89965d58e56dec21acb9b62bdaa"),
//! ])?;
//! assert_eq!(sig.to_string(), "5073f15c6d5b6ab2fde23ac43332b002");
//! # Ok::<(), mailru::sign::Error>(())
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

/// Request signatures: canonical string, both circuits, inference, verification.
pub use mailru_sign as sign;

/// The REST client: sessions, calls, typed methods and models, errors.
pub use mailru_api as api;
pub use mailru_api::{
    AccessToken, Api, ApiErrorKind, Error, Method, Password, PrivateKey, RefreshToken, Result,
    SecretKey, Session, methods, models,
};

/// OAuth grants: implicit (login form), code, password, refresh; tokens; self-refresh.
#[cfg(feature = "auth")]
pub use mailru_auth as auth;

/// Paginated streams, batched calls, community helpers.
#[cfg(feature = "scrapers")]
pub use mailru_scrapers as scrapers;

/// A local, stateful Platform@Mail.Ru for tests and offline work.
#[cfg(feature = "emulator")]
pub use mailru_emulator as emulator;

/// The names most programs use.
pub mod prelude {
    pub use mailru_api::{
        AccessToken, Api, ApiErrorKind, Error, Method, PrivateKey, SecretKey, Session,
    };
    #[cfg(feature = "auth")]
    pub use mailru_auth::{App, AuthError, OAuth, RefreshingApi, Token};
    #[cfg(feature = "scrapers")]
    pub use mailru_scrapers::Pager;
}

/// Keeps the examples of the workspace README compiling and true.
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
pub struct ReadmeDoctests;
