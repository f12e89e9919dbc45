//! 3. Review load of a 2,000-resource, 6,000-method API (command line and window), and
//! 4. start-up and footprint, in the same windows (5., the token check, runs on the same API).

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
    deploy_stages(&sb, &api);
    // AWS-like from here on: the reads count against the same 10/s bucket.
    throttle_on(&sb);
    audit(&sb, &api, &mut s);
    crate::token::check(
        &sb,
        &api,
        (RESOURCES * METHODS_PER_RESOURCE) as usize,
        &mut s,
    );
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

/// The stages the bench API is deployed to, each its own deployment (made before throttling).
const STAGES: [&str; 3] = ["prod", "beta", "dev"];

fn audit(sb: &Sandbox, api: &str, s: &mut Section) {
    let home = tempfile::tempdir().unwrap();
    let cmd = || gatehouse(sb, home.path(), &["audit", "--api", api, "--json"]);
    sb.reset_stats();
    let t0 = Instant::now();
    let out = run_json(cmd(), "gatehouse audit");
    let wall = t0.elapsed().as_secs_f64();
    let stats = gateway_stats(sb);
    let methods = out["apis"][0]["methods"].as_array().map_or(0, Vec::len);
    let expected = (RESOURCES * METHODS_PER_RESOURCE) as usize;
    assert_eq!(methods, expected, "audit lists every method");
    let stages = out["apis"][0]["stages"].as_array().map_or(0, Vec::len);
    assert_eq!(stages, STAGES.len(), "audit reads every stage");
    // The editor: the root resource counts too (2,001 resources, 500 a page), GetAuthorizers,
    // and the listing that finds the API by name (GetRestApis and v2 GetApis); then
    // GetGatewayResponses, GetStages, and per deployment its apiSummary and its stage's export.
    let editor = (RESOURCES as u64 + 1).div_ceil(500) + 3;
    let budget = editor + 2 + 2 * STAGES.len() as u64;
    s.note(format!(
        "audit of {expected} methods and {stages} stages: {wall:.2} s; API Gateway calls: {} ({}), {} answered 429",
        stats.calls, stats.by_operation, stats.throttled
    ));
    s.row(Row::check(
        "Review load: API Gateway calls (audit, 2,000 resources, 3 stages)",
        stats.calls.to_string(),
        &format!("≤ {budget}"),
        stats.calls <= budget,
    ));
    s.row(Row::info(
        "Review load: `gatehouse audit --json` wall time",
        secs(wall),
    ));
    // A second look, another process: each deployment is known by its id already.
    sb.reset_stats();
    let t0 = Instant::now();
    run_json(cmd(), "gatehouse audit (again)");
    let again = t0.elapsed().as_secs_f64();
    let second = gateway_stats(sb);
    s.note(format!(
        "second audit: {again:.2} s; API Gateway calls: {} ({})",
        second.calls, second.by_operation
    ));
    s.row(Row::check(
        "Review load: API Gateway calls, second look (deployments cached)",
        second.calls.to_string(),
        &format!("≤ {}", editor + 2),
        second.calls <= editor + 2,
    ));
}

/// Deploys the bench API to each of STAGES (one deployment each), straight on the sandbox.
fn deploy_stages(sb: &Sandbox, api: &str) {
    let script =
        "for st in sys.argv[3:]:\n    c.create_deployment(restApiId=sys.argv[2], stageName=st)";
    let mut args = vec![api];
    args.extend(STAGES);
    sb.boto3(script, &args);
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

/// The bare Tauri window (examples/bare_window.rs, built by `make bench`), opened and measured
/// the way Gatehouse is: through tauri-driver, settled for 5 s, the app and its WebKit processes.
async fn bare_window(s: &mut Section) -> Option<procs::Memory> {
    let bin = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("target/release/examples/bare_window");
    if !bin.exists() {
        s.row(Row::error(
            "Bare Tauri window",
            "target/release/examples/bare_window is missing: `make bench` builds it",
        ));
        return None;
    }
    let home = AppHome::new();
    let w = Window::open_app(
        &bin,
        &home.env(),
        &[],
        "return document.readyState === 'complete'",
    )
    .await;
    let m = memory_of("bare_window", &home).await;
    s.note(format!(
        "bare Tauri window (same Tauri, same WebKitGTK, a one-line page): {:.0} MB RSS, {:.0} MB PSS; {}",
        m.rss_mb(),
        m.pss_mb(),
        m.parts.join(", ")
    ));
    w.close().await;
    Some(m)
}

/// Gatehouse's memory over the bare window's: the part Gatehouse adds.
fn overhead(s: &mut Section, what: &str, app: &procs::Memory, bare: &procs::Memory, target: f64) {
    let (rss, pss) = (app.rss_mb() - bare.rss_mb(), app.pss_mb() - bare.pss_mb());
    s.row(Row::check(
        &format!("Memory over the bare Tauri window, {what} (RSS / PSS)"),
        format!("+{rss:.0} MB / +{pss:.0} MB"),
        &format!("≤ {target:.0} MB"),
        rss <= target && pss <= target,
    ));
}

async fn in_window(sb: &Sandbox, api: &str, s: &mut Section) {
    let bare = bare_window(s).await;
    if let Some(b) = &bare {
        s.row(Row::info(
            "Bare Tauri window, idle (RSS / PSS)",
            format!("{:.0} MB / {:.0} MB", b.rss_mb(), b.pss_mb()),
        ));
    }
    let mut launches = vec![];
    for i in 0..LAUNCHES {
        let home = AppHome::new();
        let (w, l) = launch(&window::sandbox_env(&sb.url, &home, "us-east-1"), &home).await;
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
        let before = idle_memory(&home).await;
        s.note(format!(
            "idle memory before opening an API: {:.0} MB RSS, {:.0} MB PSS; {}",
            before.rss_mb(),
            before.pss_mb(),
            before.parts.join(", ")
        ));
        keep_frames(&w).await;
        review(&w, sb, api, s).await;
        filter(&w, s).await;
        stop_frames(&w).await;
        let loaded = idle_memory(&home).await;
        s.note(format!(
            "idle memory with {API_NAME} open: {:.0} MB RSS, {:.0} MB PSS; {}",
            loaded.rss_mb(),
            loaded.pss_mb(),
            loaded.parts.join(", ")
        ));
        s.row(Row::info(
            "Idle memory, app + WebKit processes, no API open (RSS)",
            format!("{:.0} MB", before.rss_mb()),
        ));
        s.row(Row::check(
            "Idle memory, app + WebKit processes (RSS, 6,000 methods open)",
            format!("{:.0} MB", loaded.rss_mb()),
            "≤ 250 MB",
            loaded.rss_mb() <= 250.0,
        ));
        s.row(Row::info(
            "Idle memory, same processes, PSS (shared pages split)",
            format!("{:.0} MB", loaded.pss_mb()),
        ));
        if let Some(b) = &bare {
            overhead(s, "idle, no API open", &before, b, 60.0);
            overhead(s, "6,000 methods open", &loaded, b, 120.0);
        }
        w.close().await;
    }
    let process = median(launches.iter().map(|l| l.process).collect());
    s.row(Row::check(
        &format!("Launch → API list (app process start; median of {LAUNCHES})"),
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

/// Watches, from the bench's side only, the click and the table's layout and first frame: the
/// page's own `renderMs` ends when the rows are in the DOM, before style and layout, which the
/// observer (a microtask right after the render) forces at once. Works whether the table holds
/// every row or only those in view.
const WATCH_FIRST_FRAME: &str = "
    const b = window.__bench = {};
    document.addEventListener('click', () => { b.click ??= performance.now(); }, { capture: true });
    const mo = new MutationObserver(() => {
      if (!document.querySelector('[data-testid=method-row]')) return;
      mo.disconnect();
      b.inserted = performance.now();
      void document.body.offsetHeight;
      b.laidOut = performance.now();
      requestAnimationFrame(() => setTimeout(() => { b.painted = performance.now(); }, 0));
    });
    mo.observe(document.body, { childList: true, subtree: true });
    window.__gatehouseTimings = null;
    return true;";

/// Keeps the page's frame clock running (an empty `requestAnimationFrame` loop) until
/// `stop_frames`, as on a display in use: after an idle spell the first frame comes ~0.6 s late
/// under Xvfb, whatever the page does, and would be charged to the figure measured next.
async fn keep_frames(w: &Window) {
    w.js("window.__benchTick = true;
          (function tick() { if (window.__benchTick) requestAnimationFrame(tick); })();
          return true")
        .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
}

async fn stop_frames(w: &Window) {
    w.js("window.__benchTick = false; return true").await;
}

/// Selects the big API and reads the page's own timings of its review.
async fn review(w: &Window, sb: &Sandbox, api: &str, s: &mut Section) {
    w.js(WATCH_FIRST_FRAME).await;
    sb.reset_stats();
    w.click(&format!("[data-testid=api-item][data-api-id='{api}']"))
        .await;
    // Polling through the driver while the page works delays its frames: let it finish first.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let timings = w.wait_js("return window.__gatehouseTimings", 60).await;
    let frame = w
        .wait_js("return window.__bench.painted && window.__bench", 60)
        .await;
    let expected = RESOURCES * METHODS_PER_RESOURCE;
    let summary = w.text("[data-testid=review-summary]").await;
    assert!(
        summary
            .replace(',', "")
            .contains(&format!("of {expected} methods")),
        "the review has every method: {summary}"
    );
    let rows_in_dom = w
        .js("return document.querySelectorAll('[data-testid=method-row]').length")
        .await;
    let ms = |v: &serde_json::Value| v.as_f64().unwrap_or(f64::NAN);
    let fetch_ms = ms(&timings["fetchMs"]);
    let render_ms = ms(&timings["renderMs"]);
    let inserted = ms(&frame["inserted"]);
    // The observer runs right after the page's render (and its timings) end.
    let laid_out_ms = render_ms + ms(&frame["laidOut"]) - inserted;
    let painted_ms = render_ms + ms(&frame["painted"]) - inserted;
    let click_to_screen = ms(&frame["painted"]) - ms(&frame["click"]);
    let stats = gateway_stats(sb);
    s.note(format!(
        "window review of {expected} methods: data in {fetch_ms:.0} ms, rows in the DOM \
         {render_ms:.0} ms later (renderMs), laid out at {laid_out_ms:.0} ms, first frame \
         painted at {painted_ms:.0} ms after the data; click → painted {click_to_screen:.0} ms; \
         {rows_in_dom} rows in the DOM; API Gateway calls: {} ({})",
        stats.calls, stats.by_operation
    ));
    s.row(Row::info(
        "Review load: select API → data in the page",
        millis(fetch_ms),
    ));
    s.row(Row::check(
        "Review load: data → rows in the DOM (page's renderMs)",
        millis(render_ms),
        "≤ 300 ms",
        render_ms <= 300.0,
    ));
    s.row(Row::check(
        "Review load: data → table laid out (+ style, layout)",
        millis(laid_out_ms),
        "≤ 300 ms",
        laid_out_ms <= 300.0,
    ));
    s.row(Row::info(
        "Review load: data → first frame painted",
        millis(painted_ms),
    ));
}

/// One keystroke in the path filter, timed in the page.
struct Keystroke {
    /// The input handler and the style and layout it causes, forced at once.
    ms: f64,
    /// The handler alone.
    handler_ms: f64,
    /// Until the next frame is painted (work a handler leaves for the frame counts too).
    frame_ms: f64,
    rows_in_dom: u64,
}

async fn keystroke(w: &Window, text: &str) -> Keystroke {
    let value = serde_json::to_string(text).unwrap();
    w.js(&format!(
        "const f = document.getElementById('path-filter');
         const k = window.__benchKey = {{}};
         const t0 = performance.now();
         f.value = {value};
         f.dispatchEvent(new Event('input', {{ bubbles: true }}));
         k.handler = performance.now() - t0;
         void document.body.offsetHeight;
         k.sync = performance.now() - t0;
         requestAnimationFrame(() => {{
           void document.body.offsetHeight;
           setTimeout(() => {{
             k.frame = performance.now() - t0;
             k.rows = document.querySelectorAll('[data-testid=method-row]:not([hidden])').length;
           }}, 0);
         }});
         return true;"
    ))
    .await;
    // Polling through the driver while the page works delays its frames: let it finish first.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let k = w
        .wait_js(
            "return window.__benchKey.frame !== undefined && window.__benchKey",
            30,
        )
        .await;
    let ms = |key: &str| k[key].as_f64().unwrap_or(f64::NAN);
    Keystroke {
        ms: ms("sync"),
        handler_ms: ms("handler"),
        frame_ms: ms("frame"),
        rows_in_dom: k["rows"].as_u64().unwrap_or(0),
    }
}

async fn filter(w: &Window, s: &mut Section) {
    w.find("#path-filter").await;
    let mut laid_out = vec![];
    let mut framed = vec![];
    let mut detail = vec![];
    for text in KEYSTROKES {
        let k = keystroke(w, text).await;
        detail.push(format!(
            "\"{text}\" {:.0} ms ({:.0} ms handler; next frame at {:.0} ms; {} rows shown in the DOM)",
            k.ms, k.handler_ms, k.frame_ms, k.rows_in_dom
        ));
        laid_out.push(k.ms);
        framed.push(k.frame_ms);
    }
    s.note(format!("path filter keystrokes: {}", detail.join(", ")));
    let max = |v: &[f64]| v.iter().copied().fold(0.0, f64::max);
    s.row(Row::check(
        "Path filter: keystroke → table filtered and laid out, max",
        millis(max(&laid_out)),
        "≤ 50 ms",
        max(&laid_out) <= 50.0,
    ));
    s.row(Row::info(
        "Path filter: keystroke → table filtered and laid out, median",
        millis(median(laid_out)),
    ));
    // Includes waiting for the next frame and compositing in software under Xvfb: context.
    s.row(Row::info(
        "Path filter: keystroke → next frame painted, median",
        millis(median(framed)),
    ));
}

async fn idle_memory(home: &AppHome) -> procs::Memory {
    memory_of("gatehouse", home).await
}

/// After 5 s of quiet: the memory of the process `name` of this home and of its children.
async fn memory_of(name: &str, home: &AppHome) -> procs::Memory {
    tokio::time::sleep(Duration::from_secs(5)).await;
    let pid = procs::pid_of(name, home.path()).expect("the app's process");
    procs::memory(&procs::tree(pid))
}
