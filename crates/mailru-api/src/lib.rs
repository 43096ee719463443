#![cfg_attr(docsrs, feature(doc_cfg))]
#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
// Keeps unused dependencies from creeping back (test builds also see the dev-dependencies).
#![cfg_attr(not(test), deny(unused_crate_dependencies))]
#![deny(missing_docs)]

// Only its features are used (the client with HTTP/1 and HTTP/2, under hyper-util).
use hyper as _;

mod catalog;
mod client;
mod dispatch;
mod endpoints;
mod envelope;
mod error;
mod json;
mod method;
pub mod methods;
pub mod models;
mod namespaces;
mod paging;
mod params;
mod public;
mod redact;
mod request;
mod retry;
mod secret;
mod session;
mod text;
mod transport;

pub use catalog::{Access, Evidence, ItemKey, MethodInfo, Paging, Signing, catalog, method_info};
pub use client::{Api, ApiBuilder};
pub use endpoints::Endpoints;
pub use envelope::RawResponse;
pub use error::{ApiErrorKind, Cause, Error, PaginationError, Result, TransportKind};
pub use mailru_sign::Circuit;
pub use method::{Call, FilePart, Method, Paginated};
pub use namespaces::{
    Audio, Events, Friends, Guestbook, Mail, Messages, Notifications, Photos, Stream, Users,
};
pub use paging::{Checkpoint, Cursor, DEFAULT_PAGE_SIZE, Items, Pager, Pages};
pub use params::{IntoParams, ParamValue};
pub use retry::{Decision, RetryPolicy, retry_decision};
pub use secret::{AccessToken, Password, PrivateKey, RefreshToken, SecretKey};
pub use session::{Session, SessionSource};
pub use text::sanitize;
pub use transport::{HttpRequest, HttpResponse, HyperTransport, HyperTransportBuilder, Transport};

/// Internals the benchmarks measure on their own (`benches/api.rs`, `cargo xtask bench`).
/// Not a stable API, hidden from the documentation, like `mailru_emulator::fuzzing`.
#[doc(hidden)]
pub mod bench_hooks {
    /// The query (or form body) encoding of every call: `k=v&k=v`, form-encoded, in one
    /// allocation.
    pub fn encode_query(pairs: &[(&str, &str)]) -> String {
        crate::request::encode(pairs)
    }
}
