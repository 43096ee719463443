//! The errors of the OAuth flows, one variant per failure of decisions.md.

use std::io;

/// Why an authorization failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AuthError {
    /// Wrong e-mail or password (the login form sent us to `FailPage`; `invalid_grant`).
    #[error("invalid e-mail or password")]
    InvalidCredentials,
    /// The account is blocked (redirect to `/recovery`).
    #[error("the user is blocked")]
    UserBlocked,
    /// No or unknown application ("Не указано приложение", `invalid_client`).
    #[error("invalid client: {0}")]
    InvalidClient(String),
    /// The application is in development and this user may not authorize it
    /// ("Авторизация запрещена").
    #[error("the application is not available to this user (it is in development)")]
    AppNotAvailable,
    /// The user declined the consent dialog (`error=access_denied`).
    #[error("the user declined access")]
    UserDeclined,
    /// The redirect chain was longer than the hop limit.
    #[error("too many redirects (more than {0})")]
    TooManyRedirects(usize),
    /// A page the flow does not know. `url` has no query or fragment (they may carry
    /// secrets); both it and the title are sanitized ([`mailru_api::sanitize`]).
    #[error("unexpected page at {url} (title: {title:?})")]
    UnexpectedPage {
        /// Scheme, host and path of the page.
        url: String,
        /// The page's `<title>`, if any.
        title: Option<String>,
    },
    /// A form the flow needs is missing or malformed, or posts where the flow will not
    /// send it (the login form anywhere but the platform's login origin).
    #[error("malformed page: {0}")]
    MalformedPage(String),
    /// A page of the login flow is larger than
    /// [`MAX_PAGE_SIZE`](crate::MAX_PAGE_SIZE): no dialog is; it is not read further.
    #[error("the page at {url} is larger than {limit} bytes")]
    PageTooLarge {
        /// Scheme, host and path of the page.
        url: String,
        /// The limit, in bytes.
        limit: usize,
    },
    /// A token answer (token endpoint or redirect fragment) lacks what a token needs.
    #[error("malformed token: {0}")]
    MalformedToken(String),
    /// A redirect the flow will not follow: to another origin than the platform's, or
    /// from https down to http. `url` has no query or fragment.
    #[error("refused redirect to {url}: {reason}")]
    RefusedRedirect {
        /// Scheme, host and path of the target.
        url: String,
        /// Why.
        reason: &'static str,
    },
    /// The `state` returned to the redirect URI is not the one sent (possible CSRF).
    #[error("the returned state does not match the one sent")]
    StateMismatch,
    /// The redirect URI carries no code: its `error` (sanitized), or what is missing.
    #[error("the callback has no code: {0}")]
    MissingCode(String),
    /// The token endpoint refused: `error` and `error_description` as sent.
    #[error("token endpoint error `{error}`: {description}")]
    TokenEndpoint {
        /// e.g. `invalid_grant`.
        error: String,
        /// The server's description.
        description: String,
    },
    /// The token has no refresh token.
    #[error("no refresh token to refresh with")]
    NoRefreshToken,
    /// Transport, timeout or decoding trouble, and API errors of the REST calls.
    #[error(transparent)]
    Api(#[from] mailru_api::Error),
    /// Reading or writing a token file.
    #[error("token file {path}: {source}")]
    TokenFile {
        /// The file.
        path: String,
        /// What failed.
        #[source]
        source: io::Error,
    },
}

impl AuthError {
    /// A short, stable name of the error kind (for CLIs and logs).
    pub fn kind(&self) -> &'static str {
        match self {
            AuthError::InvalidCredentials => "invalid_credentials",
            AuthError::UserBlocked => "user_blocked",
            AuthError::InvalidClient(_) => "invalid_client",
            AuthError::AppNotAvailable => "app_not_available",
            AuthError::UserDeclined => "user_declined",
            AuthError::TooManyRedirects(_) => "too_many_redirects",
            AuthError::UnexpectedPage { .. } => "unexpected_page",
            AuthError::MalformedPage(_) => "malformed_page",
            AuthError::PageTooLarge { .. } => "page_too_large",
            AuthError::MalformedToken(_) => "malformed_token",
            AuthError::RefusedRedirect { .. } => "refused_redirect",
            AuthError::StateMismatch => "state_mismatch",
            AuthError::MissingCode(_) => "missing_code",
            AuthError::TokenEndpoint { .. } => "token_endpoint",
            AuthError::NoRefreshToken => "no_refresh_token",
            AuthError::Api(_) => "api",
            AuthError::TokenFile { .. } => "token_file",
        }
    }

    /// Whether another attempt of the login flow may succeed (network trouble), as
    /// opposed to a definite answer (wrong password, blocked user, ...).
    pub fn is_transient(&self) -> bool {
        matches!(self, AuthError::Api(e) if e.is_retryable())
    }
}
