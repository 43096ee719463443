//! Fault injection: make chosen requests fail the ways a real network and platform do.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::rng::Rng;
use crate::server::lock;

/// How a request fails.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FaultKind {
    /// Answer with this API error code (HTTP 400 and the platform's envelope).
    ApiError {
        /// The `error_code`, e.g. 1 or 3.
        code: u32,
    },
    /// Answer with this HTTP status and an HTML body, no API envelope (e.g. 500, 502, 503).
    HttpStatus {
        /// The status code.
        status: u16,
    },
    /// Wait this long, then answer normally.
    Delay {
        /// Milliseconds.
        ms: u64,
    },
    /// Close the connection without answering.
    DropConnection,
    /// Send the headers and half the body, then close the connection.
    TruncatedBody,
    /// Answer normally but with `Content-Type: text/html`.
    WrongContentType,
}

/// One injected fault: `kind`, for the next `times` requests to `target`.
///
/// `target` is a REST method name (`friends.get`) or, for other endpoints, a path
/// (`/oauth/token`); `None` matches every request.
///
/// ```
/// use mailru_emulator::{Fault, FaultKind};
///
/// let fault = Fault::new(FaultKind::HttpStatus { status: 503 }).target("friends.get").times(2);
/// assert_eq!(fault.times, 2);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fault {
    /// What happens (flattened in JSON: `{"kind": "http_status", "status": 503, ...}`).
    #[serde(flatten)]
    pub kind: FaultKind,
    /// Which requests it hits; `None` for any.
    #[serde(default)]
    pub target: Option<String>,
    /// How many requests it hits.
    #[serde(default = "one")]
    pub times: u32,
}

fn one() -> u32 {
    1
}

impl Fault {
    /// A fault of `kind` for the next request of any kind.
    pub fn new(kind: FaultKind) -> Self {
        Fault {
            kind,
            target: None,
            times: 1,
        }
    }

    /// Only requests to this REST method or path.
    #[must_use]
    pub fn target(mut self, target: impl Into<String>) -> Self {
        self.target = Some(target.into());
        self
    }

    /// Hits the next `times` matching requests.
    #[must_use]
    pub fn times(mut self, times: u32) -> Self {
        self.times = times;
        self
    }
}

/// Faults at random: each request fails with probability `rate` with one of `kinds`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RandomFaults {
    /// Probability per request, 0.0 to 1.0.
    pub rate: f64,
    /// Seed of the draw, so a failing run can be repeated.
    pub seed: u64,
    /// The kinds to choose from, uniformly.
    pub kinds: Vec<FaultKind>,
}

/// The faults of a running emulator: [`Faults`] behind a lock, and a flag that lets every
/// request skip the lock while none is armed (the usual case).
#[derive(Debug, Default)]
pub(crate) struct FaultSet {
    armed: AtomicBool,
    faults: Mutex<Faults>,
}

impl FaultSet {
    pub(crate) fn push(&self, fault: Fault) {
        let mut faults = lock(&self.faults);
        faults.push(fault);
        self.armed.store(faults.armed(), Ordering::Release);
    }

    pub(crate) fn set_random(&self, random: Option<RandomFaults>) {
        let mut faults = lock(&self.faults);
        faults.set_random(random);
        self.armed.store(faults.armed(), Ordering::Release);
    }

    pub(crate) fn clear(&self) {
        let mut faults = lock(&self.faults);
        faults.clear();
        self.armed.store(false, Ordering::Release);
    }

    /// The fault for a request to `target`, if any, using it up.
    pub(crate) fn take(&self, target: &str) -> Option<FaultKind> {
        if !self.armed.load(Ordering::Acquire) {
            return None;
        }
        let mut faults = lock(&self.faults);
        let kind = faults.take(target);
        self.armed.store(faults.armed(), Ordering::Release);
        kind
    }
}

#[derive(Debug, Default)]
pub(crate) struct Faults {
    queue: Vec<Fault>,
    random: Option<(RandomFaults, Rng)>,
}

impl Faults {
    pub(crate) fn push(&mut self, fault: Fault) {
        if fault.times > 0 {
            self.queue.push(fault);
        }
    }

    pub(crate) fn set_random(&mut self, random: Option<RandomFaults>) {
        self.random = random.map(|r| {
            let rng = Rng::new(r.seed);
            (r, rng)
        });
    }

    pub(crate) fn clear(&mut self) {
        self.queue.clear();
        self.random = None;
    }

    /// Whether any request may still get a fault.
    fn armed(&self) -> bool {
        !self.queue.is_empty() || self.random.is_some()
    }

    /// The fault for a request to `target`, if any, using it up.
    pub(crate) fn take(&mut self, target: &str) -> Option<FaultKind> {
        if let Some(i) = self
            .queue
            .iter()
            .position(|f| f.target.as_deref().is_none_or(|t| t == target))
        {
            let fault = &mut self.queue[i];
            fault.times -= 1;
            let kind = fault.kind.clone();
            if fault.times == 0 {
                self.queue.remove(i);
            }
            return Some(kind);
        }
        let (random, rng) = self.random.as_mut()?;
        if random.kinds.is_empty() {
            return None;
        }
        let draw = (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
        (draw < random.rate).then(|| rng.pick(&random.kinds).clone())
    }
}

impl FaultKind {
    pub(crate) fn delay(&self) -> Option<Duration> {
        match self {
            FaultKind::Delay { ms } => Some(Duration::from_millis(*ms)),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queued_faults_hit_their_target_the_given_number_of_times() {
        let mut f = Faults::default();
        f.push(
            Fault::new(FaultKind::DropConnection)
                .target("friends.get")
                .times(2),
        );
        assert_eq!(f.take("users.getInfo"), None);
        assert_eq!(f.take("friends.get"), Some(FaultKind::DropConnection));
        assert_eq!(f.take("friends.get"), Some(FaultKind::DropConnection));
        assert_eq!(f.take("friends.get"), None);
    }

    #[test]
    fn random_faults_follow_the_rate_and_the_seed() {
        let draw = |seed| {
            let mut f = Faults::default();
            f.set_random(Some(RandomFaults {
                rate: 0.3,
                seed,
                kinds: vec![FaultKind::ApiError { code: 1 }],
            }));
            (0..1000).map(|_| f.take("x").is_some()).collect::<Vec<_>>()
        };
        let hits = draw(5).iter().filter(|h| **h).count();
        assert!((200..400).contains(&hits), "{hits}");
        assert_eq!(draw(5), draw(5));
        assert_ne!(draw(5), draw(6));
    }
}
