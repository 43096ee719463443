//! The mutable platform: the world plus sessions, OAuth codes, browser logins and the
//! stream overlay. One lock guards it all; handlers hold it only while they compute.

use std::collections::{BTreeSet, HashSet};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::accounts::{APP_ID, DEMO_REFRESH_TOKEN, DEMO_SESSION_KEY, DEMO_UID};
use crate::config::Config;
use crate::events::Streams;
use crate::expiring::Expiring;
use crate::model::World;
use crate::rng::Rng;
use crate::seed;
use crate::tokens::Tokens;

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
    pub tokens: Tokens,
    pub codes: Expiring<Code>,
    /// Browser login cookie value → uid.
    pub logins: Expiring<u64>,
    pub pending: Expiring<Pending>,
    /// Users who press "decline" on the consent dialog (set through the control API).
    pub declines: HashSet<u64>,
    /// Deterministic source of tokens, codes and cookies.
    pub random: Rng,
}

impl State {
    /// The generated platform of `config`, with the demo session.
    pub(crate) fn new(config: Config) -> Self {
        let world = seed::world(&config);
        let mut state = State::with_model(config, world);
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

    /// A platform of `world` with no session yet.
    pub(crate) fn with_model(config: Config, world: World) -> Self {
        let random = Rng::derive(config.seed, &[0x70c3]);
        let cap = config.max_auth_entries;
        State {
            world,
            streams: Streams::default(),
            tokens: Tokens::new(config.tokens_per_user_app),
            codes: Expiring::new(config.code_ttl, cap),
            logins: Expiring::new(config.login_ttl, cap),
            pending: Expiring::new(config.consent_ttl, cap),
            declines: HashSet::new(),
            random,
            config,
        }
    }

    fn insert_session(
        &mut self,
        access: String,
        refresh: String,
        app_id: u64,
        uid: u64,
        scope: BTreeSet<String>,
    ) {
        let ttl = self.config.token_ttl;
        self.tokens
            .insert_pair(access, refresh, app_id, uid, scope, ttl);
    }

    /// `expires_in` of the token JSON: the TTL in whole seconds, at least 1.
    fn expires_in(&self) -> u64 {
        self.config.token_ttl.as_secs().max(1)
    }

    /// Authorizes `app_id` for `uid` with `scope` (installing it) and issues a token pair.
    pub(crate) fn issue(&mut self, app_id: u64, uid: u64, scope: BTreeSet<String>) -> Issued {
        let granted = self.world.installs.entry((app_id, uid)).or_default();
        granted.extend(scope.iter().cloned());
        let access = self.random.hex32();
        let refresh = self.random.hex32();
        self.insert_session(access.clone(), refresh.clone(), app_id, uid, scope);
        Issued {
            access_token: access,
            refresh_token: refresh,
            expires_in: self.expires_in(),
            uid,
        }
    }

    /// A new access token for a refresh token; the old access token stops working.
    pub(crate) fn refresh(&mut self, refresh_token: &str, app_id: u64) -> Option<Issued> {
        let usable = self
            .tokens
            .refresh
            .get(refresh_token)
            .is_some_and(|r| !r.revoked && r.app_id == app_id);
        if !usable {
            return None;
        }
        let access = self.random.hex32();
        let ttl = self.config.token_ttl;
        let uid = self
            .tokens
            .renew(refresh_token, app_id, access.clone(), ttl)?;
        Some(Issued {
            access_token: access,
            refresh_token: refresh_token.to_owned(),
            expires_in: self.expires_in(),
            uid,
        })
    }

    /// Makes tokens expire now: one access token, or all when `token` is `None`.
    pub(crate) fn expire(&mut self, token: Option<&str>) -> usize {
        self.tokens.expire(token)
    }

    /// Revokes an access or refresh token (and its partner), or every token.
    pub(crate) fn revoke(&mut self, token: Option<&str>) -> usize {
        self.tokens.revoke(token)
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

/// Wall-clock unix seconds (content written during a run).
pub(crate) fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or(Duration::ZERO)
        .as_secs()
}
