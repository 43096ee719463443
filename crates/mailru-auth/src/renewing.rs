//! A session that renews its access token itself: shortly before it expires, and once
//! after the platform answers 102. It is a [`SessionSource`], so every call path of an
//! [`Api`] (typed, by name, raw, pagers, batches) renews the same way.

use std::fmt;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use async_trait::async_trait;
use futures::FutureExt;
use futures::future::{BoxFuture, Shared};
use mailru_api::{Api, Cause, Circuit, Error, Session, SessionSource};
use tokio::time::Instant;

use crate::error::AuthError;
use crate::oauth::OAuth;
use crate::token::Token;

/// How long before expiry a token is renewed by default; never more than a third of the
/// token's lifetime, so that a short-lived token is not renewed before every call.
pub const DEFAULT_MARGIN: Duration = Duration::from_secs(60);

/// How long a failed renewal is not tried again while the current token still works.
pub const DEFAULT_BACKOFF: Duration = Duration::from_secs(10);

type Renewal = Shared<BoxFuture<'static, Result<Arc<Session>, Arc<AuthError>>>>;
type Hook = Arc<dyn Fn(&Token) + Send + Sync>;

/// A session of an OAuth [`Token`] that renews itself. Cheap to clone (clones share the
/// token); give it to an [`Api`] with [`api`](Self::api).
///
/// - Renews shortly before expiry, in the background: calls go on with the current token
///   meanwhile. A call only waits when the token has expired.
/// - Renews once after error 102 and repeats the call with the new token.
/// - One renewal at a time, shared by every concurrent call; it runs to its end even if
///   the call that started it is dropped, so the new token is never lost.
/// - After a failed renewal, calls use the current token (while it is valid) and the
///   token endpoint is not asked again before the back-off has passed.
/// - Every renewed token goes to the hooks and, with [`token_file`](Self::token_file), to
///   a file (atomically, mode 0600): after a refresh the old token no longer works.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use mailru_api::Password;
/// use mailru_auth::{App, OAuth};
/// use mailru_emulator::{Emulator, accounts};
///
/// let emulator = Emulator::builder().start().await?;
/// let app = App::new(accounts::APP_ID).private_key(accounts::APP_PRIVATE_KEY);
/// let oauth = OAuth::with_base_url(app, emulator.base_url())?;
/// let token = oauth.password(accounts::DEMO_EMAIL, &Password::new(accounts::DEMO_PASSWORD), &[]).await?;
///
/// let session = oauth.renewing(token.clone()).on_renew(|t| println!("renewed for {}", t.uid));
/// let api = session.api()?;
/// emulator.expire_token(token.access_token.expose()); // the platform forgets it
/// let me = api.users().get_info().send().await?;      // 102 → one renewal → repeated
/// assert_eq!(me[0].uid, accounts::DEMO_UID);
/// assert_ne!(session.token().access_token, token.access_token);
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct RenewingSession {
    shared: Arc<Inner>,
}

struct Inner {
    oauth: OAuth,
    circuit: Option<Circuit>,
    /// Set by the user; else the default, capped by the lifetime.
    margin: Option<Duration>,
    backoff: Duration,
    hooks: Vec<Hook>,
    token_file: Option<PathBuf>,
    /// Whether the token file gets the browser cookies too.
    file_cookies: bool,
    state: Mutex<State>,
}

struct State {
    token: Token,
    session: Arc<Session>,
    /// When the current token expires, on the monotonic clock.
    expires: Instant,
    /// How long the current token lived when it was issued (or loaded).
    lifetime: Duration,
    renewal: Option<Renewal>,
    /// The last renewal failure and until when not to try again.
    failure: Option<(Instant, Arc<AuthError>)>,
}

impl fmt::Debug for RenewingSession {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.shared.lock();
        f.debug_struct("RenewingSession")
            .field("app", &self.shared.oauth.app.id)
            .field("uid", &state.token.uid)
            .field("circuit", &self.shared.circuit)
            .field("margin", &self.shared.margin)
            .field("token_file", &self.shared.token_file)
            .field("file_cookies", &self.shared.file_cookies)
            .finish_non_exhaustive()
    }
}

/// Time until `expires_at` (unix seconds), as a monotonic deadline.
fn deadline(expires_at: u64) -> (Instant, Duration) {
    let now_ms = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis());
    let left = (u128::from(expires_at) * 1000).saturating_sub(now_ms);
    let left = Duration::from_millis(u64::try_from(left).unwrap_or(u64::MAX));
    (Instant::now() + left, left)
}

impl RenewingSession {
    pub(crate) fn new(oauth: OAuth, token: Token) -> Self {
        let session = Arc::new(token.session(&oauth.app));
        let (expires, lifetime) = deadline(token.expires_at);
        RenewingSession {
            shared: Arc::new(Inner {
                oauth,
                circuit: None,
                margin: None,
                backoff: DEFAULT_BACKOFF,
                hooks: Vec::new(),
                token_file: None,
                file_cookies: false,
                state: Mutex::new(State {
                    token,
                    session,
                    expires,
                    lifetime,
                    renewal: None,
                    failure: None,
                }),
            }),
        }
    }

    /// Changes the configuration before the session is shared (a clone taken earlier
    /// keeps the old one).
    fn configure(mut self, f: impl FnOnce(&mut Inner)) -> Self {
        let inner = match Arc::try_unwrap(self.shared) {
            Ok(mut inner) => {
                f(&mut inner);
                inner
            }
            Err(shared) => {
                let state = shared.lock();
                let mut inner = Inner {
                    oauth: shared.oauth.clone(),
                    circuit: shared.circuit,
                    margin: shared.margin,
                    backoff: shared.backoff,
                    hooks: shared.hooks.clone(),
                    token_file: shared.token_file.clone(),
                    file_cookies: shared.file_cookies,
                    state: Mutex::new(State {
                        token: state.token.clone(),
                        session: state.session.clone(),
                        expires: state.expires,
                        lifetime: state.lifetime,
                        renewal: None,
                        failure: None,
                    }),
                };
                drop(state);
                f(&mut inner);
                inner
            }
        };
        // The circuit decides the session: rebuild it.
        {
            let mut state = inner.lock();
            state.session = Arc::new(session_of(&inner.oauth, inner.circuit, &state.token));
        }
        self.shared = Arc::new(inner);
        self
    }

    /// Forces a circuit (`None`, the default: inferred from the app's keys).
    #[must_use]
    pub fn circuit(self, circuit: Option<Circuit>) -> Self {
        self.configure(|i| i.circuit = circuit)
    }

    /// Renew this long before expiry (default: 60 s, or a third of the token's lifetime
    /// when that is shorter).
    #[must_use]
    pub fn margin(self, margin: Duration) -> Self {
        self.configure(|i| i.margin = Some(margin))
    }

    /// After a failed renewal, wait this long before asking the token endpoint again
    /// (default 10 s).
    #[must_use]
    pub fn backoff(self, backoff: Duration) -> Self {
        self.configure(|i| i.backoff = backoff)
    }

    /// Calls `hook` with every renewed token (e.g. to save it somewhere).
    #[must_use]
    pub fn on_renew(self, hook: impl Fn(&Token) + Send + Sync + 'static) -> Self {
        self.configure(|i| i.hooks.push(Arc::new(hook)))
    }

    /// Saves every renewed token to `path` ([`Token::save`]: atomically, mode 0600,
    /// without the browser cookies). A failed save is logged; the renewed token is still
    /// used.
    #[must_use]
    pub fn token_file(self, path: impl Into<PathBuf>) -> Self {
        let path = path.into();
        self.configure(|i| {
            i.token_file = Some(path);
            i.file_cookies = false;
        })
    }

    /// Saves every renewed token to `path` with its browser cookies
    /// ([`Token::save_with_cookies`]): the file then holds a full mail.ru login.
    #[must_use]
    pub fn token_file_with_cookies(self, path: impl Into<PathBuf>) -> Self {
        let path = path.into();
        self.configure(|i| {
            i.token_file = Some(path);
            i.file_cookies = true;
        })
    }

    /// The current token (save it when you are done: it may have been renewed).
    pub fn token(&self) -> Token {
        self.shared.lock().token.clone()
    }

    /// A REST client signed with this session, with the OAuth endpoints and transport.
    ///
    /// # Errors
    /// When the endpoints are not allowed (plain http not configured through a base URL).
    pub fn api(&self) -> Result<Api, AuthError> {
        let oauth = &self.shared.oauth;
        Ok(Api::builder_with_source(Arc::new(self.clone()))
            .endpoints(oauth.endpoints.clone())
            .allow_http(oauth.endpoints.uses_http())
            .shared_transport(oauth.transport.clone())
            .build()?)
    }

    /// Starts a renewal unless one is running; either way, the running one.
    fn renewal(&self, state: &mut State) -> Renewal {
        if let Some(running) = &state.renewal {
            return running.clone();
        }
        let shared = self.shared.clone();
        let token = state.token.clone();
        // A task of its own: it finishes (and stores the token) even when every caller
        // waiting for it is dropped.
        let task = tokio::spawn(async move {
            let result = shared.oauth.refresh(&token).await;
            shared.finish(result).await
        });
        let renewal = async move {
            task.await
                .unwrap_or_else(|e| Err(Arc::new(AuthError::Api(Error::Session(Cause::new(e))))))
        }
        .boxed()
        .shared();
        state.renewal = Some(renewal.clone());
        renewal
    }
}

impl Inner {
    fn lock(&self) -> MutexGuard<'_, State> {
        // The state is replaced whole under the lock, never left half-written.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Stores the outcome of a renewal; then saves and announces a new token.
    async fn finish(
        &self,
        result: Result<Token, AuthError>,
    ) -> Result<Arc<Session>, Arc<AuthError>> {
        let token = {
            let mut state = self.lock();
            state.renewal = None;
            match result {
                Ok(token) => {
                    let (expires, lifetime) = deadline(token.expires_at);
                    state.session = Arc::new(session_of(&self.oauth, self.circuit, &token));
                    state.expires = expires;
                    state.lifetime = lifetime;
                    state.token = token.clone();
                    state.failure = None;
                    token
                }
                Err(e) => {
                    tracing::warn!(error = %e, "renewing the access token failed");
                    let e = Arc::new(e);
                    state.failure = Some((Instant::now() + self.backoff, e.clone()));
                    return Err(e);
                }
            }
        };
        if let Some(path) = self.token_file.clone() {
            let saving = token.clone();
            let cookies = self.file_cookies;
            let saved = tokio::task::spawn_blocking(move || {
                if cookies {
                    saving.save_with_cookies(&path)
                } else {
                    saving.save(&path)
                }
            })
            .await;
            match saved {
                Ok(Ok(())) => {}
                Ok(Err(e)) => tracing::warn!(error = %e, "saving the renewed token failed"),
                Err(e) => tracing::warn!(error = %e, "saving the renewed token failed"),
            }
        }
        for hook in &self.hooks {
            hook(&token);
        }
        tracing::debug!(uid = token.uid, "access token renewed");
        Ok(self.lock().session.clone())
    }
}

fn session_of(oauth: &OAuth, circuit: Option<Circuit>, token: &Token) -> Session {
    match circuit {
        Some(Circuit::ClientServer) => token.client_session(&oauth.app),
        Some(Circuit::ServerServer) => token.server_session(&oauth.app),
        None => token.session(&oauth.app),
    }
}

fn session_error(e: &Arc<AuthError>) -> Error {
    let shared: Arc<dyn std::error::Error + Send + Sync> = e.clone();
    Error::Session(Cause::from_arc(shared))
}

#[async_trait]
impl SessionSource for RenewingSession {
    async fn session(&self) -> mailru_api::Result<Arc<Session>> {
        let renewal = {
            let mut state = self.shared.lock();
            let now = Instant::now();
            let margin = self
                .shared
                .margin
                .unwrap_or_else(|| DEFAULT_MARGIN.min(state.lifetime / 3));
            let renewable = state.token.refresh_token.is_some();
            if !renewable || now + margin < state.expires {
                return Ok(state.session.clone());
            }
            let expired = now >= state.expires;
            if let Some((until, error)) = &state.failure
                && now < *until
            {
                return if expired {
                    Err(session_error(error))
                } else {
                    Ok(state.session.clone())
                };
            }
            let renewal = self.renewal(&mut state);
            if !expired {
                // Renewing in the background; this token still works.
                return Ok(state.session.clone());
            }
            renewal
        };
        renewal.await.map_err(|e| session_error(&e))
    }

    async fn rejected(&self, rejected: &Arc<Session>) -> mailru_api::Result<Option<Arc<Session>>> {
        let renewal = {
            let mut state = self.shared.lock();
            if !Arc::ptr_eq(&state.session, rejected) {
                // Renewed since that attempt was signed.
                return Ok(Some(state.session.clone()));
            }
            if state.token.refresh_token.is_none() {
                return Ok(None);
            }
            // The platform says this token is dead, whatever its expiry said.
            let now = Instant::now();
            state.expires = state.expires.min(now);
            if let Some((until, error)) = &state.failure
                && now < *until
            {
                return Err(session_error(error));
            }
            self.renewal(&mut state)
        };
        renewal.await.map(Some).map_err(|e| session_error(&e))
    }
}
