//! Nothing here: `tests/readme.rs` is the README's "Testing your own code" example, compiled
//! and run as the test of a crate that depends on `mailru` (feature `emulator`) and `tokio`
//! only; `tests/in_sync.rs` keeps the two identical.
