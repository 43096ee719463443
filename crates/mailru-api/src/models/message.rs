//! Private messages: threads and messages (spec §7.6).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::{User, de, lenient};

/// A conversation, as messages.getThreadsList gives it.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Thread {
    /// Time of the newest message, unix seconds.
    #[serde(default, deserialize_with = "lenient::u64_or_zero")]
    pub time: u64,
    /// Has unread messages.
    #[serde(default, deserialize_with = "de::flag")]
    pub unread: bool,
    /// The other participant.
    #[serde(default, deserialize_with = "lenient::opt_object")]
    pub user: Option<User>,
    /// Every other field, as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A message, as messages.getThread gives it (newest first).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Message {
    /// Unix seconds.
    #[serde(default, deserialize_with = "lenient::u64_or_zero")]
    pub time: u64,
    /// Direction, `0` or `1`; clients disagree on which is which (the emulator sends 1 for
    /// messages the caller sent).
    #[serde(rename = "type", default, deserialize_with = "lenient::u64_or_zero")]
    pub kind: u64,
    /// The message parts.
    #[serde(default, deserialize_with = "lenient::list")]
    pub message: Vec<MessagePart>,
    /// The text, filtered by the platform.
    #[serde(default, deserialize_with = "lenient::string")]
    pub filtered_message: String,
    /// Not read yet.
    #[serde(default, deserialize_with = "de::flag")]
    pub unread: bool,
    /// Every other field, as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Message {
    /// The text: `filtered_message`, or the parts joined when it is empty.
    pub fn text(&self) -> String {
        if self.filtered_message.is_empty() {
            self.message
                .iter()
                .map(|p| p.content.as_str())
                .collect::<Vec<_>>()
                .join("")
        } else {
            self.filtered_message.clone()
        }
    }
}

/// One part of a [`Message`]: `{content: "…"}`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct MessagePart {
    /// The text of the part.
    #[serde(default, deserialize_with = "lenient::string")]
    pub content: String,
    /// Every other field, as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn threads_and_messages() {
        let t: Thread =
            serde_json::from_str(r#"{"time":"5","unread":"1","user":{"uid":"9"},"x":1}"#).unwrap();
        assert_eq!((t.time, t.unread, t.user.unwrap().uid), (5, true, 9));
        let m: Message = serde_json::from_str(
            r#"{"time":1,"type":"1","message":[{"content":"a"},{"content":"b"}],"filtered_message":""}"#,
        )
        .unwrap();
        assert_eq!((m.kind, m.text()), (1, "ab".to_owned()));
        let m: Message =
            serde_json::from_str(r#"{"message":{"content":"one"},"filtered_message":"f"}"#)
                .unwrap();
        assert_eq!((m.message.len(), m.text()), (1, "f".to_owned()));
    }
}
