//! API Gateway, both kinds behind one door: an API is resolved once to a [`Gateway`] — REST
//! (rest.rs, v1) or HTTP (http.rs, v2) — and every operation on it goes to that kind's adapter.
//! The rest of Gatehouse names an API and never asks which kind it is.

mod http;
mod patch;
mod rest;
mod rest_stages;

pub use crate::aws::failure::CallFailure;
use crate::aws::session::Session;
pub use crate::domain::model::Stage;
use crate::domain::model::{ApiKind, Authorizer, AuthorizerInput, Method, MethodState, RestApi};
use crate::error::{Error, Result};
pub use patch::{patch_ops, PatchOp};
pub use rest_stages::AuthorizerTestAnswer;

/// One API whose kind is known: where its every call goes.
#[derive(Clone, Copy)]
pub struct Gateway<'a> {
    session: &'a Session,
    api_id: &'a str,
    http: bool,
}

impl<'a> Gateway<'a> {
    /// The API resolved to its kind (remembered from the listing, else asked of v2 once). A
    /// WebSocket API is refused: Gatehouse lists them only.
    pub async fn of(session: &'a Session, api_id: &'a str) -> Result<Gateway<'a>> {
        let http = match api_kind(session, api_id).await? {
            ApiKind::Rest => false,
            ApiKind::Http => true,
            ApiKind::Websocket => return Err(Error::invalid(
                "api",
                "WebSocket APIs are listed but not reviewed: their routes are chosen by a message's content, not by HTTP method and path, and API Gateway has no JWT authorizer for them",
            )),
        };
        Ok(Gateway {
            session,
            api_id,
            http,
        })
    }

    /// The same, for a write: a lookup that fails is a failure that is not retried.
    async fn for_write(
        session: &'a Session,
        api_id: &'a str,
    ) -> std::result::Result<Gateway<'a>, CallFailure> {
        Gateway::of(session, api_id)
            .await
            .map_err(|error| CallFailure {
                error,
                retryable: false,
                ambiguous: false,
                throttled: false,
            })
    }

    /// Every method (REST: one GetResources per 500 resources) or route (HTTP).
    pub async fn list_methods(&self) -> Result<Vec<Method>> {
        match self.http {
            true => http::list_routes(self.session, self.api_id).await,
            false => rest::list_methods(self.session, self.api_id).await,
        }
    }

    pub async fn list_authorizers(&self) -> Result<Vec<Authorizer>> {
        match self.http {
            true => http::list_authorizers(self.session, self.api_id).await,
            false => rest::list_authorizers(self.session, self.api_id).await,
        }
    }

    /// The API's built-in CORS configuration in one line (HTTP APIs; REST APIs have none).
    pub async fn cors(&self) -> Result<Option<String>> {
        match self.http {
            true => http::cors(self.session, self.api_id).await,
            false => Ok(None),
        }
    }

    pub async fn list_stages(&self) -> Result<Vec<Stage>> {
        match self.http {
            true => http::list_stages(self.session, self.api_id).await,
            false => rest_stages::list_stages(self.session, self.api_id).await,
        }
    }

    /// The deployment a stage serves now; None when the stage does not exist yet.
    pub async fn stage_deployment(&self, stage: &str) -> Result<Option<String>> {
        match self.http {
            true => http::stage_deployment(self.session, self.api_id, stage).await,
            false => rest_stages::stage_deployment(self.session, self.api_id, stage).await,
        }
    }
}

/// Every API of the region: REST APIs (GetRestApis) and HTTP and WebSocket APIs (GetApis), read
/// together, sorted by name; each one's kind is remembered for the calls that follow.
pub async fn list_apis(session: &Session) -> Result<Vec<RestApi>> {
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
pub async fn api(session: &Session, api_id: &str) -> Result<RestApi> {
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
    Gateway::of(session, api_id).await?.cors().await
}

/// Every method of the API (or route of an HTTP API).
pub async fn list_methods(session: &Session, api_id: &str) -> Result<Vec<Method>> {
    Gateway::of(session, api_id).await?.list_methods().await
}

pub async fn list_authorizers(session: &Session, api_id: &str) -> Result<Vec<Authorizer>> {
    Gateway::of(session, api_id).await?.list_authorizers().await
}

pub async fn list_stages(session: &Session, api_id: &str) -> Result<Vec<Stage>> {
    Gateway::of(session, api_id).await?.list_stages().await
}

/// The deployment a stage serves now; None when the stage does not exist yet.
pub async fn stage_deployment(
    session: &Session,
    api_id: &str,
    stage: &str,
) -> Result<Option<String>> {
    Gateway::of(session, api_id)
        .await?
        .stage_deployment(stage)
        .await
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
    match Gateway::for_write(session, api_id).await?.http {
        true => http::update_route(session, api_id, resource_id, to).await,
        false => rest::update_method(session, api_id, resource_id, verb, from, to).await,
    }
}

/// One method's protection as AWS holds it now.
pub async fn method_state(
    session: &Session,
    api_id: &str,
    resource_id: &str,
    verb: &str,
) -> Result<MethodState> {
    match Gateway::of(session, api_id).await?.http {
        true => http::route_state(session, api_id, resource_id).await,
        false => rest::method_state(session, api_id, resource_id, verb).await,
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
    if !Gateway::for_write(session, api_id).await?.http {
        return rest::create_authorizer(session, api_id, input, pool_arn).await;
    }
    let issuer = issuer_of_pool_arn(pool_arn).ok_or_else(|| CallFailure {
        error: Error::invalid("pool", format!("'{pool_arn}' is not a user pool's ARN")),
        retryable: false,
        ambiguous: false,
        throttled: false,
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
    match Gateway::of(session, api_id).await?.http {
        true => http::update_authorizer(session, api_id, current, input).await,
        false => rest::update_authorizer(session, api_id, current, input).await,
    }
}

pub async fn delete_authorizer(session: &Session, api_id: &str, authorizer_id: &str) -> Result<()> {
    match Gateway::of(session, api_id).await?.http {
        true => http::delete_authorizer(session, api_id, authorizer_id).await,
        false => rest::delete_authorizer(session, api_id, authorizer_id).await,
    }
}

/// One CreateDeployment to `stage`, not retried by the SDK (the caller looks first).
pub async fn create_deployment(
    session: &Session,
    api_id: &str,
    stage: &str,
    description: &str,
) -> std::result::Result<String, CallFailure> {
    match Gateway::for_write(session, api_id).await?.http {
        true => http::create_deployment(session, api_id, stage, description).await,
        false => rest_stages::create_deployment(session, api_id, stage, description).await,
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
    if Gateway::of(session, api_id).await?.http {
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
