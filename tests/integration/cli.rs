//! The command line as a user runs it: the built binary, no display, against the sandbox.

use crate::common;

use common::cli::{cmd, protect_pets, run, seeded, wait_for_outcomes, SCENARIO};
use common::Sandbox;
use serde_json::json;
use std::process::Stdio;
use std::time::Duration;

#[test]
fn audit_before_and_after_the_seed_scenario_in_one_line() {
    let (sb, home, api) = seeded();
    let h = home.path();
    let before = run(&sb, h, &["audit", "--api", "SecurePets", "--fail-on-open"]);
    assert_eq!(
        before.status, 3,
        "open methods fail the audit: {}",
        before.stderr
    );
    assert!(
        before
            .stdout
            .contains("0 of 4 methods protected · 4 open (1 OPTIONS)"),
        "{}",
        before.stdout
    );
    assert!(before.stdout.contains("OPTIONS") && before.stdout.contains("(CORS preflight)"));
    let j = run(&sb, h, &["audit", "--api", "SecurePets", "--json"]).json();
    assert_eq!(j["region"], "us-east-1");
    assert_eq!(
        j["apis"][0]["summary"],
        json!({"total": 4, "protected": 0, "open": 4, "openOptions": 1})
    );
    assert_eq!(j["apis"][0]["methods"].as_array().unwrap().len(), 4);

    let p = protect_pets(
        &sb,
        h,
        &["--methods", SCENARIO, "--deploy", "prod", "--json"],
    );
    assert_eq!(p.status, 0, "{}", p.stderr);
    let pj = p.json();
    assert_eq!(pj["authorizer"]["name"], "PetsPool");
    assert_eq!(pj["authorizer"]["created"], true);
    assert_eq!(pj["deployment"]["stage"], "prod");
    let statuses: Vec<&str> = pj["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["changed", "changed", "changed"]);
    assert!(pj["applyId"].is_string());

    let after = run(&sb, h, &["audit", "--api", &api, "--fail-on-open"]);
    assert_eq!(
        after.status, 0,
        "only OPTIONS is open now: {}",
        after.stdout
    );
    assert!(after
        .stdout
        .contains("3 of 4 methods protected · 1 open (1 OPTIONS)"));
    assert!(after.stdout.contains("Cognito · PetsPool"));
    let aj = run(
        &sb,
        h,
        &[
            "audit",
            "--api",
            "SecurePets",
            "--json",
            "--show",
            "protected",
        ],
    )
    .json();
    let m = &aj["apis"][0]["methods"];
    assert_eq!(m.as_array().unwrap().len(), 3);
    assert_eq!(m[0]["authorizationType"], "COGNITO_USER_POOLS");
    assert_eq!(m[0]["authorizerName"], "PetsPool");
    assert_eq!(m[0]["open"], false);
    assert_eq!(m[0]["authorizerId"], pj["authorizer"]["id"]);
    // The window and the command line read the same state: AWS's.
    let aws = sb.aws_state(&api);
    assert_eq!(
        aws["methods"]["GET /pets"]["authorizerId"],
        pj["authorizer"]["id"]
    );
}

#[test]
fn dry_run_changes_nothing() {
    let (sb, home, api) = seeded();
    let before = sb.aws_state(&api);
    sb.reset_stats();
    let r = protect_pets(&sb, home.path(), &["--all-open", "--dry-run"]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    assert!(r.stdout.contains("would be created"), "{}", r.stdout);
    assert!(
        r.stdout.contains("GET /pets") && !r.stdout.contains("OPTIONS /pets"),
        "--all-open leaves OPTIONS out:\n{}",
        r.stdout
    );
    assert!(r.stdout.contains("Dry run: nothing was changed."));
    assert_eq!(sb.aws_state(&api), before);
    for op in ["UpdateMethod", "CreateAuthorizer", "CreateDeployment"] {
        assert_eq!(sb.calls("apigateway", op), 0, "{op}");
    }
}

#[test]
fn a_matching_authorizer_is_reused_not_created_twice() {
    let (sb, home, api) = seeded();
    let h = home.path();
    let first = protect_pets(&sb, h, &["--ttl", "60", "--json", "--methods", "GET /pets"]);
    assert_eq!(first.status, 0, "{}", first.stderr);
    let second = protect_pets(&sb, h, &["--ttl", "60", "--json", "--all-open"]);
    assert_eq!(second.status, 0, "{}", second.stderr);
    let sj = second.json();
    assert_eq!(sj["authorizer"]["created"], false);
    assert_eq!(sj["authorizer"]["id"], first.json()["authorizer"]["id"]);
    let statuses: Vec<&str> = sj["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["status"].as_str().unwrap())
        .collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == "changed").count(),
        2,
        "GET /pets was already protected"
    );
    assert_eq!(
        sb.aws_state(&api)["authorizers"].as_array().unwrap().len(),
        1
    );
    // Other settings make another authorizer.
    let third = protect_pets(&sb, h, &["--ttl", "0", "--methods", "GET /pets", "--json"]);
    assert_eq!(third.json()["authorizer"]["created"], true);
}

#[test]
fn a_method_that_does_not_exist_fails_clearly_and_changes_nothing() {
    let (sb, home, api) = seeded();
    let before = sb.aws_state(&api);
    let r = protect_pets(&sb, home.path(), &["--methods", "GET /pets,DELETE /nope"]);
    assert_eq!(r.status, 2);
    assert!(
        r.stderr
            .contains("No such method in this API: DELETE /nope"),
        "{}",
        r.stderr
    );
    assert_eq!(
        sb.aws_state(&api),
        before,
        "no authorizer created, no method changed"
    );
}

#[test]
fn usage_errors_and_unknown_names_have_their_exit_status() {
    let (sb, home, _) = seeded();
    let h = home.path();
    let r = run(&sb, h, &["protect", "--pool", "PetsPool", "--all-open"]);
    assert_eq!(r.status, 2);
    assert!(r.stderr.contains("--api"), "{}", r.stderr);
    let r = protect_pets(&sb, h, &["--all-open", "--ttl", "5000"]);
    assert_eq!(r.status, 2);
    assert!(r.stderr.contains("between 0 and 3600"), "{}", r.stderr);
    let r = protect_pets(&sb, h, &["--all-open", "--client-id-regex", "^(web"]);
    assert_eq!(r.status, 2);
    assert!(
        r.stderr.contains("Not a valid regular expression"),
        "{}",
        r.stderr
    );
    let r = run(
        &sb,
        h,
        &[
            "protect",
            "--api",
            "SecurePets",
            "--pool",
            "PetsPool",
            "--methods",
            "GET /pets",
            "--all-open",
        ],
    );
    assert_eq!(r.status, 2);
    let r = run(
        &sb,
        h,
        &[
            "protect",
            "--api",
            "NoSuchApi",
            "--pool",
            "PetsPool",
            "--all-open",
        ],
    );
    assert_eq!(r.status, 1);
    assert!(
        r.stderr
            .contains("No API named or with id 'NoSuchApi' in us-east-1"),
        "{}",
        r.stderr
    );
    let r = run(
        &sb,
        h,
        &[
            "protect",
            "--api",
            "SecurePets",
            "--pool",
            "NoPool",
            "--pool-region",
            "eu-west-1",
            "--all-open",
        ],
    );
    assert_eq!(r.status, 1);
    assert!(
        r.stderr
            .contains("No user pool named or with id 'NoPool' in eu-west-1"),
        "{}",
        r.stderr
    );
    let r = run(&sb, h, &["audit", "--region", "not a region"]);
    assert_eq!(r.status, 2);
    let r = run(&sb, h, &["--help"]);
    assert_eq!(r.status, 0);
    assert!(
        r.stdout.contains("protect") && r.stdout.contains("audit") && r.stdout.contains("pools")
    );
    // OPTIONS named on purpose is a warning that needs --force.
    let r = protect_pets(&sb, h, &["--methods", "OPTIONS /pets"]);
    assert_eq!(r.status, 2);
    assert!(
        r.stderr.contains("CORS preflight") && r.stderr.contains("--force"),
        "{}",
        r.stderr
    );
}

#[test]
fn aws_errors_exit_1_with_their_code() {
    let (sb, home, _) = seeded();
    let r = run(
        &sb,
        home.path(),
        &["audit", "--api", "SecurePets", "--region", "us-east-1"],
    );
    assert_eq!(r.status, 0);
    let r = run(
        &sb,
        home.path(),
        &["pools", "--region", "eu-west-1", "--json"],
    );
    let pj = r.json();
    let pets = pj["pools"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "PetsPool")
        .unwrap()
        .clone();
    assert!(pets["arn"]
        .as_str()
        .unwrap()
        .starts_with("arn:aws:cognito-idp:eu-west-1:"));
    let clients: Vec<&str> = pets["clients"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(clients, ["mobile", "web"]);
    // No credentials at all: a clear message, exit 1.
    let mut c = cmd(&sb, home.path(), &["audit"]);
    c.env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .env("AWS_EC2_METADATA_DISABLED", "true");
    let out = c.output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("No AWS credentials"), "{err}");
}

#[test]
fn failed_methods_exit_4_and_report_the_aws_error() {
    let (sb, home, _) = seeded();
    sb.control("/_sandbox/config", json!({"failure_rate": 1.0, "seed": 1}));
    let r = protect_pets(&sb, home.path(), &["--methods", "GET /pets", "--json"]);
    assert_eq!(r.status, 4, "{}", r.stderr);
    let j = r.json();
    assert_eq!(j["results"][0]["status"], "failed");
    let e = j["results"][0]["error"].as_str().unwrap();
    assert!(
        e.contains("InternalFailure") || e.contains("ServiceUnavailable"),
        "{e}"
    );
}

#[test]
fn unprotect_and_undo_restore_the_previous_state() {
    let (sb, home, api) = seeded();
    let h = home.path();
    let open = sb.aws_state(&api);
    assert_eq!(
        protect_pets(&sb, h, &["--methods", SCENARIO, "--scopes", "pets/read"]).status,
        0
    );
    let protected = sb.aws_state(&api);
    assert_eq!(
        protected["methods"]["GET /pets"]["authorizationScopes"],
        json!(["pets/read"])
    );
    let r = run(
        &sb,
        h,
        &[
            "unprotect",
            "--api",
            "SecurePets",
            "--authorizer",
            "PetsPool",
            "--json",
        ],
    );
    assert_eq!(r.status, 0, "{}", r.stderr);
    assert_eq!(r.json()["results"].as_array().unwrap().len(), 3);
    assert_eq!(sb.aws_state(&api)["methods"], open["methods"]);
    // Undo the unprotect: protected again, scopes and all; then undo the protect: open again.
    assert_eq!(run(&sb, h, &["undo"]).status, 0);
    assert_eq!(sb.aws_state(&api)["methods"], protected["methods"]);
    let r = run(&sb, h, &["undo"]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    assert_eq!(sb.aws_state(&api)["methods"], open["methods"]);
    let r = run(&sb, h, &["undo"]);
    assert_eq!(r.status, 1, "nothing left to undo");
    assert!(r.stderr.contains("no apply to undo"), "{}", r.stderr);
}

#[test]
fn an_apply_killed_midway_is_undone_after_restart() {
    let sb = Sandbox::start();
    let api = sb.bulk_api("us-east-1", "Killed", 80, 1);
    sb.seed();
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let before = sb.aws_state(&api);
    let mut child = cmd(
        &sb,
        h,
        &[
            "protect",
            "--api",
            &api,
            "--pool",
            "PetsPool",
            "--pool-region",
            "eu-west-1",
            "--all-open",
            "--max-rps",
            "5",
        ],
    )
    .stdout(Stdio::null())
    .stderr(Stdio::null())
    .spawn()
    .unwrap();
    wait_for_outcomes(h, 10, Duration::from_secs(30));
    child.kill().unwrap();
    child.wait().unwrap();
    let mid = sb.aws_state(&api);
    let changed = mid["methods"]
        .as_object()
        .unwrap()
        .values()
        .filter(|m| m["authorizationType"] == "COGNITO_USER_POOLS")
        .count();
    assert!(
        (10..80).contains(&changed),
        "killed midway: {changed} of 80 changed"
    );

    let r = run(&sb, h, &["undo", "--json"]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    assert_eq!(
        r.json()["results"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|m| m["status"] == "changed")
            .count(),
        changed
    );
    let after = sb.aws_state(&api);
    assert_eq!(
        after["methods"], before["methods"],
        "every method is open again"
    );
}
