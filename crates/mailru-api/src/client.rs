//! The client: its configuration, and the ways to call a method (typed, by name, raw,
//! paginated). The way of one call continues in `dispatch.rs`.

use std::borrow::Cow;
use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;

use crate::catalog::{Access, MethodInfo, method_info};
use crate::dispatch::{Answer, Target};
use crate::endpoints::Endpoints;
use crate::envelope::{RawResponse, decode, is_empty};
use crate::error::{Error, Result};
use crate::method::{Method, Paginated};
use crate::paging::Items;
use crate::params::IntoParams;
use crate::request::CallRequest;
use crate::retry::{RetryBudget, RetryPolicy};
use crate::session::{FixedSession, Session, SessionSource};
use crate::transport::{HyperTransport, Transport};

/// Timeouts and retries of a client.
#[derive(Clone, Debug)]
pub(crate) struct Options {
    pub(crate) attempt_timeout: Duration,
    pub(crate) total_timeout: Option<Duration>,
    pub(crate) retry: RetryPolicy,
}

#[derive(Debug)]
pub(crate) struct Inner {
    pub(crate) source: Arc<dyn SessionSource>,
    /// The session when the source is a fixed one: no need to ask it on every attempt.
    pub(crate) fixed: Option<Arc<Session>>,
    pub(crate) endpoints: Endpoints,
    pub(crate) transport: Arc<dyn Transport>,
    pub(crate) options: Options,
    pub(crate) budget: Arc<RetryBudget>,
    /// Methods declared for this client, before the catalog.
    pub(crate) declared: Arc<Vec<MethodInfo>>,
    /// The last sessions a source gave (the fixed one is known): their tokens are
    /// redacted from errors that quote what a server sent.
    pub(crate) sent: std::sync::Mutex<Vec<Arc<Session>>>,
}

/// Sessions remembered for redaction: the current one and a few renewed before it,
/// whose answers may still be in flight.
const SENT_SESSIONS: usize = 4;

impl Inner {
    /// Remembers a session a source gave, once per distinct session.
    pub(crate) fn note_sent(&self, session: &Arc<Session>) {
        let Ok(mut sent) = self.sent.lock() else {
            return;
        };
        if sent.last().is_some_and(|last| Arc::ptr_eq(last, session)) {
            return;
        }
        if sent.len() == SENT_SESSIONS {
            sent.remove(0);
        }
        sent.push(session.clone());
    }
}

impl Api {
    /// `error` without the tokens this client sent, wherever it quotes a server.
    pub(crate) fn redact(&self, error: Error) -> Error {
        let sent = self
            .inner
            .sent
            .lock()
            .map(|s| s.clone())
            .unwrap_or_default();
        let tokens: Vec<&str> = self
            .inner
            .fixed
            .iter()
            .chain(&sent)
            .filter_map(|s| s.access_token().map(|t| t.expose()))
            .collect();
        error.redact_values(&tokens)
    }
}

/// A REST client bound to a session (or a [`SessionSource`] that renews it). Cheap to
/// clone; clones share the connection pool and the retry budget.
///
/// ```no_run
/// # async fn run() -> mailru_api::Result<()> {
/// use mailru_api::{AccessToken, Api, PrivateKey, Session};
///
/// let session = Session::client(
///     423004,
///     PrivateKey::new("7815696ecbf1c96e6894b779456d330e"),
///     AccessToken::new("be6ef89965d58e56dec21acb9b62bdaa"),
///     1324730981306483817,
/// );
/// let api = Api::new(session)?;
/// // Any method by name (`()` for no parameters):
/// let friends = api.call("friends.get", [("ext", true)]).await?;
/// let installed = api.call("users.isAppUser", ()).await?;
/// // Typed:
/// let me = api.users().get_info().send().await?;
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct Api {
    pub(crate) inner: Arc<Inner>,
}

/// Configures an [`Api`].
#[derive(Debug)]
pub struct ApiBuilder {
    source: Arc<dyn SessionSource>,
    fixed: Option<Arc<Session>>,
    endpoints: Endpoints,
    allow_http: bool,
    transport: Option<Arc<dyn Transport>>,
    options: Options,
    declared: Vec<MethodInfo>,
}

impl ApiBuilder {
    /// Routes every endpoint to one origin with the real paths (the emulator); plain http
    /// is allowed because it was asked for explicitly.
    ///
    /// # Errors
    /// [`Error::InvalidRequest`] for a malformed base URL.
    pub fn base_url(mut self, base: &str) -> Result<Self> {
        self.endpoints = Endpoints::single_origin(base)?;
        self.allow_http = true;
        Ok(self)
    }

    /// Uses these endpoints (plain http still needs [`allow_http`](Self::allow_http)).
    #[must_use]
    pub fn endpoints(mut self, endpoints: Endpoints) -> Self {
        self.endpoints = endpoints;
        self
    }

    /// Allows plain-http endpoints (off by default).
    #[must_use]
    pub fn allow_http(mut self, allow: bool) -> Self {
        self.allow_http = allow;
        self
    }

    /// Uses another transport.
    #[must_use]
    pub fn transport(mut self, transport: impl Transport + 'static) -> Self {
        self.transport = Some(Arc::new(transport));
        self
    }

    /// Uses a shared transport.
    #[must_use]
    pub fn shared_transport(mut self, transport: Arc<dyn Transport>) -> Self {
        self.transport = Some(transport);
        self
    }

    /// Time for one attempt, the response body included (default 30 s).
    #[must_use]
    pub fn attempt_timeout(mut self, timeout: Duration) -> Self {
        self.options.attempt_timeout = timeout;
        self
    }

    /// Time for a whole call, retries and backoff included (default none).
    #[must_use]
    pub fn total_timeout(mut self, timeout: Duration) -> Self {
        self.options.total_timeout = Some(timeout);
        self
    }

    /// The retry policy (default: 3 attempts for reads; none for writes and for methods
    /// outside the catalog).
    #[must_use]
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.options.retry = policy;
        self
    }

    /// Tells this client about a method outside the catalog (or overrides an entry): a
    /// declared read is retried like the catalog's reads, a declared paginated method can
    /// be walked by name.
    ///
    /// ```
    /// use mailru_api::{Api, MethodInfo, Paging, Session, SecretKey};
    ///
    /// let api = Api::builder(Session::server(423004, SecretKey::new("s")))
    ///     .declare(MethodInfo::read("widget.getItems").paging(Paging::Offset { limit: true }))
    ///     .build()?;
    /// assert!(api.method_info("widget.getItems").is_some());
    /// # Ok::<(), mailru_api::Error>(())
    /// ```
    #[must_use]
    pub fn declare(mut self, info: MethodInfo) -> Self {
        self.declared.retain(|m| m.name != info.name);
        self.declared.push(info);
        self
    }

    /// Builds the client.
    ///
    /// # Errors
    /// [`Error::InvalidRequest`] when an endpoint is plain http without
    /// [`allow_http`](Self::allow_http), or a fixed session's credentials fit no circuit.
    pub fn build(self) -> Result<Api> {
        self.endpoints.check(self.allow_http)?;
        if let Some(session) = &self.fixed
            && !session.is_public()
        {
            session.circuit()?;
        }
        let transport = match self.transport {
            Some(t) => t,
            None => Arc::new(HyperTransport::new()),
        };
        Ok(Api {
            inner: Arc::new(Inner {
                source: self.source,
                fixed: self.fixed,
                endpoints: self.endpoints,
                transport,
                options: self.options,
                budget: Arc::new(RetryBudget::new(100)),
                declared: Arc::new(self.declared),
                sent: Default::default(),
            }),
        })
    }
}

impl Api {
    /// A client with the default endpoints (https), transport, timeouts and retries.
    ///
    /// # Errors
    /// See [`ApiBuilder::build`].
    pub fn new(session: Session) -> Result<Api> {
        Api::builder(session).build()
    }

    /// A builder for a client of `session`.
    pub fn builder(session: Session) -> ApiBuilder {
        let fixed = Arc::new(session);
        let mut builder = Api::builder_with_source(Arc::new(FixedSession(fixed.clone())));
        builder.fixed = Some(fixed);
        builder
    }

    /// A builder for a client that takes the session of each attempt from `source`
    /// (e.g. the renewing session of `mailru-auth`).
    pub fn builder_with_source(source: Arc<dyn SessionSource>) -> ApiBuilder {
        ApiBuilder {
            source,
            fixed: None,
            endpoints: Endpoints::default(),
            allow_http: false,
            transport: None,
            options: Options {
                attempt_timeout: Duration::from_secs(30),
                total_timeout: None,
                retry: RetryPolicy::default(),
            },
            declared: Vec::new(),
        }
    }

    /// The same client (transport, endpoints, options, declarations, retry budget) with
    /// another fixed session.
    ///
    /// # Errors
    /// When the session's credentials fit no circuit.
    pub fn with_session(&self, session: Session) -> Result<Api> {
        if !session.is_public() {
            session.circuit()?;
        }
        let session = Arc::new(session);
        let mut api = self.with_session_source(Arc::new(FixedSession(session.clone())));
        if let Some(inner) = Arc::get_mut(&mut api.inner) {
            inner.fixed = Some(session);
        }
        Ok(api)
    }

    /// The same client with another session source.
    pub fn with_session_source(&self, source: Arc<dyn SessionSource>) -> Api {
        let inner = &self.inner;
        Api {
            inner: Arc::new(Inner {
                source,
                fixed: None,
                endpoints: inner.endpoints.clone(),
                transport: inner.transport.clone(),
                options: inner.options.clone(),
                budget: inner.budget.clone(),
                declared: inner.declared.clone(),
                sent: Default::default(),
            }),
        }
    }

    /// The session the next call would be signed with (asking the source, which may
    /// renew it).
    ///
    /// # Errors
    /// [`Error::Session`] when the source has none.
    pub async fn session(&self) -> Result<Arc<Session>> {
        self.inner.source.session().await
    }

    /// The endpoints.
    pub fn endpoints(&self) -> &Endpoints {
        &self.inner.endpoints
    }

    /// The transport, to share with other clients (the OAuth flows use it).
    pub fn transport(&self) -> Arc<dyn Transport> {
        self.inner.transport.clone()
    }

    /// What this client knows about `name`: a declared method, else the catalog's entry.
    pub fn method_info(&self, name: &str) -> Option<MethodInfo> {
        self.inner
            .declared
            .iter()
            .find(|m| m.name == name)
            .or_else(|| method_info(name))
            .copied()
    }

    /// Calls any method by name and returns its JSON. `params` is `()` for none, or
    /// pairs of a key and a [`ParamValue`](crate::ParamValue) in an array, slice, `Vec`
    /// or map.
    ///
    /// Read methods of the catalog are retried on transient errors; writes and methods
    /// outside the catalog are not (see [`ApiBuilder::declare`] and
    /// [`RetryPolicy::retry_writes`]).
    ///
    /// # Errors
    /// Every [`Error`] kind; API errors as [`Error::Api`].
    pub async fn call(&self, method: &str, params: impl IntoParams) -> Result<Value> {
        let target = self.target(method);
        let call = CallRequest::new(method, owned(params), Vec::new(), target.post)?;
        let resp = self.dispatch(&call, &target).await.into_result()?;
        checked_decode(&target, &resp.body).map_err(|e| self.redact(e))
    }

    /// Calls any method by name and returns the body as sent, API errors included,
    /// without raising them (aiomailru's `pass_error`).
    ///
    /// # Errors
    /// Only when no response arrived (transport, timeout) or the request is invalid.
    pub async fn call_raw(&self, method: &str, params: impl IntoParams) -> Result<RawResponse> {
        let target = self.target(method);
        let call = CallRequest::new(method, owned(params), Vec::new(), target.post)?;
        self.dispatch(&call, &target).await.into_raw()
    }

    /// Sends a typed method. For a paginated method this is one page; see
    /// [`paginate`](Self::paginate).
    ///
    /// # Errors
    /// Every [`Error`] kind.
    pub async fn send<M: Method>(&self, method: &M) -> Result<M::Output> {
        let target = Target::of(M::INFO);
        let call = typed_request(method)?;
        let resp = self.dispatch(&call, &target).await.into_result()?;
        checked_decode(&target, &resp.body).map_err(|e| self.redact(e))
    }

    /// Sends a typed method in raw mode.
    ///
    /// # Errors
    /// Only when no response arrived or the request is invalid.
    pub async fn send_raw<M: Method>(&self, method: &M) -> Result<RawResponse> {
        let target = Target::of(M::INFO);
        let call = typed_request(method)?;
        self.dispatch(&call, &target).await.into_raw()
    }

    /// Every item of a paginated method, page after page, as a lazy, `Unpin` stream of
    /// its typed items. A `limit`, `skip` or `offset` set on the method becomes the page
    /// size or the start. See [`Items`] for checkpoints, resuming and what ends a walk.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use futures::TryStreamExt;
    /// use mailru_api::methods::stream::GetByAuthor;
    /// use mailru_api::{AccessToken, Api, PrivateKey, Session};
    /// use mailru_emulator::{Emulator, accounts};
    ///
    /// let emulator = Emulator::builder().start().await?;
    /// let session = Session::client(accounts::APP_ID, PrivateKey::new(accounts::APP_PRIVATE_KEY),
    ///     AccessToken::new(accounts::DEMO_SESSION_KEY), accounts::DEMO_UID);
    /// let api = Api::builder(session).base_url(emulator.base_url())?.build()?;
    ///
    /// let mut events = api.paginate(GetByAuthor::new().uid(accounts::BIG_COMMUNITY_UID).limit(50u32));
    /// let mut count = 0;
    /// while let Some(event) = events.try_next().await? {
    ///     assert!(!event.id().is_empty());
    ///     count += 1;
    /// }
    /// assert_eq!((count, events.checkpoint().items), (1_200, 1_200));
    /// # Ok(()) }
    /// ```
    pub fn paginate<M: Paginated>(&self, method: M) -> Items<M::Item> {
        Items::typed(self.clone(), method)
    }

    /// How a call of `method` (by name) is sent and retried.
    pub(crate) fn target(&self, method: &str) -> Target {
        match self.method_info(method) {
            Some(info) => Target::of(&info),
            // Not in the catalog: it may be a write, so it is not repeated.
            None => Target {
                retry_safe: false,
                post: false,
                non_empty: false,
            },
        }
    }
}

/// The parameters of a dynamic call, keys owned.
pub(crate) fn owned(params: impl IntoParams) -> Vec<(Cow<'static, str>, String)> {
    params
        .into_params()
        .into_iter()
        .map(|(k, v)| (Cow::Owned(k), v))
        .collect()
}

fn typed_request<M: Method>(method: &M) -> Result<CallRequest<'static>> {
    let params = method
        .params()
        .into_iter()
        .map(|(k, v)| (Cow::Borrowed(k), v))
        .collect();
    CallRequest::new(
        M::INFO.name,
        params,
        method.files(),
        M::INFO.access == Access::Write,
    )
}

fn checked_decode<T: serde::de::DeserializeOwned>(target: &Target, body: &[u8]) -> Result<T> {
    if target.non_empty && is_empty(body) {
        return Err(Error::EmptyResponse);
    }
    decode(body)
}

/// What an answered call gives the raw and decoding paths.
impl Answer {
    pub(crate) fn into_raw(self) -> Result<RawResponse> {
        match self {
            Answer::Ok(resp) | Answer::Failed(resp, _) => Ok(RawResponse::from_http(&resp)),
            Answer::Error(e) => Err(e),
        }
    }
}
