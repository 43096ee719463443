//! `mail.*`

use crate::models::Count;

method! {
    /// Unread e-mails in the session owner's mailbox: `{"count": N}`.
    GetUnreadCount = "mail.getUnreadCount" -> Count, non_empty = true;
    required {}
    optional {}
}
