//! Every account one sign-in reaches: the IAM Identity Center portal's accounts and roles (and a
//! role's credentials), and an organization's accounts (and a member's role, assumed).

use super::mfa::RoleCredentials;
use super::session::Session;
use super::{map_sdk_error, timeouts};
use crate::domain::accounts::{OrgAccount, PortalAccount};
use crate::domain::sso_settings::SsoSettings;
use crate::error::{Error, Result};
use aws_config::retry::RetryConfig;
use aws_config::{BehaviorVersion, Region};
use aws_credential_types::Credentials;
use std::time::{Duration, SystemTime};
use zeroize::Zeroizing;

/// The portal takes at most 100 per page.
const PORTAL_PAGE: i32 = 100;

/// The portal's client for a sign-in, and the endpoint its errors name. Its quotas are far lower
/// than API Gateway's: 429s are retried, with a longer backoff than the SDK's default.
pub struct Portal {
    client: aws_sdk_sso::Client,
    endpoint: String,
    token: Zeroizing<String>,
}

/// The portal, as the signing profile configures it (its `endpoint_url`), in the SSO region,
/// with the access token of the sign-in; unsigned calls.
pub async fn portal(
    profile: Option<&str>,
    settings: &SsoSettings,
    token: Zeroizing<String>,
) -> Portal {
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .http_client(super::http_client())
        .region(Region::new(settings.region.clone()))
        .timeout_config(timeouts())
        .retry_config(
            RetryConfig::standard()
                .with_max_attempts(8)
                .with_initial_backoff(Duration::from_millis(250))
                .with_max_backoff(Duration::from_secs(8)),
        )
        .no_credentials();
    if let Some(profile) = profile {
        loader = loader.profile_name(profile);
    }
    let conf = loader.load().await;
    let endpoint = conf
        .endpoint_url()
        .map(str::to_string)
        .unwrap_or_else(|| format!("portal.sso.{}.amazonaws.com", settings.region));
    Portal {
        client: aws_sdk_sso::Client::new(&conf),
        endpoint,
        token,
    }
}

impl Portal {
    fn err<E>(
        &self,
        what: &str,
        e: aws_sdk_sso::error::SdkError<E, aws_sdk_sso::config::http::HttpResponse>,
    ) -> Error
    where
        E: aws_sdk_sso::error::ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    {
        match map_sdk_error(e, &self.endpoint) {
            Error::Aws { code, message } if code == "UnauthorizedException" => Error::Expired(
                format!("IAM Identity Center refused the sign-in ({message}): sign in again"),
            ),
            Error::Aws { code, message } => Error::Aws {
                code,
                message: format!("{what}: {message}"),
            },
            other => other,
        }
    }

    /// Every account the sign-in reaches, every page to the end (the SDK's paginator follows
    /// nextToken until the portal stops giving one: a page may hold fewer than asked).
    pub async fn accounts(&self) -> Result<Vec<PortalAccount>> {
        let mut pages = self
            .client
            .list_accounts()
            .access_token(self.token.as_str())
            .max_results(PORTAL_PAGE)
            .into_paginator()
            .send();
        let mut out = Vec::new();
        while let Some(page) = pages.next().await {
            let page = page.map_err(|e| self.err("listing the accounts", e))?;
            out.extend(page.account_list().iter().map(|a| PortalAccount {
                account_id: a.account_id().unwrap_or_default().to_string(),
                account_name: a.account_name().unwrap_or_default().to_string(),
                email: a.email_address().unwrap_or_default().to_string(),
            }));
        }
        Ok(out)
    }

    /// The roles the sign-in may take in one account, every page, sorted.
    pub async fn roles(&self, account_id: &str) -> Result<Vec<String>> {
        let mut pages = self
            .client
            .list_account_roles()
            .access_token(self.token.as_str())
            .account_id(account_id)
            .max_results(PORTAL_PAGE)
            .into_paginator()
            .send();
        let mut out = Vec::new();
        while let Some(page) = pages.next().await {
            let page =
                page.map_err(|e| self.err(&format!("listing the roles of {account_id}"), e))?;
            out.extend(
                page.role_list()
                    .iter()
                    .filter_map(|r| r.role_name().map(str::to_string)),
            );
        }
        out.sort();
        Ok(out)
    }

    /// A role's short-lived credentials in one account.
    pub async fn role_credentials(&self, account_id: &str, role: &str) -> Result<RoleCredentials> {
        let out = self
            .client
            .get_role_credentials()
            .access_token(self.token.as_str())
            .account_id(account_id)
            .role_name(role)
            .send()
            .await
            .map_err(|e| self.err(&format!("the credentials of {role} in {account_id}"), e))?;
        let c = out.role_credentials().ok_or_else(|| Error::Aws {
            code: "NoCredentials".into(),
            message: format!(
                "GetRoleCredentials answered without credentials for {role} in {account_id}"
            ),
        })?;
        let expires_at =
            SystemTime::UNIX_EPOCH + Duration::from_millis(c.expiration().max(0) as u64);
        Ok(RoleCredentials {
            credentials: Credentials::new(
                c.access_key_id().unwrap_or_default(),
                c.secret_access_key().unwrap_or_default(),
                c.session_token().map(str::to_string),
                Some(expires_at),
                "gatehouse-sso-portal",
            ),
            expires_at,
        })
    }
}

/// The organization's accounts, as the management (or delegated administrator) account lists
/// them, every page.
pub async fn organization_accounts(session: &Session) -> Result<Vec<OrgAccount>> {
    let client = aws_sdk_organizations::Client::new(session.config());
    let mut pages = client.list_accounts().into_paginator().send();
    let mut out = Vec::new();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| session.map_err(e))?;
        out.extend(page.accounts().iter().map(|a| {
            OrgAccount {
                account_id: a.id().unwrap_or_default().to_string(),
                account_name: a.name().unwrap_or_default().to_string(),
                email: a.email().unwrap_or_default().to_string(),
                status: a
                    .state()
                    .map(|s| s.as_str().to_string())
                    .or_else(|| a.status().map(|s| s.as_str().to_string()))
                    .unwrap_or_default(),
            }
        }));
    }
    Ok(out)
}

/// A member's role, assumed with the session's credentials (and the external id its trust
/// policy asks for).
pub async fn assume_member_role(
    session: &Session,
    role_arn: &str,
    external_id: Option<&str>,
) -> Result<RoleCredentials> {
    let out = session
        .sts
        .assume_role()
        .role_arn(role_arn)
        .role_session_name("gatehouse-sweep")
        .set_external_id(external_id.map(str::to_string))
        .send()
        .await
        .map_err(|e| session.map_err(e))?;
    let c = out.credentials().ok_or_else(|| Error::Aws {
        code: "NoCredentials".into(),
        message: format!("AssumeRole answered without credentials for {role_arn}"),
    })?;
    let expires_at = SystemTime::try_from(*c.expiration())
        .unwrap_or_else(|_| SystemTime::now() + Duration::from_secs(900));
    Ok(RoleCredentials {
        credentials: Credentials::new(
            c.access_key_id(),
            c.secret_access_key(),
            Some(c.session_token().to_string()),
            Some(expires_at),
            "gatehouse-org",
        ),
        expires_at,
    })
}
