//! STS: who the chosen credentials belong to. The call itself is the session's, which also keys
//! API Gateway's quota and the per-API locks by the account.

use super::session::Session;
use crate::domain::model::Identity;
use crate::error::Result;

pub async fn caller_identity(session: &Session) -> Result<Identity> {
    session.caller_identity().await
}
