//! `protect`, `unprotect` and `undo`: the same planning, pacing, retries and journal as the window.

use super::out::clean;
use super::{context, Common, EXIT_ERROR, EXIT_FAILED_METHODS, EXIT_OK};
use crate::apply::{ApplyEvent, ApplyReport, MethodResult, Pace};
use crate::audit::{self, describe_state};
use crate::core::{Core, Ctx};
use crate::error::{Error, Result};
use crate::lock::ApiLock;
use crate::model::{Authorizer, Method, RestApi, UserPool};
use crate::plan::{self, AuthorizerInput, Plan, Target, DEFAULT_IDENTITY_SOURCE, DEFAULT_TTL};
use crate::protect::{ApplyRequest, Deployment};
use clap::Args;
use serde_json::{json, Value};

#[derive(Args, Debug)]
pub struct ProtectArgs {
    #[command(flatten)]
    common: Common,
    /// The REST API, by name or id.
    #[arg(long)]
    api: String,
    /// The user pool, by name or id.
    #[arg(long)]
    pool: String,
    /// The pool's region (default: the API's region).
    #[arg(long)]
    pool_region: Option<String>,
    /// Name of the authorizer to create (default: the pool's name).
    #[arg(long)]
    authorizer_name: Option<String>,
    #[arg(long, default_value = DEFAULT_IDENTITY_SOURCE)]
    identity_source: String,
    /// App client ID regex matched against the ID token's `aud` (access tokens are then refused).
    #[arg(long, default_value = "")]
    client_id_regex: String,
    /// Result TTL in seconds, 0–3600.
    #[arg(long, default_value_t = DEFAULT_TTL)]
    ttl: i32,
    /// OAuth scopes the methods require, comma- or space-separated.
    #[arg(long, default_value = "")]
    scopes: String,
    #[command(flatten)]
    which: Which,
    /// Deploy to this stage afterwards (one CreateDeployment).
    #[arg(long)]
    deploy: Option<String>,
    /// Print the plan and change nothing.
    #[arg(long)]
    dry_run: bool,
    /// Apply even when the plan has warnings (OPTIONS selected, scopes with a client ID regex).
    #[arg(long)]
    force: bool,
    #[arg(long)]
    json: bool,
    /// UpdateMethod calls per second (API Gateway's quota is 10 per account).
    #[arg(long, default_value_t = 10)]
    max_rps: u32,
}

#[derive(Args, Debug)]
#[group(required = true, multiple = false)]
struct Which {
    /// Methods as "VERB /path", comma-separated: "GET /pets,POST /purchase".
    #[arg(long)]
    methods: Option<String>,
    /// Every open method except OPTIONS (the CORS preflight).
    #[arg(long)]
    all_open: bool,
}

#[derive(Args, Debug)]
pub struct UnprotectArgs {
    #[command(flatten)]
    common: Common,
    #[arg(long)]
    api: String,
    #[command(flatten)]
    which: UnprotectWhich,
    #[arg(long)]
    deploy: Option<String>,
    #[arg(long)]
    dry_run: bool,
    #[arg(long)]
    json: bool,
    #[arg(long, default_value_t = 10)]
    max_rps: u32,
}

#[derive(Args, Debug)]
#[group(required = true, multiple = false)]
struct UnprotectWhich {
    /// Methods as "VERB /path", comma-separated.
    #[arg(long)]
    methods: Option<String>,
    /// Every method that uses this authorizer (name or id).
    #[arg(long)]
    authorizer: Option<String>,
}

fn find_pool<'a>(pools: &'a [UserPool], name_or_id: &str, region: &str) -> Result<&'a UserPool> {
    if let Some(p) = pools.iter().find(|p| p.id == name_or_id) {
        return Ok(p);
    }
    let named: Vec<&UserPool> = pools.iter().filter(|p| p.name == name_or_id).collect();
    match named.as_slice() {
        [one] => Ok(one),
        [] => Err(Error::NotFound(format!(
            "No user pool named or with id '{name_or_id}' in {region}"
        ))),
        many => Err(Error::invalid(
            "pool",
            format!(
                "{} user pools are named '{name_or_id}'; name one by its id",
                many.len()
            ),
        )),
    }
}

pub async fn protect(core: &Core, args: ProtectArgs) -> Result<i32> {
    let ctx = context(core, &args.common).await?;
    let api = core.find_api(&ctx, &args.api).await?;
    let pool_region = args
        .pool_region
        .clone()
        .unwrap_or_else(|| ctx.region.clone());
    let pools = core.pools(&ctx, &pool_region).await?;
    let pool = find_pool(&pools, &args.pool, &pool_region)?.clone();
    let input = AuthorizerInput {
        name: args
            .authorizer_name
            .clone()
            .unwrap_or_else(|| pool.name.clone()),
        identity_source: args.identity_source.clone(),
        client_id_regex: args.client_id_regex.clone(),
        ttl_seconds: args.ttl,
    };
    if let Some(e) = plan::validate_authorizer(&input).into_iter().next() {
        return Err(e);
    }
    // One writer per API, from before the authorizer is looked up until the deploy.
    let lock = match args.dry_run {
        true => None,
        false => Some(core.lock_api(&ctx, &api.id, &api.name, "protect").await?),
    };
    let (methods, mut authorizers) = core.methods_and_authorizers_of(&ctx, &api.id).await?;
    let keys = match (&args.which.methods, args.which.all_open) {
        (Some(list), _) => plan::parse_method_list(list),
        (None, _) => audit::open_except_options(&methods)
            .iter()
            .map(|m| m.key())
            .collect(),
    };
    if args.which.methods.is_some() {
        plan::check_keys(&methods, &keys)?;
    }
    if keys.is_empty() {
        return report_nothing(&args, &api, "No open method to protect (OPTIONS excepted).");
    }
    let pool_arn = core.pool_arn(&ctx, &pool_region, &pool.id).await?;
    let existing = authorizers
        .iter()
        .find(|a| {
            plan::matches_authorizer(a, &pool_arn, &input)
                && (args.authorizer_name.is_none() || a.name == input.name.trim())
        })
        .cloned();
    let scopes = plan::parse_scopes(&args.scopes);
    let target_for = |authorizer_id: &str| Target::Protect {
        authorizer_id: authorizer_id.to_string(),
        scopes: scopes.clone(),
    };
    let (authorizer, created) = match existing {
        Some(a) => (a, false),
        None => {
            // Plan against the authorizer that would be created, before anything is sent.
            let draft = draft_authorizer(&input, &pool_arn);
            authorizers.push(draft.clone());
            if args.dry_run {
                (draft, false)
            } else {
                // Warnings stop the command before the authorizer is created, unless --force.
                if !args.force {
                    let draft_plan =
                        plan::plan(&methods, &authorizers, &keys, &target_for(NEW_ID))?;
                    check_warnings(&draft_plan, false)?;
                }
                authorizers.pop();
                let a = core
                    .create_authorizer(&ctx, &api.id, &pool_region, &pool.id, &input, lock.as_ref())
                    .await?;
                authorizers.push(a.clone());
                (a, true)
            }
        }
    };
    let target = target_for(&authorizer.id);
    let plan = plan::plan(&methods, &authorizers, &keys, &target)?;
    let authorizer_json = json!({
        "id": if authorizer.id == NEW_ID { Value::Null } else { json!(authorizer.id) },
        "name": authorizer.name,
        "created": created,
    });
    if !args.json {
        let verb = match (created, authorizer.id == NEW_ID) {
            (true, _) => "created",
            (false, true) => "would be created",
            (false, false) => "reused",
        };
        outln!(
            "Authorizer {} ({}) {verb}.",
            clean(&authorizer.name),
            authorizer.id
        );
    }
    run_plan(
        core,
        &ctx,
        &api,
        plan,
        target,
        &authorizers,
        Options {
            dry_run: args.dry_run,
            force: args.force,
            json: args.json,
            max_rps: args.max_rps,
            deploy: args.deploy.as_deref(),
            lock: lock.as_ref(),
        },
        authorizer_json,
    )
    .await
}

/// Stands for the id of an authorizer not created yet (in a dry run, or before warnings are read).
const NEW_ID: &str = "(new)";

/// The Cognito authorizer `protect` would create for the pool, as AWS would then hold it.
fn draft_authorizer(input: &AuthorizerInput, pool_arn: &str) -> Authorizer {
    Authorizer {
        id: NEW_ID.into(),
        name: input.name.trim().to_string(),
        kind: "COGNITO_USER_POOLS".into(),
        provider_arns: vec![pool_arn.to_string()],
        identity_source: Some(input.identity_source.trim().to_string()),
        identity_validation_expression: Some(input.client_id_regex.trim().to_string())
            .filter(|r| !r.is_empty()),
        ttl_seconds: Some(input.ttl_seconds),
        authorizer_uri: None,
    }
}

fn check_warnings(plan: &Plan, force: bool) -> Result<()> {
    for w in &plan.warnings {
        eoutln!("warning: {}", w.message());
    }
    if !plan.warnings.is_empty() && !force {
        return Err(Error::invalid(
            "warnings",
            "the plan has warnings (above); nothing was changed. Add --force to apply anyway.",
        ));
    }
    Ok(())
}

fn report_nothing(args: &ProtectArgs, api: &RestApi, message: &str) -> Result<i32> {
    if args.json {
        outln!(
            "{}",
            serde_json::to_string_pretty(
                &json!({"authorizer": null, "applyId": null, "results": [], "deployment": null})
            )?
        );
    } else {
        outln!("{} ({}): {message}", clean(&api.name), api.id);
    }
    Ok(EXIT_OK)
}

pub async fn unprotect(core: &Core, args: UnprotectArgs) -> Result<i32> {
    let ctx = context(core, &args.common).await?;
    let api = core.find_api(&ctx, &args.api).await?;
    let lock = match args.dry_run {
        true => None,
        false => Some(core.lock_api(&ctx, &api.id, &api.name, "unprotect").await?),
    };
    let (methods, authorizers) = core.methods_and_authorizers_of(&ctx, &api.id).await?;
    let keys: Vec<String> = match (&args.which.methods, &args.which.authorizer) {
        (Some(list), _) => {
            let keys = plan::parse_method_list(list);
            plan::check_keys(&methods, &keys)?;
            keys
        }
        (None, Some(name)) => {
            let a = authorizers
                .iter()
                .find(|a| &a.id == name || &a.name == name)
                .ok_or_else(|| {
                    Error::NotFound(format!(
                        "No authorizer named or with id '{name}' in {}",
                        api.name
                    ))
                })?;
            methods
                .iter()
                .filter(|m| !m.is_open() && m.authorizer_id.as_deref() == Some(a.id.as_str()))
                .map(Method::key)
                .collect()
        }
        (None, None) => unreachable!("clap requires --methods or --authorizer"),
    };
    if keys.is_empty() {
        if !args.json {
            outln!("No method uses that authorizer; nothing to do.");
        } else {
            outln!(
                "{}",
                json!({"authorizer": null, "applyId": null, "results": [], "deployment": null})
            );
        }
        return Ok(EXIT_OK);
    }
    let plan = plan::plan(&methods, &authorizers, &keys, &Target::Unprotect)?;
    run_plan(
        core,
        &ctx,
        &api,
        plan,
        Target::Unprotect,
        &authorizers,
        Options {
            dry_run: args.dry_run,
            force: true,
            json: args.json,
            max_rps: args.max_rps,
            deploy: args.deploy.as_deref(),
            lock: lock.as_ref(),
        },
        Value::Null,
    )
    .await
}

struct Options<'a> {
    dry_run: bool,
    force: bool,
    json: bool,
    max_rps: u32,
    deploy: Option<&'a str>,
    /// The API's writer lock, held from before the authorizer is created until the deploy.
    lock: Option<&'a ApiLock>,
}

#[allow(clippy::too_many_arguments)]
async fn run_plan(
    core: &Core,
    ctx: &Ctx,
    api: &RestApi,
    plan: Plan,
    target: Target,
    authorizers: &[Authorizer],
    opts: Options<'_>,
    authorizer_json: Value,
) -> Result<i32> {
    if opts.max_rps == 0 {
        return Err(Error::invalid("max-rps", "--max-rps must be at least 1"));
    }
    if !opts.json {
        print_preview(api, &plan, authorizers);
    }
    check_warnings(&plan, opts.force || opts.dry_run)?;
    if opts.dry_run {
        if opts.json {
            let results: Vec<Value> = plan
                .items
                .iter()
                .map(|i| {
                    json!({"path": i.path, "verb": i.verb, "before": i.before, "after": i.after,
                           "status": if i.unchanged() { "unchanged" } else { "planned" }, "error": null})
                })
                .collect();
            outln!(
                "{}",
                serde_json::to_string_pretty(
                    &json!({"authorizer": authorizer_json, "applyId": null,
                    "results": results, "deployment": null, "dryRun": true})
                )?
            );
        } else {
            outln!("Dry run: nothing was changed.");
        }
        return Ok(EXIT_OK);
    }
    let req = ApplyRequest {
        api_id: api.id.clone(),
        api_name: api.name.clone(),
        methods: plan.items.iter().map(|i| i.key()).collect(),
        target,
        accept_warnings: true,
    };
    let json_out = opts.json;
    let progress = move |e: ApplyEvent| {
        if let ApplyEvent::Method {
            result,
            done,
            total,
        } = e
        {
            progress_line(&result, done, total, json_out);
        }
    };
    if !opts.json {
        outln!(
            "Applying {} change(s) at up to {} requests/s…",
            plan.change_count(),
            opts.max_rps
        );
    }
    let report = core
        .apply_plan(
            ctx,
            &req,
            &plan,
            Pace::with_rate(opts.max_rps),
            &progress,
            opts.lock,
        )
        .await?;
    let deployment = match opts.deploy {
        Some(stage) => Some(
            core.deploy(ctx, &api.id, stage, "Gatehouse", opts.lock)
                .await?,
        ),
        None => None,
    };
    print_report(&report, deployment.as_ref(), opts.json, authorizer_json)?;
    Ok(exit_status(&report))
}

/// 1 when the apply stopped (credentials), 4 when a method failed or was left alone, else 0.
fn exit_status(report: &ApplyReport) -> i32 {
    if let Some(why) = &report.stopped {
        eoutln!("gatehouse: {why}");
        EXIT_ERROR
    } else if report.failed + report.skipped + report.not_sent > 0 {
        EXIT_FAILED_METHODS
    } else {
        EXIT_OK
    }
}

/// One method's outcome as it comes: on stdout, or on stderr when stdout carries JSON.
fn progress_line(result: &MethodResult, done: usize, total: usize, json_out: bool) {
    let line = format!(
        "  [{done}/{total}] {:<9} {}{}",
        result.status.label(),
        clean(&result.key),
        result
            .error
            .as_deref()
            .map(|e| format!(" — {}", clean(e)))
            .unwrap_or_default()
    );
    if json_out {
        eoutln!("{line}");
    } else {
        outln!("{line}");
    }
}

fn print_preview(api: &RestApi, plan: &Plan, authorizers: &[Authorizer]) {
    outln!("{} ({}): preview", clean(&api.name), api.id);
    let width = plan.items.iter().map(|i| i.key().len()).max().unwrap_or(0);
    for i in &plan.items {
        let after = if i.unchanged() {
            "unchanged".to_string()
        } else {
            clean(&describe_state(&i.after, authorizers))
        };
        outln!(
            "  {:<width$}  {} → {}",
            i.key(),
            clean(&describe_state(&i.before, authorizers)),
            after
        );
    }
}

fn print_report(
    report: &ApplyReport,
    deployment: Option<&Deployment>,
    json_out: bool,
    authorizer_json: Value,
) -> Result<()> {
    if json_out {
        let results: Vec<Value> = report
            .results
            .iter()
            .map(|r| {
                json!({"path": r.path, "verb": r.verb, "before": r.before, "after": r.after,
                       "status": r.status, "error": r.error, "found": r.found})
            })
            .collect();
        let deployment = deployment.map(|d| json!({"id": d.id, "stage": d.stage}));
        let stopped = report.stopped.as_ref().map(|s| json!(s));
        outln!(
            "{}",
            serde_json::to_string_pretty(&json!({"authorizer": authorizer_json,
                "applyId": report.apply_id, "results": results, "deployment": deployment,
                "stopped": stopped}))?
        );
        return Ok(());
    }
    let mut counts = format!(
        "{} changed, {} unchanged, {} failed",
        report.changed, report.unchanged, report.failed
    );
    if report.skipped > 0 {
        counts.push_str(&format!(", {} skipped", report.skipped));
    }
    if report.not_sent > 0 {
        counts.push_str(&format!(", {} not sent", report.not_sent));
    }
    outln!(
        "{counts} in {:.1} s ({} throttled and retried). Apply {}.",
        report.elapsed_ms as f64 / 1000.0,
        report.throttled,
        report.apply_id
    );
    if let Some(d) = deployment {
        outln!("Deployed to {} (deployment {}).", d.stage, d.id);
    } else if report.changed > 0 {
        outln!("Not live yet: deploy the API to a stage (--deploy STAGE) for the change to take effect.");
    }
    Ok(())
}

pub async fn undo(core: &Core, apply: Option<&str>, force: bool, json_out: bool) -> Result<i32> {
    let target = core.find_apply(apply)?;
    if !json_out {
        outln!(
            "Undoing apply {} ({} on {} in {})…",
            target.header.id,
            target.header.action,
            clean(&target.header.api_name),
            target.header.region
        );
    }
    let progress = move |e: ApplyEvent| {
        if let ApplyEvent::Method {
            result,
            done,
            total,
        } = e
        {
            progress_line(&result, done, total, json_out);
        }
    };
    let report = core
        .undo(&target.header.id, force, Pace::default(), &progress)
        .await?;
    print_report(&report, None, json_out, Value::Null)?;
    if report.skipped > 0 && !json_out {
        outln!(
            "{} method{} changed since the apply and {} left alone; `gatehouse undo --apply {} --force` restores {} anyway.",
            report.skipped,
            if report.skipped == 1 { "" } else { "s" },
            if report.skipped == 1 { "was" } else { "were" },
            target.header.id,
            if report.skipped == 1 { "it" } else { "them" },
        );
    }
    Ok(exit_status(&report))
}
