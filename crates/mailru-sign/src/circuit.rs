//! Which of the two signature circuits to use, and signing with credentials.

use std::fmt;

use crate::Error;
use crate::params::Param;
use crate::signature::{Signature, digest};

/// The two ways the platform signs a request (spec §2.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Circuit {
    /// `md5(uid + params + private_key)`: for code users can read (desktop, mobile, JS).
    ClientServer,
    /// `md5(params + secret_key)` with `secure=1` among the params: for servers only.
    ServerServer,
}

impl Circuit {
    /// The value of the `secure` parameter this circuit sends, if any. Client-server sends
    /// none: aiomailru and the JS API omit it, and an explicit `secure=0` would be signed.
    pub fn secure_param(self) -> Option<&'static str> {
        match self {
            Circuit::ClientServer => None,
            Circuit::ServerServer => Some("1"),
        }
    }
}

impl fmt::Display for Circuit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Circuit::ClientServer => "client-server",
            Circuit::ServerServer => "server-server",
        })
    }
}

/// Application and user credentials, borrowed. Keys never appear in `Debug`.
///
/// ```
/// use mailru_sign::{Circuit, Credentials};
///
/// let creds = Credentials::new("423004")
///     .uid("1324730981306483817")
///     .private_key("7815696ecbf1c96e6894b779456d330e")
///     .secret_key("3dad9cbf9baaa0360c0f2ba372d25716");
/// // uid + private_key win, as in aiomailru.
/// assert_eq!(creds.infer_circuit()?, Circuit::ClientServer);
/// let sig = creds.sign(
///     Circuit::ClientServer,
///     &[
///         ("app_id", "423004"),
///         ("method", "friends.get"),
///         ("session_key", "be6ef89965d58e56dec21acb9b62bdaa"),
///     ],
/// )?;
/// assert_eq!(sig.to_string(), "5073f15c6d5b6ab2fde23ac43332b002");
/// # Ok::<(), mailru_sign::Error>(())
/// ```
#[derive(Clone, Copy, Default, PartialEq, Eq)]
pub struct Credentials<'a> {
    app_id: Option<&'a str>,
    uid: Option<&'a str>,
    private_key: Option<&'a str>,
    secret_key: Option<&'a str>,
}

impl<'a> Credentials<'a> {
    /// Credentials of the application `app_id`, with no keys yet.
    pub fn new(app_id: &'a str) -> Self {
        Credentials {
            app_id: Some(app_id),
            ..Credentials::default()
        }
    }

    /// Sets the uid of the user who owns the session (needed by client-server).
    #[must_use]
    pub fn uid(mut self, uid: &'a str) -> Self {
        self.uid = Some(uid);
        self
    }

    /// Sets the application's private key (client-server).
    #[must_use]
    pub fn private_key(mut self, key: &'a str) -> Self {
        self.private_key = Some(key);
        self
    }

    /// Sets the application's secret key (server-server).
    #[must_use]
    pub fn secret_key(mut self, key: &'a str) -> Self {
        self.secret_key = Some(key);
        self
    }

    /// Missing credentials of `circuit`, in a fixed order. Empty strings count as missing.
    fn missing(&self, circuit: Circuit) -> Vec<&'static str> {
        let needed: &[(&'static str, Option<&str>)] = match circuit {
            Circuit::ClientServer => &[
                ("app_id", self.app_id),
                ("uid", self.uid),
                ("private_key", self.private_key),
            ],
            Circuit::ServerServer => &[("app_id", self.app_id), ("secret_key", self.secret_key)],
        };
        needed
            .iter()
            .filter(|(_, v)| v.is_none_or(str::is_empty))
            .map(|(name, _)| *name)
            .collect()
    }

    /// The circuit aiomailru would use: client-server when `app_id`, `uid` and `private_key`
    /// are present, else server-server when `app_id` and `secret_key` are.
    ///
    /// # Errors
    /// [`Error::MissingCredentials`] naming every credential missing for either circuit.
    pub fn infer_circuit(&self) -> Result<Circuit, Error> {
        let client = self.missing(Circuit::ClientServer);
        if client.is_empty() {
            return Ok(Circuit::ClientServer);
        }
        let server = self.missing(Circuit::ServerServer);
        if server.is_empty() {
            return Ok(Circuit::ServerServer);
        }
        let mut missing = client;
        missing.extend(
            server
                .into_iter()
                .filter(|n| !missing.contains(n))
                .collect::<Vec<_>>(),
        );
        Err(Error::MissingCredentials {
            circuit: None,
            missing,
        })
    }

    /// `forced` when it is given and its credentials are present, else the inferred circuit.
    ///
    /// # Errors
    /// [`Error::MissingCredentials`] when the forced circuit lacks credentials, or when none
    /// can be inferred.
    pub fn choose_circuit(&self, forced: Option<Circuit>) -> Result<Circuit, Error> {
        match forced {
            None => self.infer_circuit(),
            Some(circuit) => {
                let missing = self.missing(circuit);
                if missing.is_empty() {
                    Ok(circuit)
                } else {
                    Err(Error::MissingCredentials {
                        circuit: Some(circuit),
                        missing,
                    })
                }
            }
        }
    }

    /// Signs `params` with `circuit`. For server-server the caller's params must already
    /// include `secure=1` (see [`Circuit::secure_param`]).
    ///
    /// # Errors
    /// [`Error::MissingCredentials`] when `circuit` lacks a credential;
    /// [`Error::DuplicateKey`] when a key appears twice.
    pub fn sign<I>(&self, circuit: Circuit, params: I) -> Result<Signature, Error>
    where
        I: IntoIterator,
        I::Item: Param,
    {
        self.choose_circuit(Some(circuit))?;
        // Present and non-empty: `choose_circuit` checked them.
        let get = |v: Option<&'a str>| v.unwrap_or_default();
        match circuit {
            Circuit::ClientServer => digest(get(self.uid), params, get(self.private_key)),
            Circuit::ServerServer => digest("", params, get(self.secret_key)),
        }
    }
}

impl fmt::Debug for Credentials<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let redact = |v: Option<&str>| v.map(|_| "[redacted]");
        f.debug_struct("Credentials")
            .field("app_id", &self.app_id)
            .field("uid", &self.uid)
            .field("private_key", &redact(self.private_key))
            .field("secret_key", &redact(self.secret_key))
            .finish()
    }
}
