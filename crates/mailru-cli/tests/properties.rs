//! Stable mirror of the `cli_params` fuzz target: `KEY=VALUE` arguments made of arbitrary
//! text, `=` signs and empty parts.
//!
//! Properties: nothing panics; the arguments parse exactly when each has a `=` after a
//! non-empty key, into the key before the first `=` and the value after it, in order;
//! otherwise the error names the first bad argument.

use mailru_cli::parse_params;
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

/// Arguments near the edge: keys and values with `=`, empty parts, any text.
fn arg() -> impl Strategy<Value = String> {
    prop_oneof![
        ("[a-z_]{0,6}", "[=]{0,2}", "\\PC{0,8}").prop_map(|(k, eq, v)| format!("{k}{eq}{v}")),
        "[=a]{0,4}",
        any::<String>(),
    ]
}

fn expected(args: &[String]) -> Result<Vec<(String, String)>, String> {
    args.iter()
        .map(|a| {
            a.split_once('=')
                .filter(|(k, _)| !k.is_empty())
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .ok_or_else(|| a.clone())
        })
        .collect()
}

#[test]
fn key_value_arguments_parse_exactly_when_every_one_has_a_key() {
    let mut runner = TestRunner::new(Config {
        cases: 512,
        failure_persistence: None,
        ..Config::default()
    });
    runner
        .run(&vec(arg(), 0..6), |args| {
            match (parse_params(&args), expected(&args)) {
                (Ok(got), Ok(want)) => prop_assert_eq!(got, want),
                (Err(e), Err(first_bad)) => {
                    prop_assert_eq!(e.arg(), first_bad.as_str());
                    prop_assert!(e.to_string().contains("KEY=VALUE"));
                }
                (got, want) => prop_assert!(false, "parse_params gave {got:?}, expected {want:?}"),
            }
            Ok(())
        })
        .unwrap();
}
