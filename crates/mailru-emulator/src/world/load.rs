//! A [`World`] checked and turned into the running platform, and the same steps for
//! users, events and sessions added while it runs (one mechanism for both).

use std::collections::{BTreeSet, HashSet};
use std::time::Duration;

use crate::accounts::ALL_PRIVILEGES;
use crate::config::{Config, MAX_EVENTS};
use crate::events::{EventRef, Posted, event_id, tag};
use crate::model::{self, World as Model};
use crate::seed::{self, CITIES};
use crate::state::State;
use crate::world::{
    Album, App, AppMode, Community, Event, EventKind, GuestPost, Install, Photo, Problem, Session,
    Thread, Track, User, World, WorldError,
};

/// First id the platform hands out to content written at run time.
const FIRST_FRESH_ID: u64 = 1_000_000;

/// Domains of people's profile links.
const DOMAINS: [&str; 4] = ["mail", "inbox", "bk", "list"];

/// The running platform of `world`, with `config`'s limits and lifetimes (its seed and
/// sizes of generated data give way to the world's).
pub(crate) fn state(world: World, config: &Config) -> Result<State, WorldError> {
    let mut config = config.clone();
    config.seed = world.seed;
    let mut m = Model {
        next_id: FIRST_FRESH_ID,
        ..Model::default()
    };
    for (i, u) in world.users.iter().enumerate() {
        let label = format!("users[{i}] (uid {})", u.uid);
        let user = person(&m, &label, u)?;
        seed::add(&mut m, user);
        counters(
            &mut m,
            u.uid,
            [u.invitations, u.new_events, u.unread_mail],
            u.balance,
        );
    }
    for (i, c) in world.communities.iter().enumerate() {
        let label = format!("communities[{i}] (uid {})", c.uid);
        let user = community(&m, &label, c)?;
        seed::add(&mut m, user);
        counters(
            &mut m,
            c.uid,
            [c.invitations, c.new_events, c.unread_mail],
            c.balance,
        );
    }
    friendships(&mut m, &world.users)?;
    for (i, c) in world.communities.iter().enumerate() {
        let label = format!("communities[{i}] (uid {})", c.uid);
        members(&mut m, &label, c)?;
    }
    for (i, a) in world.apps.iter().enumerate() {
        let label = format!("apps[{i}] (id {})", a.id);
        let app = app(&m, &label, a)?;
        m.apps.insert(app.id, app);
    }
    for (i, install) in world.installs.iter().enumerate() {
        let label = format!(
            "installs[{i}] (app {}, uid {})",
            install.app_id, install.uid
        );
        self::install(&mut m, &label, install)?;
    }
    content(&mut m, &world)?;
    let mut state = State::with_model(config, m);
    let now = crate::state::now();
    for (i, e) in world.events.iter().enumerate() {
        let label = format!("events[{i}] (author {})", e.author);
        add_event(&mut state, &label, e, now)?;
    }
    for (i, s) in world.sessions.iter().enumerate() {
        let label = format!("sessions[{i}] (app {}, uid {})", s.app_id, s.uid);
        add_session(&mut state, &label, s)?;
    }
    Ok(state)
}

/// Invitations, new events and unread mail, and the balance of `uid`.
fn counters(
    m: &mut Model,
    uid: u64,
    [invitations, new_events, unread_mail]: [u32; 3],
    balance: u64,
) {
    m.invitations.insert(uid, invitations);
    m.new_events.insert(uid, new_events);
    m.unread_mail.insert(uid, unread_mail);
    m.balance.insert(uid, balance);
}

fn city(label: &str, name: &str) -> Result<usize, WorldError> {
    CITIES.iter().position(|c| c.2 == name).ok_or_else(|| {
        let known: Vec<&str> = CITIES.iter().map(|c| c.2).collect();
        WorldError::invalid(
            label,
            "city",
            format!("unknown city `{name}` (known: {})", known.join(", ")),
        )
    })
}

fn flag(b: bool) -> u8 {
    u8::from(b)
}

/// A uid no one has yet.
fn new_uid(m: &Model, label: &str, uid: u64) -> Result<(), WorldError> {
    if uid == 0 {
        return Err(WorldError::invalid(label, "uid", "missing (0)"));
    }
    if m.by_uid.contains_key(&uid) {
        return Err(duplicate(label, "uid", uid.to_string()));
    }
    if let Some(other) = m.by_tag.get(&tag(uid)) {
        let reason = format!("its event ids would collide with those of uid {other}");
        return Err(WorldError::invalid(label, "uid", reason));
    }
    Ok(())
}

/// Checks what every profile needs besides a new uid: a free link, a sane event count.
fn profile_checks(
    m: &Model,
    label: &str,
    domain: &str,
    nick: &str,
    events: u32,
) -> Result<(), WorldError> {
    if nick.is_empty() || nick.contains(['/', '?', '#']) || nick.chars().any(char::is_whitespace) {
        let reason = format!("`{nick}` cannot be part of a profile link");
        return Err(WorldError::invalid(label, "nick", reason));
    }
    if m.by_link
        .contains_key(&(domain.to_owned(), nick.to_owned()))
    {
        return Err(duplicate(label, "profile link", format!("{domain}/{nick}")));
    }
    if events > MAX_EVENTS {
        let reason = format!("{events} is more than {MAX_EVENTS}");
        return Err(WorldError::invalid(label, "generated_events", reason));
    }
    Ok(())
}

fn duplicate(label: &str, what: &'static str, value: String) -> WorldError {
    WorldError::entry(label, Problem::Duplicate { what, value })
}

fn unknown_user(label: &str, field: &'static str, uid: u64) -> WorldError {
    WorldError::entry(label, Problem::UnknownUser { field, uid })
}

/// A person of the world, checked against the users already in `m` (friends aside).
fn person(m: &Model, label: &str, u: &User) -> Result<model::User, WorldError> {
    new_uid(m, label, u.uid)?;
    let email = match &u.email {
        Some(e) if !e.contains('@') => {
            return Err(WorldError::invalid(
                label,
                "email",
                format!("`{e}` has no @"),
            ));
        }
        Some(e) if m.by_email.contains_key(&e.to_lowercase()) => {
            return Err(duplicate(label, "e-mail", e.clone()));
        }
        other => other.clone(),
    };
    let (local, host) = email
        .as_deref()
        .and_then(|e| e.split_once('@'))
        .unwrap_or_default();
    let nick = match u.nick.as_str() {
        "" if !local.is_empty() => local.to_owned(),
        "" => format!("id{}", u.uid),
        nick => nick.to_owned(),
    };
    let domain = match u.domain.as_str() {
        "" => DOMAINS
            .iter()
            .find(|d| host.starts_with(*d))
            .copied()
            .unwrap_or("mail")
            .to_owned(),
        d if DOMAINS.contains(&d) => d.to_owned(),
        d => {
            let reason = format!("`{d}` is not one of {}", DOMAINS.join(", "));
            return Err(WorldError::invalid(label, "domain", reason));
        }
    };
    profile_checks(m, label, &domain, &nick, u.generated_events)?;
    if u.sex > 1 {
        return Err(WorldError::invalid(label, "sex", "0 (male) or 1 (female)"));
    }
    Ok(model::User {
        uid: u.uid,
        domain,
        nick,
        first_name: u.first_name.clone(),
        last_name: u.last_name.clone(),
        email,
        password: u.password.clone(),
        sex: u.sex,
        birthday: u.birthday.clone(),
        age: u.age,
        show_age: flag(u.show_age),
        has_pic: flag(u.has_pic),
        is_online: flag(u.is_online),
        is_verified: flag(u.is_verified),
        vip: flag(u.vip),
        last_visit: u.last_visit,
        status_text: u.status_text.clone(),
        city: city(label, &u.city)?,
        blocked: u.blocked,
        community: None,
        events: u.generated_events,
    })
}

/// A community of the world (members aside).
fn community(m: &Model, label: &str, c: &Community) -> Result<model::User, WorldError> {
    new_uid(m, label, c.uid)?;
    profile_checks(m, label, "community", &c.name, c.generated_events)?;
    Ok(model::User {
        uid: c.uid,
        domain: "community".to_owned(),
        nick: c.name.clone(),
        first_name: c.title.clone(),
        last_name: String::new(),
        email: None,
        password: None,
        sex: 0,
        birthday: String::new(),
        age: c.age,
        show_age: flag(c.show_age),
        has_pic: flag(c.has_pic),
        is_online: flag(c.is_online),
        is_verified: flag(c.is_verified),
        vip: flag(c.vip),
        last_visit: c.last_visit,
        status_text: c.status_text.clone(),
        city: city(label, &c.city)?,
        blocked: false,
        community: Some(model::Community {
            closed: c.closed,
            category_id: c.category_id,
            category_name: c.category_name.clone(),
            short_description: c.short_description.clone(),
            full_description: c.full_description.clone(),
            interests: c.interests.clone(),
            rules: c.rules.clone(),
            members: HashSet::new(),
        }),
        events: c.generated_events,
    })
}

/// Whether `uid` is a person (not a community) of `m`.
fn is_person(m: &Model, uid: u64) -> bool {
    m.user(uid).is_some_and(|u| u.community.is_none())
}

/// Friend lists as written (each side's order kept), then the sides left out.
fn friendships(m: &mut Model, users: &[User]) -> Result<(), WorldError> {
    let mut listed: HashSet<(u64, u64)> = HashSet::new();
    for (i, u) in users.iter().enumerate() {
        let label = format!("users[{i}] (uid {})", u.uid);
        for &f in &u.friends {
            if f == u.uid {
                return Err(WorldError::invalid(label, "friends", "a user's own uid"));
            }
            if !is_person(m, f) {
                return Err(unknown_user(&label, "friend", f));
            }
            if listed.insert((u.uid, f)) {
                m.friends.entry(u.uid).or_default().push(f);
                m.friendships.insert(Model::thread_key(u.uid, f));
            }
        }
    }
    for u in users {
        for &f in &u.friends {
            if listed.insert((f, u.uid)) {
                m.friends.entry(f).or_default().push(u.uid);
            }
        }
    }
    Ok(())
}

fn members(m: &mut Model, label: &str, c: &Community) -> Result<(), WorldError> {
    let mut members = HashSet::new();
    for &uid in &c.members {
        if !is_person(m, uid) {
            return Err(unknown_user(label, "member", uid));
        }
        if members.insert(uid) {
            m.memberships.entry(uid).or_default().push(c.uid);
        }
    }
    if let Some(group) = m
        .by_uid
        .get(&c.uid)
        .and_then(|&i| m.users[i].community.as_mut())
    {
        group.members = members;
    }
    Ok(())
}

fn app(m: &Model, label: &str, a: &App) -> Result<model::App, WorldError> {
    if a.id == 0 {
        return Err(WorldError::invalid(label, "id", "missing (0)"));
    }
    if m.apps.contains_key(&a.id) {
        return Err(duplicate(label, "app id", a.id.to_string()));
    }
    if a.private_key.is_empty() {
        return Err(WorldError::invalid(label, "private_key", "empty"));
    }
    if a.secret_key.as_deref() == Some("") {
        return Err(WorldError::invalid(label, "secret_key", "empty"));
    }
    if let Some(author) = a.author
        && !is_person(m, author)
    {
        return Err(unknown_user(label, "author", author));
    }
    if let Some(&t) = a.testers.iter().find(|t| !is_person(m, **t)) {
        return Err(unknown_user(label, "tester", t));
    }
    Ok(model::App {
        id: a.id,
        name: a.name.clone(),
        private_key: a.private_key.clone(),
        secret_key: a.secret_key.clone(),
        in_development: a.mode == AppMode::Development,
        author: a.author.unwrap_or(0),
        testers: a.testers.iter().copied().collect(),
    })
}

/// Privileges of a scope, each one known.
fn scope(label: &str, scope: &[String]) -> Result<BTreeSet<String>, WorldError> {
    match scope.iter().find(|p| !ALL_PRIVILEGES.contains(&p.as_str())) {
        Some(p) => {
            let reason = format!(
                "unknown privilege `{p}` (known: {})",
                ALL_PRIVILEGES.join(", ")
            );
            Err(WorldError::invalid(label, "scope", reason))
        }
        None => Ok(scope.iter().cloned().collect()),
    }
}

fn install(m: &mut Model, label: &str, i: &Install) -> Result<(), WorldError> {
    if !m.apps.contains_key(&i.app_id) {
        return Err(WorldError::entry(label, Problem::UnknownApp(i.app_id)));
    }
    if !is_person(m, i.uid) {
        return Err(unknown_user(label, "uid", i.uid));
    }
    let granted = scope(label, &i.scope)?;
    m.installs
        .entry((i.app_id, i.uid))
        .or_default()
        .extend(granted);
    Ok(())
}

/// Albums, photos, guestbooks, threads and tracks.
fn content(m: &mut Model, world: &World) -> Result<(), WorldError> {
    for (i, a) in world.albums.iter().enumerate() {
        let label = format!("albums[{i}] (owner {}, aid {})", a.owner, a.aid);
        album(m, &label, a)?;
    }
    let mut pids = HashSet::new();
    for (i, p) in world.photos.iter().enumerate() {
        let label = format!(
            "photos[{i}] (owner {}, aid {}, pid {})",
            p.owner, p.aid, p.pid
        );
        photo(m, &label, p, &mut pids)?;
    }
    let mut post_ids = HashSet::new();
    for (i, p) in world.guestbook.iter().enumerate() {
        let label = format!("guestbook[{i}] (owner {}, id {})", p.owner, p.id);
        guest_post(m, &label, p, &mut post_ids)?;
    }
    for (i, t) in world.threads.iter().enumerate() {
        let label = format!("threads[{i}]");
        thread(m, &label, t)?;
    }
    for (i, t) in world.tracks.iter().enumerate() {
        let label = format!("tracks[{i}] (mid {})", t.mid);
        track(m, &label, t)?;
    }
    Ok(())
}

fn album(m: &mut Model, label: &str, a: &Album) -> Result<(), WorldError> {
    if m.user(a.owner).is_none() {
        return Err(unknown_user(label, "owner", a.owner));
    }
    if a.aid.is_empty() {
        return Err(WorldError::invalid(label, "aid", "empty"));
    }
    let albums = m.albums.entry(a.owner).or_default();
    if albums.iter().any(|x| x.aid == a.aid) {
        return Err(duplicate(label, "album", a.aid.clone()));
    }
    albums.push(model::Album {
        aid: a.aid.clone(),
        owner: a.owner,
        title: a.title.clone(),
        description: a.description.clone(),
        created: a.created,
        updated: a.updated,
        privacy: a.privacy,
        cover_pid: a.cover_pid,
    });
    m.photos.entry((a.owner, a.aid.clone())).or_default();
    Ok(())
}

fn photo(
    m: &mut Model,
    label: &str,
    p: &Photo,
    pids: &mut HashSet<(u64, String, u64)>,
) -> Result<(), WorldError> {
    if m.user(p.owner).is_none() {
        return Err(unknown_user(label, "owner", p.owner));
    }
    let Some(photos) = m.photos.get_mut(&(p.owner, p.aid.clone())) else {
        return Err(WorldError::entry(
            label,
            Problem::UnknownAlbum(p.aid.clone()),
        ));
    };
    if !pids.insert((p.owner, p.aid.clone(), p.pid)) {
        return Err(duplicate(label, "pid", p.pid.to_string()));
    }
    photos.push(model::Photo {
        pid: p.pid,
        aid: p.aid.clone(),
        owner: p.owner,
        src: p.src.clone(),
        src_small: p.src_small.clone(),
        src_big: p.src_big.clone(),
        created: p.created,
        width: p.width,
        height: p.height,
        size: p.size,
        title: p.title.clone(),
    });
    Ok(())
}

fn pairs(links: &[crate::world::Link]) -> Vec<(String, String)> {
    links
        .iter()
        .map(|l| (l.text.clone(), l.href.clone()))
        .collect()
}

fn guest_post(
    m: &mut Model,
    label: &str,
    p: &GuestPost,
    ids: &mut HashSet<(u64, u64)>,
) -> Result<(), WorldError> {
    if m.user(p.owner).is_none() {
        return Err(unknown_user(label, "owner", p.owner));
    }
    if m.user(p.author).is_none() {
        return Err(unknown_user(label, "author", p.author));
    }
    if !ids.insert((p.owner, p.id)) {
        return Err(duplicate(label, "post id", p.id.to_string()));
    }
    m.guestbooks
        .entry(p.owner)
        .or_default()
        .push(model::GuestPost {
            id: p.id,
            author: p.author,
            time: p.time,
            title: p.title.clone(),
            text: p.text.clone(),
            img_url: p.img_url.clone(),
            links: pairs(&p.links),
        });
    Ok(())
}

fn thread(m: &mut Model, label: &str, t: &Thread) -> Result<(), WorldError> {
    let &[a, b] = t.between.as_slice() else {
        return Err(WorldError::invalid(
            label,
            "between",
            "needs exactly two uids",
        ));
    };
    if a == b {
        return Err(WorldError::invalid(label, "between", "two different uids"));
    }
    for uid in [a, b] {
        if !is_person(m, uid) {
            return Err(unknown_user(label, "between", uid));
        }
    }
    let key = Model::thread_key(a, b);
    if m.threads.contains_key(&key) {
        return Err(duplicate(label, "thread", format!("{a}, {b}")));
    }
    let mut messages = Vec::with_capacity(t.messages.len());
    for (j, x) in t.messages.iter().enumerate() {
        if x.from != a && x.from != b {
            return Err(unknown_user(
                &format!("{label}.messages[{j}]"),
                "from",
                x.from,
            ));
        }
        messages.push(model::Message {
            from: x.from,
            time: x.time,
            text: x.text.clone(),
            unread: x.unread,
        });
    }
    m.threads.insert(key, messages);
    Ok(())
}

fn track(m: &mut Model, label: &str, t: &Track) -> Result<(), WorldError> {
    if m.user(t.uploader).is_none() {
        return Err(unknown_user(label, "uploader", t.uploader));
    }
    m.tracks.push(model::Track {
        mid: t.mid.clone(),
        name: t.name.clone(),
        author: t.author.clone(),
        duration: t.duration,
        uploader: t.uploader,
    });
    m.playlists
        .entry(t.uploader)
        .or_default()
        .push(m.tracks.len() - 1);
    Ok(())
}

/// Adds a user while the platform runs: checked like a user of a world file, friends
/// included; nothing changes when it is refused.
pub(crate) fn add_user(st: &mut State, u: &User) -> Result<(), WorldError> {
    let label = format!("user (uid {})", u.uid);
    let m = &mut st.world;
    let user = person(m, &label, u)?;
    if let Some(&f) = u
        .friends
        .iter()
        .find(|f| **f == u.uid || !is_person(m, **f))
    {
        if f == u.uid {
            return Err(WorldError::invalid(label, "friends", "a user's own uid"));
        }
        return Err(unknown_user(&label, "friend", f));
    }
    seed::add(m, user);
    counters(
        m,
        u.uid,
        [u.invitations, u.new_events, u.unread_mail],
        u.balance,
    );
    for &f in &u.friends {
        m.befriend(u.uid, f);
    }
    Ok(())
}

/// Adds a written event to its author's stream; the event id.
pub(crate) fn add_event(
    st: &mut State,
    label: &str,
    e: &Event,
    now: u64,
) -> Result<String, WorldError> {
    let w = &st.world;
    if w.user(e.author).is_none() {
        return Err(unknown_user(label, "author", e.author));
    }
    if let Some(app) = e.app_id
        && !w.apps.contains_key(&app)
    {
        return Err(WorldError::entry(label, Problem::UnknownApp(app)));
    }
    if e.title.is_empty() && e.text.is_empty() && e.user_text.is_empty() {
        return Err(WorldError::invalid(
            label,
            "text",
            "title, text and user_text are empty",
        ));
    }
    if e.kind == EventKind::Share && e.links.is_empty() {
        return Err(WorldError::invalid(
            label,
            "links",
            "a share needs its link",
        ));
    }
    let total = st.streams.total(w, e.author);
    if total == u32::MAX {
        return Err(WorldError::invalid(
            label,
            "author",
            "has as many events as can be",
        ));
    }
    let time = match e.time {
        Some(time) if total > 0 => {
            let newest = st.streams.time(
                w,
                EventRef {
                    author: e.author,
                    seq: total,
                },
            );
            if time < newest {
                return Err(WorldError::entry(
                    label,
                    Problem::OutOfOrder { time, newest },
                ));
            }
            time
        }
        Some(time) => time,
        None => st.streams.next_time(w, e.author, now),
    };
    let (type_code, type_name) = match e.kind {
        EventKind::Post => ("5-17", "app_event"),
        EventKind::Share => ("5-26", "share"),
    };
    st.streams.post(
        e.author,
        Posted::Own {
            time,
            app_id: e.app_id.unwrap_or(0),
            type_code,
            type_name,
            title: e.title.clone(),
            text: e.text.clone(),
            user_text: e.user_text.clone(),
            img_url: e.img_url.clone(),
            links: pairs(&e.links),
        },
    );
    Ok(event_id(EventRef {
        author: e.author,
        seq: total + 1,
    }))
}

/// Adds an access token (and its refresh token), installing its app for its owner.
pub(crate) fn add_session(st: &mut State, label: &str, s: &Session) -> Result<(), WorldError> {
    let tokens = &st.tokens;
    if s.access_token.is_empty() {
        return Err(WorldError::invalid(label, "access_token", "empty"));
    }
    if tokens.sessions.contains_key(&s.access_token) || tokens.refresh.contains_key(&s.access_token)
    {
        return Err(duplicate(label, "access token", String::new()));
    }
    if let Some(r) = &s.refresh_token {
        if r.is_empty() {
            return Err(WorldError::invalid(label, "refresh_token", "empty"));
        }
        if *r == s.access_token || tokens.sessions.contains_key(r) || tokens.refresh.contains_key(r)
        {
            return Err(duplicate(label, "refresh token", String::new()));
        }
    }
    if !st.world.apps.contains_key(&s.app_id) {
        return Err(WorldError::entry(label, Problem::UnknownApp(s.app_id)));
    }
    if !is_person(&st.world, s.uid) {
        return Err(unknown_user(label, "uid", s.uid));
    }
    let granted = scope(label, &s.scope)?;
    let ttl = s
        .expires_in
        .map_or(st.config.token_ttl, Duration::from_secs);
    let refresh = match &s.refresh_token {
        Some(r) => r.clone(),
        None => st.random.hex32(),
    };
    st.world
        .installs
        .entry((s.app_id, s.uid))
        .or_default()
        .extend(granted.iter().cloned());
    st.tokens.insert_pair(
        s.access_token.clone(),
        refresh,
        s.app_id,
        s.uid,
        granted,
        ttl,
    );
    Ok(())
}
