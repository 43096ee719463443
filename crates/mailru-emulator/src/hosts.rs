//! The platform's three hosts (spec §1.1): appsmail.ru (REST, public profiles, password and
//! refresh grants), connect.mail.ru (authorize dialog, code grant, success page) and
//! auth.mail.ru (login form, recovery). By default one origin plays all three; with
//! separate hosts each has its own listener and a path on the wrong host is a 404.

/// The host a listener plays.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Host {
    /// One origin for every path (the default).
    All,
    /// `appsmail.ru`.
    Appsmail,
    /// `connect.mail.ru`.
    Connect,
    /// `auth.mail.ru`.
    Auth,
}

/// The origins (`http://127.0.0.1:PORT`) that play the platform's hosts. All three are the
/// same unless the emulator was built with
/// [`separate_hosts`](crate::EmulatorBuilder::separate_hosts).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origins {
    /// appsmail.ru: `/platform/api`, `/platform/<domain>/<nick>`, `/oauth/token` for the
    /// `password` and `refresh_token` grants, and the control API `/_emulator/*`.
    pub appsmail: String,
    /// connect.mail.ru: `/oauth/authorize`, `/oauth/token` for `authorization_code`,
    /// `/oauth/success.html`.
    pub connect: String,
    /// auth.mail.ru: `/cgi-bin/auth` (the login form's target) and `/recovery`.
    pub auth: String,
}

impl Origins {
    /// One origin for all hosts.
    pub(crate) fn single(origin: &str) -> Self {
        Origins {
            appsmail: origin.to_owned(),
            connect: origin.to_owned(),
            auth: origin.to_owned(),
        }
    }

    /// The origin of a host (the single origin plays `All`).
    pub(crate) fn of(&self, host: Host) -> &str {
        match host {
            Host::All | Host::Appsmail => &self.appsmail,
            Host::Connect => &self.connect,
            Host::Auth => &self.auth,
        }
    }
}

/// `/platform/api` and its sub-paths (spec §1.1: extra segments are tolerated).
pub(crate) fn is_rest_path(path: &str) -> bool {
    path == "/platform/api" || path.starts_with("/platform/api/")
}

/// Whether `host` serves `path` at all (whatever the method).
pub(crate) fn serves(host: Host, path: &str) -> bool {
    match host {
        Host::All => true,
        Host::Appsmail => {
            path.starts_with("/platform/")
                || path == "/oauth/token"
                || path.starts_with("/_emulator/")
        }
        Host::Connect => matches!(
            path,
            "/oauth/authorize" | "/oauth/token" | "/oauth/success.html"
        ),
        Host::Auth => matches!(path, "/cgi-bin/auth" | "/recovery"),
    }
}

/// Whether the token endpoint of `host` takes `grant_type`: the code grant belongs to
/// connect.mail.ru, the password and refresh grants to appsmail.ru. Unknown grant types are
/// left to the endpoint, which answers them `unsupported_grant_type` everywhere.
pub(crate) fn takes_grant(host: Host, grant_type: &str) -> bool {
    match host {
        Host::All | Host::Auth => true,
        Host::Appsmail => grant_type != "authorization_code",
        Host::Connect => !matches!(grant_type, "password" | "refresh_token"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_path_has_its_host() {
        let all = [Host::Appsmail, Host::Connect, Host::Auth];
        let owner = |path: &str| -> Vec<Host> {
            all.iter().copied().filter(|h| serves(*h, path)).collect()
        };
        assert_eq!(owner("/platform/api"), [Host::Appsmail]);
        assert_eq!(owner("/platform/api/users/getInfo"), [Host::Appsmail]);
        assert_eq!(owner("/platform/mail/demo"), [Host::Appsmail]);
        assert_eq!(owner("/_emulator/log"), [Host::Appsmail]);
        assert_eq!(owner("/oauth/token"), [Host::Appsmail, Host::Connect]);
        assert_eq!(owner("/oauth/authorize"), [Host::Connect]);
        assert_eq!(owner("/oauth/success.html"), [Host::Connect]);
        assert_eq!(owner("/cgi-bin/auth"), [Host::Auth]);
        assert_eq!(owner("/recovery"), [Host::Auth]);
        assert!(owner("/").is_empty());
        assert!(serves(Host::All, "/anything"));
        assert!(takes_grant(Host::Appsmail, "password"));
        assert!(!takes_grant(Host::Appsmail, "authorization_code"));
        assert!(takes_grant(Host::Connect, "authorization_code"));
        assert!(!takes_grant(Host::Connect, "refresh_token"));
        assert!(takes_grant(Host::Connect, "client_credentials"));
    }
}
