//! The one error type of this crate.

use std::fmt;

use crate::circuit::Circuit;

/// Why a parameter set could not be signed or verified.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// The same key appears twice in one parameter set. The platform signs one value per key,
    /// so a request with duplicates can never carry a valid signature.
    DuplicateKey {
        /// The repeated key.
        key: String,
    },
    /// No circuit can be used with the given credentials.
    MissingCredentials {
        /// The circuit that was asked for, or `None` when it was to be inferred.
        circuit: Option<Circuit>,
        /// Names of the credentials that are missing, e.g. `["uid", "private_key"]`.
        missing: Vec<&'static str>,
    },
    /// The parameter set to verify has no `sig` parameter.
    MissingSignature,
    /// The `sig` parameter is not 32 lowercase hexadecimal characters.
    MalformedSignature,
    /// The `sig` parameter does not match the other parameters.
    SignatureMismatch,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::DuplicateKey { key } => {
                write!(f, "parameter `{key}` is given more than once")
            }
            Error::MissingCredentials {
                circuit: Some(circuit),
                missing,
            } => write!(
                f,
                "cannot sign with the {circuit} circuit: missing {}",
                missing.join(", ")
            ),
            Error::MissingCredentials {
                circuit: None,
                missing,
            } => write!(
                f,
                "cannot choose a signature circuit: client-server needs app_id, uid and \
                 private_key, server-server needs app_id and secret_key; missing {}",
                missing.join(", ")
            ),
            Error::MissingSignature => f.write_str("parameter `sig` is missing"),
            Error::MalformedSignature => {
                f.write_str("parameter `sig` is not 32 lowercase hexadecimal characters")
            }
            Error::SignatureMismatch => f.write_str("signature does not match the parameters"),
        }
    }
}

impl std::error::Error for Error {}
