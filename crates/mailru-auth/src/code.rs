//! The authorization-code grant for sites.

use mailru_api::Session;
use url::Url;

use crate::error::AuthError;
use crate::oauth::{OAuth, full_scope};
use crate::token::Token;

/// The code grant (aiomailru's `CodeSession`): send the browser to
/// [`authorize_url`](Self::authorize_url), then hand the URL it came back to to
/// [`exchange`](Self::exchange).
///
/// ```
/// use mailru_auth::{App, OAuth};
///
/// let oauth = OAuth::new(App::new(423004).secret_key("3dad9cbf9baaa0360c0f2ba372d25716"));
/// let grant = oauth.code("https://example.org/callback").scope(&["stream"]);
/// let state = mailru_auth::new_state();
/// let url = grant.authorize_url(&state);
/// assert!(url.as_str().starts_with("https://connect.mail.ru/oauth/authorize?"));
/// assert!(url.query_pairs().any(|(k, v)| k == "state" && v == state));
/// ```
#[derive(Debug, Clone)]
pub struct CodeGrant<'a> {
    oauth: &'a OAuth,
    redirect_uri: String,
    scope: Vec<String>,
}

/// A fresh `state` value (128 bits, hex) from the standard library's randomly keyed hasher
/// (seeded from the operating system) and the clock: unguessable enough for CSRF protection.
pub fn new_state() -> String {
    use std::collections::hash_map::RandomState;
    use std::hash::{BuildHasher, Hasher};
    let mut out = String::new();
    for i in 0..2u64 {
        let mut h = RandomState::new().build_hasher();
        h.write_u64(i);
        h.write_u128(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos()),
        );
        out.push_str(&format!("{:016x}", h.finish()));
    }
    out
}

impl<'a> CodeGrant<'a> {
    pub(crate) fn new(oauth: &'a OAuth, redirect_uri: &str) -> Self {
        CodeGrant {
            oauth,
            redirect_uri: redirect_uri.to_owned(),
            scope: full_scope(),
        }
    }

    /// Privileges to ask for; the default is [`FULL_SCOPE`](crate::FULL_SCOPE). `&[]` asks
    /// for the base access only.
    #[must_use]
    pub fn scope(mut self, scope: &[&str]) -> Self {
        self.scope = scope.iter().map(|s| (*s).to_owned()).collect();
        self
    }

    /// The dialog URL to send the browser to.
    pub fn authorize_url(&self, state: &str) -> Url {
        let mut url = self.oauth.endpoints.authorize.clone();
        url.query_pairs_mut()
            .append_pair("client_id", &self.oauth.app.id.to_string())
            .append_pair("response_type", "code")
            .append_pair("redirect_uri", &self.redirect_uri)
            .append_pair("scope", &self.scope.join(" "));
        if !state.is_empty() {
            url.query_pairs_mut().append_pair("state", state);
        }
        url
    }

    /// Checks the callback URL (`redirect_uri?code=…&state=…`) and exchanges the code.
    ///
    /// # Errors
    /// [`AuthError::UserDeclined`] for `error=access_denied`, [`AuthError::StateMismatch`],
    /// [`AuthError::MissingCode`], token endpoint errors.
    pub async fn exchange(&self, callback: &str, expected_state: &str) -> Result<Token, AuthError> {
        let url = Url::parse(callback)
            .or_else(|_| Url::parse(&self.redirect_uri).and_then(|base| base.join(callback)))
            .map_err(|_| AuthError::MissingCode("the callback is not a URL".to_owned()))?;
        let get = |key: &str| {
            url.query_pairs()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.into_owned())
        };
        if get("error").as_deref() == Some("access_denied") {
            return Err(AuthError::UserDeclined);
        }
        // An empty `state` is not sent, and not echoed.
        if get("state").unwrap_or_default() != expected_state {
            return Err(AuthError::StateMismatch);
        }
        let code = get("code").ok_or_else(|| {
            // The callback's `error` is the server's (or anyone's) text.
            AuthError::MissingCode(
                get("error")
                    .map(|e| mailru_api::sanitize(&e))
                    .unwrap_or_else(|| "no code parameter".to_owned()),
            )
        })?;
        self.exchange_code(&code).await
    }

    /// Exchanges a code at the code grant's token endpoint.
    ///
    /// # Errors
    /// [`AuthError::TokenEndpoint`] (`invalid_grant` for a used or unknown code).
    pub async fn exchange_code(&self, code: &str) -> Result<Token, AuthError> {
        let secret = self.oauth.app.client_secret().ok_or_else(|| {
            AuthError::InvalidClient("the app has neither a secret nor a private key".to_owned())
        })?;
        let fields = [
            ("grant_type", "authorization_code"),
            ("client_id", &self.oauth.app.id.to_string()),
            ("client_secret", secret.expose()),
            ("code", code),
            ("redirect_uri", &self.redirect_uri),
        ];
        let json = self
            .oauth
            .token_request(&self.oauth.endpoints.code_token, &fields)
            .await?;
        Token::from_json(&json, &self.scope, None)
    }

    /// Exchanges and returns a client-server session (aiomailru's `CodeClientSession`).
    ///
    /// # Errors
    /// As [`exchange`](Self::exchange).
    pub async fn client_session(
        &self,
        callback: &str,
        state: &str,
    ) -> Result<(Token, Session), AuthError> {
        let token = self.exchange(callback, state).await?;
        let session = token.client_session(&self.oauth.app);
        Ok((token, session))
    }

    /// Exchanges and returns a server-server session (aiomailru's `CodeServerSession`).
    ///
    /// # Errors
    /// As [`exchange`](Self::exchange).
    pub async fn server_session(
        &self,
        callback: &str,
        state: &str,
    ) -> Result<(Token, Session), AuthError> {
        let token = self.exchange(callback, state).await?;
        let session = token.server_session(&self.oauth.app);
        Ok((token, session))
    }
}
