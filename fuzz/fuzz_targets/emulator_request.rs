//! Arbitrary HTTP requests as the emulator parses them before any handler: method,
//! request target (query), `Content-Type` and body (form, multipart, anything).
//!
//! The input is text-like so that seeds stay readable:
//!
//! ```text
//! METHOD TARGET
//! CONTENT-TYPE
//! BODY...
//! ```
//!
//! Properties: nothing panics; the status is 200, 400 or 413; a parsed request stays
//! within the configured limits; a refused one carries no parameters and at most the
//! envelope code 100.

#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use mailru_emulator::Config;
use mailru_emulator::fuzzing::{ParsedRequest, parse_request};

fn config() -> &'static Config {
    static CONFIG: OnceLock<Config> = OnceLock::new();
    CONFIG.get_or_init(Config::default)
}

/// `line` and the rest after its `\n` (or everything and nothing).
fn line(data: &[u8]) -> (&[u8], &[u8]) {
    match data.iter().position(|&b| b == b'\n') {
        Some(at) => (&data[..at], &data[at + 1..]),
        None => (data, &[]),
    }
}

fn check(p: &ParsedRequest, config: &Config) {
    assert!(matches!(p.status, 200 | 400 | 413), "status {}", p.status);
    if p.status == 200 {
        assert!(p.params.len() + p.files.len() <= config.max_params);
        for (k, v) in &p.params {
            assert!(k.len() <= config.max_param_len && v.len() <= config.max_param_len);
        }
        assert_eq!(p.error_code, None);
    } else {
        assert!(p.params.is_empty() && p.files.is_empty());
        assert!(p.error_code.is_none() || p.error_code == Some(100));
    }
}

fuzz_target!(|data: &[u8]| {
    let (request_line, rest) = line(data);
    let (content_type, body) = line(rest);
    let (method, target) = match request_line.iter().position(|&b| b == b' ') {
        Some(at) => (&request_line[..at], &request_line[at + 1..]),
        None => (&b"GET"[..], request_line),
    };
    let content_type = content_type.strip_suffix(b"\r").unwrap_or(content_type);
    let parsed = parse_request(method, target, content_type, body);
    check(&parsed, config());
    // The same parameters as a query string: a GET with no body.
    if parsed.status == 200 && !parsed.params.is_empty() {
        let mut query = url::form_urlencoded::Serializer::new(String::new());
        query.extend_pairs(&parsed.params);
        let again = format!("/platform/api?{}", query.finish());
        let reparsed = parse_request(b"GET", again.as_bytes(), b"", b"");
        check(&reparsed, config());
        if reparsed.status == 200 {
            assert_eq!(reparsed.params, parsed.params, "a query string round trip");
        }
    }
});
