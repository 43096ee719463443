//! `mail.*`

use crate::models::Count;

method! {
    /// Unread e-mails in the session owner's mailbox: `{"count": N}`.
    Mail.get_unread_count: GetUnreadCount = "mail.getUnreadCount" -> Count;
    required {}
    optional {}
}
