//! `mailru`: sign, log in, call and page through the Platform@Mail.Ru REST API.

mod cli;
mod commands;
mod config;
mod progress;

use std::process::ExitCode;

/// How a command failed, and so the exit status.
#[derive(Debug)]
enum Failure {
    /// The platform answered with an API error (`call`): status 1.
    Api(String),
    /// Anything else (bad arguments, network, login): status 2.
    Other(String),
}

fn main() -> ExitCode {
    let cli = cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::from(2);
        }
    };
    match runtime.block_on(commands::run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Api(line)) => {
            eprintln!("{line}");
            ExitCode::from(1)
        }
        Err(Failure::Other(line)) => {
            eprintln!("{line}");
            ExitCode::from(2)
        }
    }
}
