//! Arbitrary bytes as a saved token file: `Token::load` from a real file, and the same
//! bytes through serde.
//!
//! Properties: nothing panics; loading the file and decoding the bytes agree; a loaded
//! token serializes and reads back equal; Debug never shows the access or refresh token.

#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use mailru_api::{AccessToken, RefreshToken};
use mailru_auth::Token;

/// One file per fuzzing process, rewritten for every input.
fn path() -> &'static PathBuf {
    static PATH: OnceLock<PathBuf> = OnceLock::new();
    PATH.get_or_init(|| {
        std::env::temp_dir().join(format!("mailru-fuzz-token-{}.json", std::process::id()))
    })
}

fuzz_target!(|data: &[u8]| {
    let direct = serde_json::from_slice::<Token>(data);
    let loaded = match std::fs::write(path(), data) {
        Ok(()) => Some(Token::load(path())),
        Err(_) => None,
    };
    if let Some(loaded) = &loaded {
        match (loaded, &direct) {
            (Ok(a), Ok(b)) => assert_eq!(a, b),
            (Err(e), Ok(_)) => {
                // Only a size limit may refuse what serde reads.
                assert!(
                    data.len() > 64 * 1024,
                    "load refused a token serde reads: {e}"
                );
            }
            (Ok(_), Err(e)) => panic!("load read a token serde refuses: {e}"),
            (Err(e), Err(_)) => {
                let _ = e.to_string();
            }
        }
    }
    if let Ok(token) = direct {
        let json = serde_json::to_vec(&token).expect("a token serializes");
        let back: Token = serde_json::from_slice(&json).expect("a saved token reads back");
        assert_eq!(back, token);
        // Debug never shows a secret (unless another field holds the same text).
        let debug = format!("{token:?}");
        let mut blank = token.clone();
        blank.access_token = AccessToken::new("");
        blank.refresh_token = blank.refresh_token.map(|_| RefreshToken::new(""));
        let without = format!("{blank:?}");
        let secrets = std::iter::once(token.access_token.expose())
            .chain(token.refresh_token.as_ref().map(RefreshToken::expose));
        for secret in secrets {
            if !secret.is_empty() && !without.contains(secret) {
                assert!(!debug.contains(secret), "Debug shows a secret: {debug}");
            }
        }
    }
});
