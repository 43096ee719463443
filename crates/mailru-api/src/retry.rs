//! Retries: exponential backoff with full jitter and a retry budget. The decision is a pure
//! function; the client sleeps through tokio time, so tests run with paused time.

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use crate::error::Error;

/// When and how often to retry.
#[derive(Debug, Clone, PartialEq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included (1 = never retry). Default 3.
    pub max_attempts: u32,
    /// Backoff before the first retry (before jitter). Default 200 ms.
    pub base_delay: Duration,
    /// Largest backoff. Default 5 s.
    pub max_delay: Duration,
    /// Retry write methods and methods outside the catalog too (they may then take effect
    /// twice). Default no.
    pub retry_writes: bool,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 3,
            base_delay: Duration::from_millis(200),
            max_delay: Duration::from_secs(5),
            retry_writes: false,
        }
    }
}

impl RetryPolicy {
    /// Never retry.
    pub fn none() -> Self {
        RetryPolicy {
            max_attempts: 1,
            ..RetryPolicy::default()
        }
    }
}

/// What to do after a failed attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Sleep this long, then try again.
    RetryAfter(Duration),
    /// Return the error.
    GiveUp,
}

/// The retry decision after failed attempt number `attempt` (1-based).
///
/// `jitter` is a number in `[0, 1)` (random in practice, fixed in tests): the delay is
/// `jitter × min(max_delay, base_delay × 2^(attempt-1))` ("full jitter").
/// `budget_ok` says whether the shared retry budget can pay for one more retry.
///
/// ```
/// use std::time::Duration;
/// use mailru_api::{Decision, Error, RetryPolicy, retry_decision};
///
/// let policy = RetryPolicy::default();
/// let err = Error::Timeout(Duration::from_secs(1));
/// assert_eq!(
///     retry_decision(&policy, 1, &err, false, true, 0.5),
///     Decision::RetryAfter(Duration::from_millis(100)),
/// );
/// // Writes are not retried unless the policy says so.
/// assert_eq!(retry_decision(&policy, 1, &err, true, true, 0.5), Decision::GiveUp);
/// ```
pub fn retry_decision(
    policy: &RetryPolicy,
    attempt: u32,
    error: &Error,
    is_write: bool,
    budget_ok: bool,
    jitter: f64,
) -> Decision {
    if attempt >= policy.max_attempts
        || !error.is_retryable()
        || (is_write && !policy.retry_writes)
        || !budget_ok
    {
        return Decision::GiveUp;
    }
    let exp = policy.base_delay.saturating_mul(
        1u32.checked_shl(attempt.saturating_sub(1))
            .unwrap_or(u32::MAX),
    );
    let cap = exp.min(policy.max_delay);
    // NaN would make `mul_f64` panic; it counts as no delay.
    let jitter = if jitter.is_nan() {
        0.0
    } else {
        jitter.clamp(0.0, 1.0)
    };
    Decision::RetryAfter(cap.mul_f64(jitter))
}

/// A token bucket shared by the calls of one client: each retry costs
/// [`RETRY_COST`](RetryBudget::RETRY_COST) tokens, each success refunds one, so a failing
/// platform is not hammered by every caller's retries at once.
#[derive(Debug)]
pub(crate) struct RetryBudget {
    /// An atomic, not a lock: every successful call of every task refunds, and a full
    /// bucket (the usual state) is then only read, not written.
    tokens: AtomicU32,
    capacity: u32,
}

impl RetryBudget {
    pub(crate) const RETRY_COST: u32 = 5;

    pub(crate) fn new(capacity: u32) -> Self {
        RetryBudget {
            tokens: AtomicU32::new(capacity),
            capacity,
        }
    }

    /// Takes the cost of a retry if available.
    pub(crate) fn try_spend(&self) -> bool {
        self.tokens
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |t| {
                t.checked_sub(Self::RETRY_COST)
            })
            .is_ok()
    }

    pub(crate) fn available(&self) -> bool {
        self.tokens.load(Ordering::Acquire) >= Self::RETRY_COST
    }

    pub(crate) fn refund(&self) {
        if self.tokens.load(Ordering::Relaxed) >= self.capacity {
            return;
        }
        let _ = self
            .tokens
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |t| {
                (t < self.capacity).then_some(t + 1)
            });
    }
}

/// A jitter fraction in `[0, 1)`: not cryptographic, just spread.
pub(crate) fn jitter() -> f64 {
    use std::collections::hash_map::RandomState;
    use std::hash::{BuildHasher, Hasher};
    let mut h = RandomState::new().build_hasher();
    h.write_u64(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64),
    );
    (h.finish() >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn transport() -> Error {
        Error::transport(
            crate::TransportKind::Send,
            std::io::Error::new(std::io::ErrorKind::ConnectionReset, "x"),
        )
    }

    #[test]
    fn backoff_grows_exponentially_up_to_the_cap() {
        let p = RetryPolicy {
            max_attempts: 10,
            ..RetryPolicy::default()
        };
        let delay = |attempt| match retry_decision(&p, attempt, &transport(), false, true, 1.0) {
            Decision::RetryAfter(d) => d,
            Decision::GiveUp => panic!("gave up"),
        };
        assert_eq!(delay(1), Duration::from_millis(200));
        assert_eq!(delay(2), Duration::from_millis(400));
        assert_eq!(delay(3), Duration::from_millis(800));
        assert_eq!(delay(9), Duration::from_secs(5));
        assert_eq!(
            retry_decision(&p, 2, &transport(), false, true, 0.0),
            Decision::RetryAfter(Duration::ZERO)
        );
    }

    #[test]
    fn gives_up_on_attempts_budget_writes_and_permanent_errors() {
        let p = RetryPolicy::default();
        assert_eq!(
            retry_decision(&p, 3, &transport(), false, true, 0.5),
            Decision::GiveUp
        );
        assert_eq!(
            retry_decision(&p, 1, &transport(), false, false, 0.5),
            Decision::GiveUp
        );
        assert_eq!(
            retry_decision(&p, 1, &transport(), true, true, 0.5),
            Decision::GiveUp
        );
        let writes = RetryPolicy {
            retry_writes: true,
            ..RetryPolicy::default()
        };
        assert!(matches!(
            retry_decision(&writes, 1, &transport(), true, true, 0.5),
            Decision::RetryAfter(_)
        ));
        let api104 = Error::api(104, "Incorrect signature");
        assert_eq!(
            retry_decision(&p, 1, &api104, false, true, 0.5),
            Decision::GiveUp
        );
        let api3 = Error::api(3, "Service Unavailable");
        assert!(matches!(
            retry_decision(&p, 1, &api3, false, true, 0.5),
            Decision::RetryAfter(_)
        ));
        assert_eq!(
            retry_decision(&RetryPolicy::none(), 1, &api3, false, true, 0.5),
            Decision::GiveUp
        );
    }

    #[test]
    fn odd_jitter_never_panics() {
        let p = RetryPolicy::default();
        for j in [f64::NAN, f64::INFINITY, -1.0, 2.0] {
            assert!(matches!(
                retry_decision(&p, 1, &transport(), false, true, j),
                Decision::RetryAfter(d) if d <= p.base_delay
            ));
        }
    }

    #[test]
    fn budget_is_spent_and_refunded() {
        let b = RetryBudget::new(10);
        assert!(b.try_spend() && b.try_spend());
        assert!(!b.available() && !b.try_spend());
        for _ in 0..5 {
            b.refund();
        }
        assert!(b.try_spend());
        for _ in 0..100 {
            b.refund();
        }
        assert_eq!(
            b.tokens.load(Ordering::Relaxed),
            10,
            "capped at the capacity"
        );
        // Tasks refunding and spending at once: nothing lost, nothing above the cap.
        let shared = std::sync::Arc::new(RetryBudget::new(1_000));
        while shared.try_spend() {}
        let left = shared.tokens.load(Ordering::Relaxed);
        let workers: Vec<_> = (0..4)
            .map(|_| {
                let b = shared.clone();
                std::thread::spawn(move || (0..100).for_each(|_| b.refund()))
            })
            .collect();
        workers.into_iter().for_each(|w| w.join().unwrap());
        assert_eq!(shared.tokens.load(Ordering::Relaxed), left + 400);
    }

    #[test]
    fn jitter_is_a_fraction() {
        for _ in 0..100 {
            let j = jitter();
            assert!((0.0..1.0).contains(&j));
        }
    }
}
