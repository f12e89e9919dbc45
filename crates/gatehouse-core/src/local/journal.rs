//! The journal: every apply writes each method's state before its call (flushed to disk) and the
//! outcome after it, so that an apply interrupted by a crash or a kill can still be undone.
//! One JSON-lines file per apply in the app's data folder. No secrets are ever written here.

use crate::domain::model::MethodState;
use crate::domain::plan::UndoEntry;
use crate::error::{Error, Result};
use crate::local::files::{create_private_dir, make_private, private_file_options, user_folder};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};
use ts_rs::TS;

/// The folder of the journal: `$XDG_DATA_HOME/gatehouse/journal` on Linux. Never a shared folder:
/// without a data folder of the user's own, Gatehouse refuses to start.
pub fn default_dir() -> Result<PathBuf> {
    user_folder(dirs::data_dir(), "XDG_DATA_HOME")
        .map(|d| d.join("gatehouse").join("journal"))
        .ok_or_else(|| {
            Error::Io(
                "Cannot find the user's data folder (set HOME or XDG_DATA_HOME); \
                 Gatehouse will not keep its journal in a shared folder"
                    .into(),
            )
        })
}

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
    Deployed {
        stage: String,
        deployment_id: String,
        at_ms: u64,
    },
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

/// An open journal file for one apply. Each record is written whole and synced before returning;
/// a record that cannot be written whole (the disk is full) is cut back off, and the journal
/// then refuses every later record, so that the file always ends with a whole line.
pub struct ApplyJournal {
    file: Mutex<JournalFile>,
    pub id: String,
}

struct JournalFile {
    file: File,
    /// The length of the whole records written so far: where a torn record is cut back to.
    len: u64,
    /// Why a record could not be written, once one could not.
    broken: Option<String>,
    /// The most bytes the file may hold (a full disk, for tests); None: as the disk allows.
    limit: Option<u64>,
}

impl JournalFile {
    fn append(&mut self, line: &[u8]) -> std::io::Result<()> {
        let room = self.limit.map(|l| l.saturating_sub(self.len) as usize);
        if let Some(room) = room.filter(|&r| r < line.len()) {
            // What a full disk does: part of the record lands, then the write fails.
            self.file.write_all(&line[..room])?;
            return Err(std::io::Error::from_raw_os_error(28)); // ENOSPC
        }
        self.file.write_all(line)?;
        self.file.sync_data()
    }
}

impl ApplyJournal {
    pub fn create(dir: &Path, header: &ApplyHeader) -> Result<ApplyJournal> {
        ApplyJournal::create_within(dir, header, None)
    }

    /// A journal whose file may hold at most `limit` bytes, as if the disk filled up there: for
    /// tests of what an apply does when its journal cannot be written.
    #[doc(hidden)]
    pub fn create_within(
        dir: &Path,
        header: &ApplyHeader,
        limit: Option<u64>,
    ) -> Result<ApplyJournal> {
        create_private_dir(dir).map_err(|e| {
            Error::Io(format!(
                "Cannot create the journal folder {}: {e}",
                dir.display()
            ))
        })?;
        let path = dir.join(format!("{}.jsonl", header.id));
        let file = private_file_options()
            .create_new(true)
            .append(true)
            .open(&path)
            .map_err(|e| Error::Io(format!("Cannot create the journal {}: {e}", path.display())))?;
        let journal = ApplyJournal {
            file: Mutex::new(JournalFile {
                file,
                len: 0,
                broken: None,
                limit,
            }),
            id: header.id.clone(),
        };
        journal.write(&Record::Start(header.clone()))?;
        Ok(journal)
    }

    /// Appends one record and syncs it to disk before returning. A record that fails is cut
    /// back off the file, and every later one is refused with the same reason.
    pub fn write(&self, record: &Record) -> Result<()> {
        let mut line = serde_json::to_vec(record)?;
        line.push(b'\n');
        let mut f = self.file.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(why) = &f.broken {
            return Err(Error::Io(format!("Cannot write the journal: {why}")));
        }
        match f.append(&line) {
            Ok(()) => {
                f.len += line.len() as u64;
                Ok(())
            }
            Err(e) => {
                let len = f.len;
                let why = match cut(&f.file, len) {
                    Ok(()) => e.to_string(),
                    Err(cut_error) => {
                        format!("{e}; its torn last line could not be cut off: {cut_error}")
                    }
                };
                f.broken = Some(why.clone());
                Err(Error::Io(format!("Cannot write the journal: {why}")))
            }
        }
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
    ApplyJournal::reopen(dir, id)?.write(record)
}

impl ApplyJournal {
    /// Opens an existing apply's file to append to it, first cutting a torn last record (a crash
    /// mid-write) so that the next record starts on a line of its own.
    pub fn reopen(dir: &Path, id: &str) -> Result<ApplyJournal> {
        let mut file = OpenOptions::new()
            .read(true)
            .append(true)
            .open(path_of(dir, id)?)
            .map_err(|_| not_found(id))?;
        make_private(&file)
            .and_then(|_| cut_torn_tail(&mut file))
            .map_err(|e| Error::Io(format!("Cannot repair the journal of {id}: {e}")))?;
        let len = file
            .metadata()
            .map_err(|e| Error::Io(format!("Cannot read the journal of {id}: {e}")))?
            .len();
        Ok(ApplyJournal {
            file: Mutex::new(JournalFile {
                file,
                len,
                broken: None,
                limit: None,
            }),
            id: id.to_string(),
        })
    }
}

/// Truncates the file to just after its last newline, when it does not end with one.
fn cut_torn_tail(file: &mut File) -> std::io::Result<()> {
    let len = file.metadata()?.len();
    if len == 0 {
        return Ok(());
    }
    let mut end = len;
    let mut buf = [0u8; 4096];
    while end > 0 {
        let start = end.saturating_sub(buf.len() as u64);
        let chunk = &mut buf[..(end - start) as usize];
        file.seek(SeekFrom::Start(start))?;
        file.read_exact(chunk)?;
        match chunk.iter().rposition(|&b| b == b'\n') {
            Some(i) if start + i as u64 + 1 == len => return Ok(()),
            Some(i) => return cut(file, start + i as u64 + 1),
            None => end = start,
        }
    }
    // Not one whole line: the first record itself was torn.
    cut(file, 0)
}

fn cut(file: &File, len: u64) -> std::io::Result<()> {
    file.set_len(len)?;
    file.sync_data()
}

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
    pub deployed: Option<String>,
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
    pub methods: Vec<MethodChange>,
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
        let action = match self.header.action.as_str() {
            "protect" => "Protect",
            "unprotect" => "Remove protection",
            "undo" => "Undo",
            other => other,
        };
        self.title = format!("{action} · {}", self.header.api_name);
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
        for m in &mut self.methods {
            let status = match m.status {
                Some(s) => s.label(),
                None if running => "in progress",
                None => "interrupted",
            };
            m.text = format!(
                "{}: {} → {} ({status}){}",
                m.key,
                crate::domain::audit::describe_state(&m.before, &[]),
                crate::domain::audit::describe_state(&m.planned, &[]),
                m.error
                    .as_deref()
                    .map(|e| format!(" — {e}"))
                    .unwrap_or_default()
            );
        }
    }

    /// Whether an undo of this apply could restore anything, leaving locks aside.
    pub fn undoable(&self) -> bool {
        self.header.action != "undo"
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
        skipped: count(Some(Outcome::Skipped)),
        not_sent: count(Some(Outcome::NotSent)),
        interrupted: count(None),
        finished,
        deployed,
        undone_by: None,
        partly_undone_by: None,
        running: false,
        can_undo: false,
        title: String::new(),
        counts_text: String::new(),
        methods,
    })
}

/// What an undo may restore: every method whose call may have changed it (changed, failed after
/// an ambiguous attempt, or interrupted before its outcome was known), with its state before and
/// what the apply set. Methods unchanged, skipped or never sent are left out.
pub fn undo_entries(summary: &ApplySummary) -> Vec<UndoEntry> {
    summary
        .methods
        .iter()
        .filter(|m| {
            !matches!(
                m.status,
                Some(Outcome::Unchanged | Outcome::Skipped | Outcome::NotSent)
            )
        })
        .map(|m| UndoEntry {
            key: m.key.clone(),
            before: m.before.clone(),
            planned: m.planned.clone(),
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
