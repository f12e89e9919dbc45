//! Signing in to IAM Identity Center from the app: start the device authorization (the page shows
//! the code and opens the browser), wait for the approval, write the token where the AWS CLI and
//! the SDKs read it, and drop the profile's old sessions. Cancel stops the waiting.

use super::state::Core;
use crate::aws::profiles::{self, ProfileRef};
use crate::aws::sso as aws_sso;
use crate::domain::sso_settings::{SsoPrompt, SsoState};
use crate::error::{Error, Result};

/// The name of a file profile given as "file:NAME" or "NAME".
fn file_profile(profile_id: &str) -> Result<String> {
    match ProfileRef::parse(profile_id) {
        Ok(ProfileRef::File(name)) => Ok(name),
        Ok(_) => Err(Error::invalid(
            "profile",
            "Only profiles of the AWS config files sign in through IAM Identity Center",
        )),
        Err(_) if !profile_id.contains(':') => Ok(profile_id.to_string()),
        Err(e) => Err(e),
    }
}

impl Core {
    /// Starts a sign-in for an SSO profile: what the user opens and the code to compare.
    pub async fn sso_start(&self, profile_id: &str) -> Result<SsoPrompt> {
        let name = file_profile(profile_id)?;
        let settings = profiles::sso_settings(&name).await?;
        let pending = aws_sso::start(&name, &settings).await?;
        let prompt = pending.prompt.clone();
        let id = ProfileRef::File(name).id();
        crate::locked(&self.sso.cancelled).remove(&id);
        crate::locked(&self.sso.pending).insert(id, pending);
        Ok(prompt)
    }

    /// Waits for the started sign-in to be approved, writes the token to the AWS CLI's cache,
    /// and forgets the profile's sessions so that the next call uses the new sign-in.
    pub async fn sso_finish(&self, profile_id: &str) -> Result<SsoState> {
        let name = file_profile(profile_id)?;
        let id = ProfileRef::File(name.clone()).id();
        let pending = crate::locked(&self.sso.pending)
            .remove(&id)
            .ok_or_else(|| Error::invalid("sso", format!("No sign-in was started for {name}")))?;
        let settings = profiles::sso_settings(&name).await?;
        let cancelled = || crate::locked(&self.sso.cancelled).contains(&id);
        let path = aws_sso::finish(pending, &settings, &aws_sso::cache_dir()?, cancelled).await?;
        self.forget(&id).await;
        let text = std::fs::read_to_string(&path)
            .ok()
            .map(zeroize::Zeroizing::new);
        Ok(crate::domain::sso_settings::state(
            &settings,
            text.as_ref().map(|t| t.as_str()),
            crate::local::journal::now_s(),
        ))
    }

    /// Stops waiting for a sign-in (the code shown no longer signs Gatehouse in).
    pub fn sso_cancel(&self, profile_id: &str) {
        if let Ok(name) = file_profile(profile_id) {
            crate::locked(&self.sso.cancelled).insert(ProfileRef::File(name).id());
        }
    }
}
