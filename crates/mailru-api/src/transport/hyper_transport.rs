//! The default transport: a pooled hyper-util client over hyper-rustls (ring, webpki roots
//! plus any the user trusts, HTTP/1.1 and HTTP/2), proxies from the environment (loopback
//! exempt), a connect timeout, a cap on requests in flight and a body cap.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper_rustls::{HttpsConnector, HttpsConnectorBuilder};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::{TokioExecutor, TokioTimer};
use tokio::sync::Semaphore;

use super::proxy::{ProxyChoice, ProxyConnector, ProxyFailed};
use super::tls::ExtraRoots;
use super::{HttpRequest, HttpResponse, Transport};
use crate::error::{Cause, Error, TransportKind};

/// Default connect timeout.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default cap of a response body.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 32 * 1024 * 1024;
/// Default cap of the requests one transport has in flight at once.
pub const DEFAULT_MAX_IN_FLIGHT: usize = 256;
/// Default time an idle pooled connection is kept.
pub const DEFAULT_POOL_IDLE_TIMEOUT: Duration = Duration::from_secs(90);

/// The default [`Transport`]. Cheap to clone; clones share the connection pool and the
/// cap on requests in flight.
#[derive(Clone, Debug)]
pub struct HyperTransport {
    client: Client<HttpsConnector<ProxyConnector>, Full<Bytes>>,
    max_response_bytes: usize,
    /// One permit per request in flight, held until its body is read.
    in_flight: Arc<Semaphore>,
}

impl std::fmt::Debug for ProxyConnector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ProxyConnector")
    }
}

/// Options of [`HyperTransport`].
#[derive(Debug, Clone)]
pub struct HyperTransportBuilder {
    connect_timeout: Duration,
    max_response_bytes: usize,
    proxy: ProxyChoice,
    pool_idle_timeout: Duration,
    max_in_flight: usize,
    roots: ExtraRoots,
}

impl Default for HyperTransportBuilder {
    fn default() -> Self {
        HyperTransportBuilder {
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            proxy: ProxyChoice::FromEnv,
            pool_idle_timeout: DEFAULT_POOL_IDLE_TIMEOUT,
            max_in_flight: DEFAULT_MAX_IN_FLIGHT,
            roots: ExtraRoots::default(),
        }
    }
}

impl HyperTransportBuilder {
    /// Time to establish a TCP connection (default 10 s).
    #[must_use]
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Largest response body read (default 32 MiB); larger is a [`TransportKind::TooLarge`](crate::TransportKind::TooLarge) transport error.
    #[must_use]
    pub fn max_response_bytes(mut self, bytes: usize) -> Self {
        self.max_response_bytes = bytes;
        self
    }

    /// Whether to honour `HTTPS_PROXY` / `HTTP_PROXY` / `ALL_PROXY` / `NO_PROXY` (the
    /// default); `false` connects directly. Loopback destinations (`127.0.0.0/8`, `::1`,
    /// `localhost`) never go through a proxy from the environment: it could not reach
    /// them.
    #[must_use]
    pub fn proxy_from_env(mut self, yes: bool) -> Self {
        self.proxy = if yes {
            ProxyChoice::FromEnv
        } else {
            ProxyChoice::Direct
        };
        self
    }

    /// Sends every request through this HTTP proxy (`http://[user:pass@]host:port`),
    /// tunnelling with `CONNECT`, whatever the environment says; loopback destinations
    /// too.
    #[must_use]
    pub fn proxy(mut self, url: impl Into<String>) -> Self {
        self.proxy = ProxyChoice::Fixed(url.into());
        self
    }

    /// How long an idle pooled connection is kept before it is closed (default 90 s).
    #[must_use]
    pub fn pool_idle_timeout(mut self, timeout: Duration) -> Self {
        self.pool_idle_timeout = timeout;
        self
    }

    /// Most requests in flight at once through this transport and its clones (default
    /// 256, at least 1); more wait for a turn, and the wait counts toward the caller's
    /// attempt timeout. This bounds the connections (and file descriptors) one client
    /// holds, however many calls run concurrently; idle pooled connections are capped
    /// at the same number.
    #[must_use]
    pub fn max_in_flight(mut self, requests: usize) -> Self {
        self.max_in_flight = requests.clamp(1, Semaphore::MAX_PERMITS);
        self
    }

    /// Trusts this root certificate (DER) besides Mozilla's roots (webpki-roots): for
    /// a corporate TLS-inspecting proxy, or a test server with its own certificate
    /// authority.
    ///
    /// # Errors
    /// [`Error::InvalidRequest`] when `der` is not a certificate usable as a root.
    pub fn add_root_certificate_der(mut self, der: impl Into<Vec<u8>>) -> Result<Self, Error> {
        self.roots.add_der(der.into())?;
        Ok(self)
    }

    /// Trusts every certificate of a PEM text (`-----BEGIN CERTIFICATE-----` sections;
    /// other sections are ignored) besides Mozilla's roots.
    ///
    /// # Errors
    /// [`Error::InvalidRequest`] when the text has no certificate, or one that is not
    /// usable as a root (then none of them is added).
    pub fn add_root_certificates_pem(mut self, pem: impl AsRef<[u8]>) -> Result<Self, Error> {
        self.roots.add_pem(pem.as_ref())?;
        Ok(self)
    }

    /// Builds the transport. Must run inside a tokio runtime when used.
    pub fn build(self) -> HyperTransport {
        let mut http = HttpConnector::new();
        http.set_connect_timeout(Some(self.connect_timeout));
        http.set_nodelay(true);
        // hyper-rustls decides per URI whether to add TLS.
        http.enforce_http(false);
        let connector = HttpsConnectorBuilder::new()
            .with_tls_config(self.roots.client_config())
            .https_or_http()
            .enable_http1()
            .enable_http2()
            .wrap_connector(ProxyConnector::new(http, &self.proxy));
        let client = Client::builder(TokioExecutor::new())
            // Without a timer the pool never closes idle connections: it only refuses to
            // reuse expired ones, and their sockets stay open until the next checkout.
            .pool_timer(TokioTimer::new())
            .pool_idle_timeout(self.pool_idle_timeout)
            .pool_max_idle_per_host(self.max_in_flight)
            .build(connector);
        HyperTransport {
            client,
            max_response_bytes: self.max_response_bytes,
            in_flight: Arc::new(Semaphore::new(self.max_in_flight)),
        }
    }
}

impl HyperTransport {
    /// A transport with the default options.
    pub fn new() -> Self {
        HyperTransportBuilder::default().build()
    }

    /// Options for a transport.
    pub fn builder() -> HyperTransportBuilder {
        HyperTransportBuilder::default()
    }
}

impl Default for HyperTransport {
    fn default() -> Self {
        HyperTransport::new()
    }
}

/// A refused connection on loopback: most often an emulator whose handle was dropped
/// (which stops it). Says so; `source()` goes on to the OS error.
#[derive(Debug)]
struct NothingListens(Cause);

impl std::fmt::Display for NothingListens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(
            "nothing answers on this loopback address (if it is a mailru emulator: it stops \
             when its handle is dropped; keep the handle alive while calls are made)",
        )
    }
}

impl std::error::Error for NothingListens {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&*self.0)
    }
}

/// The transport error of a hyper client error. The connector's errors are connect, TLS
/// or proxy failures (told apart by the types in the chain), the rest happened while
/// sending the request or waiting for the response head. A TLS failure's cause is the
/// rustls error itself (hyper-rustls hides it inside an `io::Error`, whose `source()`
/// skips it), so `source()` leads straight to it.
fn transport_error(err: hyper_util::client::legacy::Error) -> Error {
    match classify(&err) {
        (TransportKind::Tls, Some(tls)) => Error::transport(TransportKind::Tls, tls),
        (kind, _) => Error::transport(kind, err),
    }
}

fn classify(err: &hyper_util::client::legacy::Error) -> (TransportKind, Option<rustls::Error>) {
    let kind = if err.is_connect() {
        TransportKind::Connect
    } else {
        TransportKind::Send
    };
    let mut next: Option<&(dyn std::error::Error + 'static)> = Some(err);
    // Bounded: a chain is short, but a cyclic `source()` must not hang the client.
    for _ in 0..32 {
        let Some(e) = next else { break };
        if e.is::<ProxyFailed>() {
            return (TransportKind::Proxy, None);
        }
        if let Some(tls) = e.downcast_ref::<rustls::Error>() {
            return (TransportKind::Tls, Some(tls.clone()));
        }
        next = inner(e);
    }
    (kind, None)
}

/// The next error of a chain. An `io::Error` wrapping another error is looked into: its
/// `source()` is the wrapped error's source, skipping the wrapped error itself (and
/// hyper-rustls wraps its rustls error in two of them).
fn inner<'a>(
    e: &'a (dyn std::error::Error + 'static),
) -> Option<&'a (dyn std::error::Error + 'static)> {
    if let Some(io) = e.downcast_ref::<std::io::Error>()
        && let Some(wrapped) = io.get_ref()
    {
        let wrapped: &(dyn std::error::Error + 'static) = wrapped;
        return Some(wrapped);
    }
    e.source()
}

/// The hyper request of `request`. Outside `send`'s future: what it takes apart would
/// otherwise be kept in the future (boxed per call) across every await.
fn hyper_request(request: HttpRequest) -> Result<http::Request<Full<Bytes>>, Error> {
    let mut builder = http::Request::builder()
        .method(request.method)
        .uri(request.url.as_str());
    if let Some(headers) = builder.headers_mut() {
        *headers = request.headers;
    }
    builder
        .body(Full::new(request.body))
        .map_err(|e| Error::invalid_because("cannot build the HTTP request", e))
}

#[async_trait]
impl Transport for HyperTransport {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, Error> {
        let loopback = request
            .url
            .host_str()
            .is_some_and(super::proxy::is_loopback);
        let req = hyper_request(request)?;
        // Held until the body is read: the connection is busy until then.
        let _permit = self
            .in_flight
            .acquire()
            .await
            .map_err(|e| Error::Transport {
                // Never closed; should it be, the request cannot be sent.
                kind: TransportKind::Other,
                source: Some(Cause::new(e)),
            })?;
        let resp = self
            .client
            .request(req)
            .await
            .map_err(|e| match transport_error(e) {
                Error::Transport {
                    kind: TransportKind::Connect,
                    source: Some(cause),
                } if loopback => Error::transport(TransportKind::Connect, NothingListens(cause)),
                other => other,
            })?;
        let (parts, body) = resp.into_parts();
        let (status, headers) = (parts.status.as_u16(), parts.headers);
        let limit = self.max_response_bytes;
        let body = Limited::new(body, limit)
            .collect()
            .await
            .map_err(|e| {
                let kind = if e.is::<http_body_util::LengthLimitError>() {
                    TransportKind::TooLarge { limit }
                } else {
                    TransportKind::Body
                };
                Error::Transport {
                    kind,
                    source: Some(Cause::from_boxed(e)),
                }
            })?
            .to_bytes();
        Ok(HttpResponse {
            status,
            headers,
            body,
        })
    }
}
