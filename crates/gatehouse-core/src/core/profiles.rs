//! Profiles: every one the picker lists (environment, AWS files, keychain) with its default
//! region, and the management of keychain profiles: save, delete, test.

use super::state::{Core, Ctx};
use crate::aws::profiles::{self, ProfileRef};
use crate::domain::model::{Identity, ProfileInfo, ProfileSource};
use crate::error::{Error, Result};
use crate::local::keychain::{KeychainProfile, ProfileInput};

impl Core {
    /// Every profile for the picker: the environment's first (when present), then the files'.
    pub async fn profiles(&self) -> Result<Vec<ProfileInfo>> {
        let mut all = Vec::new();
        if let Some(env) = profiles::env_profile() {
            all.push(env);
        }
        all.extend(profiles::file_profiles().await?);
        // The list of keychain profiles is a plain file: it shows even when the keychain is locked.
        if let Ok(kc) = self.keychain.list() {
            all.extend(kc.into_iter().map(|p| ProfileInfo {
                id: ProfileRef::Keychain(p.name.clone()).id(),
                name: p.name,
                source: ProfileSource::Keychain,
                region: p.region,
                sso: None,
                account: None,
            }));
        }
        Ok(all)
    }

    pub async fn default_region(&self, profile_id: &str) -> Result<String> {
        let wanted = ProfileRef::parse(profile_id)?;
        let region = self
            .profiles()
            .await?
            .into_iter()
            .find(|p| p.id == wanted.id())
            .and_then(|p| p.region);
        Ok(profiles::default_region(region.as_deref()))
    }

    async fn blocking<T: Send + 'static>(
        &self,
        f: impl FnOnce(&crate::local::keychain::KeychainStore) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        let store = self.keychain.clone();
        tokio::task::spawn_blocking(move || f(&store))
            .await
            .map_err(|e| Error::Internal(e.to_string()))?
    }

    pub async fn keychain_profiles(&self) -> Result<Vec<KeychainProfile>> {
        self.blocking(|s| s.list()).await
    }

    /// Stores a profile (its keys in the keychain) and drops any session built on its old keys.
    pub async fn save_profile(&self, input: ProfileInput) -> Result<KeychainProfile> {
        let old = input.original_name.clone();
        let saved = self.blocking(move |s| s.save(&input)).await?;
        for name in old.iter().chain(std::iter::once(&saved.name)) {
            self.forget(&ProfileRef::Keychain(name.clone()).id()).await;
        }
        Ok(saved)
    }

    pub async fn delete_profile(&self, name: String) -> Result<()> {
        let id = ProfileRef::Keychain(name.clone()).id();
        self.blocking(move |s| s.delete(&name)).await?;
        self.forget(&id).await;
        Ok(())
    }

    /// "Test": who the profile's keys are (STS), in its own region.
    pub async fn test_profile(&self, name: &str) -> Result<Identity> {
        let profile = self
            .keychain_profiles()
            .await?
            .into_iter()
            .find(|p| p.name == name)
            .ok_or_else(|| Error::NotFound(format!("No keychain profile named {name}")))?;
        let ctx = Ctx {
            profile: ProfileRef::Keychain(name.to_string()).id(),
            region: profiles::default_region(profile.region.as_deref()),
        };
        self.forget(&ctx.profile).await;
        self.identity(&ctx).await
    }
}
