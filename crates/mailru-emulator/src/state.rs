//! The mutable platform: the world plus sessions, OAuth codes, browser logins and the
//! stream overlay. One lock guards it all; handlers hold it only while they compute.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::accounts::{APP_ID, DEMO_REFRESH_TOKEN, DEMO_SESSION_KEY, DEMO_UID};
use crate::config::Config;
use crate::events::Streams;
use crate::model::World;
use crate::rng::Rng;
use crate::seed;

/// An access token (REST `session_key`) of one user for one app.
#[derive(Debug, Clone)]
pub(crate) struct Session {
    pub app_id: u64,
    pub uid: u64,
    pub scope: BTreeSet<String>,
    pub expires_at: u64,
    pub refresh_token: String,
    pub revoked: bool,
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

/// An authorization request shown to a logged-in user, waiting for consent. The consent
/// form carries its key in the hidden `sig` input, so the scope survives the round trip.
#[derive(Debug, Clone)]
pub(crate) struct Pending {
    pub app_id: u64,
    pub uid: u64,
    pub scope: BTreeSet<String>,
    pub redirect_uri: String,
    pub response_type: String,
    pub state: String,
}

/// An authorization code waiting to be exchanged.
#[derive(Debug, Clone)]
pub(crate) struct Code {
    pub app_id: u64,
    pub uid: u64,
    pub scope: BTreeSet<String>,
    pub redirect_uri: String,
}

#[derive(Debug)]
pub(crate) struct State {
    pub config: Config,
    pub world: World,
    pub streams: Streams,
    pub sessions: HashMap<String, Session>,
    pub refresh: HashMap<String, Refresh>,
    pub codes: HashMap<String, Code>,
    /// Browser login cookie value → uid.
    pub logins: HashMap<String, u64>,
    pub pending: HashMap<String, Pending>,
    /// Users who press "decline" on the consent dialog (set through the control API).
    pub declines: HashSet<u64>,
    /// Deterministic source of tokens, codes and cookies.
    pub tokens: Rng,
}

impl State {
    pub(crate) fn new(config: Config) -> Self {
        let world = seed::world(&config);
        let tokens = Rng::derive(config.seed, &[0x70c3]);
        let mut state = State {
            world,
            streams: Streams::default(),
            sessions: HashMap::new(),
            refresh: HashMap::new(),
            codes: HashMap::new(),
            logins: HashMap::new(),
            pending: HashMap::new(),
            declines: HashSet::new(),
            tokens,
            config,
        };
        let scope = state
            .world
            .installs
            .get(&(APP_ID, DEMO_UID))
            .cloned()
            .unwrap_or_default();
        state.insert_session(
            DEMO_SESSION_KEY.to_owned(),
            DEMO_REFRESH_TOKEN.to_owned(),
            APP_ID,
            DEMO_UID,
            scope,
        );
        state
    }

    /// An access token of the session family of `refresh`, valid for the configured TTL.
    fn insert_access(
        &mut self,
        access: &str,
        refresh: &str,
        app_id: u64,
        uid: u64,
        scope: BTreeSet<String>,
    ) {
        let expires_at = now() + self.config.token_ttl.as_secs();
        self.sessions.insert(
            access.to_owned(),
            Session {
                app_id,
                uid,
                scope,
                expires_at,
                refresh_token: refresh.to_owned(),
                revoked: false,
            },
        );
    }

    fn insert_session(
        &mut self,
        access: String,
        refresh: String,
        app_id: u64,
        uid: u64,
        scope: BTreeSet<String>,
    ) {
        self.insert_access(&access, &refresh, app_id, uid, scope.clone());
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
    }

    /// Authorizes `app_id` for `uid` with `scope` (installing it) and issues a token pair.
    pub(crate) fn issue(&mut self, app_id: u64, uid: u64, scope: BTreeSet<String>) -> Issued {
        let granted = self.world.installs.entry((app_id, uid)).or_default();
        granted.extend(scope.iter().cloned());
        let access = self.tokens.hex32();
        let refresh = self.tokens.hex32();
        self.insert_session(access.clone(), refresh.clone(), app_id, uid, scope);
        Issued {
            access_token: access,
            refresh_token: refresh,
            expires_in: self.config.token_ttl.as_secs(),
            uid,
        }
    }

    /// A new access token for a refresh token; the old access token stops working.
    pub(crate) fn refresh(&mut self, refresh_token: &str, app_id: u64) -> Option<Issued> {
        let entry = self.refresh.get(refresh_token)?;
        if entry.revoked || entry.app_id != app_id {
            return None;
        }
        let (uid, scope, old) = (entry.uid, entry.scope.clone(), entry.access_token.clone());
        self.sessions.remove(&old);
        let access = self.tokens.hex32();
        self.insert_access(&access, refresh_token, app_id, uid, scope);
        if let Some(entry) = self.refresh.get_mut(refresh_token) {
            entry.access_token = access.clone();
        }
        Some(Issued {
            access_token: access,
            refresh_token: refresh_token.to_owned(),
            expires_in: self.config.token_ttl.as_secs(),
            uid,
        })
    }

    /// Makes tokens expire now: one access token, or all when `token` is `None`.
    pub(crate) fn expire(&mut self, token: Option<&str>) -> usize {
        let past = now().saturating_sub(1);
        let mut n = 0;
        for (key, s) in &mut self.sessions {
            if token.is_none_or(|t| t == key) {
                s.expires_at = past;
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
}

impl State {
    /// Makes `uid` press "decline" (or stop doing so) on the consent dialog.
    pub(crate) fn set_declines(&mut self, uid: u64, decline: bool) {
        if decline {
            self.declines.insert(uid);
        } else {
            self.declines.remove(&uid);
        }
    }

    /// Removes the app from the user's installs: their sessions then get error 105.
    pub(crate) fn uninstall(&mut self, app_id: u64, uid: u64) -> bool {
        self.world.installs.remove(&(app_id, uid)).is_some()
    }
}

/// A freshly issued token pair.
#[derive(Debug, Clone)]
pub(crate) struct Issued {
    pub access_token: String,
    pub refresh_token: String,
    pub expires_in: u64,
    pub uid: u64,
}

/// Wall-clock unix seconds (token expiry and content written during a run).
pub(crate) fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or(Duration::ZERO)
        .as_secs()
}
