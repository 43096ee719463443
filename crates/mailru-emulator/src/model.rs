//! The emulated platform's data: users and communities, apps, content.

use std::collections::{BTreeSet, HashMap, HashSet};

/// A person or a community; both share the uid namespace (spec §7.1).
#[derive(Debug, Clone)]
pub(crate) struct User {
    pub uid: u64,
    /// `mail`, `inbox`, `bk`, `list` or `community`: the first segment of profile links.
    pub domain: String,
    pub nick: String,
    pub first_name: String,
    pub last_name: String,
    pub email: Option<String>,
    pub password: Option<String>,
    /// 0 male, 1 female.
    pub sex: u8,
    pub birthday: String,
    pub age: u32,
    pub show_age: u8,
    pub has_pic: u8,
    pub is_online: u8,
    pub is_verified: u8,
    pub vip: u8,
    pub last_visit: u64,
    pub status_text: String,
    pub city: usize,
    pub blocked: bool,
    pub community: Option<Community>,
    /// Generated stream events (posted ones are kept in the state).
    pub events: u32,
}

impl User {
    pub(crate) fn display_name(&self) -> String {
        if self.community.is_some() {
            self.first_name.clone()
        } else {
            format!("{} {}", self.first_name, self.last_name)
        }
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Community {
    pub closed: bool,
    pub category_id: u32,
    pub category_name: String,
    pub short_description: String,
    pub full_description: String,
    pub interests: String,
    pub rules: String,
    pub members: HashSet<u64>,
}

#[derive(Debug, Clone)]
pub(crate) struct App {
    pub id: u64,
    pub name: String,
    pub private_key: String,
    pub secret_key: Option<String>,
    /// In development only its author may authorize it ("Авторизация запрещена").
    pub in_development: bool,
    /// The developer; 0 for none.
    pub author: u64,
    /// Who else may authorize it in development.
    pub testers: HashSet<u64>,
}

#[derive(Debug, Clone)]
pub(crate) struct Album {
    pub aid: String,
    pub owner: u64,
    pub title: String,
    pub description: String,
    pub created: u64,
    pub updated: u64,
    pub privacy: u8,
    pub cover_pid: Option<u64>,
}

#[derive(Debug, Clone)]
pub(crate) struct Photo {
    pub pid: u64,
    pub aid: String,
    pub owner: u64,
    pub src: String,
    pub src_small: String,
    pub src_big: Option<String>,
    pub created: u64,
    pub width: u32,
    pub height: u32,
    pub size: u64,
    pub title: String,
}

#[derive(Debug, Clone)]
pub(crate) struct GuestPost {
    pub id: u64,
    pub author: u64,
    pub time: u64,
    pub title: String,
    pub text: String,
    pub img_url: Option<String>,
    pub links: Vec<(String, String)>,
}

#[derive(Debug, Clone)]
pub(crate) struct Message {
    pub from: u64,
    pub time: u64,
    pub text: String,
    pub unread: bool,
}

#[derive(Debug, Clone)]
pub(crate) struct Track {
    pub mid: String,
    pub name: String,
    pub author: String,
    pub duration: u32,
    pub uploader: u64,
}

/// Everything that exists on the platform. Mutated by write methods under the state lock.
#[derive(Debug, Default)]
pub(crate) struct World {
    pub users: Vec<User>,
    pub by_uid: HashMap<u64, usize>,
    pub by_email: HashMap<String, usize>,
    pub by_link: HashMap<(String, String), usize>,
    /// Event-id tag (low 32 bits of a hash of the uid) → author uid.
    pub by_tag: HashMap<u32, u64>,
    pub apps: HashMap<u64, App>,
    /// Friends of each user, in the order friends.get lists them.
    pub friends: HashMap<u64, Vec<u64>>,
    /// Every friendship as `(min uid, max uid)`, for quick "are they friends" checks.
    pub friendships: HashSet<(u64, u64)>,
    /// Communities each user belongs to.
    pub memberships: HashMap<u64, Vec<u64>>,
    /// Pending friend invitations per user (friends.getInvitationsCount).
    pub invitations: HashMap<u64, u32>,
    pub new_events: HashMap<u64, u32>,
    pub unread_mail: HashMap<u64, u32>,
    pub balance: HashMap<u64, u64>,
    /// `(app, uid)` → granted privileges. Presence means the app is installed.
    pub installs: HashMap<(u64, u64), BTreeSet<String>>,
    pub albums: HashMap<u64, Vec<Album>>,
    pub photos: HashMap<(u64, String), Vec<Photo>>,
    pub guestbooks: HashMap<u64, Vec<GuestPost>>,
    /// Conversation of two users, keyed by `(min uid, max uid)`, oldest first.
    pub threads: HashMap<(u64, u64), Vec<Message>>,
    pub tracks: Vec<Track>,
    pub playlists: HashMap<u64, Vec<usize>>,
    pub next_id: u64,
}

impl World {
    pub(crate) fn user(&self, uid: u64) -> Option<&User> {
        self.by_uid.get(&uid).map(|&i| &self.users[i])
    }

    /// Whether `viewer` may read the content of `owner` (error 202 otherwise).
    pub(crate) fn can_view(&self, owner: u64, viewer: Option<u64>) -> bool {
        match self.user(owner).and_then(|u| u.community.as_ref()) {
            Some(c) if c.closed => viewer.is_some_and(|v| c.members.contains(&v)),
            _ => true,
        }
    }

    pub(crate) fn are_friends(&self, a: u64, b: u64) -> bool {
        self.friendships.contains(&World::thread_key(a, b))
    }

    /// Makes `a` and `b` friends (once: a known friendship is left as it is).
    pub(crate) fn befriend(&mut self, a: u64, b: u64) {
        if a != b && self.friendships.insert(World::thread_key(a, b)) {
            self.friends.entry(a).or_default().push(b);
            self.friends.entry(b).or_default().push(a);
        }
    }

    pub(crate) fn fresh_id(&mut self) -> u64 {
        self.next_id += 1;
        self.next_id
    }

    pub(crate) fn thread_key(a: u64, b: u64) -> (u64, u64) {
        (a.min(b), a.max(b))
    }
}
