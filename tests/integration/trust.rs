//! Trust, as a user of the command line meets it: undo never re-opens what someone else changed,
//! one writer per API, credentials that expire mid-apply stop it cleanly, lost answers never
//! create twice, a closed stdout does not kill an apply, and AWS's answer is checked.

use crate::common;

use common::cli::{protect_all_open, protect_pets, run, seeded, wait_for_outcomes, SCENARIO};
use common::Sandbox;
use gatehouse::domain::model::Action;
use serde_json::{json, Value};
use std::io::{BufRead, BufReader};
use std::process::Stdio;
use std::time::{Duration, Instant};

/// From now on the sandbox throttles as API Gateway does: 10 requests/s, burst 40, per account,
/// and GetResources 5 per 2 s (after the seed, whose deployments would be refused).
fn throttle_like_aws(sb: &Sandbox) {
    sb.control(
        "/_sandbox/config",
        json!({"throttle": {"rate": 10, "burst": 40}}),
    );
}

fn kind_of(state: &Value, key: &str) -> String {
    state["methods"][key]["authorizationType"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

#[test]
fn undo_leaves_alone_what_a_colleague_changed_and_force_restores_it() {
    let (sb, home, api) = seeded();
    let h = home.path();
    let r = protect_pets(&sb, h, &["--methods", SCENARIO, "--json"]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    let apply_id = r.json()["applyId"].as_str().unwrap().to_string();

    // A colleague sets GET /pets to IAM after the protect.
    sb.set_behind_our_back(&api, "/pets", "GET", "AWS_IAM");
    let undo = run(&sb, h, &["undo", "--json"]);
    assert_eq!(undo.status, 4, "a skipped method exits 4: {}", undo.stderr);
    assert_eq!(undo.with_status("skipped"), ["GET /pets"]);
    let results = undo.json()["results"].clone();
    let skipped = results
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["status"] == "skipped")
        .unwrap();
    assert_eq!(
        skipped["error"], "changed since the apply: now AWS_IAM",
        "{skipped}"
    );
    assert_eq!(skipped["found"]["authorizationType"], "AWS_IAM");
    let mut restored = undo.with_status("changed");
    restored.sort();
    assert_eq!(restored, ["POST /purchase", "PURCHASE /pets"]);
    let state = sb.aws_state(&api);
    assert_eq!(kind_of(&state, "GET /pets"), "AWS_IAM", "left alone");
    assert_eq!(kind_of(&state, "PURCHASE /pets"), "NONE");
    assert_eq!(kind_of(&state, "POST /purchase"), "NONE");

    // The table says what was left alone and how to restore it anyway.
    sb.set_behind_our_back(&api, "/purchase", "POST", "AWS_IAM");
    let again = run(&sb, h, &["undo", "--apply", &apply_id]);
    assert_eq!(again.status, 4, "{}", again.stderr);
    assert!(again.stdout.contains("skipped"), "{}", again.stdout);
    assert!(again.stdout.contains("--force"), "{}", again.stdout);

    let forced = run(&sb, h, &["undo", "--apply", &apply_id, "--force", "--json"]);
    assert_eq!(forced.status, 0, "{}", forced.stderr);
    let state = sb.aws_state(&api);
    assert_eq!(kind_of(&state, "GET /pets"), "NONE", "--force restores it");
    assert_eq!(sb.count_kind(&api, "NONE"), 4);

    // Now it is fully undone: a further undo is refused by the core, and nothing is sent.
    sb.reset_stats();
    let refused = run(&sb, h, &["undo", "--apply", &apply_id]);
    assert_eq!(refused.status, 2, "{}", refused.stderr);
    assert!(
        refused.stderr.contains("already undone"),
        "{}",
        refused.stderr
    );
    assert_eq!(sb.calls("apigateway", "UpdateMethod"), 0);
}

#[test]
fn a_method_that_no_longer_exists_is_reported_and_the_rest_undone() {
    let (sb, home, api) = seeded();
    let h = home.path();
    let r = protect_pets(&sb, h, &["--methods", SCENARIO]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    let script = r#"
rid = next(r['id'] for r in c.get_resources(restApiId=sys.argv[2])['items'] if r['path'] == '/purchase')
c.delete_method(restApiId=sys.argv[2], resourceId=rid, httpMethod='POST')
"#;
    sb.boto3(script, &[&api]);
    let undo = run(&sb, h, &["undo", "--json"]);
    assert_eq!(undo.status, 4, "{}", undo.stderr);
    assert_eq!(undo.with_status("skipped"), ["POST /purchase"]);
    let results = undo.json()["results"].clone();
    let gone = results
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["status"] == "skipped");
    assert_eq!(gone.unwrap()["error"], "no longer exists");
    assert_eq!(undo.with_status("changed").len(), 2);
    assert_eq!(sb.count_kind(&api, "COGNITO_USER_POOLS"), 0);
}

#[test]
fn a_second_writer_on_one_api_is_refused_at_once_and_other_apis_go_side_by_side() {
    let sb = Sandbox::start();
    sb.seed();
    let api = sb.bulk_api("us-east-1", "Busy", 60, 1);
    let other = sb.bulk_api("us-east-1", "Other", 30, 1);
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let first = protect_all_open(&sb, h, &api, &["--max-rps", "5", "--json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    wait_for_outcomes(h, 5, Duration::from_secs(30));

    let started = Instant::now();
    let second = run(
        &sb,
        h,
        &["unprotect", "--api", &api, "--methods", "GET /r0001"],
    );
    let took = started.elapsed();
    assert_eq!(second.status, 1, "{}", second.stderr);
    let pid = first.id();
    let expected = "another apply is running on Busy (started ";
    assert!(second.stderr.contains(expected), "{}", second.stderr);
    assert!(
        second
            .stderr
            .contains(&format!("by gatehouse protect, pid {pid})")),
        "{}",
        second.stderr
    );
    assert!(
        took < Duration::from_secs(3),
        "refused at once, not after waiting: {took:?}"
    );

    // Another API at the same time goes through, beside the first.
    let side = protect_all_open(&sb, h, &other, &["--json"])
        .output()
        .unwrap();
    assert_eq!(
        side.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&side.stderr)
    );

    let out = first.wait_with_output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        sb.count_kind(&api, "COGNITO_USER_POOLS"),
        60,
        "exactly the first's result"
    );
    assert_eq!(sb.count_kind(&other, "COGNITO_USER_POOLS"), 30);
}

#[test]
fn expired_credentials_stop_the_apply_and_undo_works_once_renewed() {
    let sb = Sandbox::start();
    sb.seed();
    let api = sb.bulk_api("us-east-1", "Expiring", 100, 1);
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let child = protect_all_open(&sb, h, &api, &["--max-rps", "2", "--json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    wait_for_outcomes(h, 8, Duration::from_secs(30));
    let sent_before = sb.calls("apigateway", "UpdateMethod");
    sb.control("/_sandbox/config", json!({"expire_credentials_after": 0}));
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("credentials"), "{stderr}");
    assert!(stderr.contains("ExpiredTokenException"), "{stderr}");
    let sent_after = sb.calls("apigateway", "UpdateMethod");
    assert!(
        sent_after <= sent_before + 5,
        "no new call after the first refusal: {sent_before} then {sent_after}"
    );
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let results = report["results"].as_array().unwrap();
    let not_sent = results.iter().filter(|r| r["status"] == "notSent").count();
    let changed = results.iter().filter(|r| r["status"] == "changed").count();
    assert!(not_sent >= 80, "the rest are reported not sent: {not_sent}");
    assert_eq!(results.len(), 100);
    assert!(report["stopped"].as_str().unwrap().contains("not sent"));

    // While they are expired, undo says so; renewed, it restores every method.
    let r = run(&sb, h, &["undo"]);
    assert_eq!(r.status, 1, "{}", r.stderr);
    sb.control(
        "/_sandbox/config",
        json!({"expire_credentials_after": null}),
    );
    assert_eq!(
        sb.count_kind(&api, "COGNITO_USER_POOLS"),
        changed,
        "AWS holds exactly what the report says changed"
    );
    let r = run(&sb, h, &["undo", "--json"]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    assert_eq!(r.with_status("changed").len(), changed);
    assert_eq!(sb.count_kind(&api, "NONE"), 100);
}

#[test]
fn lost_answers_never_create_an_authorizer_or_a_deployment_twice() {
    let (sb, home, api) = seeded();
    let deployments = sb.aws_state(&api)["deployments"].as_u64().unwrap();
    sb.reset_stats();
    sb.control(
        "/_sandbox/config",
        json!({"lose_answers": {"CreateAuthorizer": 1, "CreateDeployment": 1}}),
    );
    let r = protect_pets(
        &sb,
        home.path(),
        &["--methods", SCENARIO, "--deploy", "prod", "--json"],
    );
    assert_eq!(r.status, 0, "{}", r.stderr);
    let state = sb.aws_state(&api);
    assert_eq!(state["authorizers"].as_array().unwrap().len(), 1, "{state}");
    assert_eq!(state["deployments"].as_u64().unwrap(), deployments + 1);
    assert_eq!(sb.calls("apigateway", "CreateAuthorizer"), 1);
    assert_eq!(sb.calls("apigateway", "CreateDeployment"), 1);
    assert_eq!(r.json()["deployment"]["stage"], "prod");
}

#[test]
fn a_write_overtaken_by_another_is_failed_with_what_aws_holds() {
    let (sb, home, api) = seeded();
    sb.control("/_sandbox/config", json!({"race_update_method": 1}));
    let r = protect_pets(&sb, home.path(), &["--methods", SCENARIO, "--json"]);
    assert_eq!(r.status, 4, "{}", r.stderr);
    let failed = r.with_status("failed");
    assert_eq!(failed.len(), 1);
    assert_eq!(r.with_status("changed").len(), 2);
    let result = r.json()["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["status"] == "failed")
        .cloned()
        .unwrap();
    assert_eq!(result["found"]["authorizationType"], "AWS_IAM");
    assert!(
        result["error"]
            .as_str()
            .unwrap()
            .contains("AWS now holds AWS_IAM"),
        "{result}"
    );
    assert_eq!(kind_of(&sb.aws_state(&api), &failed[0]), "AWS_IAM");
}

#[test]
fn a_closed_stdout_does_not_stop_the_apply() {
    let sb = Sandbox::start();
    sb.seed();
    let api = sb.bulk_api("us-east-1", "Piped", 30, 1);
    let home = tempfile::tempdir().unwrap();
    // `gatehouse protect ... | head -1`: the reader goes away after one line.
    let mut child = protect_all_open(&sb, home.path(), &api, &["--max-rps", "20"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    assert!(!first.is_empty());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(sb.count_kind(&api, "COGNITO_USER_POOLS"), 30);
}

#[test]
fn two_processes_share_one_budget_of_api_gateway_calls() {
    // The sandbox throttles as API Gateway does: 10 requests/s, burst 40, per account.
    let sb = Sandbox::start();
    sb.seed();
    let a = sb.bulk_api("us-east-1", "PacedA", 60, 1);
    let b = sb.bulk_api("us-east-1", "PacedB", 60, 1);
    throttle_like_aws(&sb);
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    sb.reset_stats();
    let spawn = |api: &str| {
        protect_all_open(&sb, h, api, &["--json"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    let (pa, pb) = (spawn(&a), spawn(&b));
    for p in [pa, pb] {
        let out = p.wait_with_output().unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let throttled = sb.stats()["throttled"]["apigateway"]["UpdateMethod"]
        .as_u64()
        .unwrap_or(0);
    eprintln!("429 answers to UpdateMethod with two processes: {throttled}");
    // Each process alone would send its burst of 40 at once: 80 against a bucket of 40.
    assert!(
        throttled <= 20,
        "two processes kept to one budget: {throttled} × 429"
    );
    assert_eq!(sb.count_kind(&a, "COGNITO_USER_POOLS"), 60);
    assert_eq!(sb.count_kind(&b, "COGNITO_USER_POOLS"), 60);
}

/// The disk fills up in the middle of a 200-method apply: the apply stops at the first journal
/// record it cannot write (nothing more is sent), the torn record is cut back off, every method
/// is reported changed or not sent, and the undo afterwards restores every method that changed.
#[tokio::test]
async fn a_journal_that_cannot_be_written_stops_the_apply_and_undo_restores_every_change() {
    use gatehouse::apply::{self, Pace};
    use gatehouse::aws::gateway;
    use gatehouse::domain::model::Method;
    use gatehouse::domain::plan::{self, Target};
    use gatehouse::local::journal::{self, ApplyHeader, ApplyJournal, Outcome};

    let sb = Sandbox::start();
    let seed = sb.seed();
    let api = sb.bulk_api("us-east-1", "Full", 200, 1);
    let s = common::sandbox::session(&sb.url, "us-east-1").await;
    let home = tempfile::tempdir().unwrap();
    let dir = home.path().join("data/gatehouse/journal");
    let quota_key = s.quota_key().await.unwrap();
    let lock =
        gatehouse::local::lock::acquire(&dir, &quota_key, &api, "Full", Action::Protect, None)
            .unwrap();
    let input = plan::AuthorizerInput {
        name: "PetsPool".into(),
        ..plan::authorizer_defaults(gatehouse::domain::model::ApiKind::Rest)
    };
    let arn = seed["pools"]["PetsPool"]["arn"].as_str().unwrap();
    let authorizer = apply::create_authorizer(&s, &api, &input, arn, &lock)
        .await
        .unwrap();
    let methods = gateway::list_methods(&s, &api).await.unwrap();
    let authorizers = gateway::list_authorizers(&s, &api).await.unwrap();
    let keys: Vec<String> = methods.iter().map(Method::key).collect();
    assert_eq!(keys.len(), 200);
    let target = Target::Protect {
        authorizer_id: authorizer.id.clone(),
        scopes: vec![],
    };
    let plan = plan::plan(&methods, &authorizers, &keys, &target).unwrap();
    let header = ApplyHeader {
        id: journal::new_apply_id(),
        started_ms: journal::now_ms(),
        profile: "env".into(),
        region: "us-east-1".into(),
        api_id: api.clone(),
        api_name: "Full".into(),
        action: Action::Protect,
        description: "Cognito · PetsPool".into(),
        undoes: None,
    };
    // Room for the start and some 50 methods' records: then the disk is full.
    let limit = 16_000;
    let journal = ApplyJournal::create_within(&dir, &header, Some(limit)).unwrap();
    let on_aws = apply::OnAws {
        session: &s,
        api_id: &api,
    };
    let report = apply::apply_to(
        &on_aws,
        &dir,
        journal,
        header.clone(),
        &plan,
        Pace::default(),
        &|_| {},
        &lock,
    )
    .await
    .unwrap();
    drop(lock);

    let stopped = report.stopped.clone().unwrap_or_default();
    assert!(
        stopped.starts_with("The apply stopped: its journal could not be written ("),
        "{stopped}"
    );
    assert!(stopped.contains("No space left on device"), "{stopped}");
    assert_eq!(report.results.len(), 200);
    assert_eq!(report.failed, 0, "{:?}", report.summary);
    assert_eq!(report.changed + report.not_sent, 200, "{}", report.summary);
    assert!(
        report.changed > 10 && report.not_sent > 100,
        "{}",
        report.summary
    );
    for r in &report.results {
        assert!(
            matches!(r.status, Outcome::Changed | Outcome::NotSent),
            "{r:?}"
        );
    }
    assert!(stopped.contains(&format!("{} methods were not sent", report.not_sent)));
    // What AWS holds is exactly what the report says changed.
    assert_eq!(sb.count_kind(&api, "COGNITO_USER_POOLS"), report.changed);
    // The journal ends with a whole record, within what the disk held.
    let bytes = std::fs::read(dir.join(format!("{}.jsonl", header.id))).unwrap();
    assert!(bytes.len() as u64 <= limit && bytes.ends_with(b"\n"));
    let text = String::from_utf8(bytes).unwrap();
    assert!(text
        .lines()
        .all(|l| serde_json::from_str::<Value>(l).is_ok()));

    // Room again: undo restores every method that changed.
    let undo = run(&sb, home.path(), &["undo", "--apply", &header.id, "--json"]);
    assert_eq!(undo.status, 0, "{}", undo.stderr);
    assert_eq!(undo.with_status("changed").len(), report.changed);
    assert_eq!(sb.count_kind(&api, "NONE"), 200);
}

/// While a 140-method protect holds Busy under AWS-like throttling, a colleague's unprotect is
/// refused by the lock — "another apply is running on Busy" — every time, never with a 429 that
/// its look-ups met because they were not paced.
#[test]
fn a_second_writer_is_refused_by_the_lock_under_a_saturated_quota() {
    let sb = Sandbox::start();
    sb.seed();
    let api = sb.bulk_api("us-east-1", "Busy", 140, 1);
    throttle_like_aws(&sb);
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let first = protect_all_open(&sb, h, &api, &["--json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    wait_for_outcomes(h, 20, Duration::from_secs(60));
    for attempt in 1..=3 {
        let second = run(
            &sb,
            h,
            &["unprotect", "--api", "Busy", "--methods", "GET /r0001"],
        );
        assert_eq!(second.status, 1, "attempt {attempt}: {}", second.stderr);
        assert!(
            second
                .stderr
                .contains("another apply is running on Busy (started "),
            "attempt {attempt}: {}",
            second.stderr
        );
        assert!(
            !second.stderr.contains("TooManyRequests"),
            "{}",
            second.stderr
        );
    }
    let out = first.wait_with_output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(sb.count_kind(&api, "COGNITO_USER_POOLS"), 140);
}
