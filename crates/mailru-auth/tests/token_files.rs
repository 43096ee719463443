//! Token files: atomic, private, concurrent-safe saves; bounded loads; the login cookies
//! written only when asked.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Barrier};
use std::time::{SystemTime, UNIX_EPOCH};

use mailru_auth::{App, AuthError, MAX_TOKEN_FILE_SIZE, OAuth, Token};
use mailru_emulator::Emulator;
use mailru_emulator::accounts::*;
use serde_json::Value;

/// A fresh, empty directory under the system temp dir, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> Self {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_nanos();
        let dir = std::env::temp_dir().join(format!(
            "mailru-auth-files-{name}-{}-{nanos}",
            std::process::id()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }

    /// The names of the directory's entries, sorted.
    fn entries(&self) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(&self.0)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A token whose secrets say which it is (`n`), with an access token of `n + 1` letters so
/// that two interleaved writes cannot make a valid file by chance.
fn numbered(n: usize) -> Token {
    Token::from_json(
        &serde_json::json!({
            "access_token": format!("a{}", "x".repeat(n + 1)),
            "refresh_token": format!("refresh-{n}"),
            "expires_in": 86400,
            "x_mailru_vid": (1_000 + n).to_string(),
        }),
        &["stream".to_owned()],
        None,
    )
    .unwrap()
}

#[cfg(unix)]
#[track_caller]
fn assert_mode_0600(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "{} has mode {mode:o}", path.display());
}

#[cfg(not(unix))]
fn assert_mode_0600(_: &Path) {}

#[test]
fn concurrent_saves_to_one_path_all_succeed_and_leave_one_valid_private_file() {
    const THREADS: usize = 8;
    const SAVES: usize = 25;
    let dir = TempDir::new("concurrent");
    let path = Arc::new(dir.path("token.json"));
    let start = Arc::new(Barrier::new(THREADS));
    let threads: Vec<_> = (0..THREADS)
        .map(|t| {
            let (path, start) = (path.clone(), start.clone());
            std::thread::spawn(move || {
                start.wait();
                let mut failures = Vec::new();
                for i in 0..SAVES {
                    if let Err(e) = numbered(t * SAVES + i).save(&*path) {
                        failures.push(e.to_string());
                    }
                }
                failures
            })
        })
        .collect();
    let failures: Vec<String> = threads
        .into_iter()
        .flat_map(|t| t.join().expect("no save panics"))
        .collect();
    assert_eq!(failures, Vec::<String>::new(), "every save succeeds");

    // The file is one whole token, one of those saved.
    let loaded = Token::load(&*path).expect("the file is a valid token");
    let n = usize::try_from(loaded.uid - 1_000).unwrap();
    assert!(n < THREADS * SAVES, "{loaded:?}");
    assert_eq!(loaded, numbered_as_saved(n, &loaded));
    assert_mode_0600(&path);
    // No temporary file is left behind.
    assert_eq!(dir.entries(), ["token.json"]);
}

/// `numbered(n)` with the expiry of `loaded` (the clock moved between the saves).
fn numbered_as_saved(n: usize, loaded: &Token) -> Token {
    let mut t = numbered(n);
    t.expires_at = loaded.expires_at;
    t
}

#[cfg(unix)]
#[test]
fn a_symlink_planted_at_the_old_temporary_name_is_not_followed() {
    let dir = TempDir::new("symlink");
    let path = dir.path("token.json");
    let victim = dir.path("victim.txt");
    std::fs::write(&victim, "untouched").unwrap();
    // The name every save of this process used to write through.
    let planted = dir.path(&format!(".token.json.{}.tmp", std::process::id()));
    std::os::unix::fs::symlink(&victim, &planted).unwrap();

    numbered(1).save(&path).expect("the save succeeds");

    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "untouched");
    assert!(
        std::fs::symlink_metadata(&path)
            .unwrap()
            .file_type()
            .is_file(),
        "the token file is a regular file, not the planted link"
    );
    assert_eq!(Token::load(&path).unwrap().uid, 1_001);
    assert_mode_0600(&path);
}

#[test]
fn a_token_file_over_the_size_limit_is_refused() {
    assert_eq!(MAX_TOKEN_FILE_SIZE, 1024 * 1024);
    let dir = TempDir::new("big");
    let path = dir.path("token.json");
    // A valid token padded with 2 MiB of whitespace: serde would read it.
    let mut text = serde_json::to_string(&numbered(1)).unwrap();
    text.push_str(&" ".repeat(2 * 1024 * 1024));
    std::fs::write(&path, &text).unwrap();
    let err = Token::load(&path).unwrap_err();
    match &err {
        AuthError::TokenFile {
            path: shown,
            source,
        } => {
            assert_eq!(shown, &path.display().to_string());
            assert_eq!(source.kind(), std::io::ErrorKind::InvalidData, "{err}");
        }
        other => panic!("expected a token file error, got {other:?}"),
    }
    assert_eq!(err.kind(), "token_file");
    assert!(err.to_string().contains("1048576"), "{err}");

    // Exactly at the limit is still read.
    let mut text = serde_json::to_string(&numbered(2)).unwrap();
    let pad = usize::try_from(MAX_TOKEN_FILE_SIZE).unwrap() - text.len();
    text.push_str(&" ".repeat(pad));
    std::fs::write(&path, &text).unwrap();
    assert_eq!(Token::load(&path).unwrap().uid, 1_002);
}

#[cfg(unix)]
#[test]
fn a_token_file_that_is_not_a_regular_file_is_refused_without_reading_it() {
    // /dev/zero never ends: reading it whole would never return.
    let err = Token::load("/dev/zero").unwrap_err();
    assert!(
        matches!(&err, AuthError::TokenFile { source, .. } if source.kind() == std::io::ErrorKind::InvalidData),
        "{err:?}"
    );
    let dir = TempDir::new("dir");
    let err = Token::load(&dir.0).unwrap_err();
    assert_eq!(err.kind(), "token_file");
}

#[test]
fn a_json_file_that_is_not_a_token_is_a_token_file_error_without_its_values() {
    let dir = TempDir::new("not-a-token");
    let path = dir.path("token.json");
    for text in [
        r#"{"name": "a settings file"}"#,
        "[]",
        "null",
        r#"{"access_token": "a", "x_mailru_vid": "1", "expires_at": "SENTINEL-in-a-wrong-field", "uid": "1", "token_type": "bearer"}"#,
        "\u{1b}[2J not JSON at all",
    ] {
        std::fs::write(&path, text).unwrap();
        let err = Token::load(&path).unwrap_err();
        assert!(
            matches!(&err, AuthError::TokenFile { source, .. } if source.kind() == std::io::ErrorKind::InvalidData),
            "{text}: {err:?}"
        );
        let shown = err.to_string();
        assert!(!shown.contains("SENTINEL"), "{shown}");
        assert!(!shown.contains('\u{1b}'), "{shown}");
    }
}

/// Every string of a JSON value, recursively.
fn strings(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::String(s) => out.push(s.clone()),
        Value::Array(a) => a.iter().for_each(|x| strings(x, out)),
        Value::Object(m) => m.values().for_each(|x| strings(x, out)),
        _ => {}
    }
}

#[tokio::test]
async fn save_leaves_the_login_cookies_out_and_save_with_cookies_keeps_them() {
    let emu = Emulator::builder().seed(7).start().await.unwrap();
    let app = App::new(APP_ID).private_key(APP_PRIVATE_KEY);
    let oauth = OAuth::with_base_url(app, emu.base_url()).unwrap();
    let token = oauth
        .implicit(DEMO_EMAIL, DEMO_PASSWORD)
        .login()
        .await
        .unwrap();
    let cookies = token.cookies.clone().expect("the login keeps its cookies");
    let mut values = Vec::new();
    strings(&serde_json::to_value(&cookies).unwrap(), &mut values);
    let values: Vec<String> = values.into_iter().filter(|v| v.len() >= 16).collect();
    assert!(
        !values.is_empty(),
        "the emulator's login cookie has a value"
    );

    let dir = TempDir::new("cookies");
    let plain = dir.path("plain.json");
    token.save(&plain).unwrap();
    let text = std::fs::read_to_string(&plain).unwrap();
    let json: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(json.get("cookies"), None, "{text}");
    for value in &values {
        assert!(!text.contains(value.as_str()), "a cookie value in {text}");
    }
    let loaded = Token::load(&plain).unwrap();
    assert_eq!(loaded.cookies, None);
    let mut without = token.clone();
    without.cookies = None;
    assert_eq!(loaded, without);
    assert_mode_0600(&plain);

    let full = dir.path("full.json");
    token.save_with_cookies(&full).unwrap();
    let loaded = Token::load(&full).unwrap();
    assert_eq!(loaded, token, "the cookies come back");
    assert_mode_0600(&full);
    // The saved cookies log the user in without the form.
    emu.clear_requests();
    let again = oauth
        .implicit(DEMO_EMAIL, "not used")
        .cookies(loaded.cookies.unwrap())
        .login()
        .await
        .expect("the saved cookies still log in");
    assert_eq!(again.uid, DEMO_UID);
    assert!(
        emu.requests().iter().all(|r| r.path != "/cgi-bin/auth"),
        "no password was posted"
    );
}
