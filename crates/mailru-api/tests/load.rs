//! A thousand concurrent calls through one client. Alone in its own test binary: it counts
//! the process's open file descriptors, which any test running beside it would change.

use std::time::Duration;

use mailru_api::{AccessToken, Api, PrivateKey, Session};
use mailru_emulator::Emulator;
use mailru_emulator::accounts::*;

/// Open file descriptors of this process (Linux; elsewhere `None`).
fn open_fds() -> Option<usize> {
    Some(std::fs::read_dir("/proc/self/fd").ok()?.count())
}

/// Waits until the process has at most `limit` descriptors open, up to a generous
/// deadline (closing is asynchronous: connection tasks end after the client is dropped);
/// returns the last count.
async fn settle_to(limit: usize) -> usize {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        let now = open_fds().unwrap_or(0);
        if now <= limit || tokio::time::Instant::now() >= deadline {
            return now;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_concurrent_calls_succeed_and_leave_no_descriptors_open() {
    let emu = Emulator::builder().seed(7).start().await.unwrap();
    let session = Session::client(
        APP_ID,
        PrivateKey::new(APP_PRIVATE_KEY),
        AccessToken::new(DEMO_SESSION_KEY),
        DEMO_UID,
    );
    // The default transport: at most 256 requests in flight, so at most that many
    // connections (and twice as many descriptors, with the in-process emulator's side),
    // whatever the number of concurrent calls.
    let api = Api::builder(session)
        .base_url(emu.base_url())
        .unwrap()
        .build()
        .unwrap();
    let before = open_fds();
    assert!(before.is_some() || !cfg!(target_os = "linux"));

    let calls: Vec<_> = (0..1_000u64)
        .map(|i| {
            let api = api.clone();
            // Every call asks for one of three users, so each answer can be checked.
            let uid = [DEMO_UID, INBOX_UID, BIG_COMMUNITY_UID][(i % 3) as usize];
            tokio::spawn(async move {
                let answer = api.call("users.getInfo", [("uids", uid)]).await;
                (uid, answer)
            })
        })
        .collect();
    let mut ok = 0;
    for call in calls {
        let (uid, answer) = call.await.unwrap();
        let users = answer.unwrap_or_else(|e| panic!("call for {uid} failed: {e:?}"));
        assert_eq!(users.as_array().map(Vec::len), Some(1), "{users}");
        assert_eq!(users[0]["uid"], uid.to_string());
        ok += 1;
    }
    assert_eq!(ok, 1_000);
    let log = emu.requests();
    assert_eq!(log.len(), 1_000, "no call needed a retry");
    assert!(log.iter().all(|r| r.status == Some(200)));

    // Dropping the client closes its pooled connections; the emulator then closes its
    // side. Nothing else of the calls stays open.
    drop(api);
    if let Some(before) = before {
        let after = settle_to(before).await;
        assert_eq!(
            after, before,
            "descriptors left open after the client was dropped"
        );
    }
}
