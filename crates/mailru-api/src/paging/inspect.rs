//! What can be learnt from one page alone, without the walk's memory: its items, the
//! cursor after each, their keys, and (from the end of the body alone, before all that)
//! where the next page would start.

use bytes::Bytes;

use super::Cursor;
use super::guard::hash_of;
use super::page::{Decode, RawPage, is_space};
use crate::catalog::{ItemKey, MethodInfo, Paging};
use crate::error::{PaginationError, Result};
use crate::json::{Probe, probe};
use crate::text::{body_start, sanitize};

/// What every page of a walk shares.
#[derive(Debug)]
pub(crate) struct Spec {
    pub(crate) method: String,
    pub(crate) info: MethodInfo,
    /// The user's parameters without the ones the walk sets.
    pub(crate) params: Vec<(String, String)>,
}

/// A page that passed the checks one page allows.
#[derive(Debug)]
pub(crate) struct Inspected<T> {
    pub(crate) page: RawPage,
    /// The items, when every one decoded as the page was read.
    pub(crate) decoded: Option<Vec<T>>,
    /// The cursor just after each item.
    pub(crate) cursors: Vec<Cursor>,
    /// What the walk remembers of each item to notice a repeat.
    pub(crate) keys: Keys,
}

/// The hashes the repeat check compares.
#[derive(Debug, Default)]
pub(crate) struct Keys {
    /// One per item that has a key (the key kept for the error message).
    pub(crate) items: Vec<(u64, String)>,
    /// The hash of the whole page, when some item has no key.
    pub(crate) page: Option<u64>,
}

impl Spec {
    /// Checks a page on its own: an array whose items have usable cursors (and, for skip
    /// cursors, a last one other than `requested`); decodes its items with `decode`.
    pub(crate) fn inspect<T>(
        &self,
        body: Bytes,
        requested: &Cursor,
        decode: Decode<T>,
    ) -> Result<Inspected<T>> {
        let (page, decoded) =
            RawPage::parse(body, decode).map_err(|body| PaginationError::NotAnArray {
                method: sanitize(&self.method),
                body_start: body_start(&body),
            })?;
        let cursors = match (page.items.is_empty(), self.info.paging) {
            (true, _) => Vec::new(),
            (false, Paging::Skip) => self.skip_cursors(&page, requested)?,
            (false, Paging::Offset { .. } | Paging::None) => {
                let base = match requested {
                    Cursor::Offset(n) => *n,
                    _ => 0,
                };
                (1..=page.items.len() as u64)
                    .map(|i| Cursor::Offset(base + i))
                    .collect()
            }
        };
        let keys = self.keys(&page, &cursors);
        Ok(Inspected {
            page,
            decoded,
            cursors,
            keys,
        })
    }

    /// The cursor after each item of a skip page: its id, which must be a non-empty
    /// string, and the last of which must differ from the cursor just used.
    fn skip_cursors(&self, page: &RawPage, requested: &Cursor) -> Result<Vec<Cursor>> {
        let mut cursors = Vec::with_capacity(page.items.len());
        for (index, range) in page.items.iter().enumerate() {
            let item = page.item(range);
            match skip_id(item) {
                Ok(id) => cursors.push(Cursor::Skip(id)),
                Err(other) => {
                    return Err(PaginationError::NoItemId {
                        method: sanitize(&self.method),
                        index,
                        found: sanitize(&other.to_string()),
                    }
                    .into());
                }
            }
        }
        if let (Some(Cursor::Skip(last)), Cursor::Skip(sent)) = (cursors.last(), requested)
            && last == sent
        {
            return Err(PaginationError::CursorStuck {
                method: sanitize(&self.method),
                cursor: sanitize(sent),
            }
            .into());
        }
        Ok(cursors)
    }

    /// The key of each item (or the page's hash, when an item has none). `cursors` are
    /// the page's: when the key is the `id` a skip cursor already holds, the items are not
    /// looked at again.
    fn keys(&self, page: &RawPage, cursors: &[Cursor]) -> Keys {
        let ids_known = self.info.paging == Paging::Skip
            && self.info.item_key == ItemKey::Field("id")
            && cursors.len() == page.items.len();
        let mut keys = Keys::default();
        let mut keyless = false;
        for (range, cursor) in page.items.iter().zip(cursors) {
            let key = match (self.info.item_key, cursor) {
                (_, Cursor::Skip(id)) if ids_known => Some(id.clone()),
                (ItemKey::Field(path), _) => match probe(page.item(range), path) {
                    Probe::Str(s) if !s.is_empty() => Some(s),
                    Probe::Num(n) => Some(n),
                    _ => None,
                },
                (ItemKey::None, _) => None,
            };
            match key {
                Some(key) => keys.items.push((hash_of(&key), key)),
                None => keyless = true,
            }
        }
        if keyless {
            let items: Vec<&str> = page.items.iter().map(|r| page.item(r)).collect();
            keys.page = Some(hash_of(&items));
        }
        keys
    }

    /// Where the page after the one in `body` would start, read from the end of the body
    /// alone (its last item), before the page is decoded: a guess the walk checks once
    /// the page is inspected. `None` when it cannot tell (or the page looks empty).
    pub(crate) fn next_guess(&self, body: &[u8], requested: &Cursor, size: u32) -> Option<Cursor> {
        let last = last_item(body)?;
        match self.info.paging {
            Paging::Skip => skip_id(std::str::from_utf8(last).ok()?)
                .ok()
                .map(Cursor::Skip),
            // A full page is assumed: a shorter one makes the guess wrong, which the
            // walk notices.
            Paging::Offset { limit: true } => {
                let base = match requested {
                    Cursor::Offset(n) => *n,
                    _ => 0,
                };
                Some(Cursor::Offset(base + u64::from(size)))
            }
            Paging::Offset { limit: false } | Paging::None => None,
        }
    }
}

/// The skip cursor an item gives: its `id`, a non-empty string, in an object.
fn skip_id(item: &str) -> std::result::Result<String, Probe> {
    match probe(item, "id") {
        Probe::Str(id) if !id.is_empty() && item.starts_with('{') => Ok(id),
        other => Err(other),
    }
}

/// The bytes of the last item of a JSON array, found by reading back from its `]` (a
/// quote counts when an even number of backslashes precede it): only the last item is
/// read. Meant for a guess: an invalid body gives some slice or `None`.
fn last_item(body: &[u8]) -> Option<&[u8]> {
    let end = body.len() - body.iter().rev().take_while(|b| is_space(b)).count();
    let end = end.checked_sub(1).filter(|&e| body[e] == b']')?;
    let end = end - body[..end].iter().rev().take_while(|b| is_space(b)).count();
    let (mut depth, mut in_string) = (0usize, false);
    for at in (0..end).rev() {
        let byte = body[at];
        if byte == b'"' {
            let backslashes = body[..at].iter().rev().take_while(|&&b| b == b'\\').count();
            if backslashes % 2 == 0 {
                in_string = !in_string;
            }
            continue;
        }
        match (in_string, byte, depth) {
            (true, _, _) => {}
            (false, b'}' | b']', _) => depth += 1,
            (false, b'{' | b'[', 1..) => depth -= 1,
            (false, b'[' | b',', 0) => {
                let start = at + 1;
                let start = start + body[start..end].iter().take_while(|b| is_space(b)).count();
                return (start < end).then(|| &body[start..end]);
            }
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_item_is_found_from_the_end() {
        let last = |body: &str| {
            last_item(body.as_bytes()).map(|b| String::from_utf8_lossy(b).into_owned())
        };
        assert_eq!(
            last(r#"[{"id":"a"}, {"id":"b","x":[1,{"y":"],{\"["}]} ] "#).as_deref(),
            Some(r#"{"id":"b","x":[1,{"y":"],{\"["}]}"#)
        );
        assert_eq!(
            last(r#"[1, "a\\", "b,\\\"]"]"#).as_deref(),
            Some(r#""b,\\\"]""#)
        );
        assert_eq!(last(r#"[ 7 ]"#).as_deref(), Some("7"));
        assert_eq!(last("[ ]"), None);
        assert_eq!(last("[1,2"), None);
        assert_eq!(last(""), None);
        assert_eq!(last("]"), None);
    }
}
