//! Against the local AWS sandbox, no display: the adapters, apply, the command line as a user
//! runs it, trust under faults, HTTP APIs, SSO sign-in, the sweep, and the real Secret Service.
//!
//! One test binary for all of them (one link instead of nine). Nothing here changes this
//! process's environment: each test hands its own to the commands it starts. The tests that must
//! set the environment of the process itself (tests/core.rs, tests/token_check.rs,
//! tests/keychain_unavailable.rs) stay binaries of their own.

#[path = "../common/mod.rs"]
mod common;

mod accounts;
mod app_clients;
mod aws_profile;
mod cli;
mod cli_meta;
mod cors;
mod deploy;
mod hostile;
mod http_apis;
mod keychain;
mod live;
mod sso;
mod sso_endpoints;
mod sweep;
mod templates;
mod token_cost;
mod trust;
