//! The rules a keychain profile must meet, as pure functions: where its keys may be sent, when the
//! secret must be entered again, and what fits in Windows' Credential Manager.

use gatehouse_core::domain::model::{
    check_endpoint_url, endpoint_host, is_loopback_host, mask_key_id,
};
use gatehouse_core::local::keychain::{
    secret_fits, validate, validate_with_limit, KeychainProfile, ProfileInput, WINDOWS_SECRET_LIMIT,
};

#[test]
fn plain_http_only_reaches_this_machine() {
    for ok in [
        "http://127.0.0.5:4566",
        "http://127.0.0.1",
        "http://localhost:4566",
        "http://LOCALHOST:4566/",
        "http://[::1]:4566",
        "http://[::1]",
        "https://example.com",
        "https://apigateway.eu-west-1.amazonaws.com/",
        "https://localhost:4566/",
        "http://user:pw@127.0.0.1:4566/path?q=1",
    ] {
        assert_eq!(check_endpoint_url(ok), Ok(()), "{ok}");
    }
    for refused in [
        "http://example.com",
        "http://localhost.evil.com",
        "http://user@127.0.0.1.evil.com",
        "http://127.0.0.1@evil.com",
        "http://127.0.0.1.nip.io:4566",
        "http://10.0.0.1:4566",
        "http://[::ffff:127.0.0.1]:4566",
        "http://0.0.0.0:4566",
    ] {
        let why = check_endpoint_url(refused).unwrap_err();
        assert!(
            why.starts_with("http:// is only allowed for this machine (localhost, 127.0.0.1, [::1]); use https:// for "),
            "{refused}: {why}"
        );
    }
    assert!(check_endpoint_url("http://example.com")
        .unwrap_err()
        .ends_with("use https:// for example.com"));
    for malformed in [
        "ftp://example.com",
        "localhost:4566",
        "http://",
        "http://:4566",
        "http://localhost:port",
        "http://[::1",
        "http://[127.0.0.1]:4566",
        "http://local host",
        "https://example.com\n",
    ] {
        let why = check_endpoint_url(malformed).unwrap_err();
        assert!(
            why.starts_with("The endpoint must be"),
            "{malformed}: {why}"
        );
    }
}

#[test]
fn the_host_is_read_without_userinfo_port_or_brackets() {
    let e = endpoint_host("http://user:pw@[::1]:4566/x").unwrap();
    assert!(!e.https);
    assert_eq!(e.host, "::1");
    let e = endpoint_host("https://a@b@Example.COM:443?x=@y").unwrap();
    assert!(e.https);
    assert_eq!(e.host, "example.com");
    assert!(is_loopback_host("127.255.255.254"));
    assert!(!is_loopback_host("128.0.0.1"));
    assert!(!is_loopback_host("127.1"));
}

#[test]
fn key_ids_are_masked() {
    assert_eq!(mask_key_id("AKIAIOSFODNN7EXAMPLE"), "AKIA…MPLE");
    assert_eq!(mask_key_id("short"), "…");
}

fn stored() -> Vec<KeychainProfile> {
    vec![KeychainProfile {
        name: "work".into(),
        access_key_id_masked: "AKIA…MPLE".into(),
        region: Some("eu-west-1".into()),
        endpoint_url: Some("http://localhost:4566".into()),
        role_arn: None,
        external_id: None,
        has_session_token: false,
    }]
}

/// An edit of "work" that leaves the keys empty (kept), changed by `f`.
fn edit(f: impl FnOnce(&mut ProfileInput)) -> ProfileInput {
    let mut p = ProfileInput::default();
    p.original_name = Some("work".into());
    p.name = "work".into();
    p.region = "eu-west-1".into();
    p.endpoint_url = "http://localhost:4566".into();
    f(&mut p);
    p
}

fn fields(errors: &[gatehouse_core::error::Error]) -> Vec<String> {
    errors
        .iter()
        .map(|e| {
            serde_json::to_value(e).unwrap()["field"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect()
}

/// One change to the form.
type Change = fn(&mut ProfileInput);

#[test]
fn changing_where_the_keys_go_needs_the_secret_again() {
    let existing = stored();
    assert!(
        validate(&edit(|_| {}), &existing).is_empty(),
        "nothing moved"
    );
    assert!(
        validate(&edit(|p| p.region = "us-east-1".into()), &existing).is_empty(),
        "another region is the same endpoint"
    );
    let moves: [(&str, Change); 3] = [
        ("another endpoint", |p| {
            p.endpoint_url = "https://gateway.example.com".into()
        }),
        ("no endpoint (AWS itself)", |p| p.endpoint_url = "".into()),
        ("a role", |p| {
            p.role_arn = "arn:aws:iam::123456789012:role/Deploy".into()
        }),
    ];
    for (what, change) in moves {
        let errors = validate(&edit(change), &existing);
        assert_eq!(fields(&errors), ["secretAccessKey"], "{what}");
        assert_eq!(
            errors[0].to_string(),
            "Enter the secret access key again: changing the endpoint or role sends the keys somewhere new",
            "{what}"
        );
        let with_secret = edit(|p| {
            change(p);
            p.secret_access_key = "the-secret".into();
        });
        assert!(validate(&with_secret, &existing).is_empty(), "{what}");
    }
    // A new profile has no stored settings to compare with: its secret is required anyway.
    let mut new = edit(|p| p.endpoint_url = "https://gateway.example.com".into());
    new.original_name = None;
    new.name = "other".into();
    assert_eq!(
        fields(&validate(&new, &existing)),
        ["accessKeyId", "secretAccessKey"]
    );
}

#[test]
fn secrets_must_fit_the_windows_credential_manager() {
    assert!(secret_fits(None, &"x".repeat(100_000)));
    assert!(secret_fits(Some(2560), &"a".repeat(1280)));
    assert!(!secret_fits(Some(2560), &"a".repeat(1281)));
    // UTF-16: one unit for é, two for an emoji.
    assert!(secret_fits(Some(2560), &"é".repeat(1280)));
    assert!(secret_fits(Some(2560), &"😀".repeat(640)));
    assert!(!secret_fits(Some(2560), &"😀".repeat(641)));

    let mut long = ProfileInput::default();
    long.name = "temp".into();
    long.access_key_id = "ASIAIOSFODNN7EXAMPLE".into();
    long.secret_access_key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY".into();
    long.session_token = "T".repeat(1100);
    assert!(validate_with_limit(&long, &[], Some(WINDOWS_SECRET_LIMIT)).is_empty());
    assert!(validate(&long, &[]).is_empty());
    long.session_token = "T".repeat(1200);
    let errors = validate_with_limit(&long, &[], Some(WINDOWS_SECRET_LIMIT));
    assert_eq!(fields(&errors), ["sessionToken"]);
    assert_eq!(
        errors[0].to_string(),
        "This session token is too long for the Windows Credential Manager (at most 2560 bytes with the keys)"
    );
    assert_eq!(
        validate(&long, &[]).is_empty(),
        !cfg!(windows),
        "only Windows has the limit"
    );
}
