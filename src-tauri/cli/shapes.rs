//! The JSON shapes `audit` and the sweep share: a method, and a stage with what it serves.

use crate::domain::audit::{self, MethodView, Show};
use crate::domain::live::StageView;
use crate::domain::model::Protection;
use serde_json::json;

pub(super) fn methods_json(
    methods: &[MethodView],
    show: Show,
    path: &str,
) -> Vec<serde_json::Value> {
    audit::filter(methods, show, path)
        .into_iter()
        .map(method_json)
        .collect()
}

/// A stage as `audit --json` gives it: what it serves, in the shape of the editor's methods.
pub(super) fn stage_json(s: &StageView, show: Show, path: &str) -> serde_json::Value {
    json!({
        "name": s.name,
        "deploymentId": s.deployment_id,
        "deployedAt": s.deployed_at,
        "autoDeploy": s.auto_deploy,
        "statusMessage": s.status_message,
        "canary": s.canary.as_ref().map(|c| json!({
            "percent": c.percent,
            "deploymentId": c.deployment_id,
            "methods": methods_json(&c.methods, show, path),
            "differsFromEditor": c.differences.iter().map(|d| &d.key).collect::<Vec<_>>(),
            "summary": c.summary,
        })),
        "methods": methods_json(&s.methods, show, path),
        "differsFromEditor": s.differences.iter().map(|d| &d.key).collect::<Vec<_>>(),
        "differences": s.differences,
        "summary": s.summary,
        "line": s.line,
    })
}

pub(super) fn method_json(v: &MethodView) -> serde_json::Value {
    let scopes = match &v.protection {
        Protection::Cognito { scopes, .. } | Protection::Jwt { scopes, .. } => scopes.clone(),
        _ => Vec::new(),
    };
    let mut m = json!({
        "path": v.method.path,
        "verb": v.method.verb,
        "authorizationType": v.method.authorization_type,
        "authorizerId": v.method.authorizer_id,
        "authorizerName": v.authorizer_name,
        "scopes": scopes,
        "apiKeyRequired": v.method.api_key_required,
        "open": v.method.is_open(),
    });
    if let Some(key) = &v.method.route_key {
        m["routeKey"] = json!(key);
    }
    m
}
