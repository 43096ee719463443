//! Tokens: what a grant produces, secret-aware, saved to and loaded from a 0600 JSON file.

use std::fmt;
use std::path::Path;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use cookie_store::CookieStore;
use mailru_api::{AccessToken, Circuit, RefreshToken, Session};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

use crate::app::App;
use crate::error::AuthError;
use crate::token_file;

/// The browser cookies of the implicit flow, kept so that a later login can skip the form.
/// `Debug` prints no value.
#[derive(Clone, Default)]
pub struct Cookies(pub(crate) CookieStore);

impl fmt::Debug for Cookies {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.0.iter_any().map(|c| c.name()).collect();
        f.debug_struct("Cookies")
            .field("names", &names)
            .field("values", &"[redacted]")
            .finish()
    }
}

impl PartialEq for Cookies {
    fn eq(&self, other: &Self) -> bool {
        let flat = |c: &Cookies| {
            let mut v: Vec<(String, String, String)> =
                c.0.iter_any()
                    .map(|c| {
                        (
                            c.domain().unwrap_or("").to_owned(),
                            c.name().to_owned(),
                            c.value().to_owned(),
                        )
                    })
                    .collect();
            v.sort();
            v
        };
        flat(self) == flat(other)
    }
}

impl Serialize for Cookies {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut out = Vec::new();
        cookie_store::serde::json::save_incl_expired_and_nonpersistent(&self.0, &mut out)
            .map_err(serde::ser::Error::custom)?;
        let value: Value = serde_json::from_slice(&out).map_err(serde::ser::Error::custom)?;
        value.serialize(s)
    }
}

impl<'de> Deserialize<'de> for Cookies {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(d)?;
        let text = serde_json::to_vec(&value).map_err(serde::de::Error::custom)?;
        cookie_store::serde::json::load_all(&text[..])
            .map(Cookies)
            .map_err(serde::de::Error::custom)
    }
}

/// An OAuth token set. Debug shows no secret.
///
/// A token file written by [`save`](Self::save) holds the access and refresh tokens but
/// not the browser cookies; [`save_with_cookies`](Self::save_with_cookies) writes them too.
///
/// ```
/// use mailru_auth::Token;
/// let token = Token::from_json(&serde_json::json!({
///     "access_token": "be6ef89965d58e56dec21acb9b62bdaa",
///     "refresh_token": "c5b0d1e7a3f2498c9e6d7b1a2f3c4d5e",
///     "expires_in": 86400, "token_type": "bearer", "x_mailru_vid": "1324730981306483817",
/// }), &[], None)?;
/// assert_eq!(token.uid, 1324730981306483817);
/// assert!(!format!("{token:?}").contains("be6ef899"));
/// # Ok::<(), mailru_auth::AuthError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Token {
    /// The access token (REST `session_key`).
    pub access_token: AccessToken,
    /// The refresh token, when the grant gave one.
    #[serde(default)]
    pub refresh_token: Option<RefreshToken>,
    /// When the access token expires, unix seconds.
    pub expires_at: u64,
    /// The user (`x_mailru_vid`).
    #[serde(with = "uid_string")]
    pub uid: u64,
    /// `bearer`.
    pub token_type: String,
    /// The privileges asked for.
    #[serde(default)]
    pub scope: Vec<String>,
    /// Browser cookies of the implicit flow (they include the login cookie, a full mail.ru
    /// login). [`save`](Self::save) leaves them out of the file;
    /// [`save_with_cookies`](Self::save_with_cookies) writes them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cookies: Option<Cookies>,
}

mod uid_string {
    use serde::{Deserialize, Deserializer, Serializer};

    pub(super) fn serialize<S: Serializer>(uid: &u64, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&uid.to_string())
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
        match serde_json::Value::deserialize(d)? {
            serde_json::Value::String(s) => s.parse().map_err(serde::de::Error::custom),
            serde_json::Value::Number(n) => n
                .as_u64()
                .ok_or_else(|| serde::de::Error::custom("uid is not an unsigned integer")),
            other => Err(serde::de::Error::custom(format!("uid is {other}"))),
        }
    }
}

/// Longest lifetime believed from a token endpoint (ten years).
const MAX_LIFETIME: u64 = 10 * 365 * 86_400;

pub(crate) fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or(Duration::ZERO)
        .as_secs()
}

/// A string field, or a number written as a string.
fn text(v: &Value, key: &str) -> Option<String> {
    match &v[key] {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

impl Token {
    /// A token from the token endpoint's JSON (or the fragment's fields as JSON strings).
    /// `uid` is used when the answer has no `x_mailru_vid` (a refresh answer may omit it:
    /// the token still belongs to the same user).
    ///
    /// # Errors
    /// [`AuthError::MalformedToken`] when `access_token` is missing, or `x_mailru_vid` is
    /// missing and no `uid` is given, or is not a uid.
    pub fn from_json(v: &Value, scope: &[String], uid: Option<u64>) -> Result<Token, AuthError> {
        let access = text(v, "access_token").ok_or_else(|| {
            AuthError::MalformedToken("the answer has no access_token".to_owned())
        })?;
        let uid = match text(v, "x_mailru_vid") {
            Some(vid) => vid.parse().map_err(|_| {
                AuthError::MalformedToken("the answer's x_mailru_vid is not a uid".to_owned())
            })?,
            None => uid.ok_or_else(|| {
                AuthError::MalformedToken(
                    "the answer has no x_mailru_vid and the token's owner is not known".to_owned(),
                )
            })?,
        };
        // A server-sent lifetime is clamped: a huge value must not overflow the clock.
        let expires_in = text(v, "expires_in")
            .and_then(|s| s.parse::<u64>().ok())
            .unwrap_or(86_400)
            .min(MAX_LIFETIME);
        Ok(Token {
            access_token: AccessToken::new(access),
            refresh_token: text(v, "refresh_token").map(RefreshToken::new),
            expires_at: now().saturating_add(expires_in),
            uid,
            token_type: text(v, "token_type").unwrap_or_else(|| "bearer".to_owned()),
            scope: scope.to_vec(),
            cookies: None,
        })
    }

    /// A token from the fragment of the standalone redirect
    /// (`access_token=…&refresh_token=…&expires_in=86400&token_type=bearer&x_mailru_vid=…`).
    ///
    /// # Errors
    /// As [`from_json`](Self::from_json), with no fallback uid.
    pub fn from_fragment(fragment: &str, scope: &[String]) -> Result<Token, AuthError> {
        let map: serde_json::Map<String, Value> = url::form_urlencoded::parse(fragment.as_bytes())
            .map(|(k, v)| (k.into_owned(), Value::String(v.into_owned())))
            .collect();
        Token::from_json(&Value::Object(map), scope, None)
    }

    /// Seconds until expiry (0 when expired).
    pub fn expires_in(&self) -> u64 {
        self.expires_at.saturating_sub(now())
    }

    /// Whether the token expires within `margin` from now.
    pub fn expires_within(&self, margin: Duration) -> bool {
        self.expires_at <= now().saturating_add(margin.as_secs())
    }

    /// A REST session of `app` with this token, the circuit inferred from the app's keys
    /// (uid + private key → client-server, else secret key → server-server).
    pub fn session(&self, app: &App) -> Session {
        self.session_with(app, None)
    }

    /// A client-server session (aiomailru's `…ClientSession`).
    pub fn client_session(&self, app: &App) -> Session {
        self.session_with(app, Some(Circuit::ClientServer))
    }

    /// A server-server session (aiomailru's `…ServerSession`).
    pub fn server_session(&self, app: &App) -> Session {
        self.session_with(app, Some(Circuit::ServerServer))
    }

    fn session_with(&self, app: &App, circuit: Option<Circuit>) -> Session {
        let mut s = Session::token(app.id, self.access_token.clone())
            .with_uid(self.uid)
            .with_circuit(circuit);
        if let Some(k) = &app.private_key {
            s = s.with_private_key(k.clone());
        }
        if let Some(k) = &app.secret_key {
            s = s.with_secret_key(k.clone());
        }
        s
    }

    /// Saves the token as JSON, readable by the owner only (mode 0600 on Unix), without
    /// the browser [`cookies`](Self::cookies): the login cookie is a full mail.ru login,
    /// wider than the token, so it is only written when asked, with
    /// [`save_with_cookies`](Self::save_with_cookies).
    ///
    /// The write is atomic (a temporary file with an unpredictable name, created
    /// exclusively, then renamed over `path`, and the directory synced on Unix): a failed
    /// save leaves the old file as it was, and concurrent saves to one path leave one whole
    /// token.
    ///
    /// # Errors
    /// [`AuthError::TokenFile`].
    pub fn save(&self, path: impl AsRef<Path>) -> Result<(), AuthError> {
        let mut without = self.clone();
        without.cookies = None;
        without.write(path.as_ref())
    }

    /// Saves the token as [`save`](Self::save) does, together with the browser cookies of
    /// the implicit flow, so that a later login can skip the form
    /// ([`ImplicitGrant::cookies`](crate::ImplicitGrant::cookies)). The file then holds a
    /// full mail.ru login of the user: keep it as private as a password.
    ///
    /// # Errors
    /// [`AuthError::TokenFile`].
    pub fn save_with_cookies(&self, path: impl AsRef<Path>) -> Result<(), AuthError> {
        self.write(path.as_ref())
    }

    fn write(&self, path: &Path) -> Result<(), AuthError> {
        let err = |source| AuthError::TokenFile {
            path: path.display().to_string(),
            source,
        };
        let json = serde_json::to_vec_pretty(self).map_err(|e| err(e.into()))?;
        token_file::write_private(path, &json).map_err(err)
    }

    /// Loads a token saved by [`save`](Self::save) or
    /// [`save_with_cookies`](Self::save_with_cookies).
    ///
    /// # Errors
    /// [`AuthError::TokenFile`] when the file cannot be read, is not a regular file, is
    /// larger than [`MAX_TOKEN_FILE_SIZE`](crate::MAX_TOKEN_FILE_SIZE), or is not a token
    /// (the message names what is wrong but quotes no value of the file).
    pub fn load(path: impl AsRef<Path>) -> Result<Token, AuthError> {
        let path = path.as_ref();
        let err = |source| AuthError::TokenFile {
            path: path.display().to_string(),
            source,
        };
        let bytes = token_file::read_bounded(path).map_err(err)?;
        serde_json::from_slice(&bytes).map_err(|e| err(not_a_token(&e)))
    }
}

/// A decoding error without the values serde may quote (`invalid type: string "…"`,
/// `uid is …`): a broken token file may hold secrets in the wrong places.
fn not_a_token(e: &serde_json::Error) -> std::io::Error {
    use serde_json::error::Category;
    let text = e.to_string();
    // serde's own words where they quote nothing of the file: syntax errors and missing
    // or duplicate fields.
    let words = match e.classify() {
        Category::Syntax | Category::Eof | Category::Io => true,
        Category::Data => text.starts_with("missing field") || text.starts_with("duplicate field"),
    };
    let message = if words {
        format!("not a token file: {}", mailru_api::sanitize(&text))
    } else {
        format!(
            "not a token file: a field has the wrong type or value at line {} column {}",
            e.line(),
            e.column()
        )
    };
    std::io::Error::new(std::io::ErrorKind::InvalidData, message)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Token {
        Token::from_fragment(
            "access_token=SENTINELaccess&refresh_token=SENTINELrefresh&expires_in=86400&token_type=bearer&x_mailru_vid=1324730981306483817",
            &["stream".to_owned()],
        )
        .unwrap()
    }

    #[test]
    fn fragment_fields_are_read() {
        let t = sample();
        assert_eq!(t.uid, 1_324_730_981_306_483_817);
        assert_eq!(t.access_token.expose(), "SENTINELaccess");
        assert_eq!(
            t.refresh_token.as_ref().unwrap().expose(),
            "SENTINELrefresh"
        );
        assert!(t.expires_in() > 86_000);
        assert!(!t.expires_within(Duration::from_secs(60)));
        assert!(matches!(
            Token::from_fragment("expires_in=1", &[]),
            Err(AuthError::MalformedToken(_))
        ));
    }

    #[test]
    fn saved_token_loads_back_equal_with_mode_0600_and_debug_has_no_secret() {
        let dir = std::env::temp_dir().join(format!("mailru-token-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("token.json");
        let mut t = sample();
        let mut jar = CookieStore::default();
        let url = url::Url::parse("http://127.0.0.1:1/").unwrap();
        jar.parse("Mpop=SENTINELcookie; Path=/; HttpOnly", &url)
            .unwrap();
        t.cookies = Some(Cookies(jar));
        t.save_with_cookies(&path).unwrap();
        let loaded = Token::load(&path).unwrap();
        assert_eq!(loaded, t);
        // A plain save leaves the login cookie out.
        let plain = dir.join("plain.json");
        t.save(&plain).unwrap();
        let text = std::fs::read_to_string(&plain).unwrap();
        assert!(
            !text.contains("SENTINELcookie") && !text.contains("Mpop"),
            "{text}"
        );
        assert!(text.contains("SENTINELaccess"), "{text}");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let debug = format!("{t:?}");
        assert!(!debug.contains("SENTINEL"), "{debug}");
        assert!(debug.contains("Mpop"));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn sessions_follow_the_app_keys() {
        let t = sample();
        let app = App::new(423_004).secret_key("s");
        assert_eq!(t.session(&app).circuit().unwrap(), Circuit::ServerServer);
        let app = app.private_key("p");
        assert_eq!(t.session(&app).circuit().unwrap(), Circuit::ClientServer);
        assert_eq!(
            t.server_session(&app).circuit().unwrap(),
            Circuit::ServerServer
        );
    }
}
