//! The browser CORS fix from the review: its preview, the fix, and its undo from History (with
//! its own preview), as the core plans and journals them.

use crate::core::{Core, CorsPlan, CorsReport, Ctx};
use crate::error::Result;
use tauri::State;

#[tauri::command]
pub(crate) async fn cors_preview(
    core: State<'_, Core>,
    ctx: Ctx,
    api_id: String,
    origin: String,
) -> Result<CorsPlan> {
    core.cors_preview(&ctx, &api_id, &origin).await
}

#[tauri::command]
pub(crate) async fn fix_cors(
    core: State<'_, Core>,
    ctx: Ctx,
    api_id: String,
    api_name: String,
    origin: String,
) -> Result<CorsReport> {
    core.fix_cors(&ctx, &api_id, &api_name, &origin).await
}

#[tauri::command]
pub(crate) async fn cors_undo_preview(
    core: State<'_, Core>,
    apply_id: String,
    force: bool,
) -> Result<CorsPlan> {
    core.cors_undo_preview(&apply_id, force).await
}

#[tauri::command]
pub(crate) async fn undo_cors(
    core: State<'_, Core>,
    apply_id: String,
    force: bool,
) -> Result<CorsReport> {
    core.undo_cors(&apply_id, force).await
}
