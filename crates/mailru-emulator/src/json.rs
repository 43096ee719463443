//! JSON written straight from the data: a serialized answer, and small wrappers that
//! serialize numbers as strings and formatted text without an intermediate `String`.

use std::fmt::{self, Display, Write as _};

use serde::{Serialize, Serializer};
use serde_json::Value;

/// A serialized JSON answer (the body of a response).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Json(pub(crate) Vec<u8>);

impl Json {
    /// Serializes `value`, reserving `capacity` bytes up front.
    ///
    /// # Errors
    /// Only when a `Serialize` implementation fails; the emulator's do not (no maps with
    /// non-string keys, no custom errors), so callers answer error 1 if it ever happens.
    pub(crate) fn with_capacity<T: Serialize + ?Sized>(
        value: &T,
        capacity: usize,
    ) -> Result<Json, serde_json::Error> {
        let mut out = Vec::with_capacity(capacity);
        serde_json::to_writer(&mut out, value)?;
        Ok(Json(out))
    }

    /// Serializes `value`.
    pub(crate) fn of<T: Serialize + ?Sized>(value: &T) -> Result<Json, serde_json::Error> {
        Json::with_capacity(value, 256)
    }

    /// The text of the answer.
    pub(crate) fn as_str(&self) -> &str {
        // `serde_json` writes UTF-8 only; the fallback is never taken.
        std::str::from_utf8(&self.0).unwrap_or_default()
    }
}

impl From<Value> for Json {
    fn from(value: Value) -> Self {
        Json(value.to_string().into_bytes())
    }
}

/// Serializes anything `Display` as a JSON string (ids as strings, URLs put together from
/// parts) without allocating: the text is formatted into a buffer on the stack, then
/// escaped and written in one go (`collect_str` would escape and write every formatting
/// fragment, down to single padding characters, separately).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Disp<T>(pub(crate) T);

impl<T: Display> Serialize for Disp<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut buf = StackText::default();
        // Writing into `StackText` cannot fail; a `Display` that reports an error anyway
        // leaves what it wrote so far.
        let _ = write!(buf, "{}", self.0);
        s.serialize_str(buf.as_str())
    }
}

/// Bytes of text formatted on the stack before [`StackText`] moves to the heap.
const STACK_TEXT: usize = 192;

/// Text formatted into a fixed buffer, spilling into a `String` when it is longer.
pub(crate) struct StackText {
    buf: [u8; STACK_TEXT],
    len: usize,
    spill: Option<String>,
}

impl Default for StackText {
    fn default() -> Self {
        StackText {
            buf: [0; STACK_TEXT],
            len: 0,
            spill: None,
        }
    }
}

impl StackText {
    pub(crate) fn as_str(&self) -> &str {
        match &self.spill {
            Some(s) => s,
            // Only whole `&str`s are copied in, so the bytes are UTF-8; the fallback is
            // never taken.
            None => std::str::from_utf8(&self.buf[..self.len]).unwrap_or_default(),
        }
    }
}

impl fmt::Write for StackText {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        if let Some(spill) = &mut self.spill {
            spill.push_str(s);
        } else if let Some(room) = self.buf.get_mut(self.len..self.len + s.len()) {
            room.copy_from_slice(s.as_bytes());
            self.len += s.len();
        } else {
            let mut spill = String::with_capacity(2 * (self.len + s.len()));
            spill.push_str(self.as_str());
            spill.push_str(s);
            self.spill = Some(spill);
        }
        Ok(())
    }
}
