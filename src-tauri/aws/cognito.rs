//! Cognito user pools and their app clients.

use super::session::Session;
use crate::error::{Error, Result};
use crate::model::{AppClient, UserPool};

/// `ListUserPools` takes at most 60 per page.
const POOLS_PAGE: i32 = 60;

pub async fn list_pools(session: &Session, region: &str) -> Result<Vec<UserPool>> {
    let client = session.cognito(region).await;
    let mut pages = client
        .list_user_pools()
        .max_results(POOLS_PAGE)
        .into_paginator()
        .send();
    let mut pools = Vec::new();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| session.map_err(e))?;
        pools.extend(page.user_pools().iter().map(|p| UserPool {
            id: p.id().unwrap_or_default().to_string(),
            name: p.name().unwrap_or_default().to_string(),
        }));
    }
    pools.sort_by(|a, b| {
        a.name
            .to_lowercase()
            .cmp(&b.name.to_lowercase())
            .then(a.id.cmp(&b.id))
    });
    Ok(pools)
}

pub async fn list_clients(
    session: &Session,
    region: &str,
    pool_id: &str,
) -> Result<Vec<AppClient>> {
    let client = session.cognito(region).await;
    let mut pages = client
        .list_user_pool_clients()
        .user_pool_id(pool_id)
        .max_results(60)
        .into_paginator()
        .send();
    let mut clients = Vec::new();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| session.map_err(e))?;
        clients.extend(page.user_pool_clients().iter().map(|c| AppClient {
            id: c.client_id().unwrap_or_default().to_string(),
            name: c.client_name().unwrap_or_default().to_string(),
        }));
    }
    clients.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));
    Ok(clients)
}

/// The pool's ARN, which a COGNITO_USER_POOLS authorizer names as its provider.
pub async fn pool_arn(session: &Session, region: &str, pool_id: &str) -> Result<String> {
    let client = session.cognito(region).await;
    let out = client
        .describe_user_pool()
        .user_pool_id(pool_id)
        .send()
        .await
        .map_err(|e| session.map_err(e))?;
    out.user_pool()
        .and_then(|p| p.arn())
        .map(str::to_string)
        .ok_or_else(|| Error::NotFound(format!("User pool {pool_id} has no ARN in {region}")))
}
