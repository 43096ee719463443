//! One attempt's HTTP request: the platform's parameters added, signed with the session
//! of the attempt, encoded as a query, a form or a multipart body.

use std::borrow::Cow;

use bytes::Bytes;
use http::header::{CONTENT_TYPE, HeaderValue};
use http::{HeaderMap, Method as HttpMethod};
use mailru_sign::{Circuit, sign_client_server, sign_server_server};
use url::Url;

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
    /// The user's parameters (keys of typed methods are static, so borrowed).
    pub(crate) params: Vec<(Cow<'static, str>, String)>,
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
        params: Vec<(Cow<'static, str>, String)>,
        files: Vec<FilePart>,
        post: bool,
    ) -> Result<Self> {
        if let Some((k, _)) = params.iter().find(|(k, _)| RESERVED.contains(&k.as_ref())) {
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
    pub(crate) fn public(
        path: &'a str,
        url: Url,
        params: Vec<(Cow<'static, str>, String)>,
    ) -> Self {
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
        let mut pairs: Vec<(&str, &str)> = Vec::with_capacity(self.params.len() + 5);
        let sig;
        let endpoint = match (&self.public, session) {
            (Some(url), _) => {
                pairs.extend(self.user_pairs());
                url
            }
            (None, Some(session)) => {
                sig = self.sign(session, &mut pairs)?;
                pairs.push(("sig", &sig));
                endpoint
            }
            (None, None) => return Err(Error::invalid("a REST call needs a session")),
        };
        let mut headers = HeaderMap::new();
        if !self.files.is_empty() {
            let (content_type, body) = multipart(&pairs, &self.files);
            headers.insert(CONTENT_TYPE, content_type);
            return Ok(HttpRequest {
                method: HttpMethod::POST,
                url: endpoint.clone(),
                headers,
                body,
            });
        }
        let encoded = encode(&pairs);
        // The public endpoint is GET only.
        if self.public.is_none() && (self.post || encoded.len() > MAX_QUERY) {
            headers.insert(
                CONTENT_TYPE,
                HeaderValue::from_static("application/x-www-form-urlencoded"),
            );
            return Ok(HttpRequest {
                method: HttpMethod::POST,
                url: endpoint.clone(),
                headers,
                body: Bytes::from(encoded),
            });
        }
        let mut url = endpoint.clone();
        url.set_query((!encoded.is_empty()).then_some(encoded.as_str()));
        Ok(HttpRequest {
            method: HttpMethod::GET,
            url,
            headers,
            body: Bytes::new(),
        })
    }

    fn user_pairs(&self) -> impl Iterator<Item = (&str, &str)> {
        self.params.iter().map(|(k, v)| (k.as_ref(), v.as_str()))
    }

    /// Fills `pairs` with the platform's parameters and the user's, and signs them with
    /// the session's circuit (nothing is copied: the pairs borrow).
    fn sign<'s>(
        &'s self,
        session: &'s Session,
        pairs: &mut Vec<(&'s str, &'s str)>,
    ) -> Result<String> {
        let signing = session.signing()?;
        let token = session.access_token().map(|t| t.expose());
        if signing.circuit == Circuit::ClientServer && token.is_none() {
            return Err(Error::invalid(
                "the client-server circuit needs an access token",
            ));
        }
        pairs.push(("method", self.method));
        pairs.push(("app_id", &signing.app_id));
        if let Some(token) = token {
            pairs.push(("session_key", token));
        }
        if let Some(secure) = signing.circuit.secure_param() {
            pairs.push(("secure", secure));
        }
        pairs.extend(self.user_pairs());
        let key = session.signing_key(signing.circuit);
        let sig = match signing.circuit {
            Circuit::ClientServer => sign_client_server(&signing.uid, pairs.iter(), key)?,
            Circuit::ServerServer => sign_server_server(pairs.iter(), key)?,
        };
        Ok(sig.to_string())
    }
}

/// `k=v&k=v`, form-encoded, in one allocation.
pub(crate) fn encode(pairs: &[(&str, &str)]) -> String {
    let len: usize = pairs.iter().map(|(k, v)| k.len() + v.len() + 2).sum();
    let mut out = String::with_capacity(len + len / 4);
    for (i, (k, v)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        form_encode(k, &mut out);
        out.push('=');
        form_encode(v, &mut out);
    }
    out
}

/// `application/x-www-form-urlencoded` bytes of `text` (what `url::form_urlencoded`'s
/// serializer gives: `*-._` and ASCII letters and digits kept, space as `+`, the rest as
/// `%XX`), appended to `out` a run of kept bytes at a time.
fn form_encode(text: &str, out: &mut String) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let kept = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'*' | b'-' | b'.' | b'_');
    let bytes = text.as_bytes();
    let mut run = 0;
    for (at, &b) in bytes.iter().enumerate() {
        if kept(b) {
            continue;
        }
        // A non-empty `run..at` holds kept (ASCII) bytes only, so it is a valid slice;
        // an empty one may start inside a character (`get` gives `None` there).
        out.push_str(text.get(run..at).unwrap_or_default());
        if b == b' ' {
            out.push('+');
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 0x0f)]));
        }
        run = at + 1;
    }
    out.push_str(text.get(run..).unwrap_or_default());
}

/// A multipart/form-data body: every parameter as a text part (they are signed), then the
/// files (not signed).
fn multipart(params: &[(&str, &str)], files: &[FilePart]) -> (HeaderValue, Bytes) {
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
    fn the_form_encoding_is_url_s_for_every_byte_and_text() {
        let reference =
            |text: &str| url::form_urlencoded::byte_serialize(text.as_bytes()).collect::<String>();
        let ours = |text: &str| {
            let mut out = String::new();
            form_encode(text, &mut out);
            out
        };
        let every_char: String = (0u32..0x800).filter_map(char::from_u32).collect();
        for text in [
            "",
            " ",
            "a b+c",
            "Привет, мир! 100% &x=1",
            "*-._~!'()",
            &every_char,
        ] {
            assert_eq!(ours(text), reference(text), "{text:?}");
        }
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
        let long = vec![("text".into(), "x".repeat(3_000))];
        let read = CallRequest::new("users.getInfo", long, Vec::new(), false).unwrap();
        let req = read.build(&url, Some(&session())).unwrap();
        assert_eq!(req.method, HttpMethod::POST);
        assert!(req.url.query().is_none(), "nothing secret in the URL");
    }
}
