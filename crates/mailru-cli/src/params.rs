//! `KEY=VALUE` arguments, as `sign`, `call` and `all` take them.

use std::fmt;

/// An argument that is not `KEY=VALUE` with a non-empty key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParamError {
    arg: String,
}

impl ParamError {
    /// The argument as given.
    pub fn arg(&self) -> &str {
        &self.arg
    }
}

impl fmt::Display for ParamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}` is not KEY=VALUE (e.g. uids=123)", self.arg)
    }
}

impl std::error::Error for ParamError {}

/// Splits each argument at its first `=` into a key and a value, in order. The value may
/// be empty and may hold more `=`; the key may not be empty. Duplicate keys are kept (the
/// signer refuses them with its own message).
///
/// ```
/// use mailru_cli::parse_params;
///
/// let pairs = parse_params(&["uids=1,2", "text=a=b", "empty="])?;
/// assert_eq!(pairs, [
///     ("uids".to_owned(), "1,2".to_owned()),
///     ("text".to_owned(), "a=b".to_owned()),
///     ("empty".to_owned(), String::new()),
/// ]);
/// let err = parse_params(&["method"]).unwrap_err();
/// assert_eq!(err.to_string(), "`method` is not KEY=VALUE (e.g. uids=123)");
/// assert!(parse_params(&["=value"]).is_err());
/// # Ok::<(), mailru_cli::ParamError>(())
/// ```
///
/// # Errors
/// [`ParamError`] for the first argument without `=` or with an empty key.
pub fn parse_params<S: AsRef<str>>(args: &[S]) -> Result<Vec<(String, String)>, ParamError> {
    args.iter()
        .map(|a| {
            let a = a.as_ref();
            a.split_once('=')
                .filter(|(k, _)| !k.is_empty())
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .ok_or_else(|| ParamError { arg: a.to_owned() })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_bad_argument_is_reported() {
        let err = parse_params(&["a=1", "b", "=c"]).unwrap_err();
        assert_eq!(err.arg(), "b");
        assert_eq!(parse_params::<&str>(&[]), Ok(Vec::new()));
        assert_eq!(
            parse_params(&["k=v", "k=w"]),
            Ok(vec![
                ("k".to_owned(), "v".to_owned()),
                ("k".to_owned(), "w".to_owned())
            ])
        );
        assert_eq!(
            parse_params(&["é=ü"]),
            Ok(vec![("é".to_owned(), "ü".to_owned())])
        );
    }
}
