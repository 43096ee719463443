//! The criterion benchmarks: run with short times, read back from
//! `target/criterion/**/new/` (the median of `estimates.json`, the per-iteration times of
//! `sample.json` for the spread, the throughput of `benchmark.json`).

use std::fs;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use super::json::{number_after, numbers_after, string_after};
use super::proc;

/// The benchmark targets of the workspace, by package (each package is in
/// [`super::PACKAGES`]).
pub const BENCHES: [(&str, &str); 4] = [
    ("mailru-sign", "sign"),
    ("mailru-api", "api"),
    ("mailru-auth", "page"),
    ("mailru-emulator", "rest"),
];

/// Criterion's options: short, the whole set takes a couple of minutes.
pub const OPTIONS: [&str; 7] = [
    "--warm-up-time",
    "1",
    "--measurement-time",
    "3",
    "--sample-size",
    "50",
    "--noplot",
];

/// The `cargo bench` command line: the benchmarks of [`BENCHES`], the packages of the
/// release build (the same features, so the same compiled dependencies).
pub fn command() -> Vec<String> {
    let benches: Vec<&str> = BENCHES.iter().map(|(_, bench)| *bench).collect();
    bench_command(&benches, None)
}

/// `cargo bench` of `benches` with the packages of the release build, criterion's
/// [`OPTIONS`] and, when given, a filter of benchmark ids.
fn bench_command(benches: &[&str], filter: Option<String>) -> Vec<String> {
    let mut args = vec!["bench".to_owned()];
    for package in super::PACKAGES {
        args.extend(["-p".into(), package.into()]);
    }
    for bench in benches {
        args.extend(["--bench".into(), (*bench).into()]);
    }
    args.push("--".into());
    args.extend(filter);
    args.extend(OPTIONS.iter().map(|o| (*o).to_owned()));
    args
}

/// The signing target's pair: signing and raw md5 of the same bytes.
pub const SIGN: &str = "friends.get/sign_client_server";
pub const RAW_MD5: &str = "friends.get/raw_md5_same_bytes";

/// The signing pair alone, run again after the whole set: a ratio of two criterion
/// estimates measured a few seconds apart moves with the machine's phase (1.09–1.25 in
/// three runs of one minute), so the target is the median of the pair's ratio over runs.
fn pair_command() -> Vec<String> {
    bench_command(&["sign"], Some(format!("^({SIGN}|{RAW_MD5})$")))
}

/// The signing pair `more` times again; each run's (signing, raw md5) medians, ns.
pub fn signing_runs(target: &Path, more: usize) -> Result<Vec<(f64, f64)>, String> {
    let mut runs = Vec::new();
    for _ in 0..more {
        let started = SystemTime::now();
        proc::cargo(&pair_command())?;
        let mut found = Vec::new();
        collect(&target.join("criterion"), started, &mut found)?;
        let median = |id: &str| {
            found
                .iter()
                .find(|e| e.id == id)
                .map(|e| e.median_ns)
                .ok_or_else(|| format!("criterion wrote no result for {id}"))
        };
        runs.push((median(SIGN)?, median(RAW_MD5)?));
    }
    Ok(runs)
}

/// The command of [`signing_runs`], for the report.
pub fn pair_command_line() -> String {
    pair_command()
        .iter()
        .map(|a| {
            if a.contains('|') {
                format!("'{a}'")
            } else {
                a.clone()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// One benchmark's result.
#[derive(Debug, Clone)]
pub struct Estimate {
    /// `group/function`.
    pub id: String,
    /// Median time per iteration (criterion's estimate), ns.
    pub median_ns: f64,
    /// Fastest and slowest sample (mean time per iteration of a sample), ns.
    pub min_ns: f64,
    pub max_ns: f64,
    /// Elements or bytes per iteration, when the benchmark declares them.
    pub throughput: Option<(Unit, f64)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    Elements,
    Bytes,
}

impl Estimate {
    /// Elements or bytes per second at the median.
    pub fn per_second(&self) -> Option<(Unit, f64)> {
        self.throughput
            .map(|(unit, n)| (unit, n / (self.median_ns * 1e-9)))
    }
}

/// Runs every benchmark and reads back the results written by this run.
pub fn run(target: &Path) -> Result<Vec<Estimate>, String> {
    let started = SystemTime::now();
    proc::cargo(&command())?;
    let mut found = Vec::new();
    collect(&target.join("criterion"), started, &mut found)?;
    found.sort_by(|a, b| a.id.cmp(&b.id));
    if found.is_empty() {
        return Err(format!(
            "criterion wrote no results under {}",
            target.join("criterion").display()
        ));
    }
    Ok(found)
}

/// Every `new/estimates.json` under `dir` written after `since`.
fn collect(dir: &Path, since: SystemTime, out: &mut Vec<Estimate>) -> Result<(), String> {
    let entries = fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    for entry in entries.flatten() {
        let path = entry.path();
        if !path.is_dir() {
            continue;
        }
        let estimates = path.join("new/estimates.json");
        let fresh = fs::metadata(&estimates)
            .and_then(|m| m.modified())
            .is_ok_and(|t| t >= since);
        if fresh {
            out.push(read(&path.join("new"))?);
        } else if path.file_name().is_some_and(|n| n != "new" && n != "base") {
            collect(&path, since, out)?;
        }
    }
    Ok(())
}

fn read(new: &Path) -> Result<Estimate, String> {
    let text = |name: &str| -> Result<String, String> {
        let path: PathBuf = new.join(name);
        fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))
    };
    let (estimates, sample, benchmark) = (
        text("estimates.json")?,
        text("sample.json")?,
        text("benchmark.json")?,
    );
    let bad = |what: &str| format!("{}: no {what}", new.display());
    let median = estimates
        .find("\"median\"")
        .and_then(|at| number_after(&estimates[at..], "\"point_estimate\""))
        .ok_or_else(|| bad("median"))?;
    let iters = numbers_after(&sample, "\"iters\"").ok_or_else(|| bad("iters"))?;
    let times = numbers_after(&sample, "\"times\"").ok_or_else(|| bad("times"))?;
    let per_iter: Vec<f64> = times.iter().zip(&iters).map(|(t, n)| t / n).collect();
    let min_ns = per_iter.iter().copied().fold(f64::INFINITY, f64::min);
    let max_ns = per_iter.iter().copied().fold(0.0, f64::max);
    let id = string_after(&benchmark, "\"full_id\"").ok_or_else(|| bad("full_id"))?;
    // `"throughput":{"Elements":100}`, `{"Bytes":n}` or `null`.
    let declared = benchmark
        .find("\"throughput\"")
        .map(|at| &benchmark[at..])
        .and_then(|t| t.find('}').map(|end| &t[..end]))
        .unwrap_or_default();
    let throughput = [("\"Elements\"", Unit::Elements), ("\"Bytes\"", Unit::Bytes)]
        .into_iter()
        .find_map(|(key, unit)| number_after(declared, key).map(|n| (unit, n)));
    Ok(Estimate {
        id,
        median_ns: median,
        min_ns,
        max_ns,
        throughput,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signing_pair_runs_alone_with_the_same_options() {
        let whole = command();
        let pair = pair_command();
        let after_dashes = |args: &[String]| {
            let at = args.iter().position(|a| a == "--").expect("a `--`");
            args[at + 1..].to_vec()
        };
        // Every bench in the whole set, only `sign` in the pair.
        let benches = |args: &[String]| -> Vec<String> {
            args.windows(2)
                .filter(|w| w[0] == "--bench")
                .map(|w| w[1].clone())
                .collect()
        };
        assert_eq!(benches(&whole), ["sign", "api", "page", "rest"]);
        assert_eq!(benches(&pair), ["sign"]);
        // The pair: its filter, then criterion's options as in the whole set.
        let (whole_options, pair_options) = (after_dashes(&whole), after_dashes(&pair));
        assert_eq!(
            pair_options[0],
            "^(friends.get/sign_client_server|friends.get/raw_md5_same_bytes)$"
        );
        assert_eq!(pair_options[1..], whole_options[..]);
        assert!(pair_command_line().contains(" '^(friends.get/sign_client_server|"));
    }
}
