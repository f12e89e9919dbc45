//! What a token check costs: one read of the API serves the verdicts, for the editor and for a
//! stage, as many GetResources pages as the audit reads and no more.

use crate::common::cli::{run, run_with_stdin};
use crate::common::Sandbox;
use serde_json::json;

#[test]
fn a_token_check_reads_the_api_once_like_the_audit() {
    let sb = Sandbox::start();
    let seed = sb.seed();
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    // Three pages of resources (500 a page), deployed to prod and dev.
    let api_id = sb.bulk_api("us-east-1", "Paged", 1100, 1);
    sb.boto3(
        "c.create_deployment(restApiId=sys.argv[2], stageName='prod'); \
         c.create_deployment(restApiId=sys.argv[2], stageName='dev')",
        &[&api_id],
    );
    let token = sb.mint_token(
        json!({"pool_id": seed["pools"]["PetsPool"]["id"], "token_use": "id",
        "client_id": seed["pools"]["PetsPool"]["clients"]["web"], "username": "alice"}),
    );
    let calls = |sb: &Sandbox| {
        [
            "GetResources",
            "GetAuthorizers",
            "GetStages",
            "GetDeployment",
            "GetExport",
        ]
        .map(|op| sb.calls("apigateway", op))
    };

    sb.reset_stats();
    let audit = run(&sb, home, &["audit", "--api", "Paged", "--json"]);
    assert_eq!(audit.status, 0, "{}", audit.stderr);
    let [audit_pages, ..] = calls(&sb);
    assert_eq!(audit_pages, 3, "the audit reads each page once");

    // The editor's verdicts: the same pages, no stage read beyond GetStages (for the curl lines).
    sb.reset_stats();
    let check = |args: &[&str]| {
        let base = ["check-token", "--api", "Paged", "--token-stdin", "--json"];
        let out = run_with_stdin(&sb, home, &[&base[..], args].concat(), &token);
        assert_eq!(out.status, 0, "{}{}", out.stdout, out.stderr);
        out.json()
    };
    let editor = check(&[]);
    assert_eq!(editor["methods"].as_array().unwrap().len(), 1100);
    assert_eq!(calls(&sb), [3, 1, 1, 0, 0]);

    // On prod: still one read of the editor, one GetStages, and the deployments the audit
    // already cached cost nothing more.
    sb.reset_stats();
    let prod = check(&["--stage", "prod"]);
    assert_eq!(prod["stage"], "prod");
    assert_eq!(prod["methods"].as_array().unwrap().len(), 1100);
    assert_eq!(calls(&sb), [3, 1, 1, 0, 0]);
}
