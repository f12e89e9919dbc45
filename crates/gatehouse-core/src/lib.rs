//! Gatehouse without its window: the model and the pure rules, the AWS adapters, this machine's
//! state (journal, locks, pacer, keychain list, files), the executor and the use cases (`Core`)
//! that the window and the command line both call. Nothing here knows Tauri.

pub mod apply;
pub mod aws;
pub mod core;
pub mod domain;
pub mod error;
pub mod local;
