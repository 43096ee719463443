//! Private messages: threads and messages (spec §7.6).

use serde::Serialize;

use super::{User, de, lenient};

model! {
    /// A conversation, as messages.getThreadsList gives it.
    #[derive(Debug, Clone, PartialEq, Default, Serialize)]
    pub struct Thread {
        /// Time of the newest message, unix seconds.
        pub time: u64 => default(lenient::u64_or_zero),
        /// Has unread messages.
        pub unread: bool => default(de::flag),
        /// The other participant.
        pub user: Option<User> => default(lenient::opt_object),
        ..extra
    }
}

model! {
    /// A message, as messages.getThread gives it (newest first).
    #[derive(Debug, Clone, PartialEq, Default, Serialize)]
    pub struct Message {
        /// Unix seconds.
        pub time: u64 => default(lenient::u64_or_zero),
        /// Direction, `0` or `1`; clients disagree on which is which (the emulator sends 1 for
        /// messages the caller sent).
        pub kind: u64 as "type" => default(lenient::u64_or_zero),
        /// The message parts.
        pub message: Vec<MessagePart> => default(lenient::list),
        /// The text, filtered by the platform.
        pub filtered_message: String => default(lenient::string),
        /// Not read yet.
        pub unread: bool => default(de::flag),
        ..extra
    }
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

model! {
    /// One part of a [`Message`]: `{content: "…"}`.
    #[derive(Debug, Clone, PartialEq, Default, Serialize)]
    pub struct MessagePart {
        /// The text of the part.
        pub content: String => default(lenient::string),
        ..extra
    }
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
