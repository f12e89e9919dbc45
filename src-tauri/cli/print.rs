//! Printing a protect, an unprotect or an undo: the authorizer, the preview, the warnings (on
//! stderr), one line per method as it ends, the report; or the JSON the README documents.

use super::common::{EXIT_ERROR, EXIT_FAILED_METHODS, EXIT_OK};
use super::out::clean;
use crate::core::{
    ApplyEvent, ApplyReport, AuthorizerStatus, Deployment, MethodResult, ProtectEvent,
    ProtectOutcome,
};
use crate::domain::audit::describe_state;
use crate::domain::model::{Api, Authorizer};
use crate::domain::plan::Plan;
use crate::error::{Error, Result};
use serde_json::{json, Value};

/// The JSON of a protect or unprotect that found no method to change.
fn nothing_json() -> Value {
    json!({"authorizer": null, "applyId": null, "results": [], "deployment": null})
}

/// Which command prints: their "nothing to do" differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command {
    Protect,
    Unprotect,
}

/// Prints a protect or an unprotect as it goes and once it is done: text, or JSON on stdout with
/// the progress on stderr.
pub struct Printer {
    command: Command,
    json: bool,
    max_rps: u32,
}

impl Printer {
    pub fn new(command: Command, json: bool, max_rps: u32) -> Printer {
        Printer {
            command,
            json,
            max_rps,
        }
    }

    /// The preview comes before the apply's progress lines, one line per method as it ends.
    pub fn event(&self, e: ProtectEvent<'_>) {
        match e {
            ProtectEvent::Planned(outcome) => {
                self.plan(outcome);
                if !self.json {
                    let changes = outcome.plan.as_ref().map_or(0, Plan::change_count);
                    outln!(
                        "Applying {changes} change(s) at up to {} requests/s…",
                        self.max_rps
                    );
                }
            }
            ProtectEvent::Apply(ApplyEvent::Method {
                result,
                done,
                total,
            }) => progress_line(&result, done, total, self.json),
            ProtectEvent::Apply(_) => {}
        }
    }

    /// The authorizer and the preview (as text), then the warnings (on stderr).
    fn plan(&self, outcome: &ProtectOutcome) {
        if let (false, Some(plan)) = (self.json, &outcome.plan) {
            if let Some(a) = &outcome.authorizer {
                outln!(
                    "Authorizer {} ({}) {}.",
                    clean(&a.name),
                    a.shown_id(),
                    a.status.words()
                );
            }
            print_preview(&outcome.api, plan, &outcome.authorizers);
        }
        for w in &outcome.warnings {
            eoutln!("warning: {}", w.message());
        }
    }

    /// The report of what was sent, or the dry run's plan, or why warnings stopped it, or that
    /// no method qualified.
    pub fn finish(&self, outcome: &ProtectOutcome) -> Result<i32> {
        if let Some(message) = &outcome.nothing_to_do {
            // As they always were: protect's JSON pretty-printed, unprotect's on one line.
            match (self.command, self.json) {
                (Command::Protect, true) => {
                    outln!("{}", serde_json::to_string_pretty(&nothing_json())?)
                }
                (Command::Protect, false) => {
                    outln!(
                        "{} ({}): {message}",
                        clean(&outcome.api.name),
                        outcome.api.id
                    )
                }
                (Command::Unprotect, true) => outln!("{}", nothing_json()),
                (Command::Unprotect, false) => outln!("{message}"),
            }
            return Ok(EXIT_OK);
        }
        if let Some(report) = &outcome.report {
            if let (Some(preview), false) = (&outcome.deploy_preview, self.json) {
                super::deploy::print_preview(preview);
            }
            print_report(
                report,
                outcome.deployment.as_ref(),
                self.json,
                authorizer_json(outcome),
            )?;
            return Ok(exit_status(report));
        }
        self.plan(outcome);
        if outcome.stopped_by_warnings {
            return Err(Error::invalid(
                "warnings",
                "the plan has warnings (above); nothing was changed. Add --force to apply anyway.",
            ));
        }
        // Neither sent nor stopped: a dry run.
        if self.json {
            let items = outcome.plan.iter().flat_map(|p| &p.items);
            let results: Vec<Value> = items
                .map(|i| {
                    json!({"path": i.path, "verb": i.verb, "before": i.before, "after": i.after,
                           "status": if i.unchanged() { "unchanged" } else { "planned" }, "error": null})
                })
                .collect();
            outln!(
                "{}",
                serde_json::to_string_pretty(
                    &json!({"authorizer": authorizer_json(outcome), "applyId": null,
                    "results": results, "deployment": null, "dryRun": true})
                )?
            );
        } else {
            outln!("Dry run: nothing was changed.");
        }
        Ok(EXIT_OK)
    }
}

/// `{"id", "name", "created"}` of a protect's authorizer (id null while it would be created);
/// null for an unprotect.
fn authorizer_json(outcome: &ProtectOutcome) -> Value {
    match &outcome.authorizer {
        Some(a) => json!({
            "id": a.id,
            "name": a.name,
            "created": a.status == AuthorizerStatus::Created,
        }),
        None => Value::Null,
    }
}

/// 1 when the apply stopped (credentials), 4 when a method failed or was left alone, else 0.
pub fn exit_status(report: &ApplyReport) -> i32 {
    if let Some(why) = &report.stopped {
        eoutln!("gatehouse: {why}");
        EXIT_ERROR
    } else if report.failed + report.skipped + report.not_sent > 0 {
        EXIT_FAILED_METHODS
    } else {
        EXIT_OK
    }
}

/// One method's outcome as it comes: on stdout, or on stderr when stdout carries JSON.
pub fn progress_line(result: &MethodResult, done: usize, total: usize, json_out: bool) {
    let line = format!(
        "  [{done}/{total}] {:<9} {}{}",
        result.status.label(),
        clean(&result.key),
        result
            .error
            .as_deref()
            .map(|e| format!(" — {}", clean(e)))
            .unwrap_or_default()
    );
    if json_out {
        eoutln!("{line}");
    } else {
        outln!("{line}");
    }
}

fn print_preview(api: &Api, plan: &Plan, authorizers: &[Authorizer]) {
    outln!("{} ({}): preview", clean(&api.name), api.id);
    let width = plan.items.iter().map(|i| i.key().len()).max().unwrap_or(0);
    for i in &plan.items {
        let after = if i.unchanged() {
            "unchanged".to_string()
        } else {
            clean(&describe_state(&i.after, authorizers))
        };
        outln!(
            "  {:<width$}  {} → {}",
            i.key(),
            clean(&describe_state(&i.before, authorizers)),
            after
        );
    }
}

pub fn print_report(
    report: &ApplyReport,
    deployment: Option<&Deployment>,
    json_out: bool,
    authorizer_json: Value,
) -> Result<()> {
    if json_out {
        let results: Vec<Value> = report
            .results
            .iter()
            .map(|r| {
                json!({"path": r.path, "verb": r.verb, "before": r.before, "after": r.after,
                       "status": r.status, "error": r.error, "found": r.found})
            })
            .collect();
        let deployment = deployment.map(|d| json!({"id": d.id, "stage": d.stage}));
        let stopped = report.stopped.as_ref().map(|s| json!(s));
        outln!(
            "{}",
            serde_json::to_string_pretty(&json!({"authorizer": authorizer_json,
                "applyId": report.apply_id, "results": results, "deployment": deployment,
                "liveOn": report.live_on,
                "stopped": stopped}))?
        );
        return Ok(());
    }
    outln!("{}. Apply {}.", report.summary, report.apply_id);
    if let Some(stage) = &report.live_on {
        outln!("Live on {stage}: the stage deploys every change by itself.");
    } else if let Some(d) = deployment {
        outln!("Deployed to {} (deployment {}).", d.stage, d.id);
    } else if report.changed > 0 {
        outln!("Not live yet: deploy the API to a stage (--deploy STAGE) for the change to take effect.");
    }
    Ok(())
}
