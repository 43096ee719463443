//! Arbitrary REST parameters dispatched by the emulator, past its parser: unsigned as
//! given, or signed as the demo user's session so that the handlers see the input.
//!
//! The input is text so that seeds stay readable: a first line `client METHOD` or
//! `server METHOD` signs the query string that follows for that circuit (adding
//! `app_id`, `method`, `session_key`, `sig`); anything else is one query string sent as
//! it is.
//!
//! Properties: nothing panics; the status is 200 or 400; the body is the platform's JSON
//! (an error envelope with the same code on 400, anything else on 200).

#![no_main]

use std::cell::RefCell;

use libfuzzer_sys::fuzz_target;
use mailru_emulator::fuzzing::{self, RestAnswer, RestTarget};

/// Inputs between two fresh platforms: writes accumulate on one, as on the server, but
/// not without bound over a long run.
const RESET_EVERY: u32 = 512;

thread_local! {
    static TARGET: RefCell<(RestTarget, u32)> = RefCell::new((RestTarget::default(), 0));
}

fn params(query: &[u8]) -> Vec<(String, String)> {
    url::form_urlencoded::parse(query)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

fn check(answer: &RestAnswer) {
    assert!(
        matches!(answer.status, 200 | 400),
        "status {}",
        answer.status
    );
    assert!(
        fuzzing::is_well_formed(answer),
        "not the platform's JSON: {answer:?}"
    );
}

fuzz_target!(|data: &[u8]| {
    let (first, rest) = match data.iter().position(|&b| b == b'\n') {
        Some(at) => (&data[..at], &data[at + 1..]),
        None => (data, &[][..]),
    };
    let first = String::from_utf8_lossy(first);
    let call = match first.split_once(' ') {
        Some(("client", method)) => fuzzing::demo_call(method.trim(), &params(rest), false),
        Some(("server", method)) => fuzzing::demo_call(method.trim(), &params(rest), true),
        _ => params(data),
    };
    TARGET.with(|cell| {
        let mut cell = cell.borrow_mut();
        if cell.1 >= RESET_EVERY {
            *cell = (RestTarget::default(), 0);
        }
        cell.1 += 1;
        check(&cell.0.dispatch(&call));
    });
});
