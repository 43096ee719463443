//! `messages.*`: private messages of Мой Мир.

use serde_json::Value;

use crate::models::{Count, Message, Thread};

method! {
    /// The session owner's conversations, newest first (privilege `messages`).
    GetThreadsList = "messages.getThreadsList" -> Vec<Thread>;
    required {}
    optional {
        /// Conversations to skip.
        offset: u32 => "offset",
        /// Page size (default 10).
        limit: u32 => "limit",
    }
}

method! {
    /// The messages of one conversation, newest first.
    GetThread = "messages.getThread" -> Vec<Message>;
    required {
        /// The other participant.
        uid: u64 => "uid",
    }
    optional {
        /// Messages to skip.
        offset: u32 => "offset",
        /// Page size (default 10).
        limit: u32 => "limit",
    }
}

method! {
    /// Unread private messages: `{"count": N}`.
    GetUnreadCount = "messages.getUnreadCount" -> Count, non_empty = true;
    required {}
    optional {}
}

method! {
    /// Sends a private message. Untyped answer (decisions.md); the emulator sends `1`.
    Post = "messages.post" -> Value, write = true;
    required {
        /// The recipient.
        uid: u64 => "uid",
        /// The text.
        message: String => "message",
    }
    optional {}
}
