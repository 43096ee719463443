//! Write-then-read for every write method of the catalog: each write answers the shape of
//! decisions.md ("Methods and pagination": `1` for like, unlike, messages.post and
//! notifications.send, `{"id": ...}` for the others) and the matching read method shows
//! the change. Every test starts its own emulator, so the order of tests does not matter.

use crate::common;

use common::{Circuit, Env, Resp, sign};
use mailru_emulator::accounts::{
    APP_ID, BIG_COMMUNITY_UID, CLOSED_COMMUNITY_UID, DEMO_SESSION_KEY, DEMO_UID, INBOX_EMAIL,
    INBOX_PASSWORD, INBOX_UID,
};
use serde_json::{Value, json};

/// The first bytes of a PNG file.
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0";
/// The first bytes of a JPEG file.
const JPEG: &[u8] = b"\xff\xd8\xff\xe0\0\x10JFIF\0\x01\x01\0\0\x01\0\x01\0\0";

fn demo() -> String {
    DEMO_UID.to_string()
}

#[track_caller]
fn ok(r: &Resp) -> Value {
    r.ok()
}

#[track_caller]
fn assert_error(r: &Resp, code: u64) {
    r.assert_error(code);
}

/// The `"id"` string of a `{"id": ...}` answer.
#[track_caller]
fn new_id(v: &Value) -> String {
    let id = v["id"]
        .as_str()
        .unwrap_or_else(|| panic!("no string id: {v}"));
    assert!(!id.is_empty());
    id.to_owned()
}

fn items(v: &Value) -> &[Value] {
    v.as_array().unwrap_or_else(|| panic!("not an array: {v}"))
}

/// The newest events of `uid` as the demo session sees them.
async fn by_author(env: &Env, circuit: Circuit, uid: u64) -> Vec<Value> {
    let v = env
        .ok(
            circuit,
            "stream.getByAuthor",
            &[("uid", &uid.to_string()), ("limit", "100")],
        )
        .await;
    items(&v).to_vec()
}

/// The event with `id` among the newest events of `uid`.
async fn event(env: &Env, circuit: Circuit, uid: u64, id: &str) -> Value {
    by_author(env, circuit, uid)
        .await
        .into_iter()
        .find(|e| e["id"] == id)
        .unwrap_or_else(|| panic!("event {id} not in the stream of {uid}"))
}

/// The demo user's friends (first page), as uid strings.
async fn friends(env: &Env) -> Vec<String> {
    let v = env
        .ok(Circuit::Client, "friends.get", &[("limit", "100")])
        .await;
    items(&v)
        .iter()
        .map(|u| u.as_str().unwrap().to_owned())
        .collect()
}

/// Every friend of the demo user.
async fn all_friends(env: &Env) -> Vec<String> {
    let mut all = Vec::new();
    loop {
        let offset = all.len().to_string();
        let v = env
            .ok(
                Circuit::Client,
                "friends.get",
                &[("offset", &offset), ("limit", "100")],
            )
            .await;
        if items(&v).is_empty() {
            return all;
        }
        all.extend(items(&v).iter().map(|u| u.as_str().unwrap().to_owned()));
    }
}

/// A multipart POST of the demo session: `extra` signed, `files` not.
async fn upload(
    env: &Env,
    circuit: Circuit,
    method: &str,
    extra: &[(&str, &str)],
    files: &[(&str, &[u8])],
) -> Resp {
    let app = APP_ID.to_string();
    let mut params = vec![
        ("app_id", app.as_str()),
        ("method", method),
        ("session_key", DEMO_SESSION_KEY),
    ];
    params.extend_from_slice(extra);
    let signed = sign(&params, circuit, &demo());
    env.http
        .post_multipart(&env.url("/platform/api"), &signed, files)
        .await
}

/// A server-server POST without a session.
async fn sessionless_post(env: &Env, method: &str, extra: &[(&str, &str)]) -> Resp {
    let app = APP_ID.to_string();
    let mut params = vec![("app_id", app.as_str()), ("method", method)];
    params.extend_from_slice(extra);
    let signed = sign(&params, Circuit::Server, "");
    env.http
        .post_form(&env.url("/platform/api"), &signed, &[])
        .await
}

async fn new_count(env: &Env) -> u64 {
    env.ok(Circuit::Client, "events.getNewCount", &[]).await["count"]
        .as_u64()
        .unwrap()
}

// ---------------------------------------------------------------------------------------
// stream.*

#[tokio::test]
async fn stream_post_appears_first_in_the_authors_stream_on_both_circuits() {
    let env = Env::new().await;
    for circuit in [Circuit::Client, Circuit::Server] {
        let text = format!("Привет из теста, {circuit:?}");
        let r = env
            .post(
                circuit,
                "stream.post",
                &[
                    ("title", "Заголовок"),
                    ("text", &text),
                    ("user_text", "от меня"),
                    ("img_url", "https://example.org/pic.png"),
                    ("link1_text", "Играть"),
                    ("link1_href", "https://example.org/play"),
                ],
            )
            .await;
        let id = new_id(&ok(&r));
        let stream = by_author(&env, circuit, DEMO_UID).await;
        let first = &stream[0];
        assert_eq!(first["id"], id.as_str());
        assert_eq!(first["subtype"], "event");
        assert_eq!(first["title"], "Заголовок");
        assert_eq!(first["user_text"], "от меня");
        assert_eq!(first["text_media"][0]["content"], text.as_str());
        assert_eq!(first["authors"][0]["uid"], demo().as_str());
        assert_eq!(first["generator"]["app_id"], APP_ID);
        assert_eq!(first["likes_count"], 0);
        assert_eq!(first["comments_count"], 0);
        let attachments = items(&first["attachments"]);
        assert!(
            attachments
                .iter()
                .any(|a| a["object"] == "image" && a["src"] == "https://example.org/pic.png"),
            "{first}"
        );
        assert_eq!(
            first["action_links"],
            json!([{"text": "Играть", "href": "https://example.org/play"}])
        );
        // Newest first: the post is not older than what it is placed before.
        assert!(first["time"].as_u64() >= stream[1]["time"].as_u64());
        // stream.getByAuthor without uid is the caller's own stream.
        let own = env.ok(circuit, "stream.getByAuthor", &[]).await;
        assert_eq!(own[0]["id"], id.as_str());
    }
}

#[tokio::test]
async fn stream_post_via_get_works_and_without_any_text_is_error_100() {
    let env = Env::new().await;
    let v = env
        .ok(Circuit::Client, "stream.post", &[("text", "через GET")])
        .await;
    let id = new_id(&v);
    assert_eq!(
        by_author(&env, Circuit::Client, DEMO_UID).await[0]["id"],
        id.as_str()
    );
    let r = env
        .post(
            Circuit::Client,
            "stream.post",
            &[("img_url", "https://example.org/a.png")],
        )
        .await;
    assert_error(&r, 100);
    // Nothing was published by the failed call.
    assert_eq!(
        by_author(&env, Circuit::Client, DEMO_UID).await[0]["id"],
        id.as_str()
    );
}

#[tokio::test]
async fn stream_share_appears_first_and_needs_a_url() {
    let env = Env::new().await;
    let url = "https://example.org/articles/rust";
    for circuit in [Circuit::Client, Circuit::Server] {
        let r = env
            .post(
                circuit,
                "stream.share",
                &[
                    ("url", url),
                    ("title", "Статья про Rust"),
                    ("description", "Очень интересно"),
                ],
            )
            .await;
        let id = new_id(&ok(&r));
        let first = by_author(&env, circuit, DEMO_UID).await.remove(0);
        assert_eq!(first["id"], id.as_str());
        assert_eq!(first["type"], "5-26");
        assert_eq!(first["title"], "Статья про Rust");
        assert_eq!(first["text_media"][0]["content"], "Очень интересно");
        assert!(
            items(&first["attachments"])
                .iter()
                .any(|a| a["object"] == "link" && a["url"] == url),
            "{first}"
        );
    }
    for circuit in [Circuit::Client, Circuit::Server] {
        let r = env
            .post(circuit, "stream.share", &[("title", "без ссылки")])
            .await;
        assert_error(&r, 100);
        assert_eq!(
            r.json()["error"]["error_msg"],
            "parameter 'url' is necessary"
        );
    }
}

#[tokio::test]
async fn stream_comment_counts_on_the_event_and_wraps_it_in_the_own_stream() {
    let env = Env::new().await;
    let target = by_author(&env, Circuit::Client, BIG_COMMUNITY_UID)
        .await
        .remove(0);
    let (id, thread) = (
        target["id"].as_str().unwrap(),
        target["thread_id"].as_str().unwrap(),
    );
    let before = target["comments_count"].as_u64().unwrap();

    let r = env
        .post(
            Circuit::Client,
            "stream.comment",
            &[("thread_id", thread), ("text", "Первый комментарий")],
        )
        .await;
    let comment_id = new_id(&ok(&r));
    let after = event(&env, Circuit::Client, BIG_COMMUNITY_UID, id).await;
    assert_eq!(after["comments_count"].as_u64(), Some(before + 1));

    // The comment wrapper of spec §7.2 is the newest item of the commenter's stream.
    let wrapper = by_author(&env, Circuit::Client, DEMO_UID).await.remove(0);
    assert_eq!(wrapper["subtype"], "comment", "{wrapper}");
    assert_eq!(wrapper["subevent"]["id"], id);
    assert_eq!(
        wrapper["subevent"]["comments_count"].as_u64(),
        Some(before + 1)
    );
    assert_eq!(wrapper["comment"]["id"], comment_id.as_str());
    assert_eq!(wrapper["comment"]["text"], "Первый комментарий");
    assert_eq!(wrapper["comment"]["author"]["uid"], demo().as_str());
    assert_eq!(wrapper["comment"]["is_deleted"], 0);
    assert_eq!(wrapper["is_commentable"], 0);
    assert_eq!(wrapper["is_likeable"], 0);

    // A second comment on the server circuit counts as well.
    let r = env
        .post(
            Circuit::Server,
            "stream.comment",
            &[("thread_id", thread), ("text", "Второй")],
        )
        .await;
    let second = new_id(&ok(&r));
    assert_ne!(second, comment_id);
    let after = event(&env, Circuit::Server, BIG_COMMUNITY_UID, id).await;
    assert_eq!(after["comments_count"].as_u64(), Some(before + 2));
    let own = by_author(&env, Circuit::Server, DEMO_UID).await;
    assert_eq!(own[0]["comment"]["text"], "Второй");
    assert_eq!(own[1]["comment"]["text"], "Первый комментарий");
}

#[tokio::test]
async fn stream_comment_on_an_own_post_and_bad_parameters() {
    let env = Env::new().await;
    let id = new_id(
        &env.ok(Circuit::Client, "stream.post", &[("text", "обсудим?")])
            .await,
    );
    let post = event(&env, Circuit::Client, DEMO_UID, &id).await;
    assert_eq!(post["comments_count"], 0);
    let thread = post["thread_id"].as_str().unwrap();
    ok(&env
        .post(
            Circuit::Client,
            "stream.comment",
            &[("thread_id", thread), ("text", "да")],
        )
        .await);
    assert_eq!(
        event(&env, Circuit::Client, DEMO_UID, &id).await["comments_count"],
        1
    );

    assert_error(
        &env.post(Circuit::Client, "stream.comment", &[("thread_id", thread)])
            .await,
        100,
    );
    assert_error(
        &env.post(Circuit::Client, "stream.comment", &[("text", "куда?")])
            .await,
        100,
    );
    assert_error(
        &env.post(
            Circuit::Client,
            "stream.comment",
            &[("thread_id", "00112233"), ("text", "x")],
        )
        .await,
        100,
    );
    // An event id is not a thread id.
    assert_error(
        &env.post(
            Circuit::Client,
            "stream.comment",
            &[("thread_id", &id), ("text", "x")],
        )
        .await,
        100,
    );
}

#[tokio::test]
async fn stream_like_and_unlike_change_the_counts_and_answer_1() {
    let env = Env::new().await;
    let target = by_author(&env, Circuit::Client, BIG_COMMUNITY_UID)
        .await
        .remove(3);
    let (id, thread) = (
        target["id"].as_str().unwrap(),
        target["thread_id"].as_str().unwrap(),
    );
    let before = target["likes_count"].as_u64().unwrap();
    assert_eq!(target["is_liked_by_me"], 0);

    let v = ok(&env
        .post(Circuit::Client, "stream.like", &[("thread_id", thread)])
        .await);
    assert_eq!(v, json!(1));
    let liked = event(&env, Circuit::Client, BIG_COMMUNITY_UID, id).await;
    assert_eq!(liked["likes_count"].as_u64(), Some(before + 1));
    assert_eq!(liked["is_liked_by_me"], 1);

    // is_liked_by_me is about the viewer: another user sees the like count, not "mine".
    let (token, uid) = env.token(INBOX_EMAIL, INBOX_PASSWORD, "").await;
    let r = env
        .call_as(
            Circuit::Client,
            &token,
            &uid,
            "stream.getByAuthor",
            &[("uid", &BIG_COMMUNITY_UID.to_string()), ("limit", "10")],
        )
        .await;
    let seen = items(&ok(&r))
        .iter()
        .find(|e| e["id"] == id)
        .cloned()
        .unwrap();
    assert_eq!(seen["likes_count"].as_u64(), Some(before + 1));
    assert_eq!(seen["is_liked_by_me"], 0);

    let v = ok(&env
        .post(Circuit::Server, "stream.unlike", &[("thread_id", thread)])
        .await);
    assert_eq!(v, json!(1));
    let unliked = event(&env, Circuit::Client, BIG_COMMUNITY_UID, id).await;
    assert_eq!(unliked["likes_count"].as_u64(), Some(before));
    assert_eq!(unliked["is_liked_by_me"], 0);

    // Server circuit like, then client circuit unlike.
    assert_eq!(
        ok(&env
            .post(Circuit::Server, "stream.like", &[("thread_id", thread)])
            .await),
        json!(1)
    );
    assert_eq!(
        event(&env, Circuit::Server, BIG_COMMUNITY_UID, id).await["is_liked_by_me"],
        1
    );
    assert_eq!(
        ok(&env
            .post(Circuit::Client, "stream.unlike", &[("thread_id", thread)])
            .await),
        json!(1)
    );
    assert_eq!(
        event(&env, Circuit::Server, BIG_COMMUNITY_UID, id).await["likes_count"].as_u64(),
        Some(before)
    );

    assert_error(&env.post(Circuit::Client, "stream.like", &[]).await, 100);
}

// ---------------------------------------------------------------------------------------
// guestbook.post

#[tokio::test]
async fn guestbook_post_appears_first_in_the_guestbook() {
    let env = Env::new().await;
    let (friend, me) = (friends(&env).await.remove(0), demo());
    for (circuit, owner) in [
        (Circuit::Client, friend.as_str()),
        (Circuit::Server, me.as_str()),
    ] {
        let text = format!("Привет в гостевую ({circuit:?})");
        let r = env
            .post(
                circuit,
                "guestbook.post",
                &[
                    ("uid", owner),
                    ("title", "Заголовок"),
                    ("description", &text),
                ],
            )
            .await;
        let id = new_id(&ok(&r));
        let book = env.ok(circuit, "guestbook.get", &[("uid", owner)]).await;
        let first = &items(&book)[0];
        assert_eq!(first["id"], id.as_str());
        assert_eq!(first["text"], text.as_str());
        assert_eq!(first["title"], "Заголовок");
        assert_eq!(first["author"]["uid"], demo().as_str());
        assert_eq!(first["text_media"][0]["content"], text.as_str());
    }
}

#[tokio::test]
async fn guestbook_post_with_an_image_url() {
    let env = Env::new().await;
    let friend = friends(&env).await.remove(1);
    let src = "https://example.org/cat.jpg";
    let r = env
        .post(
            Circuit::Client,
            "guestbook.post",
            &[("uid", &friend), ("description", "котик"), ("img_url", src)],
        )
        .await;
    let id = new_id(&ok(&r));
    let first = env
        .ok(Circuit::Client, "guestbook.get", &[("uid", &friend)])
        .await[0]
        .clone();
    assert_eq!(first["id"], id.as_str());
    assert!(
        items(&first["text_media"])
            .iter()
            .any(|m| m["object"] == "image" && m["src"] == src),
        "{first}"
    );
}

#[tokio::test]
async fn guestbook_post_with_a_multipart_png_and_a_non_image_file() {
    let env = Env::new().await;
    let friend = friends(&env).await.remove(2);
    for circuit in [Circuit::Client, Circuit::Server] {
        let r = upload(
            &env,
            circuit,
            "guestbook.post",
            &[("uid", &friend), ("description", "картинка файлом")],
            &[("img_file", PNG)],
        )
        .await;
        let id = new_id(&ok(&r));
        let first = env.ok(circuit, "guestbook.get", &[("uid", &friend)]).await[0].clone();
        assert_eq!(first["id"], id.as_str());
        assert_eq!(first["text"], "картинка файлом");
        let image = items(&first["text_media"])
            .iter()
            .find(|m| m["object"] == "image")
            .unwrap_or_else(|| panic!("no image: {first}"))
            .clone();
        assert!(
            image["src"]
                .as_str()
                .is_some_and(|s| s.starts_with("https://")),
            "{image}"
        );
    }
    let before = env
        .ok(Circuit::Client, "guestbook.get", &[("uid", &friend)])
        .await;
    let r = upload(
        &env,
        Circuit::Client,
        "guestbook.post",
        &[("uid", &friend), ("description", "не картинка")],
        &[("img_file", b"just some text, not an image")],
    )
    .await;
    assert_error(&r, 501);
    // The rejected post was not stored.
    assert_eq!(
        env.ok(Circuit::Client, "guestbook.get", &[("uid", &friend)])
            .await,
        before
    );
}

#[tokio::test]
async fn guestbook_post_needs_uid_and_description() {
    let env = Env::new().await;
    assert_error(
        &env.post(
            Circuit::Client,
            "guestbook.post",
            &[("description", "кому?")],
        )
        .await,
        100,
    );
    assert_error(
        &env.post(Circuit::Client, "guestbook.post", &[("uid", &demo())])
            .await,
        100,
    );
    let r = env
        .post(
            Circuit::Client,
            "guestbook.post",
            &[
                ("uid", &demo()),
                ("description", "x"),
                ("img_url", "ftp://x/y"),
            ],
        )
        .await;
    assert_error(&r, 501);
}

// ---------------------------------------------------------------------------------------
// messages.post

#[tokio::test]
async fn messages_post_appears_newest_in_the_thread_with_type_1() {
    let env = Env::new().await;
    let threads = env
        .ok(Circuit::Client, "messages.getThreadsList", &[])
        .await;
    let other = threads[3]["user"]["uid"].as_str().unwrap().to_owned();
    let count = threads[3]["messages_count"].as_u64().unwrap();
    for (circuit, text) in [
        (Circuit::Client, "Привет по клиентской схеме"),
        (Circuit::Server, "И по серверной"),
    ] {
        let v = ok(&env
            .post(
                circuit,
                "messages.post",
                &[("uid", &other), ("message", text)],
            )
            .await);
        assert_eq!(v, json!(1));
        let thread = env
            .ok(circuit, "messages.getThread", &[("uid", &other)])
            .await;
        let newest = &thread[0];
        assert_eq!(newest["type"], 1, "{newest}");
        assert_eq!(newest["filtered_message"], text);
        assert_eq!(newest["message"][0]["content"], text);
        assert!(newest["time"].as_u64() >= thread[1]["time"].as_u64());
    }
    let all = env
        .ok(
            Circuit::Client,
            "messages.getThread",
            &[("uid", &other), ("limit", "100")],
        )
        .await;
    assert_eq!(items(&all).len() as u64, count + 2);
    // The conversation is now the newest one.
    let threads = env
        .ok(Circuit::Client, "messages.getThreadsList", &[])
        .await;
    assert_eq!(threads[0]["user"]["uid"], other.as_str());
    assert_eq!(threads[0]["last_message"], "И по серверной");
}

#[tokio::test]
async fn messages_post_starts_a_new_thread() {
    let env = Env::new().await;
    let other = friends(&env).await.remove(99);
    let before = env
        .ok(Circuit::Client, "messages.getThread", &[("uid", &other)])
        .await;
    assert_eq!(before, json!([]), "friend 99 has no seeded conversation");
    let v = ok(&env
        .post(
            Circuit::Client,
            "messages.post",
            &[("uid", &other), ("message", "Первое")],
        )
        .await);
    assert_eq!(v, json!(1));
    let thread = env
        .ok(Circuit::Client, "messages.getThread", &[("uid", &other)])
        .await;
    assert_eq!(items(&thread).len(), 1);
    assert_eq!(thread[0]["type"], 1);
    assert_eq!(thread[0]["filtered_message"], "Первое");
    let threads = env
        .ok(Circuit::Client, "messages.getThreadsList", &[])
        .await;
    assert_eq!(threads[0]["user"]["uid"], other.as_str());
    assert_eq!(threads[0]["messages_count"], 1);

    assert_error(
        &env.post(Circuit::Client, "messages.post", &[("uid", &other)])
            .await,
        100,
    );
    assert_error(
        &env.post(Circuit::Client, "messages.post", &[("message", "кому?")])
            .await,
        100,
    );
}

// ---------------------------------------------------------------------------------------
// photos.createAlbum, photos.upload

#[tokio::test]
async fn photos_create_album_then_upload_by_url_and_by_file() {
    let env = Env::new().await;
    let r = env
        .post(
            Circuit::Client,
            "photos.createAlbum",
            &[("title", "Отпуск"), ("description", "Море")],
        )
        .await;
    let aid = new_id(&ok(&r));
    let albums = env.ok(Circuit::Client, "photos.getAlbums", &[]).await;
    let album = items(&albums)
        .iter()
        .find(|a| a["aid"] == aid.as_str())
        .unwrap_or_else(|| panic!("album {aid} not in {albums}"))
        .clone();
    assert_eq!(album["title"], "Отпуск");
    assert_eq!(album["owner"], demo().as_str());
    assert_eq!(album["size"], 0);
    assert_eq!(
        env.ok(Circuit::Client, "photos.get", &[("aid", &aid)])
            .await,
        json!([])
    );

    // By URL, on the client circuit.
    let src = "https://example.org/sea.jpg";
    let r = env
        .post(
            Circuit::Client,
            "photos.upload",
            &[("aid", &aid), ("img_url", src), ("name", "Море")],
        )
        .await;
    let pid = new_id(&ok(&r));
    let photos = env
        .ok(Circuit::Client, "photos.get", &[("aid", &aid)])
        .await;
    assert_eq!(items(&photos).len(), 1);
    assert_eq!(
        photos[0]["pid"].as_u64().map(|p| p.to_string()),
        Some(pid.clone())
    );
    assert_eq!(photos[0]["src"], src);
    assert_eq!(photos[0]["aid"], aid.as_str());
    assert_eq!(photos[0]["owner"], demo().as_str());
    assert_eq!(photos[0]["title"], "Море");

    // By file (JPEG), multipart, on the server circuit.
    let r = upload(
        &env,
        Circuit::Server,
        "photos.upload",
        &[("aid", &aid)],
        &[("img_file", JPEG)],
    )
    .await;
    let pid2 = new_id(&ok(&r));
    assert_ne!(pid2, pid);
    let photos = env
        .ok(Circuit::Server, "photos.get", &[("aid", &aid)])
        .await;
    assert_eq!(items(&photos).len(), 2);
    let uploaded = items(&photos)
        .iter()
        .find(|p| p["pid"].as_u64().is_some_and(|p| p.to_string() == pid2))
        .unwrap_or_else(|| panic!("photo {pid2} not in {photos}"));
    assert_eq!(uploaded["size"], JPEG.len());
    assert!(uploaded["src"].as_str().unwrap().starts_with("https://"));

    let albums = env
        .ok(Circuit::Server, "photos.getAlbums", &[("aids", &aid)])
        .await;
    assert_eq!(items(&albums).len(), 1);
    assert_eq!(albums[0]["size"], 2);
}

#[tokio::test]
async fn photos_create_album_on_the_server_circuit_and_via_get() {
    let env = Env::new().await;
    let a = new_id(&ok(&env
        .post(
            Circuit::Server,
            "photos.createAlbum",
            &[("title", "Первый")],
        )
        .await));
    let b = new_id(
        &env.ok(
            Circuit::Client,
            "photos.createAlbum",
            &[("title", "Второй")],
        )
        .await,
    );
    assert_ne!(a, b);
    let albums = env
        .ok(Circuit::Client, "photos.getAlbums", &[("uid", &demo())])
        .await;
    let titles: Vec<(&str, &str)> = items(&albums)
        .iter()
        .map(|x| (x["aid"].as_str().unwrap(), x["title"].as_str().unwrap()))
        .collect();
    assert!(titles.contains(&(a.as_str(), "Первый")), "{titles:?}");
    assert!(titles.contains(&(b.as_str(), "Второй")), "{titles:?}");
    assert_error(
        &env.post(
            Circuit::Client,
            "photos.createAlbum",
            &[("description", "без названия")],
        )
        .await,
        100,
    );
}

#[tokio::test]
async fn photos_upload_without_an_image_is_error_100_and_a_non_image_is_501() {
    let env = Env::new().await;
    let aid = new_id(&ok(&env
        .post(
            Circuit::Client,
            "photos.createAlbum",
            &[("title", "Пустой")],
        )
        .await));
    for circuit in [Circuit::Client, Circuit::Server] {
        assert_error(
            &env.post(circuit, "photos.upload", &[("aid", &aid)]).await,
            100,
        );
        let r = upload(
            &env,
            circuit,
            "photos.upload",
            &[("aid", &aid)],
            &[("img_file", b"%PDF-1.4")],
        )
        .await;
        assert_error(&r, 501);
    }
    // An unknown album is error 100 too.
    let r = env
        .post(
            Circuit::Client,
            "photos.upload",
            &[
                ("aid", "no-such-album"),
                ("img_url", "https://example.org/a.jpg"),
            ],
        )
        .await;
    assert_error(&r, 100);
    assert_eq!(
        env.ok(Circuit::Client, "photos.get", &[("aid", &aid)])
            .await,
        json!([])
    );
}

// ---------------------------------------------------------------------------------------
// notifications.send

#[tokio::test]
async fn notifications_send_counts_as_a_new_event_of_the_recipients() {
    let env = Env::new().await;
    // A second recipient who reads the counter with a session of their own.
    let (token, inbox) = env.token(INBOX_EMAIL, INBOX_PASSWORD, "events").await;
    let inbox_count = async || {
        let r = env
            .call_as(Circuit::Client, &token, &inbox, "events.getNewCount", &[])
            .await;
        ok(&r)["count"].as_u64().unwrap()
    };
    let before = new_count(&env).await;
    let inbox_before = inbox_count().await;
    let uids = format!("{},{inbox}", demo());

    // Server-server with the demo session.
    let v = ok(&env
        .post(
            Circuit::Server,
            "notifications.send",
            &[("uids", &uids), ("text", "Новое событие")],
        )
        .await);
    assert_eq!(v, json!(1));
    assert_eq!(new_count(&env).await, before + 1);
    assert_eq!(inbox_count().await, inbox_before + 1);

    // Server-server without a session, the way a game server sends it.
    let v = ok(&sessionless_post(
        &env,
        "notifications.send",
        &[("uids", &demo()), ("text", "Ещё одно")],
    )
    .await);
    assert_eq!(v, json!(1));
    assert_eq!(new_count(&env).await, before + 2);
    assert_eq!(
        inbox_count().await,
        inbox_before + 1,
        "only the named recipients"
    );
}

#[tokio::test]
async fn notifications_send_on_the_client_circuit_is_error_200() {
    let env = Env::new().await;
    let before = new_count(&env).await;
    let r = env
        .post(
            Circuit::Client,
            "notifications.send",
            &[("uids", &demo()), ("text", "нельзя")],
        )
        .await;
    assert_error(&r, 200);
    let r = env
        .call(
            Circuit::Client,
            "notifications.send",
            &[("uids", &demo()), ("text", "нельзя")],
        )
        .await;
    assert_error(&r, 200);
    assert_eq!(new_count(&env).await, before);
    // Missing parameters on the right circuit are error 100.
    assert_error(
        &env.post(Circuit::Server, "notifications.send", &[("text", "кому?")])
            .await,
        100,
    );
    assert_error(
        &env.post(Circuit::Server, "notifications.send", &[("uids", &demo())])
            .await,
        100,
    );
    assert_eq!(new_count(&env).await, before);
}

// ---------------------------------------------------------------------------------------
// privileges

#[tokio::test]
async fn write_methods_need_their_privilege_and_change_nothing_without_it() {
    let env = Env::new().await;
    let target = by_author(&env, Circuit::Client, BIG_COMMUNITY_UID)
        .await
        .remove(0);
    let thread = target["thread_id"].as_str().unwrap();
    let me = demo();
    let (token, uid) = env.token(INBOX_EMAIL, INBOX_PASSWORD, "").await;
    let own_before = by_author(&env, Circuit::Client, INBOX_UID).await;
    let albums_before = env
        .ok(Circuit::Client, "photos.getAlbums", &[("uid", &uid)])
        .await;
    let book_before = env.ok(Circuit::Client, "guestbook.get", &[]).await;
    let calls: [(&str, Vec<(&str, &str)>); 9] = [
        ("stream.post", vec![("text", "x")]),
        ("stream.share", vec![("url", "https://example.org/")]),
        ("stream.comment", vec![("thread_id", thread), ("text", "x")]),
        ("stream.like", vec![("thread_id", thread)]),
        ("stream.unlike", vec![("thread_id", thread)]),
        ("guestbook.post", vec![("uid", &me), ("description", "x")]),
        ("photos.createAlbum", vec![("title", "x")]),
        (
            "photos.upload",
            vec![("img_url", "https://example.org/a.jpg")],
        ),
        ("messages.post", vec![("uid", &me), ("message", "x")]),
    ];
    for (method, params) in &calls {
        for circuit in [Circuit::Client, Circuit::Server] {
            let r = env.call_as(circuit, &token, &uid, method, params).await;
            assert_error(&r, 200);
        }
    }
    let after = event(
        &env,
        Circuit::Client,
        BIG_COMMUNITY_UID,
        target["id"].as_str().unwrap(),
    )
    .await;
    assert_eq!(after["likes_count"], target["likes_count"]);
    assert_eq!(after["comments_count"], target["comments_count"]);
    assert_eq!(
        by_author(&env, Circuit::Client, INBOX_UID).await,
        own_before
    );
    let albums = env
        .ok(Circuit::Client, "photos.getAlbums", &[("uid", &uid)])
        .await;
    assert_eq!(albums, albums_before);
    assert_eq!(
        env.ok(Circuit::Client, "guestbook.get", &[]).await,
        book_before
    );
    let thread = env
        .ok(Circuit::Client, "messages.getThread", &[("uid", &uid)])
        .await;
    assert!(items(&thread).iter().all(|m| m["filtered_message"] != "x"));

    // The same user with the "stream" privilege may post.
    let (token, uid) = env.token(INBOX_EMAIL, INBOX_PASSWORD, "stream").await;
    let r = env
        .call_as(
            Circuit::Client,
            &token,
            &uid,
            "stream.post",
            &[("text", "теперь можно")],
        )
        .await;
    let id = new_id(&ok(&r));
    let own = by_author(&env, Circuit::Client, INBOX_UID).await;
    assert_eq!(own[0]["id"], id.as_str());
    assert_eq!(own[0]["authors"][0]["uid"], uid.as_str());
}

// ---------------------------------------------------------------------------------------
// across users and visibility

#[tokio::test]
async fn a_friends_post_appears_first_in_the_demo_users_feed() {
    let env = Env::new().await;
    let all_friends = all_friends(&env).await;
    assert!(
        all_friends.contains(&INBOX_UID.to_string()),
        "the inbox.ru user is a friend of the demo user"
    );
    let (token, uid) = env.token(INBOX_EMAIL, INBOX_PASSWORD, "stream").await;
    let r = env
        .call_as(
            Circuit::Client,
            &token,
            &uid,
            "stream.post",
            &[("text", "Привет друзьям")],
        )
        .await;
    let id = new_id(&ok(&r));
    for circuit in [Circuit::Client, Circuit::Server] {
        let feed = env.ok(circuit, "stream.get", &[]).await;
        assert_eq!(feed[0]["id"], id.as_str(), "{}", feed[0]);
        assert_eq!(feed[0]["authors"][0]["uid"], uid.as_str());
        assert_eq!(feed[0]["text_media"][0]["content"], "Привет друзьям");
        // And with filter_app of the posting app.
        let app = APP_ID.to_string();
        let filtered = env.ok(circuit, "stream.get", &[("filter_app", &app)]).await;
        assert_eq!(filtered[0]["id"], id.as_str());
    }
    // The demo user likes it; the author sees the like.
    let thread = env.ok(Circuit::Client, "stream.get", &[]).await[0]["thread_id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        ok(&env
            .post(Circuit::Client, "stream.like", &[("thread_id", &thread)])
            .await),
        json!(1)
    );
    let r = env
        .call_as(Circuit::Client, &token, &uid, "stream.getByAuthor", &[])
        .await;
    let own = ok(&r);
    assert_eq!(own[0]["id"], id.as_str());
    assert_eq!(own[0]["likes_count"], 1);
    assert_eq!(own[0]["is_liked_by_me"], 0);
}

#[tokio::test]
async fn writes_on_a_closed_communitys_event_are_202_for_non_members() {
    let env = Env::new().await;
    let closed = CLOSED_COMMUNITY_UID.to_string();
    let (token, uid) = env.token(INBOX_EMAIL, INBOX_PASSWORD, "stream").await;
    let r = env
        .call_as(
            Circuit::Client,
            &token,
            &uid,
            "stream.getByAuthor",
            &[("uid", &closed)],
        )
        .await;
    let target = ok(&r)[0].clone();
    let thread = target["thread_id"].as_str().unwrap();
    for (method, params) in [
        (
            "stream.comment",
            vec![("thread_id", thread), ("text", "можно?")],
        ),
        ("stream.like", vec![("thread_id", thread)]),
        ("stream.unlike", vec![("thread_id", thread)]),
    ] {
        assert_error(&env.post(Circuit::Client, method, &params).await, 202);
    }
    assert_error(
        &env.post(
            Circuit::Client,
            "guestbook.post",
            &[("uid", &closed), ("description", "x")],
        )
        .await,
        202,
    );
    // A member may.
    let r = env
        .call_as(
            Circuit::Client,
            &token,
            &uid,
            "stream.like",
            &[("thread_id", thread)],
        )
        .await;
    assert_eq!(ok(&r), json!(1));
    let r = env
        .call_as(
            Circuit::Client,
            &token,
            &uid,
            "stream.getByAuthor",
            &[("uid", &closed)],
        )
        .await;
    let after = ok(&r)[0].clone();
    assert_eq!(after["id"], target["id"]);
    assert_eq!(
        after["likes_count"].as_u64(),
        target["likes_count"].as_u64().map(|n| n + 1)
    );
    assert_eq!(after["is_liked_by_me"], 1);
}
