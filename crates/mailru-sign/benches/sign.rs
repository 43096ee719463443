//! Signing cost next to raw md5 of the same bytes, so the overhead over the hashing limit
//! (sorting, duplicate check, streaming the parts) is visible; and the canonical string
//! alone (what `--explain` shows and the emulator's verification rebuilds).
//!
//! `cargo xtask bench` reads `friends.get/sign_client_server` against
//! `friends.get/raw_md5_same_bytes` (target: at most 1.15x).

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use md5::{Digest, Md5};

const UID: &str = "1324730981306483817";
const PRIVATE_KEY: &str = "7815696ecbf1c96e6894b779456d330e";

fn friends_get() -> Vec<(String, String)> {
    [
        ("session_key", "be6ef89965d58e56dec21acb9b62bdaa"),
        ("method", "friends.get"),
        ("app_id", "423004"),
    ]
    .iter()
    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
    .collect()
}

/// Ten parameters, one of them a 1 KiB text, in an unsorted order.
fn ten_params_1kib() -> Vec<(String, String)> {
    let mut params = vec![
        (
            "text".to_owned(),
            "Привет, мир! ".repeat(1024 / 22 + 1)[..1024].to_owned(),
        ),
        ("uid".to_owned(), "15410773191172635989".to_owned()),
        ("title".to_owned(), "A title".to_owned()),
        ("method".to_owned(), "stream.post".to_owned()),
        ("app_id".to_owned(), "423004".to_owned()),
        (
            "session_key".to_owned(),
            "be6ef89965d58e56dec21acb9b62bdaa".to_owned(),
        ),
        ("img_url".to_owned(), "https://example.org/a.png".to_owned()),
        ("link1_text".to_owned(), "More".to_owned()),
        ("link1_href".to_owned(), "https://example.org/".to_owned()),
        ("user_text".to_owned(), "See this".to_owned()),
    ];
    // The text is cut on a byte boundary; keep it valid UTF-8.
    while std::str::from_utf8(params[0].1.as_bytes()).is_err() {
        params[0].1.pop();
    }
    params
}

fn bench_case(c: &mut Criterion, name: &str, params: &[(String, String)]) {
    // The exact bytes the signature hashes, for the raw md5 baseline.
    let mut bytes = UID.to_owned();
    bytes.push_str(&mailru_sign::canonical_string(params).expect("no duplicate keys"));
    bytes.push_str(PRIVATE_KEY);

    let mut group = c.benchmark_group(name);
    group.throughput(Throughput::Bytes(bytes.len() as u64));
    group.bench_function("sign_client_server", |b| {
        b.iter(|| mailru_sign::sign_client_server(black_box(UID), black_box(params), PRIVATE_KEY))
    });
    group.bench_function("raw_md5_same_bytes", |b| {
        b.iter(|| Md5::digest(black_box(bytes.as_bytes())))
    });
    group.bench_function("canonical_string", |b| {
        b.iter(|| mailru_sign::canonical_string(black_box(params)))
    });
    group.finish();
}

fn benches(c: &mut Criterion) {
    bench_case(c, "friends.get", &friends_get());
    bench_case(c, "10_params_1KiB", &ten_params_1kib());
}

criterion_group!(sign, benches);
criterion_main!(sign);
