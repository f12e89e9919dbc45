//! A REST API's stages and deployments, and AWS's own authorizer test.

use super::rest::no_retries;
use crate::aws::failure::{call_failure, pace_write, CallFailure};
use crate::aws::session::Session;
use crate::error::Result;
use crate::local::pacer::Call;

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

/// One CreateDeployment to `stage`'s canary, at `percent` of the traffic; not retried by the SDK.
pub(super) async fn create_canary_deployment(
    session: &Session,
    api_id: &str,
    stage: &str,
    description: &str,
    percent: f64,
) -> std::result::Result<String, CallFailure> {
    pace_write(session).await?;
    let canary = aws_sdk_apigateway::types::DeploymentCanarySettings::builder()
        .percent_traffic(percent)
        .build();
    let out = session
        .gateway
        .create_deployment()
        .rest_api_id(api_id)
        .stage_name(stage)
        .canary_settings(canary)
        .set_description((!description.trim().is_empty()).then(|| description.trim().to_string()))
        .customize()
        .config_override(no_retries())
        .send()
        .await
        .map_err(|e| call_failure(session, e))?;
    Ok(out.id().unwrap_or_default().to_string())
}

/// Promotes `stage`'s canary as the console does: one UpdateStage that copies the canary's
/// deployment and stage variable overrides to the stage and sets the canary's share to 0%. Sent
/// again it changes nothing more, so the SDK may retry it.
pub(super) async fn promote_canary(session: &Session, api_id: &str, stage: &str) -> Result<()> {
    use aws_sdk_apigateway::types::{Op, PatchOperation};
    let op = |op: Op, path: &str, from: Option<&str>, value: Option<&str>| {
        PatchOperation::builder()
            .op(op)
            .path(path)
            .set_from(from.map(str::to_string))
            .set_value(value.map(str::to_string))
            .build()
    };
    pace_write(session).await.map_err(|f| f.error)?;
    session
        .gateway
        .update_stage()
        .rest_api_id(api_id)
        .stage_name(stage)
        .patch_operations(op(
            Op::Copy,
            "/deploymentId",
            Some("/canarySettings/deploymentId"),
            None,
        ))
        .patch_operations(op(
            Op::Copy,
            "/variables",
            Some("/canarySettings/stageVariableOverrides"),
            None,
        ))
        .patch_operations(op(
            Op::Replace,
            "/canarySettings/percentTraffic",
            None,
            Some("0.0"),
        ))
        .send()
        .await
        .map_err(|e| session.map_err(e))?;
    Ok(())
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
