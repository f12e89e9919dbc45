//! What each stage serves, from the command line against the sandbox: a stage that lags the
//! editor, `--fail-on-open` on what a stage serves, `--stage`, a canary, an HTTP auto-deploy stage
//! whose last deployment failed, and the cost of a second look (deployments are read once).

use crate::common::cli::{protect_pets, run, seeded, SCENARIO};
use crate::common::Sandbox;
use serde_json::{json, Value};

pub(crate) fn api<'a>(audit: &'a Value, name: &str) -> &'a Value {
    audit["apis"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["name"] == name)
        .unwrap_or_else(|| panic!("{name} not in {audit}"))
}

pub(crate) fn stage<'a>(api: &'a Value, name: &str) -> &'a Value {
    api["stages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == name)
        .unwrap_or_else(|| panic!("no stage {name} in {api}"))
}

/// The open methods' keys, sorted.
pub(crate) fn open_keys(methods: &Value) -> Vec<String> {
    let mut keys: Vec<String> = methods
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["open"] == true)
        .map(|m| {
            format!(
                "{} {}",
                m["verb"].as_str().unwrap(),
                m["path"].as_str().unwrap()
            )
        })
        .collect();
    keys.sort();
    keys
}

#[test]
fn a_stage_that_lags_the_editor_is_what_the_audit_judges() {
    let (sb, home, api_id) = seeded();
    let home = home.path();
    // Protected, but never deployed: prod still serves the seed's deployment, every method open.
    let out = protect_pets(&sb, home, &["--methods", SCENARIO, "--json"]);
    assert_eq!(out.status, 0, "{}", out.stderr);

    let audit = run(&sb, home, &["audit", "--api", "SecurePets", "--json"]);
    assert_eq!(audit.status, 0, "{}", audit.stderr);
    let pets = api(&audit.json(), "SecurePets").clone();
    assert_eq!(
        open_keys(&pets["methods"]),
        vec!["OPTIONS /pets"],
        "the editor"
    );
    let prod = stage(&pets, "prod");
    assert!(prod["deploymentId"].as_str().is_some_and(|d| !d.is_empty()));
    assert!(prod["deployedAt"].as_str().is_some(), "{prod}");
    assert_eq!(prod["autoDeploy"], false);
    assert_eq!(prod["canary"], Value::Null);
    assert_eq!(
        open_keys(&prod["methods"]),
        vec![
            "GET /pets",
            "OPTIONS /pets",
            "POST /purchase",
            "PURCHASE /pets"
        ]
    );
    assert_eq!(
        prod["differsFromEditor"],
        json!(["GET /pets", "POST /purchase", "PURCHASE /pets"])
    );
    assert_eq!(prod["summary"]["open"], 4);
    assert_eq!(
        pets["live"],
        json!(["prod serves 3 methods open that the editor protects — deploy to close them"])
    );

    // The editor protects all but OPTIONS, prod does not: --fail-on-open fails on what is served.
    let fail = run(
        &sb,
        home,
        &["audit", "--api", "SecurePets", "--fail-on-open"],
    );
    assert_eq!(fail.status, 3, "{}{}", fail.stdout, fail.stderr);
    assert!(fail
        .stdout
        .contains("! prod serves 3 methods open that the editor protects — deploy to close them"));
    assert!(fail.stdout.contains("[prod: Open]"), "{}", fail.stdout);

    // --stage puts what prod serves in the top-level methods, in the same shape.
    let served = run(
        &sb,
        home,
        &["audit", "--api", "SecurePets", "--stage", "prod", "--json"],
    );
    assert_eq!(served.status, 0, "{}", served.stderr);
    let as_served = api(&served.json(), "SecurePets").clone();
    assert_eq!(as_served["stage"], "prod");
    assert_eq!(as_served["methods"], prod["methods"]);
    assert_eq!(as_served["summary"]["open"], 4);

    let nope = run(
        &sb,
        home,
        &["audit", "--api", "SecurePets", "--stage", "beta"],
    );
    assert_eq!(nope.status, 2, "{}", nope.stderr);
    assert!(
        nope.stderr
            .contains("SecurePets has no stage named 'beta' (its stages: prod)"),
        "{}",
        nope.stderr
    );

    // A deploy made elsewhere (boto3 straight on the sandbox) is seen on the next look.
    sb.boto3(
        "c.create_deployment(restApiId=sys.argv[2], stageName='prod')",
        &[&api_id],
    );
    let after = run(
        &sb,
        home,
        &["audit", "--api", "SecurePets", "--fail-on-open", "--json"],
    );
    assert_eq!(after.status, 0, "{}", after.stdout);
    let pets = api(&after.json(), "SecurePets").clone();
    assert_eq!(stage(&pets, "prod")["differsFromEditor"], json!([]));
    assert_eq!(pets["live"], json!([]));
    assert_eq!(
        open_keys(&stage(&pets, "prod")["methods"]),
        vec!["OPTIONS /pets"]
    );
    assert_eq!(
        stage(&pets, "prod")["methods"][0]["authorizerName"],
        "PetsPool",
        "the export names the authorizer"
    );
}

#[test]
fn a_deployment_is_read_once_and_a_second_look_costs_get_stages() {
    let (sb, home, _) = seeded();
    let home = home.path();
    sb.reset_stats();
    let first = run(&sb, home, &["audit", "--api", "SecurePets", "--json"]);
    assert_eq!(first.status, 0, "{}", first.stderr);
    assert_eq!(sb.calls("apigateway", "GetStages"), 1);
    assert_eq!(sb.calls("apigateway", "GetDeployment"), 1);
    assert_eq!(sb.calls("apigateway", "GetExport"), 1);
    // Another process, the same deployment: only GetStages again.
    let second = run(&sb, home, &["audit", "--api", "SecurePets", "--json"]);
    assert_eq!(second.status, 0, "{}", second.stderr);
    assert_eq!(sb.calls("apigateway", "GetStages"), 2);
    assert_eq!(sb.calls("apigateway", "GetDeployment"), 1);
    assert_eq!(sb.calls("apigateway", "GetExport"), 1);
    assert_eq!(
        api(&first.json(), "SecurePets")["stages"],
        api(&second.json(), "SecurePets")["stages"]
    );
}

#[test]
fn a_canary_serving_an_open_method_fails_the_audit() {
    let (sb, home, api_id) = seeded();
    let home = home.path();
    // Everything protected and deployed to prod; then POST /purchase opened again and deployed
    // to prod's canary only, for 10% of the traffic.
    let out = protect_pets(&sb, home, &["--methods", SCENARIO, "--deploy", "prod"]);
    assert_eq!(out.status, 0, "{}", out.stderr);
    sb.set_behind_our_back(&api_id, "/purchase", "POST", "NONE");
    sb.boto3(
        "c.create_deployment(restApiId=sys.argv[2], stageName='prod', \
         canarySettings={'percentTraffic': 10.0})",
        &[&api_id],
    );
    let audit = run(
        &sb,
        home,
        &["audit", "--api", "SecurePets", "--json", "--fail-on-open"],
    );
    assert_eq!(audit.status, 3, "{}", audit.stdout);
    let pets = api(&audit.json(), "SecurePets").clone();
    let prod = stage(&pets, "prod");
    assert_eq!(
        open_keys(&prod["methods"]),
        vec!["OPTIONS /pets"],
        "the base"
    );
    let canary = &prod["canary"];
    assert_eq!(canary["percent"], 10.0);
    assert_ne!(canary["deploymentId"], prod["deploymentId"]);
    assert_eq!(
        open_keys(&canary["methods"]),
        vec!["OPTIONS /pets", "POST /purchase"]
    );
    // The editor opened POST /purchase too: the canary serves what the editor holds, the base
    // does not, and a deploy to prod would open it.
    assert_eq!(canary["differsFromEditor"], json!([]));
    assert_eq!(prod["differsFromEditor"], json!(["POST /purchase"]));
    assert_eq!(
        pets["live"],
        json!(["a deploy to prod would open 1 method"])
    );
    let table = run(&sb, home, &["audit", "--api", "SecurePets"]);
    assert!(
        table.stdout.contains("[prod: Cognito · PetsPool]"),
        "{}",
        table.stdout
    );
}

#[test]
fn an_http_stage_whose_automatic_deployment_failed_serves_the_one_before() {
    let sb = Sandbox::start();
    let seed = sb.seed();
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    let api_id = seed["apis"]["PetsHttp"]["id"].as_str().unwrap();
    sb.control(
        "/_sandbox/auto-deploy-failure",
        json!({"region": "us-east-1", "api_id": api_id}),
    );
    let out = run(
        &sb,
        home,
        &[
            "protect",
            "--api",
            "PetsHttp",
            "--pool",
            "PetsPool",
            "--pool-region",
            "eu-west-1",
            "--clients",
            "web",
            "--all-open",
            "--json",
            // PetsHttp belongs to a CloudFormation stack: the warning is accepted.
            "--force",
        ],
    );
    assert_eq!(out.status, 0, "{}{}", out.stdout, out.stderr);
    let audit = run(
        &sb,
        home,
        &["audit", "--api", "PetsHttp", "--json", "--fail-on-open"],
    );
    assert_eq!(audit.status, 3, "{}", audit.stdout);
    let pets = api(&audit.json(), "PetsHttp").clone();
    let editor_open = pets["summary"]["open"].as_u64().unwrap();
    assert_eq!(
        editor_open,
        pets["summary"]["openOptions"].as_u64().unwrap()
    );
    let default = stage(&pets, "$default");
    assert_eq!(default["autoDeploy"], true);
    assert!(default["statusMessage"]
        .as_str()
        .is_some_and(|m| m.starts_with("Deployment attempt failed")));
    // It still serves the routes open that the apply protected.
    let differs = default["differsFromEditor"].as_array().unwrap().len();
    assert!(differs > 0, "{default}");
    let served_open = default["summary"]["open"].as_u64().unwrap()
        - default["summary"]["openOptions"].as_u64().unwrap();
    assert_eq!(served_open as usize, differs);
    let live = pets["live"][0].as_str().unwrap();
    assert!(
        live.starts_with(&format!(
            "$default serves {differs} methods open that the editor protects"
        )),
        "{live}"
    );
    assert!(live.contains("last automatic deployment failed"), "{live}");
}
