#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod accounts;
mod config;
mod control;
mod events;
mod faults;
mod http;
mod log;
mod model;
mod oauth;
mod public;
mod render;
mod rest;
mod rng;
mod seed;
mod server;
mod state;

use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

pub use config::Config;
pub use faults::{Fault, FaultKind, RandomFaults};
pub use log::{LoggedRequest, MASK};

use server::{Shared, lock};
use state::State;

/// Entry point: `Emulator::builder()`.
#[derive(Debug)]
pub struct Emulator;

impl Emulator {
    /// A builder with the default [`Config`], listening on `127.0.0.1:0`.
    pub fn builder() -> EmulatorBuilder {
        EmulatorBuilder {
            config: Config::default(),
            port: 0,
        }
    }
}

/// Configures and starts an emulator.
#[derive(Debug, Clone)]
pub struct EmulatorBuilder {
    config: Config,
    port: u16,
}

impl EmulatorBuilder {
    /// Seed of the generated data (default 1).
    #[must_use]
    pub fn seed(mut self, seed: u64) -> Self {
        self.config.seed = seed;
        self
    }

    /// Port on 127.0.0.1; 0 (the default) picks a free one.
    #[must_use]
    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    /// Replaces the whole configuration (the seed included).
    #[must_use]
    pub fn config(mut self, config: Config) -> Self {
        self.config = config;
        self
    }

    /// Number of events of the big community (generated on demand).
    #[must_use]
    pub fn community_events(mut self, events: u32) -> Self {
        self.config.community_events = events;
        self
    }

    /// Largest page of offset and skip methods.
    #[must_use]
    pub fn page_cap(mut self, cap: usize) -> Self {
        self.config.page_cap = cap.max(1);
        self
    }

    /// Lifetime of issued access tokens.
    #[must_use]
    pub fn token_ttl(mut self, ttl: Duration) -> Self {
        self.config.token_ttl = ttl;
        self
    }

    /// Builds the world and starts serving on the current tokio runtime.
    ///
    /// # Errors
    /// When the port cannot be bound.
    pub async fn start(self) -> io::Result<EmulatorHandle> {
        let listener =
            TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, self.port))).await?;
        let addr = listener.local_addr()?;
        let base_url = server::base_url(addr);
        let shared = Arc::new(Shared {
            state: Mutex::new(State::new(self.config)),
            faults: Mutex::default(),
            log: Mutex::default(),
            base_url: base_url.clone(),
        });
        let (shutdown, rx) = watch::channel(false);
        let task = tokio::spawn(server::run(listener, shared.clone(), rx));
        Ok(EmulatorHandle {
            base_url,
            addr,
            shared,
            shutdown,
            task: Some(task),
        })
    }
}

/// A running emulator. Dropping it stops the server too; [`stop`](Self::stop) also waits.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// use mailru_emulator::{Emulator, Fault, FaultKind};
///
/// let emulator = Emulator::builder().seed(7).start().await?;
/// assert!(emulator.base_url().starts_with("http://127.0.0.1:"));
/// emulator.inject(Fault::new(FaultKind::HttpStatus { status: 503 }).target("friends.get"));
/// emulator.stop().await;
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
pub struct EmulatorHandle {
    base_url: String,
    addr: SocketAddr,
    shared: Arc<Shared>,
    shutdown: watch::Sender<bool>,
    task: Option<JoinHandle<()>>,
}

impl EmulatorHandle {
    /// `http://127.0.0.1:PORT`: every endpoint of the platform lives under it with its real
    /// path (`/platform/api`, `/oauth/authorize`, `/oauth/token`, `/cgi-bin/auth`, ...).
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Queues a fault.
    pub fn inject(&self, fault: Fault) {
        lock(&self.shared.faults).push(fault);
    }

    /// Sets (or with `None` removes) random faults.
    pub fn set_random_faults(&self, random: Option<RandomFaults>) {
        lock(&self.shared.faults).set_random(random);
    }

    /// Removes every queued and random fault.
    pub fn clear_faults(&self) {
        lock(&self.shared.faults).clear();
    }

    /// Makes an access token expire now; `false` if it is unknown.
    pub fn expire_token(&self, access_token: &str) -> bool {
        lock(&self.shared.state).expire(Some(access_token)) > 0
    }

    /// Makes every access token expire now.
    pub fn expire_all_tokens(&self) {
        lock(&self.shared.state).expire(None);
    }

    /// Revokes an access or refresh token together with its partner; `false` if unknown.
    pub fn revoke_token(&self, token: &str) -> bool {
        lock(&self.shared.state).revoke(Some(token)) > 0
    }

    /// Makes the user press "decline" on the consent dialog from now on (or stop).
    pub fn set_declines_consent(&self, uid: u64, decline: bool) {
        lock(&self.shared.state).set_declines(uid, decline);
    }

    /// Uninstalls an app for a user: their tokens then get error 105.
    pub fn uninstall(&self, app_id: u64, uid: u64) -> bool {
        lock(&self.shared.state).uninstall(app_id, uid)
    }

    /// The requests received so far (the newest 100,000), secrets masked.
    pub fn requests(&self) -> Vec<LoggedRequest> {
        lock(&self.shared.log).snapshot()
    }

    /// Forgets the logged requests.
    pub fn clear_requests(&self) {
        lock(&self.shared.log).clear();
    }

    /// Stops accepting, closes open connections and waits for the server task.
    pub async fn stop(mut self) {
        let _ = self.shutdown.send(true);
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for EmulatorHandle {
    fn drop(&mut self) {
        let _ = self.shutdown.send(true);
    }
}
