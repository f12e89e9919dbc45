//! Deploying from the review: the preview of what changes on a stage (or its canary), then the
//! deploy itself, refused as the core refuses it (a canary's base, changes not acknowledged).

use crate::contract::Deployed;
use crate::core::{Core, Ctx};
use crate::domain::live::deploy::{DeployPreview, DeployTarget};
use crate::error::Result;
use tauri::State;

#[tauri::command]
pub(crate) async fn deploy_preview(
    core: State<'_, Core>,
    ctx: Ctx,
    api_id: String,
    stage: String,
    target: DeployTarget,
) -> Result<DeployPreview> {
    core.deploy_preview(&ctx, &api_id, stage.trim(), target)
        .await
}

#[tauri::command]
pub(crate) async fn deploy_to_stage(
    core: State<'_, Core>,
    ctx: Ctx,
    api_id: String,
    stage: String,
    target: DeployTarget,
    description: String,
    acknowledged: bool,
) -> Result<Deployed> {
    let (preview, deployment) = core
        .deploy_previewed(
            &ctx,
            &api_id,
            stage.trim(),
            target,
            &description,
            acknowledged,
        )
        .await?;
    Ok(Deployed {
        preview,
        deployment,
    })
}
