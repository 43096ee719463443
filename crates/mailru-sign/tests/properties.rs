//! Property tests: order independence, md5 of the canonical string, verification.

use md5::{Digest, Md5};
use proptest::collection::{btree_map, vec};
use proptest::prelude::*;

use mailru_sign::{VerifyKey, canonical_string, sign_client_server, sign_server_server, verify};

const SECRET: &str = "3dad9cbf9baaa0360c0f2ba372d25716";

/// Distinct keys (any characters but never `sig`) with arbitrary values.
fn params() -> impl Strategy<Value = Vec<(String, String)>> {
    btree_map("\\PC{1,12}", any::<String>(), 0..12).prop_map(|m| {
        m.into_iter()
            .filter(|(k, _)| k != "sig")
            .collect::<Vec<_>>()
    })
}

fn md5_hex(bytes: &[u8]) -> String {
    Md5::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

proptest! {
    #[test]
    fn order_of_pairs_does_not_matter(params in params(), seed in any::<u64>()) {
        let mut shuffled = params.clone();
        // A cheap deterministic shuffle driven by the seed.
        let n = shuffled.len();
        for i in (1..n).rev() {
            let j = (seed.rotate_left(i as u32) % (i as u64 + 1)) as usize;
            shuffled.swap(i, j);
        }
        shuffled.reverse();
        prop_assert_eq!(canonical_string(&params).unwrap(), canonical_string(&shuffled).unwrap());
        prop_assert_eq!(
            sign_server_server(&params, SECRET).unwrap(),
            sign_server_server(&shuffled, SECRET).unwrap()
        );
    }

    #[test]
    fn signature_is_md5_of_canonical_string(params in params(), uid in "[0-9]{1,20}", key in any::<String>()) {
        let canonical = canonical_string(&params).unwrap();
        let client = sign_client_server(&uid, &params, &key).unwrap();
        prop_assert_eq!(client.to_string(), md5_hex(format!("{uid}{canonical}{key}").as_bytes()));
        let server = sign_server_server(&params, &key).unwrap();
        prop_assert_eq!(server.to_string(), md5_hex(format!("{canonical}{key}").as_bytes()));
    }

    #[test]
    fn verify_accepts_what_signing_produced_and_rejects_any_byte_change(
        params in params().prop_filter("needs a value", |p| !p.is_empty()),
        pick in any::<prop::sample::Index>(),
        pos in any::<prop::sample::Index>(),
        replacement in any::<char>(),
    ) {
        let sig = sign_server_server(&params, SECRET).unwrap().to_string();
        let mut received = params.clone();
        received.push(("sig".to_owned(), sig));
        let key = VerifyKey::ServerServer { secret_key: SECRET };
        prop_assert_eq!(verify(&received, key), Ok(()));

        // Change one character of one value (or append one to an empty value).
        let i = pick.index(params.len());
        let value = &mut received[i].1;
        let chars: Vec<char> = value.chars().collect();
        let changed: String = if chars.is_empty() {
            replacement.to_string()
        } else {
            let at = pos.index(chars.len());
            let mut c = chars.clone();
            c[at] = if c[at] == replacement { if replacement == 'a' { 'b' } else { 'a' } } else { replacement };
            c.into_iter().collect()
        };
        prop_assume!(changed != *value);
        *value = changed;
        prop_assert!(verify(&received, key).is_err());
    }

    #[test]
    fn no_input_panics(pairs in vec((any::<String>(), any::<String>()), 0..8), sig in any::<String>()) {
        let _ = canonical_string(&pairs);
        let _ = sign_client_server("1", &pairs, "k");
        let mut with_sig = pairs.clone();
        with_sig.push(("sig".to_owned(), sig));
        let _ = verify(&with_sig, VerifyKey::ClientServer { uid: "1", private_key: "k" });
    }
}
