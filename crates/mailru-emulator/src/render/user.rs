//! A user or community as `users.getInfo` returns it (spec §7.1), serialized straight from
//! the world: the field order of the platform's answers, ids and `last_visit` as strings.

use std::fmt;

use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};

use crate::json::Disp;
use crate::model::{User, World};
use crate::seed::CITIES;

/// Sizes of the `pic_<size>` avatar fields, in the platform's order.
const PIC_SIZES: [(&str, &str); 9] = [
    ("pic_small", "small"),
    ("pic_big", "big"),
    ("pic_22", "22"),
    ("pic_32", "32"),
    ("pic_40", "40"),
    ("pic_50", "50"),
    ("pic_128", "128"),
    ("pic_180", "180"),
    ("pic_190", "190"),
];

/// `https://avt.appsmail.ru/<domain>/<nick>/_avatar<size>`.
struct Avatar<'a>(&'a User, &'a str);

impl fmt::Display for Avatar<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (u, size) = (self.0, self.1);
        write!(
            f,
            "https://avt.appsmail.ru/{}/{}/_avatar{size}",
            u.domain, u.nick
        )
    }
}

/// `https://my.mail.ru/<domain>/<nick>/`: the profile link.
pub(crate) struct Link<'a>(pub(crate) &'a User);

impl fmt::Display for Link<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "https://my.mail.ru/{}/{}/", self.0.domain, self.0.nick)
    }
}

/// A profile as seen by `viewer` through `app_id`.
pub(crate) struct UserJson<'a> {
    pub world: &'a World,
    pub user: &'a User,
    pub viewer: Option<u64>,
    pub app_id: u64,
}

#[derive(Serialize)]
struct Place<'a> {
    name: &'a str,
    id: &'a str,
}

#[derive(Serialize)]
struct Location<'a> {
    country: Place<'a>,
    city: Place<'a>,
    region: Place<'a>,
}

#[derive(Serialize)]
struct GroupInfo<'a> {
    category_id: Disp<u32>,
    short_description: &'a str,
    full_description: &'a str,
    interests: &'a str,
    posts_cnt: u32,
    category_name: &'a str,
    rules: &'a str,
}

impl Serialize for UserJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let (w, u) = (self.world, self.user);
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("uid", &Disp(u.uid))?;
        m.serialize_entry("first_name", &u.first_name)?;
        m.serialize_entry("last_name", &u.last_name)?;
        m.serialize_entry("nick", &u.nick)?;
        m.serialize_entry("sex", &u.sex)?;
        if u.show_age == 1 && !u.birthday.is_empty() {
            m.serialize_entry("birthday", &u.birthday)?;
            m.serialize_entry("age", &u.age)?;
        }
        m.serialize_entry("show_age", &u.show_age)?;
        m.serialize_entry("has_pic", &u.has_pic)?;
        m.serialize_entry("pic", &Disp(Avatar(u, "")))?;
        for (key, size) in PIC_SIZES {
            m.serialize_entry(key, &Disp(Avatar(u, size)))?;
        }
        m.serialize_entry("link", &Disp(Link(u)))?;
        m.serialize_entry("is_online", &u.is_online)?;
        m.serialize_entry("is_verified", &u.is_verified)?;
        m.serialize_entry("vip", &u.vip)?;
        let installed = w.installs.contains_key(&(self.app_id, u.uid));
        m.serialize_entry("app_installed", &u8::from(installed))?;
        let friends = w.friends.get(&u.uid).map_or(0, Vec::len);
        m.serialize_entry("friends_count", &friends)?;
        m.serialize_entry("last_visit", &Disp(u.last_visit))?;
        m.serialize_entry("status_text", &u.status_text)?;
        m.serialize_entry("referer_type", "")?;
        m.serialize_entry("referer_id", "")?;
        let is_friend = self.viewer.is_some_and(|v| w.are_friends(v, u.uid));
        m.serialize_entry("is_friend", &u8::from(is_friend))?;
        m.serialize_entry("has_photosafe", &0)?;
        let (country, country_id, city, city_id, region, region_id) =
            CITIES.get(u.city).copied().unwrap_or(CITIES[0]);
        let location = Location {
            country: Place {
                name: country,
                id: country_id,
            },
            city: Place {
                name: city,
                id: city_id,
            },
            region: Place {
                name: region,
                id: region_id,
            },
        };
        m.serialize_entry("location", &location)?;
        if let Some(c) = &u.community {
            let group = GroupInfo {
                category_id: Disp(c.category_id),
                short_description: &c.short_description,
                full_description: &c.full_description,
                interests: &c.interests,
                posts_cnt: u.events,
                category_name: &c.category_name,
                rules: &c.rules,
            };
            m.serialize_entry("group_info", &group)?;
            m.serialize_entry("is_closed", &u8::from(c.closed))?;
            m.serialize_entry("members_count", &c.members.len())?;
        }
        m.end()
    }
}

/// A profile as an event or comment author: the `users.getInfo` object, `null` for a
/// uid the world does not know.
pub(crate) struct AuthorJson<'a>(pub(crate) Option<UserJson<'a>>);

impl<'a> AuthorJson<'a> {
    pub(crate) fn new(world: &'a World, uid: u64, viewer: Option<u64>, app_id: u64) -> Self {
        AuthorJson(world.user(uid).map(|user| UserJson {
            world,
            user,
            viewer,
            app_id,
        }))
    }
}

impl Serialize for AuthorJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match &self.0 {
            Some(u) => u.serialize(s),
            None => s.serialize_unit(),
        }
    }
}
