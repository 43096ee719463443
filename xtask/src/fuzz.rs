//! `cargo xtask fuzz [--seconds N] [TARGET...]`: builds the cargo-fuzz targets of `fuzz/`
//! with the nightly toolchain and runs each for N seconds (default 60), installing
//! cargo-fuzz first when it is missing. Prints the executions each target reached and
//! exits non-zero on any crash.
//!
//! Corpora: `fuzz/corpus/<target>/` holds the committed seeds and is only read; libFuzzer
//! writes what it finds to `fuzz/working-corpus/<target>/` (ignored by git), which also
//! receives the real OAuth page snapshots of `../shared/fixtures/oauth-pages/` when that
//! folder exists (they may not be copied into the repository). Full logs go to
//! `fuzz/logs/<target>.log`, crashing inputs to `fuzz/artifacts/<target>/` (reproduce one
//! with `cargo +nightly fuzz run TARGET FILE`).

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::Instant;

use crate::steps::workspace_root;

const DEFAULT_SECONDS: u64 = 60;

/// Seeds that live outside the repository: target, folder (relative to the workspace
/// root), file extension.
const EXTERNAL_SEEDS: [(&str, &str, &str); 1] =
    [("login_pages", "../shared/fixtures/oauth-pages", "html")];

/// Lines of a failing target's log shown on the terminal.
const TAIL_LINES: usize = 40;

struct Options {
    seconds: u64,
    targets: Vec<String>,
}

/// How one target's run ended.
struct Outcome {
    target: String,
    executions: Option<u64>,
    seconds: f64,
    failure: Option<String>,
}

pub fn run(args: &[String]) -> ExitCode {
    let options = match parse_args(args) {
        Ok(o) => o,
        Err(message) => {
            eprintln!("xtask fuzz: {message}\nusage: cargo xtask fuzz [--seconds N] [TARGET...]");
            return ExitCode::from(2);
        }
    };
    let root = workspace_root();
    match prepare(&root, &options) {
        Ok(targets) => {
            let outcomes: Vec<Outcome> = targets
                .iter()
                .map(|t| run_target(&root, t, options.seconds))
                .collect();
            print_table(&outcomes, options.seconds);
            if outcomes.iter().all(|o| o.failure.is_none()) {
                ExitCode::SUCCESS
            } else {
                eprintln!("xtask fuzz: FAILED (see the logs and artifacts named above)");
                ExitCode::from(1)
            }
        }
        Err(message) => {
            eprintln!("xtask fuzz: {message}");
            ExitCode::from(2)
        }
    }
}

fn parse_args(args: &[String]) -> Result<Options, String> {
    let mut options = Options {
        seconds: DEFAULT_SECONDS,
        targets: Vec::new(),
    };
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let value = if arg == "--seconds" {
            Some(args.next().ok_or("`--seconds` needs a value")?.as_str())
        } else {
            arg.strip_prefix("--seconds=")
        };
        match value {
            Some(v) => {
                options.seconds = v
                    .parse()
                    .ok()
                    .filter(|&n| n > 0)
                    .ok_or_else(|| format!("`--seconds {v}`: a positive number is needed"))?;
            }
            None if arg.starts_with('-') => return Err(format!("unknown option `{arg}`")),
            None => options.targets.push(arg.clone()),
        }
    }
    Ok(options)
}

/// cargo-fuzz present, targets known and built, working corpora laid out: the targets to
/// run.
fn prepare(root: &Path, options: &Options) -> Result<Vec<String>, String> {
    ensure_cargo_fuzz(root)?;
    let all = list_targets(root)?;
    let targets = if options.targets.is_empty() {
        all.clone()
    } else {
        if let Some(unknown) = options.targets.iter().find(|t| !all.contains(t)) {
            return Err(format!(
                "no target `{unknown}`; targets: {}",
                all.join(", ")
            ));
        }
        options.targets.clone()
    };
    // One build of everything, or of each target asked for.
    let builds: Vec<Option<&String>> = if targets.len() == all.len() {
        vec![None]
    } else {
        targets.iter().map(Some).collect()
    };
    for target in builds {
        let mut build = cargo_fuzz(root, "build");
        build.args(target);
        eprintln!(
            "xtask fuzz: building {} (nightly, sanitizers: this takes a while)",
            target.map_or("every target", String::as_str)
        );
        let status = build
            .status()
            .map_err(|e| format!("cannot start cargo: {e}"))?;
        if !status.success() {
            return Err(format!("the build failed ({status})"));
        }
    }
    for target in &targets {
        let dir = working_corpus(root, target);
        fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    copy_external_seeds(root, &targets);
    Ok(targets)
}

/// `cargo +nightly fuzz SUBCOMMAND --fuzz-dir <root>/fuzz`, run from the root. The rustup
/// proxy is called by name (not `$CARGO`, which is the stable cargo running xtask) so that
/// `+nightly` works.
fn cargo_fuzz(root: &Path, subcommand: &str) -> Command {
    let mut cmd = Command::new("cargo");
    cmd.args(["+nightly", "fuzz", subcommand, "--fuzz-dir"])
        .arg(root.join("fuzz"))
        .current_dir(root)
        .env_remove("RUSTUP_TOOLCHAIN");
    cmd
}

/// Installs cargo-fuzz when `cargo fuzz --version` fails.
fn ensure_cargo_fuzz(root: &Path) -> Result<(), String> {
    let present = Command::new("cargo")
        .args(["fuzz", "--version"])
        .current_dir(root)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if present {
        return Ok(());
    }
    eprintln!("xtask fuzz: cargo-fuzz is missing: cargo install cargo-fuzz --locked");
    let status = Command::new("cargo")
        .args(["install", "cargo-fuzz", "--locked"])
        .current_dir(root)
        .status()
        .map_err(|e| format!("cannot start cargo: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("installing cargo-fuzz failed ({status})"))
    }
}

/// The targets of `fuzz/Cargo.toml`, as `cargo fuzz list` prints them.
fn list_targets(root: &Path) -> Result<Vec<String>, String> {
    let out = cargo_fuzz(root, "list")
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("cannot start cargo: {e}"))?;
    if !out.status.success() {
        return Err(format!("`cargo fuzz list` failed ({})", out.status));
    }
    let targets: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect();
    if targets.is_empty() {
        return Err("`cargo fuzz list` names no target".to_owned());
    }
    Ok(targets)
}

fn working_corpus(root: &Path, target: &str) -> PathBuf {
    root.join("fuzz/working-corpus").join(target)
}

/// Copies the seeds that may not be committed into the working corpora, when present.
fn copy_external_seeds(root: &Path, targets: &[String]) {
    for (target, folder, ext) in EXTERNAL_SEEDS {
        if !targets.iter().any(|t| t == target) {
            continue;
        }
        let from = root.join(folder);
        let Ok(entries) = fs::read_dir(&from) else {
            eprintln!(
                "xtask fuzz: NOTICE: {} is missing: `{target}` runs without those seeds",
                from.display()
            );
            continue;
        };
        let mut copied = 0;
        for entry in entries.flatten() {
            let path = entry.path();
            if path.extension().is_some_and(|e| e == ext) {
                let to = working_corpus(root, target).join(entry.file_name());
                match fs::copy(&path, &to) {
                    Ok(_) => copied += 1,
                    Err(e) => eprintln!("xtask fuzz: cannot copy {}: {e}", path.display()),
                }
            }
        }
        eprintln!(
            "xtask fuzz: {copied} seeds of {} copied into the working corpus of `{target}`",
            from.display()
        );
    }
}

/// Runs one target for `seconds`; its output goes to `fuzz/logs/<target>.log`.
fn run_target(root: &Path, target: &str, seconds: u64) -> Outcome {
    let logs = root.join("fuzz/logs");
    let log_path = logs.join(format!("{target}.log"));
    let artifacts = root.join("fuzz/artifacts").join(target);
    let outcome = |executions, seconds, failure| Outcome {
        target: target.to_owned(),
        executions,
        seconds,
        failure,
    };
    let log = fs::create_dir_all(&logs)
        .and_then(|()| fs::create_dir_all(&artifacts))
        .and_then(|()| fs::File::create(&log_path));
    let log = match log {
        Ok(f) => f,
        Err(e) => return outcome(None, 0.0, Some(format!("cannot write the log: {e}"))),
    };
    let err_log = match log.try_clone() {
        Ok(f) => f,
        Err(e) => return outcome(None, 0.0, Some(format!("cannot write the log: {e}"))),
    };
    eprintln!(
        "xtask fuzz: running `{target}` for {seconds} s (log: {})",
        log_path.display()
    );
    // The binary `cargo fuzz build` made, run directly: `cargo fuzz run` would rebuild it
    // first whenever a source changed since the build.
    let binary = match host_triple() {
        Ok(triple) => root
            .join("fuzz/target")
            .join(triple)
            .join("release")
            .join(target),
        Err(e) => return outcome(None, 0.0, Some(e)),
    };
    let mut cmd = Command::new(&binary);
    cmd.arg(format!("-artifact_prefix={}/", artifacts.display()))
        .arg(format!("-max_total_time={seconds}"))
        .arg("-print_final_stats=1")
        // An input that takes this long is a hang.
        .arg("-timeout=30")
        .arg(working_corpus(root, target))
        .arg(root.join("fuzz/corpus").join(target))
        .current_dir(root)
        .stdout(log)
        .stderr(err_log);
    let started = Instant::now();
    let status = cmd.status();
    let elapsed = started.elapsed().as_secs_f64();
    let text = fs::read_to_string(&log_path).unwrap_or_default();
    let executions = executions(&text);
    let failure = match status {
        Ok(s) if s.success() => None,
        Ok(s) => Some(format!("exited with {s}")),
        Err(e) => Some(format!("cannot start {}: {e}", binary.display())),
    };
    match &failure {
        None => eprintln!(
            "xtask fuzz: `{target}`: {} executions, no crash",
            executions.map_or("?".to_owned(), |n| n.to_string())
        ),
        Some(why) => {
            let lines: Vec<&str> = text.lines().collect();
            let tail = &lines[lines.len().saturating_sub(TAIL_LINES)..];
            eprintln!(
                "xtask fuzz: `{target}` FAILED ({why}); last lines of {}:\n{}\n\
                 crashing inputs, if any, are in {}",
                log_path.display(),
                tail.join("\n"),
                artifacts.display()
            );
        }
    }
    outcome(executions, elapsed, failure)
}

/// The host's target triple, under which `cargo fuzz build` puts the binaries.
fn host_triple() -> Result<String, String> {
    let out = Command::new("rustc")
        .args(["+nightly", "-vV"])
        .env_remove("RUSTUP_TOOLCHAIN")
        .output()
        .map_err(|e| format!("cannot start rustc: {e}"))?;
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("host: "))
        .map(|h| h.trim().to_owned())
        .ok_or_else(|| "`rustc +nightly -vV` names no host".to_owned())
}

/// The executions libFuzzer reports: its final `stat::number_of_executed_units`, else the
/// count of its last `#N` status line.
fn executions(log: &str) -> Option<u64> {
    let stat = log.lines().rev().find_map(|l| {
        l.trim()
            .strip_prefix("stat::number_of_executed_units:")
            .and_then(|n| n.trim().parse().ok())
    });
    stat.or_else(|| {
        log.lines().rev().find_map(|l| {
            let rest = l.strip_prefix('#')?;
            let end = rest.find(|c: char| !c.is_ascii_digit())?;
            rest[..end].parse().ok()
        })
    })
}

fn print_table(outcomes: &[Outcome], seconds: u64) {
    let width = outcomes
        .iter()
        .map(|o| o.target.len())
        .max()
        .unwrap_or(6)
        .max(6);
    println!("\nfuzzing, {seconds} s per target:");
    println!(
        "{:<width$}  {:>12}  {:>9}  {:>8}  result",
        "target", "executions", "exec/s", "seconds"
    );
    for o in outcomes {
        let (execs, rate) = match o.executions {
            Some(n) => (
                n.to_string(),
                format!("{:.0}", n as f64 / (seconds as f64).max(1.0)),
            ),
            None => ("?".to_owned(), "?".to_owned()),
        };
        let result = o
            .failure
            .as_deref()
            .map_or("ok".to_owned(), |f| format!("FAILED: {f}"));
        println!(
            "{:<width$}  {execs:>12}  {rate:>9}  {:>8.0}  {result}",
            o.target, o.seconds
        );
    }
    let total: u64 = outcomes.iter().filter_map(|o| o.executions).sum();
    println!("{:<width$}  {total:>12}", "total");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn executions_come_from_the_final_stats_or_the_last_status_line() {
        let log = "#2\tINITED cov: 10 ft: 10 corp: 1/1b exec/s: 0 rss: 30Mb\n\
                   #4096\tpulse  cov: 10\n#52814\tDONE   cov: 20 ft: 30 exec/s: 880\n\
                   Done 52814 runs in 61 second(s)\n\
                   stat::number_of_executed_units: 52815\nstat::average_exec_per_sec:     865\n";
        assert_eq!(executions(log), Some(52815));
        assert_eq!(
            executions("#2\tINITED\n#128\tNEW cov: 5\n==1== ERROR"),
            Some(128)
        );
        assert_eq!(executions("nothing"), None);
    }

    #[test]
    fn arguments() {
        let args = |s: &str| s.split_whitespace().map(str::to_owned).collect::<Vec<_>>();
        let o = parse_args(&args("--seconds 5 a b")).unwrap();
        assert_eq!(
            (o.seconds, o.targets),
            (5, vec!["a".to_owned(), "b".to_owned()])
        );
        assert_eq!(parse_args(&args("--seconds=7")).unwrap().seconds, 7);
        assert_eq!(parse_args(&[]).unwrap().seconds, DEFAULT_SECONDS);
        assert!(parse_args(&args("--seconds")).is_err());
        assert!(parse_args(&args("--seconds 0")).is_err());
        assert!(parse_args(&args("--jobs 2")).is_err());
    }
}
