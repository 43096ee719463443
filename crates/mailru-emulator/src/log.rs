//! The log of received requests, secrets masked, so tests can assert what a client sent.

use std::collections::VecDeque;

use serde::{Deserialize, Serialize};

/// Parameters whose values are secrets; the log keeps their names only.
const SECRET_PARAMS: [&str; 7] = [
    "session_key",
    "access_token",
    "refresh_token",
    "client_secret",
    "password",
    "Password",
    "code",
];

/// What a masked value is replaced with.
pub const MASK: &str = "[masked]";

/// The log keeps the newest entries only, so a long benchmark cannot grow it without bound.
const CAPACITY: usize = 100_000;

/// One request as the emulator received it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoggedRequest {
    /// Order of arrival, from 1.
    pub seq: u64,
    /// `GET`, `POST`, ...
    pub http_method: String,
    /// The request path.
    pub path: String,
    /// The REST method (`method` parameter) of `/platform/api` calls.
    pub method: Option<String>,
    /// Query and body parameters in arrival order, secret values replaced by [`MASK`].
    pub params: Vec<(String, String)>,
    /// Names of uploaded file fields.
    pub files: Vec<String>,
    /// HTTP status answered; `None` when the connection was dropped.
    pub status: Option<u16>,
    /// The API `error_code` answered, if any.
    pub error_code: Option<u32>,
}

impl LoggedRequest {
    /// The value of a parameter as logged.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

pub(crate) fn mask(params: &[(String, String)]) -> Vec<(String, String)> {
    params
        .iter()
        .map(|(k, v)| {
            let v = if SECRET_PARAMS.contains(&k.as_str()) {
                MASK.to_owned()
            } else {
                v.clone()
            };
            (k.clone(), v)
        })
        .collect()
}

#[derive(Debug, Default)]
pub(crate) struct RequestLog {
    entries: VecDeque<LoggedRequest>,
    next: u64,
}

impl RequestLog {
    pub(crate) fn push(&mut self, mut entry: LoggedRequest) {
        self.next += 1;
        entry.seq = self.next;
        if self.entries.len() == CAPACITY {
            self.entries.pop_front();
        }
        self.entries.push_back(entry);
    }

    pub(crate) fn snapshot(&self) -> Vec<LoggedRequest> {
        self.entries.iter().cloned().collect()
    }

    pub(crate) fn clear(&mut self) {
        self.entries.clear();
    }
}
