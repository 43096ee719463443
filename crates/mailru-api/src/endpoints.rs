//! Where requests go. https by default; one call routes everything to a single origin (the
//! emulator), another gives each of the platform's three hosts its own origin, with the
//! real paths kept; plain http only when asked for explicitly.

use url::Url;

use crate::error::{Error, Result};

/// The URLs of the platform's endpoints (decisions.md, "Transport and envelope").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoints {
    /// REST API: `https://appsmail.ru/platform/api`.
    pub api: Url,
    /// Base of the public endpoint: `https://appsmail.ru/platform/` (+ `mail/nick`).
    pub public: Url,
    /// Token endpoint of the password and refresh grants: `https://appsmail.ru/oauth/token`.
    pub token: Url,
    /// OAuth dialog: `https://connect.mail.ru/oauth/authorize`.
    pub authorize: Url,
    /// Token endpoint of the code grant: `https://connect.mail.ru/oauth/token`.
    pub code_token: Url,
    /// The standalone redirect target, `http://connect.mail.ru/oauth/success.html` (spec
    /// §5.2). Never requested: the token is read from the redirect's `Location`, and only a
    /// redirect to exactly this URL is believed.
    pub success: Url,
    /// Where the login form posts the password: `https://auth.mail.ru/cgi-bin/auth`. The
    /// password is never posted anywhere else.
    pub login: Url,
}

fn parse(s: &str) -> Url {
    // The literals below are valid URLs; the `defaults_are_https...` test parses each.
    Url::parse(s).unwrap_or_else(|e| panic!("built-in endpoint {s} is invalid: {e}"))
}

impl Default for Endpoints {
    fn default() -> Self {
        Endpoints {
            api: parse("https://appsmail.ru/platform/api"),
            public: parse("https://appsmail.ru/platform/"),
            token: parse("https://appsmail.ru/oauth/token"),
            authorize: parse("https://connect.mail.ru/oauth/authorize"),
            code_token: parse("https://connect.mail.ru/oauth/token"),
            success: parse("http://connect.mail.ru/oauth/success.html"),
            login: parse("https://auth.mail.ru/cgi-bin/auth"),
        }
    }
}

/// An absolute http(s) origin (or base URL) given by a user.
fn base(text: &str) -> Result<Url> {
    let url = Url::parse(text.trim_end_matches('/'))
        .map_err(|e| Error::invalid_because(format!("base URL `{text}` is invalid"), e))?;
    if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
        return Err(Error::invalid(format!(
            "base URL `{text}` must be http:// or https:// with a host"
        )));
    }
    Ok(url)
}

fn join(base: &Url, path: &str) -> Result<Url> {
    base.join(path)
        .map_err(|e| Error::invalid_because(format!("cannot join {path} to {base}"), e))
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
    pub fn single_origin(base_url: &str) -> Result<Self> {
        Endpoints::hosts(base_url, base_url, base_url)
    }

    /// Each of the platform's hosts on its own origin, the real paths kept: `appsmail`
    /// (REST, public endpoint, password and refresh token endpoint), `connect` (OAuth
    /// dialog, code token endpoint, success page), `auth` (login form target).
    ///
    /// ```
    /// let e = mailru_api::Endpoints::hosts("http://127.0.0.1:1", "http://127.0.0.1:2", "http://127.0.0.1:3")?;
    /// assert_eq!(e.token.as_str(), "http://127.0.0.1:1/oauth/token");
    /// assert_eq!(e.code_token.as_str(), "http://127.0.0.1:2/oauth/token");
    /// assert_eq!(e.login.as_str(), "http://127.0.0.1:3/cgi-bin/auth");
    /// # Ok::<(), mailru_api::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidRequest`] when an origin is not an absolute http(s) URL.
    pub fn hosts(appsmail: &str, connect: &str, auth: &str) -> Result<Self> {
        let (appsmail, connect, auth) = (base(appsmail)?, base(connect)?, base(auth)?);
        Ok(Endpoints {
            api: join(&appsmail, "/platform/api")?,
            public: join(&appsmail, "/platform/")?,
            token: join(&appsmail, "/oauth/token")?,
            authorize: join(&connect, "/oauth/authorize")?,
            code_token: join(&connect, "/oauth/token")?,
            success: join(&connect, "/oauth/success.html")?,
            login: join(&auth, "/cgi-bin/auth")?,
        })
    }

    /// Whether any endpoint that is requested uses plain http.
    pub fn uses_http(&self) -> bool {
        self.requested().iter().any(|u| u.scheme() == "http")
    }

    /// The endpoints the client sends requests to (`success` is only compared with).
    fn requested(&self) -> [&Url; 6] {
        [
            &self.api,
            &self.public,
            &self.token,
            &self.authorize,
            &self.code_token,
            &self.login,
        ]
    }

    /// Checks that every requested endpoint is https, unless `allow_http` (set by
    /// [`single_origin`](Self::single_origin) users or explicitly) permits plain http.
    ///
    /// # Errors
    /// [`Error::InvalidRequest`] naming the first endpoint that is not allowed.
    pub fn check(&self, allow_http: bool) -> Result<()> {
        for url in self.requested() {
            match url.scheme() {
                "https" => {}
                "http" if allow_http => {}
                other => {
                    return Err(Error::invalid(format!(
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
        assert!(!e.uses_http());
        assert_eq!(e.api.as_str(), "https://appsmail.ru/platform/api");
        assert_eq!(e.code_token.as_str(), "https://connect.mail.ru/oauth/token");
        assert_eq!(
            e.success.as_str(),
            "http://connect.mail.ru/oauth/success.html",
            "spec §5.2"
        );
    }

    #[test]
    fn plain_http_needs_explicit_permission() {
        let e = Endpoints {
            api: Url::parse("http://appsmail.ru/platform/api").unwrap(),
            ..Endpoints::default()
        };
        assert!(matches!(e.check(false), Err(Error::InvalidRequest { .. })));
        assert!(e.check(true).is_ok());
    }

    #[test]
    fn single_origin_keeps_real_paths_and_rejects_garbage() {
        let e = Endpoints::single_origin("http://127.0.0.1:1/").unwrap();
        assert_eq!(e.public.as_str(), "http://127.0.0.1:1/platform/");
        assert_eq!(e.success.as_str(), "http://127.0.0.1:1/oauth/success.html");
        assert_eq!(e.login.as_str(), "http://127.0.0.1:1/cgi-bin/auth");
        assert!(Endpoints::single_origin("ftp://x").is_err());
        assert!(Endpoints::single_origin("not a url").is_err());
    }
}
