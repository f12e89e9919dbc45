//! Keychain profiles against a real Secret Service (gnome-keyring, started by tests/with-desktop.sh):
//! stored, read back, driving real calls, deleted; secrets only in the keychain.

mod common;

use common::Sandbox;
use gatehouse::aws::session::{Session, Source};
use gatehouse::aws::{gateway, identity};
use gatehouse::error::Error;
use gatehouse::keychain::{KeychainStore, ProfileInput};
use std::path::Path;
use std::process::Command;

const SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzz-keychain-test";

fn store(dir: &Path) -> (KeychainStore, String) {
    let service = format!("gatehouse-test-{}", fastrand_suffix());
    (KeychainStore::new(dir, &service), service)
}

fn fastrand_suffix() -> String {
    format!(
        "{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    )
}

fn input(name: &str, endpoint: &str) -> ProfileInput {
    ProfileInput {
        name: name.into(),
        access_key_id: "AKIAIOSFODNN7EXAMPLE".into(),
        secret_access_key: SECRET.into(),
        region: "us-east-1".into(),
        endpoint_url: endpoint.into(),
        ..Default::default()
    }
}

/// What `secret-tool` finds for the item, as a user would look it up.
fn secret_tool(service: &str, name: &str) -> Option<String> {
    let out = Command::new("secret-tool")
        .args(["lookup", "service", service, "username", name])
        .output()
        .expect("secret-tool is installed by make test (libsecret-tools)");
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    (out.status.success() && !text.is_empty()).then_some(text)
}

fn assert_no_secret_in(dir: &Path) {
    for entry in walk(dir) {
        let bytes = std::fs::read(&entry).unwrap_or_default();
        assert!(
            !String::from_utf8_lossy(&bytes).contains(SECRET),
            "the secret leaked into {}",
            entry.display()
        );
    }
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    if let Ok(rd) = std::fs::read_dir(dir) {
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                out.extend(walk(&p));
            } else {
                out.push(p);
            }
        }
    }
    out
}

#[test]
fn save_list_load_update_delete_round_trip_through_the_keychain() {
    let dir = tempfile::tempdir().unwrap();
    let (s, service) = store(dir.path());
    assert!(s.list().unwrap().is_empty());
    let saved = s.save(&input("work", "")).unwrap();
    assert_eq!(saved.access_key_id_masked, "AKIA…MPLE");
    assert_eq!(s.list().unwrap(), std::slice::from_ref(&saved));
    let item = secret_tool(&service, "work").expect("the item is in the Secret Service");
    assert!(item.contains(SECRET));
    assert_no_secret_in(dir.path());
    let keys = s.keys("work").unwrap();
    assert_eq!(keys.secret_access_key, SECRET);
    assert!(
        !format!("{keys:?}").contains(SECRET),
        "Debug hides the secret"
    );

    // Edit: rename and change the region, keys kept (secret left empty).
    let edit = ProfileInput {
        original_name: Some("work".into()),
        name: "work-eu".into(),
        region: "eu-west-1".into(),
        ..Default::default()
    };
    let edited = s.save(&edit).unwrap();
    assert_eq!(edited.region.as_deref(), Some("eu-west-1"));
    assert_eq!(s.keys("work-eu").unwrap().secret_access_key, SECRET);
    assert!(
        secret_tool(&service, "work").is_none(),
        "the old name's item is gone"
    );
    assert_eq!(s.list().unwrap().len(), 1);

    s.delete("work-eu").unwrap();
    assert!(s.list().unwrap().is_empty());
    assert!(
        secret_tool(&service, "work-eu").is_none(),
        "deleted from the Secret Service"
    );
    assert!(matches!(s.keys("work-eu"), Err(Error::NotFound(_))));
    // A second store on the same folder (a restart) sees what the first wrote.
    s.save(&input("again", "")).unwrap();
    assert_eq!(
        KeychainStore::new(dir.path(), &service)
            .list()
            .unwrap()
            .len(),
        1
    );
    s.delete("again").unwrap();
}

#[test]
fn bad_input_is_refused_beside_its_field_and_nothing_is_stored() {
    let dir = tempfile::tempdir().unwrap();
    let (s, service) = store(dir.path());
    s.save(&input("taken", "")).unwrap();
    let cases: Vec<(ProfileInput, &str)> = vec![
        (
            ProfileInput {
                name: "".into(),
                ..input("x", "")
            },
            "name",
        ),
        (input("taken", ""), "name"),
        (
            ProfileInput {
                access_key_id: "AKIA-short".into(),
                ..input("x1", "")
            },
            "accessKeyId",
        ),
        (
            ProfileInput {
                access_key_id: "A".repeat(129),
                ..input("x2", "")
            },
            "accessKeyId",
        ),
        (
            ProfileInput {
                secret_access_key: " ".into(),
                ..input("x3", "")
            },
            "secretAccessKey",
        ),
        (input("x4", "ftp://example.com"), "endpointUrl"),
        (input("x5", "localhost:4566"), "endpointUrl"),
        (
            ProfileInput {
                role_arn: "arn:aws:iam::123:role/x".into(),
                ..input("x6", "")
            },
            "roleArn",
        ),
        (
            ProfileInput {
                role_arn: "arn:aws:s3:::bucket".into(),
                ..input("x7", "")
            },
            "roleArn",
        ),
        (
            ProfileInput {
                region: "Europe".into(),
                ..input("x8", "")
            },
            "region",
        ),
    ];
    for (bad, field) in cases {
        let name = bad.name.clone();
        let err = s.save(&bad).unwrap_err();
        let json = serde_json::to_value(&err).unwrap();
        assert_eq!(json["field"], field, "{name}: {err}");
        if name != "taken" && !name.is_empty() {
            assert!(
                secret_tool(&service, &name).is_none(),
                "{name} was not stored"
            );
        }
    }
    assert_eq!(s.list().unwrap().len(), 1);
    let ok = ProfileInput {
        role_arn: "arn:aws:iam::123456789012:role/Deploy".into(),
        ..input("ok", "https://localhost:4566/")
    };
    s.save(&ok).unwrap();
    s.delete("ok").unwrap();
    s.delete("taken").unwrap();
}

#[tokio::test]
async fn a_keychain_profile_drives_real_calls_and_can_assume_a_role() {
    let sb = Sandbox::start();
    sb.seed();
    let dir = tempfile::tempdir().unwrap();
    let (s, _) = store(dir.path());
    s.save(&input("sandbox", &sb.url)).unwrap();
    let session = Session::open(Source::Keys(s.keys("sandbox").unwrap()), "us-east-1")
        .await
        .unwrap();
    let id = identity::caller_identity(&session).await.unwrap();
    assert_eq!(id.account, "123456789012");
    let apis = gateway::list_apis(&session).await.unwrap();
    assert!(apis.iter().any(|a| a.name == "SecurePets"));

    let role = ProfileInput {
        role_arn: "arn:aws:iam::123456789012:role/GatehouseAdmin".into(),
        external_id: "ext-42".into(),
        ..input("sandbox-role", &sb.url)
    };
    s.save(&role).unwrap();
    let session = Session::open(Source::Keys(s.keys("sandbox-role").unwrap()), "us-east-1")
        .await
        .unwrap();
    let id = identity::caller_identity(&session).await.unwrap();
    assert!(
        id.arn.contains("assumed-role/GatehouseAdmin/gatehouse"),
        "{}",
        id.arn
    );
    assert!(sb.calls("sts", "AssumeRole") >= 1);
    s.delete("sandbox").unwrap();
    s.delete("sandbox-role").unwrap();
}

#[test]
fn the_command_line_uses_keychain_profiles_by_name() {
    let sb = Sandbox::start();
    sb.seed();
    let home = tempfile::tempdir().unwrap();
    let config = home.path().join("config");
    let s = KeychainStore::new(&config.join("gatehouse"), gatehouse::keychain::SERVICE);
    let name = format!("cli-{}", fastrand_suffix());
    s.save(&input(&name, &sb.url)).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_gatehouse"))
        .args(["audit", "--profile", &name, "--api", "SecurePets", "--json"])
        .env("XDG_CONFIG_HOME", &config)
        .env("HOME", home.path())
        .env("AWS_CONFIG_FILE", home.path().join("none"))
        .env("AWS_SHARED_CREDENTIALS_FILE", home.path().join("none"))
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_ENDPOINT_URL")
        .env_remove("DISPLAY")
        .output()
        .unwrap();
    s.delete(&name).unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let j: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(j["apis"][0]["summary"]["total"], 4);
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!all.contains(SECRET));
}
