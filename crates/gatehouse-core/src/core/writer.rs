//! One writer per API: the lock a use case takes before it changes an API (refused at once when
//! another Gatehouse holds it), and the journal header an apply or an undo is recorded under.

use super::state::{Core, Ctx};
use crate::aws::session::Session;
use crate::domain::model::Action;
use crate::error::Result;
use crate::local::journal::{self, ApplyHeader};
use crate::local::lock::{self, ApiLock};

impl Core {
    /// Takes the writer lock of an API for a whole use case (a `protect` that may create an
    /// authorizer, then apply, then deploy); refused at once when another Gatehouse holds it.
    pub async fn lock_api(
        &self,
        ctx: &Ctx,
        api_id: &str,
        api_name: &str,
        action: Action,
    ) -> Result<ApiLock> {
        let session = self.session(ctx).await?;
        let quota_key = session.quota_key().await?;
        lock::acquire(
            &self.journal_dir,
            &quota_key,
            api_id,
            api_name,
            action,
            None,
        )
    }

    /// The API's writer lock, taken for an apply or an undo; refused at once when another
    /// Gatehouse (window or command line) writes to the same API.
    pub(super) async fn lock_for_apply(
        &self,
        session: &Session,
        header: &ApplyHeader,
        action: Action,
    ) -> Result<ApiLock> {
        lock::acquire(
            &self.journal_dir,
            &session.quota_key().await?,
            &header.api_id,
            &header.api_name,
            action,
            Some(&header.id),
        )
    }

    /// The header a new apply is journaled under.
    pub(super) fn header(
        &self,
        ctx: &Ctx,
        api_id: &str,
        api_name: &str,
        action: Action,
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
            action,
            description,
            undoes,
        }
    }
}
