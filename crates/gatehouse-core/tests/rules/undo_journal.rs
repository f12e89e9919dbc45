//! Undo planning and the journal it reads, on plain values and a temporary folder.

use super::plan::method;
use gatehouse_core::domain::model::Action;
use gatehouse_core::domain::plan::MethodState;
use gatehouse_core::domain::undo_plan;
use gatehouse_core::local::journal::{self, ApplyHeader, Outcome, Record};

fn header(id: &str) -> ApplyHeader {
    ApplyHeader {
        id: id.into(),
        started_ms: 1,
        profile: "env".into(),
        region: "us-east-1".into(),
        api_id: "api1".into(),
        api_name: "SecurePets".into(),
        action: Action::Protect,
        description: "Cognito".into(),
        undoes: None,
    }
}

#[test]
fn undo_restores_changed_and_interrupted_methods_but_not_unchanged_ones() {
    let open = MethodState::open();
    let iam = MethodState {
        authorization_type: "AWS_IAM".into(),
        authorizer_id: None,
        scopes: vec![],
    };
    let cog = MethodState {
        authorization_type: "COGNITO_USER_POOLS".into(),
        authorizer_id: Some("a1".into()),
        scopes: vec![],
    };
    let before = |key: &str, state: &MethodState| Record::Before {
        key: key.into(),
        state: state.clone(),
        planned: cog.clone(),
    };
    let after = |key: &str, status| Record::After {
        key: key.into(),
        status,
        error: None,
    };
    // Killed mid-apply: PURCHASE /pets was sent but its outcome never written; no End.
    let records = vec![
        Record::Start(header("1-a")),
        before("GET /pets", &open),
        after("GET /pets", Outcome::Changed),
        before("DELETE /x", &cog),
        after("DELETE /x", Outcome::Unchanged),
        before("POST /purchase", &iam),
        after("POST /purchase", Outcome::Failed),
        before("PURCHASE /pets", &open),
    ];
    let s = journal::summarize(&records).unwrap();
    assert!(!s.finished);
    assert_eq!(
        (s.changed, s.unchanged, s.failed, s.interrupted),
        (1, 1, 1, 1)
    );
    let entries = journal::undo_entries(&s);
    let keys: Vec<&str> = entries.iter().map(|e| e.key.as_str()).collect();
    assert_eq!(keys, ["GET /pets", "POST /purchase", "PURCHASE /pets"]);
    assert_eq!(entries[0].before, open);
    assert_eq!(entries[1].before, iam);
    // Against AWS's current state, undo sends only what differs.
    let now = vec![
        method("/pets", "GET", "COGNITO_USER_POOLS", Some("a1"), &[]),
        method("/purchase", "POST", "AWS_IAM", None, &[]),
        method("/pets", "PURCHASE", "COGNITO_USER_POOLS", Some("a1"), &[]),
    ];
    let p = undo_plan::plan_undo(&now, &entries, false);
    assert_eq!(p.change_count(), 2);
    assert!(p.skipped.is_empty());
    assert!(
        p.items[1].unchanged(),
        "the failed method is already as before"
    );
    let gone = undo_plan::plan_undo(&[], &entries, true);
    assert!(gone.items.is_empty());
    assert_eq!(gone.skipped.len(), 3, "a method that is gone is reported");
    assert!(gone
        .skipped
        .iter()
        .all(|k| k.reason == "no longer exists" && k.found.is_none()));
    assert_eq!(gone.skipped[0].key, "GET /pets");
    assert_eq!(gone.apply_label, "Nothing to restore");
}

#[test]
fn the_history_says_how_an_apply_went_live_and_the_banner_what_is_not_live_yet() {
    let cog = MethodState {
        authorization_type: "COGNITO_USER_POOLS".into(),
        authorizer_id: Some("a1".into()),
        scopes: vec![],
    };
    let changed = |key: &str| {
        [
            Record::Before {
                key: key.into(),
                state: MethodState::open(),
                planned: cog.clone(),
            },
            Record::After {
                key: key.into(),
                status: Outcome::Changed,
                error: None,
            },
        ]
    };
    let deployed = |stage: String| Record::Deployed {
        stage,
        deployment_id: "d1".into(),
        at_ms: 2,
    };
    let mut records = vec![Record::Start(header("1-a"))];
    records.extend(changed("GET /pets"));
    records.push(Record::End { finished_ms: 2 });
    let mut one = journal::summarize(&records).unwrap();
    one.set_running(false);
    assert_eq!(one.methods_text, "1 method: Cognito");
    assert!(!one.deployed_auto);

    // Deployed to a stage, or made live by a stage that deploys by itself.
    records.push(deployed("prod".into()));
    let to_prod = journal::summarize(&records).unwrap();
    assert_eq!(
        (to_prod.deployed.as_deref(), to_prod.deployed_auto),
        (Some("prod"), false)
    );
    records.push(deployed(journal::auto_deployed("$default")));
    let auto = journal::summarize(&records).unwrap();
    assert_eq!(
        (auto.deployed.as_deref(), auto.deployed_auto),
        (Some("$default (auto-deploy)"), true)
    );
}

#[test]
fn undo_leaves_alone_what_someone_changed_since_unless_forced() {
    let open = MethodState::open();
    let cog = MethodState {
        authorization_type: "COGNITO_USER_POOLS".into(),
        authorizer_id: Some("a1".into()),
        scopes: vec![],
    };
    let entry = |key: &str| undo_plan::UndoEntry {
        key: key.into(),
        before: open.clone(),
        planned: cog.clone(),
    };
    let entries = [
        entry("GET /pets"),
        entry("POST /purchase"),
        entry("PURCHASE /pets"),
    ];
    // A colleague set GET /pets to IAM after the protect; the others are as the apply set them.
    let now = vec![
        method("/pets", "GET", "AWS_IAM", None, &[]),
        method("/purchase", "POST", "COGNITO_USER_POOLS", Some("a1"), &[]),
        method("/pets", "PURCHASE", "COGNITO_USER_POOLS", Some("a1"), &[]),
    ];
    let p = undo_plan::plan_undo(&now, &entries, false);
    assert_eq!(p.change_count(), 2);
    assert!(p
        .items
        .iter()
        .all(|i| i.after == open && i.key() != "GET /pets"));
    assert_eq!(p.skipped.len(), 1);
    let k = &p.skipped[0];
    assert_eq!(k.key(), "GET /pets");
    assert_eq!(k.reason, "changed since the apply: now AWS_IAM");
    assert_eq!(
        k.found.as_ref().unwrap().authorization_type.as_str(),
        "AWS_IAM"
    );
    assert_eq!(k.restore, open);

    let forced = undo_plan::plan_undo(&now, &entries, true);
    assert_eq!(forced.change_count(), 3);
    assert!(forced.skipped.is_empty());
}

#[test]
fn the_journal_survives_a_torn_last_line_and_lists_newest_first() {
    let dir = tempfile::tempdir().unwrap();
    let j = journal::ApplyJournal::create(dir.path(), &header("100-a")).unwrap();
    j.write(&Record::Before {
        key: "GET /pets".into(),
        state: MethodState::open(),
        planned: MethodState::open(),
    })
    .unwrap();
    drop(j);
    // A crash mid-write leaves half a line.
    use std::io::Write;
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(dir.path().join("100-a.jsonl"))
        .unwrap();
    f.write_all(b"{\"type\":\"after\",\"key\":\"GET /p")
        .unwrap();
    let mut h = header("200-b");
    h.undoes = Some("100-a".into());
    h.action = Action::Undo;
    let undo = journal::ApplyJournal::create(dir.path(), &h).unwrap();
    // An undo that has not finished (or left methods behind) only partly undoes.
    let all = journal::list(dir.path()).unwrap();
    assert_eq!(all[1].undone_by, None);
    assert_eq!(all[1].partly_undone_by.as_deref(), Some("200-b"));
    undo.write(&Record::End { finished_ms: 1 }).unwrap();
    let all = journal::list(dir.path()).unwrap();
    assert_eq!(all.len(), 2);
    assert_eq!(all[0].header.id, "200-b");
    assert_eq!(all[1].undone_by.as_deref(), Some("200-b"));
    assert_eq!(all[1].interrupted, 1);
    assert!(journal::read(dir.path(), "../etc/passwd").is_err());
    assert!(journal::list(&dir.path().join("missing"))
        .unwrap()
        .is_empty());
}
