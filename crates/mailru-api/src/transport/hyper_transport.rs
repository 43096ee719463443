//! The default transport: a pooled hyper-util client over hyper-rustls (ring, webpki roots,
//! HTTP/1.1 and HTTP/2), proxies from the environment, a connect timeout and a body cap.

use std::time::Duration;

use async_trait::async_trait;
use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper_rustls::{HttpsConnector, HttpsConnectorBuilder};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;

use super::proxy::{ProxyChoice, ProxyConnector, ProxyFailed};
use super::{HttpRequest, HttpResponse, Transport};
use crate::error::{Cause, Error, TransportKind};

/// Default connect timeout.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default cap of a response body.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 32 * 1024 * 1024;

/// The default [`Transport`]. Cheap to clone; clones share the connection pool.
#[derive(Clone, Debug)]
pub struct HyperTransport {
    client: Client<HttpsConnector<ProxyConnector>, Full<Bytes>>,
    max_response_bytes: usize,
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
}

impl Default for HyperTransportBuilder {
    fn default() -> Self {
        HyperTransportBuilder {
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            proxy: ProxyChoice::FromEnv,
            pool_idle_timeout: Duration::from_secs(90),
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

    /// Largest response body read (default 32 MiB); larger is [`Error::TooLarge`].
    #[must_use]
    pub fn max_response_bytes(mut self, bytes: usize) -> Self {
        self.max_response_bytes = bytes;
        self
    }

    /// Whether to honour `HTTPS_PROXY` / `HTTP_PROXY` / `ALL_PROXY` / `NO_PROXY` (the
    /// default); `false` connects directly.
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
    /// tunnelling with `CONNECT`, whatever the environment says.
    #[must_use]
    pub fn proxy(mut self, url: impl Into<String>) -> Self {
        self.proxy = ProxyChoice::Fixed(url.into());
        self
    }

    /// How long an idle pooled connection is kept (default 90 s).
    #[must_use]
    pub fn pool_idle_timeout(mut self, timeout: Duration) -> Self {
        self.pool_idle_timeout = timeout;
        self
    }

    /// Builds the transport. Must run inside a tokio runtime when used.
    pub fn build(self) -> HyperTransport {
        let mut http = HttpConnector::new();
        http.set_connect_timeout(Some(self.connect_timeout));
        http.set_nodelay(true);
        // hyper-rustls decides per URI whether to add TLS.
        http.enforce_http(false);
        let connector = HttpsConnectorBuilder::new()
            .with_webpki_roots()
            .https_or_http()
            .enable_http1()
            .enable_http2()
            .wrap_connector(ProxyConnector::new(http, &self.proxy));
        let client = Client::builder(TokioExecutor::new())
            .pool_idle_timeout(self.pool_idle_timeout)
            .build(connector);
        HyperTransport {
            client,
            max_response_bytes: self.max_response_bytes,
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

/// In which phase a hyper client error happened: the connector's errors are connect,
/// TLS or proxy failures (told apart by the types in the chain), the rest happened while
/// sending the request or waiting for the response head.
fn classify(err: &hyper_util::client::legacy::Error) -> TransportKind {
    let mut next: Option<&(dyn std::error::Error + 'static)> = Some(err);
    let mut kind = if err.is_connect() {
        TransportKind::Connect
    } else {
        TransportKind::Send
    };
    while let Some(e) = next {
        if e.is::<ProxyFailed>() {
            return TransportKind::Proxy;
        }
        if e.is::<rustls::Error>() {
            return TransportKind::Tls;
        }
        if let Some(io) = e.downcast_ref::<std::io::Error>()
            && io
                .get_ref()
                .is_some_and(|inner| inner.is::<rustls::Error>())
        {
            kind = TransportKind::Tls;
        }
        next = e.source();
    }
    kind
}

#[async_trait]
impl Transport for HyperTransport {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, Error> {
        let mut builder = http::Request::builder()
            .method(request.method)
            .uri(request.url.as_str());
        if let Some(headers) = builder.headers_mut() {
            *headers = request.headers;
        }
        let req = builder
            .body(Full::new(request.body))
            .map_err(|e| Error::invalid_because("cannot build the HTTP request", e))?;
        let resp = self
            .client
            .request(req)
            .await
            .map_err(|e| Error::transport(classify(&e), e))?;
        let (parts, body) = resp.into_parts();
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
            status: parts.status.as_u16(),
            headers: parts.headers,
            body,
        })
    }
}
