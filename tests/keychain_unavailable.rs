//! With no Secret Service to talk to, keychain profiles fail with a clear message and a way out,
//! and the AWS-file profiles keep working. (One test: it changes this process's environment.)

use gatehouse::error::Error;
use gatehouse::local::keychain::{KeychainStore, ProfileInput};

#[tokio::test]
async fn keychain_unavailable_is_said_plainly_and_file_profiles_still_list() {
    // Before anything else runs in this process: no session bus.
    std::env::set_var(
        "DBUS_SESSION_BUS_ADDRESS",
        "unix:path=/nonexistent/gatehouse-bus",
    );
    let dir = tempfile::tempdir().unwrap();
    let aws = dir.path().join("config");
    std::fs::write(&aws, "[profile team]\nregion = eu-west-1\n").unwrap();
    std::env::set_var("AWS_CONFIG_FILE", &aws);
    std::env::set_var("AWS_SHARED_CREDENTIALS_FILE", dir.path().join("none"));

    let store = KeychainStore::new(dir.path(), "gatehouse-unavailable-test");
    // ProfileInput wipes itself on drop, so it is filled in field by field.
    let mut input = ProfileInput::default();
    input.name = "work".into();
    input.access_key_id = "AKIAIOSFODNN7EXAMPLE".into();
    input.secret_access_key = "secret".into();
    let err = store.save(&input).unwrap_err();
    assert!(matches!(err, Error::Keychain(_)), "{err:?}");
    assert!(err.to_string().contains("keychain is unavailable"), "{err}");
    assert!(err.hint().unwrap().contains("Secret Service"));
    assert!(store.list().unwrap().is_empty(), "nothing half-stored");

    let files = gatehouse::aws::profiles::file_profiles().await.unwrap();
    assert_eq!(files.len(), 1);
    assert_eq!(files[0].name, "team");
    assert_eq!(files[0].region.as_deref(), Some("eu-west-1"));
}
