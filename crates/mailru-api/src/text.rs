//! Text that came from a server, made safe to show: secrets redacted, control characters
//! (terminal escapes, line breaks) replaced, length bounded.

/// Longest sanitized text, in characters, before `…`.
const MAX_CHARS: usize = 300;

/// Parameter and JSON keys whose values are secrets wherever they are quoted.
const SECRET_KEYS: [&str; 7] = [
    "session_key",
    "sig",
    "access_token",
    "refresh_token",
    "password",
    "client_secret",
    "code",
];

/// `text` as it may be shown or logged: the values of `session_key`, `sig`,
/// `access_token`, `refresh_token`, `password`, `client_secret` and `code` (in
/// `key=value` and `"key": "value"` form, any case) replaced by `[redacted]`, control
/// characters replaced by spaces, and at most 300 characters kept.
///
/// ```
/// let shown = mailru_api::sanitize("proxy error for /api?session_key=abc123&sig=ff00 \x1b[2J");
/// assert_eq!(shown, "proxy error for /api?session_key=[redacted]&sig=[redacted]  [2J");
/// ```
pub fn sanitize(text: &str) -> String {
    let redacted = redact(text);
    let mut out = String::with_capacity(redacted.len().min(MAX_CHARS * 4));
    for (i, c) in redacted.chars().enumerate() {
        if i == MAX_CHARS {
            out.push('…');
            break;
        }
        out.push(if c.is_control() { ' ' } else { c });
    }
    out
}

/// Shortest secret value replaced wherever it appears: shorter strings (a test token
/// like `x`) would turn ordinary words into `[redacted]`.
const MIN_SECRET_LEN: usize = 8;

/// `text` with every occurrence of each of `values` (secrets this client sent, such as
/// the access token) replaced by `[redacted]`. A server can quote them in free text
/// (`Bearer 5f0e…`, `token 5f0e… expired`) where no key names them.
pub(crate) fn redact_values(text: &str, values: &[&str]) -> Option<String> {
    let mut out: Option<String> = None;
    for value in values.iter().filter(|v| v.len() >= MIN_SECRET_LEN) {
        let current = out.as_deref().unwrap_or(text);
        if current.contains(value) {
            out = Some(current.replace(value, "[redacted]"));
        }
    }
    out
}

/// The start of a body for error messages: sanitized, never mid-character.
pub(crate) fn body_start(body: &[u8]) -> String {
    // Only the start matters; do not decode megabytes to show 300 characters.
    let head = &body[..body.len().min(MAX_CHARS * 8)];
    sanitize(&String::from_utf8_lossy(head))
}

fn redact(text: &str) -> String {
    let lower = text.to_ascii_lowercase();
    let mut ranges: Vec<(usize, usize)> = Vec::new();
    for key in SECRET_KEYS {
        let mut from = 0;
        while let Some(found) = lower[from..].find(key) {
            let start = from + found;
            from = start + key.len();
            // A whole key: not the tail of a longer name (`xsig=`).
            let before = lower[..start].chars().next_back();
            if before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_') {
                continue;
            }
            if let Some(range) = value_after(&lower, from) {
                ranges.push(range);
            }
        }
    }
    if ranges.is_empty() {
        return text.to_owned();
    }
    ranges.sort_unstable();
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for (start, end) in ranges {
        if start < at {
            continue;
        }
        out.push_str(&text[at..start]);
        out.push_str("[redacted]");
        at = end;
    }
    out.push_str(&text[at..]);
    out
}

/// The byte range of the value following a key that ends at `at`: `=value` up to a
/// delimiter, or `": "value"` up to the closing quote. `None` when no value follows.
fn value_after(text: &str, at: usize) -> Option<(usize, usize)> {
    let rest = &text[at..];
    if let Some(value) = rest.strip_prefix('=') {
        let end = value
            .find([
                '&', ' ', '"', '\'', '<', '>', '#', ';', ',', '\n', '\r', '\t',
            ])
            .unwrap_or(value.len());
        return (end > 0).then_some((at + 1, at + 1 + end));
    }
    // JSON: `"key": "value"` (the key's closing quote first).
    let after_quote = rest.strip_prefix('"')?;
    let colon = after_quote.trim_start().strip_prefix(':')?;
    let value = colon.trim_start().strip_prefix('"')?;
    let start = text.len() - value.len();
    let end = value.find('"').unwrap_or(value.len());
    Some((start, start + end))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sent_values_are_redacted_in_free_text_and_short_ones_left_alone() {
        let token = "be6ef89965d58e56dec21acb9b62bdaa";
        let text = format!("Bearer {token} expired; again: {token}.");
        assert_eq!(
            redact_values(&text, &[token, "x"]).as_deref(),
            Some("Bearer [redacted] expired; again: [redacted].")
        );
        assert_eq!(redact_values("nothing here", &[token]), None);
        assert_eq!(redact_values("a short x", &["x"]), None);
    }

    #[test]
    fn secrets_in_queries_and_json_are_redacted() {
        let q = "GET /platform/api?app_id=1&session_key=SECRET1&sig=SECRET2&method=x";
        let shown = sanitize(q);
        assert!(!shown.contains("SECRET"), "{shown}");
        assert!(shown.contains("app_id=1") && shown.contains("method=x"));
        let json = r#"{"access_token": "SECRET3", "Refresh_Token":"SECRET4", "uid":"5"}"#;
        let shown = sanitize(json);
        assert!(!shown.contains("SECRET"), "{shown}");
        assert!(shown.contains(r#""uid":"5""#));
        let form = "Login=demo&Password=SECRET5&Domain=mail.ru";
        assert!(!sanitize(form).contains("SECRET"));
        // Names that merely end in a secret key are left alone.
        assert_eq!(sanitize("xsig=1"), "xsig=1");
    }

    #[test]
    fn control_characters_are_replaced_and_length_bounded() {
        assert_eq!(sanitize("a\nb\u{1b}[31mc\u{7}"), "a b [31mc ");
        let long = "я".repeat(1_000);
        let shown = sanitize(&long);
        assert_eq!(shown.chars().count(), MAX_CHARS + 1);
        assert!(shown.ends_with('…'));
        assert_eq!(body_start(&[0xff, b'a']), "\u{fffd}a");
    }
}
