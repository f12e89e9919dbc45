//! Pure: the accounts one sign-in reaches — through IAM Identity Center (each with the roles the
//! user may take) or an organization — which role a sweep takes in each, how such an account is
//! named as a profile, and the named profiles `--write-profiles` appends to ~/.aws/config.

use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// An account as the portal lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PortalAccount {
    pub account_id: String,
    pub account_name: String,
    pub email: String,
}

/// An account of an organization, with its status (ACTIVE, SUSPENDED, …).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgAccount {
    pub account_id: String,
    pub account_name: String,
    pub email: String,
    pub status: String,
}

/// An account one SSO sign-in reaches, with the roles it may take there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[derive(TS)]
pub struct SsoAccount {
    pub account_id: String,
    pub account_name: String,
    pub email: String,
    pub roles: Vec<String>,
}

/// The role a sweep takes in an account: the first of the preference the account offers; with
/// no preference, its only role. Err: why the account cannot be swept, in the user's words.
pub fn choose_role(roles: &[String], preference: &[String]) -> std::result::Result<String, String> {
    if let Some(r) = preference.iter().find(|p| roles.contains(p)) {
        return Ok(r.clone());
    }
    match (preference.is_empty(), roles) {
        (_, []) => Err("no role to take: the sign-in is assigned none here".into()),
        (true, [only]) => Ok(only.clone()),
        (true, many) => Err(format!(
            "several roles ({}): name the one to take with --sso-role",
            many.join(", ")
        )),
        (false, have) => Err(format!(
            "none of the roles {} (it offers {})",
            preference.join(", "),
            have.join(", ")
        )),
    }
}

/// The prefix of the profile ids of accounts reached through a sign-in or an organization.
pub const SSO_PREFIX: &str = "sso:";
pub const ORG_PREFIX: &str = "org:";

/// How an account reached through `base` (a profile or an sso-session's name) is named where a
/// profile would be: "sso:corp/200000000001/ReadOnly", "org:mgmt/200000000001/AuditRole".
pub fn account_profile_id(prefix: &str, base: &str, account: &str, role: &str) -> String {
    format!("{prefix}{base}/{account}/{role}")
}

/// (base, account, role) of such an id after its prefix; None when it is not one.
pub fn parse_account_profile(rest: &str) -> Option<(String, String, String)> {
    let mut parts = rest.rsplitn(3, '/');
    let role = parts.next()?;
    let account = parts.next()?;
    let base = parts.next()?;
    let ok = !base.is_empty()
        && !role.is_empty()
        && account.len() == 12
        && account.bytes().all(|b| b.is_ascii_digit());
    ok.then(|| (base.to_string(), account.to_string(), role.to_string()))
}

/// A role's ARN in an account.
pub fn role_arn(account: &str, role: &str) -> String {
    format!("arn:aws:iam::{account}:role/{role}")
}

/// Where the profiles `--write-profiles` adds sign in: an sso-session's name, or the legacy
/// start URL and region.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignIn {
    Session(String),
    Legacy { start_url: String, region: String },
}

/// What `--write-profiles` appends to ~/.aws/config: one profile per account and role (only
/// `role` when given), named PREFIX + account name + "-" + role, lower-case, in the AWS CLI's
/// format. Profiles already in the file are left as they are (listed in the second value).
pub fn profiles_to_write(
    config: &str,
    accounts: &[SsoAccount],
    sign_in: &SignIn,
    region: &str,
    prefix: &str,
    role: Option<&str>,
) -> Result<(String, Vec<String>, Vec<String>)> {
    let existing: Vec<String> = config
        .lines()
        .filter_map(|l| {
            let l = l.trim();
            let inner = l.strip_prefix('[')?.strip_suffix(']')?.trim();
            Some(
                inner
                    .strip_prefix("profile ")
                    .unwrap_or(inner)
                    .trim()
                    .to_string(),
            )
        })
        .collect();
    let mut text = String::new();
    let mut added = Vec::new();
    let mut kept = Vec::new();
    for a in accounts {
        for r in a
            .roles
            .iter()
            .filter(|r| role.is_none_or(|want| want == r.as_str()))
        {
            let name = profile_name(prefix, &a.account_name, &a.account_id, r);
            if existing.contains(&name) || added.contains(&name) {
                kept.push(name);
                continue;
            }
            text.push_str(&format!("\n[profile {name}]\n"));
            match sign_in {
                SignIn::Session(s) => text.push_str(&format!("sso_session = {s}\n")),
                SignIn::Legacy { start_url, region } => text.push_str(&format!(
                    "sso_start_url = {start_url}\nsso_region = {region}\n"
                )),
            }
            text.push_str(&format!(
                "sso_account_id = {}\nsso_role_name = {r}\nregion = {region}\n",
                a.account_id
            ));
            added.push(name);
        }
    }
    if let (Some(want), true) = (role, added.is_empty() && kept.is_empty()) {
        return Err(Error::invalid(
            "role",
            format!("No account offers the role {want}."),
        ));
    }
    if !text.is_empty() {
        text.insert_str(0, "\n# Added by gatehouse accounts --write-profiles\n");
    }
    Ok((text, added, kept))
}

/// "team01-readonly": the account's name (else its id) and the role, lower-case, with the
/// characters a profile name may not hold turned into hyphens.
fn profile_name(prefix: &str, account_name: &str, account_id: &str, role: &str) -> String {
    let base = if account_name.trim().is_empty() {
        account_id
    } else {
        account_name
    };
    let clean = |s: &str| -> String {
        s.chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.' {
                    c.to_ascii_lowercase()
                } else {
                    '-'
                }
            })
            .collect()
    };
    format!("{prefix}{}-{}", clean(base), clean(role))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn roles(r: &[&str]) -> Vec<String> {
        r.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn the_first_preferred_role_the_account_offers_is_taken() {
        let have = roles(&["Admin", "ReadOnly", "SecurityAudit"]);
        assert_eq!(
            choose_role(&have, &roles(&["SecurityAudit", "ReadOnly"])),
            Ok("SecurityAudit".into())
        );
        assert_eq!(
            choose_role(&roles(&["ReadOnly"]), &[]),
            Ok("ReadOnly".into())
        );
        assert_eq!(
            choose_role(&have, &[]),
            Err("several roles (Admin, ReadOnly, SecurityAudit): name the one to take with --sso-role".into())
        );
        assert_eq!(
            choose_role(&roles(&["Admin"]), &roles(&["ReadOnly"])),
            Err("none of the roles ReadOnly (it offers Admin)".into())
        );
    }

    #[test]
    fn account_profile_ids_round_trip_with_slashes_in_the_base() {
        let id = account_profile_id(SSO_PREFIX, "corp", "200000000001", "ReadOnly");
        assert_eq!(id, "sso:corp/200000000001/ReadOnly");
        assert_eq!(
            parse_account_profile(id.strip_prefix(SSO_PREFIX).unwrap()),
            Some(("corp".into(), "200000000001".into(), "ReadOnly".into()))
        );
        assert_eq!(parse_account_profile("corp/12/ReadOnly"), None);
        assert_eq!(
            parse_account_profile("a/b/200000000001/R").map(|p| p.0),
            Some("a/b".into())
        );
    }

    #[test]
    fn written_profiles_never_touch_existing_ones() {
        let accounts = vec![
            SsoAccount {
                account_id: "200000000001".into(),
                account_name: "Team 01".into(),
                email: String::new(),
                roles: roles(&["ReadOnly", "Admin"]),
            },
            SsoAccount {
                account_id: "200000000002".into(),
                account_name: "Team02".into(),
                email: String::new(),
                roles: roles(&["ReadOnly"]),
            },
        ];
        let config = "[profile team-01-readonly]\nregion = eu-west-1\n";
        let (text, added, kept) = profiles_to_write(
            config,
            &accounts,
            &SignIn::Session("corp".into()),
            "us-east-1",
            "",
            Some("ReadOnly"),
        )
        .unwrap();
        assert_eq!(added, ["team02-readonly"]);
        assert_eq!(kept, ["team-01-readonly"]);
        assert_eq!(text, "\n# Added by gatehouse accounts --write-profiles\n\n[profile team02-readonly]\nsso_session = corp\nsso_account_id = 200000000002\nsso_role_name = ReadOnly\nregion = us-east-1\n");
        assert!(profiles_to_write(
            config,
            &accounts,
            &SignIn::Session("corp".into()),
            "us-east-1",
            "",
            Some("Nope")
        )
        .is_err());
    }
}
