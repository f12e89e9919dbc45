//! The real Gatehouse window, driven through tauri-driver and WebKitWebDriver under the display
//! and D-Bus session of tests/with-desktop.sh, against the local AWS sandbox. Each test is one
//! user story; one window at a time (common::window::run holds the lock).
//!
//! One test binary for all of them (one link instead of ten).

#[path = "../common/mod.rs"]
mod common;

mod access;
mod accounts;
mod cors;
mod http;
mod keyboard;
mod keys;
mod live;
mod mfa;
mod profiles;
mod protect;
mod review;
mod screen_reader;
mod shell;
mod shortcuts;
mod sso;
mod sweep;
mod templates;
mod token;
mod trust;
