//! Where an apply's calls go: one method's change, and a look at what it holds now. API Gateway
//! (through the one Gateway) in Gatehouse; a scripted fake in the executor's own tests.

use crate::aws::gateway::{self, CallFailure};
use crate::aws::session::Session;
use crate::domain::model::MethodState;
use crate::error::Result;
use std::future::Future;

/// The methods of one API, as the executor changes them.
pub trait Methods: Sync {
    /// What the machine-wide budget of calls is kept per: account or endpoint, and region.
    fn quota_key(&self) -> impl Future<Output = Result<String>> + Send;

    /// One change from `from` to `to`, not retried here; the answer is the method as it now is.
    fn update(
        &self,
        resource_id: &str,
        verb: &str,
        from: &MethodState,
        to: &MethodState,
    ) -> impl Future<Output = std::result::Result<MethodState, CallFailure>> + Send;

    /// What the method holds now (after an answer that was lost).
    fn state(
        &self,
        resource_id: &str,
        verb: &str,
    ) -> impl Future<Output = Result<MethodState>> + Send;
}

/// An API's methods on API Gateway, REST or HTTP.
pub struct OnAws<'a> {
    pub session: &'a Session,
    pub api_id: &'a str,
}

impl Methods for OnAws<'_> {
    async fn quota_key(&self) -> Result<String> {
        self.session.quota_key().await
    }

    async fn update(
        &self,
        resource_id: &str,
        verb: &str,
        from: &MethodState,
        to: &MethodState,
    ) -> std::result::Result<MethodState, CallFailure> {
        gateway::update_method(self.session, self.api_id, resource_id, verb, from, to).await
    }

    async fn state(&self, resource_id: &str, verb: &str) -> Result<MethodState> {
        gateway::method_state(self.session, self.api_id, resource_id, verb).await
    }
}
