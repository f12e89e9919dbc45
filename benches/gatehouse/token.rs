//! The token check over the 6,000-method API (part 5 of the bench): how long `gatehouse
//! check-token` takes to judge every method, and what it asks AWS for.

use crate::common::Sandbox;
use crate::report::{secs, Row, Section};
use crate::sandbox_ext::{gatehouse, gateway_stats, run_json};
use serde_json::json;
use std::time::Instant;

pub fn check(sb: &Sandbox, api: &str, methods: usize, s: &mut Section) {
    let home = tempfile::tempdir().unwrap();
    let token = sb.mint_token(json!({"pool_id": "eu-west-1_BenchPool", "token_use": "id",
        "client_id": "benchclient", "username": "bench"}));
    let file = home.path().join("token");
    std::fs::write(&file, token).unwrap();
    let path = file.to_string_lossy().to_string();
    let cmd = gatehouse(
        sb,
        home.path(),
        &["check-token", "--api", api, "--token-file", &path, "--json"],
    );
    sb.reset_stats();
    let t0 = Instant::now();
    let out = run_json(cmd, "gatehouse check-token");
    let wall = t0.elapsed().as_secs_f64();
    let stats = gateway_stats(sb);
    let judged = out["methods"].as_array().map_or(0, Vec::len);
    assert_eq!(judged, methods, "check-token judges every method");
    s.note(format!(
        "check-token over {methods} methods: {wall:.2} s; API Gateway calls: {} ({}), {} answered 429",
        stats.calls, stats.by_operation, stats.throttled
    ));
    s.row(Row::info(
        "Token check: `gatehouse check-token --json` over 6,000 methods",
        secs(wall),
    ));
}
