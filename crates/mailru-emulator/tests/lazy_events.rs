//! A community of millions of events costs nothing until read: the events are derived from
//! the seed when a page asks for them, never stored. Measured on the emulator binary (its
//! own process, so that the resident memory is its alone): serving pages of a community of
//! the maximum size takes about the memory of serving the default one.

#![cfg(target_os = "linux")]

use crate::common;
use crate::process;

use common::Http;
use mailru_emulator::MAX_EVENTS;
use mailru_emulator::accounts::*;
use process::Served;
use serde_json::Value;

/// Far below what stored events would take (tens of bytes each: hundreds of MiB for the
/// maximum), far above the noise of allocator pools between two runs.
const SLACK_KIB: u64 = 16 * 1024;

async fn serve(events: u32) -> Served {
    process::serve(&["--community-events", &events.to_string()]).await
}

async fn ok(served: &Served, http: &Http, method: &str, extra: &[(&str, &str)]) -> Value {
    let r = http.get(&served.url(method, extra)).await;
    assert_eq!(r.status, 200, "{method}: {}", r.text());
    r.json()
}

/// The first page, a page deep in the stream (past a skip cursor) and the community's
/// profile with its event count; then the binary's peak resident set in KiB.
async fn read_some(served: &Served, http: &Http, events: u32) -> u64 {
    let uid = BIG_COMMUNITY_UID.to_string();
    let first = [("uid", uid.as_str()), ("limit", "100")];
    let page = ok(served, http, "stream.getByAuthor", &first).await;
    assert_eq!(page.as_array().unwrap().len(), 100);
    let last = page[99]["id"].as_str().unwrap().to_owned();
    let deeper = [("uid", uid.as_str()), ("skip", &last), ("limit", "100")];
    let next = ok(served, http, "stream.getByAuthor", &deeper).await;
    assert_eq!(next.as_array().unwrap().len(), 100);
    assert!(next[0]["time"].as_u64() <= page[99]["time"].as_u64());
    let info = ok(served, http, "users.getInfo", &[("uids", &uid)]).await;
    assert_eq!(info[0]["group_info"]["posts_cnt"], u64::from(events));
    served.memory_kib("VmHWM")
}

#[tokio::test]
async fn big_streams_cost_nothing_until_read() {
    let http = Http::default();
    let small_events = 1_200;
    let small = serve(small_events).await;
    let huge = serve(MAX_EVENTS).await;
    let small_kib = read_some(&small, &http, small_events).await;
    let huge_kib = read_some(&huge, &http, MAX_EVENTS).await;
    assert!(
        huge_kib < small_kib + SLACK_KIB,
        "peak RSS with {MAX_EVENTS} events: {huge_kib} KiB, with {small_events}: {small_kib} KiB"
    );
}
