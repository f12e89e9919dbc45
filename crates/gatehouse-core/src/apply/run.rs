//! One apply in progress: each method journaled, sent, retried and reported; why an apply stops.

use super::methods::Methods;
use super::report::{ApplyEvent, MethodResult, Pace};
use crate::aws::gateway::CallFailure;
use crate::domain::model::MethodState;
use crate::domain::plan::{state_code, PlanItem, SkippedItem};
use crate::error::{Error, EXPIRED_HINT};
use crate::local::journal::{ApplyJournal, Outcome, Record};
use crate::local::pacer::SharedPacer;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Duration;

/// Why an apply stopped before sending everything: no new call starts after it.
#[derive(Debug, Clone)]
pub(super) enum Stop {
    /// The credentials stopped working (the error, as the user reads errors).
    Credentials(String),
    /// A journal record could not be written (the disk is full, say): a method sent without
    /// its before-state on disk could not be undone, so nothing more is sent.
    Journal(String),
}

impl Stop {
    /// What the user reads, with how many methods were not sent.
    pub(super) fn message(&self, not_sent: usize) -> String {
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
pub(super) struct Run<'a, M: Methods> {
    pub(super) methods: &'a M,
    pub(super) journal: &'a ApplyJournal,
    pub(super) pace: Pace,
    pub(super) pacer: SharedPacer,
    pub(super) done: AtomicUsize,
    pub(super) throttled: AtomicUsize,
    /// Set by the first call refused for its credentials, or the first journal record that
    /// could not be written: no new call starts after it.
    pub(super) stopped: Mutex<Option<Stop>>,
    pub(super) total: usize,
    pub(super) progress: &'a (dyn Fn(ApplyEvent) + Send + Sync),
}

impl<M: Methods> Run<'_, M> {
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
        crate::locked(&self.stopped).is_some()
    }

    pub(super) fn stop(&self, why: Stop) {
        let mut stopped = crate::locked(&self.stopped);
        if stopped.is_none() {
            *stopped = Some(why);
        }
    }

    pub(super) fn unchanged(&self, item: &PlanItem) -> MethodResult {
        self.before(item);
        self.finish(result_of(item, Outcome::Unchanged, None, 0))
    }

    pub(super) fn skipped(&self, item: &SkippedItem) -> MethodResult {
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

    pub(super) async fn send(&self, item: &PlanItem) -> MethodResult {
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
            let failure = match self
                .methods
                .update(&item.resource_id, &item.verb, &from, &item.after)
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
                    if let Ok(now) = self.methods.state(&item.resource_id, &item.verb).await {
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
pub(super) fn backoff(attempt: u32) -> Duration {
    let ceiling_ms = (250u64 << attempt.saturating_sub(1).min(5)).min(8_000);
    Duration::from_millis(fastrand::u64(ceiling_ms / 4..=ceiling_ms))
}
