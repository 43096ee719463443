//! `mailru-emulator [OPTIONS]`: prints the base URL, then serves until killed; with
//! `--dump-world FILE`, writes the world instead and exits. `--help` lists the options.

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;
use mailru_emulator::EmulatorArgs;

/// A local Platform@Mail.Ru (REST API, OAuth dialogs, public endpoint) for tests and
/// offline work. Prints its base URL on the first line of stdout, then serves until killed.
#[derive(Debug, Parser)]
#[command(name = "mailru-emulator", version)]
struct Cli {
    #[command(flatten)]
    emulator: EmulatorArgs,
}

fn main() -> ExitCode {
    let builder = match Cli::parse().emulator.launch() {
        Ok(Some(builder)) => builder,
        Ok(None) => return ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("mailru-emulator: {e}");
            return ExitCode::from(2);
        }
    };
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
                eprintln!("mailru-emulator: cannot start: {e}");
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
