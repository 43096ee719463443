//! Sizes and limits of the emulated platform.

use std::time::Duration;

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
    /// Most generated stream events of one ordinary user.
    pub events_per_user: u32,
    /// Events of the big open community. Events are generated on demand, so even
    /// 1,000,000 cost no memory until they are read.
    pub community_events: u32,
    /// Largest page an offset or skip method returns; larger `limit`s are silently capped
    /// (decisions.md: the real cap is unknown).
    pub page_cap: usize,
    /// Most uids one `users.getInfo` call accepts; more is error 100.
    pub uids_cap: usize,
    /// Lifetime of issued access tokens (`expires_in`).
    pub token_ttl: Duration,
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
        }
    }
}
