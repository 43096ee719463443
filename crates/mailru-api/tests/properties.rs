//! Stable mirror of the `envelope_decode` fuzz target: arbitrary bytes and arbitrary JSON
//! as the body of a REST answer, decoded with serde into every model and through the
//! client's own envelope path (a canned transport answers a real `Api`).
//!
//! Properties: nothing panics; a typed `send` agrees with serde on the same body (unless
//! the body is an API error, or an empty answer of a method that needs one); error
//! messages are bounded and hold no control characters; a walk over a platform that
//! repeats the same page ends.

use std::fmt::Debug;
use std::sync::{Arc, Mutex, PoisonError};

use async_trait::async_trait;
use bytes::Bytes;
use futures::StreamExt;
use mailru_api::methods::{
    audio, events, friends, guestbook, mail, messages, photos, stream, users,
};
use mailru_api::models::{
    Album, AppPermission, Attachment, Comment, CommentWrapper, Count, Event, GuestbookPost,
    IsAppUser, LikeWrapper, Message, Photo, StreamItem, Thread, Track, Uid, User,
};
use mailru_api::{
    AccessToken, Api, Error, HttpRequest, HttpResponse, Method, Paginated, PrivateKey, RetryPolicy,
    Session, Transport,
};
use proptest::collection::{hash_map, vec};
use proptest::prelude::*;
use proptest::sample::select;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use serde::de::DeserializeOwned;
use serde_json::{Map, Number, Value};
use tokio::runtime::Runtime;

const CASES: u32 = 256;

fn runner() -> TestRunner {
    TestRunner::new(Config {
        cases: CASES,
        failure_persistence: None,
        ..Config::default()
    })
}

// ---------------------------------------------------------------------------------------
// Inputs.

/// Field names of the models (and of the error envelope), so that generated objects reach
/// the lenient decoders and not only "unknown field" paths.
const KEYS: &[&str] = &[
    "uid",
    "first_name",
    "last_name",
    "nick",
    "sex",
    "age",
    "has_pic",
    "pic",
    "link",
    "is_online",
    "is_verified",
    "vip",
    "app_installed",
    "friends_count",
    "last_visit",
    "location",
    "group_info",
    "id",
    "subtype",
    "type",
    "type_name",
    "time",
    "huid",
    "thread_id",
    "user_text",
    "text_media",
    "attachments",
    "action_links",
    "authors",
    "author",
    "generator",
    "subevent",
    "comment",
    "is_commentable",
    "comments_count",
    "likes_count",
    "is_liked_by_me",
    "object",
    "content",
    "src",
    "width",
    "height",
    "pid",
    "aid",
    "owner",
    "created",
    "updated",
    "size",
    "privacy",
    "cover_pid",
    "title",
    "description",
    "unread",
    "user",
    "message",
    "filtered_message",
    "count",
    "isAppUser",
    "stream",
    "error",
    "error_code",
    "error_msg",
    "name",
    "duration",
    "mid",
    "text",
    "url",
    "new",
    "gift",
    "to",
    "from",
    "app_id",
    "is_deleted",
];

/// Values of the types the platform mixes up: numbers as strings, flags, nulls.
fn scalar() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<u64>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        (-1e20f64..1e20).prop_map(|f| Number::from_f64(f).map_or(Value::Null, Value::Number)),
        select(vec![
            "",
            "0",
            "1",
            "true",
            "-1",
            "event",
            "like",
            "comment",
            "text",
            "image",
            "link",
            "music",
            "video",
            "app",
            "group",
            "gift",
            "avatar",
            "tag",
            "5-24",
            "18446744073709551615",
            "18446744073709551616",
            "1.5",
            " 7",
        ])
        .prop_map(|s| Value::String(s.to_owned())),
        "\\PC{0,12}".prop_map(Value::String),
    ]
}

/// JSON shaped like the platform's answers: nested objects with model keys, arrays.
fn json() -> impl Strategy<Value = Value> {
    scalar().prop_recursive(4, 48, 6, |inner| {
        let key = prop_oneof![
            4 => select(KEYS.to_vec()).prop_map(str::to_owned),
            1 => "\\PC{0,6}",
        ];
        prop_oneof![
            vec(inner.clone(), 0..6).prop_map(Value::Array),
            hash_map(key, inner, 0..6).prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// A body: the JSON above (as an answer list or alone, sometimes cut short), or bytes.
fn body() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        3 => json().prop_map(|v| serde_json::to_vec(&v).unwrap_or_default()),
        2 => vec(json(), 0..4).prop_map(|v| serde_json::to_vec(&v).unwrap_or_default()),
        1 => (json(), any::<prop::sample::Index>()).prop_map(|(v, cut)| {
            let mut b = serde_json::to_vec(&v).unwrap_or_default();
            let at = cut.index(b.len() + 1);
            b.truncate(at);
            b
        }),
        1 => vec(any::<u8>(), 0..256),
        1 => (any::<i64>(), "\\PC{0,40}").prop_map(|(code, msg)| {
            serde_json::to_vec(&serde_json::json!({"error": {"error_code": code, "error_msg": msg}}))
                .unwrap_or_default()
        }),
    ]
}

// ---------------------------------------------------------------------------------------
// A client whose every request gets the same canned answer.

#[derive(Debug, Default)]
struct Canned(Mutex<(u16, Bytes)>);

#[async_trait]
impl Transport for Canned {
    async fn send(&self, _request: HttpRequest) -> Result<HttpResponse, Error> {
        let (status, body) = self
            .0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        Ok(HttpResponse {
            status,
            headers: Default::default(),
            body,
        })
    }
}

struct Client {
    runtime: Runtime,
    api: Api,
    canned: Arc<Canned>,
}

impl Client {
    fn new() -> Self {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .unwrap();
        let canned = Arc::new(Canned::default());
        let session = Session::client(
            423004,
            PrivateKey::new("7815696ecbf1c96e6894b779456d330e"),
            AccessToken::new("be6ef89965d58e56dec21acb9b62bdaa"),
            1324730981306483817,
        );
        let api = Api::builder(session)
            .transport(canned.clone())
            .retry(RetryPolicy::none())
            .build()
            .unwrap();
        Client {
            runtime,
            api,
            canned,
        }
    }

    fn answer(&self, status: u16, body: &[u8]) {
        *self.canned.0.lock().unwrap_or_else(PoisonError::into_inner) =
            (status, Bytes::copy_from_slice(body));
    }

    /// `send` agrees with serde on `body`.
    fn typed<M>(&self, method: M, body: &[u8]) -> Result<(), TestCaseError>
    where
        M: Method,
        M::Output: PartialEq + Debug,
    {
        let sent = self.runtime.block_on(self.api.send(&method));
        let direct = serde_json::from_slice::<M::Output>(body);
        let name = M::INFO.name;
        match &sent {
            Ok(value) => match &direct {
                Ok(expected) => prop_assert_eq!(value, expected, "{}", name),
                Err(e) => prop_assert!(false, "{name}: send decoded what serde refuses: {e}"),
            },
            Err(Error::Decode { .. }) => {
                prop_assert!(direct.is_err(), "{name}: send refused what serde decodes")
            }
            Err(Error::Api { .. } | Error::EmptyResponse) => {}
            Err(other) => prop_assert!(false, "{name}: unexpected error {other:?}"),
        }
        if let Err(e) = &sent {
            check_display(e)?;
        }
        Ok(())
    }

    /// A walk over a platform that answers every page alike ends.
    fn walk<M: Paginated>(&self, method: M) -> Result<(), TestCaseError> {
        let mut pages = self.api.paginate(method).page_size(2).pages();
        let ended = self.runtime.block_on(async {
            for _ in 0..8 {
                match pages.next().await {
                    None => return Ok(true),
                    Some(Err(e)) => check_display(&e)?,
                    Some(Ok(_)) => {}
                }
            }
            Ok::<_, TestCaseError>(false)
        })?;
        prop_assert!(ended, "a walk over one repeated answer did not end");
        Ok(())
    }
}

fn check_display(error: &Error) -> Result<(), TestCaseError> {
    let shown = error.to_string();
    prop_assert!(
        shown.len() <= 8 * 1024,
        "error message of {} bytes",
        shown.len()
    );
    prop_assert!(
        !shown.chars().any(char::is_control),
        "control character in an error message: {:?}",
        shown
    );
    let _ = (format!("{error:?}"), error.is_retryable(), error.api_kind());
    Ok(())
}

fn serde_only<T: DeserializeOwned + serde::Serialize>(body: &[u8]) {
    if let Ok(value) = serde_json::from_slice::<T>(body) {
        let _ = serde_json::to_vec(&value);
    }
}

fn every_model(body: &[u8]) {
    serde_only::<Vec<User>>(body);
    serde_only::<Vec<StreamItem>>(body);
    serde_only::<Vec<Uid>>(body);
    serde_only::<Vec<Photo>>(body);
    serde_only::<Vec<Album>>(body);
    serde_only::<Vec<GuestbookPost>>(body);
    serde_only::<Vec<Thread>>(body);
    serde_only::<Vec<Message>>(body);
    serde_only::<Vec<Track>>(body);
    serde_only::<Count>(body);
    serde_only::<IsAppUser>(body);
    serde_only::<AppPermission>(body);
    serde_only::<Event>(body);
    serde_only::<LikeWrapper>(body);
    serde_only::<CommentWrapper>(body);
    serde_only::<Comment>(body);
    serde_only::<Attachment>(body);
}

// ---------------------------------------------------------------------------------------
// Properties.

#[test]
fn every_model_decodes_arbitrary_bodies_without_panicking() {
    runner()
        .run(&body(), |body| {
            every_model(&body);
            Ok(())
        })
        .unwrap();
}

#[test]
fn items_of_every_list_decode_alone_without_panicking() {
    // Single items, where the lenient decoders of nested objects do their work.
    runner()
        .run(&json(), |item| {
            let one = serde_json::to_vec(&item).unwrap();
            let list = serde_json::to_vec(&[&item, &item]).unwrap();
            every_model(&one);
            every_model(&list);
            Ok(())
        })
        .unwrap();
}

#[test]
fn typed_methods_agree_with_serde_on_any_answer() {
    let c = Client::new();
    runner()
        .run(&body(), |body| {
            c.answer(200, &body);
            c.typed(users::GetInfo::new(), &body)?;
            c.typed(users::IsAppUser::new(), &body)?;
            c.typed(users::HasAppPermission::new("stream"), &body)?;
            c.typed(users::GetBalance::new(), &body)?;
            c.typed(stream::Get::new(), &body)?;
            c.typed(stream::GetByAuthor::new(), &body)?;
            c.typed(friends::Get::new(), &body)?;
            c.typed(friends::Get::new().ext(friends::Profiles), &body)?;
            c.typed(friends::GetInvitationsCount::new(1u64), &body)?;
            c.typed(photos::Get::new("_myphoto"), &body)?;
            c.typed(photos::GetAlbums::new(), &body)?;
            c.typed(guestbook::Get::new(), &body)?;
            c.typed(messages::GetThreadsList::new(), &body)?;
            c.typed(messages::GetThread::new(1u64), &body)?;
            c.typed(messages::GetUnreadCount::new(), &body)?;
            c.typed(mail::GetUnreadCount::new(), &body)?;
            c.typed(events::GetNewCount::new(), &body)?;
            c.typed(audio::Get::new(), &body)?;
            if let Err(e) = c.runtime.block_on(c.api.call("friends.get", ())) {
                check_display(&e)?;
            }
            let raw = c.runtime.block_on(c.api.call_raw("users.getInfo", ()));
            prop_assert_eq!(raw.map(|r| r.status).ok(), Some(200));
            Ok(())
        })
        .unwrap();
}

#[test]
fn an_error_status_is_never_a_result() {
    let c = Client::new();
    let status = select(vec![301u16, 400, 401, 404, 413, 500, 502, 503]);
    runner()
        .run(&(status, body()), |(status, body)| {
            c.answer(status, &body);
            match c.runtime.block_on(c.api.call("users.getInfo", ())) {
                Ok(v) => prop_assert!(false, "HTTP {status} decoded as a result: {v}"),
                Err(e) => {
                    prop_assert!(matches!(e, Error::Api { .. } | Error::Http { .. }), "{e:?}");
                    check_display(&e)?;
                }
            }
            Ok(())
        })
        .unwrap();
}

#[test]
fn walks_over_a_platform_that_repeats_itself_end() {
    let c = Client::new();
    let config = Config {
        cases: CASES / 2,
        failure_persistence: None,
        ..Config::default()
    };
    TestRunner::new(config)
        .run(&body(), |body| {
            c.answer(200, &body);
            c.walk(stream::GetByAuthor::new().uid(5u64))?;
            c.walk(friends::Get::new())?;
            c.walk(messages::GetThreadsList::new())?;
            c.walk(photos::Get::new("_myphoto"))
        })
        .unwrap();
}

#[test]
fn sanitized_text_is_bounded_and_has_no_control_characters() {
    let text = prop_oneof![
        any::<String>(),
        "(session_key|sig|access_token|\\PC{0,3})[=:\"' ]{0,3}\\PC{0,20}[\u{0}-\u{1f}\u{7f}-\u{9f}]{0,3}"
    ];
    runner()
        .run(&vec(text, 0..40), |parts| {
            let text = parts.concat();
            let shown = mailru_api::sanitize(&text);
            prop_assert!(shown.chars().count() <= 301);
            prop_assert!(!shown.chars().any(char::is_control));
            Ok(())
        })
        .unwrap();
}

#[test]
fn arbitrary_json_objects_decode_as_permissions_and_extra_fields() {
    // Types made of `extra` maps keep every field they do not know, as serde_json reads
    // it (floats are compared after the same parse: serde_json's is not exact).
    runner()
        .run(&hash_map("\\PC{0,8}", scalar(), 0..8), |fields| {
            let object: Map<String, Value> = fields.into_iter().collect();
            let body = serde_json::to_vec(&object).unwrap();
            let p: AppPermission = serde_json::from_slice(&body).unwrap();
            let read: Map<String, Value> = serde_json::from_slice(&body).unwrap();
            prop_assert_eq!(&p.extra, &read);
            Ok(())
        })
        .unwrap();
}
