//! What a keychain profile must be to be stored: every problem with the form, naming its field.

use super::profile::WINDOWS_SECRET_LIMIT;
use super::profile::{opt, KeychainProfile, ProfileInput, Secret};
use crate::domain::model::{check_endpoint_url, is_region_name};
use crate::error::Error;
use zeroize::Zeroizing;

pub(super) const TOKEN_TOO_LONG: &str =
    "This session token is too long for the Windows Credential Manager (at most 2560 bytes with the keys)";
const REENTER_SECRET: &str =
    "Enter the secret access key again: changing the endpoint or role sends the keys somewhere new";

/// The limit of one keychain item on this platform, if it has one.
pub(super) fn platform_limit() -> Option<usize> {
    cfg!(windows).then_some(WINDOWS_SECRET_LIMIT)
}

/// Whether a keychain item's text fits the platform's limit (in bytes of UTF-16), if there is one.
pub fn secret_fits(platform_limit: Option<usize>, secret_json: &str) -> bool {
    platform_limit.is_none_or(|limit| secret_json.encode_utf16().count() * 2 <= limit)
}

/// Every problem with the form, each naming its field; empty when it can be stored.
pub fn validate(input: &ProfileInput, existing: &[KeychainProfile]) -> Vec<Error> {
    validate_with_limit(input, existing, platform_limit())
}

/// `validate` for a platform whose keychain items hold at most `secret_limit` bytes (Windows).
pub fn validate_with_limit(
    input: &ProfileInput,
    existing: &[KeychainProfile],
    secret_limit: Option<usize>,
) -> Vec<Error> {
    let mut errors = Vec::new();
    let name = input.name.trim();
    let editing = input.original_name.as_deref();
    if name.is_empty() {
        errors.push(Error::invalid("name", "The profile needs a name"));
    } else if !name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "-_.@+".contains(c))
        || name.len() > 64
    {
        errors.push(Error::invalid(
            "name",
            "Use up to 64 letters, digits and - _ . @ + in the name",
        ));
    } else if existing
        .iter()
        .any(|p| p.name == name && Some(p.name.as_str()) != editing)
    {
        errors.push(Error::invalid(
            "name",
            format!("A profile named {name} already exists"),
        ));
    }
    let key = input.access_key_id.trim();
    let secret = input.secret_access_key.trim();
    let keep_key_id = editing.is_some() && key.is_empty();
    if !keep_key_id
        && (!(16..=128).contains(&key.len())
            || !key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
    {
        errors.push(Error::invalid(
            "accessKeyId",
            "An access key ID is 16 to 128 letters, digits or underscores",
        ));
    }
    if secret.is_empty() && !keep_key_id {
        errors.push(Error::invalid(
            "secretAccessKey",
            "The secret access key is empty",
        ));
    } else if secret.is_empty() && moves_keys(input, existing) {
        errors.push(Error::invalid("secretAccessKey", REENTER_SECRET));
    }
    let candidate = Secret {
        access_key_id: key.to_string(),
        secret_access_key: secret.to_string(),
        session_token: opt(&input.session_token),
    };
    if !fits(secret_limit, &candidate) {
        errors.push(too_long(&candidate));
    }
    if let Some(r) = opt(&input.region) {
        if !is_region_name(&r) {
            errors.push(Error::invalid(
                "region",
                format!("'{r}' is not a region name"),
            ));
        }
    }
    if let Some(url) = opt(&input.endpoint_url) {
        if let Err(why) = check_endpoint_url(&url) {
            errors.push(Error::invalid("endpointUrl", why));
        }
    }
    if let Some(arn) = opt(&input.role_arn) {
        if !is_role_arn(&arn) {
            errors.push(Error::invalid(
                "roleArn",
                "A role ARN looks like arn:aws:iam::123456789012:role/NAME",
            ));
        }
    }
    errors
}

/// Whether an edit points the stored keys at another endpoint or role than the stored settings:
/// then whoever edits must show they hold the secret, by entering it again.
fn moves_keys(input: &ProfileInput, existing: &[KeychainProfile]) -> bool {
    let Some(original) = input.original_name.as_deref() else {
        return false;
    };
    existing.iter().any(|p| {
        p.name == original
            && (opt(&input.endpoint_url) != p.endpoint_url || opt(&input.role_arn) != p.role_arn)
    })
}

/// Whether a keychain item fits the platform's limit, measured on the text that is stored.
fn fits(limit: Option<usize>, secret: &Secret) -> bool {
    serde_json::to_string(secret)
        .map(Zeroizing::new)
        .is_ok_and(|json| secret_fits(limit, &json))
}

pub(super) fn too_long(secret: &Secret) -> Error {
    match secret.session_token {
        Some(_) => Error::invalid("sessionToken", TOKEN_TOO_LONG),
        None => Error::invalid(
            "secretAccessKey",
            "This secret access key is too long for the Windows Credential Manager",
        ),
    }
}

fn is_role_arn(s: &str) -> bool {
    let parts: Vec<&str> = s.splitn(6, ':').collect();
    matches!(parts.as_slice(), ["arn", partition, "iam", "", account, resource]
        if partition.starts_with("aws")
        && account.len() == 12 && account.chars().all(|c| c.is_ascii_digit())
        && resource.strip_prefix("role/").is_some_and(|n| !n.is_empty()
            && n.chars().all(|c| c.is_ascii_alphanumeric() || "+=,.@_-/".contains(c))))
}
