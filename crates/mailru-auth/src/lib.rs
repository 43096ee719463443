#![cfg_attr(docsrs, feature(doc_cfg))]
#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
// Keeps unused dependencies from creeping back (test builds also see the dev-dependencies).
#![cfg_attr(not(test), deny(unused_crate_dependencies))]
#![deny(missing_docs)]

mod app;
mod browser;
mod code;
mod error;
mod implicit;
mod oauth;
pub mod page;
mod renewing;
mod token;
mod token_file;

pub use app::App;
pub use browser::MAX_PAGE_SIZE;
pub use code::{CodeGrant, new_state};
pub use error::AuthError;
pub use implicit::{DEFAULT_MAX_HOPS, ImplicitGrant};
pub use oauth::{FULL_SCOPE, OAuth, RefreshFrom, full_scope};
pub use renewing::{DEFAULT_BACKOFF, DEFAULT_MARGIN, RenewingSession};
pub use token::{Cookies, Token};
pub use token_file::MAX_TOKEN_FILE_SIZE;
