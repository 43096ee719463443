//! The one error type of the crate, separated by the phase that failed.

use std::time::Duration;

/// Result of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong with a call. Display never contains a signed URL, a token,
/// a key or a cookie.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The request could not be built; nothing was sent.
    #[error("invalid request: {0}")]
    InvalidRequest(String),
    /// The connection failed or broke (DNS, TCP, TLS, a truncated body).
    #[error("transport error: {0}")]
    Transport(String),
    /// No complete answer within the configured time.
    #[error("timed out after {0:?}")]
    Timeout(Duration),
    /// An HTTP status without an API error body (e.g. 502 from a proxy).
    #[error("HTTP status {status} without an API error body: {body_start}")]
    Http {
        /// The status code.
        status: u16,
        /// The first characters of the body.
        body_start: String,
    },
    /// The body is not what the method returns.
    #[error("cannot decode the response at `{path}`: {message}; body starts with: {body_start}")]
    Decode {
        /// JSON path of the failure, e.g. `[0].uid`.
        path: String,
        /// What serde said.
        message: String,
        /// The first characters of the body.
        body_start: String,
    },
    /// The platform answered with an error object.
    #[error("API error {code}: {message}")]
    Api {
        /// `error_code` as sent.
        code: i64,
        /// `error_msg` as sent.
        message: String,
        /// The meaning of the code.
        kind: ApiErrorKind,
    },
    /// A 200 with `{}`, `[]` or nothing, for a method whose answer cannot be empty
    /// (aiomailru's code -1).
    #[error("empty response")]
    EmptyResponse,
    /// The response body exceeded the configured size cap.
    #[error("response larger than the {0}-byte cap")]
    TooLarge(usize),
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
    /// 100: a parameter is missing or invalid.
    InvalidParameter,
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
    /// 501: the image is not acceptable.
    InvalidImage,
    /// Any other code.
    Unknown,
}

impl ApiErrorKind {
    /// The kind of an `error_code`.
    pub fn from_code(code: i64) -> Self {
        match code {
            1 => ApiErrorKind::UnknownError,
            2 => ApiErrorKind::UnknownMethod,
            3 => ApiErrorKind::ServiceUnavailable,
            4 => ApiErrorKind::MethodDeprecated,
            100 => ApiErrorKind::InvalidParameter,
            102 => ApiErrorKind::AuthorizationFailed,
            103 => ApiErrorKind::InvalidApplication,
            104 => ApiErrorKind::InvalidSignature,
            105 => ApiErrorKind::AppNotInstalled,
            200 => ApiErrorKind::PermissionDenied,
            202 => ApiErrorKind::AccessDenied,
            501 => ApiErrorKind::InvalidImage,
            _ => ApiErrorKind::Unknown,
        }
    }
}

impl Error {
    /// Whether trying again may succeed: transport errors, timeouts, HTTP 5xx and API
    /// codes 1 and 3. Whether a call *is* retried also depends on the method (writes only
    /// when opted in) and the retry budget.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Transport(_) | Error::Timeout(_) => true,
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

    pub(crate) fn api(code: i64, message: String) -> Self {
        Error::Api {
            code,
            message,
            kind: ApiErrorKind::from_code(code),
        }
    }
}

/// The start of a body for error messages: at most 200 characters, never mid-character.
pub(crate) fn body_start(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let mut out: String = text.chars().take(200).collect();
    if text.chars().count() > 200 {
        out.push('…');
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
            assert_eq!(ApiErrorKind::from_code(code), kind);
        }
    }

    #[test]
    fn retryable_errors_are_the_transient_ones() {
        assert!(Error::Transport("reset".into()).is_retryable());
        assert!(Error::Timeout(Duration::from_secs(1)).is_retryable());
        let http = |status| Error::Http {
            status,
            body_start: String::new(),
        };
        assert!(http(503).is_retryable());
        assert!(!http(404).is_retryable());
        assert!(Error::api(1, "x".into()).is_retryable());
        assert!(Error::api(3, "x".into()).is_retryable());
        assert!(!Error::api(104, "x".into()).is_retryable());
        assert!(!Error::EmptyResponse.is_retryable());
    }

    #[test]
    fn body_start_is_bounded() {
        let long = "я".repeat(500);
        let s = body_start(long.as_bytes());
        assert_eq!(s.chars().count(), 201);
    }
}
