//! A connector that honours `HTTPS_PROXY` / `HTTP_PROXY` / `NO_PROXY` by tunnelling through
//! the proxy with HTTP CONNECT; TLS to the destination is layered on top by hyper-rustls.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use http::Uri;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::connect::proxy::Tunnel;
use hyper_util::client::proxy::matcher::Matcher;
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;
use tower_service::Service;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

#[derive(Clone)]
pub(crate) struct ProxyConnector {
    direct: HttpConnector,
    matcher: Option<Arc<Matcher>>,
}

/// Where the proxy settings come from. `Debug` hides proxy credentials.
#[derive(Clone, PartialEq, Eq)]
pub(crate) enum ProxyChoice {
    /// `HTTPS_PROXY` / `HTTP_PROXY` / `ALL_PROXY` / `NO_PROXY`.
    FromEnv,
    /// This proxy for every destination.
    Fixed(String),
    /// Connect directly.
    Direct,
}

impl std::fmt::Debug for ProxyChoice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ProxyChoice::FromEnv => f.write_str("FromEnv"),
            ProxyChoice::Direct => f.write_str("Direct"),
            ProxyChoice::Fixed(url) => {
                // `scheme://user:pass@host` → `scheme://[redacted]@host`.
                let shown = match (url.find("://"), url.rfind('@')) {
                    (Some(scheme), Some(at)) if at > scheme => {
                        format!("{}[redacted]{}", &url[..scheme + 3], &url[at..])
                    }
                    _ => url.clone(),
                };
                f.debug_tuple("Fixed").field(&shown).finish()
            }
        }
    }
}

impl ProxyConnector {
    pub(crate) fn new(direct: HttpConnector, choice: &ProxyChoice) -> Self {
        let matcher = match choice {
            ProxyChoice::FromEnv => Some(Matcher::from_env()),
            ProxyChoice::Fixed(url) => Some(Matcher::builder().all(url.clone()).build()),
            ProxyChoice::Direct => None,
        };
        ProxyConnector {
            direct,
            matcher: matcher.map(Arc::new),
        }
    }
}

/// A failure of the tunnel through the proxy (so the client can say "the proxy failed").
#[derive(Debug)]
pub(crate) struct ProxyFailed(BoxError);

impl std::fmt::Display for ProxyFailed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "proxy tunnel: {}", self.0)
    }
}

impl std::error::Error for ProxyFailed {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&*self.0)
    }
}

impl Service<Uri> for ProxyConnector {
    type Response = TokioIo<TcpStream>;
    type Error = BoxError;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, BoxError>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        self.direct.poll_ready(cx).map_err(Into::into)
    }

    fn call(&mut self, dst: Uri) -> Self::Future {
        let intercept = self.matcher.as_ref().and_then(|m| m.intercept(&dst));
        match intercept {
            Some(proxy) => {
                let mut tunnel = Tunnel::new(proxy.uri().clone(), self.direct.clone());
                if let Some(auth) = proxy.basic_auth() {
                    tunnel = tunnel.with_auth(auth.clone());
                }
                Box::pin(async move {
                    tunnel
                        .call(dst)
                        .await
                        .map_err(|e| Box::new(ProxyFailed(e.into())) as BoxError)
                })
            }
            None => {
                let connecting = self.direct.call(dst);
                Box::pin(async move { connecting.await.map_err(Into::into) })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_hides_proxy_credentials() {
        let shown = format!(
            "{:?}",
            ProxyChoice::Fixed("http://user:SECRET@proxy:3128".to_owned())
        );
        assert_eq!(shown, r#"Fixed("http://[redacted]@proxy:3128")"#);
        let plain = format!("{:?}", ProxyChoice::Fixed("http://proxy:3128".to_owned()));
        assert!(plain.contains("proxy:3128"));
    }
}
