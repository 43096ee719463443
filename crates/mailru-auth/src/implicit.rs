//! The implicit grant through the HTML login form: a small state machine over pure steps.

use std::time::Duration;

use mailru_api::{Password, Session};
use url::Url;

use crate::browser::{Browser, location};
use crate::error::AuthError;
use crate::oauth::{OAuth, full_scope};
use crate::page::{Page, Redirect, classify, classify_redirect, fill_login, shown_url, title};
use crate::token::{Cookies, Token};

/// How much of a server error page is looked at for its quoted start (which
/// [`mailru_api::sanitize`] bounds to 300 characters).
const ERROR_PAGE_HEAD: usize = 4 * 1024;

/// The start of an error page, sanitized: secrets redacted, control characters replaced,
/// bounded.
fn body_start(body: &[u8]) -> String {
    let head = &body[..body.len().min(ERROR_PAGE_HEAD)];
    mailru_api::sanitize(&String::from_utf8_lossy(head))
}

/// A form the flow will not submit: it posts off the platform.
fn untrusted_form(what: &str, action: &Url) -> AuthError {
    AuthError::MalformedPage(format!(
        "the {what} form posts to {}, not to the platform",
        shown_url(action)
    ))
}

/// Default most redirects and pages one login may take.
pub const DEFAULT_MAX_HOPS: usize = 12;

/// The standalone login (aiomailru's `ImplicitSession`): open the authorize URL, fill and
/// submit the login form, accept the consent dialog, read the token from the fragment of
/// the final redirect.
///
/// ```no_run
/// # async fn run() -> Result<(), mailru_auth::AuthError> {
/// use mailru_auth::{App, OAuth};
///
/// let oauth = OAuth::new(App::new(423004).private_key("7815696ecbf1c96e6894b779456d330e"));
/// let token = oauth
///     .implicit("user@inbox.ru", "password")
///     .scope(&["stream", "messages"])
///     .login()
///     .await?;
/// let session = token.client_session(oauth.app());
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct ImplicitGrant<'a> {
    oauth: &'a OAuth,
    email: String,
    password: Password,
    scope: Vec<String>,
    cookies: Option<Cookies>,
    max_hops: usize,
    attempts: u32,
    pause: Duration,
}

/// What the flow has done so far (each step at most once).
#[derive(Default)]
struct Progress {
    logged_in: bool,
    consented: bool,
}

impl<'a> ImplicitGrant<'a> {
    pub(crate) fn new(oauth: &'a OAuth, email: &str, password: Password) -> Self {
        ImplicitGrant {
            oauth,
            email: email.trim().to_owned(),
            password,
            scope: full_scope(),
            cookies: None,
            max_hops: DEFAULT_MAX_HOPS,
            attempts: 1,
            pause: Duration::from_secs(1),
        }
    }

    /// Privileges to ask for (`stream`, `messages`, `photos`, ...); the default is
    /// [`FULL_SCOPE`](crate::FULL_SCOPE), as aiomailru's. `&[]` asks for the base access
    /// only.
    #[must_use]
    pub fn scope(mut self, scope: &[&str]) -> Self {
        self.scope = scope.iter().map(|s| (*s).to_owned()).collect();
        self
    }

    /// Cookies of an earlier login: a still logged-in browser skips the login form. The
    /// cookies belong to whoever logged in then; the e-mail and password are only used if
    /// the login form appears.
    #[must_use]
    pub fn cookies(mut self, cookies: Cookies) -> Self {
        self.cookies = Some(cookies);
        self
    }

    /// Most redirects and pages (default 12).
    #[must_use]
    pub fn max_hops(mut self, hops: usize) -> Self {
        self.max_hops = hops;
        self
    }

    /// Tries up to `attempts` times with `pause` between, on network trouble only; wrong
    /// credentials and other definite answers are returned at once.
    #[must_use]
    pub fn attempts(mut self, attempts: u32, pause: Duration) -> Self {
        self.attempts = attempts.max(1);
        self.pause = pause;
        self
    }

    /// Logs in and returns the token (with the browser cookies).
    ///
    /// # Errors
    /// One [`AuthError`] variant per failure of decisions.md.
    pub async fn login(&self) -> Result<Token, AuthError> {
        let mut attempt = 1;
        loop {
            match self.login_once().await {
                Err(e) if e.is_transient() && attempt < self.attempts => {
                    tracing::debug!(attempt, error = %e, "login attempt failed; retrying");
                    tokio::time::sleep(self.pause).await;
                    attempt += 1;
                }
                other => return other,
            }
        }
    }

    /// Logs in and returns a client-server session (aiomailru's `ImplicitClientSession`).
    ///
    /// # Errors
    /// As [`login`](Self::login).
    pub async fn client_session(&self) -> Result<(Token, Session), AuthError> {
        let token = self.login().await?;
        let session = token.client_session(&self.oauth.app);
        Ok((token, session))
    }

    /// Logs in and returns a server-server session (aiomailru's `ImplicitServerSession`).
    ///
    /// # Errors
    /// As [`login`](Self::login).
    pub async fn server_session(&self) -> Result<(Token, Session), AuthError> {
        let token = self.login().await?;
        let session = token.server_session(&self.oauth.app);
        Ok((token, session))
    }

    fn authorize_url(&self) -> Url {
        let e = &self.oauth.endpoints;
        let mut url = e.authorize.clone();
        url.query_pairs_mut()
            .append_pair("client_id", &self.oauth.app.id.to_string())
            .append_pair("response_type", "token")
            .append_pair("redirect_uri", e.success.as_str())
            .append_pair("scope", &self.scope.join(" "));
        url
    }

    /// Whether the password may be posted to `action`: only to the platform's login
    /// origin ([`Endpoints::login`](mailru_api::Endpoints::login)), never to whatever a
    /// page's form says.
    fn trusted_action(&self, action: &Url) -> bool {
        action.origin() == self.oauth.endpoints.login.origin()
    }

    /// Whether a redirect may be followed: to the dialog's or the login form's origin
    /// only, never from https down to http (an http hop could hand the user a token of its
    /// own: login CSRF), and never to a look-alike of the success page (its path on
    /// another scheme, host or port: whatever it carries is not the platform's token).
    fn follow(&self, from: &Url, to: &Url) -> Result<(), AuthError> {
        let e = &self.oauth.endpoints;
        let refuse = |reason| AuthError::RefusedRedirect {
            url: shown_url(to),
            reason,
        };
        if from.scheme() == "https" && to.scheme() != "https" {
            return Err(refuse("it leaves https"));
        }
        if to.origin() != e.authorize.origin() && to.origin() != e.login.origin() {
            return Err(refuse("it leaves the platform"));
        }
        if to.path() == e.success.path() {
            return Err(refuse("it imitates the success page on another origin"));
        }
        Ok(())
    }

    async fn login_once(&self) -> Result<Token, AuthError> {
        let jar = self.cookies.clone().map(|c| c.0).unwrap_or_default();
        let mut browser = Browser::new(self.oauth.transport.clone(), self.oauth.timeout, jar);
        let mut progress = Progress::default();
        let mut url = self.authorize_url();
        let mut resp = browser.get(&url).await?;
        for _ in 0..self.max_hops {
            if let Some(next) = location(&resp, &url) {
                match classify_redirect(&next, &self.oauth.endpoints.success) {
                    Redirect::Token(fragment) => {
                        let mut token = Token::from_fragment(&fragment, &self.scope)?;
                        token.cookies = Some(Cookies(browser.jar));
                        return Ok(token);
                    }
                    Redirect::Declined => return Err(AuthError::UserDeclined),
                    Redirect::FailedLogin => return Err(AuthError::InvalidCredentials),
                    Redirect::Blocked => return Err(AuthError::UserBlocked),
                    Redirect::Follow(next) => {
                        self.follow(&url, &next)?;
                        url = next;
                        resp = browser.get(&url).await?;
                        continue;
                    }
                }
            }
            if resp.status >= 500 {
                return Err(AuthError::Api(mailru_api::Error::Http {
                    status: resp.status,
                    body_start: body_start(&resp.body),
                }));
            }
            // The browser refused anything over MAX_PAGE_SIZE.
            let html = String::from_utf8_lossy(&resp.body).into_owned();
            let (action, fields) = match (resp.status, classify(&html)) {
                (_, Page::AppNotAvailable) => return Err(AuthError::AppNotAvailable),
                (_, Page::NoClient) => {
                    return Err(AuthError::InvalidClient(format!(
                        "the platform does not know application {}",
                        self.oauth.app.id
                    )));
                }
                (200, Page::Login(form)) if !progress.logged_in => {
                    progress.logged_in = true;
                    let action = url.join(&form.action).map_err(|_| {
                        AuthError::MalformedPage("the login form action is not a URL".to_owned())
                    })?;
                    // The password goes to the login origin only.
                    if !self.trusted_action(&action) {
                        return Err(untrusted_form("login", &action));
                    }
                    (
                        action,
                        fill_login(&form, &self.email, self.password.expose())?,
                    )
                }
                // The login form again after submitting it: the credentials were refused.
                (200, Page::Login(_)) => return Err(AuthError::InvalidCredentials),
                (200, Page::Consent(form)) if !progress.consented => {
                    progress.consented = true;
                    let action = url.join(&form.action).map_err(|_| {
                        AuthError::MalformedPage("the consent form action is not a URL".to_owned())
                    })?;
                    // The consent goes back to the dialog (the real form posts to
                    // connect.mail.ru/oauth/authorize), with the session's cookies.
                    if action.origin() != self.oauth.endpoints.authorize.origin() {
                        return Err(untrusted_form("consent", &action));
                    }
                    // Any POST of the consent form is consent (decisions.md).
                    (action, form.fields)
                }
                _ => {
                    return Err(AuthError::UnexpectedPage {
                        url: shown_url(&url),
                        title: title(&html)
                            .map(|t| mailru_api::sanitize(&t).trim().to_owned())
                            .filter(|t| !t.is_empty()),
                    });
                }
            };
            url = action;
            resp = browser.post_form(&url, &fields).await?;
        }
        Err(AuthError::TooManyRedirects(self.max_hops))
    }
}
