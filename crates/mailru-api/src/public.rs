//! The unsigned public endpoint: `GET /platform/<segments>?<params>` (spec §8).

use serde_json::Value;

use crate::client::Api;
use crate::dispatch::Target;
use crate::envelope::{RawResponse, decode};
use crate::error::{Error, Result};
use crate::params::IntoParams;
use crate::request::CallRequest;

/// Most path segments accepted.
const MAX_SEGMENTS: usize = 8;

impl Api {
    /// The public endpoint (no credentials, any session, [`Session::public`] included):
    /// `path` is one or more segments like `mail/ivanov` or `community/name`, `params` are
    /// sent as the query (`()` for none). Answers with an `{"error": ...}` object are
    /// [`Error::Api`]; an unknown name is [`Error::Http`] 404.
    ///
    /// ```no_run
    /// # async fn run(api: mailru_api::Api) -> mailru_api::Result<()> {
    /// let community = api.public("community/mailru_devs", ()).await?;
    /// let uid = community["uid"].as_str();
    /// # Ok(()) }
    /// ```
    ///
    /// [`Session::public`]: crate::Session::public
    ///
    /// # Errors
    /// [`Error::InvalidRequest`] for a path that could leave the endpoint (`..`, empty
    /// segments, other characters than letters, digits, `.`, `_`, `-`); transport errors.
    pub async fn public(&self, path: &str, params: impl IntoParams) -> Result<Value> {
        let call = self.public_request(path, params)?;
        let resp = self.dispatch(&call, &PUBLIC).await.into_result()?;
        decode(&resp.body)
    }

    /// [`public`](Self::public) in raw mode: the body as sent, error statuses included.
    ///
    /// # Errors
    /// Only when no response arrived or the path is invalid.
    pub async fn public_raw(&self, path: &str, params: impl IntoParams) -> Result<RawResponse> {
        let call = self.public_request(path, params)?;
        self.dispatch(&call, &PUBLIC).await.into_raw()
    }

    fn public_request<'a>(
        &self,
        path: &'a str,
        params: impl IntoParams,
    ) -> Result<CallRequest<'a>> {
        let segments = segments(path)?;
        let mut url = self.inner.endpoints.public.clone();
        url.path_segments_mut()
            .map_err(|()| Error::invalid("the public endpoint cannot take a path"))?
            .pop_if_empty()
            .extend(segments);
        Ok(CallRequest::public(path, url, crate::client::owned(params)))
    }
}

/// A read: retried on transient errors.
const PUBLIC: Target = Target {
    retry_safe: true,
    post: false,
    non_empty: false,
};

/// The segments of `path`, each letters, digits, `.`, `_` and `-`, none `.` or `..`:
/// nothing that could leave the endpoint's path.
fn segments(path: &str) -> Result<Vec<&str>> {
    let parts: Vec<&str> = path.trim_matches('/').split('/').collect();
    let valid = |s: &str| {
        !s.is_empty()
            && s != "."
            && s != ".."
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
    };
    if parts.len() > MAX_SEGMENTS || !parts.iter().all(|p| valid(p)) {
        return Err(Error::invalid(format!(
            "`{}` is not a public path like `mail/nick` or `community/name`",
            crate::text::sanitize(path)
        )));
    }
    Ok(parts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_cannot_leave_the_public_endpoint() {
        assert_eq!(
            segments("mail/ivan.petrov").unwrap(),
            ["mail", "ivan.petrov"]
        );
        assert_eq!(
            segments("/community/rust_lovers/").unwrap(),
            ["community", "rust_lovers"]
        );
        assert_eq!(segments("a/b/c").unwrap().len(), 3);
        for bad in [
            "http://evil.example",
            "mail/..",
            "mail/%2e%2e",
            "mail//x",
            "",
            "a/b/c/d/e/f/g/h/i",
            "mail/a b",
        ] {
            assert!(segments(bad).is_err(), "{bad}");
        }
    }
}
