//! The built `mailru` binary against an in-process emulator.
//!
//! Every test starts its own emulator (seed 7) inside a multi-thread runtime, so the
//! emulator keeps serving while the child process runs on a blocking thread. The child gets
//! no `MAILRU_*` and no proxy variable of the developer's environment: only what a test
//! sets.

use std::collections::HashSet;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use mailru::auth::page::{Page, classify, fill_login};
use mailru_emulator::accounts::*;
use mailru_emulator::{Emulator, EmulatorHandle, Fault, FaultKind, LoggedRequest};
use serde_json::Value;

/// The documented worked example (spec of `mailru sign`).
const SESSION_PARAMS: [&str; 3] = [
    "app_id=423004",
    "method=friends.get",
    "session_key=be6ef89965d58e56dec21acb9b62bdaa",
];
const CLIENT_SIG: &str = "5073f15c6d5b6ab2fde23ac43332b002";
const SERVER_SIG: &str = "4a05af66f80da18b308fa7e536912bae";

/// A site's redirect URI for the code grant; never fetched.
const REDIRECT_URI: &str = "http://127.0.0.1:9/callback";

/// Nothing listens there: connections are refused.
const DEAD_URL: &str = "http://127.0.0.1:1";

/// Longest a child may run before the test fails.
const CHILD_DEADLINE: Duration = Duration::from_secs(60);

// ---------------------------------------------------------------------------------------
// Running the binary.

/// What a finished child did.
#[derive(Debug)]
struct Run {
    /// Exit status; `None` when killed by a signal.
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl Run {
    /// Asserts the exit status, showing the output otherwise.
    #[track_caller]
    fn expect_code(&self, code: i32) -> &Self {
        assert_eq!(self.code, Some(code), "unexpected exit status: {self:#?}");
        self
    }

    /// Stdout as one JSON value.
    #[track_caller]
    fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {self:#?}"))
    }

    /// The only line of stderr (fails when there are more or none).
    #[track_caller]
    fn stderr_line(&self) -> &str {
        let lines: Vec<&str> = self.stderr.lines().collect();
        assert_eq!(lines.len(), 1, "stderr is not one line: {self:#?}");
        lines[0]
    }
}

/// A `mailru` command line to run.
#[derive(Debug, Clone, Default)]
struct Cli {
    args: Vec<String>,
    envs: Vec<(String, String)>,
    /// What the child reads on stdin (nothing: `/dev/null`).
    stdin: Option<String>,
}

fn mailru<I, S>(args: I) -> Cli
where
    I: IntoIterator<Item = S>,
    S: Into<String>,
{
    Cli::default().args(args)
}

impl Cli {
    fn args<I, S>(mut self, args: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.args.extend(args.into_iter().map(Into::into));
        self
    }

    fn env(mut self, key: &str, value: impl Into<String>) -> Self {
        self.envs.push((key.to_owned(), value.into()));
        self
    }

    fn stdin(mut self, input: impl Into<String>) -> Self {
        self.stdin = Some(input.into());
        self
    }

    /// The process, isolated from the developer's `MAILRU_*` and proxy variables.
    fn command(&self) -> Command {
        let mut cmd = isolated(env!("CARGO_BIN_EXE_mailru"));
        let stdin = match self.stdin {
            Some(_) => Stdio::piped(),
            None => Stdio::null(),
        };
        cmd.envs(self.envs.iter().map(|(k, v)| (k, v)))
            .args(&self.args)
            .stdin(stdin)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        cmd
    }

    /// Runs the binary on a blocking thread (the emulator keeps serving meanwhile).
    async fn run(self) -> Run {
        tokio::task::spawn_blocking(move || self.run_blocking())
            .await
            .expect("the runner thread does not panic")
    }

    fn run_blocking(&self) -> Run {
        let mut child = self
            .command()
            .spawn()
            .unwrap_or_else(|e| panic!("cannot run mailru {:?}: {e}", self.args));
        if let (Some(input), Some(mut pipe)) = (self.stdin.clone(), child.stdin.take()) {
            // A thread of its own: a child that does not read must not block the test.
            std::thread::spawn(move || {
                let _ = pipe.write_all(input.as_bytes());
            });
        }
        let stdout = drain(child.stdout.take().expect("stdout is piped"));
        let stderr = drain(child.stderr.take().expect("stderr is piped"));
        let status = wait_with_deadline(&mut child, CHILD_DEADLINE)
            .unwrap_or_else(|| panic!("mailru {:?} ran longer than {CHILD_DEADLINE:?}", self.args));
        Run {
            code: status.code(),
            stdout: stdout.join().expect("the stdout reader does not panic"),
            stderr: stderr.join().expect("the stderr reader does not panic"),
        }
    }
}

/// Proxy variables (either case) that would send the child's requests to the emulator
/// through a proxy of the developer's machine.
const PROXY_VARIABLES: [&str; 8] = [
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "ALL_PROXY",
    "NO_PROXY",
    "http_proxy",
    "https_proxy",
    "all_proxy",
    "no_proxy",
];

/// A command without any `MAILRU_*` or proxy variable of this process's environment.
fn isolated(program: &str) -> Command {
    let mut cmd = Command::new(program);
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("MAILRU_") {
            cmd.env_remove(&key);
        }
    }
    // Removed whether set here or not, so that the test below sees it.
    for key in PROXY_VARIABLES {
        cmd.env_remove(key);
    }
    cmd
}

/// Whether this run is CI: `CI` set, not empty, and not `false` or `0`. A test that
/// cannot run its check fails there instead of skipping.
fn on_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| {
        let v = v.trim();
        !v.is_empty() && !v.eq_ignore_ascii_case("false") && v != "0"
    })
}

/// Reads a pipe to its end on a thread, so that a chatty child never blocks.
fn drain(mut pipe: impl Read + Send + 'static) -> std::thread::JoinHandle<String> {
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = pipe.read_to_end(&mut bytes);
        String::from_utf8(bytes).expect("mailru writes UTF-8")
    })
}

/// Waits for the child; kills it after `deadline` and returns `None`.
fn wait_with_deadline(child: &mut Child, deadline: Duration) -> Option<std::process::ExitStatus> {
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("the child can be waited for") {
            return Some(status);
        }
        if start.elapsed() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

// ---------------------------------------------------------------------------------------
// Fixtures.

async fn emulator() -> EmulatorHandle {
    Emulator::builder()
        .seed(7)
        .start()
        .await
        .expect("the emulator starts")
}

/// Base URL and application id.
fn app_args(emu: &EmulatorHandle) -> Vec<String> {
    vec![
        "--base-url".into(),
        emu.base_url().into(),
        "--app-id".into(),
        APP_ID.to_string(),
    ]
}

/// The documented client-server session of the demo user.
fn client_args(emu: &EmulatorHandle) -> Vec<String> {
    let mut args = app_args(emu);
    args.extend(
        [
            "--uid",
            &DEMO_UID.to_string(),
            "--private-key",
            APP_PRIVATE_KEY,
            "--access-token",
            DEMO_SESSION_KEY,
        ]
        .map(String::from),
    );
    args
}

/// Both keys of the app, no session.
fn keys_args(emu: &EmulatorHandle) -> Vec<String> {
    let mut args = app_args(emu);
    args.extend(
        [
            "--private-key",
            APP_PRIVATE_KEY,
            "--secret-key",
            APP_SECRET_KEY,
        ]
        .map(String::from),
    );
    args
}

/// A fresh directory for token files, removed by [`TempDir::drop`].
#[derive(Debug)]
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> Self {
        let dir =
            std::env::temp_dir().join(format!("mailru-cli-test-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("the temp dir can be created");
        TempDir(dir)
    }

    fn file(&self, name: &str) -> String {
        self.0.join(name).to_string_lossy().into_owned()
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn read_json(path: &str) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path} is not JSON ({e}): {text}"))
}

#[cfg(unix)]
#[track_caller]
fn assert_private(path: &str) {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "{path} has mode {mode:o}");
}

#[cfg(not(unix))]
fn assert_private(_path: &str) {}

/// The uid of a JSON value that may be a string or a number.
fn uid_of(v: &Value) -> u64 {
    v.as_str()
        .and_then(|s| s.parse().ok())
        .or_else(|| v.as_u64())
        .unwrap_or_else(|| panic!("no uid in {v}"))
}

fn rest_calls<'a>(log: &'a [LoggedRequest], method: &str) -> Vec<&'a LoggedRequest> {
    log.iter()
        .filter(|r| r.path == "/platform/api" && r.method.as_deref() == Some(method))
        .collect()
}

#[track_caller]
fn assert_token_json(v: &Value, uid: u64) {
    assert_eq!(v["uid"], Value::String(uid.to_string()), "{v}");
    assert_eq!(v["token_type"], "bearer", "{v}");
    let access = v["access_token"].as_str().expect("an access token");
    assert_eq!(access.len(), 32, "{v}");
    assert!(
        v["refresh_token"].as_str().is_some_and(|t| !t.is_empty()),
        "{v}"
    );
    // The token file's field: an absolute time, unix seconds, about a day from now.
    let expires_at = v["expires_at"].as_u64().expect("expires_at is a number");
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    assert!(
        expires_at > now && expires_at <= now + 86_400 + 60,
        "{v} (now {now})"
    );
    assert!(v.get("cookies").is_none(), "no login cookies: {v}");
}

/// The keys of a JSON object, sorted.
fn keys_of(v: &Value) -> Vec<String> {
    let mut keys: Vec<String> = v
        .as_object()
        .unwrap_or_else(|| panic!("not an object: {v}"))
        .keys()
        .cloned()
        .collect();
    keys.sort();
    keys
}

// ---------------------------------------------------------------------------------------
// A plain HTTP/1.0 browser (std only) for the code grant and the health check.

struct Browser {
    base: String,
    cookies: Vec<String>,
}

struct HttpAnswer {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl HttpAnswer {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

fn percent_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn form_encode(fields: &[(String, String)]) -> String {
    fields
        .iter()
        .map(|(k, v)| format!("{}={}", percent_encode(k), percent_encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// One HTTP/1.0 exchange with `base` (`http://127.0.0.1:PORT`).
fn http(base: &str, method: &str, target: &str, headers: &[String], body: &str) -> HttpAnswer {
    let host = base.strip_prefix("http://").expect("a plain http base URL");
    let mut stream = TcpStream::connect(host).unwrap_or_else(|e| panic!("connect {host}: {e}"));
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    let mut request =
        format!("{method} {target} HTTP/1.0\r\nHost: {host}\r\nConnection: close\r\n");
    for h in headers {
        request.push_str(h);
        request.push_str("\r\n");
    }
    request.push_str(&format!("Content-Length: {}\r\n\r\n{body}", body.len()));
    stream.write_all(request.as_bytes()).unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    let raw = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = raw.split_once("\r\n\r\n").unwrap_or((raw.as_str(), ""));
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("not an HTTP answer: {raw}"));
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .collect();
    HttpAnswer {
        status,
        headers,
        body: body.to_owned(),
    }
}

impl Browser {
    fn new(base: &str) -> Self {
        Browser {
            base: base.to_owned(),
            cookies: Vec::new(),
        }
    }

    /// An absolute URL of the emulator, or a path, as a request target.
    fn target(&self, url: &str) -> String {
        if let Some(path) = url.strip_prefix(&self.base) {
            path.to_owned()
        } else if url.starts_with('/') {
            url.to_owned()
        } else {
            panic!("unexpected URL {url} (base {})", self.base)
        }
    }

    fn send(&mut self, method: &str, url: &str, form: Option<&[(String, String)]>) -> HttpAnswer {
        let mut headers = Vec::new();
        if !self.cookies.is_empty() {
            headers.push(format!("Cookie: {}", self.cookies.join("; ")));
        }
        let body = match form {
            Some(fields) => {
                headers.push("Content-Type: application/x-www-form-urlencoded".to_owned());
                form_encode(fields)
            }
            None => String::new(),
        };
        let answer = http(&self.base, method, &self.target(url), &headers, &body);
        for (k, v) in &answer.headers {
            if k.eq_ignore_ascii_case("set-cookie") {
                let pair = v.split(';').next().unwrap().trim().to_owned();
                let name = pair.split('=').next().unwrap().to_owned();
                self.cookies.retain(|c| !c.starts_with(&format!("{name}=")));
                self.cookies.push(pair);
            }
        }
        answer
    }

    /// Opens the code-grant dialog, logs in, consents when asked; returns the callback
    /// `Location` (`REDIRECT_URI?code=...`).
    fn authorize(&mut self, email: &str, password: &str) -> String {
        let mut url = format!(
            "{}/oauth/authorize?client_id={APP_ID}&response_type=code&redirect_uri={}&scope=",
            self.base,
            percent_encode(REDIRECT_URI)
        );
        let mut answer = self.send("GET", &url, None);
        for _ in 0..10 {
            if (300..400).contains(&answer.status) {
                let location = answer.header("location").expect("a Location").to_owned();
                if location.starts_with(REDIRECT_URI) {
                    return location;
                }
                url = location;
                answer = self.send("GET", &url, None);
                continue;
            }
            assert_eq!(answer.status, 200, "{}", answer.body);
            let (action, fields) = match classify(&answer.body) {
                Page::Login(form) => (
                    form.action.clone(),
                    fill_login(&form, email, password).unwrap(),
                ),
                Page::Consent(form) => (form.action.clone(), form.fields),
                other => panic!("unexpected dialog page {other:?}"),
            };
            url = action;
            answer = self.send("POST", &url, Some(&fields));
        }
        panic!("the dialog never redirected to the site");
    }
}

/// An authorization code of `email` for [`REDIRECT_URI`], obtained through the dialog.
async fn authorization_code(
    emu: &EmulatorHandle,
    email: &'static str,
    password: &'static str,
) -> String {
    let base = emu.base_url().to_owned();
    let callback =
        tokio::task::spawn_blocking(move || Browser::new(&base).authorize(email, password))
            .await
            .unwrap();
    let query = callback.split_once('?').map(|(_, q)| q).unwrap_or_default();
    query
        .split('&')
        .find_map(|pair| pair.strip_prefix("code="))
        .unwrap_or_else(|| panic!("no code in the callback {callback}"))
        .to_owned()
}

// ---------------------------------------------------------------------------------------
// sign

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_prints_the_documented_client_server_signature() {
    let run = mailru([
        "sign",
        "--app-id",
        "423004",
        "--uid",
        "1324730981306483817",
        "--private-key",
        APP_PRIVATE_KEY,
    ])
    .args(SESSION_PARAMS)
    .run()
    .await;
    run.expect_code(0);
    assert_eq!(run.stdout, format!("{CLIENT_SIG}\n"), "{run:#?}");
    assert!(run.stderr.is_empty(), "{run:#?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_prints_the_documented_server_server_signature() {
    let run = mailru([
        "sign",
        "--circuit",
        "server",
        "--app-id",
        "423004",
        "--uid",
        "1324730981306483817",
        "--private-key",
        APP_PRIVATE_KEY,
        "--secret-key",
        APP_SECRET_KEY,
    ])
    .args(SESSION_PARAMS)
    .args(["secure=1"])
    .run()
    .await;
    run.expect_code(0);
    assert_eq!(run.stdout, format!("{SERVER_SIG}\n"), "{run:#?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_explain_shows_the_canonical_string_and_masks_the_keys() {
    let run = mailru([
        "sign",
        "--explain",
        "--app-id",
        "423004",
        "--uid",
        "1324730981306483817",
        "--private-key",
        APP_PRIVATE_KEY,
    ])
    .args(SESSION_PARAMS)
    .run()
    .await;
    run.expect_code(0);
    assert_eq!(run.stdout.lines().next(), Some(CLIENT_SIG), "{run:#?}");
    assert!(
        run.stdout.contains(
            "1324730981306483817app_id=423004method=friends.getsession_key=be6ef89965d58e56dec21acb9b62bdaa"
        ),
        "{run:#?}"
    );
    assert!(run.stdout.contains("client-server"), "{run:#?}");
    assert!(!run.stdout.contains(APP_PRIVATE_KEY), "{run:#?}");
    assert!(!run.stderr.contains(APP_PRIVATE_KEY), "{run:#?}");

    let run = mailru([
        "sign",
        "--explain",
        "--circuit",
        "server",
        "--app-id",
        "423004",
        "--secret-key",
        APP_SECRET_KEY,
        "--private-key",
        APP_PRIVATE_KEY,
    ])
    .args(SESSION_PARAMS)
    .args(["secure=1"])
    .run()
    .await;
    run.expect_code(0);
    assert_eq!(run.stdout.lines().next(), Some(SERVER_SIG), "{run:#?}");
    assert!(
        run.stdout.contains(
            "app_id=423004method=friends.getsecure=1session_key=be6ef89965d58e56dec21acb9b62bdaa"
        ),
        "{run:#?}"
    );
    assert!(run.stdout.contains("server-server"), "{run:#?}");
    for key in [APP_SECRET_KEY, APP_PRIVATE_KEY] {
        assert!(
            !run.stdout.contains(key) && !run.stderr.contains(key),
            "{run:#?}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_without_credentials_exits_2_and_says_what_to_pass() {
    let run = mailru(["sign"]).args(SESSION_PARAMS).run().await;
    run.expect_code(2);
    assert!(run.stdout.is_empty(), "{run:#?}");
    let line = run.stderr_line();
    assert!(
        line.contains("--app-id") && line.contains("MAILRU_APP_ID"),
        "{line}"
    );

    let run = mailru(["sign", "--app-id", "423004"])
        .args(SESSION_PARAMS)
        .run()
        .await;
    run.expect_code(2);
    assert!(run.stdout.is_empty(), "{run:#?}");
    let line = run.stderr_line();
    assert!(
        line.contains("--private-key") && line.contains("--secret-key") && line.contains("--uid"),
        "{line}"
    );

    // The client circuit forced without its keys.
    let run = mailru([
        "sign",
        "--circuit",
        "client",
        "--app-id",
        "423004",
        "--secret-key",
        APP_SECRET_KEY,
    ])
    .args(SESSION_PARAMS)
    .run()
    .await;
    run.expect_code(2);
    let line = run.stderr_line();
    assert!(line.contains("--private-key"), "{line}");
    assert!(!line.contains(APP_SECRET_KEY), "{line}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_rejects_arguments_that_are_not_key_value() {
    let creds = ["sign", "--app-id", "423004", "--secret-key", APP_SECRET_KEY];
    for bad in ["method", "=friends.get"] {
        let run = mailru(creds).args(["app_id=423004", bad]).run().await;
        run.expect_code(2);
        assert!(run.stdout.is_empty(), "{run:#?}");
        let line = run.stderr_line();
        assert!(line.contains(bad) && line.contains("KEY=VALUE"), "{line}");
    }
    // A parameter given twice cannot be signed either.
    let run = mailru(creds)
        .args(["app_id=423004", "app_id=1"])
        .run()
        .await;
    run.expect_code(2);
    assert!(run.stderr_line().contains("app_id"), "{run:#?}");
}

// ---------------------------------------------------------------------------------------
// login and refresh

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_implicit_prints_the_token_of_the_demo_user() {
    let emu = emulator().await;
    let run = mailru(keys_args(&emu))
        .args(["login", "--email", DEMO_EMAIL, "--password", DEMO_PASSWORD])
        .run()
        .await;
    run.expect_code(0);
    let token = run.json();
    assert_token_json(&token, DEMO_UID);
    assert_eq!(token["uid"], "1324730981306483817");
    assert_ne!(token["access_token"], DEMO_SESSION_KEY, "a new session");
    let log = emu.requests();
    assert!(
        log.iter()
            .any(|r| r.http_method == "POST" && r.path == "/cgi-bin/auth"),
        "the login form was used: {log:#?}"
    );
    assert!(!run.stdout.contains(DEMO_PASSWORD) && !run.stderr.contains(DEMO_PASSWORD));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_with_the_password_grant_uses_the_token_endpoint() {
    let emu = emulator().await;
    let run = mailru(keys_args(&emu))
        .args([
            "login",
            "--grant",
            "password",
            "--email",
            DEMO_EMAIL,
            "--password",
            DEMO_PASSWORD,
            "--scope",
            "stream messages",
        ])
        .run()
        .await;
    run.expect_code(0);
    assert_token_json(&run.json(), DEMO_UID);
    let log = emu.requests();
    let grant = log
        .iter()
        .find(|r| r.path == "/oauth/token")
        .unwrap_or_else(|| panic!("no token request: {log:#?}"));
    assert_eq!(grant.param("grant_type"), Some("password"));
    assert!(
        !log.iter().any(|r| r.path == "/cgi-bin/auth"),
        "no login form: {log:#?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_with_a_token_file_writes_it_private_and_call_uses_it() {
    let emu = emulator().await;
    let dir = TempDir::new("login-token-file");
    let file = dir.file("token.json");
    // A file that exists with a loose mode is tightened, not just rewritten.
    std::fs::write(&file, "{}").unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
    }
    let run = mailru(keys_args(&emu))
        .args(["login", "--email", DEMO_EMAIL, "--password", DEMO_PASSWORD])
        .args(["--token-file", &file])
        .run()
        .await;
    run.expect_code(0);
    assert!(
        run.stdout.is_empty(),
        "the token goes to the file: {run:#?}"
    );
    assert_private(&file);
    let saved = read_json(&file);
    assert_eq!(uid_of(&saved["uid"]), DEMO_UID, "{saved}");
    let access = saved["access_token"]
        .as_str()
        .expect("a saved access token");
    assert!(!run.stderr.contains(access), "{run:#?}");

    // The saved token (and its uid) serve REST calls; the client circuit needs the key.
    let run = mailru(app_args(&emu))
        .args(["call", "users.getInfo", "--token-file", &file])
        .args(["--private-key", APP_PRIVATE_KEY])
        .run()
        .await;
    run.expect_code(0);
    assert_eq!(uid_of(&run.json()[0]["uid"]), DEMO_UID, "{run:#?}");
    let log = emu.requests();
    let calls = rest_calls(&log, "users.getInfo");
    assert_eq!(calls.len(), 1, "{log:#?}");
    assert!(calls[0].param("session_key").is_some(), "{log:#?}");
    assert_eq!(
        calls[0].param("secure"),
        None,
        "the client circuit: {log:#?}"
    );
    assert_eq!(calls[0].error_code, None, "{log:#?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn what_login_prints_is_a_token_file_that_call_accepts() {
    let emu = emulator().await;
    let dir = TempDir::new("login-stdout");
    // `mailru login > printed.json`
    let run = mailru(keys_args(&emu))
        .args(["login", "--email", DEMO_EMAIL, "--password", DEMO_PASSWORD])
        .run()
        .await;
    run.expect_code(0);
    assert!(run.stderr.is_empty(), "{run:#?}");
    let printed = dir.file("printed.json");
    std::fs::write(&printed, &run.stdout).unwrap();
    let token = run.json();
    assert_token_json(&token, DEMO_UID);

    // The same fields as a token file that login saves itself.
    let saved = dir.file("saved.json");
    mailru(keys_args(&emu))
        .args(["login", "--email", DEMO_EMAIL, "--password", DEMO_PASSWORD])
        .args(["--token-file", &saved])
        .run()
        .await
        .expect_code(0);
    assert_eq!(keys_of(&token), keys_of(&read_json(&saved)));

    // `mailru call users.getInfo --token-file printed.json`
    emu.clear_requests();
    let run = mailru(app_args(&emu))
        .args(["--private-key", APP_PRIVATE_KEY])
        .args(["call", "users.getInfo", "--token-file", &printed])
        .run()
        .await;
    run.expect_code(0);
    assert_eq!(uid_of(&run.json()[0]["uid"]), DEMO_UID, "{run:#?}");
    let log = emu.requests();
    let calls = rest_calls(&log, "users.getInfo");
    assert_eq!(calls.len(), 1, "{log:#?}");
    // The log masks the value; the emulator accepted it.
    assert!(calls[0].param("session_key").is_some(), "{log:#?}");
    assert_eq!(calls[0].error_code, None, "{log:#?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_with_a_wrong_password_exits_2_naming_invalid_credentials() {
    let emu = emulator().await;
    let run = mailru(keys_args(&emu))
        .args([
            "login",
            "--email",
            DEMO_EMAIL,
            "--password",
            "not-the-password",
        ])
        .run()
        .await;
    run.expect_code(2);
    assert!(run.stdout.is_empty(), "{run:#?}");
    let line = run.stderr_line();
    assert!(line.contains("invalid_credentials"), "{line}");
    assert!(!line.contains("not-the-password"), "{line}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_without_email_or_code_exits_2_and_says_what_to_pass() {
    let emu = emulator().await;
    let run = mailru(keys_args(&emu))
        .args(["login", "--email", DEMO_EMAIL])
        .run()
        .await;
    run.expect_code(2);
    let line = run.stderr_line();
    assert!(
        line.contains("--password") && line.contains("--code"),
        "{line}"
    );
    assert!(emu.requests().is_empty(), "nothing was sent");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_with_a_code_from_the_dialog_prints_the_token_once() {
    let emu = emulator().await;
    let code = authorization_code(&emu, DEMO_EMAIL, DEMO_PASSWORD).await;
    emu.clear_requests();
    let login =
        mailru(keys_args(&emu)).args(["login", "--code", &code, "--redirect-uri", REDIRECT_URI]);
    let run = login.clone().run().await;
    run.expect_code(0);
    assert_token_json(&run.json(), DEMO_UID);
    let log = emu.requests();
    let exchange = log
        .iter()
        .find(|r| r.path == "/oauth/token")
        .unwrap_or_else(|| panic!("no token request: {log:#?}"));
    assert_eq!(exchange.param("grant_type"), Some("authorization_code"));
    assert_eq!(exchange.param("redirect_uri"), Some(REDIRECT_URI));

    // A used code is refused by the token endpoint.
    let run = login.run().await;
    run.expect_code(2);
    assert!(run.stdout.is_empty(), "{run:#?}");
    assert!(run.stderr_line().contains("token_endpoint"), "{run:#?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_with_a_bogus_code_exits_2_naming_token_endpoint() {
    let emu = emulator().await;
    let run = mailru(keys_args(&emu))
        .args([
            "login",
            "--code",
            "0123456789abcdef0123456789abcdef",
            "--redirect-uri",
            REDIRECT_URI,
        ])
        .run()
        .await;
    run.expect_code(2);
    assert!(run.stdout.is_empty(), "{run:#?}");
    let line = run.stderr_line();
    assert!(
        line.contains("token_endpoint") && line.contains("invalid_grant"),
        "{line}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refresh_replaces_the_access_token_in_the_token_file() {
    let emu = emulator().await;
    let dir = TempDir::new("refresh");
    let file = dir.file("token.json");
    mailru(keys_args(&emu))
        .args(["login", "--grant", "password", "--email", DEMO_EMAIL])
        .args(["--password", DEMO_PASSWORD, "--token-file", &file])
        .run()
        .await
        .expect_code(0);
    let before = read_json(&file);

    emu.clear_requests();
    let run = mailru(keys_args(&emu))
        .args(["refresh", "--token-file", &file])
        .run()
        .await;
    run.expect_code(0);
    assert!(run.stdout.is_empty(), "{run:#?}");
    assert_private(&file);
    let after = read_json(&file);
    assert_eq!(uid_of(&after["uid"]), DEMO_UID, "{after}");
    assert!(
        after["access_token"]
            .as_str()
            .is_some_and(|t| t.len() == 32),
        "{after}"
    );
    assert_ne!(
        after["access_token"], before["access_token"],
        "a new access token"
    );
    let log = emu.requests();
    let refresh = log
        .iter()
        .find(|r| r.path == "/oauth/token")
        .unwrap_or_else(|| panic!("no token request: {log:#?}"));
    assert_eq!(refresh.param("grant_type"), Some("refresh_token"));

    // The new token works.
    let run = mailru(keys_args(&emu))
        .args(["call", "users.getInfo", "--token-file", &file])
        .run()
        .await;
    run.expect_code(0);
    assert_eq!(uid_of(&run.json()[0]["uid"]), DEMO_UID);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refresh_without_a_token_file_exits_2() {
    let emu = emulator().await;
    let run = mailru(keys_args(&emu)).args(["refresh"]).run().await;
    run.expect_code(2);
    assert!(run.stdout.is_empty(), "{run:#?}");
    assert!(run.stderr_line().contains("--token-file"), "{run:#?}");

    // A token file that does not exist (yet) says to log in first.
    let dir = TempDir::new("refresh-missing");
    let file = dir.file("absent.json");
    let run = mailru(keys_args(&emu))
        .args(["refresh", "--token-file", &file])
        .run()
        .await;
    run.expect_code(2);
    assert!(run.stderr_line().contains("mailru login"), "{run:#?}");
    assert!(!Path::new(&file).exists());
    assert!(emu.requests().is_empty(), "nothing was sent");
}

// ---------------------------------------------------------------------------------------
// call

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn call_prints_the_json_result_and_exits_0() {
    let emu = emulator().await;
    let run = mailru(client_args(&emu))
        .args(["call", "users.getInfo"])
        .run()
        .await;
    run.expect_code(0);
    assert!(run.stderr.is_empty(), "{run:#?}");
    let users = run.json();
    assert_eq!(uid_of(&users[0]["uid"]), DEMO_UID, "{users}");
    assert_eq!(users[0]["first_name"], "Дмитрий", "{users}");

    let run = mailru(client_args(&emu))
        .args(["call", "friends.get"])
        .run()
        .await;
    run.expect_code(0);
    assert_eq!(
        run.json().as_array().map(Vec::len),
        Some(100),
        "one call is one page (at most 100 of the 250 friends; `all` pages)"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn call_with_an_api_error_exits_1_with_code_and_message() {
    let emu = emulator().await;
    let run = mailru(client_args(&emu))
        .args(["call", "stream.getByAuthor"])
        .args([format!("uid={CLOSED_COMMUNITY_UID}")])
        .run()
        .await;
    run.expect_code(1);
    assert!(run.stdout.is_empty(), "{run:#?}");
    let line = run.stderr_line();
    assert!(line.starts_with("error 202: "), "{line}");
    assert!(
        line.len() > "error 202: ".len(),
        "a message follows: {line}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn call_raw_prints_the_error_body_and_exits_0() {
    let emu = emulator().await;
    let run = mailru(client_args(&emu))
        .args(["call", "--raw", "stream.getByAuthor"])
        .args([format!("uid={CLOSED_COMMUNITY_UID}")])
        .run()
        .await;
    run.expect_code(0);
    assert!(run.stderr.is_empty(), "{run:#?}");
    let body = run.json();
    assert_eq!(body["error"]["error_code"], 202, "{body}");
    assert!(body["error"]["error_msg"].is_string(), "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn call_with_only_the_secret_key_is_a_sessionless_server_call() {
    let emu = emulator().await;
    let run = mailru(app_args(&emu))
        .args(["--secret-key", APP_SECRET_KEY, "call", "users.getInfo"])
        .args([format!("uids={DEMO_UID},{INBOX_UID}")])
        .run()
        .await;
    run.expect_code(0);
    let users = run.json();
    let uids: Vec<u64> = users
        .as_array()
        .expect("an array of users")
        .iter()
        .map(|u| uid_of(&u["uid"]))
        .collect();
    assert_eq!(uids, [DEMO_UID, INBOX_UID], "{users}");
    let log = emu.requests();
    let calls = rest_calls(&log, "users.getInfo");
    assert_eq!(calls.len(), 1, "{log:#?}");
    assert_eq!(calls[0].param("secure"), Some("1"), "{log:#?}");
    assert_eq!(calls[0].param("session_key"), None, "{log:#?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn call_without_any_token_or_key_exits_2_and_says_what_to_pass() {
    let emu = emulator().await;
    let run = mailru(app_args(&emu))
        .args(["call", "users.getInfo"])
        .run()
        .await;
    run.expect_code(2);
    let line = run.stderr_line();
    assert!(
        line.contains("--access-token")
            && line.contains("--token-file")
            && line.contains("--secret-key"),
        "{line}"
    );

    // A token file that does not exist is not silently replaced by a sessionless call.
    let dir = TempDir::new("call-missing-token-file");
    let run = mailru(keys_args(&emu))
        .args(["call", "users.getInfo", "uids=1"])
        .args(["--token-file", &dir.file("absent.json")])
        .run()
        .await;
    run.expect_code(2);
    assert!(run.stderr_line().contains("mailru login"), "{run:#?}");

    let run = mailru(client_args(&emu))
        .args(["call", "users.getInfo", "uids"])
        .run()
        .await;
    run.expect_code(2);
    assert!(run.stderr_line().contains("KEY=VALUE"), "{run:#?}");
    assert!(emu.requests().is_empty(), "nothing was sent");
}

// ---------------------------------------------------------------------------------------
// all

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn all_prints_max_items_of_a_stream_as_json_lines() {
    let emu = emulator().await;
    let run = mailru(client_args(&emu))
        .args(["all", "stream.getByAuthor", "--max", "250"])
        .args([format!("uid={BIG_COMMUNITY_UID}")])
        .run()
        .await;
    run.expect_code(0);
    assert!(
        run.stderr.is_empty(),
        "no progress when stderr is not a terminal: {run:#?}"
    );
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 250);
    let mut ids = HashSet::new();
    for line in &lines {
        let event: Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}"));
        assert!(event.is_object(), "{line}");
        ids.insert(line.to_string());
    }
    assert_eq!(ids.len(), 250, "no item twice");
    let log = emu.requests();
    assert!(
        rest_calls(&log, "stream.getByAuthor").len() >= 3,
        "pages of at most 100: {log:#?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn all_prints_every_friend() {
    let emu = emulator().await;
    let run = mailru(client_args(&emu))
        .args(["all", "friends.get", "--page-size", "100"])
        .run()
        .await;
    run.expect_code(0);
    let friends: HashSet<u64> = run
        .stdout
        .lines()
        .map(|l| uid_of(&serde_json::from_str(l).unwrap()))
        .collect();
    assert_eq!(run.stdout.lines().count(), 250, "{run:#?}");
    assert_eq!(friends.len(), 250);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn all_of_a_method_that_is_not_paginated_exits_2_listing_the_paginated_ones() {
    let emu = emulator().await;
    let run = mailru(client_args(&emu))
        .args(["all", "users.getInfo"])
        .run()
        .await;
    run.expect_code(2);
    assert!(run.stdout.is_empty(), "{run:#?}");
    let line = run.stderr_line();
    assert!(
        line.contains("users.getInfo") && line.contains("friends.get"),
        "{line}"
    );
    assert!(emu.requests().is_empty(), "nothing was sent");
}

// ---------------------------------------------------------------------------------------
// resolve

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn resolve_prints_the_uid_and_profile_of_a_community() {
    let emu = emulator().await;
    for link in [
        "community/mailru_devs",
        "https://my.mail.ru/community/mailru_devs/",
    ] {
        let run = mailru(["--base-url", emu.base_url(), "resolve", link])
            .run()
            .await;
        run.expect_code(0);
        let v = run.json();
        assert_eq!(v["uid"], "5396991818946538245", "{v}");
        assert_eq!(uid_of(&v["profile"]["uid"]), BIG_COMMUNITY_UID, "{v}");
        assert_eq!(v["profile"]["nick"], BIG_COMMUNITY_NAME, "{v}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn resolve_of_an_unknown_link_exits_2() {
    let emu = emulator().await;
    let run = mailru([
        "--base-url",
        emu.base_url(),
        "resolve",
        "community/no_such_community_anywhere",
    ])
    .run()
    .await;
    run.expect_code(2);
    assert!(run.stdout.is_empty(), "{run:#?}");
    let line = run.stderr_line();
    assert!(line.contains("no_such_community_anywhere"), "{line}");
    assert!(!line.contains("<html"), "no HTML in the message: {line}");

    let run = mailru(["--base-url", emu.base_url(), "resolve", "not-a-link"])
        .run()
        .await;
    run.expect_code(2);
    assert!(run.stderr_line().contains("not-a-link"), "{run:#?}");
}

// ---------------------------------------------------------------------------------------
// emulator

/// Kills the child on drop, so a failing test leaves no server behind.
struct KillOnDrop(Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn emulator_subcommand_prints_its_base_url_and_serves() {
    let mut child = KillOnDrop(
        mailru(["emulator", "--port", "0", "--seed", "7"])
            .command()
            .spawn()
            .expect("mailru emulator starts"),
    );
    let stdout = child.0.stdout.take().expect("stdout is piped");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut line = String::new();
        let _ = BufReader::new(stdout).read_line(&mut line);
        let _ = tx.send(line);
    });
    let line = tokio::task::spawn_blocking(move || rx.recv_timeout(Duration::from_secs(30)))
        .await
        .unwrap()
        .expect("the first line comes within 30 s");
    let base = line.trim().to_owned();
    assert!(base.starts_with("http://127.0.0.1:"), "{line:?}");
    assert_ne!(base, "http://127.0.0.1:0", "a real port");

    let health_base = base.clone();
    let health = tokio::task::spawn_blocking(move || {
        http(&health_base, "GET", "/_emulator/health", &[], "")
    })
    .await
    .unwrap();
    assert_eq!(health.status, 200, "{}", health.body);
    assert!(health.body.contains("ok"), "{}", health.body);

    // The CLI itself works against it.
    let run = mailru(["--base-url", &base, "resolve", "community/mailru_devs"])
        .run()
        .await;
    run.expect_code(0);
    assert_eq!(run.json()["uid"], "5396991818946538245");

    child.0.kill().expect("the emulator can be killed");
    let status = child.0.wait().unwrap();
    assert!(!status.success(), "it only stops when killed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn emulator_subcommand_on_a_busy_port_exits_2() {
    let emu = emulator().await;
    let port = emu.addr().port().to_string();
    let run = mailru(["emulator", "--port", &port]).run().await;
    run.expect_code(2);
    assert!(run.stdout.is_empty(), "{run:#?}");
    assert!(run.stderr_line().contains(&port), "{run:#?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn emulator_help_lists_only_the_emulators_options() {
    for help in [
        ["emulator", "--help"],
        ["emulator", "-h"],
        ["help", "emulator"],
    ] {
        let run = mailru(help).run().await;
        run.expect_code(0);
        assert!(run.stderr.is_empty(), "{run:#?}");
        for option in ["--port", "--seed", "Usage: mailru emulator"] {
            assert!(run.stdout.contains(option), "{help:?}: {option}: {run:#?}");
        }
        for client in [
            "--access-token",
            "--token-file",
            "--base-url",
            "--private-key",
            "--circuit",
            "MAILRU_",
        ] {
            assert!(!run.stdout.contains(client), "{help:?}: {client}: {run:#?}");
        }
    }
    // The main help still offers the subcommand (and the client's options).
    let run = mailru(["--help"]).run().await;
    run.expect_code(0);
    assert!(
        run.stdout
            .lines()
            .any(|l| l.trim_start().starts_with("emulator ")),
        "{run:#?}"
    );
    assert!(run.stdout.contains("--access-token"), "{run:#?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn emulator_options_that_are_wrong_exit_2_naming_them() {
    for (args, needle) in [
        (vec!["emulator", "--port", "not-a-port"], "--port"),
        (vec!["emulator", "--port", "70000"], "--port"),
        (vec!["emulator", "--seed"], "--seed"),
        (vec!["emulator", "--community"], "--community"),
        (vec!["emulator", "extra"], "extra"),
    ] {
        let run = mailru(args.clone()).run().await;
        run.expect_code(2);
        assert!(run.stdout.is_empty(), "{args:?}: {run:#?}");
        assert!(run.stderr.contains(needle), "{args:?}: {run:#?}");
    }
}

// ---------------------------------------------------------------------------------------
// completions

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn completions_print_a_script_of_every_subcommand() {
    for shell in ["bash", "zsh", "fish"] {
        let run = mailru(["completions", shell]).run().await;
        run.expect_code(0);
        assert!(run.stderr.is_empty(), "{shell}: {run:#?}");
        for word in [
            "sign",
            "login",
            "refresh",
            "call",
            "all",
            "resolve",
            "emulator",
            "completions",
            // Options (fish writes `-l quiet`).
            "token-file",
            "quiet",
            // The emulator's own options, parsed apart, are completed too.
            "port",
            "seed",
        ] {
            assert!(run.stdout.contains(word), "{shell}: {word}: {}", run.stdout);
        }
    }
    let run = mailru(["completions", "bash"]).run().await;
    assert!(run.stdout.contains("complete -F _mailru"), "{}", run.stdout);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn completions_of_an_unknown_shell_exit_2() {
    for (args, needle) in [
        (
            vec!["completions", "tcsh"],
            "[possible values: bash, elvish, fish",
        ),
        (vec!["completions"], "<SHELL>"),
    ] {
        let run = mailru(args.clone()).run().await;
        run.expect_code(2);
        assert!(run.stdout.is_empty(), "{args:?}: {run:#?}");
        assert!(run.stderr.contains(needle), "{args:?}: {run:#?}");
    }
}

// ---------------------------------------------------------------------------------------
// Network failures, the environment.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_platform_exits_2_and_points_at_the_base_url() {
    let runs = [
        mailru([
            "--base-url",
            DEAD_URL,
            "--app-id",
            "423004",
            "--secret-key",
            APP_SECRET_KEY,
            "call",
            "users.getInfo",
            "uids=1",
        ]),
        mailru([
            "--base-url",
            DEAD_URL,
            "--app-id",
            "423004",
            "--secret-key",
            APP_SECRET_KEY,
            "call",
            "--raw",
            "users.getInfo",
        ]),
        mailru(["--base-url", DEAD_URL, "resolve", "community/mailru_devs"]),
        mailru([
            "--base-url",
            DEAD_URL,
            "--app-id",
            "423004",
            "--secret-key",
            APP_SECRET_KEY,
            "login",
            "--email",
            DEMO_EMAIL,
            "--password",
            DEMO_PASSWORD,
        ]),
    ];
    for cli in runs {
        let run = cli.run().await;
        run.expect_code(2);
        assert!(run.stdout.is_empty(), "{run:#?}");
        let line = run.stderr_line();
        assert!(line.contains("--base-url"), "says what to check: {line}");
    }

    let run = mailru([
        "--base-url",
        "not a url",
        "--app-id",
        "423004",
        "--secret-key",
        APP_SECRET_KEY,
        "call",
        "users.getInfo",
    ])
    .run()
    .await;
    run.expect_code(2);
    assert!(run.stderr_line().contains("--base-url"), "{run:#?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn environment_variables_replace_the_flags() {
    let emu = emulator().await;
    let env = |cli: Cli| {
        cli.env("MAILRU_BASE_URL", emu.base_url())
            .env("MAILRU_APP_ID", APP_ID.to_string())
            .env("MAILRU_UID", DEMO_UID.to_string())
            .env("MAILRU_PRIVATE_KEY", APP_PRIVATE_KEY)
            .env("MAILRU_ACCESS_TOKEN", DEMO_SESSION_KEY)
    };
    let run = env(mailru(["call", "users.getInfo"])).run().await;
    run.expect_code(0);
    assert_eq!(uid_of(&run.json()[0]["uid"]), DEMO_UID);

    let run = env(mailru(["sign"]).args(SESSION_PARAMS)).run().await;
    run.expect_code(0);
    assert_eq!(run.stdout.trim(), CLIENT_SIG);

    let run = mailru(["sign"])
        .args(SESSION_PARAMS)
        .args(["secure=1"])
        .env("MAILRU_APP_ID", "423004")
        .env("MAILRU_SECRET_KEY", APP_SECRET_KEY)
        .env("MAILRU_CIRCUIT", "server")
        .run()
        .await;
    run.expect_code(0);
    assert_eq!(run.stdout.trim(), SERVER_SIG);

    // A flag wins over its variable.
    let run = env(mailru(["sign", "--app-id", "423004"]).args(SESSION_PARAMS))
        .env("MAILRU_APP_ID", "1")
        .run()
        .await;
    run.expect_code(0);
    assert_eq!(run.stdout.trim(), CLIENT_SIG);

    // Login with the token file and password from the environment.
    let dir = TempDir::new("env");
    let file = dir.file("token.json");
    let run = mailru(["login", "--email", DEMO_EMAIL])
        .env("MAILRU_BASE_URL", emu.base_url())
        .env("MAILRU_APP_ID", APP_ID.to_string())
        .env("MAILRU_SECRET_KEY", APP_SECRET_KEY)
        .env("MAILRU_PASSWORD", DEMO_PASSWORD)
        .env("MAILRU_TOKEN_FILE", &file)
        .run()
        .await;
    run.expect_code(0);
    assert_private(&file);
    assert_eq!(uid_of(&read_json(&file)["uid"]), DEMO_UID);
    let run = mailru(["call", "users.getInfo"])
        .env("MAILRU_BASE_URL", emu.base_url())
        .env("MAILRU_APP_ID", APP_ID.to_string())
        .env("MAILRU_SECRET_KEY", APP_SECRET_KEY)
        .env("MAILRU_TOKEN_FILE", &file)
        .run()
        .await;
    run.expect_code(0);
    assert_eq!(uid_of(&run.json()[0]["uid"]), DEMO_UID);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_token_is_renewed_and_saved_back_to_the_token_file() {
    let emu = emulator().await;
    let dir = TempDir::new("expired");
    let file = dir.file("token.json");
    mailru(keys_args(&emu))
        .args(["login", "--email", DEMO_EMAIL, "--password", DEMO_PASSWORD])
        .args(["--token-file", &file])
        .run()
        .await
        .expect_code(0);
    let access = read_json(&file)["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(emu.expire_token(&access), "the emulator knows the token");
    emu.clear_requests();

    let run = mailru(keys_args(&emu))
        .args(["call", "users.getInfo", "--token-file", &file])
        .run()
        .await;
    run.expect_code(0);
    assert_eq!(uid_of(&run.json()[0]["uid"]), DEMO_UID);
    let renewed = read_json(&file);
    assert_ne!(renewed["access_token"].as_str(), Some(access.as_str()));
    assert_private(&file);
    let log = emu.requests();
    let refreshes = log
        .iter()
        .filter(|r| r.path == "/oauth/token" && r.param("grant_type") == Some("refresh_token"))
        .count();
    assert_eq!(refreshes, 1, "{log:#?}");
    // The saved token is the one that works now: the next call renews nothing.
    emu.clear_requests();
    mailru(keys_args(&emu))
        .args(["call", "users.getInfo", "--token-file", &file])
        .run()
        .await
        .expect_code(0);
    assert!(emu.requests().iter().all(|r| r.path != "/oauth/token"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn all_with_an_expiring_token_finishes_and_leaves_the_renewed_token_in_the_file() {
    let emu = Emulator::builder()
        .seed(7)
        .token_ttl(Duration::from_secs(2))
        .start()
        .await
        .unwrap();
    let dir = TempDir::new("expiring");
    let file = dir.file("token.json");
    mailru(keys_args(&emu))
        .args(["login", "--email", DEMO_EMAIL, "--password", DEMO_PASSWORD])
        .args(["--grant", "password", "--token-file", &file])
        .run()
        .await
        .expect_code(0);
    let first = read_json(&file)["access_token"].clone();
    // Every page takes 300 ms: the 12 pages outlive a token or two.
    emu.inject(
        Fault::new(FaultKind::Delay { ms: 300 })
            .target("stream.getByAuthor")
            .times(1_000),
    );
    let run = mailru(keys_args(&emu))
        .args(["all", "stream.getByAuthor", "--token-file", &file])
        .args([format!("uid={BIG_COMMUNITY_UID}")])
        .run()
        .await;
    run.expect_code(0);
    let ids: HashSet<String> = run
        .stdout
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["id"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!((run.stdout.lines().count(), ids.len()), (1_200, 1_200));
    let saved = read_json(&file);
    assert_ne!(saved["access_token"], first, "the renewed token was saved");
    assert_private(&file);
    emu.clear_faults();
    // The file drives the next run.
    mailru(keys_args(&emu))
        .args(["call", "users.isAppUser", "--token-file", &file])
        .run()
        .await
        .expect_code(0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_option_values_exit_2_naming_the_option() {
    for (args, option) in [
        (
            vec!["--app-id", "four-two-three", "sign", "a=b"],
            "--app-id",
        ),
        (vec!["--circuit", "both", "sign", "a=b"], "--circuit"),
        (vec!["login", "--code", "abc"], "--redirect-uri"),
        (vec!["all", "friends.get", "--max", "many"], "--max"),
        (vec!["frobnicate"], "frobnicate"),
    ] {
        let run = mailru(args.clone()).run().await;
        run.expect_code(2);
        assert!(run.stdout.is_empty(), "{run:#?}");
        assert!(run.stderr.contains(option), "{args:?}: {run:#?}");
    }
    // A variable with a bad value is reported like its flag.
    let run = mailru(["sign", "a=b"])
        .env("MAILRU_APP_ID", "four-two-three")
        .run()
        .await;
    run.expect_code(2);
    assert!(run.stderr.contains("--app-id"), "{run:#?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nothing_of_the_developers_environment_is_needed() {
    // With no MAILRU_* variable and no flag, the app id is missing: nothing leaked in.
    let run = mailru(["call", "users.getInfo"]).run().await;
    run.expect_code(2);
    assert!(run.stderr_line().contains("MAILRU_APP_ID"), "{run:#?}");
}

/// `args` of `mailru` as one shell command line, followed by `redirects`.
fn shell_line(args: &[String], redirects: &str) -> String {
    let quote = |s: &str| format!("'{}'", s.replace('\'', r"'\''"));
    let mut line: Vec<String> = vec![quote(env!("CARGO_BIN_EXE_mailru"))];
    line.extend(args.iter().map(|a| quote(a)));
    line.push(redirects.to_owned());
    line.join(" ")
}

/// Runs `shell_line` under `script` (util-linux), which gives it a terminal (with
/// `TERM=xterm`), and returns what the terminal showed; `None` (a failure on CI) when
/// `script` is not usable here. The command must succeed.
async fn in_terminal(test: &str, shell_line: String) -> Option<String> {
    let result = tokio::task::spawn_blocking(move || {
        isolated("script")
            .args(["-qec", &shell_line, "/dev/null"])
            .env("TERM", "xterm")
            .stdin(Stdio::null())
            .output()
    })
    .await
    .unwrap();
    let output = match result {
        Ok(o) if o.status.code() != Some(127) => o,
        other => {
            let why = format!("`script` (util-linux) is not usable here: {other:?}");
            assert!(!on_ci(), "CI is set and {why}: install util-linux");
            // Straight to stderr: libtest hides `eprintln!` of passing tests.
            let _ = writeln!(std::io::stderr(), "notice: skipping {test}: {why}");
            return None;
        }
    };
    assert!(output.status.success(), "{output:?}");
    Some(String::from_utf8_lossy(&output.stdout).into_owned())
}

#[cfg(target_os = "linux")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn all_shows_progress_when_stderr_is_a_terminal() {
    let emu = emulator().await;
    let dir = TempDir::new("progress");
    let out = dir.file("items.jsonl");
    let mut args = client_args(&emu);
    args.extend(["all", "friends.get"].map(String::from));
    let line = shell_line(&args, &format!("> '{out}'"));
    let Some(terminal) = in_terminal("all_shows_progress_when_stderr_is_a_terminal", line).await
    else {
        return;
    };
    // The last state drawn: every item and every page counted, and the end.
    let last = terminal
        .rsplit("friends.get: ")
        .next()
        .filter(|_| terminal.contains("friends.get: "))
        .unwrap_or_else(|| panic!("no progress on the terminal: {terminal:?}"));
    assert!(
        last.starts_with("250 items, 3 pages, ") && last.contains(" items/s, "),
        "the final state: {last:?} in {terminal:?}"
    );
    assert!(
        last.trim_end().ends_with(", done"),
        "{last:?} in {terminal:?}"
    );
    let items = std::fs::read_to_string(&out).unwrap();
    assert_eq!(items.lines().count(), 250);
    assert!(!items.contains("items"), "no progress in the data");
}

#[cfg(target_os = "linux")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn all_with_quiet_draws_nothing_on_a_terminal() {
    let emu = emulator().await;
    let dir = TempDir::new("quiet");
    for flag in ["--quiet", "-q"] {
        let out = dir.file("items.jsonl");
        let mut args = client_args(&emu);
        args.extend(["all", "friends.get", flag].map(String::from));
        let line = shell_line(&args, &format!("> '{out}'"));
        let Some(terminal) = in_terminal("all_with_quiet_draws_nothing_on_a_terminal", line).await
        else {
            return;
        };
        assert_eq!(terminal, "", "{flag}: nothing on the terminal");
        let items = std::fs::read_to_string(&out).unwrap();
        assert_eq!(items.lines().count(), 250, "{flag}");
    }
}

#[cfg(target_os = "linux")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn all_writes_nothing_to_a_stderr_file_beside_a_terminal() {
    let emu = emulator().await;
    let dir = TempDir::new("stderr-file");
    let (out, err) = (dir.file("items.jsonl"), dir.file("err"));
    let mut args = client_args(&emu);
    args.extend(["all", "friends.get"].map(String::from));
    let line = shell_line(&args, &format!("> '{out}' 2> '{err}'"));
    let Some(terminal) = in_terminal(
        "all_writes_nothing_to_a_stderr_file_beside_a_terminal",
        line,
    )
    .await
    else {
        return;
    };
    assert_eq!(std::fs::read_to_string(&err).unwrap(), "", "err is empty");
    assert_eq!(terminal, "", "nor is anything drawn on the terminal");
    assert_eq!(std::fs::read_to_string(&out).unwrap().lines().count(), 250);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn all_leaves_a_stderr_file_empty() {
    let emu = emulator().await;
    let dir = TempDir::new("stderr-file-plain");
    let err = dir.file("err");
    let file = std::fs::File::create(&err).unwrap();
    let mut cmd = mailru(client_args(&emu))
        .args(["all", "friends.get"])
        .command();
    cmd.stderr(file);
    let (status, stdout) = tokio::task::spawn_blocking(move || {
        let mut child = cmd.spawn().expect("mailru starts");
        let stdout = drain(child.stdout.take().expect("stdout is piped"));
        let status = wait_with_deadline(&mut child, CHILD_DEADLINE).expect("mailru ends");
        (status, stdout.join().unwrap())
    })
    .await
    .unwrap();
    assert!(status.success(), "{status:?}");
    assert_eq!(stdout.lines().count(), 250);
    assert_eq!(
        std::fs::read_to_string(&err).unwrap(),
        "",
        "2>err stays empty"
    );
}

#[test]
fn children_get_no_proxy_variable_of_the_developers_machine() {
    let cmd = isolated("mailru");
    let removed: HashSet<String> = cmd
        .get_envs()
        .filter(|(_, v)| v.is_none())
        .map(|(k, _)| k.to_string_lossy().into_owned())
        .collect();
    for key in PROXY_VARIABLES {
        assert!(removed.contains(key), "{key} is not cleared: {removed:?}");
    }
    // Whatever the developer has set, a child sees only what a test sets.
    let with = mailru(["call"])
        .env("HTTPS_PROXY", "http://127.0.0.1:9")
        .command();
    assert!(
        with.get_envs()
            .any(|(k, v)| k == "HTTPS_PROXY" && v.is_some_and(|v| v == "http://127.0.0.1:9")),
        "a test's own variable wins"
    );
}

// ---------------------------------------------------------------------------------------
// Passwords off the command line.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_reads_the_password_from_stdin() {
    let emu = emulator().await;
    for grant in ["implicit", "password"] {
        let run = mailru(keys_args(&emu))
            .args(["login", "--grant", grant, "--email", DEMO_EMAIL])
            .args(["--password-stdin"])
            .stdin(format!("{DEMO_PASSWORD}\nthe second line is not read\n"))
            .run()
            .await;
        run.expect_code(0);
        assert_token_json(&run.json(), DEMO_UID);
        assert!(run.stderr.is_empty(), "{run:#?}");
    }
    // A wrong password from stdin is a wrong password.
    let run = mailru(keys_args(&emu))
        .args(["login", "--email", DEMO_EMAIL, "--password-stdin"])
        .stdin("not-the-password\r\n")
        .run()
        .await;
    run.expect_code(2);
    assert_eq!(
        run.stderr_line(),
        "error: invalid_credentials: invalid e-mail or password"
    );
    // Nothing on stdin: said so, nothing sent.
    emu.clear_requests();
    let run = mailru(keys_args(&emu))
        .args(["login", "--email", DEMO_EMAIL, "--password-stdin"])
        .run()
        .await;
    run.expect_code(2);
    assert_eq!(
        run.stderr_line(),
        "error: --password-stdin: stdin is empty: pipe the password in, one line"
    );
    assert!(emu.requests().is_empty(), "nothing was sent");
    // Not together with --password.
    let run = mailru(keys_args(&emu))
        .args(["login", "--email", DEMO_EMAIL, "--password-stdin"])
        .args(["--password", DEMO_PASSWORD])
        .stdin(DEMO_PASSWORD)
        .run()
        .await;
    run.expect_code(2);
    assert!(
        run.stderr.contains("--password-stdin") && run.stderr.contains("cannot be used"),
        "{run:#?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_help_says_the_password_option_is_visible_and_offers_the_others() {
    let run = mailru(["login", "--help"]).run().await;
    run.expect_code(0);
    for needle in [
        "--password-stdin",
        "MAILRU_PASSWORD",
        "visible to other users of this machine",
        "process list",
    ] {
        assert!(run.stdout.contains(needle), "{needle}: {}", run.stdout);
    }
}

// ---------------------------------------------------------------------------------------
// Secrets never printed: every subcommand with sentinel keys, tokens and passwords.

const SENTINEL_PRIVATE_KEY: &str = "SENTINELpk7e1";
const SENTINEL_SECRET_KEY: &str = "SENTINELsk4b2";
const SENTINEL_ACCESS_TOKEN: &str = "SENTINELat9c3";
const SENTINEL_REFRESH_TOKEN: &str = "SENTINELrt2a1";
const SENTINEL_PASSWORD: &str = "SENTINELpw5d8";
const SENTINEL_CODE: &str = "SENTINELcode6f";

/// Asserts that no sentinel (nor any part of the word) is in the run's output.
#[track_caller]
fn assert_no_sentinel(what: &str, run: &Run) {
    for out in [&run.stdout, &run.stderr] {
        assert!(
            !out.contains("SENTINEL") && !out.to_ascii_lowercase().contains("sentinel"),
            "{what}: a secret was printed: {run:#?}"
        );
    }
}

/// A command line with the key and password variables set to sentinels (flags win over
/// them), and tracing asked for (the CLI has no debug switch; `RUST_LOG` and
/// `RUST_BACKTRACE` are the nearest). `MAILRU_ACCESS_TOKEN` is set per case: it takes
/// precedence over a token file.
fn with_sentinel_env(cli: Cli) -> Cli {
    cli.env("MAILRU_PRIVATE_KEY", SENTINEL_PRIVATE_KEY)
        .env("MAILRU_SECRET_KEY", SENTINEL_SECRET_KEY)
        .env("MAILRU_PASSWORD", SENTINEL_PASSWORD)
        .env("RUST_LOG", "trace")
        .env("RUST_BACKTRACE", "1")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_subcommand_prints_a_secret() {
    let emu = emulator().await;
    let dir = TempDir::new("sentinel");
    let base = emu.base_url().to_owned();
    let app = ["--base-url", base.as_str(), "--app-id", "423004"];
    let uid = DEMO_UID.to_string();

    // A token file of sentinel tokens: refresh and calls through it fail, quietly.
    let token_file = dir.file("sentinel-token.json");
    std::fs::write(
        &token_file,
        serde_json::json!({
            "access_token": SENTINEL_ACCESS_TOKEN,
            "refresh_token": SENTINEL_REFRESH_TOKEN,
            "expires_at": 4_000_000_000u64,
            "uid": uid,
            "token_type": "bearer",
            "scope": [],
        })
        .to_string(),
    )
    .unwrap();
    let sentinel_file = std::fs::read_to_string(&token_file).unwrap();

    let cases: Vec<(&str, Cli, Option<i32>)> = vec![
        (
            "sign --explain, client circuit",
            mailru(["sign", "--explain", "--app-id", "423004", "--uid", &uid])
                .args(["--private-key", SENTINEL_PRIVATE_KEY])
                .args(["--secret-key", SENTINEL_SECRET_KEY])
                .args(SESSION_PARAMS),
            Some(0),
        ),
        (
            "sign --explain, server circuit",
            mailru([
                "sign",
                "--explain",
                "--circuit",
                "server",
                "--app-id",
                "423004",
            ])
            .args(["--secret-key", SENTINEL_SECRET_KEY])
            .args(["--access-token", SENTINEL_ACCESS_TOKEN])
            .args(SESSION_PARAMS)
            .args(["secure=1"]),
            Some(0),
        ),
        (
            "sign without a usable circuit",
            mailru(["sign", "--circuit", "client", "--app-id", "423004"])
                .args(["--secret-key", SENTINEL_SECRET_KEY])
                .args(SESSION_PARAMS),
            Some(2),
        ),
        (
            "login (implicit) with a wrong password",
            mailru(app)
                .args(["--secret-key", SENTINEL_SECRET_KEY])
                .args([
                    "login",
                    "--email",
                    DEMO_EMAIL,
                    "--password",
                    SENTINEL_PASSWORD,
                ]),
            Some(2),
        ),
        (
            "login (password grant) with a wrong password from stdin",
            mailru(app)
                .args(["--secret-key", APP_SECRET_KEY])
                .args(["login", "--grant", "password", "--email", DEMO_EMAIL])
                .args(["--password-stdin"])
                .stdin(format!("{SENTINEL_PASSWORD}\n")),
            Some(2),
        ),
        (
            "login (password grant) with a wrong secret key",
            mailru(app)
                .args(["--secret-key", SENTINEL_SECRET_KEY])
                .args(["login", "--grant", "password", "--email", DEMO_EMAIL])
                .args(["--password", DEMO_PASSWORD]),
            Some(2),
        ),
        (
            "login (code grant) with a bogus code",
            mailru(app).args(["--secret-key", APP_SECRET_KEY]).args([
                "login",
                "--code",
                SENTINEL_CODE,
                "--redirect-uri",
                REDIRECT_URI,
            ]),
            Some(2),
        ),
        (
            "login that succeeds, the token printed (the one exception: not a sentinel)",
            mailru(app)
                .args(["--secret-key", APP_SECRET_KEY])
                .args(["--access-token", SENTINEL_ACCESS_TOKEN])
                .args(["login", "--email", DEMO_EMAIL, "--password", DEMO_PASSWORD]),
            Some(0),
        ),
        (
            "refresh of a token file of sentinels",
            mailru(app).args(["--secret-key", APP_SECRET_KEY]).args([
                "refresh",
                "--token-file",
                &token_file,
            ]),
            Some(2),
        ),
        (
            "call with a sentinel access token",
            mailru(app)
                .args(["--uid", &uid, "--private-key", APP_PRIVATE_KEY])
                .args(["--access-token", SENTINEL_ACCESS_TOKEN])
                .args(["call", "users.getInfo"]),
            Some(1),
        ),
        (
            "call with a sentinel access token from the environment",
            mailru(app)
                .args(["--uid", &uid, "--private-key", APP_PRIVATE_KEY])
                .args(["call", "users.getInfo"])
                .env("MAILRU_ACCESS_TOKEN", SENTINEL_ACCESS_TOKEN),
            Some(1),
        ),
        (
            "call --raw with a sentinel access token",
            mailru(app)
                .args(["--uid", &uid, "--private-key", APP_PRIVATE_KEY])
                .args(["--access-token", SENTINEL_ACCESS_TOKEN])
                .args(["call", "--raw", "users.getInfo"]),
            Some(0),
        ),
        (
            "call through a token file of sentinels (102, then a failed renewal)",
            mailru(app)
                .args([
                    "--private-key",
                    APP_PRIVATE_KEY,
                    "--secret-key",
                    APP_SECRET_KEY,
                ])
                .args(["call", "users.getInfo", "--token-file", &token_file]),
            Some(2),
        ),
        (
            "call that succeeds, with a sentinel secret key beside the real keys",
            mailru(app)
                .args(["--uid", &uid, "--private-key", APP_PRIVATE_KEY])
                .args(["--secret-key", SENTINEL_SECRET_KEY])
                .args(["--access-token", DEMO_SESSION_KEY])
                .args(["call", "users.getInfo"]),
            Some(0),
        ),
        (
            "call with a parameter that is not KEY=VALUE",
            mailru(app)
                .args(["--access-token", SENTINEL_ACCESS_TOKEN])
                .args(["call", "users.getInfo", "="]),
            Some(2),
        ),
        (
            "all with a sentinel access token",
            mailru(app)
                .args(["--uid", &uid, "--private-key", APP_PRIVATE_KEY])
                .args(["--access-token", SENTINEL_ACCESS_TOKEN])
                .args(["all", "friends.get"]),
            Some(1),
        ),
        (
            "all that succeeds",
            mailru(app)
                .args(["--uid", &uid, "--private-key", APP_PRIVATE_KEY])
                .args(["--access-token", DEMO_SESSION_KEY])
                .args(["--secret-key", SENTINEL_SECRET_KEY])
                .args(["all", "friends.get", "--max", "3"]),
            Some(0),
        ),
        (
            "resolve",
            mailru(["--base-url", &base, "resolve", "community/mailru_devs"]),
            Some(0),
        ),
        (
            "resolve of an unknown link",
            mailru(["--base-url", &base, "resolve", "community/nobody_here"]),
            Some(2),
        ),
        (
            "an unreachable platform",
            mailru(["--base-url", DEAD_URL, "--app-id", "423004"])
                .args(["--uid", &uid, "--private-key", SENTINEL_PRIVATE_KEY])
                .args(["--access-token", SENTINEL_ACCESS_TOKEN])
                .args(["call", "users.getInfo"]),
            Some(2),
        ),
        (
            "a bad option value beside the secrets",
            mailru(["--app-id", "not-a-number"])
                .args(["--private-key", SENTINEL_PRIVATE_KEY])
                .args(["sign", "a=b"]),
            Some(2),
        ),
        (
            "all --quiet that succeeds",
            mailru(app)
                .args(["--uid", &uid, "--private-key", APP_PRIVATE_KEY])
                .args(["--access-token", DEMO_SESSION_KEY])
                .args(["--secret-key", SENTINEL_SECRET_KEY])
                .args(["all", "--quiet", "friends.get", "--max", "3"]),
            Some(0),
        ),
        (
            "emulator with a bad option beside the secrets",
            mailru(["emulator", "--port", "x"])
                .args(["--access-token", SENTINEL_ACCESS_TOKEN])
                .args(["--private-key", SENTINEL_PRIVATE_KEY]),
            Some(2),
        ),
        ("completions bash", mailru(["completions", "bash"]), Some(0)),
        ("completions zsh", mailru(["completions", "zsh"]), Some(0)),
        ("completions fish", mailru(["completions", "fish"]), Some(0)),
        (
            "completions of an unknown shell",
            mailru(["completions", "tcsh"]),
            Some(2),
        ),
        ("emulator --help", mailru(["emulator", "--help"]), Some(0)),
        ("help emulator", mailru(["help", "emulator"]), Some(0)),
        ("--help", mailru(["--help"]), Some(0)),
        ("login --help", mailru(["login", "--help"]), Some(0)),
        ("call --help", mailru(["call", "--help"]), Some(0)),
        ("--version", mailru(["--version"]), Some(0)),
    ];
    for (what, cli, code) in cases {
        // Help shows the variables: the token's too.
        let cli =
            if what.contains("help") || what.contains("version") || what.contains("completions") {
                cli.env("MAILRU_ACCESS_TOKEN", SENTINEL_ACCESS_TOKEN)
            } else {
                cli
            };
        // The sentinels of the flags above, and more in the environment.
        let run = with_sentinel_env(cli).run().await;
        assert_eq!(run.code, code, "{what}: {run:#?}");
        assert_no_sentinel(what, &run);
    }
    // The refused refresh left the token file as it was.
    assert_eq!(std::fs::read_to_string(&token_file).unwrap(), sentinel_file);

    // The password from the environment alone (a wrong one).
    let run = with_sentinel_env(mailru(app).args(["login", "--email", DEMO_EMAIL]))
        .run()
        .await;
    run.expect_code(2);
    assert_eq!(
        run.stderr_line(),
        "error: invalid_credentials: invalid e-mail or password"
    );
    assert_no_sentinel("login with MAILRU_PASSWORD", &run);
}

// ---------------------------------------------------------------------------------------
// Server text is sanitized wherever the CLI quotes it.

/// Terminal escapes (clear the screen, set the window title, ring the bell) and secrets.
const HOSTILE: &str = "\u{1b}[2J\u{1b}]0;pwned\u{7} for /api?session_key=SECRETsk&sig=SECRETsig access_token=SECRETat";

/// A fake platform on 127.0.0.1 that answers every request with hostile text: a dialog
/// page with it in the title, token endpoint errors, API errors and 5xx pages quoting it.
/// Serves until the test process ends.
fn hostile_platform() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for conn in listener.incoming() {
            let Ok(mut conn) = conn else { continue };
            std::thread::spawn(move || {
                let _ = conn.set_read_timeout(Some(Duration::from_secs(10)));
                let path = read_request_path(&mut conn);
                let json = |s: &str| serde_json::to_string(s).unwrap();
                let (status, kind, body) = if path.starts_with("/oauth/authorize") {
                    let title = HOSTILE.replace('&', "&amp;");
                    (
                        "200 OK",
                        "text/html",
                        format!("<html><head><title>{title}</title></head><body>?</body></html>"),
                    )
                } else if path.starts_with("/oauth/token") {
                    (
                        "400 Bad Request",
                        "text/javascript; charset=utf-8",
                        format!(
                            r#"{{"error":{},"error_description":{}}}"#,
                            json(&format!("invalid_grant {HOSTILE}")),
                            json(HOSTILE)
                        ),
                    )
                } else if path.starts_with("/platform/api") {
                    (
                        "400 Bad Request",
                        "text/javascript; charset=utf-8",
                        format!(
                            r#"{{"error":{{"error_code":1,"error_msg":{}}}}}"#,
                            json(HOSTILE)
                        ),
                    )
                } else {
                    (
                        "502 Bad Gateway",
                        "text/html",
                        format!("<html>{HOSTILE}</html>"),
                    )
                };
                let answer = format!(
                    "HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = conn.write_all(answer.as_bytes());
            });
        }
    });
    base
}

/// Reads a request's head and body; returns its target.
fn read_request_path(conn: &mut TcpStream) -> String {
    let mut reader = BufReader::new(conn);
    let mut first = String::new();
    let _ = reader.read_line(&mut first);
    let mut length = 0usize;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 || line.trim().is_empty() {
            break;
        }
        if let Some((k, v)) = line.split_once(':')
            && k.eq_ignore_ascii_case("content-length")
        {
            length = v.trim().parse().unwrap_or(0);
        }
    }
    let mut body = vec![0; length];
    let _ = reader.read_exact(&mut body);
    first.split_whitespace().nth(1).unwrap_or("/").to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_text_in_error_messages_is_sanitized() {
    let base = hostile_platform();
    let app = [
        "--base-url",
        base.as_str(),
        "--app-id",
        "423004",
        "--secret-key",
        APP_SECRET_KEY,
    ];
    let cases: Vec<(&str, Cli, &str)> = vec![
        (
            "an unexpected dialog page",
            mailru(app)
                .args(["login", "--email", DEMO_EMAIL, "--password-stdin"])
                .stdin("pw\n"),
            "error: unexpected_page:",
        ),
        (
            "a token endpoint error",
            mailru(app)
                .args(["login", "--grant", "password", "--email", DEMO_EMAIL])
                .args(["--password", "pw"]),
            "error: token_endpoint:",
        ),
        (
            "a code grant error",
            mailru(app).args(["login", "--code", "abc", "--redirect-uri", REDIRECT_URI]),
            "error: token_endpoint:",
        ),
        (
            "an API error",
            mailru(app).args(["call", "users.getInfo", "uids=1"]),
            "error 1:",
        ),
        (
            "a 5xx page of resolve",
            mailru(["--base-url", base.as_str(), "resolve", "community/x"]),
            "error: HTTP status 502",
        ),
    ];
    for (what, cli, start) in cases {
        let run = cli.run().await;
        assert!(matches!(run.code, Some(1 | 2)), "{what}: {run:#?}");
        assert!(run.stdout.is_empty(), "{what}: {run:#?}");
        let line = run.stderr_line();
        assert!(line.starts_with(start), "{what}: {line:?}");
        assert!(
            line.contains("pwned"),
            "{what}: the text is quoted: {line:?}"
        );
        assert!(
            !line.chars().any(char::is_control),
            "{what}: a control character in {line:?}"
        );
        assert!(!line.contains("SECRET"), "{what}: a secret in {line:?}");
    }
}

// ---------------------------------------------------------------------------------------
// Each platform host on its own origin (`--hosts`): every request of every subcommand goes
// to its own host, and a swap of hosts is refused by the platform.

/// The emulator with separate hosts, and `--hosts APPSMAIL,CONNECT,AUTH` with the app's
/// keys.
async fn separate_hosts() -> (EmulatorHandle, Vec<String>) {
    let emu = Emulator::builder()
        .seed(7)
        .separate_hosts(true)
        .start()
        .await
        .expect("the emulator starts");
    let o = emu.origins();
    let args = [
        "--hosts",
        &format!("{},{},{}", o.appsmail, o.connect, o.auth),
        "--app-id",
        &APP_ID.to_string(),
        "--private-key",
        APP_PRIVATE_KEY,
        "--secret-key",
        APP_SECRET_KEY,
    ]
    .map(String::from)
    .to_vec();
    (emu, args)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_subcommand_reaches_each_host_on_its_own_origin() {
    let (emu, args) = separate_hosts().await;
    let o = emu.origins();
    let dir = TempDir::new("hosts");
    let file = dir.file("token.json");

    // The login form: dialog on connect, password to auth, token from connect.
    mailru(args.clone())
        .args(["login", "--email", DEMO_EMAIL, "--password", DEMO_PASSWORD])
        .args(["--token-file", &file])
        .run()
        .await
        .expect_code(0);
    // REST on appsmail; refresh and the password grant on appsmail's token endpoint.
    let run = mailru(args.clone())
        .args(["call", "users.getInfo", "--token-file", &file])
        .run()
        .await;
    run.expect_code(0);
    assert_eq!(uid_of(&run.json()[0]["uid"]), DEMO_UID, "{run:#?}");
    mailru(args.clone())
        .args(["refresh", "--token-file", &file])
        .run()
        .await
        .expect_code(0);
    mailru(args.clone())
        .args(["login", "--grant", "password", "--email", DEMO_EMAIL])
        .args(["--password", DEMO_PASSWORD])
        .run()
        .await
        .expect_code(0);

    let log = emu.requests();
    let hosts_of = |path: &str| -> Vec<&str> {
        log.iter()
            .filter(|r| r.path == path)
            .map(|r| r.host.as_str())
            .collect()
    };
    let (appsmail, connect, auth) = (o.appsmail.as_str(), o.connect.as_str(), o.auth.as_str());
    // The dialog, and the dialog again after the login form sent the browser back to it.
    assert_eq!(hosts_of("/oauth/authorize"), [connect, connect], "{log:#?}");
    assert_eq!(hosts_of("/cgi-bin/auth"), [auth], "{log:#?}");
    assert_eq!(hosts_of("/platform/api"), [appsmail], "{log:#?}");
    // Refresh, then the password grant.
    assert_eq!(hosts_of("/oauth/token"), [appsmail, appsmail], "{log:#?}");
    assert!(log.iter().all(|r| r.status != Some(404)), "{log:#?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn swapped_hosts_are_refused_by_the_platform_and_bad_hosts_say_what_is_needed() {
    let (emu, _) = separate_hosts().await;
    let o = emu.origins();
    // appsmail and connect swapped: the password grant reaches connect's token endpoint,
    // which takes only codes.
    let swapped = [
        "--hosts",
        &format!("{},{},{}", o.connect, o.appsmail, o.auth),
        "--app-id",
        &APP_ID.to_string(),
        "--private-key",
        APP_PRIVATE_KEY,
    ]
    .map(String::from);
    let run = mailru(swapped)
        .args(["login", "--grant", "password", "--email", DEMO_EMAIL])
        .args(["--password", DEMO_PASSWORD])
        .run()
        .await;
    assert_ne!(run.code, Some(0), "{run:#?}");
    assert!(run.stderr.contains("unsupported_grant_type"), "{run:#?}");

    for (hosts, says) in [
        (
            "http://127.0.0.1:1,http://127.0.0.1:2",
            "2 origins given, 3 needed",
        ),
        ("http://127.0.0.1:1,,http://127.0.0.1:3", "bad --hosts"),
    ] {
        let run = mailru(["--hosts", hosts, "--app-id", "1", "--access-token", "t"])
            .args(["--private-key", "k", "--uid", "1", "call", "users.getInfo"])
            .run()
            .await;
        assert_ne!(run.code, Some(0), "{run:#?}");
        assert!(run.stderr.contains(says), "{hosts}: {run:#?}");
    }
    let run = mailru(["--hosts", "a,b,c", "--base-url", "http://127.0.0.1:1"])
        .args(["call", "users.getInfo"])
        .run()
        .await;
    run.expect_code(2);
    assert!(run.stderr.contains("cannot be used with"), "{run:#?}");
}
