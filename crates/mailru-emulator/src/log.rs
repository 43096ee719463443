//! The log of received requests, secrets masked, so tests can assert what a client sent.

use std::borrow::Cow;
use std::collections::VecDeque;
use std::sync::Arc;

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

/// `s` cut to [`LOG_MAX_VALUE`] bytes (on a character boundary) with a marker; short
/// strings are kept as they are, without a copy.
pub(crate) fn clip(s: String) -> String {
    if s.len() <= LOG_MAX_VALUE {
        return s;
    }
    let mut end = LOG_MAX_VALUE;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…[truncated {} bytes]", &s[..end], s.len() - end)
}

/// The parameters as the log keeps them: secrets masked, the first [`LOG_MAX_PARAMS`]
/// only, long names and values cut. The strings are reused, not copied.
pub(crate) fn mask(params: Vec<(String, String)>) -> Vec<(String, String)> {
    let total = params.len();
    let mut out: Vec<(String, String)> = params
        .into_iter()
        .take(LOG_MAX_PARAMS)
        .map(|(k, v)| {
            let v = if SECRET_PARAMS.contains(&k.as_str()) {
                let mut v = v;
                v.clear();
                v.push_str(MASK);
                v
            } else {
                clip(v)
            };
            (clip(k), v)
        })
        .collect();
    if total > LOG_MAX_PARAMS {
        out.push((
            TRUNCATED.to_owned(),
            format!("{} more parameters", total - LOG_MAX_PARAMS),
        ));
    }
    out
}

/// A file list as the log keeps it.
pub(crate) fn clip_list(items: impl Iterator<Item = String>) -> Vec<String> {
    items.take(LOG_MAX_PARAMS).map(clip).collect()
}

/// One request as the log holds it: what [`LoggedRequest`] shows, already masked and cut,
/// with the parts every request shares (the host, a known method name) not copied.
#[derive(Debug)]
pub(crate) struct Entry {
    pub http_method: hyper::Method,
    pub host: Arc<str>,
    pub path: String,
    pub method: Option<Cow<'static, str>>,
    pub params: Vec<(String, String)>,
    pub files: Vec<String>,
    pub status: Option<u16>,
    pub error_code: Option<u32>,
}

impl Entry {
    fn logged(&self, seq: u64) -> LoggedRequest {
        LoggedRequest {
            seq,
            http_method: clip(self.http_method.as_str().to_owned()),
            host: self.host.to_string(),
            path: self.path.clone(),
            method: self.method.as_ref().map(|m| m.to_string()),
            params: self.params.clone(),
            files: self.files.clone(),
            status: self.status,
            error_code: self.error_code,
        }
    }
}

/// What an entry costs against the byte budget.
fn cost(e: &Entry) -> usize {
    let strings = [e.http_method.as_str(), &e.host, &e.path]
        .into_iter()
        .chain(e.method.as_deref())
        .chain(e.files.iter().map(String::as_str))
        .chain(e.params.iter().flat_map(|(k, v)| [k.as_str(), v.as_str()]));
    ENTRY_COST + strings.map(|s| s.len() + STRING_COST).sum::<usize>()
}

/// The newest requests, bounded in entries and in bytes.
#[derive(Debug)]
pub(crate) struct RequestLog {
    /// Cost, number and entry.
    entries: VecDeque<(usize, u64, Entry)>,
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
    pub(crate) fn push(&mut self, entry: Entry) {
        self.next += 1;
        let size = cost(&entry);
        self.entries.push_back((size, self.next, entry));
        self.bytes += size;
        while self.entries.len() > self.max_entries || self.bytes > self.max_bytes {
            let Some((size, _, _)) = self.entries.pop_front() else {
                break;
            };
            self.bytes -= size;
        }
    }

    pub(crate) fn snapshot(&self) -> Vec<LoggedRequest> {
        self.entries
            .iter()
            .map(|(_, seq, e)| e.logged(*seq))
            .collect()
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

    fn big_request(n: usize) -> Entry {
        let params: Vec<(String, String)> = (0..n)
            .map(|i| (format!("p{i}"), "v".repeat(10_000)))
            .collect();
        Entry {
            http_method: hyper::Method::POST,
            host: "http://127.0.0.1:1".into(),
            path: clip(format!("/platform/api/{}", "x".repeat(100_000))),
            method: Some(Cow::Borrowed("stream.post")),
            params: mask(params),
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
        let cyr = clip("я".repeat(LOG_MAX_VALUE));
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
        let counted: usize = log.entries.iter().map(|(_, _, e)| cost(e)).sum();
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
