//! Harvest a community stream into a JSONL file, resumably.
//!
//! ```sh
//! cargo run --example harvest_checkpoint [-- out.jsonl]
//! ```
//!
//! Every event goes to `out.jsonl` (one JSON object a line); after every page the pager's
//! checkpoint goes to `out.jsonl.checkpoint`. Kill it at any moment and run it again: it
//! drops the lines written after the last checkpoint and resumes from it, so every event
//! ends up in the file exactly once.
//!
//! With `MAILRU_APP_ID`, `MAILRU_PRIVATE_KEY`, `MAILRU_SESSION_KEY`, `MAILRU_UID` and
//! `MAILRU_COMMUNITY_UID` set it harvests from the real platform (or `MAILRU_BASE_URL`);
//! without them, the big community of an in-process emulator.

use std::error::Error;
use std::fs::{self, File, OpenOptions};
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};

use mailru::emulator::{Emulator, accounts};
use mailru::methods::stream::GetByAuthor;
use mailru::prelude::*;

/// Items a page (and between two checkpoints).
pub const PAGE: u32 = 50;

/// What a run did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Harvest {
    /// Whether it resumed from a checkpoint file.
    pub resumed: bool,
    /// Events written by this run.
    pub written: u64,
    /// Whether it walked to the end of the stream (not stopped by `stop_after`).
    pub complete: bool,
}

/// The checkpoint file next to `out`.
pub fn checkpoint_path(out: &Path) -> PathBuf {
    let mut name = out.as_os_str().to_owned();
    name.push(".checkpoint");
    PathBuf::from(name)
}

/// Walks the stream of `community` into `out`, resuming from its checkpoint file if there
/// is one. `stop_after` simulates a crash after that many events of this run: no final
/// checkpoint, so the next run must drop what came after the last one.
pub async fn run(
    api: &Api,
    community: u64,
    out: &Path,
    stop_after: Option<u64>,
) -> Result<Harvest, Box<dyn Error>> {
    let checkpoint_file = checkpoint_path(out);
    let mut events = api.paginate(GetByAuthor::new().uid(community).limit(PAGE));
    let resumed = checkpoint_file.exists();
    if resumed {
        let checkpoint: Checkpoint = serde_json::from_str(&fs::read_to_string(&checkpoint_file)?)?;
        keep_lines(out, checkpoint.items)?;
        events = events.resume(checkpoint);
    } else {
        File::create(out)?;
    }
    let mut file = BufWriter::new(OpenOptions::new().append(true).open(out)?);
    let mut written = 0;
    while let Some(event) = events.try_next().await? {
        let line = serde_json::json!({ "id": event.id(), "event": event });
        writeln!(file, "{line}")?;
        written += 1;
        if stop_after == Some(written) {
            file.flush()?;
            return Ok(Harvest {
                resumed,
                written,
                complete: false,
            });
        }
        if events.checkpoint().items.is_multiple_of(u64::from(PAGE)) {
            save_checkpoint(&mut file, &checkpoint_file, &events.checkpoint())?;
        }
    }
    save_checkpoint(&mut file, &checkpoint_file, &events.checkpoint())?;
    Ok(Harvest {
        resumed,
        written,
        complete: true,
    })
}

/// Flushes the events, then replaces the checkpoint file (write and rename: never half).
fn save_checkpoint(
    file: &mut BufWriter<File>,
    path: &Path,
    checkpoint: &Checkpoint,
) -> Result<(), Box<dyn Error>> {
    file.flush()?;
    file.get_ref().sync_data()?;
    let tmp = path.with_extension("tmp");
    fs::write(&tmp, serde_json::to_string(checkpoint)?)?;
    fs::rename(tmp, path)?;
    Ok(())
}

/// Truncates `path` to its first `n` lines (those the checkpoint covers).
fn keep_lines(path: &Path, n: u64) -> Result<(), Box<dyn Error>> {
    let mut bytes = 0;
    let mut reader = BufReader::new(File::open(path)?);
    let mut line = String::new();
    for _ in 0..n {
        line.clear();
        let read = reader.read_line(&mut line)?;
        if read == 0 {
            return Err(format!("{} has fewer than {n} events", path.display()).into());
        }
        bytes += read as u64;
    }
    OpenOptions::new().write(true).open(path)?.set_len(bytes)?;
    Ok(())
}

#[allow(dead_code)] // also compiled as a module of the facade's tests
#[tokio::main]
async fn main() -> Result<(), Box<dyn Error>> {
    let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    let out = PathBuf::from(
        std::env::args()
            .nth(1)
            .unwrap_or_else(|| "out.jsonl".into()),
    );
    let (api, community, _emulator) = if let Some(app_id) = env("MAILRU_APP_ID") {
        let need = |name: &str| env(name).ok_or(format!("set {name} too"));
        let session = Session::client(
            app_id.parse::<u64>()?,
            PrivateKey::new(need("MAILRU_PRIVATE_KEY")?),
            AccessToken::new(need("MAILRU_SESSION_KEY")?),
            need("MAILRU_UID")?.parse::<u64>()?,
        );
        let mut builder = Api::builder(session);
        if let Some(base) = env("MAILRU_BASE_URL") {
            builder = builder.base_url(&base)?;
        }
        let community = need("MAILRU_COMMUNITY_UID")?.parse()?;
        (builder.build()?, community, None)
    } else {
        let emulator = Emulator::builder().start().await?;
        let session = Session::client(
            accounts::APP_ID,
            PrivateKey::new(accounts::APP_PRIVATE_KEY),
            AccessToken::new(accounts::DEMO_SESSION_KEY),
            accounts::DEMO_UID,
        );
        let api = Api::builder(session)
            .base_url(emulator.base_url())?
            .build()?;
        (api, accounts::BIG_COMMUNITY_UID, Some(emulator))
    };
    let harvest = run(&api, community, &out, None).await?;
    println!(
        "{} events written to {}{}",
        harvest.written,
        out.display(),
        if harvest.resumed { " (resumed)" } else { "" }
    );
    Ok(())
}
