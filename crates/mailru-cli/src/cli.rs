//! Command-line arguments.

use std::fmt;
use std::path::PathBuf;

use clap::{Args, CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};
pub use clap_complete::Shell;
use mailru::api::{AccessToken, Password, PrivateKey, SecretKey};
use mailru::emulator::EmulatorArgs;

/// Sign, log in, call and page through the Platform@Mail.Ru REST API.
#[derive(Debug, Parser)]
#[command(name = "mailru", version, about)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

/// Options of every command; each can also come from the environment. Keys and tokens are
/// kept in the secret newtypes, so `Debug` shows `[redacted]` for them.
#[derive(Debug, Args)]
pub struct Global {
    /// Route every endpoint to this origin (e.g. an emulator at http://127.0.0.1:PORT).
    #[arg(long, env = "MAILRU_BASE_URL", global = true)]
    pub base_url: Option<String>,
    /// Route each platform host to its own origin, as `APPSMAIL,CONNECT,AUTH` (REST and
    /// password/refresh tokens; OAuth dialog and code tokens; the login form), e.g. an
    /// emulator started with separate hosts.
    #[arg(
        long,
        env = "MAILRU_HOSTS",
        value_name = "APPSMAIL,CONNECT,AUTH",
        conflicts_with = "base_url",
        global = true
    )]
    pub hosts: Option<String>,
    /// Application id.
    #[arg(long, env = "MAILRU_APP_ID", global = true)]
    pub app_id: Option<u64>,
    /// Application private key (client-server circuit).
    #[arg(
        long,
        env = "MAILRU_PRIVATE_KEY",
        hide_env_values = true,
        global = true
    )]
    pub private_key: Option<PrivateKey>,
    /// Application secret key (server-server circuit).
    #[arg(long, env = "MAILRU_SECRET_KEY", hide_env_values = true, global = true)]
    pub secret_key: Option<SecretKey>,
    /// User access token (session_key).
    #[arg(
        long,
        env = "MAILRU_ACCESS_TOKEN",
        hide_env_values = true,
        global = true
    )]
    pub access_token: Option<AccessToken>,
    /// Uid of the token's owner (needed by the client-server circuit).
    #[arg(long, env = "MAILRU_UID", global = true)]
    pub uid: Option<u64>,
    /// Signature circuit.
    #[arg(
        long,
        value_enum,
        default_value = "auto",
        env = "MAILRU_CIRCUIT",
        global = true
    )]
    pub circuit: CircuitArg,
    /// Token file: read the token from it; `login` and `refresh` write it (mode 0600): the
    /// tokens, uid, expiry and scope, never the login cookies (a file saved with cookies by
    /// a program using mailru-auth is read too; rewriting it drops them).
    #[arg(long, env = "MAILRU_TOKEN_FILE", global = true)]
    pub token_file: Option<PathBuf>,
}

/// `--circuit`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CircuitArg {
    /// uid + private key → client-server, else secret key → server-server.
    Auto,
    /// md5(uid + params + private_key).
    Client,
    /// md5(params + secret_key), with secure=1.
    Server,
}

/// `--grant`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum GrantArg {
    /// The HTML login form (standalone apps).
    Implicit,
    /// The password grant (enabled per app by the platform).
    Password,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print the signature of exactly these parameters (no network).
    Sign {
        /// Also print the circuit and the hashed string, keys masked.
        #[arg(long)]
        explain: bool,
        /// Parameters as KEY=VALUE.
        #[arg(value_name = "KEY=VALUE")]
        params: Vec<String>,
    },
    /// Log in and print (or, with --token-file, save) the token.
    Login {
        /// E-mail (login form or password grant).
        #[arg(long, conflicts_with = "code")]
        email: Option<String>,
        /// Password. On the command line it is visible to other users of this machine
        /// (in the process list): prefer --password-stdin or MAILRU_PASSWORD.
        #[arg(
            long,
            env = "MAILRU_PASSWORD",
            hide_env_values = true,
            conflicts_with = "code"
        )]
        password: Option<Password>,
        /// Read the password from the first line of stdin (e.g. `pass show mail |`), out
        /// of the process list and the shell history.
        #[arg(long, conflicts_with_all = ["password", "code"])]
        password_stdin: bool,
        /// Privileges, space-separated (e.g. "stream messages").
        #[arg(long, default_value = "")]
        scope: String,
        /// How to log in with an e-mail and password.
        #[arg(long, value_enum, default_value = "implicit")]
        grant: GrantArg,
        /// An authorization code to exchange (code grant).
        #[arg(long, requires = "redirect_uri")]
        code: Option<Secret>,
        /// The redirect URI the code was issued for.
        #[arg(long)]
        redirect_uri: Option<String>,
    },
    /// Refresh the token of --token-file and save the new one there.
    Refresh,
    /// Call a REST method and print its JSON result.
    Call {
        /// The method, e.g. friends.get.
        method: String,
        /// Parameters as KEY=VALUE.
        #[arg(value_name = "KEY=VALUE")]
        params: Vec<String>,
        /// Print the body as the platform sent it, errors included, and exit 0.
        #[arg(long)]
        raw: bool,
    },
    /// Print every item of a paginated method as JSON lines.
    All {
        /// The method, e.g. stream.getByAuthor.
        method: String,
        /// Parameters as KEY=VALUE.
        #[arg(value_name = "KEY=VALUE")]
        params: Vec<String>,
        /// Stop after N items.
        #[arg(long, value_name = "N")]
        max: Option<u64>,
        /// Items per request (default: a `limit=N` parameter, else 100).
        #[arg(long, value_name = "N")]
        page_size: Option<u32>,
        /// No progress line on stderr (it is only drawn when stderr is a terminal).
        #[arg(long, short)]
        quiet: bool,
    },
    /// Resolve a profile or community link to its uid and profile.
    Resolve {
        /// e.g. `https://my.mail.ru/community/name/` or `mail/nick`.
        link: String,
    },
    /// Run the local emulator; its base URL is the first line printed.
    // Its options are parsed apart ([`EmulatorCli`]), so that its help lists only them and
    // none of the client's global options.
    #[command(disable_help_flag = true)]
    Emulator {
        /// The emulator's options: see `mailru emulator --help`.
        #[arg(
            trailing_var_arg = true,
            allow_hyphen_values = true,
            value_name = "OPTIONS"
        )]
        args: Vec<String>,
    },
    /// Print the completion script of a shell.
    ///
    /// e.g. `mailru completions bash > ~/.local/share/bash-completion/completions/mailru`,
    /// `mailru completions zsh > ~/.zfunc/_mailru`,
    /// `mailru completions fish > ~/.config/fish/completions/mailru.fish`.
    Completions {
        /// The shell.
        shell: Shell,
    },
}

/// `mailru emulator`: its own parser, holding only the emulator's options.
#[derive(Debug, Parser)]
#[command(
    name = "mailru emulator",
    bin_name = "mailru emulator",
    no_binary_name = true,
    about = "Run the local emulator of the platform on 127.0.0.1 until killed; its base URL \
             is the first line printed."
)]
pub struct EmulatorCli {
    #[command(flatten)]
    pub emulator: EmulatorArgs,
}

impl EmulatorCli {
    /// Parses the arguments after `mailru emulator`; exits with clap's message and status
    /// 2 (0 for help) when they are wrong, as the main parser does.
    pub fn parse_args(args: &[String]) -> EmulatorCli {
        EmulatorCli::try_parse_from(args).unwrap_or_else(|e| e.exit())
    }
}

/// The whole command line: [`Cli`], with `mailru help emulator` showing the help of
/// [`EmulatorCli`].
pub fn command() -> clap::Command {
    Cli::command().mut_subcommand("emulator", |emulator| {
        emulator.override_help(EmulatorCli::command().render_help())
    })
}

/// The command line as completion scripts see it: the emulator's own options in place of
/// its raw arguments.
pub fn completion_command() -> clap::Command {
    Cli::command().mut_subcommand("emulator", |emulator| {
        let about = emulator.get_about().cloned().unwrap_or_default();
        EmulatorCli::command()
            .name("emulator")
            .bin_name("mailru emulator")
            .no_binary_name(false)
            .about(about)
    })
}

/// Parses the process's arguments; exits with clap's message and status 2 (0 for help)
/// when they are wrong.
pub fn parse() -> Cli {
    Cli::from_arg_matches(&command().get_matches()).unwrap_or_else(|e| e.exit())
}

/// A secret argument without a newtype of its own (an authorization code): `Debug` shows
/// `[redacted]`.
#[derive(Clone)]
pub struct Secret(String);

impl Secret {
    /// The value; keep it out of messages.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Secret(value)
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret([redacted])")
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;

    const SENTINELS: [&str; 5] = [
        "SENTINELprivate",
        "SENTINELsecret",
        "SENTINELaccess",
        "SENTINELpassword",
        "SENTINELcode",
    ];

    #[test]
    fn debug_of_the_parsed_command_line_shows_no_secret() {
        let globals = [
            "mailru",
            "--app-id",
            "1",
            "--private-key",
            SENTINELS[0],
            "--secret-key",
            SENTINELS[1],
            "--access-token",
            SENTINELS[2],
        ];
        let login = Cli::try_parse_from(globals.iter().chain(&[
            "login",
            "--email",
            "a@b.c",
            "--password",
            SENTINELS[3],
        ]))
        .unwrap();
        let code = Cli::try_parse_from(globals.iter().chain(&[
            "login",
            "--code",
            SENTINELS[4],
            "--redirect-uri",
            "https://example.org/cb",
        ]))
        .unwrap();
        for cli in [login, code] {
            let debug = format!("{cli:?} {cli:#?} {:?}", cli.global);
            for sentinel in SENTINELS {
                assert!(!debug.contains(sentinel), "{sentinel} in {debug}");
            }
            assert!(debug.contains("[redacted]"), "{debug}");
            // The values are still there for the commands.
            assert_eq!(
                cli.global.private_key.as_ref().map(PrivateKey::expose),
                Some(SENTINELS[0])
            );
        }
    }

    #[test]
    fn the_command_lines_are_consistent() {
        command().debug_assert();
        completion_command().debug_assert();
        EmulatorCli::command().debug_assert();
    }

    #[test]
    fn the_emulator_gets_its_arguments_raw_and_parses_them_apart() {
        let cli = Cli::try_parse_from([
            "mailru", "emulator", "--port", "8080", "--seed", "7", "--help",
        ])
        .unwrap();
        let Command::Emulator { args } = cli.command else {
            panic!("not the emulator: {cli:?}");
        };
        assert_eq!(args, ["--port", "8080", "--seed", "7", "--help"]);
        let options = EmulatorCli::try_parse_from(&args[..4]).unwrap().emulator;
        assert_eq!((options.port, options.seed), (Some(8080), Some(7)));
        let defaults = EmulatorCli::try_parse_from(Vec::<String>::new()).unwrap();
        assert_eq!(
            (defaults.emulator.port, defaults.emulator.seed),
            (None, None)
        );
        let help = EmulatorCli::try_parse_from(&args).unwrap_err();
        assert_eq!(help.kind(), clap::error::ErrorKind::DisplayHelp);
    }

    #[test]
    fn password_stdin_conflicts_with_password_and_code() {
        let base = ["mailru", "login", "--email", "a@b.c", "--password-stdin"];
        let cli = Cli::try_parse_from(base).unwrap();
        assert!(matches!(
            cli.command,
            Command::Login {
                password_stdin: true,
                password: None,
                ..
            }
        ));
        for extra in [["--password", "x"], ["--code", "x"]] {
            let err = Cli::try_parse_from(base.iter().chain(&extra)).unwrap_err();
            assert_eq!(
                err.kind(),
                clap::error::ErrorKind::ArgumentConflict,
                "{err}"
            );
        }
    }
}
