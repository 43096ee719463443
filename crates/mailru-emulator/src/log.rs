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

/// Most parameters one entry keeps; the rest are summed up in one [`TRUNCATED`] pair.
pub(crate) const LOG_MAX_PARAMS: usize = 100;
/// Longest parameter value (and name, path and file name) one entry keeps, in bytes.
pub(crate) const LOG_MAX_VALUE: usize = 4096;
/// The name of the pair that counts the parameters an entry of the log dropped.
pub const TRUNCATED: &str = "[truncated]";

/// What the log charges for an entry besides its strings, and for each string.
const ENTRY_COST: usize = 256;
const STRING_COST: usize = 24;

/// One request as the emulator received it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoggedRequest {
    /// Order of arrival, from 1.
    pub seq: u64,
    /// `GET`, `POST`, ...
    pub http_method: String,
    /// The origin the request arrived on, e.g. `http://127.0.0.1:PORT` (with
    /// [`separate_hosts`](crate::EmulatorBuilder::separate_hosts) it tells the platform's
    /// hosts apart).
    #[serde(default)]
    pub host: String,
    /// The request path (at most 4,096 bytes are kept).
    pub path: String,
    /// The REST method (`method` parameter) of `/platform/api` calls.
    pub method: Option<String>,
    /// Query and body parameters in arrival order, secret values replaced by [`MASK`].
    /// At most 100 are kept (then one `("[truncated]", "N more parameters")` pair), and
    /// values longer than 4,096 bytes are cut, ending in `…[truncated N bytes]`.
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

/// `s` cut to [`LOG_MAX_VALUE`] bytes (on a character boundary) with a marker.
fn clip(s: &str) -> String {
    if s.len() <= LOG_MAX_VALUE {
        return s.to_owned();
    }
    let mut end = LOG_MAX_VALUE;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…[truncated {} bytes]", &s[..end], s.len() - end)
}

/// The parameters as the log keeps them: secrets masked, the first [`LOG_MAX_PARAMS`]
/// only, long names and values cut.
pub(crate) fn mask(params: &[(String, String)]) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = params
        .iter()
        .take(LOG_MAX_PARAMS)
        .map(|(k, v)| {
            let v = if SECRET_PARAMS.contains(&k.as_str()) {
                MASK.to_owned()
            } else {
                clip(v)
            };
            (clip(k), v)
        })
        .collect();
    if params.len() > LOG_MAX_PARAMS {
        out.push((
            TRUNCATED.to_owned(),
            format!("{} more parameters", params.len() - LOG_MAX_PARAMS),
        ));
    }
    out
}

/// A file list and a path as the log keeps them.
pub(crate) fn clip_list(items: impl Iterator<Item = String>) -> Vec<String> {
    items.take(LOG_MAX_PARAMS).map(|s| clip(&s)).collect()
}

/// A path or method name as the log keeps it.
pub(crate) fn clip_text(text: &str) -> String {
    clip(text)
}

/// What an entry costs against the byte budget.
fn cost(e: &LoggedRequest) -> usize {
    let strings = [&e.http_method, &e.host, &e.path]
        .into_iter()
        .chain(e.method.as_ref())
        .chain(e.files.iter())
        .chain(e.params.iter().flat_map(|(k, v)| [k, v]));
    ENTRY_COST + strings.map(|s| s.len() + STRING_COST).sum::<usize>()
}

/// The newest requests, bounded in entries and in bytes.
#[derive(Debug)]
pub(crate) struct RequestLog {
    entries: VecDeque<(usize, LoggedRequest)>,
    next: u64,
    bytes: usize,
    max_entries: usize,
    max_bytes: usize,
}

impl RequestLog {
    pub(crate) fn new(max_entries: usize, max_bytes: usize) -> Self {
        RequestLog {
            entries: VecDeque::new(),
            next: 0,
            bytes: 0,
            max_entries,
            max_bytes,
        }
    }

    /// Appends an entry (numbered even if it does not fit), then drops the oldest ones
    /// until both bounds hold again.
    pub(crate) fn push(&mut self, mut entry: LoggedRequest) {
        self.next += 1;
        entry.seq = self.next;
        let size = cost(&entry);
        self.entries.push_back((size, entry));
        self.bytes += size;
        while self.entries.len() > self.max_entries || self.bytes > self.max_bytes {
            let Some((size, _)) = self.entries.pop_front() else {
                break;
            };
            self.bytes -= size;
        }
    }

    pub(crate) fn snapshot(&self) -> Vec<LoggedRequest> {
        self.entries.iter().map(|(_, e)| e.clone()).collect()
    }

    pub(crate) fn clear(&mut self) {
        self.entries.clear();
        self.bytes = 0;
    }

    /// The bytes charged for the entries held now.
    #[cfg(test)]
    pub(crate) fn bytes(&self) -> usize {
        self.bytes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn big_request(n: usize) -> LoggedRequest {
        let params: Vec<(String, String)> = (0..n)
            .map(|i| (format!("p{i}"), "v".repeat(10_000)))
            .collect();
        LoggedRequest {
            seq: 0,
            http_method: "POST".to_owned(),
            host: "http://127.0.0.1:1".to_owned(),
            path: format!("/platform/api/{}", "x".repeat(100_000)),
            method: Some("stream.post".to_owned()),
            params: mask(&params),
            files: clip_list((0..500).map(|i| format!("file{i}"))),
            status: Some(200),
            error_code: None,
        }
    }

    #[test]
    fn entries_are_cut_to_a_bounded_size() {
        let e = big_request(5_000);
        assert_eq!(e.params.len(), LOG_MAX_PARAMS + 1);
        let (k, v) = e.params.last().unwrap();
        assert_eq!(
            (k.as_str(), v.as_str()),
            (TRUNCATED, "4900 more parameters")
        );
        let first = &e.params[0].1;
        assert!(first.starts_with(&"v".repeat(LOG_MAX_VALUE)));
        assert!(
            first.ends_with("…[truncated 5904 bytes]"),
            "{}",
            &first[4000..]
        );
        assert_eq!(e.files.len(), LOG_MAX_PARAMS);
        assert!(cost(&e) < 600 * 1024, "{}", cost(&e));
        // A value cut inside a multi-byte character keeps whole characters.
        let cyr = clip(&"я".repeat(LOG_MAX_VALUE));
        assert!(cyr.starts_with(&"я".repeat(LOG_MAX_VALUE / 2)));
    }

    #[test]
    fn log_stays_within_its_byte_budget() {
        let budget = 4 * 1024 * 1024;
        let mut log = RequestLog::new(100_000, budget);
        for _ in 0..200 {
            log.push(big_request(300));
            assert!(log.bytes() <= budget, "{} > {budget}", log.bytes());
        }
        let kept = log.snapshot();
        assert!(!kept.is_empty() && kept.len() < 200, "{}", kept.len());
        assert_eq!(kept.last().unwrap().seq, 200, "the newest entry is kept");
        let counted: usize = log.entries.iter().map(|(_, e)| cost(e)).sum();
        assert_eq!(counted, log.bytes());
        log.clear();
        assert_eq!(log.bytes(), 0);
    }

    #[test]
    fn log_stays_within_its_entry_count() {
        let mut log = RequestLog::new(3, usize::MAX);
        for _ in 0..10 {
            log.push(big_request(1));
        }
        let seqs: Vec<u64> = log.snapshot().iter().map(|e| e.seq).collect();
        assert_eq!(seqs, [8, 9, 10]);
    }
}
