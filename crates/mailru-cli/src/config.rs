//! Global options → credentials, sessions, clients.

use mailru::Session;
use mailru::api::{AccessToken, Api, Circuit, PrivateKey, SecretKey};
use mailru::auth::{App, OAuth, Token};

use crate::Failure;
use crate::cli::{CircuitArg, Global};

impl Global {
    pub fn app_id(&self) -> Result<u64, Failure> {
        self.app_id.ok_or_else(|| {
            Failure::Other(
                "error: missing application id: pass --app-id or set MAILRU_APP_ID".to_owned(),
            )
        })
    }

    pub fn app(&self) -> Result<App, Failure> {
        let mut app = App::new(self.app_id()?);
        if let Some(k) = &self.private_key {
            app = app.private_key(k.as_str());
        }
        if let Some(k) = &self.secret_key {
            app = app.secret_key(k.as_str());
        }
        Ok(app)
    }

    pub fn circuit(&self) -> Option<Circuit> {
        match self.circuit {
            CircuitArg::Auto => None,
            CircuitArg::Client => Some(Circuit::ClientServer),
            CircuitArg::Server => Some(Circuit::ServerServer),
        }
    }

    /// The token of --token-file, if given and present.
    pub fn stored_token(&self) -> Result<Option<Token>, Failure> {
        match &self.token_file {
            Some(path) if path.exists() => Token::load(path)
                .map(Some)
                .map_err(|e| Failure::Other(format!("error: {}: {e}", e.kind()))),
            _ => Ok(None),
        }
    }

    pub fn oauth(&self) -> Result<OAuth, Failure> {
        let app = self.app()?;
        match &self.base_url {
            Some(base) => OAuth::with_base_url(app, base)
                .map_err(|e| Failure::Other(format!("error: bad --base-url: {e}"))),
            None => Ok(OAuth::new(app)),
        }
    }

    /// The REST session: the access token and uid from the options, else from the token
    /// file; keys from the options; the circuit as chosen. Without a token: a sessionless
    /// server-server session (public reads).
    pub fn session(&self) -> Result<Session, Failure> {
        let app_id = self.app_id()?;
        let stored = self.stored_token()?;
        let token = self
            .access_token
            .clone()
            .or_else(|| stored.as_ref().map(|t| t.access_token.expose().to_owned()));
        let uid = self.uid.or(stored.as_ref().map(|t| t.uid));
        let mut session = match &token {
            Some(t) => {
                Session::token(app_id, AccessToken::new(t.as_str())).with_circuit(self.circuit())
            }
            None => {
                // A token file that was asked for but is missing is an error, not a
                // silent fallback to sessionless calls.
                if let Some(path) = &self.token_file {
                    return Err(Failure::Other(format!(
                        "error: no access token: the token file {} does not exist (run \
                         `mailru login --token-file {}` first), or pass --access-token",
                        path.display(),
                        path.display()
                    )));
                }
                let secret = self.secret_key.as_deref().ok_or_else(|| {
                    Failure::Other(
                        "error: no access token: pass --access-token or --token-file (see \
                         `mailru login`), or --secret-key for sessionless server calls"
                            .to_owned(),
                    )
                })?;
                Session::server(app_id, SecretKey::new(secret))
            }
        };
        if let Some(uid) = uid {
            session = session.with_uid(uid);
        }
        if let Some(k) = &self.private_key {
            session = session.with_private_key(PrivateKey::new(k.as_str()));
        }
        if let Some(k) = &self.secret_key {
            session = session.with_secret_key(SecretKey::new(k.as_str()));
        }
        session.circuit().map_err(|e| {
            Failure::Other(format!(
                "error: cannot sign requests: {e} (pass --private-key and --uid for the client \
                 circuit, or --secret-key for the server circuit)"
            ))
        })?;
        Ok(session)
    }

    pub fn api(&self, session: Session) -> Result<Api, Failure> {
        let mut builder = Api::builder(session);
        if let Some(base) = &self.base_url {
            builder = builder
                .base_url(base)
                .map_err(|e| Failure::Other(format!("error: bad --base-url: {e}")))?;
        }
        builder
            .build()
            .map_err(|e| Failure::Other(format!("error: {e}")))
    }

    /// A client without credentials, for the public endpoint.
    pub fn public_api(&self) -> Result<Api, Failure> {
        self.api(Session::public())
    }
}

/// `KEY=VALUE` arguments as pairs.
pub fn parse_params(args: &[String]) -> Result<Vec<(String, String)>, Failure> {
    args.iter()
        .map(|a| {
            a.split_once('=')
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .filter(|(k, _)| !k.is_empty())
                .ok_or_else(|| {
                    Failure::Other(format!("error: `{a}` is not KEY=VALUE (e.g. uids=123)"))
                })
        })
        .collect()
}
