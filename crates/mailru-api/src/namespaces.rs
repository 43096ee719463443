//! Short namespaced access in the spirit of aiomailru's `api.friends.get()`:
//! `api.friends().get().send().await?`.
//!
//! Each accessor (generated with its method type in [`methods`](crate::methods)) takes the
//! method's required parameters as arguments and returns a [`Call`](crate::Call) whose
//! setters are the optional parameters.

use crate::client::Api;

/// Defines a namespace struct and its accessor on [`Api`].
macro_rules! namespace {
    ($(#[$doc:meta])* $name:ident, $accessor:ident, $prefix:literal) => {
        $(#[$doc])*
        #[doc = concat!("\n\n`", $prefix, ".*` methods of an [`Api`], from [`Api::", stringify!($accessor), "`].")]
        #[derive(Debug, Clone, Copy)]
        pub struct $name<'a> {
            pub(crate) api: &'a Api,
        }

        impl Api {
            #[doc = concat!("`", $prefix, ".*` methods.")]
            pub fn $accessor(&self) -> $name<'_> {
                $name { api: self }
            }
        }
    };
}

namespace!(
    /// Profiles, installation and privileges.
    Users, users, "users"
);
namespace!(
    /// Friends.
    Friends, friends, "friends"
);
namespace!(
    /// The feed and an author's events.
    Stream, stream, "stream"
);
namespace!(
    /// Guestbooks.
    Guestbook, guestbook, "guestbook"
);
namespace!(
    /// Albums and photos.
    Photos, photos, "photos"
);
namespace!(
    /// Audio tracks.
    Audio, audio, "audio"
);
namespace!(
    /// Private messages.
    Messages, messages, "messages"
);
namespace!(
    /// The mailbox.
    Mail, mail, "mail"
);
namespace!(
    /// New-event counter.
    Events, events, "events"
);
namespace!(
    /// Notifications to application users.
    Notifications, notifications, "notifications"
);
