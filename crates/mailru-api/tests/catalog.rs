//! The client's method catalog against the platform spec (`../shared/spec/methods.json`),
//! and the policies the catalog drives: which calls are repeated, which errors keep their
//! cause.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use mailru_api::{
    Access, AccessToken, Api, Error, ItemKey, MethodInfo, Paging, PrivateKey, RetryPolicy, Session,
    Signing, TransportKind,
};
use mailru_emulator::{Emulator, Fault, FaultKind, accounts};
use serde_json::Value;

/// A file of the shared spec folder beside the repository. Missing: a failure when `CI` is
/// set (the spec is what the catalog is checked against), else `None` with a notice.
fn shared(relative: &str) -> Option<PathBuf> {
    let path =
        PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/")).join(relative);
    if path.exists() {
        return Some(path);
    }
    let ci = std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0");
    assert!(
        !ci,
        "{} is missing (CI is set: the shared spec is required)",
        path.display()
    );
    eprintln!(
        "NOTICE: {} is missing; the catalog check did not run",
        path.display()
    );
    None
}

/// How methods.json says a method pages.
fn spec_paging(text: &str) -> Paging {
    match text {
        "none" => Paging::None,
        "skip-cursor" => Paging::Skip,
        "offset" => Paging::Offset { limit: false },
        t if t.starts_with("offset-limit") => Paging::Offset { limit: true },
        other => panic!("unknown pagination `{other}` in methods.json"),
    }
}

/// Whether methods.json makes a method a write: POST only, or a GET-or-POST method that
/// obviously changes state (the catalog's rule, decisions.md's spirit: when in doubt, a
/// write is not repeated).
fn spec_write(name: &str, http: &str) -> bool {
    const CHANGING_VERBS: [&str; 5] = ["like", "unlike", "join", "set", "openDialog"];
    http == "POST" || CHANGING_VERBS.contains(&name.rsplit('.').next().unwrap_or(""))
}

fn spec_privilege(text: &str) -> Option<String> {
    let first = text.split_whitespace().next().unwrap_or("");
    (!matches!(first, "none" | "unknown" | "")).then(|| first.to_owned())
}

fn spec_signing(text: &str) -> Signing {
    if text.starts_with("server-server only") {
        Signing::ServerOnly
    } else if text.starts_with("client-server only") {
        Signing::ClientOnly
    } else {
        Signing::Any
    }
}

#[test]
fn the_catalog_agrees_with_the_spec() {
    let Some(path) = shared("spec/methods.json") else {
        return;
    };
    let spec: Vec<Value> = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let spec: BTreeMap<&str, &Value> = spec
        .iter()
        .map(|m| (m["method"].as_str().unwrap(), m))
        .collect();
    let ours: BTreeMap<&str, &MethodInfo> =
        mailru_api::catalog().iter().map(|m| (m.name, m)).collect();
    assert_eq!(
        ours.keys().collect::<Vec<_>>(),
        spec.keys().collect::<Vec<_>>(),
        "the same 38 names"
    );
    for (name, m) in &spec {
        let info = ours[name];
        let field = |k: &str| m[k].as_str().unwrap_or_default();
        assert_eq!(
            info.paging,
            spec_paging(field("pagination")),
            "{name}: paging"
        );
        let write = spec_write(name, field("http"));
        assert_eq!(info.access == Access::Write, write, "{name}: read or write");
        assert_eq!(
            info.privilege.map(str::to_owned),
            spec_privilege(field("permission")),
            "{name}: privilege"
        );
        assert_eq!(
            info.signing,
            spec_signing(field("signing")),
            "{name}: signing"
        );
        let doubtful = field("confidence") == "doubtful";
        assert_eq!(
            info.evidence == mailru_api::Evidence::Doubtful,
            doubtful,
            "{name}: evidence"
        );
        if info.paging == Paging::Skip {
            assert_eq!(
                info.item_key,
                ItemKey::Field("id"),
                "{name}: the cursor is the id"
            );
        }
    }
}

fn session() -> Session {
    Session::client(
        accounts::APP_ID,
        PrivateKey::new(accounts::APP_PRIVATE_KEY),
        AccessToken::new(accounts::DEMO_SESSION_KEY),
        accounts::DEMO_UID,
    )
}

fn fast_retry() -> RetryPolicy {
    RetryPolicy {
        base_delay: Duration::from_millis(1),
        ..RetryPolicy::default()
    }
}

#[tokio::test]
async fn a_name_outside_the_catalog_is_sent_once_unless_declared_safe() {
    let emu = Emulator::builder().start().await.unwrap();
    let api = Api::builder(session())
        .base_url(emu.base_url())
        .unwrap()
        .retry(fast_retry())
        .build()
        .unwrap();
    let sent = |method: &str| {
        emu.requests()
            .iter()
            .filter(|r| r.method.as_deref() == Some(method))
            .count()
    };
    // An undocumented method (a write, for all we know) behind two 503s: sent once.
    emu.inject(
        Fault::new(FaultKind::HttpStatus { status: 503 })
            .target("photos.delete")
            .times(2),
    );
    let err = api.call("photos.delete", [("pid", "1")]).await.unwrap_err();
    assert!(matches!(err, Error::Http { status: 503, .. }), "{err:?}");
    assert_eq!(sent("photos.delete"), 1);
    // A typo in case is not the catalog's read method either.
    emu.inject(
        Fault::new(FaultKind::HttpStatus { status: 503 })
            .target("users.getinfo")
            .times(2),
    );
    assert!(api.call("users.getinfo", ()).await.is_err());
    assert_eq!(sent("users.getinfo"), 1);
    // The catalog's read is retried through the same two 503s...
    emu.inject(
        Fault::new(FaultKind::HttpStatus { status: 503 })
            .target("users.getInfo")
            .times(2),
    );
    api.call("users.getInfo", ()).await.expect("retried");
    assert_eq!(sent("users.getInfo"), 3);
    // ...and so is a name the caller declared a read.
    emu.clear_requests();
    let declared = Api::builder(session())
        .base_url(emu.base_url())
        .unwrap()
        .retry(fast_retry())
        .declare(MethodInfo::read("widget.getItems"))
        .build()
        .unwrap();
    emu.inject(
        Fault::new(FaultKind::HttpStatus { status: 503 })
            .target("widget.getItems")
            .times(2),
    );
    let err = declared.call("widget.getItems", ()).await.unwrap_err();
    assert_eq!(
        err.api_code(),
        Some(2),
        "the emulator does not know it: {err:?}"
    );
    assert_eq!(sent("widget.getItems"), 3, "two 503s, then the answer");
}

#[tokio::test]
async fn the_source_chain_of_a_refused_connection_reaches_the_io_error() {
    // A port nobody listens on: bind one, note it, close it.
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let api = Api::builder(session())
        .base_url(&format!("http://127.0.0.1:{port}"))
        .unwrap()
        .retry(RetryPolicy::none())
        .transport(
            mailru_api::HyperTransport::builder()
                .proxy_from_env(false)
                .build(),
        )
        .build()
        .unwrap();
    let err = api.call("users.getInfo", ()).await.unwrap_err();
    assert_eq!(
        err.transport_kind(),
        Some(TransportKind::Connect),
        "{err:?}"
    );
    let mut next: Option<&(dyn std::error::Error + 'static)> = Some(&err);
    let mut io = None;
    while let Some(e) = next {
        if let Some(found) = e.downcast_ref::<std::io::Error>() {
            io = Some(found.kind());
        }
        next = e.source();
    }
    assert_eq!(io, Some(std::io::ErrorKind::ConnectionRefused), "{err:?}");
    // A clone is the same error, cause included.
    let copy = err.clone();
    assert_eq!(copy.transport_kind(), Some(TransportKind::Connect));
    assert!(std::error::Error::source(&copy).is_some());
    assert!(err.to_string().starts_with("cannot connect"), "{err}");
    // On loopback, the likely cause is named: an emulator whose handle was dropped.
    assert!(err.to_string().contains("handle is dropped"), "{err}");
}
