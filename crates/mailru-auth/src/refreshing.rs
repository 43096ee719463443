//! A REST client whose token refreshes itself.

use std::sync::Arc;
use std::time::Duration;

use mailru_api::{Api, ApiErrorKind, Circuit, Method};
use mailru_sign::Param;
use serde_json::Value;
use tokio::sync::Mutex;

use crate::error::AuthError;
use crate::oauth::OAuth;
use crate::token::Token;

/// How long before expiry a token is refreshed by default.
pub const DEFAULT_MARGIN: Duration = Duration::from_secs(60);

struct Current {
    token: Token,
    api: Api,
    /// Bumped by every refresh, so calls that failed with an old token share one refresh.
    generation: u64,
    /// When the last refresh happened: a token that lives shorter than the margin must not
    /// be refreshed before every call.
    refreshed_at: Option<tokio::time::Instant>,
}

/// A client that refreshes its token shortly before expiry, and once after API error 102
/// (then retries the call). Concurrent calls share one refresh. Cheap to clone.
///
/// ```no_run
/// # async fn run(oauth: mailru_auth::OAuth, token: mailru_auth::Token) -> Result<(), mailru_auth::AuthError> {
/// use mailru_auth::RefreshingApi;
///
/// let api = RefreshingApi::new(oauth, token, None)?;
/// let friends = api.call("friends.get", [("ext", "1")]).await?;
/// let newest = api.token().await; // save it: it may have been refreshed
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct RefreshingApi {
    oauth: OAuth,
    circuit: Option<Circuit>,
    margin: Duration,
    current: Arc<Mutex<Current>>,
}

impl std::fmt::Debug for RefreshingApi {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RefreshingApi")
            .field("app", &self.oauth.app.id)
            .field("circuit", &self.circuit)
            .finish_non_exhaustive()
    }
}

impl RefreshingApi {
    /// A client for `token`; `circuit` forces one, `None` infers it from the app's keys.
    ///
    /// # Errors
    /// When the app's keys fit no circuit.
    pub fn new(oauth: OAuth, token: Token, circuit: Option<Circuit>) -> Result<Self, AuthError> {
        let api = Self::build(&oauth, &token, circuit)?;
        Ok(RefreshingApi {
            oauth,
            circuit,
            margin: DEFAULT_MARGIN,
            current: Arc::new(Mutex::new(Current {
                token,
                api,
                generation: 0,
                refreshed_at: None,
            })),
        })
    }

    /// Refresh this long before expiry (default 60 s).
    #[must_use]
    pub fn margin(mut self, margin: Duration) -> Self {
        self.margin = margin;
        self
    }

    fn build(oauth: &OAuth, token: &Token, circuit: Option<Circuit>) -> Result<Api, AuthError> {
        let session = match circuit {
            Some(Circuit::ClientServer) => token.client_session(&oauth.app),
            Some(Circuit::ServerServer) => token.server_session(&oauth.app),
            None => token.session(&oauth.app),
        };
        oauth.api(session)
    }

    /// The current token (save it after calls: it may have been refreshed).
    pub async fn token(&self) -> Token {
        self.current.lock().await.token.clone()
    }

    /// The client to use now, refreshing first when the token is about to expire (and can
    /// be refreshed). A failed early refresh is not fatal while the token still works.
    async fn api(&self) -> Result<(Api, u64), AuthError> {
        let mut cur = self.current.lock().await;
        let recently = cur.refreshed_at.is_some_and(|t| t.elapsed() < self.margin);
        let due = cur.token.refresh_token.is_some()
            && cur.token.expires_within(self.margin)
            && !(recently && cur.token.expires_in() > 0);
        if due && let Err(e) = self.refresh_locked(&mut cur).await {
            if cur.token.expires_in() == 0 {
                return Err(e);
            }
            tracing::warn!(error = %e, "early token refresh failed; using the current token");
        }
        Ok((cur.api.clone(), cur.generation))
    }

    /// Refreshes unless another call already did since `seen`.
    async fn refreshed_since(&self, seen: u64) -> Result<Api, AuthError> {
        let mut cur = self.current.lock().await;
        if cur.generation == seen {
            self.refresh_locked(&mut cur).await?;
        }
        Ok(cur.api.clone())
    }

    async fn refresh_locked(&self, cur: &mut Current) -> Result<(), AuthError> {
        tracing::debug!("refreshing the access token");
        let token = self.oauth.refresh(&cur.token).await?;
        cur.api = Self::build(&self.oauth, &token, self.circuit)?;
        cur.token = token;
        cur.generation += 1;
        cur.refreshed_at = Some(tokio::time::Instant::now());
        Ok(())
    }

    /// Calls a method by name (see [`Api::call`]).
    ///
    /// # Errors
    /// API and transport errors as [`AuthError::Api`]; refresh failures.
    pub async fn call<I>(&self, method: &str, params: I) -> Result<Value, AuthError>
    where
        I: IntoIterator,
        I::Item: Param,
    {
        let params: Vec<(String, String)> = params
            .into_iter()
            .map(|p| (p.key().to_owned(), p.value().to_owned()))
            .collect();
        let (api, generation) = self.api().await?;
        match api.call(method, &params).await {
            Err(e) if e.api_kind() == Some(ApiErrorKind::AuthorizationFailed) => {
                let api = self.refreshed_since(generation).await?;
                Ok(api.call(method, &params).await?)
            }
            other => Ok(other?),
        }
    }

    /// Sends a typed method (see [`Api::send`]).
    ///
    /// # Errors
    /// As [`call`](Self::call).
    pub async fn send<M: Method>(&self, method: &M) -> Result<M::Output, AuthError> {
        let (api, generation) = self.api().await?;
        match api.send(method).await {
            Err(e) if e.api_kind() == Some(ApiErrorKind::AuthorizationFailed) => {
                let api = self.refreshed_since(generation).await?;
                Ok(api.send(method).await?)
            }
            other => Ok(other?),
        }
    }
}
