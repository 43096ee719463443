//! Errors without the secret values this client sent. Key-based redaction
//! ([`sanitize`](crate::sanitize)) catches `session_key=…`; a server may also quote the
//! token in free text (`Bearer …`), so the values themselves are replaced too.

use std::fmt;

use crate::error::{Cause, Error, PaginationError};
use crate::text::redact_values;

/// A cause whose text quoted a secret: only the redacted text is kept (the original
/// error cannot be shown without it).
#[derive(Debug)]
struct Redacted(String);

impl fmt::Display for Redacted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Redacted {}

fn text(field: &mut String, values: &[&str]) {
    if let Some(clean) = redact_values(field, values) {
        *field = clean;
    }
}

fn cause(cause: &mut Cause, values: &[&str]) {
    let mut chain = cause.to_string();
    let mut next = cause.source();
    while let Some(e) = next {
        chain.push_str(": ");
        chain.push_str(&e.to_string());
        next = e.source();
    }
    if let Some(clean) = redact_values(&chain, values) {
        *cause = Cause::new(Redacted(clean));
    }
}

impl Error {
    /// The error with each of `values` replaced by `[redacted]` wherever it quotes text.
    pub(crate) fn redact_values(mut self, values: &[&str]) -> Error {
        if values.is_empty() {
            return self;
        }
        match &mut self {
            Error::InvalidRequest { message, source } => {
                text(message, values);
                source.iter_mut().for_each(|c| cause(c, values));
            }
            Error::Transport { source, .. } => source.iter_mut().for_each(|c| cause(c, values)),
            Error::Http { body_start, .. } => text(body_start, values),
            Error::Decode {
                message,
                body_start,
                source,
                path,
            } => {
                for field in [message, body_start, path] {
                    text(field, values);
                }
                source.iter_mut().for_each(|c| cause(c, values));
            }
            Error::Api { message, .. } => text(message, values),
            Error::Session(c) => cause(c, values),
            Error::Pagination(p) => pagination(p, values),
            Error::Timeout(_) | Error::EmptyResponse => {}
        }
        self
    }
}

fn pagination(error: &mut PaginationError, values: &[&str]) {
    let fields: Vec<&mut String> = match error {
        PaginationError::NotPaginated { method, .. } => vec![method],
        PaginationError::Repeated { method, key } => vec![method, key],
        PaginationError::CursorStuck { method, cursor } => vec![method, cursor],
        PaginationError::NoItemId { method, found, .. } => vec![method, found],
        PaginationError::NotAnArray { method, body_start } => vec![method, body_start],
        PaginationError::BadParameter {
            method,
            name,
            value,
        } => vec![method, name, value],
    };
    for field in fields {
        text(field, values);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOKEN: &str = "be6ef89965d58e56dec21acb9b62bdaa";

    #[test]
    fn every_quoting_field_loses_the_value() {
        let json = serde_json::from_str::<u64>(&format!("\"{TOKEN}\"")).unwrap_err();
        let errors = [
            Error::Api {
                code: 102,
                message: format!("token {TOKEN} expired"),
                kind: crate::ApiErrorKind::AuthorizationFailed,
            },
            Error::Http {
                status: 502,
                body_start: format!("<p>Bearer {TOKEN}</p>"),
            },
            Error::Decode {
                path: String::new(),
                message: json.to_string(),
                body_start: format!("\"{TOKEN}\""),
                source: Some(Cause::new(json)),
            },
            Error::Pagination(PaginationError::NotAnArray {
                method: "stream.get".into(),
                body_start: TOKEN.into(),
            }),
        ];
        for error in errors {
            let kind = std::mem::discriminant(&error);
            let clean = error.redact_values(&[TOKEN]);
            assert_eq!(std::mem::discriminant(&clean), kind);
            let mut shown = format!("{clean} {clean:?}");
            let mut next = std::error::Error::source(&clean);
            while let Some(e) = next {
                shown.push_str(&e.to_string());
                next = e.source();
            }
            assert!(!shown.contains(TOKEN), "{shown}");
            assert!(shown.contains("[redacted]"), "{shown}");
        }
    }
}
