//! What each stage serves, as API Gateway tells it: GetStages (the deployment of each stage and of
//! its canary), a REST deployment's apiSummary (GetDeployment, embed=apisummary) and a stage's
//! OpenAPI export (GetExport with extensions=authorizers; ExportApi with a stage name on v2).

use crate::aws::session::Session;
use crate::domain::live::export::ApiSummary;
use crate::domain::live::{CanaryInfo, StageInfo};
use crate::error::Result;
use crate::local::pacer::Call;
use aws_sdk_apigateway::primitives::{Blob, DateTime, DateTimeFormat};
use serde_json::Value;

/// RFC 3339 (UTC) from the SDK's time.
fn rfc3339(t: Option<&DateTime>) -> Option<String> {
    t.and_then(|t| t.fmt(DateTimeFormat::DateTime).ok())
}

/// An export's body as JSON; an empty or unreadable one is None (the stage is then judged by its
/// deployment's summary alone).
fn export_json(body: Option<&Blob>) -> Option<Value> {
    serde_json::from_slice(body?.as_ref()).ok()
}

pub(super) mod rest {
    use super::*;

    pub async fn stages(session: &Session, api_id: &str) -> Result<Vec<StageInfo>> {
        session.pace(Call::Any).await?;
        let out = session
            .gateway
            .get_stages()
            .rest_api_id(api_id)
            .send()
            .await
            .map_err(|e| session.map_err(e))?;
        let mut stages: Vec<StageInfo> = out
            .item()
            .iter()
            .map(|s| StageInfo {
                name: s.stage_name().unwrap_or_default().to_string(),
                deployment_id: s.deployment_id().map(str::to_string),
                auto_deploy: false,
                status_message: None,
                canary: s.canary_settings().and_then(|c| {
                    Some(CanaryInfo {
                        deployment_id: c.deployment_id()?.to_string(),
                        percent: c.percent_traffic(),
                    })
                }),
            })
            .collect();
        stages.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(stages)
    }

    /// A deployment's time and summary: every method's authorization type and API key.
    pub async fn deployment(
        session: &Session,
        api_id: &str,
        deployment_id: &str,
    ) -> Result<(Option<String>, ApiSummary)> {
        session.pace(Call::Any).await?;
        let out = session
            .gateway
            .get_deployment()
            .rest_api_id(api_id)
            .deployment_id(deployment_id)
            .embed("apisummary")
            .send()
            .await
            .map_err(|e| session.map_err(e))?;
        let mut summary = ApiSummary::new();
        for (path, verbs) in out.api_summary().into_iter().flatten() {
            let row = summary.entry(path.clone()).or_default();
            for (verb, m) in verbs {
                let auth = m.authorization_type().unwrap_or("NONE").to_string();
                row.insert(verb.to_uppercase(), (auth, m.api_key_required()));
            }
        }
        Ok((rfc3339(out.created_date()), summary))
    }

    /// The stage's deployment as OpenAPI 3, with its authorizers.
    pub async fn export(session: &Session, api_id: &str, stage: &str) -> Result<Option<Value>> {
        session.pace(Call::Any).await?;
        let out = session
            .gateway
            .get_export()
            .rest_api_id(api_id)
            .stage_name(stage)
            .export_type("oas30")
            .parameters("extensions", "authorizers")
            .accepts("application/json")
            .send()
            .await
            .map_err(|e| session.map_err(e))?;
        Ok(export_json(out.body()))
    }

    /// The API's gateway responses, AWS's defaults included (one page holds every type).
    pub async fn gateway_responses(
        session: &Session,
        api_id: &str,
    ) -> Result<Vec<crate::domain::browser::GatewayResponse>> {
        session.pace(Call::Any).await?;
        let out = session
            .gateway
            .get_gateway_responses()
            .rest_api_id(api_id)
            .limit(500)
            .send()
            .await
            .map_err(|e| session.map_err(e))?;
        Ok(out
            .items()
            .iter()
            .map(|r| crate::domain::browser::GatewayResponse {
                response_type: r
                    .response_type()
                    .map(|t| t.as_str().to_string())
                    .unwrap_or_default(),
                default_response: r.default_response(),
                parameters: r
                    .response_parameters()
                    .map(|p| p.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
                    .unwrap_or_default(),
                status_code: r.status_code().map(str::to_string),
                templates: r
                    .response_templates()
                    .map(|p| p.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
                    .unwrap_or_default(),
            })
            .collect())
    }

    /// PutGatewayResponse with the whole response, or DeleteGatewayResponse when `state` is
    /// AWS's default (the type then answers as AWS's default again). Both may be sent again.
    pub async fn set_gateway_response(
        session: &Session,
        api_id: &str,
        response_type: &str,
        state: &crate::domain::responses::ResponseState,
    ) -> Result<()> {
        use aws_sdk_apigateway::types::GatewayResponseType;
        let kind = GatewayResponseType::from(response_type);
        crate::aws::failure::pace_write(session)
            .await
            .map_err(|f| f.error)?;
        if state.default_response {
            session
                .gateway
                .delete_gateway_response()
                .rest_api_id(api_id)
                .response_type(kind)
                .send()
                .await
                .map_err(|e| session.map_err(e))?;
            return Ok(());
        }
        let map = |m: &std::collections::BTreeMap<String, String>| {
            m.iter().map(|(k, v)| (k.clone(), v.clone())).collect()
        };
        session
            .gateway
            .put_gateway_response()
            .rest_api_id(api_id)
            .response_type(kind)
            .set_status_code(state.status_code.clone())
            .set_response_parameters(Some(map(&state.parameters)))
            .set_response_templates(Some(map(&state.templates)))
            .send()
            .await
            .map_err(|e| session.map_err(e))?;
        Ok(())
    }
}

pub(super) mod http {
    use super::*;

    pub async fn stages(session: &Session, api_id: &str) -> Result<Vec<StageInfo>> {
        let c = &session.gateway_v2;
        let mut stages: Vec<StageInfo> = all_pages!(
            session,
            |token| c
                .get_stages()
                .api_id(api_id)
                .max_results("500")
                .set_next_token(token)
                .send(),
            |page| page.items().iter().map(|s| {
                let auto_deploy = s.auto_deploy().unwrap_or(false);
                StageInfo {
                    name: s.stage_name().unwrap_or_default().to_string(),
                    deployment_id: s.deployment_id().map(str::to_string),
                    auto_deploy,
                    status_message: s
                        .last_deployment_status_message()
                        .filter(|m| auto_deploy && failed(m))
                        .map(str::to_string),
                    canary: None,
                }
            })
        );
        stages.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(stages)
    }

    /// AWS writes the outcome of an automatic deployment in words; a success names itself.
    fn failed(message: &str) -> bool {
        let m = message.to_ascii_lowercase();
        !m.trim().is_empty() && !m.contains("success")
    }

    /// When a deployment was made.
    pub async fn deployment_time(
        session: &Session,
        api_id: &str,
        deployment_id: &str,
    ) -> Result<Option<String>> {
        session.pace(Call::Any).await?;
        let out = session
            .gateway_v2
            .get_deployment()
            .api_id(api_id)
            .deployment_id(deployment_id)
            .send()
            .await
            .map_err(|e| session.map_err(e))?;
        Ok(rfc3339(out.created_date()))
    }

    /// What the stage serves, as OpenAPI 3 with API Gateway's extensions.
    pub async fn export(session: &Session, api_id: &str, stage: &str) -> Result<Option<Value>> {
        session.pace(Call::Any).await?;
        let out = session
            .gateway_v2
            .export_api()
            .api_id(api_id)
            .specification("OAS30")
            .output_type("JSON")
            .stage_name(stage)
            .include_extensions(true)
            .send()
            .await
            .map_err(|e| session.map_err(e))?;
        Ok(export_json(out.body()))
    }
}
