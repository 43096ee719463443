//! [`EmulatorBuilder`]: configuration, listeners, start.

use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::watch;

use crate::EmulatorHandle;
use crate::config::{Config, Limits, MAX_EVENTS};
use crate::conn::{self, Conns};
use crate::hosts::{Host, Origins};
use crate::log::RequestLog;
use crate::server::{self, Shared};
use crate::state::State;
use crate::world::{World, load};

/// Configures and starts an emulator.
#[derive(Debug, Clone, Default)]
pub struct EmulatorBuilder {
    config: Config,
    port: u16,
    separate_hosts: bool,
    world: Option<World>,
}

/// A `Config` field setter.
macro_rules! setter {
    ($(#[$doc:meta])* $name:ident: $ty:ty) => {
        $(#[$doc])*
        #[must_use]
        pub fn $name(mut self, value: $ty) -> Self {
            self.config.$name = value;
            self
        }
    };
}

impl EmulatorBuilder {
    /// Serve `world` instead of the generated one: its seed replaces [`seed`](Self::seed),
    /// and the sizes of generated data (`users`, `community_events`, ...) do not apply.
    /// [`start`](Self::start) checks it.
    #[must_use]
    pub fn world(mut self, world: World) -> Self {
        self.world = Some(world);
        self
    }

    /// The world this builder serves: the one given to [`world`](Self::world), else the
    /// one its configuration generates ([`World::seeded_with`]).
    pub fn world_snapshot(&self) -> World {
        match &self.world {
            Some(w) => w.clone(),
            None => World::seeded_with(&self.config),
        }
    }

    /// Seed of the generated data (default 1).
    #[must_use]
    pub fn seed(mut self, seed: u64) -> Self {
        self.config.seed = seed;
        self
    }

    /// Port on 127.0.0.1; 0 (the default) picks a free one. With separate hosts, the port
    /// of appsmail.ru (the other two always pick a free one).
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

    /// Number of events of the big community (generated on demand), at most
    /// [`MAX_EVENTS`]; larger values are clamped.
    #[must_use]
    pub fn community_events(mut self, events: u32) -> Self {
        self.config.community_events = events.min(MAX_EVENTS);
        self
    }

    /// Number of generated events of each ordinary user, at most; at most [`MAX_EVENTS`]
    /// (larger values are clamped).
    #[must_use]
    pub fn events_per_user(mut self, events: u32) -> Self {
        self.config.events_per_user = events.min(MAX_EVENTS);
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

    /// Serve appsmail.ru, connect.mail.ru and auth.mail.ru on three listeners, each with
    /// only its own paths (a path on the wrong host is a 404, a grant on the other host's
    /// token endpoint is `unsupported_grant_type`), instead of one origin for all (the
    /// default). [`EmulatorHandle::origins`] tells where each host is.
    #[must_use]
    pub fn separate_hosts(mut self, separate: bool) -> Self {
        self.separate_hosts = separate;
        self
    }

    setter!(
        /// Number of generated users besides the named accounts ([`Config::users`]).
        users: usize
    );
    setter!(
        /// Friends of the demo user ([`Config::demo_friends`]).
        demo_friends: usize
    );
    setter!(
        /// Most uids of one `users.getInfo` call ([`Config::uids_cap`]).
        uids_cap: usize
    );
    setter!(
        /// Largest request body ([`Config::max_body_bytes`]).
        max_body_bytes: usize
    );
    setter!(
        /// Most parameters of one request ([`Config::max_params`]).
        max_params: usize
    );
    setter!(
        /// Longest parameter name or value ([`Config::max_param_len`]).
        max_param_len: usize
    );
    setter!(
        /// Most connections at once ([`Config::max_connections`]).
        max_connections: usize
    );
    setter!(
        /// Time allowed for a request head ([`Config::header_read_timeout`]).
        header_read_timeout: Duration
    );
    setter!(
        /// Idle time after which a connection is closed ([`Config::keep_alive_timeout`]).
        keep_alive_timeout: Duration
    );
    setter!(
        /// Most entries of the request log ([`Config::log_max_entries`]).
        log_max_entries: usize
    );
    setter!(
        /// Byte budget of the request log ([`Config::log_max_bytes`]).
        log_max_bytes: usize
    );
    setter!(
        /// Lifetime of authorization codes ([`Config::code_ttl`]).
        code_ttl: Duration
    );
    setter!(
        /// Lifetime of browser logins ([`Config::login_ttl`]).
        login_ttl: Duration
    );
    setter!(
        /// Lifetime of consent dialogs ([`Config::consent_ttl`]).
        consent_ttl: Duration
    );
    setter!(
        /// Most outstanding codes, logins and consents ([`Config::max_auth_entries`]).
        max_auth_entries: usize
    );
    setter!(
        /// Live token pairs per user and app ([`Config::tokens_per_user_app`]).
        tokens_per_user_app: usize
    );

    /// Builds the world and starts serving on the current tokio runtime.
    ///
    /// # Errors
    /// When a port cannot be bound, or the world does not hold together: an
    /// [`io::ErrorKind::InvalidData`] error whose inner error is the
    /// [`WorldError`](crate::WorldError) naming the entry.
    pub async fn start(self) -> io::Result<EmulatorHandle> {
        let mut config = self.config;
        config.community_events = config.community_events.min(MAX_EVENTS);
        // The world first: a broken one binds no port.
        let state = match self.world {
            Some(world) => load::state(world, &config)
                .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?,
            None => State::new(config.clone()),
        };
        let bind = |port: u16| TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, port)));
        let appsmail = bind(self.port).await?;
        let addr = appsmail.local_addr()?;
        let main_origin = server::origin(addr);
        let (listeners, origins) = if self.separate_hosts {
            let (connect, auth) = (bind(0).await?, bind(0).await?);
            let origins = Origins {
                appsmail: main_origin,
                connect: server::origin(connect.local_addr()?),
                auth: server::origin(auth.local_addr()?),
            };
            let listeners = vec![
                (appsmail, Host::Appsmail),
                (connect, Host::Connect),
                (auth, Host::Auth),
            ];
            (listeners, origins)
        } else {
            (vec![(appsmail, Host::All)], Origins::single(&main_origin))
        };
        let shared = Arc::new(Shared {
            limits: Limits::of(&config),
            conns: Conns::new(
                config.max_connections,
                config.header_read_timeout,
                config.keep_alive_timeout,
            ),
            log: Mutex::new(RequestLog::new(
                config.log_max_entries,
                config.log_max_bytes,
            )),
            faults: Default::default(),
            stubs: Default::default(),
            origins,
            state: RwLock::new(state),
        });
        let (shutdown, rx) = watch::channel(false);
        let tasks = listeners
            .into_iter()
            .map(|(listener, host)| {
                let origin: Arc<str> = shared.origins.of(host).into();
                tokio::spawn(conn::serve(
                    listener,
                    shared.clone(),
                    host,
                    origin,
                    rx.clone(),
                ))
            })
            .collect();
        Ok(EmulatorHandle {
            addr,
            shared,
            shutdown,
            tasks,
        })
    }
}
