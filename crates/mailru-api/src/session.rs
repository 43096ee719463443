//! Credentials and the session kinds aiomailru users know: public, token, client, server;
//! and where a client gets its session before each attempt.

use std::fmt;
use std::sync::{Arc, OnceLock};

use async_trait::async_trait;
use mailru_sign::{Circuit, Credentials};

use crate::error::{Error, Result};
use crate::secret::{AccessToken, PrivateKey, SecretKey};

/// Where an [`Api`](crate::Api) gets the session it signs each attempt with.
///
/// A fixed [`Session`] is the default. `mailru-auth` provides a source that renews the
/// access token shortly before it expires and once after the platform answers 102, so
/// that every call path (typed, dynamic, raw, pagers, batches) renews the same way.
///
/// ```
/// use std::sync::Arc;
/// use async_trait::async_trait;
/// use mailru_api::{Result, Session, SessionSource};
///
/// /// Reads the session from somewhere else before every attempt.
/// #[derive(Debug)]
/// struct FromVault(Arc<Session>);
///
/// #[async_trait]
/// impl SessionSource for FromVault {
///     async fn session(&self) -> Result<Arc<Session>> {
///         Ok(self.0.clone())
///     }
/// }
/// ```
#[async_trait]
pub trait SessionSource: Send + Sync + fmt::Debug {
    /// The session for the next attempt.
    ///
    /// # Errors
    /// [`Error::Session`] when none can be had (e.g. a renewal failed and the token
    /// expired).
    async fn session(&self) -> Result<Arc<Session>>;

    /// The platform answered 102 (authorization failed) to an attempt signed with
    /// `rejected`. Return the session to retry the call with, once, or `None` to give
    /// the 102 to the caller (the default).
    ///
    /// # Errors
    /// [`Error::Session`] when a renewal was tried and failed.
    async fn rejected(&self, rejected: &Arc<Session>) -> Result<Option<Arc<Session>>> {
        let _ = rejected;
        Ok(None)
    }
}

/// The default source: always the same session.
#[derive(Debug)]
pub(crate) struct FixedSession(pub(crate) Arc<Session>);

#[async_trait]
impl SessionSource for FixedSession {
    async fn session(&self) -> Result<Arc<Session>> {
        Ok(self.0.clone())
    }
}

/// Who calls and how requests are signed.
///
/// | aiomailru | mailru | signs |
/// |---|---|---|
/// | `PublicSession` | [`Session::public`] | nothing: only the public profile endpoint |
/// | `TokenSession` | [`Session::token`] | circuit inferred from the credentials present |
/// | `ClientSession` | [`Session::client`] | client-server: `md5(uid + params + private_key)` |
/// | `ServerSession` | [`Session::server`] | server-server: `md5(params + secret_key)`, `secure=1` |
///
/// ```
/// use mailru_api::{AccessToken, PrivateKey, SecretKey, Session};
/// use mailru_sign::Circuit;
///
/// let client = Session::client(
///     423004,
///     PrivateKey::new("7815696ecbf1c96e6894b779456d330e"),
///     AccessToken::new("be6ef89965d58e56dec21acb9b62bdaa"),
///     1324730981306483817,
/// );
/// assert_eq!(client.circuit()?, Circuit::ClientServer);
///
/// // No token: sessionless server-server calls for public reads (users.getInfo, ...).
/// let server = Session::server(423004, SecretKey::new("3dad9cbf9baaa0360c0f2ba372d25716"));
/// assert_eq!(server.circuit()?, Circuit::ServerServer);
///
/// // A token session infers the circuit, as aiomailru's TokenSession does.
/// let token = Session::token(423004, AccessToken::new("be6ef89965d58e56dec21acb9b62bdaa"))
///     .with_secret_key(SecretKey::new("3dad9cbf9baaa0360c0f2ba372d25716"));
/// assert_eq!(token.circuit()?, Circuit::ServerServer);
/// # Ok::<(), mailru_api::Error>(())
/// ```
#[derive(Clone, Debug, Default)]
pub struct Session {
    app_id: Option<u64>,
    uid: Option<u64>,
    private_key: Option<PrivateKey>,
    secret_key: Option<SecretKey>,
    access_token: Option<AccessToken>,
    forced: Option<Circuit>,
    /// What every request of this session signs with, worked out once.
    signing: OnceLock<Signing>,
}

/// The parts of a session's signature that do not change from call to call.
#[derive(Clone, Debug)]
pub(crate) struct Signing {
    pub(crate) circuit: Circuit,
    pub(crate) app_id: String,
    /// The uid prefix of the client-server circuit (empty for server-server).
    pub(crate) uid: String,
}

impl Session {
    /// No credentials: only the unsigned public endpoint (nick → uid) can be used.
    pub fn public() -> Self {
        Session::default()
    }

    /// An access token of `app_id`; add keys and the uid with the `with_*` methods. The
    /// circuit is inferred: uid + private key → client-server, else secret key →
    /// server-server.
    pub fn token(app_id: u64, access_token: AccessToken) -> Self {
        Session {
            app_id: Some(app_id),
            access_token: Some(access_token),
            ..Session::default()
        }
    }

    /// Client-server: the user's token, its owner's uid and the app's private key.
    pub fn client(
        app_id: u64,
        private_key: PrivateKey,
        access_token: AccessToken,
        uid: u64,
    ) -> Self {
        Session {
            app_id: Some(app_id),
            uid: Some(uid),
            private_key: Some(private_key),
            access_token: Some(access_token),
            forced: Some(Circuit::ClientServer),
            ..Session::default()
        }
    }

    /// Server-server with the app's secret key; add a user token with
    /// [`with_access_token`](Self::with_access_token), or call public reads without one.
    pub fn server(app_id: u64, secret_key: SecretKey) -> Self {
        Session {
            app_id: Some(app_id),
            secret_key: Some(secret_key),
            forced: Some(Circuit::ServerServer),
            ..Session::default()
        }
    }

    /// Sets the user's access token.
    #[must_use]
    pub fn with_access_token(mut self, token: AccessToken) -> Self {
        self.signing = OnceLock::new();
        self.access_token = Some(token);
        self
    }

    /// Sets the uid of the token's owner (`x_mailru_vid`).
    #[must_use]
    pub fn with_uid(mut self, uid: u64) -> Self {
        self.signing = OnceLock::new();
        self.uid = Some(uid);
        self
    }

    /// Sets the app's private key.
    #[must_use]
    pub fn with_private_key(mut self, key: PrivateKey) -> Self {
        self.signing = OnceLock::new();
        self.private_key = Some(key);
        self
    }

    /// Sets the app's secret key.
    #[must_use]
    pub fn with_secret_key(mut self, key: SecretKey) -> Self {
        self.signing = OnceLock::new();
        self.secret_key = Some(key);
        self
    }

    /// Forces a circuit (`None`: infer).
    #[must_use]
    pub fn with_circuit(mut self, circuit: Option<Circuit>) -> Self {
        self.signing = OnceLock::new();
        self.forced = circuit;
        self
    }

    /// The application id, if any.
    pub fn app_id(&self) -> Option<u64> {
        self.app_id
    }

    /// The token owner's uid, if known.
    pub fn uid(&self) -> Option<u64> {
        self.uid
    }

    /// The access token, if any.
    pub fn access_token(&self) -> Option<&AccessToken> {
        self.access_token.as_ref()
    }

    /// The private key, if any.
    pub fn private_key(&self) -> Option<&PrivateKey> {
        self.private_key.as_ref()
    }

    /// The secret key, if any.
    pub fn secret_key(&self) -> Option<&SecretKey> {
        self.secret_key.as_ref()
    }

    /// Whether this is a public session (no app).
    pub fn is_public(&self) -> bool {
        self.app_id.is_none()
    }

    /// The circuit REST calls are signed with.
    ///
    /// # Errors
    /// [`Error::InvalidRequest`] for a public session, or naming the missing credentials.
    pub fn circuit(&self) -> Result<Circuit> {
        self.signing().map(|s| s.circuit)
    }

    /// The circuit, app id and uid of every signature, worked out on first use.
    pub(crate) fn signing(&self) -> Result<&Signing> {
        if let Some(signing) = self.signing.get() {
            return Ok(signing);
        }
        let circuit = self.with_credentials(|creds| creds.choose_circuit(self.forced))??;
        let signing = Signing {
            circuit,
            app_id: self.app_id.unwrap_or_default().to_string(),
            uid: match circuit {
                Circuit::ClientServer => self.uid.map(|u| u.to_string()).unwrap_or_default(),
                Circuit::ServerServer => String::new(),
            },
        };
        Ok(self.signing.get_or_init(|| signing))
    }

    /// The key of the circuit: the private key (client-server) or the secret key.
    pub(crate) fn signing_key(&self, circuit: Circuit) -> &str {
        match circuit {
            Circuit::ClientServer => self.private_key.as_ref().map_or("", |k| k.expose()),
            Circuit::ServerServer => self.secret_key.as_ref().map_or("", |k| k.expose()),
        }
    }

    /// Runs `f` with the borrowed signing credentials.
    pub(crate) fn with_credentials<T>(&self, f: impl FnOnce(&Credentials<'_>) -> T) -> Result<T> {
        let Some(app_id) = self.app_id else {
            return Err(Error::invalid(
                "a public session cannot call REST methods; use a token, client or server session",
            ));
        };
        let app = app_id.to_string();
        let uid = self.uid.map(|u| u.to_string());
        let mut creds = Credentials::new(&app);
        if let Some(uid) = &uid {
            creds = creds.uid(uid);
        }
        if let Some(k) = &self.private_key {
            creds = creds.private_key(k.expose());
        }
        if let Some(k) = &self.secret_key {
            creds = creds.secret_key(k.expose());
        }
        Ok(f(&creds))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_session_inference_and_errors() {
        let t = Session::token(1, AccessToken::new("t"));
        let err = t.circuit().unwrap_err().to_string();
        assert!(
            err.contains("private_key") && err.contains("secret_key"),
            "{err}"
        );
        let t = t.with_uid(5).with_private_key(PrivateKey::new("p"));
        assert_eq!(t.circuit().unwrap(), Circuit::ClientServer);
        let forced = t.clone().with_circuit(Some(Circuit::ServerServer));
        assert!(
            forced
                .circuit()
                .unwrap_err()
                .to_string()
                .contains("secret_key")
        );
        assert!(Session::public().circuit().is_err());
    }

    #[test]
    fn debug_shows_no_secret() {
        let s = Session::client(
            1,
            PrivateKey::new("SENTINEL1"),
            AccessToken::new("SENTINEL2"),
            5,
        )
        .with_secret_key(SecretKey::new("SENTINEL3"));
        let text = format!("{s:?}");
        assert!(!text.contains("SENTINEL"), "{text}");
    }
}
