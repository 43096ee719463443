#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod app;
mod browser;
mod code;
mod error;
mod implicit;
mod oauth;
pub mod page;
mod refreshing;
mod token;

pub use app::App;
pub use code::{CodeGrant, new_state};
pub use error::AuthError;
pub use implicit::{DEFAULT_MAX_HOPS, ImplicitGrant};
pub use oauth::OAuth;
pub use refreshing::{DEFAULT_MARGIN, RefreshingApi};
pub use token::{Cookies, Token};
