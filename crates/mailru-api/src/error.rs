//! The one error type of the crate, separated by the phase that failed. Every variant keeps
//! its cause (`source()`), and cloning an error (retries, batches) keeps what it is.

use std::fmt;
use std::ops::Deref;
use std::sync::Arc;
use std::time::Duration;

use crate::text::{body_start, sanitize};

/// Result of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong with a call. Display never contains a signed URL, a token,
/// a key or a cookie, and quotes at most a bounded, sanitized start of what a server sent.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The request could not be built; nothing was sent.
    #[error("invalid request: {message}")]
    InvalidRequest {
        /// What is wrong, in words.
        message: String,
        /// The underlying error (a signature error, a URL parse error), if any.
        #[source]
        source: Option<Cause>,
    },
    /// The connection failed or broke; `kind` says in which phase.
    #[error("{kind}{}", chain_suffix(source.as_ref()))]
    Transport {
        /// Connect, TLS, proxy, sending, reading the body, too large.
        kind: TransportKind,
        /// What the HTTP stack said (hyper, rustls, the OS).
        #[source]
        source: Option<Cause>,
    },
    /// No complete answer within the configured time.
    #[error("timed out after {0:?}")]
    Timeout(Duration),
    /// An HTTP status without an API error body (e.g. 502 from a proxy).
    #[error("HTTP status {status} without an API error body: {body_start}")]
    Http {
        /// The status code.
        status: u16,
        /// The first characters of the body, sanitized (see [`Error`]).
        body_start: String,
    },
    /// The body is not what the method returns.
    #[error("cannot decode the response at `{path}`: {message}; body starts with: {body_start}")]
    Decode {
        /// JSON path of the failure, e.g. `[0].uid` (empty for the whole body).
        path: String,
        /// What serde said.
        message: String,
        /// The first characters of the body, sanitized.
        body_start: String,
        /// The JSON error, when there is one.
        #[source]
        source: Option<Cause>,
    },
    /// The platform answered with an error object.
    #[error("API error {code}: {message}")]
    Api {
        /// `error_code` as sent.
        code: i64,
        /// `error_msg` as sent (bounded, sanitized).
        message: String,
        /// The meaning of the code (and of the message, where one code means several
        /// things).
        kind: ApiErrorKind,
    },
    /// A 200 with `{}`, `[]` or nothing, for a method whose answer cannot be empty
    /// (aiomailru's code -1).
    #[error("empty response")]
    EmptyResponse,
    /// The session source could not give a session (e.g. a token refresh failed).
    #[error("no usable session: {0}")]
    Session(#[source] Cause),
    /// A paginated walk stopped because the platform misbehaved; resume from the walk's
    /// checkpoint once the cause is fixed.
    #[error("pagination stopped: {0}")]
    Pagination(#[from] PaginationError),
}

/// In which phase a transport failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TransportKind {
    /// DNS or TCP: the server could not be reached.
    Connect,
    /// The TLS handshake failed (an untrusted or wrong certificate, a protocol error).
    Tls,
    /// The proxy refused or failed the tunnel.
    Proxy,
    /// Writing the request or waiting for the response head failed (e.g. the connection
    /// was closed).
    Send,
    /// Reading the response body failed (e.g. it was truncated).
    Body,
    /// The response body exceeded the configured cap.
    TooLarge {
        /// The cap, in bytes.
        limit: usize,
    },
    /// Anything else the HTTP stack reported.
    Other,
}

impl fmt::Display for TransportKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TransportKind::Connect => f.write_str("cannot connect"),
            TransportKind::Tls => f.write_str("TLS handshake failed"),
            TransportKind::Proxy => f.write_str("the proxy failed"),
            TransportKind::Send => f.write_str("sending the request failed"),
            TransportKind::Body => f.write_str("reading the response body failed"),
            TransportKind::TooLarge { limit } => {
                write!(f, "response larger than the {limit}-byte cap")
            }
            TransportKind::Other => f.write_str("transport error"),
        }
    }
}

/// Why a paginated walk stopped with an error instead of looping or losing items.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PaginationError {
    /// The method is not paginated (the message lists the ones that are).
    #[error("`{method}` is not a paginated method; paginated methods: {paginated}")]
    NotPaginated {
        /// The method asked for.
        method: String,
        /// The paginated methods of the catalog, comma-separated.
        paginated: String,
    },
    /// The platform sent an item it had already sent in this walk (a page repeated, or
    /// the platform ignored the cursor).
    #[error("`{method}` repeated an item it already sent (key `{key}`): the cursor was ignored")]
    Repeated {
        /// The method.
        method: String,
        /// The repeated item's key (its id or uid), sanitized.
        key: String,
    },
    /// The cursor of the next page would be the one just used.
    #[error("`{method}` did not advance past cursor `{cursor}`")]
    CursorStuck {
        /// The method.
        method: String,
        /// The cursor, sanitized.
        cursor: String,
    },
    /// A skip-cursor item has no string `id`, so the walk cannot go on from it.
    #[error("item {index} of a `{method}` page has no usable string `id` (found {found})")]
    NoItemId {
        /// The method.
        method: String,
        /// The item's index in its page.
        index: usize,
        /// What was found instead (`null`, a number, nothing), sanitized.
        found: String,
    },
    /// A page is not a JSON array.
    #[error("`{method}` answered a page that is not an array: {body_start}")]
    NotAnArray {
        /// The method.
        method: String,
        /// The start of the body, sanitized.
        body_start: String,
    },
    /// A parameter of the walk (`limit`, `offset`) is not a number.
    #[error("parameter `{name}` of `{method}` must be a number, not `{value}`")]
    BadParameter {
        /// The method.
        method: String,
        /// The parameter.
        name: String,
        /// Its value, sanitized.
        value: String,
    },
}

/// The codes of spec §3.2 by meaning; unknown codes are kept as [`ApiErrorKind::Unknown`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ApiErrorKind {
    /// 1: internal error, resubmit.
    UnknownError,
    /// 2: the method does not exist.
    UnknownMethod,
    /// 3: temporarily unavailable.
    ServiceUnavailable,
    /// 4: the method was switched off.
    MethodDeprecated,
    /// 100: a parameter is invalid.
    InvalidParameter,
    /// 100 with `parameter 'NAME' is necessary`: a parameter is missing
    /// ([`Error::missing_parameter`] gives its name).
    MissingParameter,
    /// 102: the session key or uid is wrong or expired.
    AuthorizationFailed,
    /// 103: unknown application id.
    InvalidApplication,
    /// 104: the signature does not match.
    InvalidSignature,
    /// 105: the user has not installed the application.
    AppNotInstalled,
    /// 200: a privilege (scope) is missing.
    PermissionDenied,
    /// 202: the object is not visible to the caller (e.g. a closed community).
    AccessDenied,
    /// 202 with "you are in blacklist": the owner blocked the caller.
    Blacklisted,
    /// 501: the image is not acceptable.
    InvalidImage,
    /// Any other code.
    Unknown,
}

impl ApiErrorKind {
    /// The kind of an `error_code` and its `error_msg`: the code decides, the message only
    /// splits a code the platform uses for several things (100: missing vs invalid
    /// parameter; 202: blacklist vs private object).
    ///
    /// ```
    /// use mailru_api::ApiErrorKind;
    /// assert_eq!(ApiErrorKind::from_code(104, "Incorrect signature"), ApiErrorKind::InvalidSignature);
    /// assert_eq!(ApiErrorKind::from_code(100, "parameter 'sig' is necessary"), ApiErrorKind::MissingParameter);
    /// assert_eq!(ApiErrorKind::from_code(100, "uids: not a number"), ApiErrorKind::InvalidParameter);
    /// ```
    pub fn from_code(code: i64, message: &str) -> Self {
        match code {
            1 => ApiErrorKind::UnknownError,
            2 => ApiErrorKind::UnknownMethod,
            3 => ApiErrorKind::ServiceUnavailable,
            4 => ApiErrorKind::MethodDeprecated,
            100 if missing_parameter(message).is_some() => ApiErrorKind::MissingParameter,
            100 => ApiErrorKind::InvalidParameter,
            102 => ApiErrorKind::AuthorizationFailed,
            103 => ApiErrorKind::InvalidApplication,
            104 => ApiErrorKind::InvalidSignature,
            105 => ApiErrorKind::AppNotInstalled,
            200 => ApiErrorKind::PermissionDenied,
            202 if message.to_ascii_lowercase().contains("blacklist") => ApiErrorKind::Blacklisted,
            202 => ApiErrorKind::AccessDenied,
            501 => ApiErrorKind::InvalidImage,
            _ => ApiErrorKind::Unknown,
        }
    }
}

/// `NAME` of the platform's `parameter 'NAME' is necessary` (spec §2.1).
fn missing_parameter(message: &str) -> Option<&str> {
    let rest = message.trim().strip_prefix("parameter '")?;
    let (name, tail) = rest.split_once('\'')?;
    (tail.trim() == "is necessary" && !name.is_empty()).then_some(name)
}

impl Error {
    /// Whether trying again may succeed: transport errors (not a too-large body), timeouts,
    /// HTTP 5xx and API codes 1 and 3. Whether a call *is* retried also depends on the
    /// method (writes and methods outside the catalog only when opted in) and the retry
    /// budget.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Transport { kind, .. } => !matches!(kind, TransportKind::TooLarge { .. }),
            Error::Timeout(_) => true,
            Error::Http { status, .. } => (500..600).contains(status),
            Error::Api { kind, .. } => matches!(
                kind,
                ApiErrorKind::UnknownError | ApiErrorKind::ServiceUnavailable
            ),
            _ => false,
        }
    }

    /// The API error code, if this is an API error.
    pub fn api_code(&self) -> Option<i64> {
        match self {
            Error::Api { code, .. } => Some(*code),
            _ => None,
        }
    }

    /// The API error kind, if this is an API error.
    pub fn api_kind(&self) -> Option<ApiErrorKind> {
        match self {
            Error::Api { kind, .. } => Some(*kind),
            _ => None,
        }
    }

    /// The missing parameter's name of an API error 100 `parameter 'NAME' is necessary`.
    pub fn missing_parameter(&self) -> Option<&str> {
        match self {
            Error::Api {
                kind: ApiErrorKind::MissingParameter,
                message,
                ..
            } => missing_parameter(message),
            _ => None,
        }
    }

    /// The transport phase that failed, if this is a transport error.
    pub fn transport_kind(&self) -> Option<TransportKind> {
        match self {
            Error::Transport { kind, .. } => Some(*kind),
            _ => None,
        }
    }

    /// An API error from the platform's `error_code` and `error_msg` (the message is
    /// bounded and sanitized here, so every API error is safe to print).
    pub fn api(code: i64, message: &str) -> Self {
        Error::Api {
            code,
            kind: ApiErrorKind::from_code(code, message),
            message: sanitize(message),
        }
    }

    /// A transport error of `kind` caused by `source`: what a custom [`Transport`]
    /// returns.
    ///
    /// [`Transport`]: crate::Transport
    pub fn transport(
        kind: TransportKind,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> Self {
        Error::Transport {
            kind,
            source: Some(Cause::new(source)),
        }
    }

    /// An invalid request without an underlying error.
    pub fn invalid(message: impl Into<String>) -> Self {
        Error::InvalidRequest {
            message: message.into(),
            source: None,
        }
    }

    /// An invalid request caused by `source`.
    pub(crate) fn invalid_because(
        message: impl Into<String>,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> Self {
        Error::InvalidRequest {
            message: message.into(),
            source: Some(Cause::new(source)),
        }
    }

    /// An HTTP error status with a body that is not an API error.
    pub(crate) fn http(status: u16, body: &[u8]) -> Self {
        Error::Http {
            status,
            body_start: body_start(body),
        }
    }
}

impl From<mailru_sign::Error> for Error {
    fn from(e: mailru_sign::Error) -> Self {
        Error::invalid_because(e.to_string(), e)
    }
}

/// The underlying error of an [`Error`], shared so that errors stay cheap to clone.
/// `source()` of the [`Error`] is the underlying error itself (downcast it to the type
/// you expect, e.g. `std::io::Error`).
#[derive(Clone)]
pub struct Cause(Arc<dyn std::error::Error + Send + Sync + 'static>);

impl Cause {
    /// Wraps an error.
    pub fn new(error: impl std::error::Error + Send + Sync + 'static) -> Self {
        Cause(Arc::new(error))
    }

    /// Wraps a shared error (keeps its type for downcasting).
    pub fn from_arc(error: Arc<dyn std::error::Error + Send + Sync + 'static>) -> Self {
        Cause(error)
    }

    /// Wraps a boxed error (what hyper's stack returns).
    pub fn from_boxed(error: Box<dyn std::error::Error + Send + Sync + 'static>) -> Self {
        Cause(Arc::from(error))
    }
}

// Deliberately not `std::error::Error` itself: through `Deref` the error's `source()` is
// the wrapped error, not a wrapper, so callers can downcast it.
impl Deref for Cause {
    type Target = dyn std::error::Error + Send + Sync + 'static;

    fn deref(&self) -> &Self::Target {
        &*self.0
    }
}

impl fmt::Debug for Cause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Third-party Debug output may quote what the server sent; bound it.
        f.write_str(&sanitize(&format!("{:?}", self.0)))
    }
}

impl fmt::Display for Cause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&sanitize(&self.0.to_string()))
    }
}

/// `": a: b: c"`, the messages of a cause and its sources, or nothing.
fn chain_suffix(cause: Option<&Cause>) -> String {
    let Some(cause) = cause else {
        return String::new();
    };
    let mut out = format!(": {cause}");
    let mut next = cause.source();
    let mut depth = 0;
    while let Some(e) = next {
        depth += 1;
        let text = sanitize(&e.to_string());
        // hyper repeats its inner error's text at several levels; print each once.
        if depth > 8 || !out.contains(&text) {
            if depth > 8 {
                out.push_str(": …");
                break;
            }
            out.push_str(": ");
            out.push_str(&text);
        }
        next = e.source();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_cover_the_code_table_and_keep_unknown_codes() {
        for (code, kind) in [
            (1, ApiErrorKind::UnknownError),
            (2, ApiErrorKind::UnknownMethod),
            (3, ApiErrorKind::ServiceUnavailable),
            (4, ApiErrorKind::MethodDeprecated),
            (100, ApiErrorKind::InvalidParameter),
            (102, ApiErrorKind::AuthorizationFailed),
            (103, ApiErrorKind::InvalidApplication),
            (104, ApiErrorKind::InvalidSignature),
            (105, ApiErrorKind::AppNotInstalled),
            (200, ApiErrorKind::PermissionDenied),
            (202, ApiErrorKind::AccessDenied),
            (501, ApiErrorKind::InvalidImage),
            (777, ApiErrorKind::Unknown),
        ] {
            assert_eq!(ApiErrorKind::from_code(code, "whatever"), kind);
        }
    }

    #[test]
    fn one_code_several_meanings_are_told_apart_by_the_message() {
        let missing = Error::api(100, "parameter 'sig' is necessary");
        assert_eq!(missing.api_kind(), Some(ApiErrorKind::MissingParameter));
        assert_eq!(missing.missing_parameter(), Some("sig"));
        let invalid = Error::api(
            100,
            "One of the parameters specified is missing or invalid.",
        );
        assert_eq!(invalid.api_kind(), Some(ApiErrorKind::InvalidParameter));
        assert_eq!(invalid.missing_parameter(), None);
        let blacklist = Error::api(202, "Access to this object is denied: you are in blacklist");
        assert_eq!(blacklist.api_kind(), Some(ApiErrorKind::Blacklisted));
        assert_eq!(
            Error::api(202, "Access to this object is denied").api_kind(),
            Some(ApiErrorKind::AccessDenied)
        );
    }

    #[test]
    fn retryable_errors_are_the_transient_ones() {
        let io = || std::io::Error::new(std::io::ErrorKind::ConnectionReset, "reset");
        assert!(Error::transport(TransportKind::Send, io()).is_retryable());
        assert!(
            !Error::transport(TransportKind::TooLarge { limit: 1 }, io()).is_retryable(),
            "a body over the cap stays over the cap"
        );
        assert!(Error::Timeout(Duration::from_secs(1)).is_retryable());
        let http = |status| Error::Http {
            status,
            body_start: String::new(),
        };
        assert!(http(503).is_retryable());
        assert!(!http(404).is_retryable());
        assert!(Error::api(1, "x").is_retryable());
        assert!(Error::api(3, "x").is_retryable());
        assert!(!Error::api(104, "x").is_retryable());
        assert!(!Error::EmptyResponse.is_retryable());
    }

    #[test]
    fn clones_keep_the_variant_and_the_source() {
        let io = std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "refused");
        let err = Error::transport(TransportKind::Connect, io);
        let copy = err.clone();
        assert_eq!(copy.transport_kind(), Some(TransportKind::Connect));
        let source = std::error::Error::source(&copy).expect("a source");
        let io = source
            .downcast_ref::<std::io::Error>()
            .expect("the io error itself");
        assert_eq!(io.kind(), std::io::ErrorKind::ConnectionRefused);
        assert_eq!(copy.to_string(), "cannot connect: refused");
    }

    #[test]
    fn server_text_in_api_errors_is_bounded_and_sanitized() {
        let hostile = format!("\u{1b}[2J{}", "x".repeat(10_000));
        let err = Error::api(1, &hostile);
        let text = err.to_string();
        assert!(!text.contains('\u{1b}'), "{text}");
        assert!(text.chars().count() < 400, "{}", text.len());
    }
}
