//! Rendering events for one viewer (spec §7.2, §7.3).

use std::cell::RefCell;
use std::collections::HashMap;

use serde_json::{Value, json};

use crate::accounts::APP_ID;
use crate::events::generated::Generated;
use crate::events::{EventRef, MAX_NESTED_COMMENTS, Posted, Streams, event_id, thread_id};
use crate::model::World;
use crate::render;
use crate::rng::Rng;

/// Everything an event needs to render for one viewer.
pub(crate) struct View<'a> {
    pub world: &'a World,
    pub streams: &'a Streams,
    pub seed: u64,
    pub viewer: Option<u64>,
    pub app_id: u64,
    /// Profiles already rendered for this page: a community's page has one author.
    pub authors: RefCell<HashMap<u64, Value>>,
}

impl View<'_> {
    fn author(&self, uid: u64) -> Value {
        self.authors
            .borrow_mut()
            .entry(uid)
            .or_insert_with(|| render::author(self.world, uid, self.viewer, self.app_id))
            .clone()
    }

    /// An event object of spec §7.2.
    pub(crate) fn event(&self, e: EventRef) -> Value {
        self.event_at(e, 0)
    }

    /// An event rendered `depth` comment wrappers deep.
    fn event_at(&self, e: EventRef, depth: usize) -> Value {
        let w = self.world;
        let time = self.streams.time(w, e);
        let overlay = self.streams.overlay.get(&e);
        let liked = overlay.is_some_and(|o| self.viewer.is_some_and(|v| o.likes.contains(&v)));
        let extra_likes = overlay.map_or(0, |o| o.likes.len() as u32);
        let extra_comments = overlay.map_or(0, |o| o.comments);
        let author = self.author(e.author);
        let mut v = match self.streams.posted_of(w, e) {
            Some(Posted::Comment {
                target,
                comment_id,
                text,
                ..
            }) => {
                return json!({
                    "id": event_id(e),
                    "time": time,
                    "huid": thread_id(e),
                    "subtype": "comment",
                    // A closed community's event stays hidden inside the wrapper too, and
                    // so does anything nested deeper than the cap.
                    "subevent": if depth < MAX_NESTED_COMMENTS
                        && w.can_view(target.author, self.viewer)
                    {
                        self.event_at(*target, depth + 1)
                    } else {
                        Value::Null
                    },
                    "comment": {
                        "id": comment_id,
                        "text": text,
                        "time": time,
                        "is_deleted": 0,
                        "author": author,
                        "text_media": {"object": "text", "content": text},
                    },
                    "is_commentable": 0,
                    "is_likeable": 0,
                    "authors": [author],
                });
            }
            Some(Posted::Own {
                app_id,
                type_code,
                type_name,
                title,
                text,
                user_text,
                img_url,
                links,
                ..
            }) => {
                let mut attachments = Vec::new();
                if let Some(src) = img_url {
                    attachments.push(json!({"object": "image", "src": src}));
                }
                let action_links: Vec<Value> = links
                    .iter()
                    .map(|(t, h)| json!({"text": t, "href": h}))
                    .collect();
                for (t, h) in links {
                    attachments.push(json!({"object": "link", "text": t, "url": h}));
                }
                let mut v = json!({
                    "type": type_code,
                    "type_name": type_name,
                    "title": title,
                    "user_text": user_text,
                    "text_media": [{"object": "text", "content": text}],
                    "attachments": attachments,
                    "action_links": action_links,
                    "likes_count": extra_likes,
                    "comments_count": extra_comments,
                });
                if *app_id != 0 {
                    v["generator"] = generator(*app_id, w);
                }
                v
            }
            None => self.generated(e, extra_likes, extra_comments),
        };
        v["id"] = json!(event_id(e));
        v["time"] = json!(time);
        v["huid"] = json!(thread_id(e));
        v["thread_id"] = json!(thread_id(e));
        v["subtype"] = json!("event");
        v["authors"] = json!([author]);
        v["is_commentable"] = json!(1);
        v["is_likeable"] = json!(1);
        v["is_liked_by_me"] = json!(u8::from(liked));
        v["click_url"] = json!(format!(
            "{}multipost/{}",
            w.user(e.author).map(|u| u.link()).unwrap_or_default(),
            event_id(e)
        ));
        v
    }

    fn generated(&self, e: EventRef, extra_likes: u32, extra_comments: u32) -> Value {
        let w = self.world;
        let mut g = Generated::new(w, self.seed, e);
        let (code, name) = g.type_code();
        let (domain, nick) = w
            .user(e.author)
            .map_or(("mail", String::new()), |u| (u.domain, u.nick.clone()));
        let n = u64::from(e.seq);
        let text = format!("Запись №{n} от {nick}");
        let image = |rng: &mut Rng| {
            let id = rng.range(1, 999);
            json!({
                "object": "image",
                "src": format!("https://content.foto.my.mail.ru/{domain}/{nick}/_myphoto/i-{id}.jpg"),
                "src_hires": format!("https://content.foto.my.mail.ru/{domain}/{nick}/_myphoto/h-{id}.jpg"),
                "width": rng.range(320, 1600), "height": rng.range(240, 1200),
                "album_id": "_myphoto", "owner_id": e.author.to_string(), "id": id.to_string(),
                "likes_count": rng.range(0, 30), "comments_count": rng.range(0, 5),
            })
        };
        let attachments = match name {
            "photo_upload" | "community_photo_upload" => vec![image(&mut g.rng)],
            "music_add" => vec![json!({
                "object": "music", "mid": format!("{:x}", g.rng.next_u64() >> 16),
                "name": "Группа крови", "author": "Кино", "duration": g.rng.range(120, 360),
                "file_url": "https://music.my.mail.ru/file/track.mp3", "is_add": 1,
            })],
            "avatar_change" => vec![json!({"object": "avatar", "new": image(&mut g.rng)})],
            "gift_send" => vec![json!({"object": "gift", "content": {
                "is_private": 0, "is_anonymous": 0, "text": "С праздником!", "time": n,
                "gift": {"id": g.rng.range(1, 400).to_string()},
            }})],
            "share" => vec![json!({
                "object": "link", "text": "Интересная статья",
                "url": format!("https://example.org/articles/{n}"),
            })],
            "video_upload" | "community_video_upload" => vec![json!({
                "object": "video", "title": format!("Видео {n}"), "duration": g.rng.range(10, 900),
                "src": format!("https://my.mail.ru/video/embed/{n}"), "view_count": g.rng.range(0, 5000),
                "owner_id": e.author.to_string(),
            })],
            "app_info2" => vec![json!({"object": "app", "content": {
                "ID": g.app_id.unwrap_or(APP_ID), "Name": "Демо-приложение",
                "ShortDescription": "Игра", "Installations": g.rng.range(100, 100_000),
            }})],
            _ => vec![json!({"object": "tag", "content": {"is_blacklist": 0, "tag": "новости"}})],
        };
        let mut v = json!({
            "type": code,
            "type_name": name,
            "user_text": "",
            "text_media": [{"object": "text", "content": text}],
            "attachments": attachments,
            "action_links": [],
            "likes_count": g.likes + extra_likes,
            "comments_count": g.comments + extra_comments,
        });
        if let Some(app) = g.app_id {
            v["generator"] = generator(app, w);
        }
        v
    }
}

fn generator(app_id: u64, w: &World) -> Value {
    let title = w
        .apps
        .get(&app_id)
        .map_or_else(|| "Приложение".to_owned(), |a| a.name.clone());
    json!({
        "app_id": app_id,
        "icon": format!("https://appsmail.ru/icons/{app_id}.gif"),
        "url": format!("https://my.mail.ru/cgi-bin/my/app-canvas?appid={app_id}"),
        "title": title,
        "type": "application",
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::accounts::DEMO_UID;
    use crate::config::Config;
    use crate::seed;

    /// A chain of 100,000 comments, each on the previous one, renders with a bounded
    /// nesting (a recursive renderer overflows the stack here and aborts the process).
    #[test]
    fn a_deep_chain_of_comments_renders_with_bounded_nesting() {
        let config = Config {
            users: 20,
            ..Config::default()
        };
        let w = seed::world(&config);
        let mut s = Streams::default();
        let generated = s.total(&w, DEMO_UID);
        let mut target = EventRef {
            author: DEMO_UID,
            seq: 1,
        };
        for i in 0..100_000u32 {
            s.post(
                DEMO_UID,
                Posted::Comment {
                    time: 1_800_000_000 + u64::from(i),
                    target,
                    comment_id: format!("{i:016x}"),
                    text: format!("комментарий {i}"),
                },
            );
            target = EventRef {
                author: DEMO_UID,
                seq: generated + i + 1,
            };
        }
        let view = View {
            world: &w,
            streams: &s,
            seed: config.seed,
            viewer: Some(DEMO_UID),
            app_id: APP_ID,
            authors: RefCell::default(),
        };
        let top = view.event(target);
        assert_eq!(top["comment"]["text"], "комментарий 99999");
        let mut depth = 0;
        let mut v = &top;
        while !v["subevent"].is_null() {
            v = &v["subevent"];
            depth += 1;
            assert_eq!(v["subtype"], "comment", "level {depth}");
        }
        assert_eq!(depth, MAX_NESTED_COMMENTS);
        let text = top.to_string();
        let back: Value = serde_json::from_str(&text).expect("within serde_json's nesting limit");
        assert_eq!(back, top);
    }
}
