//! A community of millions of events costs nothing until read: the events are derived from
//! the seed when a page asks for them, never stored. Measured on the emulator binary (its
//! own process, so that the resident memory is its alone): serving pages of a community of
//! the maximum size takes about the memory of serving the default one.

#![cfg(target_os = "linux")]

mod common;

use std::process::Stdio;

use common::{Circuit, Http, encode, sign};
use mailru_emulator::MAX_EVENTS;
use mailru_emulator::accounts::*;
use serde_json::Value;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

/// Far below what stored events would take (tens of bytes each: hundreds of MiB for the
/// maximum), far above the noise of allocator pools between two runs.
const SLACK_KIB: u64 = 16 * 1024;

struct Served {
    child: Child,
    base: String,
}

async fn serve(events: u32) -> Served {
    let mut child = Command::new(env!("CARGO_BIN_EXE_mailru-emulator"))
        .args(["--port", "0", "--seed", "7", "--community-events"])
        .arg(events.to_string())
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
    async fn ok(&self, http: &Http, method: &str, extra: &[(&str, &str)]) -> Value {
        let app = APP_ID.to_string();
        let mut params = vec![
            ("app_id", app.as_str()),
            ("method", method),
            ("session_key", DEMO_SESSION_KEY),
        ];
        params.extend_from_slice(extra);
        let signed = sign(&params, Circuit::Client, &DEMO_UID.to_string());
        let url = format!("{}/platform/api?{}", self.base, encode(&signed));
        let r = http.get(&url).await;
        assert_eq!(r.status, 200, "{method}: {}", r.text());
        r.json()
    }

    /// The process's peak resident set (VmHWM), in KiB.
    fn peak_rss_kib(&self) -> u64 {
        let pid = self.child.id().unwrap();
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap()
    }

    /// The first page, a page deep in the stream (past a skip cursor) and the
    /// community's profile with its event count.
    async fn read_some(&self, http: &Http, events: u32) -> u64 {
        let uid = BIG_COMMUNITY_UID.to_string();
        let page = self
            .ok(
                http,
                "stream.getByAuthor",
                &[("uid", &uid), ("limit", "100")],
            )
            .await;
        assert_eq!(page.as_array().unwrap().len(), 100);
        let last = page[99]["id"].as_str().unwrap().to_owned();
        let next = self
            .ok(
                http,
                "stream.getByAuthor",
                &[("uid", &uid), ("skip", &last), ("limit", "100")],
            )
            .await;
        assert_eq!(next.as_array().unwrap().len(), 100);
        assert!(next[0]["time"].as_u64() <= page[99]["time"].as_u64());
        let info = self.ok(http, "users.getInfo", &[("uids", &uid)]).await;
        assert_eq!(info[0]["group_info"]["posts_cnt"], u64::from(events));
        self.peak_rss_kib()
    }
}

#[tokio::test]
async fn big_streams_cost_nothing_until_read() {
    let http = Http::default();
    let small_events = 1_200;
    let small = serve(small_events).await;
    let huge = serve(MAX_EVENTS).await;
    let small_kib = small.read_some(&http, small_events).await;
    let huge_kib = huge.read_some(&http, MAX_EVENTS).await;
    assert!(
        huge_kib < small_kib + SLACK_KIB,
        "peak RSS with {MAX_EVENTS} events: {huge_kib} KiB, with {small_events}: {small_kib} KiB"
    );
}
