//! Secrets as newtypes: `Debug` and `Display` print `[redacted]`; `expose()` reads them.

use std::fmt;

use serde::{Deserialize, Serialize};

macro_rules! secret {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        ///
        /// Debug and Display print `[redacted]`; serde (de)serializes the value itself, for
        /// token files.
        #[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// Wraps a secret value.
            pub fn new(value: impl Into<String>) -> Self {
                $name(value.into())
            }

            /// The secret value; keep it out of logs.
            pub fn expose(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}([redacted])", stringify!($name))
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("[redacted]")
            }
        }

        impl From<&str> for $name {
            fn from(value: &str) -> Self {
                $name::new(value)
            }
        }

        impl From<String> for $name {
            fn from(value: String) -> Self {
                $name(value)
            }
        }
    };
}

secret!(
    /// A user's access token (the REST `session_key`).
    AccessToken
);
secret!(
    /// A refresh token of the OAuth token endpoint.
    RefreshToken
);
secret!(
    /// An application's private key (client-server circuit).
    PrivateKey
);
secret!(
    /// An application's secret key (server-server circuit, OAuth `client_secret`).
    SecretKey
);
secret!(
    /// A user's password (password grant, login form).
    Password
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_display_are_redacted() {
        let t = AccessToken::new("sentinel-value");
        assert_eq!(format!("{t}"), "[redacted]");
        assert_eq!(format!("{t:?}"), "AccessToken([redacted])");
        assert_eq!(t.expose(), "sentinel-value");
        let json = serde_json::to_string(&t).unwrap();
        assert_eq!(json, "\"sentinel-value\"");
    }
}
