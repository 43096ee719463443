//! The emulator's command line, defined once: the `mailru-emulator` binary parses it, and
//! other command lines (`mailru emulator`) embed it with `#[command(flatten)]`.

use std::path::PathBuf;
use std::time::Duration;

use clap::Args;

use crate::world::{World, WorldError};
use crate::{Emulator, EmulatorBuilder, MAX_EVENTS};

/// Every option of [`EmulatorBuilder`] as a flag; unset flags keep the builder's defaults.
///
/// ```
/// use clap::Parser;
/// use mailru_emulator::EmulatorArgs;
///
/// #[derive(Parser)]
/// struct Cli {
///     #[command(flatten)]
///     emulator: EmulatorArgs,
/// }
///
/// let cli = Cli::parse_from(["x", "--seed", "7", "--token-ttl", "90s", "--separate-hosts"]);
/// assert_eq!(cli.emulator.seed, Some(7));
/// let builder = cli.emulator.into_builder()?;
/// assert_eq!(builder.world_snapshot().seed, 7);
/// # Ok::<(), mailru_emulator::WorldError>(())
/// ```
#[derive(Debug, Clone, Default, Args)]
pub struct EmulatorArgs {
    /// Port on 127.0.0.1; 0 picks a free one (with --separate-hosts: appsmail.ru's port)
    #[arg(long, value_name = "PORT")]
    pub port: Option<u16>,
    /// Serve the world of this JSON file instead of the generated one
    #[arg(long, value_name = "FILE")]
    pub world: Option<PathBuf>,
    /// Write the world (the generated one, or the one of --world) to FILE and exit
    #[arg(long, value_name = "FILE")]
    pub dump_world: Option<PathBuf>,
    /// Serve appsmail.ru, connect.mail.ru and auth.mail.ru on three ports
    #[arg(long)]
    pub separate_hosts: bool,
    /// Seed of the generated world
    #[arg(long, value_name = "SEED")]
    pub seed: Option<u64>,
    /// Generated users besides the named accounts
    #[arg(long, value_name = "N")]
    pub users: Option<usize>,
    /// Friends of the demo user
    #[arg(long, value_name = "N")]
    pub demo_friends: Option<usize>,
    /// Most generated events of one ordinary user
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(..=i64::from(MAX_EVENTS)))]
    pub events_per_user: Option<u32>,
    /// Events of the big open community (generated on demand)
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(..=i64::from(MAX_EVENTS)))]
    pub community_events: Option<u32>,
    /// Largest page of offset and skip methods
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub page_cap: Option<u64>,
    /// Most uids of one users.getInfo call
    #[arg(long, value_name = "N")]
    pub uids_cap: Option<usize>,
    /// Lifetime of issued access tokens (90, 90s, 1500ms, 10m, 2h, 1d)
    #[arg(long, value_name = "DURATION", value_parser = duration)]
    pub token_ttl: Option<Duration>,
    /// Largest request body in bytes
    #[arg(long, value_name = "BYTES")]
    pub max_body_bytes: Option<usize>,
    /// Most parameters of one request
    #[arg(long, value_name = "N")]
    pub max_params: Option<usize>,
    /// Longest parameter name or value in bytes
    #[arg(long, value_name = "BYTES")]
    pub max_param_len: Option<usize>,
    /// Most connections at once
    #[arg(long, value_name = "N")]
    pub max_connections: Option<usize>,
    /// Time allowed for a request head
    #[arg(long, value_name = "DURATION", value_parser = duration)]
    pub header_read_timeout: Option<Duration>,
    /// Idle time after which a connection is closed
    #[arg(long, value_name = "DURATION", value_parser = duration)]
    pub keep_alive_timeout: Option<Duration>,
    /// Most entries of the request log
    #[arg(long, value_name = "N")]
    pub log_max_entries: Option<usize>,
    /// Byte budget of the request log
    #[arg(long, value_name = "BYTES")]
    pub log_max_bytes: Option<usize>,
    /// Lifetime of authorization codes
    #[arg(long, value_name = "DURATION", value_parser = duration)]
    pub code_ttl: Option<Duration>,
    /// Lifetime of browser logins
    #[arg(long, value_name = "DURATION", value_parser = duration)]
    pub login_ttl: Option<Duration>,
    /// Lifetime of consent dialogs
    #[arg(long, value_name = "DURATION", value_parser = duration)]
    pub consent_ttl: Option<Duration>,
    /// Most outstanding codes, logins and consents, each
    #[arg(long, value_name = "N")]
    pub max_auth_entries: Option<usize>,
    /// Live token pairs per user and app
    #[arg(long, value_name = "N")]
    pub tokens_per_user_app: Option<usize>,
}

/// `90` (seconds), `90s`, `1500ms`, `10m`, `2h`, `1d`.
fn duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (digits, unit) = text.split_at(split);
    let n: u64 = digits
        .parse()
        .map_err(|_| format!("`{text}` is not a duration like 90s, 1500ms, 10m, 2h, 1d"))?;
    let seconds = |factor: u64| {
        n.checked_mul(factor)
            .map(Duration::from_secs)
            .ok_or_else(|| format!("`{text}` is too long"))
    };
    match unit {
        "ms" => Ok(Duration::from_millis(n)),
        "" | "s" => seconds(1),
        "m" => seconds(60),
        "h" => seconds(3_600),
        "d" => seconds(86_400),
        _ => Err(format!("unknown unit `{unit}` (ms, s, m, h, d)")),
    }
}

impl EmulatorArgs {
    /// The builder these flags describe (the world file read and parsed, not yet checked:
    /// [`EmulatorBuilder::start`] checks it).
    ///
    /// # Errors
    /// When `--world` cannot be read or is not a world.
    pub fn into_builder(self) -> Result<EmulatorBuilder, WorldError> {
        let mut b = Emulator::builder().separate_hosts(self.separate_hosts);
        macro_rules! apply {
            ($($name:ident),*) => {
                $(if let Some(v) = self.$name { b = b.$name(v); })*
            };
        }
        apply!(
            port,
            seed,
            users,
            demo_friends,
            events_per_user,
            community_events,
            uids_cap,
            token_ttl,
            max_body_bytes,
            max_params,
            max_param_len,
            max_connections,
            header_read_timeout,
            keep_alive_timeout,
            log_max_entries,
            log_max_bytes,
            code_ttl,
            login_ttl,
            consent_ttl,
            max_auth_entries,
            tokens_per_user_app
        );
        if let Some(cap) = self.page_cap {
            b = b.page_cap(usize::try_from(cap).unwrap_or(usize::MAX));
        }
        if let Some(path) = &self.world {
            b = b.world(World::from_path(path)?);
        }
        Ok(b)
    }

    /// What a command line does with these flags: with `--dump-world FILE`, write the
    /// world (checked) and answer `None`; else the builder to start. Shared by
    /// `mailru-emulator` and `mailru emulator`, so both behave alike.
    ///
    /// # Errors
    /// When `--world` cannot be read or is not a world, or the dump cannot be written.
    pub fn launch(self) -> Result<Option<EmulatorBuilder>, WorldError> {
        let dump = self.dump_world.clone();
        let builder = self.into_builder()?;
        let Some(path) = dump else {
            return Ok(Some(builder));
        };
        let world = builder.world_snapshot();
        world.check()?;
        world.to_path(&path)?;
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::duration;
    use std::time::Duration;

    #[test]
    fn durations_with_and_without_units() {
        assert_eq!(duration("90"), Ok(Duration::from_secs(90)));
        assert_eq!(duration("90s"), Ok(Duration::from_secs(90)));
        assert_eq!(duration("1500ms"), Ok(Duration::from_millis(1500)));
        assert_eq!(duration("10m"), Ok(Duration::from_secs(600)));
        assert_eq!(duration("2h"), Ok(Duration::from_secs(7_200)));
        assert_eq!(duration("1d"), Ok(Duration::from_secs(86_400)));
        assert!(duration("1w").unwrap_err().contains("unit"));
        assert!(duration("s").is_err());
        assert!(duration("99999999999999999999d").is_err());
        assert!(
            duration(&format!("{}d", u64::MAX))
                .unwrap_err()
                .contains("too long")
        );
    }
}
