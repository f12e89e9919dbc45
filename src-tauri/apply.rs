//! Carrying out a plan: one UpdateMethod per changed method, paced on the client to API Gateway's
//! quota, a few at a time, retried with backoff and jitter on 429, 5xx and lost answers, each
//! method's before-state journaled (and flushed) before its call and its outcome after it.

use crate::aws::gateway::{self, CallFailure};
use crate::aws::session::Session;
use crate::error::{Error, Result};
use crate::journal::{ApplyHeader, ApplyJournal, Outcome, Record};
use crate::plan::{patch_ops, MethodState, Plan, PlanItem};
use futures::StreamExt;
use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use serde::{Deserialize, Serialize};
use std::num::NonZeroU32;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

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

    fn limiter(&self) -> DefaultDirectRateLimiter {
        let rate = NonZeroU32::new(self.rate.max(1)).unwrap_or(NonZeroU32::MIN);
        let burst = NonZeroU32::new(self.burst.max(1)).unwrap_or(NonZeroU32::MIN);
        RateLimiter::direct(Quota::per_second(rate).allow_burst(burst))
    }
}

/// What the progress bar and the per-row results are fed, in order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(
    tag = "event",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
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
        throttled: usize,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MethodResult {
    pub key: String,
    pub path: String,
    pub verb: String,
    pub before: MethodState,
    pub after: MethodState,
    pub status: Outcome,
    /// AWS's code and message when the method failed.
    pub error: Option<String>,
    pub attempts: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApplyReport {
    pub apply_id: String,
    pub results: Vec<MethodResult>,
    pub changed: usize,
    pub unchanged: usize,
    pub failed: usize,
    /// 429 answers received (and retried).
    pub throttled: usize,
    pub elapsed_ms: u64,
}

/// Applies `plan` to the API: journal first, then the calls; never stops half-way without
/// saying which method ended how.
pub async fn apply(
    session: &Session,
    journal_dir: &Path,
    header: ApplyHeader,
    plan: &Plan,
    pace: Pace,
    progress: &(dyn Fn(ApplyEvent) + Send + Sync),
) -> Result<ApplyReport> {
    let started = Instant::now();
    let journal = ApplyJournal::create(journal_dir, &header)?;
    let total = plan.items.len();
    let to_send = plan.change_count();
    progress(ApplyEvent::Started {
        apply_id: journal.id.clone(),
        total,
        to_send,
    });
    let run = Run {
        session,
        api_id: &header.api_id,
        journal: &journal,
        pace,
        limiter: pace.limiter(),
        done: AtomicUsize::new(0),
        throttled: AtomicUsize::new(0),
        total,
        progress,
    };
    let mut results: Vec<MethodResult> = Vec::with_capacity(total);
    // Methods already as planned are journaled as unchanged and not sent.
    for item in plan.items.iter().filter(|i| i.unchanged()) {
        results.push(run.skip(item)?);
    }
    // Futures made up front (not in a closure of the stream) keep their lifetimes concrete,
    // which the Send check of Tauri's async commands needs.
    let calls: Vec<_> = plan.changes().map(|item| run.send(item)).collect();
    let sent: Vec<Result<MethodResult>> = futures::stream::iter(calls)
        .buffer_unordered(pace.concurrency.max(1))
        .collect()
        .await;
    for r in sent {
        results.push(r?);
    }
    journal.write(&Record::End {
        finished_ms: crate::journal::now_ms(),
    })?;
    let throttled = run.throttled.load(Ordering::SeqCst);

    let order: std::collections::HashMap<String, usize> = plan
        .items
        .iter()
        .enumerate()
        .map(|(i, it)| (it.key(), i))
        .collect();
    results.sort_by_key(|r| order.get(&r.key).copied().unwrap_or(usize::MAX));
    let count = |o: Outcome| results.iter().filter(|r| r.status == o).count();
    let report = ApplyReport {
        apply_id: journal.id.clone(),
        changed: count(Outcome::Changed),
        unchanged: count(Outcome::Unchanged),
        failed: count(Outcome::Failed),
        throttled,
        elapsed_ms: started.elapsed().as_millis() as u64,
        results,
    };
    progress(ApplyEvent::Finished {
        changed: report.changed,
        unchanged: report.unchanged,
        failed: report.failed,
        throttled: report.throttled,
    });
    Ok(report)
}

/// One apply in progress: what every method's task shares.
struct Run<'a> {
    session: &'a Session,
    api_id: &'a str,
    journal: &'a ApplyJournal,
    pace: Pace,
    limiter: DefaultDirectRateLimiter,
    done: AtomicUsize,
    throttled: AtomicUsize,
    total: usize,
    progress: &'a (dyn Fn(ApplyEvent) + Send + Sync),
}

impl Run<'_> {
    fn before(&self, item: &PlanItem) -> Result<()> {
        self.journal.write(&Record::Before {
            key: item.key(),
            state: item.before.clone(),
            planned: item.after.clone(),
        })
    }

    fn finish(&self, result: MethodResult) -> Result<MethodResult> {
        self.journal.write(&Record::After {
            key: result.key.clone(),
            status: result.status,
            error: result.error.clone(),
        })?;
        let done = self.done.fetch_add(1, Ordering::SeqCst) + 1;
        (self.progress)(ApplyEvent::Method {
            result: Box::new(result.clone()),
            done,
            total: self.total,
        });
        Ok(result)
    }

    fn skip(&self, item: &PlanItem) -> Result<MethodResult> {
        self.before(item)?;
        self.finish(result_of(item, Outcome::Unchanged, None, 0))
    }

    async fn send(&self, item: &PlanItem) -> Result<MethodResult> {
        self.before(item)?;
        let (status, error, attempts) = send_one(
            self.session,
            self.api_id,
            item,
            self.pace,
            &self.limiter,
            &self.throttled,
        )
        .await;
        self.finish(result_of(item, status, error, attempts))
    }
}

fn result_of(
    item: &PlanItem,
    status: Outcome,
    error: Option<String>,
    attempts: u32,
) -> MethodResult {
    MethodResult {
        key: item.key(),
        path: item.path.clone(),
        verb: item.verb.clone(),
        before: item.before.clone(),
        after: item.after.clone(),
        status,
        error,
        attempts,
    }
}

/// Sends one method's change until it is done, refused, or out of attempts.
async fn send_one(
    session: &Session,
    api_id: &str,
    item: &PlanItem,
    pace: Pace,
    limiter: &DefaultDirectRateLimiter,
    throttled: &AtomicUsize,
) -> (Outcome, Option<String>, u32) {
    let mut ops = item.ops.clone();
    let mut last_error: Option<Error> = None;
    for attempt in 1..=pace.max_attempts.max(1) {
        limiter.until_ready().await;
        match gateway::update_method(session, api_id, &item.resource_id, &item.verb, &ops).await {
            Ok(()) => return (Outcome::Changed, None, attempt),
            Err(CallFailure {
                error,
                retryable,
                ambiguous,
                throttled: was_throttled,
            }) => {
                if was_throttled {
                    throttled.fetch_add(1, Ordering::SeqCst);
                }
                if !retryable {
                    return (Outcome::Failed, Some(error.to_string()), attempt);
                }
                last_error = Some(error);
                tokio::time::sleep(backoff(attempt)).await;
                if ambiguous {
                    // The change may have landed: look before sending it again.
                    limiter.until_ready().await;
                    if let Ok(now) =
                        gateway::method_state(session, api_id, &item.resource_id, &item.verb).await
                    {
                        if now.same_as(&item.after) {
                            return (Outcome::Changed, None, attempt);
                        }
                        ops = patch_ops(&now, &item.after);
                    }
                }
            }
        }
    }
    let message = last_error.map(|e| e.to_string()).unwrap_or_default();
    (
        Outcome::Failed,
        Some(format!(
            "{message} (gave up after {} attempts)",
            pace.max_attempts
        )),
        pace.max_attempts,
    )
}

/// Exponential backoff with full jitter: up to 0.25 s, 0.5 s, 1 s … capped at 8 s.
fn backoff(attempt: u32) -> Duration {
    let ceiling_ms = (250u64 << attempt.saturating_sub(1).min(5)).min(8_000);
    Duration::from_millis(fastrand::u64(ceiling_ms / 4..=ceiling_ms))
}

/// Waits so that CreateDeployment calls stay 5 s apart (API Gateway's quota for them).
pub struct DeployPacer {
    last: tokio::sync::Mutex<Option<Instant>>,
    interval: Duration,
}

impl Default for DeployPacer {
    fn default() -> Self {
        DeployPacer {
            last: tokio::sync::Mutex::new(None),
            interval: Duration::from_secs(5),
        }
    }
}

impl DeployPacer {
    pub async fn deploy(
        &self,
        session: &Session,
        api_id: &str,
        stage: &str,
        description: &str,
    ) -> Result<String> {
        let mut last = self.last.lock().await;
        if let Some(t) = *last {
            let wait = self.interval.saturating_sub(t.elapsed());
            tokio::time::sleep(wait).await;
        }
        let result = gateway::create_deployment(session, api_id, stage, description).await;
        *last = Some(Instant::now());
        result
    }
}
