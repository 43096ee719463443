//! Pager benchmark: walks the whole `stream.getByAuthor` of a community through the typed
//! pager (`api.paginate`), 100 items a page, and prints how many items and how long.
//!
//! ```sh
//! cargo run --release -p mailru-emulator -- --community-events 1000000 &   # prints its URL
//! cargo run --release --example pager_bench -- --base-url http://127.0.0.1:PORT \
//!     [--uid 5396991818946538245] [--expect 1000000] [--max-seconds 60] [--read-ahead on]
//! ```
//!
//! Signs as the documented demo account. Exits non-zero when the walk fails or, with
//! `--expect N`, yields another number of items; the last line printed is
//! `N items in S s: R items/s`, followed by ` (stopped at the time limit)` when
//! `--max-seconds` ended the walk early. `cargo xtask bench` runs it under `/usr/bin/time`
//! for the pager's peak RSS.

use std::process::ExitCode;
use std::time::Instant;

use mailru::api::methods::stream::GetByAuthor;
use mailru::prelude::*;
use mailru_emulator::accounts;

const USAGE: &str = "usage: pager_bench --base-url URL [--uid UID] [--expect N] [--max-seconds S] \
                     [--read-ahead on|off]";

struct Options {
    base_url: String,
    uid: u64,
    expect: Option<u64>,
    max_seconds: Option<u64>,
    read_ahead: bool,
}

fn options() -> Result<Options, String> {
    let mut o = Options {
        base_url: String::new(),
        uid: accounts::BIG_COMMUNITY_UID,
        expect: None,
        max_seconds: None,
        read_ahead: false,
    };
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let value = args
            .next()
            .ok_or_else(|| format!("`{flag}` needs a value"))?;
        let number = |v: &str| {
            v.parse::<u64>()
                .map_err(|_| format!("`{flag} {v}`: a number is expected"))
        };
        match flag.as_str() {
            "--base-url" => o.base_url = value,
            "--uid" => o.uid = number(&value)?,
            "--expect" => o.expect = Some(number(&value)?),
            "--max-seconds" => o.max_seconds = Some(number(&value)?),
            "--read-ahead" => {
                o.read_ahead = match value.as_str() {
                    "on" => true,
                    "off" => false,
                    other => return Err(format!("`--read-ahead {other}`: `on` or `off`")),
                }
            }
            other => return Err(format!("unknown option `{other}`")),
        }
    }
    if o.base_url.is_empty() {
        return Err("--base-url is required".to_owned());
    }
    Ok(o)
}

fn main() -> ExitCode {
    let o = match options() {
        Ok(o) => o,
        Err(e) => {
            eprintln!("pager_bench: {e}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    // Two workers: with `--read-ahead on` two pages are read at once; without it the
    // walk is one request at a time either way.
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("pager_bench: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(run(o))
}

async fn run(o: Options) -> ExitCode {
    let session = Session::client(
        accounts::APP_ID,
        PrivateKey::new(accounts::APP_PRIVATE_KEY),
        AccessToken::new(accounts::DEMO_SESSION_KEY),
        accounts::DEMO_UID,
    );
    let api = match Api::builder(session)
        .base_url(&o.base_url)
        .and_then(|b| b.build())
    {
        Ok(api) => api,
        Err(e) => {
            eprintln!("pager_bench: {e}");
            return ExitCode::from(2);
        }
    };
    let started = Instant::now();
    let mut events = api
        .paginate(GetByAuthor::new().uid(o.uid))
        .read_ahead(o.read_ahead);
    let limit = o.max_seconds.map(std::time::Duration::from_secs);
    let mut count: u64 = 0;
    let mut stopped = false;
    loop {
        // Checked once a page: cheap next to the walk.
        if count.is_multiple_of(100) && limit.is_some_and(|l| started.elapsed() >= l) {
            stopped = true;
            break;
        }
        match events.try_next().await {
            Ok(Some(item)) => {
                std::hint::black_box(&item);
                count += 1;
            }
            Ok(None) => break,
            Err(e) => {
                eprintln!("pager_bench: the walk failed after {count} items: {e}");
                return ExitCode::FAILURE;
            }
        }
    }
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "{count} items in {seconds:.3} s: {:.0} items/s{}",
        count as f64 / seconds,
        if stopped {
            " (stopped at the time limit)"
        } else {
            ""
        }
    );
    match o.expect {
        Some(want) if want != count && !stopped => {
            eprintln!("pager_bench: expected {want} items, got {count}");
            ExitCode::FAILURE
        }
        _ => ExitCode::SUCCESS,
    }
}
