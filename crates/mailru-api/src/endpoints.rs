//! Where requests go. https by default; one call routes everything to a single origin (the
//! emulator) with the real paths kept; plain http only when asked for explicitly.

use url::Url;

use crate::error::{Error, Result};

/// The URLs of the platform's endpoints (decisions.md, "Transport and envelope").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoints {
    /// REST API: `https://appsmail.ru/platform/api`.
    pub api: Url,
    /// OAuth dialog: `https://connect.mail.ru/oauth/authorize`.
    pub authorize: Url,
    /// Token endpoint of the code grant: `https://connect.mail.ru/oauth/token`.
    pub code_token: Url,
    /// Token endpoint of the password and refresh grants: `https://appsmail.ru/oauth/token`.
    pub token: Url,
    /// Standalone redirect target: `https://connect.mail.ru/oauth/success.html`.
    pub success: Url,
    /// Base of the public profile endpoint: `https://appsmail.ru/platform/` (+ `mail/nick`).
    pub public: Url,
}

fn parse(s: &str) -> Url {
    // The literals below are valid URLs; a failure here would be a typo caught by the tests.
    Url::parse(s).unwrap_or_else(|e| panic!("built-in endpoint {s} is invalid: {e}"))
}

impl Default for Endpoints {
    fn default() -> Self {
        Endpoints {
            api: parse("https://appsmail.ru/platform/api"),
            authorize: parse("https://connect.mail.ru/oauth/authorize"),
            code_token: parse("https://connect.mail.ru/oauth/token"),
            token: parse("https://appsmail.ru/oauth/token"),
            success: parse("https://connect.mail.ru/oauth/success.html"),
            public: parse("https://appsmail.ru/platform/"),
        }
    }
}

impl Endpoints {
    /// Every endpoint on one origin with the real paths: `{base}/platform/api`,
    /// `{base}/oauth/authorize`, `{base}/oauth/token`, ... This is how tests, examples and the
    /// CLI reach the emulator. Plain `http` is accepted here because choosing a base URL
    /// is the explicit configuration decisions.md asks for.
    ///
    /// ```
    /// let e = mailru_api::Endpoints::single_origin("http://127.0.0.1:8080")?;
    /// assert_eq!(e.api.as_str(), "http://127.0.0.1:8080/platform/api");
    /// assert_eq!(e.token.as_str(), "http://127.0.0.1:8080/oauth/token");
    /// # Ok::<(), mailru_api::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidRequest`] when `base` is not an absolute http(s) URL.
    pub fn single_origin(base: &str) -> Result<Self> {
        let base = Url::parse(base.trim_end_matches('/'))
            .map_err(|e| Error::InvalidRequest(format!("base URL `{base}` is invalid: {e}")))?;
        if !matches!(base.scheme(), "http" | "https") || base.host().is_none() {
            return Err(Error::InvalidRequest(format!(
                "base URL `{base}` must be http:// or https:// with a host"
            )));
        }
        let join = |path: &str| {
            base.join(path)
                .map_err(|e| Error::InvalidRequest(format!("cannot join {path} to {base}: {e}")))
        };
        Ok(Endpoints {
            api: join("/platform/api")?,
            authorize: join("/oauth/authorize")?,
            code_token: join("/oauth/token")?,
            token: join("/oauth/token")?,
            success: join("/oauth/success.html")?,
            public: join("/platform/")?,
        })
    }

    /// Checks that every endpoint is https, unless `allow_http` (set by
    /// [`single_origin`](Self::single_origin) users or explicitly) permits plain http.
    pub(crate) fn check(&self, allow_http: bool) -> Result<()> {
        for url in [
            &self.api,
            &self.authorize,
            &self.code_token,
            &self.token,
            &self.success,
            &self.public,
        ] {
            match url.scheme() {
                "https" => {}
                "http" if allow_http => {}
                other => {
                    return Err(Error::InvalidRequest(format!(
                        "endpoint {url} uses `{other}`; only https is allowed unless plain http is enabled explicitly"
                    )));
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_https_and_pass_the_check() {
        let e = Endpoints::default();
        assert!(e.check(false).is_ok());
        assert_eq!(e.api.as_str(), "https://appsmail.ru/platform/api");
        assert_eq!(e.code_token.as_str(), "https://connect.mail.ru/oauth/token");
    }

    #[test]
    fn plain_http_needs_explicit_permission() {
        let e = Endpoints {
            api: Url::parse("http://appsmail.ru/platform/api").unwrap(),
            ..Endpoints::default()
        };
        assert!(matches!(e.check(false), Err(Error::InvalidRequest(_))));
        assert!(e.check(true).is_ok());
    }

    #[test]
    fn single_origin_keeps_real_paths_and_rejects_garbage() {
        let e = Endpoints::single_origin("http://127.0.0.1:1/").unwrap();
        assert_eq!(e.public.as_str(), "http://127.0.0.1:1/platform/");
        assert_eq!(e.success.as_str(), "http://127.0.0.1:1/oauth/success.html");
        assert!(Endpoints::single_origin("ftp://x").is_err());
        assert!(Endpoints::single_origin("not a url").is_err());
    }
}
