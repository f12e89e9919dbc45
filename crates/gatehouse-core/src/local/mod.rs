//! This machine's state: private files, the journal of applies, the one-writer lock per API, the
//! machine-wide pacer of API Gateway's quotas, the keychain profiles, and the browser.

pub mod browser;
pub mod deployments;
pub mod files;
pub mod journal;
pub mod keychain;
pub mod lock;
pub mod pacer;
