//! The Rust way to use the Platform@Mail.Ru (My World@Mail.Ru) REST API.
//!
//! This facade re-exports the layers so that most users depend on it alone:
//!
//! | module | crate | what |
//! |---|---|---|
//! | [`sign`] | `mailru-sign` | request signatures, both circuits, verification |
//! | [`api`] (and the crate root) | `mailru-api` | sessions, calls, typed methods and models, pagination, errors |
//! | [`auth`] (feature `auth`) | `mailru-auth` | OAuth grants, login form, tokens, renewing sessions |
//! | [`scrapers`] (feature `scrapers`) | `mailru-scrapers` | batches, community helpers, links |
//! | [`emulator`] (feature `emulator`) | `mailru-emulator` | a local platform for tests |
//!
//! # A tour
//!
//! Log in through the login form, let the session renew itself, call methods typed or by
//! name, walk a paginated method whole:
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> mailru::Result<()> {
//! use mailru::methods::stream::GetByAuthor;
//! use mailru::prelude::*;
//! # use mailru::emulator::Emulator;
//! # let emulator = Emulator::builder().start().await?;
//! # let base_url = emulator.base_url();
//!
//! // 1. The app and the user (here: the emulator's seeded demo account).
//! let app = App::new(423004).private_key("7815696ecbf1c96e6894b779456d330e");
//! let oauth = OAuth::with_base_url(app, base_url)?; // OAuth::new(app) for the real platform
//! let token = oauth.implicit("demo@mail.ru", "demo-password").login().await?; // full scope
//!
//! // 2. A client whose token renews itself (before expiry, and after error 102).
//! let api = oauth.renewing(token).api()?;
//! let me = api.users().get_info().send().await?;
//! println!("hello, {}", me[0].first_name);
//!
//! // 3. Any method by name (`()` for no parameters).
//! let installed = api.call("users.isAppUser", ()).await?;
//!
//! // 4. A whole paginated method as a typed, resumable stream.
//! let mut events = api.paginate(GetByAuthor::new().uid(5396991818946538245u64));
//! let mut count = 0;
//! while let Some(event) = events.try_next().await? {
//!     count += usize::from(!event.id().is_empty());
//! }
//! assert_eq!(count, 1_200);
//! let _resume_later_from = events.checkpoint();
//!
//! // 5. Errors are typed.
//! let closed = api.call("stream.getByAuthor", [("uid", 6018374650129384756u64)]).await;
//! assert_eq!(closed.unwrap_err().api_kind(), Some(ApiErrorKind::AccessDenied));
//! # let _ = installed;
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
#![cfg_attr(docsrs, feature(doc_cfg))]
#![forbid(unsafe_code)]
// Keeps unused dependencies from creeping back (test builds also see the dev-dependencies).
#![cfg_attr(not(test), deny(unused_crate_dependencies))]
#![deny(missing_docs)]

mod error;

pub use error::{Error, Result};

/// Request signatures: canonical string, both circuits, inference, verification.
pub use mailru_sign as sign;

/// The REST client: sessions, calls, typed methods and models, pagination, errors.
pub use mailru_api as api;
pub use mailru_api::{
    AccessToken, Api, ApiErrorKind, Checkpoint, Items, Method, Pager, Pages, Paginated, Password,
    PrivateKey, RefreshToken, SecretKey, Session, SessionSource, methods, models,
};

/// OAuth grants: implicit (login form), code, password, refresh; tokens; renewing sessions.
#[cfg(feature = "auth")]
pub use mailru_auth as auth;

/// Batched calls and community helpers.
#[cfg(feature = "scrapers")]
pub use mailru_scrapers as scrapers;

/// A local, stateful Platform@Mail.Ru for tests and offline work.
#[cfg(feature = "emulator")]
pub use mailru_emulator as emulator;

/// The names most programs use, the stream traits included (`try_next`, `try_collect`).
pub mod prelude {
    pub use crate::{Error, Result};
    pub use futures::{StreamExt, TryStreamExt};
    pub use mailru_api::{
        AccessToken, Api, ApiErrorKind, Checkpoint, Method, Pager, PrivateKey, SecretKey, Session,
    };
    #[cfg(feature = "auth")]
    pub use mailru_auth::{App, AuthError, FULL_SCOPE, OAuth, RenewingSession, Token};
}

/// Keeps the examples of the workspace README compiling and true.
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
pub struct ReadmeDoctests;

/// Keeps the examples of this crate's README compiling and true.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct FacadeReadmeDoctests;
