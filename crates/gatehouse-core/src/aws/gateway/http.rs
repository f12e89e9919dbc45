//! API Gateway v2: HTTP APIs (and WebSocket APIs, listed only), their routes, JWT authorizers,
//! stages and deployments, mapped into the same model types as REST APIs. mod.rs sends an API
//! here once it knows it is an HTTP API; nothing else does.

use crate::aws::failure::{call_failure, pace_write, CallFailure};
use crate::aws::session::Session;
use crate::domain::model::{
    Api, ApiKind, AuthType, Authorizer, AuthorizerInput, Method, MethodState,
};
use crate::error::{Error, Result};
use aws_sdk_apigatewayv2::types::{
    AuthorizationType, AuthorizerType, JwtConfiguration, ProtocolType,
};

/// v2 list calls take MaxResults as a string; 500 is what AWS accepts.
const PAGE: &str = "500";

/// Pages through a v2 list call: `$call` is a closure from the next token to the request future;
/// `$items` takes the page's items.
macro_rules! all_pages {
    ($session:expr, |$token:ident| $call:expr, |$page:ident| $items:expr) => {{
        let mut out = Vec::new();
        let mut next: Option<String> = None;
        loop {
            let $token = next.take();
            $session.pace(crate::local::pacer::Call::Any).await?;
            let $page = $call.await.map_err(|e| $session.map_err(e))?;
            out.extend($items);
            match $page.next_token() {
                Some(t) if !t.is_empty() => next = Some(t.to_string()),
                _ => break,
            }
        }
        out
    }};
}

/// An HTTP or WebSocket API as Gatehouse lists it, from either SDK shape with an API's accessors
/// (`Api` of a listing, `GetApiOutput`).
macro_rules! v2_api {
    ($a:expr) => {{
        let a = &$a;
        let (name, kind) = (
            a.name().unwrap_or_default().to_string(),
            kind_of(a.protocol_type()),
        );
        Api {
            id: a.api_id().unwrap_or_default().to_string(),
            not_reviewed: kind.not_reviewed(&name),
            name,
            description: a.description().map(str::to_string),
            kind,
            managed_by: a.tags().and_then(crate::domain::ownership::managed_by),
        }
    }};
}

/// An authorizer from any v2 SDK shape with an authorizer's accessors.
macro_rules! authorizer_from {
    ($a:expr) => {{
        let a = &$a;
        let jwt = a.jwt_configuration();
        Authorizer {
            id: a.authorizer_id().unwrap_or_default().to_string(),
            name: a.name().unwrap_or_default().to_string(),
            kind: a
                .authorizer_type()
                .map(|t| t.as_str().to_string())
                .unwrap_or_default(),
            provider_arns: vec![],
            identity_source: a.identity_source().first().cloned(),
            identity_validation_expression: a.identity_validation_expression().map(str::to_string),
            ttl_seconds: a.authorizer_result_ttl_in_seconds(),
            authorizer_uri: a.authorizer_uri().map(str::to_string),
            issuer: jwt.and_then(|j| j.issuer()).map(str::to_string),
            audience: jwt.map(|j| j.audience().to_vec()).unwrap_or_default(),
        }
    }};
}

/// Every HTTP and WebSocket API of the region (GetApis).
pub(super) async fn list_apis(session: &Session) -> Result<Vec<Api>> {
    let c = &session.gateway_v2;
    Ok(all_pages!(
        session,
        |token| c.get_apis().max_results(PAGE).set_next_token(token).send(),
        |page| page.items().iter().map(|a| v2_api!(a))
    ))
}

fn kind_of(protocol: Option<&ProtocolType>) -> ApiKind {
    match protocol {
        Some(ProtocolType::Websocket) => ApiKind::Websocket,
        _ => ApiKind::Http,
    }
}

/// The kind of a v2 API, or None when v2 does not know the id (then it is a REST API).
pub(super) async fn api_kind(session: &Session, api_id: &str) -> Result<Option<ApiKind>> {
    Ok(api(session, api_id).await?.map(|a| a.kind))
}

/// A v2 API as listed, or None when v2 does not know the id (then it is a REST API).
pub(super) async fn api(session: &Session, api_id: &str) -> Result<Option<Api>> {
    session.pace(crate::local::pacer::Call::Any).await?;
    match session.gateway_v2.get_api().api_id(api_id).send().await {
        Ok(a) => Ok(Some(v2_api!(a))),
        Err(e)
            if e.as_service_error()
                .is_some_and(|s| s.is_not_found_exception()) =>
        {
            Ok(None)
        }
        Err(e) => Err(session.map_err(e)),
    }
}

/// The API's built-in CORS configuration in one line (it answers preflights before any route),
/// or None when it has none.
pub(super) async fn cors(session: &Session, api_id: &str) -> Result<Option<String>> {
    session.pace(crate::local::pacer::Call::Any).await?;
    let api = session
        .gateway_v2
        .get_api()
        .api_id(api_id)
        .send()
        .await
        .map_err(|e| session.map_err(e))?;
    Ok(api.cors_configuration().map(|c| {
        let list = |v: &[String]| {
            if v.is_empty() {
                "—".to_string()
            } else {
                v.join(", ")
            }
        };
        format!(
            "CORS configured: origins {}; methods {}; headers {}",
            list(c.allow_origins()),
            list(c.allow_methods()),
            list(c.allow_headers())
        )
    }))
}

/// A route's protection from any v2 SDK shape with a route's accessors (`Route`,
/// `UpdateRouteOutput`, `GetRouteOutput`): distinct types with the same fields. An empty
/// authorizer id is none.
macro_rules! route_protection {
    ($r:expr) => {{
        let r = &$r;
        MethodState {
            authorization_type: auth_type(r.authorization_type()),
            authorizer_id: r
                .authorizer_id()
                .filter(|a| !a.is_empty())
                .map(str::to_string),
            scopes: r.authorization_scopes().to_vec(),
        }
    }};
}

/// Every route, as methods: path and verb from the route key.
pub(super) async fn list_routes(session: &Session, api_id: &str) -> Result<Vec<Method>> {
    let c = &session.gateway_v2;
    let mut routes: Vec<Method> = all_pages!(
        session,
        |token| c
            .get_routes()
            .api_id(api_id)
            .max_results(PAGE)
            .set_next_token(token)
            .send(),
        |page| page.items().iter().map(|r| {
            let key = r.route_key().unwrap_or_default().to_string();
            let (path, verb) = Method::path_and_verb(&key);
            let state = route_protection!(r);
            Method {
                resource_id: r.route_id().unwrap_or_default().to_string(),
                path,
                verb,
                authorization_type: state.authorization_type,
                authorizer_id: state.authorizer_id,
                scopes: state.scopes,
                api_key_required: r.api_key_required().unwrap_or(false),
                route_key: Some(key),
            }
        })
    );
    routes.sort_by(|a, b| a.path.cmp(&b.path).then(a.verb.cmp(&b.verb)));
    Ok(routes)
}

fn auth_type(t: Option<&AuthorizationType>) -> AuthType {
    t.map(|t| AuthType::parse(t.as_str())).unwrap_or_default()
}

pub(super) async fn list_authorizers(session: &Session, api_id: &str) -> Result<Vec<Authorizer>> {
    let c = &session.gateway_v2;
    let mut authorizers: Vec<Authorizer> = all_pages!(
        session,
        |token| c
            .get_authorizers()
            .api_id(api_id)
            .max_results(PAGE)
            .set_next_token(token)
            .send(),
        |page| page.items().iter().map(|a| authorizer_from!(a))
    );
    authorizers.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(authorizers)
}

fn no_retries() -> aws_sdk_apigatewayv2::config::Builder {
    aws_sdk_apigatewayv2::config::Builder::default()
        .retry_config(aws_config::retry::RetryConfig::disabled())
}

/// One UpdateRoute taking a route to `to`; AWS's answer: the route's state after it.
pub(super) async fn update_route(
    session: &Session,
    api_id: &str,
    route_id: &str,
    to: &MethodState,
) -> std::result::Result<MethodState, CallFailure> {
    pace_write(session).await?;
    let r = session
        .gateway_v2
        .update_route()
        .api_id(api_id)
        .route_id(route_id)
        .authorization_type(AuthorizationType::from(to.authorization_type.as_str()))
        .set_authorizer_id(to.authorizer_id.clone().filter(|_| to.uses_authorizer()))
        .set_authorization_scopes(Some(if to.takes_scopes() {
            to.scopes.clone()
        } else {
            vec![]
        }))
        .customize()
        .config_override(no_retries())
        .send()
        .await
        .map_err(|e| call_failure(session, e))?;
    Ok(route_protection!(r))
}

/// One route's protection as AWS holds it now.
pub(super) async fn route_state(
    session: &Session,
    api_id: &str,
    route_id: &str,
) -> Result<MethodState> {
    session.pace(crate::local::pacer::Call::Any).await?;
    let r = session
        .gateway_v2
        .get_route()
        .api_id(api_id)
        .route_id(route_id)
        .send()
        .await
        .map_err(|e| session.map_err(e))?;
    Ok(route_protection!(r))
}

/// One CreateAuthorizer of a JWT authorizer for a Cognito pool: issuer = the pool's URL,
/// audience = the app clients; not retried by the SDK (the caller looks first).
pub(super) async fn create_jwt_authorizer(
    session: &Session,
    api_id: &str,
    input: &AuthorizerInput,
    issuer: &str,
) -> std::result::Result<Authorizer, CallFailure> {
    pace_write(session).await?;
    let out = session
        .gateway_v2
        .create_authorizer()
        .api_id(api_id)
        .name(input.name.trim())
        .authorizer_type(AuthorizerType::Jwt)
        .identity_source(input.identity_source.trim())
        .jwt_configuration(
            JwtConfiguration::builder()
                .issuer(issuer)
                .set_audience(Some(input.audience.clone()))
                .build(),
        )
        .customize()
        .config_override(no_retries())
        .send()
        .await
        .map_err(|e| call_failure(session, e))?;
    Ok(authorizer_from!(out))
}

/// Changes a JWT authorizer's name, token source and audience to `input` (its issuer stays).
pub(super) async fn update_authorizer(
    session: &Session,
    api_id: &str,
    current: &Authorizer,
    input: &AuthorizerInput,
) -> Result<()> {
    if current.kind != "JWT" {
        return Err(Error::invalid(
            "authorizer",
            format!(
                "{} is a {} authorizer: Gatehouse edits JWT authorizers only",
                current.name, current.kind
            ),
        ));
    }
    session.pace(crate::local::pacer::Call::Any).await?;
    session
        .gateway_v2
        .update_authorizer()
        .api_id(api_id)
        .authorizer_id(&current.id)
        .name(input.name.trim())
        .identity_source(input.identity_source.trim())
        .jwt_configuration(
            JwtConfiguration::builder()
                .set_issuer(current.issuer.clone())
                .set_audience(Some(input.audience.clone()))
                .build(),
        )
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
    session.pace(crate::local::pacer::Call::Any).await?;
    session
        .gateway_v2
        .delete_authorizer()
        .api_id(api_id)
        .authorizer_id(authorizer_id)
        .send()
        .await
        .map_err(|e| session.map_err(e))?;
    Ok(())
}

/// The stage as AWS holds it: None when it does not exist, else the deployment it serves.
async fn get_stage(session: &Session, api_id: &str, stage: &str) -> Result<Option<Option<String>>> {
    session.pace(crate::local::pacer::Call::Any).await?;
    match session
        .gateway_v2
        .get_stage()
        .api_id(api_id)
        .stage_name(stage)
        .send()
        .await
    {
        Ok(s) => Ok(Some(s.deployment_id().map(str::to_string))),
        Err(e)
            if e.as_service_error()
                .is_some_and(|s| s.is_not_found_exception()) =>
        {
            Ok(None)
        }
        Err(e) => Err(session.map_err(e)),
    }
}

/// The deployment a stage serves now; None when the stage does not exist yet.
pub(super) async fn stage_deployment(
    session: &Session,
    api_id: &str,
    stage: &str,
) -> Result<Option<String>> {
    Ok(get_stage(session, api_id, stage).await?.flatten())
}

/// One CreateDeployment to `stage`, not retried by the SDK. An HTTP API's stage must exist
/// first: a missing one is created (without auto-deploy) before deploying to it.
pub(super) async fn create_deployment(
    session: &Session,
    api_id: &str,
    stage: &str,
    description: &str,
) -> std::result::Result<String, CallFailure> {
    if matches!(get_stage(session, api_id, stage).await, Ok(None)) {
        pace_write(session).await?;
        session
            .gateway_v2
            .create_stage()
            .api_id(api_id)
            .stage_name(stage)
            .send()
            .await
            .map_err(|e| call_failure(session, e))?;
    }
    pace_write(session).await?;
    let out = session
        .gateway_v2
        .create_deployment()
        .api_id(api_id)
        .stage_name(stage)
        .set_description((!description.trim().is_empty()).then(|| description.trim().to_string()))
        .customize()
        .config_override(no_retries())
        .send()
        .await
        .map_err(|e| call_failure(session, e))?;
    Ok(out.deployment_id().unwrap_or_default().to_string())
}
