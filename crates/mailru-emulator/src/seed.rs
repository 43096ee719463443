//! Builds the deterministic world of a seed.

use std::collections::{BTreeSet, HashMap, HashSet};

use crate::accounts::*;
use crate::config::{Config, MAX_EVENTS};
use crate::model::*;
use crate::rng::{Rng, mix};

/// Unix time of the newest generated content; fixed so that a seed gives the same data on
/// every run (wall-clock time is only used for content written during a run).
pub(crate) const EPOCH: u64 = 1_700_000_000;

pub(crate) const CITIES: [(&str, &str, &str, &str, &str, &str); 5] = [
    ("Россия", "24", "Москва", "25", "Москва", "999999"),
    (
        "Россия",
        "24",
        "Санкт-Петербург",
        "2",
        "Санкт-Петербург",
        "999998",
    ),
    ("Россия", "24", "Казань", "153", "Татарстан", "1018"),
    (
        "Россия",
        "24",
        "Новосибирск",
        "99",
        "Новосибирская обл.",
        "1054",
    ),
    ("Беларусь", "3", "Минск", "282", "Минская обл.", "2227"),
];

const MALE: [(&str, &str, &str); 8] = [
    ("Алексей", "Иванов", "alexey"),
    ("Дмитрий", "Смирнов", "dmitry"),
    ("Сергей", "Кузнецов", "sergey"),
    ("Андрей", "Попов", "andrey"),
    ("Михаил", "Соколов", "mikhail"),
    ("Николай", "Лебедев", "nikolay"),
    ("Павел", "Козлов", "pavel"),
    ("Егор", "Новиков", "egor"),
];
const FEMALE: [(&str, &str, &str); 8] = [
    ("Анна", "Морозова", "anna"),
    ("Мария", "Волкова", "maria"),
    ("Елена", "Алексеева", "elena"),
    ("Ольга", "Лебедева", "olga"),
    ("Наталья", "Семёнова", "natalia"),
    ("Татьяна", "Егорова", "tatiana"),
    ("Юлия", "Павлова", "yulia"),
    ("Ксения", "Степанова", "ksenia"),
];
const DOMAINS: [&str; 4] = ["mail", "inbox", "bk", "list"];
const STATUSES: [&str; 5] = ["", "На работе", "В отпуске!", "Читаю книгу", "Всем привет"];
const SONGS: [(&str, &str); 8] = [
    ("Кино", "Группа крови"),
    ("Ария", "Беспечный ангел"),
    ("Сплин", "Выхода нет"),
    ("Земфира", "Искала"),
    ("Мумий Тролль", "Владивосток 2000"),
    ("ДДТ", "Что такое осень"),
    ("Би-2", "Полковнику никто не пишет"),
    ("Ленинград", "WWW"),
];

/// Event-id tag of an author: events are `format!("{tag:08x}{seq:08x}")`.
pub(crate) fn tag(uid: u64) -> u32 {
    (mix(uid) & 0xffff_ffff) as u32
}

struct Named {
    uid: u64,
    email: &'static str,
    password: &'static str,
    first: &'static str,
    last: &'static str,
    sex: u8,
}

const NAMED: [Named; 6] = [
    Named {
        uid: DEMO_UID,
        email: DEMO_EMAIL,
        password: DEMO_PASSWORD,
        first: "Дмитрий",
        last: "Демидов",
        sex: 0,
    },
    Named {
        uid: INBOX_UID,
        email: INBOX_EMAIL,
        password: INBOX_PASSWORD,
        first: "Ольга",
        last: "Смирнова",
        sex: 1,
    },
    Named {
        uid: 8_823_541_260_917_344_101,
        email: BK_EMAIL,
        password: BK_PASSWORD,
        first: "Иван",
        last: "Петров",
        sex: 0,
    },
    Named {
        uid: 9_120_338_471_550_612_002,
        email: LIST_EMAIL,
        password: LIST_PASSWORD,
        first: "Анна",
        last: "Козлова",
        sex: 1,
    },
    Named {
        uid: 7_300_112_233_445_566_003,
        email: BLOCKED_EMAIL,
        password: BLOCKED_PASSWORD,
        first: "Заблокированный",
        last: "Пользователь",
        sex: 0,
    },
    Named {
        uid: 4_411_223_344_556_677_004,
        email: DEVELOPER_EMAIL,
        password: DEVELOPER_PASSWORD,
        first: "Роман",
        last: "Разработчиков",
        sex: 0,
    },
];

/// The world of `config.seed`.
pub(crate) fn world(config: &Config) -> World {
    let mut w = World {
        next_id: 1_000_000,
        ..World::default()
    };
    let seed = config.seed;
    for named in &NAMED {
        let mut rng = Rng::derive(seed, &[named.uid]);
        let (nick, domain) = named
            .email
            .split_once('@')
            .unwrap_or((named.email, "mail.ru"));
        let domain = DOMAINS
            .iter()
            .find(|d| domain.starts_with(*d))
            .copied()
            .unwrap_or("mail");
        let mut user = person(
            &mut rng,
            named.uid,
            named.sex,
            named.first,
            named.last,
            nick,
            domain,
        );
        user.email = Some(named.email.to_owned());
        user.password = Some(named.password.to_owned());
        user.blocked = named.email == BLOCKED_EMAIL;
        add(&mut w, user);
    }
    let mut rng = Rng::derive(seed, &[0x5eed]);
    for i in 0..config.users {
        let uid = rng.range(1_000_000_000_000_000_000, 18_000_000_000_000_000_000);
        if w.by_uid.contains_key(&uid) {
            continue;
        }
        let sex = (rng.below(2)) as u8;
        let (first, last, latin) = *rng.pick(if sex == 0 { &MALE } else { &FEMALE });
        let nick = format!("{latin}.{}{i}", rng.range(10, 99));
        let domain = *rng.pick(&DOMAINS);
        let mut user = person(&mut rng, uid, sex, first, last, &nick, domain);
        user.email = Some(format!("{nick}@{domain}.ru"));
        user.password = Some(format!("password-{i}"));
        user.events = rng.range(0, u64::from(config.events_per_user.min(MAX_EVENTS))) as u32;
        add(&mut w, user);
    }
    communities(&mut w, config);
    apps(&mut w);
    friends(&mut w, config);
    content(&mut w, seed);
    w
}

fn person(
    rng: &mut Rng,
    uid: u64,
    sex: u8,
    first: &str,
    last: &str,
    nick: &str,
    domain: &'static str,
) -> User {
    let age = rng.range(18, 60) as u32;
    let year = 2023 - age;
    User {
        uid,
        domain: domain.to_owned(),
        nick: nick.to_owned(),
        first_name: first.to_owned(),
        last_name: last.to_owned(),
        email: None,
        password: None,
        sex,
        birthday: format!("{:02}.{:02}.{year}", rng.range(1, 28), rng.range(1, 12)),
        age,
        show_age: u8::from(rng.chance(80)),
        has_pic: u8::from(rng.chance(85)),
        is_online: u8::from(rng.chance(30)),
        is_verified: u8::from(rng.chance(60)),
        vip: u8::from(rng.chance(5)),
        last_visit: EPOCH - rng.below(30 * 86_400),
        status_text: (*rng.pick(&STATUSES)).to_owned(),
        city: rng.below(CITIES.len() as u64) as usize,
        blocked: false,
        community: None,
        events: rng.range(5, 20) as u32,
    }
}

/// Adds a user or community to the indexes (e-mails in lower case: logins are).
pub(crate) fn add(w: &mut World, user: User) {
    let i = w.users.len();
    w.by_uid.insert(user.uid, i);
    if let Some(email) = &user.email {
        w.by_email.insert(email.to_lowercase(), i);
    }
    w.by_link
        .insert((user.domain.to_owned(), user.nick.clone()), i);
    w.by_tag.insert(tag(user.uid), user.uid);
    w.users.push(user);
}

fn communities(w: &mut World, config: &Config) {
    let specs = [
        (
            BIG_COMMUNITY_UID,
            BIG_COMMUNITY_NAME,
            "Разработчики Mail.Ru",
            false,
            config.community_events.min(MAX_EVENTS),
        ),
        (
            CLOSED_COMMUNITY_UID,
            CLOSED_COMMUNITY_NAME,
            "Закрытый клуб",
            true,
            40,
        ),
        (
            3_141_592_653_589_793_238,
            "rust_lovers",
            "Любители Rust",
            false,
            60,
        ),
    ];
    let everyone: Vec<u64> = w.users.iter().map(|u| u.uid).collect();
    for (n, (uid, name, title, closed, events)) in specs.into_iter().enumerate() {
        let mut rng = Rng::derive(config.seed, &[uid]);
        let mut members: HashSet<u64> = everyone
            .iter()
            .filter(|_| rng.chance(if closed { 10 } else { 40 }))
            .copied()
            .collect();
        if closed {
            members.remove(&DEMO_UID);
            members.insert(INBOX_UID);
        } else {
            members.insert(DEMO_UID);
        }
        for m in &members {
            w.memberships.entry(*m).or_default().push(uid);
        }
        let mut user = person(&mut rng, uid, 0, title, "", name, "community");
        user.community = Some(Community {
            closed,
            category_id: 10 + n as u32,
            category_name: ["Компьютеры и интернет", "Общество", "Хобби"][n].to_owned(),
            short_description: format!("{title}: новости и обсуждения"),
            full_description: format!("Сообщество «{title}». Пишите по делу."),
            interests: "программирование, API".to_owned(),
            rules: "Без спама.".to_owned(),
            members,
        });
        user.events = events;
        user.birthday = String::new();
        add(w, user);
    }
}

fn apps(w: &mut World) {
    let developer = w
        .by_email
        .get(DEVELOPER_EMAIL)
        .map(|&i| w.users[i].uid)
        .unwrap_or_default();
    for app in [
        App {
            id: APP_ID,
            name: "Демо-приложение".to_owned(),
            private_key: APP_PRIVATE_KEY.to_owned(),
            secret_key: Some(APP_SECRET_KEY.to_owned()),
            in_development: false,
            author: developer,
            testers: HashSet::new(),
        },
        App {
            id: DEV_APP_ID,
            name: "Прототип (в разработке)".to_owned(),
            private_key: DEV_APP_PRIVATE_KEY.to_owned(),
            secret_key: Some(DEV_APP_SECRET_KEY.to_owned()),
            in_development: true,
            author: developer,
            testers: HashSet::new(),
        },
        App {
            id: MOBILE_APP_ID,
            name: "Мобильный клиент".to_owned(),
            private_key: MOBILE_APP_PRIVATE_KEY.to_owned(),
            secret_key: None,
            in_development: false,
            author: developer,
            testers: HashSet::new(),
        },
    ] {
        w.apps.insert(app.id, app);
    }
    let all: BTreeSet<String> = ALL_PRIVILEGES.iter().map(|p| (*p).to_owned()).collect();
    w.installs.insert((APP_ID, DEMO_UID), all);
}

fn friends(w: &mut World, config: &Config) {
    let people: Vec<u64> = w
        .users
        .iter()
        .filter(|u| u.community.is_none() && !u.blocked && u.uid != DEMO_UID)
        .map(|u| u.uid)
        .collect();
    let mut rng = Rng::derive(config.seed, &[0xf1e4d5]);
    let mut edges: HashSet<(u64, u64)> = HashSet::new();
    // The demo user: the first `demo_friends` people (named ones included).
    for uid in people.iter().take(config.demo_friends) {
        edges.insert(World::thread_key(DEMO_UID, *uid));
    }
    // Everyone else: a few random friends each.
    for uid in &people {
        for _ in 0..rng.range(1, 6) {
            let other = *rng.pick(&people);
            if other != *uid {
                edges.insert(World::thread_key(*uid, other));
            }
        }
    }
    let mut edges: Vec<_> = edges.into_iter().collect();
    edges.sort_unstable();
    for (a, b) in edges {
        w.befriend(a, b);
    }
    // Some friends of the demo user use the demo app.
    let demo_friends = w.friends.get(&DEMO_UID).cloned().unwrap_or_default();
    for (i, uid) in demo_friends.iter().enumerate() {
        if i % 3 == 0 {
            w.installs.insert((APP_ID, *uid), BTreeSet::new());
        }
    }
}

fn content(w: &mut World, seed: u64) {
    let uids: Vec<u64> = w.users.iter().map(|u| u.uid).collect();
    let mut counters: HashMap<u64, (u32, u32, u32, u64)> = HashMap::new();
    for &uid in &uids {
        let mut rng = Rng::derive(seed, &[uid, 0xc0]);
        counters.insert(
            uid,
            (
                rng.range(0, 12) as u32,
                rng.range(0, 40) as u32,
                rng.range(0, 300) as u32,
                rng.range(0, 500),
            ),
        );
        albums(w, &mut rng, uid);
        guestbook(w, &mut rng, uid, &uids);
        let tracks: Vec<usize> = (0..rng.range(0, 6))
            .map(|_| {
                let (author, name) = *rng.pick(&SONGS);
                w.tracks.push(Track {
                    mid: format!("{:x}", rng.next_u64() >> 8),
                    name: name.to_owned(),
                    author: author.to_owned(),
                    duration: rng.range(120, 360) as u32,
                    uploader: uid,
                });
                w.tracks.len() - 1
            })
            .collect();
        w.playlists.insert(uid, tracks);
    }
    for (uid, (inv, news, mail, balance)) in counters {
        w.invitations.insert(uid, inv);
        w.new_events.insert(uid, news);
        w.unread_mail.insert(uid, mail);
        w.balance.insert(uid, balance);
    }
    // Conversations of the demo user with some friends.
    let mut rng = Rng::derive(seed, &[0x7ead]);
    let demo_friends = w.friends.get(&DEMO_UID).cloned().unwrap_or_default();
    for (n, other) in demo_friends.iter().take(25).enumerate() {
        let count = rng.range(1, 30);
        let start = EPOCH - (n as u64 + 1) * 86_400;
        let messages = (0..count)
            .map(|i| Message {
                from: if rng.chance(50) { DEMO_UID } else { *other },
                time: start + i * 600,
                text: format!("Сообщение №{} — привет!", i + 1),
                unread: i + 3 > count && rng.chance(50),
            })
            .collect();
        w.threads
            .insert(World::thread_key(DEMO_UID, *other), messages);
    }
}

fn albums(w: &mut World, rng: &mut Rng, uid: u64) {
    let Some(user) = w.user(uid) else { return };
    let (domain, nick) = (user.domain.clone(), user.nick.clone());
    let count = if uid == DEMO_UID { 3 } else { rng.range(0, 3) };
    let mut albums = Vec::new();
    for a in 0..count {
        let aid = if a == 0 {
            "_myphoto".to_owned()
        } else {
            rng.range(1000, 9999).to_string()
        };
        let created = EPOCH - rng.range(86_400, 400 * 86_400);
        let photos: Vec<Photo> = (0..rng.range(1, 12))
            .map(|p| {
                let (width, height) = (rng.range(200, 1600) as u32, rng.range(200, 1200) as u32);
                let base = format!("https://content.foto.my.mail.ru/{domain}/{nick}/{aid}");
                Photo {
                    pid: p + 1,
                    aid: aid.clone(),
                    owner: uid,
                    src: format!("{base}/i-{}.jpg", p + 1),
                    src_small: format!("{base}/p-{}.jpg", p + 1),
                    src_big: (width.max(height) > 480).then(|| format!("{base}/s-{}.jpg", p + 1)),
                    created: created + p * 3_600,
                    width,
                    height,
                    size: u64::from(width) * u64::from(height) / 8,
                    title: format!("Фото {}", p + 1),
                }
            })
            .collect();
        albums.push(Album {
            aid: aid.clone(),
            owner: uid,
            title: if a == 0 {
                "Мои фотографии".to_owned()
            } else {
                format!("Альбом {a}")
            },
            description: String::new(),
            created,
            updated: created + photos.len() as u64 * 3_600,
            privacy: 2,
            cover_pid: photos.first().map(|p| p.pid),
        });
        w.photos.insert((uid, aid), photos);
    }
    w.albums.insert(uid, albums);
}

fn guestbook(w: &mut World, rng: &mut Rng, uid: u64, uids: &[u64]) {
    let count = if uid == DEMO_UID { 15 } else { rng.range(0, 4) };
    let posts = (0..count)
        .map(|i| GuestPost {
            id: rng.range(1_000_000_000, 9_999_999_999),
            author: *rng.pick(uids),
            time: EPOCH - (count - i) * 7_200,
            title: String::new(),
            text: format!("Запись в гостевой №{}", i + 1),
            img_url: None,
            links: Vec::new(),
        })
        .collect();
    w.guestbooks.insert(uid, posts);
}
