//! A page as it came: the body, and where each item lies in it. Items are decoded only when
//! they are handed out, straight from their text; the checks of a walk look at one field
//! of each item (its id or key) with [`probe`](crate::json::probe).

use std::ops::Range;

use bytes::Bytes;
use serde_json::value::RawValue;

/// A page: its body (checked UTF-8 once, so no later pass checks it again) and the byte
/// range of each item.
#[derive(Debug, Clone)]
pub(crate) struct RawPage {
    text: String,
    pub(crate) items: Vec<Range<usize>>,
}

impl RawPage {
    /// The items of a JSON array body; the body back when it is not UTF-8 or not an array.
    pub(crate) fn parse(body: Bytes) -> Result<RawPage, Bytes> {
        let text = match String::from_utf8(Vec::from(body)) {
            Ok(text) => text,
            Err(e) => return Err(Bytes::from(e.into_bytes())),
        };
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
        Ok(RawPage { text, items })
    }

    /// The text of the item at `range` (one of `items`).
    pub(crate) fn item(&self, range: &Range<usize>) -> &str {
        self.text.get(range.clone()).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_are_located_in_the_body() {
        let body = Bytes::from_static(br#" [ {"id":"a","x":[1,{"id":"no"}]} , "15", 7 ] "#);
        let page = RawPage::parse(body).unwrap();
        let items: Vec<&str> = page.items.iter().map(|r| page.item(r)).collect();
        assert_eq!(items, [r#"{"id":"a","x":[1,{"id":"no"}]}"#, "\"15\"", "7"]);
        for bad in [&b"{}"[..], b"[1,", b"[\"\xff\"]"] {
            let back = RawPage::parse(Bytes::from_static(bad)).unwrap_err();
            assert_eq!(back, bad, "the body comes back for the error message");
        }
    }
}
