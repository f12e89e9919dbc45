//! Profiles that Gatehouse keeps: their secrets in the operating system's keychain (Keychain on
//! macOS, Credential Manager on Windows, the Secret Service on Linux, through `keyring`), their
//! non-secret settings in a small list file. Secrets never leave this module except as
//! `StaticKeys` handed to the SDK in memory.

use crate::aws::session::StaticKeys;
use crate::domain::model::{check_endpoint_url, is_region_name, mask_key_id};
use crate::error::{Error, Result};
use crate::local::files::{
    create_private_dir, make_private, private_file_options, user_folder, write_whole,
};
use serde::{Deserialize, Serialize};
use std::fs::File;
use std::path::{Path, PathBuf};
use ts_rs::TS;
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

pub const SERVICE: &str = "gatehouse";

/// Windows' Credential Manager keeps at most this many bytes in one item
/// (CRED_MAX_CREDENTIAL_BLOB_SIZE); keyring stores the item's text there as UTF-16.
pub const WINDOWS_SECRET_LIMIT: usize = 2560;

/// The folder of the profile list: `$XDG_CONFIG_HOME/gatehouse` on Linux. Never a shared folder:
/// without a config folder of the user's own, Gatehouse refuses to start.
pub fn default_dir() -> Result<PathBuf> {
    user_folder(dirs::config_dir(), "XDG_CONFIG_HOME")
        .map(|d| d.join("gatehouse"))
        .ok_or_else(|| {
            Error::Io(
                "Cannot find the user's config folder (set HOME or XDG_CONFIG_HOME); \
                 Gatehouse will not keep its profile settings in a shared folder"
                    .into(),
            )
        })
}

/// A keychain profile as the page sees it: nothing secret, the key ID masked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[derive(TS)]
pub struct KeychainProfile {
    pub name: String,
    pub access_key_id_masked: String,
    pub region: Option<String>,
    pub endpoint_url: Option<String>,
    pub role_arn: Option<String>,
    pub external_id: Option<String>,
    pub has_session_token: bool,
}

/// The form's content. On edit, an empty key ID, secret or token keeps the stored one. Wiped from
/// memory when dropped, never cloned; Debug masks it.
#[derive(Default, Deserialize, Zeroize, ZeroizeOnDrop)]
#[serde(rename_all = "camelCase")]
// Defaults per field: a container default would move fields out of a value that wipes on drop.
#[derive(TS)]
pub struct ProfileInput {
    /// The profile being edited, when it is an edit.
    #[serde(default)]
    pub original_name: Option<String>,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub access_key_id: String,
    #[serde(default)]
    pub secret_access_key: String,
    #[serde(default)]
    pub session_token: String,
    #[serde(default)]
    pub region: String,
    #[serde(default)]
    pub endpoint_url: String,
    #[serde(default)]
    pub role_arn: String,
    #[serde(default)]
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

/// What is stored in the keychain item, as one JSON secret. Wiped from memory when dropped; no
/// Debug, no Clone.
#[derive(Serialize, Deserialize, Zeroize, ZeroizeOnDrop)]
#[serde(rename_all = "camelCase")]
struct Secret {
    access_key_id: String,
    secret_access_key: String,
    session_token: Option<String>,
}

fn opt(s: &str) -> Option<String> {
    Some(s.trim().to_string()).filter(|s| !s.is_empty())
}

const TOKEN_TOO_LONG: &str =
    "This session token is too long for the Windows Credential Manager (at most 2560 bytes with the keys)";
const REENTER_SECRET: &str =
    "Enter the secret access key again: changing the endpoint or role sends the keys somewhere new";

/// The limit of one keychain item on this platform, if it has one.
fn platform_limit() -> Option<usize> {
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

fn too_long(secret: &Secret) -> Error {
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

fn keychain_error(e: keyring::Error) -> Error {
    match e {
        keyring::Error::NoEntry => {
            Error::NotFound("The profile's keys are not in the keychain any more".into())
        }
        keyring::Error::TooLong(..) => Error::invalid("sessionToken", TOKEN_TOO_LONG),
        other => Error::Keychain(format!("The system keychain is unavailable: {other}")),
    }
}

/// The keychain profiles of one user: a list file and one keychain item per profile.
pub struct KeychainStore {
    dir: PathBuf,
    list_file: PathBuf,
    service: String,
    /// Makes the next writes of the list fail, as a full disk would (unit tests).
    #[cfg(test)]
    fail_list_writes: std::sync::atomic::AtomicBool,
}

impl KeychainStore {
    pub fn new(config_dir: &Path, service: &str) -> KeychainStore {
        KeychainStore {
            dir: config_dir.to_path_buf(),
            list_file: config_dir.join("profiles.json"),
            service: service.to_string(),
            #[cfg(test)]
            fail_list_writes: Default::default(),
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

    fn io_error(&self, e: std::io::Error) -> Error {
        Error::Io(format!("Cannot save {}: {e}", self.list_file.display()))
    }

    /// Holds the list for one read-modify-write: an exclusive lock on `profiles.json.lock`, shared
    /// by the window and the command line, released when the returned file is dropped.
    fn lock(&self) -> Result<File> {
        create_private_dir(&self.dir).map_err(|e| self.io_error(e))?;
        let file = private_file_options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(self.dir.join("profiles.json.lock"))
            .map_err(|e| self.io_error(e))?;
        make_private(&file)
            .and_then(|_| file.lock())
            .map_err(|e| self.io_error(e))?;
        Ok(file)
    }

    /// Writes the list whole (files::write_whole: the old list or the new one, never half).
    fn write_list(&self, profiles: &[KeychainProfile]) -> Result<()> {
        #[cfg(test)]
        if self
            .fail_list_writes
            .load(std::sync::atomic::Ordering::SeqCst)
        {
            return Err(self.io_error(std::io::Error::from_raw_os_error(28)));
        }
        write_whole(&self.list_file, &serde_json::to_vec_pretty(profiles)?)
            .map_err(|e| self.io_error(e))
    }

    fn entry(&self, name: &str) -> Result<keyring::Entry> {
        keyring::Entry::new(&self.service, name).map_err(keychain_error)
    }

    fn read_secret(&self, name: &str) -> Result<Secret> {
        let raw = Zeroizing::new(self.entry(name)?.get_password().map_err(keychain_error)?);
        serde_json::from_str(&raw)
            .map_err(|_| Error::Keychain(format!("The keychain item of {name} is not Gatehouse's")))
    }

    /// Validates, stores the secret in the keychain, then the settings in the list. Nothing is
    /// stored when the input is invalid or the keychain refuses.
    pub fn save(&self, input: &ProfileInput) -> Result<KeychainProfile> {
        let _lock = self.lock()?;
        let mut all = self.list()?;
        if let Some(e) = validate(input, &all).into_iter().next() {
            return Err(e);
        }
        let name = input.name.trim().to_string();
        let original = input.original_name.clone().unwrap_or_else(|| name.clone());
        let secret = if input.access_key_id.trim().is_empty() && input.original_name.is_some() {
            // The stored keys, with whatever the form gave anew.
            let mut stored = self.read_secret(&original)?;
            if let Some(new) = opt(&input.secret_access_key) {
                stored.secret_access_key.zeroize();
                stored.secret_access_key = new;
            }
            if let Some(new) = opt(&input.session_token) {
                stored.session_token.zeroize();
                stored.session_token = Some(new);
            }
            stored
        } else {
            Secret {
                access_key_id: input.access_key_id.trim().to_string(),
                secret_access_key: input.secret_access_key.trim().to_string(),
                session_token: opt(&input.session_token),
            }
        };
        let json = Zeroizing::new(serde_json::to_string(&secret)?);
        if !secret_fits(platform_limit(), &json) {
            return Err(too_long(&secret));
        }
        let profile = KeychainProfile {
            name: name.clone(),
            access_key_id_masked: mask_key_id(&secret.access_key_id),
            region: opt(&input.region),
            endpoint_url: opt(&input.endpoint_url),
            role_arn: opt(&input.role_arn),
            external_id: opt(&input.external_id),
            has_session_token: secret.session_token.is_some(),
        };
        let new_item = !all.iter().any(|p| p.name == name);
        self.entry(&name)?
            .set_password(&json)
            .map_err(keychain_error)?;
        let before = all.clone();
        all.retain(|p| p.name != original && p.name != name);
        all.push(profile.clone());
        all.sort_by(|a, b| a.name.cmp(&b.name));
        // The list first: a keychain item the list does not name is one Gatehouse can neither
        // show nor delete. If the list cannot be written, the new item goes again.
        if let Err(e) = self.write_list(&all) {
            if new_item {
                let _ = self.entry(&name)?.delete_credential();
            }
            return Err(e);
        }
        if original != name {
            match self.entry(&original)?.delete_credential() {
                Ok(()) | Err(keyring::Error::NoEntry) => {}
                Err(e) => {
                    // Still in the keychain: the list keeps naming it, so that it can be deleted.
                    let mut kept = all.clone();
                    if let Some(old) = before.into_iter().find(|p| p.name == original) {
                        kept.push(old);
                        kept.sort_by(|a, b| a.name.cmp(&b.name));
                        let _ = self.write_list(&kept);
                    }
                    return Err(Error::Keychain(format!(
                        "{name} is saved, but the keychain item of {original} could not be \
                         deleted ({e}): it is still listed; delete it there"
                    )));
                }
            }
        }
        Ok(profile)
    }

    /// Removes the keychain item and the profile from the list.
    pub fn delete(&self, name: &str) -> Result<()> {
        let _lock = self.lock()?;
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

    /// The keys of a profile, for a session; they stay in memory. A profile whose settings were
    /// edited by hand to send the keys over plain HTTP to another machine is refused.
    pub fn keys(&self, name: &str) -> Result<StaticKeys> {
        let profile = self
            .list()?
            .into_iter()
            .find(|p| p.name == name)
            .ok_or_else(|| Error::NotFound(format!("No keychain profile named {name}")))?;
        if let Some(url) = &profile.endpoint_url {
            check_endpoint_url(url).map_err(|why| {
                Error::invalid(
                    "endpointUrl",
                    format!(
                        "Keychain profile {name} is not used: its endpoint {url} is refused. {why}"
                    ),
                )
            })?;
        }
        let mut secret = self.read_secret(name)?;
        // Moved, not copied: the emptied Secret is wiped on drop, StaticKeys wipes the rest.
        Ok(StaticKeys {
            access_key_id: std::mem::take(&mut secret.access_key_id),
            secret_access_key: std::mem::take(&mut secret.secret_access_key),
            session_token: secret.session_token.take(),
            endpoint_url: profile.endpoint_url,
            role_arn: profile.role_arn,
            external_id: profile.external_id,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(store: &KeychainStore, name: &str) -> Option<String> {
        store.entry(name).unwrap().get_password().ok()
    }

    /// Against the real Secret Service (make test runs the library's tests inside one): a rename
    /// whose list cannot be written leaves the old profile listed with its item, and strands no
    /// new item; once the list can be written, the old item goes only after the list names the
    /// new one.
    #[test]
    // ProfileInput wipes itself on drop, so `..Default::default()` cannot move out of one.
    #[allow(clippy::field_reassign_with_default)]
    fn a_rename_never_strands_a_secret() {
        let dir = tempfile::tempdir().unwrap();
        let service = format!("gatehouse-unit-{}", std::process::id());
        let store = KeychainStore::new(dir.path(), &service);
        let mut input = ProfileInput::default();
        input.name = "work".into();
        input.access_key_id = "AKIAIOSFODNN7EXAMPLE".into();
        input.secret_access_key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY".into();
        store.save(&input).unwrap();
        let mut rename = ProfileInput::default();
        rename.name = "work-eu".into();
        rename.original_name = Some("work".into());

        store
            .fail_list_writes
            .store(true, std::sync::atomic::Ordering::SeqCst);
        let err = store.save(&rename).unwrap_err();
        assert!(err.to_string().contains("Cannot save"), "{err}");
        let names: Vec<String> = store.list().unwrap().into_iter().map(|p| p.name).collect();
        assert_eq!(names, ["work"]);
        assert!(
            item(&store, "work").is_some(),
            "the listed profile keeps its keys"
        );
        assert!(
            item(&store, "work-eu").is_none(),
            "no item the list does not name"
        );

        store
            .fail_list_writes
            .store(false, std::sync::atomic::Ordering::SeqCst);
        store.save(&rename).unwrap();
        let names: Vec<String> = store.list().unwrap().into_iter().map(|p| p.name).collect();
        assert_eq!(names, ["work-eu"]);
        assert!(item(&store, "work").is_none());
        assert!(item(&store, "work-eu").is_some());
        store.delete("work-eu").unwrap();
    }
}
