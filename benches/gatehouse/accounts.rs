//! Every account of an SSO sign-in (issue 24): 20, then 200 accounts behind one portal in one
//! sandbox that throttles each account at its own API Gateway quota (10 requests/s, burst 40;
//! GetResources 5 per 2 s), each account with 3 APIs (2 REST, 1 HTTP) spread over the 17
//! default regions, read by `gatehouse audit --sso corp --all-regions --json`. Its wall time is
//! set against the quota bound of the busiest account (accounts are independent at AWS), and
//! its peak memory is the kernel's high-water mark of the gatehouse process. Both should grow
//! with the busiest account (the same at 20 and 200 here), not with the count.

use crate::common::accounts::apply_env;
use crate::common::sandbox::{corp_sso_config, CORP_START_URL};
use crate::common::sandbox::{python, repo_root};
use crate::common::Sandbox;
use crate::procs;
use crate::report::{secs, Row, Section};
use crate::sandbox_ext::{throttle_per_account, BIN};
use gatehouse::domain::sweep::DEFAULT_REGIONS;
use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

const COUNTS: [usize; 2] = [20, 200];
const APIS_PER_ACCOUNT: usize = 3;
/// How many accounts Gatehouse sweeps at once (the core's ACCOUNTS_AT_ONCE), for the notes.
const AT_ONCE: usize = 24;

/// What one sweep of `accounts` accounts measured.
struct Run {
    accounts: usize,
    apis: usize,
    found: usize,
    errors: Vec<String>,
    wall: f64,
    /// The busiest account's quota bound, s, and what it did.
    bound: f64,
    busiest: String,
    /// The mean of every account's bound, s, and of its bound at the 90% of the quota
    /// Gatehouse plans at (burst 36, 9 per second; GetResources burst 4, 2.25 per second).
    mean_bound: f64,
    mean_planned: f64,
    calls: u64,
    throttled: u64,
    peak_mb: f64,
    gatehouse_cpu: f64,
    sandbox_cpu: Option<f64>,
    /// Seconds from the start to the first API Gateway call, and to the last role credentials.
    first_gateway_call: Option<f64>,
    credentials_done: Option<f64>,
    portal: String,
    seed_secs: f64,
}

pub fn run() -> Section {
    let mut s = Section::default();
    let runs: Vec<Run> = COUNTS.iter().map(|&n| sweep(n, &mut s)).collect();
    for r in &runs {
        rows(&mut s, r);
    }
    if let [small, big] = &runs[..] {
        growth(&mut s, small, big);
    }
    s
}

/// A fresh sandbox of `count` accounts, seeded, signed in and throttled per account; the sweep.
fn sweep(count: usize, s: &mut Section) -> Run {
    let sb = Sandbox::start();
    let t0 = Instant::now();
    let seed = seed(&sb, count);
    let seed_secs = t0.elapsed().as_secs_f64();
    let expected: BTreeSet<(String, String, String)> = seed["accounts"]
        .as_array()
        .expect("seed's accounts")
        .iter()
        .flat_map(|a| {
            let account = a["accountId"].as_str().unwrap().to_string();
            a["apis"].as_array().unwrap().iter().map(move |api| {
                (
                    account.clone(),
                    api["name"].as_str().unwrap().to_string(),
                    api["region"].as_str().unwrap().to_string(),
                )
            })
        })
        .collect();
    s.note(format!(
        "accounts: seeded {count} accounts × {APIS_PER_ACCOUNT} APIs ({} in all) over {} regions \
         in {seed_secs:.1} s (the seed says {} s)",
        expected.len(),
        DEFAULT_REGIONS.len(),
        seed["seconds"]
    ));

    let home = home();
    sb.sso_login(home.path(), CORP_START_URL, Some("corp"), "alice");
    throttle_per_account(&sb);
    sb.reset_stats();
    sb.control("/_sandbox/sso/portal/reset", json!({}));
    let sandbox_pid = procs::child_with("tests/fake_aws/server.py");
    let sandbox_cpu0 = sandbox_pid.and_then(procs::cpu_secs);

    let mut cmd = command(&sb, home.path());
    let done = AtomicBool::new(false);
    let started = Instant::now();
    let (measured, (first_gateway_call, credentials_done)) = std::thread::scope(|scope| {
        let url = sb.url.as_str();
        let poll = scope.spawn(|| timeline(url, count, &done, started));
        let measured = procs::run_measured(&mut cmd);
        done.store(true, Ordering::Relaxed);
        (measured, poll.join().unwrap_or((None, None)))
    });
    let wall = started.elapsed().as_secs_f64();
    let measured = measured.expect("run gatehouse audit --sso");
    let sandbox_cpu = sandbox_pid
        .and_then(procs::cpu_secs)
        .zip(sandbox_cpu0)
        .map(|(after, before)| after - before);
    let stdout = String::from_utf8_lossy(&measured.output.stdout);
    let doc: Value = serde_json::from_str(&stdout).unwrap_or_else(|e| {
        panic!(
            "gatehouse audit --sso ({count} accounts): exit {:?}, stdout is not JSON ({e}): {}\n{}",
            measured.output.status.code(),
            stdout.chars().take(500).collect::<String>(),
            String::from_utf8_lossy(&measured.output.stderr)
                .chars()
                .take(2000)
                .collect::<String>()
        )
    });

    let found: BTreeSet<(String, String, String)> = doc["apis"]
        .as_array()
        .map(|apis| {
            apis.iter()
                .map(|a| {
                    let text = |k: &str| a[k].as_str().unwrap_or_default().to_string();
                    (text("account"), text("name"), text("region"))
                })
                .collect()
        })
        .unwrap_or_default();
    let errors: Vec<String> = doc["errors"]
        .as_array()
        .map(|e| {
            e.iter()
                .map(|e| {
                    format!(
                        "{} {} {}: {}",
                        e["account"], e["region"], e["code"], e["message"]
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    let missing = expected.difference(&found).count();
    let stray = found.difference(&expected).count();
    if missing + stray > 0 || !errors.is_empty() {
        s.note(format!(
            "accounts ({count}): {missing} seeded APIs not found under their account and \
             region, {stray} found that were not seeded, {} errors (exit {:?}); the first: {}",
            errors.len(),
            measured.output.status.code(),
            errors
                .iter()
                .take(3)
                .cloned()
                .collect::<Vec<_>>()
                .join("; ")
        ));
    }

    let stats = sb.stats();
    let (bound, busiest, mean_bound, calls, throttled) = bounds(&stats["by_account"], 1.0);
    let (.., mean_planned, _, _) = bounds(&stats["by_account"], PLANNED);
    let portal = sb.portal_calls();
    let portal = portal["operations"]
        .as_object()
        .map(|ops| {
            ops.iter()
                .map(|(op, c)| format!("{op} {}", c["calls"]))
                .collect::<Vec<_>>()
                .join(", ")
        })
        .unwrap_or_default();
    Run {
        accounts: count,
        apis: expected.len(),
        found: expected.intersection(&found).count(),
        errors,
        wall,
        bound,
        busiest,
        mean_bound,
        mean_planned,
        calls,
        throttled,
        peak_mb: measured.peak_rss_kb as f64 * 1024.0 / 1e6,
        gatehouse_cpu: measured.cpu_secs,
        sandbox_cpu,
        first_gateway_call,
        credentials_done,
        portal,
        seed_secs,
    }
}

/// `seed.py sso-accounts`: `count` accounts with the role ReadOnly alone (so each is swept
/// under it without a role list), 3 APIs each over the default regions.
fn seed(sb: &Sandbox, count: usize) -> Value {
    let out = Command::new(python())
        .arg(repo_root().join("tests/fake_aws/seed.py"))
        .args(["sso-accounts", "--endpoint", &sb.url])
        .args(["--count", &count.to_string(), "--roles", "ReadOnly"])
        .args(["--apis-per-account", &APIS_PER_ACCOUNT.to_string()])
        .args(["--regions", &DEFAULT_REGIONS.join(",")])
        .output()
        .expect("run seed.py sso-accounts");
    assert!(
        out.status.success(),
        "seed.py sso-accounts: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("seed.py prints JSON")
}

/// A home whose AWS config has the `corp` sso-session and a profile on it (signed in later).
fn home() -> tempfile::TempDir {
    let home = tempfile::tempdir().unwrap();
    std::fs::write(
        home.path().join("aws-config"),
        corp_sso_config("123456789012", "PetsAdmin"),
    )
    .unwrap();
    home
}

/// `gatehouse audit --sso corp --all-regions --json` as its user runs it: credentials from the
/// sign-in only, the sandbox as the endpoint.
fn command(sb: &Sandbox, home: &Path) -> Command {
    let mut c = Command::new(BIN);
    c.args(["audit", "--sso", "corp", "--all-regions", "--json"]);
    apply_env(&mut c, home);
    c.env("AWS_ENDPOINT_URL", &sb.url)
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY");
    c
}

/// When (s after `started`) the sweep's first API Gateway call reached the sandbox, and when
/// the portal had handed out every account's role credentials; polled 5 times a second.
fn timeline(
    url: &str,
    accounts: usize,
    done: &AtomicBool,
    started: Instant,
) -> (Option<f64>, Option<f64>) {
    let read = |path: &str| -> Value {
        ureq::get(format!("{url}{path}"))
            .call()
            .ok()
            .and_then(|mut r| r.body_mut().read_json().ok())
            .unwrap_or(Value::Null)
    };
    let (mut first_call, mut credentials) = (None, None);
    while !done.load(Ordering::Relaxed) && (first_call.is_none() || credentials.is_none()) {
        let now = started.elapsed().as_secs_f64();
        if first_call.is_none()
            && read("/_sandbox/stats")["calls"]["apigateway"]
                .as_object()
                .is_some_and(|m| !m.is_empty())
        {
            first_call = Some(now);
        }
        if credentials.is_none()
            && read("/_sandbox/sso/portal")["operations"]["GetRoleCredentials"]["calls"]
                .as_u64()
                .is_some_and(|n| n as usize >= accounts)
        {
            credentials = Some(now);
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    (first_call, credentials)
}

/// The share of each quota Gatehouse's pacer plans a sweep at.
const PLANNED: f64 = 0.9;

/// Each account's quota bound from its calls — the time they take at 10 per second after a
/// burst of 40, or its GetResources at 2.5 per second after 5, whichever is longer; at `share`
/// of those rates and bursts — as (busiest bound, what the busiest did, mean bound, calls, 429s).
fn bounds(by_account: &Value, share: f64) -> (f64, String, f64, u64, u64) {
    let empty = serde_json::Map::new();
    let accounts = by_account.as_object().unwrap_or(&empty);
    let (mut busiest, mut what, mut sum) = (0.0_f64, String::new(), 0.0);
    let (mut calls, mut throttled) = (0, 0);
    for (account, c) in accounts {
        let n = c["calls"].as_u64().unwrap_or(0);
        let get_resources = c["get_resources"].as_u64().unwrap_or(0);
        let b = ((n as f64 - (40.0 * share).floor()) / (10.0 * share))
            .max((get_resources as f64 - (5.0 * share).floor()) / (2.5 * share))
            .max(0.0);
        sum += b;
        calls += n;
        throttled += c["throttled"].as_u64().unwrap_or(0);
        if b > busiest || what.is_empty() {
            busiest = b;
            what = format!("{account}: {n} calls, {get_resources} GetResources");
        }
    }
    let mean = sum / accounts.len().max(1) as f64;
    (busiest, what, mean, calls, throttled)
}

fn rows(s: &mut Section, r: &Run) {
    let n = r.accounts;
    s.row(Row::check(
        &format!("Every account, {n}: APIs found under their account, errors"),
        format!("{} of {}, {} errors", r.found, r.apis, r.errors.len()),
        "all, none",
        r.found == r.apis && r.errors.is_empty(),
    ));
    s.row(Row::check(
        &format!(
            "Every account, {n} × 17 regions × {APIS_PER_ACCOUNT} APIs: wall / busiest \
             account's bound"
        ),
        format!(
            "{} / {} = {:.2}",
            secs(r.wall),
            secs(r.bound),
            r.wall / r.bound.max(0.001)
        ),
        "≤ 1.25 (bound by the quota)",
        r.wall <= r.bound * 1.25,
    ));
    // What the local run can reach at best: the sandbox answers one call at a time, so its own
    // CPU time is a floor under the wall time that AWS, serving each account apart, has not.
    if let Some(cpu) = r.sandbox_cpu {
        s.row(Row::info(
            &format!(
                "Every account, {n}: wall / the sandbox's CPU (it answers one call at a time)"
            ),
            format!(
                "{} / {} = {:.2}",
                secs(r.wall),
                secs(cpu),
                r.wall / cpu.max(0.001)
            ),
        ));
    }
    s.row(Row::info(
        &format!("Every account, {n}: peak memory of gatehouse (RSS)"),
        format!("{:.0} MB", r.peak_mb),
    ));
    let at = |t: Option<f64>| t.map_or("not seen".to_string(), |t| format!("{t:.1} s"));
    s.note(format!(
        "accounts ({n}): {} APIs in {:.1} s; busiest account {} (bound {:.1} s; mean bound \
         {:.1} s, {:.2} s at the 90% Gatehouse plans at; {AT_ONCE} accounts at once need \
         ≥ {:.1} s for the quota alone, ≥ {:.1} s at 90%); {} API Gateway calls, {} answered \
         429; first API Gateway call at {}, every account's role credentials by {} (portal: \
         {}); CPU: gatehouse {:.1} s, sandbox {}; peak RSS {:.0} MB; seed {:.1} s",
        r.apis,
        r.wall,
        r.busiest,
        r.bound,
        r.mean_bound,
        r.mean_planned,
        n.div_ceil(AT_ONCE) as f64 * r.mean_bound,
        n.div_ceil(AT_ONCE) as f64 * r.mean_planned,
        r.calls,
        r.throttled,
        at(r.first_gateway_call),
        at(r.credentials_done),
        r.portal,
        r.gatehouse_cpu,
        r.sandbox_cpu
            .map_or("not measured".to_string(), |c| format!("{c:.1} s")),
        r.peak_mb,
        r.seed_secs
    ));
}

/// How time and memory grew from the small run to the big one, set against how the busiest
/// account's bound grew (the work of one account is the same in both).
fn growth(s: &mut Section, small: &Run, big: &Run) {
    let ratio = |a: f64, b: f64| a / b.max(0.001);
    let bound = ratio(big.bound, small.bound);
    let label = format!(
        "Every account, {} / {} accounts",
        big.accounts, small.accounts
    );
    let target = "≤ 1.5 × the busiest account's growth";
    let time = ratio(big.wall, small.wall);
    s.row(Row::check(
        &format!("{label}: growth of wall time"),
        format!("{time:.2}× (busiest account's bound {bound:.2}×)"),
        target,
        time <= 1.5 * bound.max(1.0),
    ));
    let memory = ratio(big.peak_mb, small.peak_mb);
    s.row(Row::check(
        &format!("{label}: growth of peak memory"),
        format!(
            "{memory:.2}× ({:.0} → {:.0} MB)",
            small.peak_mb, big.peak_mb
        ),
        target,
        memory <= 1.5 * bound.max(1.0),
    ));
}
