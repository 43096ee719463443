//! The integration tests of this crate, one module per file beside this one, built
//! as one test binary: one link and one copy of the dependencies' generic code
//! instead of one per file (most of a cold `cargo xtask test`).

/// The example both `examples` and `world_files` drive.
#[path = "../../../examples/test_own_code.rs"]
mod test_own_code;

mod examples;
mod world_files;
