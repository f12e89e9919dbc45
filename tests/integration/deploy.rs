//! Deploying with a preview from the command line, a canary stage, a token judged as a stage
//! serves the method, and what a browser would see of a refused token.

use super::live::{api, stage};
use crate::common::cli::{protect_pets, run, seeded, Run};
use crate::common::Sandbox;
use serde_json::{json, Value};

/// `gatehouse deploy --api SecurePets --stage prod ARGS…`
fn deploy_prod(sb: &Sandbox, home: &std::path::Path, args: &[&str]) -> Run {
    let base = ["deploy", "--api", "SecurePets", "--stage", "prod"];
    run(sb, home, &[&base[..], args].concat())
}

#[test]
fn a_deploy_names_the_changes_gatehouse_did_not_make_and_waits_for_yes() {
    let (sb, home, api_id) = seeded();
    let home = home.path();
    sb.colleague_opened_purchase(&api_id);
    let out = protect_pets(&sb, home, &["--methods", "GET /pets"]);
    assert_eq!(out.status, 0, "{}", out.stderr);

    let dry = deploy_prod(&sb, home, &["--dry-run", "--json"]);
    assert_eq!(dry.status, 0, "{}", dry.stderr);
    let preview = dry.json();
    assert_eq!(preview["dryRun"], true);
    assert_eq!(preview["deployment"], Value::Null);
    let changes = preview["changes"].as_array().unwrap();
    assert_eq!(changes.len(), 2, "{preview}");
    let get = changes.iter().find(|c| c["key"] == "GET /pets").unwrap();
    assert_eq!(
        (get["before"].as_str(), get["after"].as_str()),
        (Some("Open"), Some("Cognito · PetsPool"))
    );
    assert_eq!(get["byGatehouse"], true);
    assert_eq!(
        (get["path"].as_str(), get["verb"].as_str()),
        (Some("/pets"), Some("GET"))
    );
    let purchase = changes
        .iter()
        .find(|c| c["key"] == "POST /purchase")
        .unwrap();
    assert_eq!(
        (purchase["before"].as_str(), purchase["after"].as_str()),
        (Some("IAM"), Some("Open"))
    );
    assert_eq!(purchase["byGatehouse"], false);
    assert_eq!(purchase["opens"], true);
    assert_eq!(preview["notByGatehouse"], json!(["POST /purchase"]));
    let deployments = |sb: &Sandbox| sb.calls("apigateway", "CreateDeployment");
    let before = deployments(&sb);

    // Without --yes: refused, naming the change, and nothing deployed.
    let refused = deploy_prod(&sb, home, &[]);
    assert_eq!(refused.status, 2, "{}{}", refused.stdout, refused.stderr);
    assert!(
        refused
            .stderr
            .contains("Gatehouse did not make: POST /purchase"),
        "{}",
        refused.stderr
    );
    assert!(
        refused
            .stdout
            .contains("not made by Gatehouse: POST /purchase: IAM → Open  — OPENS IT TO ANYONE"),
        "{}",
        refused.stdout
    );
    assert_eq!(deployments(&sb), before);

    // protect --deploy meets the same change: a warning, nothing changed without --force.
    let warned = protect_pets(
        &sb,
        home,
        &["--methods", "PURCHASE /pets", "--deploy", "prod"],
    );
    assert_eq!(warned.status, 2, "{}{}", warned.stdout, warned.stderr);
    assert!(
        warned
            .stderr
            .contains("A deploy to prod also takes live changes Gatehouse did not make: POST /purchase: IAM → Open"),
        "{}",
        warned.stderr
    );
    assert_eq!(deployments(&sb), before);
    assert_eq!(
        sb.count_kind(&api_id, "COGNITO_USER_POOLS"),
        1,
        "only GET /pets"
    );

    let yes = deploy_prod(&sb, home, &["--yes", "--json"]);
    assert_eq!(yes.status, 0, "{}", yes.stderr);
    let done = yes.json();
    assert_eq!(done["deployment"]["stage"], "prod");
    assert_eq!(deployments(&sb), before + 1);
    let audit = run(&sb, home, &["audit", "--api", "SecurePets", "--json"]);
    let prod = stage(api(&audit.json(), "SecurePets"), "prod").clone();
    assert_eq!(prod["differsFromEditor"], json!([]));
    assert_eq!(prod["deploymentId"], done["deployment"]["id"]);

    // Nothing left to deploy, and protect --deploy prints the preview of what it takes live.
    let again = protect_pets(
        &sb,
        home,
        &["--methods", "PURCHASE /pets", "--deploy", "prod"],
    );
    assert_eq!(again.status, 0, "{}{}", again.stdout, again.stderr);
    assert!(
        again.stdout.contains("1 change on prod"),
        "{}",
        again.stdout
    );
    assert!(
        again
            .stdout
            .contains("PURCHASE /pets: Open → Cognito · PetsPool"),
        "{}",
        again.stdout
    );
    assert!(
        again.stdout.contains("Deployed to prod"),
        "{}",
        again.stdout
    );
}

#[test]
fn a_stage_with_a_canary_is_deployed_to_its_canary_never_silently_to_its_base() {
    let (sb, home, api_id) = seeded();
    let home = home.path();
    sb.boto3(
        "c.create_deployment(restApiId=sys.argv[2], stageName='prod', \
         canarySettings={'percentTraffic': 25.0})",
        &[&api_id],
    );
    let out = protect_pets(&sb, home, &["--methods", "GET /pets"]);
    assert_eq!(out.status, 0, "{}", out.stderr);
    let base = deploy_prod(&sb, home, &["--yes"]);
    assert_eq!(base.status, 2, "{}{}", base.stdout, base.stderr);
    assert!(
        base.stderr
            .contains("prod has a canary (25% of the traffic"),
        "{}",
        base.stderr
    );
    let canary = deploy_prod(&sb, home, &["--canary", "--json"]);
    assert_eq!(canary.status, 0, "{}{}", canary.stdout, canary.stderr);
    let done = canary.json();
    assert_eq!(done["target"], "canary");
    assert_eq!(done["changes"][0]["key"], "GET /pets");
    let audit = run(&sb, home, &["audit", "--api", "SecurePets", "--json"]);
    let prod = stage(api(&audit.json(), "SecurePets"), "prod").clone();
    assert_eq!(prod["canary"]["deploymentId"], done["deployment"]["id"]);
    assert_eq!(prod["canary"]["percent"], 25.0);
    assert_eq!(prod["canary"]["differsFromEditor"], json!([]));
    assert_eq!(
        prod["differsFromEditor"],
        json!(["GET /pets"]),
        "the base is as it was"
    );

    // Promoted: the preview lists what changes on the base (the canary's GET /pets), nothing of
    // the editor to acknowledge; then prod serves the canary's deployment, the canary 0%.
    let promote = |more: &[&str]| deploy_prod(&sb, home, &[&["--promote"][..], more].concat());
    let dry = promote(&["--dry-run", "--json"]);
    assert_eq!(dry.status, 0, "{}{}", dry.stdout, dry.stderr);
    let dry = dry.json();
    assert_eq!(dry["target"], "promote");
    assert_eq!(
        dry["summary"],
        "1 change on prod when its canary is promoted"
    );
    let change = &dry["changes"][0];
    assert_eq!(
        (&change["key"], &change["before"], &change["after"]),
        (
            &json!("GET /pets"),
            &json!("Open"),
            &json!("Cognito · authorizer not exported")
        )
    );
    assert_eq!(dry["notByGatehouse"], json!([]));
    let promoted = promote(&[]);
    assert_eq!(promoted.status, 0, "{}{}", promoted.stdout, promoted.stderr);
    assert!(
        promoted.stdout.contains(&format!(
            "Promoted prod's canary: the stage serves deployment {}.",
            done["deployment"]["id"].as_str().unwrap()
        )),
        "{}",
        promoted.stdout
    );
    let audit = run(&sb, home, &["audit", "--api", "SecurePets", "--json"]);
    let prod = stage(api(&audit.json(), "SecurePets"), "prod").clone();
    assert_eq!(prod["deploymentId"], done["deployment"]["id"]);
    assert_eq!(prod["canary"]["percent"], 0.0);
    assert_eq!(prod["differsFromEditor"], json!([]));
    // A canary at 0% serves no one: the base may be deployed again.
    let again = deploy_prod(&sb, home, &["--dry-run"]);
    assert_eq!(again.status, 0, "{}{}", again.stdout, again.stderr);
}

#[test]
fn a_token_is_judged_as_the_stage_serves_the_method_and_the_editor_is_named() {
    let sb = Sandbox::start();
    let seed = sb.seed();
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    let out = protect_pets(&sb, home, &["--methods", "GET /pets"]);
    assert_eq!(out.status, 0, "{}", out.stderr);
    let pool = seed["pools"]["PetsPool"]["id"].as_str().unwrap();
    let web = seed["pools"]["PetsPool"]["clients"]["web"]
        .as_str()
        .unwrap();
    let (id_token, _) = sb.sign_in(pool, web, "alice", "Gatehouse-demo-1");
    let check = |args: &[&str]| {
        let base = [
            "check-token",
            "--api",
            "SecurePets",
            "--token-stdin",
            "--methods",
            "GET /pets",
        ];
        crate::common::cli::run_with_stdin(&sb, home, &[&base[..], args].concat(), &id_token)
    };
    // The editor: alice's token gets through GET /pets (Cognito · PetsPool).
    let editor = check(&["--json"]);
    assert_eq!(editor.status, 0, "{}{}", editor.stdout, editor.stderr);
    let editor = editor.json();
    assert_eq!(editor["methods"][0]["verdict"], "allow");
    assert_eq!(editor["stage"], Value::Null);
    // prod still serves it open: anyone gets in there, and the editor's verdict is named.
    let prod = check(&["--stage", "prod", "--json"]);
    assert_eq!(prod.status, 0, "{}{}", prod.stdout, prod.stderr);
    let prod = prod.json();
    assert_eq!(prod["stage"], "prod");
    assert_eq!(prod["methods"][0]["verdict"], "open");
    let differs = prod["editorDiffers"].as_array().unwrap();
    assert_eq!(differs.len(), 1, "{prod}");
    assert!(
        differs[0]
            .as_str()
            .unwrap()
            .starts_with("GET /pets: the editor would allow it ("),
        "{prod}"
    );
    assert!(differs[0]
        .as_str()
        .unwrap()
        .ends_with("— not deployed to prod"));
    assert!(prod["invokeBase"].as_str().unwrap().ends_with("/prod"));
    let text = check(&["--stage", "prod"]);
    assert!(
        text.stdout.contains("SecurePets as prod serves it"),
        "{}",
        text.stdout
    );
    assert!(
        text.stdout
            .contains("Where the editor would decide otherwise:"),
        "{}",
        text.stdout
    );
    let nope = check(&["--stage", "beta"]);
    assert_eq!(nope.status, 2, "{}", nope.stderr);
    assert!(
        nope.stderr
            .contains("No stage named 'beta' (the API's stages: prod)"),
        "{}",
        nope.stderr
    );
    // The seed's token may not be printed, ever.
    for out in [&text.stdout, &text.stderr] {
        assert!(!out.contains(&id_token));
    }
}

#[test]
fn a_browser_would_see_a_cors_error_until_the_gateway_responses_carry_the_header() {
    let (sb, home, api_id) = seeded();
    let home = home.path();
    let out = protect_pets(&sb, home, &["--methods", "GET /pets", "--deploy", "prod"]);
    assert_eq!(out.status, 0, "{}", out.stderr);
    let audit = run(&sb, home, &["audit", "--api", "SecurePets", "--json"]);
    let browser = api(&audit.json(), "SecurePets")["browser"].clone();
    assert_eq!(
        browser[0]["kind"], "gatewayResponsesWithoutCors",
        "{browser}"
    );
    assert_eq!(
        browser[0]["items"],
        json!(["UNAUTHORIZED", "ACCESS_DENIED"])
    );
    let table = run(&sb, home, &["audit", "--api", "SecurePets"]);
    assert!(
        table.stdout.contains("! Browsers: A refused token gets a UNAUTHORIZED and ACCESS_DENIED answer without Access-Control-Allow-Origin"),
        "{}",
        table.stdout
    );
    sb.boto3(
        "c.put_gateway_response(restApiId=sys.argv[2], responseType='DEFAULT_4XX', \
         responseParameters={'gatewayresponse.header.Access-Control-Allow-Origin': \"'*'\"})",
        &[&api_id],
    );
    let fixed = run(&sb, home, &["audit", "--api", "SecurePets", "--json"]);
    assert_eq!(api(&fixed.json(), "SecurePets")["browser"], json!([]));
}
