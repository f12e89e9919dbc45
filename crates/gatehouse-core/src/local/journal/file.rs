//! The journal's files: one per apply, each record written whole and synced, a torn one cut off.

use super::records::{now_ms, ApplyHeader, Record};
use crate::error::{Error, Result};
use crate::local::files::{create_private_dir, make_private, private_file_options, user_folder};
use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

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
        let mut f = crate::locked(&self.file);
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
