//! serde types of spec §7, lenient where the platform is: numbers as strings, 0/1 flags,
//! missing fields; unknown fields kept in `extra` so nothing is lost.

pub(crate) mod de;
mod user;

pub use user::User;
