//! Profile and community links, and a community's stream.

use mailru_api::methods::stream::GetByAuthor;
use mailru_api::models::StreamItem;
use mailru_api::{Api, Error, Items, Result};
use serde_json::Value;

/// A link resolved through the public endpoint.
#[derive(Debug, Clone, PartialEq)]
pub struct Resolved {
    /// The uid.
    pub uid: u64,
    /// `domain/nick`, e.g. `community/mailru_devs` or `mail/ivanov`.
    pub path: String,
    /// The profile the public endpoint returned.
    pub profile: Value,
}

/// `domain/nick` of a profile or community link: `https://my.mail.ru/community/x/`,
/// `my.mail.ru/mail/nick`, `community/x`, `/inbox/nick/`, ...
///
/// ```
/// use mailru_scrapers::profile_path;
/// assert_eq!(profile_path("https://my.mail.ru/community/rust_lovers/")?, "community/rust_lovers");
/// assert_eq!(profile_path("mail/ivanov")?, "mail/ivanov");
/// assert!(profile_path("https://example.org/").is_err());
/// # Ok::<(), mailru_api::Error>(())
/// ```
///
/// # Errors
/// [`Error::InvalidRequest`] when the link has no `domain/nick`.
pub fn profile_path(link: &str) -> Result<String> {
    let mut rest = link.trim();
    for prefix in ["https://", "http://"] {
        if let Some(r) = rest.strip_prefix(prefix) {
            rest = r;
            let host_end = rest.find('/').unwrap_or(rest.len());
            let host = &rest[..host_end];
            if !(host.ends_with("mail.ru") || host.ends_with("appsmail.ru")) {
                return Err(Error::invalid(format!(
                    "`{}` is not a my.mail.ru link",
                    mailru_api::sanitize(link)
                )));
            }
            rest = &rest[host_end..];
        }
    }
    // A host without a scheme: `my.mail.ru/community/x`.
    if let Some((host, tail)) = rest.split_once('/')
        && host.ends_with("mail.ru")
    {
        rest = tail;
    }
    let rest = rest.split(['?', '#']).next().unwrap_or("");
    let mut parts = rest.split('/').filter(|p| !p.is_empty());
    let (domain, nick) = match (parts.next(), parts.next()) {
        (Some("platform"), Some(d)) => (Some(d), parts.next()),
        (d, n) => (d, n),
    };
    let valid = |s: &str| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
    };
    match (domain, nick) {
        (Some(d), Some(n)) if valid(d) && valid(n) && d.chars().all(|c| c.is_ascii_lowercase()) => {
            Ok(format!("{d}/{n}"))
        }
        _ => Err(Error::invalid(format!(
            "`{}` has no profile path like `mail/nick` or `community/name`",
            mailru_api::sanitize(link)
        ))),
    }
}

/// Resolves a profile or community link to its uid through the public endpoint.
///
/// # Errors
/// [`Error::InvalidRequest`] for a malformed link; [`Error::Http`] 404 for an unknown name.
pub async fn resolve(api: &Api, link: &str) -> Result<Resolved> {
    let path = profile_path(link)?;
    let profile = api.public(&path, ()).await?;
    let uid = match &profile["uid"] {
        Value::String(s) => s.parse().ok(),
        Value::Number(n) => n.as_u64(),
        _ => None,
    }
    .ok_or_else(|| Error::Decode {
        path: "uid".to_owned(),
        message: "the public endpoint answered without a uid".to_owned(),
        body_start: mailru_api::sanitize(&profile.to_string()),
        source: None,
    })?;
    Ok(Resolved { uid, path, profile })
}

/// Every event of a community (or user), newest first: `stream.getByAuthor` walked whole
/// (aiomailru's `stream.getByAuthor` scraper). A closed community the caller is not a
/// member of yields one [`Error::Api`] of kind `AccessDenied` (202). The stream has the
/// checkpoints of every walk ([`Items::checkpoint`]).
pub fn community_stream(api: &Api, uid: u64) -> Items<StreamItem> {
    api.paginate(GetByAuthor::new().uid(uid))
}
