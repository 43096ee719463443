#![cfg_attr(docsrs, feature(doc_cfg))]
#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod accounts;
mod builder;
#[cfg(feature = "cli")]
mod cli;
mod config;
mod conn;
mod control;
mod events;
mod expiring;
mod faults;
mod form;
#[doc(hidden)]
pub mod fuzzing;
mod hosts;
mod http;
mod json;
mod log;
mod model;
mod multipart;
mod oauth;
mod public;
mod render;
mod rest;
mod rng;
mod seed;
mod server;
mod state;
mod stubs;
mod tokens;
pub mod world;

use std::net::SocketAddr;
use std::sync::Arc;

use tokio::sync::watch;
use tokio::task::JoinHandle;

pub use builder::EmulatorBuilder;
#[cfg(feature = "cli")]
#[cfg_attr(docsrs, doc(cfg(feature = "cli")))]
pub use cli::EmulatorArgs;
pub use config::{Config, MAX_EVENTS};
pub use faults::{Fault, FaultKind, RandomFaults};
pub use hosts::Origins;
pub use log::{LoggedRequest, MASK, TRUNCATED};
pub use stubs::{MAX_STUB_PARAMS, MAX_STUBS, Stub, StubAnswer, StubError};
pub use world::{World, WorldError};

use server::{Shared, lock, write};
use world::load;

/// Entry point: `Emulator::builder()`.
#[derive(Debug)]
pub struct Emulator;

impl Emulator {
    /// A builder with the default [`Config`], listening on `127.0.0.1:0`.
    pub fn builder() -> EmulatorBuilder {
        EmulatorBuilder::default()
    }
}

/// A running emulator. Dropping the handle stops the emulator (it stops accepting and
/// closes its connections); keep it alive as long as the emulator is needed.
/// [`stop`](Self::stop) stops it too and also waits for the server tasks.
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
#[must_use = "dropping the handle stops the emulator"]
pub struct EmulatorHandle {
    addr: SocketAddr,
    shared: Arc<Shared>,
    shutdown: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
}

impl EmulatorHandle {
    /// `http://127.0.0.1:PORT`: every endpoint of the platform lives under it with its real
    /// path (`/platform/api`, `/oauth/authorize`, `/oauth/token`, `/cgi-bin/auth`, ...).
    /// With [`separate_hosts`](EmulatorBuilder::separate_hosts), the appsmail.ru origin;
    /// see [`origins`](Self::origins) for the others.
    pub fn base_url(&self) -> &str {
        &self.shared.origins.appsmail
    }

    /// The origins that play appsmail.ru, connect.mail.ru and auth.mail.ru: three times
    /// [`base_url`](Self::base_url) unless the hosts are separate.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use mailru_emulator::Emulator;
    ///
    /// let emulator = Emulator::builder().separate_hosts(true).start().await?;
    /// let origins = emulator.origins();
    /// assert_eq!(origins.appsmail, emulator.base_url());
    /// assert_ne!(origins.connect, origins.auth);
    /// let authorize = format!("{}/oauth/authorize?client_id=423004", origins.connect);
    /// # let _ = authorize;
    /// emulator.stop().await;
    /// # Ok(())
    /// # }
    /// ```
    pub fn origins(&self) -> Origins {
        self.shared.origins.clone()
    }

    /// The bound address (of appsmail.ru when the hosts are separate).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Queues a fault.
    pub fn inject(&self, fault: Fault) {
        self.shared.faults.push(fault);
    }

    /// Sets (or with `None` removes) random faults.
    pub fn set_random_faults(&self, random: Option<RandomFaults>) {
        self.shared.faults.set_random(random);
    }

    /// Removes every queued and random fault.
    pub fn clear_faults(&self) {
        self.shared.faults.clear();
    }

    /// Makes an access token expire now; `false` if it is unknown.
    pub fn expire_token(&self, access_token: &str) -> bool {
        write(&self.shared.state).expire(Some(access_token)) > 0
    }

    /// Makes every access token expire now.
    pub fn expire_all_tokens(&self) {
        write(&self.shared.state).expire(None);
    }

    /// Revokes an access or refresh token together with its partner; `false` if unknown.
    pub fn revoke_token(&self, token: &str) -> bool {
        write(&self.shared.state).revoke(Some(token)) > 0
    }

    /// Makes the user press "decline" on the consent dialog from now on (or stop).
    pub fn set_declines_consent(&self, uid: u64, decline: bool) {
        write(&self.shared.state).set_declines(uid, decline);
    }

    /// Uninstalls an app for a user: their tokens then get error 105.
    pub fn uninstall(&self, app_id: u64, uid: u64) -> bool {
        write(&self.shared.state).uninstall(app_id, uid)
    }

    /// Adds a user (with friendships both ways) while the emulator runs.
    ///
    /// # Errors
    /// The user does not fit the world (a uid or e-mail taken, a friend that does not
    /// exist, ...); nothing changes then.
    pub fn add_user(&self, user: world::User) -> Result<(), WorldError> {
        load::add_user(&mut write(&self.shared.state), &user)
    }

    /// Adds an event to its author's stream (newest of the author); its event id.
    ///
    /// # Errors
    /// An unknown author or app, an event without text, a time before the author's
    /// newest event.
    pub fn add_event(&self, event: world::Event) -> Result<String, WorldError> {
        let label = format!("event (author {})", event.author);
        load::add_event(&mut write(&self.shared.state), &label, &event, state::now())
    }

    /// Adds an access token (installing its app for its owner with its scope).
    ///
    /// # Errors
    /// A token already known, an unknown app or user, an unknown privilege.
    pub fn add_session(&self, session: world::Session) -> Result<(), WorldError> {
        let label = format!("session (app {}, uid {})", session.app_id, session.uid);
        load::add_session(&mut write(&self.shared.state), &label, &session)
    }

    /// Arms a stub: calls of its method (with its parameters) that pass the platform's
    /// checks get its answer, `times` times or always. The newest matching stub answers.
    ///
    /// # Errors
    /// An unknown method, too many parameters, `times` 0, or [`MAX_STUBS`] armed.
    pub fn add_stub(&self, stub: Stub) -> Result<(), StubError> {
        self.shared.stubs.add(stub)
    }

    /// Removes every stub.
    pub fn clear_stubs(&self) {
        self.shared.stubs.clear();
    }

    /// The requests received so far (the newest ones, within
    /// [`Config::log_max_entries`] and [`Config::log_max_bytes`]), secrets masked.
    pub fn requests(&self) -> Vec<LoggedRequest> {
        lock(&self.shared.log).snapshot()
    }

    /// Forgets the logged requests.
    pub fn clear_requests(&self) {
        lock(&self.shared.log).clear();
    }

    /// Stops accepting, closes open connections and waits for the server tasks.
    pub async fn stop(mut self) {
        let _ = self.shutdown.send(true);
        for task in std::mem::take(&mut self.tasks) {
            let _ = task.await;
        }
    }
}

impl Drop for EmulatorHandle {
    fn drop(&mut self) {
        let _ = self.shutdown.send(true);
    }
}
