#![cfg_attr(docsrs, feature(doc_cfg))]
#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
// Keeps unused dependencies from creeping back (test builds also see the dev-dependencies).
#![cfg_attr(not(test), deny(unused_crate_dependencies))]
#![deny(missing_docs)]

mod batch;
mod community;

pub use batch::{
    CHUNK, Communities, CommunityFailure, DEFAULT_CONCURRENCY, MAX_CONCURRENCY, Profiles,
    communities, profiles,
};
pub use community::{Resolved, community_stream, profile_path, resolve};
