//! STS: who the chosen credentials belong to.

use super::session::Session;
use crate::error::Result;
use crate::model::Identity;

pub async fn caller_identity(session: &Session) -> Result<Identity> {
    let out = session
        .sts
        .get_caller_identity()
        .send()
        .await
        .map_err(|e| session.map_err(e))?;
    Ok(Identity {
        account: out.account().unwrap_or_default().to_string(),
        arn: out.arn().unwrap_or_default().to_string(),
        user_id: out.user_id().unwrap_or_default().to_string(),
    })
}
