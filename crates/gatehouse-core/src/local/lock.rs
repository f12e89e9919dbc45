//! One writer per API: an OS file lock in the journal folder, held around apply, undo and deploy
//! by the window and the command line alike. A second writer is refused at once, told who holds
//! the lock; the History tells a running apply (its lock is held) from an interrupted one.
//!
//! Each lock is two files: `lock-KEY`, which writers take (exclusive, never waited for), and
//! `held-KEY`, which the holder also locks for as long as it writes. Whoever only wants to know
//! whether a write is running (the History's polling) looks at `held-KEY`, so that it never
//! contends for the lock a writer needs; the holder waits at most for such a look to end.

use crate::domain::model::Action;
use crate::error::{Error, Result};
use crate::local::pacer::file_key;
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
    pub action: Action,
    pub started_ms: u64,
    pub client: String,
    pub pid: u32,
}

/// A held lock; dropping it releases the lock (the OS also releases it if the process dies).
/// Every step that changes an API takes one as an argument: holding it is the proof that the
/// step runs as the API's one writer, and that what it planned from was read under it.
pub struct ApiLock {
    file: File,
    /// Locked as long as `file` is: what `running` looks at.
    _held: File,
    api_id: String,
    holder: std::sync::Mutex<Holder>,
}

impl ApiLock {
    /// The API this lock lets its holder write to.
    pub fn api_id(&self) -> &str {
        &self.api_id
    }

    /// Refuses a step on another API than the lock's (a programming error, said plainly).
    pub fn check(&self, api_id: &str) -> Result<()> {
        match self.api_id == api_id {
            true => Ok(()),
            false => Err(Error::Internal(format!(
                "the writer lock held is {}'s, not {api_id}'s",
                self.api_id
            ))),
        }
    }

    /// Says which apply the holder is writing now (a `protect` takes the lock before it creates
    /// the authorizer, and only then starts the apply).
    pub fn set_apply(&self, apply_id: &str, action: Action) -> Result<()> {
        let mut holder = crate::locked(&self.holder);
        holder.apply_id = Some(apply_id.to_string());
        holder.action = action;
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

/// The file a holder keeps locked beside its `lock-` file: `held-` and the same key.
fn held_path(lock_path: &Path) -> Option<PathBuf> {
    let name = lock_path.file_name()?.to_str()?.strip_prefix("lock-")?;
    Some(lock_path.with_file_name(format!("held-{name}")))
}

fn open(path: &Path) -> Result<File> {
    if let Some(dir) = path.parent() {
        crate::local::files::create_private_dir(dir)
            .map_err(|e| Error::Io(format!("Cannot create {}: {e}", dir.display())))?;
    }
    crate::local::files::private_file_options()
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

/// Takes the lock of one API (`quota_key`: account or endpoint, and region) or refuses at once.
pub fn acquire(
    dir: &Path,
    quota_key: &str,
    api_id: &str,
    api_name: &str,
    action: Action,
    apply_id: Option<&str>,
) -> Result<ApiLock> {
    let path = path_of(dir, &format!("{quota_key} {api_id}"));
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
        action,
        started_ms: crate::local::journal::now_ms(),
        client: client(),
        pid: std::process::id(),
    };
    let held_at = held_path(&path).ok_or_else(|| Error::Internal("lock file name".into()))?;
    let held = open(&held_at)?;
    write_holder(&file, &holder)?;
    // Only a look by `running` can hold it now (writers are kept out by `file`): it ends at once.
    held.lock()
        .map_err(|e| Error::Io(format!("Cannot lock {}: {e}", held_at.display())))?;
    Ok(ApiLock {
        file,
        _held: held,
        api_id: api_id.to_string(),
        holder: std::sync::Mutex::new(holder),
    })
}

/// "another apply is running on SecurePets (started 14:02 by gatehouse protect, pid 4711)".
pub fn busy_message(api_name: &str, holder: Option<Holder>) -> String {
    match holder {
        Some(h) => format!(
            "another {} is running on {} (started {} by {}, pid {})",
            h.action.busy_noun(),
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

/// The applies whose lock is held right now (by this process or another), by apply id. It looks
/// at each lock's `held-` file, never at the `lock-` file a writer takes: a look never makes a
/// writer's attempt fail.
pub fn running(dir: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return vec![];
    };
    let mut ids = Vec::new();
    for e in entries.filter_map(|e| e.ok()) {
        let path = e.path();
        let Some(held_at) = held_path(&path) else {
            continue;
        };
        let Ok(held) = OpenOptions::new().read(true).write(true).open(&held_at) else {
            continue;
        };
        match held.try_lock_shared() {
            Ok(()) => {
                let _ = held.unlock();
            }
            Err(TryLockError::WouldBlock) => {
                let Ok(mut file) = OpenOptions::new().read(true).open(&path) else {
                    continue;
                };
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
        let held = acquire(
            dir.path(),
            "k",
            "a1",
            "SecurePets",
            Action::Authorizer,
            Some("1-a"),
        )
        .unwrap();
        assert!(held.check("a1").is_ok() && held.check("b2").is_err());
        let err = acquire(
            dir.path(),
            "k",
            "a1",
            "SecurePets",
            Action::Authorizer,
            Some("2-b"),
        )
        .err()
        .unwrap();
        let text = err.to_string();
        assert!(text.starts_with("another apply is running on SecurePets (started "));
        assert!(
            text.contains(&format!("pid {}", std::process::id())),
            "{text}"
        );
        assert_eq!(running(dir.path()), vec!["1-a".to_string()]);
        held.set_apply("1-c", Action::Protect).unwrap();
        assert_eq!(running(dir.path()), vec!["1-c".to_string()]);
        // Another API is another lock.
        let _other = acquire(dir.path(), "k", "b2", "PetsAdmin", Action::Authorizer, None).unwrap();
        drop(held);
        assert!(running(dir.path()).is_empty());
        acquire(dir.path(), "k", "a1", "SecurePets", Action::Deploy, None).unwrap();
    }

    /// The History polls `running` every second while writers come and go: a look must never
    /// make a writer's attempt fail (it took a shared lock on the writers' own file, and a
    /// writer trying at that moment was told "another apply is running").
    #[test]
    fn looking_for_running_applies_never_refuses_a_writer() {
        let dir = tempfile::tempdir().unwrap();
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let lookers: Vec<_> = (0..2)
            .map(|_| {
                let (dir, stop) = (dir.path().to_path_buf(), stop.clone());
                std::thread::spawn(move || {
                    let mut looks = 0u64;
                    while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                        let _ = running(&dir);
                        looks += 1;
                    }
                    looks
                })
            })
            .collect();
        for i in 0..2000 {
            let lock = acquire(
                dir.path(),
                "k",
                "a1",
                "SecurePets",
                Action::Authorizer,
                Some("1-a"),
            );
            assert!(lock.is_ok(), "attempt {i}: {}", lock.err().unwrap());
        }
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        let looks: u64 = lookers.into_iter().map(|t| t.join().unwrap()).sum();
        assert!(looks > 100, "the lookers looked ({looks} times)");
    }
}
