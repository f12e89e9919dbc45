//! The core's pure rules, no sandbox and no display: the review's rules, plans, profiles, tokens
//! and HTTP API rules. This binary links gatehouse-core alone: no window toolkit, no Tauri.

mod audit;
mod browser;
mod hostile_tokens;
mod http_rules;
mod live;
mod plan;
mod profile_rules;
mod token;
mod undo_journal;
