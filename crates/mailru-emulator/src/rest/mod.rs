//! `/platform/api`: validation in the order of spec §11, then the method handlers.

mod content;
mod ctx;
pub(crate) mod error;
mod messages;
mod stream;
mod users;

use std::fmt::Write as _;
use std::sync::RwLock;
use std::time::Instant;

use mailru_sign::{Error as SignError, VerifyKey, verify};

use crate::http::FilePart;
use crate::json::StackText;
use crate::server::{read, write};
use crate::state::{State, now};
use crate::stubs::StubSet;
pub(crate) use ctx::ApiResult;
pub(crate) use ctx::param;
use ctx::{Ctx, Read, Write};
pub(crate) use error::ApiError;

/// How a method runs: reads share the state with other reads, writes have it alone.
#[derive(Clone, Copy)]
enum Handler {
    Read(fn(&Read<'_>) -> ApiResult),
    Write(fn(&mut Write<'_>) -> ApiResult),
}

/// One REST method of the catalog.
pub(crate) struct MethodSpec {
    pub name: &'static str,
    /// Privilege the session must have been granted (error 200).
    privilege: Option<&'static str>,
    /// Callable server-server without a session (decisions.md: public reads).
    sessionless: bool,
    /// Only the server-server circuit may call it (notifications.send).
    server_only: bool,
    handler: Handler,
}

/// A read method.
const fn r(name: &'static str, handler: fn(&Read<'_>) -> ApiResult) -> MethodSpec {
    spec(name, Handler::Read(handler))
}

/// A write method (it changes the state, so it runs under the exclusive lock).
const fn w(name: &'static str, handler: fn(&mut Write<'_>) -> ApiResult) -> MethodSpec {
    spec(name, Handler::Write(handler))
}

const fn spec(name: &'static str, handler: Handler) -> MethodSpec {
    MethodSpec {
        name,
        privilege: None,
        sessionless: false,
        server_only: false,
        handler,
    }
}

impl MethodSpec {
    const fn privilege(mut self, p: &'static str) -> Self {
        self.privilege = Some(p);
        self
    }
    const fn sessionless(mut self) -> Self {
        self.sessionless = true;
        self
    }
    const fn server_only(mut self) -> Self {
        self.server_only = true;
        self.sessionless = true;
        self
    }
    fn writes(&self) -> bool {
        matches!(self.handler, Handler::Write(_))
    }
}

/// Every method of `methods.json` whose confidence is not `doubtful`. Privileges marked
/// "inferred" in the catalog are enforced as inferred (decisions.md spirit: one place to change).
pub(crate) static METHODS: &[MethodSpec] = &[
    r("users.getInfo", users::get_info).sessionless(),
    r("users.isAppUser", users::is_app_user),
    r("users.hasAppPermission", users::has_app_permission),
    r("users.getBalance", users::get_balance),
    r("friends.get", users::friends_get),
    r("friends.getAppUsers", users::friends_get_app_users),
    r("friends.getOnline", users::friends_get_online),
    r(
        "friends.getInvitationsCount",
        users::friends_get_invitations_count,
    ),
    r("stream.get", stream::get),
    r("stream.getByAuthor", stream::get_by_author).sessionless(),
    w("stream.post", stream::post).privilege("stream"),
    w("stream.share", stream::share).privilege("stream"),
    w("stream.comment", stream::comment).privilege("stream"),
    w("stream.like", stream::like).privilege("stream"),
    w("stream.unlike", stream::unlike).privilege("stream"),
    r("guestbook.get", content::guestbook_get),
    w("guestbook.post", content::guestbook_post).privilege("guestbook"),
    r("photos.getAlbums", content::photos_get_albums).sessionless(),
    r("photos.get", content::photos_get).sessionless(),
    w("photos.createAlbum", content::photos_create_album).privilege("photos"),
    w("photos.upload", content::photos_upload).privilege("photos"),
    r("audio.get", content::audio_get),
    r("audio.link", content::audio_link),
    r("audio.search", content::audio_search),
    r("messages.getThreadsList", messages::threads_list).privilege("messages"),
    w("messages.getThread", messages::thread).privilege("messages"),
    r("messages.getUnreadCount", messages::unread_count).privilege("messages"),
    w("messages.post", messages::post).privilege("messages"),
    r("mail.getUnreadCount", messages::mail_unread_count),
    r("events.getNewCount", messages::events_new_count).privilege("events"),
    w("notifications.send", messages::notifications_send).server_only(),
];

pub(crate) fn lookup(name: &str) -> Option<&'static MethodSpec> {
    METHODS.iter().find(|m| m.name == name)
}

/// Handles one REST call on the shared state: write methods take the lock exclusively,
/// everything else (reads, and calls refused by the checks) shares it. A stub answers a
/// call that passed the checks instead of its handler.
pub(crate) fn call(
    state: &RwLock<State>,
    stubs: &StubSet,
    params: &[(String, String)],
    files: &[FilePart],
) -> ApiResult {
    let writes = param(params, "method")
        .and_then(lookup)
        .is_some_and(MethodSpec::writes);
    if writes {
        call_mut(&mut write(state), stubs, params, files)
    } else {
        let st = read(state);
        let checked = check(&st, params)?;
        if let Some(answer) = stubs.answer(checked.spec.name, params) {
            return answer;
        }
        match checked.spec.handler {
            Handler::Read(handler) => handler(&checked.ctx(&*st, params, files)),
            // The method was looked up above and does not write; it cannot change.
            Handler::Write(_) => Err(ApiError::code(1)),
        }
    }
}

/// Handles one REST call with the state to itself.
pub(crate) fn call_mut(
    state: &mut State,
    stubs: &StubSet,
    params: &[(String, String)],
    files: &[FilePart],
) -> ApiResult {
    let checked = check(state, params)?;
    if let Some(answer) = stubs.answer(checked.spec.name, params) {
        return answer;
    }
    match checked.spec.handler {
        Handler::Read(handler) => handler(&checked.ctx(&*state, params, files)),
        Handler::Write(handler) => handler(&mut checked.ctx(state, params, files)),
    }
}

/// A call that passed the checks.
struct Checked {
    spec: &'static MethodSpec,
    user: Option<u64>,
    app_id: u64,
}

impl Checked {
    fn ctx<'a, S>(
        &self,
        state: S,
        params: &'a [(String, String)],
        files: &'a [FilePart],
    ) -> Ctx<'a, S> {
        Ctx {
            state,
            params,
            files,
            user: self.user,
            app_id: self.app_id,
            now: now(),
        }
    }
}

/// Steps 1–7 of spec §11 (and the format): what every call goes through before a handler
/// sees it.
fn check(state: &State, params: &[(String, String)]) -> Result<Checked, ApiError> {
    let get = |name: &str| param(params, name);
    // 1. sig present.
    if get("sig").is_none() {
        return Err(ApiError::missing("sig"));
    }
    // 2. app known.
    let app_id_raw = get("app_id").ok_or_else(|| ApiError::missing("app_id"))?;
    let app = app_id_raw
        .parse::<u64>()
        .ok()
        .and_then(|id| state.world.apps.get(&id))
        .ok_or_else(|| ApiError::code(103))?;
    let app_id = app.id;
    // 3. signature. Client-server needs the session owner's uid before the check. Without
    // a session_key the `uid` parameter stands in (spec §2.1: uid when session_key is
    // absent); a session_key the platform does not know (never issued, or retired by a
    // refresh) cannot be attributed to anyone: 102, "the session key or uid is incorrect".
    let secure = get("secure") == Some("1");
    let session_key = get("session_key").filter(|s| !s.is_empty());
    let session = session_key.and_then(|k| state.tokens.sessions.get(k));
    let mut uid_for_sig = StackText::default();
    let key = if secure {
        // An app without a secret key cannot use the server-server circuit at all.
        let secret_key = app
            .secret_key
            .as_deref()
            .ok_or_else(|| ApiError::code(104))?;
        VerifyKey::ServerServer { secret_key }
    } else {
        // Writing into a `StackText` cannot fail.
        let _ = match (session_key, session, get("uid")) {
            (_, Some(s), _) => write!(uid_for_sig, "{}", s.uid),
            (None, None, Some(uid)) => uid_for_sig.write_str(uid),
            _ => return Err(ApiError::code(102)),
        };
        VerifyKey::ClientServer {
            uid: uid_for_sig.as_str(),
            private_key: &app.private_key,
        }
    };
    check_sig(params, key)?;
    // 4. method known.
    let method_name = get("method").ok_or_else(|| ApiError::missing("method"))?;
    let spec = lookup(method_name).ok_or_else(|| ApiError::code(2))?;
    // 5. session valid.
    let (user, scope) = match (session_key, session) {
        (Some(_), Some(s)) if s.app_id == app_id && s.is_live(Instant::now()) => {
            (Some(s.uid), Some(&s.scope))
        }
        (Some(_), _) => return Err(ApiError::code(102)),
        (None, _) if secure && spec.sessionless => (None, None),
        (None, _) => return Err(ApiError::code(102)),
    };
    // 6. app installed for the user.
    if let Some(uid) = user
        && !state.world.installs.contains_key(&(app_id, uid))
    {
        return Err(ApiError::code(105));
    }
    // 7. privileges. A server-only method called client-side is a permission error too.
    if spec.server_only && !secure {
        return Err(ApiError::code(200));
    }
    if let (Some(p), Some(scope)) = (spec.privilege, scope)
        && !scope.contains(p)
    {
        return Err(ApiError::code(200));
    }
    // 8–9. visibility and parameters: checked by the handler, which knows the objects.
    if get("format").is_some_and(|f| f != "json") {
        // XML answers are not emulated; say so instead of answering in the wrong format.
        return Err(ApiError::invalid());
    }
    Ok(Checked { spec, user, app_id })
}

fn check_sig(params: &[(String, String)], key: VerifyKey<'_>) -> Result<(), ApiError> {
    match verify(params, key) {
        Ok(()) => Ok(()),
        Err(SignError::DuplicateKey { key }) => Err(ApiError {
            code: 100,
            message: format!("parameter '{key}' is given more than once"),
        }),
        Err(_) => Err(ApiError::code(104)),
    }
}
