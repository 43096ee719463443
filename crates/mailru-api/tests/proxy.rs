//! The default transport tunnels through an HTTP proxy with CONNECT.

use std::sync::{Arc, Mutex};

use mailru_api::{AccessToken, Api, HyperTransport, PrivateKey, Session};
use mailru_emulator::{Emulator, accounts};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

/// A minimal CONNECT proxy on loopback; records the targets it was asked for.
async fn proxy() -> (String, Arc<Mutex<Vec<String>>>) {
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
                let mut upstream = TcpStream::connect(&target).await.unwrap();
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
    let (proxy_url, seen) = proxy().await;
    let session = Session::client(
        accounts::APP_ID,
        PrivateKey::new(accounts::APP_PRIVATE_KEY),
        AccessToken::new(accounts::DEMO_SESSION_KEY),
        accounts::DEMO_UID,
    );
    let api = Api::builder(session)
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
