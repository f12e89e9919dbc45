//! The sweep (issue 14): 4 profiles (4 accounts, one sandbox each, throttled as AWS throttles
//! one account) × 17 regions × 50 APIs (25 REST, 25 HTTP), read by `gatehouse audit --profiles …
//! --all-regions --json`. Its wall time is set against the quota's own bound: the time the calls
//! it needs take at 10 per second (burst 40) and, for GetResources, 5 per 2 s (burst 5), per
//! account, the accounts in parallel.

use crate::common::accounts::apply_env;
use crate::common::sandbox::{python, repo_root};
use crate::common::Sandbox;
use crate::report::{secs, Row, Section};
use crate::sandbox_ext::{gateway_stats, run_json, throttle_on, BIN};
use serde_json::Value;
use std::process::Command;
use std::time::Instant;

const ACCOUNTS: usize = 4;
const REST: usize = 25;
const HTTP: usize = 25;

pub fn run() -> Section {
    let mut s = Section::default();
    let regions = gatehouse::domain::sweep::DEFAULT_REGIONS.join(",");
    let sandboxes: Vec<Sandbox> = (0..ACCOUNTS)
        .map(|i| Sandbox::start_with(&["--account", &format!("{}", 100_000_000_001 + i as u64)]))
        .collect();
    let t0 = Instant::now();
    std::thread::scope(|scope| {
        for sb in &sandboxes {
            let regions = &regions;
            scope.spawn(move || {
                let out = Command::new(python())
                    .arg(repo_root().join("tests/fake_aws/seed_sweep.py"))
                    .args(["--endpoint", &sb.url, "--regions", regions])
                    .args(["--rest", &REST.to_string(), "--http", &HTTP.to_string()])
                    .args(["--stack-every", "10"])
                    .output()
                    .expect("run seed_sweep.py");
                assert!(
                    out.status.success(),
                    "seed_sweep.py: {}",
                    String::from_utf8_lossy(&out.stderr)
                );
            });
        }
    });
    let apis = ACCOUNTS * gatehouse::domain::sweep::DEFAULT_REGIONS.len() * (REST + HTTP);
    s.note(format!(
        "sweep: seeded {apis} APIs in {} sandboxes in {:.0} s",
        ACCOUNTS,
        t0.elapsed().as_secs_f64()
    ));
    let home = tempfile::tempdir().unwrap();
    let mut config = String::new();
    for (i, sb) in sandboxes.iter().enumerate() {
        config.push_str(&format!(
            "[profile acct{i}]\nregion = us-east-1\nendpoint_url = {}\n\
             aws_access_key_id = testing\naws_secret_access_key = testing\n\n",
            sb.url
        ));
        throttle_on(sb);
        sb.reset_stats();
    }
    std::fs::write(home.path().join("aws-config"), config).unwrap();
    let profiles: Vec<String> = (0..ACCOUNTS).map(|i| format!("acct{i}")).collect();
    let mut cmd = Command::new(BIN);
    cmd.args([
        "audit",
        "--profiles",
        &profiles.join(","),
        "--all-regions",
        "--json",
    ]);
    apply_env(&mut cmd, home.path());
    let t0 = Instant::now();
    let doc: Value = run_json(cmd, "gatehouse audit (sweep)");
    let wall = t0.elapsed().as_secs_f64();
    let found = doc["apis"].as_array().map_or(0, Vec::len);
    let errors = doc["errors"].as_array().cloned().unwrap_or_default();
    if found != apis || !errors.is_empty() {
        s.note(format!(
            "sweep: found {found} of {apis} APIs; {} errors, the first: {}",
            errors.len(),
            errors
                .iter()
                .take(3)
                .map(|e| format!("{} {}: {}", e["region"], e["code"], e["message"]))
                .collect::<Vec<_>>()
                .join("; ")
        ));
    }
    s.row(Row::check(
        "Sweep: APIs found, regions unread",
        format!("{found} of {apis}, {} unread", errors.len()),
        "all, none",
        found == apis && errors.is_empty(),
    ));

    // The quota's bound, per account, from the calls the sweep made; the slowest account.
    let mut bound: f64 = 0.0;
    let mut throttled = 0;
    let mut calls = 0;
    let mut detail = String::new();
    for sb in &sandboxes {
        let st = gateway_stats(sb);
        let get_resources = sb.calls("apigateway", "GetResources") as f64;
        let total = st.calls as f64;
        let b = ((total - 40.0) / 10.0)
            .max((get_resources - 5.0) / 2.5)
            .max(0.0);
        bound = bound.max(b);
        throttled += st.throttled;
        calls += st.calls;
        detail = st.by_operation;
    }
    s.note(format!(
        "sweep: {ACCOUNTS} profiles × 17 regions × {} APIs ({REST} REST, {HTTP} HTTP) = {apis} APIs in {wall:.1} s; \
         quota bound {bound:.1} s per account (accounts in parallel); {calls} API Gateway calls, {throttled} answered 429; \
         one account's calls: {detail}",
        REST + HTTP
    ));
    s.row(Row::check(
        "Sweep 4 profiles × 17 regions × 50 APIs (3,400 APIs), wall / quota bound",
        format!(
            "{} / {} = {:.2}",
            secs(wall),
            secs(bound),
            wall / bound.max(0.001)
        ),
        "≤ 1.25 (bound by the quota)",
        wall <= bound * 1.25,
    ));
    s.row(Row::info(
        "Sweep: answers 429 (throttled)",
        throttled.to_string(),
    ));
    prowler(&mut s, &sandboxes[0], home.path(), &regions);
    s
}

/// Prowler's `apigateway_restapi_authorizers_enabled` on one of the same accounts (17 regions,
/// 25 REST APIs each, throttled), next to Gatehouse's sweep of that one account — when Prowler
/// installs from PyPI here (into target/bench/prowler-venv).
fn prowler(s: &mut Section, sb: &Sandbox, home: &std::path::Path, regions: &str) {
    let venv = repo_root().join("target/bench/prowler-venv");
    let bin = venv.join("bin/prowler");
    if !bin.exists() {
        let made = Command::new("python3")
            .args(["-m", "venv"])
            .arg(&venv)
            .status();
        let t0 = Instant::now();
        let installed = made.is_ok_and(|st| st.success())
            && Command::new(venv.join("bin/pip"))
                .args(["install", "-q", "prowler"])
                .status()
                .is_ok_and(|st| st.success());
        if !installed || !bin.exists() {
            s.row(Row::info(
                "Prowler, same check",
                "did not install from PyPI here".into(),
            ));
            return;
        }
        s.note(format!(
            "Prowler installed from PyPI in {:.0} s",
            t0.elapsed().as_secs_f64()
        ));
    }
    // Gatehouse on this one account.
    throttle_on(sb);
    let mut cmd = Command::new(BIN);
    cmd.args(["audit", "--profiles", "acct0", "--all-regions", "--json"]);
    apply_env(&mut cmd, home);
    let t0 = Instant::now();
    let doc = run_json(cmd, "gatehouse audit (one account)");
    let ours = t0.elapsed().as_secs_f64();
    let open: u64 = doc["apis"]
        .as_array()
        .map_or(0, |a| a.iter().filter_map(|x| x["open"].as_u64()).sum());
    // Prowler on the same account, regions and throttling.
    throttle_on(sb);
    let out = tempfile::tempdir().unwrap();
    let mut run = Command::new(&bin);
    run.args(["aws", "--checks", "apigateway_restapi_authorizers_enabled"])
        .arg("--region")
        .args(regions.split(','))
        .args(["--output-formats", "json-ocsf", "--no-banner"])
        .arg("--output-directory")
        .arg(out.path())
        .env("AWS_ENDPOINT_URL", &sb.url)
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_DEFAULT_REGION", "us-east-1")
        .env("HOME", out.path());
    let t0 = Instant::now();
    let result = run.output().unwrap();
    let theirs = t0.elapsed().as_secs_f64();
    let text = String::from_utf8_lossy(&result.stdout).to_string();
    let summary: String = text
        .lines()
        .filter(|l| l.contains("apigateway"))
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect::<Vec<_>>()
        .join(" | ");
    s.note(format!(
        "one account, 17 regions × 25 REST + 25 HTTP APIs, throttled: Gatehouse {ours:.1} s \
         ({open} open methods, OPTIONS aside, REST and HTTP); Prowler 5 \
         apigateway_restapi_authorizers_enabled {theirs:.1} s (exit {:?}; REST APIs only, one \
         finding per API: {summary})",
        result.status.code()
    ));
    s.row(Row::info(
        "One account × 17 regions: Gatehouse sweep vs Prowler's check (wall)",
        format!(
            "{ours:.0} s vs {theirs:.0} s ({:.2}×)",
            theirs / ours.max(0.001)
        ),
    ));
}
