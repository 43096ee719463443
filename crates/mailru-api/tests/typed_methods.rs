//! Every typed method of the catalog, end to end against the in-process emulator, under
//! both circuits: decoded values are checked against the emulator's seeded data (seed 7),
//! write methods are checked by reading their effect back, and the request log shows that
//! a typed call sends exactly the parameters the user set.

use std::collections::{BTreeMap, BTreeSet};

use bytes::Bytes;
use mailru_api::methods::friends::{Profiles, Uids};
use mailru_api::methods::{friends, notifications};
use mailru_api::models::{Attachment, StreamItem, Uid};
use mailru_api::{
    AccessToken, Api, ApiErrorKind, Error, Evidence, FilePart, Method, PrivateKey, SecretKey,
    Session,
};
use mailru_emulator::accounts::{
    APP_ID, APP_PRIVATE_KEY, APP_SECRET_KEY, BIG_COMMUNITY_UID, CLOSED_COMMUNITY_UID,
    DEMO_SESSION_KEY, DEMO_UID, INBOX_UID,
};
use mailru_emulator::{Emulator, EmulatorHandle, MASK};
use serde_json::{Value, json};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Circuit {
    /// `Session::client`: md5(uid + params + private_key).
    Client,
    /// `Session::server(..).with_access_token(..)`: md5(params + secret_key), `secure=1`.
    Server,
}

fn session(circuit: Circuit) -> Session {
    match circuit {
        Circuit::Client => Session::client(
            APP_ID,
            PrivateKey::new(APP_PRIVATE_KEY),
            AccessToken::new(DEMO_SESSION_KEY),
            DEMO_UID,
        ),
        Circuit::Server => Session::server(APP_ID, SecretKey::new(APP_SECRET_KEY))
            .with_access_token(AccessToken::new(DEMO_SESSION_KEY)),
    }
}

/// An emulator (seed 7) and a client of the demo user on it.
struct Env {
    emu: EmulatorHandle,
    api: Api,
    circuit: Circuit,
}

async fn env(circuit: Circuit) -> Env {
    let emu = Emulator::builder().seed(7).start().await.unwrap();
    let api = Api::builder(session(circuit))
        .base_url(emu.base_url())
        .unwrap()
        .build()
        .unwrap();
    Env { emu, api, circuit }
}

/// Runs an `async fn(&Env)` once per circuit, each on a fresh emulator.
macro_rules! both_circuits {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test]
            async fn client_server() {
                let env = super::env(super::Circuit::Client).await;
                super::$name(&env).await;
            }

            #[tokio::test]
            async fn server_server() {
                let env = super::env(super::Circuit::Server).await;
                super::$name(&env).await;
            }
        }
    )*};
}

both_circuits!(
    users_methods,
    friends_methods,
    stream_reads,
    stream_writes,
    guestbook_methods,
    photos_methods,
    audio_methods,
    messages_methods,
    counters_and_notifications,
    request_log_shows_exactly_the_users_params,
);

/// The API error code of a failed call.
#[track_caller]
fn api_error(err: Error) -> (i64, ApiErrorKind) {
    match err {
        Error::Api { code, kind, .. } => (code, kind),
        other => panic!("expected an API error, got {other:?}"),
    }
}

/// `{"id": "<string>"}`, the answer of the emulator's id-returning write methods.
#[track_caller]
fn new_id(v: &Value) -> String {
    v["id"]
        .as_str()
        .unwrap_or_else(|| panic!("no string id in {v}"))
        .to_owned()
}

fn jpeg(len: usize) -> FilePart {
    let mut bytes = b"\xff\xd8\xff\xe0\0\x10JFIF\0\x01\x01\0\0\x01\0\x01\0\0".to_vec();
    bytes.resize(len, 0x42);
    FilePart {
        field: "img_file",
        file_name: "photo.jpg".to_owned(),
        content_type: "image/jpeg".to_owned(),
        bytes: Bytes::from(bytes),
    }
}

fn assert_newest_first(times: impl IntoIterator<Item = u64>) {
    let times: Vec<u64> = times.into_iter().collect();
    assert!(
        times.windows(2).all(|w| w[0] >= w[1]),
        "not newest first: {times:?}"
    );
}

// ---------------------------------------------------------------------------------------
// users.*

async fn users_methods(env: &Env) {
    let api = &env.api;
    let me = api.users().get_info().send().await.unwrap();
    assert_eq!(me.len(), 1);
    assert_eq!(me[0].uid, DEMO_UID);
    assert_eq!(
        (me[0].first_name.as_str(), me[0].last_name.as_str()),
        ("Дмитрий", "Демидов")
    );
    assert_eq!(me[0].friends_count, Some(250));
    assert!(me[0].app_installed && !me[0].is_community());

    let olga = api.users().get_info().uids(INBOX_UID).send().await.unwrap();
    assert_eq!(olga.len(), 1);
    let olga = &olga[0];
    assert_eq!(olga.uid, INBOX_UID);
    assert_eq!(
        (olga.first_name.as_str(), olga.last_name.as_str()),
        ("Ольга", "Смирнова")
    );
    assert_eq!((olga.nick.as_str(), olga.sex), ("olga.smirnova", Some(1)));
    assert_eq!(
        olga.link.as_deref(),
        Some("https://my.mail.ru/inbox/olga.smirnova/")
    );
    assert!(olga.location.is_some(), "the location is typed");
    assert!(
        olga.extra.is_empty(),
        "every field the emulator sends is modelled: {:?}",
        olga.extra
    );

    let several = api
        .users()
        .get_info()
        .uids([DEMO_UID, INBOX_UID, BIG_COMMUNITY_UID])
        .send()
        .await
        .unwrap();
    let uids: Vec<u64> = several.iter().map(|u| u.uid).collect();
    assert_eq!(uids, vec![DEMO_UID, INBOX_UID, BIG_COMMUNITY_UID]);
    let big = &several[2];
    assert!(big.is_community());
    assert_eq!(big.first_name, "Разработчики Mail.Ru");
    assert_eq!(big.group_info.as_ref().unwrap().posts_cnt, Some(1200));

    assert!(api.users().is_app_user().send().await.unwrap().is_app_user);
    let me_explicit = api
        .users()
        .is_app_user()
        .uid(DEMO_UID)
        .send()
        .await
        .unwrap();
    assert!(me_explicit.is_app_user);

    let stream = api
        .users()
        .has_app_permission("stream")
        .send()
        .await
        .unwrap();
    assert!(stream.is_granted("stream") && stream.granted());
    assert_eq!(stream.extra.len(), 1);
    let olga_widget = api
        .users()
        .has_app_permission("widget")
        .uid(INBOX_UID)
        .send()
        .await
        .unwrap();
    assert!(!olga_widget.is_granted("widget"));
    let err = api
        .users()
        .has_app_permission("bogus")
        .send()
        .await
        .unwrap_err();
    assert_eq!(api_error(err), (100, ApiErrorKind::InvalidParameter));

    let balance = api.users().get_balance().send().await.unwrap();
    let n = balance["balance"]
        .as_u64()
        .unwrap_or_else(|| panic!("{balance}"));
    assert_eq!(n, 53, "the seeded balance");
    let same = api
        .users()
        .get_balance()
        .uid(DEMO_UID)
        .send()
        .await
        .unwrap();
    assert_eq!(same, balance);
}

// ---------------------------------------------------------------------------------------
// friends.*

async fn friends_methods(env: &Env) {
    let api = &env.api;
    // 250 friends, 100 per page (the emulator's page cap).
    let mut all = Vec::new();
    for (offset, expected) in [(0u32, 100), (100, 100), (200, 50), (250, 0)] {
        let page = api.friends().get().offset(offset).send().await.unwrap();
        assert_eq!(page.len(), expected, "offset {offset}");
        all.extend(page.iter().map(|f| f.0));
    }
    let distinct: BTreeSet<u64> = all.iter().copied().collect();
    assert_eq!(distinct.len(), 250);
    assert!(!distinct.contains(&DEMO_UID));
    assert!(
        distinct.contains(&INBOX_UID),
        "the named accounts are friends of the demo user"
    );

    let first = api.friends().get().send().await.unwrap();
    assert_eq!(first.len(), 100);
    assert_eq!(first.iter().map(|f| f.0).collect::<Vec<_>>(), all[..100]);
    let explicit_zero = api.friends().get().ext(Uids).send().await.unwrap();
    assert_eq!(explicit_zero, first);

    let ext = api
        .friends()
        .get()
        .ext(Profiles)
        .offset(200u32)
        .send()
        .await
        .unwrap();
    assert_eq!(ext.len(), 50);
    assert_eq!(ext.iter().map(|u| u.uid).collect::<Vec<_>>(), all[200..]);
    for user in &ext {
        assert!(user.is_friend && !user.first_name.is_empty());
    }

    // Every third friend uses the demo app.
    let app_users = api.friends().get_app_users().send().await.unwrap();
    assert_eq!(app_users.len(), 84);
    let app_uids: BTreeSet<u64> = app_users.iter().map(|f| f.0).collect();
    assert!(app_uids.is_subset(&distinct));
    let ext = api
        .friends()
        .get_app_users()
        .ext(Profiles)
        .send()
        .await
        .unwrap();
    assert_eq!(ext.iter().map(|u| u.uid).collect::<BTreeSet<_>>(), app_uids);
    assert!(ext.iter().all(|u| u.app_installed));
    let page = api
        .friends()
        .get_app_users()
        .offset(80u32)
        .uid(DEMO_UID)
        .send()
        .await
        .unwrap();
    assert_eq!(page.len(), 4);

    let with_app = *app_uids.iter().next().unwrap();
    let without_app = *distinct.difference(&app_uids).next().unwrap();
    assert!(
        api.users()
            .is_app_user()
            .uid(with_app)
            .send()
            .await
            .unwrap()
            .is_app_user
    );
    assert!(
        !api.users()
            .is_app_user()
            .uid(without_app)
            .send()
            .await
            .unwrap()
            .is_app_user
    );

    let theirs = api
        .friends()
        .get_app_users()
        .uid(with_app)
        .ext(Profiles)
        .send()
        .await
        .unwrap();
    assert_eq!(theirs.len(), 5, "{with_app}'s friends who use the app");
    assert!(theirs.iter().all(|u| u.app_installed));

    let online = api
        .friends()
        .get_online()
        .ext(Profiles)
        .send()
        .await
        .unwrap();
    assert_eq!(online.len(), 70, "the seeded friends online");
    assert!(online.iter().all(|u| u.is_online));
    let online_ids: Vec<Uid> = api.friends().get_online().send().await.unwrap();
    assert_eq!(
        online_ids.iter().map(|f| f.0).collect::<Vec<_>>(),
        online.iter().map(|u| u.uid).collect::<Vec<_>>()
    );
    assert!(online_ids.iter().all(|f| distinct.contains(&f.0)));

    let invitations = api
        .friends()
        .get_invitations_count(DEMO_UID)
        .send()
        .await
        .unwrap();
    assert_eq!(invitations.count, 5);
    let olga = api
        .friends()
        .get_invitations_count(INBOX_UID)
        .send()
        .await
        .unwrap();
    assert_eq!(olga.count, 5);
    let err = api
        .friends()
        .get_invitations_count(1u64)
        .send()
        .await
        .unwrap_err();
    assert_eq!(api_error(err).1, ApiErrorKind::InvalidParameter);
}

// ---------------------------------------------------------------------------------------
// stream.* reads

async fn stream_reads(env: &Env) {
    let api = &env.api;
    let feed = api.stream().get().send().await.unwrap();
    assert_eq!(feed.len(), 10, "default limit");
    let friends: BTreeSet<u64> = api
        .friends()
        .get()
        .ext(Uids)
        .send()
        .await
        .unwrap()
        .iter()
        .map(|f| f.0)
        .collect();
    let page = api.stream().get().limit(100u32).send().await.unwrap();
    assert_eq!(page.len(), 100);
    assert_eq!(page[..10], feed[..]);
    assert_newest_first(page.iter().map(|i| i.time().unwrap()));
    for item in &page {
        let e = item.as_event().expect("seeded items are events");
        assert_eq!(e.subtype, "event");
        assert!(!e.thread_id.is_empty() && !e.type_code.is_empty());
        assert_ne!(e.author().unwrap().uid, DEMO_UID);
    }
    let next = api
        .stream()
        .get()
        .skip(page[99].id())
        .limit(100u32)
        .send()
        .await
        .unwrap();
    assert_eq!(next.len(), 100);
    assert!(next[0].time() <= page[99].time());
    let ids: BTreeSet<&str> = page.iter().chain(&next).map(StreamItem::id).collect();
    assert_eq!(ids.len(), 200, "the cursor is exclusive");
    // Friends' events use every attachment kind the emulator generates.
    let kinds: BTreeSet<&str> = page
        .iter()
        .chain(&next)
        .filter_map(StreamItem::as_event)
        .flat_map(|e| e.attachments.iter().map(Attachment::kind))
        .collect();
    assert!(
        kinds.is_superset(&BTreeSet::from(["image", "music", "link", "tag"])),
        "{kinds:?}"
    );
    assert!(
        page.iter()
            .filter_map(StreamItem::as_event)
            .any(|e| friends.contains(&e.author().unwrap().uid))
    );

    // The big community: 1,200 events through the skip cursor, 100 at a time.
    let mut ids = BTreeSet::new();
    let mut skip: Option<String> = None;
    let mut pages = 0;
    loop {
        let mut call = api
            .stream()
            .get_by_author()
            .uid(BIG_COMMUNITY_UID)
            .limit(100u32);
        if let Some(s) = &skip {
            call = call.skip(s.as_str());
        }
        let page = call.send().await.unwrap();
        if page.is_empty() {
            break;
        }
        pages += 1;
        assert_newest_first(page.iter().map(|i| i.time().unwrap()));
        for item in &page {
            let e = item.as_event().unwrap();
            assert_eq!(e.author().unwrap().uid, BIG_COMMUNITY_UID);
            assert!(e.type_name.starts_with("community_"), "{}", e.type_name);
            assert!(ids.insert(e.id.clone()), "duplicate {}", e.id);
        }
        skip = Some(page.last().unwrap().id().to_owned());
    }
    assert_eq!((ids.len(), pages), (1200, 12));

    let default = api
        .stream()
        .get_by_author()
        .uid(BIG_COMMUNITY_UID)
        .send()
        .await
        .unwrap();
    assert_eq!(default.len(), 10);
    let err = api
        .stream()
        .get_by_author()
        .uid(CLOSED_COMMUNITY_UID)
        .send()
        .await
        .unwrap_err();
    assert_eq!(api_error(err), (202, ApiErrorKind::AccessDenied));
    let err = api
        .stream()
        .get_by_author()
        .skip("nope")
        .send()
        .await
        .unwrap_err();
    assert_eq!(api_error(err).1, ApiErrorKind::InvalidParameter);
}

// ---------------------------------------------------------------------------------------
// stream.* writes

async fn stream_writes(env: &Env) {
    let api = &env.api;
    let before = api.stream().get_by_author().send().await.unwrap();

    let posted = api
        .stream()
        .post()
        .title("Заголовок")
        .text("Привет из Rust")
        .user_text("от пользователя")
        .img_url("https://example.org/cat.jpg")
        .link1_text("Сайт")
        .link1_href("https://example.org/")
        .send()
        .await
        .unwrap();
    let post_id = new_id(&posted);

    let mine = api.stream().get_by_author().send().await.unwrap();
    assert_eq!(mine[0].id(), post_id);
    assert_eq!(mine[1..], before[..9]);
    let e = mine[0].as_event().unwrap();
    assert_eq!(
        (e.title.as_str(), e.text(), e.user_text.as_str()),
        ("Заголовок", "Привет из Rust".to_owned(), "от пользователя")
    );
    assert_eq!(e.author().unwrap().uid, DEMO_UID);
    assert_eq!(e.generator.as_ref().unwrap().app_id, Some(APP_ID));
    assert_eq!(e.action_links[0].href, "https://example.org/");
    assert!(
        e.attachments
            .iter()
            .any(|a| matches!(a, Attachment::Image(i) if i.src == "https://example.org/cat.jpg"))
    );
    assert!(e.attachments.iter().any(
        |a| matches!(a, Attachment::Link(l) if l.url == "https://example.org/" && l.text == "Сайт")
    ));
    assert!(e.is_commentable && e.is_likeable && !e.is_liked_by_me);
    let thread_id = e.thread_id.clone();

    let only_app = api
        .stream()
        .get_by_author()
        .uid(DEMO_UID)
        .filter_app(APP_ID)
        .limit(1u32)
        .send()
        .await
        .unwrap();
    assert_eq!(only_app[0].id(), post_id);
    let older = api
        .stream()
        .get_by_author()
        .skip(post_id.as_str())
        .limit(1u32)
        .send()
        .await
        .unwrap();
    assert_eq!(older[0], before[0]);

    let shared = api
        .stream()
        .share("https://example.org/article")
        .title("Статья")
        .description("Описание")
        .user_text("Почитайте")
        .send()
        .await
        .unwrap();
    let share_id = new_id(&shared);
    let mine = api
        .stream()
        .get_by_author()
        .limit(2u32)
        .send()
        .await
        .unwrap();
    assert_eq!(
        (mine[0].id(), mine[1].id()),
        (share_id.as_str(), post_id.as_str())
    );
    let e = mine[0].as_event().unwrap();
    assert_eq!(
        (e.type_name.as_str(), e.title.as_str(), e.text()),
        ("share", "Статья", "Описание".to_owned())
    );
    assert!(
        e.attachments
            .iter()
            .any(|a| matches!(a, Attachment::Link(l) if l.url == "https://example.org/article"))
    );

    // Likes show on the event, for the caller.
    let find = |items: &[StreamItem], id: &str| {
        items
            .iter()
            .find(|i| i.id() == id)
            .and_then(StreamItem::as_event)
            .cloned()
            .unwrap()
    };
    assert_eq!(
        api.stream().like(thread_id.as_str()).send().await.unwrap(),
        json!(1)
    );
    let mine = api.stream().get_by_author().send().await.unwrap();
    let e = find(&mine, &post_id);
    assert!(e.is_liked_by_me);
    assert_eq!(e.likes_count, 1);
    assert_eq!(
        api.stream()
            .unlike(thread_id.as_str())
            .send()
            .await
            .unwrap(),
        json!(1)
    );
    let e = find(
        &api.stream().get_by_author().send().await.unwrap(),
        &post_id,
    );
    assert!(!e.is_liked_by_me);
    assert_eq!(e.likes_count, 0);

    // A comment is a new item of the commenter's stream: the comment wrapper.
    let commented = api
        .stream()
        .comment(thread_id.as_str(), "Отличный пост")
        .send()
        .await
        .unwrap();
    let comment_id = new_id(&commented);
    let mine = api.stream().get_by_author().send().await.unwrap();
    match &mine[0] {
        StreamItem::Comment(c) => {
            assert_eq!(c.subtype, "comment");
            let body = c.comment.as_ref().unwrap();
            assert_eq!(
                (body.id.as_str(), body.text.as_str()),
                (comment_id.as_str(), "Отличный пост")
            );
            assert_eq!(body.author.as_ref().unwrap().uid, DEMO_UID);
            assert!(
                matches!(&body.text_media[..], [Attachment::Text(t)] if t.content == "Отличный пост")
            );
            let sub = c.subevent.as_ref().unwrap();
            assert_eq!((sub.id.as_str(), sub.comments_count), (post_id.as_str(), 1));
        }
        other => panic!("expected a comment wrapper: {other:?}"),
    }
    assert_eq!(find(&mine, &post_id).comments_count, 1);

    // A friend's event can be liked too.
    let feed = api.stream().get().limit(1u32).send().await.unwrap();
    let theirs = feed[0].as_event().unwrap();
    api.stream()
        .like(theirs.thread_id.as_str())
        .send()
        .await
        .unwrap();
    let again = api.stream().get().limit(1u32).send().await.unwrap();
    let liked = again[0].as_event().unwrap();
    assert!(liked.is_liked_by_me);
    assert_eq!(liked.likes_count, theirs.likes_count + 1);

    let err = api.stream().like("0000").send().await.unwrap_err();
    assert_eq!(api_error(err).1, ApiErrorKind::InvalidParameter);
    let err = api.stream().post().send().await.unwrap_err();
    assert_eq!(err.missing_parameter(), Some("text"), "{err}");
}

// ---------------------------------------------------------------------------------------
// guestbook.*

async fn guestbook_methods(env: &Env) {
    let api = &env.api;
    let posts = api.guestbook().get().send().await.unwrap();
    assert_eq!(posts.len(), 10, "default limit");
    assert_eq!(posts[0].text, "Запись в гостевой №15");
    assert_newest_first(posts.iter().map(|p| p.time));
    assert!(
        posts
            .iter()
            .all(|p| p.writer().is_some() && p.type_code == "3-7")
    );
    let rest = api.guestbook().get().offset(10u32).send().await.unwrap();
    assert_eq!(rest.len(), 5);
    assert_eq!(rest[4].text, "Запись в гостевой №1");
    let all = api
        .guestbook()
        .get()
        .uid(DEMO_UID)
        .limit(100u32)
        .send()
        .await
        .unwrap();
    assert_eq!(all.len(), 15);

    let answer = api
        .guestbook()
        .post(INBOX_UID, "Привет, Ольга!")
        .title("Открытка")
        .user_text("От Дмитрия")
        .img_file(jpeg(2_000))
        .send()
        .await
        .unwrap();
    let id = new_id(&answer);
    let hers = api.guestbook().get().uid(INBOX_UID).send().await.unwrap();
    let p = &hers[0];
    assert_eq!(p.id, id);
    assert_eq!(p.writer().unwrap().uid, DEMO_UID);
    assert_eq!(
        (p.title.as_str(), p.text.as_str()),
        ("Открытка", "От Дмитрия\nПривет, Ольга!")
    );
    assert!(
        p.text_media
            .iter()
            .any(|a| matches!(a, Attachment::Image(i) if i.src.ends_with(".jpg")))
    );

    let answer = api
        .guestbook()
        .post(INBOX_UID, "Вторая запись")
        .img_url("https://example.org/card.png")
        .link1_text("Ссылка")
        .link1_href("https://example.org/")
        .link2_href("https://example.org/2")
        .send()
        .await
        .unwrap();
    let hers = api
        .guestbook()
        .get()
        .uid(INBOX_UID)
        .limit(1u32)
        .send()
        .await
        .unwrap();
    assert_eq!(hers[0].id, new_id(&answer));
    let links: Vec<(&str, &str)> = hers[0]
        .text_media
        .iter()
        .filter_map(|a| match a {
            Attachment::Link(l) => Some((l.text.as_str(), l.url.as_str())),
            _ => None,
        })
        .collect();
    assert_eq!(
        links,
        [
            ("Ссылка", "https://example.org/"),
            ("https://example.org/2", "https://example.org/2")
        ]
    );
    assert!(
        hers[0]
            .text_media
            .iter()
            .any(|a| matches!(a, Attachment::Image(i) if i.src == "https://example.org/card.png"))
    );

    let err = api
        .guestbook()
        .post(CLOSED_COMMUNITY_UID, "x")
        .send()
        .await
        .unwrap_err();
    assert_eq!(api_error(err).1, ApiErrorKind::AccessDenied);
    let mut not_an_image = jpeg(10);
    not_an_image.bytes = Bytes::from_static(b"plain text");
    let err = api
        .guestbook()
        .post(INBOX_UID, "x")
        .img_file(not_an_image)
        .send()
        .await
        .unwrap_err();
    assert_eq!(api_error(err), (501, ApiErrorKind::InvalidImage));
}

// ---------------------------------------------------------------------------------------
// photos.*

async fn photos_methods(env: &Env) {
    let api = &env.api;
    let albums = api.photos().get_albums().send().await.unwrap();
    assert_eq!(albums.len(), 3);
    assert_eq!(
        (albums[0].aid.as_str(), albums[0].title.as_str()),
        ("_myphoto", "Мои фотографии")
    );
    assert!(
        albums
            .iter()
            .all(|a| a.owner == DEMO_UID && a.size >= 1 && a.privacy == 2)
    );

    let one = api
        .photos()
        .get_albums()
        .aids(vec![albums[1].aid.clone()])
        .uid(DEMO_UID)
        .send()
        .await
        .unwrap();
    assert_eq!(one, albums[1..2]);

    let photos = api.photos().get("_myphoto").send().await.unwrap();
    assert_eq!(photos.len() as u64, albums[0].size);
    assert!(
        photos
            .iter()
            .all(|p| p.owner == DEMO_UID && p.aid == "_myphoto")
    );
    assert_eq!(albums[0].cover_pid.as_deref(), Some(photos[0].pid.as_str()));
    for p in &photos {
        assert_eq!(p.src_big.is_some(), p.width.max(p.height) > 480, "{p:?}");
    }
    let picked = api
        .photos()
        .get("_myphoto")
        .pids(vec![photos[0].pid.clone()])
        .send()
        .await
        .unwrap();
    assert_eq!(picked, photos[..1]);
    let window = api
        .photos()
        .get("_myphoto")
        .offset(1u32)
        .limit(1u32)
        .send()
        .await
        .unwrap();
    assert_eq!(window, photos[1..photos.len().min(2)]);

    let hers = api
        .photos()
        .get_albums()
        .uid(INBOX_UID)
        .send()
        .await
        .unwrap();
    assert_eq!(hers.len(), 3);
    assert!(hers.iter().all(|a| a.owner == INBOX_UID));

    // Create an album, upload into it, read both back.
    let created = api
        .photos()
        .create_album()
        .title("Отпуск")
        .description("Море")
        .privacy(3u32)
        .send()
        .await
        .unwrap();
    let aid = new_id(&created);
    let album = api
        .photos()
        .get_albums()
        .aids(vec![aid.clone()])
        .send()
        .await
        .unwrap();
    assert_eq!(album.len(), 1);
    assert_eq!(
        (album[0].title.as_str(), album[0].description.as_str()),
        ("Отпуск", "Море")
    );
    assert_eq!(
        (
            album[0].size,
            album[0].privacy,
            album[0].cover_pid.as_deref()
        ),
        (0, 3, None)
    );
    assert!(
        api.photos()
            .get(aid.as_str())
            .send()
            .await
            .unwrap()
            .is_empty()
    );

    let file = jpeg(1_234);
    assert_eq!(&file.bytes[..3], b"\xff\xd8\xff");
    let uploaded = api
        .photos()
        .upload()
        .aid(aid.as_str())
        .name("Закат")
        .description("Вечер")
        .tags("море,закат")
        .theme("nature")
        .img_file(file)
        .send()
        .await
        .unwrap();
    let pid = new_id(&uploaded);
    let in_album = api.photos().get(aid.as_str()).send().await.unwrap();
    assert_eq!(in_album.len(), 1);
    assert_eq!(
        (in_album[0].pid.as_str(), in_album[0].title.as_str()),
        (pid.as_str(), "Закат")
    );
    assert_eq!((in_album[0].size, in_album[0].owner), (1_234, DEMO_UID));
    let album = api
        .photos()
        .get_albums()
        .aids(vec![aid.clone()])
        .send()
        .await
        .unwrap();
    assert_eq!(
        (album[0].size, album[0].cover_pid.as_deref()),
        (1, Some(pid.as_str()))
    );

    // By URL, into the default album.
    let by_url = api
        .photos()
        .upload()
        .img_url("https://example.org/cat.jpg")
        .send()
        .await
        .unwrap();
    let pid = new_id(&by_url);
    let mine = api
        .photos()
        .get("_myphoto")
        .pids(vec![pid.clone()])
        .send()
        .await
        .unwrap();
    assert_eq!(mine[0].src, "https://example.org/cat.jpg");

    let mut gif_named_jpeg = jpeg(10);
    gif_named_jpeg.bytes = Bytes::from_static(b"<html>not an image</html>");
    let err = api
        .photos()
        .upload()
        .img_file(gif_named_jpeg)
        .send()
        .await
        .unwrap_err();
    assert_eq!(api_error(err), (501, ApiErrorKind::InvalidImage));
    let err = api.photos().get("no-such-album").send().await.unwrap_err();
    assert_eq!(api_error(err).1, ApiErrorKind::InvalidParameter);
}

// ---------------------------------------------------------------------------------------
// audio.*

async fn audio_methods(env: &Env) {
    let api = &env.api;
    let kino = api
        .audio()
        .search("кино")
        .limit(100u32)
        .send()
        .await
        .unwrap();
    assert_eq!(kino.len(), 100, "more matches than one capped page");
    assert!(
        kino.iter()
            .all(|t| t.author == "Кино" && t.name == "Группа крови"),
        "{kino:?}"
    );
    assert_eq!(
        kino[..3].iter().map(|t| t.duration).collect::<Vec<_>>(),
        [200, 204, 144],
        "the seeded durations"
    );
    assert!(
        kino.iter()
            .all(|t| (120..=360).contains(&t.duration) && !t.mid.is_empty())
    );
    let default = api.audio().search("Кино").send().await.unwrap();
    assert_eq!(default.len(), kino.len().min(10));
    assert_eq!(default[..], kino[..default.len()]);
    let shifted = api
        .audio()
        .search("Кино")
        .offset(1u32)
        .limit(1u32)
        .send()
        .await
        .unwrap();
    assert_eq!(shifted[..], kino[1..2.min(kino.len())]);

    let track = &kino[0];
    let owner = track.uploader.unwrap();
    let theirs = api.audio().get().uid(owner).send().await.unwrap();
    assert_eq!(theirs.len(), 6);
    assert!(theirs.iter().any(|t| t == track));
    assert!(theirs.iter().all(|t| t.uploader == Some(owner)));
    let picked = api
        .audio()
        .get()
        .uid(owner)
        .mids(vec![track.mid.clone()])
        .offset(0u32)
        .limit(10u32)
        .send()
        .await
        .unwrap();
    assert_eq!(picked, std::slice::from_ref(track));
    let mine = api.audio().get().send().await.unwrap();
    assert_eq!(mine.len(), 5);
    assert!(mine.iter().all(|t| t.uploader == Some(DEMO_UID)));

    let link = api.audio().link(track.mid.as_str()).send().await.unwrap();
    assert_eq!(
        link["link"],
        format!("https://music.my.mail.ru/file/{}.mp3", track.mid)
    );
    assert_eq!(track.file_url.as_deref(), link["link"].as_str());
    let err = api.audio().link("no-such-track").send().await.unwrap_err();
    assert_eq!(api_error(err).1, ApiErrorKind::InvalidParameter);
}

// ---------------------------------------------------------------------------------------
// messages.*

async fn messages_methods(env: &Env) {
    let api = &env.api;
    let threads = api
        .messages()
        .get_threads_list()
        .limit(100u32)
        .send()
        .await
        .unwrap();
    assert_eq!(threads.len(), 25, "the demo user talks with 25 friends");
    assert_newest_first(threads.iter().map(|t| t.time));
    let default = api.messages().get_threads_list().send().await.unwrap();
    assert_eq!(default[..], threads[..10]);
    let tail = api
        .messages()
        .get_threads_list()
        .offset(20u32)
        .send()
        .await
        .unwrap();
    assert_eq!(tail[..], threads[20..]);

    let unread = api
        .messages()
        .get_unread_count()
        .send()
        .await
        .unwrap()
        .count;
    let unread_threads = threads.iter().filter(|t| t.unread).count() as u64;
    assert_eq!(
        (unread, unread_threads),
        (14, 13),
        "one thread has two unread"
    );

    // Reading every conversation marks it read.
    let mut lengths = Vec::new();
    for t in &threads {
        let other = t.user.as_ref().unwrap().uid;
        let messages = api
            .messages()
            .get_thread(other)
            .limit(100u32)
            .send()
            .await
            .unwrap();
        assert_eq!(messages[0].time, t.time);
        assert_newest_first(messages.iter().map(|m| m.time));
        assert!(
            messages
                .iter()
                .all(|m| m.text().starts_with("Сообщение №") && m.kind <= 1)
        );
        lengths.push(messages.len());
    }
    assert_eq!(
        lengths,
        [
            5, 22, 17, 29, 5, 10, 6, 5, 18, 16, 26, 23, 9, 23, 12, 25, 10, 15, 15, 17, 17, 24, 15,
            26, 28
        ],
        "the seeded conversations, newest thread first"
    );
    assert_eq!(
        api.messages()
            .get_unread_count()
            .send()
            .await
            .unwrap()
            .count,
        0
    );

    let friend = threads[5].user.as_ref().unwrap().uid;
    let first_page = api.messages().get_thread(friend).send().await.unwrap();
    let answer = api
        .messages()
        .post(friend, "Привет из Rust")
        .send()
        .await
        .unwrap();
    assert_eq!(answer, json!(1));
    let newest = api
        .messages()
        .get_thread(friend)
        .limit(1u32)
        .send()
        .await
        .unwrap();
    assert_eq!(newest.len(), 1);
    assert_eq!(
        (newest[0].text(), newest[0].kind),
        ("Привет из Rust".to_owned(), 1)
    );
    assert_eq!(newest[0].message[0].content, "Привет из Rust");
    let older = api
        .messages()
        .get_thread(friend)
        .offset(1u32)
        .send()
        .await
        .unwrap();
    assert_eq!(older.len(), first_page.len().min(10));
    assert_eq!(older[0].time, first_page[0].time);
    let list = api
        .messages()
        .get_threads_list()
        .limit(1u32)
        .send()
        .await
        .unwrap();
    assert_eq!(list[0].user.as_ref().unwrap().uid, friend);
    assert_eq!(
        api.messages()
            .get_unread_count()
            .send()
            .await
            .unwrap()
            .count,
        0,
        "own messages are not unread"
    );

    let err = api
        .messages()
        .post(BIG_COMMUNITY_UID, "x")
        .send()
        .await
        .unwrap_err();
    assert_eq!(api_error(err).1, ApiErrorKind::InvalidParameter);
}

// ---------------------------------------------------------------------------------------
// mail.getUnreadCount, events.getNewCount, notifications.send

async fn counters_and_notifications(env: &Env) {
    let api = &env.api;
    let mail = api.mail().get_unread_count().send().await.unwrap();
    assert_eq!(mail.count, 69);
    assert!(mail.extra.is_empty());

    let mine = api.events().get_new_count().send().await.unwrap().count;
    let hers = api
        .events()
        .get_new_count()
        .uid(INBOX_UID)
        .send()
        .await
        .unwrap()
        .count;
    assert_eq!((mine, hers), (37, 36), "the seeded new-event counts");

    let sent = api
        .notifications()
        .send([DEMO_UID, INBOX_UID], "Новое событие в игре")
        .send()
        .await;
    match env.circuit {
        // Each notification counts as a new event of its recipient.
        Circuit::Server => {
            assert_eq!(sent.unwrap(), json!(1));
            assert_eq!(
                api.events().get_new_count().send().await.unwrap().count,
                mine + 1
            );
            let now = api
                .events()
                .get_new_count()
                .uid(INBOX_UID)
                .send()
                .await
                .unwrap();
            assert_eq!(now.count, hers + 1);
        }
        // notifications.send is server-server only.
        Circuit::Client => {
            assert_eq!(
                api_error(sent.unwrap_err()),
                (200, ApiErrorKind::PermissionDenied)
            );
            assert_eq!(
                api.events().get_new_count().send().await.unwrap().count,
                mine
            );
        }
    }
}

// ---------------------------------------------------------------------------------------
// What goes on the wire

/// The logged parameters of the newest request, as a map.
fn last_params(emu: &EmulatorHandle) -> (mailru_emulator::LoggedRequest, BTreeMap<String, String>) {
    let last = emu.requests().pop().expect("a request was logged");
    let map: BTreeMap<String, String> = last.params.iter().cloned().collect();
    assert_eq!(
        map.len(),
        last.params.len(),
        "no duplicate keys: {:?}",
        last.params
    );
    (last, map)
}

fn expected(env: &Env, method: &str, user: &[(&str, &str)]) -> BTreeMap<String, String> {
    let mut m: BTreeMap<String, String> = user
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    m.insert("method".to_owned(), method.to_owned());
    m.insert("app_id".to_owned(), APP_ID.to_string());
    m.insert("session_key".to_owned(), MASK.to_owned());
    if env.circuit == Circuit::Server {
        m.insert("secure".to_owned(), "1".to_owned());
    }
    m
}

/// The signature is there, 32 lowercase hex digits; the rest must equal `want`.
#[track_caller]
fn assert_params(mut got: BTreeMap<String, String>, want: BTreeMap<String, String>) {
    let sig = got.remove("sig").expect("sig is sent");
    assert!(
        sig.len() == 32 && sig.bytes().all(|b| b.is_ascii_hexdigit()),
        "{sig}"
    );
    assert_eq!(got, want);
}

async fn request_log_shows_exactly_the_users_params(env: &Env) {
    let (api, emu) = (&env.api, &env.emu);
    emu.clear_requests();
    let page = api
        .stream()
        .get_by_author()
        .uid(BIG_COMMUNITY_UID)
        .limit(5u32)
        .send()
        .await
        .unwrap();
    assert_eq!(page.len(), 5);
    assert_eq!(emu.requests().len(), 1);
    let (req, params) = last_params(emu);
    assert_eq!(
        (req.http_method.as_str(), req.method.as_deref(), req.status),
        ("GET", Some("stream.getByAuthor"), Some(200))
    );
    let uid = BIG_COMMUNITY_UID.to_string();
    assert_params(
        params,
        expected(env, "stream.getByAuthor", &[("uid", &uid), ("limit", "5")]),
    );

    // ext=false is a real value ("0"); unset optional parameters are not sent.
    api.friends().get().ext(Uids).send().await.unwrap();
    let (_, params) = last_params(emu);
    assert_params(params, expected(env, "friends.get", &[("ext", "0")]));
    api.friends().get().send().await.unwrap();
    let (_, params) = last_params(emu);
    assert_params(params, expected(env, "friends.get", &[]));

    // Write methods are POSTs with exactly their parameters.
    api.messages()
        .post(INBOX_UID, "Привет & пока")
        .send()
        .await
        .unwrap();
    let (req, params) = last_params(emu);
    assert_eq!(req.http_method, "POST");
    let inbox = INBOX_UID.to_string();
    assert_params(
        params,
        expected(
            env,
            "messages.post",
            &[("uid", &inbox), ("message", "Привет & пока")],
        ),
    );

    // A multipart upload: the file is a part of its own, not a parameter.
    api.photos()
        .upload()
        .name("x")
        .img_file(jpeg(100))
        .send()
        .await
        .unwrap();
    let (req, params) = last_params(emu);
    assert_eq!(
        (req.http_method.as_str(), req.files.as_slice()),
        ("POST", ["img_file".to_owned()].as_slice())
    );
    assert_params(params, expected(env, "photos.upload", &[("name", "x")]));

    // The namespaced call and the method value send the same thing.
    api.send(&friends::GetAppUsers::new().ext(Profiles).offset(3u32))
        .await
        .unwrap();
    let (_, params) = last_params(emu);
    assert_params(
        params,
        expected(env, "friends.getAppUsers", &[("ext", "1"), ("offset", "3")]),
    );
}

// ---------------------------------------------------------------------------------------
// Coverage: every typed method, under both circuits, on one emulator each.

/// The methods with a type: every method of the catalog that is not "doubtful".
fn catalog() -> BTreeSet<&'static str> {
    let set: BTreeSet<&str> = mailru_api::catalog()
        .iter()
        .filter(|m| m.evidence != Evidence::Doubtful)
        .map(|m| m.name)
        .collect();
    assert_eq!(set.len(), 31);
    set
}

async fn every_method(circuit: Circuit) {
    let env = env(circuit).await;
    // First: the counters it checks are the seeded ones, before any write of the others.
    counters_and_notifications(&env).await;
    users_methods(&env).await;
    friends_methods(&env).await;
    stream_reads(&env).await;
    stream_writes(&env).await;
    guestbook_methods(&env).await;
    photos_methods(&env).await;
    audio_methods(&env).await;
    messages_methods(&env).await;
    let log = env.emu.requests();
    let succeeded: BTreeSet<&str> = log
        .iter()
        .filter(|r| r.status == Some(200))
        .filter_map(|r| r.method.as_deref())
        .collect();
    let mut want = catalog();
    if circuit == Circuit::Client {
        want.remove(notifications::Send::INFO.name);
        assert!(log.iter().any(
            |r| r.method.as_deref() == Some(notifications::Send::INFO.name)
                && r.error_code == Some(200)
        ));
    }
    assert_eq!(succeeded, want);
    // Every request was signed for the circuit in use.
    for r in log.iter().filter(|r| r.path == "/platform/api") {
        assert_eq!(
            r.param("secure"),
            (circuit == Circuit::Server).then_some("1"),
            "{r:?}"
        );
        assert_ne!(r.error_code, Some(104), "bad signature: {r:?}");
    }
}

#[tokio::test]
async fn every_typed_method_succeeds_client_server() {
    every_method(Circuit::Client).await;
}

#[tokio::test]
async fn every_typed_method_succeeds_server_server() {
    every_method(Circuit::Server).await;
}
