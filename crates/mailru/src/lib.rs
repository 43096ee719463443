//! The Rust way to use the Platform@Mail.Ru (My World@Mail.Ru) REST API.
//!
//! This facade re-exports the layers of the project so that most users depend on it alone.
//! Today it offers request signing ([`sign`]); transport, OAuth grants and pagers are added
//! by the `mailru-api`, `mailru-auth` and `mailru-scrapers` crates as they land.
//!
//! ```
//! use mailru::sign::{Credentials, Circuit};
//!
//! let creds = Credentials::new("423004")
//!     .uid("1324730981306483817")
//!     .private_key("7815696ecbf1c96e6894b779456d330e");
//! let circuit = creds.infer_circuit()?;
//! assert_eq!(circuit, Circuit::ClientServer);
//! let sig = creds.sign(circuit, &[
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

/// Keeps the examples of the workspace README compiling and true.
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
pub struct ReadmeDoctests;
