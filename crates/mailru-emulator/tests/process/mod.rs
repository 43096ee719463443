//! The emulator binary in a process of its own, for tests that measure its memory (its
//! resident set is then its alone). Shared by the tests that include it with `mod process;`.
#![allow(dead_code)]

use std::process::Stdio;

use mailru_emulator::accounts::*;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

use crate::common::{Circuit, encode, sign};

/// A running emulator binary; killed when dropped.
pub struct Served {
    child: Child,
    pub base: String,
}

/// Starts the binary on a free port with seed 7 and `args`; returns once it printed its
/// base URL.
pub async fn serve(args: &[&str]) -> Served {
    let mut child = Command::new(env!("CARGO_BIN_EXE_mailru-emulator"))
        .args(["--port", "0", "--seed", "7"])
        .args(args)
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .await
        .unwrap();
    Served {
        child,
        base: line.trim().to_owned(),
    }
}

impl Served {
    /// `host:port`.
    pub fn addr(&self) -> &str {
        self.base.trim_start_matches("http://")
    }

    /// A signed GET URL of `method` with the demo session.
    pub fn url(&self, method: &str, extra: &[(&str, &str)]) -> String {
        let app = APP_ID.to_string();
        let mut params = vec![
            ("app_id", app.as_str()),
            ("method", method),
            ("session_key", DEMO_SESSION_KEY),
        ];
        params.extend_from_slice(extra);
        let signed = sign(&params, Circuit::Client, &DEMO_UID.to_string());
        format!("{}/platform/api?{}", self.base, encode(&signed))
    }

    /// A memory figure of `/proc/PID/status` in KiB: `VmRSS` (now) or `VmHWM` (peak).
    pub fn memory_kib(&self, field: &str) -> u64 {
        let pid = self.child.id().unwrap();
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
        status
            .lines()
            .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap()
    }
}
