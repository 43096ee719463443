//! `/platform/api`: validation in the order of spec §11, then the method handlers.

mod content;
mod ctx;
pub(crate) mod error;
mod messages;
mod stream;
mod users;

use std::time::Instant;

use mailru_sign::{Error as SignError, VerifyKey, verify};

use crate::http::FilePart;
use crate::state::{State, now};
pub(crate) use ctx::ApiResult;
use ctx::Ctx;
pub(crate) use error::ApiError;

/// One REST method of the catalog.
pub(crate) struct MethodSpec {
    pub name: &'static str,
    /// Privilege the session must have been granted (error 200).
    privilege: Option<&'static str>,
    /// Callable server-server without a session (decisions.md: public reads).
    sessionless: bool,
    /// Only the server-server circuit may call it (notifications.send).
    server_only: bool,
    handler: fn(&mut Ctx<'_>) -> ApiResult,
}

const fn m(name: &'static str, handler: fn(&mut Ctx<'_>) -> ApiResult) -> MethodSpec {
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
}

/// Every method of `methods.json` whose confidence is not `doubtful`. Privileges marked
/// "inferred" in the catalog are enforced as inferred (decisions.md spirit: one place to change).
pub(crate) static METHODS: &[MethodSpec] = &[
    m("users.getInfo", users::get_info).sessionless(),
    m("users.isAppUser", users::is_app_user),
    m("users.hasAppPermission", users::has_app_permission),
    m("users.getBalance", users::get_balance),
    m("friends.get", users::friends_get),
    m("friends.getAppUsers", users::friends_get_app_users),
    m("friends.getOnline", users::friends_get_online),
    m(
        "friends.getInvitationsCount",
        users::friends_get_invitations_count,
    ),
    m("stream.get", stream::get),
    m("stream.getByAuthor", stream::get_by_author).sessionless(),
    m("stream.post", stream::post).privilege("stream"),
    m("stream.share", stream::share).privilege("stream"),
    m("stream.comment", stream::comment).privilege("stream"),
    m("stream.like", stream::like).privilege("stream"),
    m("stream.unlike", stream::unlike).privilege("stream"),
    m("guestbook.get", content::guestbook_get),
    m("guestbook.post", content::guestbook_post).privilege("guestbook"),
    m("photos.getAlbums", content::photos_get_albums).sessionless(),
    m("photos.get", content::photos_get).sessionless(),
    m("photos.createAlbum", content::photos_create_album).privilege("photos"),
    m("photos.upload", content::photos_upload).privilege("photos"),
    m("audio.get", content::audio_get),
    m("audio.link", content::audio_link),
    m("audio.search", content::audio_search),
    m("messages.getThreadsList", messages::threads_list).privilege("messages"),
    m("messages.getThread", messages::thread).privilege("messages"),
    m("messages.getUnreadCount", messages::unread_count).privilege("messages"),
    m("messages.post", messages::post).privilege("messages"),
    m("mail.getUnreadCount", messages::mail_unread_count),
    m("events.getNewCount", messages::events_new_count).privilege("events"),
    m("notifications.send", messages::notifications_send).server_only(),
];

pub(crate) fn lookup(name: &str) -> Option<&'static MethodSpec> {
    METHODS.iter().find(|m| m.name == name)
}

/// Handles one REST call.
pub(crate) fn call(
    state: &mut State,
    params: &[(String, String)],
    files: &[FilePart],
) -> ApiResult {
    let get = |name: &str| {
        params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
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
    let uid_for_sig;
    let key = if secure {
        // An app without a secret key cannot use the server-server circuit at all.
        let secret_key = app
            .secret_key
            .as_deref()
            .ok_or_else(|| ApiError::code(104))?;
        VerifyKey::ServerServer { secret_key }
    } else {
        uid_for_sig = match (session_key, session, get("uid")) {
            (_, Some(s), _) => s.uid.to_string(),
            (None, None, Some(uid)) => uid.to_owned(),
            _ => return Err(ApiError::code(102)),
        };
        VerifyKey::ClientServer {
            uid: &uid_for_sig,
            private_key: &app.private_key,
        }
    };
    check(params, key)?;
    // 4. method known.
    let method_name = get("method").ok_or_else(|| ApiError::missing("method"))?;
    let spec = lookup(method_name).ok_or_else(|| ApiError::code(2))?;
    // 5. session valid.
    let live = Instant::now();
    let (user, scope) = match (session_key, session) {
        (Some(_), Some(s)) if s.app_id == app_id && s.is_live(live) => {
            (Some(s.uid), Some(s.scope.clone()))
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
    if let (Some(p), Some(scope)) = (spec.privilege, &scope)
        && !scope.contains(p)
    {
        return Err(ApiError::code(200));
    }
    // 8–9. visibility and parameters: checked by the handler, which knows the objects.
    if get("format").is_some_and(|f| f != "json") {
        // XML answers are not emulated; say so instead of answering in the wrong format.
        return Err(ApiError::invalid());
    }
    let now = now();
    let mut ctx = Ctx {
        state,
        params,
        files,
        user,
        app_id,
        now,
    };
    (spec.handler)(&mut ctx)
}

fn check(params: &[(String, String)], key: VerifyKey<'_>) -> Result<(), ApiError> {
    match verify(params, key) {
        Ok(()) => Ok(()),
        Err(SignError::DuplicateKey { key }) => Err(ApiError {
            code: 100,
            message: format!("parameter '{key}' is given more than once"),
        }),
        Err(_) => Err(ApiError::code(104)),
    }
}
