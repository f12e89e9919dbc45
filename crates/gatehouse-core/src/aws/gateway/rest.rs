//! REST APIs (API Gateway v1): their listing, methods (one GetResources pass) and authorizers;
//! rest_stages.rs has their stages and deployments, patch.rs the UpdateMethod patch. mod.rs sends
//! an API here once it knows it is a REST API.

use super::patch::patch_ops;
use crate::aws::failure::{call_failure, pace_write, CallFailure};
use crate::aws::session::Session;
use crate::domain::model::AuthType;
use crate::domain::model::{Api, ApiKind, Authorizer, AuthorizerInput, Method, MethodState};
use crate::error::Result;
use crate::local::pacer::Call;

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

/// A REST API as Gatehouse lists it, from either SDK shape with a REST API's accessors
/// (`Api` of a listing, `GetRestApiOutput`).
macro_rules! rest_api {
    ($a:expr) => {{
        let a = &$a;
        Api {
            id: a.id().unwrap_or_default().to_string(),
            name: a.name().unwrap_or_default().to_string(),
            description: a.description().map(str::to_string),
            kind: ApiKind::Rest,
            managed_by: a.tags().and_then(crate::domain::ownership::managed_by),
            not_reviewed: None,
        }
    }};
}

/// `GetResources` and `GetRestApis` accept up to 500 per page.
pub(super) const PAGE: i32 = 500;

pub(super) async fn list_apis(session: &Session) -> Result<Vec<Api>> {
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
pub(super) async fn api(session: &Session, api_id: &str) -> Result<Api> {
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
                    authorization_type: AuthType::parse(m.authorization_type().unwrap_or_default()),
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
pub(super) fn no_retries() -> aws_sdk_apigateway::config::Builder {
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
        authorization_type: AuthType::parse(m.authorization_type().unwrap_or_default()),
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
        authorization_type: AuthType::parse(m.authorization_type().unwrap_or_default()),
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
