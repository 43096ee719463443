//! The default transport's options against small local servers on 127.0.0.1: TLS with a
//! certificate authority made at test time, the connect timeout, the closing of idle pooled
//! connections and the cap on requests in flight.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use mailru_api::{
    AccessToken, Api, Error, HyperTransport, PrivateKey, RetryPolicy, Session, TransportKind,
};
use mailru_emulator::accounts::*;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use serde_json::{Value, json};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::{TcpListener, TcpSocket, TcpStream};
use tokio::sync::{mpsc, watch};

fn session() -> Session {
    Session::client(
        APP_ID,
        PrivateKey::new(APP_PRIVATE_KEY),
        AccessToken::new(DEMO_SESSION_KEY),
        DEMO_UID,
    )
}

/// A client of `base` over `transport`, one attempt per call.
fn api(base: &str, transport: HyperTransport) -> Api {
    Api::builder(session())
        .base_url(base)
        .unwrap()
        .transport(transport)
        .retry(RetryPolicy::none())
        .build()
        .unwrap()
}

/// What the canned servers answer to every request.
fn canned() -> Value {
    json!([{"uid": DEMO_UID.to_string(), "first_name": "Дмитрий"}])
}

/// The errors of `err`'s `source()` chain.
fn chain(err: &Error) -> Vec<&(dyn std::error::Error + 'static)> {
    let mut out = Vec::new();
    let mut next = std::error::Error::source(err);
    while let Some(e) = next {
        out.push(e);
        next = e.source();
    }
    out
}

/// Reads one request head (GET, no body) and returns its request line; `None` at EOF.
async fn read_head(io: &mut (impl AsyncRead + Unpin)) -> Option<String> {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        match io.read(&mut byte).await {
            Ok(1) => head.push(byte[0]),
            _ => return None,
        }
    }
    let text = String::from_utf8_lossy(&head).into_owned();
    Some(text.lines().next().unwrap_or_default().to_owned())
}

/// Answers with the canned JSON, keeping the connection open.
async fn answer(io: &mut (impl AsyncWrite + Unpin)) {
    let body = canned().to_string();
    let head = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: text/javascript; charset=utf-8\r\n\
         Content-Length: {}\r\n\r\n",
        body.len()
    );
    io.write_all(head.as_bytes()).await.unwrap();
    io.write_all(body.as_bytes()).await.unwrap();
    io.flush().await.unwrap();
}

// ---------------------------------------------------------------------------------------
// TLS

/// A certificate authority and a certificate for `localhost` it signed, made now.
struct Pki {
    ca_der: Vec<u8>,
    ca_pem: String,
    leaf: CertificateDer<'static>,
    leaf_key: Vec<u8>,
}

fn pki() -> Pki {
    use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair};
    let ca_key = KeyPair::generate().unwrap();
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(DnType::CommonName, "mailru test CA");
    let ca = ca_params.self_signed(&ca_key).unwrap();
    let issuer = Issuer::new(ca_params, ca_key);
    let leaf_key = KeyPair::generate().unwrap();
    let leaf = CertificateParams::new(vec!["localhost".to_owned()])
        .unwrap()
        .signed_by(&leaf_key, &issuer)
        .unwrap();
    Pki {
        ca_der: ca.der().to_vec(),
        ca_pem: ca.pem(),
        leaf: leaf.der().clone(),
        leaf_key: leaf_key.serialize_der(),
    }
}

/// What the TLS server saw: request lines of completed handshakes, and failed handshakes.
#[derive(Default)]
struct TlsLog {
    requests: Mutex<Vec<String>>,
    refused: Mutex<Vec<String>>,
}

/// An HTTPS server on 127.0.0.1 with the `localhost` certificate, answering the canned
/// JSON to every request.
async fn tls_server(pki: &Pki) -> (u16, Arc<TlsLog>) {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(
            vec![pki.leaf.clone()],
            PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(pki.leaf_key.clone())),
        )
        .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let log = Arc::new(TlsLog::default());
    let seen = log.clone();
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let (acceptor, seen) = (acceptor.clone(), seen.clone());
            tokio::spawn(async move {
                match acceptor.accept(tcp).await {
                    Ok(mut tls) => {
                        while let Some(line) = read_head(&mut tls).await {
                            seen.requests.lock().unwrap().push(line);
                            answer(&mut tls).await;
                        }
                    }
                    Err(e) => seen.refused.lock().unwrap().push(e.to_string()),
                }
            });
        }
    });
    (port, log)
}

/// The rustls error of a TLS failure, reached through `source()`.
fn rustls_cause(err: &Error) -> rustls::Error {
    assert_eq!(err.transport_kind(), Some(TransportKind::Tls), "{err:?}");
    chain(err)
        .into_iter()
        .find_map(|e| e.downcast_ref::<rustls::Error>())
        .unwrap_or_else(|| panic!("no rustls error in the chain of {err:?}"))
        .clone()
}

#[tokio::test]
async fn tls_certificate_of_a_trusted_root_is_accepted() {
    let pki = pki();
    let (port, log) = tls_server(&pki).await;
    let base = format!("https://localhost:{port}");

    let by_der = HyperTransport::builder()
        .add_root_certificate_der(pki.ca_der.clone())
        .unwrap()
        .build();
    assert_eq!(
        api(&base, by_der).call("users.getInfo", ()).await.unwrap(),
        canned()
    );
    let by_pem = HyperTransport::builder()
        .add_root_certificates_pem(&pki.ca_pem)
        .unwrap()
        .build();
    let raw = api(&base, by_pem)
        .call_raw("users.getInfo", ())
        .await
        .unwrap();
    assert_eq!((raw.status, raw.body), (200, canned().to_string()));

    let requests = log.requests.lock().unwrap().clone();
    assert_eq!(requests.len(), 2, "{requests:?}");
    for line in &requests {
        assert!(line.starts_with("GET /platform/api?"), "{line}");
        assert!(line.ends_with(" HTTP/1.1"), "{line}");
    }
    assert!(log.refused.lock().unwrap().is_empty());
}

#[tokio::test]
async fn tls_certificate_of_an_unknown_root_is_refused() {
    let pki = pki();
    let (port, log) = tls_server(&pki).await;
    let err = api(
        &format!("https://localhost:{port}"),
        HyperTransport::builder().build(),
    )
    .call("users.getInfo", ())
    .await
    .unwrap_err();
    assert_eq!(
        rustls_cause(&err),
        rustls::Error::InvalidCertificate(rustls::CertificateError::UnknownIssuer)
    );
    assert!(err.is_retryable());
    assert_eq!(
        err.to_string(),
        "TLS handshake failed: invalid peer certificate: UnknownIssuer"
    );
    // The server learns of the refusal from the client's alert, on its own task.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    while log.refused.lock().unwrap().is_empty() && tokio::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let refused = log.refused.lock().unwrap().clone();
    assert_eq!(refused.len(), 1, "one handshake, refused: {refused:?}");
    assert!(
        refused[0].contains("UnknownCA"),
        "the client's alert: {refused:?}"
    );
    assert!(log.requests.lock().unwrap().is_empty(), "nothing was sent");
}

#[tokio::test]
async fn tls_certificate_for_another_name_is_refused_even_from_a_trusted_root() {
    let pki = pki();
    let (port, log) = tls_server(&pki).await;
    let transport = HyperTransport::builder()
        .add_root_certificate_der(pki.ca_der.clone())
        .unwrap()
        .build();
    // The certificate names `localhost`, not `127.0.0.1`.
    let err = api(&format!("https://127.0.0.1:{port}"), transport)
        .call("users.getInfo", ())
        .await
        .unwrap_err();
    let cause = rustls_cause(&err);
    assert!(
        matches!(
            cause,
            rustls::Error::InvalidCertificate(
                rustls::CertificateError::NotValidForName
                    | rustls::CertificateError::NotValidForNameContext { .. }
            )
        ),
        "{cause:?}"
    );
    assert!(log.requests.lock().unwrap().is_empty());
}

#[test]
fn unusable_root_certificates_are_refused_by_the_builder() {
    let err = HyperTransport::builder()
        .add_root_certificate_der(b"not DER".to_vec())
        .unwrap_err();
    assert!(matches!(err, Error::InvalidRequest { .. }), "{err:?}");
    let err = HyperTransport::builder()
        .add_root_certificates_pem("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n")
        .unwrap_err();
    assert!(err.to_string().contains("no CERTIFICATE section"), "{err}");
}

// ---------------------------------------------------------------------------------------
// Connect timeout

#[tokio::test]
async fn connect_timeout_ends_a_connect_that_hangs() {
    // A listener with a backlog of one that never accepts: once its queue is full the
    // kernel drops new SYNs, and a connect hangs.
    let socket = TcpSocket::new_v4().unwrap();
    socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let listener = socket.listen(1).unwrap();
    let addr = listener.local_addr().unwrap();
    let mut queued = Vec::new();
    loop {
        match tokio::time::timeout(Duration::from_millis(300), TcpStream::connect(addr)).await {
            Ok(Ok(stream)) => queued.push(stream),
            Ok(Err(e)) => panic!("connect failed instead of hanging: {e}"),
            Err(_) => break,
        }
        assert!(queued.len() < 64, "the backlog never filled");
    }

    let transport = HyperTransport::builder()
        .connect_timeout(Duration::from_millis(200))
        .build();
    let api = Api::builder(session())
        .base_url(&format!("http://{addr}"))
        .unwrap()
        .transport(transport)
        .attempt_timeout(Duration::from_secs(60))
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let err = api.call("users.getInfo", ()).await.unwrap_err();
    // A transport error, not the attempt's `Error::Timeout(60 s)`.
    assert_eq!(
        err.transport_kind(),
        Some(TransportKind::Connect),
        "{err:?}"
    );
    let timed_out = chain(&err)
        .into_iter()
        .filter_map(|e| e.downcast_ref::<std::io::Error>())
        .any(|io| io.kind() == std::io::ErrorKind::TimedOut);
    assert!(timed_out, "no timed-out io error in {err:?}");
    drop((queued, listener));
}

// ---------------------------------------------------------------------------------------
// Idle pooled connections

/// What a plain HTTP server saw of one connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ConnEvent {
    Request(usize),
    Closed(usize),
}

/// A keep-alive HTTP server answering the canned JSON; reports each request and each
/// connection the client closed, by connection number.
async fn plain_server() -> (String, mpsc::UnboundedReceiver<ConnEvent>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (tx, rx) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        let mut n = 0;
        while let Ok((mut tcp, _)) = listener.accept().await {
            let (tx, id) = (tx.clone(), n);
            n += 1;
            tokio::spawn(async move {
                while read_head(&mut tcp).await.is_some() {
                    let _ = tx.send(ConnEvent::Request(id));
                    answer(&mut tcp).await;
                }
                let _ = tx.send(ConnEvent::Closed(id));
            });
        }
    });
    (base, rx)
}

#[tokio::test]
async fn idle_pooled_connections_are_closed_after_the_pool_idle_timeout() {
    let (base, mut events) = plain_server().await;
    // Two clients alive side by side: the default keeps its idle connection (90 s), the
    // short one closes its own.
    let keeps = api(&base, HyperTransport::builder().build());
    let closes = api(
        &base,
        HyperTransport::builder()
            .pool_idle_timeout(Duration::from_millis(300))
            .build(),
    );
    assert_eq!(keeps.call("users.getInfo", ()).await.unwrap(), canned());
    assert_eq!(events.recv().await, Some(ConnEvent::Request(0)));
    assert_eq!(closes.call("users.getInfo", ()).await.unwrap(), canned());
    assert_eq!(events.recv().await, Some(ConnEvent::Request(1)));
    // The next event is the short client closing its idle connection, while both clients
    // are alive and the default one's connection, idle for longer, stays open.
    let next = tokio::time::timeout(Duration::from_secs(20), events.recv()).await;
    assert_eq!(next, Ok(Some(ConnEvent::Closed(1))));
    // The default client still has its pooled connection, and reuses it.
    assert_eq!(keeps.call("users.getInfo", ()).await.unwrap(), canned());
    assert_eq!(events.recv().await, Some(ConnEvent::Request(0)));
    drop((keeps, closes));
    assert_eq!(events.recv().await, Some(ConnEvent::Closed(0)));
}

// ---------------------------------------------------------------------------------------
// Requests in flight

/// A server that holds every request until released; counts requests in progress.
#[derive(Default)]
struct Gate {
    now: AtomicUsize,
    peak: AtomicUsize,
    total: AtomicUsize,
}

async fn gated_server(release: watch::Receiver<bool>) -> (String, Arc<Gate>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let gate = Arc::new(Gate::default());
    let counts = gate.clone();
    tokio::spawn(async move {
        while let Ok((mut tcp, _)) = listener.accept().await {
            let (counts, mut release) = (counts.clone(), release.clone());
            tokio::spawn(async move {
                while read_head(&mut tcp).await.is_some() {
                    let now = counts.now.fetch_add(1, Ordering::SeqCst) + 1;
                    counts.peak.fetch_max(now, Ordering::SeqCst);
                    counts.total.fetch_add(1, Ordering::SeqCst);
                    let _ = release.wait_for(|open| *open).await;
                    counts.now.fetch_sub(1, Ordering::SeqCst);
                    answer(&mut tcp).await;
                }
            });
        }
    });
    (base, gate)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn max_in_flight_caps_the_requests_a_transport_has_at_once() {
    let (release, rx) = watch::channel(false);
    let (base, gate) = gated_server(rx).await;
    let api = api(&base, HyperTransport::builder().max_in_flight(3).build());
    let calls: Vec<_> = (0..12)
        .map(|_| {
            let api = api.clone();
            tokio::spawn(async move { api.call("users.getInfo", ()).await })
        })
        .collect();
    // Three requests reach the server; the other nine wait for a turn.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    while gate.now.load(Ordering::SeqCst) < 3 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "three never arrived"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(gate.total.load(Ordering::SeqCst), 3, "a fourth got through");
    release.send(true).unwrap();
    for call in calls {
        assert_eq!(call.await.unwrap().unwrap(), canned());
    }
    assert_eq!(gate.total.load(Ordering::SeqCst), 12);
    assert_eq!(gate.peak.load(Ordering::SeqCst), 3);
}
