//! Walks that read ahead (`Items::read_ahead`): the same items as a plain walk, the
//! same requests when the guesses are right, every item exactly once when they are not,
//! `max_items` kept, and a walk dropped early asking for nothing more.

use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use futures::{StreamExt, TryStreamExt};
use mailru_api::methods::stream::GetByAuthor;
use mailru_api::{Error, Pager};
use mailru_emulator::{Emulator, accounts};
use serde_json::{Value, json};

use crate::paging::{community_walk, ids, logged, scripted, setup, walk_error};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reading_ahead_yields_what_a_plain_walk_yields_with_the_same_requests() {
    let (emu, api) = setup(Emulator::builder().page_cap(40)).await;
    let plain: Vec<Value> = community_walk(&api).try_collect().await.unwrap();
    let plain_skips = logged(&emu, "stream.getByAuthor", "skip");
    emu.clear_requests();
    let ahead: Vec<Value> = community_walk(&api)
        .read_ahead(true)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(ids(&ahead), ids(&plain));
    assert_eq!(ahead.len(), 1_200);
    assert_eq!(
        logged(&emu, "stream.getByAuthor", "skip"),
        plain_skips,
        "each page asked for once, from the last id of the page before, up to the empty one"
    );

    // The typed walk, on this test's runtime.
    let typed: Vec<String> = api
        .paginate(GetByAuthor::new().uid(accounts::BIG_COMMUNITY_UID))
        .read_ahead(true)
        .map_ok(|e| e.id().to_owned())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(typed, ids(&plain));
}

#[tokio::test]
async fn short_offset_pages_make_the_guess_wrong_and_every_item_still_comes_once() {
    // The emulator sends at most 4 threads a page; the walk asks for 10 and guesses the
    // next offset from a full page: every guess is wrong.
    let (emu, api) = setup(Emulator::builder().page_cap(4)).await;
    let walk = || {
        Pager::new(&api, "messages.getThreadsList")
            .unwrap()
            .items()
            .page_size(10)
    };
    let plain: Vec<Value> = walk().try_collect().await.unwrap();
    assert_eq!(plain.len(), 25);
    emu.clear_requests();
    let ahead: Vec<Value> = walk().read_ahead(true).try_collect().await.unwrap();
    assert_eq!(ahead, plain, "the same threads, once each, in order");
    let asked: HashSet<Option<String>> = logged(&emu, "messages.getThreadsList", "offset")
        .into_iter()
        .collect();
    for offset in [4, 8, 12, 16, 20, 24, 25] {
        assert!(
            asked.contains(&Some(offset.to_string())),
            "the walk asked again from {offset}: {asked:?}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reading_ahead_keeps_max_items() {
    let (_emu, api) = setup(Emulator::builder().page_cap(40)).await;
    let plain: Vec<Value> = community_walk(&api).try_collect().await.unwrap();
    for max in [1, 39, 40, 41, 250] {
        let ahead: Vec<Value> = community_walk(&api)
            .read_ahead(true)
            .page_size(100)
            .max_items(max)
            .try_collect()
            .await
            .unwrap();
        assert_eq!(ids(&ahead), ids(&plain[..max as usize]), "max_items {max}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_walk_dropped_while_reading_ahead_asks_for_nothing_more() {
    let (emu, api) = setup(Emulator::builder().page_cap(40)).await;
    let first: Vec<Value> = community_walk(&api)
        .read_ahead(true)
        .take(5)
        .map(Result::unwrap)
        .collect()
        .await;
    assert_eq!(first.len(), 5);
    // The walk is gone: whatever it had asked for is all it ever asks for.
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let asked = logged(&emu, "stream.getByAuthor", "limit").len();
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    assert_eq!(logged(&emu, "stream.getByAuthor", "limit").len(), asked);
    assert!(
        (1..=2).contains(&asked),
        "the page taken and at most one ahead: {asked}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_error_on_a_page_read_ahead_comes_after_the_items_before_it_and_resuming_goes_on() {
    // Pages of 10 items `e{n}`; the page after `e29` fails once.
    let failed = Arc::new(AtomicBool::new(false));
    let fail = failed.clone();
    let (_, api) = scripted(move |_, params| {
        let start = match params.get("skip") {
            None => 0,
            Some(skip) => skip[1..].parse::<usize>().unwrap() + 1,
        };
        if start == 30 && !fail.swap(true, Ordering::SeqCst) {
            return json!({"error": {"error_code": 100, "error_msg": "Invalid parameter"}});
        }
        let page: Vec<Value> = (start..(start + 10).min(60))
            .map(|n| json!({"id": format!("e{n}")}))
            .collect();
        json!(page)
    });
    let walk = || {
        Pager::new(&api, "stream.get")
            .unwrap()
            .items()
            .page_size(10)
            .read_ahead(true)
    };
    let mut first = walk();
    let mut seen = Vec::new();
    let err = loop {
        match first.try_next().await {
            Ok(Some(item)) => seen.push(item),
            Ok(None) => panic!("the walk ended without the error"),
            Err(e) => break e,
        }
    };
    assert!(matches!(err, Error::Api { .. }), "{err:?}");
    assert_eq!(seen.len(), 30, "the three pages before the failing one");
    let mut resumed = walk().resume(first.checkpoint());
    while let Some(item) = resumed.try_next().await.unwrap() {
        seen.push(item);
    }
    let want: Vec<String> = (0..60).map(|n| format!("e{n}")).collect();
    assert_eq!(ids(&seen), want, "every item once, in order");

    // A page that fails the checks ends a walk that reads ahead as it ends a plain one.
    let (_, api) = scripted(|_, _| json!([{"id": "x"}, {"id": 5}]));
    let (yielded, err) = walk_error(
        Pager::new(&api, "stream.get")
            .unwrap()
            .items()
            .read_ahead(true),
    )
    .await;
    assert_eq!(yielded, 0);
    assert!(matches!(err, Error::Pagination(_)), "{err:?}");
}
