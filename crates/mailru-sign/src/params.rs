//! Parameter sets and their canonical form (spec §2.3).

use crate::Error;

/// The parameter that carries the signature; it is never part of what is signed.
pub(crate) const SIG: &str = "sig";

/// One `key=value` parameter, borrowed from whatever the caller stores it in.
///
/// Implemented for `(K, V)` and `&(K, V)` where both are string-like, so a slice of
/// `(&str, &str)`, a `Vec<(String, String)>`, a `BTreeMap<String, String>` or a
/// `HashMap<&str, String>` can all be passed as parameters.
pub trait Param {
    /// The parameter name.
    fn key(&self) -> &str;
    /// The raw (not percent-encoded) value.
    fn value(&self) -> &str;
}

impl<K: AsRef<str>, V: AsRef<str>> Param for (K, V) {
    fn key(&self) -> &str {
        self.0.as_ref()
    }
    fn value(&self) -> &str {
        self.1.as_ref()
    }
}

impl<P: Param + ?Sized> Param for &P {
    fn key(&self) -> &str {
        (**self).key()
    }
    fn value(&self) -> &str {
        (**self).value()
    }
}

/// The parameters to sign, sorted by key bytes, without `sig`, checked for duplicates.
///
/// Only the items are moved; no key or value is copied.
pub(crate) fn sorted<I>(params: I) -> Result<Vec<I::Item>, Error>
where
    I: IntoIterator,
    I::Item: Param,
{
    let mut pairs: Vec<I::Item> = params.into_iter().filter(|p| p.key() != SIG).collect();
    // Byte order of UTF-8 equals code point order, which is what `sorted()` / `ksort` give.
    pairs.sort_unstable_by(|a, b| a.key().as_bytes().cmp(b.key().as_bytes()));
    if let Some(w) = pairs.windows(2).find(|w| w[0].key() == w[1].key()) {
        return Err(Error::DuplicateKey {
            key: w[0].key().to_owned(),
        });
    }
    Ok(pairs)
}

/// The string the platform hashes, without the uid prefix and key suffix: every parameter
/// except `sig`, sorted by key (byte order), as `key=value` with no separators, values raw.
///
/// Useful for debugging a signature mismatch; signing itself streams the same bytes into
/// md5 without building this string.
///
/// ```
/// let s = mailru_sign::canonical_string(&[
///     ("session_key", "be6ef89965d58e56dec21acb9b62bdaa"),
///     ("method", "friends.get"),
///     ("app_id", "423004"),
/// ])?;
/// assert_eq!(s, "app_id=423004method=friends.getsession_key=be6ef89965d58e56dec21acb9b62bdaa");
/// # Ok::<(), mailru_sign::Error>(())
/// ```
///
/// # Errors
/// [`Error::DuplicateKey`] when a key appears twice.
pub fn canonical_string<I>(params: I) -> Result<String, Error>
where
    I: IntoIterator,
    I::Item: Param,
{
    let pairs = sorted(params)?;
    let len = pairs
        .iter()
        .map(|p| p.key().len() + p.value().len() + 1)
        .sum();
    let mut out = String::with_capacity(len);
    for p in &pairs {
        out.push_str(p.key());
        out.push('=');
        out.push_str(p.value());
    }
    Ok(out)
}
