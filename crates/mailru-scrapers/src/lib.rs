#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod batch;
mod community;

pub use batch::{
    CHUNK, Communities, CommunityFailure, DEFAULT_CONCURRENCY, MAX_CONCURRENCY, Profiles,
    communities, profiles,
};
pub use community::{Resolved, community_stream, profile_path, resolve};
