//! JSON shapes of spec §7: ids as strings, flags as 0/1, the per-field timestamp quirks.

use serde_json::{Map, Value, json};

use crate::model::{Album, GuestPost, Photo, Track, User, World};
use crate::seed::CITIES;

/// A user or community as `users.getInfo` returns it (§7.1).
pub(crate) fn user(w: &World, u: &User, viewer: Option<u64>, app_id: u64) -> Value {
    let avatar = format!("https://avt.appsmail.ru/{}/{}/", u.domain, u.nick);
    let (country, country_id, city, city_id, region, region_id) = CITIES[u.city];
    let mut m = Map::new();
    m.insert("uid".into(), json!(u.uid.to_string()));
    m.insert("first_name".into(), json!(u.first_name));
    m.insert("last_name".into(), json!(u.last_name));
    m.insert("nick".into(), json!(u.nick));
    m.insert("sex".into(), json!(u.sex));
    if u.show_age == 1 && !u.birthday.is_empty() {
        m.insert("birthday".into(), json!(u.birthday));
        m.insert("age".into(), json!(u.age));
    }
    m.insert("show_age".into(), json!(u.show_age));
    m.insert("has_pic".into(), json!(u.has_pic));
    m.insert("pic".into(), json!(format!("{avatar}_avatar")));
    for size in ["small", "big", "22", "32", "40", "50", "128", "180", "190"] {
        m.insert(
            format!("pic_{size}"),
            json!(format!("{avatar}_avatar{size}")),
        );
    }
    m.insert("link".into(), json!(u.link()));
    m.insert("is_online".into(), json!(u.is_online));
    m.insert("is_verified".into(), json!(u.is_verified));
    m.insert("vip".into(), json!(u.vip));
    m.insert(
        "app_installed".into(),
        json!(u8::from(w.installs.contains_key(&(app_id, u.uid)))),
    );
    let friends = w.friends.get(&u.uid).map_or(0, Vec::len);
    m.insert("friends_count".into(), json!(friends));
    m.insert("last_visit".into(), json!(u.last_visit.to_string()));
    m.insert("status_text".into(), json!(u.status_text));
    m.insert("referer_type".into(), json!(""));
    m.insert("referer_id".into(), json!(""));
    let is_friend = viewer.is_some_and(|v| w.friends.get(&v).is_some_and(|f| f.contains(&u.uid)));
    m.insert("is_friend".into(), json!(u8::from(is_friend)));
    m.insert("has_photosafe".into(), json!(0));
    m.insert(
        "location".into(),
        json!({
            "country": {"name": country, "id": country_id},
            "city": {"name": city, "id": city_id},
            "region": {"name": region, "id": region_id},
        }),
    );
    if let Some(c) = &u.community {
        m.insert(
            "group_info".into(),
            json!({
                "category_id": c.category_id.to_string(),
                "short_description": c.short_description,
                "full_description": c.full_description,
                "interests": c.interests,
                "posts_cnt": u.events,
                "category_name": c.category_name,
                "rules": c.rules,
            }),
        );
        m.insert("is_closed".into(), json!(u8::from(c.closed)));
        m.insert("members_count".into(), json!(c.members.len()));
    }
    Value::Object(m)
}

/// A profile as an event author or comment author: the same object as `users.getInfo`.
pub(crate) fn author(w: &World, uid: u64, viewer: Option<u64>, app_id: u64) -> Value {
    w.user(uid)
        .map_or(Value::Null, |u| user(w, u, viewer, app_id))
}

/// §7.4. `created`/`updated` are strings, `cover_pid` is empty when there is no cover.
pub(crate) fn album(w: &World, a: &Album) -> Value {
    let (domain, nick) = w
        .user(a.owner)
        .map_or(("mail", String::new()), |u| (u.domain, u.nick.clone()));
    let size = w.photos.get(&(a.owner, a.aid.clone())).map_or(0, Vec::len);
    json!({
        "aid": a.aid,
        "cover_pid": a.cover_pid.map_or(json!(""), |p| json!(p)),
        "owner": a.owner.to_string(),
        "title": a.title,
        "description": a.description,
        "created": a.created.to_string(),
        "updated": a.updated.to_string(),
        "size": size,
        "privacy": a.privacy,
        "link": format!("https://foto.mail.ru/{domain}/{nick}/{}/", a.aid),
    })
}

/// §7.5. `created` is an integer; `src_big` is absent for small images.
pub(crate) fn photo(p: &Photo) -> Value {
    let mut v = json!({
        "pid": p.pid,
        "aid": p.aid,
        "owner": p.owner.to_string(),
        "src": p.src,
        "src_small": p.src_small,
        "created": p.created,
        "width": p.width,
        "height": p.height,
        "size": p.size,
        "title": p.title,
    });
    if let (Some(big), Value::Object(m)) = (&p.src_big, &mut v) {
        m.insert("src_big".into(), json!(big));
    }
    v
}

/// Guestbook post, modelled like a guestbook event (spec §7.6 leaves the shape open).
pub(crate) fn guest_post(w: &World, p: &GuestPost, viewer: Option<u64>, app_id: u64) -> Value {
    let mut text_media = vec![json!({"object": "text", "content": p.text})];
    if let Some(src) = &p.img_url {
        text_media.push(json!({"object": "image", "src": src}));
    }
    for (text, href) in &p.links {
        text_media.push(json!({"object": "link", "text": text, "url": href}));
    }
    json!({
        "id": p.id.to_string(),
        "time": p.time,
        "type": "3-7",
        "type_name": "guestbook",
        "author": author(w, p.author, viewer, app_id),
        "title": p.title,
        "text": p.text,
        "text_media": text_media,
    })
}

/// An audio track, with the fields of the `music` attachment.
pub(crate) fn track(t: &Track) -> Value {
    json!({
        "mid": t.mid,
        "name": t.name,
        "author": t.author,
        "duration": t.duration,
        "file_url": format!("https://music.my.mail.ru/file/{}.mp3", t.mid),
        "uploader": t.uploader.to_string(),
        "click_url": format!("https://my.mail.ru/music/songs/{}", t.mid),
        "is_add": 0,
    })
}
