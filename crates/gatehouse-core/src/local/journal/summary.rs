//! What the History reads back: each apply folded into its summary, and what an undo restores.

use super::file::read;
use super::records::{ApplyHeader, Outcome, Record};
use crate::domain::model::Action;
use crate::domain::model::MethodState;
use crate::domain::responses::{ResponseEntry, ResponseState};
use crate::domain::undo_plan::UndoEntry;
use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::Path;
use ts_rs::TS;

/// One apply as the History view lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[derive(TS)]
pub struct ApplySummary {
    #[serde(flatten)]
    pub header: ApplyHeader,
    pub changed: usize,
    pub unchanged: usize,
    pub failed: usize,
    pub skipped: usize,
    pub not_sent: usize,
    /// Methods whose call started but whose outcome was never written (the app was killed).
    pub interrupted: usize,
    pub finished: bool,
    /// The stage it went live on: "prod", or "$default (auto-deploy)" for a stage that
    /// deployed it by itself (then `deployed_auto`).
    pub deployed: Option<String>,
    pub deployed_auto: bool,
    /// The undo that restored every method this apply changed.
    pub undone_by: Option<String>,
    /// The last undo of this apply that left some methods as they were (skipped or failed):
    /// it may be undone again, with "restore anyway" for the skipped ones.
    pub partly_undone_by: Option<String>,
    /// Its lock is held: the apply is going on now (in this window or another process).
    pub running: bool,
    /// Undo is possible: not an undo itself, not fully undone, not running, and something to
    /// restore. Set by the core, which knows about locks.
    pub can_undo: bool,
    /// "Protect · SecurePets", "Remove protection · SecurePets", "Undo · SecurePets".
    pub title: String,
    /// "3 changed · 0 unchanged · 0 failed · 1 skipped".
    pub counts_text: String,
    /// "3 methods: Cognito · PetsPool": how many methods, and what the apply set.
    pub methods_text: String,
    pub methods: Vec<MethodChange>,
    /// The gateway responses a browser CORS fix (or its undo) set; empty for other applies.
    #[serde(default)]
    pub responses: Vec<ResponseRecord>,
}

/// A gateway response an apply set, as the History shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ResponseRecord {
    pub key: String,
    pub before: ResponseState,
    pub planned: ResponseState,
    /// None when the apply was interrupted before the outcome was written.
    pub status: Option<Outcome>,
    pub error: Option<String>,
    /// "UNAUTHORIZED: no Access-Control-Allow-Origin → Access-Control-Allow-Origin '*' (changed)".
    #[serde(default)]
    pub text: String,
}

impl ApplySummary {
    /// Marks the apply running (its lock is held) or not, and fills in what follows from it:
    /// whether it can be undone, and the texts the History shows.
    pub fn set_running(&mut self, running: bool) {
        self.running = running;
        self.can_undo = !running && self.undoable();
        self.describe();
    }

    fn describe(&mut self) {
        self.title = format!("{} · {}", self.header.action.title(), self.header.api_name);
        let mut counts = format!(
            "{} changed · {} unchanged · {} failed",
            self.changed, self.unchanged, self.failed
        );
        for (n, what) in [(self.skipped, "skipped"), (self.not_sent, "not sent")] {
            if n > 0 {
                counts.push_str(&format!(" · {n} {what}"));
            }
        }
        if self.interrupted > 0 && !self.running {
            counts.push_str(&format!(" · {} interrupted", self.interrupted));
        }
        self.counts_text = counts;
        let running = self.running;
        let n = self.methods.len();
        self.methods_text = match (n, self.responses.len()) {
            (0, r) if r > 0 => format!(
                "{r} gateway {}: {}",
                if r == 1 { "response" } else { "responses" },
                self.header.description
            ),
            _ => format!(
                "{n} {}: {}",
                if n == 1 { "method" } else { "methods" },
                self.header.description
            ),
        };
        for r in &mut self.responses {
            r.text = change_line(
                &r.key,
                &r.before.text(),
                &r.planned.text(),
                r.status,
                running,
                r.error.as_deref(),
            );
        }
        for m in &mut self.methods {
            m.text = change_line(
                &m.key,
                &crate::domain::audit::describe_state(&m.before, &[]),
                &crate::domain::audit::describe_state(&m.planned, &[]),
                m.status,
                running,
                m.error.as_deref(),
            );
        }
    }

    /// Whether an undo of this apply could restore anything, leaving locks aside.
    pub fn undoable(&self) -> bool {
        self.header.action != Action::Undo
            && self.undone_by.is_none()
            && (self.changed > 0 || self.interrupted > 0 || self.failed > 0)
    }

    /// An undo that left nothing behind: everything it planned went through.
    fn clean_undo(&self) -> bool {
        self.finished
            && self.failed == 0
            && self.skipped == 0
            && self.not_sent == 0
            && self.interrupted == 0
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[derive(TS)]
pub struct MethodChange {
    pub key: String,
    pub before: MethodState,
    pub planned: MethodState,
    /// None when the apply was interrupted before the outcome was written.
    pub status: Option<Outcome>,
    pub error: Option<String>,
    /// "GET /pets: Open → Cognito · a1b2c3 (changed)".
    #[serde(default)]
    pub text: String,
}

/// Folds one apply's records into its summary.
pub fn summarize(records: &[Record]) -> Option<ApplySummary> {
    let Some(Record::Start(header)) = records.first() else {
        return None;
    };
    let mut methods: Vec<MethodChange> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut responses: Vec<ResponseRecord> = Vec::new();
    let mut finished = false;
    let mut deployed = None;
    for r in records {
        match r {
            Record::Before {
                key,
                state,
                planned,
            } => {
                // A method retried after a re-read keeps its first before-state.
                if !index.contains_key(key) {
                    index.insert(key.clone(), methods.len());
                    methods.push(MethodChange {
                        key: key.clone(),
                        before: state.clone(),
                        planned: planned.clone(),
                        status: None,
                        error: None,
                        text: String::new(),
                    });
                }
            }
            Record::After { key, status, error } => {
                if let Some(&i) = index.get(key) {
                    methods[i].status = Some(*status);
                    methods[i].error = error.clone();
                }
            }
            Record::Skipped {
                key,
                found,
                planned,
                reason,
            } => {
                index.insert(key.clone(), methods.len());
                methods.push(MethodChange {
                    key: key.clone(),
                    before: found.clone().unwrap_or_else(|| planned.clone()),
                    planned: planned.clone(),
                    status: Some(Outcome::Skipped),
                    error: Some(reason.clone()),
                    text: String::new(),
                });
            }
            Record::ResponseBefore {
                key,
                state,
                planned,
            } => {
                if !responses.iter().any(|r| &r.key == key) {
                    responses.push(ResponseRecord {
                        key: key.clone(),
                        before: state.clone(),
                        planned: planned.clone(),
                        status: None,
                        error: None,
                        text: String::new(),
                    });
                }
            }
            Record::ResponseAfter { key, status, error } => {
                if let Some(r) = responses.iter_mut().find(|r| &r.key == key) {
                    r.status = Some(*status);
                    r.error = error.clone();
                }
            }
            Record::ResponseSkipped {
                key,
                found,
                planned,
                reason,
            } => responses.push(ResponseRecord {
                key: key.clone(),
                before: found.clone().unwrap_or_else(|| planned.clone()),
                planned: planned.clone(),
                status: Some(Outcome::Skipped),
                error: Some(reason.clone()),
                text: String::new(),
            }),
            Record::End { .. } => finished = true,
            Record::Deployed { stage, .. } => deployed = Some(stage.clone()),
            Record::Start(_) => {}
        }
    }
    let count = |o: Option<Outcome>| {
        methods.iter().filter(|m| m.status == o).count()
            + responses.iter().filter(|r| r.status == o).count()
    };
    Some(ApplySummary {
        header: header.clone(),
        changed: count(Some(Outcome::Changed)),
        unchanged: count(Some(Outcome::Unchanged)),
        failed: count(Some(Outcome::Failed)),
        skipped: count(Some(Outcome::Skipped)),
        not_sent: count(Some(Outcome::NotSent)),
        interrupted: count(None),
        finished,
        deployed_auto: deployed
            .as_deref()
            .is_some_and(super::records::is_auto_deployed),
        deployed,
        undone_by: None,
        partly_undone_by: None,
        running: false,
        can_undo: false,
        title: String::new(),
        counts_text: String::new(),
        methods_text: String::new(),
        methods,
        responses,
    })
}

/// One change as the History lists it: "GET /pets: Open → Cognito · a1b2c3 (changed)", with the
/// error after a dash.
fn change_line(
    key: &str,
    before: &str,
    planned: &str,
    status: Option<Outcome>,
    running: bool,
    error: Option<&str>,
) -> String {
    let status = match status {
        Some(s) => s.label(),
        None if running => "in progress",
        None => "interrupted",
    };
    let error = error.map(|e| format!(" — {e}")).unwrap_or_default();
    format!("{key}: {before} → {planned} ({status}){error}")
}

/// Whether the call for a change may have changed it: changed, failed after an ambiguous
/// attempt, or interrupted before its outcome was known (not unchanged, skipped or never sent).
fn may_have_changed(status: Option<Outcome>) -> bool {
    !matches!(
        status,
        Some(Outcome::Unchanged | Outcome::Skipped | Outcome::NotSent)
    )
}

/// What an undo may restore: every method whose call may have changed it (changed, failed after
/// an ambiguous attempt, or interrupted before its outcome was known), with its state before and
/// what the apply set. Methods unchanged, skipped or never sent are left out.
pub fn undo_entries(summary: &ApplySummary) -> Vec<UndoEntry> {
    summary
        .methods
        .iter()
        .filter(|m| may_have_changed(m.status))
        .map(|m| UndoEntry {
            key: m.key.clone(),
            before: m.before.clone(),
            planned: m.planned.clone(),
        })
        .collect()
}

/// What an undo of a CORS fix may restore: every response whose call may have changed it.
pub fn response_entries(summary: &ApplySummary) -> Vec<ResponseEntry> {
    summary
        .responses
        .iter()
        .filter(|r| may_have_changed(r.status))
        .map(|r| ResponseEntry {
            key: r.key.clone(),
            before: r.before.clone(),
            planned: r.planned.clone(),
        })
        .collect()
}

/// Every apply in the folder, newest first, with which undo undid which. Whether each is running,
/// can be undone, and its texts are the core's to set (`ApplySummary::set_running`): only it
/// knows the locks.
pub fn list(dir: &Path) -> Result<Vec<ApplySummary>> {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(vec![]),
        Err(e) => return Err(Error::Io(format!("Cannot read the journal: {e}"))),
    };
    let mut all: Vec<ApplySummary> = entries
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().to_string();
            let id = name.strip_suffix(".jsonl")?.to_string();
            summarize(&read(dir, &id).ok()?)
        })
        .collect();
    all.sort_by(|a, b| b.header.id.cmp(&a.header.id));
    // Oldest first, so that the newest undo of an apply has the last word.
    let mut undone: HashMap<String, (String, bool)> = HashMap::new();
    for s in all.iter().rev() {
        if let Some(target) = &s.header.undoes {
            let clean = s.clean_undo();
            let entry = undone
                .entry(target.clone())
                .or_insert((s.header.id.clone(), clean));
            if !entry.1 {
                *entry = (s.header.id.clone(), clean);
            }
        }
    }
    for s in &mut all {
        match undone.get(&s.header.id) {
            Some((id, true)) => s.undone_by = Some(id.clone()),
            Some((id, false)) => s.partly_undone_by = Some(id.clone()),
            None => {}
        }
    }
    Ok(all)
}
