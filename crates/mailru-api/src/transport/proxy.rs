//! A connector that honours `HTTPS_PROXY` / `HTTP_PROXY` / `NO_PROXY` by tunnelling through
//! the proxy with HTTP CONNECT; TLS to the destination is layered on top by hyper-rustls.
//!
//! A proxy taken from the environment never carries loopback destinations (`127.0.0.0/8`,
//! `::1`, `localhost` and `*.localhost`): a proxy elsewhere cannot reach the caller's
//! loopback, so honouring it would break every local server (the emulator included) on a
//! machine with a proxy set. A proxy configured explicitly applies to every destination.

use std::future::Future;
use std::net::IpAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use http::Uri;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::connect::proxy::Tunnel;
use hyper_util::client::proxy::matcher::{Intercept, Matcher};
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;
use tower_service::Service;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

#[derive(Clone)]
pub(crate) struct ProxyConnector {
    direct: HttpConnector,
    route: Arc<ProxyRoute>,
}

/// Which destinations go through which proxy.
pub(crate) struct ProxyRoute {
    /// `None`: every destination is connected directly.
    matcher: Option<Matcher>,
    /// Loopback destinations are connected directly whatever the matcher says (a proxy
    /// from the environment).
    loopback_direct: bool,
}

impl ProxyRoute {
    /// The route of a [`ProxyChoice`], reading the environment for `FromEnv`.
    fn of(choice: &ProxyChoice) -> Self {
        match choice {
            ProxyChoice::FromEnv => ProxyRoute::from_env_matcher(Matcher::from_env()),
            ProxyChoice::Fixed(url) => ProxyRoute {
                matcher: Some(Matcher::builder().all(url.clone()).build()),
                loopback_direct: false,
            },
            ProxyChoice::Direct => ProxyRoute {
                matcher: None,
                loopback_direct: true,
            },
        }
    }

    /// The route of a matcher built from proxy variables (the environment's, or given
    /// values in tests): loopback destinations are exempt.
    fn from_env_matcher(matcher: Matcher) -> Self {
        ProxyRoute {
            matcher: Some(matcher),
            loopback_direct: true,
        }
    }

    /// The proxy for `dst`, or `None` to connect directly.
    pub(crate) fn intercept(&self, dst: &Uri) -> Option<Intercept> {
        let matcher = self.matcher.as_ref()?;
        if self.loopback_direct && dst.host().is_some_and(is_loopback) {
            return None;
        }
        matcher.intercept(dst)
    }
}

/// Whether `host` (as in a URI: IPv6 in brackets) names the local machine's loopback:
/// `127.0.0.0/8`, `::1` (also IPv4-mapped, `::ffff:127.x.y.z`), `localhost` and names under
/// `.localhost` (RFC 6761), in any case, with or without a trailing dot.
pub(crate) fn is_loopback(host: &str) -> bool {
    let bare = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    if let Ok(ip) = bare.parse::<IpAddr>() {
        return match ip {
            IpAddr::V4(v4) => v4.is_loopback(),
            IpAddr::V6(v6) => {
                v6.is_loopback() || v6.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback())
            }
        };
    }
    let name = bare.strip_suffix('.').unwrap_or(bare).to_ascii_lowercase();
    name == "localhost" || name.ends_with(".localhost")
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
        ProxyConnector {
            direct,
            route: Arc::new(ProxyRoute::of(choice)),
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
        match self.route.intercept(&dst) {
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

    /// A route as the environment would give it, from given values (the process
    /// environment is never touched: `set_var` is unsafe, and tests run in parallel).
    fn env_route(all: &str, http: &str, https: &str, no: &str) -> ProxyRoute {
        ProxyRoute::from_env_matcher(
            Matcher::builder()
                .all(all.to_owned())
                .http(http.to_owned())
                .https(https.to_owned())
                .no(no.to_owned())
                .build(),
        )
    }

    /// The proxy `dst` goes through (`host:port`), or `None` for a direct connection.
    fn proxy_of(route: &ProxyRoute, dst: &str) -> Option<String> {
        let uri: Uri = dst.parse().expect("a valid test URI");
        route.intercept(&uri).map(|i| {
            i.uri()
                .authority()
                .map(ToString::to_string)
                .unwrap_or_default()
        })
    }

    const LOOPBACK: [&str; 10] = [
        "http://127.0.0.1:8080/platform/api",
        "https://127.0.0.1/",
        "http://127.255.255.254:1/",
        "http://[::1]:8080/",
        "https://[::ffff:127.0.0.1]:443/",
        "http://localhost:8080/",
        "https://LOCALHOST/",
        "http://localhost.:80/",
        "http://emulator.localhost:8080/",
        "https://a.b.LocalHost/",
    ];

    #[test]
    fn env_proxies_never_carry_loopback_destinations() {
        for route in [
            env_route("http://127.0.0.1:9", "", "", ""),
            env_route("", "http://127.0.0.1:9", "http://127.0.0.1:9", ""),
            env_route(
                "http://proxy:3128",
                "http://proxy:3128",
                "http://proxy:3128",
                "example.org",
            ),
        ] {
            for dst in LOOPBACK {
                assert_eq!(proxy_of(&route, dst), None, "{dst}");
            }
        }
    }

    #[test]
    fn env_proxies_still_carry_everything_else() {
        let route = env_route("", "http://httpproxy:3128", "http://tlsproxy:3129", "");
        assert_eq!(
            proxy_of(&route, "https://appsmail.ru/platform/api").as_deref(),
            Some("tlsproxy:3129")
        );
        assert_eq!(
            proxy_of(&route, "http://appsmail.ru/platform/api").as_deref(),
            Some("httpproxy:3128")
        );
        for not_loopback in [
            "http://10.0.0.1/",
            "http://0.0.0.0:8080/",
            "http://[::2]/",
            "http://localhost.example.org/",
            "http://notlocalhost/",
            "http://128.0.0.1/",
        ] {
            assert_eq!(
                proxy_of(&route, not_loopback).as_deref(),
                Some("httpproxy:3128"),
                "{not_loopback}"
            );
        }
        // ALL_PROXY fills in for both schemes; NO_PROXY still works.
        let route = env_route("http://all:1080", "", "", "connect.mail.ru");
        assert_eq!(
            proxy_of(&route, "https://appsmail.ru/").as_deref(),
            Some("all:1080")
        );
        assert_eq!(proxy_of(&route, "https://connect.mail.ru/"), None);
    }

    #[test]
    fn no_proxy_variables_mean_direct_connections() {
        let route = env_route("", "", "", "");
        assert_eq!(proxy_of(&route, "https://appsmail.ru/"), None);
    }

    #[test]
    fn a_configured_proxy_carries_loopback_too() {
        let route = ProxyRoute::of(&ProxyChoice::Fixed("http://127.0.0.1:3128".to_owned()));
        for dst in LOOPBACK.iter().chain(&["https://appsmail.ru/"]) {
            assert_eq!(
                proxy_of(&route, dst).as_deref(),
                Some("127.0.0.1:3128"),
                "{dst}"
            );
        }
    }

    #[test]
    fn direct_means_no_proxy_at_all() {
        let route = ProxyRoute::of(&ProxyChoice::Direct);
        for dst in LOOPBACK.iter().chain(&["https://appsmail.ru/"]) {
            assert_eq!(proxy_of(&route, dst), None, "{dst}");
        }
    }

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
