//! Keychain profiles against a real Secret Service (gnome-keyring, started by tests/with-desktop.sh):
//! stored, read back, driving real calls, deleted; secrets only in the keychain.

use crate::common;

use common::Sandbox;
use gatehouse::aws::session::{Session, Source};
use gatehouse::aws::{gateway, identity};
use gatehouse::error::Error;
use gatehouse::local::keychain::{KeychainStore, ProfileInput};
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

/// A form changed by `f`: ProfileInput wipes itself on drop, so `..base` cannot build one.
fn with(mut p: ProfileInput, f: impl FnOnce(&mut ProfileInput)) -> ProfileInput {
    f(&mut p);
    p
}

fn input(name: &str, endpoint: &str) -> ProfileInput {
    with(ProfileInput::default(), |p| {
        p.name = name.into();
        p.access_key_id = "AKIAIOSFODNN7EXAMPLE".into();
        p.secret_access_key = SECRET.into();
        p.region = "us-east-1".into();
        p.endpoint_url = endpoint.into();
    })
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
    let edit = with(ProfileInput::default(), |p| {
        p.original_name = Some("work".into());
        p.name = "work-eu".into();
        p.region = "eu-west-1".into();
    });
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
        (with(input("x", ""), |p| p.name = "".into()), "name"),
        (input("taken", ""), "name"),
        (
            with(input("x1", ""), |p| p.access_key_id = "AKIA-short".into()),
            "accessKeyId",
        ),
        (
            with(input("x2", ""), |p| p.access_key_id = "A".repeat(129)),
            "accessKeyId",
        ),
        (
            with(input("x3", ""), |p| p.secret_access_key = " ".into()),
            "secretAccessKey",
        ),
        (input("x4", "ftp://example.com"), "endpointUrl"),
        (input("x5", "localhost:4566"), "endpointUrl"),
        (input("x9", "http://example.com"), "endpointUrl"),
        (
            with(input("x6", ""), |p| {
                p.role_arn = "arn:aws:iam::123:role/x".into()
            }),
            "roleArn",
        ),
        (
            with(input("x7", ""), |p| {
                p.role_arn = "arn:aws:s3:::bucket".into()
            }),
            "roleArn",
        ),
        (
            with(input("x8", ""), |p| p.region = "Europe".into()),
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
    let ok = with(input("ok", "https://localhost:4566/"), |p| {
        p.role_arn = "arn:aws:iam::123456789012:role/Deploy".into()
    });
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

    let role = with(input("sandbox-role", &sb.url), |p| {
        p.role_arn = "arn:aws:iam::123456789012:role/GatehouseAdmin".into();
        p.external_id = "ext-42".into();
    });
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
    let s = KeychainStore::new(
        &config.join("gatehouse"),
        gatehouse::local::keychain::SERVICE,
    );
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

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[cfg(unix)]
#[test]
fn the_profile_list_is_private_even_where_an_older_version_left_it_open() {
    use std::os::unix::fs::PermissionsExt;
    let home = tempfile::tempdir().unwrap();
    let config = home.path().join("config/gatehouse");
    let (s, _) = store(&config);
    s.save(&input("private", "")).unwrap();
    assert_eq!(mode(&config), 0o700, "the config folder");
    assert_eq!(mode(&config.join("profiles.json")), 0o600, "profiles.json");
    assert_eq!(mode(&config.join("profiles.json.lock")), 0o600, "its lock");
    let names: Vec<String> = std::fs::read_dir(&config)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    assert_eq!(names.len(), 2, "no temp file left behind: {names:?}");

    // As an older Gatehouse (or a umask of 000) left them: readable by everyone.
    std::fs::set_permissions(&config, std::fs::Permissions::from_mode(0o755)).unwrap();
    let list = config.join("profiles.json");
    std::fs::set_permissions(&list, std::fs::Permissions::from_mode(0o644)).unwrap();
    s.delete("private").unwrap();
    assert_eq!(mode(&config), 0o700);
    assert_eq!(mode(&list), 0o600);
}

#[test]
fn two_writers_at_once_lose_no_profile() {
    let dir = tempfile::tempdir().unwrap();
    let (s, service) = store(dir.path());
    let s = std::sync::Arc::new(s);
    let writers: Vec<_> = (0..4)
        .map(|i| {
            let s = s.clone();
            std::thread::spawn(move || s.save(&input(&format!("w{i}"), "")).unwrap())
        })
        .collect();
    for w in writers {
        w.join().unwrap();
    }
    let names: Vec<String> = s.list().unwrap().into_iter().map(|p| p.name).collect();
    assert_eq!(names, ["w0", "w1", "w2", "w3"]);
    // A second store on the same folder (another process) waits for the lock in the same way.
    let other = KeychainStore::new(dir.path(), &service);
    for name in names {
        other.delete(&name).unwrap();
    }
    assert!(s.list().unwrap().is_empty());
}

#[test]
fn a_profile_edited_by_hand_to_plain_http_elsewhere_is_refused_on_load() {
    let dir = tempfile::tempdir().unwrap();
    let (s, _) = store(dir.path());
    s.save(&input("handmade", "http://localhost:4566")).unwrap();
    assert!(s.keys("handmade").is_ok());
    let list = dir.path().join("profiles.json");
    let text = std::fs::read_to_string(&list).unwrap();
    std::fs::write(
        &list,
        text.replace("http://localhost:4566", "http://example.com"),
    )
    .unwrap();
    let err = s.keys("handmade").unwrap_err();
    let message = err.to_string();
    assert!(matches!(err, Error::Invalid { .. }), "{err:?}");
    assert!(message.contains("handmade"), "{message}");
    assert!(message.contains("http://example.com"), "{message}");
    assert!(message.contains("use https://"), "{message}");
    s.delete("handmade").unwrap();
}

#[test]
fn moving_a_profile_to_another_endpoint_needs_the_secret_again() {
    let dir = tempfile::tempdir().unwrap();
    let (s, _) = store(dir.path());
    s.save(&input("mover", "http://localhost:4566")).unwrap();
    let move_it = |secret: &str| {
        with(ProfileInput::default(), |p| {
            p.original_name = Some("mover".into());
            p.name = "mover".into();
            p.endpoint_url = "https://gateway.example.com".into();
            p.secret_access_key = secret.into();
        })
    };
    let err = s.save(&move_it("")).unwrap_err();
    let json = serde_json::to_value(&err).unwrap();
    assert_eq!(json["field"], "secretAccessKey", "{err}");
    assert!(err
        .to_string()
        .contains("Enter the secret access key again"));
    assert_eq!(
        s.list().unwrap()[0].endpoint_url.as_deref(),
        Some("http://localhost:4566"),
        "nothing changed"
    );

    // The secret alone is enough: the stored key ID is kept.
    let moved = s.save(&move_it("a-new-secret-for-the-new-place")).unwrap();
    assert_eq!(
        moved.endpoint_url.as_deref(),
        Some("https://gateway.example.com")
    );
    assert_eq!(moved.access_key_id_masked, "AKIA…MPLE");
    let keys = s.keys("mover").unwrap();
    assert_eq!(keys.access_key_id, "AKIAIOSFODNN7EXAMPLE");
    assert_eq!(keys.secret_access_key, "a-new-secret-for-the-new-place");
    s.delete("mover").unwrap();
}
