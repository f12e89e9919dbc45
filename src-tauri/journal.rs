//! The journal: every apply writes each method's state before its call (flushed to disk) and the
//! outcome after it, so that an apply interrupted by a crash or a kill can still be undone.
//! One JSON-lines file per apply in the app's data folder. No secrets are ever written here.

use crate::error::{Error, Result};
use crate::plan::MethodState;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

/// The folder of the journal: `$XDG_DATA_HOME/gatehouse/journal` on Linux.
pub fn default_dir() -> PathBuf {
    dirs::data_dir()
        .unwrap_or_else(std::env::temp_dir)
        .join("gatehouse")
        .join("journal")
}

pub fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApplyHeader {
    pub id: String,
    pub started_ms: u64,
    pub profile: String,
    pub region: String,
    pub api_id: String,
    pub api_name: String,
    /// protect, unprotect or undo.
    pub action: String,
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
    End {
        finished_ms: u64,
    },
    Deployed {
        stage: String,
        deployment_id: String,
        at_ms: u64,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    Changed,
    Unchanged,
    Failed,
}

/// An open journal file for one apply. Each record is written whole and synced before returning.
pub struct ApplyJournal {
    file: Mutex<File>,
    pub id: String,
}

impl ApplyJournal {
    pub fn create(dir: &Path, header: &ApplyHeader) -> Result<ApplyJournal> {
        std::fs::create_dir_all(dir).map_err(|e| {
            Error::Io(format!(
                "Cannot create the journal folder {}: {e}",
                dir.display()
            ))
        })?;
        let path = dir.join(format!("{}.jsonl", header.id));
        let file = OpenOptions::new()
            .create_new(true)
            .append(true)
            .open(&path)
            .map_err(|e| Error::Io(format!("Cannot create the journal {}: {e}", path.display())))?;
        let journal = ApplyJournal {
            file: Mutex::new(file),
            id: header.id.clone(),
        };
        journal.write(&Record::Start(header.clone()))?;
        Ok(journal)
    }

    /// Appends one record and syncs it to disk before returning.
    pub fn write(&self, record: &Record) -> Result<()> {
        let mut line = serde_json::to_vec(record)?;
        line.push(b'\n');
        let mut file = self.file.lock().unwrap_or_else(|p| p.into_inner());
        file.write_all(&line)
            .and_then(|_| file.sync_data())
            .map_err(|e| Error::Io(format!("Cannot write the journal: {e}")))
    }
}

/// A new apply id: sortable by time, unique enough for one user's machine.
pub fn new_apply_id() -> String {
    format!("{}-{:04x}", now_ms(), fastrand::u16(..))
}

/// Reads one apply's records; a torn last line (a crash mid-write) is ignored.
pub fn read(dir: &Path, id: &str) -> Result<Vec<Record>> {
    let file = File::open(path_of(dir, id)?).map_err(|_| not_found(id))?;
    Ok(BufReader::new(file)
        .lines()
        .map_while(|l| l.ok())
        .filter_map(|l| serde_json::from_str(&l).ok())
        .collect())
}

/// The file of an apply; ids are checked so that no other file can be named.
fn path_of(dir: &Path, id: &str) -> Result<PathBuf> {
    if id.is_empty() || !id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        return Err(Error::invalid(
            "apply",
            format!("'{id}' is not an apply id"),
        ));
    }
    Ok(dir.join(format!("{id}.jsonl")))
}

fn not_found(id: &str) -> Error {
    Error::NotFound(format!("No apply {id} in the journal"))
}

/// Appends a record to an existing apply's file (a deployment after it, for instance).
pub fn append(dir: &Path, id: &str, record: &Record) -> Result<()> {
    let file = OpenOptions::new()
        .append(true)
        .open(path_of(dir, id)?)
        .map_err(|_| not_found(id))?;
    ApplyJournal {
        file: Mutex::new(file),
        id: id.to_string(),
    }
    .write(record)
}

/// One apply as the History view lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApplySummary {
    #[serde(flatten)]
    pub header: ApplyHeader,
    pub changed: usize,
    pub unchanged: usize,
    pub failed: usize,
    /// Methods whose call started but whose outcome was never written (the app was killed).
    pub interrupted: usize,
    pub finished: bool,
    pub deployed: Option<String>,
    pub undone_by: Option<String>,
    pub methods: Vec<MethodChange>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MethodChange {
    pub key: String,
    pub before: MethodState,
    pub planned: MethodState,
    /// None when the apply was interrupted before the outcome was written.
    pub status: Option<Outcome>,
    pub error: Option<String>,
}

/// Folds one apply's records into its summary.
pub fn summarize(records: &[Record]) -> Option<ApplySummary> {
    let Some(Record::Start(header)) = records.first() else {
        return None;
    };
    let mut methods: Vec<MethodChange> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
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
                    });
                }
            }
            Record::After { key, status, error } => {
                if let Some(&i) = index.get(key) {
                    methods[i].status = Some(*status);
                    methods[i].error = error.clone();
                }
            }
            Record::End { .. } => finished = true,
            Record::Deployed { stage, .. } => deployed = Some(stage.clone()),
            Record::Start(_) => {}
        }
    }
    let count = |o: Option<Outcome>| methods.iter().filter(|m| m.status == o).count();
    Some(ApplySummary {
        header: header.clone(),
        changed: count(Some(Outcome::Changed)),
        unchanged: count(Some(Outcome::Unchanged)),
        failed: count(Some(Outcome::Failed)),
        interrupted: count(None),
        finished,
        deployed,
        undone_by: None,
        methods,
    })
}

/// What undo must restore: every method whose call may have changed it (changed, or interrupted
/// before its outcome was known, or failed after an ambiguous attempt), back to its before-state.
/// Methods that were unchanged are left alone.
pub fn undo_targets(summary: &ApplySummary) -> Vec<(String, MethodState)> {
    summary
        .methods
        .iter()
        .filter(|m| m.status != Some(Outcome::Unchanged))
        .map(|m| (m.key.clone(), m.before.clone()))
        .collect()
}

/// Every apply in the folder, newest first, with which undo undid which.
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
    let undone: HashMap<String, String> = all
        .iter()
        .filter_map(|s| Some((s.header.undoes.clone()?, s.header.id.clone())))
        .collect();
    for s in &mut all {
        s.undone_by = undone.get(&s.header.id).cloned();
    }
    Ok(all)
}
