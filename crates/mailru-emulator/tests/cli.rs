//! The binary's command line: `--help` lists every option of [`EmulatorArgs`], and a
//! dumped world served with `--world` answers as the generated one.

use crate::common;

use std::process::Stdio;

use clap::Args;
use common::{Circuit, Http, encode, sign};
use mailru_emulator::EmulatorArgs;
use mailru_emulator::accounts::{APP_ID, BIG_COMMUNITY_UID, DEMO_SESSION_KEY, DEMO_UID, INBOX_UID};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

const BIN: &str = env!("CARGO_BIN_EXE_mailru-emulator");

#[tokio::test]
async fn help_lists_every_option() {
    let out = Command::new(BIN).arg("--help").output().await.unwrap();
    assert!(out.status.success());
    let help = String::from_utf8(out.stdout).unwrap();
    let command = EmulatorArgs::augment_args(clap::Command::new("x"));
    let longs: Vec<&str> = command
        .get_arguments()
        .filter_map(|a| a.get_long())
        .collect();
    assert!(longs.len() >= 25, "{longs:?}");
    for long in &longs {
        assert!(
            help.contains(&format!("--{long}")),
            "--{long} missing from:\n{help}"
        );
    }
    for flag in [
        "--port",
        "--world",
        "--dump-world",
        "--separate-hosts",
        "--community-events",
        "--token-ttl",
        "--page-cap",
        "--seed",
    ] {
        assert!(help.contains(flag), "{flag}");
    }
}

/// Starts the binary with `args`; its base URL.
async fn serve(args: &[&str]) -> (Child, String) {
    let mut child = Command::new(BIN)
        .args(args)
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line).await.unwrap();
    assert!(line.starts_with("http://127.0.0.1:"), "{line}");
    (child, line.trim().to_owned())
}

async fn answer(http: &Http, base: &str, method: &str, extra: &[(&str, &str)]) -> String {
    let app = APP_ID.to_string();
    let mut params = vec![
        ("app_id", app.as_str()),
        ("method", method),
        ("session_key", DEMO_SESSION_KEY),
    ];
    params.extend_from_slice(extra);
    let signed = sign(&params, Circuit::Client, &DEMO_UID.to_string());
    let r = http
        .get(&format!("{base}/platform/api?{}", encode(&signed)))
        .await;
    assert_eq!(r.status, hyper::StatusCode::OK, "{method}: {}", r.text());
    r.text()
}

#[tokio::test]
async fn a_dumped_world_served_again_answers_like_the_generated_one() {
    let dir = std::env::temp_dir().join(format!("mailru-emulator-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("world.json");
    let file_arg = file.to_str().unwrap();
    let out = Command::new(BIN)
        .args([
            "--seed",
            "3",
            "--community-events",
            "5000",
            "--dump-world",
            file_arg,
        ])
        .output()
        .await
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.stdout.is_empty(), "the dump serves nothing");
    let world = mailru_emulator::World::from_path(&file).unwrap();
    assert_eq!(world.seed, 3);

    let (_generated, a) =
        serve(&["--port", "0", "--seed", "3", "--community-events", "5000"]).await;
    let (_loaded, b) = serve(&["--port", "0", "--world", file_arg]).await;
    let http = Http::default();
    let big = BIG_COMMUNITY_UID.to_string();
    let inbox = INBOX_UID.to_string();
    let first = answer(
        &http,
        &a,
        "stream.getByAuthor",
        &[("uid", &big), ("limit", "100")],
    )
    .await;
    let v: serde_json::Value = serde_json::from_str(&first).unwrap();
    let skip = v[99]["id"].as_str().unwrap().to_owned();
    let calls: [(&str, Vec<(&str, &str)>); 5] = [
        ("users.getInfo", vec![("uids", &inbox)]),
        ("users.getInfo", vec![]),
        ("friends.get", vec![("ext", "1")]),
        ("stream.getByAuthor", vec![("uid", &big), ("limit", "100")]),
        (
            "stream.getByAuthor",
            vec![("uid", &big), ("limit", "100"), ("skip", &skip)],
        ),
    ];
    for (method, extra) in &calls {
        assert_eq!(
            answer(&http, &a, method, extra).await,
            answer(&http, &b, method, extra).await,
            "{method} {extra:?}"
        );
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn a_broken_world_file_is_refused_naming_the_entry() {
    let dir =
        std::env::temp_dir().join(format!("mailru-emulator-cli-broken-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("broken.json");
    std::fs::write(&file, r#"{"users": [{"uid": "1", "friends": ["2"]}]}"#).unwrap();
    let out = Command::new(BIN)
        .args(["--port", "0", "--world", file.to_str().unwrap()])
        .output()
        .await
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("users[0] (uid 1): friend 2"), "{stderr}");
    std::fs::remove_dir_all(&dir).unwrap();
}
