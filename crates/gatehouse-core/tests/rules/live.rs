//! What each stage serves, read from a deployment's apiSummary and a stage's OpenAPI export, and
//! compared with the editor.

use super::plan::method;
use gatehouse_core::domain::audit;
use gatehouse_core::domain::live::deploy::{self, DeployTarget};
use gatehouse_core::domain::live::export::{http_served, rest_served, ApiSummary};
use gatehouse_core::domain::live::{ago, stage_view, CanaryInfo, ListCount, StageInfo};
use gatehouse_core::domain::model::{AuthType, Authorizer, Method};
use serde_json::{json, Value};

const NOW_MS: u64 = 1_780_000_000_000;

fn pets_pool() -> Authorizer {
    Authorizer {
        id: "a1".into(),
        name: "PetsPool".into(),
        kind: "COGNITO_USER_POOLS".into(),
        provider_arns: vec![
            "arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_Pets".into(),
        ],
        identity_source: Some("method.request.header.Authorization".into()),
        identity_validation_expression: None,
        ttl_seconds: Some(300),
        authorizer_uri: None,
        issuer: None,
        audience: vec![],
    }
}

/// SecurePets in the editor: GET /pets and POST /purchase protected by PetsPool, OPTIONS open.
fn editor() -> Vec<Method> {
    vec![
        method(
            "/pets",
            "GET",
            "COGNITO_USER_POOLS",
            Some("a1"),
            &["pets/read"],
        ),
        method("/pets", "OPTIONS", "NONE", None, &[]),
        method("/purchase", "POST", "COGNITO_USER_POOLS", Some("a1"), &[]),
    ]
}

fn summary(rows: &[(&str, &str, &str, bool)]) -> ApiSummary {
    let mut s = ApiSummary::new();
    for (path, verb, auth, key) in rows {
        s.entry(path.to_string())
            .or_default()
            .insert(verb.to_string(), (auth.to_string(), *key));
    }
    s
}

/// An OpenAPI 3 export as GetExport writes it with extensions=authorizers.
fn rest_export(get_pets_security: Value) -> Value {
    rest_export_with(get_pets_security, json!([{"api_key": []}]))
}

fn rest_export_with(get_pets_security: Value, purchase_security: Value) -> Value {
    json!({
        "openapi": "3.0.1",
        "paths": {
            "/pets": {
                "get": {"security": get_pets_security},
                "options": {}
            },
            "/purchase": {"post": {"security": purchase_security}}
        },
        "components": {"securitySchemes": {
            "PetsPool": {
                "type": "apiKey", "name": "Authorization", "in": "header",
                "x-amazon-apigateway-authtype": "cognito_user_pools",
                "x-amazon-apigateway-authorizer": {
                    "type": "cognito_user_pools",
                    "providerARNs": ["arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_Pets"]
                }
            },
            "OldPool": {
                "type": "apiKey", "name": "Authorization", "in": "header",
                "x-amazon-apigateway-authtype": "cognito_user_pools",
                "x-amazon-apigateway-authorizer": {"type": "cognito_user_pools", "providerARNs": []}
            },
            "api_key": {"type": "apiKey", "name": "x-api-key", "in": "header"}
        }}
    })
}

fn stage(name: &str, deployment: Option<&str>) -> StageInfo {
    StageInfo {
        name: name.into(),
        deployment_id: deployment.map(str::to_string),
        auto_deploy: false,
        status_message: None,
        canary: None,
    }
}

#[test]
fn a_stage_that_lags_the_editor_names_what_it_serves_open() {
    let (methods, authorizers) = (editor(), vec![pets_pool()]);
    let editor_view = audit::review(&methods, &authorizers);
    // Protected in the console, never deployed: prod still serves POST /purchase open.
    let served = rest_served(
        "d1",
        Some("2026-05-25T18:26:40Z".into()),
        &summary(&[
            ("/pets", "GET", "COGNITO_USER_POOLS", false),
            ("/pets", "OPTIONS", "NONE", false),
            ("/purchase", "POST", "NONE", true),
        ]),
        Some(&rest_export(json!([{"PetsPool": ["pets/read"]}]))),
        (&methods, &authorizers),
    );
    let get = &served.methods[0];
    assert_eq!((get.path.as_str(), get.verb.as_str()), ("/pets", "GET"));
    // The export's scheme is the editor's authorizer of that name: the same id, its scopes.
    assert_eq!(get.authorizer_id.as_deref(), Some("a1"));
    assert_eq!(get.scopes, vec!["pets/read".to_string()]);
    assert_eq!(get.resource_id, methods[0].resource_id);
    assert!(served.methods[2].api_key_required);

    let view = stage_view(
        &stage("prod", Some("d1")),
        Some(&served),
        None,
        &editor_view,
        NOW_MS,
    );
    assert_eq!(view.label, "prod · deployed 3 days ago by deployment d1");
    assert_eq!(
        view.differs_from_editor(),
        vec!["POST /purchase".to_string()]
    );
    let d = &view.differences[0];
    assert!(d.open_on_stage && !d.opens_on_deploy);
    assert_eq!(d.served.as_deref(), Some("Open + API key"));
    assert_eq!(d.text, "editor: Cognito · PetsPool — not deployed");
    assert_eq!(
        view.line.as_deref(),
        Some("prod serves 1 method open that the editor protects — deploy to close them")
    );
    assert!(view.serves_open());
    assert_eq!(view.summary.open_except_options(), 1);
}

#[test]
fn scopes_and_authorizers_only_the_deployment_knows_are_kept() {
    let (methods, authorizers) = (editor(), vec![pets_pool()]);
    let editor_view = audit::review(&methods, &authorizers);
    // prod serves GET /pets with an authorizer since deleted from the editor, other scopes.
    let served = rest_served(
        "d0",
        None,
        &summary(&[
            ("/pets", "GET", "COGNITO_USER_POOLS", false),
            ("/pets", "OPTIONS", "NONE", false),
            ("/purchase", "POST", "COGNITO_USER_POOLS", false),
        ]),
        Some(&rest_export(json!([{"OldPool": ["pets/admin"]}]))),
        (&methods, &authorizers),
    );
    assert_eq!(
        served.methods[0].authorizer_id.as_deref(),
        Some("deployed:OldPool")
    );
    assert_eq!(served.authorizers[0].name, "OldPool");
    // POST /purchase: the export names only an API key, the summary says Cognito: the type is
    // known, its authorizer not, and the type alone is compared.
    assert_eq!(
        served.methods[2].authorization_type,
        AuthType::CognitoUserPools
    );
    assert_eq!(
        served.methods[2].authorizer_id.as_deref(),
        Some("deployed:authorizer not exported")
    );
    let view = stage_view(
        &stage("prod", Some("d0")),
        Some(&served),
        None,
        &editor_view,
        NOW_MS,
    );
    let keys: Vec<_> = view.differences.iter().map(|d| d.key.as_str()).collect();
    assert_eq!(keys, vec!["GET /pets"]);
    assert_eq!(
        view.differences[0].served.as_deref(),
        Some("Cognito · OldPool [pets/admin]")
    );
    assert!(!view.differences[0].open_on_stage);
    assert_eq!(
        view.line.as_deref(),
        Some("prod serves 1 method other than the editor holds")
    );
    // A deployment id without a time reads as just the id.
    assert_eq!(view.label, "prod · deployment d0");
}

#[test]
fn a_stage_that_serves_nothing_yet_and_a_deploy_that_would_open() {
    let mut methods = editor();
    methods[2] = method("/purchase", "POST", "NONE", None, &[]);
    let authorizers = vec![pets_pool()];
    let editor_view = audit::review(&methods, &authorizers);
    let none = stage_view(&stage("beta", None), None, None, &editor_view, NOW_MS);
    assert_eq!(none.label, "beta · not deployed");
    assert!(none.methods.is_empty());
    assert_eq!(none.differences.len(), 3);
    assert!(none.differences.iter().all(|d| d.served.is_none()));
    assert!(
        !none.serves_open(),
        "a stage that serves nothing serves nothing open"
    );
    // prod still protects POST /purchase, which the editor opened: a deploy would open it.
    let served = rest_served(
        "d2",
        Some("2026-05-28T20:26:10Z".into()),
        &summary(&[
            ("/pets", "GET", "COGNITO_USER_POOLS", false),
            ("/pets", "OPTIONS", "NONE", false),
            ("/purchase", "POST", "COGNITO_USER_POOLS", false),
        ]),
        Some(&rest_export(json!([{"PetsPool": ["pets/read"]}]))),
        (&methods, &authorizers),
    );
    let prod = stage_view(
        &stage("prod", Some("d2")),
        Some(&served),
        None,
        &editor_view,
        NOW_MS,
    );
    let d = &prod.differences[0];
    assert_eq!(d.key, "POST /purchase");
    assert!(d.opens_on_deploy && !d.open_on_stage);
    assert_eq!(
        prod.line.as_deref(),
        Some("a deploy to prod would open 1 method")
    );
}

#[test]
fn a_canary_is_judged_on_its_own_deployment() {
    let (methods, authorizers) = (editor(), vec![pets_pool()]);
    let editor_view = audit::review(&methods, &authorizers);
    let rows = [
        ("/pets", "GET", "COGNITO_USER_POOLS", false),
        ("/pets", "OPTIONS", "NONE", false),
        ("/purchase", "POST", "COGNITO_USER_POOLS", false),
    ];
    let export = rest_export_with(
        json!([{"PetsPool": ["pets/read"]}]),
        json!([{"PetsPool": []}]),
    );
    let base_served = rest_served(
        "d3",
        None,
        &summary(&rows),
        Some(&export),
        (&methods, &authorizers),
    );
    // The canary's deployment: known from its apiSummary alone (GetExport exports the base).
    let canary = rest_served(
        "d4",
        None,
        &summary(&[rows[0], rows[1], ("/purchase", "POST", "NONE", false)]),
        None,
        (&methods, &authorizers),
    );
    let mut info = stage("prod", Some("d3"));
    info.canary = Some(CanaryInfo {
        deployment_id: "d4".into(),
        percent: 10.0,
    });
    let view = stage_view(
        &info,
        Some(&base_served),
        Some(&canary),
        &editor_view,
        NOW_MS,
    );
    assert_eq!(view.label, "prod · deployment d3 · canary 10%");
    let c = view.canary.as_ref().unwrap();
    assert_eq!(c.deployment_id, "d4");
    // Without an export the canary's authorizers are known by type: GET /pets does not differ.
    let keys: Vec<_> = c.differences.iter().map(|d| d.key.as_str()).collect();
    assert_eq!(keys, vec!["POST /purchase"]);
    assert!(c.differences[0].open_on_stage);
    assert_eq!(c.methods[0].label, "Cognito · authorizer not exported");
    assert!(view.differences.is_empty());
    assert!(
        view.serves_open(),
        "the canary serves POST /purchase open to 10%"
    );
    assert!(view
        .line
        .as_deref()
        .unwrap()
        .contains("prod canary (10%) serves 1 method open that the editor protects"));

    // Promoting the canary: the base's POST /purchase becomes the canary's (open, said so);
    // GET /pets, known by type only on the canary, does not differ. Deploying the base is refused.
    let promote = deploy::preview("api", &view, DeployTarget::Promote, &methods, &[]);
    let keys: Vec<_> = promote.changes.iter().map(|c| c.text.as_str()).collect();
    assert_eq!(keys, vec!["POST /purchase: Cognito · PetsPool → Open"]);
    assert_eq!(promote.opens, vec!["POST /purchase".to_string()]);
    assert!(promote.not_by_gatehouse.is_empty() && promote.refusal.is_none());
    assert_eq!(
        promote.summary,
        "1 change on prod when its canary is promoted — it opens 1 method to anyone"
    );
    let base = deploy::preview("api", &view, DeployTarget::Stage, &methods, &[]);
    assert!(base
        .refusal
        .unwrap()
        .starts_with("prod has a canary (10% of the traffic"));
    let lone = stage_view(
        &stage("dev", Some("d3")),
        Some(&base_served),
        None,
        &editor_view,
        NOW_MS,
    );
    let none = deploy::preview("api", &lone, DeployTarget::Promote, &methods, &[]);
    assert_eq!(
        none.refusal.as_deref(),
        Some("dev has no canary to promote")
    );

    // The API list names what the internet reaches first: the canary, not the editor.
    let editor_summary = audit::summarize(&methods);
    let count = ListCount::of(&editor_summary, std::slice::from_ref(&view));
    assert_eq!(
        (count.text.as_str(), count.exposed),
        ("prod canary serves 1 open", true)
    );
    let alone = ListCount::of(&editor_summary, &[]);
    assert_eq!(
        (alone.text.as_str(), alone.exposed),
        ("all protected", false)
    );
    // A stage serving no more than the editor holds open: the editor's count.
    let mut opened = methods.clone();
    opened[2].authorization_type = AuthType::None;
    let count = ListCount::of(&audit::summarize(&opened), std::slice::from_ref(&view));
    assert_eq!((count.text.as_str(), count.exposed), ("1 open", false));
}

#[test]
fn an_http_stage_from_its_export_and_a_failed_auto_deploy() {
    let jwt = Authorizer {
        id: "j1".into(),
        name: "ParcelsJwt".into(),
        kind: "JWT".into(),
        provider_arns: vec![],
        identity_source: Some("$request.header.Authorization".into()),
        identity_validation_expression: None,
        ttl_seconds: None,
        authorizer_uri: None,
        issuer: Some("https://cognito-idp.us-east-1.amazonaws.com/us-east-1_P".into()),
        audience: vec!["c1".into()],
    };
    let mut routes = vec![
        method("/parcels", "GET", "JWT", Some("j1"), &["parcels/read"]),
        method("$default", "ANY", "JWT", Some("j1"), &[]),
    ];
    routes[0].route_key = Some("GET /parcels".into());
    routes[1].route_key = Some("$default".into());
    let authorizers = vec![jwt];
    let editor_view = audit::review(&routes, &authorizers);
    let doc = json!({
        "openapi": "3.0.1",
        "paths": {
            "/parcels": {"get": {"security": [{"ParcelsJwt": ["parcels/read"]}]}},
            "/$default": {"x-amazon-apigateway-any-method": {"isDefaultRoute": true}}
        },
        "components": {"securitySchemes": {"ParcelsJwt": {
            "type": "oauth2",
            "x-amazon-apigateway-authorizer": {
                "type": "jwt",
                "identitySource": "$request.header.Authorization",
                "jwtConfiguration": {"issuer": "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_P", "audience": ["c1"]}
            }
        }}}
    });
    let served = http_served("h1", None, &doc, (&routes, &authorizers));
    assert_eq!(served.methods.len(), 2);
    let default = served
        .methods
        .iter()
        .find(|m| m.path == "$default")
        .unwrap();
    assert_eq!(default.key(), "$default");
    assert_eq!(default.route_key.as_deref(), Some("$default"));
    assert!(default.is_open());
    let get = served
        .methods
        .iter()
        .find(|m| m.path == "/parcels")
        .unwrap();
    assert_eq!(get.authorizer_id.as_deref(), Some("j1"));
    assert_eq!(get.authorization_type, AuthType::Jwt);

    let mut info = stage("$default", Some("h1"));
    info.auto_deploy = true;
    info.status_message = Some("Deployment failed: the integration is invalid".into());
    let view = stage_view(&info, Some(&served), None, &editor_view, NOW_MS);
    assert!(view
        .label
        .starts_with("$default · auto-deploy · deployment h1"));
    assert!(view.label.ends_with("last deployment failed"));
    let line = view.line.unwrap();
    assert!(
        line.starts_with("$default serves 1 method open that the editor protects"),
        "{line}"
    );
    assert!(line.contains("last automatic deployment failed (Deployment failed: the integration is invalid): it serves the one before"));
}

#[test]
fn times_read_as_people_say_them() {
    let now = NOW_MS; // 2026-05-28T20:26:40Z
    assert_eq!(
        ago("2026-05-28T20:26:10Z", now).as_deref(),
        Some("just now")
    );
    assert_eq!(
        ago("2026-05-28T20:25:40Z", now).as_deref(),
        Some("1 minute ago")
    );
    assert_eq!(
        ago("2026-05-28T17:26:40Z", now).as_deref(),
        Some("3 hours ago")
    );
    assert_eq!(
        ago("2026-05-27T20:26:40Z", now).as_deref(),
        Some("1 day ago")
    );
    assert_eq!(ago("not a time", now), None);
}
