//! A role guarded by an MFA device: what assuming it needs (the one-time code, wiped when
//! dropped), the assumption itself, and the role's credentials, which serve every region of the
//! profile until they expire.

use super::timeouts;
use crate::error::Error;
use aws_config::{BehaviorVersion, Region};
use aws_credential_types::Credentials;
use std::time::Duration;
use zeroize::{Zeroize, ZeroizeOnDrop};

/// What assuming an MFA-guarded role needs. The code is used once; it is wiped from memory when
/// this is dropped, and Debug never prints it.
#[derive(Zeroize, ZeroizeOnDrop)]
pub struct MfaRole {
    /// The profile that names the role (for messages).
    pub profile: String,
    pub source_profile: String,
    pub role_arn: String,
    pub serial: String,
    pub code: String,
    pub external_id: Option<String>,
    pub duration_seconds: Option<i32>,
}

impl std::fmt::Debug for MfaRole {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MfaRole")
            .field("profile", &self.profile)
            .field("source_profile", &self.source_profile)
            .field("role_arn", &self.role_arn)
            .field("serial", &self.serial)
            .field("code", &"******")
            .finish_non_exhaustive()
    }
}

/// An MFA-guarded role's credentials, held in memory until they expire (they are not renewed
/// without a new code). The SDK's `Credentials` wipe their secret when dropped and never print it.
#[derive(Debug, Clone)]
pub struct RoleCredentials {
    pub(crate) credentials: Credentials,
    pub expires_at: std::time::SystemTime,
}

impl RoleCredentials {
    /// Whether they expire within a minute: a session on them would not last a call or two.
    pub fn expiring(&self) -> bool {
        expiring(Some(self.expires_at))
    }
}

/// Whether `expires_at` is less than a minute away (or past).
pub(crate) fn expiring(expires_at: Option<std::time::SystemTime>) -> bool {
    expires_at.is_some_and(|t| {
        t.duration_since(std::time::SystemTime::now())
            .map_or(true, |left| left < Duration::from_secs(60))
    })
}

/// AssumeRole with the MFA device's serial and code, using the source profile's credentials, in
/// `region`; the role's credentials, for every region's session of the profile.
pub async fn assume_mfa_role(role: &MfaRole, region: &str) -> Result<RoleCredentials, Error> {
    let base = aws_config::defaults(BehaviorVersion::latest())
        .http_client(super::http_client())
        .region(Region::new(region.to_string()))
        .timeout_config(timeouts())
        .profile_name(&role.source_profile)
        .load()
        .await;
    let endpoint = base
        .endpoint_url()
        .map(str::to_string)
        .unwrap_or_else(|| "sts.amazonaws.com".into());
    let out = aws_sdk_sts::Client::new(&base)
        .assume_role()
        .role_arn(&role.role_arn)
        .role_session_name("gatehouse")
        .serial_number(&role.serial)
        .token_code(role.code.as_str())
        .set_external_id(role.external_id.clone())
        .set_duration_seconds(role.duration_seconds)
        .send()
        .await
        .map_err(|e| match super::map_sdk_error(e, &endpoint) {
            Error::Aws { code, message } => Error::Aws {
                code,
                message: format!(
                    "{}: assuming {} with the MFA code was refused: {message}",
                    role.profile, role.role_arn
                ),
            },
            other => other,
        })?;
    let creds = out.credentials().ok_or_else(|| Error::Aws {
        code: "NoCredentials".into(),
        message: format!("{}: AssumeRole answered without credentials", role.profile),
    })?;
    let expires_at = std::time::SystemTime::try_from(*creds.expiration())
        .unwrap_or_else(|_| std::time::SystemTime::now() + Duration::from_secs(900));
    let credentials = Credentials::new(
        creds.access_key_id(),
        creds.secret_access_key(),
        Some(creds.session_token().to_string()),
        Some(expires_at),
        "gatehouse-mfa",
    );
    Ok(RoleCredentials {
        credentials,
        expires_at,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_mfa_code_or_the_role_secret() {
        let role = MfaRole {
            profile: "guarded".into(),
            source_profile: "base".into(),
            role_arn: "arn:aws:iam::123456789012:role/guarded".into(),
            serial: "arn:aws:iam::123456789012:mfa/alice".into(),
            code: "493817".into(),
            external_id: None,
            duration_seconds: None,
        };
        let shown = format!("{role:?}");
        assert!(
            shown.contains("guarded") && shown.contains("mfa/alice"),
            "{shown}"
        );
        assert!(!shown.contains("493817"), "{shown}");

        let creds = RoleCredentials {
            credentials: Credentials::new(
                "ASIAROLE",
                "role-secret-key",
                Some("role-session".into()),
                None,
                "t",
            ),
            expires_at: std::time::SystemTime::now() + Duration::from_secs(3600),
        };
        let shown = format!("{creds:?}");
        assert!(
            !shown.contains("role-secret-key") && !shown.contains("role-session"),
            "{shown}"
        );
        assert!(!creds.expiring());
    }
}
