//! HTTP APIs' pure rules: route keys as method keys, a JWT authorizer's input checked and matched
//! for reuse, a plan that protects routes with type JWT (and undoes `$default`), the JWT badge, and
//! the token verdict of a JWT authorizer.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use gatehouse_core::domain::audit;
use gatehouse_core::domain::claims::{decode, Signature};
use gatehouse_core::domain::model::{
    method_key, pool_issuer, ApiKind, Authorizer, Method, MethodState, PoolRef,
};
use gatehouse_core::domain::plan::{self, AuthorizerInput, Target};
use gatehouse_core::domain::undo_plan::{self, UndoEntry};
use gatehouse_core::domain::verdict::{judge, Verdict};
use serde_json::json;

const ARN: &str = "arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_Pets";
const NOW: i64 = 1_800_000_000;

fn route(key: &str, kind: &str, authorizer: Option<&str>, scopes: &[&str]) -> Method {
    let (path, verb) = Method::path_and_verb(key);
    Method {
        resource_id: format!("r-{key}"),
        path,
        verb,
        authorization_type: kind.into(),
        authorizer_id: authorizer.map(str::to_string),
        scopes: scopes.iter().map(|s| s.to_string()).collect(),
        api_key_required: false,
        route_key: Some(key.into()),
    }
}

fn jwt_authorizer(id: &str, audience: &[&str]) -> Authorizer {
    Authorizer {
        id: id.into(),
        name: "PetsPool".into(),
        kind: "JWT".into(),
        provider_arns: vec![],
        identity_source: Some("$request.header.Authorization".into()),
        identity_validation_expression: None,
        ttl_seconds: None,
        authorizer_uri: None,
        issuer: Some(pool_issuer("eu-west-1", "eu-west-1_Pets")),
        audience: audience.iter().map(|s| s.to_string()).collect(),
    }
}

fn http_input(audience: &[&str]) -> AuthorizerInput {
    AuthorizerInput {
        name: "PetsPool".into(),
        audience: audience.iter().map(|s| s.to_string()).collect(),
        ..plan::authorizer_defaults(ApiKind::Http)
    }
}

#[test]
fn route_keys_are_method_keys_and_default_is_its_own() {
    assert_eq!(
        Method::path_and_verb("GET /parcels"),
        ("/parcels".into(), "GET".into())
    );
    assert_eq!(
        Method::path_and_verb("$default"),
        ("$default".into(), "ANY".into())
    );
    assert_eq!(route("$default", "NONE", None, &[]).key(), "$default");
    assert_eq!(
        route("ANY /{proxy+}", "NONE", None, &[]).key(),
        "ANY /{proxy+}"
    );
    assert_eq!(method_key("ANY", "$default"), "$default");
    assert_eq!(plan::normalize_key(" $default "), "$default");
}

#[test]
fn a_jwt_authorizer_needs_an_audience_and_a_request_token_source() {
    assert!(plan::validate_authorizer(&http_input(&["web"])).is_empty());
    assert_eq!(
        plan::authorizer_defaults(ApiKind::Http).identity_source,
        "$request.header.Authorization"
    );
    let fields = |i: &AuthorizerInput| -> Vec<String> {
        plan::validate_authorizer(i)
            .iter()
            .map(|e| {
                serde_json::to_value(e).unwrap()["field"]
                    .as_str()
                    .unwrap()
                    .to_string()
            })
            .collect()
    };
    assert_eq!(fields(&http_input(&[])), ["audience"]);
    let mut rest_style = http_input(&["web"]);
    rest_style.identity_source = "method.request.header.Authorization".into();
    assert_eq!(fields(&rest_style), ["identitySource"]);
    let mut query = http_input(&["web"]);
    query.identity_source = "$request.querystring.token".into();
    assert!(fields(&query).is_empty());
}

#[test]
fn a_jwt_authorizer_is_reused_only_for_the_same_issuer_audience_and_source() {
    let a = jwt_authorizer("j1", &["web", "mobile"]);
    assert!(plan::matches_authorizer(
        &a,
        ARN,
        &http_input(&["mobile", "web"])
    ));
    assert!(!plan::matches_authorizer(&a, ARN, &http_input(&["web"])));
    let other_pool = "arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_Pets";
    assert!(!plan::matches_authorizer(
        &a,
        other_pool,
        &http_input(&["web", "mobile"])
    ));
    let mut query = http_input(&["web", "mobile"]);
    query.identity_source = "$request.querystring.token".into();
    assert!(!plan::matches_authorizer(&a, ARN, &query));
}

#[test]
fn a_plan_protects_routes_with_type_jwt_and_an_undo_finds_default_again() {
    let routes = vec![
        route("$default", "NONE", None, &[]),
        route("GET /parcels", "NONE", None, &[]),
        route("OPTIONS /parcels", "NONE", None, &[]),
    ];
    let authorizers = vec![jwt_authorizer("j1", &["web"])];
    let target = Target::Protect {
        authorizer_id: "j1".into(),
        scopes: vec!["pets/read".into()],
    };
    let keys = vec!["$default".to_string(), "GET /parcels".to_string()];
    let p = plan::plan(&routes, &authorizers, &keys, &target).unwrap();
    assert_eq!(p.keys(), keys);
    // The page names each item by the key Rust gives it, `$default` by itself.
    let sent: Vec<&str> = p.items.iter().map(|i| i.key.as_str()).collect();
    assert_eq!(sent, ["$default", "GET /parcels"]);
    assert_eq!(p.apply_label, "Apply to 2 methods");
    for item in &p.items {
        assert_eq!(item.after.authorization_type.as_str(), "JWT");
        assert_eq!(item.after.authorizer_id.as_deref(), Some("j1"));
        assert_eq!(item.after_text, "JWT · PetsPool [pets/read]");
    }
    // After the apply, the undo's entries carry the same keys.
    let applied: Vec<Method> = routes
        .iter()
        .map(|r| match r.key().as_str() {
            "$default" | "GET /parcels" => route(&r.key(), "JWT", Some("j1"), &["pets/read"]),
            _ => r.clone(),
        })
        .collect();
    let entries: Vec<UndoEntry> = p
        .items
        .iter()
        .map(|i| UndoEntry {
            key: i.key(),
            before: i.before.clone(),
            planned: i.after.clone(),
        })
        .collect();
    let undo = undo_plan::plan_undo(&applied, &entries, false);
    assert!(undo.skipped.is_empty(), "{:?}", undo.skipped);
    assert_eq!(undo.items[0].key, "$default");
    assert_eq!(undo.apply_label, "Undo 2 methods");
    assert!(undo.items.iter().all(|i| i.after == MethodState::open()));
    // A Lambda (REQUEST) authorizer cannot be the target.
    let mut lambda = jwt_authorizer("l1", &[]);
    lambda.kind = "REQUEST".into();
    let refused = plan::plan(
        &routes,
        &[lambda],
        &keys,
        &Target::Protect {
            authorizer_id: "l1".into(),
            scopes: vec![],
        },
    );
    assert!(refused
        .unwrap_err()
        .to_string()
        .contains("not a Cognito user pool or JWT authorizer"));
}

#[test]
fn a_jwt_route_reads_as_its_badge() {
    let views = audit::review(
        &[route("GET /parcels", "JWT", Some("j1"), &["pets/read"])],
        &[jwt_authorizer("j1", &["web"])],
    );
    assert_eq!(views[0].badge, "JWT · PetsPool");
    assert_eq!(views[0].label, "JWT · PetsPool [pets/read]");
    assert_eq!(views[0].authorizer_name.as_deref(), Some("PetsPool"));
    assert_eq!(views[0].key, "GET /parcels");
    // The page names methods by this key: `$default` by itself, a proxy route by verb and path.
    let keys: Vec<String> = audit::review(
        &[
            route("$default", "NONE", None, &[]),
            route("ANY /{proxy+}", "NONE", None, &[]),
        ],
        &[],
    )
    .into_iter()
    .map(|v| v.key)
    .collect();
    assert_eq!(keys, ["$default", "ANY /{proxy+}"]);
}

#[test]
fn a_pools_issuer_is_exact_and_reads_back_and_other_issuers_are_no_pool() {
    let issuer = pool_issuer("eu-west-1", "eu-west-1_AbC");
    assert_eq!(
        issuer,
        "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC"
    );
    let pool = PoolRef::of_issuer(&issuer).unwrap();
    assert_eq!(
        (pool.region.as_str(), pool.pool_id.as_str()),
        ("eu-west-1", "eu-west-1_AbC")
    );
    assert_eq!(
        PoolRef::of_issuer(&format!("{issuer}/")),
        None,
        "a trailing slash is another issuer"
    );
    assert_eq!(PoolRef::of_issuer("https://login.example.com/"), None);
    assert_eq!(
        PoolRef::of_arn("arn:aws:lambda:eu-west-1:123456789012:function:f"),
        None
    );
}

#[test]
fn a_jwt_authorizer_trusts_the_pool_its_issuer_names_and_shows_it() {
    let cognito = jwt_authorizer("j1", &["web"]);
    let mut other = jwt_authorizer("j2", &["web"]);
    other.issuer = Some("https://login.example.com/".into());
    let views = audit::authorizer_views(&[], &[cognito, other]);
    let pool = views[0]
        .pool
        .as_ref()
        .expect("a Cognito issuer names its pool");
    assert_eq!(
        (pool.region.as_str(), pool.pool_id.as_str()),
        ("eu-west-1", "eu-west-1_Pets")
    );
    assert_eq!(views[0].trusts, ["eu-west-1 · eu-west-1_Pets"]);
    assert_eq!(views[0].kind_text, "JWT");
    // Another issuer is no pool, and reads whole.
    assert_eq!(views[1].pool, None);
    assert_eq!(views[1].trusts, ["https://login.example.com/"]);
}

#[test]
fn a_websocket_api_says_why_it_is_not_reviewed() {
    let why = ApiKind::Websocket.not_reviewed("Chat").unwrap();
    assert!(why.starts_with("Chat is a WebSocket API: "), "{why}");
    assert!(
        why.ends_with("Gatehouse reviews REST and HTTP APIs."),
        "{why}"
    );
    assert_eq!(ApiKind::Http.not_reviewed("Parcels"), None);
    assert_eq!(ApiKind::Rest.not_reviewed("SecurePets"), None);
}

fn jwt(claims: serde_json::Value) -> String {
    let part = |v: serde_json::Value| URL_SAFE_NO_PAD.encode(serde_json::to_vec(&v).unwrap());
    format!(
        "{}.{}.c2ln",
        part(json!({"alg": "RS256", "kid": "k"})),
        part(claims)
    )
}

#[test]
fn a_jwt_authorizer_takes_id_and_access_tokens_of_its_audience() {
    let iss = pool_issuer("eu-west-1", "eu-west-1_Pets");
    let routes = vec![
        route("GET /parcels", "JWT", Some("j1"), &[]),
        route("POST /parcels", "JWT", Some("j1"), &["pets/read"]),
    ];
    let authorizers = vec![jwt_authorizer("j1", &["web"])];
    let verdicts = |claims: serde_json::Value| -> Vec<(Verdict, String)> {
        judge(
            &decode(&jwt(claims)).unwrap(),
            Signature::Valid,
            NOW,
            &routes,
            &authorizers,
        )
        .into_iter()
        .map(|v| (v.verdict, v.reason))
        .collect()
    };
    let id = verdicts(json!({"iss": iss, "token_use": "id", "aud": "web", "exp": NOW + 60}));
    assert_eq!(
        id[0],
        (
            Verdict::Allow,
            "ID token accepted by JWT authorizer PetsPool".into()
        )
    );
    assert_eq!(id[1].0, Verdict::Deny, "a scoped route needs the scope");
    let access = verdicts(
        json!({"iss": iss, "token_use": "access", "client_id": "web",
        "scope": "pets/read", "exp": NOW + 60}),
    );
    assert_eq!(access[0].0, Verdict::Allow);
    assert_eq!(access[1].0, Verdict::Allow);
    let other_client =
        verdicts(json!({"iss": iss, "token_use": "id", "aud": "mobile", "exp": NOW + 60}));
    assert!(other_client[0]
        .1
        .contains("not in JWT authorizer PetsPool's audience (web)"));
    let slash = verdicts(
        json!({"iss": format!("{iss}/"), "token_use": "id", "aud": "web", "exp": NOW + 60}),
    );
    assert_eq!(slash[0].0, Verdict::Deny, "the issuer must match exactly");
    let expired = verdicts(json!({"iss": iss, "token_use": "id", "aud": "web", "exp": NOW - 60}));
    assert_eq!(
        expired[0],
        (Verdict::Deny, "The token expired 1 min ago".into())
    );
}
