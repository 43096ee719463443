//! A plain HTTP client for protocol tests: hyper directly, never the mailru client crates,
//! so that these tests read the spec independently of them. Redirects are not followed.
#![allow(dead_code)]

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::header::{CONTENT_TYPE, COOKIE, HeaderMap, LOCATION, SET_COOKIE};
use hyper::{Method, Request, StatusCode};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use mailru_emulator::accounts::*;
use mailru_emulator::{Emulator, EmulatorHandle};
use serde_json::Value;
use url::form_urlencoded::Serializer;

pub const JSON_TYPE: &str = "text/javascript; charset=utf-8";

#[derive(Debug)]
pub struct Resp {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Resp {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text()))
    }
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
    pub fn content_type(&self) -> &str {
        self.headers
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }
    pub fn location(&self) -> &str {
        self.headers
            .get(LOCATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }
    /// `name=value` pairs of every Set-Cookie header.
    pub fn cookies(&self) -> Vec<(String, String)> {
        self.headers
            .get_all(SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .filter_map(|v| v.split(';').next()?.split_once('='))
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect()
    }
    /// The JSON of a success: HTTP 200 with the platform's content type, else a panic
    /// that shows the body.
    #[track_caller]
    pub fn ok(&self) -> Value {
        assert_eq!(self.status, StatusCode::OK, "{}", self.text());
        assert_eq!(self.content_type(), JSON_TYPE);
        self.json()
    }

    /// Asserts an error envelope with `code` and HTTP 400.
    #[track_caller]
    pub fn assert_error(&self, code: u64) {
        assert_eq!(self.status, StatusCode::BAD_REQUEST, "{}", self.text());
        assert_eq!(self.error_code(), Some(code), "{}", self.text());
    }

    /// The API error code of an error envelope.
    pub fn error_code(&self) -> Option<u64> {
        self.json()["error"]["error_code"].as_u64()
    }
}

#[derive(Clone)]
pub struct Http {
    client: Client<HttpConnector, Full<Bytes>>,
}

impl Default for Http {
    fn default() -> Self {
        Http {
            client: Client::builder(TokioExecutor::new()).build_http(),
        }
    }
}

pub fn encode(pairs: &[(String, String)]) -> String {
    let mut s = Serializer::new(String::new());
    for (k, v) in pairs {
        s.append_pair(k, v);
    }
    s.finish()
}

pub fn owned(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

impl Http {
    pub async fn send(
        &self,
        method: Method,
        url: &str,
        content_type: Option<&str>,
        body: Bytes,
        cookies: &[(String, String)],
    ) -> Result<Resp, String> {
        let mut req = Request::builder().method(method).uri(url);
        if let Some(ct) = content_type {
            req = req.header(CONTENT_TYPE, ct);
        }
        if !cookies.is_empty() {
            let header = cookies
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join("; ");
            req = req.header(COOKIE, header);
        }
        let req = req.body(Full::new(body)).map_err(|e| e.to_string())?;
        let resp = self
            .client
            .request(req)
            .await
            .map_err(|e| format!("{e:?}"))?;
        let (parts, body) = resp.into_parts();
        let body = body
            .collect()
            .await
            .map_err(|e| format!("body: {e:?}"))?
            .to_bytes();
        Ok(Resp {
            status: parts.status,
            headers: parts.headers,
            body,
        })
    }

    /// Any request with any headers.
    pub async fn send_headers(
        &self,
        method: Method,
        url: &str,
        headers: &[(&str, &str)],
        body: impl Into<Bytes>,
    ) -> Resp {
        let mut req = Request::builder().method(method).uri(url);
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let req = req.body(Full::new(body.into())).unwrap();
        let resp = self.client.request(req).await.unwrap();
        let (parts, body) = resp.into_parts();
        let body = body.collect().await.unwrap().to_bytes();
        Resp {
            status: parts.status,
            headers: parts.headers,
            body,
        }
    }

    pub async fn get(&self, url: &str) -> Resp {
        self.get_with_cookies(url, &[]).await
    }

    pub async fn get_with_cookies(&self, url: &str, cookies: &[(String, String)]) -> Resp {
        self.send(Method::GET, url, None, Bytes::new(), cookies)
            .await
            .unwrap()
    }

    pub async fn post_form(
        &self,
        url: &str,
        pairs: &[(String, String)],
        cookies: &[(String, String)],
    ) -> Resp {
        self.send(
            Method::POST,
            url,
            Some("application/x-www-form-urlencoded"),
            Bytes::from(encode(pairs)),
            cookies,
        )
        .await
        .unwrap()
    }

    pub async fn post_json(&self, url: &str, json: &Value) -> Resp {
        self.send(
            Method::POST,
            url,
            Some("application/json"),
            Bytes::from(json.to_string()),
            &[],
        )
        .await
        .unwrap()
    }

    /// A multipart POST: `fields` as text parts, `files` as `(name, bytes)` file parts.
    pub async fn post_multipart(
        &self,
        url: &str,
        fields: &[(String, String)],
        files: &[(&str, &[u8])],
    ) -> Resp {
        let boundary = "emulatorTestBoundary7MA4YWxk";
        let mut body = Vec::new();
        for (k, v) in fields {
            body.extend_from_slice(
                format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n"
                )
                .as_bytes(),
            );
        }
        for (name, bytes) in files {
            body.extend_from_slice(
                format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"upload.bin\"\r\nContent-Type: application/octet-stream\r\n\r\n"
                )
                .as_bytes(),
            );
            body.extend_from_slice(bytes);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        self.send(
            Method::POST,
            url,
            Some(&format!("multipart/form-data; boundary={boundary}")),
            Bytes::from(body),
            &[],
        )
        .await
        .unwrap()
    }
}

/// How a test signs a REST call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Circuit {
    /// Client-server with the session owner's uid.
    Client,
    /// Server-server (`secure=1`).
    Server,
}

/// Signs `params` (adding `sig`, and `secure=1` for the server circuit) with app 423004.
pub fn sign(params: &[(&str, &str)], circuit: Circuit, uid: &str) -> Vec<(String, String)> {
    let mut p = owned(params);
    let sig = match circuit {
        Circuit::Client => mailru_sign::sign_client_server(uid, &p, APP_PRIVATE_KEY),
        Circuit::Server => {
            p.push(("secure".to_owned(), "1".to_owned()));
            mailru_sign::sign_server_server(&p, APP_SECRET_KEY)
        }
    }
    .unwrap();
    p.push(("sig".to_owned(), sig.to_string()));
    p
}

/// An emulator and a client for it.
pub struct Env {
    pub emu: EmulatorHandle,
    pub http: Http,
}

impl Env {
    pub async fn new() -> Env {
        Env::with(Emulator::builder().seed(7)).await
    }

    pub async fn with(builder: mailru_emulator::EmulatorBuilder) -> Env {
        Env {
            emu: builder.start().await.unwrap(),
            http: Http::default(),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.emu.base_url())
    }

    /// GET /platform/api with already signed parameters.
    pub async fn raw(&self, params: &[(String, String)]) -> Resp {
        self.http
            .get(&format!("{}?{}", self.url("/platform/api"), encode(params)))
            .await
    }

    /// A call with the demo session, signed with `circuit`: `method` plus `extra` params.
    pub async fn call(&self, circuit: Circuit, method: &str, extra: &[(&str, &str)]) -> Resp {
        self.call_as(
            circuit,
            DEMO_SESSION_KEY,
            &DEMO_UID.to_string(),
            method,
            extra,
        )
        .await
    }

    /// A call with any session.
    pub async fn call_as(
        &self,
        circuit: Circuit,
        session: &str,
        uid: &str,
        method: &str,
        extra: &[(&str, &str)],
    ) -> Resp {
        let app = APP_ID.to_string();
        let mut params = vec![
            ("app_id", app.as_str()),
            ("method", method),
            ("session_key", session),
        ];
        params.extend_from_slice(extra);
        self.raw(&sign(&params, circuit, uid)).await
    }

    /// POST form variant of [`call`].
    pub async fn post(&self, circuit: Circuit, method: &str, extra: &[(&str, &str)]) -> Resp {
        let app = APP_ID.to_string();
        let mut params = vec![
            ("app_id", app.as_str()),
            ("method", method),
            ("session_key", DEMO_SESSION_KEY),
        ];
        params.extend_from_slice(extra);
        let signed = sign(&params, circuit, &DEMO_UID.to_string());
        self.http
            .post_form(&self.url("/platform/api"), &signed, &[])
            .await
    }

    /// A successful call's JSON; panics with the body otherwise.
    pub async fn ok(&self, circuit: Circuit, method: &str, extra: &[(&str, &str)]) -> Value {
        let r = self.call(circuit, method, extra).await;
        assert_eq!(r.status, StatusCode::OK, "{method}: {}", r.text());
        assert_eq!(r.content_type(), JSON_TYPE);
        r.json()
    }

    /// A password-grant token for a user with `scope`: (access_token, uid).
    pub async fn token(&self, email: &str, password: &str, scope: &str) -> (String, String) {
        let r = self
            .http
            .post_form(
                &self.url("/oauth/token"),
                &owned(&[
                    ("grant_type", "password"),
                    ("client_id", "423004"),
                    ("client_secret", APP_SECRET_KEY),
                    ("username", email),
                    ("password", password),
                    ("scope", scope),
                ]),
                &[],
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let v = r.json();
        (
            v["access_token"].as_str().unwrap().to_owned(),
            v["x_mailru_vid"].as_str().unwrap().to_owned(),
        )
    }
}
