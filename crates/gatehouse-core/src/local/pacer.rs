//! Pacing shared by every Gatehouse process on this machine: API Gateway's quota is per account
//! and region, so two applies (a window and a `gatehouse protect`) must draw from one budget.
//! The budget is a GCRA ("theoretical arrival time") kept in a small file under an OS lock.

use crate::error::{Error, Result};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// A rate with a burst, shared through a file: `rate` calls per second once the first `burst`
/// calls of a quiet spell are spent.
#[derive(Debug, Clone)]
pub struct SharedPacer {
    path: PathBuf,
    /// Microseconds between two calls at the steady rate.
    interval_us: u64,
    /// How far ahead of now the schedule may run: (burst − 1) intervals.
    tolerance_us: u64,
}

impl SharedPacer {
    /// `key` names the budget (account or endpoint, and region); the file lives in `dir`.
    pub fn new(dir: &Path, kind: &str, key: &str, per_second: f64, burst: u32) -> SharedPacer {
        let interval_us = (1_000_000.0 / per_second.max(0.001)) as u64;
        SharedPacer {
            path: dir.join(format!("pace-{kind}-{}", file_key(key))),
            interval_us,
            tolerance_us: interval_us * u64::from(burst.max(1) - 1),
        }
    }

    /// Waits until a call may be sent without going over the budget, then books it.
    pub async fn until_ready(&self) -> Result<()> {
        loop {
            let me = self.clone();
            let wait = tokio::task::spawn_blocking(move || me.book(now_us()))
                .await
                .map_err(|e| Error::Internal(e.to_string()))??;
            match wait {
                None => return Ok(()),
                Some(d) => tokio::time::sleep(d).await,
            }
        }
    }

    /// Books one call at `now` (µs since the epoch) when the budget allows it; else says how long
    /// to wait. The file holds one number, read and written under an exclusive lock.
    fn book(&self, now: u64) -> Result<Option<Duration>> {
        if let Some(dir) = self.path.parent() {
            crate::local::files::create_private_dir(dir)
                .map_err(|e| Error::Io(format!("Cannot create {}: {e}", dir.display())))?;
        }
        let mut file = crate::local::files::private_file_options()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&self.path)
            .map_err(|e| Error::Io(format!("Cannot open {}: {e}", self.path.display())))?;
        file.lock()
            .map_err(|e| Error::Io(format!("Cannot lock {}: {e}", self.path.display())))?;
        let mut text = String::new();
        let _ = file.read_to_string(&mut text);
        let stored: u64 = text.trim().parse().unwrap_or(0);
        let (next, wait) = gcra(stored, now, self.interval_us, self.tolerance_us);
        if let Some(next) = next {
            file.set_len(0)?;
            file.seek(SeekFrom::Start(0))?;
            file.write_all(next.to_string().as_bytes())?;
        }
        Ok(wait)
    }
}

/// Which of API Gateway's control-plane quotas a call draws from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Call {
    /// Any call: 10 per second per account, burst 40.
    Any,
    /// GetResources: 5 every 2 seconds per account, and within the 10 per second as well.
    GetResources,
}

/// The share of a quota a sweep plans to use.
const MARGIN: f64 = 0.9;

/// API Gateway's control-plane quotas of one account, shared machine-wide through files. In this
/// process, callers queue in turn (a fair lock) so that only the first of them polls the file.
#[derive(Debug)]
pub struct AccountPacer {
    total: SharedPacer,
    get_resources: SharedPacer,
    total_turn: tokio::sync::Mutex<()>,
    get_resources_turn: tokio::sync::Mutex<()>,
}

impl AccountPacer {
    /// The budgets of the account (or endpoint) `key`, kept in `dir`: 90% of each quota, so that
    /// calls that leave on time but arrive bunched up (network and server jitter) still fit.
    pub fn new(dir: &Path, key: &str) -> AccountPacer {
        AccountPacer::with_share(dir, key, MARGIN)
    }

    /// The same budgets at the quotas themselves (10/s burst 40, GetResources 5 per 2 s): what
    /// every call of a window or a command books, so that two processes share the account and an
    /// apply still runs at the quota's own speed (a call that arrives a little early is answered
    /// 429 and retried, as before).
    pub fn at_quota(dir: &Path, key: &str) -> AccountPacer {
        AccountPacer::with_share(dir, key, 1.0)
    }

    fn with_share(dir: &Path, key: &str, share: f64) -> AccountPacer {
        let burst = |full: f64| ((full * share).floor() as u32).max(1);
        AccountPacer {
            total: SharedPacer::new(dir, "account", key, 10.0 * share, burst(40.0)),
            get_resources: SharedPacer::new(dir, "get-resources", key, 2.5 * share, burst(5.0)),
            total_turn: tokio::sync::Mutex::new(()),
            get_resources_turn: tokio::sync::Mutex::new(()),
        }
    }

    /// Waits until the call may be sent within the account's quotas, then books it.
    /// A GetResources call books its place in the total budget first and its own quota last,
    /// right before it leaves: booked the other way round, calls held up behind the total budget
    /// would leave in a bunch and overrun GetResources' small burst.
    pub async fn until_ready(&self, call: Call) -> Result<()> {
        {
            let _turn = self.total_turn.lock().await;
            self.total.until_ready().await?;
        }
        if call == Call::GetResources {
            let _turn = self.get_resources_turn.lock().await;
            self.get_resources.until_ready().await?;
        }
        Ok(())
    }
}

/// One GCRA decision: with the schedule at `tat`, a call at `now` either goes (and the schedule
/// moves on by one interval) or waits. A schedule far in the future (a clock set back) restarts.
pub fn gcra(tat: u64, now: u64, interval: u64, tolerance: u64) -> (Option<u64>, Option<Duration>) {
    let tat = if tat > now + tolerance + 2 * interval {
        now
    } else {
        tat.max(now)
    };
    if tat - now > tolerance {
        let wait = tat - tolerance - now;
        (None, Some(Duration::from_micros(wait.max(1_000))))
    } else {
        (Some(tat + interval), None)
    }
}

fn now_us() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_micros() as u64)
        .unwrap_or(0)
}

/// A key as a file name: letters and digits kept, anything else as '_', with a hash so that two
/// keys differing only in punctuation stay apart.
pub fn file_key(key: &str) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for b in key.bytes() {
        hash = (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    let readable: String = key
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .take(80)
        .collect();
    format!("{readable}-{hash:016x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_goes_at_once_then_the_rate_holds() {
        // 10 per second, burst 40.
        let (interval, tolerance) = (100_000, 39 * 100_000);
        let mut tat = 0;
        let now = 1_000_000_000;
        for _ in 0..40 {
            let (next, wait) = gcra(tat, now, interval, tolerance);
            assert!(wait.is_none());
            tat = next.unwrap();
        }
        let (next, wait) = gcra(tat, now, interval, tolerance);
        assert!(next.is_none());
        assert_eq!(wait, Some(Duration::from_millis(100)));
        let (next, wait) = gcra(tat, now + 100_000, interval, tolerance);
        assert!(next.is_some() && wait.is_none());
    }

    #[test]
    fn a_schedule_far_ahead_restarts() {
        let (next, wait) = gcra(u64::MAX / 2, 1_000, 100, 0);
        assert_eq!((next, wait), (Some(1_100), None));
    }

    #[test]
    fn keys_make_distinct_safe_file_names() {
        let a = file_key("http://127.0.0.1:4566 us-east-1");
        let b = file_key("http://127.0.0.1_4566 us-east-1");
        assert_ne!(a, b);
        assert!(a
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-".contains(c)));
    }
}
