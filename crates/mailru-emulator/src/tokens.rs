//! Access and refresh tokens. Access tokens expire at their issue time plus the configured
//! TTL, to the millisecond; dead tokens (expired, revoked, replaced) are swept out as the
//! store grows, and each user keeps a bounded number of token pairs per app, so memory
//! stays bounded however many logins happen.

use std::collections::{BTreeSet, HashMap, VecDeque};
use std::time::{Duration, Instant};

/// An access token (REST `session_key`) of one user for one app.
#[derive(Debug, Clone)]
pub(crate) struct Session {
    pub app_id: u64,
    pub uid: u64,
    pub scope: BTreeSet<String>,
    pub expires_at: Instant,
    pub refresh_token: String,
    pub revoked: bool,
}

impl Session {
    pub(crate) fn is_live(&self, now: Instant) -> bool {
        !self.revoked && now < self.expires_at
    }
}

/// A refresh token: which session family it renews.
#[derive(Debug, Clone)]
pub(crate) struct Refresh {
    pub app_id: u64,
    pub uid: u64,
    pub scope: BTreeSet<String>,
    pub access_token: String,
    pub revoked: bool,
}

/// Far enough to mean "never" without overflowing `Instant`.
const FOREVER: Duration = Duration::from_secs(100 * 365 * 86_400);

/// Sweeps do not start below this many access tokens.
const MIN_SWEEP: usize = 1_024;

#[derive(Debug)]
pub(crate) struct Tokens {
    pub sessions: HashMap<String, Session>,
    pub refresh: HashMap<String, Refresh>,
    /// Refresh tokens of each `(app, uid)` in issue order (may hold dropped ones).
    families: HashMap<(u64, u64), VecDeque<String>>,
    /// Live pairs kept per `(app, uid)`.
    per_user_app: usize,
    /// Size of `sessions` that triggers the next sweep.
    sweep_at: usize,
}

impl Tokens {
    pub(crate) fn new(per_user_app: usize) -> Self {
        Tokens {
            sessions: HashMap::new(),
            refresh: HashMap::new(),
            families: HashMap::new(),
            per_user_app: per_user_app.max(1),
            sweep_at: MIN_SWEEP,
        }
    }

    /// `now + ttl`, or a century from now when that does not fit.
    fn deadline(now: Instant, ttl: Duration) -> Instant {
        now.checked_add(ttl)
            .or_else(|| now.checked_add(FOREVER))
            .unwrap_or(now)
    }

    /// Stores an access token of the family of `refresh`, valid for `ttl` from now.
    pub(crate) fn insert_access(
        &mut self,
        access: &str,
        refresh: &str,
        app_id: u64,
        uid: u64,
        scope: BTreeSet<String>,
        ttl: Duration,
    ) {
        let now = Instant::now();
        if self.sessions.len() >= self.sweep_at {
            self.sweep(now);
        }
        let session = Session {
            app_id,
            uid,
            scope,
            expires_at: Self::deadline(now, ttl),
            refresh_token: refresh.to_owned(),
            revoked: false,
        };
        self.sessions.insert(access.to_owned(), session);
    }

    /// Stores a new token pair; the oldest pair of the same user and app goes when there
    /// are too many.
    pub(crate) fn insert_pair(
        &mut self,
        access: String,
        refresh: String,
        app_id: u64,
        uid: u64,
        scope: BTreeSet<String>,
        ttl: Duration,
    ) {
        self.insert_access(&access, &refresh, app_id, uid, scope.clone(), ttl);
        let family = self.families.entry((app_id, uid)).or_default();
        family.push_back(refresh.clone());
        self.refresh.insert(
            refresh,
            Refresh {
                app_id,
                uid,
                scope,
                access_token: access,
                revoked: false,
            },
        );
        self.trim_family((app_id, uid));
    }

    /// Keeps at most `per_user_app` pairs of a family, dropping the oldest.
    fn trim_family(&mut self, key: (u64, u64)) {
        let Some(family) = self.families.get_mut(&key) else {
            return;
        };
        family.retain(|r| self.refresh.contains_key(r));
        while family.len() > self.per_user_app {
            if let Some(old) = family.pop_front()
                && let Some(r) = self.refresh.remove(&old)
            {
                self.sessions.remove(&r.access_token);
            }
        }
    }

    /// Drops expired and revoked access tokens and revoked refresh tokens, then sets the
    /// next sweep at twice the size that is left (amortized O(1) per insert).
    fn sweep(&mut self, now: Instant) {
        self.sessions.retain(|_, s| s.is_live(now));
        self.refresh.retain(|_, r| !r.revoked);
        let refresh = &self.refresh;
        self.families.retain(|_, f| {
            f.retain(|r| refresh.contains_key(r));
            !f.is_empty()
        });
        self.sweep_at = (2 * self.sessions.len()).max(MIN_SWEEP);
    }

    /// Makes access tokens expire now: one, or all when `token` is `None`.
    pub(crate) fn expire(&mut self, token: Option<&str>) -> usize {
        let now = Instant::now();
        let mut n = 0;
        for (key, s) in &mut self.sessions {
            if token.is_none_or(|t| t == key) {
                s.expires_at = now;
                n += 1;
            }
        }
        n
    }

    /// Revokes an access or refresh token (and its partner), or every token.
    pub(crate) fn revoke(&mut self, token: Option<&str>) -> usize {
        let mut n = 0;
        let partner = token.and_then(|t| {
            self.sessions
                .get(t)
                .map(|s| s.refresh_token.clone())
                .or_else(|| self.refresh.get(t).map(|r| r.access_token.clone()))
        });
        let hit = |key: &str| token.is_none_or(|t| t == key) || partner.as_deref() == Some(key);
        for (key, s) in &mut self.sessions {
            if hit(key) {
                s.revoked = true;
                n += 1;
            }
        }
        for (key, r) in &mut self.refresh {
            if hit(key) {
                r.revoked = true;
                n += 1;
            }
        }
        n
    }

    /// A new access token of a refresh token's family; the old one stops working.
    /// `None` for an unknown or revoked refresh token, or one of another app.
    pub(crate) fn renew(
        &mut self,
        refresh_token: &str,
        app_id: u64,
        access: String,
        ttl: Duration,
    ) -> Option<u64> {
        let entry = self.refresh.get(refresh_token)?;
        if entry.revoked || entry.app_id != app_id {
            return None;
        }
        let (uid, scope, old) = (entry.uid, entry.scope.clone(), entry.access_token.clone());
        self.sessions.remove(&old);
        self.insert_access(&access, refresh_token, app_id, uid, scope, ttl);
        if let Some(entry) = self.refresh.get_mut(refresh_token) {
            entry.access_token = access;
        }
        Some(uid)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(i: usize) -> String {
        format!("{i:032x}")
    }

    #[test]
    fn many_logins_keep_memory_bounded() {
        let mut t = Tokens::new(4);
        let ttl = Duration::from_secs(3600);
        for i in 0..20_000 {
            let (uid, app) = ((i % 50) as u64, 1);
            t.insert_pair(hex(2 * i), hex(2 * i + 1), app, uid, BTreeSet::new(), ttl);
        }
        assert_eq!(t.refresh.len(), 50 * 4, "four pairs per user and app");
        assert_eq!(t.sessions.len(), 50 * 4);
        assert!(t.families.values().all(|f| f.len() <= 4));
        // The newest pair of a user works, the oldest ones were dropped.
        assert!(t.sessions.contains_key(&hex(2 * 19_999)));
        assert!(!t.sessions.contains_key(&hex(0)));
    }

    #[test]
    fn expired_and_revoked_tokens_are_swept() {
        let mut t = Tokens::new(1_000_000);
        for i in 0..MIN_SWEEP {
            let ttl = Duration::from_millis(1);
            t.insert_pair(
                hex(2 * i),
                hex(2 * i + 1),
                1,
                i as u64,
                BTreeSet::new(),
                ttl,
            );
        }
        t.revoke(Some(&hex(1)));
        std::thread::sleep(Duration::from_millis(5));
        let long = Duration::from_secs(60);
        t.insert_pair("live".into(), "live-r".into(), 1, 7, BTreeSet::new(), long);
        assert_eq!(t.sessions.len(), 1, "expired access tokens are gone");
        assert_eq!(t.refresh.len(), MIN_SWEEP, "revoked refresh token is gone");
        assert!(t.sessions["live"].is_live(Instant::now()));
    }

    #[test]
    fn expiry_is_exact_and_huge_ttls_do_not_overflow() {
        let mut t = Tokens::new(8);
        t.insert_pair("a".into(), "r".into(), 1, 1, BTreeSet::new(), Duration::MAX);
        assert!(t.sessions["a"].is_live(Instant::now()));
        t.insert_pair(
            "b".into(),
            "s".into(),
            1,
            1,
            BTreeSet::new(),
            Duration::from_millis(1500),
        );
        let s = &t.sessions["b"];
        let left = s.expires_at.saturating_duration_since(Instant::now());
        assert!(left > Duration::from_millis(1000) && left <= Duration::from_millis(1500));
        assert_eq!(t.expire(Some("b")), 1);
        assert!(!t.sessions["b"].is_live(Instant::now()));
    }
}
