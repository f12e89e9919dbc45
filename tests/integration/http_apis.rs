//! HTTP APIs (API Gateway v2) through the command line, against the sandbox: both kinds listed,
//! every route kind reviewed, a JWT authorizer created with the exact issuer and audience for a
//! pool in another region, apply + undo + reuse, auto-deploy vs a manual stage, and the token
//! check's JWT rules with real sandbox tokens.

use crate::common;

use common::cli::{run, run_with_stdin, Run};
use common::Sandbox;
use serde_json::{json, Value};

struct Http {
    sb: Sandbox,
    home: tempfile::TempDir,
    seed: Value,
}

impl Http {
    fn start() -> Http {
        let sb = Sandbox::start();
        let seed = sb.seed();
        Http {
            sb,
            home: tempfile::tempdir().unwrap(),
            seed,
        }
    }

    fn run(&self, args: &[&str]) -> Run {
        run(&self.sb, self.home.path(), args)
    }

    fn api(&self, name: &str) -> String {
        self.seed["apis"][name]["id"].as_str().unwrap().into()
    }

    fn pool(&self) -> String {
        self.seed["pools"]["PetsPool"]["id"]
            .as_str()
            .unwrap()
            .into()
    }

    fn client(&self, name: &str) -> String {
        self.seed["pools"]["PetsPool"]["clients"][name]
            .as_str()
            .unwrap()
            .into()
    }

    /// `protect --api API --pool PetsPool --pool-region eu-west-1 --json ARGS…`
    fn protect(&self, api: &str, args: &[&str]) -> Run {
        let base = [
            "protect",
            "--api",
            api,
            "--pool",
            "PetsPool",
            "--pool-region",
            "eu-west-1",
            "--json",
        ];
        // PetsHttp belongs to the CloudFormation stack pets-http-stack: changing it takes --force
        // (the refusal itself is checked in the first protect test).
        let force: &[&str] = if api == "PetsHttp" { &["--force"] } else { &[] };
        self.run(&[&base[..], args, force].concat())
    }

    /// Route key → AuthorizationType as AWS holds it.
    fn route_types(&self, api: &str) -> Value {
        let state = self.sb.http_state(&self.api(api));
        let routes = state["routes"].as_object().unwrap();
        routes
            .iter()
            .map(|(k, r)| (k.clone(), r["AuthorizationType"].clone()))
            .collect::<serde_json::Map<_, _>>()
            .into()
    }
}

#[test]
fn both_kinds_are_listed_and_an_http_api_is_reviewed_route_by_route() {
    let h = Http::start();
    let all = h.run(&["audit", "--json"]);
    assert_eq!(all.status, 0, "{}", all.stderr);
    let kinds: Vec<(String, String)> = all.json()["apis"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["name"].as_str().unwrap().into(),
                a["kind"].as_str().unwrap().into(),
            )
        })
        .collect();
    // The WebSocket API has no methods to audit and is left out.
    let names = |k: &str| -> Vec<String> {
        kinds
            .iter()
            .filter(|(_, kind)| kind == k)
            .map(|(n, _)| n.clone())
            .collect()
    };
    assert_eq!(names("HTTP"), ["ParcelsManual", "PetsHttp"]);
    assert_eq!(names("REST"), ["PetsAdmin", "SecurePets"]);
    assert!(names("WEBSOCKET").is_empty());

    let review = h.run(&["audit", "--api", "PetsHttp", "--json"]).json();
    let methods = review["apis"][0]["methods"].as_array().unwrap().clone();
    let rows: Vec<(String, String, String)> = methods
        .iter()
        .map(|m| {
            (
                m["routeKey"].as_str().unwrap().into(),
                m["path"].as_str().unwrap().into(),
                m["verb"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert!(
        rows.contains(&("$default".into(), "$default".into(), "ANY".into())),
        "{rows:?}"
    );
    assert!(rows.contains(&("ANY /{proxy+}".into(), "/{proxy+}".into(), "ANY".into())));
    assert!(rows.contains(&(
        "GET /parcels/{id}".into(),
        "/parcels/{id}".into(),
        "GET".into()
    )));
    assert_eq!(rows.len(), 6);
    assert!(methods.iter().all(|m| m["authorizationType"] == "NONE"));
    assert_eq!(
        review["apis"][0]["summary"],
        json!({"total": 6, "protected": 0, "open": 6, "openOptions": 1})
    );

    // The text table, and a WebSocket API named outright is refused with the reason.
    let text = h.run(&["audit", "--api", "PetsHttp"]);
    assert!(
        text.stdout.contains("$default       ANY"),
        "{}",
        text.stdout
    );
    let ws = h.run(&["audit", "--api", "PetsChat"]);
    assert_eq!(ws.status, 2);
    assert!(
        ws.stderr
            .contains("WebSocket APIs are listed but not reviewed"),
        "{}",
        ws.stderr
    );
}

#[test]
fn protect_an_http_api_with_a_jwt_authorizer_then_undo_and_reuse() {
    let h = Http::start();
    // No audience: refused before anything is sent.
    let none = h.protect("PetsHttp", &["--all-open"]);
    assert_eq!(none.status, 2);
    assert!(none.stderr.contains("--clients"), "{}", none.stderr);
    assert!(h.sb.http_state(&h.api("PetsHttp"))["authorizers"]
        .as_array()
        .unwrap()
        .is_empty());

    // Owned by a CloudFormation stack: refused with the warning unless forced; nothing is sent.
    let owned = h.run(&[
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
    ]);
    assert_eq!(owned.status, 2, "{}{}", owned.stdout, owned.stderr);
    assert!(
        format!("{}{}", owned.stdout, owned.stderr)
            .contains("PetsHttp is managed by CloudFormation stack pets-http-stack"),
        "{}{}",
        owned.stdout,
        owned.stderr
    );
    assert!(h.sb.http_state(&h.api("PetsHttp"))["authorizers"]
        .as_array()
        .unwrap()
        .is_empty());

    // A pool of eu-west-1 for an API of us-east-1: the issuer names the pool's own region.
    let first = h.protect("PetsHttp", &["--clients", "web", "--all-open"]);
    assert_eq!(first.status, 0, "{}{}", first.stdout, first.stderr);
    let out = first.json();
    assert_eq!(out["authorizer"]["created"], true);
    assert_eq!(out["liveOn"], "$default (auto-deploy)");
    assert_eq!(out["deployment"], Value::Null);
    let state = h.sb.http_state(&h.api("PetsHttp"));
    let authorizer = &state["authorizers"][0];
    assert_eq!(authorizer["AuthorizerType"], "JWT");
    assert_eq!(authorizer["Name"], "PetsPool");
    assert_eq!(
        authorizer["JwtConfiguration"]["Issuer"],
        format!("https://cognito-idp.eu-west-1.amazonaws.com/{}", h.pool()).as_str()
    );
    assert_eq!(
        authorizer["JwtConfiguration"]["Audience"],
        json!([h.client("web")])
    );
    assert_eq!(
        authorizer["IdentitySource"],
        json!(["$request.header.Authorization"])
    );
    // Every route but the CORS preflight, each with the new authorizer.
    let id = authorizer["AuthorizerId"].as_str().unwrap();
    for (key, route) in state["routes"].as_object().unwrap() {
        if key == "OPTIONS /parcels" {
            assert_eq!(route["AuthorizationType"], "NONE");
        } else {
            assert_eq!(route["AuthorizationType"], "JWT", "{key}");
            assert_eq!(route["AuthorizerId"], id, "{key}");
        }
    }
    // Live at once on the auto-deploy stage: nothing waits for a deploy.
    let text = h.run(&[
        "unprotect",
        "--api",
        "PetsHttp",
        "--methods",
        "$default",
        "--dry-run",
    ]);
    assert_eq!(text.status, 0, "{}", text.stderr);

    // Undo restores every route; the journal knew the routes by their keys, $default included.
    let undo = h.run(&["undo", "--json"]);
    assert_eq!(undo.status, 0, "{}{}", undo.stdout, undo.stderr);
    assert_eq!(undo.with_status("changed").len(), 5);
    assert!(undo
        .with_status("changed")
        .contains(&"ANY $default".to_string()));
    let types = h.route_types("PetsHttp");
    assert!(
        types.as_object().unwrap().values().all(|t| t == "NONE"),
        "{types}"
    );

    // The same pool, audience and token source again: the authorizer is reused, not duplicated.
    let again = h.protect(
        "PetsHttp",
        &["--clients", "web", "--methods", "GET /parcels,$default"],
    );
    assert_eq!(again.status, 0, "{}", again.stderr);
    assert_eq!(again.json()["authorizer"]["created"], false);
    let mut changed = again.with_status("changed");
    changed.sort();
    assert_eq!(changed, ["ANY $default", "GET /parcels"]);
    assert_eq!(
        h.sb.http_state(&h.api("PetsHttp"))["authorizers"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    // Another audience is another authorizer.
    let both = h.protect(
        "PetsHttp",
        &["--clients", "web,mobile", "--methods", "POST /parcels"],
    );
    assert_eq!(both.json()["authorizer"]["created"], true);
    let types = h.route_types("PetsHttp");
    assert_eq!(types["POST /parcels"], "JWT");
    assert_eq!(types["GET /parcels/{id}"], "NONE");
}

#[test]
fn a_manual_stage_is_deployed_and_an_auto_deploy_stage_is_live_at_once() {
    let h = Http::start();
    let api = h.api("ParcelsManual");
    let deployments = |h: &Http| h.sb.http_state(&api)["deployments"].as_u64().unwrap();
    let before = deployments(&h);
    h.sb.reset_stats(); // the seed deployed ParcelsManual once
                        // Without --deploy: not live, and the journal says so.
    let run = h.protect(
        "ParcelsManual",
        &["--clients", "web", "--methods", "GET /items"],
    );
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert_eq!(run.json()["liveOn"], Value::Null);
    assert_eq!(deployments(&h), before);
    let text = h.run(&[
        "protect",
        "--api",
        "ParcelsManual",
        "--pool",
        "PetsPool",
        "--pool-region",
        "eu-west-1",
        "--clients",
        "web",
        "--methods",
        "DELETE /items/{id}",
        "--deploy",
        "prod",
    ]);
    assert_eq!(text.status, 0, "{}", text.stderr);
    assert!(text.stdout.contains("Deployed to prod"), "{}", text.stdout);
    assert_eq!(h.sb.calls("apigateway", "v2:CreateDeployment"), 1);
    let state = h.sb.http_state(&api);
    assert_eq!(deployments(&h), before + 1);
    assert_eq!(state["stages"]["prod"]["AutoDeploy"], false);

    // On the auto-deploy API, --deploy to its own stage sends no CreateDeployment (AWS would
    // refuse it): the change is live already.
    let auto = h.protect(
        "PetsHttp",
        &[
            "--clients",
            "web",
            "--methods",
            "GET /parcels",
            "--deploy",
            "$default",
        ],
    );
    assert_eq!(auto.status, 0, "{}{}", auto.stdout, auto.stderr);
    assert_eq!(auto.json()["liveOn"], "$default (auto-deploy)");
    assert_eq!(h.sb.calls("apigateway", "v2:CreateDeployment"), 1);
}

#[test]
fn token_verdicts_on_jwt_routes_follow_the_jwt_authorizer_rules() {
    let h = Http::start();
    assert_eq!(
        h.protect(
            "PetsHttp",
            &["--clients", "web", "--methods", "GET /parcels,$default"]
        )
        .status,
        0
    );
    assert_eq!(
        h.protect(
            "PetsHttp",
            &[
                "--clients",
                "web",
                "--methods",
                "POST /parcels",
                "--scopes",
                "pets/read"
            ]
        )
        .status,
        0
    );
    let (web_id, web_access) =
        h.sb.sign_in(&h.pool(), &h.client("web"), "alice", "Gatehouse-demo-1");
    let (mobile_id, _) =
        h.sb.sign_in(&h.pool(), &h.client("mobile"), "alice", "Gatehouse-demo-1");
    let check = |token: &str| -> Value {
        let r = run_with_stdin(
            &h.sb,
            h.home.path(),
            &[
                "check-token",
                "--api",
                "PetsHttp",
                "--token-stdin",
                "--json",
            ],
            token,
        );
        let out = r.json();
        out["methods"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| {
                let key = if m["path"] == "$default" {
                    "$default".to_string()
                } else {
                    format!(
                        "{} {}",
                        m["verb"].as_str().unwrap(),
                        m["path"].as_str().unwrap()
                    )
                };
                (key, json!([m["verdict"], m["reason"]]))
            })
            .collect::<serde_json::Map<_, _>>()
            .into()
    };
    // ID and access tokens both pass where no scopes are set (aud, or client_id, in the audience).
    let id = check(&web_id);
    assert_eq!(id["GET /parcels"][0], "allow", "{id}");
    assert_eq!(id["$default"][0], "allow");
    assert_eq!(id["GET /parcels/{id}"][0], "open");
    let access = check(&web_access);
    assert_eq!(access["GET /parcels"][0], "allow", "{access}");
    // The scoped route: Cognito's own scope is not pets/read.
    assert_eq!(access["POST /parcels"][0], "deny");
    assert!(access["POST /parcels"][1]
        .as_str()
        .unwrap()
        .contains("none of pets/read"));
    let scoped =
        h.sb.mint_token(json!({"pool_id": h.pool(), "token_use": "access",
        "client_id": h.client("web"), "username": "alice", "scope": "pets/read"}));
    assert_eq!(check(&scoped)["POST /parcels"][0], "allow");
    // Another app client is not in the audience.
    let mobile = check(&mobile_id);
    assert_eq!(mobile["GET /parcels"][0], "deny");
    assert!(mobile["GET /parcels"][1]
        .as_str()
        .unwrap()
        .contains("not in JWT authorizer"));
    // Another pool's token: the issuer must be the authorizer's exactly.
    let admin_pool = h.seed["pools"]["AdminPool"]["id"].as_str().unwrap();
    let other =
        h.sb.mint_token(json!({"pool_id": admin_pool, "token_use": "id",
        "client_id": h.client("web"), "username": "bob"}));
    let other = check(&other);
    assert_eq!(other["GET /parcels"][0], "deny");
    assert!(other["GET /parcels"][1]
        .as_str()
        .unwrap()
        .contains("accepts only"));
}

#[test]
fn six_hundred_routes_are_read_in_two_pages() {
    let h = Http::start();
    let id = h.sb.bulk_http_api("us-east-1", "BigHttp", 600, None);
    h.sb.reset_stats();
    let review = h.run(&["audit", "--api", "BigHttp", "--json"]);
    assert_eq!(review.status, 0, "{}", review.stderr);
    let api = &review.json()["apis"][0];
    assert_eq!(api["id"], id.as_str());
    assert_eq!(api["methods"].as_array().unwrap().len(), 600);
    assert_eq!(
        h.sb.calls("apigateway", "v2:GetRoutes"),
        2,
        "600 routes at 500 a page"
    );
    assert_eq!(h.sb.calls("apigateway", "v2:GetAuthorizers"), 1);
}
