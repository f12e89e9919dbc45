//! IAM Identity Center (SSO), pure: which profiles sign in through it, where the AWS CLI keeps their
//! token (`~/.aws/sso/cache/<sha1>.json`, shared with every SDK), what that file holds, and whether
//! a profile is signed in. No SDK, no I/O.

pub use crate::domain::model::{SsoState, SsoStatus};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha1::{Digest, Sha1};
use ts_rs::TS;
use zeroize::Zeroizing;

/// The SSO settings of a profile: an `sso_session` section, or the legacy keys in the profile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SsoSettings {
    /// The `sso-session` section's name; None for a legacy profile.
    pub session: Option<String>,
    pub start_url: String,
    pub region: String,
    pub account_id: Option<String>,
    pub role_name: Option<String>,
    pub scopes: Vec<String>,
}

impl SsoSettings {
    /// The settings from a profile's keys and, when it names one, its `sso-session` section's.
    /// None when the profile does not sign in through SSO (or its settings are incomplete).
    pub fn from_profile(
        get: impl Fn(&str) -> Option<String>,
        session: impl Fn(&str, &str) -> Option<String>,
    ) -> Option<SsoSettings> {
        let name = get("sso_session");
        let (start_url, region, scopes) = match &name {
            Some(s) => (
                session(s, "sso_start_url")?,
                session(s, "sso_region")?,
                session(s, "sso_registration_scopes").unwrap_or_default(),
            ),
            None => (get("sso_start_url")?, get("sso_region")?, String::new()),
        };
        Some(SsoSettings {
            session: name,
            start_url,
            region,
            account_id: get("sso_account_id"),
            role_name: get("sso_role_name"),
            scopes: scopes
                .split([',', ' '])
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect(),
        })
    }

    /// What the cache file is named after: the session's name, or the start URL (legacy).
    pub fn cache_identifier(&self) -> &str {
        self.session.as_deref().unwrap_or(&self.start_url)
    }

    /// `<sha1 hex>.json`, as the AWS CLI and the SDKs name the token's file.
    pub fn cache_file_name(&self) -> String {
        format!(
            "{}.json",
            hex::encode(Sha1::digest(self.cache_identifier().as_bytes()))
        )
    }
}

/// A signed-in token as the AWS CLI writes it (the same fields, so the CLI and SDKs share it).
pub struct CachedToken<'a> {
    pub settings: &'a SsoSettings,
    pub access_token: &'a str,
    pub expires_at: i64,
    pub client_id: &'a str,
    pub client_secret: &'a str,
    pub registration_expires_at: i64,
    pub refresh_token: Option<&'a str>,
}

/// The cache file's fields, in the AWS CLI's names and order.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CacheFile<'a> {
    start_url: &'a str,
    region: &'a str,
    access_token: &'a str,
    expires_at: String,
    client_id: &'a str,
    client_secret: &'a str,
    registration_expires_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    refresh_token: Option<&'a str>,
}

impl CachedToken<'_> {
    /// The cache file's text, straight from the borrowed secrets (no copy of them in between),
    /// wiped from memory when dropped.
    pub fn document(&self) -> Zeroizing<String> {
        let time = |t: i64| crate::domain::claims::rfc3339(t).unwrap_or_default();
        let file = CacheFile {
            start_url: &self.settings.start_url,
            region: &self.settings.region,
            access_token: self.access_token,
            expires_at: time(self.expires_at),
            client_id: self.client_id,
            client_secret: self.client_secret,
            registration_expires_at: time(self.registration_expires_at),
            refresh_token: self.refresh_token,
        };
        Zeroizing::new(serde_json::to_string_pretty(&file).unwrap_or_default())
    }
}

/// The state a cache file's contents (None: no file) say, at `now` (seconds since the epoch).
pub fn state(settings: &SsoSettings, cached: Option<&str>, now: i64) -> SsoState {
    let expires = cached
        .and_then(|text| serde_json::from_str::<Value>(text).ok())
        .filter(|doc| doc.get("accessToken").and_then(Value::as_str).is_some())
        .and_then(|doc| {
            doc.get("expiresAt")
                .and_then(Value::as_str)
                .map(str::to_string)
        })
        .and_then(|at| parse_rfc3339(&at));
    let (status, text) = match expires {
        None => (SsoStatus::NotSignedIn, "not signed in".to_string()),
        Some(t) if t <= now => (SsoStatus::Expired, "sign-in expired".to_string()),
        Some(t) => (SsoStatus::SignedIn, format!("signed in until {}", clock(t))),
    };
    SsoState {
        status,
        until: expires.and_then(crate::domain::claims::rfc3339),
        text,
        start_url: settings.start_url.clone(),
    }
}

/// "18:40 UTC".
fn clock(epoch: i64) -> String {
    let day = epoch.rem_euclid(86_400);
    format!("{:02}:{:02} UTC", day / 3600, (day % 3600) / 60)
}

/// RFC 3339 ("2026-11-26T23:14:48Z", with or without fractions or an offset) to epoch seconds.
pub fn parse_rfc3339(s: &str) -> Option<i64> {
    time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339)
        .ok()
        .map(|t| t.unix_timestamp())
}

/// The device sign-in shown to the user: where to go and the code to compare there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SsoPrompt {
    pub profile: String,
    pub verification_uri: String,
    /// The same page with the code filled in.
    pub verification_uri_complete: Option<String>,
    pub user_code: String,
    pub expires_in: i32,
    /// Whether the verification page was opened in the system browser (else the page shows it as
    /// a link to open and copy).
    #[serde(default)]
    pub browser_opened: bool,
    /// Why the page was not opened, when Gatehouse refused to (an address that is not https://).
    #[serde(default)]
    pub browser_note: Option<String>,
}
