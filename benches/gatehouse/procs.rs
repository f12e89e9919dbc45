//! What /proc says about the app: which process it is, its age, and the memory of it and of
//! every process under it (WebKit's web and network processes); a command's peak memory and
//! CPU time as the kernel counted them, and the CPU time of a process still running.

use std::path::Path;

fn pids() -> Vec<u32> {
    std::fs::read_dir("/proc")
        .map(|d| {
            d.filter_map(|e| e.ok()?.file_name().to_str()?.parse().ok())
                .collect()
        })
        .unwrap_or_default()
}

fn comm(pid: u32) -> String {
    std::fs::read_to_string(format!("/proc/{pid}/comm"))
        .unwrap_or_default()
        .trim()
        .to_string()
}

/// The fields of /proc/PID/stat after the command name (field 3 onwards).
fn stat_fields(pid: u32) -> Option<Vec<String>> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let after = &stat[stat.rfind(')')? + 2..];
    Some(after.split_whitespace().map(String::from).collect())
}

fn parent(pid: u32) -> Option<u32> {
    stat_fields(pid)?.get(1)?.parse().ok()
}

/// The Gatehouse process whose environment has `HOME=home` (other runs of the app may be
/// running at the same time, e.g. the test suite's).
pub fn app_pid(home: &Path) -> Option<u32> {
    pid_of("gatehouse", home)
}

/// The process named `name` (its comm, at most 15 bytes) whose environment has `HOME=home`.
pub fn pid_of(name: &str, home: &Path) -> Option<u32> {
    // The harness sets HOME with a trailing slash.
    let home = home.to_string_lossy();
    let home = home.trim_end_matches('/');
    pids().into_iter().find(|&pid| {
        comm(pid) == name
            && std::fs::read(format!("/proc/{pid}/environ"))
                .map(|env| {
                    env.split(|&b| b == 0).any(|kv| {
                        kv.strip_prefix(b"HOME=")
                            .is_some_and(|v| v.strip_suffix(b"/").unwrap_or(v) == home.as_bytes())
                    })
                })
                .unwrap_or(false)
    })
}

/// `root` and every process whose parent chain leads to it.
pub fn tree(root: u32) -> Vec<u32> {
    let all = pids();
    let mut found = vec![root];
    for &pid in &all {
        let mut p = pid;
        for _ in 0..64 {
            match parent(p) {
                Some(pp) if pp == root => {
                    found.push(pid);
                    break;
                }
                Some(pp) if pp > 1 => p = pp,
                _ => break,
            }
        }
    }
    found
}

/// A `kB` field of /proc/PID/status or smaps_rollup, in kB.
fn kb_field(path: &str, field: &str) -> Option<u64> {
    std::fs::read_to_string(path)
        .ok()?
        .lines()
        .find_map(|l| l.strip_prefix(field))?
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()
}

pub struct Memory {
    /// Sum of VmRSS over the processes (shared pages count once per process).
    pub rss_kb: u64,
    /// Sum of the proportional set sizes (shared pages split between their users).
    pub pss_kb: u64,
    /// "name pid: N MB" for each process.
    pub parts: Vec<String>,
}

impl Memory {
    pub fn rss_mb(&self) -> f64 {
        self.rss_kb as f64 * 1024.0 / 1e6
    }

    pub fn pss_mb(&self) -> f64 {
        self.pss_kb as f64 * 1024.0 / 1e6
    }
}

pub fn memory(pids: &[u32]) -> Memory {
    let mut m = Memory {
        rss_kb: 0,
        pss_kb: 0,
        parts: vec![],
    };
    for &pid in pids {
        let rss = kb_field(&format!("/proc/{pid}/status"), "VmRSS:").unwrap_or(0);
        let pss = kb_field(&format!("/proc/{pid}/smaps_rollup"), "Pss:").unwrap_or(0);
        m.rss_kb += rss;
        m.pss_kb += pss;
        m.parts.push(format!(
            "{} {pid}: {:.0} MB",
            comm(pid),
            rss as f64 * 1024.0 / 1e6
        ));
    }
    m
}

fn clock_ticks() -> f64 {
    std::process::Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|o| String::from_utf8_lossy(&o.stdout).trim().parse().ok())
        .unwrap_or(100.0)
}

/// Seconds since boot (the clock that process start times are counted on).
pub fn uptime() -> f64 {
    std::fs::read_to_string("/proc/uptime")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse().ok())
        .unwrap_or(0.0)
}

/// How long `pid` had been running at `uptime` seconds since boot (10 ms resolution).
pub fn age_at(pid: u32, uptime: f64) -> Option<f64> {
    let start_ticks: f64 = stat_fields(pid)?.get(19)?.parse().ok()?;
    Some(uptime - start_ticks / clock_ticks())
}

/// How a command that ran to the end did: its output, and what the kernel counted for it.
pub struct Measured {
    pub output: std::process::Output,
    /// The most resident memory the process held at any moment (wait4's ru_maxrss), kB.
    pub peak_rss_kb: u64,
    /// CPU time it spent, user + system, s.
    pub cpu_secs: f64,
}

/// Runs `cmd` to the end, its stdout and stderr read as it goes, and reaps it with wait4: the
/// peak is the kernel's own, not a sample that could miss a short spike.
pub fn run_measured(cmd: &mut std::process::Command) -> std::io::Result<Measured> {
    use std::io::Read;
    use std::os::unix::process::ExitStatusExt;
    use std::process::Stdio;
    let mut child = cmd.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn()?;
    let read = |mut pipe: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            let _ = pipe.read_to_end(&mut bytes);
            bytes
        })
    };
    let stdout = read(Box::new(child.stdout.take().unwrap()));
    let stderr = read(Box::new(child.stderr.take().unwrap()));
    let mut status = 0;
    // SAFETY: rusage is plain data the kernel fills in; the pid is our own unreaped child.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let reaped = unsafe { libc::wait4(child.id() as libc::pid_t, &mut status, 0, &mut usage) };
    if reaped < 0 {
        return Err(std::io::Error::last_os_error());
    }
    let secs = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    Ok(Measured {
        output: std::process::Output {
            status: std::process::ExitStatus::from_raw(status),
            stdout: stdout.join().unwrap_or_default(),
            stderr: stderr.join().unwrap_or_default(),
        },
        peak_rss_kb: usage.ru_maxrss.max(0) as u64,
        cpu_secs: secs(usage.ru_utime) + secs(usage.ru_stime),
    })
}

/// CPU time `pid` has spent so far, user + system, s.
pub fn cpu_secs(pid: u32) -> Option<f64> {
    let fields = stat_fields(pid)?;
    // utime and stime are fields 14 and 15 of /proc/PID/stat (12 and 13 from field 3 on).
    let ticks: f64 = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    Some(ticks / clock_ticks())
}

/// Our one child whose command line holds `needle` (the sandbox server we started); None
/// when there is none, or more than one.
pub fn child_with(needle: &str) -> Option<u32> {
    let me = std::process::id();
    let found: Vec<u32> = pids()
        .into_iter()
        .filter(|&pid| {
            parent(pid) == Some(me)
                && std::fs::read(format!("/proc/{pid}/cmdline"))
                    .is_ok_and(|c| String::from_utf8_lossy(&c).contains(needle))
        })
        .collect();
    match found[..] {
        [pid] => Some(pid),
        _ => None,
    }
}
