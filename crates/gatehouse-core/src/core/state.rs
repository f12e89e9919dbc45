//! The `Core` itself: its folders (journal, profile settings) and its cache of sessions, one set
//! of clients per profile and region. Every use case is an `impl Core` in a sibling file.

use crate::aws::profiles::{self, ProfileRef};
use crate::aws::session::{self, MfaRole, RoleCredentials, Session, Source};
use crate::domain::model::is_region_name;
use crate::error::{Error, Result};
use crate::local::keychain::KeychainStore;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use tokio::sync::Mutex;
use zeroize::Zeroizing;

/// Which profile and region a request is for. Every answer is for exactly one of these.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, ts_rs::TS)]
pub struct Ctx {
    pub profile: String,
    pub region: String,
}

pub struct Core {
    sessions: std::sync::Mutex<HashMap<(ProfileRef, String), Arc<Session>>>,
    /// One lock per profile, held while a session of it is made: a profile's regions wait for
    /// the first (an MFA role is assumed once, with one code) while other profiles and
    /// accounts make theirs at the same time.
    opening: std::sync::Mutex<HashMap<ProfileRef, Arc<Mutex<()>>>>,
    pub(crate) journal_dir: PathBuf,
    pub(crate) keychain: Arc<KeychainStore>,
    /// IAM Identity Center sign-ins under way, by profile id, and those the user cancelled.
    pub(crate) sso: SignIns,
    /// One-time MFA codes given for profiles whose role needs one, used by the next session
    /// (wiped from memory once used or dropped).
    mfa_codes: std::sync::Mutex<HashMap<String, Zeroizing<String>>>,
    /// The credentials of each MFA-guarded role assumed, by profile id: every region's session
    /// of the profile uses them until they expire (a one-time code assumes the role once).
    mfa_roles: std::sync::Mutex<HashMap<String, RoleCredentials>>,
    /// API Gateway's quotas per account (or endpoint), shared by every session of it.
    pub(crate) pacers: std::sync::Mutex<HashMap<String, Arc<crate::local::pacer::AccountPacer>>>,
    /// The sweep under way, to cancel it.
    sweep: std::sync::Mutex<Option<tokio_util::sync::CancellationToken>>,
    /// What each deployment serves, once read.
    pub(crate) deployments: crate::local::deployments::DeploymentCache,
    /// The accounts (and roles) each SSO sign-in reaches, by the name it was asked by.
    account_lists: std::sync::Mutex<HashMap<String, Vec<crate::domain::accounts::SsoAccount>>>,
    /// The role credentials of each account reached through a sign-in or an organization.
    account_roles: std::sync::Mutex<HashMap<String, RoleCredentials>>,
    /// The external id each organization profile assumes its members' roles with.
    org_external_ids: std::sync::Mutex<HashMap<String, Option<String>>>,
}

impl Core {
    /// The core on the user's own data and config folders; refuses when they cannot be found
    /// rather than keep journals or profile settings in a shared folder.
    pub fn new() -> Result<Core> {
        Ok(Core::with_dirs(
            crate::local::journal::default_dir()?,
            crate::local::keychain::default_dir()?,
        ))
    }

    /// The core on given folders: the journal in one, `profiles.json` in the other (tests).
    pub fn with_dirs(journal_dir: PathBuf, config_dir: PathBuf) -> Core {
        Core {
            sessions: Default::default(),
            opening: Default::default(),
            journal_dir: journal_dir.clone(),
            keychain: Arc::new(KeychainStore::new(
                &config_dir,
                crate::local::keychain::SERVICE,
            )),
            sso: Default::default(),
            mfa_codes: Default::default(),
            mfa_roles: Default::default(),
            pacers: Default::default(),
            sweep: Default::default(),
            deployments: crate::local::deployments::DeploymentCache::new(
                journal_dir.join("deployments"),
            ),
            account_lists: Default::default(),
            account_roles: Default::default(),
            org_external_ids: Default::default(),
        }
    }

    pub(crate) fn account_lists(
        &self,
    ) -> std::sync::MutexGuard<'_, HashMap<String, Vec<crate::domain::accounts::SsoAccount>>> {
        crate::locked(&self.account_lists)
    }

    pub(crate) fn account_roles(
        &self,
    ) -> std::sync::MutexGuard<'_, HashMap<String, RoleCredentials>> {
        crate::locked(&self.account_roles)
    }

    pub(crate) fn org_external_ids(
        &self,
    ) -> std::sync::MutexGuard<'_, HashMap<String, Option<String>>> {
        crate::locked(&self.org_external_ids)
    }

    pub(crate) fn sweep_token(
        &self,
    ) -> std::sync::MutexGuard<'_, Option<tokio_util::sync::CancellationToken>> {
        crate::locked(&self.sweep)
    }

    /// The session for a profile and region, built once and reused.
    pub async fn session(&self, ctx: &Ctx) -> Result<Arc<Session>> {
        let region = ctx.region.trim();
        if !is_region_name(region) {
            return Err(Error::invalid(
                "region",
                format!("'{region}' is not a region name (for example us-east-1)"),
            ));
        }
        let profile = ProfileRef::parse(&ctx.profile)?;
        let key = (profile.clone(), region.to_string());
        if let Some(s) = self.held_session(&key) {
            return Ok(s);
        }
        let opening = crate::locked(&self.opening)
            .entry(profile.clone())
            .or_default()
            .clone();
        let _opening = opening.lock().await;
        // Another task may have made it while this one waited.
        if let Some(s) = self.held_session(&key) {
            return Ok(s);
        }
        let source = self.source(&profile, region).await?;
        let session = Arc::new(Session::open(source, region).await?);
        session.pace_in(&self.journal_dir);
        match &profile {
            ProfileRef::File(name) => {
                session.name_profile(name, profiles::sso_settings(name).await.ok())
            }
            ProfileRef::Keychain(name) => session.name_profile(name, None),
            ProfileRef::Env | ProfileRef::Sso { .. } | ProfileRef::Org { .. } => {}
        }
        crate::locked(&self.sessions).insert(key, session.clone());
        Ok(session)
    }

    /// The session made earlier for a profile and region, unless it is about to expire (then
    /// it is dropped: an MFA role's credentials are not renewed without a new code).
    fn held_session(&self, key: &(ProfileRef, String)) -> Option<Arc<Session>> {
        let mut sessions = crate::locked(&self.sessions);
        match sessions.get(key) {
            Some(s) if !s.expiring() => Some(s.clone()),
            Some(_) => {
                sessions.remove(key);
                None
            }
            None => None,
        }
    }

    /// Gives the one-time code for a profile whose role is guarded by an MFA device; the next
    /// session of that profile assumes the role with it.
    pub fn provide_mfa_code(&self, profile_id: &str, code: &str) -> Result<()> {
        let code = code.trim();
        if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
            return Err(Error::invalid("mfaCode", "An MFA code is 6 digits"));
        }
        let id = ProfileRef::parse(profile_id)?.id();
        crate::locked(&self.mfa_codes).insert(id, Zeroizing::new(code.to_string()));
        Ok(())
    }

    /// Whether the profile's role needs an MFA code (and which device), for the shells to ask.
    pub async fn mfa_device(&self, profile_id: &str) -> Option<String> {
        match ProfileRef::parse(profile_id).ok()? {
            ProfileRef::File(name) => profiles::mfa_settings(&name).await.map(|m| m.serial),
            _ => None,
        }
    }

    pub(super) async fn source(&self, profile: &ProfileRef, region: &str) -> Result<Source> {
        if matches!(profile, ProfileRef::Sso { .. } | ProfileRef::Org { .. }) {
            return Ok(Source::AssumedRole(
                Box::pin(self.account_credentials(profile)).await?,
            ));
        }
        if let ProfileRef::File(name) = profile {
            if let Some(mfa) = profiles::mfa_settings(name).await {
                return Ok(Source::AssumedRole(
                    self.mfa_role(&profile.id(), name, mfa, region).await?,
                ));
            }
        }
        if let Some(source) = profiles::plain_source(profile) {
            return Ok(source);
        }
        let ProfileRef::Keychain(name) = profile else {
            return Err(Error::NotFound(format!(
                "Profile '{}' is not known",
                profile.id()
            )));
        };
        // The keychain may block on D-Bus or a system prompt: keep it off the async workers.
        let store = self.keychain.clone();
        let name = name.clone();
        let keys = tokio::task::spawn_blocking(move || store.keys(&name))
            .await
            .map_err(|e| Error::Internal(e.to_string()))??;
        Ok(Source::Keys(keys))
    }

    /// The credentials of a profile's MFA-guarded role: assumed with the code given since the
    /// last call, else those assumed earlier while they last, else an error asking for a code.
    async fn mfa_role(
        &self,
        id: &str,
        name: &str,
        mfa: profiles::MfaSettings,
        region: &str,
    ) -> Result<RoleCredentials> {
        let code = crate::locked(&self.mfa_codes).remove(id);
        let Some(mut code) = code else {
            let roles = crate::locked(&self.mfa_roles);
            return match roles.get(id) {
                Some(held) if !held.expiring() => Ok(held.clone()),
                _ => Err(Error::invalid(
                    "mfaCode",
                    format!(
                        "{name}: an MFA code is required to assume {} (device {})",
                        mfa.role_arn, mfa.serial
                    ),
                )),
            };
        };
        let role = MfaRole {
            profile: name.to_string(),
            source_profile: mfa.source_profile,
            role_arn: mfa.role_arn,
            serial: mfa.serial,
            // Moved, not copied: the role wipes it when dropped.
            code: std::mem::take(&mut *code),
            external_id: mfa.external_id,
            duration_seconds: mfa.duration_seconds,
        };
        let assumed = session::assume_mfa_role(&role, region).await?;
        crate::locked(&self.mfa_roles).insert(id.to_string(), assumed.clone());
        Ok(assumed)
    }

    /// Forgets the cached clients of a profile, so the next call loads its credentials afresh
    /// (an MFA role's stay while they last: they cannot be had again without a new code).
    pub async fn forget(&self, profile_id: &str) {
        if let Ok(profile) = ProfileRef::parse(profile_id) {
            crate::locked(&self.sessions).retain(|(p, _), _| *p != profile);
        }
    }
}

/// Sign-ins under way (their device codes), and the profiles whose sign-in was cancelled.
#[derive(Default)]
pub struct SignIns {
    pub(super) pending: std::sync::Mutex<HashMap<String, crate::aws::sso::Pending>>,
    pub(super) cancelled: std::sync::Mutex<std::collections::HashSet<String>>,
}
