//! Profiles that Gatehouse keeps: their secrets in the operating system's keychain (Keychain on
//! macOS, Credential Manager on Windows, the Secret Service on Linux, through `keyring`), their
//! non-secret settings in a small list file. Secrets never leave this module except as
//! `StaticKeys` handed to the SDK in memory.

use crate::aws::session::StaticKeys;
use crate::error::{Error, Result};
use crate::model::is_region_name;
use crate::profiles::mask_key_id;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

pub const SERVICE: &str = "gatehouse";

/// A keychain profile as the page sees it: nothing secret, the key ID masked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KeychainProfile {
    pub name: String,
    pub access_key_id_masked: String,
    pub region: Option<String>,
    pub endpoint_url: Option<String>,
    pub role_arn: Option<String>,
    pub external_id: Option<String>,
    pub has_session_token: bool,
}

/// The form's content. On edit, an empty secret keeps the stored one.
#[derive(Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ProfileInput {
    /// The profile being edited, when it is an edit.
    pub original_name: Option<String>,
    pub name: String,
    pub access_key_id: String,
    pub secret_access_key: String,
    pub session_token: String,
    pub region: String,
    pub endpoint_url: String,
    pub role_arn: String,
    pub external_id: String,
}

impl std::fmt::Debug for ProfileInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProfileInput")
            .field("name", &self.name)
            .field("access_key_id", &mask_key_id(&self.access_key_id))
            .finish_non_exhaustive()
    }
}

/// What is stored in the keychain item, as one JSON secret.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Secret {
    access_key_id: String,
    secret_access_key: String,
    session_token: Option<String>,
}

fn opt(s: &str) -> Option<String> {
    Some(s.trim().to_string()).filter(|s| !s.is_empty())
}

/// Every problem with the form, each naming its field; empty when it can be stored.
pub fn validate(input: &ProfileInput, existing: &[KeychainProfile]) -> Vec<Error> {
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
    let keep_keys = editing.is_some() && key.is_empty() && input.secret_access_key.is_empty();
    if !keep_keys {
        if !(16..=128).contains(&key.len())
            || !key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        {
            errors.push(Error::invalid(
                "accessKeyId",
                "An access key ID is 16 to 128 letters, digits or underscores",
            ));
        }
        if input.secret_access_key.trim().is_empty() {
            errors.push(Error::invalid(
                "secretAccessKey",
                "The secret access key is empty",
            ));
        }
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
        if !is_http_url(&url) {
            errors.push(Error::invalid(
                "endpointUrl",
                "The endpoint must be an http:// or https:// URL, e.g. http://localhost:4566",
            ));
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

fn is_http_url(s: &str) -> bool {
    let rest = s
        .strip_prefix("http://")
        .or_else(|| s.strip_prefix("https://"));
    rest.is_some_and(|r| {
        let host = r.split('/').next().unwrap_or("");
        !host.is_empty()
            && !r.chars().any(char::is_whitespace)
            && host
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || ".-:[]".contains(c))
    })
}

fn is_role_arn(s: &str) -> bool {
    let parts: Vec<&str> = s.splitn(6, ':').collect();
    matches!(parts.as_slice(), ["arn", partition, "iam", "", account, resource]
        if partition.starts_with("aws")
        && account.len() == 12 && account.chars().all(|c| c.is_ascii_digit())
        && resource.strip_prefix("role/").is_some_and(|n| !n.is_empty()
            && n.chars().all(|c| c.is_ascii_alphanumeric() || "+=,.@_-/".contains(c))))
}

fn keychain_error(e: keyring::Error) -> Error {
    match e {
        keyring::Error::NoEntry => {
            Error::NotFound("The profile's keys are not in the keychain any more".into())
        }
        other => Error::Keychain(format!("The system keychain is unavailable: {other}")),
    }
}

/// The keychain profiles of one user: a list file and one keychain item per profile.
pub struct KeychainStore {
    list_file: PathBuf,
    service: String,
}

impl Default for KeychainStore {
    fn default() -> Self {
        let dir = dirs::config_dir()
            .unwrap_or_else(std::env::temp_dir)
            .join("gatehouse");
        KeychainStore::new(&dir, SERVICE)
    }
}

impl KeychainStore {
    pub fn new(config_dir: &Path, service: &str) -> KeychainStore {
        KeychainStore {
            list_file: config_dir.join("profiles.json"),
            service: service.to_string(),
        }
    }

    pub fn list(&self) -> Result<Vec<KeychainProfile>> {
        match std::fs::read(&self.list_file) {
            Ok(bytes) => serde_json::from_slice(&bytes)
                .map_err(|e| Error::Io(format!("{} is damaged: {e}", self.list_file.display()))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(vec![]),
            Err(e) => Err(Error::Io(format!(
                "Cannot read {}: {e}",
                self.list_file.display()
            ))),
        }
    }

    fn write_list(&self, profiles: &[KeychainProfile]) -> Result<()> {
        if let Some(dir) = self.list_file.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let tmp = self.list_file.with_extension("json.tmp");
        std::fs::write(&tmp, serde_json::to_vec_pretty(profiles)?)?;
        std::fs::rename(&tmp, &self.list_file)?;
        Ok(())
    }

    fn entry(&self, name: &str) -> Result<keyring::Entry> {
        keyring::Entry::new(&self.service, name).map_err(keychain_error)
    }

    fn read_secret(&self, name: &str) -> Result<Secret> {
        let raw = self.entry(name)?.get_password().map_err(keychain_error)?;
        serde_json::from_str(&raw)
            .map_err(|_| Error::Keychain(format!("The keychain item of {name} is not Gatehouse's")))
    }

    /// Validates, stores the secret in the keychain, then the settings in the list. Nothing is
    /// stored when the input is invalid or the keychain refuses.
    pub fn save(&self, input: &ProfileInput) -> Result<KeychainProfile> {
        let mut all = self.list()?;
        if let Some(e) = validate(input, &all).into_iter().next() {
            return Err(e);
        }
        let name = input.name.trim().to_string();
        let original = input.original_name.clone().unwrap_or_else(|| name.clone());
        let secret = if input.access_key_id.trim().is_empty() && input.original_name.is_some() {
            self.read_secret(&original)?
        } else {
            Secret {
                access_key_id: input.access_key_id.trim().to_string(),
                secret_access_key: input.secret_access_key.trim().to_string(),
                session_token: opt(&input.session_token),
            }
        };
        let profile = KeychainProfile {
            name: name.clone(),
            access_key_id_masked: mask_key_id(&secret.access_key_id),
            region: opt(&input.region),
            endpoint_url: opt(&input.endpoint_url),
            role_arn: opt(&input.role_arn),
            external_id: opt(&input.external_id),
            has_session_token: secret.session_token.is_some(),
        };
        self.entry(&name)?
            .set_password(&serde_json::to_string(&secret)?)
            .map_err(keychain_error)?;
        if original != name {
            let _ = self.entry(&original)?.delete_credential();
        }
        all.retain(|p| p.name != original && p.name != name);
        all.push(profile.clone());
        all.sort_by(|a, b| a.name.cmp(&b.name));
        self.write_list(&all)?;
        Ok(profile)
    }

    /// Removes the keychain item and the profile from the list.
    pub fn delete(&self, name: &str) -> Result<()> {
        let mut all = self.list()?;
        if !all.iter().any(|p| p.name == name) {
            return Err(Error::NotFound(format!("No keychain profile named {name}")));
        }
        match self.entry(name)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => {}
            Err(e) => return Err(keychain_error(e)),
        }
        all.retain(|p| p.name != name);
        self.write_list(&all)
    }

    /// The keys of a profile, for a session; they stay in memory.
    pub fn keys(&self, name: &str) -> Result<StaticKeys> {
        let profile = self
            .list()?
            .into_iter()
            .find(|p| p.name == name)
            .ok_or_else(|| Error::NotFound(format!("No keychain profile named {name}")))?;
        let secret = self.read_secret(name)?;
        Ok(StaticKeys {
            access_key_id: secret.access_key_id,
            secret_access_key: secret.secret_access_key,
            session_token: secret.session_token,
            endpoint_url: profile.endpoint_url,
            role_arn: profile.role_arn,
            external_id: profile.external_id,
        })
    }
}
