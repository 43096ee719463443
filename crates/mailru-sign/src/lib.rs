#![cfg_attr(docsrs, feature(doc_cfg))]
#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
// Keeps unused dependencies from creeping back (test builds also see the dev-dependencies).
#![cfg_attr(not(test), deny(unused_crate_dependencies))]
#![deny(missing_docs)]

mod circuit;
mod error;
mod params;
mod signature;
mod verify;

pub use circuit::{Circuit, Credentials};
pub use error::Error;
pub use params::{Param, canonical_string};
pub use signature::{Signature, sign_client_server, sign_server_server};
pub use verify::{VerifyKey, verify};
