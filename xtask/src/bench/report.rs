//! `BENCHMARKS.md`: the machine, the commands, every series (median and min–max of its
//! runs) and the targets of the issue "Performance", each marked met or not met.

use std::fmt::Write as _;
use std::time::Duration;

use super::criterion::{self, Estimate, Unit};
use super::e2e::{self, Series};
use super::proc;

/// What the machine is.
#[derive(Debug)]
pub struct Machine {
    pub nproc: String,
    pub cpu: String,
    pub kernel: String,
    pub rustc: String,
    pub tools: Vec<(&'static str, String)>,
    pub load: String,
}

impl Machine {
    pub fn probe() -> Self {
        let out = |program: &str, args: &[&str]| {
            proc::output(program, args).unwrap_or_else(|e| format!("unknown ({e})"))
        };
        let cpu = std::fs::read_to_string("/proc/cpuinfo")
            .ok()
            .and_then(|info| {
                info.lines()
                    .find(|l| l.starts_with("model name"))
                    .and_then(|l| l.split_once(':'))
                    .map(|(_, v)| v.trim().to_owned())
            })
            .unwrap_or_else(|| "unknown".to_owned());
        // nginx and wrk print their versions on stderr or with an error status.
        let version = |program: &str, arg: &str| {
            std::process::Command::new(program)
                .arg(arg)
                .output()
                .map(|o| {
                    let all = format!(
                        "{}{}",
                        String::from_utf8_lossy(&o.stdout),
                        String::from_utf8_lossy(&o.stderr)
                    );
                    all.lines().next().unwrap_or_default().trim().to_owned()
                })
                .unwrap_or_else(|e| format!("unknown ({e})"))
        };
        Machine {
            nproc: out("nproc", &[]),
            cpu,
            kernel: out("uname", &["-srm"]),
            rustc: out("rustc", &["--version"]),
            tools: vec![
                ("nginx", version("nginx", "-v")),
                ("wrk", version("wrk", "-v")),
                ("python3", out("python3", &["--version"])),
            ],
            load: std::fs::read_to_string("/proc/loadavg")
                .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
                .unwrap_or_default(),
        }
    }
}

/// One target of the issue.
#[derive(Debug)]
pub struct Target {
    pub what: &'static str,
    pub goal: &'static str,
    pub measured: String,
    /// `None` when what it needs was not measured.
    pub met: Option<bool>,
}

/// Everything the report shows.
#[derive(Debug)]
pub struct Report {
    pub date: String,
    pub wall: Duration,
    pub runs: usize,
    pub pager_runs: usize,
    pub machine: Machine,
    pub criterion: Result<Vec<Estimate>, String>,
    /// The signing pair's (signing, raw md5) medians of each run, ns.
    pub signing: Result<Vec<(f64, f64)>, String>,
    pub clients: Vec<Series>,
    pub pager: Vec<Series>,
    pub errors: Vec<String>,
}

pub fn median(values: &[f64]) -> Option<f64> {
    let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    let mid = v.len() / 2;
    Some(if v.len() % 2 == 1 {
        v[mid]
    } else {
        (v[mid - 1] + v[mid]) / 2.0
    })
}

fn min_max(values: &[f64]) -> Option<(f64, f64)> {
    let min = values.iter().copied().reduce(f64::min)?;
    let max = values.iter().copied().reduce(f64::max)?;
    Some((min, max))
}

fn rss(series: &Series) -> Vec<f64> {
    series.rss_kib.iter().map(|k| *k as f64).collect()
}

/// `12,345`
pub fn thousands(x: f64) -> String {
    let digits = format!("{:.0}", x.max(0.0));
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn time_ns(ns: f64) -> String {
    match ns {
        n if n < 1e3 => format!("{n:.1} ns"),
        n if n < 1e6 => format!("{:.2} µs", n / 1e3),
        n if n < 1e9 => format!("{:.2} ms", n / 1e6),
        n => format!("{:.2} s", n / 1e9),
    }
}

/// A ratio as the targets show it, `—` when a side was not measured.
fn times(r: Option<f64>) -> String {
    r.map_or("—".into(), |r| format!("{r:.2}×"))
}

fn mib(kib: f64) -> String {
    format!("{:.1} MiB", kib / 1024.0)
}

/// `median (min–max)` of the values, formatted.
fn spread(values: &[f64], f: impl Fn(f64) -> String) -> (String, String) {
    match (median(values), min_max(values)) {
        (Some(m), Some((lo, hi))) => (f(m), format!("{}–{}", f(lo), f(hi))),
        _ => ("—".to_owned(), "—".to_owned()),
    }
}

impl Report {
    fn estimate(&self, id: &str) -> Option<&Estimate> {
        self.criterion.as_ref().ok()?.iter().find(|e| e.id == id)
    }

    fn series(&self, name: &str) -> Option<&Series> {
        self.clients
            .iter()
            .chain(&self.pager)
            .find(|s| s.name == name && !s.rates.is_empty())
    }

    fn rate(&self, name: &str) -> Option<f64> {
        median(&self.series(name)?.rates)
    }

    /// The targets of the issue, computed from this run only.
    pub fn targets(&self) -> Vec<Target> {
        let mut t = Vec::new();
        let ratio = |a: Option<f64>, b: Option<f64>| a.zip(b).map(|(a, b)| a / b);
        let shown = |r: Option<f64>, detail: String| match r {
            Some(r) => format!("{r:.2}× ({detail})"),
            None => "not measured".to_owned(),
        };

        // The median of the pair's ratio over runs, and the run that gave it.
        let pairs = self.signing.as_deref().unwrap_or_default();
        let ratios: Vec<f64> = pairs.iter().map(|(sign, md5)| sign / md5).collect();
        let r = median(&ratios);
        let at_median = r.and_then(|r| pairs.iter().find(|(s, m)| s / m == r));
        t.push(Target {
            what: "signing a friends.get request vs raw md5 of the same bytes",
            goal: "≤ 1.15×",
            measured: match (r, min_max(&ratios), at_median) {
                (Some(r), Some((low, high)), Some((sign, md5))) => format!(
                    "{r:.2}× (median of {} runs, spread {low:.2}×–{high:.2}×; that run: {} \
                     vs {})",
                    ratios.len(),
                    time_ns(*sign),
                    time_ns(*md5)
                ),
                // An even number of runs: the median falls between two.
                (Some(r), Some((low, high)), None) => format!(
                    "{r:.2}× (median of {} runs, spread {low:.2}×–{high:.2}×)",
                    ratios.len()
                ),
                _ => "not measured".to_owned(),
            },
            met: r.map(|r| r <= 1.15),
        });

        let loadgen = self.rate("loadgen → nginx");
        let bare = self.rate("bare hyper → nginx");
        let aio = self.rate("aiomailru → nginx");
        let req = |x: Option<f64>| x.map_or("—".into(), |x| format!("{} req/s", thousands(x)));
        let featured = self.rate(e2e::BARE_WITH_FEATURES);
        let r = ratio(loadgen, bare);
        t.push(Target {
            what: "loadgen vs bare hyper (against nginx)",
            goal: "≥ 0.95×",
            measured: shown(
                r,
                format!(
                    "{} vs {}; bare hyper with mailru's transport features: {}, {} of bare \
                     hyper, loadgen {} of it",
                    req(loadgen),
                    req(bare),
                    req(featured),
                    times(ratio(featured, bare)),
                    times(ratio(loadgen, featured)),
                ),
            ),
            met: r.map(|r| r >= 0.95),
        });
        let r = ratio(loadgen, aio);
        t.push(Target {
            what: "loadgen vs aiomailru (against nginx)",
            goal: "≥ 8×",
            measured: shown(r, format!("{} vs {}", req(loadgen), req(aio))),
            met: r.map(|r| r >= 8.0),
        });
        let peak = self.series("loadgen → nginx").and_then(|s| median(&rss(s)));
        t.push(Target {
            what: "loadgen peak RSS (50,000 requests, 64 in flight)",
            goal: "≤ 10 MiB",
            measured: peak.map_or("not measured".into(), mib),
            met: peak.map(|k| k <= 10.0 * 1024.0),
        });

        let emu = self.rate("wrk → emulator");
        let ngx = self.rate("wrk → nginx");
        let r = ratio(emu, ngx);
        t.push(Target {
            what: "emulator vs nginx, users.getInfo with wrk",
            goal: "≥ 0.8×",
            measured: shown(r, format!("{} vs {}", req(emu), req(ngx))),
            met: r.map(|r| r >= 0.8),
        });

        // The issue's "a stream page renders": the emulator's REST dispatch (parameters,
        // signature, the page rendered), no socket. The same page fetched over loopback
        // HTTP by a client in the same process is shown beside it.
        let per_second = |name: &str| {
            self.estimate(name)
                .and_then(Estimate::per_second)
                .map(|(_, n)| n)
        };
        let page = per_second("emulator_stream/page_100_dispatch");
        let http = per_second("emulator_stream/page_100_http");
        t.push(Target {
            what: "emulator renders a stream page of 100 events (dispatch, no socket)",
            goal: "≥ 200,000 events/s",
            measured: page.map_or("not measured".into(), |n| {
                format!(
                    "{} events/s (fetched over loopback HTTP: {})",
                    thousands(n),
                    http.map_or("not measured".into(), |h| format!(
                        "{} events/s",
                        thousands(h)
                    ))
                )
            }),
            met: page.map(|n| n >= 200_000.0),
        });

        let small = self.series(&e2e::pager_series(e2e::PAGER_EVENTS[0], true));
        let big = self.series(&e2e::pager_series(e2e::PAGER_EVENTS[1], true));
        // A walk stopped at its time limit: how far it got, and the time the whole walk
        // would take at its rate.
        let stopped = |s: Option<&Series>| {
            let s = s?;
            let n = s.stopped_at?;
            let rate = median(&s.rates)?;
            Some(format!(
                "stopped at the {} s limit after {} events, {} events/s",
                e2e::PAGER_LIMIT_SECONDS,
                thousands(n as f64),
                thousands(rate)
            ))
        };
        let big_time = big.and_then(|s| {
            let rate = median(&s.rates)?;
            Some(match s.stopped_at {
                Some(_) => e2e::PAGER_EVENTS[1] as f64 / rate,
                None => median(&s.seconds)?,
            })
        });
        t.push(Target {
            what: "pager walking 1,000,000 events (reading ahead)",
            goal: "< 15 s",
            measured: match (big_time, stopped(big)) {
                (Some(s), Some(why)) => format!("~{s:.0} s at that rate ({why})"),
                (Some(s), None) => format!("{s:.2} s"),
                _ => "not measured".into(),
            },
            met: big_time.map(|s| s < 15.0 && big.is_some_and(|b| b.stopped_at.is_none())),
        });
        let partial = stopped(big)
            .map(|why| format!("; 1,000,000: {why}"))
            .unwrap_or_default();
        let (small_rss, big_rss) = (
            small.and_then(|s| median(&rss(s))),
            big.and_then(|s| median(&rss(s))),
        );
        let r = ratio(big_rss, small_rss);
        t.push(Target {
            what: "pager peak RSS, 1,000,000 vs 100,000 events (reading ahead)",
            goal: "within 10%",
            measured: shown(
                r,
                format!(
                    "{} vs {}{partial}",
                    big_rss.map_or("—".into(), mib),
                    small_rss.map_or("—".into(), mib)
                ),
            ),
            met: r.map(|r| r <= 1.10),
        });
        t.push(Target {
            what: "pager peak RSS, 1,000,000 events (reading ahead)",
            goal: "< 40 MiB",
            measured: big_rss.map_or("not measured".into(), |k| format!("{}{partial}", mib(k))),
            met: big_rss.map(|k| k < 40.0 * 1024.0),
        });
        t
    }

    pub fn markdown(&self) -> String {
        let mut md = String::new();
        let _ = self.write(&mut md);
        md
    }

    fn write(&self, md: &mut String) -> std::fmt::Result {
        let m = &self.machine;
        writeln!(md, "# Benchmarks\n")?;
        writeln!(
            md,
            "Written by `cargo xtask bench` on {} in {:.1} min (builds included). Do not \
             edit: run it again. Medians of {} runs ({} for the pager), spread = fastest–slowest \
             run (criterion: fastest–slowest sample of its per-iteration times; the signing \
             target: its pair's ratio in each run, the whole set's run and the pair alone \
             after it).\n",
            self.date,
            self.wall.as_secs_f64() / 60.0,
            self.runs,
            self.pager_runs
        )?;
        writeln!(md, "## Machine\n")?;
        writeln!(md, "| | |\n|---|---|")?;
        writeln!(md, "| cores (`nproc`) | {} |", m.nproc)?;
        writeln!(md, "| CPU | {} |", m.cpu)?;
        writeln!(md, "| kernel | {} |", m.kernel)?;
        writeln!(md, "| rustc | {} |", m.rustc)?;
        for (tool, version) in &m.tools {
            writeln!(md, "| {tool} | {version} |")?;
        }
        writeln!(md, "| aiomailru | {} |", e2e::AIOMAILRU)?;
        writeln!(
            md,
            "| load average at start | {} (servers, clients and other work share the cores: \
             the numbers are noisy) |\n",
            m.load
        )?;

        writeln!(md, "## Targets\n")?;
        writeln!(md, "| target | goal | measured | met |\n|---|---|---|---|")?;
        for t in self.targets() {
            let met = match t.met {
                Some(true) => "met",
                Some(false) => "**not met**",
                None => "**not measured**",
            };
            writeln!(md, "| {} | {} | {} | {met} |", t.what, t.goal, t.measured)?;
        }
        writeln!(md)?;

        if !self.errors.is_empty() {
            writeln!(md, "## Failures\n")?;
            for e in &self.errors {
                writeln!(md, "- {}", e.replace('\n', " "))?;
            }
            writeln!(md)?;
        }

        writeln!(md, "## Micro-benchmarks (criterion)\n")?;
        writeln!(md, "`cargo {}`\n", criterion::command().join(" "))?;
        match &self.criterion {
            Err(e) => writeln!(md, "Not measured: {e}\n")?,
            Ok(estimates) => {
                writeln!(
                    md,
                    "| benchmark | median | spread | throughput at the median |\n|---|---|---|---|"
                )?;
                for e in estimates {
                    let throughput = match e.per_second() {
                        Some((Unit::Elements, n)) => format!("{} elements/s", thousands(n)),
                        Some((Unit::Bytes, n)) => format!("{:.1} MiB/s", n / 1_048_576.0),
                        None => String::new(),
                    };
                    writeln!(
                        md,
                        "| {} | {} | {}–{} | {throughput} |",
                        e.id,
                        time_ns(e.median_ns),
                        time_ns(e.min_ns),
                        time_ns(e.max_ns)
                    )?;
                }
                writeln!(md)?;
            }
        }

        writeln!(md, "## Clients on loopback\n")?;
        writeln!(
            md,
            "nginx (its own config, `worker_processes auto`, no access log) serves the demo \
             user's `users.getInfo` body, taken from the emulator at the start of the run, \
             with `Content-Type: {}` for every path under `/platform/api`; the emulator \
             binary runs with its defaults. {} calls in flight; aiomailru makes {} requests \
             a run, the others {}. Runs go round robin over the series. {}.\n",
            e2e::CONTENT_TYPE,
            e2e::CONCURRENCY,
            thousands(e2e::AIOMAILRU_REQUESTS as f64),
            thousands(e2e::REQUESTS as f64),
            e2e::rss_note()
        )?;
        writeln!(
            md,
            "`bare-hyper --transport-features` is the bare client given, without mailru \
             code, what mailru's transport does on every call: a connector that can also \
             speak TLS (hyper-rustls; plain HTTP passed through), a pool closing idle \
             connections on a timer, a cap on the requests in flight and a timeout per \
             attempt. Between it and loadgen lies only the library's own code (signing, \
             the query, dispatch, the envelope check, the typed model).\n"
        )?;
        series_table(md, &self.clients, "req/s")?;

        writeln!(md, "## Pager\n")?;
        writeln!(
            md,
            "`pager_bench` walks the big community's `stream.getByAuthor` through the typed \
             pager (`api.paginate`, 100 events a page, a tokio runtime with two workers) \
             against the emulator binary in another process, reading ahead \
             (`Items::read_ahead(true)`: the next page is asked for while this one decodes) \
             or one page at a time (the default). A walk still running after {} s stops \
             and reports how far it got; such a series has that one run.\n",
            e2e::PAGER_LIMIT_SECONDS
        )?;
        series_table(md, &self.pager, "events/s")?;

        writeln!(md, "## Commands\n")?;
        writeln!(md, "```sh")?;
        writeln!(md, "cargo {}", super::build_command().join(" "))?;
        writeln!(md, "cargo {}", criterion::command().join(" "))?;
        writeln!(
            md,
            "# the signing pair alone, {} more times\ncargo {}",
            self.runs - 1,
            criterion::pair_command_line()
        )?;
        for s in self.clients.iter().chain(&self.pager) {
            writeln!(md, "# {}\n{}", s.name, s.command)?;
        }
        writeln!(md, "```")?;
        Ok(())
    }
}

fn series_table(md: &mut String, series: &[Series], unit: &str) -> std::fmt::Result {
    writeln!(
        md,
        "| series | per run | median {unit} | spread | median time | peak RSS | RSS spread |\n\
         |---|---|---|---|---|---|---|"
    )?;
    for s in series {
        if let Some(e) = &s.error
            && s.rates.is_empty()
        {
            writeln!(md, "| {} | failed: {} | | | | | |", s.name, one_line(e))?;
            continue;
        }
        let (rate, rate_spread) = spread(&s.rates, thousands);
        let (time, _) = spread(&s.seconds, |x| format!("{x:.2} s"));
        let (peak, peak_spread) = spread(&rss(s), mib);
        let per_run = s.count.map_or("5 s".to_owned(), |n| thousands(n as f64));
        let failed = match (&s.error, s.stopped_at) {
            (Some(e), _) => format!(" (then failed: {})", one_line(e)),
            (None, Some(n)) => format!(
                " (stopped at the {} s limit after {} items)",
                e2e::PAGER_LIMIT_SECONDS,
                thousands(n as f64)
            ),
            (None, None) => String::new(),
        };
        writeln!(
            md,
            "| {}{failed} | {per_run} | {rate} | {rate_spread} | {time} | {peak} | {peak_spread} |",
            s.name
        )?;
    }
    writeln!(md)
}

fn one_line(text: &str) -> String {
    let line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    line.chars().take(300).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medians_and_numbers() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&[4.0, 1.0]), Some(2.5));
        assert_eq!(median(&[]), None);
        assert_eq!(thousands(1234567.4), "1,234,567");
        assert_eq!(thousands(999.0), "999");
        assert_eq!(time_ns(1500.0), "1.50 µs");
        assert_eq!(times(Some(0.9449)), "0.94×");
        assert_eq!(times(None), "—");
    }

    fn report_with_signing(signing: Result<Vec<(f64, f64)>, String>) -> Report {
        Report {
            date: String::new(),
            wall: Duration::ZERO,
            runs: 3,
            pager_runs: 3,
            machine: Machine {
                nproc: String::new(),
                cpu: String::new(),
                kernel: String::new(),
                rustc: String::new(),
                tools: Vec::new(),
                load: String::new(),
            },
            criterion: Ok(Vec::new()),
            signing,
            clients: Vec::new(),
            pager: Vec::new(),
            errors: Vec::new(),
        }
    }

    #[test]
    fn the_signing_target_is_the_median_ratio_of_its_runs() {
        // Ratios 1.25, 1.10, 1.30: the median is the second run's, whatever the order.
        let report = report_with_signing(Ok(vec![(500.0, 400.0), (440.0, 400.0), (520.0, 400.0)]));
        let signing = &report.targets()[0];
        assert_eq!(signing.met, Some(false));
        assert_eq!(
            signing.measured,
            "1.25× (median of 3 runs, spread 1.10×–1.30×; that run: 500.0 ns vs 400.0 ns)"
        );
        let report = report_with_signing(Ok(vec![(440.0, 400.0), (500.0, 400.0), (400.0, 400.0)]));
        assert_eq!(report.targets()[0].met, Some(true));
        let report = report_with_signing(Err("criterion failed".to_owned()));
        assert_eq!(report.targets()[0].met, None);
        assert_eq!(report.targets()[0].measured, "not measured");
    }
}
