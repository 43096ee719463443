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
/// need no allocation. Filled in place by [`Sorted::fill`]: returning it moved its ~150
/// bytes twice, a tenth of the work of signing a short request.
pub(crate) struct Sorted<P> {
    /// Up to [`SMALL`] items, in the order given.
    items: [Option<P>; SMALL],
    /// Indices into `items`, sorted.
    order: [u8; SMALL],
    len: usize,
    /// More than [`SMALL`]: all of them here instead, sorted.
    large: Vec<P>,
}

impl<P: Param> Sorted<P> {
    /// An empty set.
    #[inline]
    pub(crate) fn new() -> Self {
        Sorted {
            items: std::array::from_fn(|_| None),
            order: std::array::from_fn(|i| i as u8),
            len: 0,
            large: Vec::new(),
        }
    }

    /// Calls `f` with each item in key order.
    #[inline]
    pub(crate) fn for_each<'a>(&'a self, mut f: impl FnMut(&'a P)) {
        if !self.large.is_empty() {
            return self.large.iter().for_each(f);
        }
        for &i in &self.order[..self.len] {
            if let Some(p) = &self.items[usize::from(i)] {
                f(p);
            }
        }
    }

    /// Sorts `params` into this set, which must be new (empty).
    #[inline]
    pub(crate) fn fill<I>(&mut self, params: I) -> Result<(), Error>
    where
        I: IntoIterator<Item = P>,
    {
        debug_assert!(
            self.len == 0 && self.large.is_empty(),
            "a set is filled once"
        );
        let mut params = params.into_iter().filter(|p| p.key() != SIG);
        let Sorted {
            items,
            order,
            len,
            large,
        } = self;
        for p in params.by_ref() {
            if *len == SMALL {
                large.extend(items.iter_mut().filter_map(Option::take));
                large.push(p);
                large.extend(params);
                *len = 0;
                // Byte order of UTF-8 equals code point order, what `sorted()` / `ksort` give.
                large.sort_unstable_by(|a, b| a.key().as_bytes().cmp(b.key().as_bytes()));
                return self.check_duplicates();
            }
            items[*len] = Some(p);
            *len += 1;
        }
        let key = |i: u8| {
            items[usize::from(i)]
                .as_ref()
                .map_or(&[][..], |p| p.key().as_bytes())
        };
        // `len` is at most SMALL (16), so every index fits a u8. Insertion sort: a handful
        // of keys that mostly differ in their first byte. A key equal to the one it stops
        // next to is a duplicate (the keys before it are sorted); which one is reported is
        // decided on the sorted whole, so it does not depend on the order the parameters
        // came in.
        let mut duplicate = false;
        for i in 1..*len {
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
        if duplicate {
            return self.check_duplicates();
        }
        Ok(())
    }

    fn check_duplicates(&self) -> Result<(), Error> {
        let mut previous: Option<&str> = None;
        let mut duplicate = None;
        self.for_each(|p| {
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
}

/// Byte order of keys; most differ in their first byte, compared without a call.
#[inline]
fn compare(a: &[u8], b: &[u8]) -> Ordering {
    match (a.first(), b.first()) {
        (Some(x), Some(y)) if x != y => x.cmp(y),
        _ => a.cmp(b),
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
    let mut pairs = Sorted::new();
    pairs.fill(params)?;
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
            let mut sorted = Sorted::new();
            sorted.fill(&params).unwrap();
            sorted.for_each(|p| got.push(p.key().to_owned()));
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
            assert_eq!(Sorted::new().fill(&turned).err(), smallest, "{turned:?}");
            turned.reverse();
            assert_eq!(Sorted::new().fill(&turned).err(), smallest, "{turned:?}");
        }
    }

    #[test]
    fn duplicates_are_found_in_small_and_large_sets() {
        for n in [2, 16, 30] {
            let mut params = keys(n);
            params.push(("k01".to_owned(), "again".to_owned()));
            assert_eq!(
                Sorted::new().fill(&params).err(),
                Some(Error::DuplicateKey {
                    key: "k01".to_owned()
                }),
                "{n} parameters"
            );
        }
    }
}
