//! Load generator: N signed calls of a typed method through the public mailru API, C in
//! flight, typed decode of every answer.
//!
//! ```sh
//! cargo run --release --example loadgen -- --base-url http://127.0.0.1:8080 \
//!     --requests 50000 --concurrency 64 [--circuit client|server] [--method users.getInfo]
//! ```
//!
//! Signs as the documented demo account (app 423004, the emulator's seeded session). Exits
//! non-zero when any call fails; the last line printed is exactly
//! `N requests in S s: R req/s`.

use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use mailru::api::methods::{friends, users};
use mailru::{AccessToken, Api, PrivateKey, SecretKey, Session};

const APP_ID: u64 = 423_004;
const PRIVATE_KEY: &str = "7815696ecbf1c96e6894b779456d330e";
const SECRET_KEY: &str = "3dad9cbf9baaa0360c0f2ba372d25716";
const SESSION_KEY: &str = "be6ef89965d58e56dec21acb9b62bdaa";
const UID: u64 = 1_324_730_981_306_483_817;

const USAGE: &str = "usage: loadgen --base-url URL --requests N --concurrency C \
[--circuit client|server] [--method users.getInfo|friends.get|users.isAppUser]";

struct Options {
    base_url: String,
    requests: u64,
    concurrency: u64,
    server: bool,
    method: String,
}

fn options() -> Result<Options, String> {
    let mut o = Options {
        base_url: String::new(),
        requests: 10_000,
        concurrency: 64,
        server: false,
        method: "users.getInfo".to_owned(),
    };
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let value = args
            .next()
            .ok_or_else(|| format!("`{flag}` needs a value"))?;
        let number = |v: &str| {
            v.parse::<u64>()
                .ok()
                .filter(|n| *n > 0)
                .ok_or_else(|| format!("`{flag} {v}`: a positive number is expected"))
        };
        match flag.as_str() {
            "--base-url" => o.base_url = value,
            "--requests" => o.requests = number(&value)?,
            "--concurrency" => o.concurrency = number(&value)?,
            "--circuit" => {
                o.server = match value.as_str() {
                    "client" => false,
                    "server" => true,
                    other => return Err(format!("unknown circuit `{other}`")),
                }
            }
            "--method" => o.method = value,
            other => return Err(format!("unknown option `{other}`")),
        }
    }
    if o.base_url.is_empty() {
        return Err("--base-url is required".to_owned());
    }
    Ok(o)
}

/// One call of the chosen method, its answer decoded into the typed output.
async fn call(api: &Api, method: &str) -> mailru::api::Result<usize> {
    match method {
        "users.getInfo" => Ok(api.send(&users::GetInfo::new()).await?.len()),
        "friends.get" => Ok(api.send(&friends::Get::new()).await?.len()),
        "users.isAppUser" => Ok(usize::from(
            api.send(&users::IsAppUser::new()).await?.is_app_user,
        )),
        other => Err(mailru::api::Error::invalid(format!(
            "loadgen has no typed call for `{other}`"
        ))),
    }
}

fn main() -> ExitCode {
    let o = match options() {
        Ok(o) => o,
        Err(e) => {
            eprintln!("loadgen: {e}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("loadgen: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(run(o))
}

async fn run(o: Options) -> ExitCode {
    let session = if o.server {
        Session::server(APP_ID, SecretKey::new(SECRET_KEY))
            .with_access_token(AccessToken::new(SESSION_KEY))
    } else {
        Session::client(
            APP_ID,
            PrivateKey::new(PRIVATE_KEY),
            AccessToken::new(SESSION_KEY),
            UID,
        )
    };
    let api = match Api::builder(session)
        .base_url(&o.base_url)
        .and_then(|b| b.build())
    {
        Ok(api) => api,
        Err(e) => {
            eprintln!("loadgen: {e}");
            return ExitCode::from(2);
        }
    };
    // Warm up: one call, so that setup (DNS, the first connection) is not measured and a
    // wrong URL fails fast.
    if let Err(e) = call(&api, &o.method).await {
        eprintln!("loadgen: the first call failed: {e}");
        return ExitCode::FAILURE;
    }
    let next = Arc::new(AtomicU64::new(0));
    let errors = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let workers: Vec<_> = (0..o.concurrency.min(o.requests))
        .map(|_| {
            let (api, next, errors, method) =
                (api.clone(), next.clone(), errors.clone(), o.method.clone());
            let total = o.requests;
            tokio::spawn(async move {
                while next.fetch_add(1, Ordering::Relaxed) < total {
                    if let Err(e) = call(&api, &method).await
                        && errors.fetch_add(1, Ordering::Relaxed) == 0
                    {
                        eprintln!("loadgen: a call failed: {e}");
                    }
                }
            })
        })
        .collect();
    for worker in workers {
        if worker.await.is_err() {
            errors.fetch_add(1, Ordering::Relaxed);
        }
    }
    let seconds = started.elapsed().as_secs_f64();
    let failed = errors.load(Ordering::Relaxed);
    if failed > 0 {
        eprintln!("loadgen: {failed} of {} calls failed", o.requests);
    }
    println!(
        "{} requests in {seconds:.3} s: {:.0} req/s",
        o.requests,
        o.requests as f64 / seconds
    );
    if failed > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
