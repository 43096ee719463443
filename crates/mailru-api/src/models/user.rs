//! User and community profiles (spec §7.1).

use serde::Serialize;
use serde_json::Value;

use super::{de, lenient};

model! {
    /// A user or community, as `users.getInfo`, `friends.get?ext=1` and event authors give
    /// it. Every field of spec §7.1 is typed; a field the spec does not know lands in
    /// `extra`.
    #[derive(Debug, Clone, PartialEq, Serialize)]
    pub struct User {
        /// The uid (sent as a string).
        pub uid: u64 => required(de::u64_lenient),
        /// First name (a community's title).
        pub first_name: String => default(lenient::string),
        /// Last name.
        pub last_name: String => default(lenient::string),
        /// Nickname: the last segment of the profile link.
        pub nick: String => default(lenient::string),
        /// E-mail (external sites only).
        pub email: Option<String> => default(lenient::opt_nonempty),
        /// 0 male, 1 female.
        pub sex: Option<u64> => default(de::opt_u64),
        /// `DD.MM.YYYY`, when visible.
        pub birthday: Option<String> => default(lenient::opt_nonempty),
        /// Whether the age is shown.
        pub show_age: bool => default(de::flag),
        /// Age, when shown.
        pub age: Option<u64> => default(de::opt_u64),
        /// Has an avatar.
        pub has_pic: bool => default(de::flag),
        /// Avatar URL.
        pub pic: Option<String> => default(lenient::opt_nonempty),
        /// Avatar, at most 45 px.
        pub pic_small: Option<String> => default(lenient::opt_nonempty),
        /// Avatar, at most 600 px.
        pub pic_big: Option<String> => default(lenient::opt_nonempty),
        /// Square avatar, 22 px.
        pub pic_22: Option<String> => default(lenient::opt_nonempty),
        /// Square avatar, 32 px.
        pub pic_32: Option<String> => default(lenient::opt_nonempty),
        /// Square avatar, 40 px.
        pub pic_40: Option<String> => default(lenient::opt_nonempty),
        /// Square avatar, 50 px.
        pub pic_50: Option<String> => default(lenient::opt_nonempty),
        /// Square avatar, 128 px.
        pub pic_128: Option<String> => default(lenient::opt_nonempty),
        /// Square avatar, 180 px.
        pub pic_180: Option<String> => default(lenient::opt_nonempty),
        /// Square avatar, 190 px.
        pub pic_190: Option<String> => default(lenient::opt_nonempty),
        /// Profile link, e.g. `https://my.mail.ru/mail/nick/`.
        pub link: Option<String> => default(lenient::opt_nonempty),
        /// Online now.
        pub is_online: bool => default(de::flag),
        /// Phone confirmed.
        pub is_verified: bool => default(de::flag),
        /// VIP status.
        pub vip: bool => default(de::flag),
        /// Has the calling application installed.
        pub app_installed: bool => default(de::flag),
        /// Friend of the caller.
        pub is_friend: bool => default(de::flag),
        /// Has a photo safe.
        pub has_photosafe: bool => default(de::flag),
        /// Number of friends.
        pub friends_count: Option<u64> => default(de::opt_u64),
        /// Last visit, unix seconds (sent as a string).
        pub last_visit: Option<u64> => default(de::opt_u64),
        /// Status text.
        pub status_text: String => default(lenient::string),
        /// How the user came to the app (`stream.install`, `invitation`, `catalog`, ...).
        pub referer_type: String => default(lenient::string),
        /// Id of the referrer.
        pub referer_id: String => default(lenient::string),
        /// Country, city and region.
        pub location: Option<Location> => default(lenient::opt_object),
        /// Has a "Мой Мир" page.
        pub has_my: bool => default(de::flag),
        /// Follows the caller.
        pub follower: bool => default(de::flag),
        /// Followed by the caller.
        pub following: bool => default(de::flag),
        /// Subscribed.
        pub subscribe: bool => default(de::flag),
        /// Number of subscribers.
        pub subscribers_count: Option<u64> => default(de::opt_u64),
        /// Number of videos.
        pub video_count: Option<u64> => default(de::opt_u64),
        /// The profile cover, as sent.
        pub cover: Option<Value> => default,
        /// Community information; present for communities only.
        pub group_info: Option<GroupInfo> => default(lenient::opt_object),
        ..extra
    }
}

impl User {
    /// Whether this profile is a community.
    pub fn is_community(&self) -> bool {
        self.group_info.is_some()
    }
}

model! {
    /// Where a user lives.
    #[derive(Debug, Clone, PartialEq, Default, Serialize)]
    pub struct Location {
        /// Country.
        pub country: Option<Place> => default(lenient::opt_object),
        /// City.
        pub city: Option<Place> => default(lenient::opt_object),
        /// Region.
        pub region: Option<Place> => default(lenient::opt_object),
        ..extra
    }
}

model! {
    /// A country, city or region: `{name, id}`.
    #[derive(Debug, Clone, PartialEq, Default, Serialize)]
    pub struct Place {
        /// Name.
        pub name: String => default(lenient::string),
        /// Id (sent as a string).
        pub id: String => default(lenient::string),
        ..extra
    }
}

model! {
    /// A community's information (users.getInfo of a community uid).
    #[derive(Debug, Clone, PartialEq, Default, Serialize)]
    pub struct GroupInfo {
        /// Category id.
        pub category_id: Option<u64> => default(de::opt_u64),
        /// Category name.
        pub category_name: String => default(lenient::string),
        /// Short description.
        pub short_description: String => default(lenient::string),
        /// Full description.
        pub full_description: String => default(lenient::string),
        /// Interests.
        pub interests: String => default(lenient::string),
        /// Rules.
        pub rules: String => default(lenient::string),
        /// Number of posts.
        pub posts_cnt: Option<u64> => default(de::opt_u64),
        ..extra
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_documented_profile_is_all_typed() {
        let v = json!({
            "uid": "101259747216435918", "first_name": "A", "last_name": "B", "nick": "n",
            "email": "x@mail.ru", "sex": 0, "birthday": "07.04.1985", "show_age": 1, "age": 25,
            "has_pic": 1, "pic": "p", "pic_small": "ps", "pic_big": "pb", "pic_22": "p22",
            "pic_32": "p32", "pic_40": "p40", "pic_50": "p50", "pic_128": "p128",
            "pic_180": "p180", "pic_190": "p190", "link": "l", "is_online": 0,
            "is_verified": 1, "vip": 0, "app_installed": 1, "friends_count": 0,
            "last_visit": "1359247250", "status_text": "", "referer_type": "",
            "referer_id": "", "is_friend": 0, "has_photosafe": 0,
            "location": {"country": {"name": "Россия", "id": "24"},
                         "city": {"name": "Москва", "id": "25"},
                         "region": {"name": "Москва", "id": "999999"}}
        });
        let u: User = serde_json::from_value(v).unwrap();
        assert!(u.extra.is_empty(), "{:?}", u.extra);
        assert_eq!(u.uid, 101_259_747_216_435_918);
        assert_eq!(u.age, Some(25));
        assert!(u.show_age && u.has_pic && u.is_verified && !u.vip);
        assert_eq!(u.pic_190.as_deref(), Some("p190"));
        assert_eq!(
            u.location.as_ref().unwrap().city.as_ref().unwrap().name,
            "Москва"
        );
        assert!(!u.is_community());
    }

    #[test]
    fn unknown_fields_are_kept_and_communities_are_typed() {
        let v = json!({"uid": 5, "first_name": "Club", "new_field": [1, 2],
                       "group_info": {"category_id": "3", "posts_cnt": 12, "rules": "be nice"}});
        let u: User = serde_json::from_value(v).unwrap();
        assert_eq!(u.extra["new_field"], json!([1, 2]));
        let info = u.group_info.as_ref().unwrap();
        assert_eq!((info.category_id, info.posts_cnt), (Some(3), Some(12)));
        assert!(u.is_community());
        // Serialized back, the unknown field is still there.
        let back = serde_json::to_value(&u).unwrap();
        assert_eq!(back["new_field"], json!([1, 2]));
        assert!(serde_json::from_value::<User>(json!({"first_name": "no uid"})).is_err());
    }
}
