//! `cargo xtask`: the one entry point for humans and CI (matklad's cargo-xtask convention).

mod bench;
mod fuzz;
mod steps;
mod test;

use std::env;
use std::process::ExitCode;

const USAGE: &str = "\
usage: cargo xtask <task> [args...]

tasks:
  test         fmt check, clippy (-D warnings), every test of the workspace
               (unit, integration, doc), a build of every example and benchmark, the
               docs (-D warnings) and the facade with each feature alone
  bench        every benchmark (criterion, clients against nginx and the emulator
               on loopback, the pager), written to BENCHMARKS.md; needs nginx, wrk,
               /usr/bin/time (apt-get installs them when missing) and python3
  fuzz [ARGS]  run each cargo-fuzz target (nightly) N s: [--seconds N] [TARGET...]
  soak         the emulator under 2,000 idle connections and 100,000 large bodies
               (release build; too heavy for `test`)
";

fn main() -> ExitCode {
    let mut args = env::args().skip(1);
    let task = args.next();
    let rest: Vec<String> = args.collect();
    match task.as_deref() {
        Some("test") if rest.is_empty() => test::run(),
        Some("bench") if rest.is_empty() => bench::run(),
        Some("fuzz") => fuzz::run(&rest),
        Some("soak") if rest.is_empty() => steps::run(&[steps::Step::cargo(
            "soaks",
            &[
                "test",
                "--release",
                "-p",
                "mailru-emulator",
                "--test",
                "integration",
                "--",
                "--ignored",
                "soak::",
                "--test-threads",
                "1",
                "--nocapture",
            ],
        )]),
        Some("help" | "-h" | "--help") => {
            print!("{USAGE}");
            ExitCode::SUCCESS
        }
        Some(other) => {
            eprint!(
                "xtask: unknown task or arguments `{other} {}`\n\n{USAGE}",
                rest.join(" ")
            );
            ExitCode::from(2)
        }
        None => {
            eprint!("{USAGE}");
            ExitCode::from(2)
        }
    }
}
