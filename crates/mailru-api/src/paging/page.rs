//! A page as it came: the body, and where each item lies in it. Items are decoded only when
//! they are handed out, straight from their bytes; the checks of a walk look at one field
//! of each item (its id or key) with [`probe`](crate::json::probe).

use std::ops::Range;

use bytes::Bytes;
use serde_json::value::RawValue;

/// A page: its body and the byte range of each item.
#[derive(Debug, Clone)]
pub(crate) struct RawPage {
    pub(crate) body: Bytes,
    pub(crate) items: Vec<Range<usize>>,
}

impl RawPage {
    /// The items of a JSON array body; `None` when the body is not an array.
    pub(crate) fn parse(body: Bytes) -> Option<RawPage> {
        let items = {
            let raw: Vec<&RawValue> = serde_json::from_slice(&body).ok()?;
            let start = body.as_ptr() as usize;
            raw.iter()
                .map(|item| {
                    // Each item borrows from `body`: its offset is its address minus the
                    // body's (serde_json hands out sub-slices of the input).
                    let text = item.get();
                    let from = (text.as_ptr() as usize).saturating_sub(start);
                    from..from + text.len()
                })
                .collect()
        };
        Some(RawPage { body, items })
    }

    /// The bytes of item `i`.
    pub(crate) fn item(&self, range: &Range<usize>) -> &[u8] {
        self.body.get(range.clone()).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_are_located_in_the_body() {
        let body = Bytes::from_static(br#" [ {"id":"a","x":[1,{"id":"no"}]} , "15", 7 ] "#);
        let page = RawPage::parse(body).unwrap();
        let items: Vec<&[u8]> = page.items.iter().map(|r| page.item(r)).collect();
        assert_eq!(
            items,
            [&br#"{"id":"a","x":[1,{"id":"no"}]}"#[..], b"\"15\"", b"7"]
        );
        assert!(RawPage::parse(Bytes::from_static(b"{}")).is_none());
        assert!(RawPage::parse(Bytes::from_static(b"[1,")).is_none());
    }
}
