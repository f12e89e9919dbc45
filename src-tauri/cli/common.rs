//! What every subcommand shares: the `--profile` and `--region` flags and the profile and region
//! they stand for, and the exit statuses.

use crate::core::{start_profile, ProfileRef};
use crate::core::{Core, Ctx};
use crate::domain::model::is_region_name;
use crate::error::{Error, Result};
use clap::Args;
use zeroize::Zeroizing;

/// Exit statuses, as documented in the README.
pub const EXIT_OK: i32 = 0;
pub const EXIT_ERROR: i32 = 1;
pub const EXIT_USAGE: i32 = 2;
pub const EXIT_OPEN: i32 = 3;
/// `check-token`: the token is refused on at least one of the methods asked about.
pub const EXIT_DENIED: i32 = 3;
pub const EXIT_FAILED_METHODS: i32 = 4;

#[derive(Args, Debug, Clone)]
pub struct Common {
    /// Profile: of the AWS config/credentials files, or stored by Gatehouse in the keychain
    /// ("keychain:NAME" to be explicit). Default: the file profile AWS_PROFILE names, else the
    /// environment's keys (AWS_ACCESS_KEY_ID …), else `default`.
    #[arg(long, global = true)]
    pub profile: Option<String>,
    /// Region (default: the profile's, else AWS_REGION, else us-east-1).
    #[arg(long, global = true)]
    pub region: Option<String>,
    /// The one-time code of the MFA device, for a profile whose role needs one (mfa_serial);
    /// asked for on a terminal when omitted.
    #[arg(long, global = true, value_name = "CODE")]
    pub mfa_code: Option<String>,
}

/// For a profile whose role is guarded by an MFA device: gives the core the code, from the flag
/// or asked on the terminal; without either, a usage error that says how to pass it.
pub(crate) async fn mfa(core: &Core, profile_id: &str, given: Option<&str>) -> Result<()> {
    let Some(serial) = core.mfa_device(profile_id).await else {
        return Ok(());
    };
    let name = profile_id.strip_prefix("file:").unwrap_or(profile_id);
    let code = match given {
        Some(code) => Zeroizing::new(code.to_string()),
        // Not echoed, and never on argv where other users of the machine can read it.
        None if std::io::IsTerminal::is_terminal(&std::io::stdin()) => Zeroizing::new(
            rpassword::prompt_password(format!("MFA code for {name} ({serial}): "))
                .map_err(|e| Error::invalid("mfaCode", format!("Cannot read the code: {e}")))?,
        ),
        None => {
            return Err(Error::invalid(
                "mfaCode",
                format!("{name}: an MFA code is required ({serial}): pass --mfa-code CODE"),
            ))
        }
    };
    core.provide_mfa_code(profile_id, &code)
}

/// `--profile NAME`: "keychain:NAME" or "file:NAME" as written, else the AWS files' profile of
/// that name, else Gatehouse's keychain profile of that name.
pub(crate) async fn resolve_profile(core: &Core, name: &str) -> Result<ProfileRef> {
    if name.starts_with("keychain:") || name.starts_with("file:") {
        return ProfileRef::parse(name);
    }
    let all = core.profiles().await?;
    let by_source = |source| all.iter().any(|p| p.name == name && p.source == source);
    if !by_source(crate::domain::model::ProfileSource::File)
        && by_source(crate::domain::model::ProfileSource::Keychain)
    {
        return Ok(ProfileRef::Keychain(name.to_string()));
    }
    Ok(ProfileRef::File(name.to_string()))
}

/// The profile and region from the flags, else from the environment, as the window starts.
pub(crate) async fn context(core: &Core, common: &Common) -> Result<Ctx> {
    let profile = match &common.profile {
        Some(name) => resolve_profile(core, name).await?,
        None => start_profile(),
    };
    let region = match &common.region {
        Some(r) => r.clone(),
        None => core.default_region(&profile.id()).await?,
    };
    if !is_region_name(&region) {
        return Err(Error::invalid(
            "region",
            format!("'{region}' is not a region name"),
        ));
    }
    mfa(core, &profile.id(), common.mfa_code.as_deref()).await?;
    Ok(Ctx {
        profile: profile.id(),
        region,
    })
}
