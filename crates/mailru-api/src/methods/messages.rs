//! `messages.*`: private messages of Мой Мир.

use serde_json::Value;

use crate::models::{Count, Message, Thread};

method! {
    /// The session owner's conversations, newest first (privilege `messages`).
    Messages.get_threads_list: GetThreadsList = "messages.getThreadsList" -> pages of Thread;
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
    Messages.get_thread: GetThread = "messages.getThread" -> pages of Message;
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
    Messages.get_unread_count: GetUnreadCount = "messages.getUnreadCount" -> Count;
    required {}
    optional {}
}

method! {
    /// Sends a private message. Untyped answer (decisions.md); the emulator sends `1`.
    Messages.post: Post = "messages.post" -> Value;
    required {
        /// The recipient.
        uid: u64 => "uid",
        /// The text.
        message: String => "message",
    }
    optional {}
}
