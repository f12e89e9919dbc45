//! Cognito user pools and their app clients.

use super::session::Session;
use crate::domain::model::{pool_issuer, AppClient, UserPool};
use crate::error::{Error, Result};
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

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
        pools.extend(page.user_pools().iter().map(|p| {
            let id = p.id().unwrap_or_default().to_string();
            UserPool {
                issuer: pool_issuer(region, &id),
                id,
                name: p.name().unwrap_or_default().to_string(),
            }
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
    let (arn, _) = describe_pool(session, region, pool_id).await?;
    arn.ok_or_else(|| Error::NotFound(format!("User pool {pool_id} has no ARN in {region}")))
}

/// The pool's name (DescribeUserPool).
pub async fn pool_name(session: &Session, region: &str, pool_id: &str) -> Result<String> {
    Ok(describe_pool(session, region, pool_id).await?.1)
}

async fn describe_pool(
    session: &Session,
    region: &str,
    pool_id: &str,
) -> Result<(Option<String>, String)> {
    let client = session.cognito(region).await;
    let out = client
        .describe_user_pool()
        .user_pool_id(pool_id)
        .send()
        .await
        .map_err(|e| session.map_err(e))?;
    let pool = out.user_pool();
    Ok((
        pool.and_then(|p| p.arn()).map(str::to_string),
        pool.and_then(|p| p.name()).unwrap_or_default().to_string(),
    ))
}

/// The tokens of one sign-in, and the flow that gave them: wiped from memory when dropped;
/// Debug never prints a token.
#[derive(Zeroize, ZeroizeOnDrop)]
pub struct SignedIn {
    pub id_token: String,
    pub access_token: String,
    #[zeroize(skip)]
    pub flow: &'static str,
}

impl std::fmt::Debug for SignedIn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignedIn")
            .field("flow", &self.flow)
            .finish_non_exhaustive()
    }
}

/// Signs a user in with username and password: InitiateAuth (USER_PASSWORD_AUTH) when the app
/// client allows it, else AdminInitiateAuth (ADMIN_USER_PASSWORD_AUTH) with the profile's
/// credentials. A client with a secret gets its SECRET_HASH. A challenge Gatehouse cannot answer
/// (a new password, MFA) is named in the error.
pub async fn sign_in(
    session: &Session,
    region: &str,
    pool_id: &str,
    client_id: &str,
    username: &str,
    password: &str,
) -> Result<SignedIn> {
    use aws_sdk_cognitoidentityprovider::types::{AuthFlowType, ExplicitAuthFlowsType as F};
    let client = session.cognito(region).await;
    // Reading the client needs admin rights; without them, try the public flow anyway.
    let described = client
        .describe_user_pool_client()
        .user_pool_id(pool_id)
        .client_id(client_id)
        .send()
        .await;
    let (flows, secret) = match &described {
        Ok(out) => {
            let c = out.user_pool_client();
            (
                c.map(|c| c.explicit_auth_flows().to_vec())
                    .unwrap_or_default(),
                c.and_then(|c| c.client_secret())
                    .map(|s| Zeroizing::new(s.to_string())),
            )
        }
        Err(e)
            if e.as_service_error()
                .is_some_and(|s| s.is_resource_not_found_exception()) =>
        {
            return Err(Error::NotFound(format!(
                "No app client {client_id} in user pool {pool_id} ({region})"
            )))
        }
        Err(_) => (vec![], None),
    };
    let user_flow = flows.is_empty()
        || flows
            .iter()
            .any(|f| matches!(f, F::AllowUserPasswordAuth | F::UserPasswordAuth));
    let admin_flow = flows
        .iter()
        .any(|f| matches!(f, F::AllowAdminUserPasswordAuth | F::AdminNoSrpAuth));
    if !user_flow && !admin_flow {
        let allowed: Vec<&str> = flows.iter().map(|f| f.as_str()).collect();
        return Err(Error::invalid(
            "client",
            format!(
                "App client {client_id} allows neither USER_PASSWORD_AUTH nor ADMIN_USER_PASSWORD_AUTH (it allows {}); sign in elsewhere and paste the token",
                allowed.join(", ")
            ),
        ));
    }
    // The same parameters for both flows; a client with a secret needs its SECRET_HASH.
    let mut params = std::collections::HashMap::from([
        ("USERNAME".to_string(), username.to_string()),
        ("PASSWORD".to_string(), password.to_string()),
    ]);
    if let Some(s) = &secret {
        params.insert("SECRET_HASH".into(), secret_hash(s, username, client_id));
    }
    let (challenge, result, flow) = if user_flow {
        let out = client
            .initiate_auth()
            .client_id(client_id)
            .auth_flow(AuthFlowType::UserPasswordAuth)
            .set_auth_parameters(Some(params))
            .send()
            .await
            .map_err(|e| session.map_err(e))?;
        (
            out.challenge_name().map(|c| c.as_str().to_string()),
            out.authentication_result,
            "USER_PASSWORD_AUTH",
        )
    } else {
        let out = client
            .admin_initiate_auth()
            .user_pool_id(pool_id)
            .client_id(client_id)
            .auth_flow(AuthFlowType::AdminUserPasswordAuth)
            .set_auth_parameters(Some(params))
            .send()
            .await
            .map_err(|e| session.map_err(e))?;
        (
            out.challenge_name().map(|c| c.as_str().to_string()),
            out.authentication_result,
            "ADMIN_USER_PASSWORD_AUTH",
        )
    };
    if let Some(challenge) = challenge {
        return Err(Error::Aws {
            code: challenge.clone(),
            message: format!(
                "Cognito asks {username} for {challenge}, which Gatehouse cannot answer: complete it in your app or the hosted UI, then sign in again or paste the token"
            ),
        });
    }
    let tokens = result.ok_or_else(|| Error::Aws {
        code: "NoTokens".into(),
        message: "Cognito answered without tokens".into(),
    })?;
    // The refresh token is not asked for by anyone: it is not kept.
    Ok(SignedIn {
        id_token: tokens.id_token.unwrap_or_default(),
        access_token: tokens.access_token.unwrap_or_default(),
        flow,
    })
}

/// Base64(HMAC-SHA256(client secret, username + client id)), as Cognito wants it.
fn secret_hash(secret: &str, username: &str, client_id: &str) -> String {
    use base64::Engine;
    let key = aws_lc_rs::hmac::Key::new(aws_lc_rs::hmac::HMAC_SHA256, secret.as_bytes());
    let tag = aws_lc_rs::hmac::sign(&key, format!("{username}{client_id}").as_bytes());
    base64::engine::general_purpose::STANDARD.encode(tag.as_ref())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sign_in_prints_no_token_when_debugged() {
        let signed = SignedIn {
            id_token: "eyJ.id-secret.sig".into(),
            access_token: "eyJ.access-secret.sig".into(),
            flow: "USER_PASSWORD_AUTH",
        };
        let shown = format!("{signed:?}");
        assert!(shown.contains("USER_PASSWORD_AUTH"), "{shown}");
        assert!(!shown.contains("secret"), "{shown}");
    }
}
