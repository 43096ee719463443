//! Canonical string, both signing circuits and verification on arbitrary parameter sets.
//!
//! Properties: nothing panics; the canonical string is the sorted `key=value` pairs
//! without `sig` and does not depend on the order of the pairs; a set with a repeated key
//! can be neither signed nor verified; `verify` accepts exactly what signing produced
//! (for both circuits) and rejects a changed signature; `Credentials::sign` is the plain
//! circuit functions; a signature parses back from its display.

#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use mailru_sign::{
    Circuit, Credentials, Error, Signature, VerifyKey, canonical_string, sign_client_server,
    sign_server_server, verify,
};

#[derive(Debug, Arbitrary)]
struct Input {
    params: Vec<(String, String)>,
    app_id: String,
    uid: String,
    private_key: String,
    secret_key: String,
    /// Drives a permutation of the pairs.
    shuffle: u64,
    /// Any text given as `sig`.
    sig: String,
}

/// The pairs in another order, driven by `seed`.
fn shuffled(pairs: &[(String, String)], mut seed: u64) -> Vec<(String, String)> {
    let mut out = pairs.to_vec();
    for i in (1..out.len()).rev() {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let j = usize::try_from((seed >> 33) % (i as u64 + 1)).unwrap_or(0);
        out.swap(i, j);
    }
    out
}

/// What the canonical string must be: sorted by key bytes, `sig` left out, duplicates an
/// error.
fn expected_canonical(pairs: &[(String, String)]) -> Option<String> {
    let mut kept: Vec<&(String, String)> = pairs.iter().filter(|(k, _)| k != "sig").collect();
    kept.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
    if kept.windows(2).any(|w| w[0].0 == w[1].0) {
        return None;
    }
    Some(kept.iter().map(|(k, v)| format!("{k}={v}")).collect())
}

fn with_sig(pairs: &[(String, String)], sig: &Signature) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> =
        pairs.iter().filter(|(k, _)| k != "sig").cloned().collect();
    out.push(("sig".to_owned(), sig.to_string()));
    out
}

/// The same signature with its first hex digit changed.
fn tampered(sig: &Signature) -> String {
    let mut text = sig.to_string();
    let first = if text.starts_with('0') { "1" } else { "0" };
    text.replace_range(0..1, first);
    text
}

fuzz_target!(|input: Input| {
    let params = &input.params;
    let other_order = shuffled(params, input.shuffle);

    // Canonical string: the definition, in any order.
    let canonical = canonical_string(params);
    match (&canonical, expected_canonical(params)) {
        (Ok(got), Some(want)) => assert_eq!(got, &want),
        (Err(Error::DuplicateKey { key }), None) => assert_ne!(key, "sig"),
        (got, want) => panic!("canonical_string gave {got:?}, expected {want:?}"),
    }
    assert_eq!(canonical, canonical_string(&other_order));

    // Both circuits: order independent, duplicates refused.
    let client = sign_client_server(&input.uid, params, &input.private_key);
    let server = sign_server_server(params, &input.secret_key);
    assert_eq!(client.is_ok(), canonical.is_ok());
    assert_eq!(server.is_ok(), canonical.is_ok());
    assert_eq!(
        client,
        sign_client_server(&input.uid, &other_order, &input.private_key)
    );
    assert_eq!(server, sign_server_server(&other_order, &input.secret_key));
    // Server-server is client-server with an empty uid.
    assert_eq!(server, sign_client_server("", params, &input.secret_key));

    let client_key = VerifyKey::ClientServer {
        uid: &input.uid,
        private_key: &input.private_key,
    };
    let server_key = VerifyKey::ServerServer {
        secret_key: &input.secret_key,
    };
    if let (Ok(client), Ok(server)) = (&client, &server) {
        // Verify accepts what signing produced, in any order, and nothing else.
        for (sig, key) in [(client, client_key), (server, server_key)] {
            let received = with_sig(params, sig);
            assert_eq!(verify(&received, key), Ok(()));
            assert_eq!(verify(&shuffled(&received, input.shuffle), key), Ok(()));
            let mut forged = received.clone();
            if let Some(last) = forged.last_mut() {
                last.1 = tampered(sig);
            }
            assert_eq!(verify(&forged, key), Err(Error::SignatureMismatch));
            let mut twice = received.clone();
            twice.push(("sig".to_owned(), sig.to_string()));
            assert!(matches!(
                verify(&twice, key),
                Err(Error::DuplicateKey { .. })
            ));
        }
        assert_eq!(client.to_string().parse::<Signature>(), Ok(*client));
    } else {
        let received = with_sig(params, &Signature::from([0; 16]));
        assert!(matches!(
            verify(&received, server_key),
            Err(Error::DuplicateKey { .. })
        ));
    }

    // Without a sig, or with any text as sig.
    let unsigned: Vec<_> = params.iter().filter(|(k, _)| k != "sig").collect();
    assert_eq!(verify(&unsigned, server_key), Err(Error::MissingSignature));
    match input.sig.parse::<Signature>() {
        Ok(sig) => assert_eq!(sig.to_string(), input.sig),
        Err(e) => assert_eq!(e, Error::MalformedSignature),
    }
    let mut any_sig: Vec<_> = unsigned
        .iter()
        .map(|p| (p.0.as_str(), p.1.as_str()))
        .collect();
    any_sig.push(("sig", &input.sig));
    let _ = verify(&any_sig, client_key).map_err(|e| e.to_string());

    // Credentials: the circuits above, and missing credentials named.
    let creds = Credentials::new(&input.app_id)
        .uid(&input.uid)
        .private_key(&input.private_key)
        .secret_key(&input.secret_key);
    let _ = format!("{creds:?}");
    for circuit in [Circuit::ClientServer, Circuit::ServerServer] {
        let complete = !input.app_id.is_empty()
            && match circuit {
                Circuit::ClientServer => !input.uid.is_empty() && !input.private_key.is_empty(),
                Circuit::ServerServer => !input.secret_key.is_empty(),
            };
        match creds.sign(circuit, params) {
            Ok(sig) => {
                assert!(complete);
                let direct = match circuit {
                    Circuit::ClientServer => &client,
                    Circuit::ServerServer => &server,
                };
                assert_eq!(Ok(sig), *direct);
            }
            Err(Error::MissingCredentials { missing, .. }) => {
                assert!(!complete && !missing.is_empty());
            }
            Err(Error::DuplicateKey { .. }) => assert!(complete && canonical.is_err()),
            Err(other) => panic!("unexpected {other:?}"),
        }
    }
    match creds.infer_circuit() {
        Ok(circuit) => assert!(creds.sign(circuit, [("a", "b")]).is_ok()),
        Err(e) => assert!(matches!(e, Error::MissingCredentials { circuit: None, .. })),
    }
});
