//! The library part of the `mailru` command line tool: what is worth testing (and fuzzing)
//! on its own. The binary is `src/main.rs`; see the crate README for its commands.

#![cfg_attr(docsrs, feature(doc_cfg))]
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod params;

pub use params::{ParamError, parse_params};
