//! What the bench adds to the test harness: AWS-like throttling on and off, API Gateway's
//! share of the sandbox's counters, and the command line run as a user runs it.

use crate::common::Sandbox;
use serde_json::{json, Value};
use std::path::Path;
use std::process::Command;

pub const BIN: &str = env!("CARGO_BIN_EXE_gatehouse");

/// API Gateway's control-plane quota: 10 requests/s, burst 40. Setting it refills the bucket.
pub fn throttle_on(sb: &Sandbox) {
    sb.control(
        "/_sandbox/config",
        json!({"throttle": {"rate": 10, "burst": 40}}),
    );
}

/// The same quotas, each account its own (one sandbox holding many accounts: the keys that
/// sign a call say whose quota it draws from; an account's regions share it).
pub fn throttle_per_account(sb: &Sandbox) {
    sb.control(
        "/_sandbox/config",
        json!({"throttle": {"rate": 10, "burst": 40, "per": "account"}}),
    );
}

pub fn throttle_off(sb: &Sandbox) {
    sb.control("/_sandbox/config", json!({"throttle": null}));
}

/// API Gateway's counters since the last reset.
pub struct GatewayStats {
    /// Every request received, 429s included.
    pub calls: u64,
    /// Requests answered 429.
    pub throttled: u64,
    /// Calls per operation, "GetResources 5, GetRestApis 1".
    pub by_operation: String,
}

pub fn gateway_stats(sb: &Sandbox) -> GatewayStats {
    let stats = sb.stats();
    let sum = |v: &Value| {
        v.as_object()
            .map_or(0, |m| m.values().filter_map(Value::as_u64).sum())
    };
    let calls = &stats["calls"]["apigateway"];
    let by_operation = calls
        .as_object()
        .map(|m| {
            m.iter()
                .map(|(op, n)| format!("{op} {n}"))
                .collect::<Vec<_>>()
                .join(", ")
        })
        .unwrap_or_default();
    GatewayStats {
        calls: sum(calls),
        throttled: sum(&stats["throttled"]["apigateway"]),
        by_operation,
    }
}

/// `gatehouse ARGS` against the sandbox, with a private home and no display (headless).
pub fn gatehouse(sb: &Sandbox, home: &Path, args: &[&str]) -> Command {
    sb.gatehouse(home, args)
}

/// Runs a command to the end; its stdout as JSON, or a panic that says what went wrong.
pub fn run_json(mut cmd: Command, what: &str) -> Value {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("{what}: cannot start: {e}"));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    serde_json::from_str(&stdout).unwrap_or_else(|e| {
        panic!(
            "{what}: exit {:?}, stdout is not JSON ({e}): {}\n{}",
            out.status.code(),
            stdout.chars().take(500).collect::<String>(),
            stderr.chars().take(2000).collect::<String>()
        )
    })
}
