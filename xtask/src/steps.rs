//! Steps of a task: cargo command lines run in order from the workspace root.

use std::env;
use std::path::PathBuf;
use std::process::{Command, ExitCode};
use std::time::Instant;

/// One step: a description and a cargo command line (plus environment).
pub struct Step {
    pub what: &'static str,
    pub args: Vec<String>,
    pub envs: Vec<(String, String)>,
}

impl Step {
    /// `cargo ARGS`.
    pub fn cargo(what: &'static str, args: &[&str]) -> Self {
        Step {
            what,
            args: args.iter().map(|a| (*a).to_owned()).collect(),
            envs: Vec::new(),
        }
    }

    /// The same step with `key=value` in its environment.
    pub fn env(mut self, key: &str, value: &str) -> Self {
        self.envs.push((key.to_owned(), value.to_owned()));
        self
    }
}

/// Runs the steps in order; stops at the first failure.
pub fn run(steps: &[Step]) -> ExitCode {
    let cargo = env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let root = workspace_root();
    let started = Instant::now();
    for (i, step) in steps.iter().enumerate() {
        eprintln!(
            "xtask [{}/{}] {}: cargo {}",
            i + 1,
            steps.len(),
            step.what,
            step.args.join(" ")
        );
        let step_started = Instant::now();
        let status = Command::new(&cargo)
            .args(&step.args)
            .envs(step.envs.iter().map(|(k, v)| (k, v)))
            .current_dir(&root)
            .status();
        match status {
            // Each step's time, so a slow CI run says where its minutes went.
            Ok(s) if s.success() => eprintln!(
                "xtask [{}/{}] {}: done in {:.0} s",
                i + 1,
                steps.len(),
                step.what,
                step_started.elapsed().as_secs_f64()
            ),
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
    eprintln!(
        "xtask: all {} steps passed in {:.0} s",
        steps.len(),
        started.elapsed().as_secs_f64()
    );
    ExitCode::SUCCESS
}

/// The workspace root: the parent of this crate's manifest directory.
pub fn workspace_root() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().map(PathBuf::from).unwrap_or(manifest)
}
