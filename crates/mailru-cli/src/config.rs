//! Global options → credentials, sessions, clients.

use mailru::Session;
use mailru::api::{Api, Circuit, Endpoints};
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
            app = app.private_key(k.clone());
        }
        if let Some(k) = &self.secret_key {
            app = app.secret_key(k.clone());
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
        Ok(match self.endpoints()? {
            Some(endpoints) => OAuth::new(app).with_endpoints(endpoints),
            None => OAuth::new(app),
        })
    }

    /// The REST client: with `--access-token`, a fixed session of the options; else with
    /// a token file, a session that renews the stored token and saves every renewed one
    /// back to the file; else, with a secret key, sessionless server-server calls (public
    /// reads). Keys from the options; the circuit as chosen.
    pub fn api(&self) -> Result<Api, Failure> {
        let app = self.app()?;
        let stored = match &self.access_token {
            Some(_) => None,
            None => self.stored_token()?,
        };
        if let (Some(token), Some(path)) = (stored, &self.token_file) {
            check_circuit(&token.session(&app).with_circuit(self.circuit()))?;
            let renewing = self
                .oauth()?
                .renewing(token)
                .circuit(self.circuit())
                .token_file(path.clone());
            return renewing
                .api()
                .map_err(|e| Failure::Other(format!("error: {e}")));
        }
        let mut session = match &self.access_token {
            Some(t) => Session::token(app.id, t.clone()).with_circuit(self.circuit()),
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
                let secret = self.secret_key.clone().ok_or_else(|| {
                    Failure::Other(
                        "error: no access token: pass --access-token or --token-file (see \
                         `mailru login`), or --secret-key for sessionless server calls"
                            .to_owned(),
                    )
                })?;
                Session::server(app.id, secret)
            }
        };
        if let Some(uid) = self.uid {
            session = session.with_uid(uid);
        }
        if let Some(k) = &self.private_key {
            session = session.with_private_key(k.clone());
        }
        if let Some(k) = &self.secret_key {
            session = session.with_secret_key(k.clone());
        }
        check_circuit(&session)?;
        self.api_of(session)
    }

    fn api_of(&self, session: Session) -> Result<Api, Failure> {
        let mut builder = Api::builder(session);
        if let Some(endpoints) = self.endpoints()? {
            // Origins given on the command line are explicit: plain http is allowed.
            builder = builder.endpoints(endpoints).allow_http(true);
        }
        builder
            .build()
            .map_err(|e| Failure::Other(format!("error: {e}")))
    }

    /// The endpoints of `--base-url` (one origin) or `--hosts` (one per platform host);
    /// `None` for the real platform.
    fn endpoints(&self) -> Result<Option<Endpoints>, Failure> {
        if let Some(base) = &self.base_url {
            return Endpoints::single_origin(base)
                .map(Some)
                .map_err(|e| Failure::Other(format!("error: bad --base-url: {e}")));
        }
        let Some(hosts) = &self.hosts else {
            return Ok(None);
        };
        let bad = |why: String| Failure::Other(format!("error: bad --hosts: {why}"));
        let origins: Vec<&str> = hosts.split(',').map(str::trim).collect();
        let [appsmail, connect, auth] = origins[..] else {
            return Err(bad(format!(
                "{} origins given, 3 needed: APPSMAIL,CONNECT,AUTH",
                origins.len()
            )));
        };
        Endpoints::hosts(appsmail, connect, auth)
            .map(Some)
            .map_err(|e| bad(e.to_string()))
    }

    /// A client without credentials, for the public endpoint.
    pub fn public_api(&self) -> Result<Api, Failure> {
        self.api_of(Session::public())
    }
}

/// Whether requests can be signed with `session`; says what to pass when not.
fn check_circuit(session: &Session) -> Result<(), Failure> {
    session.circuit().map(drop).map_err(|e| {
        Failure::Other(format!(
            "error: cannot sign requests: {e} (pass --private-key and --uid for the client \
             circuit, or --secret-key for the server circuit)"
        ))
    })
}

/// `KEY=VALUE` arguments as pairs ([`mailru_cli::parse_params`]), or the error line.
pub fn parse_params(args: &[String]) -> Result<Vec<(String, String)>, Failure> {
    mailru_cli::parse_params(args).map_err(|e| Failure::Other(format!("error: {e}")))
}
