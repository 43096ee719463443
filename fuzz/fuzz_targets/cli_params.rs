//! The CLI's `KEY=VALUE` parameters (`mailru sign`, `call`, `all`): one argument per line
//! of the input.
//!
//! Properties: nothing panics; the arguments parse exactly when each has a `=` after a
//! non-empty key, into the key before the first `=` and the value after it, in order; a
//! refusal has a message.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let args: Vec<String> = text.split('\n').map(str::to_owned).collect();
    let expected: Option<Vec<(String, String)>> = args
        .iter()
        .map(|a| {
            a.split_once('=')
                .filter(|(k, _)| !k.is_empty())
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
        })
        .collect();
    match mailru_cli::parse_params(&args) {
        Ok(params) => assert_eq!(Some(params), expected),
        Err(e) => {
            assert!(expected.is_none(), "refused good parameters: {args:?}");
            // The first bad argument is named.
            let first_bad = args
                .iter()
                .find(|a| a.split_once('=').is_none_or(|(k, _)| k.is_empty()));
            assert_eq!(Some(e.arg()), first_bad.map(String::as_str));
            assert!(!e.to_string().is_empty());
        }
    }
});
