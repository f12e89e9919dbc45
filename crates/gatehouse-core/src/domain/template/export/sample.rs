//! Test data: SecurePets (a REST API) and Parcels (an HTTP API) as an export receives them, for
//! every test of an export to share.

use crate::domain::model::{pool_issuer, Api, ApiKind, AuthType, Authorizer, Method};
use crate::domain::template::spec::ExportInput;

pub const POOL_ARN: &str = "arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_AbCdEf";

fn api(id: &str, name: &str, kind: ApiKind) -> Api {
    Api {
        id: id.into(),
        name: name.into(),
        description: None,
        kind,
        managed_by: None,
        not_reviewed: None,
    }
}

fn method(
    resource_id: &str,
    verb: &str,
    path: &str,
    auth: &str,
    authorizer: Option<&str>,
) -> Method {
    Method {
        resource_id: resource_id.into(),
        path: path.into(),
        verb: verb.into(),
        authorization_type: AuthType::parse(auth),
        authorizer_id: authorizer.map(String::from),
        scopes: vec![],
        api_key_required: false,
        route_key: None,
    }
}

/// SecurePets (REST, a1b2c3, eu-west-1, stage prod): GET /pets behind the Cognito authorizer
/// PetsPool, PURCHASE /pets open, POST /purchase behind PetsPool with a scope, OPTIONS /pets open.
pub fn sample_rest() -> ExportInput {
    let mut purchase = method(
        "pur4se",
        "POST",
        "/purchase",
        "COGNITO_USER_POOLS",
        Some("auth1"),
    );
    purchase.scopes = vec!["pets/purchase".into()];
    ExportInput {
        api: api("a1b2c3", "SecurePets", ApiKind::Rest),
        region: "eu-west-1".into(),
        methods: vec![
            method(
                "p3ts00",
                "GET",
                "/pets",
                "COGNITO_USER_POOLS",
                Some("auth1"),
            ),
            method("p3ts00", "PURCHASE", "/pets", "NONE", None),
            purchase,
            method("p3ts00", "OPTIONS", "/pets", "NONE", None),
        ],
        authorizers: vec![Authorizer {
            id: "auth1".into(),
            name: "PetsPool".into(),
            kind: "COGNITO_USER_POOLS".into(),
            provider_arns: vec![POOL_ARN.into()],
            identity_source: Some("method.request.header.Authorization".into()),
            identity_validation_expression: None,
            ttl_seconds: Some(300),
            authorizer_uri: None,
            issuer: None,
            audience: vec![],
        }],
        stage: Some("prod".into()),
    }
}

/// Parcels (HTTP, h77p4r, eu-west-1): GET /parcels behind the JWT authorizer ParcelsJwt (the
/// pool's issuer, one app client) with a scope, POST /parcels open, and an open $default route.
pub fn sample_http() -> ExportInput {
    let route = |id: &str, key: &str, auth: &str, authorizer: Option<&str>| {
        let (path, verb) = Method::path_and_verb(key);
        let mut m = method(id, &verb, &path, auth, authorizer);
        m.route_key = Some(key.into());
        m
    };
    let mut get = route("rget01", "GET /parcels", "JWT", Some("jwt1"));
    get.scopes = vec!["parcels/read".into()];
    ExportInput {
        api: api("h77p4r", "Parcels", ApiKind::Http),
        region: "eu-west-1".into(),
        methods: vec![
            get,
            route("rpost1", "POST /parcels", "NONE", None),
            route("rdef01", "$default", "NONE", None),
        ],
        authorizers: vec![Authorizer {
            id: "jwt1".into(),
            name: "ParcelsJwt".into(),
            kind: "JWT".into(),
            provider_arns: vec![],
            identity_source: Some("$request.header.Authorization".into()),
            identity_validation_expression: None,
            ttl_seconds: None,
            authorizer_uri: None,
            issuer: Some(pool_issuer("eu-west-1", "eu-west-1_AbCdEf")),
            audience: vec!["4pp3l13nt1d".into()],
        }],
        stage: None,
    }
}

/// The lines of the YAML resource (or any key two spaces deep) `logical`, up to the next one.
pub fn block<'t>(text: &'t str, logical: &str) -> &'t str {
    let head = format!("\n  {logical}:\n");
    let start = text
        .find(&head)
        .unwrap_or_else(|| panic!("{logical} missing in\n{text}"))
        + 1;
    let rest = &text[start..];
    let mut end = 0;
    for (i, line) in rest.split_inclusive('\n').enumerate() {
        if i > 0 && !line.starts_with("   ") {
            break;
        }
        end += line.len();
    }
    &rest[..end]
}
