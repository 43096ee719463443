//! The integration tests of this crate, one module per file beside this one, built
//! as one test binary: one link and one copy of the dependencies' generic code
//! instead of one per file (most of a cold `cargo xtask test`).

mod common;
mod process;

mod binary;
mod cli;
mod connections;
mod control;
mod faults;
mod fuzz_props;
mod hosts;
mod lazy_events;
mod limits;
mod oauth;
mod pagination;
mod rest_protocol;
mod soak;
mod tokens;
mod worlds;
mod writes;
