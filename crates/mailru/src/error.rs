//! One error type for programs that use several layers: every crate's error converts into
//! it, so `?` works on a login, a call and a signature in the same function.

use mailru_api::{ApiErrorKind, TransportKind};

/// Result of the facade.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Any error of mailru: a REST call's, an OAuth grant's, a signature's.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> mailru::Result<()> {
/// # let emulator = mailru::emulator::Emulator::builder().start().await?;
/// use mailru::prelude::*;
///
/// async fn whoami(oauth: &OAuth) -> mailru::Result<u64> {
///     let token = oauth.implicit("demo@mail.ru", "demo-password").login().await?; // AuthError
///     let api = oauth.api(token.client_session(oauth.app()))?;                    // AuthError
///     let me = api.users().get_info().send().await?;                              // api::Error
///     Ok(me[0].uid)
/// }
///
/// let app = App::new(423004).private_key("7815696ecbf1c96e6894b779456d330e");
/// let oauth = OAuth::with_base_url(app, emulator.base_url())?;
/// assert_eq!(whoami(&oauth).await?, 1324730981306483817);
/// # Ok(()) }
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A REST call (transport, timeout, API error, decoding, pagination).
    #[error(transparent)]
    Api(#[from] mailru_api::Error),
    /// An OAuth grant or a token file.
    #[cfg(feature = "auth")]
    #[error(transparent)]
    Auth(#[from] mailru_auth::AuthError),
    /// Signing or verifying parameters.
    #[error(transparent)]
    Sign(#[from] mailru_sign::Error),
    /// Local I/O (e.g. starting the emulator).
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

impl Error {
    /// The REST error inside, also when it came through an OAuth grant.
    pub fn as_api(&self) -> Option<&mailru_api::Error> {
        match self {
            Error::Api(e) => Some(e),
            #[cfg(feature = "auth")]
            Error::Auth(mailru_auth::AuthError::Api(e)) => Some(e),
            _ => None,
        }
    }

    /// The API error kind, if this is an API error.
    pub fn api_kind(&self) -> Option<ApiErrorKind> {
        self.as_api().and_then(mailru_api::Error::api_kind)
    }

    /// The API error code, if this is an API error.
    pub fn api_code(&self) -> Option<i64> {
        self.as_api().and_then(mailru_api::Error::api_code)
    }

    /// The transport phase that failed, if this is a transport error.
    pub fn transport_kind(&self) -> Option<TransportKind> {
        self.as_api().and_then(mailru_api::Error::transport_kind)
    }

    /// Whether trying again may succeed (see [`mailru_api::Error::is_retryable`]).
    pub fn is_retryable(&self) -> bool {
        self.as_api().is_some_and(mailru_api::Error::is_retryable)
    }
}
