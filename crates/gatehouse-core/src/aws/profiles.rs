//! Profiles: those of the AWS config/credentials files (read by aws-config), the environment's
//! credentials, and those Gatehouse keeps in the operating system's keychain.

use crate::aws::session::Source;
use crate::domain::accounts;
use crate::domain::model::{ProfileInfo, ProfileSource};
use crate::domain::sso_settings::SsoSettings;
use crate::error::{Error, Result};
use aws_runtime::env_config::file::EnvConfigFiles;
use aws_types::os_shim_internal::{Env, Fs};

pub const DEFAULT_REGION: &str = "us-east-1";

/// A profile as the page and the command line name it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ProfileRef {
    File(String),
    Keychain(String),
    Env,
    /// An account and role reached through an SSO sign-in (a profile's, or an sso-session's):
    /// no profile of its own.
    Sso {
        base: String,
        account: String,
        role: String,
    },
    /// A member account of an organization, through a role assumed from a profile (by id).
    Org {
        base: String,
        account: String,
        role: String,
    },
}

impl ProfileRef {
    /// Parses "file:NAME", "keychain:NAME" or "env".
    pub fn parse(id: &str) -> Result<ProfileRef> {
        if id == "env" {
            return Ok(ProfileRef::Env);
        }
        match id.split_once(':') {
            Some(("file", name)) if !name.is_empty() => Ok(ProfileRef::File(name.to_string())),
            Some(("keychain", name)) if !name.is_empty() => {
                Ok(ProfileRef::Keychain(name.to_string()))
            }
            Some(("sso", rest)) => match accounts::parse_account_profile(rest) {
                Some((base, account, role)) => Ok(ProfileRef::Sso {
                    base,
                    account,
                    role,
                }),
                None => Err(Error::invalid("profile", format!("Unknown profile '{id}'"))),
            },
            Some(("org", rest)) => match accounts::parse_account_profile(rest) {
                Some((base, account, role)) => Ok(ProfileRef::Org {
                    base,
                    account,
                    role,
                }),
                None => Err(Error::invalid("profile", format!("Unknown profile '{id}'"))),
            },
            _ => Err(Error::invalid("profile", format!("Unknown profile '{id}'"))),
        }
    }

    pub fn id(&self) -> String {
        match self {
            ProfileRef::File(n) => format!("file:{n}"),
            ProfileRef::Keychain(n) => format!("keychain:{n}"),
            ProfileRef::Env => "env".to_string(),
            ProfileRef::Sso {
                base,
                account,
                role,
            } => accounts::account_profile_id(accounts::SSO_PREFIX, base, account, role),
            ProfileRef::Org {
                base,
                account,
                role,
            } => accounts::account_profile_id(accounts::ORG_PREFIX, base, account, role),
        }
    }
}

fn env_nonempty(key: &str) -> Option<String> {
    std::env::var(key).ok().filter(|v| !v.trim().is_empty())
}

/// Whether the environment holds keys of its own (`AWS_ACCESS_KEY_ID` …): the picker's
/// "environment credentials". `AWS_PROFILE` is not one: it names a profile of the files.
pub fn environment_has_credentials() -> bool {
    env_nonempty("AWS_ACCESS_KEY_ID").is_some()
}

/// The profile of the AWS files that `AWS_PROFILE` names, as the AWS CLI and the SDKs read it.
pub fn env_named_profile() -> Option<String> {
    env_nonempty("AWS_PROFILE").map(|name| name.trim().to_string())
}

/// The profile both shells start on when none is chosen: the file profile `AWS_PROFILE` names
/// (as `--profile NAME` would), else the environment's keys, else `default`.
pub fn start_profile() -> ProfileRef {
    match env_named_profile() {
        Some(name) => ProfileRef::File(name),
        None if environment_has_credentials() => ProfileRef::Env,
        None => ProfileRef::File("default".to_string()),
    }
}

fn env_region() -> Option<String> {
    env_nonempty("AWS_REGION").or_else(|| env_nonempty("AWS_DEFAULT_REGION"))
}

async fn profile_set() -> Result<aws_config::profile::ProfileSet> {
    aws_config::profile::load(&Fs::real(), &Env::real(), &EnvConfigFiles::default(), None)
        .await
        .map_err(|e| Error::Io(format!("Could not read the AWS config files: {e}")))
}

/// A file profile's IAM Identity Center settings, when it signs in through SSO.
fn sso_of(set: &aws_config::profile::ProfileSet, name: &str) -> Option<SsoSettings> {
    let profile = set.get_profile(name)?;
    SsoSettings::from_profile(
        |key| profile.get(key).map(str::to_string),
        |session, key| {
            set.sso_session(session)
                .and_then(|s| s.get(key))
                .map(str::to_string)
        },
    )
}

/// The SSO settings of a profile of the AWS files, or why it has none.
pub async fn sso_settings(name: &str) -> Result<SsoSettings> {
    let set = profile_set().await?;
    if set.get_profile(name).is_none() {
        return Err(Error::NotFound(format!(
            "No profile named {name} in the AWS config files"
        )));
    }
    sso_of(&set, name).ok_or_else(|| {
        Error::invalid(
            "profile",
            format!("{name} does not sign in through IAM Identity Center (no sso_session or sso_start_url)"),
        )
    })
}

/// A profile's role guarded by an MFA device: (role_arn, source_profile, mfa_serial, external_id,
/// duration_seconds), when it has `role_arn`, `source_profile` and `mfa_serial`.
pub struct MfaSettings {
    pub role_arn: String,
    pub source_profile: String,
    pub serial: String,
    pub external_id: Option<String>,
    pub duration_seconds: Option<i32>,
}

pub async fn mfa_settings(name: &str) -> Option<MfaSettings> {
    let set = profile_set().await.ok()?;
    let p = set.get_profile(name)?;
    Some(MfaSettings {
        role_arn: p.get("role_arn")?.to_string(),
        source_profile: p.get("source_profile")?.to_string(),
        serial: p.get("mfa_serial")?.to_string(),
        external_id: p.get("external_id").map(str::to_string),
        duration_seconds: p.get("duration_seconds").and_then(|d| d.parse().ok()),
    })
}

/// The profiles of the config and credentials files, with their regions, as aws-config reads them;
/// SSO profiles with their sign-in state (from the AWS CLI's token cache).
pub async fn file_profiles() -> Result<Vec<ProfileInfo>> {
    let set = profile_set().await?;
    let now = crate::local::journal::now_s();
    let mut names: Vec<&str> = set.profiles().collect();
    names.sort_by_key(|n| (*n != "default", n.to_string()));
    Ok(names
        .into_iter()
        .map(|name| ProfileInfo {
            id: ProfileRef::File(name.to_string()).id(),
            name: name.to_string(),
            source: ProfileSource::File,
            region: set
                .get_profile(name)
                .and_then(|p| p.get("region"))
                .map(str::to_string),
            sso: sso_of(&set, name).map(|sso| {
                let cached = crate::aws::sso::read_cache(&sso);
                crate::domain::sso_settings::state(&sso, cached.as_ref().map(|t| t.as_str()), now)
            }),
            account: None,
        })
        .collect())
}

/// The environment's keys, when there are any, as a picker entry.
pub fn env_profile() -> Option<ProfileInfo> {
    environment_has_credentials().then(|| ProfileInfo {
        id: ProfileRef::Env.id(),
        name: "environment credentials".to_string(),
        source: ProfileSource::Env,
        region: env_region(),
        sso: None,
        account: None,
    })
}

/// The region a profile starts in: its own, else AWS_REGION, else us-east-1.
pub fn default_region(profile_region: Option<&str>) -> String {
    profile_region
        .map(str::to_string)
        .or_else(env_region)
        .unwrap_or_else(|| DEFAULT_REGION.to_string())
}

/// The session source for a non-keychain profile.
pub fn plain_source(profile: &ProfileRef) -> Option<Source> {
    match profile {
        ProfileRef::File(name) => Some(Source::FileProfile(name.clone())),
        ProfileRef::Env => Some(Source::Environment),
        ProfileRef::Keychain(_) | ProfileRef::Sso { .. } | ProfileRef::Org { .. } => None,
    }
}

/// The sign-in `--sso NAME` names: a profile that signs in through IAM Identity Center, else an
/// `[sso-session NAME]` section; (the profile, when it is one, and the settings).
pub async fn sso_sign_in(name: &str) -> Result<(Option<String>, SsoSettings)> {
    let set = profile_set().await?;
    if set.get_profile(name).is_some() {
        return Ok((Some(name.to_string()), sso_settings(name).await?));
    }
    let session = set.sso_session(name).ok_or_else(|| {
        Error::invalid(
            "sso",
            format!("No profile and no sso-session named {name} in the AWS config files"),
        )
    })?;
    let get = |k: &str| session.get(k).map(str::to_string);
    let (Some(start_url), Some(region)) = (get("sso_start_url"), get("sso_region")) else {
        return Err(Error::invalid(
            "sso",
            format!("[sso-session {name}] lacks sso_start_url or sso_region"),
        ));
    };
    Ok((
        None,
        SsoSettings {
            session: Some(name.to_string()),
            start_url,
            region,
            account_id: None,
            role_name: None,
            scopes: get("sso_registration_scopes")
                .unwrap_or_default()
                .split([',', ' '])
                .filter(|s| !s.trim().is_empty())
                .map(|s| s.trim().to_string())
                .collect(),
        },
    ))
}
