//! Rendering stream pages (issue 11: at least 200,000 events per second, i.e. a page of 100
//! events in at most 500 µs, on 2 cores): the big community's events as the demo user sees
//! them, rendered alone and through the whole REST path without HTTP (parameters, signature,
//! session, paging, rendering), and pages of 1,000 events deep inside a 1,000,000-event
//! community (what a pager walking it with `--page-cap 1000` asks for).

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use mailru_emulator::Config;
use mailru_emulator::accounts::{BIG_COMMUNITY_UID, DEMO_UID};
use mailru_emulator::fuzzing::{RestTarget, demo_call};

fn owned(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

fn stream_pages(c: &mut Criterion) {
    let mut target = RestTarget::new(Config::default());
    let mut group = c.benchmark_group("emulator stream");
    group.throughput(Throughput::Elements(100));
    group.bench_function("render 100 events", |b| {
        b.iter(|| {
            let page = target.stream_page(BIG_COMMUNITY_UID, Some(DEMO_UID), 100, None);
            black_box(page.map(|p| p.len()))
        })
    });
    let uid = BIG_COMMUNITY_UID.to_string();
    let call = demo_call(
        "stream.getByAuthor",
        &owned(&[("uid", &uid), ("limit", "100")]),
        false,
    );
    group.bench_function("stream.getByAuthor limit=100 (REST without HTTP)", |b| {
        b.iter(|| black_box(target.dispatch_body(&call).len()))
    });
    let big = RestTarget::new(Config {
        community_events: 1_000_000,
        page_cap: 1_000,
        ..Config::default()
    });
    // A cursor half-way down the stream: event ids are the author's tag and a sequence
    // number, eight hex digits each.
    let newest = big
        .stream_page(BIG_COMMUNITY_UID, None, 1, None)
        .and_then(|page| {
            let v: serde_json::Value = serde_json::from_slice(&page).ok()?;
            Some(v.as_array()?.first()?["id"].as_str()?.to_owned())
        })
        .expect("a page of the big community");
    let middle = format!("{}{:08x}", &newest[..8], 500_000);
    group.throughput(Throughput::Elements(1_000));
    group.bench_function("render 1000 events of 1,000,000", |b| {
        b.iter(|| {
            let page = big.stream_page(BIG_COMMUNITY_UID, None, 1_000, Some(&middle));
            black_box(page.map(|p| p.len()))
        })
    });
    group.finish();
}

criterion_group!(stream, stream_pages);
criterion_main!(stream);
