//! Gatehouse's own files: the journal private (0700 folders, 0600 files), a torn last record cut
//! before the next is appended, and no start at all without a data and config folder of the user's.

use gatehouse::domain::plan::MethodState;
use gatehouse::local::journal::{self, ApplyHeader, ApplyJournal, Outcome, Record};
use std::path::Path;
use std::process::Command;

fn header(id: &str) -> ApplyHeader {
    ApplyHeader {
        id: id.into(),
        started_ms: 1_700_000_000_000,
        profile: "env".into(),
        region: "us-east-1".into(),
        api_id: "a1b2c3".into(),
        api_name: "SecurePets".into(),
        action: gatehouse::domain::model::Action::Protect,
        description: "Cognito · PetsPool".into(),
        undoes: None,
    }
}

fn state(kind: &str) -> MethodState {
    MethodState {
        authorization_type: kind.into(),
        authorizer_id: None,
        scopes: vec![],
    }
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[cfg(unix)]
#[test]
fn the_journal_is_private_even_where_an_older_version_left_it_open() {
    use std::os::unix::fs::PermissionsExt;
    let home = tempfile::tempdir().unwrap();
    let data = home.path().join("data/gatehouse");
    let dir = data.join("journal");
    let j = ApplyJournal::create(&dir, &header("1700000000000-0001")).unwrap();
    drop(j);
    let file = dir.join("1700000000000-0001.jsonl");
    assert_eq!(mode(&data), 0o700, "the data folder");
    assert_eq!(mode(&dir), 0o700, "the journal folder");
    assert_eq!(mode(&file), 0o600, "the journal file");

    // As an older Gatehouse left them: readable by everyone.
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
    journal::append(&dir, "1700000000000-0001", &Record::End { finished_ms: 1 }).unwrap();
    assert_eq!(mode(&file), 0o600, "tightened when appended to");
    ApplyJournal::create(&dir, &header("1700000000000-0002")).unwrap();
    assert_eq!(
        mode(&dir),
        0o700,
        "tightened when a journal is created in it"
    );
}

#[test]
fn a_torn_last_record_is_cut_before_the_next_is_appended() {
    let dir = tempfile::tempdir().unwrap();
    let id = "1700000000000-00aa";
    let j = ApplyJournal::create(dir.path(), &header(id)).unwrap();
    let before = Record::Before {
        key: "GET /pets".into(),
        state: state("NONE"),
        planned: state("COGNITO_USER_POOLS"),
    };
    let after = Record::After {
        key: "GET /pets".into(),
        status: Outcome::Changed,
        error: None,
    };
    j.write(&before).unwrap();
    j.write(&after).unwrap();
    drop(j);
    // A crash in the middle of writing the next record.
    let file = dir.path().join(format!("{id}.jsonl"));
    let whole = std::fs::read(&file).unwrap();
    let mut torn = whole.clone();
    torn.extend_from_slice(br#"{"type":"before","key":"POST /pe"#);
    std::fs::write(&file, &torn).unwrap();
    assert_eq!(
        journal::read(dir.path(), id).unwrap().len(),
        3,
        "read skips it"
    );

    let deployed = Record::Deployed {
        stage: "prod".into(),
        deployment_id: "dep1".into(),
        at_ms: 42,
    };
    journal::append(dir.path(), id, &deployed).unwrap();
    let records = journal::read(dir.path(), id).unwrap();
    assert_eq!(
        records,
        vec![Record::Start(header(id)), before, after, deployed.clone()]
    );
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(
        !text.contains("POST /pe"),
        "the torn record is gone: {text}"
    );
    assert!(text.ends_with('\n'));
    assert_eq!(text.lines().count(), 4);
    let mut expected = whole;
    expected.extend_from_slice(&serde_json::to_vec(&deployed).unwrap());
    expected.push(b'\n');
    assert_eq!(text.as_bytes(), expected.as_slice());

    // A file that is nothing but a torn record is emptied, then appended to.
    let lone = "1700000000000-00bb";
    std::fs::write(dir.path().join(format!("{lone}.jsonl")), b"{\"type\":\"sta").unwrap();
    journal::append(dir.path(), lone, &deployed).unwrap();
    assert_eq!(journal::read(dir.path(), lone).unwrap(), vec![deployed]);
}

/// Runs the built binary with nothing in its environment but PATH and `vars`.
fn gatehouse_with(args: &[&str], vars: &[(&str, &Path)]) -> (i32, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_gatehouse"));
    cmd.args(args)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default());
    for (k, v) in vars {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).to_string(),
    )
}

#[test]
fn without_a_home_folder_gatehouse_refuses_rather_than_use_a_shared_one() {
    let (status, err) = gatehouse_with(&["undo"], &[]);
    assert_eq!(status, 1, "{err}");
    assert!(
        err.contains("gatehouse: Cannot find the user's data folder (set HOME or XDG_DATA_HOME)"),
        "{err}"
    );
    assert!(
        err.contains("will not keep its journal in a shared folder"),
        "{err}"
    );

    // The window refuses the same way, before it opens.
    let (status, err) = gatehouse_with(&[], &[]);
    assert_eq!(status, 1, "{err}");
    assert!(err.contains("Cannot find the user's data folder"), "{err}");

    // A relative HOME names no folder of the user's either.
    let (status, err) = gatehouse_with(&["undo"], &[("HOME", Path::new("relative/home"))]);
    assert_eq!(status, 1, "{err}");
    assert!(err.contains("Cannot find the user's data folder"), "{err}");

    // With a data folder but no config folder, it is the config folder that is missing.
    let tmp = tempfile::tempdir().unwrap();
    let (status, err) = gatehouse_with(&["undo"], &[("XDG_DATA_HOME", tmp.path())]);
    assert_eq!(status, 1, "{err}");
    assert!(
        err.contains("Cannot find the user's config folder (set HOME or XDG_CONFIG_HOME)"),
        "{err}"
    );
    assert!(
        !tmp.path().join("gatehouse").exists(),
        "nothing written when refusing"
    );

    // With HOME set, it gets past that point (and finds nothing to undo).
    let (_, err) = gatehouse_with(&["undo"], &[("HOME", tmp.path())]);
    assert!(!err.contains("Cannot find the user's"), "{err}");
}
