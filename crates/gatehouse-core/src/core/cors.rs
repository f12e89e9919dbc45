//! The browser CORS fix as a journaled write: Access-Control-Allow-Origin added to the gateway
//! responses a refused token meets (UNAUTHORIZED, ACCESS_DENIED), each one's state before the
//! call written and flushed first, under the API's writer lock; and its undo, which restores
//! only what still holds what the fix set.

use super::state::{Core, Ctx};
use crate::aws::gateway;
use crate::aws::session::Session;
use crate::domain::browser::GatewayResponse;
use crate::domain::model::Action;
use crate::domain::responses::{self, ResponseChange, ResponseSkipped};
use crate::error::{Error, Result};
use crate::local::journal::{self, ApplyHeader, ApplyJournal, ApplySummary, Outcome, Record};
use crate::local::lock::ApiLock;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// What a CORS fix (or its undo) would set, before anything is sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CorsPlan {
    pub api_id: String,
    /// The fix an undo undoes; None for a fix.
    pub undoes: Option<String>,
    pub changes: Vec<ResponseChange>,
    /// Responses an undo leaves alone (changed since), with the reason.
    pub skipped: Vec<ResponseSkipped>,
    /// "2 gateway responses get Access-Control-Allow-Origin '*' — deploy to take it live".
    pub summary: String,
    /// The button: "Add the header to 2 responses", "Undo 2 responses", "Nothing to change".
    pub apply_label: String,
}

/// One response's outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CorsResult {
    pub key: String,
    pub status: Outcome,
    /// AWS's code and message when the call failed; why it was skipped.
    pub error: Option<String>,
    /// "UNAUTHORIZED: changed".
    pub text: String,
}

/// What a CORS fix (or its undo) did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CorsReport {
    pub apply_id: String,
    pub results: Vec<CorsResult>,
    pub changed: usize,
    pub failed: usize,
    /// "2 changed, 0 failed — deploy to take it live".
    pub summary: String,
}

fn responses_word(n: usize) -> String {
    format!("{n} {}", if n == 1 { "response" } else { "responses" })
}

impl Core {
    /// The gateway responses of a REST API; refused for an HTTP API, which has none.
    async fn read_responses(
        &self,
        session: &Session,
        api_id: &str,
    ) -> Result<Vec<GatewayResponse>> {
        gateway::gateway_responses(session, api_id)
            .await?
            .ok_or_else(|| {
                Error::invalid(
                    "api",
                    "An HTTP API has no gateway responses: its CORS configuration answers for every route",
                )
            })
    }

    /// What the fix would set, read from AWS now. `origin`: `*` or one origin.
    pub async fn cors_preview(&self, ctx: &Ctx, api_id: &str, origin: &str) -> Result<CorsPlan> {
        let value = responses::origin_value(origin).map_err(|m| Error::invalid("origin", m))?;
        let session = self.session(ctx).await?;
        let changes = responses::cors_fix(&self.read_responses(&session, api_id).await?, &value);
        Ok(plan(api_id, None, changes, vec![], &value))
    }

    /// Adds the header, under the API's lock (the plan is read again under it), journaled.
    pub async fn fix_cors(
        &self,
        ctx: &Ctx,
        api_id: &str,
        api_name: &str,
        origin: &str,
    ) -> Result<CorsReport> {
        let value = responses::origin_value(origin).map_err(|m| Error::invalid("origin", m))?;
        let session = self.session(ctx).await?;
        let header = self.header(
            ctx,
            api_id,
            api_name,
            Action::Cors,
            format!("Access-Control-Allow-Origin {value}"),
            None,
        );
        let lock = self.lock_for_apply(&session, &header, Action::Cors).await?;
        let changes = responses::cors_fix(&self.read_responses(&session, api_id).await?, &value);
        if changes.is_empty() {
            return Err(Error::invalid(
                "api",
                "The UNAUTHORIZED and ACCESS_DENIED responses already carry Access-Control-Allow-Origin",
            ));
        }
        self.set_responses(&session, header, &changes, &[], &lock)
            .await
    }

    /// The CORS fix `apply_id` names, if it can be undone (refused otherwise, with the reason).
    fn cors_apply(&self, apply_id: &str) -> Result<ApplySummary> {
        let summary = self.find_apply(Some(apply_id))?;
        Self::check_undoable(&summary)?;
        if summary.header.action != Action::Cors {
            return Err(Error::invalid(
                "apply",
                format!("{apply_id} is not a CORS fix: undo it as any other apply"),
            ));
        }
        Ok(summary)
    }

    /// The preview of undoing a CORS fix: what goes back, and what is left alone and why.
    pub async fn cors_undo_preview(&self, apply_id: &str, force: bool) -> Result<CorsPlan> {
        let summary = self.cors_apply(apply_id)?;
        let session = self.session(&super::undo::ctx_of(&summary)).await?;
        let current = self
            .read_responses(&session, &summary.header.api_id)
            .await?;
        let (changes, skipped) =
            responses::cors_undo(&current, &journal::response_entries(&summary), force);
        Ok(plan(
            &summary.header.api_id,
            Some(apply_id.to_string()),
            changes,
            skipped,
            "",
        ))
    }

    /// Undoes a CORS fix with the profile and region it was made with, under the API's lock.
    pub async fn undo_cors(&self, apply_id: &str, force: bool) -> Result<CorsReport> {
        let summary = self.cors_apply(apply_id)?;
        let ctx = super::undo::ctx_of(&summary);
        let session = self.session(&ctx).await?;
        let header = self.header(
            &ctx,
            &summary.header.api_id,
            &summary.header.api_name,
            Action::Undo,
            format!("previous gateway responses (undo of {apply_id})"),
            Some(apply_id.to_string()),
        );
        let lock = self.lock_for_apply(&session, &header, Action::Undo).await?;
        let summary = self.cors_apply(apply_id)?;
        let current = self
            .read_responses(&session, &summary.header.api_id)
            .await?;
        let (changes, skipped) =
            responses::cors_undo(&current, &journal::response_entries(&summary), force);
        self.set_responses(&session, header, &changes, &skipped, &lock)
            .await
    }

    /// Sends each change, its state before written and flushed first; a failed call is reported
    /// with AWS's code and message and the rest still go.
    async fn set_responses(
        &self,
        session: &Session,
        header: ApplyHeader,
        changes: &[ResponseChange],
        skipped: &[ResponseSkipped],
        lock: &ApiLock,
    ) -> Result<CorsReport> {
        lock.check(&header.api_id)?;
        let journal = ApplyJournal::create(&self.journal_dir, &header)?;
        let mut results = Vec::new();
        for s in skipped {
            journal.write(&Record::ResponseSkipped {
                key: s.key.clone(),
                found: s.found.clone(),
                planned: s.restore.clone(),
                reason: s.reason.clone(),
            })?;
            results.push(CorsResult {
                key: s.key.clone(),
                status: Outcome::Skipped,
                error: Some(s.reason.clone()),
                text: format!("{}: skipped — {}", s.key, s.reason),
            });
        }
        for c in changes {
            journal.write(&Record::ResponseBefore {
                key: c.key.clone(),
                state: c.before.clone(),
                planned: c.after.clone(),
            })?;
            let sent =
                gateway::set_gateway_response(session, &header.api_id, &c.key, &c.after).await;
            let (status, error) = match sent {
                Ok(()) => (Outcome::Changed, None),
                Err(e) if matches!(e, Error::Expired(_) | Error::NoCredentials(_)) => {
                    return Err(e)
                }
                Err(e) => (Outcome::Failed, Some(e.to_string())),
            };
            journal.write(&Record::ResponseAfter {
                key: c.key.clone(),
                status,
                error: error.clone(),
            })?;
            results.push(CorsResult {
                key: c.key.clone(),
                status,
                text: match &error {
                    Some(e) => format!("{}: failed — {e}", c.key),
                    None => format!("{}: {}", c.key, status.label()),
                },
                error,
            });
        }
        journal.write(&Record::End {
            finished_ms: journal::now_ms(),
        })?;
        let count = |o: Outcome| results.iter().filter(|r| r.status == o).count();
        let (changed, failed) = (count(Outcome::Changed), count(Outcome::Failed));
        let mut summary = format!("{changed} changed, {failed} failed");
        if count(Outcome::Skipped) > 0 {
            summary.push_str(&format!(", {} skipped", count(Outcome::Skipped)));
        }
        if changed > 0 {
            summary.push_str(" — deploy to take it live");
        }
        Ok(CorsReport {
            apply_id: header.id,
            results,
            changed,
            failed,
            summary,
        })
    }
}

fn plan(
    api_id: &str,
    undoes: Option<String>,
    changes: Vec<ResponseChange>,
    skipped: Vec<ResponseSkipped>,
    value: &str,
) -> CorsPlan {
    let n = changes.len();
    let summary = match (&undoes, n) {
        (None, 0) => {
            "The UNAUTHORIZED and ACCESS_DENIED responses already carry Access-Control-Allow-Origin"
                .to_string()
        }
        (None, n) => format!(
            "{} get{} Access-Control-Allow-Origin {value} — deploy to take it live",
            responses_word(n),
            if n == 1 { "s" } else { "" }
        ),
        (Some(_), 0) => "Nothing to restore".to_string(),
        (Some(_), n) => format!(
            "{} go{} back to what {} before the fix",
            responses_word(n),
            if n == 1 { "es" } else { "" },
            if n == 1 { "it was" } else { "they were" }
        ),
    };
    let apply_label = match (&undoes, n) {
        (_, 0) => "Nothing to change".to_string(),
        (None, n) => format!("Add the header to {}", responses_word(n)),
        (Some(_), n) => format!("Undo {}", responses_word(n)),
    };
    CorsPlan {
        api_id: api_id.to_string(),
        undoes,
        changes,
        skipped,
        summary,
        apply_label,
    }
}
