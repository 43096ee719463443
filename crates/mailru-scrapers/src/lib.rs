#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod batch;
mod community;
mod pager;

pub use batch::{CHUNK, Communities, DEFAULT_CONCURRENCY, Profiles, communities, profiles};
pub use community::{Resolved, community_stream, profile_path, resolve};
pub use pager::{DEFAULT_PAGE_SIZE, PAGINATED, Pager, Paging, paging_of};
