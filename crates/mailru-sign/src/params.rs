//! Parameter sets and their canonical form (spec §2.3).

use std::cmp::Ordering;

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

/// Parameter sets up to this size are sorted on the stack.
const SMALL: usize = 16;

/// The parameters to sign, sorted by key bytes, without `sig`, checked for duplicates.
/// Only the items are moved; no key or value is copied, and small sets (the usual case)
/// need no allocation.
pub(crate) enum Sorted<P> {
    /// Up to [`SMALL`] items and their order.
    Small {
        items: [Option<P>; SMALL],
        order: [u8; SMALL],
        len: usize,
    },
    /// More: a sorted vector.
    Large(Vec<P>),
}

impl<P: Param> Sorted<P> {
    /// Calls `f` with each item in key order.
    #[inline]
    pub(crate) fn for_each<'a>(&'a self, mut f: impl FnMut(&'a P)) {
        match self {
            Sorted::Small { items, order, len } => {
                for &i in &order[..*len] {
                    if let Some(p) = &items[usize::from(i)] {
                        f(p);
                    }
                }
            }
            Sorted::Large(v) => v.iter().for_each(f),
        }
    }
}

#[inline]
pub(crate) fn sorted<I>(params: I) -> Result<Sorted<I::Item>, Error>
where
    I: IntoIterator,
    I::Item: Param,
{
    let mut params = params.into_iter().filter(|p| p.key() != SIG);
    let mut items: [Option<I::Item>; SMALL] = std::array::from_fn(|_| None);
    let mut len = 0;
    for p in params.by_ref() {
        if len == SMALL {
            let mut all: Vec<I::Item> = items.into_iter().flatten().collect();
            all.push(p);
            all.extend(params);
            // Byte order of UTF-8 equals code point order, what `sorted()` / `ksort` give.
            all.sort_unstable_by(|a, b| a.key().as_bytes().cmp(b.key().as_bytes()));
            let sorted = Sorted::Large(all);
            check_duplicates(&sorted)?;
            return Ok(sorted);
        }
        items[len] = Some(p);
        len += 1;
    }
    let key = |i: u8| {
        items[usize::from(i)]
            .as_ref()
            .map_or(&[][..], |p| p.key().as_bytes())
    };
    // `len` is at most SMALL (16), so every index fits a u8. Insertion sort: a handful of
    // keys that mostly differ in their first byte. A key equal to the one it stops next
    // to is a duplicate (the keys before it are sorted); which one is reported is decided
    // on the sorted whole, so it does not depend on the order the parameters came in.
    let mut order: [u8; SMALL] = std::array::from_fn(|i| i as u8);
    let mut duplicate = false;
    for i in 1..len {
        let mut j = i;
        while j > 0 {
            match compare(key(order[j - 1]), key(order[j])) {
                Ordering::Greater => order.swap(j - 1, j),
                Ordering::Equal => {
                    duplicate = true;
                    break;
                }
                Ordering::Less => break,
            }
            j -= 1;
        }
    }
    let sorted = Sorted::Small { items, order, len };
    if duplicate {
        check_duplicates(&sorted)?;
    }
    Ok(sorted)
}

/// Byte order of keys; most differ in their first byte, compared without a call.
#[inline]
fn compare(a: &[u8], b: &[u8]) -> Ordering {
    match (a.first(), b.first()) {
        (Some(x), Some(y)) if x != y => x.cmp(y),
        _ => a.cmp(b),
    }
}

fn check_duplicates<P: Param>(sorted: &Sorted<P>) -> Result<(), Error> {
    let mut previous: Option<&str> = None;
    let mut duplicate = None;
    sorted.for_each(|p| {
        if duplicate.is_none() && previous == Some(p.key()) {
            duplicate = Some(p.key().to_owned());
        }
        previous = Some(p.key());
    });
    match duplicate {
        Some(key) => Err(Error::DuplicateKey { key }),
        None => Ok(()),
    }
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
    let mut out = String::new();
    pairs.for_each(|p| {
        out.push_str(p.key());
        out.push('=');
        out.push_str(p.value());
    });
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(n: usize) -> Vec<(String, String)> {
        // Reverse order, so sorting has work to do.
        (0..n)
            .rev()
            .map(|i| (format!("k{i:02}"), i.to_string()))
            .collect()
    }

    #[test]
    fn small_and_large_sets_sort_the_same_way_and_drop_sig() {
        for n in [0, 1, 15, 16, 17, 40] {
            let mut params = keys(n);
            params.push(("sig".to_owned(), "x".to_owned()));
            let mut got: Vec<String> = Vec::new();
            sorted(&params)
                .unwrap()
                .for_each(|p| got.push(p.key().to_owned()));
            let mut want: Vec<String> = keys(n).into_iter().map(|(k, _)| k).collect();
            want.sort();
            assert_eq!(got, want, "{n} parameters");
        }
    }

    #[test]
    fn the_duplicate_reported_does_not_depend_on_the_order() {
        let params = [("b", "1"), ("a", "1"), ("b", "2"), ("a", "2"), ("c", "0")];
        let smallest = Some(Error::DuplicateKey {
            key: "a".to_owned(),
        });
        for rotation in 0..params.len() {
            let mut turned = params.to_vec();
            turned.rotate_left(rotation);
            assert_eq!(sorted(&turned).err(), smallest, "{turned:?}");
            turned.reverse();
            assert_eq!(sorted(&turned).err(), smallest, "{turned:?}");
        }
    }

    #[test]
    fn duplicates_are_found_in_small_and_large_sets() {
        for n in [2, 16, 30] {
            let mut params = keys(n);
            params.push(("k01".to_owned(), "again".to_owned()));
            assert_eq!(
                sorted(&params).err(),
                Some(Error::DuplicateKey {
                    key: "k01".to_owned()
                }),
                "{n} parameters"
            );
        }
    }
}
