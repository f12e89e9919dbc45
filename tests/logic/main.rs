//! Pure logic, no sandbox and no display: the review's rules, plans, profiles, tokens, HTTP API
//! rules, the contract's lists and bindings, the import graph, private files and journal lines.
//!
//! One test binary for all of them: each binary links Tauri and the AWS SDK, so one link instead
//! of eight.

mod audit;
mod contract;
mod files;
mod http_rules;
mod layers;
mod plan;
mod profile_rules;
mod token;
