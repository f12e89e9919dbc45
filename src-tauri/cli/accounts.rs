//! `gatehouse accounts`: every account and role an IAM Identity Center sign-in reaches, and,
//! for those who want them, named profiles appended to ~/.aws/config.

use super::common::EXIT_OK;
use super::out::clean;
use crate::core::Core;
use crate::domain::accounts::profiles_to_write;
use crate::error::{Error, Result};
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
pub struct AccountsArgs {
    /// The sign-in: a profile that signs in through IAM Identity Center, or an sso-session's
    /// name (sign in first: gatehouse login --profile NAME).
    #[arg(long, value_name = "PROFILE_OR_SESSION")]
    pub sso: String,
    /// Read the portal again rather than what this run read before.
    #[arg(long)]
    pub refresh: bool,
    /// Print JSON: {"accounts": [{"accountId", "accountName", "email", "roles"}]}.
    #[arg(long)]
    pub json: bool,
    /// Append a named profile per account and role to the AWS config file (existing sections
    /// are never touched; the file is copied aside first).
    #[arg(long)]
    pub write_profiles: bool,
    /// The written profiles' names start with this.
    #[arg(long, default_value = "", requires = "write_profiles")]
    pub prefix: String,
    /// Only profiles for this role.
    #[arg(long, requires = "write_profiles")]
    pub role: Option<String>,
    /// The region the written profiles use (default: the sign-in's).
    #[arg(long, requires = "write_profiles")]
    pub region: Option<String>,
}

/// The AWS config file, as the AWS CLI finds it.
fn config_path() -> Result<PathBuf> {
    if let Some(p) = std::env::var_os("AWS_CONFIG_FILE").filter(|p| !p.is_empty()) {
        return Ok(PathBuf::from(p));
    }
    std::env::var_os("HOME")
        .filter(|h| !h.is_empty())
        .map(|h| PathBuf::from(h).join(".aws/config"))
        .ok_or_else(|| Error::Io("No home folder for ~/.aws/config".into()))
}

pub(super) async fn accounts(core: &Core, args: AccountsArgs) -> Result<i32> {
    let accounts = core.sso_accounts(&args.sso, args.refresh).await?;
    if args.write_profiles {
        let (sign_in, sso_region) = core.sign_in_of(&args.sso).await?;
        let path = config_path()?;
        let config = std::fs::read_to_string(&path).unwrap_or_default();
        let region = args.region.clone().unwrap_or(sso_region);
        let (text, added, kept) = profiles_to_write(
            &config,
            &accounts,
            &sign_in,
            &region,
            &args.prefix,
            args.role.as_deref(),
        )?;
        if !added.is_empty() {
            if path.exists() {
                let mut backup = path.as_os_str().to_owned();
                backup.push(format!(
                    ".gatehouse-{}.bak",
                    crate::local::journal::now_ms()
                ));
                std::fs::copy(&path, &backup).map_err(|e| {
                    Error::Io(format!("Could not copy {} aside: {e}", path.display()))
                })?;
                eoutln!(
                    "Copied {} to {}.",
                    path.display(),
                    PathBuf::from(backup).display()
                );
            }
            use std::io::Write;
            let mut file = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(&path)
                .map_err(|e| Error::Io(format!("Could not open {}: {e}", path.display())))?;
            file.write_all(text.as_bytes())
                .map_err(|e| Error::Io(format!("Could not write {}: {e}", path.display())))?;
        }
        eoutln!(
            "Added {} profile{} to {}{}.",
            added.len(),
            if added.len() == 1 { "" } else { "s" },
            path.display(),
            if kept.is_empty() {
                String::new()
            } else {
                format!("; {} already there, left as they were", kept.len())
            }
        );
        for name in &added {
            eoutln!("  {name}");
        }
    }
    if args.json {
        let v = serde_json::to_value(serde_json::json!({ "accounts": accounts }))?;
        outln!("{}", serde_json::to_string_pretty(&v)?);
        return Ok(EXIT_OK);
    }
    if !args.write_profiles {
        let width = accounts
            .iter()
            .map(|a| a.account_name.chars().count())
            .max()
            .unwrap_or(4)
            .max(4);
        outln!("{:<12}  {:<width$}  ROLES", "ACCOUNT", "NAME");
        for a in &accounts {
            outln!(
                "{:<12}  {:<width$}  {}",
                a.account_id,
                clean(&a.account_name),
                clean(&a.roles.join(", "))
            );
        }
        outln!();
        outln!(
            "{} account{} reached through {}.",
            accounts.len(),
            if accounts.len() == 1 { "" } else { "s" },
            clean(&args.sso)
        );
    }
    Ok(EXIT_OK)
}
