//! `mailru-emulator [--port P] [--seed S]`: prints the base URL, then serves until killed.

use std::io::Write;
use std::process::ExitCode;

use mailru_emulator::{Emulator, MAX_EVENTS};

const USAGE: &str = "usage: mailru-emulator [--port PORT] [--seed SEED] [--community-events N] \
                     (N at most 10000000)";

fn main() -> ExitCode {
    let mut builder = Emulator::builder();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let value = args.next();
        let parsed = match (arg.as_str(), value.as_deref().map(str::parse::<u64>)) {
            ("--port", Some(Ok(v))) => u16::try_from(v).map(|p| builder.clone().port(p)).ok(),
            ("--seed", Some(Ok(v))) => Some(builder.clone().seed(v)),
            ("--community-events", Some(Ok(v))) => u32::try_from(v)
                .ok()
                .filter(|n| *n <= MAX_EVENTS)
                .map(|n| builder.clone().community_events(n)),
            _ => None,
        };
        match parsed {
            Some(b) => builder = b,
            None => {
                eprintln!("mailru-emulator: bad argument `{arg}`\n{USAGE}");
                return ExitCode::from(2);
            }
        }
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("mailru-emulator: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(async {
        let emulator = match builder.start().await {
            Ok(e) => e,
            Err(e) => {
                eprintln!("mailru-emulator: cannot listen: {e}");
                return ExitCode::FAILURE;
            }
        };
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "{}", emulator.base_url());
        let _ = out.flush();
        drop(out);
        std::future::pending::<()>().await;
        ExitCode::SUCCESS
    })
}
