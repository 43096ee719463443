//! The OAuth client: endpoints, transport and app, shared by every grant.

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http::header::{CONTENT_TYPE, HeaderValue};
use http::{HeaderMap, Method};
use mailru_api::{
    Api, Endpoints, HttpRequest, HyperTransport, Password, RefreshToken, Session, Transport,
};
use serde_json::Value;
use tracing::Instrument;
use url::Url;

use crate::app::App;
use crate::code::CodeGrant;
use crate::error::AuthError;
use crate::implicit::ImplicitGrant;
use crate::renewing::RenewingSession;
use crate::token::Token;

/// Every privilege the platform has a scope for (aiomailru's "full scope"): what the
/// implicit and code grants ask for unless told otherwise.
pub const FULL_SCOPE: [&str; 5] = ["photos", "guestbook", "stream", "messages", "events"];

/// [`FULL_SCOPE`] as owned strings.
pub fn full_scope() -> Vec<String> {
    FULL_SCOPE.iter().map(|s| (*s).to_owned()).collect()
}

/// Where and how the grants talk to the platform.
///
/// ```
/// use mailru_auth::{App, OAuth};
///
/// let app = App::new(423004).private_key("7815696ecbf1c96e6894b779456d330e");
/// // Against the real platform (https endpoints):
/// let oauth = OAuth::new(app.clone());
/// // Against a local emulator:
/// let local = OAuth::with_base_url(app, "http://127.0.0.1:8080")?;
/// assert_eq!(local.endpoints().token.as_str(), "http://127.0.0.1:8080/oauth/token");
/// # Ok::<(), mailru_auth::AuthError>(())
/// ```
#[derive(Clone, Debug)]
pub struct OAuth {
    pub(crate) app: App,
    pub(crate) endpoints: Endpoints,
    pub(crate) transport: Arc<dyn Transport>,
    pub(crate) timeout: Duration,
}

/// Default time for one request of a flow (a page, a form post, a token request).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// What a refresh starts from: a [`Token`] (its uid, scope and cookies are kept when the
/// answer lacks them) or a bare refresh token (aiomailru's `RefreshSession`).
#[derive(Debug, Clone)]
pub enum RefreshFrom<'a> {
    /// A token with a refresh token.
    Token(&'a Token),
    /// Only the refresh token.
    RefreshToken(RefreshToken),
}

impl<'a> From<&'a Token> for RefreshFrom<'a> {
    fn from(token: &'a Token) -> Self {
        RefreshFrom::Token(token)
    }
}

impl From<RefreshToken> for RefreshFrom<'_> {
    fn from(token: RefreshToken) -> Self {
        RefreshFrom::RefreshToken(token)
    }
}

impl From<&RefreshToken> for RefreshFrom<'_> {
    fn from(token: &RefreshToken) -> Self {
        RefreshFrom::RefreshToken(token.clone())
    }
}

impl From<&str> for RefreshFrom<'_> {
    fn from(token: &str) -> Self {
        RefreshFrom::RefreshToken(RefreshToken::new(token))
    }
}

impl From<String> for RefreshFrom<'_> {
    fn from(token: String) -> Self {
        RefreshFrom::RefreshToken(RefreshToken::new(token))
    }
}

impl OAuth {
    /// The real platform's endpoints and the default transport.
    pub fn new(app: App) -> Self {
        OAuth {
            app,
            endpoints: Endpoints::default(),
            transport: Arc::new(HyperTransport::new()),
            timeout: DEFAULT_TIMEOUT,
        }
    }

    /// Every endpoint on one origin (the emulator), plain http allowed.
    ///
    /// # Errors
    /// [`AuthError::Api`] with an invalid-request error for a malformed URL.
    pub fn with_base_url(app: App, base: &str) -> Result<Self, AuthError> {
        Ok(OAuth::new(app).with_endpoints(Endpoints::single_origin(base)?))
    }

    /// The endpoints and transport of an existing REST client.
    pub fn from_api(app: App, api: &Api) -> Self {
        OAuth {
            app,
            endpoints: api.endpoints().clone(),
            transport: api.transport(),
            timeout: DEFAULT_TIMEOUT,
        }
    }

    /// Uses these endpoints (e.g. [`Endpoints::hosts`] for an emulator that serves each
    /// platform host on its own origin).
    #[must_use]
    pub fn with_endpoints(mut self, endpoints: Endpoints) -> Self {
        self.endpoints = endpoints;
        self
    }

    /// Uses another transport.
    #[must_use]
    pub fn transport(mut self, transport: Arc<dyn Transport>) -> Self {
        self.transport = transport;
        self
    }

    /// Time for each request of a flow (default 30 s); past it, [`mailru_api::Error::Timeout`].
    #[must_use]
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The application.
    pub fn app(&self) -> &App {
        &self.app
    }

    /// The endpoints.
    pub fn endpoints(&self) -> &Endpoints {
        &self.endpoints
    }

    /// The implicit grant through the HTML login form (aiomailru's `ImplicitSession`),
    /// asking for the [`FULL_SCOPE`] unless `.scope(..)` says less.
    pub fn implicit(&self, email: &str, password: impl Into<Password>) -> ImplicitGrant<'_> {
        ImplicitGrant::new(self, email, password.into())
    }

    /// The authorization-code grant for a site with `redirect_uri`, asking for the
    /// [`FULL_SCOPE`] unless `.scope(..)` says less.
    pub fn code(&self, redirect_uri: &str) -> CodeGrant<'_> {
        CodeGrant::new(self, redirect_uri)
    }

    /// The password grant (aiomailru's `PasswordSession`): `username` is the full e-mail;
    /// pass `&FULL_SCOPE` for every privilege.
    ///
    /// # Errors
    /// [`AuthError::TokenEndpoint`] with `invalid_grant` for a wrong password or a blocked
    /// user, `invalid_client` for a wrong app or secret; transport errors.
    pub async fn password(
        &self,
        username: &str,
        password: &Password,
        scope: &[&str],
    ) -> Result<Token, AuthError> {
        let scope: Vec<String> = scope.iter().map(|s| (*s).to_owned()).collect();
        let secret = self.client_secret()?;
        let fields = [
            ("grant_type", "password"),
            ("client_id", &self.app.id.to_string()),
            ("client_secret", secret.expose()),
            ("username", username),
            ("password", password.expose()),
            ("scope", &scope.join(" ")),
        ];
        let json = self.token_request(&self.endpoints.token, &fields).await?;
        Token::from_json(&json, &scope, None)
    }

    /// The refresh grant (aiomailru's `RefreshSession`): a new access token, from a
    /// [`Token`] or from a bare refresh token (`oauth.refresh("c5b0…")`). From a token,
    /// its refresh token, scope and cookies are kept, and its uid when the answer has no
    /// `x_mailru_vid`.
    ///
    /// # Errors
    /// [`AuthError::NoRefreshToken`]; [`AuthError::TokenEndpoint`] with `invalid_grant` for
    /// a revoked or unknown refresh token; [`AuthError::MalformedToken`] when a bare
    /// refresh token's answer does not say whose token it is.
    pub async fn refresh<'a>(&self, from: impl Into<RefreshFrom<'a>>) -> Result<Token, AuthError> {
        let from = from.into();
        let (refresh, previous) = match &from {
            RefreshFrom::Token(token) => (
                token
                    .refresh_token
                    .clone()
                    .ok_or(AuthError::NoRefreshToken)?,
                Some(*token),
            ),
            RefreshFrom::RefreshToken(r) => (r.clone(), None),
        };
        let secret = self.client_secret()?;
        // decisions.md: refresh needs no `sig`.
        let fields = [
            ("grant_type", "refresh_token"),
            ("client_id", &self.app.id.to_string()),
            ("refresh_token", refresh.expose()),
            ("client_secret", secret.expose()),
        ];
        let json = self.token_request(&self.endpoints.token, &fields).await?;
        let scope = previous.map(|t| t.scope.clone()).unwrap_or_default();
        let mut fresh = Token::from_json(&json, &scope, previous.map(|t| t.uid))?;
        if fresh.refresh_token.is_none() {
            fresh.refresh_token = Some(refresh);
        }
        fresh.cookies = previous.and_then(|t| t.cookies.clone());
        Ok(fresh)
    }

    /// A REST client of `session` with this OAuth's endpoints and transport.
    ///
    /// # Errors
    /// When the app's keys fit no circuit.
    pub fn api(&self, session: Session) -> Result<Api, AuthError> {
        Ok(Api::builder(session)
            .endpoints(self.endpoints.clone())
            .allow_http(self.endpoints.uses_http())
            .shared_transport(self.transport.clone())
            .build()?)
    }

    /// A session of `token` that renews itself; configure it, then get a client with
    /// [`RenewingSession::api`].
    pub fn renewing(&self, token: Token) -> RenewingSession {
        RenewingSession::new(self.clone(), token)
    }

    fn client_secret(&self) -> Result<mailru_api::SecretKey, AuthError> {
        self.app.client_secret().ok_or_else(|| {
            AuthError::InvalidClient("the app has neither a secret nor a private key".to_owned())
        })
    }

    /// POSTs a form to a token endpoint and returns the token JSON, or the OAuth error.
    pub(crate) async fn token_request(
        &self,
        endpoint: &Url,
        fields: &[(&str, &str)],
    ) -> Result<Value, AuthError> {
        let body = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(fields)
            .finish();
        let mut headers = HeaderMap::new();
        headers.insert(
            CONTENT_TYPE,
            HeaderValue::from_static("application/x-www-form-urlencoded"),
        );
        let grant = fields
            .iter()
            .find(|(k, _)| *k == "grant_type")
            .map_or("", |(_, v)| *v);
        let span = tracing::info_span!("mailru.oauth.token", grant = grant);
        let request = HttpRequest {
            method: Method::POST,
            url: endpoint.clone(),
            headers,
            body: Bytes::from(body),
        };
        let resp = send_with_timeout(&*self.transport, request, self.timeout)
            .instrument(span)
            .await?;
        // A byte-order mark before the JSON is tolerated.
        let body = resp
            .body
            .strip_prefix("\u{feff}".as_bytes())
            .unwrap_or(&resp.body);
        let json: Option<Value> = serde_json::from_slice(body).ok();
        match (resp.status, json) {
            // An OAuth error object wins whatever the status (some answers are 200).
            (_, Some(v)) if v["error"].is_string() => Err(AuthError::TokenEndpoint {
                error: shown(v["error"].as_str().unwrap_or_default(), fields),
                description: shown(v["error_description"].as_str().unwrap_or_default(), fields),
            }),
            (200, Some(v)) => Ok(v),
            // The body is never quoted: a token endpoint's body may carry tokens.
            (status, _) => Err(AuthError::Api(mailru_api::Error::Http {
                status,
                body_start: format!("[{} bytes not shown: token endpoint]", resp.body.len()),
            })),
        }
    }
}

/// Fields of a token request whose values are secrets.
const SECRET_FIELDS: [&str; 4] = ["refresh_token", "password", "code", "client_secret"];

/// Server text about a token request, safe to show: sanitized, and the secret values the
/// request sent removed even where no key names them (`the token 8f1… is unknown`).
fn shown(text: &str, fields: &[(&str, &str)]) -> String {
    let mut text = text.to_owned();
    for (_, value) in fields
        .iter()
        .filter(|(k, v)| SECRET_FIELDS.contains(k) && v.len() >= 4)
    {
        text = text.replace(value, "[redacted]");
    }
    mailru_api::sanitize(&text)
}

/// One request with a deadline: the flows must not hang on a server that never answers.
pub(crate) async fn send_with_timeout(
    transport: &dyn Transport,
    request: HttpRequest,
    timeout: Duration,
) -> Result<mailru_api::HttpResponse, AuthError> {
    match tokio::time::timeout(timeout, transport.send(request)).await {
        Ok(result) => Ok(result?),
        Err(_) => Err(AuthError::Api(mailru_api::Error::Timeout(timeout))),
    }
}
