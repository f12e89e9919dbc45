//! The History: every journaled apply, whether it is running now, whether it can be undone, and
//! which ones an API has not been deployed since.

use super::state::{Core, Ctx};
use crate::domain::model::Action;
use crate::error::{Error, Result};
use crate::local::journal::{self, ApplySummary};
use crate::local::lock;

impl Core {
    /// Every apply, newest first, each saying whether it is running now and whether it can be
    /// undone.
    pub fn history(&self) -> Result<Vec<ApplySummary>> {
        let running = lock::running(&self.journal_dir);
        let mut all = journal::list(&self.journal_dir)?;
        for a in &mut all {
            a.set_running(!a.finished && running.contains(&a.header.id));
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
                .find(|a| a.header.action != Action::Undo && a.undone_by.is_none())
                .ok_or_else(|| Error::NotFound("There is no apply to undo in the journal".into())),
        }
    }

    /// Applies that changed this API and were not deployed since (read from the journal alone:
    /// locks and History texts do not matter here).
    pub fn undeployed(&self, ctx: &Ctx, api_id: &str) -> Result<Vec<ApplySummary>> {
        Ok(journal::list(&self.journal_dir)?
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
}
