//! The method catalog: every fact the client knows about a REST method, written once.
//!
//! The typed methods ([`methods`](crate::methods)) look their entry up at compile time,
//! the client takes its retry and HTTP-verb policy from it, the pagers their paging, and
//! a test compares it with the platform spec (`spec/methods.json`).

/// Whether a method changes state on the platform.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Access {
    /// Reads only: sent as GET (POST when long) and retried on transient errors.
    Read,
    /// Changes state: sent as POST and not retried unless the retry policy allows it.
    Write,
}

/// How a method pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Paging {
    /// Not paginated.
    None,
    /// `skip` = `id` of the last item already seen (an exclusive cursor), `limit` = page
    /// size.
    Skip,
    /// `offset` = items already seen; `limit` = page size when the method takes one.
    Offset {
        /// Whether the method takes `limit` (friends.get and friends.getAppUsers do not).
        limit: bool,
    },
}

impl Paging {
    /// Whether the method pages at all.
    pub const fn is_paginated(self) -> bool {
        !matches!(self, Paging::None)
    }
}

/// What identifies an item of a paginated method, so that a walk notices a platform that
/// sends the same items again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ItemKey {
    /// A field of the item, dotted for nested objects (`id`, `uid`, `user.uid`). An item
    /// that is a bare string or number (a uid of friends.get) is its own key.
    Field(&'static str),
    /// The items have no identity of their own: whole pages are compared instead.
    None,
}

/// Which signature circuits a method accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Signing {
    /// Client-server and server-server.
    Any,
    /// Server-server only (`secure=1`).
    ServerOnly,
    /// Client-server only.
    ClientOnly,
}

/// How well the platform spec knows the method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Evidence {
    /// Seen in the platform's documentation.
    Documented,
    /// Reconstructed from public clients.
    ClientDerived,
    /// Listed somewhere without evidence that the REST API has it; no typed method.
    Doubtful,
}

/// Everything the client knows about one REST method.
///
/// Methods outside the catalog can be declared for one client with
/// [`ApiBuilder::declare`](crate::ApiBuilder::declare), or given to a typed [`Method`]
/// of your own:
///
/// ```
/// use mailru_api::{Access, MethodInfo, Paging};
///
/// const MINE: MethodInfo = MethodInfo::read("widget.getItems").paging(Paging::Offset { limit: true });
/// assert_eq!(MINE.access, Access::Read);
/// assert!(mailru_api::method_info("friends.get").unwrap().paging.is_paginated());
/// ```
///
/// [`Method`]: crate::Method
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct MethodInfo {
    /// The platform's name, e.g. `friends.get`.
    pub name: &'static str,
    /// Read or write.
    pub access: Access,
    /// How it pages.
    pub paging: Paging,
    /// What identifies a page item (paginated methods).
    pub item_key: ItemKey,
    /// The privilege (OAuth scope) it needs beyond the base one, e.g. `stream`.
    pub privilege: Option<&'static str>,
    /// Whether an empty answer (`{}`, `[]`, nothing) is an error (aiomailru's -1).
    pub non_empty: bool,
    /// The circuits it accepts.
    pub signing: Signing,
    /// How well it is known.
    pub evidence: Evidence,
}

impl MethodInfo {
    /// A read method with no paging, no privilege, any circuit.
    pub const fn read(name: &'static str) -> Self {
        MethodInfo {
            name,
            access: Access::Read,
            paging: Paging::None,
            item_key: ItemKey::None,
            privilege: None,
            non_empty: false,
            signing: Signing::Any,
            evidence: Evidence::ClientDerived,
        }
    }

    /// A write method with no privilege, any circuit.
    pub const fn write(name: &'static str) -> Self {
        MethodInfo {
            access: Access::Write,
            ..MethodInfo::read(name)
        }
    }

    /// Sets the paging.
    #[must_use]
    pub const fn paging(mut self, paging: Paging) -> Self {
        self.paging = paging;
        self
    }

    /// Sets what identifies an item.
    #[must_use]
    pub const fn item_key(mut self, key: ItemKey) -> Self {
        self.item_key = key;
        self
    }

    /// Sets the privilege.
    #[must_use]
    pub const fn privilege(mut self, privilege: &'static str) -> Self {
        self.privilege = Some(privilege);
        self
    }

    /// Marks an empty answer as an error.
    #[must_use]
    pub const fn non_empty(mut self) -> Self {
        self.non_empty = true;
        self
    }

    /// Sets the accepted circuits.
    #[must_use]
    pub const fn signing(mut self, signing: Signing) -> Self {
        self.signing = signing;
        self
    }

    /// Sets the evidence.
    #[must_use]
    pub const fn evidence(mut self, evidence: Evidence) -> Self {
        self.evidence = evidence;
        self
    }
}

use Evidence::{Documented, Doubtful};

const fn doc(info: MethodInfo) -> MethodInfo {
    info.evidence(Documented)
}

const fn doubtful(info: MethodInfo) -> MethodInfo {
    info.evidence(Doubtful)
}

const fn skip(name: &'static str) -> MethodInfo {
    MethodInfo::read(name)
        .paging(Paging::Skip)
        .item_key(ItemKey::Field("id"))
}

const fn offset(name: &'static str, key: ItemKey) -> MethodInfo {
    MethodInfo::read(name)
        .paging(Paging::Offset { limit: true })
        .item_key(key)
}

const fn friends(name: &'static str) -> MethodInfo {
    MethodInfo::read(name)
        .paging(Paging::Offset { limit: false })
        .item_key(ItemKey::Field("uid"))
}

/// The catalog (spec `methods.json`, 38 methods). Writes follow the spec's `POST` column
/// plus the GET-or-POST methods that obviously change state (like, unlike, join, set,
/// open a payment dialog): a write is never retried by default, so when in doubt a
/// method is a write.
const CATALOG: &[MethodInfo] = &[
    doc(MethodInfo::read("users.getInfo")),
    doc(MethodInfo::read("users.isAppUser").non_empty()),
    MethodInfo::read("users.hasAppPermission").non_empty(),
    MethodInfo::read("users.getBalance").non_empty(),
    friends("friends.get"),
    friends("friends.getAppUsers"),
    MethodInfo::read("friends.getOnline"),
    doc(MethodInfo::read("friends.getInvitationsCount").non_empty()),
    doc(skip("stream.get")),
    skip("stream.getByAuthor"),
    MethodInfo::write("stream.post").privilege("stream"),
    MethodInfo::write("stream.share").privilege("stream"),
    MethodInfo::write("stream.comment").privilege("stream"),
    MethodInfo::write("stream.like").privilege("stream"),
    MethodInfo::write("stream.unlike").privilege("stream"),
    offset("guestbook.get", ItemKey::Field("id")),
    doc(MethodInfo::write("guestbook.post").privilege("guestbook")),
    doc(MethodInfo::read("photos.getAlbums")),
    doc(offset("photos.get", ItemKey::Field("pid"))),
    MethodInfo::write("photos.createAlbum").privilege("photos"),
    MethodInfo::write("photos.upload").privilege("photos"),
    offset("audio.get", ItemKey::Field("mid")),
    MethodInfo::read("audio.link").non_empty(),
    offset("audio.search", ItemKey::Field("mid")),
    doubtful(MethodInfo::read("audios.top").signing(Signing::ClientOnly)),
    offset("messages.getThreadsList", ItemKey::Field("user.uid")).privilege("messages"),
    offset("messages.getThread", ItemKey::None).privilege("messages"),
    doc(MethodInfo::read("messages.getUnreadCount")
        .privilege("messages")
        .non_empty()),
    MethodInfo::write("messages.post").privilege("messages"),
    MethodInfo::read("mail.getUnreadCount").non_empty(),
    doc(MethodInfo::read("events.getNewCount")
        .privilege("events")
        .non_empty()),
    MethodInfo::write("notifications.send")
        .privilege("notifications")
        .signing(Signing::ServerOnly),
    doubtful(MethodInfo::read("mobile.getCanvas").signing(Signing::ClientOnly)),
    doubtful(MethodInfo::write("payments.openDialog")),
    doubtful(MethodInfo::write("widget.set").privilege("widget")),
    doubtful(offset("groups.get", ItemKey::Field("uid"))),
    doubtful(MethodInfo::read("groups.getInfo")),
    doubtful(MethodInfo::write("groups.join")),
];

/// Every method of the catalog.
pub fn catalog() -> &'static [MethodInfo] {
    CATALOG
}

/// The catalog entry of `name` (exact, case-sensitive, as the platform is).
pub fn method_info(name: &str) -> Option<&'static MethodInfo> {
    CATALOG.iter().find(|m| m.name == name)
}

/// The names of the paginated methods, comma-separated (for error messages).
pub(crate) fn paginated_names() -> String {
    CATALOG
        .iter()
        .filter(|m| m.paging.is_paginated() && m.evidence != Doubtful)
        .map(|m| m.name)
        .collect::<Vec<_>>()
        .join(", ")
}

/// The entry of `name`, at compile time: a typed method whose name is not in the catalog
/// does not build.
pub(crate) const fn entry(name: &str) -> &'static MethodInfo {
    let mut i = 0;
    while i < CATALOG.len() {
        if str_eq(CATALOG[i].name, name) {
            return &CATALOG[i];
        }
        i += 1;
    }
    panic!("a typed method is missing from the catalog")
}

const fn str_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_lookup_is_exact() {
        let mut names: Vec<_> = CATALOG.iter().map(|m| m.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), CATALOG.len());
        assert!(method_info("friends.get").is_some());
        assert!(method_info("Friends.get").is_none(), "case matters");
        assert_eq!(entry("stream.get").paging, Paging::Skip);
    }

    #[test]
    fn paginated_methods_have_a_key_or_compare_pages() {
        for m in CATALOG.iter().filter(|m| m.paging == Paging::Skip) {
            assert_eq!(m.item_key, ItemKey::Field("id"), "{}", m.name);
        }
        assert!(paginated_names().contains("messages.getThread"));
        assert!(!paginated_names().contains("groups.get"));
    }
}
