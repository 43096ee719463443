//! Connection handling: slow and idle connections are closed, and a crowd of idle
//! connections cannot keep a real client out. Timeouts here are short and configured per
//! test; the generous outer timeouts only turn a hang into a failure.

use crate::common;

use std::time::Duration;

use common::{Circuit, Env};
use hyper::StatusCode;
use mailru_emulator::{Emulator, Fault, FaultKind};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const HANG_GUARD: Duration = Duration::from_secs(15);

async fn connect(env: &Env) -> TcpStream {
    TcpStream::connect(env.emu.addr()).await.unwrap()
}

/// Reads until the peer closes the connection (EOF or reset); what was read.
async fn read_until_closed(stream: &mut TcpStream) -> Vec<u8> {
    let mut seen = Vec::new();
    let closed = tokio::time::timeout(HANG_GUARD, async {
        let mut buf = [0u8; 4096];
        loop {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(n) => seen.extend_from_slice(&buf[..n]),
            }
        }
    })
    .await;
    assert!(closed.is_ok(), "the emulator kept the connection open");
    seen
}

#[tokio::test]
async fn a_half_sent_request_line_is_cut_off_after_the_header_timeout() {
    let builder = Emulator::builder()
        .seed(7)
        .header_read_timeout(Duration::from_millis(300));
    let env = Env::with(builder).await;
    let mut slow = connect(&env).await;
    slow.write_all(b"GET /platform/ap").await.unwrap();
    let answer = read_until_closed(&mut slow).await;
    assert!(
        answer.is_empty() || answer.starts_with(b"HTTP/1.1 408"),
        "{}",
        String::from_utf8_lossy(&answer)
    );
    // Others are served as before.
    let r = env.http.get(&env.url("/_emulator/health")).await;
    assert_eq!(r.status, StatusCode::OK);
}

#[tokio::test]
async fn an_idle_keep_alive_connection_is_closed() {
    let builder = Emulator::builder()
        .seed(7)
        .keep_alive_timeout(Duration::from_millis(300));
    let env = Env::with(builder).await;
    let mut conn = connect(&env).await;
    conn.write_all(b"GET /_emulator/health HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    let answer = read_until_closed(&mut conn).await;
    let text = String::from_utf8_lossy(&answer);
    assert!(text.starts_with("HTTP/1.1 200"), "{text}");
    assert!(text.ends_with("{\"status\":\"ok\"}"), "{text}");
}

/// With room for 16 connections, 300 idle ones (half of them with half a request line)
/// arrive first; the idlest are closed to make room, so a real client is still answered,
/// and a request in flight is never the one closed.
#[tokio::test]
async fn many_idle_connections_do_not_keep_a_client_out() {
    let env = Env::with(Emulator::builder().seed(7).max_connections(16)).await;
    env.emu
        .inject(Fault::new(FaultKind::Delay { ms: 500 }).target("users.getInfo"));
    let busy = {
        let (http, url) = (env.http.clone(), env.url("/platform/api"));
        let params = common::sign(
            &[
                ("app_id", &mailru_emulator::accounts::APP_ID.to_string()),
                ("method", "users.getInfo"),
                ("session_key", mailru_emulator::accounts::DEMO_SESSION_KEY),
            ],
            Circuit::Server,
            "",
        );
        tokio::spawn(async move {
            http.get(&format!("{url}?{}", common::encode(&params)))
                .await
        })
    };
    tokio::time::sleep(Duration::from_millis(100)).await;
    let mut idle = Vec::new();
    for i in 0..300 {
        let mut c = connect(&env).await;
        if i % 2 == 0 {
            c.write_all(b"GET /platform/api?meth").await.unwrap();
        }
        idle.push(c);
    }
    let answered = tokio::time::timeout(
        HANG_GUARD,
        env.call(Circuit::Client, "friends.getOnline", &[]),
    )
    .await
    .expect("a new client is answered despite 300 idle connections");
    assert_eq!(answered.status, StatusCode::OK, "{}", answered.text());
    let busy = tokio::time::timeout(HANG_GUARD, busy)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        busy.status,
        StatusCode::OK,
        "the request in flight completed"
    );
    // The cap held: all but a few of the idle connections were closed to make room.
    let mut closed = 0;
    for c in &idle {
        let mut buf = [0u8; 64];
        match c.try_read(&mut buf) {
            Ok(0) => closed += 1,
            Err(e) if e.kind() != std::io::ErrorKind::WouldBlock => closed += 1,
            _ => {}
        }
    }
    assert!(
        closed >= 280,
        "only {closed} of 300 idle connections were closed"
    );
}
