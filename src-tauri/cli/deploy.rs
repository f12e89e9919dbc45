//! `gatehouse deploy`: the preview of what changes on the stage (or its canary), the changes
//! Gatehouse did not make named and held back until `--yes`, then one CreateDeployment.

use super::common::{context, Common, EXIT_OK};
use super::out::clean;
use crate::core::Core;
use crate::domain::live::deploy::{DeployPreview, DeployTarget};
use crate::error::Result;
use serde_json::json;

#[derive(clap::Args, Debug)]
pub struct DeployArgs {
    #[command(flatten)]
    pub common: Common,
    /// The REST or HTTP API, by name or id.
    #[arg(long)]
    pub api: String,
    /// The stage to deploy to (created when it does not exist).
    #[arg(long)]
    pub stage: String,
    /// Deploy to the stage's canary (its share of the traffic) instead of the stage itself.
    #[arg(long, conflicts_with = "promote")]
    pub canary: bool,
    /// Promote the stage's canary to the whole stage (the stage then serves the canary's
    /// deployment, the canary 0%), as the console's "Promote canary" does; the editor is not
    /// deployed.
    #[arg(long)]
    pub promote: bool,
    /// The deployment's description.
    #[arg(long, default_value = "Gatehouse")]
    pub description: String,
    /// Show what would change; deploy nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Deploy although it takes live changes Gatehouse did not make (they are named first).
    #[arg(long)]
    pub yes: bool,
    /// Print JSON (the shape is in the README).
    #[arg(long)]
    pub json: bool,
}

pub(super) async fn deploy(core: &Core, args: DeployArgs) -> Result<i32> {
    let ctx = context(core, &args.common).await?;
    let api = core.find_api(&ctx, &args.api).await?;
    let target = match (args.canary, args.promote) {
        (true, _) => DeployTarget::Canary,
        (_, true) => DeployTarget::Promote,
        _ => DeployTarget::Stage,
    };
    if args.dry_run {
        let preview = core
            .deploy_preview(&ctx, &api.id, &args.stage, target)
            .await?;
        report(&preview, None, args.json, true)?;
        return Ok(EXIT_OK);
    }
    match core
        .deploy_previewed(
            &ctx,
            &api.id,
            &args.stage,
            target,
            &args.description,
            args.yes,
        )
        .await
    {
        Ok((preview, done)) => {
            report(&preview, Some((&done.id, &done.stage)), args.json, false)?;
            Ok(EXIT_OK)
        }
        Err(e) => {
            // The refusal names what would go live; show the preview it was refused on.
            if !args.json {
                if let Ok(preview) = core
                    .deploy_preview(&ctx, &api.id, &args.stage, target)
                    .await
                {
                    print_preview(&preview);
                }
            }
            Err(e)
        }
    }
}

fn report(
    preview: &DeployPreview,
    deployed: Option<(&str, &str)>,
    json: bool,
    dry_run: bool,
) -> Result<()> {
    if json {
        let changes: Vec<_> = preview
            .changes
            .iter()
            .map(|c| {
                let (verb, path) = match c.key.split_once(' ') {
                    Some((v, p)) => (v.to_string(), p.to_string()),
                    None => ("ANY".to_string(), c.key.clone()),
                };
                json!({"key": c.key, "path": path, "verb": verb, "before": c.before,
                       "after": c.after, "byGatehouse": c.by_gatehouse, "opens": c.opens})
            })
            .collect();
        outln!(
            "{}",
            serde_json::to_string_pretty(&json!({
                "apiId": preview.api_id,
                "stage": preview.stage,
                "target": preview.target,
                "changes": changes,
                "notByGatehouse": preview.not_by_gatehouse,
                "opens": preview.opens,
                "summary": preview.summary,
                "dryRun": dry_run,
                "deployment": deployed.map(|(id, stage)| json!({"id": id, "stage": stage})),
            }))?
        );
        return Ok(());
    }
    print_preview(preview);
    match deployed {
        Some((id, stage)) if preview.target == DeployTarget::Promote => outln!(
            "Promoted {}'s canary: the stage serves deployment {}.",
            clean(stage),
            clean(id)
        ),
        Some((id, stage)) => outln!("Deployed to {} (deployment {}).", clean(stage), clean(id)),
        None => outln!("Dry run: nothing was deployed."),
    }
    Ok(())
}

/// The preview as `deploy` and `protect --deploy` print it.
pub(super) fn print_preview(preview: &DeployPreview) {
    outln!("{}", clean(&preview.summary));
    for c in &preview.changes {
        let mut line = format!("  {}", clean(&c.text));
        if c.opens {
            line.push_str("  — OPENS IT TO ANYONE");
        }
        outln!("{line}");
    }
}
