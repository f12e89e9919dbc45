//! Profiles that Gatehouse keeps: their secrets in the operating system's keychain (Keychain on
//! macOS, Credential Manager on Windows, the Secret Service on Linux, through `keyring`), their
//! non-secret settings in a small list file. Secrets never leave this module except as
//! `StaticKeys` handed to the SDK in memory. profile.rs has the parts of a profile, rules.rs what
//! it must be to be stored, store.rs the list and the keychain items.

mod profile;
mod rules;
mod store;

pub use profile::{KeychainProfile, ProfileInput, SERVICE, WINDOWS_SECRET_LIMIT};
pub use rules::{secret_fits, validate, validate_with_limit};
pub use store::{default_dir, KeychainStore};
