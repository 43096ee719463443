//! One attempt's HTTP request: the platform's parameters added, signed with the session
//! of the attempt, encoded as a query, a form or a multipart body.

use bytes::Bytes;
use http::header::{CONTENT_TYPE, HeaderValue};
use http::{HeaderMap, Method as HttpMethod};
use mailru_sign::Circuit;
use url::Url;
use url::form_urlencoded::Serializer;

use crate::error::{Error, Result};
use crate::method::FilePart;
use crate::retry::jitter;
use crate::session::Session;
use crate::transport::HttpRequest;

/// Parameters the session sets; a caller passing them is an error, not a silent override.
const RESERVED: [&str; 5] = ["method", "app_id", "session_key", "secure", "sig"];

/// Longest query string before a call switches to a POST form (decisions.md).
const MAX_QUERY: usize = 2_000;

/// What a call sends, checked once; each attempt signs it with its own session.
#[derive(Debug)]
pub(crate) struct CallRequest<'a> {
    /// The REST method, or the public endpoint's path.
    pub(crate) method: &'a str,
    pub(crate) params: Vec<(String, String)>,
    pub(crate) files: Vec<FilePart>,
    /// POST even when short (writes).
    pub(crate) post: bool,
    /// The unsigned public endpoint at this URL instead of the REST endpoint.
    pub(crate) public: Option<Url>,
}

impl<'a> CallRequest<'a> {
    /// A call of `method`; parameters the session sets are refused before anything is
    /// sent.
    pub(crate) fn new(
        method: &'a str,
        params: Vec<(String, String)>,
        files: Vec<FilePart>,
        post: bool,
    ) -> Result<Self> {
        if let Some((k, _)) = params.iter().find(|(k, _)| RESERVED.contains(&k.as_str())) {
            return Err(Error::invalid(format!(
                "parameter `{k}` is set by the session; do not pass it"
            )));
        }
        if method.is_empty() {
            return Err(Error::invalid("the method name is empty"));
        }
        Ok(CallRequest {
            method,
            params,
            files,
            post,
            public: None,
        })
    }

    /// A GET of the public endpoint at `url` (`path` names it in logs); nothing is signed.
    pub(crate) fn public(path: &'a str, url: Url, params: Vec<(String, String)>) -> Self {
        CallRequest {
            method: path,
            params,
            files: Vec::new(),
            post: false,
            public: Some(url),
        }
    }

    /// Whether attempts need a session.
    pub(crate) fn is_signed(&self) -> bool {
        self.public.is_none()
    }

    /// The HTTP request of one attempt, signed with `session` (REST calls).
    pub(crate) fn build(&self, endpoint: &Url, session: Option<&Session>) -> Result<HttpRequest> {
        let (params, endpoint) = match (&self.public, session) {
            (Some(url), _) => (self.params.clone(), url),
            (None, Some(session)) => (self.signed(session)?, endpoint),
            (None, None) => return Err(Error::invalid("a REST call needs a session")),
        };
        let mut url = endpoint.clone();
        let mut headers = HeaderMap::new();
        if !self.files.is_empty() {
            let (content_type, body) = multipart(&params, &self.files);
            headers.insert(CONTENT_TYPE, content_type);
            return Ok(HttpRequest {
                method: HttpMethod::POST,
                url,
                headers,
                body,
            });
        }
        let encoded = encode(&params);
        // The public endpoint is GET only.
        if self.public.is_none() && (self.post || encoded.len() > MAX_QUERY) {
            headers.insert(
                CONTENT_TYPE,
                HeaderValue::from_static("application/x-www-form-urlencoded"),
            );
            return Ok(HttpRequest {
                method: HttpMethod::POST,
                url,
                headers,
                body: Bytes::from(encoded),
            });
        }
        url.set_query((!encoded.is_empty()).then_some(encoded.as_str()));
        Ok(HttpRequest {
            method: HttpMethod::GET,
            url,
            headers,
            body: Bytes::new(),
        })
    }

    /// The parameter set of one attempt: the platform's, the user's, and `sig`.
    fn signed(&self, session: &Session) -> Result<Vec<(String, String)>> {
        let circuit = session.circuit()?;
        if circuit == Circuit::ClientServer && session.access_token().is_none() {
            return Err(Error::invalid(
                "the client-server circuit needs an access token",
            ));
        }
        let app_id = session.app_id().unwrap_or_default();
        let mut params = Vec::with_capacity(self.params.len() + 5);
        params.push(("method".to_owned(), self.method.to_owned()));
        params.push(("app_id".to_owned(), app_id.to_string()));
        if let Some(token) = session.access_token() {
            params.push(("session_key".to_owned(), token.expose().to_owned()));
        }
        if let Some(secure) = circuit.secure_param() {
            params.push(("secure".to_owned(), secure.to_owned()));
        }
        params.extend(self.params.iter().cloned());
        let sig = session.with_credentials(|creds| creds.sign(circuit, &params))??;
        params.push(("sig".to_owned(), sig.to_string()));
        Ok(params)
    }
}

pub(crate) fn encode(params: &[(String, String)]) -> String {
    let mut s = Serializer::new(String::new());
    for (k, v) in params {
        s.append_pair(k, v);
    }
    s.finish()
}

/// A multipart/form-data body: every parameter as a text part (they are signed), then the
/// files (not signed).
fn multipart(params: &[(String, String)], files: &[FilePart]) -> (HeaderValue, Bytes) {
    let boundary = format!("mailru-{:016x}", (jitter() * u64::MAX as f64) as u64);
    let mut body = Vec::new();
    for (k, v) in params {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                .as_bytes(),
        );
    }
    for f in files {
        let clean = |s: &str| s.replace(['"', '\r', '\n'], "_");
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{}\"; filename=\"{}\"\r\nContent-Type: {}\r\n\r\n",
                clean(f.field),
                clean(&f.file_name),
                clean(&f.content_type),
            )
            .as_bytes(),
        );
        body.extend_from_slice(&f.bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    // The boundary is hex digits and a fixed prefix, always a valid header value.
    let content_type = HeaderValue::from_str(&format!("multipart/form-data; boundary={boundary}"))
        .unwrap_or_else(|_| HeaderValue::from_static("multipart/form-data"));
    (content_type, Bytes::from(body))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secret::{AccessToken, PrivateKey};

    fn session() -> Session {
        Session::client(
            423004,
            PrivateKey::new("7815696ecbf1c96e6894b779456d330e"),
            AccessToken::new("be6ef89965d58e56dec21acb9b62bdaa"),
            1324730981306483817,
        )
    }

    #[test]
    fn the_documented_friends_get_example_is_signed_as_documented() {
        let call = CallRequest::new("friends.get", Vec::new(), Vec::new(), false).unwrap();
        let url = Url::parse("https://appsmail.ru/platform/api").unwrap();
        let req = call.build(&url, Some(&session())).unwrap();
        assert_eq!(req.method, HttpMethod::GET);
        assert!(
            req.url
                .as_str()
                .ends_with("&sig=5073f15c6d5b6ab2fde23ac43332b002"),
            "{}",
            req.url
        );
    }

    #[test]
    fn reserved_params_writes_and_long_calls() {
        let err = CallRequest::new("x.y", vec![("sig".into(), "1".into())], Vec::new(), false)
            .unwrap_err();
        assert!(err.to_string().contains("`sig`"), "{err}");
        let url = Url::parse("https://appsmail.ru/platform/api").unwrap();
        let write = CallRequest::new("stream.post", Vec::new(), Vec::new(), true).unwrap();
        assert_eq!(
            write.build(&url, Some(&session())).unwrap().method,
            HttpMethod::POST
        );
        let long = vec![("text".to_owned(), "x".repeat(3_000))];
        let read = CallRequest::new("users.getInfo", long, Vec::new(), false).unwrap();
        let req = read.build(&url, Some(&session())).unwrap();
        assert_eq!(req.method, HttpMethod::POST);
        assert!(req.url.query().is_none(), "nothing secret in the URL");
    }
}
