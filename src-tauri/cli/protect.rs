//! `protect`, `unprotect` and `undo`: their flags, the request they make of the core, and one
//! call into it; cli/print.rs prints what comes back.

use super::common::{context, Common};
use super::out::clean;
use super::print::{exit_status, print_report, progress_line, Command, Printer};
use crate::core::{ApplyEvent, Core, Methods, Pace, ProtectRequest, UnprotectRequest};
use crate::domain::plan::{self, DEFAULT_TTL};
use crate::error::{Error, Result};
use clap::Args;
use serde_json::Value;

#[derive(Args, Debug)]
pub struct ProtectArgs {
    #[command(flatten)]
    common: Common,
    /// The REST or HTTP API, by name or id.
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
    /// Where the token is read: method.request.header.NAME (REST), $request.header.NAME or
    /// $request.querystring.NAME (HTTP). Default: the Authorization header.
    #[arg(long, default_value = "")]
    identity_source: String,
    /// App client ID regex matched against the ID token's `aud` (access tokens are then refused).
    #[arg(long, default_value = "")]
    client_id_regex: String,
    /// App clients by name or id, comma-separated: the client ID regex ^(id1|id2)$ of a REST
    /// API's authorizer, the audience of an HTTP API's JWT authorizer (required there).
    #[arg(long, value_delimiter = ',', value_name = "NAMES_OR_IDS")]
    clients: Vec<String>,
    /// Result TTL in seconds, 0–3600.
    #[arg(long, default_value_t = DEFAULT_TTL)]
    ttl: i32,
    /// OAuth scopes the methods require, comma- or space-separated.
    #[arg(long, default_value = "")]
    scopes: String,
    #[command(flatten)]
    which: Which,
    /// Deploy to this stage afterwards (one CreateDeployment).
    #[arg(long, conflicts_with = "as_code")]
    deploy: Option<String>,
    /// Print the plan and change nothing.
    #[arg(long, conflicts_with = "as_code")]
    dry_run: bool,
    /// Apply even when the plan has warnings (OPTIONS selected, scopes with a client ID regex, an
    /// API owned by a CloudFormation stack).
    #[arg(long)]
    force: bool,
    /// Change the owning template instead of the API: print the patched template's diff (nothing
    /// is sent to API Gateway). The template is --template, else the stack's deployed one.
    #[arg(long)]
    as_code: bool,
    /// The template to patch: CloudFormation or SAM (YAML or JSON), or Terraform (.tf).
    #[arg(long, value_name = "FILE", requires = "as_code")]
    template: Option<std::path::PathBuf>,
    /// Write the patched template here (`-`: to stdout instead of the diff).
    #[arg(long, value_name = "FILE", requires = "as_code")]
    out: Option<std::path::PathBuf>,
    /// Create a CloudFormation change set with the patched template on the API's stack (never
    /// executed: review it, then execute it).
    #[arg(long, value_name = "NAME", requires = "as_code")]
    change_set: Option<String>,
    /// Print JSON (the shape is in the README).
    #[arg(long)]
    json: bool,
    /// UpdateMethod/UpdateRoute calls per second (API Gateway's quota is 10 per account).
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
    /// The REST or HTTP API, by name or id.
    #[arg(long)]
    api: String,
    #[command(flatten)]
    which: UnprotectWhich,
    /// Deploy to this stage afterwards (one CreateDeployment).
    #[arg(long)]
    deploy: Option<String>,
    /// Print the plan and change nothing.
    #[arg(long)]
    dry_run: bool,
    /// Apply even when a CloudFormation stack owns the API (its next update undoes the change).
    #[arg(long)]
    force: bool,
    /// Print JSON (the shape is in the README).
    #[arg(long)]
    json: bool,
    /// UpdateMethod/UpdateRoute calls per second (API Gateway's quota is 10 per account).
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

pub async fn protect(core: &Core, args: ProtectArgs) -> Result<i32> {
    let pace = pace(args.max_rps)?;
    let ctx = context(core, &args.common).await?;
    let methods = match args.which.methods {
        Some(list) => Methods::Listed {
            keys: plan::parse_method_list(&list),
        },
        None => Methods::AllOpen,
    };
    let req = ProtectRequest {
        ctx,
        api: args.api,
        pool: args.pool,
        pool_region: args.pool_region,
        authorizer_name: args.authorizer_name,
        identity_source: args.identity_source,
        client_id_regex: args.client_id_regex,
        clients: args.clients,
        ttl_seconds: args.ttl,
        scopes: plan::parse_scopes(&args.scopes),
        methods,
        deploy: args.deploy,
        dry_run: args.dry_run,
        force: args.force,
        pace,
    };
    if args.as_code {
        let code = super::code::AsCode {
            template: args.template,
            out: args.out,
            change_set: args.change_set,
            json: args.json,
        };
        return super::code::protect_as_code(core, req, code).await;
    }
    let printer = Printer::new(Command::Protect, args.json, args.max_rps);
    let outcome = core.protect(req, &|e| printer.event(e)).await?;
    printer.finish(&outcome)
}

pub async fn unprotect(core: &Core, args: UnprotectArgs) -> Result<i32> {
    let pace = pace(args.max_rps)?;
    let ctx = context(core, &args.common).await?;
    let methods = match (args.which.methods, args.which.authorizer) {
        (Some(list), _) => Methods::Listed {
            keys: plan::parse_method_list(&list),
        },
        (None, Some(authorizer)) => Methods::UsingAuthorizer { authorizer },
        (None, None) => unreachable!("clap requires --methods or --authorizer"),
    };
    let req = UnprotectRequest {
        ctx,
        api: args.api,
        methods,
        deploy: args.deploy,
        dry_run: args.dry_run,
        force: args.force,
        pace,
    };
    let printer = Printer::new(Command::Unprotect, args.json, args.max_rps);
    let outcome = core.unprotect(req, &|e| printer.event(e)).await?;
    printer.finish(&outcome)
}

/// `--max-rps`: at least 1, checked before anything is looked up.
fn pace(max_rps: u32) -> Result<Pace> {
    if max_rps == 0 {
        return Err(Error::invalid("max-rps", "--max-rps must be at least 1"));
    }
    Ok(Pace::with_rate(max_rps))
}

pub async fn undo(
    core: &Core,
    apply: Option<&str>,
    force: bool,
    json_out: bool,
    mfa_code: Option<&str>,
) -> Result<i32> {
    let target = core.find_apply(apply)?;
    super::common::mfa(core, &target.header.profile, mfa_code).await?;
    if target.header.action == crate::domain::model::Action::Cors {
        return super::cors::undo(core, &target, force, json_out).await;
    }
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
