//! Secrets never appear in Debug, Display or tracing output. Alone in its own test binary:
//! tracing's callsite cache is global to a process, and a test running beside others on
//! another thread can make it miss this test's subscriber.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use mailru_api::{
    AccessToken, Api, Error, HttpRequest, HttpResponse, PrivateKey, SecretKey, Session, Transport,
};
use mailru_emulator::Emulator;
use mailru_emulator::accounts::*;

/// Answers from a script, in order; records what it was sent.
#[derive(Debug, Default)]
struct Scripted {
    answers: Mutex<VecDeque<Result<HttpResponse, Error>>>,
    sent: Mutex<Vec<HttpRequest>>,
}

impl Scripted {
    fn new(answers: Vec<Result<HttpResponse, Error>>) -> Arc<Self> {
        Arc::new(Scripted {
            answers: Mutex::new(answers.into()),
            sent: Mutex::default(),
        })
    }
}

fn response(status: u16, body: &str) -> Result<HttpResponse, Error> {
    Ok(HttpResponse {
        status,
        headers: Default::default(),
        body: body.to_owned().into(),
    })
}

#[async_trait]
impl Transport for Scripted {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, Error> {
        self.sent.lock().unwrap().push(request);
        self.answers
            .lock()
            .unwrap()
            .pop_front()
            .unwrap_or_else(|| response(500, "script exhausted"))
    }
}

/// A `MakeWriter` collecting everything tracing prints.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Captured {
    type Writer = Captured;
    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

#[tokio::test(flavor = "current_thread")]
async fn secrets_never_appear_in_debug_display_or_logs() {
    const SENTINEL: &str = "SENTINEL0123456789abcdef";
    let captured = Captured::default();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(captured.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let emu = Emulator::builder().start().await.unwrap();
    let session = Session::client(
        APP_ID,
        PrivateKey::new(format!("{SENTINEL}p")),
        AccessToken::new(format!("{SENTINEL}t")),
        DEMO_UID,
    )
    .with_secret_key(SecretKey::new(format!("{SENTINEL}s")));
    let password = mailru_api::Password::new(format!("{SENTINEL}w"));
    let failing = Api::builder(session.clone())
        .base_url(emu.base_url())
        .unwrap()
        .build()
        .unwrap();
    let err = failing.call("friends.get", ()).await.unwrap_err();
    let script = Scripted::new(vec![response(200, "[]")]);
    let succeeding = Api::builder(session.clone())
        .transport(script.clone())
        .build()
        .unwrap();
    succeeding.call("friends.get", ()).await.unwrap();
    let sent = script.sent.lock().unwrap()[0].clone();

    let texts = [
        format!("{err:?}"),
        err.to_string(),
        format!("{session:?}"),
        format!("{failing:?}"),
        format!("{sent:?}"),
        format!("{password:?} {password}"),
        String::from_utf8_lossy(&captured.0.lock().unwrap()).into_owned(),
    ];
    for text in &texts {
        assert!(!text.contains(SENTINEL), "secret leaked in: {text}");
    }
    let logs = &texts[6];
    assert!(logs.contains("mailru.call"), "a span per call: {logs}");
    assert!(logs.contains("friends.get"));
    // The request really carried the token: redaction is not an empty request.
    assert!(sent.url.as_str().contains(SENTINEL));
}
