//! Arbitrary HTML as an OAuth dialog page: classification, form extraction, the title, and
//! filling the login form.
//!
//! Properties: nothing panics; `classify` agrees with the markers and with
//! `extract_forms`; a title is trimmed and not empty; `fill_login` succeeds exactly when
//! the form has the hidden `Page` and `FailPage`, and then sends the password and the
//! e-mail split at its last `@`.

#![no_main]

use libfuzzer_sys::fuzz_target;
use mailru_auth::page::{Form, Page, classify, extract_forms, fill_login, title};

const EMAILS: [&str; 4] = ["user@mail.ru", "no-domain", "a@b@inbox.ru", ""];
const PASSWORD: &str = "pa=ss&wörd";

fn check_fill(form: &Form, email: &str) {
    match fill_login(form, email, PASSWORD) {
        Ok(fields) => {
            assert!(form.has("Page") && form.has("FailPage"));
            let get = |name: &str| {
                fields
                    .iter()
                    .find(|(k, _)| k == name)
                    .map(|(_, v)| v.as_str())
            };
            assert_eq!(get("Password"), Some(PASSWORD));
            let (login, domain) = email.rsplit_once('@').unwrap_or((email, "mail.ru"));
            assert_eq!((get("Login"), get("Domain")), (Some(login), Some(domain)));
            // Every field of the page is still sent.
            for (name, _) in &form.fields {
                assert!(get(name).is_some(), "field `{name}` was dropped");
            }
        }
        Err(e) => {
            assert!(!(form.has("Page") && form.has("FailPage")), "{e}");
            let _ = e.to_string();
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let html = String::from_utf8_lossy(data);
    let forms = extract_forms(&html);
    for form in &forms {
        assert!(form.method == form.method.to_ascii_uppercase());
    }
    if let Some(t) = title(&html) {
        assert!(!t.is_empty() && t.trim() == t);
    }
    match classify(&html) {
        Page::AppNotAvailable => assert!(html.contains("Авторизация запрещена")),
        Page::NoClient => assert!(html.contains("Не указано приложение")),
        Page::Login(form) => {
            assert!(form.has("Login") && form.has("Password"));
            assert!(forms.contains(&form));
            for email in EMAILS {
                check_fill(&form, email);
            }
        }
        Page::Consent(form) => {
            assert!(form.method == "POST" && form.has("client_id"));
            assert!(forms.contains(&form));
            assert!(!forms.iter().any(|f| f.has("Login") && f.has("Password")));
        }
        Page::Unknown { title: t } => {
            assert_eq!(t, title(&html));
            assert!(!forms.iter().any(|f| f.has("Login") && f.has("Password")));
        }
    }
    for form in forms.iter().take(4) {
        check_fill(form, EMAILS[data.len() % EMAILS.len()]);
    }
});
