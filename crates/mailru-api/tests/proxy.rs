//! The default transport tunnels through an HTTP proxy with CONNECT: a configured proxy
//! carries every destination; a proxy from the environment carries all but loopback, and
//! `proxy_from_env(false)` turns it off.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use mailru_api::{AccessToken, Api, HyperTransport, PrivateKey, Session};
use mailru_emulator::{Emulator, accounts};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

/// A minimal CONNECT proxy on loopback; records the request lines it was sent. It
/// tunnels to the requested target, or to `upstream` whatever the target.
async fn proxy_to(upstream: Option<SocketAddr>) -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let record = seen.clone();
    tokio::spawn(async move {
        while let Ok((client, _)) = listener.accept().await {
            let record = record.clone();
            tokio::spawn(async move {
                let mut client = BufReader::new(client);
                let mut line = String::new();
                client.read_line(&mut line).await.unwrap();
                // Skip the rest of the request head.
                let mut header = String::new();
                while client.read_line(&mut header).await.unwrap() > 2 {
                    header.clear();
                }
                let target = line.split_whitespace().nth(1).unwrap_or("").to_owned();
                record.lock().unwrap().push(line.trim().to_owned());
                let mut upstream = match upstream {
                    Some(addr) => TcpStream::connect(addr).await.unwrap(),
                    None => TcpStream::connect(&target).await.unwrap(),
                };
                let mut client = client.into_inner();
                client
                    .write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")
                    .await
                    .unwrap();
                let _ = tokio::io::copy_bidirectional(&mut client, &mut upstream).await;
            });
        }
    });
    (format!("http://{addr}"), seen)
}

#[tokio::test(flavor = "multi_thread")]
async fn requests_go_through_the_configured_proxy() {
    let emu = Emulator::builder().start().await.unwrap();
    let (proxy_url, seen) = proxy_to(None).await;
    let api = Api::builder(session())
        .base_url(emu.base_url())
        .unwrap()
        .transport(HyperTransport::builder().proxy(proxy_url).build())
        .build()
        .unwrap();
    let me = api.call("users.getInfo", ()).await.unwrap();
    assert_eq!(me[0]["uid"], accounts::DEMO_UID.to_string());
    let target = emu.base_url().trim_start_matches("http://").to_owned();
    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen, vec![format!("CONNECT {target} HTTP/1.1")]);
}

fn session() -> Session {
    Session::client(
        accounts::APP_ID,
        PrivateKey::new(accounts::APP_PRIVATE_KEY),
        AccessToken::new(accounts::DEMO_SESSION_KEY),
        accounts::DEMO_UID,
    )
}

/// The test's full name in this binary: its module path without the crate's name.
fn exact_name() -> String {
    match module_path!().split_once("::") {
        Some((_, module)) => format!("{module}::{TEST_NAME}"),
        None => TEST_NAME.to_owned(),
    }
}

/// Set (to the emulator's port) in the child process of the test below.
const CHILD: &str = "MAILRU_TEST_ENV_PROXY_CHILD";
const TEST_NAME: &str = "env_proxies_spare_loopback_and_can_be_turned_off";

/// The process environment cannot be changed safely in a test (`set_var` is unsafe and
/// tests run on threads), so the test runs itself again as a child process whose proxy
/// variables all name a recording proxy that tunnels any target to the emulator. The
/// child calls the emulator by `127.0.0.1`, `localhost` and `0.0.0.0` (which reaches
/// loopback too but is not a loopback name, so the environment's proxy applies); the
/// parent then reads what the proxy saw.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn env_proxies_spare_loopback_and_can_be_turned_off() {
    if let Ok(port) = std::env::var(CHILD) {
        return child(port.parse().unwrap()).await;
    }
    let emu = Emulator::builder().start().await.unwrap();
    let (proxy_url, seen) = proxy_to(Some(emu.addr())).await;
    let port = emu.addr().port();
    let exe = std::env::current_exe().unwrap();
    let mut command = std::process::Command::new(exe);
    command
        .args([&exact_name(), "--exact", "--nocapture", "--test-threads=1"])
        .env(CHILD, port.to_string());
    for name in ["HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"] {
        command.env(name, &proxy_url);
    }
    for name in [
        "http_proxy",
        "https_proxy",
        "all_proxy",
        "NO_PROXY",
        "no_proxy",
        "REQUEST_METHOD",
    ] {
        command.env_remove(name);
    }
    let output = tokio::task::spawn_blocking(move || command.output())
        .await
        .unwrap()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "the child failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        stdout.contains("1 passed"),
        "the child ran no test:\n{stdout}"
    );
    // Only the call to 0.0.0.0 with the environment's proxy went through it.
    assert_eq!(
        seen.lock().unwrap().clone(),
        vec![format!("CONNECT 0.0.0.0:{port} HTTP/1.1")]
    );
    let served: Vec<_> = emu.requests().iter().map(|r| r.status).collect();
    assert_eq!(served, vec![Some(200); 4]);
}

/// The child's side: four calls that must all succeed.
async fn child(port: u16) {
    let proxied = std::env::var("HTTP_PROXY").unwrap();
    assert!(proxied.starts_with("http://127.0.0.1:"), "{proxied}");
    for (host, transport) in [
        ("127.0.0.1", HyperTransport::new()),
        ("localhost", HyperTransport::new()),
        ("0.0.0.0", HyperTransport::new()),
        (
            "0.0.0.0",
            HyperTransport::builder().proxy_from_env(false).build(),
        ),
    ] {
        let api = Api::builder(session())
            .base_url(&format!("http://{host}:{port}"))
            .unwrap()
            .transport(transport)
            .retry(mailru_api::RetryPolicy::none())
            .build()
            .unwrap();
        let me = api.call("users.getInfo", ()).await.unwrap();
        assert_eq!(me[0]["uid"], accounts::DEMO_UID.to_string(), "{host}");
    }
}
