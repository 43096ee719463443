//! Arbitrary bytes as the body of a REST answer: decoded into every model type with serde,
//! and through the client's own envelope path (a canned transport answers every request
//! of a real `Api` with the fuzz bytes).
//!
//! Properties: nothing panics; a typed `send` agrees with serde on the same body (when
//! the body is not an API error or an empty answer of a method that needs one); error
//! messages are bounded and hold no control characters; a walk over a platform that sends
//! the same page again and again ends.

#![no_main]

use std::fmt::Debug;
use std::sync::{Mutex, OnceLock, PoisonError};

use async_trait::async_trait;
use futures::StreamExt;
use libfuzzer_sys::fuzz_target;
use mailru_api::methods::{audio, friends, guestbook, messages, photos, stream, users};
use mailru_api::models::{Attachment, Comment, CommentWrapper, Event, LikeWrapper};
use mailru_api::{
    AccessToken, Api, Error, HttpRequest, HttpResponse, Method, Paginated, PrivateKey, RetryPolicy,
    Session, Transport,
};
use serde::de::DeserializeOwned;
use tokio::runtime::Runtime;

/// The answer every request gets: status and body.
static ANSWER: Mutex<(u16, bytes::Bytes)> = Mutex::new((200, bytes::Bytes::new()));

#[derive(Debug)]
struct Canned;

#[async_trait]
impl Transport for Canned {
    async fn send(&self, _request: HttpRequest) -> Result<HttpResponse, Error> {
        let (status, body) = ANSWER
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

fn answer(status: u16, body: &[u8]) {
    *ANSWER.lock().unwrap_or_else(PoisonError::into_inner) =
        (status, bytes::Bytes::copy_from_slice(body));
}

/// One runtime and one client for the whole run.
fn client() -> &'static (Runtime, Api) {
    static CLIENT: OnceLock<(Runtime, Api)> = OnceLock::new();
    CLIENT.get_or_init(|| {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .expect("a current-thread runtime builds");
        let session = Session::client(
            423004,
            PrivateKey::new("7815696ecbf1c96e6894b779456d330e"),
            AccessToken::new("be6ef89965d58e56dec21acb9b62bdaa"),
            1324730981306483817,
        );
        let api = Api::builder(session)
            .transport(Canned)
            .retry(RetryPolicy::none())
            .build()
            .expect("the default endpoints are https");
        (runtime, api)
    })
}

/// Display of an error: bounded, no control characters (the crate's promise).
fn check_display(error: &Error) {
    let shown = error.to_string();
    assert!(
        shown.len() <= 8 * 1024,
        "error message of {} bytes",
        shown.len()
    );
    assert!(
        !shown.chars().any(char::is_control),
        "control character in an error message: {shown:?}"
    );
    let _ = format!("{error:?}");
    let _ = (error.is_retryable(), error.api_code(), error.api_kind());
}

/// `send` of a typed method on `body` agrees with serde on the same bytes.
fn typed<M>(runtime: &Runtime, api: &Api, method: M, body: &[u8])
where
    M: Method,
    M::Output: PartialEq + Debug,
{
    let sent = runtime.block_on(api.send(&method));
    let direct = serde_json::from_slice::<M::Output>(body);
    match &sent {
        Ok(value) => match &direct {
            Ok(expected) => assert_eq!(value, expected, "{}", M::INFO.name),
            Err(e) => panic!("{}: send decoded what serde refuses ({e})", M::INFO.name),
        },
        Err(Error::Decode { .. }) => {
            assert!(
                direct.is_err(),
                "{}: send refused what serde decodes",
                M::INFO.name
            );
        }
        // The envelope's own verdicts: an error object, or an empty answer.
        Err(Error::Api { .. } | Error::EmptyResponse) => {}
        Err(other) => panic!("{}: unexpected error {other:?}", M::INFO.name),
    }
    if let Err(e) = &sent {
        check_display(e);
    }
}

/// A walk over a platform that answers every page with `body` ends (a repeated page, a
/// short page, an error); it may never loop.
fn walk<M: Paginated>(runtime: &Runtime, api: &Api, method: M) {
    let mut pages = api.paginate(method).page_size(2).pages();
    let ended = runtime.block_on(async {
        for _ in 0..8 {
            match pages.next().await {
                None => return true,
                Some(Err(e)) => check_display(&e),
                Some(Ok(_)) => {}
            }
        }
        false
    });
    assert!(ended, "a walk over one repeated answer did not end");
}

/// Decoding with serde alone: never panics; a decoded value serializes.
fn serde_only<T: DeserializeOwned + serde::Serialize>(body: &[u8]) {
    if let Ok(value) = serde_json::from_slice::<T>(body) {
        let _ = serde_json::to_vec(&value);
    }
}

fuzz_target!(|body: &[u8]| {
    // Items that no method returns alone (the typed calls below decode the rest, with
    // serde and through the client).
    serde_only::<Event>(body);
    serde_only::<LikeWrapper>(body);
    serde_only::<CommentWrapper>(body);
    serde_only::<Comment>(body);
    serde_only::<Attachment>(body);
    serde_only::<Vec<Attachment>>(body);
    if let Ok(text) = std::str::from_utf8(body) {
        let shown = mailru_api::sanitize(text);
        assert!(shown.chars().count() <= 301 && !shown.chars().any(char::is_control));
    }

    // The client's envelope path, on a 200.
    let (runtime, api) = client();
    answer(200, body);
    typed(runtime, api, users::GetInfo::new(), body);
    typed(runtime, api, users::IsAppUser::new(), body);
    typed(runtime, api, users::HasAppPermission::new("stream"), body);
    typed(runtime, api, users::GetBalance::new(), body);
    typed(runtime, api, stream::GetByAuthor::new(), body);
    typed(runtime, api, friends::Get::new(), body);
    typed(
        runtime,
        api,
        friends::Get::new().ext(friends::Profiles),
        body,
    );
    typed(runtime, api, friends::GetInvitationsCount::new(1u64), body);
    typed(runtime, api, photos::Get::new("_myphoto"), body);
    typed(runtime, api, photos::GetAlbums::new(), body);
    typed(runtime, api, guestbook::Get::new(), body);
    typed(runtime, api, messages::GetThreadsList::new(), body);
    typed(runtime, api, messages::GetThread::new(1u64), body);
    typed(runtime, api, audio::Get::new(), body);
    // Dynamic and raw calls.
    match runtime.block_on(api.call("friends.get", ())) {
        Ok(_) => {}
        Err(e) => check_display(&e),
    }
    if let Ok(raw) = runtime.block_on(api.call_raw("users.getInfo", ())) {
        assert_eq!(raw.status, 200);
        let _ = format!("{raw:?}");
    }
    // Pagers over a platform that repeats itself.
    walk(runtime, api, stream::GetByAuthor::new().uid(5u64));
    walk(runtime, api, friends::Get::new());
    walk(runtime, api, messages::GetThreadsList::new());

    // The same body behind an error status (a proxy page, a 5xx with an envelope).
    answer(502, body);
    match runtime.block_on(api.call("users.getInfo", ())) {
        Ok(v) => panic!("a 502 decoded as a result: {v}"),
        Err(e) => check_display(&e),
    }
});
