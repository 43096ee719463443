//! The subcommands.

use std::io::{BufRead, IsTerminal, Write};

use futures::StreamExt;
use mailru::Pager;
use mailru::api::{Error, Password};
use mailru::auth::{AuthError, Token};
use mailru::scrapers::resolve;
use mailru::sign::{Circuit, Credentials, canonical_string};
use serde_json::json;

use crate::Failure;
use crate::cli::{Cli, Command, EmulatorCli, Global, GrantArg, Shell};
use crate::config::parse_params;
use crate::progress::Progress;
use mailru::emulator::EmulatorArgs;

pub async fn run(cli: Cli) -> Result<(), Failure> {
    let g = &cli.global;
    match cli.command {
        Command::Sign { explain, params } => sign(g, explain, &params),
        Command::Login {
            email,
            password,
            password_stdin,
            scope,
            grant,
            code,
            redirect_uri,
        } => {
            let scope: Vec<&str> = scope.split_whitespace().collect();
            let password = if password_stdin {
                Some(read_password(std::io::stdin().lock())?)
            } else {
                password
            };
            let token = match (code, redirect_uri, email, password) {
                (Some(code), Some(uri), _, _) => {
                    g.oauth()?
                        .code(&uri)
                        .scope(&scope)
                        .exchange_code(code.expose())
                        .await
                }
                (None, _, Some(email), Some(password)) => {
                    let oauth = g.oauth()?;
                    match grant {
                        GrantArg::Implicit => {
                            oauth.implicit(&email, password).scope(&scope).login().await
                        }
                        GrantArg::Password => oauth.password(&email, &password, &scope).await,
                    }
                }
                _ => {
                    return Err(Failure::Other(
                        "error: pass --email and --password-stdin (or MAILRU_PASSWORD, or \
                         --password), or --code and --redirect-uri"
                            .to_owned(),
                    ));
                }
            };
            output_token(g, token)
        }
        Command::Refresh => {
            let stored = g.stored_token()?.ok_or_else(|| match &g.token_file {
                Some(path) => Failure::Other(format!(
                    "error: the token file {} does not exist: run `mailru login --token-file {}` \
                     first",
                    path.display(),
                    path.display()
                )),
                None => Failure::Other(
                    "error: refresh needs --token-file (or MAILRU_TOKEN_FILE) pointing to a \
                     token saved by `mailru login --token-file`"
                        .to_owned(),
                ),
            })?;
            let token = g.oauth()?.refresh(&stored).await;
            output_token(g, token)
        }
        Command::Call {
            method,
            params,
            raw,
        } => call(g, &method, &params, raw).await,
        Command::All {
            method,
            params,
            max,
            page_size,
            quiet,
        } => {
            let walk = Walk {
                method: &method,
                params: &params,
                max,
                page_size,
            };
            all(g, &walk, quiet).await
        }
        Command::Resolve { link } => {
            let api = g.public_api()?;
            let r = resolve(&api, &link).await.map_err(|e| match e {
                Error::Http { status: 404, .. } => Failure::Other(format!(
                    "error: no profile or community at `{link}` (HTTP 404): check the link, \
                     e.g. https://my.mail.ru/community/NAME/ or mail/NICK"
                )),
                e => failure(&e),
            })?;
            print_json(&json!({"uid": r.uid.to_string(), "path": r.path, "profile": r.profile}))
        }
        Command::Emulator { args } => emulator(EmulatorCli::parse_args(&args).emulator).await,
        Command::Completions { shell } => completions(shell),
    }
}

fn sign(g: &Global, explain: bool, params: &[String]) -> Result<(), Failure> {
    let params = parse_params(params)?;
    let app_id = g.app_id()?.to_string();
    let uid = g.uid.map(|u| u.to_string());
    let mut creds = Credentials::new(&app_id);
    if let Some(uid) = &uid {
        creds = creds.uid(uid);
    }
    if let Some(k) = &g.private_key {
        creds = creds.private_key(k.expose());
    }
    if let Some(k) = &g.secret_key {
        creds = creds.secret_key(k.expose());
    }
    let bad = |e: mailru::sign::Error| Failure::Other(format!("error: {e}"));
    let circuit = creds.choose_circuit(g.circuit()).map_err(|e| {
        Failure::Other(format!(
            "error: {e} (pass --uid and --private-key for the client circuit, or --secret-key \
             for the server circuit; or set MAILRU_UID, MAILRU_PRIVATE_KEY, MAILRU_SECRET_KEY)"
        ))
    })?;
    let sig = creds.sign(circuit, &params).map_err(bad)?;
    println!("{sig}");
    if explain {
        let canonical = canonical_string(&params).map_err(bad)?;
        let hashed = match circuit {
            Circuit::ClientServer => format!("{}{canonical}[private_key]", uid.unwrap_or_default()),
            Circuit::ServerServer => format!("{canonical}[secret_key]"),
        };
        println!("circuit: {circuit}");
        println!("md5 of: {hashed}");
    }
    Ok(())
}

fn auth_failure(e: &AuthError) -> Failure {
    let hint = match e {
        AuthError::Api(api) if is_network(api) => NETWORK_HINT,
        _ => "",
    };
    Failure::Other(one_line(&format!("error: {}: {e}{hint}", e.kind())))
}

/// What to fix when the platform cannot be reached.
const NETWORK_HINT: &str =
    " (cannot reach the platform: check --base-url / MAILRU_BASE_URL and the network)";

fn is_network(e: &Error) -> bool {
    matches!(e, Error::Transport { .. } | Error::Timeout(_))
}

/// Messages are one line on stderr: bodies quoted in errors may hold line breaks, and
/// no control character (a terminal escape) reaches the terminal. Server text is already
/// sanitized by the libraries (`mailru::api::sanitize`); this is the last guard.
fn one_line(text: &str) -> String {
    text.split(|c: char| c.is_whitespace() || c.is_control())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Longest first line `--password-stdin` reads.
const MAX_PASSWORD_LINE: u64 = 4096;

/// The first line of `input`, without its line ending, as the password.
fn read_password(input: impl BufRead) -> Result<Password, Failure> {
    let bad = |why: &str| Failure::Other(format!("error: --password-stdin: {why}"));
    let mut line = String::new();
    let read = input
        .take(MAX_PASSWORD_LINE + 1)
        .read_line(&mut line)
        .map_err(|e| bad(&format!("cannot read stdin ({})", e.kind())))?;
    if read == 0 {
        return Err(bad("stdin is empty: pipe the password in, one line"));
    }
    if !line.ends_with('\n') && read as u64 > MAX_PASSWORD_LINE {
        return Err(bad(&format!(
            "the first line of stdin is longer than {MAX_PASSWORD_LINE} bytes"
        )));
    }
    let password = line
        .strip_suffix('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .unwrap_or(&line);
    if password.is_empty() {
        return Err(bad("the first line of stdin is empty"));
    }
    Ok(Password::new(password))
}

fn output_token(g: &Global, token: Result<Token, AuthError>) -> Result<(), Failure> {
    let token = token.map_err(|e| auth_failure(&e))?;
    if let Some(path) = &g.token_file {
        token.save(path).map_err(|e| auth_failure(&e))?;
        eprintln!("token of uid {} saved to {}", token.uid, path.display());
        return Ok(());
    }
    // Exactly what `Token::save` writes (the same serializer, no cookies): stdout
    // redirected to a file makes a token file for `--token-file`.
    let mut printed = token;
    printed.cookies = None;
    let text = serde_json::to_string_pretty(&printed)
        .map_err(|e| Failure::Other(format!("error: cannot write the token as JSON: {e}")))?;
    write_out(&text)
}

/// API errors exit 1 with `error CODE: MESSAGE`; everything else exits 2.
fn failure(e: &Error) -> Failure {
    match e {
        Error::Api { code, message, .. } => {
            Failure::Api(one_line(&format!("error {code}: {message}")))
        }
        e if is_network(e) => Failure::Other(one_line(&format!("error: {e}{NETWORK_HINT}"))),
        other => Failure::Other(one_line(&format!("error: {other}"))),
    }
}

async fn call(g: &Global, method: &str, params: &[String], raw: bool) -> Result<(), Failure> {
    let params = parse_params(params)?;
    let api = g.api()?;
    if raw {
        let resp = api
            .call_raw(method, &params)
            .await
            .map_err(|e| failure(&e))?;
        return write_out(&resp.body);
    }
    let value = api.call(method, &params).await.map_err(|e| failure(&e))?;
    print_json(&value)
}

/// What `mailru all` walks.
struct Walk<'a> {
    method: &'a str,
    params: &'a [String],
    max: Option<u64>,
    page_size: Option<u32>,
}

/// Prints the items page by page, with a progress line on a terminal's stderr unless
/// `quiet`.
async fn all(g: &Global, walk: &Walk<'_>, quiet: bool) -> Result<(), Failure> {
    let params = parse_params(walk.params)?;
    let api = g.api()?;
    let mut items = Pager::new(&api, walk.method)
        .map_err(|e| Failure::Other(format!("error: {e}")))?
        .params(&params)
        .items();
    if let Some(size) = walk.page_size {
        items = items.page_size(size);
    }
    if let Some(max) = walk.max {
        items = items.max_items(max);
    }
    let mut pages = items.pages();
    let progress = Progress::on_stderr(walk.method, !quiet);
    // Items and the progress line on one terminal: the line is cleared while a page is
    // printed, and each page is flushed before it is drawn again.
    let shared_terminal = !progress.is_hidden() && std::io::stdout().is_terminal();
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| {
            progress.stopped();
            failure(&e)
        })?;
        let written = progress.around_output(|| {
            for item in &page {
                writeln!(out, "{item}")?;
            }
            if shared_terminal {
                out.flush()?;
            }
            Ok::<(), std::io::Error>(())
        });
        if written.is_err() {
            // The reader went away (e.g. `| head`): stop quietly.
            progress.stopped();
            return Ok(());
        }
        progress.page(page.len());
    }
    let flushed = out.flush();
    progress.done();
    flushed.map_err(|e| Failure::Other(format!("error: writing output: {e}")))
}

async fn emulator(args: EmulatorArgs) -> Result<(), Failure> {
    let port = args.port.unwrap_or(0);
    let Some(builder) = args
        .launch()
        .map_err(|e| Failure::Other(format!("error: {e}")))?
    else {
        return Ok(()); // --dump-world: written.
    };
    let emulator = builder.start().await.map_err(|e| {
        Failure::Other(format!(
            "error: cannot start the emulator on port {port}: {e}"
        ))
    })?;
    println!("{}", emulator.base_url());
    std::io::stdout()
        .flush()
        .map_err(|e| Failure::Other(format!("error: {e}")))?;
    std::future::pending::<()>().await;
    Ok(())
}

/// The completion script of `shell` on stdout.
fn completions(shell: Shell) -> Result<(), Failure> {
    let mut script = Vec::new();
    clap_complete::generate(
        shell,
        &mut crate::cli::completion_command(),
        "mailru",
        &mut script,
    );
    let mut out = std::io::stdout().lock();
    // A closed pipe is not an error worth a message.
    let _ = out.write_all(&script);
    let _ = out.flush();
    Ok(())
}

fn print_json(value: &serde_json::Value) -> Result<(), Failure> {
    let text = serde_json::to_string_pretty(value).unwrap_or_else(|_| value.to_string());
    write_out(&text)
}

fn write_out(text: &str) -> Result<(), Failure> {
    let mut out = std::io::stdout().lock();
    // A closed pipe is not an error worth a message.
    let _ = writeln!(out, "{text}");
    let _ = out.flush();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(input: &[u8]) -> Result<String, String> {
        read_password(input)
            .map(|p| p.expose().to_owned())
            .map_err(|e| match e {
                Failure::Api(m) | Failure::Other(m) => m,
            })
    }

    #[test]
    fn the_password_is_the_first_line_of_stdin() {
        assert_eq!(read(b"s3cret\nsecond line\n"), Ok("s3cret".to_owned()));
        assert_eq!(read(b"s3cret\r\n"), Ok("s3cret".to_owned()));
        assert_eq!(read(b"no newline"), Ok("no newline".to_owned()));
        assert_eq!(
            read(" пароль с пробелами \n".as_bytes()),
            Ok(" пароль с пробелами ".to_owned())
        );
        let longest = "x".repeat(4096);
        assert_eq!(read(format!("{longest}\n").as_bytes()), Ok(longest.clone()));
        for (input, why) in [
            (&b""[..], "stdin is empty"),
            (b"\n", "the first line of stdin is empty"),
            (b"\xff\xfe\n", "cannot read stdin"),
        ] {
            let err = read(input).unwrap_err();
            assert!(
                err.starts_with("error: --password-stdin: ") && err.contains(why),
                "{err}"
            );
        }
        let err = read(format!("{longest}y").as_bytes()).unwrap_err();
        assert!(err.contains("longer than 4096 bytes"), "{err}");
    }

    #[test]
    fn one_line_drops_line_breaks_and_control_characters() {
        assert_eq!(
            one_line("error: a\nb \u{1b}[2J\u{7}c\r\n\td"),
            "error: a b [2J c d"
        );
    }
}
