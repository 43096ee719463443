//! The client: signs, sends (with timeouts and retries), decodes.

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http::header::{CONTENT_TYPE, HeaderValue};
use http::{HeaderMap, Method as HttpMethod};
use mailru_sign::{Circuit, Param};
use serde::de::DeserializeOwned;
use serde_json::Value;
use tokio::time::Instant;
use tracing::Instrument;
use url::form_urlencoded::Serializer;

use crate::endpoints::Endpoints;
use crate::error::{Error, Result, body_start};
use crate::method::{FilePart, Method};
use crate::retry::{Decision, RetryBudget, RetryPolicy, jitter, retry_decision};
use crate::session::Session;
use crate::transport::{HttpRequest, HttpResponse, HyperTransport, Transport};

/// Parameters the session sets; a caller passing them is an error, not a silent override.
const RESERVED: [&str; 5] = ["method", "app_id", "session_key", "secure", "sig"];

/// The catalog's write methods: a dynamic call of one of them is sent as POST and not
/// retried unless the policy allows writes, like its typed counterpart.
const WRITE_METHODS: [&str; 10] = [
    "stream.post",
    "stream.share",
    "stream.comment",
    "stream.like",
    "stream.unlike",
    "guestbook.post",
    "photos.createAlbum",
    "photos.upload",
    "messages.post",
    "notifications.send",
];

/// Whether `method` changes state on the platform (for dynamic calls).
pub fn is_write_method(method: &str) -> bool {
    WRITE_METHODS.contains(&method)
}

/// Longest query string before a call switches to a POST form (decisions.md).
const MAX_QUERY: usize = 2_000;

/// A response as the platform sent it, for raw mode (aiomailru's `pass_error`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RawResponse {
    /// HTTP status.
    pub status: u16,
    /// The body, unchanged.
    pub body: String,
}

/// Timeouts and retries of a client.
#[derive(Clone, Debug)]
struct Options {
    attempt_timeout: Duration,
    total_timeout: Option<Duration>,
    retry: RetryPolicy,
}

#[derive(Debug)]
struct Inner {
    session: Session,
    endpoints: Endpoints,
    transport: Arc<dyn Transport>,
    options: Options,
    budget: Arc<RetryBudget>,
}

/// A REST client bound to a [`Session`]. Cheap to clone.
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
/// // Any method by name:
/// let friends = api.call("friends.get", [("ext", "1")]).await?;
/// // Typed:
/// let me = api.users().get_info().send().await?;
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct Api {
    inner: Arc<Inner>,
}

/// Configures an [`Api`].
#[derive(Debug)]
pub struct ApiBuilder {
    session: Session,
    endpoints: Endpoints,
    allow_http: bool,
    transport: Option<Arc<dyn Transport>>,
    options: Options,
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

    /// Uses these endpoints.
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

    /// The retry policy (default: 3 attempts for reads, none for writes).
    #[must_use]
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.options.retry = policy;
        self
    }

    /// Builds the client.
    ///
    /// # Errors
    /// [`Error::InvalidRequest`] when an endpoint is plain http without
    /// [`allow_http`](Self::allow_http), or the session's credentials fit no circuit.
    pub fn build(self) -> Result<Api> {
        self.endpoints.check(self.allow_http)?;
        if !self.session.is_public() {
            self.session.circuit()?;
        }
        let transport = match self.transport {
            Some(t) => t,
            None => Arc::new(HyperTransport::new()),
        };
        Ok(Api {
            inner: Arc::new(Inner {
                session: self.session,
                endpoints: self.endpoints,
                transport,
                options: self.options,
                budget: Arc::new(RetryBudget::new(100)),
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
        ApiBuilder {
            session,
            endpoints: Endpoints::default(),
            allow_http: false,
            transport: None,
            options: Options {
                attempt_timeout: Duration::from_secs(30),
                total_timeout: None,
                retry: RetryPolicy::default(),
            },
        }
    }

    /// The same client (transport, endpoints, options, retry budget) with another session,
    /// e.g. after a token refresh.
    ///
    /// # Errors
    /// When the session's credentials fit no circuit.
    pub fn with_session(&self, session: Session) -> Result<Api> {
        if !session.is_public() {
            session.circuit()?;
        }
        Ok(Api {
            inner: Arc::new(Inner {
                session,
                endpoints: self.inner.endpoints.clone(),
                transport: self.inner.transport.clone(),
                options: self.inner.options.clone(),
                budget: self.inner.budget.clone(),
            }),
        })
    }

    /// The session.
    pub fn session(&self) -> &Session {
        &self.inner.session
    }

    /// The endpoints.
    pub fn endpoints(&self) -> &Endpoints {
        &self.inner.endpoints
    }

    /// The transport, to share with other clients (the OAuth flows use it).
    pub fn transport(&self) -> Arc<dyn Transport> {
        self.inner.transport.clone()
    }

    /// Calls any method by name and returns its JSON.
    ///
    /// # Errors
    /// Every [`Error`] kind; API errors as [`Error::Api`].
    pub async fn call<I>(&self, method: &str, params: I) -> Result<Value>
    where
        I: IntoIterator,
        I::Item: Param,
    {
        let params = collect(params);
        let write = is_write_method(method);
        let resp = self.execute(method, params, Vec::new(), write).await?;
        decode::<Value>(&resp.body)
    }

    /// Calls any method by name and returns the body as sent, API errors included, without
    /// raising them (aiomailru's `pass_error`).
    ///
    /// # Errors
    /// Only when no response arrived (transport, timeout) or the request is invalid.
    pub async fn call_raw<I>(&self, method: &str, params: I) -> Result<RawResponse>
    where
        I: IntoIterator,
        I::Item: Param,
    {
        self.execute_raw(method, collect(params), Vec::new(), is_write_method(method))
            .await
    }

    /// Sends a typed method.
    ///
    /// # Errors
    /// Every [`Error`] kind.
    pub async fn send<M: Method>(&self, method: &M) -> Result<M::Output> {
        let params = method
            .params()
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect();
        let resp = self
            .execute(M::NAME, params, method.files(), M::WRITE)
            .await?;
        if M::NON_EMPTY && is_empty(&resp.body) {
            return Err(Error::EmptyResponse);
        }
        decode::<M::Output>(&resp.body)
    }

    /// Sends a typed method in raw mode.
    ///
    /// # Errors
    /// Only when no response arrived or the request is invalid.
    pub async fn send_raw<M: Method>(&self, method: &M) -> Result<RawResponse> {
        let params = method
            .params()
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect();
        self.execute_raw(M::NAME, params, method.files(), M::WRITE)
            .await
    }

    /// The unsigned public endpoint: `path` like `mail/ivanov` or `community/name`.
    /// Works with any session, [`Session::public`] included.
    ///
    /// # Errors
    /// [`Error::Http`] with status 404 for an unknown name; transport errors.
    pub async fn public_profile(&self, path: &str) -> Result<Value> {
        let (domain, nick) = path
            .trim_matches('/')
            .split_once('/')
            .filter(|(d, n)| valid_profile_path(d, n))
            .ok_or_else(|| {
                Error::InvalidRequest(format!(
                    "`{path}` is not a profile path like `mail/nick` or `community/name`"
                ))
            })?;
        let mut url = self.inner.endpoints.public.clone();
        url.path_segments_mut()
            .map_err(|()| {
                Error::InvalidRequest("the public endpoint cannot take a path".to_owned())
            })?
            .pop_if_empty()
            .extend([domain, nick]);
        let request = HttpRequest {
            method: HttpMethod::GET,
            url,
            headers: HeaderMap::new(),
            body: Bytes::new(),
        };
        let span = tracing::info_span!("mailru.public", outcome = tracing::field::Empty);
        let result = self
            .with_retries(request, false)
            .instrument(span.clone())
            .await
            .map_err(Error::from)
            .and_then(|resp| decode::<Value>(&resp.body));
        span.record("outcome", outcome(&result));
        result
    }

    async fn execute(
        &self,
        method: &str,
        params: Vec<(String, String)>,
        files: Vec<FilePart>,
        write: bool,
    ) -> Result<HttpResponse, Failed> {
        let span = tracing::info_span!(
            "mailru.call",
            method = method,
            outcome = tracing::field::Empty
        );
        let result = async {
            let request = self.build_request(method, params, files, write)?;
            self.with_retries(request, write).await
        }
        .instrument(span.clone())
        .await;
        span.record("outcome", outcome(&result));
        result
    }

    async fn execute_raw(
        &self,
        method: &str,
        params: Vec<(String, String)>,
        files: Vec<FilePart>,
        write: bool,
    ) -> Result<RawResponse> {
        match self.execute(method, params, files, write).await {
            Ok(resp) => Ok(raw(&resp)),
            Err(Failed::Answered(resp)) => Ok(raw(&resp)),
            Err(Failed::Other(e)) => Err(e),
        }
    }

    /// The signed parameter set of a call.
    fn signed_params(
        &self,
        method: &str,
        user: Vec<(String, String)>,
    ) -> Result<Vec<(String, String)>> {
        if let Some((k, _)) = user.iter().find(|(k, _)| RESERVED.contains(&k.as_str())) {
            return Err(Error::InvalidRequest(format!(
                "parameter `{k}` is set by the session; do not pass it"
            )));
        }
        let session = &self.inner.session;
        let circuit = session.circuit()?;
        let app_id = session.app_id().unwrap_or_default();
        let mut params = Vec::with_capacity(user.len() + 5);
        params.push(("method".to_owned(), method.to_owned()));
        params.push(("app_id".to_owned(), app_id.to_string()));
        if let Some(token) = session.access_token() {
            params.push(("session_key".to_owned(), token.expose().to_owned()));
        }
        if let Some(secure) = circuit.secure_param() {
            params.push(("secure".to_owned(), secure.to_owned()));
        }
        params.extend(user);
        let sig = session
            .with_credentials(|creds| creds.sign(circuit, &params))?
            .map_err(|e| Error::InvalidRequest(e.to_string()))?;
        params.push(("sig".to_owned(), sig.to_string()));
        if circuit == Circuit::ClientServer && session.access_token().is_none() {
            return Err(Error::InvalidRequest(
                "the client-server circuit needs an access token".to_owned(),
            ));
        }
        Ok(params)
    }

    fn build_request(
        &self,
        method: &str,
        params: Vec<(String, String)>,
        files: Vec<FilePart>,
        write: bool,
    ) -> Result<HttpRequest> {
        let params = self.signed_params(method, params)?;
        let mut url = self.inner.endpoints.api.clone();
        let mut headers = HeaderMap::new();
        if !files.is_empty() {
            let (content_type, body) = multipart(&params, &files);
            headers.insert(CONTENT_TYPE, content_type);
            return Ok(HttpRequest {
                method: HttpMethod::POST,
                url,
                headers,
                body,
            });
        }
        let encoded = encode(&params);
        if write || encoded.len() > MAX_QUERY {
            headers.insert(
                CONTENT_TYPE,
                HeaderValue::from_static("application/x-www-form-urlencoded"),
            );
            return Ok(HttpRequest {
                method: HttpMethod::POST,
                url,
                headers,
                body: Bytes::from(encoded),
            });
        }
        url.set_query(Some(&encoded));
        Ok(HttpRequest {
            method: HttpMethod::GET,
            url,
            headers,
            body: Bytes::new(),
        })
    }

    /// Sends with per-attempt and total timeouts, retrying as the policy decides.
    async fn with_retries(
        &self,
        request: HttpRequest,
        write: bool,
    ) -> Result<HttpResponse, Failed> {
        let options = &self.inner.options;
        let start = Instant::now();
        let deadline = options.total_timeout.map(|t| start + t);
        let mut attempt = 1;
        loop {
            let mut limit = options.attempt_timeout;
            if let Some(deadline) = deadline {
                limit = limit.min(deadline.saturating_duration_since(Instant::now()));
            }
            let result =
                match tokio::time::timeout(limit, self.inner.transport.send(request.clone())).await
                {
                    Ok(Ok(resp)) => classify(resp),
                    Ok(Err(e)) => Err(Failed::Other(e)),
                    Err(_) => Err(Failed::Other(Error::Timeout(limit))),
                };
            let failure = match result {
                Ok(resp) => {
                    self.inner.budget.refund();
                    return Ok(resp);
                }
                Err(f) => f,
            };
            let error = failure.error();
            let decision = retry_decision(
                &options.retry,
                attempt,
                &error,
                write,
                self.inner.budget.available(),
                jitter(),
            );
            let Decision::RetryAfter(delay) = decision else {
                return Err(failure);
            };
            if let Some(deadline) = deadline
                && Instant::now() + delay >= deadline
            {
                return Err(match failure {
                    Failed::Other(Error::Timeout(_)) => {
                        Failed::Other(Error::Timeout(options.total_timeout.unwrap_or(limit)))
                    }
                    other => other,
                });
            }
            if !self.inner.budget.try_spend() {
                return Err(failure);
            }
            tracing::debug!(attempt, delay_ms = delay.as_millis() as u64, error = %error, "retrying");
            tokio::time::sleep(delay).await;
            attempt += 1;
        }
    }
}

/// `domain/nick` of the public endpoint: a lower-case domain (`mail`, `community`, ...) and a
/// nick of letters, digits, `.`, `_` and `-`; nothing that could leave the endpoint's path.
fn valid_profile_path(domain: &str, nick: &str) -> bool {
    !domain.is_empty()
        && domain.bytes().all(|b| b.is_ascii_lowercase())
        && !nick.is_empty()
        && nick != "."
        && nick != ".."
        && nick
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}

/// A failed attempt: with the response when one arrived (raw mode returns it).
#[derive(Debug)]
enum Failed {
    Answered(Box<HttpResponse>),
    Other(Error),
}

impl Failed {
    fn error(&self) -> Error {
        match self {
            Failed::Answered(resp) => answered_error(resp),
            Failed::Other(e) => clone_error(e),
        }
    }
}

impl From<Failed> for Error {
    fn from(f: Failed) -> Self {
        match f {
            Failed::Answered(resp) => answered_error(&resp),
            Failed::Other(e) => e,
        }
    }
}

impl From<Error> for Failed {
    fn from(e: Error) -> Self {
        Failed::Other(e)
    }
}

fn clone_error(e: &Error) -> Error {
    match e {
        Error::Transport(s) => Error::Transport(s.clone()),
        Error::Timeout(d) => Error::Timeout(*d),
        Error::TooLarge(n) => Error::TooLarge(*n),
        Error::InvalidRequest(s) => Error::InvalidRequest(s.clone()),
        other => Error::Transport(other.to_string()),
    }
}

/// The error an answered-but-failed response stands for.
fn answered_error(resp: &HttpResponse) -> Error {
    if let Some((code, message)) = api_error(&resp.body) {
        return Error::api(code, message);
    }
    Error::Http {
        status: resp.status,
        body_start: body_start(&resp.body),
    }
}

/// `{"error": {"error_code": N, "error_msg": "..."}}`, whatever the HTTP status.
fn api_error(body: &[u8]) -> Option<(i64, String)> {
    #[derive(serde::Deserialize)]
    struct Envelope {
        error: Inner,
    }
    #[derive(serde::Deserialize)]
    struct Inner {
        error_code: Value,
        #[serde(default)]
        error_msg: Option<String>,
    }
    // Cheap pre-check: most successful bodies are arrays or lack the key.
    if !body.windows(10).any(|w| w == b"error_code") {
        return None;
    }
    let env: Envelope = serde_json::from_slice(body).ok()?;
    let code = match env.error.error_code {
        Value::Number(n) => n.as_i64()?,
        Value::String(s) => s.parse().ok()?,
        _ => return None,
    };
    Some((code, env.error.error_msg.unwrap_or_default()))
}

/// 200 without an error object → success; anything else → a failure with the response.
fn classify(resp: HttpResponse) -> Result<HttpResponse, Failed> {
    if resp.status == 200 && api_error(&resp.body).is_none() {
        Ok(resp)
    } else {
        Err(Failed::Answered(Box::new(resp)))
    }
}

fn raw(resp: &HttpResponse) -> RawResponse {
    RawResponse {
        status: resp.status,
        body: String::from_utf8_lossy(&resp.body).into_owned(),
    }
}

fn outcome<T>(result: &Result<T, impl std::fmt::Debug>) -> &'static str {
    if result.is_ok() { "ok" } else { "error" }
}

fn collect<I>(params: I) -> Vec<(String, String)>
where
    I: IntoIterator,
    I::Item: Param,
{
    params
        .into_iter()
        .map(|p| (p.key().to_owned(), p.value().to_owned()))
        .collect()
}

fn encode(params: &[(String, String)]) -> String {
    let mut s = Serializer::new(String::new());
    for (k, v) in params {
        s.append_pair(k, v);
    }
    s.finish()
}

fn is_empty(body: &[u8]) -> bool {
    let t = body.trim_ascii();
    t.is_empty() || t == b"{}" || t == b"[]"
}

/// Deserializes a success body, reporting the JSON path of a failure.
pub(crate) fn decode<T: DeserializeOwned>(body: &[u8]) -> Result<T> {
    let de = &mut serde_json::Deserializer::from_slice(body);
    serde_path_to_error::deserialize(de).map_err(|e| Error::Decode {
        path: e.path().to_string(),
        message: e.inner().to_string(),
        body_start: body_start(body),
    })
}

/// A multipart/form-data body: every parameter as a text part (they are signed), then the
/// files (not signed).
fn multipart(params: &[(String, String)], files: &[FilePart]) -> (HeaderValue, Bytes) {
    let boundary = format!("mailru-{:016x}", (jitter() * u64::MAX as f64) as u64);
    let mut body = Vec::new();
    for (k, v) in params {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                .as_bytes(),
        );
    }
    for f in files {
        let name = f.file_name.replace(['"', '\r', '\n'], "_");
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{}\"; filename=\"{name}\"\r\nContent-Type: {}\r\n\r\n",
                f.field, f.content_type
            )
            .as_bytes(),
        );
        body.extend_from_slice(&f.bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    let content_type = HeaderValue::from_str(&format!("multipart/form-data; boundary={boundary}"))
        .unwrap_or_else(|_| HeaderValue::from_static("multipart/form-data"));
    (content_type, Bytes::from(body))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_errors_are_found_whatever_the_status_and_code_type() {
        let body = br#"{"error":{"error_code":104,"error_msg":"Incorrect signature","error_token":"NONE","extended":null}}"#;
        assert_eq!(
            api_error(body),
            Some((104, "Incorrect signature".to_owned()))
        );
        assert_eq!(
            api_error(br#"{"error":{"error_code":"3"}}"#),
            Some((3, String::new()))
        );
        assert_eq!(api_error(br#"[{"uid":"1"}]"#), None);
        assert_eq!(api_error(br#"{"error":"invalid_grant"}"#), None);
        let ok = HttpResponse {
            status: 200,
            headers: HeaderMap::new(),
            body: Bytes::from_static(br#"{"error":{"error_code":1,"error_msg":"x"}}"#),
        };
        assert!(matches!(classify(ok), Err(Failed::Answered(_))));
    }

    #[test]
    fn profile_paths_cannot_leave_the_public_endpoint() {
        assert!(valid_profile_path("mail", "ivan.petrov"));
        assert!(valid_profile_path("community", "rust_lovers"));
        for (d, n) in [
            ("http:", "/evil.example"),
            ("mail", ".."),
            ("mail", "%2e%2e"),
            ("Mail", "x"),
            ("mail", "a/b"),
            ("", "x"),
        ] {
            assert!(!valid_profile_path(d, n), "{d}/{n}");
        }
    }

    #[test]
    fn empty_bodies() {
        assert!(is_empty(b""));
        assert!(is_empty(b" {} "));
        assert!(is_empty(b"[]"));
        assert!(!is_empty(b"[1]"));
    }

    #[test]
    fn decode_reports_the_path() {
        #[derive(serde::Deserialize, Debug)]
        struct U {
            #[allow(dead_code)]
            uid: u64,
        }
        let err = decode::<Vec<U>>(br#"[{"uid":1},{"uid":"x"}]"#).unwrap_err();
        match err {
            Error::Decode { path, .. } => assert_eq!(path, "[1].uid"),
            other => panic!("{other:?}"),
        }
    }
}
