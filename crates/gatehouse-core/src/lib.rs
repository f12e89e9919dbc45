//! Gatehouse without its window: the model and the pure rules, the AWS adapters, this machine's
//! state (journal, locks, pacer, keychain list, files), the executor and the use cases (`Core`)
//! that the window and the command line both call. Nothing here knows Tauri.

pub mod apply;
pub mod aws;
pub mod core;
pub mod domain;
pub mod error;
pub mod local;

/// A std mutex's guard, whether or not a thread panicked while holding it: the caches and
/// lists it guards stay usable (a panic elsewhere must not take every later call down with it).
pub(crate) fn locked<T>(mutex: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}
