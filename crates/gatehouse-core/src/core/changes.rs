//! Changing an API: the preview of a change, the journaled apply under the API's writer lock, and
//! the deployment that makes it live.

use super::state::{Core, Ctx};
use crate::apply::{self, ApplyEvent, ApplyReport, Pace};
use crate::aws::gateway::{self, Stage};
use crate::aws::session::Session;
use crate::domain::model::Action;
use crate::domain::model::ApiKind;
use crate::domain::plan::{self, Plan, Target};
use crate::error::{Error, Result};
use crate::local::journal::{self, Record};
use crate::local::lock::ApiLock;
use serde::{Deserialize, Serialize};

/// What the user asks to apply: which methods, to what, and whether warnings were read.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[derive(ts_rs::TS)]
pub struct ApplyRequest {
    pub api_id: String,
    pub api_name: String,
    pub methods: Vec<String>,
    pub target: Target,
    /// The user has read the plan's warnings and applies anyway.
    #[serde(default)]
    pub accept_warnings: bool,
}

/// A deployment as the page shows it.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[derive(ts_rs::TS)]
pub struct Deployment {
    pub id: String,
    pub stage: String,
}

impl Core {
    /// The preview: every selected method before → after, from AWS's current state.
    pub async fn plan(
        &self,
        ctx: &Ctx,
        api_id: &str,
        methods: &[String],
        target: &Target,
    ) -> Result<Plan> {
        let session = self.session(ctx).await?;
        let ((all, authorizers), api) = tokio::try_join!(
            crate::core::read::methods_and_authorizers(&session, api_id),
            gateway::api(&session, api_id)
        )?;
        let mut plan = plan::plan(&all, &authorizers, methods, target)?;
        plan::warn_if_stack_owned(&mut plan, &api);
        Ok(plan)
    }

    /// The window's apply: takes the API's writer lock, then plans afresh from what AWS holds
    /// under it (AWS may have changed since the preview), then applies, journaled. Nobody can
    /// write to the API between the read and the apply.
    pub async fn apply(
        &self,
        ctx: &Ctx,
        req: &ApplyRequest,
        pace: Pace,
        progress: &(dyn Fn(ApplyEvent) + Send + Sync),
    ) -> Result<ApplyReport> {
        let lock = self
            .lock_api(ctx, &req.api_id, &req.api_name, action_of(&req.target))
            .await?;
        let plan = self
            .plan(ctx, &req.api_id, &req.methods, &req.target)
            .await?;
        self.apply_plan(ctx, req, &plan, pace, progress, &lock)
            .await
    }

    /// Applies a plan made from what AWS held under `lock`, the API's writer lock, journaled.
    pub async fn apply_plan(
        &self,
        ctx: &Ctx,
        req: &ApplyRequest,
        plan: &Plan,
        pace: Pace,
        progress: &(dyn Fn(ApplyEvent) + Send + Sync),
        lock: &ApiLock,
    ) -> Result<ApplyReport> {
        lock.check(&req.api_id)?;
        if !plan.warnings.is_empty() && !req.accept_warnings {
            let text: Vec<String> = plan.warnings.iter().map(|w| w.message()).collect();
            return Err(Error::invalid("warnings", text.join(" ")));
        }
        let action = action_of(&req.target);
        let description = plan.description.clone();
        let header = self.header(ctx, &req.api_id, &req.api_name, action, description, None);
        let session = self.session(ctx).await?;
        lock.set_apply(&header.id, action)?;
        self.journaled_apply(&session, header, plan, pace, progress, lock)
            .await
    }

    /// Applies a plan under the given journal header; on an HTTP API whose stage deploys by
    /// itself, the apply is marked live on that stage at once.
    pub(super) async fn journaled_apply(
        &self,
        session: &Session,
        header: journal::ApplyHeader,
        plan: &Plan,
        pace: Pace,
        progress: &(dyn Fn(ApplyEvent) + Send + Sync),
        lock: &ApiLock,
    ) -> Result<ApplyReport> {
        let (apply_id, api_id) = (header.id.clone(), header.api_id.clone());
        let mut report = apply::apply(
            session,
            &self.journal_dir,
            header,
            plan,
            pace,
            progress,
            lock,
        )
        .await?;
        if report.changed > 0 {
            if let Some(stage) = auto_deploy_stage(session, &api_id).await {
                let live_on = journal::auto_deployed(&stage);
                journal::append(
                    &self.journal_dir,
                    &apply_id,
                    &Record::Deployed {
                        stage: live_on.clone(),
                        deployment_id: "auto".into(),
                        at_ms: journal::now_ms(),
                    },
                )?;
                report.live_on = Some(live_on);
            }
        }
        Ok(report)
    }

    pub async fn stages(&self, ctx: &Ctx, api_id: &str) -> Result<Vec<Stage>> {
        gateway::list_stages(&*self.session(ctx).await?, api_id).await
    }

    /// One CreateDeployment (paced to 1 per 5 s), under the API's writer lock; the applies it
    /// made live are marked deployed.
    pub async fn deploy(
        &self,
        ctx: &Ctx,
        api_id: &str,
        stage: &str,
        description: &str,
    ) -> Result<Deployment> {
        let stage = check_stage(stage)?;
        let api_name = journal::list(&self.journal_dir)?
            .into_iter()
            .find(|a| a.header.api_id == api_id)
            .map(|a| a.header.api_name)
            .unwrap_or_else(|| api_id.to_string());
        let lock = self
            .lock_api(ctx, api_id, &api_name, Action::Deploy)
            .await?;
        self.deploy_locked(ctx, api_id, stage, description, &lock)
            .await
    }

    /// The deploy itself, by the holder of the API's writer lock (a protect with `--deploy`).
    pub(super) async fn deploy_locked(
        &self,
        ctx: &Ctx,
        api_id: &str,
        stage: &str,
        description: &str,
        lock: &ApiLock,
    ) -> Result<Deployment> {
        lock.check(api_id)?;
        let stage = check_stage(stage)?;
        let session = self.session(ctx).await?;
        let pending = self.undeployed(ctx, api_id)?;
        // A stage that deploys by itself refuses CreateDeployment: it is live already.
        let auto = auto_deploy_stage(&session, api_id).await;
        let id = match auto.as_deref() == Some(stage) {
            true => "auto".to_string(),
            false => {
                apply::deploy(
                    &session,
                    &self.journal_dir,
                    api_id,
                    stage,
                    description,
                    lock,
                )
                .await?
            }
        };
        self.mark_live(&pending, stage, &id)?;
        Ok(Deployment {
            id,
            stage: stage.to_string(),
        })
    }

    /// Marks the applies a deployment took live: on `live_on` ("prod", "prod canary").
    pub(super) fn mark_live(
        &self,
        pending: &[journal::ApplySummary],
        live_on: &str,
        deployment_id: &str,
    ) -> Result<()> {
        for a in pending {
            journal::append(
                &self.journal_dir,
                &a.header.id,
                &Record::Deployed {
                    stage: live_on.to_string(),
                    deployment_id: deployment_id.to_string(),
                    at_ms: journal::now_ms(),
                },
            )?;
        }
        Ok(())
    }
}

/// The journal's and the lock's word for what a target does.
fn action_of(target: &Target) -> Action {
    match target {
        Target::Protect { .. } => Action::Protect,
        Target::Unprotect => Action::Unprotect,
    }
}

/// The stage of an HTTP API that deploys every change by itself, if it has one (a REST API has
/// none; a failed lookup counts as none, so the change is shown as not live yet).
async fn auto_deploy_stage(session: &Session, api_id: &str) -> Option<String> {
    if gateway::api_kind(session, api_id).await.ok()? != ApiKind::Http {
        return None;
    }
    gateway::list_stages(session, api_id)
        .await
        .ok()?
        .into_iter()
        .find(|s| s.auto_deploy)
        .map(|s| s.name)
}

/// A stage name as API Gateway takes it (trimmed), or why not. `$default` is an HTTP API's.
pub(super) fn check_stage(stage: &str) -> Result<&str> {
    let stage = stage.trim();
    if stage == "$default" {
        return Ok(stage);
    }
    if stage.is_empty()
        || !stage
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        return Err(Error::invalid(
            "stage",
            "A stage name is letters, digits, '-' and '_' (for example prod)",
        ));
    }
    Ok(stage)
}
