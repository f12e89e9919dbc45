//! `gatehouse fix-cors`: the gateway responses a refused token meets get
//! Access-Control-Allow-Origin, journaled; `gatehouse undo` puts them back, leaving alone one a
//! colleague changed since (unless forced).

use super::live::api;
use crate::common::cli::{protect_pets, run, seeded};
use crate::common::Sandbox;
use serde_json::{json, Value};

fn browser(sb: &Sandbox, home: &std::path::Path) -> Value {
    let audit = run(sb, home, &["audit", "--api", "SecurePets", "--json"]);
    api(&audit.json(), "SecurePets")["browser"].clone()
}

#[test]
fn fix_cors_adds_the_header_journaled_and_undo_puts_the_responses_back() {
    let (sb, home, api_id) = seeded();
    let home = home.path();
    let out = protect_pets(&sb, home, &["--methods", "GET /pets"]);
    assert_eq!(out.status, 0, "{}", out.stderr);
    assert_eq!(browser(&sb, home)[0]["kind"], "gatewayResponsesWithoutCors");

    // Bad input: a path is not an origin, and nothing is sent.
    let bad = run(
        &sb,
        home,
        &[
            "fix-cors",
            "--api",
            "SecurePets",
            "--origin",
            "https://a.example/x",
        ],
    );
    assert_eq!(bad.status, 2, "{}", bad.stderr);
    assert!(bad.stderr.contains("is not an origin"), "{}", bad.stderr);
    assert_eq!(sb.calls("apigateway", "PutGatewayResponse"), 0);

    let dry = run(
        &sb,
        home,
        &["fix-cors", "--api", "SecurePets", "--dry-run", "--json"],
    );
    assert_eq!(dry.status, 0, "{}", dry.stderr);
    let dry = dry.json();
    let texts: Vec<&str> = dry["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["text"].as_str().unwrap())
        .collect();
    assert_eq!(
        texts,
        [
            "UNAUTHORIZED: no Access-Control-Allow-Origin (AWS's default) → Access-Control-Allow-Origin '*'",
            "ACCESS_DENIED: no Access-Control-Allow-Origin (AWS's default) → Access-Control-Allow-Origin '*'",
        ]
    );
    assert_eq!(sb.calls("apigateway", "PutGatewayResponse"), 0);

    // The fix: both responses carry the header, keep their status and template; the review's
    // browser notice is gone.
    let fixed = run(&sb, home, &["fix-cors", "--api", "SecurePets", "--json"]);
    assert_eq!(fixed.status, 0, "{}{}", fixed.stdout, fixed.stderr);
    let report = fixed.json();
    assert_eq!(report["changed"], 2);
    assert_eq!(
        report["summary"],
        "2 changed, 0 failed — deploy to take it live"
    );
    let unauthorized = sb.gateway_response(&api_id, "UNAUTHORIZED");
    assert_eq!(unauthorized["defaultResponse"], false);
    assert_eq!(unauthorized["statusCode"], "401");
    assert_eq!(
        unauthorized["responseParameters"]["gatewayresponse.header.Access-Control-Allow-Origin"],
        "'*'"
    );
    assert_eq!(
        unauthorized["responseTemplates"]["application/json"],
        "{\"message\":$context.error.messageString}"
    );
    assert_eq!(browser(&sb, home), json!([]));
    let again = run(&sb, home, &["fix-cors", "--api", "SecurePets"]);
    assert_eq!(again.status, 2, "nothing left to fix: {}", again.stderr);

    // A colleague changes ACCESS_DENIED's header since: the undo restores UNAUTHORIZED only,
    // says why it left ACCESS_DENIED alone, and --force restores it too.
    sb.boto3(
        "c.put_gateway_response(restApiId=sys.argv[2], responseType='ACCESS_DENIED', \
         responseParameters={'gatewayresponse.header.Access-Control-Allow-Origin': \"'https://shop.example'\"})",
        &[&api_id],
    );
    let undo = run(&sb, home, &["undo", "--json"]);
    assert_eq!(undo.status, 0, "{}{}", undo.stdout, undo.stderr);
    let undo = undo.json();
    assert_eq!(undo["changed"], 1, "{undo}");
    let skipped = undo["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["status"] == "skipped")
        .unwrap()
        .clone();
    assert_eq!(skipped["key"], "ACCESS_DENIED");
    assert!(skipped["error"]
        .as_str()
        .unwrap()
        .contains("changed since the fix: now Access-Control-Allow-Origin 'https://shop.example'"));
    assert_eq!(
        sb.gateway_response(&api_id, "UNAUTHORIZED")["defaultResponse"],
        true
    );
    assert_eq!(
        sb.gateway_response(&api_id, "ACCESS_DENIED")["responseParameters"]
            ["gatewayresponse.header.Access-Control-Allow-Origin"],
        "'https://shop.example'"
    );
    let fix_id = report["applyId"].as_str().unwrap();
    let forced = run(&sb, home, &["undo", "--apply", fix_id, "--force", "--json"]);
    assert_eq!(forced.status, 0, "{}{}", forced.stdout, forced.stderr);
    assert_eq!(forced.json()["changed"], 1);
    assert_eq!(
        sb.gateway_response(&api_id, "ACCESS_DENIED")["defaultResponse"],
        true
    );
    assert_eq!(browser(&sb, home)[0]["kind"], "gatewayResponsesWithoutCors");
    // Undone in full: no second undo.
    let done = run(&sb, home, &["undo", "--apply", fix_id]);
    assert_eq!(done.status, 2, "{}", done.stderr);
    assert!(done.stderr.contains("already undone"), "{}", done.stderr);
}

#[test]
fn an_http_api_has_no_gateway_responses_to_fix() {
    let (sb, home, _) = seeded();
    let out = run(&sb, home.path(), &["fix-cors", "--api", "PetsHttp"]);
    assert_eq!(out.status, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("An HTTP API has no gateway responses"),
        "{}",
        out.stderr
    );
}
