//! Sizes and limits of the emulated platform.

use std::time::Duration;

/// Most generated events of one author (`community_events`, `events_per_user`). Event
/// times are spread back from a fixed epoch at least a minute apart, so this many still
/// fit after 1970 with room to spare; larger values are clamped to it.
pub const MAX_EVENTS: u32 = 10_000_000;

/// What the emulator generates and how strict it is. Every field has a realistic default;
/// change them through [`EmulatorBuilder`](crate::EmulatorBuilder).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// Seed of all generated data: the same seed gives the same world.
    pub seed: u64,
    /// Number of generated users besides the named accounts.
    pub users: usize,
    /// Friends of the demo user (more than one page at the default page cap).
    pub demo_friends: usize,
    /// Most generated stream events of one ordinary user (at most [`MAX_EVENTS`]).
    pub events_per_user: u32,
    /// Events of the big open community. Events are generated on demand, so even
    /// 1,000,000 cost no memory until they are read. Clamped to [`MAX_EVENTS`].
    pub community_events: u32,
    /// Largest page an offset or skip method returns; larger `limit`s are silently capped
    /// (decisions.md: the real cap is unknown).
    pub page_cap: usize,
    /// Most uids one `users.getInfo` call accepts; more is error 100.
    pub uids_cap: usize,
    /// Lifetime of issued access tokens (`expires_in` is its whole seconds, at least 1;
    /// the server side honours it to the millisecond).
    pub token_ttl: Duration,

    /// Largest request body read, uploads included; more is HTTP 413.
    pub max_body_bytes: usize,
    /// Most parameters of one request (query, form fields and multipart parts together);
    /// more is HTTP 400.
    pub max_params: usize,
    /// Longest parameter name or value, in bytes after decoding; longer is HTTP 400.
    /// Uploaded files are bounded by `max_body_bytes` only.
    pub max_param_len: usize,

    /// Most connections served at once, over all listeners. When all are taken, the one
    /// idle the longest is closed to make room; if every one is busy with a request, new
    /// connections wait in the listen backlog.
    pub max_connections: usize,
    /// Time a connection has to deliver a request head, counted (as hyper does) from the
    /// moment it starts waiting for one; the body has as long again. Slower connections
    /// are closed (a slow body is answered 408).
    pub header_read_timeout: Duration,
    /// A connection with no request in flight and no byte in either direction for this
    /// long is closed.
    pub keep_alive_timeout: Duration,

    /// Most entries of the request log; the oldest are dropped first.
    pub log_max_entries: usize,
    /// Budget of the request log in bytes (the strings it holds plus a fixed cost per
    /// entry and parameter); the oldest entries are dropped to stay within it.
    pub log_max_bytes: usize,

    /// How long an authorization code may wait for its exchange.
    pub code_ttl: Duration,
    /// How long a browser login (the `Mpop` cookie) lasts.
    pub login_ttl: Duration,
    /// How long a consent dialog stays valid.
    pub consent_ttl: Duration,
    /// Most outstanding codes, browser logins and consent dialogs, each; the oldest go
    /// first.
    pub max_auth_entries: usize,
    /// Most live token pairs of one user for one app; issuing another revokes the oldest.
    pub tokens_per_user_app: usize,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            seed: 1,
            users: 300,
            demo_friends: 250,
            events_per_user: 30,
            community_events: 1_200,
            page_cap: 100,
            uids_cap: 100,
            token_ttl: Duration::from_secs(86_400),
            max_body_bytes: 16 * 1024 * 1024,
            max_params: 1_000,
            max_param_len: 64 * 1024,
            max_connections: 1_024,
            header_read_timeout: Duration::from_secs(30),
            keep_alive_timeout: Duration::from_secs(20),
            log_max_entries: 100_000,
            log_max_bytes: 64 * 1024 * 1024,
            code_ttl: Duration::from_secs(600),
            login_ttl: Duration::from_secs(3_600),
            consent_ttl: Duration::from_secs(600),
            max_auth_entries: 10_000,
            tokens_per_user_app: 32,
        }
    }
}

/// The request limits, copied out of [`Config`] so that parsing needs no lock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Limits {
    pub max_body_bytes: usize,
    pub max_params: usize,
    pub max_param_len: usize,
    pub header_read_timeout: Duration,
}

impl Limits {
    pub(crate) fn of(config: &Config) -> Self {
        Limits {
            max_body_bytes: config.max_body_bytes,
            max_params: config.max_params,
            max_param_len: config.max_param_len,
            header_read_timeout: config.header_read_timeout,
        }
    }
}
