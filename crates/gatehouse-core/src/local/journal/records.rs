//! What the journal holds: an apply's header, its records, a method's outcome, and the clock.

use crate::domain::model::{Action, MethodState};
use crate::domain::responses::ResponseState;
use serde::{Deserialize, Serialize};
use std::time::{SystemTime, UNIX_EPOCH};
use ts_rs::TS;

pub fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

/// Seconds since the epoch (token expiries, SSO sign-ins).
pub fn now_s() -> i64 {
    (now_ms() / 1000) as i64
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[derive(TS)]
pub struct ApplyHeader {
    pub id: String,
    #[ts(type = "number")]
    pub started_ms: u64,
    pub profile: String,
    pub region: String,
    pub api_id: String,
    pub api_name: String,
    /// Protect, unprotect or undo.
    pub action: Action,
    /// What the apply set, in words ("Cognito · PetsPool", "Open", "previous states").
    pub description: String,
    /// For an undo: the apply it undoes.
    pub undoes: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    tag = "type",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum Record {
    Start(ApplyHeader),
    /// Written and flushed before the call that changes the method.
    Before {
        key: String,
        state: MethodState,
        planned: MethodState,
    },
    After {
        key: String,
        status: Outcome,
        error: Option<String>,
    },
    /// A method an undo left alone: what AWS held, what would have been restored, and why.
    Skipped {
        key: String,
        found: Option<MethodState>,
        planned: MethodState,
        reason: String,
    },
    End {
        finished_ms: u64,
    },
    /// A gateway response (UNAUTHORIZED, …), written and flushed before the call that sets it.
    ResponseBefore {
        key: String,
        state: ResponseState,
        planned: ResponseState,
    },
    ResponseAfter {
        key: String,
        status: Outcome,
        error: Option<String>,
    },
    /// A gateway response an undo left alone, and why.
    ResponseSkipped {
        key: String,
        found: Option<ResponseState>,
        planned: ResponseState,
        reason: String,
    },
    /// The apply went live on `stage`: deployed there, or (`auto_deployed`) made live by a stage
    /// that deploys every change by itself.
    Deployed {
        stage: String,
        deployment_id: String,
        at_ms: u64,
    },
}

/// What a `Deployed` record says after the stage's name when the stage deployed by itself.
const AUTO_DEPLOY: &str = " (auto-deploy)";

/// A `Deployed` record's stage for a stage that deploys by itself: "$default (auto-deploy)".
pub fn auto_deployed(stage: &str) -> String {
    format!("{stage}{AUTO_DEPLOY}")
}

/// Whether a `Deployed` record's stage is one that deployed by itself (`auto_deployed`).
pub fn is_auto_deployed(stage: &str) -> bool {
    stage.ends_with(AUTO_DEPLOY)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[derive(TS)]
pub enum Outcome {
    Changed,
    Unchanged,
    Failed,
    /// Left alone by an undo: changed by someone else since the apply, or gone.
    Skipped,
    /// Never sent: the apply stopped first (the credentials stopped working).
    NotSent,
}

impl Outcome {
    /// As the command line and the page write it.
    pub fn label(self) -> &'static str {
        match self {
            Outcome::Changed => "changed",
            Outcome::Unchanged => "unchanged",
            Outcome::Failed => "failed",
            Outcome::Skipped => "skipped",
            Outcome::NotSent => "not sent",
        }
    }
}
