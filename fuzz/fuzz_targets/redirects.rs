//! Arbitrary redirect targets and token fragments of the implicit flow:
//! `page::classify_redirect` and `Token::from_fragment`.
//!
//! Properties: nothing panics; a token is only ever taken from exactly the success page
//! (same origin and path) and only from a fragment with `access_token=`; a refusal is a
//! refusal wherever it comes from; anything else is followed unchanged; a fragment built
//! from a token's fields reads back as those fields.

#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use mailru_auth::Token;
use mailru_auth::page::{Redirect, classify_redirect};
use url::Url;

/// Success pages: the platform's, the emulator's, or an arbitrary one.
const SUCCESS: [&str; 3] = [
    "https://connect.mail.ru/oauth/success.html",
    "http://127.0.0.1:8080/oauth/success.html",
    "https://connect.mail.ru:443/oauth/success.html?x=1",
];

#[derive(Debug, Arbitrary)]
struct Input<'a> {
    location: &'a str,
    /// An index into `SUCCESS`, or (out of range) `success` itself.
    which: u8,
    success: &'a str,
    /// A fragment put on the success page, and given to `from_fragment`.
    fragment: &'a str,
    scope: Vec<&'a str>,
    /// Fields of a well-formed fragment.
    fields: Fields<'a>,
}

#[derive(Debug, Arbitrary)]
struct Fields<'a> {
    access_token: &'a str,
    refresh_token: Option<&'a str>,
    expires_in: u64,
    uid: u64,
}

fn check(location: &Url, success: &Url) {
    let query = |key: &str| {
        location
            .query_pairs()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.into_owned())
    };
    match classify_redirect(location, success) {
        Redirect::Token(fragment) => {
            assert_eq!(
                location.origin(),
                success.origin(),
                "token from another origin"
            );
            assert_eq!(location.path(), success.path(), "token from another page");
            assert_eq!(location.fragment(), Some(fragment.as_str()));
            assert!(fragment.contains("access_token="));
        }
        Redirect::Declined => assert_eq!(query("error").as_deref(), Some("access_denied")),
        Redirect::Blocked => assert!(location.path().ends_with("/recovery")),
        Redirect::FailedLogin => {
            assert!(location.path().ends_with("/oauth/authorize") && query("fail").is_some());
        }
        Redirect::Follow(next) => assert_eq!(&next, location),
    }
}

fn check_fragment(fragment: &str, scope: &[String]) {
    match Token::from_fragment(fragment, scope) {
        Ok(token) => {
            assert!(!token.access_token.expose().is_empty());
            assert!(!token.token_type.is_empty());
            assert_eq!(token.scope, scope);
            assert!(token.cookies.is_none());
            // Lifetimes are clamped to ten years.
            assert!(token.expires_in() <= 10 * 365 * 86_400 + 60);
            let _ = format!("{token:?}");
        }
        Err(e) => {
            let _ = e.to_string();
        }
    }
}

fuzz_target!(|input: Input<'_>| {
    let success = match SUCCESS.get(usize::from(input.which)) {
        Some(s) => Url::parse(s).ok(),
        None => Url::parse(input.success).ok(),
    };
    let scope: Vec<String> = input.scope.iter().map(|s| (*s).to_owned()).collect();
    if let Some(success) = &success {
        if let Ok(location) = Url::parse(input.location) {
            check(&location, success);
        }
        // The same target relative to the success page (as a `Location` header may be).
        if let Ok(location) = success.join(input.location) {
            check(&location, success);
        }
        // The success page itself with the fuzzed fragment.
        let mut at_success = success.clone();
        at_success.set_fragment(Some(input.fragment));
        let got = classify_redirect(&at_success, success);
        // (Opaque origins, of URLs like `data:x`, equal nothing, not even themselves.)
        if success.origin().is_tuple()
            && at_success
                .fragment()
                .is_some_and(|f| f.contains("access_token="))
        {
            assert!(matches!(got, Redirect::Token(_)), "{got:?}");
        }
        check(&at_success, success);
    }

    check_fragment(input.fragment, &scope);

    // A fragment as the platform builds it reads back.
    let f = &input.fields;
    let mut built = url::form_urlencoded::Serializer::new(String::new());
    built.append_pair("access_token", f.access_token);
    if let Some(refresh) = f.refresh_token {
        built.append_pair("refresh_token", refresh);
    }
    built.append_pair("expires_in", &f.expires_in.to_string());
    built.append_pair("token_type", "bearer");
    built.append_pair("x_mailru_vid", &f.uid.to_string());
    let built = built.finish();
    match Token::from_fragment(&built, &scope) {
        Ok(token) => {
            assert_eq!(token.access_token.expose(), f.access_token);
            assert_eq!(token.uid, f.uid);
            assert_eq!(
                token.refresh_token.as_ref().map(|r| r.expose()),
                f.refresh_token.filter(|r| !r.is_empty())
            );
            assert_eq!(token.token_type, "bearer");
        }
        Err(e) => assert!(f.access_token.is_empty(), "{built}: {e}"),
    }
    check_fragment(&built, &scope);
});
