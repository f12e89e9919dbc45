//! Bulk protect at API Gateway's own quota (REST methods and HTTP API routes, parts 1 and 1b),
//! and the same job through an AWS CLI loop (part 2).

use crate::common::Sandbox;
use crate::report::{secs, Row, Section};
use crate::sandbox_ext::{gatehouse, gateway_stats, run_json, throttle_off, throttle_on};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

const BURST: f64 = 40.0;
const RATE: f64 = 10.0;

/// The fastest any client can change `n` methods under 10 requests/s with a burst of 40.
fn quota_limit(n: usize) -> f64 {
    (n as f64 - BURST).max(0.0) / RATE
}

pub struct Protected {
    pub wall: f64,
}

/// Which kind of API a bulk protect runs on.
#[derive(Clone, Copy, PartialEq)]
enum Kind {
    /// A REST API: one UpdateMethod per method.
    Rest,
    /// An HTTP API: one UpdateRoute per route, a JWT authorizer for the `web` client.
    Http,
}

/// `gatehouse protect --all-open` on a fresh API of `n` open methods (or routes), throttling on.
fn protect(sb: &Sandbox, pool_region: &str, n: usize, kind: Kind, s: &mut Section) -> Protected {
    throttle_off(sb);
    let (api, noun) = match kind {
        Kind::Rest => (
            sb.bulk_api("us-east-1", &format!("BenchProtect{n}"), n as u32, 1),
            "N",
        ),
        Kind::Http => (
            sb.bulk_http_api("us-east-1", &format!("BenchRoutes{n}"), n as u32, None),
            "routes N",
        ),
    };
    let home = tempfile::tempdir().unwrap();
    let mut args = vec![
        "protect",
        "--api",
        &api,
        "--pool",
        "PetsPool",
        "--pool-region",
        pool_region,
        "--all-open",
        "--json",
    ];
    if kind == Kind::Http {
        args.extend(["--clients", "web"]);
    }
    let cmd = gatehouse(sb, home.path(), &args);
    // Right before the run: the bucket starts full, as after a quiet spell on AWS.
    throttle_on(sb);
    sb.reset_stats();
    let t0 = Instant::now();
    let out = run_json(cmd, &format!("gatehouse protect ({n} methods)"));
    let wall = t0.elapsed().as_secs_f64();
    let stats = gateway_stats(sb);
    throttle_off(sb);

    let results = out["results"].as_array().cloned().unwrap_or_default();
    let status = |r: &Value| r["status"].as_str().unwrap_or("").to_string();
    let changed = results.iter().filter(|r| status(r) == "changed").count();
    let failed =
        results.iter().filter(|r| status(r) != "changed").count() + n.saturating_sub(results.len());
    let limit = quota_limit(n);
    let ratio = wall / limit;
    let answered = stats.calls - stats.throttled;
    s.note(format!(
        "protect {noun}={n}: {wall:.1} s, {changed} changed, {failed} failed; API Gateway calls {} \
         ({}), {} answered 429; the sandbox's bucket alone needs ({answered} answered − 40) / 10 \
         = {:.1} s",
        stats.calls,
        stats.by_operation,
        stats.throttled,
        quota_limit(answered as usize)
    ));
    let fig = |what: &str| format!("Bulk protect {noun}={n}: {what}");
    s.row(Row::info(&fig("wall time"), secs(wall)));
    s.row(Row::info(&fig("quota limit (N − 40) / 10"), secs(limit)));
    s.row(if n >= 1000 {
        Row::check(
            &fig("wall / limit"),
            format!("{ratio:.2}"),
            "≤ 1.10",
            ratio <= 1.10,
        )
    } else {
        Row::info(&fig("wall / limit"), format!("{ratio:.2}"))
    });
    s.row(Row::info(
        &fig("429s received"),
        stats.throttled.to_string(),
    ));
    s.row(Row::check(
        &fig("failed methods"),
        failed.to_string(),
        "0",
        failed == 0,
    ));
    Protected { wall }
}

fn aws_cli() -> PathBuf {
    crate::common::sandbox::repo_root().join(".venv/bin/aws")
}

/// `aws apigateway ARGS` against the sandbox, as a user types it.
fn aws(sb: &Sandbox, home: &Path, args: &[&str]) -> Command {
    let mut c = Command::new(aws_cli());
    c.arg("apigateway")
        .args(args)
        .args(["--endpoint-url", &sb.url, "--region", "us-east-1"])
        .envs(sb.aws_env())
        .env("HOME", home)
        .env("AWS_CONFIG_FILE", home.join("aws-config"))
        .env("AWS_SHARED_CREDENTIALS_FILE", home.join("aws-credentials"))
        .env_remove("AWS_PROFILE");
    c
}

/// The same job as `protect` on `n` methods, through `aws apigateway update-method` one
/// method at a time (the CLI retries 429s itself). Only the loop is timed: creating the
/// authorizer and listing the resources are left out, in the CLI's favour.
fn cli_loop(sb: &Sandbox, pool_arn: &str, n: usize, s: &mut Section) -> f64 {
    assert!(
        aws_cli().exists(),
        "awscli is missing from .venv: run `make bench`, which installs it"
    );
    throttle_off(sb);
    let api = sb.bulk_api("us-east-1", &format!("BenchCli{n}"), n as u32, 1);
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let auth = run_json(
        aws(
            sb,
            h,
            &[
                "create-authorizer",
                "--rest-api-id",
                &api,
                "--name",
                "PetsPool",
                "--type",
                "COGNITO_USER_POOLS",
                "--provider-arns",
                pool_arn,
                "--identity-source",
                "method.request.header.Authorization",
                "--output",
                "json",
            ],
        ),
        "aws apigateway create-authorizer",
    );
    let auth_id = auth["id"].as_str().expect("authorizer id").to_string();
    let resources = run_json(
        aws(
            sb,
            h,
            &["get-resources", "--rest-api-id", &api, "--output", "json"],
        ),
        "aws apigateway get-resources",
    );
    let targets: Vec<(String, String)> = resources["items"]
        .as_array()
        .expect("resources")
        .iter()
        .flat_map(|r| {
            let id = r["id"].as_str().unwrap_or_default().to_string();
            r["resourceMethods"]
                .as_object()
                .map(|m| m.keys().map(|v| (id.clone(), v.clone())).collect())
                .unwrap_or_else(Vec::new)
        })
        .collect();
    assert_eq!(targets.len(), n, "the CLI sees every method");

    throttle_on(sb);
    sb.reset_stats();
    let authorizer_type = "op=replace,path=/authorizationType,value=COGNITO_USER_POOLS";
    let authorizer_id = format!("op=replace,path=/authorizerId,value={auth_id}");
    let t0 = Instant::now();
    let mut failed = 0;
    for (resource, verb) in &targets {
        let status = aws(
            sb,
            h,
            &[
                "update-method",
                "--rest-api-id",
                &api,
                "--resource-id",
                resource,
                "--http-method",
                verb,
                "--patch-operations",
                authorizer_type,
                &authorizer_id,
            ],
        )
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("run aws");
        if !status.success() {
            failed += 1;
        }
    }
    let wall = t0.elapsed().as_secs_f64();
    let stats = gateway_stats(sb);
    throttle_off(sb);
    s.note(format!(
        "AWS CLI loop N={n}: {wall:.1} s ({:.2} s a call), {failed} failed, {} answered 429",
        wall / n as f64,
        stats.throttled
    ));
    wall
}

pub fn run() -> Section {
    let mut s = Section::default();
    let sb = Sandbox::start();
    let seed = sb.seed();
    let pool_region = seed["pools"]["region"].as_str().unwrap_or("eu-west-1");
    let pool_arn = seed["pools"]["PetsPool"]["arn"]
        .as_str()
        .expect("PetsPool's ARN in seed.py's summary")
        .to_string();

    let small = protect(&sb, pool_region, 200, Kind::Rest, &mut s);
    protect(&sb, pool_region, 1000, Kind::Rest, &mut s);
    protect(&sb, pool_region, 1000, Kind::Http, &mut s);
    let cli = cli_loop(&sb, &pool_arn, 200, &mut s);
    let ratio = small.wall / cli;
    s.row(Row::info("AWS CLI loop N=200: wall time", secs(cli)));
    s.row(Row::check(
        "Bulk protect N=200: Gatehouse / AWS CLI loop",
        format!("{ratio:.2}"),
        "≤ 0.25",
        ratio <= 0.25,
    ));
    s
}
