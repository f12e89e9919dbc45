//! One writer per API: an OS file lock in the journal folder, held around apply, undo and deploy
//! by the window and the command line alike. A second writer is refused at once, told who holds
//! the lock; the History tells a running apply (its lock is held) from an interrupted one.

use crate::error::{Error, Result};
use crate::pacer::file_key;
use serde::{Deserialize, Serialize};
use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

static CLIENT: OnceLock<String> = OnceLock::new();

/// Names this process in lock files ("gatehouse protect"); the window is the default.
pub fn set_client(name: &str) {
    let _ = CLIENT.set(name.to_string());
}

fn client() -> String {
    CLIENT
        .get()
        .cloned()
        .unwrap_or_else(|| "the Gatehouse window".to_string())
}

/// Who holds a lock, as written in its file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Holder {
    pub api_name: String,
    /// The apply being written, when it is an apply or an undo (a deploy has none).
    pub apply_id: Option<String>,
    /// apply, undo or deploy.
    pub action: String,
    pub started_ms: u64,
    pub client: String,
    pub pid: u32,
}

/// A held lock; dropping it releases the lock (the OS also releases it if the process dies).
pub struct ApiLock {
    file: File,
    holder: std::sync::Mutex<Holder>,
}

impl ApiLock {
    /// Says which apply the holder is writing now (a `protect` takes the lock before it creates
    /// the authorizer, and only then starts the apply).
    pub fn set_apply(&self, apply_id: &str, action: &str) -> Result<()> {
        let mut holder = self.holder.lock().unwrap_or_else(|p| p.into_inner());
        holder.apply_id = Some(apply_id.to_string());
        holder.action = action.to_string();
        write_holder(&self.file, &holder)
    }
}

fn write_holder(mut file: &File, holder: &Holder) -> Result<()> {
    file.set_len(0)?;
    file.seek(SeekFrom::Start(0))?;
    file.write_all(&serde_json::to_vec(holder)?)?;
    file.sync_data()?;
    Ok(())
}

fn path_of(dir: &Path, key: &str) -> PathBuf {
    dir.join(format!("lock-{}", file_key(key)))
}

fn open(path: &Path) -> Result<File> {
    if let Some(dir) = path.parent() {
        crate::files::create_private_dir(dir)
            .map_err(|e| Error::Io(format!("Cannot create {}: {e}", dir.display())))?;
    }
    crate::files::private_file_options()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(path)
        .map_err(|e| Error::Io(format!("Cannot open the lock {}: {e}", path.display())))
}

fn read_holder(file: &mut File) -> Option<Holder> {
    let mut text = String::new();
    file.seek(SeekFrom::Start(0)).ok()?;
    file.read_to_string(&mut text).ok()?;
    serde_json::from_str(&text).ok()
}

/// Takes the lock of one API (`key`: account or endpoint, region and API id) or refuses at once.
pub fn acquire(
    dir: &Path,
    key: &str,
    api_name: &str,
    action: &str,
    apply_id: Option<&str>,
) -> Result<ApiLock> {
    let path = path_of(dir, key);
    let mut file = open(&path)?;
    match file.try_lock() {
        Ok(()) => {}
        Err(TryLockError::WouldBlock) => {
            return Err(Error::Busy(busy_message(api_name, read_holder(&mut file))))
        }
        Err(TryLockError::Error(e)) => {
            return Err(Error::Io(format!("Cannot lock {}: {e}", path.display())))
        }
    }
    let holder = Holder {
        api_name: api_name.to_string(),
        apply_id: apply_id.map(str::to_string),
        action: action.to_string(),
        started_ms: crate::journal::now_ms(),
        client: client(),
        pid: std::process::id(),
    };
    write_holder(&file, &holder)?;
    Ok(ApiLock {
        file,
        holder: std::sync::Mutex::new(holder),
    })
}

/// "another apply is running on SecurePets (started 14:02 by gatehouse protect, pid 4711)".
pub fn busy_message(api_name: &str, holder: Option<Holder>) -> String {
    match holder {
        Some(h) => format!(
            "another {} is running on {} (started {} by {}, pid {})",
            if h.action == "deploy" {
                "deploy"
            } else {
                "apply"
            },
            if h.api_name.is_empty() {
                api_name
            } else {
                &h.api_name
            },
            clock_time(h.started_ms),
            h.client,
            h.pid
        ),
        None => format!("another apply is running on {api_name}"),
    }
}

/// "14:02 UTC": the time of day a lock was taken (UTC, so that no time zone database is needed).
fn clock_time(ms: u64) -> String {
    let secs = (ms / 1000) as i64;
    let day = secs.rem_euclid(86_400);
    format!("{:02}:{:02} UTC", day / 3600, (day % 3600) / 60)
}

/// The applies whose lock is held right now (by this process or another), by apply id.
pub fn running(dir: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return vec![];
    };
    let mut ids = Vec::new();
    for e in entries.filter_map(|e| e.ok()) {
        if !e.file_name().to_string_lossy().starts_with("lock-") {
            continue;
        }
        let Ok(mut file) = OpenOptions::new().read(true).write(true).open(e.path()) else {
            continue;
        };
        match file.try_lock_shared() {
            Ok(()) => {
                let _ = file.unlock();
            }
            Err(TryLockError::WouldBlock) => {
                if let Some(id) = read_holder(&mut file).and_then(|h| h.apply_id) {
                    ids.push(id);
                }
            }
            Err(TryLockError::Error(_)) => {}
        }
    }
    ids
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_writer_is_refused_and_told_who_holds_it() {
        let dir = tempfile::tempdir().unwrap();
        let held = acquire(dir.path(), "k", "SecurePets", "apply", Some("1-a")).unwrap();
        let err = acquire(dir.path(), "k", "SecurePets", "apply", Some("2-b"))
            .err()
            .unwrap();
        let text = err.to_string();
        assert!(text.starts_with("another apply is running on SecurePets (started "));
        assert!(
            text.contains(&format!("pid {}", std::process::id())),
            "{text}"
        );
        assert_eq!(running(dir.path()), vec!["1-a".to_string()]);
        held.set_apply("1-c", "apply").unwrap();
        assert_eq!(running(dir.path()), vec!["1-c".to_string()]);
        // Another API is another lock.
        let _other = acquire(dir.path(), "k2", "PetsAdmin", "apply", None).unwrap();
        drop(held);
        assert!(running(dir.path()).is_empty());
        acquire(dir.path(), "k", "SecurePets", "deploy", None).unwrap();
    }
}
