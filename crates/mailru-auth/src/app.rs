//! The application's credentials, as the OAuth flows need them.

use mailru_api::{PrivateKey, SecretKey};

/// An application: its id (OAuth `client_id`) and keys.
///
/// ```
/// use mailru_auth::App;
/// let app = App::new(423004)
///     .private_key("7815696ecbf1c96e6894b779456d330e")
///     .secret_key("3dad9cbf9baaa0360c0f2ba372d25716");
/// // decisions.md: the secret key is the client_secret when there is one.
/// assert_eq!(app.client_secret().unwrap().expose(), "3dad9cbf9baaa0360c0f2ba372d25716");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct App {
    /// `app_id` / `client_id`.
    pub id: u64,
    /// Private key (client-server circuit).
    pub private_key: Option<PrivateKey>,
    /// Secret key (server-server circuit).
    pub secret_key: Option<SecretKey>,
}

impl App {
    /// An app with no keys yet.
    pub fn new(id: u64) -> Self {
        App {
            id,
            private_key: None,
            secret_key: None,
        }
    }

    /// Sets the private key.
    #[must_use]
    pub fn private_key(mut self, key: impl Into<PrivateKey>) -> Self {
        self.private_key = Some(key.into());
        self
    }

    /// Sets the secret key.
    #[must_use]
    pub fn secret_key(mut self, key: impl Into<SecretKey>) -> Self {
        self.secret_key = Some(key.into());
        self
    }

    /// The `client_secret` of the token endpoint: the secret key when the app has one, else
    /// the private key (decisions.md, "OAuth"). `None` when the app has neither.
    pub fn client_secret(&self) -> Option<SecretKey> {
        self.secret_key.clone().or_else(|| {
            self.private_key
                .as_ref()
                .map(|k| SecretKey::new(k.expose()))
        })
    }
}
