//! 3. Review load of a 2,000-resource, 6,000-method API (command line and window), and
//! 4. start-up and footprint, in the same windows.

use crate::common::window::{self, AppHome, Window};
use crate::common::Sandbox;
use crate::procs;
use crate::report::{millis, secs, Row, Section};
use crate::sandbox_ext::{gatehouse, gateway_stats, run_json, throttle_on, BIN};
use std::time::{Duration, Instant};

const RESOURCES: u32 = 2000;
const METHODS_PER_RESOURCE: u32 = 3;
const API_NAME: &str = "Bench6000";
/// Launches of the app for the start-up figures (their median is reported).
const LAUNCHES: usize = 3;
/// A user typing "r001" into the path filter, then clearing it.
const KEYSTROKES: [&str; 5] = ["r", "r0", "r00", "r001", ""];

pub fn run() -> Section {
    let mut s = Section::default();
    binary_size(&mut s);
    let sb = Sandbox::start();
    let api = sb.bulk_api("us-east-1", API_NAME, RESOURCES, METHODS_PER_RESOURCE);
    // AWS-like from here on: the reads count against the same 10/s bucket.
    throttle_on(&sb);
    audit(&sb, &api, &mut s);
    window::run(|| in_window(&sb, &api, &mut s));
    s
}

fn binary_size(s: &mut Section) {
    let bytes = std::fs::metadata(BIN).expect("the release binary").len();
    let mb = bytes as f64 / 1e6;
    s.row(Row::check(
        "Release binary size",
        format!("{mb:.1} MB"),
        "≤ 25 MB",
        mb <= 25.0,
    ));
}

fn audit(sb: &Sandbox, api: &str, s: &mut Section) {
    let home = tempfile::tempdir().unwrap();
    let cmd = gatehouse(sb, home.path(), &["audit", "--api", api, "--json"]);
    sb.reset_stats();
    let t0 = Instant::now();
    let out = run_json(cmd, "gatehouse audit");
    let wall = t0.elapsed().as_secs_f64();
    let stats = gateway_stats(sb);
    let methods = out["apis"][0]["methods"].as_array().map_or(0, Vec::len);
    let expected = (RESOURCES * METHODS_PER_RESOURCE) as usize;
    assert_eq!(methods, expected, "audit lists every method");
    // The root resource counts too: 2,001 resources, 500 a page.
    let budget = (RESOURCES as u64 + 1).div_ceil(500) + 2;
    s.note(format!(
        "audit of {expected} methods: {wall:.2} s; API Gateway calls: {} ({}), {} answered 429",
        stats.calls, stats.by_operation, stats.throttled
    ));
    s.row(Row::check(
        "Review load: API Gateway calls (audit, 2,000 resources)",
        stats.calls.to_string(),
        &format!("≤ {budget}"),
        stats.calls <= budget,
    ));
    s.row(Row::info(
        "Review load: `gatehouse audit --json` wall time",
        secs(wall),
    ));
}

fn app_env(sb: &Sandbox, home: &AppHome) -> Vec<(String, String)> {
    let mut env = home.env();
    env.extend(sb.aws_env());
    env
}

struct Launch {
    /// From before the WebDriver session is asked for to the list seen (driver start included).
    wall: f64,
    /// From the app's process start (kernel clock) to the list seen.
    process: f64,
    /// `performance.now()` when the list was first seen: since the page's navigation start.
    in_page_ms: f64,
}

/// Opens the app and waits for the API list, polling as fast as the driver answers.
async fn launch(env: &[(String, String)], home: &AppHome) -> (Window, Launch) {
    let t0 = Instant::now();
    let w = Window::open(env).await;
    let seen = "return document.querySelector('[data-testid=api-item]') ? performance.now() : null";
    let deadline = Instant::now() + Duration::from_secs(30);
    let (in_page_ms, wall, uptime) = loop {
        if let Some(ms) = w.js(seen).await.as_f64() {
            break (ms, t0.elapsed().as_secs_f64(), procs::uptime());
        }
        assert!(Instant::now() < deadline, "the API list never showed");
    };
    let pid = procs::app_pid(home.path()).expect("the app's process");
    let process = procs::age_at(pid, uptime).expect("the app's start time");
    let l = Launch {
        wall,
        process,
        in_page_ms,
    };
    (w, l)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

async fn in_window(sb: &Sandbox, api: &str, s: &mut Section) {
    let mut launches = vec![];
    for i in 0..LAUNCHES {
        let home = AppHome::new();
        let (w, l) = launch(&app_env(sb, &home), &home).await;
        s.note(format!(
            "launch {}: API list after {:.2} s from process start, {:.0} ms after navigation \
             start, {:.2} s from before the WebDriver session",
            i + 1,
            l.process,
            l.in_page_ms,
            l.wall
        ));
        launches.push(l);
        if i + 1 < LAUNCHES {
            w.close().await;
            continue;
        }
        review(&w, sb, api, s).await;
        filter(&w, s).await;
        idle_memory(&w, &home, s).await;
        w.close().await;
    }
    let process = median(launches.iter().map(|l| l.process).collect());
    s.row(Row::check(
        "Launch → API list (app process start; median of 3)",
        secs_2(process),
        "≤ 1.5 s",
        process <= 1.5,
    ));
    s.row(Row::info(
        "Launch → API list, in page (navigation start)",
        millis(median(launches.iter().map(|l| l.in_page_ms).collect())),
    ));
    s.row(Row::info(
        "Launch → API list, incl. WebDriver session set-up",
        secs_2(median(launches.iter().map(|l| l.wall).collect())),
    ));
}

fn secs_2(s: f64) -> String {
    format!("{s:.2} s")
}

/// Selects the big API and reads the page's own timings of its review.
async fn review(w: &Window, sb: &Sandbox, api: &str, s: &mut Section) {
    w.js("window.__gatehouseTimings = null; return true").await;
    sb.reset_stats();
    let t0 = Instant::now();
    w.click(&format!("[data-testid=api-item][data-api-id='{api}']"))
        .await;
    let timings = w.wait_js("return window.__gatehouseTimings", 60).await;
    let click_to_table = t0.elapsed().as_secs_f64();
    let rows = w
        .js("return document.querySelectorAll('[data-testid=method-row]').length")
        .await;
    let expected = RESOURCES * METHODS_PER_RESOURCE;
    assert_eq!(
        rows.as_u64(),
        Some(expected as u64),
        "every method is a row"
    );
    let fetch_ms = timings["fetchMs"].as_f64().unwrap_or(f64::NAN);
    let render_ms = timings["renderMs"].as_f64().unwrap_or(f64::NAN);
    let stats = gateway_stats(sb);
    s.note(format!(
        "window review of {expected} methods: data in {fetch_ms:.0} ms, rendered {render_ms:.0} ms \
         later, {click_to_table:.2} s from the click as WebDriver sees it; API Gateway calls: {} ({})",
        stats.calls, stats.by_operation
    ));
    s.row(Row::info(
        "Review load: select API → data in the page",
        millis(fetch_ms),
    ));
    s.row(Row::check(
        "Review load: data → table rendered (6,000 rows)",
        millis(render_ms),
        "≤ 300 ms",
        render_ms <= 300.0,
    ));
}

/// One keystroke in the path filter: the input handler plus the layout it causes, in the page.
async fn keystroke(w: &Window, text: &str) -> (f64, u64) {
    let value = serde_json::to_string(text).unwrap();
    let script = format!(
        "const f = document.getElementById('path-filter');
         const t0 = performance.now();
         f.value = {value};
         f.dispatchEvent(new Event('input', {{ bubbles: true }}));
         void document.body.offsetHeight;
         const ms = performance.now() - t0;
         const shown = document.querySelectorAll('[data-testid=method-row]:not([hidden])').length;
         return [ms, shown];"
    );
    let v = w.js(&script).await;
    (
        v[0].as_f64().expect("elapsed ms"),
        v[1].as_u64().unwrap_or(0),
    )
}

async fn filter(w: &Window, s: &mut Section) {
    w.find("#path-filter").await;
    let mut times = vec![];
    let mut detail = vec![];
    for text in KEYSTROKES {
        let (ms, shown) = keystroke(w, text).await;
        detail.push(format!("\"{text}\" {ms:.0} ms ({shown} rows)"));
        times.push(ms);
    }
    let all = RESOURCES * METHODS_PER_RESOURCE;
    assert_eq!(keystroke(w, "").await.1, all as u64, "the filter clears");
    s.note(format!("path filter keystrokes: {}", detail.join(", ")));
    let max = times.iter().copied().fold(0.0, f64::max);
    s.row(Row::check(
        "Path filter: keystroke → filtered table, max",
        millis(max),
        "≤ 50 ms",
        max <= 50.0,
    ));
    s.row(Row::info(
        "Path filter: keystroke → filtered table, median",
        millis(median(times)),
    ));
}

async fn idle_memory(w: &Window, home: &AppHome, s: &mut Section) {
    // Let the page settle (no timers of ours run), as a user reading the table.
    tokio::time::sleep(Duration::from_secs(5)).await;
    w.js("return true").await;
    let pid = procs::app_pid(home.path()).expect("the app's process");
    let m = procs::memory(&procs::tree(pid));
    let rss_mb = m.rss_kb as f64 * 1024.0 / 1e6;
    s.note(format!(
        "idle memory with {API_NAME} open: {rss_mb:.0} MB RSS, {:.0} MB PSS; {}",
        m.pss_kb as f64 * 1024.0 / 1e6,
        m.parts.join(", ")
    ));
    s.row(Row::check(
        "Idle memory, app + WebKit processes (RSS, 6,000 methods open)",
        format!("{rss_mb:.0} MB"),
        "≤ 250 MB",
        rss_mb <= 250.0,
    ));
}
