//! Reading what a stage serves from API Gateway's OpenAPI 3 export of it (GetExport with
//! `extensions=authorizers` for a REST API, ExportApi with a stage name for an HTTP API) and, for a
//! REST deployment, its `apiSummary`.

use super::served::{Served, NOT_EXPORTED};
use crate::domain::model::{method_key, AuthType, Authorizer, Method};
use serde_json::Value;
use std::collections::BTreeMap;

/// A REST deployment's `apiSummary`: path → verb → (authorizationType, apiKeyRequired).
pub type ApiSummary = BTreeMap<String, BTreeMap<String, (String, bool)>>;

/// One security scheme of an export, as API Gateway writes it.
#[derive(Debug, Clone, PartialEq)]
enum Scheme {
    Cognito {
        provider_arns: Vec<String>,
    },
    Lambda {
        kind: String,
    },
    Jwt {
        issuer: Option<String>,
        audience: Vec<String>,
    },
    Iam,
    ApiKey,
    Unknown,
}

fn scheme_of(v: &Value) -> Scheme {
    let auth_type = v["x-amazon-apigateway-authtype"]
        .as_str()
        .unwrap_or_default()
        .to_ascii_lowercase();
    let authorizer = &v["x-amazon-apigateway-authorizer"];
    let kind = authorizer["type"]
        .as_str()
        .unwrap_or_default()
        .to_ascii_lowercase();
    let strings = |v: &Value| -> Vec<String> {
        v.as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|s| s.as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default()
    };
    if auth_type == "cognito_user_pools" || kind == "cognito_user_pools" {
        Scheme::Cognito {
            provider_arns: strings(&authorizer["providerARNs"]),
        }
    } else if kind == "jwt" {
        let cfg = &authorizer["jwtConfiguration"];
        Scheme::Jwt {
            issuer: cfg["issuer"].as_str().map(String::from),
            audience: strings(&cfg["audience"]),
        }
    } else if kind == "token" || kind == "request" {
        Scheme::Lambda {
            kind: kind.to_uppercase(),
        }
    } else if auth_type == "awssigv4" || auth_type == "sigv4" {
        Scheme::Iam
    } else if v["type"] == "apiKey" && v["in"] == "header" && v["name"] == "x-api-key" {
        Scheme::ApiKey
    } else {
        Scheme::Unknown
    }
}

/// An operation as the export serves it: the security requirements, scheme name → scopes.
type Security = Vec<(String, Vec<String>)>;

const VERBS: [(&str, &str); 8] = [
    ("get", "GET"),
    ("put", "PUT"),
    ("post", "POST"),
    ("delete", "DELETE"),
    ("patch", "PATCH"),
    ("head", "HEAD"),
    ("options", "OPTIONS"),
    ("x-amazon-apigateway-any-method", "ANY"),
];

/// Every operation of an export: "GET /pets" → (path, verb, its security requirements).
fn operations(doc: &Value) -> BTreeMap<String, (String, String, Security)> {
    let top = security_of(&doc["security"]);
    let mut out = BTreeMap::new();
    for (path, item) in doc["paths"].as_object().into_iter().flatten() {
        for (field, verb) in VERBS {
            let Some(op) = item.get(field) else { continue };
            let security = match op.get("security") {
                Some(s) => security_of(s),
                None => top.clone(),
            };
            // An HTTP API's `$default` route exports as the path "/$default", marked as such.
            let path = match op["isDefaultRoute"] == true || path == "/$default" {
                true => "$default".to_string(),
                false => path.clone(),
            };
            out.insert(method_key(verb, &path), (path, verb.to_string(), security));
        }
    }
    out
}

fn security_of(v: &Value) -> Security {
    v.as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_object)
        .flat_map(|req| {
            req.iter().map(|(name, scopes)| {
                let scopes = scopes
                    .as_array()
                    .map(|a| {
                        a.iter()
                            .filter_map(|s| s.as_str().map(String::from))
                            .collect()
                    })
                    .unwrap_or_default();
                (name.clone(), scopes)
            })
        })
        .collect()
}

fn schemes(doc: &Value) -> BTreeMap<String, Scheme> {
    let mut out = BTreeMap::new();
    // OpenAPI 3 keeps them under components; a Swagger 2 export under securityDefinitions.
    for place in [
        &doc["components"]["securitySchemes"],
        &doc["securityDefinitions"],
    ] {
        for (name, v) in place.as_object().into_iter().flatten() {
            out.insert(name.clone(), scheme_of(v));
        }
    }
    out
}

/// The authorizer a scheme stands for: the editor's of that name (its id then matches the
/// editor's), else one known only from the export.
fn authorizer_for(name: &str, scheme: &Scheme, editor: &[Authorizer]) -> Authorizer {
    // The editor's authorizer of that name, so rows line up by id; what the deployment holds
    // of it (pools, issuer, audience) wins, since that is what is served.
    if let Some(a) = editor.iter().find(|a| a.name == name) {
        let mut a = a.clone();
        match scheme {
            Scheme::Cognito { provider_arns } if !provider_arns.is_empty() => {
                a.provider_arns = provider_arns.clone()
            }
            Scheme::Jwt { issuer, audience } => {
                a.issuer = issuer.clone().or(a.issuer);
                if !audience.is_empty() {
                    a.audience = audience.clone();
                }
            }
            _ => {}
        }
        return a;
    }
    let (kind, provider_arns, issuer, audience) = match scheme {
        Scheme::Cognito { provider_arns } => {
            ("COGNITO_USER_POOLS", provider_arns.clone(), None, vec![])
        }
        Scheme::Jwt { issuer, audience } => ("JWT", vec![], issuer.clone(), audience.clone()),
        Scheme::Lambda { kind } => (kind.as_str(), vec![], None, vec![]),
        _ => ("UNKNOWN", vec![], None, vec![]),
    };
    Authorizer {
        id: format!("deployed:{name}"),
        name: name.to_string(),
        kind: kind.to_string(),
        provider_arns,
        identity_source: None,
        identity_validation_expression: None,
        ttl_seconds: None,
        authorizer_uri: None,
        issuer,
        audience,
    }
}

/// What one operation's security means: its type, authorizer (scheme name), scopes, API key.
fn protection_of(
    security: &Security,
    schemes: &BTreeMap<String, Scheme>,
) -> (AuthType, Option<String>, Vec<String>, bool) {
    let mut out = (AuthType::None, None, vec![], false);
    for (name, scopes) in security {
        match schemes.get(name).unwrap_or(&Scheme::Unknown) {
            Scheme::ApiKey => out.3 = true,
            Scheme::Iam => out.0 = AuthType::AwsIam,
            Scheme::Cognito { .. } => {
                out = (
                    AuthType::CognitoUserPools,
                    Some(name.clone()),
                    scopes.clone(),
                    out.3,
                )
            }
            Scheme::Jwt { .. } => out = (AuthType::Jwt, Some(name.clone()), scopes.clone(), out.3),
            Scheme::Lambda { .. } => out = (AuthType::Custom, Some(name.clone()), vec![], out.3),
            Scheme::Unknown => {}
        }
    }
    out
}

/// Fills the ids of what the editor also has (resource or route ids), so rows line up.
fn resource_id(editor: &[Method], key: &str) -> String {
    editor
        .iter()
        .find(|m| m.key() == key)
        .map(|m| m.resource_id.clone())
        .unwrap_or_default()
}

/// Names the authorizer a method uses by id, collecting each named one once.
fn with_authorizer(
    name: Option<String>,
    schemes: &BTreeMap<String, Scheme>,
    editor_authorizers: &[Authorizer],
    used: &mut BTreeMap<String, Authorizer>,
) -> Option<String> {
    let name = name?;
    let scheme = schemes.get(&name).unwrap_or(&Scheme::Unknown);
    let a = used
        .entry(name.clone())
        .or_insert_with(|| authorizer_for(&name, scheme, editor_authorizers));
    Some(a.id.clone())
}

/// A REST deployment from its `apiSummary` (authorization type and API key of every method, for
/// any deployment) and, when the stage's export could be read, the authorizers and scopes from
/// it. Without an export an authorizer is known only by its type.
pub fn rest_served(
    deployment_id: &str,
    created_at: Option<String>,
    summary: &ApiSummary,
    export: Option<&Value>,
    editor: (&[Method], &[Authorizer]),
) -> Served {
    let empty = Value::Null;
    let doc = export.unwrap_or(&empty);
    let (ops, schemes) = (operations(doc), schemes(doc));
    let mut used = BTreeMap::new();
    let mut methods = Vec::new();
    for (path, verbs) in summary {
        for (verb, (auth, api_key)) in verbs {
            let key = method_key(verb, path);
            let auth_type = AuthType::parse(auth);
            let (authorizer, scopes) = match ops.get(&key) {
                Some((_, _, security)) if export.is_some() => {
                    let (_, name, scopes, _) = protection_of(security, &schemes);
                    let scopes = if auth_type.takes_scopes() {
                        scopes
                    } else {
                        vec![]
                    };
                    (name.filter(|_| auth_type.uses_authorizer()), scopes)
                }
                _ => (None, vec![]),
            };
            // A canary's deployment has no export of its own: its authorizer is known by type only.
            let authorizer = match authorizer {
                None if auth_type.uses_authorizer() => Some(NOT_EXPORTED.to_string()),
                named => named,
            };
            methods.push(Method {
                resource_id: resource_id(editor.0, &key),
                path: path.clone(),
                verb: verb.to_uppercase(),
                authorizer_id: with_authorizer(authorizer, &schemes, editor.1, &mut used),
                authorization_type: auth_type,
                scopes,
                api_key_required: *api_key,
                route_key: None,
            });
        }
    }
    served(deployment_id, created_at, methods, used)
}

/// An HTTP API stage from ExportApi's document of it: every route with its authorizer and scopes.
pub fn http_served(
    deployment_id: &str,
    created_at: Option<String>,
    doc: &Value,
    editor: (&[Method], &[Authorizer]),
) -> Served {
    let schemes = schemes(doc);
    let mut used = BTreeMap::new();
    let mut methods = Vec::new();
    for (key, (path, verb, security)) in operations(doc) {
        let (auth_type, name, scopes, _) = protection_of(&security, &schemes);
        let route_key = match path.starts_with('$') {
            true => path.clone(),
            false => format!("{verb} {path}"),
        };
        methods.push(Method {
            resource_id: resource_id(editor.0, &key),
            path,
            verb,
            authorizer_id: with_authorizer(name, &schemes, editor.1, &mut used),
            authorization_type: auth_type,
            scopes,
            api_key_required: false,
            route_key: Some(route_key),
        });
    }
    served(deployment_id, created_at, methods, used)
}

fn served(
    deployment_id: &str,
    created_at: Option<String>,
    mut methods: Vec<Method>,
    used: BTreeMap<String, Authorizer>,
) -> Served {
    methods.sort_by(|a, b| a.path.cmp(&b.path).then(a.verb.cmp(&b.verb)));
    Served {
        deployment_id: deployment_id.to_string(),
        created_at,
        methods,
        authorizers: used.into_values().collect(),
    }
}
