//! Checking the `sig` of a received parameter set.

use std::fmt;

use crate::Error;
use crate::params::{Param, SIG};
use crate::signature::{Signature, digest};

/// What a signature is checked against: the circuit and the secrets it uses.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum VerifyKey<'a> {
    /// `md5(uid + params + private_key)`.
    ClientServer {
        /// The session owner's uid.
        uid: &'a str,
        /// The application's private key.
        private_key: &'a str,
    },
    /// `md5(params + secret_key)`; payment callbacks and `mrc` session data use it too.
    ServerServer {
        /// The application's secret key.
        secret_key: &'a str,
    },
}

impl fmt::Debug for VerifyKey<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            VerifyKey::ClientServer { uid, .. } => f
                .debug_struct("ClientServer")
                .field("uid", uid)
                .field("private_key", &"[redacted]")
                .finish(),
            VerifyKey::ServerServer { .. } => f
                .debug_struct("ServerServer")
                .field("secret_key", &"[redacted]")
                .finish(),
        }
    }
}

/// Verifies a received parameter set that contains `sig`, comparing in constant time.
///
/// Used by app servers for payment callbacks (spec §10) and by the emulator for requests.
///
/// ```
/// use mailru_sign::{verify, VerifyKey};
///
/// let callback = [
///     ("app_id", "423004"), ("debug", "1"), ("mailiki_price", "10"), ("profit", "5"),
///     ("service_id", "10"), ("transaction_id", "3751"), ("uid", "104"),
///     ("sig", "d09e552cccc9b5edd627bf83fbba7789"),
/// ];
/// let key = VerifyKey::ServerServer { secret_key: "3dad9cbf9baaa0360c0f2ba372d25716" };
/// assert!(verify(&callback, key).is_ok());
/// ```
///
/// # Errors
/// [`Error::MissingSignature`], [`Error::MalformedSignature`], [`Error::DuplicateKey`]
/// (also for two `sig` parameters), or [`Error::SignatureMismatch`].
pub fn verify<I>(params: I, key: VerifyKey<'_>) -> Result<(), Error>
where
    I: IntoIterator,
    I::Item: Param,
    I::IntoIter: Clone,
{
    let iter = params.into_iter();
    let mut given = None;
    for p in iter.clone().filter(|p| p.key() == SIG) {
        if given.is_some() {
            return Err(Error::DuplicateKey {
                key: SIG.to_owned(),
            });
        }
        given = Some(p.value().parse::<Signature>()?);
    }
    let given = given.ok_or(Error::MissingSignature)?;
    let expected = match key {
        VerifyKey::ClientServer { uid, private_key } => digest(uid, iter, private_key)?,
        VerifyKey::ServerServer { secret_key } => digest("", iter, secret_key)?,
    };
    if expected.ct_eq(&given) {
        Ok(())
    } else {
        Err(Error::SignatureMismatch)
    }
}
