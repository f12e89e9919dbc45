//! `gatehouse fix-cors`: Access-Control-Allow-Origin added to the gateway responses a refused
//! token meets, so that a browser shows the 401 or 403 instead of a CORS error; journaled, and
//! undone by `gatehouse undo` like every apply.

use super::common::{context, Common, EXIT_FAILED_METHODS, EXIT_OK};
use super::out::clean;
use crate::core::{Core, CorsPlan, CorsReport};
use crate::error::Result;
use crate::local::journal::ApplySummary;

#[derive(clap::Args, Debug)]
pub struct CorsArgs {
    #[command(flatten)]
    pub common: Common,
    /// The REST API, by name or id.
    #[arg(long)]
    pub api: String,
    /// The origin a browser may read the refusal from: * or one origin (https://app.example.com).
    #[arg(long, default_value = "*")]
    pub origin: String,
    /// Show what would change; change nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Print JSON (the shape is in the README).
    #[arg(long)]
    pub json: bool,
}

pub(super) async fn fix_cors(core: &Core, args: CorsArgs) -> Result<i32> {
    let ctx = context(core, &args.common).await?;
    let api = core.find_api(&ctx, &args.api).await?;
    if args.dry_run {
        let plan = core.cors_preview(&ctx, &api.id, &args.origin).await?;
        print_plan(&plan, args.json)?;
        return Ok(EXIT_OK);
    }
    let report = core
        .fix_cors(&ctx, &api.id, &api.name, &args.origin)
        .await?;
    print_report(&report, args.json)
}

/// `gatehouse undo` of a CORS fix.
pub(super) async fn undo(
    core: &Core,
    target: &ApplySummary,
    force: bool,
    json: bool,
) -> Result<i32> {
    let report = core.undo_cors(&target.header.id, force).await?;
    print_report(&report, json)
}

fn print_plan(plan: &CorsPlan, json: bool) -> Result<()> {
    if json {
        outln!(
            "{}",
            serde_json::to_string_pretty(&serde_json::json!({
                "apiId": plan.api_id,
                "dryRun": true,
                "changes": plan.changes,
                "summary": plan.summary,
            }))?
        );
        return Ok(());
    }
    outln!("{}", clean(&plan.summary));
    for c in &plan.changes {
        outln!("  {}", clean(&c.text));
    }
    outln!("Dry run: nothing was changed.");
    Ok(())
}

fn print_report(report: &CorsReport, json: bool) -> Result<i32> {
    if json {
        outln!(
            "{}",
            serde_json::to_string_pretty(&serde_json::to_value(report)?)?
        );
    } else {
        for r in &report.results {
            outln!("  {}", clean(&r.text));
        }
        outln!(
            "{} (apply {}).",
            clean(&report.summary),
            clean(&report.apply_id)
        );
    }
    Ok(match report.failed {
        0 => EXIT_OK,
        _ => EXIT_FAILED_METHODS,
    })
}
