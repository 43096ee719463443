//! A page as it came: the body, where each item lies in it, and (usually) the items
//! already decoded. The checks of a walk look at one field of each item (its id or key)
//! with [`probe`](crate::json::probe).

use std::ops::Range;

use bytes::Bytes;
use serde::de::{DeserializeOwned, Error as _};
use serde_json::value::RawValue;

/// Decodes the first item of a text (the rest of a page from that item on) and says how
/// many bytes it took.
pub(crate) type Decode<T> = fn(&str) -> serde_json::Result<(T, usize)>;

/// The first JSON value of `text` as `T`, and its length: serde_json's own decoding.
pub(crate) fn first_value<T: DeserializeOwned>(text: &str) -> serde_json::Result<(T, usize)> {
    let mut values = serde_json::Deserializer::from_str(text).into_iter::<T>();
    match values.next() {
        Some(Ok(value)) => Ok((value, values.byte_offset())),
        Some(Err(e)) => Err(e),
        None => Err(serde_json::Error::custom("no value")),
    }
}

/// A page: its body (checked UTF-8 once, so no later pass checks it again) and the byte
/// range of each item.
#[derive(Debug, Clone)]
pub(crate) struct RawPage {
    text: String,
    pub(crate) items: Vec<Range<usize>>,
}

impl RawPage {
    /// The items of a JSON array body, decoded with `decode` in the same pass when every
    /// one of them decodes (else `None`: they are decoded one by one when handed out, so
    /// each failure is reported at its item). The body comes back when it is not UTF-8
    /// or not an array.
    pub(crate) fn parse<T>(
        body: Bytes,
        decode: Decode<T>,
    ) -> Result<(RawPage, Option<Vec<T>>), Bytes> {
        let text = match String::from_utf8(Vec::from(body)) {
            Ok(text) => text,
            Err(e) => return Err(Bytes::from(e.into_bytes())),
        };
        if let Some((items, decoded)) = decode_all(&text, decode) {
            return Ok((RawPage { text, items }, Some(decoded)));
        }
        let items = {
            let Ok(raw) = serde_json::from_str::<Vec<&RawValue>>(&text) else {
                return Err(Bytes::from(text));
            };
            let start = text.as_ptr() as usize;
            raw.iter()
                .map(|item| {
                    // Each item borrows from `text`: its offset is its address minus the
                    // text's (serde_json hands out sub-slices of the input).
                    let item = item.get();
                    let from = (item.as_ptr() as usize).saturating_sub(start);
                    from..from + item.len()
                })
                .collect()
        };
        Ok((RawPage { text, items }, None))
    }

    /// The text of the item at `range` (one of `items`).
    pub(crate) fn item(&self, range: &Range<usize>) -> &str {
        self.text.get(range.clone()).unwrap_or_default()
    }
}

/// Every item of the array `text` decoded, with its range: one pass over the body.
/// `None` when anything is amiss (the caller then locates the items without decoding
/// them, and reports what is wrong precisely).
fn decode_all<T>(text: &str, decode: Decode<T>) -> Option<(Vec<Range<usize>>, Vec<T>)> {
    let bytes = text.as_bytes();
    let mut at = skip_space(bytes, 0);
    if bytes.get(at) != Some(&b'[') {
        return None;
    }
    at = skip_space(bytes, at + 1);
    let (mut ranges, mut items) = (Vec::new(), Vec::new());
    if bytes.get(at) == Some(&b']') {
        at += 1;
    } else {
        loop {
            let (item, len) = decode(text.get(at..)?).ok()?;
            ranges.push(at..at + len);
            items.push(item);
            at = skip_space(bytes, at + len);
            match bytes.get(at) {
                Some(b',') => at = skip_space(bytes, at + 1),
                Some(b']') => {
                    at += 1;
                    break;
                }
                _ => return None,
            }
        }
    }
    (skip_space(bytes, at) == bytes.len()).then_some((ranges, items))
}

/// The index of the first byte at or after `at` that is not JSON whitespace.
fn skip_space(bytes: &[u8], mut at: usize) -> usize {
    while bytes.get(at).is_some_and(is_space) {
        at += 1;
    }
    at
}

/// JSON whitespace.
pub(crate) fn is_space(byte: &u8) -> bool {
    matches!(byte, b' ' | b'\n' | b'\r' | b'\t')
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use super::*;

    fn texts(page: &RawPage) -> Vec<&str> {
        page.items.iter().map(|r| page.item(r)).collect()
    }

    #[test]
    fn items_are_located_and_decoded_in_one_pass() {
        let body = Bytes::from_static(br#" [ {"id":"a","x":[1,{"id":"no"}]} , "15", 7 ] "#);
        let (page, decoded) = RawPage::parse(body, first_value::<Value>).unwrap();
        assert_eq!(
            texts(&page),
            [r#"{"id":"a","x":[1,{"id":"no"}]}"#, "\"15\"", "7"]
        );
        let decoded = decoded.expect("every item decodes");
        assert_eq!(
            decoded,
            [
                serde_json::json!({"id":"a","x":[1,{"id":"no"}]}),
                "15".into(),
                7.into()
            ]
        );
        let (page, decoded) =
            RawPage::parse(Bytes::from_static(b" [ ] "), first_value::<Value>).unwrap();
        assert!(page.items.is_empty());
        assert_eq!(decoded, Some(Vec::new()));
    }

    #[test]
    fn an_item_that_does_not_decode_leaves_every_item_to_later() {
        let body = Bytes::from_static(br#"[{"n":1},{"n":"two"},{"n":3}]"#);
        #[derive(Debug, serde::Deserialize)]
        struct N {
            #[allow(dead_code)]
            n: u8,
        }
        let (page, decoded) = RawPage::parse(body, first_value::<N>).unwrap();
        assert!(decoded.is_none());
        assert_eq!(texts(&page), [r#"{"n":1}"#, r#"{"n":"two"}"#, r#"{"n":3}"#]);
    }

    #[test]
    fn bodies_that_are_not_arrays_come_back() {
        for bad in [
            &b"{}"[..],
            b"[1,",
            b"[\"\xff\"]",
            b"[1 2]",
            b"[1,]",
            b"[1] x",
            b"",
        ] {
            let back = RawPage::parse(Bytes::from_static(bad), first_value::<Value>).unwrap_err();
            assert_eq!(back, bad, "the body comes back for the error message");
        }
    }
}
