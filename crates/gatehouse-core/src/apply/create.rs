//! The creates of an apply's use case, each sent at most a few times and never twice blindly.

use super::run::backoff;
use crate::aws::failure::CallFailure;
use crate::aws::gateway;
use crate::aws::session::Session;
use crate::domain::live::CanaryInfo;
use crate::error::Result;
use crate::local::lock::ApiLock;
use crate::local::pacer::SharedPacer;
use std::path::Path;

/// How many times a create (authorizer, deployment) is sent at most.
const CREATE_ATTEMPTS: u32 = 4;

/// Sends a create at most `CREATE_ATTEMPTS` times, each after the pacer's turn when there is one.
/// After an ambiguous failure (the answer was lost: it may have landed) `landed` looks for what
/// it would have created and takes that instead of sending again.
async fn create_once<T, Send, Sent, Look, Looked>(
    pacer: Option<&SharedPacer>,
    mut send: Send,
    mut landed: Look,
) -> Result<T>
where
    Send: FnMut() -> Sent,
    Sent: std::future::Future<Output = std::result::Result<T, CallFailure>>,
    Look: FnMut() -> Looked,
    Looked: std::future::Future<Output = Result<Option<T>>>,
{
    let mut attempt = 0;
    loop {
        attempt += 1;
        if let Some(p) = pacer {
            p.until_ready().await?;
        }
        let failure = match send().await {
            Ok(made) => return Ok(made),
            Err(f) => f,
        };
        if !failure.retryable || attempt >= CREATE_ATTEMPTS {
            return Err(failure.error);
        }
        tokio::time::sleep(backoff(attempt)).await;
        if failure.ambiguous {
            if let Some(made) = landed().await? {
                return Ok(made);
            }
        }
    }
}

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
    create_once(
        Some(&pacer),
        || gateway::create_deployment(session, api_id, stage, description),
        || async {
            let now = gateway::stage_deployment(session, api_id, stage).await?;
            Ok(now.filter(|id| Some(id) != before.as_ref()))
        },
    )
    .await
}

/// The canary of `stage`, as GetStages has it now.
async fn canary_of(session: &Session, api_id: &str, stage: &str) -> Result<Option<CanaryInfo>> {
    Ok(gateway::stage_infos(session, api_id)
        .await?
        .into_iter()
        .find(|s| s.name == stage)
        .and_then(|s| s.canary))
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
    let before = canary_of(session, api_id, stage).await?.ok_or_else(|| {
        crate::error::Error::invalid("stage", format!("{stage} has no canary to deploy to"))
    })?;
    let before = &before;
    create_once(
        Some(&pacer),
        || gateway::create_canary_deployment(session, api_id, stage, description, before.percent),
        || async {
            let now = canary_of(session, api_id, stage).await?;
            Ok(now
                .filter(|c| c.deployment_id != before.deployment_id)
                .map(|c| c.deployment_id))
        },
    )
    .await
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
    create_once(
        None,
        || gateway::create_authorizer(session, api_id, input, pool_arn),
        || async {
            let existing = gateway::list_authorizers(session, api_id).await?;
            Ok(existing.into_iter().find(|a| {
                a.name == input.name.trim()
                    && crate::domain::plan::matches_authorizer(a, pool_arn, input)
            }))
        },
    )
    .await
}
