//! The headless command line: the same core as the window, no display needed.

use crate::audit::{self, MethodView, Show, Summary};
use crate::core::{Core, Ctx};
use crate::error::{Error, Result};
use crate::model::{is_region_name, Protection};
use crate::profiles::{self, ProfileRef};
use clap::{Args, Parser, Subcommand};
use serde_json::json;

/// Exit statuses, as documented in the README.
pub const EXIT_OK: i32 = 0;
pub const EXIT_ERROR: i32 = 1;
pub const EXIT_USAGE: i32 = 2;
pub const EXIT_OPEN: i32 = 3;
pub const EXIT_FAILED_METHODS: i32 = 4;

#[derive(Parser, Debug)]
#[command(
    name = "gatehouse",
    version,
    about = "Protect API Gateway REST API methods with a Cognito User Pool authorizer.",
    long_about = "With no subcommand, Gatehouse opens its window. With one, it runs headless."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Args, Debug, Clone)]
struct Common {
    /// AWS profile of the config/credentials files (default: AWS_PROFILE, else the environment's credentials).
    #[arg(long, global = true)]
    profile: Option<String>,
    /// Region (default: the profile's, else AWS_REGION, else us-east-1).
    #[arg(long, global = true)]
    region: Option<String>,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// List the region's Cognito user pools with their app clients.
    Pools {
        #[command(flatten)]
        common: Common,
        #[arg(long)]
        json: bool,
    },
    /// Show every method of one API (or of every API in the region) with its protection.
    Audit {
        #[command(flatten)]
        common: Common,
        /// API name or id; every API of the region when omitted.
        #[arg(long)]
        api: Option<String>,
        #[arg(long)]
        json: bool,
        /// Exit with status 3 when a method other than OPTIONS is open.
        #[arg(long)]
        fail_on_open: bool,
        /// Which methods to list: all, open or protected (the summary always counts all).
        #[arg(long, default_value = "all")]
        show: Show,
        /// Only methods whose path contains this text.
        #[arg(long, default_value = "")]
        path: String,
    },
}

/// Parses the arguments and runs the subcommand; returns the exit status.
pub fn main(args: Vec<String>) -> i32 {
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let status = if e.use_stderr() { EXIT_USAGE } else { EXIT_OK };
            let _ = e.print();
            return status;
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("gatehouse: {e}");
            return EXIT_ERROR;
        }
    };
    match runtime.block_on(dispatch(cli.command)) {
        Ok(status) => status,
        Err(Error::Invalid { message, .. }) => {
            eprintln!("gatehouse: {message}");
            EXIT_USAGE
        }
        Err(e) => {
            eprintln!("gatehouse: {e}");
            if let Some(hint) = e.hint() {
                eprintln!("{hint}");
            }
            EXIT_ERROR
        }
    }
}

async fn dispatch(command: Command) -> Result<i32> {
    let core = Core::new();
    match command {
        Command::Pools { common, json } => pools(&core, &common, json).await,
        Command::Audit {
            common,
            api,
            json,
            fail_on_open,
            show,
            path,
        } => {
            audit_cmd(
                &core,
                &common,
                api.as_deref(),
                json,
                fail_on_open,
                show,
                &path,
            )
            .await
        }
    }
}

/// The profile and region from the flags, else from the environment, as the window picks them.
async fn context(core: &Core, common: &Common) -> Result<Ctx> {
    let profile = match &common.profile {
        Some(name) => ProfileRef::File(name.clone()),
        None if profiles::environment_has_credentials() => ProfileRef::Env,
        None => ProfileRef::File("default".to_string()),
    };
    let region = match &common.region {
        Some(r) => r.clone(),
        None => core.default_region(&profile.id()).await?,
    };
    if !is_region_name(&region) {
        return Err(Error::invalid(
            "region",
            format!("'{region}' is not a region name"),
        ));
    }
    Ok(Ctx {
        profile: profile.id(),
        region,
    })
}

async fn pools(core: &Core, common: &Common, json: bool) -> Result<i32> {
    let ctx = context(core, common).await?;
    let pools = core.pools(&ctx, &ctx.region).await?;
    let mut out = Vec::new();
    for pool in &pools {
        let clients = core.clients(&ctx, &ctx.region, &pool.id).await?;
        let arn = core.pool_arn(&ctx, &ctx.region, &pool.id).await?;
        out.push((pool, arn, clients));
    }
    if json {
        let pools: Vec<_> = out
            .iter()
            .map(|(p, arn, clients)| {
                json!({"id": p.id, "name": p.name, "arn": arn,
                       "clients": clients.iter().map(|c| json!({"id": c.id, "name": c.name})).collect::<Vec<_>>()})
            })
            .collect();
        println!(
            "{}",
            serde_json::to_string_pretty(&json!({"region": ctx.region, "pools": pools}))?
        );
    } else if out.is_empty() {
        println!("No user pools in {}.", ctx.region);
    } else {
        for (p, _, clients) in &out {
            println!("{}  {}", p.id, p.name);
            for c in clients {
                println!("    client {}  {}", c.id, c.name);
            }
        }
    }
    Ok(EXIT_OK)
}

async fn audit_cmd(
    core: &Core,
    common: &Common,
    api: Option<&str>,
    json: bool,
    fail_on_open: bool,
    show: Show,
    path: &str,
) -> Result<i32> {
    let ctx = context(core, common).await?;
    let apis = match api {
        Some(name) => vec![core.find_api(&ctx, name).await?],
        None => core.apis(&ctx).await?,
    };
    let mut reports = Vec::new();
    let mut total = Summary::default();
    for api in apis {
        let review = core.review(&ctx, &api.id).await?;
        total.open += review.summary.open;
        total.open_options += review.summary.open_options;
        reports.push((api, review));
    }
    if json {
        let apis: Vec<_> = reports
            .iter()
            .map(|(api, r)| {
                let methods: Vec<_> = audit::filter(&r.methods, show, path)
                    .into_iter()
                    .map(method_json)
                    .collect();
                json!({"id": api.id, "name": api.name, "methods": methods, "summary": r.summary})
            })
            .collect();
        println!(
            "{}",
            serde_json::to_string_pretty(&json!({"region": ctx.region, "apis": apis}))?
        );
    } else {
        print_audit_table(&ctx, &reports, show, path);
    }
    Ok(if fail_on_open && total.open_except_options() > 0 {
        EXIT_OPEN
    } else {
        EXIT_OK
    })
}

fn method_json(v: &MethodView) -> serde_json::Value {
    let scopes = match &v.protection {
        Protection::Cognito { scopes, .. } => scopes.clone(),
        _ => Vec::new(),
    };
    json!({
        "path": v.method.path,
        "verb": v.method.verb,
        "authorizationType": v.method.authorization_type,
        "authorizerId": v.method.authorizer_id,
        "authorizerName": v.authorizer_name,
        "scopes": scopes,
        "apiKeyRequired": v.method.api_key_required,
        "open": v.method.is_open(),
    })
}

/// The protection as the badge reads it.
pub fn badge(p: &Protection) -> String {
    match p {
        Protection::Open => "Open".into(),
        Protection::Iam => "IAM".into(),
        Protection::Lambda { authorizer } => format!("Lambda: {authorizer}"),
        Protection::Cognito { authorizer, scopes } if scopes.is_empty() => {
            format!("Cognito: {authorizer}")
        }
        Protection::Cognito { authorizer, scopes } => {
            format!("Cognito: {authorizer} [{}]", scopes.join(" "))
        }
        Protection::Other { authorization_type } => authorization_type.clone(),
    }
}

fn print_audit_table(
    ctx: &Ctx,
    reports: &[(crate::model::RestApi, crate::core::ApiReview)],
    show: Show,
    path: &str,
) {
    if reports.is_empty() {
        println!("No REST APIs in {}.", ctx.region);
    }
    for (api, r) in reports {
        println!("{} ({})  {}", api.name, api.id, r.summary.line());
        let rows = audit::filter(&r.methods, show, path);
        let width = rows
            .iter()
            .map(|v| v.method.path.len())
            .max()
            .unwrap_or(4)
            .max(4);
        println!(
            "  {:<width$}  {:<8}  {:<3}  PROTECTION",
            "PATH", "VERB", "KEY"
        );
        for v in rows {
            let mut protection = badge(&v.protection);
            if v.is_options && v.method.is_open() {
                protection.push_str(" (CORS preflight)");
            }
            let key = if v.method.api_key_required { "yes" } else { "" };
            println!(
                "  {:<width$}  {:<8}  {:<3}  {}",
                v.method.path, v.method.verb, key, protection
            );
        }
        println!();
    }
}
