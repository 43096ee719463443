//! `notifications.*`

use serde_json::Value;

use crate::methods::Ids;

method! {
    /// Sends a notification to application users. Server-server circuit only; no session
    /// needed. Untyped answer (decisions.md); the emulator sends `1`.
    Notifications.send: Send = "notifications.send" -> Value;
    required {
        /// The recipients.
        uids: Ids => "uids",
        /// The text (UTF-8).
        text: String => "text",
    }
    optional {}
}
