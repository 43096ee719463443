//! Short namespaced access in the spirit of aiomailru's `api.friends.get()`:
//! `api.friends().get().ext(true).send().await?`.
//!
//! Each accessor takes the method's required parameters as arguments and returns a
//! [`Call`] whose setters are the optional parameters.

use crate::client::Api;
use crate::method::Call;
use crate::methods::{
    Ids, audio, events, friends, guestbook, mail, messages, notifications, photos, stream, users,
};

/// Defines a namespace struct and its accessor on [`Api`].
macro_rules! namespace {
    ($(#[$doc:meta])* $name:ident, $accessor:ident, $prefix:literal) => {
        $(#[$doc])*
        #[doc = concat!("\n\n`", $prefix, ".*` methods of an [`Api`], from [`Api::", stringify!($accessor), "`].")]
        #[derive(Debug, Clone, Copy)]
        pub struct $name<'a> {
            api: &'a Api,
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

impl<'a> Users<'a> {
    /// `users.getInfo`.
    pub fn get_info(self) -> Call<'a, users::GetInfo> {
        Call::new(self.api, users::GetInfo::new())
    }

    /// `users.isAppUser`.
    pub fn is_app_user(self) -> Call<'a, users::IsAppUser> {
        Call::new(self.api, users::IsAppUser::new())
    }

    /// `users.hasAppPermission` for the privilege `ext_perm` (e.g. `"stream"`).
    pub fn has_app_permission(
        self,
        ext_perm: impl Into<String>,
    ) -> Call<'a, users::HasAppPermission> {
        Call::new(self.api, users::HasAppPermission::new(ext_perm))
    }

    /// `users.getBalance`.
    pub fn get_balance(self) -> Call<'a, users::GetBalance> {
        Call::new(self.api, users::GetBalance::new())
    }
}

impl<'a> Friends<'a> {
    /// `friends.get`.
    pub fn get(self) -> Call<'a, friends::Get> {
        Call::new(self.api, friends::Get::new())
    }

    /// `friends.getAppUsers`.
    pub fn get_app_users(self) -> Call<'a, friends::GetAppUsers> {
        Call::new(self.api, friends::GetAppUsers::new())
    }

    /// `friends.getOnline`.
    pub fn get_online(self) -> Call<'a, friends::GetOnline> {
        Call::new(self.api, friends::GetOnline::new())
    }

    /// `friends.getInvitationsCount` of `uid`.
    pub fn get_invitations_count(
        self,
        uid: impl Into<u64>,
    ) -> Call<'a, friends::GetInvitationsCount> {
        Call::new(self.api, friends::GetInvitationsCount::new(uid))
    }
}

impl<'a> Stream<'a> {
    /// `stream.get`.
    pub fn get(self) -> Call<'a, stream::Get> {
        Call::new(self.api, stream::Get::new())
    }

    /// `stream.getByAuthor`.
    pub fn get_by_author(self) -> Call<'a, stream::GetByAuthor> {
        Call::new(self.api, stream::GetByAuthor::new())
    }

    /// `stream.post`.
    pub fn post(self) -> Call<'a, stream::Post> {
        Call::new(self.api, stream::Post::new())
    }

    /// `stream.share` of `url`.
    pub fn share(self, url: impl Into<String>) -> Call<'a, stream::Share> {
        Call::new(self.api, stream::Share::new(url))
    }

    /// `stream.comment`: `text` on the event with `thread_id`.
    pub fn comment(
        self,
        thread_id: impl Into<String>,
        text: impl Into<String>,
    ) -> Call<'a, stream::Comment> {
        Call::new(self.api, stream::Comment::new(thread_id, text))
    }

    /// `stream.like` of the event with `thread_id`.
    pub fn like(self, thread_id: impl Into<String>) -> Call<'a, stream::Like> {
        Call::new(self.api, stream::Like::new(thread_id))
    }

    /// `stream.unlike` of the event with `thread_id`.
    pub fn unlike(self, thread_id: impl Into<String>) -> Call<'a, stream::Unlike> {
        Call::new(self.api, stream::Unlike::new(thread_id))
    }
}

impl<'a> Guestbook<'a> {
    /// `guestbook.get`.
    pub fn get(self) -> Call<'a, guestbook::Get> {
        Call::new(self.api, guestbook::Get::new())
    }

    /// `guestbook.post`: `description` in the guestbook of `uid`.
    pub fn post(
        self,
        uid: impl Into<u64>,
        description: impl Into<String>,
    ) -> Call<'a, guestbook::Post> {
        Call::new(self.api, guestbook::Post::new(uid, description))
    }
}

impl<'a> Photos<'a> {
    /// `photos.getAlbums`.
    pub fn get_albums(self) -> Call<'a, photos::GetAlbums> {
        Call::new(self.api, photos::GetAlbums::new())
    }

    /// `photos.get` of the album `aid`.
    pub fn get(self, aid: impl Into<String>) -> Call<'a, photos::Get> {
        Call::new(self.api, photos::Get::new(aid))
    }

    /// `photos.createAlbum`.
    pub fn create_album(self) -> Call<'a, photos::CreateAlbum> {
        Call::new(self.api, photos::CreateAlbum::new())
    }

    /// `photos.upload`.
    pub fn upload(self) -> Call<'a, photos::Upload> {
        Call::new(self.api, photos::Upload::new())
    }
}

impl<'a> Audio<'a> {
    /// `audio.get`.
    pub fn get(self) -> Call<'a, audio::Get> {
        Call::new(self.api, audio::Get::new())
    }

    /// `audio.link` of the track `mid`.
    pub fn link(self, mid: impl Into<String>) -> Call<'a, audio::Link> {
        Call::new(self.api, audio::Link::new(mid))
    }

    /// `audio.search` for `query`.
    pub fn search(self, query: impl Into<String>) -> Call<'a, audio::Search> {
        Call::new(self.api, audio::Search::new(query))
    }
}

impl<'a> Messages<'a> {
    /// `messages.getThreadsList`.
    pub fn get_threads_list(self) -> Call<'a, messages::GetThreadsList> {
        Call::new(self.api, messages::GetThreadsList::new())
    }

    /// `messages.getThread` with `uid`.
    pub fn get_thread(self, uid: impl Into<u64>) -> Call<'a, messages::GetThread> {
        Call::new(self.api, messages::GetThread::new(uid))
    }

    /// `messages.getUnreadCount`.
    pub fn get_unread_count(self) -> Call<'a, messages::GetUnreadCount> {
        Call::new(self.api, messages::GetUnreadCount::new())
    }

    /// `messages.post`: `message` to `uid`.
    pub fn post(self, uid: impl Into<u64>, message: impl Into<String>) -> Call<'a, messages::Post> {
        Call::new(self.api, messages::Post::new(uid, message))
    }
}

impl<'a> Mail<'a> {
    /// `mail.getUnreadCount`.
    pub fn get_unread_count(self) -> Call<'a, mail::GetUnreadCount> {
        Call::new(self.api, mail::GetUnreadCount::new())
    }
}

impl<'a> Events<'a> {
    /// `events.getNewCount`.
    pub fn get_new_count(self) -> Call<'a, events::GetNewCount> {
        Call::new(self.api, events::GetNewCount::new())
    }
}

impl<'a> Notifications<'a> {
    /// `notifications.send`: `text` to `uids` (server-server circuit only).
    pub fn send(
        self,
        uids: impl Into<Ids>,
        text: impl Into<String>,
    ) -> Call<'a, notifications::Send> {
        Call::new(self.api, notifications::Send::new(uids, text))
    }
}
