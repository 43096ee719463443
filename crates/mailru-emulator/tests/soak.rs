//! Soaks: the emulator under a crowd of 2,000 idle connections keeps answering other
//! clients, and its memory stays bounded while 100,000 requests with large bodies go
//! through. Too heavy for every test run: `cargo xtask soak` runs them (release build).
//! Measured on the emulator binary, in its own process, so that its resident memory is
//! its alone.

#![cfg(target_os = "linux")]

use crate::common;
use crate::process;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use bytes::Bytes;
use common::{Circuit, Http, encode, sign};
use hyper::Method;
use mailru_emulator::accounts::*;
use process::serve;
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;

const HANG_GUARD: Duration = Duration::from_secs(30);
const FORM: &str = "application/x-www-form-urlencoded";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "soak: run by `cargo xtask soak`"]
async fn two_thousand_idle_connections_do_not_keep_other_clients_out() {
    let emu = serve(&[]).await;
    let http = Http::default();
    let mut idle = Vec::with_capacity(2_000);
    for i in 0..2_000 {
        let mut c = TcpStream::connect(emu.addr()).await.unwrap();
        if i % 2 == 0 {
            // Half of them start a request and stall.
            c.write_all(b"GET /platform/api?meth").await.unwrap();
        }
        idle.push(c);
    }
    for _ in 0..20 {
        let r = tokio::time::timeout(HANG_GUARD, http.get(&emu.url("friends.getOnline", &[])))
            .await
            .expect("answered despite 2,000 idle connections");
        assert_eq!(r.status, 200, "{}", r.text());
    }
    drop(idle);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "soak: run by `cargo xtask soak`"]
async fn memory_stays_bounded_over_a_hundred_thousand_large_bodies() {
    /// Past the point where the request log (64 MiB, values cut at 4 KiB) is full.
    const WARM: u64 = 30_000;
    const REQUESTS: u64 = 100_000;
    const IN_FLIGHT: u64 = 32;
    let emu = serve(&[]).await;
    let http = Http::default();
    // A POSTed read with a 48 KiB parameter the method ignores: the body is read, parsed,
    // checked, logged and answered; nothing is stored but the (bounded) log entry.
    let filler = "x".repeat(48 * 1024);
    let app = APP_ID.to_string();
    let body = Bytes::from(encode(&sign(
        &[
            ("app_id", &app),
            ("method", "users.getInfo"),
            ("session_key", DEMO_SESSION_KEY),
            ("filler", &filler),
        ],
        Circuit::Client,
        &DEMO_UID.to_string(),
    )));
    let url = format!("{}/platform/api", emu.base);
    let sent = Arc::new(AtomicU64::new(0));
    let run = |until: u64| {
        let workers: Vec<_> = (0..IN_FLIGHT)
            .map(|_| {
                let (http, url, body, sent) =
                    (http.clone(), url.clone(), body.clone(), sent.clone());
                tokio::spawn(async move {
                    while sent.fetch_add(1, Ordering::Relaxed) < until {
                        let r = http
                            .send(Method::POST, &url, Some(FORM), body.clone(), &[])
                            .await
                            .unwrap();
                        assert_eq!(r.status, 200, "{}", r.text());
                    }
                })
            })
            .collect();
        async move {
            for w in workers {
                w.await.unwrap();
            }
        }
    };
    run(WARM).await;
    let warm_kib = emu.memory_kib("VmRSS");
    sent.store(WARM, Ordering::Relaxed);
    run(REQUESTS).await;
    let done_kib = emu.memory_kib("VmRSS");
    eprintln!(
        "emulator RSS after {WARM} large bodies: {warm_kib} KiB, after {REQUESTS}: {done_kib} KiB"
    );
    assert!(
        done_kib < warm_kib + warm_kib / 5 + 8 * 1024,
        "RSS grew from {warm_kib} KiB to {done_kib} KiB"
    );
}
