//! The journal: every apply writes each method's state before its call (flushed to disk) and the
//! outcome after it, so that an apply interrupted by a crash or a kill can still be undone.
//! One JSON-lines file per apply in the app's data folder. No secrets are ever written here.
//! records.rs holds what is written, file.rs how (whole records, a torn one cut back off),
//! summary.rs what the History reads back (summaries, undo entries).

mod file;
mod records;
mod summary;

pub use file::{append, default_dir, new_apply_id, read, ApplyJournal};
pub use records::{auto_deployed, now_ms, now_s, ApplyHeader, Outcome, Record};
pub use summary::{
    list, response_entries, summarize, undo_entries, ApplySummary, MethodChange, ResponseRecord,
};
