//! The renewing session against the in-process emulator: every call path renews, one
//! renewal is shared, a dropped caller loses nothing, a failing token endpoint is backed
//! off, and tokens that live a few seconds carry a whole paginated walk.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use futures::TryStreamExt;
use futures::future::join_all;
use mailru_api::methods::stream::GetByAuthor;
use mailru_api::{Circuit, Error, Pager, Password};
use mailru_auth::{App, AuthError, OAuth, RenewingSession, Token};
use mailru_emulator::accounts::*;
use mailru_emulator::{Emulator, EmulatorBuilder, EmulatorHandle, Fault, FaultKind, LoggedRequest};

fn app() -> App {
    App::new(APP_ID)
        .private_key(APP_PRIVATE_KEY)
        .secret_key(APP_SECRET_KEY)
}

async fn setup(builder: EmulatorBuilder) -> (EmulatorHandle, OAuth) {
    let emu = builder.seed(7).start().await.expect("the emulator starts");
    let oauth = OAuth::with_base_url(app(), emu.base_url()).expect("a valid URL");
    (emu, oauth)
}

async fn password_token(oauth: &OAuth) -> Token {
    oauth
        .password(DEMO_EMAIL, &Password::new(DEMO_PASSWORD), &["stream"])
        .await
        .expect("the password grant works")
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

fn is_refresh(r: &LoggedRequest) -> bool {
    r.path == "/oauth/token" && r.param("grant_type") == Some("refresh_token")
}

fn refreshes(log: &[LoggedRequest]) -> usize {
    log.iter().filter(|r| is_refresh(r)).count()
}

fn rest(log: &[LoggedRequest]) -> Vec<&LoggedRequest> {
    log.iter().filter(|r| r.path == "/platform/api").collect()
}

/// The session error's cause, as the OAuth error it is.
fn auth_cause(e: &Error) -> &AuthError {
    match e {
        Error::Session(cause) => cause
            .downcast_ref::<AuthError>()
            .unwrap_or_else(|| panic!("not an AuthError: {e:?}")),
        other => panic!("expected a session error, got {other:?}"),
    }
}

#[tokio::test]
async fn an_expired_token_is_renewed_before_the_call_on_every_call_path() {
    let (emu, oauth) = setup(Emulator::builder()).await;
    let mut token = password_token(&oauth).await;
    token.expires_at = unix_now() - 10;
    let session = oauth.renewing(token.clone());
    let api = session.api().unwrap();
    emu.clear_requests();
    let me = api.users().get_info().send().await.expect("typed call");
    assert_eq!(me[0].uid, DEMO_UID);
    let log = emu.requests();
    assert_eq!(refreshes(&log), 1, "{log:#?}");
    assert!(is_refresh(&log[0]), "the renewal comes first: {log:#?}");
    assert_eq!(rest(&log).len(), 1, "no call with the stale token");
    let current = session.token();
    assert_ne!(current.access_token, token.access_token);
    assert!(current.expires_in() > 86_000);

    // Every other path uses the renewed token without renewing again.
    emu.clear_requests();
    api.call("users.getInfo", ()).await.expect("dynamic");
    api.call_raw("users.getInfo", ()).await.expect("raw");
    api.users().get_info().send_raw().await.expect("typed raw");
    let first: Vec<_> = api
        .paginate(GetByAuthor::new().uid(BIG_COMMUNITY_UID))
        .max_items(150)
        .try_collect()
        .await
        .expect("typed pager");
    assert_eq!(first.len(), 150);
    let log = emu.requests();
    assert_eq!(refreshes(&log), 0);
    assert!(rest(&log).iter().all(|r| r.status == Some(200)), "{log:#?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn twenty_concurrent_typed_calls_after_an_expiry_cause_exactly_one_renewal() {
    let (emu, oauth) = setup(Emulator::builder()).await;
    let token = password_token(&oauth).await;
    let session = oauth
        .renewing(token.clone())
        .circuit(Some(Circuit::ClientServer));
    let api = session.api().unwrap();
    // The platform expires the token; the client still thinks it valid.
    assert!(emu.expire_token(token.access_token.expose()));
    emu.clear_requests();
    let calls = (0..20).map(|_| {
        let api = api.clone();
        async move { api.users().get_info().send().await }
    });
    for result in join_all(calls).await {
        assert_eq!(result.expect("every call succeeds")[0].uid, DEMO_UID);
    }
    let log = emu.requests();
    assert_eq!(refreshes(&log), 1, "exactly one renewal: {log:#?}");
    let rest = rest(&log);
    let ok = rest.iter().filter(|r| r.status == Some(200)).count();
    let stale = rest.iter().filter(|r| r.error_code == Some(102)).count();
    assert_eq!(ok, 20, "{log:#?}");
    assert!(stale >= 1, "at least one call met the expired token");
    assert_eq!(ok + stale, rest.len(), "nothing else was sent");
    assert_eq!(session.token().refresh_token, token.refresh_token);
}

#[tokio::test]
async fn a_failing_token_endpoint_is_backed_off_while_the_token_still_works() {
    let (emu, oauth) = setup(Emulator::builder()).await;
    let token = password_token(&oauth).await;
    // Due for renewal (the margin is longer than what is left), still valid.
    let session = oauth
        .renewing(token)
        .margin(Duration::from_secs(86_400 * 2))
        .backoff(Duration::from_millis(400));
    let api = session.api().unwrap();
    emu.inject(
        Fault::new(FaultKind::HttpStatus { status: 503 })
            .target("/oauth/token")
            .times(1_000),
    );
    emu.clear_requests();
    for _ in 0..10 {
        api.users()
            .get_info()
            .send()
            .await
            .expect("the current token works");
    }
    // Renewals run in the background: let the first one finish.
    tokio::time::sleep(Duration::from_millis(100)).await;
    api.users().get_info().send().await.unwrap();
    assert_eq!(
        refreshes(&emu.requests()),
        1,
        "one attempt per back-off period"
    );
    tokio::time::sleep(Duration::from_millis(500)).await;
    api.users().get_info().send().await.unwrap();
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(refreshes(&emu.requests()), 2, "one more after the back-off");

    // A token endpoint that hangs does not hold calls up either.
    emu.clear_faults();
    emu.inject(
        Fault::new(FaultKind::Delay { ms: 20_000 })
            .target("/oauth/token")
            .times(1),
    );
    tokio::time::sleep(Duration::from_millis(500)).await;
    let call = api.users().get_info().send();
    let me = tokio::time::timeout(Duration::from_secs(10), call)
        .await
        .expect("the call does not wait for the hanging renewal")
        .unwrap();
    assert_eq!(me[0].uid, DEMO_UID);
}

#[tokio::test]
async fn a_caller_dropped_during_a_renewal_loses_nothing() {
    let (emu, oauth) = setup(Emulator::builder()).await;
    let mut token = password_token(&oauth).await;
    token.expires_at = unix_now() - 1;
    let saved = Arc::new(AtomicUsize::new(0));
    let counter = saved.clone();
    let session = oauth.renewing(token).on_renew(move |_| {
        counter.fetch_add(1, Ordering::SeqCst);
    });
    let api = session.api().unwrap();
    emu.inject(
        Fault::new(FaultKind::Delay { ms: 600 })
            .target("/oauth/token")
            .times(1),
    );
    emu.clear_requests();
    // The call waits for the renewal (the token expired) and is dropped meanwhile.
    let dropped =
        tokio::time::timeout(Duration::from_millis(150), api.users().get_info().send()).await;
    assert!(dropped.is_err(), "the caller gave up during the renewal");
    tokio::time::sleep(Duration::from_millis(900)).await;
    assert_eq!(
        saved.load(Ordering::SeqCst),
        1,
        "the renewal finished anyway"
    );
    let me = api
        .users()
        .get_info()
        .send()
        .await
        .expect("the next call works");
    assert_eq!(me[0].uid, DEMO_UID);
    let log = emu.requests();
    assert_eq!(refreshes(&log), 1, "no second renewal: {log:#?}");
    assert!(rest(&log).iter().all(|r| r.status == Some(200)), "{log:#?}");
}

#[tokio::test]
async fn a_renewal_that_fails_is_a_session_error_with_its_cause() {
    let (emu, oauth) = setup(Emulator::builder()).await;
    let token = password_token(&oauth).await;
    let api = oauth
        .renewing(token.clone())
        .circuit(Some(Circuit::ServerServer))
        .api()
        .unwrap();
    assert!(emu.revoke_token(token.access_token.expose()));
    let err = api.call("users.getInfo", ()).await.unwrap_err();
    assert!(
        matches!(auth_cause(&err), AuthError::TokenEndpoint { error, .. } if error == "invalid_grant"),
        "{err:?}"
    );
    // Other API errors pass through without a renewal.
    let api = oauth.renewing(password_token(&oauth).await).api().unwrap();
    emu.clear_requests();
    let err = api
        .call("users.getInfo", [("uids", "not-a-number")])
        .await
        .unwrap_err();
    assert_eq!(err.api_code(), Some(100), "{err:?}");
    assert_eq!(refreshes(&emu.requests()), 0);
}

#[tokio::test]
async fn short_lived_tokens_are_not_renewed_before_every_call() {
    let (emu, oauth) = setup(Emulator::builder().token_ttl(Duration::from_secs(30))).await;
    let token = password_token(&oauth).await;
    let api = oauth.renewing(token).api().unwrap();
    for _ in 0..5 {
        api.call("users.isAppUser", ()).await.unwrap();
    }
    assert_eq!(
        refreshes(&emu.requests()),
        0,
        "a 30 s token is renewed in its last 10 s, not before every call"
    );
}

#[tokio::test]
async fn a_token_without_refresh_token_is_used_until_the_platform_refuses_it() {
    let (emu, oauth) = setup(Emulator::builder()).await;
    let mut token = password_token(&oauth).await;
    token.refresh_token = None;
    token.expires_at = unix_now() + 30;
    let api = oauth
        .renewing(token.clone())
        .margin(Duration::from_secs(60))
        .api()
        .unwrap();
    api.call("users.isAppUser", ()).await.unwrap();
    emu.expire_token(token.access_token.expose());
    let err = api.call("users.isAppUser", ()).await.unwrap_err();
    assert_eq!(err.api_code(), Some(102), "the 102 reaches the caller");
    assert_eq!(refreshes(&emu.requests()), 0);
}

/// Walks the big community with tokens that live 2 s while every page takes 300 ms:
/// several tokens expire during the walk.
async fn walk_with_expiring_tokens(by_name: bool) {
    let (emu, oauth) = setup(Emulator::builder().token_ttl(Duration::from_secs(2))).await;
    let token = password_token(&oauth).await;
    let api = oauth.renewing(token).api().unwrap();
    emu.inject(
        Fault::new(FaultKind::Delay { ms: 300 })
            .target("stream.getByAuthor")
            .times(1_000),
    );
    emu.clear_requests();
    let ids: Vec<String> = if by_name {
        Pager::new(&api, "stream.getByAuthor")
            .unwrap()
            .param("uid", BIG_COMMUNITY_UID)
            .items()
            .map_ok(|e| e["id"].as_str().unwrap().to_owned())
            .try_collect()
            .await
            .unwrap()
    } else {
        api.paginate(GetByAuthor::new().uid(BIG_COMMUNITY_UID))
            .map_ok(|e| e.id().to_owned())
            .try_collect()
            .await
            .unwrap()
    };
    // Each event exactly once, in the platform's order (a fresh walk with a fixed
    // session gives the order).
    let reference = Pager::new(
        &oauth
            .api(password_token(&oauth).await.session(oauth.app()))
            .unwrap(),
        "stream.getByAuthor",
    )
    .unwrap()
    .param("uid", BIG_COMMUNITY_UID)
    .items();
    emu.clear_faults();
    let reference: Vec<String> = reference
        .map_ok(|e| e["id"].as_str().unwrap().to_owned())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(ids.len(), 1_200);
    assert_eq!(ids, reference);

    // One renewal per expiry: several happened, and never two without a call between.
    let log: Vec<LoggedRequest> = emu
        .requests()
        .into_iter()
        .take_while(|r| r.path != "/oauth/token" || r.param("grant_type") != Some("password"))
        .collect();
    let renewals = refreshes(&log);
    assert!(renewals >= 2, "tokens expired during the walk: {renewals}");
    let mut previous_was_renewal = false;
    for r in &log {
        if is_refresh(r) {
            assert!(!previous_was_renewal, "two renewals in a row: {log:#?}");
            previous_was_renewal = true;
        } else if r.path == "/platform/api" && r.status == Some(200) {
            previous_was_renewal = false;
        }
    }
}

#[tokio::test]
async fn a_typed_walk_outlives_its_tokens() {
    walk_with_expiring_tokens(false).await;
}

#[tokio::test]
async fn a_walk_by_name_outlives_its_tokens() {
    walk_with_expiring_tokens(true).await;
}

#[tokio::test]
async fn every_renewed_token_is_saved_to_the_token_file() {
    let (emu, oauth) = setup(Emulator::builder()).await;
    let token = password_token(&oauth).await;
    let path = std::env::temp_dir().join(format!(
        "mailru-renewing-{}-{}.json",
        std::process::id(),
        unix_now()
    ));
    let session: RenewingSession = oauth.renewing(token.clone()).token_file(&path);
    let api = session.api().unwrap();
    emu.expire_token(token.access_token.expose());
    api.users().get_info().send().await.unwrap();
    // The file is written by the renewal itself, before calls go on.
    let saved = Token::load(&path).expect("the renewed token was saved");
    assert_eq!(saved.access_token, session.token().access_token);
    assert_ne!(saved.access_token, token.access_token);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    std::fs::remove_file(&path).unwrap();
}

#[tokio::test]
async fn a_renewing_token_file_holds_the_login_cookies_only_when_asked() {
    let (emu, oauth) = setup(Emulator::builder()).await;
    let token = oauth
        .implicit(DEMO_EMAIL, DEMO_PASSWORD)
        .login()
        .await
        .unwrap();
    assert!(
        token.cookies.is_some(),
        "the implicit login keeps its cookies"
    );
    let dir = std::env::temp_dir();
    let plain = dir.join(format!(
        "mailru-renewing-plain-{}-{}.json",
        std::process::id(),
        unix_now()
    ));
    let full = dir.join(format!(
        "mailru-renewing-full-{}-{}.json",
        std::process::id(),
        unix_now()
    ));

    // The default: the renewed token is saved without the cookies.
    let session = oauth.renewing(token.clone()).token_file(&plain);
    emu.expire_token(token.access_token.expose());
    session
        .api()
        .unwrap()
        .users()
        .get_info()
        .send()
        .await
        .unwrap();
    let saved = Token::load(&plain).expect("the renewed token was saved");
    assert_eq!(saved.access_token, session.token().access_token);
    assert_eq!(saved.cookies, None);
    assert_eq!(session.token().cookies, token.cookies, "kept in memory");

    // Asked for: the cookies are saved with it.
    let renewed = session.token();
    let session = oauth
        .renewing(renewed.clone())
        .token_file_with_cookies(&full);
    emu.expire_token(renewed.access_token.expose());
    session
        .api()
        .unwrap()
        .users()
        .get_info()
        .send()
        .await
        .unwrap();
    let saved = Token::load(&full).expect("the renewed token was saved");
    assert_ne!(saved.access_token, renewed.access_token);
    assert_eq!(saved.cookies, token.cookies);
    std::fs::remove_file(&plain).unwrap();
    std::fs::remove_file(&full).unwrap();
}
