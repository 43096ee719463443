//! A typed walk over a big community while the emulator fails one request in ten, every
//! way it can: resuming from the walk's checkpoint after each error, every event arrives
//! exactly once and in order, with few resumes.

use std::collections::BTreeSet;
use std::time::Duration;

use futures::TryStreamExt;
use mailru_api::methods::stream::GetByAuthor;
use mailru_api::{AccessToken, Api, Checkpoint, Error, PrivateKey, RetryPolicy, Session};
use mailru_emulator::accounts::*;
use mailru_emulator::{Emulator, Fault, FaultKind, RandomFaults};

const EVENTS: u64 = 10_000;
const PAGE: u64 = 100;
const RATE: f64 = 0.1;
const ATTEMPTS: u32 = 3;

fn session() -> Session {
    Session::client(
        APP_ID,
        PrivateKey::new(APP_PRIVATE_KEY),
        AccessToken::new(DEMO_SESSION_KEY),
        DEMO_UID,
    )
}

fn walk() -> GetByAuthor {
    GetByAuthor::new().uid(BIG_COMMUNITY_UID)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_walk_under_random_faults_resumes_to_every_event_exactly_once_in_order() {
    let emu = Emulator::builder()
        .seed(7)
        .community_events(EVENTS as u32)
        .start()
        .await
        .unwrap();

    // The truth: the same walk without faults.
    let clean = Api::builder(session())
        .base_url(emu.base_url())
        .unwrap()
        .build()
        .unwrap();
    let truth: Vec<String> = clean
        .paginate(walk())
        .map_ok(|e| e.id().to_owned())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(truth.len() as u64, EVENTS);
    assert_eq!(truth.iter().collect::<BTreeSet<_>>().len() as u64, EVENTS);
    emu.clear_requests();

    // A client with a short attempt timeout and fast retries.
    let attempt_timeout = Duration::from_secs(1);
    let api = Api::builder(session())
        .base_url(emu.base_url())
        .unwrap()
        .attempt_timeout(attempt_timeout)
        .retry(RetryPolicy {
            max_attempts: ATTEMPTS,
            base_delay: Duration::from_millis(5),
            max_delay: Duration::from_millis(50),
            retry_writes: false,
        })
        .build()
        .unwrap();
    emu.set_random_faults(Some(RandomFaults {
        rate: RATE,
        seed: 20_261_201,
        kinds: vec![
            FaultKind::HttpStatus { status: 503 },
            FaultKind::DropConnection,
            FaultKind::TruncatedBody,
            FaultKind::Delay {
                ms: 5 * attempt_timeout.as_millis() as u64,
            },
            FaultKind::ApiError { code: 1 },
            FaultKind::ApiError { code: 3 },
        ],
    }));

    // Halfway, one page fails every attempt: at least one resume is certain.
    let forced_at = EVENTS / 2;
    let mut forced = false;
    let mut got: Vec<String> = Vec::with_capacity(EVENTS as usize);
    let mut errors: Vec<(Checkpoint, Error)> = Vec::new();
    let mut items = api.paginate(walk());
    loop {
        match items.try_next().await {
            Ok(Some(event)) => {
                got.push(event.id().to_owned());
                if got.len() as u64 == forced_at && !forced {
                    forced = true;
                    emu.inject(
                        Fault::new(FaultKind::HttpStatus { status: 503 })
                            .target("stream.getByAuthor")
                            .times(ATTEMPTS),
                    );
                }
            }
            Ok(None) => break,
            Err(e) => {
                let checkpoint = items.checkpoint();
                assert_eq!(checkpoint.items, got.len() as u64, "{checkpoint:?}");
                assert!(
                    e.is_retryable(),
                    "only transient errors are injected: {e:?}"
                );
                errors.push((checkpoint.clone(), e));
                items = api.paginate(walk()).resume(checkpoint);
            }
        }
    }
    emu.set_random_faults(None);

    assert_eq!(got.len(), truth.len());
    assert!(got == truth, "events lost, repeated or out of order");
    assert_eq!(items.checkpoint().items, EVENTS);

    // The forced failure ended a walk exactly at its checkpoint.
    assert!(
        errors
            .iter()
            .any(|(at, e)| at.items == forced_at && matches!(e, Error::Http { status: 503, .. })),
        "{errors:?}"
    );
    // A walk ends with an error only when a page failed every attempt: with faults at
    // `RATE` per request, expect `pages × RATE^ATTEMPTS` such pages; allow ten times
    // that, plus the forced one, plus slack for retries refused by the retry budget.
    let pages = (EVENTS / PAGE + 1) as f64;
    let bound = 1 + (10.0 * pages * RATE.powi(ATTEMPTS as i32)).ceil() as usize + 3;
    assert!(
        errors.len() <= bound,
        "{} resumes (bound {bound}): {errors:?}",
        errors.len()
    );

    // The faults did happen: more requests than pages, failed ones among them.
    let log = emu.requests();
    let failed = log.iter().filter(|r| r.status != Some(200)).count();
    assert!(log.len() as f64 > pages, "{} requests", log.len());
    assert!(failed >= ATTEMPTS as usize, "{failed} failed requests");
}
