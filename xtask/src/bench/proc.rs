//! Processes of the benchmark: cargo, the system tools (installed when missing), clients
//! run under `/usr/bin/time` for their peak RSS, and servers stopped when dropped (also
//! when the run fails half-way).

use std::env;
use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use crate::steps::workspace_root;

/// `/usr/bin/time`, which reports the peak RSS (`%M`, KiB) of what it runs.
pub const TIME: &str = "/usr/bin/time";

/// Runs `cargo ARGS` from the workspace root, output shown.
pub fn cargo(args: &[String]) -> Result<(), String> {
    let cargo = env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    eprintln!("xtask bench: cargo {}", args.join(" "));
    let mut command = Command::new(&cargo);
    // `cargo run` gave the xtask its own package's variables; build scripts that watch
    // them (ring's does) would rebuild when they differ from a shell's, so drop them.
    for (key, _) in env::vars_os() {
        let key = key.to_string_lossy();
        if [
            "CARGO_PKG_",
            "CARGO_MANIFEST_",
            "CARGO_CRATE_",
            "CARGO_BIN_",
            "CARGO_PRIMARY_",
        ]
        .iter()
        .any(|p| key.starts_with(p))
        {
            command.env_remove(key.as_ref());
        }
    }
    let status = command
        .args(args)
        .current_dir(workspace_root())
        .status()
        .map_err(|e| format!("cannot start cargo: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`cargo {}` failed: {status}", args.join(" ")))
    }
}

/// The stdout of `program ARGS` (trimmed), or an error with its stderr.
pub fn output(program: &str, args: &[&str]) -> Result<String, String> {
    let out = Command::new(program)
        .args(args)
        .current_dir(workspace_root())
        .output()
        .map_err(|e| format!("cannot start `{program}`: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "`{program} {}` failed ({}): {}",
            args.join(" "),
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

/// The build directory cargo uses here (`CARGO_TARGET_DIR`, config, or `target/`).
pub fn target_dir() -> Result<PathBuf, String> {
    let cargo = env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let json = output(
        &cargo,
        &[
            "metadata",
            "--format-version",
            "1",
            "--no-deps",
            "--offline",
        ],
    )?;
    crate::bench::json::string_after(&json, "\"target_directory\"")
        .map(PathBuf::from)
        .ok_or_else(|| "`cargo metadata` names no target_directory".to_owned())
}

/// nginx, wrk and `/usr/bin/time`, installed with apt-get when one is missing.
pub fn ensure_tools() -> Result<(), String> {
    let found = |tool: &str| {
        Command::new("which")
            .arg(tool)
            .stdout(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    };
    if found("nginx") && found("wrk") && Path::new(TIME).is_file() {
        return Ok(());
    }
    eprintln!("xtask bench: installing nginx, wrk and time with apt-get");
    let install = || {
        Command::new("apt-get")
            .args(["install", "-y", "nginx", "wrk", "time"])
            .env("DEBIAN_FRONTEND", "noninteractive")
            .status()
            .is_ok_and(|s| s.success())
    };
    // A fresh container has no package lists yet: update once and try again.
    if !install() {
        let _ = Command::new("apt-get").arg("update").status();
        if !install() {
            return Err("`apt-get install -y nginx wrk time` failed (run as root?)".to_owned());
        }
    }
    Ok(())
}

/// A port that was free a moment ago on 127.0.0.1.
pub fn free_port() -> Result<u16, String> {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .map_err(|e| format!("no free port on 127.0.0.1: {e}"))
}

/// What a client run under `/usr/bin/time` printed, and its peak RSS in KiB.
#[derive(Debug)]
pub struct Timed {
    pub stdout: String,
    pub rss_kib: u64,
}

/// Runs `program ARGS` under `/usr/bin/time -f %M` (the report goes to a file in `scratch`,
/// so the program's own stderr stays its own). Fails when the program fails.
pub fn timed(program: &Path, args: &[String], scratch: &Path) -> Result<Timed, String> {
    let rss_file = scratch.join("rss.txt");
    let shown = format!("{} {}", program.display(), args.join(" "));
    eprintln!("xtask bench: {shown}");
    let out = Command::new(TIME)
        .arg("-f")
        .arg("%M")
        .arg("-o")
        .arg(&rss_file)
        .arg(program)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot start {TIME}: {e}"))?;
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    if !out.status.success() {
        return Err(format!(
            "`{shown}` failed ({}):\n{stdout}{}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let report = fs::read_to_string(&rss_file).map_err(|e| format!("no {TIME} report: {e}"))?;
    let rss_kib = report
        .lines()
        .rev()
        .find_map(|l| l.trim().parse().ok())
        .ok_or_else(|| format!("{TIME} reported no RSS: {report:?}"))?;
    Ok(Timed { stdout, rss_kib })
}

/// `N <things> in S s: R <things>/s`, the last line of loadgen, bare-hyper, the aiomailru
/// script and pager_bench: (N, S).
pub fn count_and_seconds(stdout: &str) -> Result<(u64, f64), String> {
    let line = stdout
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or_default();
    let mut words = line.split_whitespace();
    let count = words.next().and_then(|w| w.parse().ok());
    let seconds = words.nth(2).and_then(|w| w.parse().ok());
    match (count, seconds) {
        (Some(n), Some(s)) if s > 0.0 => Ok((n, s)),
        _ => Err(format!("unexpected last line `{line}`")),
    }
}

/// A server the benchmark started; stopped (SIGTERM, then SIGKILL after 5 s) when dropped.
#[derive(Debug)]
pub struct Server {
    pub name: &'static str,
    child: Child,
}

impl Server {
    pub fn new(name: &'static str, child: Child) -> Self {
        Server { name, child }
    }

    /// Fails when the server has already exited.
    pub fn check_alive(&mut self) -> Result<(), String> {
        match self.child.try_wait() {
            Ok(None) => Ok(()),
            Ok(Some(status)) => Err(format!("{} exited: {status}", self.name)),
            Err(e) => Err(format!("{}: {e}", self.name)),
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Ok(Some(_)) = self.child.try_wait() {
            return;
        }
        // SIGTERM lets nginx's master stop its workers; std only sends SIGKILL.
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                eprintln!("xtask bench: stopped {}", self.name);
                return;
            }
            thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
        eprintln!("xtask bench: killed {}", self.name);
    }
}

/// Starts the emulator binary with `args` and reads the base URL it prints first.
pub fn emulator(binary: &Path, args: &[&str]) -> Result<(Server, String), String> {
    eprintln!("xtask bench: {} {}", binary.display(), args.join(" "));
    let child = Command::new(binary)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", binary.display()))?;
    let mut server = Server::new("the emulator", child);
    let stdout = server
        .child
        .stdout
        .take()
        .ok_or("the emulator's stdout is not piped")?;
    let mut line = String::new();
    BufReader::new(stdout)
        .read_line(&mut line)
        .map_err(|e| format!("reading the emulator's URL: {e}"))?;
    let url = line.trim().to_owned();
    if !url.starts_with("http://") {
        server.check_alive()?;
        return Err(format!("the emulator printed `{url}`, not its URL"));
    }
    Ok((server, url))
}

/// Waits until something accepts connections on `127.0.0.1:port`.
pub fn wait_for_port(server: &mut Server, port: u16) -> Result<(), String> {
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return Ok(());
        }
        server.check_alive()?;
        thread::sleep(Duration::from_millis(50));
    }
    Err(format!("{} does not listen on port {port}", server.name))
}

/// One HTTP/1.1 GET of `path` at `127.0.0.1:port`: (status line, headers, body). Enough
/// for the servers of the benchmark, which send a `Content-Length`.
pub fn http_get(port: u16, path: &str) -> Result<(String, String, Vec<u8>), String> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).map_err(|e| e.to_string())?;
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .map_err(|e| e.to_string())?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"
    )
    .map_err(|e| e.to_string())?;
    let mut raw = Vec::new();
    stream
        .read_to_end(&mut raw)
        .map_err(|e| format!("reading the answer: {e}"))?;
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or("no end of headers in the answer")?;
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let (status, headers) = head.split_once("\r\n").unwrap_or((&head, ""));
    if headers
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        return Err("a chunked answer (not supported here)".to_owned());
    }
    Ok((
        status.to_owned(),
        headers.to_owned(),
        raw[split + 4..].to_vec(),
    ))
}
