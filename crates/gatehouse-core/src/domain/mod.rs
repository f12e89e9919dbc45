//! Plain data and pure rules: no I/O, no SDK, no files, no clock of its own (tested with plain
//! values in microseconds). The model, the review's audit, plans and undo planning, validation,
//! the token's claims and verdicts, SSO settings, the sweep's rows and formats, ownership tags, what each stage serves.

pub mod accounts;
pub mod audit;
pub mod browser;
pub mod claims;
pub mod endpoints;
pub mod kinds;
pub mod live;
pub mod model;
pub mod ownership;
pub mod plan;
pub mod responses;
pub mod sso_settings;
pub mod sweep;
pub mod sweep_formats;
pub mod template;
pub mod undo_plan;
pub mod validate;
pub mod verdict;
