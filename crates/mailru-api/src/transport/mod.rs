//! Sending HTTP requests: a small trait, so users and tests can plug in their own, and the
//! default hyper implementation.

mod hyper_transport;
mod proxy;
mod tls;

use std::fmt;

use async_trait::async_trait;
use bytes::Bytes;
use http::{HeaderMap, Method};
use url::Url;

use crate::error::Error;

pub use hyper_transport::{HyperTransport, HyperTransportBuilder};

/// One HTTP request. `Debug` shows the path only: the query and body carry tokens and
/// signatures.
#[derive(Clone)]
pub struct HttpRequest {
    /// GET or POST.
    pub method: Method,
    /// The full URL, query included.
    pub url: Url,
    /// Headers (`Content-Type` for bodies, `Cookie` for the login flow).
    pub headers: HeaderMap,
    /// The body; empty for GET.
    pub body: Bytes,
}

impl fmt::Debug for HttpRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpRequest")
            .field("method", &self.method)
            .field("origin", &self.url.origin().ascii_serialization())
            .field("path", &self.url.path())
            .field("query", &"[redacted]")
            .field("body_len", &self.body.len())
            .finish()
    }
}

/// One HTTP response, body read in full.
#[derive(Clone)]
pub struct HttpResponse {
    /// Status code.
    pub status: u16,
    /// Headers (`Location` and `Set-Cookie` matter to the login flow).
    pub headers: HeaderMap,
    /// The body.
    pub body: Bytes,
}

impl fmt::Debug for HttpResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpResponse")
            .field("status", &self.status)
            .field("body_len", &self.body.len())
            .finish_non_exhaustive()
    }
}

/// Sends one request and reads the whole response. Implementations must not follow
/// redirects (the OAuth flows read `Location` themselves) and should cap the body size.
///
/// ```
/// use async_trait::async_trait;
/// use mailru_api::{Error, HttpRequest, HttpResponse, Transport};
///
/// /// A transport that answers every request with the same body, for tests.
/// #[derive(Debug)]
/// struct Canned(&'static str);
///
/// #[async_trait]
/// impl Transport for Canned {
///     async fn send(&self, _request: HttpRequest) -> Result<HttpResponse, Error> {
///         Ok(HttpResponse { status: 200, headers: Default::default(), body: self.0.into() })
///     }
/// }
/// ```
#[async_trait]
pub trait Transport: Send + Sync + fmt::Debug {
    /// Sends `request`. Errors are [`Error::Transport`] (with
    /// [`TransportKind::TooLarge`](crate::TransportKind::TooLarge) for a body over the cap) or
    /// [`Error::Timeout`]; HTTP error statuses are responses, not errors.
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, Error>;
}

/// A shared transport is a transport.
#[async_trait]
impl<T: Transport + ?Sized> Transport for std::sync::Arc<T> {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, Error> {
        (**self).send(request).await
    }
}
