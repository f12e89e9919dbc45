//! The window: `#[tauri::command]` wrappers that take arguments, call the core and return its
//! answer or its error. No logic lives here.

use crate::core::{ApiReview, Core, Ctx};
use crate::error::Result;
use crate::model::{AppClient, Identity, ProfileInfo, RestApi, UserPool, REGIONS};
use tauri::State;

#[tauri::command]
async fn list_profiles(core: State<'_, Core>) -> Result<Vec<ProfileInfo>> {
    core.profiles().await
}

#[tauri::command]
fn list_regions() -> Vec<&'static str> {
    REGIONS.to_vec()
}

#[tauri::command]
async fn default_region(core: State<'_, Core>, profile: String) -> Result<String> {
    core.default_region(&profile).await
}

#[tauri::command]
async fn caller_identity(core: State<'_, Core>, ctx: Ctx) -> Result<Identity> {
    core.identity(&ctx).await
}

#[tauri::command]
async fn list_apis(core: State<'_, Core>, ctx: Ctx) -> Result<Vec<RestApi>> {
    core.apis(&ctx).await
}

#[tauri::command]
async fn review_api(core: State<'_, Core>, ctx: Ctx, api_id: String) -> Result<ApiReview> {
    core.review(&ctx, &api_id).await
}

#[tauri::command]
async fn list_pools(core: State<'_, Core>, ctx: Ctx, pool_region: String) -> Result<Vec<UserPool>> {
    core.pools(&ctx, &pool_region).await
}

#[tauri::command]
async fn list_clients(
    core: State<'_, Core>,
    ctx: Ctx,
    pool_region: String,
    pool_id: String,
) -> Result<Vec<AppClient>> {
    core.clients(&ctx, &pool_region, &pool_id).await
}

#[tauri::command]
async fn forget_session(core: State<'_, Core>, profile: String) -> Result<()> {
    core.forget(&profile).await;
    Ok(())
}

/// Opens the window; returns the exit status.
pub fn open_window() -> i32 {
    let result = tauri::Builder::default()
        .manage(Core::new())
        .invoke_handler(tauri::generate_handler![
            list_profiles,
            list_regions,
            default_region,
            caller_identity,
            list_apis,
            review_api,
            list_pools,
            list_clients,
            forget_session,
        ])
        .run(tauri::generate_context!());
    match result {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("gatehouse: could not open the window: {e}");
            1
        }
    }
}
