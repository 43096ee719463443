//! Pure steps of the login-form flow: classify a page or a redirect, extract a form.

use scraper::{ElementRef, Html, Selector};
use url::Url;

use crate::error::AuthError;

/// An HTML form as a browser would submit it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Form {
    /// The `id` attribute, if any.
    pub id: Option<String>,
    /// The `action` attribute as written (resolve it against the page URL).
    pub action: String,
    /// `GET` or `POST` (upper-case; `GET` when absent).
    pub method: String,
    /// Named `<input>`s (not buttons, not unchecked boxes) and `<select>`s with their
    /// current values, entities decoded, in document order.
    pub fields: Vec<(String, String)>,
}

impl Form {
    /// The value of a field.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// Whether the form has a field of that name.
    pub fn has(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    /// Sets a field, adding it when absent.
    pub fn set(&mut self, name: &str, value: &str) {
        match self.fields.iter_mut().find(|(k, _)| k == name) {
            Some((_, v)) => *v = value.to_owned(),
            None => self.fields.push((name.to_owned(), value.to_owned())),
        }
    }
}

/// What a dialog page is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Page {
    /// The login dialog: a form with `Login` and `Password`.
    Login(Form),
    /// The consent dialog of a logged-in user: a POST form with a hidden `client_id`.
    Consent(Form),
    /// "Авторизация запрещена": the app is in development.
    AppNotAvailable,
    /// "Не указано приложение": no or unknown `client_id`.
    NoClient,
    /// Anything else, with its title.
    Unknown {
        /// The `<title>`, if any.
        title: Option<String>,
    },
}

/// Where a redirect of the flow leads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Redirect {
    /// The standalone success page with the token in the fragment.
    Token(String),
    /// `error=access_denied`: the user declined.
    Declined,
    /// Back to the authorize URL with `fail`: wrong credentials.
    FailedLogin,
    /// To `/recovery`: the user is blocked.
    Blocked,
    /// Somewhere else: follow it.
    Follow(Url),
}

fn selector(s: &str) -> Selector {
    // Only called with the literal selectors below, which are valid.
    Selector::parse(s).unwrap_or_else(|e| panic!("selector `{s}` is invalid: {e}"))
}

/// Every form of a page.
pub fn extract_forms(html: &str) -> Vec<Form> {
    let doc = Html::parse_document(html);
    let forms = selector("form");
    let fields = selector("input[name], select[name]");
    let option = selector("option");
    doc.select(&forms)
        .map(|form| Form {
            id: form.value().attr("id").map(str::to_owned),
            action: form.value().attr("action").unwrap_or_default().to_owned(),
            method: form
                .value()
                .attr("method")
                .unwrap_or("get")
                .to_ascii_uppercase(),
            fields: form
                .select(&fields)
                .filter_map(|el| field(el, &option))
                .collect(),
        })
        .collect()
}

/// A field's submitted name and value, or `None` for buttons and unchecked boxes.
fn field(el: ElementRef<'_>, option: &Selector) -> Option<(String, String)> {
    let name = el.value().attr("name")?.to_owned();
    if el.value().name() == "select" {
        let options: Vec<ElementRef<'_>> = el.select(option).collect();
        let chosen = options
            .iter()
            .find(|o| o.value().attr("selected").is_some())
            .or(options.first())?;
        let value = chosen
            .value()
            .attr("value")
            .map_or_else(|| chosen.text().collect(), str::to_owned);
        return Some((name, value));
    }
    let kind = el
        .value()
        .attr("type")
        .unwrap_or("text")
        .to_ascii_lowercase();
    match kind.as_str() {
        "submit" | "button" | "image" | "reset" | "file" => None,
        "checkbox" | "radio" if el.value().attr("checked").is_none() => None,
        _ => Some((
            name,
            el.value().attr("value").unwrap_or_default().to_owned(),
        )),
    }
}

/// The text of `<title>`, trimmed.
pub fn title(html: &str) -> Option<String> {
    let doc = Html::parse_document(html);
    doc.select(&selector("title"))
        .next()
        .map(|t| t.text().collect::<String>().trim().to_owned())
        .filter(|t| !t.is_empty())
}

/// Classifies a dialog page by its markers and forms (spec §5.5, decisions.md).
pub fn classify(html: &str) -> Page {
    if html.contains("Авторизация запрещена") {
        return Page::AppNotAvailable;
    }
    if html.contains("Не указано приложение") {
        return Page::NoClient;
    }
    let forms = extract_forms(html);
    if let Some(login) = forms.iter().find(|f| f.has("Login") && f.has("Password")) {
        return Page::Login(login.clone());
    }
    if let Some(consent) = forms
        .iter()
        .find(|f| f.method == "POST" && f.has("client_id"))
    {
        return Page::Consent(consent.clone());
    }
    Page::Unknown { title: title(html) }
}

/// Classifies a redirect target. `success` is the standalone redirect URI: only a redirect
/// to exactly it (scheme, host, port, path) is taken for the token; a look-alike on
/// another host or scheme is just a redirect (which the flow then refuses to follow).
pub fn classify_redirect(location: &Url, success: &Url) -> Redirect {
    let query = |key: &str| {
        location
            .query_pairs()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.into_owned())
    };
    // Only a redirect to exactly the success page carries a token worth believing.
    let at_success = location.origin() == success.origin() && location.path() == success.path();
    if at_success
        && let Some(fragment) = location.fragment()
        && fragment.contains("access_token=")
    {
        return Redirect::Token(fragment.to_owned());
    }
    // A refusal ends the flow wherever it comes from: believing it costs nothing.
    if query("error").as_deref() == Some("access_denied") {
        return Redirect::Declined;
    }
    if location.path().ends_with("/recovery") {
        return Redirect::Blocked;
    }
    if location.path().ends_with("/oauth/authorize") && query("fail").is_some() {
        return Redirect::FailedLogin;
    }
    Redirect::Follow(location.clone())
}

/// The login form filled in: `Login` = the part before `@`, `Domain` = the part after
/// (decisions.md; aiomailru's second-level-label rule breaks on other domains), `Password`,
/// every other field (the hidden `Page` and `FailPage`) as the page set it.
///
/// # Errors
/// [`AuthError::MalformedPage`] when the form lacks `Page` or `FailPage`.
pub fn fill_login(
    form: &Form,
    email: &str,
    password: &str,
) -> Result<Vec<(String, String)>, AuthError> {
    for hidden in ["Page", "FailPage"] {
        if !form.has(hidden) {
            return Err(AuthError::MalformedPage(format!(
                "the login form has no hidden input `{hidden}`"
            )));
        }
    }
    let (login, domain) = match email.rsplit_once('@') {
        Some((login, domain)) => (login, domain),
        None => (email, "mail.ru"),
    };
    let mut filled = form.clone();
    filled.set("Login", login);
    filled.set("Domain", domain);
    filled.set("Password", password);
    Ok(filled.fields)
}

/// A URL for error messages: scheme, host, port and path; no query or fragment, which may
/// carry tokens.
pub fn safe_url(url: &Url) -> String {
    let mut u = url.clone();
    u.set_query(None);
    u.set_fragment(None);
    let _ = u.set_password(None);
    let _ = u.set_username("");
    u.to_string()
}

/// A URL as error messages show it: [`safe_url`], sanitized ([`mailru_api::sanitize`]:
/// bounded, secrets in the path redacted).
pub(crate) fn shown_url(url: &Url) -> String {
    mailru_api::sanitize(&safe_url(url))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    #[test]
    fn redirects_are_classified() {
        let success = url("http://h/oauth/success.html");
        assert_eq!(
            classify_redirect(
                &url("http://h/oauth/success.html#access_token=a&x_mailru_vid=1"),
                &success
            ),
            Redirect::Token("access_token=a&x_mailru_vid=1".to_owned())
        );
        assert_eq!(
            classify_redirect(
                &url("http://h/oauth/success.html?error=access_denied"),
                &success
            ),
            Redirect::Declined
        );
        assert_eq!(
            classify_redirect(&url("http://h/recovery?x=1"), &success),
            Redirect::Blocked
        );
        assert_eq!(
            classify_redirect(
                &url("http://h/oauth/authorize?client_id=1&fail=1"),
                &success
            ),
            Redirect::FailedLogin
        );
        let next = url("http://h/oauth/authorize?client_id=1&login=1");
        assert_eq!(
            classify_redirect(&next, &success),
            Redirect::Follow(next.clone())
        );
    }

    #[test]
    fn safe_url_drops_query_fragment_and_credentials() {
        let u = url("https://user:pw@h/oauth/success.html?session_key=s#access_token=t");
        assert_eq!(safe_url(&u), "https://h/oauth/success.html");
    }
}
