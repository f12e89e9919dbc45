//! The protect workflow both shells share: authorizers, plan, apply, deploy, history and undo.

use crate::apply::{self, ApplyEvent, ApplyReport, Pace};
use crate::aws::gateway::{self, Stage};
use crate::aws::session::Session;
use crate::core::{Core, Ctx};
use crate::error::{Error, Result};
use crate::journal::{self, ApplyHeader, ApplySummary, Record};
use crate::lock::{self, ApiLock};
use crate::model::{Authorizer, Method};
use crate::plan::{self, AuthorizerInput, Plan, Target};
use serde::{Deserialize, Serialize};

/// What the user asks to apply: which methods, to what, and whether warnings were read.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
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
pub struct Deployment {
    pub id: String,
    pub stage: String,
}

impl Core {
    /// Takes the writer lock of an API for a whole use case (a `protect` that may create an
    /// authorizer, then apply, then deploy); refused at once when another Gatehouse holds it.
    pub async fn lock_api(
        &self,
        ctx: &Ctx,
        api_id: &str,
        api_name: &str,
        action: &str,
    ) -> Result<ApiLock> {
        let session = self.session(ctx).await?;
        let key = format!("{} {api_id}", session.quota_key().await?);
        lock::acquire(&self.journal_dir, &key, api_name, action, None)
    }

    /// Creates a Cognito authorizer for a pool (whose region may differ from the API's), under
    /// the API's writer lock (`held` when the caller has it already).
    pub async fn create_authorizer(
        &self,
        ctx: &Ctx,
        api_id: &str,
        pool_region: &str,
        pool_id: &str,
        input: &AuthorizerInput,
        held: Option<&ApiLock>,
    ) -> Result<Authorizer> {
        if let Some(e) = plan::validate_authorizer(input).into_iter().next() {
            return Err(e);
        }
        if pool_id.trim().is_empty() {
            return Err(Error::invalid("pool", "Choose a user pool"));
        }
        let arn = self.pool_arn(ctx, pool_region, pool_id).await?;
        let session = self.session(ctx).await?;
        let _own = match held {
            Some(_) => None,
            None => Some(self.lock_api(ctx, api_id, api_id, "apply").await?),
        };
        apply::create_authorizer(&session, api_id, input, &arn).await
    }

    pub async fn update_authorizer(
        &self,
        ctx: &Ctx,
        api_id: &str,
        authorizer_id: &str,
        input: &AuthorizerInput,
    ) -> Result<()> {
        if let Some(e) = plan::validate_authorizer(input).into_iter().next() {
            return Err(e);
        }
        let session = self.session(ctx).await?;
        let current = gateway::list_authorizers(&session, api_id)
            .await?
            .into_iter()
            .find(|a| a.id == authorizer_id)
            .ok_or_else(|| Error::NotFound(format!("No authorizer {authorizer_id} in this API")))?;
        gateway::update_authorizer(&session, api_id, &current, input).await
    }

    /// Deletes an authorizer no method uses; refused with the list of methods that still do.
    pub async fn delete_authorizer(
        &self,
        ctx: &Ctx,
        api_id: &str,
        authorizer_id: &str,
    ) -> Result<()> {
        let session = self.session(ctx).await?;
        let (methods, authorizers) = self.methods_and_authorizers_of(ctx, api_id).await?;
        let name = authorizers
            .iter()
            .find(|a| a.id == authorizer_id)
            .map(|a| a.name.clone())
            .unwrap_or_else(|| authorizer_id.to_string());
        let users: Vec<String> = methods
            .iter()
            .filter(|m| !m.is_open() && m.authorizer_id.as_deref() == Some(authorizer_id))
            .map(Method::key)
            .collect();
        if !users.is_empty() {
            return Err(Error::invalid(
                "authorizer",
                format!(
                    "{name} is still used by {}: remove it from them first",
                    users.join(", ")
                ),
            ));
        }
        gateway::delete_authorizer(&session, api_id, authorizer_id).await
    }

    /// The preview: every selected method before → after, from AWS's current state.
    pub async fn plan(
        &self,
        ctx: &Ctx,
        api_id: &str,
        methods: &[String],
        target: &Target,
    ) -> Result<Plan> {
        let (all, authorizers) = self.methods_and_authorizers_of(ctx, api_id).await?;
        plan::plan(&all, &authorizers, methods, target)
    }

    /// Every method and authorizer of the API, as AWS holds them now.
    pub async fn methods_and_authorizers_of(
        &self,
        ctx: &Ctx,
        api_id: &str,
    ) -> Result<(Vec<Method>, Vec<Authorizer>)> {
        let session = self.session(ctx).await?;
        crate::core::methods_and_authorizers(&session, api_id).await
    }

    /// Plans afresh (AWS may have changed since the preview) and applies, journaled.
    pub async fn apply(
        &self,
        ctx: &Ctx,
        req: &ApplyRequest,
        pace: Pace,
        progress: &(dyn Fn(ApplyEvent) + Send + Sync),
    ) -> Result<ApplyReport> {
        let plan = self
            .plan(ctx, &req.api_id, &req.methods, &req.target)
            .await?;
        self.apply_plan(ctx, req, &plan, pace, progress, None).await
    }

    /// Applies a plan just made from AWS's current state, journaled, under the API's writer lock
    /// (`held` when the caller has it already).
    pub async fn apply_plan(
        &self,
        ctx: &Ctx,
        req: &ApplyRequest,
        plan: &Plan,
        pace: Pace,
        progress: &(dyn Fn(ApplyEvent) + Send + Sync),
        held: Option<&ApiLock>,
    ) -> Result<ApplyReport> {
        if !plan.warnings.is_empty() && !req.accept_warnings {
            let text: Vec<String> = plan.warnings.iter().map(|w| w.message()).collect();
            return Err(Error::invalid("warnings", text.join(" ")));
        }
        let action = match &req.target {
            Target::Protect { .. } => "protect",
            Target::Unprotect => "unprotect",
        };
        let description = plan.description.clone();
        let header = self.header(ctx, &req.api_id, &req.api_name, action, description, None);
        let session = self.session(ctx).await?;
        let _own = match held {
            Some(lock) => {
                lock.set_apply(&header.id, action)?;
                None
            }
            None => Some(self.lock(&session, &header, action).await?),
        };
        apply::apply(&session, &self.journal_dir, header, plan, pace, progress).await
    }

    /// The API's writer lock, taken for an apply or an undo; refused at once when another
    /// Gatehouse (window or command line) writes to the same API.
    async fn lock(&self, session: &Session, header: &ApplyHeader, action: &str) -> Result<ApiLock> {
        let key = format!("{} {}", session.quota_key().await?, header.api_id);
        lock::acquire(
            &self.journal_dir,
            &key,
            &header.api_name,
            action,
            Some(&header.id),
        )
    }

    fn header(
        &self,
        ctx: &Ctx,
        api_id: &str,
        api_name: &str,
        action: &str,
        description: String,
        undoes: Option<String>,
    ) -> ApplyHeader {
        ApplyHeader {
            id: journal::new_apply_id(),
            started_ms: journal::now_ms(),
            profile: ctx.profile.clone(),
            region: ctx.region.clone(),
            api_id: api_id.to_string(),
            api_name: api_name.to_string(),
            action: action.to_string(),
            description,
            undoes,
        }
    }

    /// Every apply, newest first, each saying whether it is running now and whether it can be
    /// undone.
    pub fn history(&self) -> Result<Vec<ApplySummary>> {
        let running = lock::running(&self.journal_dir);
        let mut all = journal::list(&self.journal_dir)?;
        for a in &mut all {
            a.running = !a.finished && running.contains(&a.header.id);
            a.can_undo = !a.running && a.undoable();
        }
        Ok(all)
    }

    /// The last apply that can be undone, or the named one, for `gatehouse undo`.
    pub fn find_apply(&self, id: Option<&str>) -> Result<ApplySummary> {
        let all = self.history()?;
        match id {
            Some(id) => all
                .into_iter()
                .find(|a| a.header.id == id)
                .ok_or_else(|| Error::NotFound(format!("No apply {id} in the journal"))),
            None => all
                .into_iter()
                .find(|a| a.header.action != "undo" && a.undone_by.is_none())
                .ok_or_else(|| Error::NotFound("There is no apply to undo in the journal".into())),
        }
    }

    /// Why an apply cannot be undone, if it cannot.
    fn check_undoable(summary: &ApplySummary) -> Result<()> {
        let id = &summary.header.id;
        if summary.running {
            return Err(Error::Busy(format!(
                "Apply {id} is still running; undo it once it has finished"
            )));
        }
        if summary.header.action == "undo" {
            return Err(Error::invalid(
                "apply",
                format!(
                    "{id} is an undo; it cannot itself be undone (apply the change again instead)"
                ),
            ));
        }
        if let Some(by) = &summary.undone_by {
            return Err(Error::invalid(
                "apply",
                format!("Apply {id} was already undone (by {by})"),
            ));
        }
        Ok(())
    }

    /// The preview of an undo: what would be restored, and what is left alone and why.
    pub async fn plan_undo(&self, apply_id: &str, force: bool) -> Result<(ApplySummary, Plan)> {
        let summary = self.find_apply(Some(apply_id))?;
        Self::check_undoable(&summary)?;
        let session = self.session(&Self::ctx_of(&summary)).await?;
        let methods = gateway::list_methods(&session, &summary.header.api_id).await?;
        let plan = plan::plan_undo(&methods, &journal::undo_entries(&summary), force);
        Ok((summary, plan))
    }

    fn ctx_of(summary: &ApplySummary) -> Ctx {
        Ctx {
            profile: summary.header.profile.clone(),
            region: summary.header.region.clone(),
        }
    }

    /// Restores the methods an apply changed to their previous states — also an apply that was
    /// interrupted — with the profile and region it was made with. A method someone changed
    /// since the apply is left alone and reported skipped, unless `force`.
    pub async fn undo(
        &self,
        apply_id: &str,
        force: bool,
        pace: Pace,
        progress: &(dyn Fn(ApplyEvent) + Send + Sync),
    ) -> Result<ApplyReport> {
        let summary = self.find_apply(Some(apply_id))?;
        Self::check_undoable(&summary)?;
        let ctx = Self::ctx_of(&summary);
        let session = self.session(&ctx).await?;
        let header = self.header(
            &ctx,
            &summary.header.api_id,
            &summary.header.api_name,
            "undo",
            format!("previous states (undo of {apply_id})"),
            Some(apply_id.to_string()),
        );
        let _lock = self.lock(&session, &header, "undo").await?;
        // Planned under the lock, from AWS's current state.
        let methods = gateway::list_methods(&session, &summary.header.api_id).await?;
        let plan = plan::plan_undo(&methods, &journal::undo_entries(&summary), force);
        apply::apply(&session, &self.journal_dir, header, &plan, pace, progress).await
    }

    pub async fn stages(&self, ctx: &Ctx, api_id: &str) -> Result<Vec<Stage>> {
        gateway::list_stages(&*self.session(ctx).await?, api_id).await
    }

    /// Applies that changed this API and were not deployed since.
    pub fn undeployed(&self, ctx: &Ctx, api_id: &str) -> Result<Vec<ApplySummary>> {
        Ok(self
            .history()?
            .into_iter()
            .filter(|a| {
                a.header.api_id == api_id
                    && a.header.region == ctx.region
                    && a.header.profile == ctx.profile
                    && a.changed > 0
                    && a.deployed.is_none()
            })
            .collect())
    }

    /// One CreateDeployment (paced to 1 per 5 s); the applies it made live are marked deployed.
    /// Under the API's writer lock (`held` when the caller has it already).
    pub async fn deploy(
        &self,
        ctx: &Ctx,
        api_id: &str,
        stage: &str,
        description: &str,
        held: Option<&ApiLock>,
    ) -> Result<Deployment> {
        let stage = stage.trim();
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
        let session = self.session(ctx).await?;
        let _own = match held {
            Some(_) => None,
            None => {
                let api_name = self
                    .history()?
                    .into_iter()
                    .find(|a| a.header.api_id == api_id)
                    .map(|a| a.header.api_name)
                    .unwrap_or_else(|| api_id.to_string());
                Some(self.lock_api(ctx, api_id, &api_name, "deploy").await?)
            }
        };
        let pending = self.undeployed(ctx, api_id)?;
        let id = apply::deploy(&session, &self.journal_dir, api_id, stage, description).await?;
        for a in pending {
            journal::append(
                &self.journal_dir,
                &a.header.id,
                &Record::Deployed {
                    stage: stage.to_string(),
                    deployment_id: id.clone(),
                    at_ms: journal::now_ms(),
                },
            )?;
        }
        Ok(Deployment {
            id,
            stage: stage.to_string(),
        })
    }
}
