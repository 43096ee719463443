//! `cargo xtask`: the one entry point for humans and CI (matklad's cargo-xtask convention).

use std::env;
use std::path::PathBuf;
use std::process::{Command, ExitCode};

const USAGE: &str = "\
usage: cargo xtask <task> [args...]

tasks:
  test         fmt check, clippy (-D warnings), every test of the workspace
               (unit, integration, doc), and a build of every example
  bench [ARGS] run the criterion benchmarks; ARGS go to `cargo bench` (e.g. a filter)
";

/// One step of a task: a description and a cargo command line.
struct Step {
    what: &'static str,
    args: Vec<String>,
}

impl Step {
    fn new(what: &'static str, args: &[&str]) -> Self {
        Step {
            what,
            args: args.iter().map(|a| (*a).to_owned()).collect(),
        }
    }
}

fn main() -> ExitCode {
    let mut args = env::args().skip(1);
    let task = args.next();
    let rest: Vec<String> = args.collect();
    let steps = match task.as_deref() {
        Some("test") if rest.is_empty() => test_steps(),
        Some("bench") => bench_steps(&rest),
        Some("help" | "-h" | "--help") => {
            print!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Some(other) => {
            eprint!(
                "xtask: unknown task or arguments `{other} {}`\n\n{USAGE}",
                rest.join(" ")
            );
            return ExitCode::from(2);
        }
        None => {
            eprint!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    run(&steps)
}

fn test_steps() -> Vec<Step> {
    vec![
        Step::new("formatting", &["fmt", "--all", "--", "--check"]),
        Step::new(
            "clippy",
            &[
                "clippy",
                "--workspace",
                "--all-targets",
                "--",
                "-D",
                "warnings",
            ],
        ),
        Step::new(
            "tests (unit, integration, doc)",
            &["test", "--workspace", "--no-fail-fast"],
        ),
        Step::new("examples build", &["build", "--workspace", "--examples"]),
    ]
}

fn bench_steps(extra: &[String]) -> Vec<Step> {
    let mut step = Step::new("benchmarks", &["bench", "--workspace"]);
    if !extra.is_empty() {
        step.args.push("--".to_owned());
        step.args.extend(extra.iter().cloned());
    }
    vec![step]
}

/// Runs the steps in order from the workspace root; stops at the first failure.
fn run(steps: &[Step]) -> ExitCode {
    let cargo = env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let root = workspace_root();
    for (i, step) in steps.iter().enumerate() {
        eprintln!(
            "xtask [{}/{}] {}: cargo {}",
            i + 1,
            steps.len(),
            step.what,
            step.args.join(" ")
        );
        let status = Command::new(&cargo)
            .args(&step.args)
            .current_dir(&root)
            .status();
        match status {
            Ok(s) if s.success() => {}
            Ok(s) => {
                eprintln!(
                    "xtask: FAILED at step `{}` (cargo {}), {s}",
                    step.what,
                    step.args.join(" ")
                );
                return ExitCode::from(u8::try_from(s.code().unwrap_or(1)).unwrap_or(1).max(1));
            }
            Err(e) => {
                eprintln!("xtask: could not start cargo for `{}`: {e}", step.what);
                return ExitCode::from(2);
            }
        }
    }
    eprintln!("xtask: all {} steps passed", steps.len());
    ExitCode::SUCCESS
}

/// The workspace root: the parent of this crate's manifest directory.
fn workspace_root() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().map(PathBuf::from).unwrap_or(manifest)
}
