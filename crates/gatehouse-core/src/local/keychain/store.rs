//! The profiles' store: the list file and one keychain item per profile, changed so that no
//! secret is ever stranded where Gatehouse cannot see or delete it.

use super::profile::{opt, KeychainProfile, ProfileInput, Secret};
use super::rules::{platform_limit, secret_fits, too_long, validate, TOKEN_TOO_LONG};
use crate::aws::session::StaticKeys;
use crate::domain::model::{check_endpoint_url, mask_key_id};
use crate::error::{Error, Result};
use crate::local::files::{
    create_private_dir, make_private, private_file_options, user_folder, write_whole,
};
use std::fs::File;
use std::path::{Path, PathBuf};
use zeroize::{Zeroize, Zeroizing};

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
        // A renamed profile's old entry, to list again if its item cannot be deleted.
        let old = (original != name)
            .then(|| all.iter().find(|p| p.name == original).cloned())
            .flatten();
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
                    if let Some(old) = old {
                        all.push(old);
                        all.sort_by(|a, b| a.name.cmp(&b.name));
                        let _ = self.write_list(&all);
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
mod tests;
