//! The integration tests of this crate, one module per file beside this one, built
//! as one test binary: one link and one copy of the dependencies' generic code
//! instead of one per file (most of a cold `cargo xtask test`).

mod properties;
mod vectors;
