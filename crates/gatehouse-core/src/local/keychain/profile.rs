//! A keychain profile's parts: its settings as listed, the form's content, and the secret
//! kept in the keychain item.

use crate::domain::model::mask_key_id;
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use zeroize::{Zeroize, ZeroizeOnDrop};

pub const SERVICE: &str = "gatehouse";

/// Windows' Credential Manager keeps at most this many bytes in one item
/// (CRED_MAX_CREDENTIAL_BLOB_SIZE); keyring stores the item's text there as UTF-16.
pub const WINDOWS_SECRET_LIMIT: usize = 2560;

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
pub(super) struct Secret {
    pub(super) access_key_id: String,
    pub(super) secret_access_key: String,
    pub(super) session_token: Option<String>,
}

pub(super) fn opt(s: &str) -> Option<String> {
    Some(s.trim().to_string()).filter(|s| !s.is_empty())
}
