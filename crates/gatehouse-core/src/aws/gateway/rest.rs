//! REST APIs (API Gateway v1): their listing, methods (one GetResources pass), authorizers,
//! stages and deployments. mod.rs sends an API here once it knows it is a REST API.

use crate::aws::failure::{call_failure, pace_write, CallFailure};
use crate::aws::session::Session;
use crate::domain::model::Stage;
use crate::domain::model::{ApiKind, Authorizer, AuthorizerInput, Method, MethodState, RestApi};
use crate::error::Result;
use crate::local::pacer::Call;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// An authorizer from any SDK shape that has an authorizer's accessors (the `Authorizer` type,
/// `CreateAuthorizerOutput`): they are distinct types with the same fields.
macro_rules! authorizer_from {
    ($a:expr) => {{
        let a = &$a;
        Authorizer {
            id: a.id().unwrap_or_default().to_string(),
            name: a.name().unwrap_or_default().to_string(),
            kind: a
                .r#type()
                .map(|t| t.as_str().to_string())
                .unwrap_or_default(),
            provider_arns: a.provider_arns().to_vec(),
            identity_source: a.identity_source().map(str::to_string),
            identity_validation_expression: a.identity_validation_expression().map(str::to_string),
            ttl_seconds: a.authorizer_result_ttl_in_seconds(),
            authorizer_uri: a.authorizer_uri().map(str::to_string),
            issuer: None,
            audience: vec![],
        }
    }};
}

/// One JSON Patch operation of UpdateMethod: REST API paths stay in this adapter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PatchOp {
    pub op: String,
    pub path: String,
    pub value: Option<String>,
}

impl PatchOp {
    fn new(op: &str, path: &str, value: Option<&str>) -> PatchOp {
        PatchOp {
            op: op.into(),
            path: path.into(),
            value: value.map(str::to_string),
        }
    }
}

/// The operations that take a method from `before` to `after`. Scopes are removed before the
/// type changes (AWS drops them with a Cognito type) and added after the authorizer is set.
pub fn patch_ops(before: &MethodState, after: &MethodState) -> Vec<PatchOp> {
    if before.same_as(after) {
        return vec![];
    }
    let mut ops = Vec::new();
    let keep: BTreeSet<&String> = if after.authorization_type == "COGNITO_USER_POOLS" {
        after.scopes.iter().collect()
    } else {
        BTreeSet::new()
    };
    for s in &before.scopes {
        if !keep.contains(s) {
            ops.push(PatchOp::new("remove", "/authorizationScopes", Some(s)));
        }
    }
    if before.authorization_type != after.authorization_type {
        ops.push(PatchOp::new(
            "replace",
            "/authorizationType",
            Some(&after.authorization_type),
        ));
    }
    if after.uses_authorizer() && before.authorizer_id != after.authorizer_id {
        ops.push(PatchOp::new(
            "replace",
            "/authorizerId",
            after.authorizer_id.as_deref(),
        ));
    }
    if after.authorization_type == "COGNITO_USER_POOLS" {
        let had: BTreeSet<&String> = before.scopes.iter().collect();
        for s in &after.scopes {
            if !had.contains(s) {
                ops.push(PatchOp::new("add", "/authorizationScopes", Some(s)));
            }
        }
    }
    ops
}

/// A REST API as Gatehouse lists it, from either SDK shape with a REST API's accessors
/// (`RestApi` of a listing, `GetRestApiOutput`).
macro_rules! rest_api {
    ($a:expr) => {{
        let a = &$a;
        RestApi {
            id: a.id().unwrap_or_default().to_string(),
            name: a.name().unwrap_or_default().to_string(),
            description: a.description().map(str::to_string),
            kind: ApiKind::Rest,
            managed_by: a.tags().and_then(crate::domain::ownership::managed_by),
        }
    }};
}

/// `GetResources` and `GetRestApis` accept up to 500 per page.
const PAGE: i32 = 500;

pub(super) async fn list_apis(session: &Session) -> Result<Vec<RestApi>> {
    let mut apis = Vec::new();
    let mut position: Option<String> = None;
    loop {
        session.pace(Call::Any).await?;
        let page = session
            .gateway
            .get_rest_apis()
            .limit(PAGE)
            .set_position(position.take())
            .send()
            .await
            .map_err(|e| session.map_err(e))?;
        apis.extend(page.items().iter().map(|a| rest_api!(a)));
        match next_position(page.position(), page.items().is_empty()) {
            Some(p) => position = Some(p),
            None => break,
        }
    }
    Ok(apis)
}

/// The next page's position: none after the last page (no position, or an empty page).
fn next_position(position: Option<&str>, empty: bool) -> Option<String> {
    position
        .filter(|p| !p.is_empty() && !empty)
        .map(str::to_string)
}

/// One REST API as the listing shows it (name, owner), by id: GetRestApi.
pub(super) async fn api(session: &Session, api_id: &str) -> Result<RestApi> {
    session.pace(Call::Any).await?;
    let a = session
        .gateway
        .get_rest_api()
        .rest_api_id(api_id)
        .send()
        .await
        .map_err(|e| session.map_err(e))?;
    Ok(rest_api!(a))
}

/// Every method of the API, from `GetResources` with `embed=methods`: one call per 500 resources.
pub(super) async fn list_methods(session: &Session, api_id: &str) -> Result<Vec<Method>> {
    let mut methods = Vec::new();
    let mut position: Option<String> = None;
    loop {
        session.pace(Call::GetResources).await?;
        let page = session
            .gateway
            .get_resources()
            .rest_api_id(api_id)
            .embed("methods")
            .limit(PAGE)
            .set_position(position.take())
            .send()
            .await
            .map_err(|e| session.map_err(e))?;
        for resource in page.items() {
            let path = resource.path().unwrap_or("/").to_string();
            let resource_id = resource.id().unwrap_or_default().to_string();
            for (verb, m) in resource.resource_methods().into_iter().flatten() {
                methods.push(Method {
                    resource_id: resource_id.clone(),
                    path: path.clone(),
                    verb: m.http_method().unwrap_or(verb).to_string(),
                    authorization_type: m.authorization_type().unwrap_or("NONE").to_string(),
                    authorizer_id: m.authorizer_id().map(str::to_string),
                    scopes: m.authorization_scopes().to_vec(),
                    api_key_required: m.api_key_required().unwrap_or(false),
                    route_key: None,
                });
            }
        }
        match next_position(page.position(), page.items().is_empty()) {
            Some(p) => position = Some(p),
            None => break,
        }
    }
    Ok(methods)
}

pub(super) async fn list_authorizers(session: &Session, api_id: &str) -> Result<Vec<Authorizer>> {
    let mut authorizers = Vec::new();
    let mut position: Option<String> = None;
    loop {
        session.pace(Call::Any).await?;
        let page = session
            .gateway
            .get_authorizers()
            .rest_api_id(api_id)
            .limit(PAGE)
            .set_position(position.take())
            .send()
            .await
            .map_err(|e| session.map_err(e))?;
        authorizers.extend(page.items().iter().map(authorizer_from_sdk));
        match next_position(page.position(), page.items().is_empty()) {
            Some(p) => position = Some(p),
            None => break,
        }
    }
    authorizers.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(authorizers)
}

pub(crate) fn authorizer_from_sdk(a: &aws_sdk_apigateway::types::Authorizer) -> Authorizer {
    authorizer_from!(a)
}

/// The SDK's own retries are off for writes: Gatehouse paces and retries them itself, so that it
/// can count, journal, and look before sending again after an ambiguous failure.
fn no_retries() -> aws_sdk_apigateway::config::Builder {
    aws_sdk_apigateway::config::Builder::default()
        .retry_config(aws_config::retry::RetryConfig::disabled())
}

/// One UpdateMethod (UpdateRoute on an HTTP API, where `resource_id` is the route's id) taking a
/// method from `from` to `to`; AWS's answer: the method's state after it.
pub(super) async fn update_method(
    session: &Session,
    api_id: &str,
    resource_id: &str,
    verb: &str,
    from: &MethodState,
    to: &MethodState,
) -> std::result::Result<MethodState, CallFailure> {
    use aws_sdk_apigateway::types::{Op, PatchOperation};
    let patch: Vec<PatchOperation> = patch_ops(from, to)
        .iter()
        .map(|o| {
            PatchOperation::builder()
                .op(Op::from(o.op.as_str()))
                .path(&o.path)
                .set_value(o.value.clone())
                .build()
        })
        .collect();
    pace_write(session).await?;
    let m = session
        .gateway
        .update_method()
        .rest_api_id(api_id)
        .resource_id(resource_id)
        .http_method(verb)
        .set_patch_operations(Some(patch))
        .customize()
        .config_override(no_retries())
        .send()
        .await
        .map_err(|e| call_failure(session, e))?;
    Ok(MethodState {
        authorization_type: m.authorization_type().unwrap_or("NONE").to_string(),
        authorizer_id: m.authorizer_id().map(str::to_string),
        scopes: m.authorization_scopes().to_vec(),
    })
}

/// One method's protection as AWS holds it now.
pub(super) async fn method_state(
    session: &Session,
    api_id: &str,
    resource_id: &str,
    verb: &str,
) -> Result<MethodState> {
    session.pace(Call::Any).await?;
    let m = session
        .gateway
        .get_method()
        .rest_api_id(api_id)
        .resource_id(resource_id)
        .http_method(verb)
        .send()
        .await
        .map_err(|e| session.map_err(e))?;
    Ok(MethodState {
        authorization_type: m.authorization_type().unwrap_or("NONE").to_string(),
        authorizer_id: m.authorizer_id().map(str::to_string),
        scopes: m.authorization_scopes().to_vec(),
    })
}

/// One CreateAuthorizer, not retried by the SDK: after an ambiguous failure the caller looks at
/// what exists before sending again (the default quota is 10 authorizers per API). On an HTTP API,
/// a JWT authorizer whose issuer is the pool's URL.
pub(super) async fn create_authorizer(
    session: &Session,
    api_id: &str,
    input: &AuthorizerInput,
    pool_arn: &str,
) -> std::result::Result<Authorizer, CallFailure> {
    let regex = input.client_id_regex.trim();
    pace_write(session).await?;
    let out = session
        .gateway
        .create_authorizer()
        .rest_api_id(api_id)
        .name(input.name.trim())
        .r#type(aws_sdk_apigateway::types::AuthorizerType::CognitoUserPools)
        .provider_arns(pool_arn)
        .identity_source(input.identity_source.trim())
        .set_identity_validation_expression((!regex.is_empty()).then(|| regex.to_string()))
        .authorizer_result_ttl_in_seconds(input.ttl_seconds)
        .customize()
        .config_override(no_retries())
        .send()
        .await
        .map_err(|e| call_failure(session, e))?;
    Ok(authorizer_from!(out))
}

/// Changes an authorizer's name, token source, regex and TTL to `input` (its pools stay).
pub(super) async fn update_authorizer(
    session: &Session,
    api_id: &str,
    current: &Authorizer,
    input: &AuthorizerInput,
) -> Result<()> {
    use aws_sdk_apigateway::types::{Op, PatchOperation};
    let replace = |path: &str, value: String| {
        PatchOperation::builder()
            .op(Op::Replace)
            .path(path)
            .value(value)
            .build()
    };
    let mut ops = Vec::new();
    if current.name != input.name.trim() {
        ops.push(replace("/name", input.name.trim().to_string()));
    }
    if current.identity_source.as_deref() != Some(input.identity_source.trim()) {
        ops.push(replace(
            "/identitySource",
            input.identity_source.trim().to_string(),
        ));
    }
    let regex = input.client_id_regex.trim();
    if current
        .identity_validation_expression
        .as_deref()
        .unwrap_or("")
        != regex
    {
        if regex.is_empty() {
            ops.push(
                PatchOperation::builder()
                    .op(Op::Remove)
                    .path("/identityValidationExpression")
                    .build(),
            );
        } else {
            ops.push(replace("/identityValidationExpression", regex.to_string()));
        }
    }
    if current.ttl_seconds != Some(input.ttl_seconds) {
        ops.push(replace(
            "/authorizerResultTtlInSeconds",
            input.ttl_seconds.to_string(),
        ));
    }
    if ops.is_empty() {
        return Ok(());
    }
    session.pace(Call::Any).await?;
    session
        .gateway
        .update_authorizer()
        .rest_api_id(api_id)
        .authorizer_id(&current.id)
        .set_patch_operations(Some(ops))
        .send()
        .await
        .map_err(|e| session.map_err(e))?;
    Ok(())
}

pub(super) async fn delete_authorizer(
    session: &Session,
    api_id: &str,
    authorizer_id: &str,
) -> Result<()> {
    session.pace(Call::Any).await?;
    session
        .gateway
        .delete_authorizer()
        .rest_api_id(api_id)
        .authorizer_id(authorizer_id)
        .send()
        .await
        .map_err(|e| session.map_err(e))?;
    Ok(())
}

pub(super) async fn list_stages(session: &Session, api_id: &str) -> Result<Vec<Stage>> {
    session.pace(Call::Any).await?;
    let out = session
        .gateway
        .get_stages()
        .rest_api_id(api_id)
        .send()
        .await
        .map_err(|e| session.map_err(e))?;
    let mut stages: Vec<Stage> = out
        .item()
        .iter()
        .map(|s| Stage {
            name: s.stage_name().unwrap_or_default().to_string(),
            deployment_id: s.deployment_id().map(str::to_string),
            auto_deploy: false,
        })
        .collect();
    stages.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(stages)
}

/// The deployment a stage serves now; None when the stage does not exist yet.
pub(super) async fn stage_deployment(
    session: &Session,
    api_id: &str,
    stage: &str,
) -> Result<Option<String>> {
    session.pace(Call::Any).await?;
    match session
        .gateway
        .get_stage()
        .rest_api_id(api_id)
        .stage_name(stage)
        .send()
        .await
    {
        Ok(s) => Ok(s.deployment_id().map(str::to_string)),
        Err(e)
            if e.as_service_error()
                .is_some_and(|s| s.is_not_found_exception()) =>
        {
            Ok(None)
        }
        Err(e) => Err(session.map_err(e)),
    }
}

/// One CreateDeployment to `stage` (created when it does not exist), not retried by the SDK:
/// after an ambiguous failure the caller looks at the stage before sending again.
pub(super) async fn create_deployment(
    session: &Session,
    api_id: &str,
    stage: &str,
    description: &str,
) -> std::result::Result<String, CallFailure> {
    pace_write(session).await?;
    let out = session
        .gateway
        .create_deployment()
        .rest_api_id(api_id)
        .stage_name(stage)
        .set_description((!description.trim().is_empty()).then(|| description.trim().to_string()))
        .customize()
        .config_override(no_retries())
        .send()
        .await
        .map_err(|e| call_failure(session, e))?;
    Ok(out.id().unwrap_or_default().to_string())
}

/// What TestInvokeAuthorizer answered.
pub struct AuthorizerTestAnswer {
    pub client_status: i32,
    pub latency_ms: i64,
    pub claims: std::collections::BTreeMap<String, String>,
    pub log: String,
}

/// TestInvokeAuthorizer with the token in the authorizer's identity-source header.
pub(super) async fn test_invoke_authorizer(
    session: &Session,
    api_id: &str,
    authorizer_id: &str,
    header: &str,
    token: &str,
) -> Result<AuthorizerTestAnswer> {
    session.pace(Call::Any).await?;
    let out = session
        .gateway
        .test_invoke_authorizer()
        .rest_api_id(api_id)
        .authorizer_id(authorizer_id)
        .headers(header, token)
        .send()
        .await
        .map_err(|e| session.map_err(e))?;
    Ok(AuthorizerTestAnswer {
        client_status: out.client_status(),
        latency_ms: out.latency(),
        claims: out
            .claims()
            .map(|c| c.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
            .unwrap_or_default(),
        log: out.log().unwrap_or_default().to_string(),
    })
}
