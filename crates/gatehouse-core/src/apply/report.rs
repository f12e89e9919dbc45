//! What an apply is asked to keep to (its pace) and what it tells (its events and its report).

use crate::domain::model::MethodState;
use crate::local::journal::Outcome;
use crate::local::pacer::SharedPacer;
use serde::{Deserialize, Serialize};
use std::path::Path;
use ts_rs::TS;

/// How hard an apply may push API Gateway's control plane.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Pace {
    /// Requests per second (API Gateway allows 10 per account).
    pub rate: u32,
    /// Requests allowed at once after a quiet spell (API Gateway: 40).
    pub burst: u32,
    /// Calls in flight at once.
    pub concurrency: usize,
    /// Attempts per method before it is reported failed.
    pub max_attempts: u32,
}

impl Default for Pace {
    fn default() -> Self {
        Pace {
            rate: 10,
            burst: 40,
            concurrency: 4,
            max_attempts: 8,
        }
    }
}

impl Pace {
    pub fn with_rate(rate: u32) -> Pace {
        Pace {
            rate: rate.max(1),
            burst: Pace::default().burst.min(rate.max(1) * 4),
            ..Pace::default()
        }
    }

    /// The machine-wide budget for API Gateway calls of one account (or endpoint) and region.
    pub(super) fn pacer(&self, dir: &Path, quota_key: &str) -> SharedPacer {
        SharedPacer::new(
            dir,
            "calls",
            quota_key,
            f64::from(self.rate.max(1)),
            self.burst.max(1),
        )
    }
}

/// What the progress bar and the per-row results are fed, in order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(
    tag = "event",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
#[derive(TS)]
pub enum ApplyEvent {
    Started {
        apply_id: String,
        total: usize,
        to_send: usize,
    },
    Method {
        result: Box<MethodResult>,
        done: usize,
        total: usize,
    },
    Finished {
        changed: usize,
        unchanged: usize,
        failed: usize,
        skipped: usize,
        not_sent: usize,
        throttled: usize,
        stopped: Option<String>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[derive(TS)]
pub struct MethodResult {
    pub key: String,
    pub path: String,
    pub verb: String,
    pub before: MethodState,
    pub after: MethodState,
    pub status: Outcome,
    /// The status in words: "changed", "not sent".
    pub status_text: String,
    /// AWS's code and message when the method failed; why it was skipped or not sent.
    pub error: Option<String>,
    /// What AWS held when it differed from the plan: after a call that someone else's write
    /// overtook, or for a method an undo skipped.
    pub found: Option<MethodState>,
    pub attempts: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[derive(TS)]
pub struct ApplyReport {
    pub apply_id: String,
    pub results: Vec<MethodResult>,
    pub changed: usize,
    pub unchanged: usize,
    pub failed: usize,
    pub skipped: usize,
    pub not_sent: usize,
    /// 429 answers received (and retried).
    pub throttled: usize,
    /// Why the apply stopped before sending everything (the credentials stopped working), and
    /// what to do; None when every method was tried.
    pub stopped: Option<String>,
    #[ts(type = "number")]
    pub elapsed_ms: u64,
    /// "3 changed, 0 unchanged, 0 failed in 1.2 s (0 throttled and retried)".
    pub summary: String,
    /// The stage of an HTTP API that made the change live by itself: "$default (auto-deploy)".
    #[serde(default)]
    pub live_on: Option<String>,
}

impl ApplyReport {
    pub(super) fn summary_text(&self) -> String {
        let mut counts = format!(
            "{} changed, {} unchanged, {} failed",
            self.changed, self.unchanged, self.failed
        );
        if self.skipped > 0 {
            counts.push_str(&format!(", {} skipped", self.skipped));
        }
        if self.not_sent > 0 {
            counts.push_str(&format!(", {} not sent", self.not_sent));
        }
        format!(
            "{counts} in {:.1} s ({} throttled and retried)",
            self.elapsed_ms as f64 / 1000.0,
            self.throttled
        )
    }
}
