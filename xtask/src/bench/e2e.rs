//! End to end on loopback: nginx serving the demo user's `users.getInfo` body (the upper
//! limit of any client), the emulator binary, and the clients (wrk, bare hyper, loadgen,
//! aiomailru) against them; then the pager walking big community streams.

use std::fs;
use std::path::{Path, PathBuf};

use super::proc::{self, Server, TIME};

/// Requests per client run (aiomailru gets fewer: it is an order of magnitude slower).
pub const REQUESTS: u64 = 50_000;
pub const AIOMAILRU_REQUESTS: u64 = 10_000;
/// Calls in flight.
pub const CONCURRENCY: u64 = 64;
/// wrk: 2 threads, 64 connections, 5 seconds.
pub const WRK: [&str; 3] = ["-t2", "-c64", "-d5s"];
/// The aiomailru release compared with.
pub const AIOMAILRU: &str = "aiomailru==0.1.1.post1";
/// Events of the big community in the pager runs.
pub const PAGER_EVENTS: [u64; 2] = [100_000, 1_000_000];
/// The pager walks: events, and whether the walk reads ahead. The targets are read from
/// the walks that read ahead; the plain walk of the big community is shown beside them.
pub const PAGER_WALKS: [(u64, bool); 3] = [
    (PAGER_EVENTS[0], true),
    (PAGER_EVENTS[1], true),
    (PAGER_EVENTS[1], false),
];
/// A pager run stops after this long (4× the 1M target), reporting how far it got: the
/// whole run stays bounded however slow the walk is.
pub const PAGER_LIMIT_SECONDS: u64 = 60;

/// `users.getInfo` as the demo user (client-server circuit, app 423004), signed once: the
/// signature is md5("1324730981306483817" + "app_id=423004method=users.getInfo
/// session_key=be6ef89965d58e56dec21acb9b62bdaa" + the private key
/// "7815696ecbf1c96e6894b779456d330e"), exactly what loadgen and bare-hyper send. The
/// emulator checks it: a wrong one fails the body fetch below.
pub const SIGNED_GET_INFO: &str = "/platform/api?app_id=423004&method=users.getInfo\
&session_key=be6ef89965d58e56dec21acb9b62bdaa&sig=945f133f1c74e33aee7cfa63139e907a";

/// The content type of the platform's answers; aiomailru decodes nothing else.
pub const CONTENT_TYPE: &str = "text/javascript; charset=utf-8";

/// The release binaries of the run.
#[derive(Debug)]
pub struct Binaries {
    pub loadgen: PathBuf,
    pub pager: PathBuf,
    pub bare_hyper: PathBuf,
    pub emulator: PathBuf,
}

impl Binaries {
    pub fn new(target: &Path) -> Self {
        let release = target.join("release");
        Binaries {
            loadgen: release.join("examples/loadgen"),
            pager: release.join("examples/pager_bench"),
            bare_hyper: release.join("bare-hyper"),
            emulator: release.join("mailru-emulator"),
        }
    }
}

/// One measured series: the same command run several times.
#[derive(Debug, Clone)]
pub struct Series {
    /// What runs against what, e.g. `loadgen → nginx`.
    pub name: String,
    /// The command line, server URL as `$URL`.
    pub command: String,
    /// Requests (or items) per run; `None` for wrk, which runs for a duration.
    pub count: Option<u64>,
    /// Requests (or items) per second, per run.
    pub rates: Vec<f64>,
    /// Wall seconds per run.
    pub seconds: Vec<f64>,
    /// Peak RSS per run, KiB.
    pub rss_kib: Vec<u64>,
    /// Why the series stopped, if it did.
    pub error: Option<String>,
    /// Items reached by a walk stopped at its time limit (the series then has that one run).
    pub stopped_at: Option<u64>,
}

impl Series {
    fn new(name: &str, command: String, count: Option<u64>) -> Self {
        Series {
            name: name.to_owned(),
            command,
            count,
            rates: Vec::new(),
            seconds: Vec::new(),
            rss_kib: Vec::new(),
            error: None,
            stopped_at: None,
        }
    }

    /// A series that could not run at all.
    pub fn failed(name: &str, command: String, error: String) -> Self {
        Series {
            error: Some(error),
            ..Series::new(name, command, None)
        }
    }
}

/// `$NGINX` or `$EMULATOR` in the commands listed, after the series name.
fn server_var(name: &str) -> &'static str {
    if name.ends_with("nginx") {
        "$NGINX"
    } else if name.ends_with("emulator") {
        "$EMULATOR"
    } else {
        "$URL"
    }
}

/// How to run one series once against a server URL.
enum Run {
    /// wrk on the signed URL.
    Wrk,
    /// `program ARGS --base-url URL`, last line `N ... in S s: ...`.
    Client { program: PathBuf, args: Vec<String> },
}

/// A series and how to run it.
struct Job {
    series: Series,
    url: String,
    run: Run,
}

impl Job {
    fn wrk(name: &str, url: &str) -> Self {
        Job {
            series: Series::new(
                name,
                format!(
                    "wrk {} '{}{SIGNED_GET_INFO}'",
                    WRK.join(" "),
                    server_var(name)
                ),
                None,
            ),
            url: url.to_owned(),
            run: Run::Wrk,
        }
    }

    fn client(name: &str, url: &str, program: &Path, args: Vec<String>, count: u64) -> Self {
        let shown = program
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        Job {
            series: Series::new(
                name,
                format!("{shown} {} --base-url {}", args.join(" "), server_var(name)),
                Some(count),
            ),
            url: url.to_owned(),
            run: Run::Client {
                program: program.to_owned(),
                args,
            },
        }
    }

    /// One run; the series remembers the first failure and is not run again.
    fn once(&mut self, scratch: &Path) {
        if self.series.error.is_some() || self.series.stopped_at.is_some() {
            return;
        }
        let result = match &self.run {
            Run::Wrk => wrk(&self.url, scratch),
            Run::Client { program, args } => {
                let mut args = args.clone();
                args.extend(["--base-url".to_owned(), self.url.clone()]);
                proc::timed(program, &args, scratch).and_then(|t| {
                    let (n, s) = proc::count_and_seconds(&t.stdout)?;
                    if t.stdout.contains("(stopped at the time limit)") {
                        self.series.stopped_at = Some(n);
                    }
                    Ok((n as f64 / s, s, t.rss_kib))
                })
            }
        };
        match result {
            Ok((rate, seconds, rss)) => {
                self.series.rates.push(rate);
                self.series.seconds.push(seconds);
                self.series.rss_kib.push(rss);
            }
            Err(e) => {
                eprintln!("xtask bench: {} failed: {e}", self.series.name);
                self.series.error = Some(e);
            }
        }
    }
}

/// wrk on the signed `users.getInfo` URL: (requests/s, seconds, wrk's peak RSS).
fn wrk(base: &str, scratch: &Path) -> Result<(f64, f64, u64), String> {
    let mut args: Vec<String> = WRK.iter().map(|a| (*a).to_owned()).collect();
    args.push(format!("{base}{SIGNED_GET_INFO}"));
    let t = proc::timed(Path::new("wrk"), &args, scratch)?;
    if t.stdout.contains("Non-2xx") {
        return Err(format!("wrk got error answers:\n{}", t.stdout));
    }
    let rate = t
        .stdout
        .lines()
        .find_map(|l| l.trim().strip_prefix("Requests/sec:"))
        .and_then(|r| r.trim().parse().ok())
        .ok_or_else(|| format!("no Requests/sec in wrk's output:\n{}", t.stdout))?;
    let seconds = WRK[2]
        .trim_start_matches("-d")
        .trim_end_matches('s')
        .parse()
        .unwrap_or(0.0);
    Ok((rate, seconds, t.rss_kib))
}

/// The demo user's `users.getInfo` body, as the emulator on `base` sends it.
pub fn demo_body(base: &str) -> Result<Vec<u8>, String> {
    let port: u16 = base
        .rsplit(':')
        .next()
        .and_then(|p| p.trim_end_matches('/').parse().ok())
        .ok_or_else(|| format!("no port in `{base}`"))?;
    let (status, _, body) = proc::http_get(port, SIGNED_GET_INFO)?;
    let text = String::from_utf8_lossy(&body);
    if !status.contains(" 200") || !text.starts_with('[') || !text.contains("1324730981306483817") {
        return Err(format!(
            "users.getInfo of the emulator: `{status}`, body `{}`",
            text.chars().take(300).collect::<String>()
        ));
    }
    Ok(body)
}

/// Its own nginx in `dir` serving `body` for every path under `/platform/api`: non-daemon,
/// its own pid file, error log and temporary paths, no access log. Returns the server (it
/// stops when dropped) and its base URL.
pub fn nginx(dir: &Path, body: &[u8]) -> Result<(Server, String), String> {
    let write = |name: &str, content: &[u8]| {
        fs::write(dir.join(name), content).map_err(|e| format!("writing {name}: {e}"))
    };
    write("users.getInfo.json", body)?;
    let port = proc::free_port()?;
    let d = dir.display();
    let config = format!(
        r#"# Written by `cargo xtask bench`.
daemon off;
master_process on;
worker_processes auto;
pid {d}/nginx.pid;
error_log {d}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {d}/client_body;
    proxy_temp_path {d}/proxy;
    fastcgi_temp_path {d}/fastcgi;
    uwsgi_temp_path {d}/uwsgi;
    scgi_temp_path {d}/scgi;
    keepalive_requests 100000000;
    keepalive_timeout 75s;
    server {{
        listen 127.0.0.1:{port};
        root {d};
        # Any path and query under /platform/api (aiomailru asks for /platform/api/).
        location /platform/api {{
            types {{ }}
            default_type "{CONTENT_TYPE}";
            rewrite ^ /users.getInfo.json break;
        }}
    }}
}}
"#
    );
    write("nginx.conf", config.as_bytes())?;
    let conf = dir.join("nginx.conf");
    let error_log = dir.join("error.log");
    eprintln!("xtask bench: nginx -c {}", conf.display());
    let child = std::process::Command::new("nginx")
        .arg("-e")
        .arg(&error_log)
        .arg("-p")
        .arg(dir)
        .arg("-c")
        .arg(&conf)
        .stdin(std::process::Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot start nginx: {e}"))?;
    let mut server = Server::new("nginx", child);
    if let Err(e) = proc::wait_for_port(&mut server, port) {
        let log = fs::read_to_string(&error_log).unwrap_or_default();
        return Err(format!("{e}\n{log}"));
    }
    let (status, headers, served) = proc::http_get(port, "/platform/api/?x=1")?;
    if !status.contains(" 200")
        || served != body
        || !headers
            .to_ascii_lowercase()
            .contains(&format!("content-type: {CONTENT_TYPE}"))
    {
        return Err(format!("nginx serves `{status}`\n{headers}"));
    }
    Ok((server, format!("http://127.0.0.1:{port}")))
}

/// A virtual environment under the target directory with aiomailru in it (made once);
/// returns its python.
pub fn aiomailru_python(target: &Path) -> Result<PathBuf, String> {
    let venv = target.join("bench/aiomailru-venv");
    let python = venv.join("bin/python");
    let version = AIOMAILRU.rsplit('=').next().unwrap_or_default();
    let check = format!(
        "import importlib.metadata as m, sys; sys.exit(m.version('aiomailru') != '{version}')"
    );
    let python_str = python.to_string_lossy().into_owned();
    if proc::output(&python_str, &["-c", &check]).is_ok() {
        return Ok(python);
    }
    let venv_str = venv.to_string_lossy().into_owned();
    eprintln!("xtask bench: python3 -m venv {venv_str} && pip install {AIOMAILRU}");
    proc::output("python3", &["-m", "venv", &venv_str])?;
    proc::output(
        &python_str,
        &[
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            AIOMAILRU,
        ],
    )?;
    proc::output(&python_str, &["-c", &check])?;
    Ok(python)
}

/// The bare hyper client with what mailru's transport adds on every call (a TLS-capable
/// connector, the idle-pool timer, the in-flight cap, the attempt timeout): the report
/// sets loadgen beside it, so the cost of those features and of the library's own code
/// show apart.
pub const BARE_WITH_FEATURES: &str = "bare hyper with mailru's transport features → nginx";

/// Every client against nginx and the emulator, `runs` times, round robin (so slow drifts
/// of a shared machine hit every series alike).
pub fn clients(
    bins: &Binaries,
    python: Result<PathBuf, String>,
    nginx: &str,
    emulator: &str,
    runs: usize,
    scratch: &Path,
) -> Vec<Series> {
    let load = |n: u64| {
        vec![
            "--requests".to_owned(),
            n.to_string(),
            "--concurrency".to_owned(),
            CONCURRENCY.to_string(),
        ]
    };
    let script = crate::steps::workspace_root().join("bench/aiomailru/bench.py");
    let mut jobs = vec![
        Job::wrk("wrk → nginx", nginx),
        Job::wrk("wrk → emulator", emulator),
        Job::client(
            "bare hyper → nginx",
            nginx,
            &bins.bare_hyper,
            load(REQUESTS),
            REQUESTS,
        ),
        Job::client(
            BARE_WITH_FEATURES,
            nginx,
            &bins.bare_hyper,
            [load(REQUESTS), vec!["--transport-features".to_owned()]].concat(),
            REQUESTS,
        ),
        Job::client(
            "loadgen → nginx",
            nginx,
            &bins.loadgen,
            load(REQUESTS),
            REQUESTS,
        ),
        Job::client(
            "loadgen → emulator",
            emulator,
            &bins.loadgen,
            load(REQUESTS),
            REQUESTS,
        ),
    ];
    let aiomailru = "aiomailru → nginx";
    let aiomailru_command = format!(
        "python bench/aiomailru/bench.py --requests {AIOMAILRU_REQUESTS} --concurrency {CONCURRENCY} --base-url $NGINX"
    );
    let mut failed = Vec::new();
    match python {
        Ok(python) => {
            let mut args = vec![script.to_string_lossy().into_owned()];
            args.extend(load(AIOMAILRU_REQUESTS));
            let mut job = Job::client(aiomailru, nginx, &python, args, AIOMAILRU_REQUESTS);
            job.series.command = aiomailru_command;
            jobs.push(job);
        }
        Err(e) => failed.push(Series::failed(aiomailru, aiomailru_command, e)),
    }
    for run in 1..=runs {
        eprintln!("xtask bench: clients, round {run} of {runs}");
        for job in &mut jobs {
            job.once(scratch);
        }
    }
    jobs.into_iter().map(|j| j.series).chain(failed).collect()
}

/// The pager walking the big community's whole stream of each size, `runs` times, the
/// emulator in its own process.
pub fn pager(bins: &Binaries, runs: usize, scratch: &Path) -> Vec<Series> {
    PAGER_WALKS
        .iter()
        .map(|&(events, read_ahead)| {
            let name = pager_series(events, read_ahead);
            let read_ahead = if read_ahead { "on" } else { "off" };
            let n = events.to_string();
            let (_emulator, url) = match proc::emulator(&bins.emulator, &["--community-events", &n])
            {
                Ok(started) => started,
                Err(e) => {
                    return Series::failed(&name, String::new(), e);
                }
            };
            let limit = PAGER_LIMIT_SECONDS.to_string();
            let args = vec![
                "--expect".to_owned(),
                n.clone(),
                "--max-seconds".to_owned(),
                limit.clone(),
                "--read-ahead".to_owned(),
                read_ahead.to_owned(),
            ];
            let mut job = Job::client(&name, &url, &bins.pager, args, events);
            job.series.command = format!(
                "mailru-emulator --community-events {n} &  # prints $URL\n\
                 pager_bench --expect {n} --max-seconds {limit} --read-ahead {read_ahead} \
                 --base-url $URL"
            );
            for _ in 0..runs {
                job.once(scratch);
            }
            job.series
        })
        .collect()
}

/// The name of the pager series walking `events`.
pub fn pager_series(events: u64, read_ahead: bool) -> String {
    let how = if read_ahead {
        "reading ahead"
    } else {
        "one page at a time"
    };
    format!(
        "pager, {} events, {how}",
        super::report::thousands(events as f64)
    )
}

/// `/usr/bin/time` is what measures the RSS; say so where the commands are listed.
pub fn rss_note() -> String {
    format!("Every client and the pager run under `{TIME} -f %M` (peak RSS)")
}
