//! The creates of an apply's use case, each sent at most a few times and never twice blindly.

use super::run::backoff;
use crate::aws::gateway;
use crate::aws::session::Session;
use crate::error::Result;
use crate::local::lock::ApiLock;
use crate::local::pacer::SharedPacer;
use std::path::Path;

/// How many times a create (authorizer, deployment) is sent at most.
const CREATE_ATTEMPTS: u32 = 4;

/// One CreateDeployment to `stage`, paced to one per 5 s across the machine. After an ambiguous
/// failure it looks at the stage before sending again, so a lost answer never deploys twice.
pub async fn deploy(
    session: &Session,
    dir: &Path,
    api_id: &str,
    stage: &str,
    description: &str,
    lock: &ApiLock,
) -> Result<String> {
    lock.check(api_id)?;
    let pacer = SharedPacer::new(dir, "deploy", &session.quota_key().await?, 0.2, 1);
    let before = gateway::stage_deployment(session, api_id, stage).await?;
    let mut attempt = 0;
    loop {
        attempt += 1;
        pacer.until_ready().await?;
        let failure = match gateway::create_deployment(session, api_id, stage, description).await {
            Ok(id) => return Ok(id),
            Err(f) => f,
        };
        if !failure.retryable || attempt >= CREATE_ATTEMPTS {
            return Err(failure.error);
        }
        tokio::time::sleep(backoff(attempt)).await;
        if failure.ambiguous {
            let now = gateway::stage_deployment(session, api_id, stage).await?;
            if let Some(id) = now.filter(|id| Some(id) != before.as_ref()) {
                return Ok(id);
            }
        }
    }
}

/// One CreateDeployment to `stage`'s canary (at the share of traffic it has now), paced as a
/// deploy; after an ambiguous failure it looks at the canary before sending again.
pub async fn deploy_canary(
    session: &Session,
    dir: &Path,
    api_id: &str,
    stage: &str,
    description: &str,
    lock: &ApiLock,
) -> Result<String> {
    lock.check(api_id)?;
    let pacer = SharedPacer::new(dir, "deploy", &session.quota_key().await?, 0.2, 1);
    let canary = |stages: Vec<crate::domain::live::StageInfo>| {
        stages
            .into_iter()
            .find(|s| s.name == stage)
            .and_then(|s| s.canary)
    };
    let before = canary(gateway::stage_infos(session, api_id).await?).ok_or_else(|| {
        crate::error::Error::invalid("stage", format!("{stage} has no canary to deploy to"))
    })?;
    let mut attempt = 0;
    loop {
        attempt += 1;
        pacer.until_ready().await?;
        let sent =
            gateway::create_canary_deployment(session, api_id, stage, description, before.percent)
                .await;
        let failure = match sent {
            Ok(id) => return Ok(id),
            Err(f) => f,
        };
        if !failure.retryable || attempt >= CREATE_ATTEMPTS {
            return Err(failure.error);
        }
        tokio::time::sleep(backoff(attempt)).await;
        if failure.ambiguous {
            let now = canary(gateway::stage_infos(session, api_id).await?);
            if let Some(c) = now.filter(|c| c.deployment_id != before.deployment_id) {
                return Ok(c.deployment_id);
            }
        }
    }
}

/// Creates a Cognito authorizer. After an ambiguous failure it lists the API's authorizers and
/// takes the one that landed instead of creating a second.
pub async fn create_authorizer(
    session: &Session,
    api_id: &str,
    input: &crate::domain::plan::AuthorizerInput,
    pool_arn: &str,
    lock: &ApiLock,
) -> Result<crate::domain::model::Authorizer> {
    lock.check(api_id)?;
    let mut attempt = 0;
    loop {
        attempt += 1;
        let failure = match gateway::create_authorizer(session, api_id, input, pool_arn).await {
            Ok(a) => return Ok(a),
            Err(f) => f,
        };
        if !failure.retryable || attempt >= CREATE_ATTEMPTS {
            return Err(failure.error);
        }
        tokio::time::sleep(backoff(attempt)).await;
        if failure.ambiguous {
            let existing = gateway::list_authorizers(session, api_id).await?;
            if let Some(a) = existing.into_iter().find(|a| {
                a.name == input.name.trim()
                    && crate::domain::plan::matches_authorizer(a, pool_arn, input)
            }) {
                return Ok(a);
            }
        }
    }
}
