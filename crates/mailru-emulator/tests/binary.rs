//! The `mailru-emulator` binary prints its base URL first and then serves.

use std::process::Stdio;

use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::Command;

#[tokio::test]
async fn binary_prints_base_url_then_serves() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_mailru-emulator"))
        .args(["--port", "0", "--seed", "7"])
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line).await.unwrap();
    let base = line.trim();
    assert!(base.starts_with("http://127.0.0.1:"), "{base}");
    let addr = base.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    use tokio::io::AsyncWriteExt;
    stream
        .write_all(b"GET /_emulator/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let mut resp = String::new();
    tokio::io::AsyncReadExt::read_to_string(&mut stream, &mut resp)
        .await
        .unwrap();
    assert!(resp.starts_with("HTTP/1.1 200"), "{resp}");
    child.kill().await.unwrap();
}

#[tokio::test]
async fn binary_rejects_bad_arguments() {
    let out = Command::new(env!("CARGO_BIN_EXE_mailru-emulator"))
        .args(["--port", "not-a-number"])
        .output()
        .await
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("--port") && stderr.contains("not-a-number"),
        "{stderr}"
    );
}

/// `--community-events 4294967295` used to be accepted and then overflowed the event-time
/// arithmetic on the first read; the binary now refuses values over the maximum.
#[tokio::test]
async fn binary_rejects_community_events_over_the_maximum() {
    let child = Command::new(env!("CARGO_BIN_EXE_mailru-emulator"))
        .args(["--port", "0", "--community-events", "4294967295"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let out = tokio::time::timeout(std::time::Duration::from_secs(20), child.wait_with_output())
        .await
        .expect("the binary exits instead of serving")
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("--community-events") && stderr.contains("10000000"),
        "{stderr}"
    );
    let over = Command::new(env!("CARGO_BIN_EXE_mailru-emulator"))
        .args(["--community-events", "10000001"])
        .output()
        .await
        .unwrap();
    assert_eq!(over.status.code(), Some(2));
}
