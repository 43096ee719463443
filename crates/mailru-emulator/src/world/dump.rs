//! The generated world of a configuration, written out as a [`World`].

use crate::accounts::{APP_ID, DEMO_REFRESH_TOKEN, DEMO_SESSION_KEY, DEMO_UID};
use crate::config::Config;
use crate::model::{self, World as Model};
use crate::seed::{self, CITIES};
use crate::world::{
    Album, App, AppMode, Community, GuestPost, Install, Link, Message, Photo, Session, Thread,
    Track, User, World,
};

/// The world `config` generates, with the demo session the emulator always has.
pub(super) fn seeded(config: &Config) -> World {
    let m = seed::world(config);
    let mut world = of_model(&m, config.seed);
    let scope = m
        .installs
        .get(&(APP_ID, DEMO_UID))
        .map(|s| s.iter().cloned().collect())
        .unwrap_or_default();
    world.sessions.push(Session {
        access_token: DEMO_SESSION_KEY.to_owned(),
        refresh_token: Some(DEMO_REFRESH_TOKEN.to_owned()),
        app_id: APP_ID,
        uid: DEMO_UID,
        scope,
        expires_in: None,
    });
    world
}

fn city(index: usize) -> String {
    CITIES.get(index).map_or("", |c| c.2).to_owned()
}

fn links(links: &[(String, String)]) -> Vec<Link> {
    links
        .iter()
        .map(|(text, href)| Link {
            text: text.clone(),
            href: href.clone(),
        })
        .collect()
}

/// Everything of `m` but its streams and tokens (which live in the state).
fn of_model(m: &Model, seed: u64) -> World {
    let count = |map: &std::collections::HashMap<u64, u32>, uid| map.get(&uid).copied();
    let mut world = World {
        seed,
        ..World::default()
    };
    for u in &m.users {
        let invitations = count(&m.invitations, u.uid).unwrap_or(0);
        let new_events = count(&m.new_events, u.uid).unwrap_or(0);
        let unread_mail = count(&m.unread_mail, u.uid).unwrap_or(0);
        let balance = m.balance.get(&u.uid).copied().unwrap_or(0);
        match &u.community {
            Some(c) => {
                let mut members: Vec<u64> = c.members.iter().copied().collect();
                members.sort_unstable();
                world.communities.push(Community {
                    uid: u.uid,
                    name: u.nick.clone(),
                    title: u.first_name.clone(),
                    closed: c.closed,
                    members,
                    generated_events: u.events,
                    category_id: c.category_id,
                    category_name: c.category_name.clone(),
                    short_description: c.short_description.clone(),
                    full_description: c.full_description.clone(),
                    interests: c.interests.clone(),
                    rules: c.rules.clone(),
                    age: u.age,
                    show_age: u.show_age == 1,
                    has_pic: u.has_pic == 1,
                    is_online: u.is_online == 1,
                    is_verified: u.is_verified == 1,
                    vip: u.vip == 1,
                    last_visit: u.last_visit,
                    status_text: u.status_text.clone(),
                    city: city(u.city),
                    invitations,
                    new_events,
                    unread_mail,
                    balance,
                });
            }
            None => world.users.push(User {
                uid: u.uid,
                email: u.email.clone(),
                password: u.password.clone(),
                blocked: u.blocked,
                first_name: u.first_name.clone(),
                last_name: u.last_name.clone(),
                nick: u.nick.clone(),
                domain: u.domain.clone(),
                sex: u.sex,
                birthday: u.birthday.clone(),
                age: u.age,
                show_age: u.show_age == 1,
                has_pic: u.has_pic == 1,
                is_online: u.is_online == 1,
                is_verified: u.is_verified == 1,
                vip: u.vip == 1,
                last_visit: u.last_visit,
                status_text: u.status_text.clone(),
                city: city(u.city),
                friends: m.friends.get(&u.uid).cloned().unwrap_or_default(),
                generated_events: u.events,
                invitations,
                new_events,
                unread_mail,
                balance,
            }),
        }
        for a in m.albums.get(&u.uid).into_iter().flatten() {
            world.albums.push(album(a));
            let photos = m.photos.get(&(u.uid, a.aid.clone()));
            world.photos.extend(photos.into_iter().flatten().map(photo));
        }
        for p in m.guestbooks.get(&u.uid).into_iter().flatten() {
            world.guestbook.push(GuestPost {
                owner: u.uid,
                id: p.id,
                author: p.author,
                time: p.time,
                title: p.title.clone(),
                text: p.text.clone(),
                img_url: p.img_url.clone(),
                links: links(&p.links),
            });
        }
    }
    let mut apps: Vec<&model::App> = m.apps.values().collect();
    apps.sort_unstable_by_key(|a| a.id);
    world.apps = apps
        .into_iter()
        .map(|a| {
            let mut testers: Vec<u64> = a.testers.iter().copied().collect();
            testers.sort_unstable();
            App {
                id: a.id,
                name: a.name.clone(),
                private_key: a.private_key.clone(),
                secret_key: a.secret_key.clone(),
                mode: if a.in_development {
                    AppMode::Development
                } else {
                    AppMode::Live
                },
                author: m.user(a.author).map(|u| u.uid),
                testers,
            }
        })
        .collect();
    let mut installs: Vec<_> = m.installs.iter().collect();
    installs.sort_unstable_by_key(|(key, _)| **key);
    world.installs = installs
        .into_iter()
        .map(|(&(app_id, uid), scope)| Install {
            app_id,
            uid,
            scope: scope.iter().cloned().collect(),
        })
        .collect();
    let mut threads: Vec<_> = m.threads.iter().collect();
    threads.sort_unstable_by_key(|(key, _)| **key);
    world.threads = threads
        .into_iter()
        .map(|(&(a, b), messages)| Thread {
            between: vec![a, b],
            messages: messages
                .iter()
                .map(|x| Message {
                    from: x.from,
                    time: x.time,
                    text: x.text.clone(),
                    unread: x.unread,
                })
                .collect(),
        })
        .collect();
    world.tracks = m
        .tracks
        .iter()
        .map(|t| Track {
            mid: t.mid.clone(),
            name: t.name.clone(),
            author: t.author.clone(),
            duration: t.duration,
            uploader: t.uploader,
        })
        .collect();
    world
}

fn album(a: &model::Album) -> Album {
    Album {
        owner: a.owner,
        aid: a.aid.clone(),
        title: a.title.clone(),
        description: a.description.clone(),
        created: a.created,
        updated: a.updated,
        privacy: a.privacy,
        cover_pid: a.cover_pid,
    }
}

fn photo(p: &model::Photo) -> Photo {
    Photo {
        owner: p.owner,
        aid: p.aid.clone(),
        pid: p.pid,
        src: p.src.clone(),
        src_small: p.src_small.clone(),
        src_big: p.src_big.clone(),
        created: p.created,
        width: p.width,
        height: p.height,
        size: p.size,
        title: p.title.clone(),
    }
}
