//! The store against the real Secret Service (make test runs the library's tests inside one).

use super::*;

fn item(store: &KeychainStore, name: &str) -> Option<String> {
    store.entry(name).unwrap().get_password().ok()
}

/// Against the real Secret Service (make test runs the library's tests inside one): a rename
/// whose list cannot be written leaves the old profile listed with its item, and strands no
/// new item; once the list can be written, the old item goes only after the list names the
/// new one.
#[test]
// ProfileInput wipes itself on drop, so `..Default::default()` cannot move out of one.
#[allow(clippy::field_reassign_with_default)]
fn a_rename_never_strands_a_secret() {
    let dir = tempfile::tempdir().unwrap();
    let service = format!("gatehouse-unit-{}", std::process::id());
    let store = KeychainStore::new(dir.path(), &service);
    let mut input = ProfileInput::default();
    input.name = "work".into();
    input.access_key_id = "AKIAIOSFODNN7EXAMPLE".into();
    input.secret_access_key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY".into();
    store.save(&input).unwrap();
    let mut rename = ProfileInput::default();
    rename.name = "work-eu".into();
    rename.original_name = Some("work".into());

    store
        .fail_list_writes
        .store(true, std::sync::atomic::Ordering::SeqCst);
    let err = store.save(&rename).unwrap_err();
    assert!(err.to_string().contains("Cannot save"), "{err}");
    let names: Vec<String> = store.list().unwrap().into_iter().map(|p| p.name).collect();
    assert_eq!(names, ["work"]);
    assert!(
        item(&store, "work").is_some(),
        "the listed profile keeps its keys"
    );
    assert!(
        item(&store, "work-eu").is_none(),
        "no item the list does not name"
    );

    store
        .fail_list_writes
        .store(false, std::sync::atomic::Ordering::SeqCst);
    store.save(&rename).unwrap();
    let names: Vec<String> = store.list().unwrap().into_iter().map(|p| p.name).collect();
    assert_eq!(names, ["work-eu"]);
    assert!(item(&store, "work").is_none());
    assert!(item(&store, "work-eu").is_some());
    store.delete("work-eu").unwrap();
}
