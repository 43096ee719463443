//! `cargo xtask bench`: every benchmark of the issue "Performance" in one go, written to
//! `BENCHMARKS.md` at the root of the workspace.
//!
//! 1. Builds: each release binary once (loadgen and pager_bench, bare-hyper, the
//!    emulator) in one cargo command; the aiomailru virtual environment under the target
//!    directory (once).
//! 2. The criterion benchmarks, with short warm-up and measurement times.
//! 3. The emulator binary; nginx (its own, in a temporary directory) serving the
//!    emulator's `users.getInfo` body; wrk, bare hyper (plain, and with mailru's
//!    transport features), loadgen and aiomailru against nginx, wrk and loadgen against
//!    the emulator, round robin.
//! 4. The pager walking 100,000 and 1,000,000 events of the emulator in another process,
//!    reading ahead; and 1,000,000 one page at a time.
//!
//! Servers are stopped at the end, also when a part fails. A part that fails is reported
//! (and the task exits non-zero) after the rest has run and the report is written.

mod criterion;
mod e2e;
mod json;
mod proc;
mod report;

use std::fs;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use crate::steps::workspace_root;

/// Runs of each series (the signing pair, the clients).
const RUNS: usize = 5;
/// Runs of each pager series: a walk takes 1–20 s, and their targets are far from their
/// limits; five would add a minute and a half.
const PAGER_RUNS: usize = 3;

/// The packages of both cargo commands of the run. Naming the same packages in the
/// release build and in `cargo bench` resolves the same features, so the dependencies
/// (tokio, hyper, serde...) are compiled once and shared by both; separate builds per
/// binary would each resolve their own features and recompile them.
const PACKAGES: [&str; 6] = [
    "mailru",
    "bare-hyper",
    "mailru-emulator",
    "mailru-sign",
    "mailru-api",
    "mailru-auth",
];

/// The release binaries, each built once in one command.
const BINARIES: [(&str, &str); 4] = [
    ("--example", "loadgen"),
    ("--example", "pager_bench"),
    ("--bin", "bare-hyper"),
    ("--bin", "mailru-emulator"),
];

/// `cargo build --release -p ... --example loadgen ...`
fn build_command() -> Vec<String> {
    let mut args = vec!["build".to_owned(), "--release".to_owned()];
    for p in PACKAGES {
        args.extend(["-p".to_owned(), p.to_owned()]);
    }
    for (kind, name) in BINARIES {
        args.extend([kind.to_owned(), name.to_owned()]);
    }
    args
}

pub fn run() -> ExitCode {
    match run_all() {
        Ok(true) => {
            eprintln!("xtask bench: BENCHMARKS.md written");
            ExitCode::SUCCESS
        }
        Ok(false) => {
            eprintln!("xtask bench: BENCHMARKS.md written, but parts FAILED (see its Failures)");
            ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("xtask bench: FAILED: {e}");
            ExitCode::FAILURE
        }
    }
}

/// A temporary directory, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new() -> Result<Self, String> {
        let dir = std::env::temp_dir().join(format!("mailru-bench-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        Ok(Scratch(dir))
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// Everything; `Ok(false)` when a part failed but the report could be written.
fn run_all() -> Result<bool, String> {
    let started = Instant::now();
    proc::ensure_tools()?;
    let machine = report::Machine::probe();
    let target = proc::target_dir()?;
    proc::cargo(&build_command())?;
    let bins = e2e::Binaries::new(&target);
    let python = e2e::aiomailru_python(&target);
    let mut errors = Vec::new();
    if let Err(e) = &python {
        errors.push(format!("aiomailru: {e}"));
    }

    let estimates = criterion::run(&target);
    if let Err(e) = &estimates {
        errors.push(format!("criterion: {e}"));
    }
    let signing = signing_pairs(&estimates, &target);
    if let Err(e) = &signing {
        errors.push(format!("criterion, signing runs: {e}"));
    }

    let scratch = Scratch::new()?;
    let clients = match servers_and_clients(&bins, python, &scratch) {
        Ok(series) => series,
        Err(e) => {
            errors.push(format!("clients: {e}"));
            Vec::new()
        }
    };
    let pager = e2e::pager(&bins, PAGER_RUNS, &scratch.0);
    errors.extend(
        clients
            .iter()
            .chain(&pager)
            .filter_map(|s| Some(format!("{}: {}", s.name, s.error.as_ref()?))),
    );

    let report = report::Report {
        date: proc::output("date", &["-u", "+%Y-%m-%d %H:%M UTC"]).unwrap_or_default(),
        wall: started.elapsed(),
        runs: RUNS,
        pager_runs: PAGER_RUNS,
        machine,
        criterion: estimates,
        signing,
        clients,
        pager,
        errors,
    };
    let path = workspace_root().join("BENCHMARKS.md");
    let markdown = report.markdown();
    fs::write(&path, &markdown).map_err(|e| format!("{}: {e}", path.display()))?;
    print!("{markdown}");
    Ok(report.errors.is_empty())
}

/// The signing target's (signing, raw md5) medians: the whole set's run, then the pair
/// alone until there are [`RUNS`].
fn signing_pairs(
    estimates: &Result<Vec<criterion::Estimate>, String>,
    target: &std::path::Path,
) -> Result<Vec<(f64, f64)>, String> {
    let estimates = estimates.as_ref().map_err(Clone::clone)?;
    let median = |id: &str| estimates.iter().find(|e| e.id == id).map(|e| e.median_ns);
    let first = median(criterion::SIGN)
        .zip(median(criterion::RAW_MD5))
        .ok_or("the signing pair is missing from the criterion results")?;
    let mut runs = vec![first];
    runs.extend(criterion::signing_runs(target, RUNS - 1)?);
    Ok(runs)
}

/// The emulator and nginx up, every client against them; both stopped on return.
fn servers_and_clients(
    bins: &e2e::Binaries,
    python: Result<PathBuf, String>,
    scratch: &Scratch,
) -> Result<Vec<e2e::Series>, String> {
    let (_emulator, emulator) = proc::emulator(&bins.emulator, &[])?;
    let body = e2e::demo_body(&emulator)?;
    let (_nginx, nginx) = e2e::nginx(&scratch.0, &body)?;
    Ok(e2e::clients(
        bins, python, &nginx, &emulator, RUNS, &scratch.0,
    ))
}
