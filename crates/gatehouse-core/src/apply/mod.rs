//! Carrying out a plan: one UpdateMethod per changed method, paced to API Gateway's quota across
//! every Gatehouse process of the machine, a few at a time, retried with backoff and jitter on
//! 429, 5xx and lost answers, each method's before-state journaled (and flushed) before its call
//! and its outcome after it. Credentials that stop working, or a journal that cannot be written,
//! stop the apply at once. run.rs carries out each method; create.rs the creates (authorizer,
//! deployment), which look before they send again.

mod create;
mod methods;
mod report;
mod run;
#[cfg(test)]
mod tests;

pub use create::{create_authorizer, deploy, deploy_canary};
pub use methods::{Methods, OnAws};
pub use report::{ApplyEvent, ApplyReport, MethodResult, Pace};
use run::{Run, Stop};

use crate::aws::session::Session;
use crate::domain::plan::{Plan, PlanItem, SkippedItem};
use crate::error::Result;
use crate::local::journal::{ApplyHeader, ApplyJournal, Outcome, Record};
use crate::local::lock::ApiLock;
use futures::StreamExt;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Instant;

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
    // Before the journal is made: no apply's file under a lock that is not its API's.
    lock.check(&header.api_id)?;
    let journal = ApplyJournal::create(journal_dir, &header)?;
    let api_id = header.api_id.clone();
    let methods = OnAws {
        session,
        api_id: &api_id,
    };
    apply_to(
        &methods,
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

/// `apply` on any [`Methods`]: API Gateway's, or a scripted fake's.
#[allow(clippy::too_many_arguments)]
pub async fn apply_to<M: Methods>(
    methods: &M,
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
    let pacer = pace.pacer(journal_dir, &methods.quota_key().await?);
    let total = plan.items.len() + plan.skipped.len();
    let to_send = plan.change_count();
    progress(ApplyEvent::Started {
        apply_id: journal.id.clone(),
        total,
        to_send,
    });
    let run = Run {
        methods,
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
    let stopped = crate::locked(&run.stopped)
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
