//! API Gateway, both kinds behind one door: each operation on an API asks which adapter serves
//! it — REST (rest.rs and rest_stages.rs, v1) or HTTP (http.rs, v2), the kind remembered by the
//! session after the first look — and goes there. The rest of Gatehouse names an API and never
//! asks which kind it is.

#[macro_use]
mod http;
mod live;
mod patch;
mod rest;
mod rest_stages;

pub use crate::aws::failure::CallFailure;
use crate::aws::session::Session;
use crate::domain::live::{export, Served, StageInfo};
pub use crate::domain::model::Stage;
use crate::domain::model::{Api, ApiKind, Authorizer, AuthorizerInput, Method, MethodState};
use crate::error::{Error, Result};
pub use patch::{patch_ops, PatchOp};
pub use rest_stages::AuthorizerTestAnswer;

/// Which adapter an API's calls go to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Door {
    Rest,
    Http,
}

/// The adapter for an API, from its kind (remembered from the listing, else asked of v2 once). A
/// WebSocket API is refused: Gatehouse lists them only.
async fn door(session: &Session, api_id: &str) -> Result<Door> {
    match api_kind(session, api_id).await? {
        ApiKind::Rest => Ok(Door::Rest),
        ApiKind::Http => Ok(Door::Http),
        ApiKind::Websocket => Err(Error::invalid(
            "api",
            "WebSocket APIs are listed but not reviewed: their routes are chosen by a message's content, not by HTTP method and path, and API Gateway has no JWT authorizer for them",
        )),
    }
}

/// The same, for a write: a lookup that fails is a failure that is not retried.
async fn door_for_write(session: &Session, api_id: &str) -> std::result::Result<Door, CallFailure> {
    door(session, api_id)
        .await
        .map_err(CallFailure::not_retried)
}

/// Every API of the region: REST APIs (GetRestApis) and HTTP and WebSocket APIs (GetApis), read
/// together, sorted by name; each one's kind is remembered for the calls that follow.
pub async fn list_apis(session: &Session) -> Result<Vec<Api>> {
    let (mut apis, v2) = tokio::try_join!(rest::list_apis(session), http::list_apis(session))?;
    apis.extend(v2);
    for a in &apis {
        session.remember_kind(&a.id, a.kind);
    }
    apis.sort_by(|a, b| {
        a.name
            .to_lowercase()
            .cmp(&b.name.to_lowercase())
            .then(a.id.cmp(&b.id))
    });
    Ok(apis)
}

/// One API as the listing shows it (name, kind, owner), by id: GetApi for v2, else GetRestApi.
pub async fn api(session: &Session, api_id: &str) -> Result<Api> {
    if session.known_kind(api_id) != Some(ApiKind::Rest) {
        if let Some(api) = http::api(session, api_id).await? {
            session.remember_kind(&api.id, api.kind);
            return Ok(api);
        }
    }
    let api = rest::api(session, api_id).await?;
    session.remember_kind(api_id, ApiKind::Rest);
    Ok(api)
}

/// The API's kind: remembered from the listing, else asked of v2 (GetApi), else REST.
pub async fn api_kind(session: &Session, api_id: &str) -> Result<ApiKind> {
    if let Some(kind) = session.known_kind(api_id) {
        return Ok(kind);
    }
    let kind = http::api_kind(session, api_id)
        .await?
        .unwrap_or(ApiKind::Rest);
    session.remember_kind(api_id, kind);
    Ok(kind)
}

/// An HTTP API's CORS configuration in one line; None for a REST API or none set.
pub async fn cors(session: &Session, api_id: &str) -> Result<Option<String>> {
    match door(session, api_id).await? {
        Door::Http => http::cors(session, api_id).await,
        Door::Rest => Ok(None),
    }
}

/// Every method of the API (or route of an HTTP API).
pub async fn list_methods(session: &Session, api_id: &str) -> Result<Vec<Method>> {
    match door(session, api_id).await? {
        Door::Http => http::list_routes(session, api_id).await,
        Door::Rest => rest::list_methods(session, api_id).await,
    }
}

pub async fn list_authorizers(session: &Session, api_id: &str) -> Result<Vec<Authorizer>> {
    match door(session, api_id).await? {
        Door::Http => http::list_authorizers(session, api_id).await,
        Door::Rest => rest::list_authorizers(session, api_id).await,
    }
}

/// Every stage and the deployment it serves: `stage_infos` without what only the live view needs.
pub async fn list_stages(session: &Session, api_id: &str) -> Result<Vec<Stage>> {
    Ok(stage_infos(session, api_id)
        .await?
        .into_iter()
        .map(|s| Stage {
            name: s.name,
            deployment_id: s.deployment_id,
            auto_deploy: s.auto_deploy,
        })
        .collect())
}

/// The deployment a stage serves now; None when the stage does not exist yet.
pub async fn stage_deployment(
    session: &Session,
    api_id: &str,
    stage: &str,
) -> Result<Option<String>> {
    match door(session, api_id).await? {
        Door::Http => http::stage_deployment(session, api_id, stage).await,
        Door::Rest => rest_stages::stage_deployment(session, api_id, stage).await,
    }
}

/// One method's (or route's) change from `from` to `to`, not retried by the SDK: the executor
/// paces and retries, and looks before it sends again. AWS's answer is the method as it now is.
pub async fn update_method(
    session: &Session,
    api_id: &str,
    resource_id: &str,
    verb: &str,
    from: &MethodState,
    to: &MethodState,
) -> std::result::Result<MethodState, CallFailure> {
    match door_for_write(session, api_id).await? {
        Door::Http => http::update_route(session, api_id, resource_id, to).await,
        Door::Rest => rest::update_method(session, api_id, resource_id, verb, from, to).await,
    }
}

/// One method's protection as AWS holds it now.
pub async fn method_state(
    session: &Session,
    api_id: &str,
    resource_id: &str,
    verb: &str,
) -> Result<MethodState> {
    match door(session, api_id).await? {
        Door::Http => http::route_state(session, api_id, resource_id).await,
        Door::Rest => rest::method_state(session, api_id, resource_id, verb).await,
    }
}

/// One CreateAuthorizer, not retried by the SDK: a Cognito authorizer (REST), or a JWT
/// authorizer whose issuer is the pool's URL (HTTP).
pub async fn create_authorizer(
    session: &Session,
    api_id: &str,
    input: &AuthorizerInput,
    pool_arn: &str,
) -> std::result::Result<Authorizer, CallFailure> {
    if door_for_write(session, api_id).await? == Door::Rest {
        return rest::create_authorizer(session, api_id, input, pool_arn).await;
    }
    let issuer = issuer_of_pool_arn(pool_arn).ok_or_else(|| {
        CallFailure::not_retried(Error::invalid(
            "pool",
            format!("'{pool_arn}' is not a user pool's ARN"),
        ))
    })?;
    http::create_jwt_authorizer(session, api_id, input, &issuer).await
}

/// Changes an authorizer's name, token source and regex, TTL or audience to `input`.
pub async fn update_authorizer(
    session: &Session,
    api_id: &str,
    current: &Authorizer,
    input: &AuthorizerInput,
) -> Result<()> {
    match door(session, api_id).await? {
        Door::Http => http::update_authorizer(session, api_id, current, input).await,
        Door::Rest => rest::update_authorizer(session, api_id, current, input).await,
    }
}

pub async fn delete_authorizer(session: &Session, api_id: &str, authorizer_id: &str) -> Result<()> {
    match door(session, api_id).await? {
        Door::Http => http::delete_authorizer(session, api_id, authorizer_id).await,
        Door::Rest => rest::delete_authorizer(session, api_id, authorizer_id).await,
    }
}

/// One CreateDeployment to a REST stage's canary (HTTP APIs have no canaries).
pub async fn create_canary_deployment(
    session: &Session,
    api_id: &str,
    stage: &str,
    description: &str,
    percent: f64,
) -> std::result::Result<String, CallFailure> {
    match door_for_write(session, api_id).await? {
        Door::Rest => {
            rest_stages::create_canary_deployment(session, api_id, stage, description, percent)
                .await
        }
        Door::Http => Err(CallFailure::not_retried(Error::invalid(
            "stage",
            "HTTP APIs have no canary stages",
        ))),
    }
}

/// Sets one gateway response of a REST API (HTTP APIs have none): put whole, or deleted back to
/// AWS's default.
pub async fn set_gateway_response(
    session: &Session,
    api_id: &str,
    response_type: &str,
    state: &crate::domain::responses::ResponseState,
) -> Result<()> {
    match door(session, api_id).await? {
        Door::Rest => live::rest::set_gateway_response(session, api_id, response_type, state).await,
        Door::Http => Err(Error::invalid("api", "HTTP APIs have no gateway responses")),
    }
}

/// Promotes a REST stage's canary to the whole stage (HTTP APIs have no canaries).
pub async fn promote_canary(session: &Session, api_id: &str, stage: &str) -> Result<()> {
    match door(session, api_id).await? {
        Door::Rest => rest_stages::promote_canary(session, api_id, stage).await,
        Door::Http => Err(Error::invalid("stage", "HTTP APIs have no canary stages")),
    }
}

/// One CreateDeployment to `stage`, not retried by the SDK (the caller looks first).
pub async fn create_deployment(
    session: &Session,
    api_id: &str,
    stage: &str,
    description: &str,
) -> std::result::Result<String, CallFailure> {
    match door_for_write(session, api_id).await? {
        Door::Http => http::create_deployment(session, api_id, stage, description).await,
        Door::Rest => rest_stages::create_deployment(session, api_id, stage, description).await,
    }
}

/// TestInvokeAuthorizer with the token in the authorizer's identity-source header (REST only).
pub async fn test_invoke_authorizer(
    session: &Session,
    api_id: &str,
    authorizer_id: &str,
    header: &str,
    token: &str,
) -> Result<AuthorizerTestAnswer> {
    if door(session, api_id).await? == Door::Http {
        return Err(Error::invalid(
            "api",
            "AWS has no authorizer test for HTTP APIs: Gatehouse's verdict and the curl line are what there is",
        ));
    }
    rest_stages::test_invoke_authorizer(session, api_id, authorizer_id, header, token).await
}

/// `arn:aws:cognito-idp:REGION:ACCOUNT:userpool/POOL_ID` → the pool's issuer URL.
pub fn issuer_of_pool_arn(arn: &str) -> Option<String> {
    crate::domain::model::pool_of_arn(arn)
        .map(|(region, pool)| crate::domain::model::pool_issuer(&region, &pool))
}

/// Every stage of the API with the deployment it serves, and its canary's (REST).
pub async fn stage_infos(session: &Session, api_id: &str) -> Result<Vec<StageInfo>> {
    match door(session, api_id).await? {
        Door::Rest => live::rest::stages(session, api_id).await,
        Door::Http => live::http::stages(session, api_id).await,
    }
}

/// What one deployment of a stage serves, read from AWS: a REST deployment's summary, and the
/// stage's export when `deployment_id` is the one the stage serves (a canary's deployment has
/// none of its own); an HTTP stage's export. The caller keeps it by the deployment's id.
pub async fn served(
    session: &Session,
    api_id: &str,
    stage: &str,
    deployment_id: &str,
    exportable: bool,
    editor: (&[Method], &[Authorizer]),
) -> Result<Served> {
    match door(session, api_id).await? {
        Door::Rest => {
            let read_export = async {
                match exportable {
                    true => live::rest::export(session, api_id, stage).await,
                    false => Ok(None),
                }
            };
            let ((created, summary), doc) = tokio::try_join!(
                live::rest::deployment(session, api_id, deployment_id),
                read_export
            )?;
            Ok(export::rest_served(
                deployment_id,
                created,
                &summary,
                doc.as_ref(),
                editor,
            ))
        }
        Door::Http => {
            let (created, doc) = tokio::try_join!(
                live::http::deployment_time(session, api_id, deployment_id),
                live::http::export(session, api_id, stage)
            )?;
            let doc = doc.unwrap_or(serde_json::Value::Null);
            Ok(export::http_served(deployment_id, created, &doc, editor))
        }
    }
}

/// A REST API's gateway responses (what a refused token gets); None for an HTTP API, which has
/// none.
pub async fn gateway_responses(
    session: &Session,
    api_id: &str,
) -> Result<Option<Vec<crate::domain::browser::GatewayResponse>>> {
    match door(session, api_id).await? {
        Door::Rest => Ok(Some(live::rest::gateway_responses(session, api_id).await?)),
        Door::Http => Ok(None),
    }
}
