//! Worlds: everything the emulated platform holds, as a JSON file you can write, load and
//! dump. [`World::seeded`] is the default world of the emulator; a world of your own
//! replaces it through [`EmulatorBuilder::world`](crate::EmulatorBuilder::world).
//!
//! A world is checked when the emulator starts (or with [`World::check`]): every uid,
//! app, album and token it refers to must exist, ids must be unique, values in range. The
//! first entry that does not hold together is refused with a [`WorldError`] naming it
//! (`users[3] (uid 42): friend 7 is not in the world`).
//!
//! Uids are written as strings (they exceed what JavaScript numbers hold exactly); numbers
//! are accepted too.

mod dump;
mod error;
pub(crate) mod load;
mod uid;

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::config::Config;
pub use error::{Problem, WorldError};

/// Largest world file [`World::from_path`] reads.
pub const MAX_WORLD_BYTES: u64 = 64 * 1024 * 1024;

/// The platform's data: apps, users, communities, content and sessions.
///
/// ```
/// use mailru_emulator::World;
///
/// let world = World::from_json(r#"{
///     "apps": [{"id": 1, "name": "Test", "private_key": "p", "secret_key": "s"}],
///     "users": [
///         {"uid": "10", "email": "a@mail.ru", "password": "pw", "first_name": "A", "friends": ["11"]},
///         {"uid": "11", "first_name": "B"}
///     ],
///     "sessions": [{"access_token": "t1", "app_id": 1, "uid": "10", "scope": ["stream"]}]
/// }"#)?;
/// world.check()?;
/// let again = World::from_json(&world.to_json())?;
/// assert_eq!(again, world);
/// # Ok::<(), mailru_emulator::WorldError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct World {
    /// Seed of what the world does not list: the content of generated events
    /// ([`User::generated_events`]) and the tokens, codes and cookies issued at run time.
    pub seed: u64,
    /// Applications.
    pub apps: Vec<App>,
    /// People.
    pub users: Vec<User>,
    /// Communities (they share the uid namespace with users).
    pub communities: Vec<Community>,
    /// Which app each user has installed, with the privileges granted.
    pub installs: Vec<Install>,
    /// Stream events written by their authors, each author's oldest first.
    pub events: Vec<Event>,
    /// Photo albums.
    pub albums: Vec<Album>,
    /// Photos, each in an album of its owner.
    pub photos: Vec<Photo>,
    /// Guestbook posts, each owner's oldest first.
    pub guestbook: Vec<GuestPost>,
    /// Private message threads of two users.
    pub threads: Vec<Thread>,
    /// Audio tracks; a user's playlist is the tracks they uploaded.
    pub tracks: Vec<Track>,
    /// Access tokens (REST `session_key`s); each one installs its app for its owner.
    pub sessions: Vec<Session>,
}

impl Default for World {
    fn default() -> Self {
        World {
            seed: 1,
            apps: Vec::new(),
            users: Vec::new(),
            communities: Vec::new(),
            installs: Vec::new(),
            events: Vec::new(),
            albums: Vec::new(),
            photos: Vec::new(),
            guestbook: Vec::new(),
            threads: Vec::new(),
            tracks: Vec::new(),
            sessions: Vec::new(),
        }
    }
}

/// Whether only the author and testers may authorize an app.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AppMode {
    /// Anyone may authorize it.
    #[default]
    Live,
    /// In development: others see "Авторизация запрещена".
    Development,
}

/// An application.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct App {
    /// `app_id` (not 0).
    pub id: u64,
    /// Shown on the OAuth dialogs.
    pub name: String,
    /// Key of the client-server signature.
    pub private_key: String,
    /// Key of the server-server signature and OAuth `client_secret`; without one, the app
    /// cannot use the server-server circuit.
    pub secret_key: Option<String>,
    /// Live or in development.
    pub mode: AppMode,
    /// The developer (a user of the world).
    #[serde(with = "uid::optional")]
    pub author: Option<u64>,
    /// Users who may authorize the app in development besides its author.
    #[serde(with = "uid::list")]
    pub testers: Vec<u64>,
}

/// A person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct User {
    /// Uid (not 0, unique among users and communities).
    #[serde(with = "uid::one")]
    pub uid: u64,
    /// Login e-mail (unique); without one the user cannot log in.
    pub email: Option<String>,
    /// Login password.
    pub password: Option<String>,
    /// A blocked user's login leads to `/recovery`.
    pub blocked: bool,
    /// First name.
    pub first_name: String,
    /// Last name.
    pub last_name: String,
    /// Profile name (`https://my.mail.ru/<domain>/<nick>/`); empty: the e-mail's local
    /// part, else `id<uid>`.
    pub nick: String,
    /// `mail`, `inbox`, `bk` or `list`; empty: from the e-mail, else `mail`.
    pub domain: String,
    /// 0 male, 1 female.
    pub sex: u8,
    /// `DD.MM.YYYY` or empty.
    pub birthday: String,
    /// Age in years.
    pub age: u32,
    /// Whether the profile shows birthday and age.
    pub show_age: bool,
    /// Whether the user has an avatar.
    pub has_pic: bool,
    /// Online now.
    pub is_online: bool,
    /// Verified profile.
    pub is_verified: bool,
    /// VIP.
    pub vip: bool,
    /// Unix time of the last visit.
    pub last_visit: u64,
    /// Status line.
    pub status_text: String,
    /// City: Москва, Санкт-Петербург, Казань, Новосибирск or Минск.
    pub city: String,
    /// Friends (users of the world), in the order `friends.get` lists them. Friendship
    /// goes both ways: listing it on one side is enough.
    #[serde(with = "uid::list")]
    pub friends: Vec<u64>,
    /// Events generated from the world's seed, older than the listed ones (at most
    /// [`MAX_EVENTS`](crate::MAX_EVENTS)).
    pub generated_events: u32,
    /// `friends.getInvitationsCount`.
    pub invitations: u32,
    /// `events.getNewCount`.
    pub new_events: u32,
    /// `mail.getUnreadCount`.
    pub unread_mail: u32,
    /// `users.getBalance`.
    pub balance: u64,
}

impl Default for User {
    fn default() -> Self {
        User {
            uid: 0,
            email: None,
            password: None,
            blocked: false,
            first_name: String::new(),
            last_name: String::new(),
            nick: String::new(),
            domain: String::new(),
            sex: 0,
            birthday: String::new(),
            age: 0,
            show_age: false,
            has_pic: false,
            is_online: false,
            is_verified: false,
            vip: false,
            last_visit: 0,
            status_text: String::new(),
            city: CITY_DEFAULT.to_owned(),
            friends: Vec::new(),
            generated_events: 0,
            invitations: 0,
            new_events: 0,
            unread_mail: 0,
            balance: 0,
        }
    }
}

const CITY_DEFAULT: &str = "Москва";

/// A community (`https://my.mail.ru/community/<name>/`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Community {
    /// Uid (not 0, unique among users and communities).
    #[serde(with = "uid::one")]
    pub uid: u64,
    /// Profile name.
    pub name: String,
    /// Title (the community's `first_name`).
    pub title: String,
    /// A closed community's content is for members only (error 202).
    pub closed: bool,
    /// Members (users of the world).
    #[serde(with = "uid::list")]
    pub members: Vec<u64>,
    /// Events generated from the world's seed, older than the listed ones.
    pub generated_events: u32,
    /// `group_info.category_id`.
    pub category_id: u32,
    /// `group_info.category_name`.
    pub category_name: String,
    /// `group_info.short_description`.
    pub short_description: String,
    /// `group_info.full_description`.
    pub full_description: String,
    /// `group_info.interests`.
    pub interests: String,
    /// `group_info.rules`.
    pub rules: String,
    /// Shown as the profile's `age`.
    pub age: u32,
    /// Shown as the profile's `show_age`.
    pub show_age: bool,
    /// Whether it has an avatar.
    pub has_pic: bool,
    /// Shown as `is_online`.
    pub is_online: bool,
    /// Verified.
    pub is_verified: bool,
    /// VIP.
    pub vip: bool,
    /// Unix time of the last visit.
    pub last_visit: u64,
    /// Status line.
    pub status_text: String,
    /// City, as for [`User::city`].
    pub city: String,
    /// Counters, as for [`User`].
    pub invitations: u32,
    /// `events.getNewCount`.
    pub new_events: u32,
    /// `mail.getUnreadCount`.
    pub unread_mail: u32,
    /// `users.getBalance`.
    pub balance: u64,
}

impl Default for Community {
    fn default() -> Self {
        Community {
            uid: 0,
            name: String::new(),
            title: String::new(),
            closed: false,
            members: Vec::new(),
            generated_events: 0,
            category_id: 0,
            category_name: String::new(),
            short_description: String::new(),
            full_description: String::new(),
            interests: String::new(),
            rules: String::new(),
            age: 0,
            show_age: false,
            has_pic: false,
            is_online: false,
            is_verified: false,
            vip: false,
            last_visit: 0,
            status_text: String::new(),
            city: CITY_DEFAULT.to_owned(),
            invitations: 0,
            new_events: 0,
            unread_mail: 0,
            balance: 0,
        }
    }
}

/// An app installed for a user.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Install {
    /// The app.
    pub app_id: u64,
    /// The user.
    #[serde(with = "uid::one")]
    pub uid: u64,
    /// Privileges granted (`photos`, `guestbook`, `stream`, `messages`, `events`,
    /// `notifications`, `widget`).
    pub scope: Vec<String>,
}

/// What kind of event a written event is.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// As `stream.post` writes it (`5-17`, `app_event`).
    #[default]
    Post,
    /// As `stream.share` writes it (`5-26`, `share`).
    Share,
}

/// A link: its text and address.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Link {
    /// Text shown.
    pub text: String,
    /// Address.
    pub href: String,
}

/// A stream event written by a user or community.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Event {
    /// Author (a user or community of the world).
    #[serde(with = "uid::one")]
    pub author: u64,
    /// Unix time, not before the author's newest event; absent: now (or just after the
    /// author's newest event).
    pub time: Option<u64>,
    /// Post or share.
    pub kind: EventKind,
    /// Title.
    pub title: String,
    /// Text.
    pub text: String,
    /// The author's own words above it.
    pub user_text: String,
    /// An image shown with it.
    pub img_url: Option<String>,
    /// Links shown with it (and its action links).
    pub links: Vec<Link>,
    /// The app that posted it (shown as its `generator`).
    pub app_id: Option<u64>,
}

/// A photo album.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Album {
    /// Owner.
    #[serde(with = "uid::one")]
    pub owner: u64,
    /// Album id (unique per owner; `_myphoto` is the usual first one).
    pub aid: String,
    /// Title.
    pub title: String,
    /// Description.
    pub description: String,
    /// Unix time of creation.
    pub created: u64,
    /// Unix time of the last change.
    pub updated: u64,
    /// Privacy level (2 is "everyone").
    pub privacy: u8,
    /// Cover photo.
    pub cover_pid: Option<u64>,
}

/// A photo in an album.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Photo {
    /// Owner.
    #[serde(with = "uid::one")]
    pub owner: u64,
    /// The owner's album it is in.
    pub aid: String,
    /// Photo id (unique in its album).
    pub pid: u64,
    /// Address of the picture.
    pub src: String,
    /// Address of the thumbnail.
    pub src_small: String,
    /// Address of the large version.
    pub src_big: Option<String>,
    /// Unix time of upload.
    pub created: u64,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// Size in bytes.
    pub size: u64,
    /// Title.
    pub title: String,
}

/// A post in a user's guestbook.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct GuestPost {
    /// Whose guestbook.
    #[serde(with = "uid::one")]
    pub owner: u64,
    /// Post id (unique per guestbook).
    pub id: u64,
    /// Who wrote it.
    #[serde(with = "uid::one")]
    pub author: u64,
    /// Unix time.
    pub time: u64,
    /// Title.
    pub title: String,
    /// Text.
    pub text: String,
    /// An image.
    pub img_url: Option<String>,
    /// Links.
    pub links: Vec<Link>,
}

/// A private conversation of two users.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Thread {
    /// The two users.
    #[serde(with = "uid::list")]
    pub between: Vec<u64>,
    /// Messages, oldest first.
    pub messages: Vec<Message>,
}

/// A private message.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Message {
    /// Sender (one of the thread's two users).
    #[serde(with = "uid::one")]
    pub from: u64,
    /// Unix time.
    pub time: u64,
    /// Text.
    pub text: String,
    /// Not read yet by the other user.
    pub unread: bool,
}

/// An audio track.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Track {
    /// Track id.
    pub mid: String,
    /// Song title.
    pub name: String,
    /// Artist.
    pub author: String,
    /// Seconds.
    pub duration: u32,
    /// The user whose playlist has it.
    #[serde(with = "uid::one")]
    pub uploader: u64,
}

/// An access token (REST `session_key`) of a user for an app.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Session {
    /// The token (unique).
    pub access_token: String,
    /// Its refresh token; absent: one is made up.
    pub refresh_token: Option<String>,
    /// The app.
    pub app_id: u64,
    /// The owner.
    #[serde(with = "uid::one")]
    pub uid: u64,
    /// Privileges of the token (see [`Install::scope`]).
    pub scope: Vec<String>,
    /// Lifetime in seconds from the start of the emulator; absent: the configured
    /// `token_ttl`.
    pub expires_in: Option<u64>,
}

impl World {
    /// The emulator's default world: the seeded accounts of [`accounts`](crate::accounts)
    /// and the users, friendships and content generated from seed 1. An emulator given
    /// this world answers exactly as one given none.
    pub fn seeded() -> World {
        World::seeded_with(&Config::default())
    }

    /// The world an emulator with `config` generates (its `seed`, `users`,
    /// `demo_friends`, `events_per_user` and `community_events`).
    pub fn seeded_with(config: &Config) -> World {
        let mut config = config.clone();
        config.community_events = config.community_events.min(crate::MAX_EVENTS);
        dump::seeded(&config)
    }

    /// Reads a world from JSON.
    ///
    /// # Errors
    /// [`WorldError::Parse`] for text that is not a world (line and column included).
    pub fn from_json(json: &str) -> Result<World, WorldError> {
        serde_json::from_str(json).map_err(WorldError::Parse)
    }

    /// Reads a world file of at most [`MAX_WORLD_BYTES`].
    ///
    /// # Errors
    /// [`WorldError::Read`], [`WorldError::TooLarge`] or [`WorldError::Parse`].
    pub fn from_path(path: impl AsRef<Path>) -> Result<World, WorldError> {
        use std::io::Read as _;
        let path = path.as_ref();
        let read = |source| WorldError::Read {
            path: path.to_owned(),
            source,
        };
        let file = std::fs::File::open(path).map_err(read)?;
        // One byte more than allowed tells a file at the limit from a larger one.
        let mut text = String::new();
        file.take(MAX_WORLD_BYTES + 1)
            .read_to_string(&mut text)
            .map_err(read)?;
        if text.len() as u64 > MAX_WORLD_BYTES {
            return Err(WorldError::TooLarge {
                path: path.to_owned(),
                limit: MAX_WORLD_BYTES,
            });
        }
        World::from_json(&text)
    }

    /// The world as pretty-printed JSON.
    pub fn to_json(&self) -> String {
        // A world has only string map keys and no custom serializer that fails.
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// Writes [`to_json`](Self::to_json) to a file.
    ///
    /// # Errors
    /// [`WorldError::Write`] when the file cannot be written.
    pub fn to_path(&self, path: impl AsRef<Path>) -> Result<(), WorldError> {
        let path = path.as_ref();
        std::fs::write(path, self.to_json()).map_err(|source| WorldError::Write {
            path: path.to_owned(),
            source,
        })
    }

    /// Whether the world holds together, as the emulator checks it on start.
    ///
    /// # Errors
    /// The first entry that does not, named.
    pub fn check(&self) -> Result<(), WorldError> {
        load::state(self.clone(), &Config::default()).map(drop)
    }
}
