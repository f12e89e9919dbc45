//! Every account one sign-in reaches: the IAM Identity Center portal's accounts and roles (read
//! once per session, Refresh reads again), an organization's members, and the credentials a
//! sweep's session of such an account uses (a role's, kept while they last).

use super::state::{Core, Ctx};
use crate::aws::accounts::{self as portal, Portal};
use crate::aws::profiles::{self, ProfileRef};
use crate::aws::session::{RoleCredentials, Session};
use crate::domain::accounts::{
    account_profile_id, choose_role, role_arn, OrgAccount, SsoAccount, ORG_PREFIX, SSO_PREFIX,
};
use crate::domain::sso_settings::parse_rfc3339;
use crate::domain::sweep::{SweepError, SweepRequest};
use crate::error::{Error, Result};
use futures::StreamExt;
use serde_json::Value;
use std::sync::Arc;
use zeroize::Zeroizing;

/// Organizations answers in us-east-1 (its endpoint for the commercial partition).
const ORGANIZATIONS_REGION: &str = "us-east-1";

/// ListAccountRoles calls at once: the portal's quotas are low.
const ROLE_LISTS_AT_ONCE: usize = 4;

/// The accounts a sweep covers, as profile ids, with the names rows show and the accounts left
/// out with why (rows of their own).
#[derive(Debug, Clone, Default)]
pub struct AccountSweep {
    pub profiles: Vec<String>,
    /// Profile id → the account's name.
    pub names: Vec<(String, String)>,
    /// (account id, account name, why it is not swept).
    pub skipped: Vec<(String, String, String)>,
}

impl AccountSweep {
    /// The sweep's request: every account with the role it takes, the accounts left out as
    /// rows of their own (`NotSwept`, under `base`). Refused when `base` reaches no account.
    pub fn into_request(self, base: &str, regions: Vec<String>) -> Result<SweepRequest> {
        if self.profiles.is_empty() && self.skipped.is_empty() {
            return Err(Error::NotFound(format!("{base} reaches no account")));
        }
        let skipped = self
            .skipped
            .into_iter()
            .map(|(account, name, why)| SweepError {
                profile: base.to_string(),
                message: format!("{name} ({account}): {why}"),
                account: Some(account),
                region: None,
                code: "NotSwept".into(),
                account_name: Some(name),
            })
            .collect();
        Ok(SweepRequest {
            profiles: self.profiles,
            regions,
            names: self.names.into_iter().collect(),
            skipped,
        })
    }
}

impl Core {
    /// The window's sweep of an organization: its accounts (`org_sweep`) as a request over
    /// `regions`.
    pub async fn org_sweep_request(
        &self,
        profile_id: &str,
        role: &str,
        external_id: Option<&str>,
        regions: Vec<String>,
    ) -> Result<SweepRequest> {
        let base = ProfileRef::parse(profile_id)?.id();
        let external_id = external_id.map(str::trim).filter(|x| !x.is_empty());
        self.org_sweep(&base, role, external_id, &[])
            .await?
            .into_request(&base, regions)
    }
}

impl Core {
    /// The portal for a sign-in, with its cached access token; Expired when there is none or it
    /// ran out (sign in again).
    async fn portal(&self, base: &str) -> Result<Portal> {
        let (profile, settings) = profiles::sso_sign_in(base).await?;
        let sign_in = match &profile {
            Some(p) => format!("gatehouse login --profile {p}"),
            None => format!("aws sso login --sso-session {base}"),
        };
        let doc = crate::aws::sso::read_cache(&settings).ok_or_else(|| {
            Error::Expired(format!(
                "{base} is not signed in to IAM Identity Center: sign in with {sign_in}"
            ))
        })?;
        let parsed: Value = serde_json::from_str(&doc).unwrap_or(Value::Null);
        let token = parsed["accessToken"].as_str().unwrap_or_default();
        let expired = parsed["expiresAt"]
            .as_str()
            .and_then(parse_rfc3339)
            .is_none_or(|at| at <= crate::local::journal::now_ms() as i64 / 1000);
        if token.is_empty() || expired {
            return Err(Error::Expired(format!(
                "The IAM Identity Center sign-in of {base} has expired: sign in again with {sign_in}"
            )));
        }
        Ok(portal::portal(
            profile.as_deref(),
            &settings,
            Zeroizing::new(token.to_string()),
        )
        .await)
    }

    /// Every account the sign-in reaches with the roles it may take in each: read once, kept
    /// until `refresh`.
    pub async fn sso_accounts(&self, base: &str, refresh: bool) -> Result<Vec<SsoAccount>> {
        let base = base.trim();
        if !refresh {
            if let Some(known) = self.account_lists().get(base) {
                return Ok(known.clone());
            }
        }
        let portal = self.portal(base).await?;
        let listed = portal.accounts().await?;
        let portal = &portal;
        let mut accounts: Vec<SsoAccount> =
            futures::stream::iter(listed.into_iter().map(|a| async move {
                let roles = portal.roles(&a.account_id).await?;
                Ok::<_, Error>(SsoAccount {
                    account_id: a.account_id,
                    account_name: a.account_name,
                    email: a.email,
                    roles,
                })
            }))
            .buffer_unordered(ROLE_LISTS_AT_ONCE)
            .collect::<Vec<_>>()
            .await
            .into_iter()
            .collect::<Result<_>>()?;
        accounts.sort_by(|a, b| a.account_id.cmp(&b.account_id));
        self.account_lists()
            .insert(base.to_string(), accounts.clone());
        Ok(accounts)
    }

    /// The session of an organization's management (or delegated administrator) profile, in
    /// the region of Organizations' endpoint, for listing the members and assuming their roles.
    async fn org_session(&self, profile_id: &str) -> Result<Arc<Session>> {
        let ctx = Ctx {
            profile: profile_id.to_string(),
            region: ORGANIZATIONS_REGION.into(),
        };
        self.session(&ctx).await
    }

    /// The organization's accounts as the profile's account sees them, and that account's id.
    pub async fn org_accounts(&self, profile_id: &str) -> Result<(String, Vec<OrgAccount>)> {
        let session = self.org_session(profile_id).await?;
        let me = session.account().await?;
        Ok((me, portal::organization_accounts(&session).await?))
    }

    /// The sweep of every account of an SSO sign-in: each with the first role of `preference`
    /// it offers (`--accounts` narrows them).
    pub async fn sso_sweep(
        &self,
        base: &str,
        preference: &[String],
        only: &[String],
    ) -> Result<AccountSweep> {
        let accounts = self.sso_accounts(base, false).await?;
        let mut out = AccountSweep::default();
        for a in accounts
            .iter()
            .filter(|a| only.is_empty() || only.contains(&a.account_id))
        {
            match choose_role(&a.roles, preference) {
                Ok(role) => {
                    let id = account_profile_id(SSO_PREFIX, base, &a.account_id, &role);
                    out.names.push((id.clone(), a.account_name.clone()));
                    out.profiles.push(id);
                }
                Err(why) => out
                    .skipped
                    .push((a.account_id.clone(), a.account_name.clone(), why)),
            }
        }
        check_narrowed(only, |id| accounts.iter().any(|a| a.account_id == id))?;
        Ok(out)
    }

    /// The sweep of an organization: its management (or delegated administrator) account
    /// through the profile itself, every other active account through `role`.
    pub async fn org_sweep(
        &self,
        profile_id: &str,
        role: &str,
        external_id: Option<&str>,
        only: &[String],
    ) -> Result<AccountSweep> {
        if role.trim().is_empty() {
            return Err(Error::invalid(
                "org-role",
                "Name the role to assume in each member with --org-role (a read-only audit role)",
            ));
        }
        let (me, accounts) = self.org_accounts(profile_id).await?;
        let base = ProfileRef::parse(profile_id)?.id();
        self.org_external_ids()
            .insert(base.clone(), external_id.map(str::to_string));
        let mut out = AccountSweep::default();
        for a in accounts
            .iter()
            .filter(|a| only.is_empty() || only.contains(&a.account_id))
        {
            if !a.status.eq_ignore_ascii_case("ACTIVE") {
                out.skipped.push((
                    a.account_id.clone(),
                    a.account_name.clone(),
                    format!("the account is {}", a.status.to_lowercase()),
                ));
                continue;
            }
            let id = if a.account_id == me {
                base.clone()
            } else {
                account_profile_id(ORG_PREFIX, &base, &a.account_id, role.trim())
            };
            out.names.push((id.clone(), a.account_name.clone()));
            out.profiles.push(id);
        }
        check_narrowed(only, |id| accounts.iter().any(|a| a.account_id == id))?;
        Ok(out)
    }

    /// The credentials of an account reached through a sign-in or an organization: a role's,
    /// kept while they last (each region's session of the account shares them).
    pub(crate) async fn account_credentials(
        &self,
        profile: &ProfileRef,
    ) -> Result<RoleCredentials> {
        let id = profile.id();
        if let Some(held) = self.account_roles().get(&id) {
            if !held.expiring() {
                return Ok(held.clone());
            }
        }
        let creds = match profile {
            ProfileRef::Sso {
                base,
                account,
                role,
            } => {
                self.portal(base)
                    .await?
                    .role_credentials(account, role)
                    .await?
            }
            ProfileRef::Org {
                base,
                account,
                role,
            } => {
                // The base profile's own session (its lock is not the member's).
                let session = Box::pin(self.org_session(base)).await?;
                let external = self.org_external_ids().get(base).cloned().flatten();
                portal::assume_member_role(&session, &role_arn(account, role), external.as_deref())
                    .await?
            }
            _ => {
                return Err(Error::Internal(format!(
                    "{id} is not an account reached through a sign-in"
                )))
            }
        };
        self.account_roles().insert(id, creds.clone());
        Ok(creds)
    }
}

/// `--accounts` names only accounts the sign-in or organization has.
fn check_narrowed(only: &[String], known: impl Fn(&str) -> bool) -> Result<()> {
    match only.iter().find(|id| !known(id)) {
        Some(bad) => Err(Error::invalid(
            "accounts",
            format!("{bad} is not one of the accounts reached"),
        )),
        None => Ok(()),
    }
}

impl Core {
    /// How the profiles `--write-profiles` adds sign in (the sso-session, or the legacy start
    /// URL), and the sign-in's region.
    pub async fn sign_in_of(
        &self,
        base: &str,
    ) -> Result<(crate::domain::accounts::SignIn, String)> {
        let (_, settings) = profiles::sso_sign_in(base.trim()).await?;
        let region = settings.region.clone();
        Ok(match settings.session {
            Some(session) => (crate::domain::accounts::SignIn::Session(session), region),
            None => (
                crate::domain::accounts::SignIn::Legacy {
                    start_url: settings.start_url,
                    region: settings.region,
                },
                region,
            ),
        })
    }
}

impl Core {
    /// The picker's profiles, and under each signed-in SSO profile every account and role its
    /// sign-in reaches (read once; a portal that cannot be read adds none and says nothing).
    pub async fn profiles_with_accounts(&self) -> Result<Vec<crate::domain::model::ProfileInfo>> {
        use crate::domain::model::{AccountOf, ProfileInfo, ProfileSource, SsoStatus};
        let profiles = self.profiles().await?;
        let mut out = Vec::new();
        for p in profiles {
            let signed_in = p
                .sso
                .as_ref()
                .is_some_and(|s| s.status == SsoStatus::SignedIn);
            let name = p.name.clone();
            let region = p.region.clone();
            out.push(p);
            if !signed_in {
                continue;
            }
            let Ok(accounts) = self.sso_accounts(&name, false).await else {
                continue;
            };
            for a in accounts {
                for role in &a.roles {
                    out.push(ProfileInfo {
                        id: account_profile_id(SSO_PREFIX, &name, &a.account_id, role),
                        name: format!("{} ({}) · {role}", a.account_name, a.account_id),
                        source: ProfileSource::Account,
                        region: region.clone(),
                        sso: None,
                        account: Some(AccountOf {
                            base: name.clone(),
                            account_id: a.account_id.clone(),
                            account_name: a.account_name.clone(),
                            role: role.clone(),
                        }),
                    });
                }
            }
        }
        Ok(out)
    }
}
