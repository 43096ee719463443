//! Known-answer vectors of spec §2.3 (rows 1–2 are the official worked examples).

use std::collections::{BTreeMap, HashMap};

use mailru_sign::{
    Circuit, Credentials, Error, VerifyKey, canonical_string, sign_client_server,
    sign_server_server, verify,
};

const APP_ID: &str = "423004";
const SESSION_KEY: &str = "be6ef89965d58e56dec21acb9b62bdaa";
const UID: &str = "1324730981306483817";
const PRIVATE_KEY: &str = "7815696ecbf1c96e6894b779456d330e";
const SECRET_KEY: &str = "3dad9cbf9baaa0360c0f2ba372d25716";

#[test]
fn row1_client_server_friends_get_official() {
    let params = [
        ("app_id", APP_ID),
        ("method", "friends.get"),
        ("session_key", SESSION_KEY),
    ];
    let sig = sign_client_server(UID, &params, PRIVATE_KEY).unwrap();
    assert_eq!(sig.to_string(), "5073f15c6d5b6ab2fde23ac43332b002");
}

#[test]
fn row2_server_server_friends_get_official() {
    let params = [
        ("method", "friends.get"),
        ("secure", "1"),
        ("session_key", SESSION_KEY),
        ("app_id", APP_ID),
    ];
    assert_eq!(
        canonical_string(params).unwrap(),
        "app_id=423004method=friends.getsecure=1session_key=be6ef89965d58e56dec21acb9b62bdaa"
    );
    let sig = sign_server_server(params, SECRET_KEY).unwrap();
    assert_eq!(sig.to_string(), "4a05af66f80da18b308fa7e536912bae");
}

#[test]
fn row3_client_server_with_explicit_secure_0() {
    let params = vec![
        ("app_id".to_owned(), APP_ID.to_owned()),
        ("method".to_owned(), "friends.get".to_owned()),
        ("secure".to_owned(), "0".to_owned()),
        ("session_key".to_owned(), SESSION_KEY.to_owned()),
    ];
    let sig = sign_client_server(UID, &params, PRIVATE_KEY).unwrap();
    assert_eq!(sig.to_string(), "ebe80f4b77ae55b909fff4d9c6806da7");
}

#[test]
fn row4_server_server_utf8_value_signed_raw() {
    let params: BTreeMap<&str, &str> = [
        ("app_id", APP_ID),
        ("description", "Привет, мир!"),
        ("method", "guestbook.post"),
        ("secure", "1"),
        ("session_key", SESSION_KEY),
        ("uid", "15410773191172635989"),
    ]
    .into_iter()
    .collect();
    let sig = sign_server_server(&params, SECRET_KEY).unwrap();
    assert_eq!(sig.to_string(), "c269f20ae8a2bf8117f904e4993cd682");
    assert_ne!(sig.to_string(), "6e4f2670e7f40575a035eb4841267d91");
}

#[test]
fn row5_server_server_sessionless_users_get_info() {
    let params: HashMap<&str, String> = [
        ("app_id", APP_ID.to_owned()),
        ("method", "users.getInfo".to_owned()),
        ("secure", "1".to_owned()),
        ("uids", "15410773191172635989".to_owned()),
    ]
    .into_iter()
    .collect();
    let sig = sign_server_server(&params, SECRET_KEY).unwrap();
    assert_eq!(sig.to_string(), "9bb78ce9fe037b3b821e708cd29180d8");
}

#[test]
fn row6_payment_callback_verifies() {
    let params = [
        ("app_id", APP_ID),
        ("debug", "1"),
        ("mailiki_price", "10"),
        ("profit", "5"),
        ("service_id", "10"),
        ("transaction_id", "3751"),
        ("uid", "104"),
    ];
    let sig = sign_server_server(&params, SECRET_KEY).unwrap();
    assert_eq!(sig.to_string(), "d09e552cccc9b5edd627bf83fbba7789");
    let mut received = params.to_vec();
    received.insert(3, ("sig", "d09e552cccc9b5edd627bf83fbba7789"));
    let key = VerifyKey::ServerServer {
        secret_key: SECRET_KEY,
    };
    assert_eq!(verify(&received, key), Ok(()));
}

#[test]
fn sig_in_params_is_not_signed() {
    let with_sig = [
        ("app_id", APP_ID),
        ("method", "friends.get"),
        ("session_key", SESSION_KEY),
        ("sig", "ffffffffffffffffffffffffffffffff"),
    ];
    let sig = sign_client_server(UID, &with_sig, PRIVATE_KEY).unwrap();
    assert_eq!(sig.to_string(), "5073f15c6d5b6ab2fde23ac43332b002");
}

#[test]
fn credentials_sign_both_circuits() {
    let creds = Credentials::new(APP_ID)
        .uid(UID)
        .private_key(PRIVATE_KEY)
        .secret_key(SECRET_KEY);
    let base = [
        ("app_id", APP_ID),
        ("method", "friends.get"),
        ("session_key", SESSION_KEY),
    ];
    let client = creds.sign(Circuit::ClientServer, base).unwrap();
    assert_eq!(client.to_string(), "5073f15c6d5b6ab2fde23ac43332b002");
    let mut server = base.to_vec();
    server.push(("secure", Circuit::ServerServer.secure_param().unwrap()));
    let server = creds.sign(Circuit::ServerServer, &server).unwrap();
    assert_eq!(server.to_string(), "4a05af66f80da18b308fa7e536912bae");
}

#[test]
fn inference_follows_aiomailru() {
    let full = Credentials::new(APP_ID)
        .uid(UID)
        .private_key(PRIVATE_KEY)
        .secret_key(SECRET_KEY);
    assert_eq!(full.infer_circuit(), Ok(Circuit::ClientServer));
    assert_eq!(
        full.choose_circuit(Some(Circuit::ServerServer)),
        Ok(Circuit::ServerServer)
    );
    // uid without private_key falls through to server-server.
    let server = Credentials::new(APP_ID).uid(UID).secret_key(SECRET_KEY);
    assert_eq!(server.infer_circuit(), Ok(Circuit::ServerServer));
    // private_key without uid, and no secret: error naming what is missing.
    let err = Credentials::new(APP_ID)
        .private_key(PRIVATE_KEY)
        .infer_circuit()
        .unwrap_err();
    assert_eq!(
        err,
        Error::MissingCredentials {
            circuit: None,
            missing: vec!["uid", "secret_key"],
        }
    );
    let text = err.to_string();
    assert!(
        text.contains("uid") && text.contains("secret_key"),
        "{text}"
    );
}

#[test]
fn forced_circuit_without_its_credentials_is_an_error() {
    let creds = Credentials::new(APP_ID).secret_key(SECRET_KEY);
    let err = creds
        .choose_circuit(Some(Circuit::ClientServer))
        .unwrap_err();
    assert_eq!(
        err,
        Error::MissingCredentials {
            circuit: Some(Circuit::ClientServer),
            missing: vec!["uid", "private_key"],
        }
    );
    assert!(err.to_string().contains("client-server"));
    let err = creds
        .sign(Circuit::ClientServer, [("method", "friends.get")])
        .unwrap_err();
    assert!(matches!(err, Error::MissingCredentials { .. }));
}

#[test]
fn empty_credential_counts_as_missing() {
    let creds = Credentials::new(APP_ID).uid("").private_key(PRIVATE_KEY);
    assert!(matches!(
        creds.infer_circuit(),
        Err(Error::MissingCredentials { .. })
    ));
    let err = Credentials::new("").secret_key(SECRET_KEY).infer_circuit();
    assert!(
        matches!(err, Err(Error::MissingCredentials { ref missing, .. }) if missing.contains(&"app_id"))
    );
}

#[test]
fn duplicate_keys_are_rejected_everywhere() {
    let params = [("uids", "1"), ("method", "users.getInfo"), ("uids", "2")];
    let dup = Err(Error::DuplicateKey {
        key: "uids".to_owned(),
    });
    assert_eq!(
        canonical_string(params),
        dup.clone().map(|()| String::new())
    );
    assert_eq!(
        sign_server_server(params, SECRET_KEY).map(|_| ()),
        dup.clone()
    );
    assert_eq!(
        sign_client_server(UID, params, PRIVATE_KEY).map(|_| ()),
        dup
    );
    let err = canonical_string(params).unwrap_err();
    assert_eq!(err.to_string(), "parameter `uids` is given more than once");
}

#[test]
fn verify_errors_are_distinct() {
    let key = VerifyKey::ClientServer {
        uid: UID,
        private_key: PRIVATE_KEY,
    };
    let base = [
        ("app_id", APP_ID),
        ("method", "friends.get"),
        ("session_key", SESSION_KEY),
    ];
    let with = |sig: &'static str| {
        let mut v = base.to_vec();
        v.push(("sig", sig));
        v
    };
    assert_eq!(
        verify(with("5073f15c6d5b6ab2fde23ac43332b002"), key),
        Ok(())
    );
    assert_eq!(verify(base, key), Err(Error::MissingSignature));
    assert_eq!(
        verify(with("5073F15C6D5B6AB2FDE23AC43332B002"), key),
        Err(Error::MalformedSignature)
    );
    assert_eq!(
        verify(with("5073f15c"), key),
        Err(Error::MalformedSignature)
    );
    assert_eq!(
        verify(with("5073f15c6d5b6ab2fde23ac43332b003"), key),
        Err(Error::SignatureMismatch)
    );
    let mut two = with("5073f15c6d5b6ab2fde23ac43332b002");
    two.push(("sig", "5073f15c6d5b6ab2fde23ac43332b002"));
    assert_eq!(
        verify(&two, key),
        Err(Error::DuplicateKey {
            key: "sig".to_owned()
        })
    );
}

#[test]
fn debug_never_shows_keys() {
    let creds = Credentials::new(APP_ID)
        .uid(UID)
        .private_key(PRIVATE_KEY)
        .secret_key(SECRET_KEY);
    let text = format!("{creds:?}");
    assert!(
        !text.contains(PRIVATE_KEY) && !text.contains(SECRET_KEY),
        "{text}"
    );
    assert!(text.contains("[redacted]"));
    let key = VerifyKey::ServerServer {
        secret_key: SECRET_KEY,
    };
    assert!(!format!("{key:?}").contains(SECRET_KEY));
}
