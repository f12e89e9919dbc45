//! Deploying with a preview: what changes on the stage (or its canary), which changes Gatehouse
//! did not make (they need acknowledging), and then one CreateDeployment under the API's lock.

use super::changes::Deployment;
use super::state::{Core, Ctx};
use crate::domain::live::deploy::{self, DeployPreview, DeployTarget, MadeByGatehouse};
use crate::domain::model::Action;
use crate::error::{Error, Result};
use crate::local::journal::{self, Outcome};

impl Core {
    /// What a deploy of the editor to `stage` would change, read from AWS now.
    pub async fn deploy_preview(
        &self,
        ctx: &Ctx,
        api_id: &str,
        stage: &str,
        target: DeployTarget,
    ) -> Result<DeployPreview> {
        let session = self.session(ctx).await?;
        let (review, methods, authorizers) = super::read::read_editor(&session, api_id).await?;
        let stages = self
            .stages_served(&session, api_id, (&methods, &authorizers), &review.methods)
            .await?;
        let view = match stages.iter().find(|s| s.name == stage) {
            Some(v) => v.clone(),
            // A stage not made yet serves nothing: every method is new there.
            None => crate::domain::live::stage_view(
                &crate::domain::live::StageInfo {
                    name: stage.to_string(),
                    deployment_id: None,
                    auto_deploy: false,
                    status_message: None,
                    canary: None,
                },
                None,
                None,
                &review.methods,
                journal::now_ms(),
            ),
        };
        Ok(deploy::preview(
            api_id,
            &view,
            target,
            &methods,
            &self.made_by_gatehouse(ctx, api_id)?,
        ))
    }

    /// Every change the journal says Gatehouse made to this API's methods.
    fn made_by_gatehouse(&self, ctx: &Ctx, api_id: &str) -> Result<Vec<MadeByGatehouse>> {
        Ok(journal::list(&self.journal_dir)?
            .into_iter()
            .filter(|a| a.header.api_id == api_id && a.header.region == ctx.region)
            .flat_map(|a| {
                let at_ms = a.header.started_ms;
                a.methods
                    .into_iter()
                    .filter(|m| m.status == Some(Outcome::Changed))
                    .map(move |m| MadeByGatehouse {
                        at_ms,
                        key: m.key,
                        planned: m.planned,
                    })
            })
            .collect())
    }

    /// Deploys after the preview, under the API's lock (the preview is read again under it):
    /// refused when the stage has a canary and the base is asked, and when changes Gatehouse did
    /// not make are not acknowledged.
    pub async fn deploy_previewed(
        &self,
        ctx: &Ctx,
        api_id: &str,
        stage: &str,
        target: DeployTarget,
        description: &str,
        acknowledged: bool,
    ) -> Result<(DeployPreview, Deployment)> {
        let lock = self.lock_api(ctx, api_id, api_id, Action::Deploy).await?;
        let preview = self.deploy_preview(ctx, api_id, stage, target).await?;
        if let Some(why) = &preview.refusal {
            return Err(Error::invalid("stage", why.clone()));
        }
        if !preview.not_by_gatehouse.is_empty() && !acknowledged {
            return Err(Error::invalid(
                "acknowledge",
                format!(
                    "This deploy also takes live changes Gatehouse did not make: {}. Look at them, \
                     then acknowledge them (--yes) to deploy",
                    preview.not_by_gatehouse.join(", ")
                ),
            ));
        }
        let done = match target {
            DeployTarget::Stage => {
                self.deploy_locked(ctx, api_id, stage, description, &lock)
                    .await?
            }
            DeployTarget::Canary => {
                self.deploy_canary_locked(ctx, api_id, stage, description, &lock)
                    .await?
            }
            DeployTarget::Promote => self.promote_locked(ctx, api_id, stage, &lock).await?,
        };
        Ok((preview, done))
    }

    /// The stage's canary promoted to the whole stage, by the holder of the API's lock: the stage
    /// then serves the canary's deployment (its id is the answer).
    async fn promote_locked(
        &self,
        ctx: &Ctx,
        api_id: &str,
        stage: &str,
        lock: &crate::local::lock::ApiLock,
    ) -> Result<Deployment> {
        lock.check(api_id)?;
        let session = self.session(ctx).await?;
        crate::aws::gateway::promote_canary(&session, api_id, stage).await?;
        let id = crate::aws::gateway::stage_deployment(&session, api_id, stage)
            .await?
            .unwrap_or_default();
        Ok(Deployment {
            id,
            stage: stage.to_string(),
        })
    }

    /// A deploy to the stage's canary, by the holder of the API's lock; the applies it takes
    /// live are marked live on "STAGE canary".
    async fn deploy_canary_locked(
        &self,
        ctx: &Ctx,
        api_id: &str,
        stage: &str,
        description: &str,
        lock: &crate::local::lock::ApiLock,
    ) -> Result<Deployment> {
        lock.check(api_id)?;
        let session = self.session(ctx).await?;
        let pending = self.undeployed(ctx, api_id)?;
        let id = crate::apply::deploy_canary(
            &session,
            &self.journal_dir,
            api_id,
            stage,
            description,
            lock,
        )
        .await?;
        let live_on = format!("{stage} canary");
        self.mark_live(&pending, &live_on, &id)?;
        Ok(Deployment { id, stage: live_on })
    }
}
