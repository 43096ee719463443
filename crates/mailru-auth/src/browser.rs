//! A minimal browser for the login dialogs: one request at a time, cookies in a
//! `cookie_store` jar, no automatic redirects.

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use cookie_store::CookieStore;
use http::header::{CONTENT_TYPE, COOKIE, HeaderValue, LOCATION, SET_COOKIE};
use http::{HeaderMap, Method};
use mailru_api::{HttpRequest, HttpResponse, Transport};
use url::Url;

use crate::error::AuthError;
use crate::oauth::send_with_timeout;
use crate::page::shown_url;

/// Largest page (or any other answer) the login flow reads: 1 MiB. The real dialogs are
/// under 10 kB.
pub const MAX_PAGE_SIZE: usize = 1024 * 1024;

pub(crate) struct Browser {
    transport: Arc<dyn Transport>,
    timeout: Duration,
    pub(crate) jar: CookieStore,
}

impl Browser {
    pub(crate) fn new(transport: Arc<dyn Transport>, timeout: Duration, jar: CookieStore) -> Self {
        Browser {
            transport,
            timeout,
            jar,
        }
    }

    pub(crate) async fn get(&mut self, url: &Url) -> Result<HttpResponse, AuthError> {
        self.send(Method::GET, url, Bytes::new()).await
    }

    pub(crate) async fn post_form(
        &mut self,
        url: &Url,
        fields: &[(String, String)],
    ) -> Result<HttpResponse, AuthError> {
        let body = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(fields)
            .finish();
        self.send(Method::POST, url, Bytes::from(body)).await
    }

    async fn send(
        &mut self,
        method: Method,
        url: &Url,
        body: Bytes,
    ) -> Result<HttpResponse, AuthError> {
        let mut headers = HeaderMap::new();
        if method == Method::POST {
            headers.insert(
                CONTENT_TYPE,
                HeaderValue::from_static("application/x-www-form-urlencoded"),
            );
        }
        let cookies: Vec<String> = self
            .jar
            .get_request_values(url)
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        if !cookies.is_empty()
            && let Ok(v) = HeaderValue::from_str(&cookies.join("; "))
        {
            headers.insert(COOKIE, v);
        }
        let request = HttpRequest {
            method,
            url: url.clone(),
            headers,
            body,
        };
        let resp = send_with_timeout(&*self.transport, request, self.timeout).await?;
        if resp.body.len() > MAX_PAGE_SIZE {
            return Err(AuthError::PageTooLarge {
                url: shown_url(url),
                limit: MAX_PAGE_SIZE,
            });
        }
        for value in resp.headers.get_all(SET_COOKIE) {
            if let Ok(text) = value.to_str() {
                // A cookie the jar refuses (bad domain) is ignored, as browsers do.
                let _ = self.jar.parse(text, url);
            }
        }
        Ok(resp)
    }
}

/// The `Location` of a redirect, resolved against the request URL.
pub(crate) fn location(resp: &HttpResponse, base: &Url) -> Option<Url> {
    if !(300..400).contains(&resp.status) {
        return None;
    }
    let loc = resp.headers.get(LOCATION)?.to_str().ok()?;
    base.join(loc).ok()
}
