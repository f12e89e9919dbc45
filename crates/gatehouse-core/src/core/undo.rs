//! Undo: the preview of an undo and the undo itself, which restores only what AWS still holds
//! as the apply set it (the rest is skipped unless forced), under the API's writer lock.

use super::state::{Core, Ctx};
use crate::apply::{ApplyEvent, ApplyReport, Pace};
use crate::aws::gateway;
use crate::domain::model::Action;
use crate::domain::plan::Plan;
use crate::domain::undo_plan;
use crate::error::{Error, Result};
use crate::local::journal::{self, ApplySummary};

impl Core {
    /// Why an apply cannot be undone, if it cannot.
    pub(super) fn check_undoable(summary: &ApplySummary) -> Result<()> {
        let id = &summary.header.id;
        if summary.running {
            return Err(Error::Busy(format!(
                "Apply {id} is still running; undo it once it has finished"
            )));
        }
        if summary.header.action == Action::Undo {
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

    /// A CORS fix changed gateway responses, not methods: its undo is `undo_cors`.
    fn check_methods_apply(summary: &ApplySummary) -> Result<()> {
        match summary.header.action {
            Action::Cors => Err(Error::invalid(
                "apply",
                format!(
                    "{} changed gateway responses, not methods: undo it as a CORS fix",
                    summary.header.id
                ),
            )),
            _ => Ok(()),
        }
    }

    /// The preview of an undo: what would be restored, and what is left alone and why.
    pub async fn plan_undo(&self, apply_id: &str, force: bool) -> Result<(ApplySummary, Plan)> {
        let summary = self.find_apply(Some(apply_id))?;
        Self::check_undoable(&summary)?;
        Self::check_methods_apply(&summary)?;
        let session = self.session(&ctx_of(&summary)).await?;
        let (methods, authorizers) = tokio::try_join!(
            gateway::list_methods(&session, &summary.header.api_id),
            gateway::list_authorizers(&session, &summary.header.api_id)
        )?;
        let mut plan = undo_plan::plan_undo(&methods, &journal::undo_entries(&summary), force);
        plan.describe(&authorizers, true);
        Ok((summary, plan))
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
        Self::check_methods_apply(&summary)?;
        let ctx = ctx_of(&summary);
        let session = self.session(&ctx).await?;
        let header = self.header(
            &ctx,
            &summary.header.api_id,
            &summary.header.api_name,
            Action::Undo,
            format!("previous states (undo of {apply_id})"),
            Some(apply_id.to_string()),
        );
        let lock = self.lock_for_apply(&session, &header, Action::Undo).await?;
        // Planned under the lock, from AWS's current state; the History is read again under it
        // too, so that an undo that ran in between is seen.
        let summary = self.find_apply(Some(apply_id))?;
        Self::check_undoable(&summary)?;
        let methods = gateway::list_methods(&session, &summary.header.api_id).await?;
        let plan = undo_plan::plan_undo(&methods, &journal::undo_entries(&summary), force);
        self.journaled_apply(&session, header, &plan, pace, progress, &lock)
            .await
    }
}

/// The profile and region an apply was made with: its undo uses the same.
pub(super) fn ctx_of(summary: &ApplySummary) -> Ctx {
    Ctx {
        profile: summary.header.profile.clone(),
        region: summary.header.region.clone(),
    }
}
