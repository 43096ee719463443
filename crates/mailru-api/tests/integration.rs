//! The integration tests of this crate, one module per file beside this one, built
//! as one test binary: one link and one copy of the dependencies' generic code
//! instead of one per file (most of a cold `cargo xtask test`).

mod catalog;
#[path = "core.rs"]
mod core_calls;
mod fault_walk;
mod paging;
mod properties;
mod proxy;
mod read_ahead;
mod transport;
mod typed_methods;
