#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod client;
mod endpoints;
mod error;
mod method;
pub mod methods;
pub mod models;
mod namespaces;
mod retry;
mod secret;
mod session;
mod transport;

pub use client::{Api, ApiBuilder, RawResponse, is_write_method};
pub use endpoints::Endpoints;
pub use error::{ApiErrorKind, Error, Result};
pub use mailru_sign::Circuit;
pub use method::{Call, FilePart, Method};
pub use retry::{Decision, RetryPolicy, retry_decision};
pub use secret::{AccessToken, Password, PrivateKey, RefreshToken, SecretKey};
pub use session::Session;
pub use transport::{HttpRequest, HttpResponse, HyperTransport, HyperTransportBuilder, Transport};
