//! The Cognito authorizers of an API: create (under the API's writer lock), update, delete when
//! unused, the one a protect would create, and which methods use one.

use super::state::{Core, Ctx};
use crate::apply;
use crate::aws::gateway;
use crate::domain::model::Action;
use crate::domain::model::{
    pool_issuer, pool_of_arn, ApiKind, Authorizer, AuthorizerInput, Method,
};
use crate::domain::plan;
use crate::error::{Error, Result};
use crate::local::lock::ApiLock;

/// Stands for the id of an authorizer not created yet (in a dry run, or before warnings are read).
pub const NEW_AUTHORIZER_ID: &str = "(new)";

impl Core {
    /// Creates a Cognito authorizer for a pool (whose region may differ from the API's), under
    /// the API's writer lock.
    pub async fn create_authorizer(
        &self,
        ctx: &Ctx,
        api_id: &str,
        pool_region: &str,
        pool_id: &str,
        input: &AuthorizerInput,
    ) -> Result<Authorizer> {
        check_authorizer(input)?;
        if pool_id.trim().is_empty() {
            return Err(Error::invalid("pool", "Choose a user pool"));
        }
        let lock = self
            .lock_api(ctx, api_id, api_id, Action::Authorizer)
            .await?;
        self.create_authorizer_locked(ctx, api_id, pool_region, pool_id, input, &lock)
            .await
    }

    /// The create itself, by the holder of the API's writer lock (a protect that found no
    /// authorizer to reuse).
    pub(super) async fn create_authorizer_locked(
        &self,
        ctx: &Ctx,
        api_id: &str,
        pool_region: &str,
        pool_id: &str,
        input: &AuthorizerInput,
        lock: &ApiLock,
    ) -> Result<Authorizer> {
        lock.check(api_id)?;
        check_authorizer(input)?;
        let arn = self.pool_arn(ctx, pool_region, pool_id).await?;
        let session = self.session(ctx).await?;
        apply::create_authorizer(&session, api_id, input, &arn, lock).await
    }

    /// Changes an authorizer's settings, under the API's writer lock, from what AWS holds under it.
    pub async fn update_authorizer(
        &self,
        ctx: &Ctx,
        api_id: &str,
        authorizer_id: &str,
        input: &AuthorizerInput,
    ) -> Result<()> {
        check_authorizer(input)?;
        let lock = self
            .lock_api(ctx, api_id, api_id, Action::Authorizer)
            .await?;
        let session = self.session(ctx).await?;
        let current = gateway::list_authorizers(&session, api_id)
            .await?
            .into_iter()
            .find(|a| a.id == authorizer_id)
            .ok_or_else(|| Error::NotFound(format!("No authorizer {authorizer_id} in this API")))?;
        gateway::update_authorizer(&session, api_id, &current, input).await?;
        drop(lock);
        Ok(())
    }

    /// Deletes an authorizer no method uses, under the API's writer lock (so that no method can
    /// start using it between the look and the delete); refused with the list of methods that
    /// still do.
    pub async fn delete_authorizer(
        &self,
        ctx: &Ctx,
        api_id: &str,
        authorizer_id: &str,
    ) -> Result<()> {
        let lock = self
            .lock_api(ctx, api_id, api_id, Action::Authorizer)
            .await?;
        let session = self.session(ctx).await?;
        let (methods, authorizers) = self.methods_and_authorizers_of(ctx, api_id).await?;
        let name = authorizers
            .iter()
            .find(|a| a.id == authorizer_id)
            .map(|a| a.name.clone())
            .unwrap_or_else(|| authorizer_id.to_string());
        let users = methods_using(&methods, authorizer_id);
        if !users.is_empty() {
            return Err(Error::invalid(
                "authorizer",
                format!(
                    "{name} is still used by {}: remove it from them first",
                    users.join(", ")
                ),
            ));
        }
        gateway::delete_authorizer(&session, api_id, authorizer_id).await?;
        drop(lock);
        Ok(())
    }
}

/// The first thing wrong with an authorizer's settings, before anything is sent.
fn check_authorizer(input: &AuthorizerInput) -> Result<()> {
    match plan::validate_authorizer(input).into_iter().next() {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

/// The methods ("VERB /path") an authorizer protects.
pub(super) fn methods_using(methods: &[Method], authorizer_id: &str) -> Vec<String> {
    methods
        .iter()
        .filter(|m| !m.is_open() && m.authorizer_id.as_deref() == Some(authorizer_id))
        .map(Method::key)
        .collect()
}

/// The authorizer a protect would create for the pool, as AWS would then hold it: a Cognito
/// authorizer (REST), or a JWT authorizer with the pool's issuer (HTTP).
pub(super) fn draft_authorizer(input: &AuthorizerInput, pool_arn: &str) -> Authorizer {
    let http = input.api_kind == ApiKind::Http;
    Authorizer {
        id: NEW_AUTHORIZER_ID.into(),
        name: input.name.trim().to_string(),
        kind: if http { "JWT" } else { "COGNITO_USER_POOLS" }.into(),
        provider_arns: if http {
            vec![]
        } else {
            vec![pool_arn.to_string()]
        },
        identity_source: Some(input.identity_source.trim().to_string()),
        identity_validation_expression: Some(input.client_id_regex.trim().to_string())
            .filter(|r| !r.is_empty() && !http),
        ttl_seconds: (!http).then_some(input.ttl_seconds),
        authorizer_uri: None,
        issuer: if http {
            pool_of_arn(pool_arn).map(|(r, p)| pool_issuer(&r, &p))
        } else {
            None
        },
        audience: if http { input.audience.clone() } else { vec![] },
    }
}
