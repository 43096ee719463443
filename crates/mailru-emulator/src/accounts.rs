//! The named accounts and applications every emulator has, whatever the seed.
//!
//! Generated users come on top of these; the crate README has the same table.

/// The standalone application of the official documentation's worked example.
pub const APP_ID: u64 = 423_004;
/// Private key of [`APP_ID`] (client-server circuit).
pub const APP_PRIVATE_KEY: &str = "7815696ecbf1c96e6894b779456d330e";
/// Secret key of [`APP_ID`] (server-server circuit, OAuth `client_secret`).
pub const APP_SECRET_KEY: &str = "3dad9cbf9baaa0360c0f2ba372d25716";

/// An application in development: only [`DEVELOPER_EMAIL`] may authorize it.
pub const DEV_APP_ID: u64 = 500_001;
/// Private key of [`DEV_APP_ID`].
pub const DEV_APP_PRIVATE_KEY: &str = "0a1b2c3d4e5f60718293a4b5c6d7e8f9";
/// Secret key of [`DEV_APP_ID`].
pub const DEV_APP_SECRET_KEY: &str = "f9e8d7c6b5a4938271605f4e3d2c1b0a";

/// A mobile application with a private key and no secret key; its token requests use the
/// private key as `client_secret`.
pub const MOBILE_APP_ID: u64 = 600_001;
/// Private key of [`MOBILE_APP_ID`].
pub const MOBILE_APP_PRIVATE_KEY: &str = "5f0c3e1a9b7d42c6a8e0f1d2c3b4a596";

/// The demo user: uid of the documented worked example.
pub const DEMO_UID: u64 = 1_324_730_981_306_483_817;
/// E-mail of the demo user.
pub const DEMO_EMAIL: &str = "demo@mail.ru";
/// Password of the demo user.
pub const DEMO_PASSWORD: &str = "demo-password";
/// The documented session of [`APP_ID`], owned by the demo user, with every privilege.
pub const DEMO_SESSION_KEY: &str = "be6ef89965d58e56dec21acb9b62bdaa";
/// Refresh token that belongs to [`DEMO_SESSION_KEY`].
pub const DEMO_REFRESH_TOKEN: &str = "c5b0d1e7a3f2498c9e6d7b1a2f3c4d5e";

/// A user on inbox.ru whose password has non-ASCII characters (uid of spec §2.3 row 4).
pub const INBOX_UID: u64 = 15_410_773_191_172_635_989;
/// E-mail of the inbox.ru user.
pub const INBOX_EMAIL: &str = "olga.smirnova@inbox.ru";
/// Password of the inbox.ru user.
pub const INBOX_PASSWORD: &str = "Пароль-2026";

/// A user on bk.ru.
pub const BK_EMAIL: &str = "ivan.petrov@bk.ru";
/// Password of the bk.ru user.
pub const BK_PASSWORD: &str = "bk-secret-1";

/// A user on list.ru.
pub const LIST_EMAIL: &str = "anna.k@list.ru";
/// Password of the list.ru user.
pub const LIST_PASSWORD: &str = "list-secret-1";

/// A blocked user: logging in redirects to `/recovery`.
pub const BLOCKED_EMAIL: &str = "blocked.user@mail.ru";
/// Password of the blocked user.
pub const BLOCKED_PASSWORD: &str = "blocked-password";

/// The author of [`DEV_APP_ID`].
pub const DEVELOPER_EMAIL: &str = "developer@mail.ru";
/// Password of the developer.
pub const DEVELOPER_PASSWORD: &str = "dev-password";

/// An open community with [`Config::community_events`](crate::Config) events; the demo user
/// is a member.
pub const BIG_COMMUNITY_UID: u64 = 5_396_991_818_946_538_245;
/// Name of the big community (`/platform/community/<name>`).
pub const BIG_COMMUNITY_NAME: &str = "mailru_devs";

/// A closed community; the demo user is not a member, the inbox.ru user is.
pub const CLOSED_COMMUNITY_UID: u64 = 6_018_374_650_129_384_756;
/// Name of the closed community.
pub const CLOSED_COMMUNITY_NAME: &str = "closed_club";

/// Every privilege of the platform, in the order of aiomailru's "full scope".
pub const ALL_PRIVILEGES: [&str; 7] = [
    "photos",
    "guestbook",
    "stream",
    "messages",
    "events",
    "notifications",
    "widget",
];
