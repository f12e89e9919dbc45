//! Carrying out a plan: one UpdateMethod per changed method, paced to API Gateway's quota across
//! every Gatehouse process of the machine, a few at a time, retried with backoff and jitter on
//! 429, 5xx and lost answers, each method's before-state journaled (and flushed) before its call
//! and its outcome after it. Credentials that stop working stop the apply at once.

use crate::aws::gateway::{self, CallFailure};
use crate::aws::session::Session;
use crate::domain::model::MethodState;
use crate::domain::plan::{state_code, Plan, PlanItem, SkippedItem};
use crate::error::{Error, Result, EXPIRED_HINT};
use crate::local::journal::{ApplyHeader, ApplyJournal, Outcome, Record};
use crate::local::lock::ApiLock;
use crate::local::pacer::SharedPacer;
use futures::StreamExt;
use serde::{Deserialize, Serialize};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};
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
    fn pacer(&self, dir: &Path, quota_key: &str) -> SharedPacer {
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
    fn summary_text(&self) -> String {
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

/// Applies `plan` to the API: journal first, then the calls; never stops half-way without
/// saying which method ended how. `lock` is the API's writer lock, under which the plan was made.
pub async fn apply(
    session: &Session,
    journal_dir: &Path,
    header: ApplyHeader,
    plan: &Plan,
    pace: Pace,
    progress: &(dyn Fn(ApplyEvent) + Send + Sync),
    lock: &ApiLock,
) -> Result<ApplyReport> {
    let journal = ApplyJournal::create(journal_dir, &header)?;
    apply_into(
        session,
        journal_dir,
        journal,
        header,
        plan,
        pace,
        progress,
        lock,
    )
    .await
}

/// `apply`, journaled into a journal already created for `header`.
#[allow(clippy::too_many_arguments)]
pub async fn apply_into(
    session: &Session,
    journal_dir: &Path,
    journal: ApplyJournal,
    header: ApplyHeader,
    plan: &Plan,
    pace: Pace,
    progress: &(dyn Fn(ApplyEvent) + Send + Sync),
    lock: &ApiLock,
) -> Result<ApplyReport> {
    lock.check(&header.api_id)?;
    let started = Instant::now();
    let pacer = pace.pacer(journal_dir, &session.quota_key().await?);
    let total = plan.items.len() + plan.skipped.len();
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
        pacer,
        done: AtomicUsize::new(0),
        throttled: AtomicUsize::new(0),
        stopped: Mutex::new(None),
        total,
        progress,
    };
    let mut results: Vec<MethodResult> = Vec::with_capacity(total);
    for item in &plan.skipped {
        results.push(run.skipped(item));
    }
    // Methods already as planned are journaled as unchanged and not sent.
    for item in plan.items.iter().filter(|i| i.unchanged()) {
        results.push(run.unchanged(item));
    }
    // Futures made up front (not in a closure of the stream) keep their lifetimes concrete,
    // which the Send check of Tauri's async commands needs.
    let calls: Vec<_> = plan.changes().map(|item| run.send(item)).collect();
    let sent: Vec<MethodResult> = futures::stream::iter(calls)
        .buffer_unordered(pace.concurrency.max(1))
        .collect()
        .await;
    results.extend(sent);
    if let Err(e) = journal.write(&Record::End {
        finished_ms: crate::local::journal::now_ms(),
    }) {
        run.stop(Stop::Journal(e.to_string()));
    }
    let throttled = run.throttled.load(Ordering::SeqCst);

    let order: std::collections::HashMap<String, usize> = plan
        .items
        .iter()
        .map(PlanItem::key)
        .chain(plan.skipped.iter().map(SkippedItem::key))
        .enumerate()
        .map(|(i, key)| (key, i))
        .collect();
    results.sort_by_key(|r| order.get(&r.key).copied().unwrap_or(usize::MAX));
    let count = |o: Outcome| results.iter().filter(|r| r.status == o).count();
    let not_sent = count(Outcome::NotSent);
    let stopped = run
        .stopped
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .take()
        .map(|why| why.message(not_sent));
    let mut report = ApplyReport {
        summary: String::new(),
        live_on: None,
        apply_id: journal.id.clone(),
        changed: count(Outcome::Changed),
        unchanged: count(Outcome::Unchanged),
        failed: count(Outcome::Failed),
        skipped: count(Outcome::Skipped),
        not_sent,
        throttled,
        stopped,
        elapsed_ms: started.elapsed().as_millis() as u64,
        results,
    };
    report.summary = report.summary_text();
    progress(ApplyEvent::Finished {
        changed: report.changed,
        unchanged: report.unchanged,
        failed: report.failed,
        skipped: report.skipped,
        not_sent: report.not_sent,
        throttled: report.throttled,
        stopped: report.stopped.clone(),
    });
    Ok(report)
}

/// Why an apply stopped before sending everything: no new call starts after it.
#[derive(Debug, Clone)]
enum Stop {
    /// The credentials stopped working (the error, as the user reads errors).
    Credentials(String),
    /// A journal record could not be written (the disk is full, say): a method sent without
    /// its before-state on disk could not be undone, so nothing more is sent.
    Journal(String),
}

impl Stop {
    /// What the user reads, with how many methods were not sent.
    fn message(&self, not_sent: usize) -> String {
        let methods = format!(
            "{not_sent} method{} {} not sent.",
            if not_sent == 1 { "" } else { "s" },
            if not_sent == 1 { "was" } else { "were" },
        );
        match self {
            Stop::Credentials(why) => format!(
                "The apply stopped: the AWS credentials stopped working ({why}). {methods} \
                 {EXPIRED_HINT} Then Undo (History) or apply again."
            ),
            Stop::Journal(why) => format!(
                "The apply stopped: its journal could not be written ({why}). {methods} Every \
                 method sent is in the journal and can be undone: free some disk space, then \
                 Undo (History) or apply again."
            ),
        }
    }
}

/// One apply in progress: what every method's task shares.
struct Run<'a> {
    session: &'a Session,
    api_id: &'a str,
    journal: &'a ApplyJournal,
    pace: Pace,
    pacer: SharedPacer,
    done: AtomicUsize,
    throttled: AtomicUsize,
    /// Set by the first call refused for its credentials, or the first journal record that
    /// could not be written: no new call starts after it.
    stopped: Mutex<Option<Stop>>,
    total: usize,
    progress: &'a (dyn Fn(ApplyEvent) + Send + Sync),
}

impl Run<'_> {
    /// Journals a method's before-state; false (and the apply stopped) when it cannot be
    /// written, and then the method must not be sent.
    fn before(&self, item: &PlanItem) -> bool {
        self.journaled(&Record::Before {
            key: item.key(),
            state: item.before.clone(),
            planned: item.after.clone(),
        })
    }

    /// Writes one record; a record that cannot be written stops the apply.
    fn journaled(&self, record: &Record) -> bool {
        match self.journal.write(record) {
            Ok(()) => true,
            Err(e) => {
                self.stop(Stop::Journal(e.to_string()));
                false
            }
        }
    }

    /// Journals a method's outcome and reports it. The outcome is reported even when it cannot
    /// be written: its before-state is on disk, so an undo looks at it.
    fn finish(&self, result: MethodResult) -> MethodResult {
        self.journaled(&Record::After {
            key: result.key.clone(),
            status: result.status,
            error: result.error.clone(),
        });
        self.report(result)
    }

    fn report(&self, result: MethodResult) -> MethodResult {
        let done = self.done.fetch_add(1, Ordering::SeqCst) + 1;
        (self.progress)(ApplyEvent::Method {
            result: Box::new(result.clone()),
            done,
            total: self.total,
        });
        result
    }

    fn is_stopped(&self) -> bool {
        self.stopped
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .is_some()
    }

    fn stop(&self, why: Stop) {
        let mut stopped = self.stopped.lock().unwrap_or_else(|p| p.into_inner());
        if stopped.is_none() {
            *stopped = Some(why);
        }
    }

    fn unchanged(&self, item: &PlanItem) -> MethodResult {
        self.before(item);
        self.finish(result_of(item, Outcome::Unchanged, None, 0))
    }

    fn skipped(&self, item: &SkippedItem) -> MethodResult {
        self.journaled(&Record::Skipped {
            key: item.key(),
            found: item.found.clone(),
            planned: item.restore.clone(),
            reason: item.reason.clone(),
        });
        self.report(MethodResult {
            key: item.key(),
            path: item.path.clone(),
            verb: item.verb.clone(),
            before: item.found.clone().unwrap_or_else(|| item.restore.clone()),
            after: item.restore.clone(),
            status: Outcome::Skipped,
            status_text: Outcome::Skipped.label().to_string(),
            error: Some(item.reason.clone()),
            found: item.found.clone(),
            attempts: 0,
        })
    }

    async fn send(&self, item: &PlanItem) -> MethodResult {
        if self.is_stopped() || !self.before(item) {
            return self.report(not_sent(item));
        }
        let result = self.send_one(item).await;
        self.finish(result)
    }

    /// Sends one method's change until it is done, refused, or out of attempts.
    async fn send_one(&self, item: &PlanItem) -> MethodResult {
        let mut from = item.before.clone();
        let mut last_error: Option<Error> = None;
        let max = self.pace.max_attempts.max(1);
        for attempt in 1..=max {
            if let Err(e) = self.pacer.until_ready().await {
                return result_of(item, Outcome::Failed, Some(e.to_string()), attempt - 1);
            }
            if self.is_stopped() {
                return match last_error {
                    // A lost answer may have landed: the undo will look at it.
                    Some(e) => result_of(item, Outcome::Failed, Some(e.to_string()), attempt - 1),
                    None => not_sent(item),
                };
            }
            let failure = match gateway::update_method(
                self.session,
                self.api_id,
                &item.resource_id,
                &item.verb,
                &from,
                &item.after,
            )
            .await
            {
                Ok(now) => return self.compare(item, now, attempt),
                Err(f) => f,
            };
            let CallFailure {
                error,
                retryable,
                ambiguous,
                throttled,
            } = failure;
            if throttled {
                self.throttled.fetch_add(1, Ordering::SeqCst);
            }
            if error.is_credentials() {
                self.stop(Stop::Credentials(error.to_string()));
            }
            if !retryable {
                return result_of(item, Outcome::Failed, Some(error.to_string()), attempt);
            }
            last_error = Some(error);
            tokio::time::sleep(backoff(attempt)).await;
            if ambiguous && !self.is_stopped() {
                // The change may have landed: look before sending it again.
                if self.pacer.until_ready().await.is_ok() {
                    if let Ok(now) = gateway::method_state(
                        self.session,
                        self.api_id,
                        &item.resource_id,
                        &item.verb,
                    )
                    .await
                    {
                        if now.same_as(&item.after) {
                            return result_of(item, Outcome::Changed, None, attempt);
                        }
                        from = now;
                    }
                }
            }
        }
        let message = last_error.map(|e| e.to_string()).unwrap_or_default();
        result_of(
            item,
            Outcome::Failed,
            Some(format!("{message} (gave up after {max} attempts)")),
            max,
        )
    }

    /// AWS's answer to an UpdateMethod is the method as it now is: when it is not what was
    /// planned, someone else wrote in between, and the method is reported failed with what
    /// AWS holds.
    fn compare(&self, item: &PlanItem, now: MethodState, attempt: u32) -> MethodResult {
        if now.same_as(&item.after) {
            return result_of(item, Outcome::Changed, None, attempt);
        }
        let mut r = result_of(
            item,
            Outcome::Failed,
            Some(format!(
                "AWS now holds {} instead of the planned {}: someone else changed the method \
                 at the same time",
                state_code(&now),
                state_code(&item.after)
            )),
            attempt,
        );
        r.found = Some(now);
        r
    }
}

fn not_sent(item: &PlanItem) -> MethodResult {
    result_of(
        item,
        Outcome::NotSent,
        Some("not sent: the apply stopped".into()),
        0,
    )
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
        status_text: status.label().to_string(),
        error,
        found: None,
        attempts,
    }
}

/// Exponential backoff with full jitter: up to 0.25 s, 0.5 s, 1 s … capped at 8 s.
fn backoff(attempt: u32) -> Duration {
    let ceiling_ms = (250u64 << attempt.saturating_sub(1).min(5)).min(8_000);
    Duration::from_millis(fastrand::u64(ceiling_ms / 4..=ceiling_ms))
}

/// How many times a create (authorizer, deployment) is sent at most.
const CREATE_ATTEMPTS: u32 = 4;

/// One CreateDeployment to `stage`, paced to one per 5 s across the machine. After an ambiguous
/// failure it looks at the stage before sending again, so a lost answer never deploys twice.
pub async fn deploy(
    session: &Session,
    dir: &Path,
    api_id: &str,
    stage: &str,
    description: &str,
    lock: &ApiLock,
) -> Result<String> {
    lock.check(api_id)?;
    let pacer = SharedPacer::new(dir, "deploy", &session.quota_key().await?, 0.2, 1);
    let before = gateway::stage_deployment(session, api_id, stage).await?;
    let mut attempt = 0;
    loop {
        attempt += 1;
        pacer.until_ready().await?;
        let failure = match gateway::create_deployment(session, api_id, stage, description).await {
            Ok(id) => return Ok(id),
            Err(f) => f,
        };
        if !failure.retryable || attempt >= CREATE_ATTEMPTS {
            return Err(failure.error);
        }
        tokio::time::sleep(backoff(attempt)).await;
        if failure.ambiguous {
            let now = gateway::stage_deployment(session, api_id, stage).await?;
            if let Some(id) = now.filter(|id| Some(id) != before.as_ref()) {
                return Ok(id);
            }
        }
    }
}

/// Creates a Cognito authorizer. After an ambiguous failure it lists the API's authorizers and
/// takes the one that landed instead of creating a second.
pub async fn create_authorizer(
    session: &Session,
    api_id: &str,
    input: &crate::domain::plan::AuthorizerInput,
    pool_arn: &str,
    lock: &ApiLock,
) -> Result<crate::domain::model::Authorizer> {
    lock.check(api_id)?;
    let mut attempt = 0;
    loop {
        attempt += 1;
        let failure = match gateway::create_authorizer(session, api_id, input, pool_arn).await {
            Ok(a) => return Ok(a),
            Err(f) => f,
        };
        if !failure.retryable || attempt >= CREATE_ATTEMPTS {
            return Err(failure.error);
        }
        tokio::time::sleep(backoff(attempt)).await;
        if failure.ambiguous {
            let existing = gateway::list_authorizers(session, api_id).await?;
            if let Some(a) = existing.into_iter().find(|a| {
                a.name == input.name.trim()
                    && crate::domain::plan::matches_authorizer(a, pool_arn, input)
            }) {
                return Ok(a);
            }
        }
    }
}
