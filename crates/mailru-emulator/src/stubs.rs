//! Stubs: canned answers to chosen REST calls (WireMock-like). A stub answers only after
//! the platform's checks passed (signature, app, session, install, privileges), so a
//! stubbed method still refuses a bad call the way the platform does.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use serde::{Deserialize, Serialize};

use crate::json::Json;
use crate::rest::{self, ApiError, ApiResult};
use crate::server::lock;

/// Most stubs armed at once.
pub const MAX_STUBS: usize = 1_000;
/// Most parameters one stub matches on.
pub const MAX_STUB_PARAMS: usize = 100;

/// What a stub answers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum StubAnswer {
    /// This JSON, with HTTP 200.
    Json(serde_json::Value),
    /// This API error envelope, with HTTP 400.
    Error {
        /// `error_code`.
        code: u32,
        /// `error_msg`; absent: the platform's message for the code.
        #[serde(default)]
        message: Option<String>,
    },
}

/// A canned answer to a REST method: `{"method": "friends.get", "params": {"ext": "1"},
/// "answer": {"json": []}, "times": 1}` in the control API.
///
/// ```
/// use mailru_emulator::{Stub, StubAnswer};
/// use serde_json::json;
///
/// let stub = Stub::json("friends.get", json!(["42"])).when("ext", "0").times(1);
/// assert_eq!(stub.times, Some(1));
/// let error = Stub::error("users.getInfo", 3, None);
/// assert!(matches!(error.answer, StubAnswer::Error { code: 3, .. }));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Stub {
    /// The REST method (one the emulator knows).
    pub method: String,
    /// Parameters the call must have with exactly these values; empty: any call.
    #[serde(default)]
    pub params: BTreeMap<String, String>,
    /// The answer.
    pub answer: StubAnswer,
    /// How many calls it answers; absent: all of them.
    #[serde(default)]
    pub times: Option<u32>,
}

impl Stub {
    /// Answers `method` with `json`.
    pub fn json(method: impl Into<String>, json: serde_json::Value) -> Stub {
        Stub {
            method: method.into(),
            params: BTreeMap::new(),
            answer: StubAnswer::Json(json),
            times: None,
        }
    }

    /// Answers `method` with API error `code` (with the platform's message if `None`).
    pub fn error(method: impl Into<String>, code: u32, message: Option<String>) -> Stub {
        Stub {
            method: method.into(),
            params: BTreeMap::new(),
            answer: StubAnswer::Error { code, message },
            times: None,
        }
    }

    /// Only for calls with parameter `name` equal to `value`.
    #[must_use]
    pub fn when(mut self, name: impl Into<String>, value: impl Into<String>) -> Stub {
        self.params.insert(name.into(), value.into());
        self
    }

    /// Only for the next `n` matching calls.
    #[must_use]
    pub fn times(mut self, n: u32) -> Stub {
        self.times = Some(n);
        self
    }
}

/// Why a stub is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum StubError {
    /// The method is not one the emulator knows (it would never get past error 2).
    UnknownMethod(String),
    /// More than [`MAX_STUB_PARAMS`] parameters to match.
    TooManyParams {
        /// The stub's method.
        method: String,
    },
    /// [`MAX_STUBS`] stubs are armed already.
    TooMany,
    /// `times` is 0: the stub would never answer.
    NeverAnswers {
        /// The stub's method.
        method: String,
    },
}

impl fmt::Display for StubError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StubError::UnknownMethod(m) => write!(f, "stub for `{m}`: not a method of the API"),
            StubError::TooManyParams { method } => write!(
                f,
                "stub for `{method}`: more than {MAX_STUB_PARAMS} parameters to match"
            ),
            StubError::TooMany => write!(f, "{MAX_STUBS} stubs are armed already"),
            StubError::NeverAnswers { method } => {
                write!(f, "stub for `{method}`: times is 0, it would never answer")
            }
        }
    }
}

impl std::error::Error for StubError {}

/// A stub with its answer ready to send.
#[derive(Debug)]
struct Armed {
    method: &'static str,
    params: Vec<(String, String)>,
    answer: Result<Json, ApiError>,
    left: Option<u32>,
}

/// The stubs of a running emulator. A flag lets calls skip the lock while none is armed.
#[derive(Debug, Default)]
pub(crate) struct StubSet {
    armed: AtomicBool,
    stubs: Mutex<Vec<Armed>>,
}

impl StubSet {
    pub(crate) fn add(&self, stub: Stub) -> Result<(), StubError> {
        let spec = rest::lookup(&stub.method).ok_or(StubError::UnknownMethod(stub.method))?;
        let method = spec.name;
        if stub.params.len() > MAX_STUB_PARAMS {
            let method = method.to_owned();
            return Err(StubError::TooManyParams { method });
        }
        if stub.times == Some(0) {
            let method = method.to_owned();
            return Err(StubError::NeverAnswers { method });
        }
        let answer = match stub.answer {
            StubAnswer::Json(value) => Ok(Json::from(value)),
            StubAnswer::Error { code, message } => Err(match message {
                Some(message) => ApiError { code, message },
                None => ApiError::code(code),
            }),
        };
        let mut stubs = lock(&self.stubs);
        if stubs.len() >= MAX_STUBS {
            return Err(StubError::TooMany);
        }
        stubs.push(Armed {
            method,
            params: stub.params.into_iter().collect(),
            answer,
            left: stub.times,
        });
        self.armed.store(true, Ordering::Release);
        Ok(())
    }

    pub(crate) fn clear(&self) {
        lock(&self.stubs).clear();
        self.armed.store(false, Ordering::Release);
    }

    /// The answer of the newest stub of `method` whose parameters `params` has, using it
    /// up once.
    pub(crate) fn answer(&self, method: &str, params: &[(String, String)]) -> Option<ApiResult> {
        if !self.armed.load(Ordering::Acquire) {
            return None;
        }
        let mut stubs = lock(&self.stubs);
        let matches = |s: &Armed| {
            s.method == method
                && s.params
                    .iter()
                    .all(|(k, v)| rest::param(params, k) == Some(v.as_str()))
        };
        let i = stubs.iter().rposition(matches)?;
        let stub = &mut stubs[i];
        let answer = stub.answer.clone();
        if let Some(left) = &mut stub.left {
            *left -= 1;
            if *left == 0 {
                stubs.remove(i);
            }
        }
        self.armed.store(!stubs.is_empty(), Ordering::Release);
        Some(answer)
    }
}
