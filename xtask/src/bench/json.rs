//! Just enough JSON reading for criterion's and cargo's files (the xtask has no
//! dependencies): values found by their key, in order.

/// The number after `key` (e.g. `"point_estimate"`), searching from the start of `text`.
pub fn number_after(text: &str, key: &str) -> Option<f64> {
    let rest = after_key(text, key)?;
    let end = rest
        .find(|c: char| !(c.is_ascii_digit() || matches!(c, '-' | '+' | '.' | 'e' | 'E')))
        .unwrap_or(rest.len());
    rest[..end].parse().ok()
}

/// The string after `key` (no escapes expected: paths and ids).
pub fn string_after(text: &str, key: &str) -> Option<String> {
    let rest = after_key(text, key)?.strip_prefix('"')?;
    rest.find('"').map(|end| rest[..end].to_owned())
}

/// The numbers of the array after `key`.
pub fn numbers_after(text: &str, key: &str) -> Option<Vec<f64>> {
    let rest = after_key(text, key)?.strip_prefix('[')?;
    let end = rest.find(']')?;
    rest[..end]
        .split(',')
        .map(|n| n.trim().parse().ok())
        .collect()
}

/// The text after `key` and its colon, leading spaces skipped.
fn after_key<'t>(text: &'t str, key: &str) -> Option<&'t str> {
    let at = text.find(key)? + key.len();
    text[at..]
        .trim_start()
        .strip_prefix(':')
        .map(str::trim_start)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_of_criterion_and_cargo_files() {
        let estimates = r#"{"mean":{"confidence_interval":{"lower_bound":1.0},"point_estimate":2.5},"median":{"confidence_interval":{"confidence_level":0.95,"lower_bound":3.0,"upper_bound":4.0},"point_estimate":3.25e2,"standard_error":0.1}}"#;
        let median = &estimates[estimates.find("\"median\"").unwrap()..];
        assert_eq!(number_after(median, "\"point_estimate\""), Some(325.0));
        let sample = r#"{"sampling_mode":"Linear","iters":[1.0,2.0],"times":[10.0, 30.5]}"#;
        assert_eq!(numbers_after(sample, "\"times\""), Some(vec![10.0, 30.5]));
        let meta = r#"{"packages":[],"target_directory": "/work/target","version":1}"#;
        assert_eq!(
            string_after(meta, "\"target_directory\"").as_deref(),
            Some("/work/target")
        );
        assert_eq!(number_after(meta, "\"missing\""), None);
    }
}
