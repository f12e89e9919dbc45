//! The window: `#[tauri::command]` wrappers that take arguments, call the core and return its
//! answer or its error. No logic lives here; the window around the page (menu, zoom, size kept
//! between runs) is in shell.rs.

#[macro_use]
mod code;
#[macro_use]
mod cors;
#[macro_use]
mod deploy;
mod shell;

use crate::contract::{MenuAction, Place, WindowTheme, Zoom};
use crate::core::{
    ApiReview, ApplyEvent, ApplyReport, ApplyRequest, ApplySummary, AwsTest, AwsTestRequest,
    CheckTokenRequest, Core, Ctx, Pace, SignInRequest, SignInTokens, TokenCheck,
};
use crate::domain::model::{
    Api, ApiKind, AppClient, Authorizer, Identity, ProfileInfo, UserPool, REGIONS,
};
use crate::domain::plan::{self, AuthorizerInput, Plan, Target};
use crate::domain::sso_settings::{SsoPrompt, SsoState};
use crate::domain::sweep::{SweepEvent, SweepOutcome, SweepRegion, SweepRequest};
use crate::error::{Error, Result};
use crate::local::keychain::{self, KeychainProfile, ProfileInput};
use code::{export_api, save_template, template_change};
use cors::{cors_preview, cors_undo_preview, fix_cors, undo_cors};
use deploy::{deploy_preview, deploy_to_stage};
use shell::{MenuListener, PendingSave, ZoomLevel};
use tauri::ipc::Channel;
use tauri::{State, Webview, WebviewWindow};

#[tauri::command]
async fn list_profiles(core: State<'_, Core>) -> Result<Vec<ProfileInfo>> {
    // The picker's list: with every account a signed-in SSO profile reaches.
    core.profiles_with_accounts().await
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
async fn list_apis(core: State<'_, Core>, ctx: Ctx) -> Result<Vec<Api>> {
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

/// Every problem with the authorizer dialog's input, each naming its field; empty when valid.
/// Async (as every command that compiles a user's regex) so that it runs off the main thread.
#[tauri::command]
async fn check_authorizer(input: AuthorizerInput) -> Vec<Error> {
    plan::validate_authorizer(&input)
}

/// Which of the pool's app clients a regex admits (checked with the same engine as on submit).
#[tauri::command]
async fn match_clients(regex: String, clients: Vec<AppClient>) -> Result<Vec<String>> {
    Ok(plan::clients_matching(&regex, &clients)?
        .into_iter()
        .map(|c| c.id.clone())
        .collect())
}

#[tauri::command]
fn regex_for_clients(ids: Vec<String>) -> String {
    plan::regex_for_clients(&ids)
}

#[tauri::command]
fn parse_scopes(text: String) -> Vec<String> {
    plan::parse_scopes(&text)
}

/// What the authorizer dialog starts with for a kind of API: the default token source and TTL.
#[tauri::command]
fn authorizer_defaults(kind: Option<ApiKind>) -> AuthorizerInput {
    plan::authorizer_defaults(kind.unwrap_or_default())
}

#[tauri::command]
async fn create_authorizer(
    core: State<'_, Core>,
    ctx: Ctx,
    api_id: String,
    pool_region: String,
    pool_id: String,
    input: AuthorizerInput,
) -> Result<Authorizer> {
    core.create_authorizer(&ctx, &api_id, &pool_region, &pool_id, &input)
        .await
}

#[tauri::command]
async fn update_authorizer(
    core: State<'_, Core>,
    ctx: Ctx,
    api_id: String,
    authorizer_id: String,
    input: AuthorizerInput,
) -> Result<()> {
    core.update_authorizer(&ctx, &api_id, &authorizer_id, &input)
        .await
}

#[tauri::command]
async fn delete_authorizer(
    core: State<'_, Core>,
    ctx: Ctx,
    api_id: String,
    authorizer_id: String,
) -> Result<()> {
    core.delete_authorizer(&ctx, &api_id, &authorizer_id).await
}

#[tauri::command]
async fn plan_changes(
    core: State<'_, Core>,
    ctx: Ctx,
    api_id: String,
    methods: Vec<String>,
    target: Target,
) -> Result<Plan> {
    core.plan(&ctx, &api_id, &methods, &target).await
}

/// Progress events go to the page over its channel; a closed page just stops listening.
fn forward(channel: Channel<ApplyEvent>) -> impl Fn(ApplyEvent) + Send + Sync {
    move |e| {
        let _ = channel.send(e);
    }
}

#[tauri::command]
async fn apply_changes(
    core: State<'_, Core>,
    ctx: Ctx,
    request: ApplyRequest,
    on_event: Channel<ApplyEvent>,
) -> Result<ApplyReport> {
    let progress = forward(on_event);
    core.apply(&ctx, &request, Pace::default(), &progress).await
}

#[tauri::command]
async fn list_history(core: State<'_, Core>) -> Result<Vec<ApplySummary>> {
    core.history()
}

/// The preview of an undo: what would be restored, and what is left alone and why.
#[tauri::command]
async fn plan_undo(core: State<'_, Core>, apply_id: String, force: bool) -> Result<Plan> {
    Ok(core.plan_undo(&apply_id, force).await?.1)
}

#[tauri::command]
async fn undo_apply(
    core: State<'_, Core>,
    apply_id: String,
    force: bool,
    on_event: Channel<ApplyEvent>,
) -> Result<ApplyReport> {
    let progress = forward(on_event);
    core.undo(&apply_id, force, Pace::default(), &progress)
        .await
}

#[tauri::command]
async fn keychain_profiles(core: State<'_, Core>) -> Result<Vec<KeychainProfile>> {
    core.keychain_profiles().await
}

/// Every problem with the profile form, each naming its field; empty when valid.
#[tauri::command]
async fn check_profile(core: State<'_, Core>, input: ProfileInput) -> Result<Vec<Error>> {
    let existing = core.keychain_profiles().await.unwrap_or_default();
    Ok(keychain::validate(&input, &existing))
}

#[tauri::command]
async fn save_profile(core: State<'_, Core>, input: ProfileInput) -> Result<KeychainProfile> {
    core.save_profile(input).await
}

#[tauri::command]
async fn delete_profile(core: State<'_, Core>, name: String) -> Result<()> {
    core.delete_profile(name).await
}

#[tauri::command]
async fn test_profile(core: State<'_, Core>, name: String) -> Result<Identity> {
    core.test_profile(&name).await
}

#[tauri::command]
async fn check_token(
    core: State<'_, Core>,
    ctx: Ctx,
    req: CheckTokenRequest,
) -> Result<TokenCheck> {
    core.check_token(&ctx, &req).await
}

#[tauri::command]
async fn sign_in(core: State<'_, Core>, ctx: Ctx, req: SignInRequest) -> Result<SignInTokens> {
    core.sign_in(&ctx, &req).await
}

#[tauri::command]
async fn test_authorizer(core: State<'_, Core>, ctx: Ctx, req: AwsTestRequest) -> Result<AwsTest> {
    core.test_in_aws(&ctx, &req).await
}

/// Starts an IAM Identity Center sign-in and opens its page in the system browser (not when
/// GATEHOUSE_NO_BROWSER is set, as in tests, nor when its address is not https://: then the page
/// says why); the page shows the code and, if the browser did not open, the link.
#[tauri::command]
async fn sso_start(core: State<'_, Core>, profile: String) -> Result<SsoPrompt> {
    let mut prompt = core.sso_start(&profile).await?;
    let page = prompt
        .verification_uri_complete
        .clone()
        .unwrap_or_else(|| prompt.verification_uri.clone());
    match crate::local::browser::may_open(&page) {
        Err(why) => prompt.browser_note = Some(why),
        Ok(()) if std::env::var_os("GATEHOUSE_NO_BROWSER").is_some() => {}
        Ok(()) => prompt.browser_opened = crate::local::browser::open(&page).is_ok(),
    }
    Ok(prompt)
}

/// Waits for the sign-in started by `sso_start` to be approved.
#[tauri::command]
async fn sso_finish(core: State<'_, Core>, profile: String) -> Result<SsoState> {
    core.sso_finish(&profile).await
}

#[tauri::command]
fn sso_cancel(core: State<'_, Core>, profile: String) {
    core.sso_cancel(&profile)
}

/// The one-time code of an MFA device, for a profile whose role needs one; the next call on that
/// profile assumes the role with it.
#[tauri::command]
fn provide_mfa_code(core: State<'_, Core>, profile: String, code: String) -> Result<()> {
    core.provide_mfa_code(&profile, &code)
}

/// Reads again the accounts and roles an SSO sign-in reaches (the list is kept until asked
/// again); how many accounts it has now. The picker's list follows on the next list_profiles.
#[tauri::command]
async fn refresh_accounts(core: State<'_, Core>, base: String) -> Result<usize> {
    Ok(core.sso_accounts(&base, true).await?.len())
}

/// The sweep of every account of an organization, as the request `start_sweep` takes: the
/// management (or delegated administrator) account through the profile, the members through
/// `role` (with the external id its trust policy asks for), those left out as rows.
#[tauri::command]
async fn org_sweep_request(
    core: State<'_, Core>,
    profile: String,
    role: String,
    external_id: Option<String>,
    regions: Vec<String>,
) -> Result<SweepRequest> {
    core.org_sweep_request(&profile, &role, external_id.as_deref(), regions)
        .await
}

/// The regions a sweep can cover; those enabled in every account are ticked by default.
#[tauri::command]
fn sweep_regions() -> Vec<SweepRegion> {
    crate::domain::sweep::regions()
}

/// Sweeps profiles and regions; rows and progress reach the page as they arrive.
#[tauri::command]
async fn start_sweep(
    core: State<'_, Core>,
    request: SweepRequest,
    on_event: Channel<SweepEvent>,
) -> Result<SweepOutcome> {
    let progress = move |e: SweepEvent| {
        let _ = on_event.send(e);
    };
    Ok(core.sweep(&request, &progress).await?.outcome())
}

/// Stops the sweep under way at once (what it read so far stays on the page).
#[tauri::command]
fn cancel_sweep(core: State<'_, Core>) {
    core.cancel_sweep()
}

/// The window's title, as the page words it ("Gatehouse — SecurePets · dev · us-east-1").
#[tauri::command]
fn set_window_title(window: WebviewWindow, title: String) -> Result<()> {
    window
        .set_title(&title)
        .map_err(|e| Error::Internal(format!("could not set the window's title: {e}")))
}

/// The window's menu bar (and title bar) in the theme the page's theme button chose; none follows
/// the system's.
#[tauri::command]
fn set_window_theme(window: tauri::Window, theme: Option<WindowTheme>) -> Result<()> {
    shell::set_theme(&window, theme)
        .map_err(|e| Error::Internal(format!("could not set the window's theme: {e}")))
}

/// The menu bar's entries that the page carries out (Refresh, Find, zoom) go to `on_action`.
#[tauri::command]
fn watch_menu(listener: State<'_, MenuListener>, on_action: Channel<MenuAction>) {
    listener.listen(on_action)
}

/// Zooms the page a level in or out, or back to actual size; the zoom factor now.
#[tauri::command]
fn zoom_window(webview: Webview, level: State<'_, ZoomLevel>, step: Zoom) -> Result<f64> {
    shell::zoom(&webview, &level, step)
        .map_err(|e| Error::Internal(format!("could not zoom the page: {e}")))
}

/// Keeps where the window is (profile, region, open API) for the next start.
#[tauri::command]
fn remember_place(app: tauri::AppHandle, place: Place) -> Result<()> {
    shell::remember_place(&app, &place)
        .map_err(|e| Error::Internal(format!("could not keep the window's place: {e}")))
}

/// Where the window starts: where the last run left it, unless AWS_PROFILE names another
/// profile (then that one, as on the command line).
#[tauri::command]
async fn last_place(app: tauri::AppHandle) -> Option<Place> {
    shell::start_place(&app).await
}

/// Opens the window; returns the exit status.
pub fn open_window() -> i32 {
    shell::lean_webkit();
    let core = match Core::new() {
        Ok(core) => core,
        Err(e) => {
            eprintln!("gatehouse: {e}");
            return 1;
        }
    };
    let result = tauri::Builder::default()
        .manage(core)
        .manage(MenuListener::default())
        .manage(ZoomLevel::default())
        .manage(PendingSave::default())
        .plugin(shell::window_state())
        .menu(shell::menu)
        .on_menu_event(shell::on_menu_event)
        .on_window_event(shell::on_window_event)
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
            check_authorizer,
            match_clients,
            regex_for_clients,
            parse_scopes,
            authorizer_defaults,
            create_authorizer,
            update_authorizer,
            delete_authorizer,
            plan_changes,
            apply_changes,
            list_history,
            plan_undo,
            undo_apply,
            deploy_preview,
            deploy_to_stage,
            cors_preview,
            fix_cors,
            cors_undo_preview,
            undo_cors,
            template_change,
            save_template,
            export_api,
            keychain_profiles,
            check_profile,
            save_profile,
            delete_profile,
            test_profile,
            check_token,
            sign_in,
            test_authorizer,
            sso_start,
            sso_finish,
            sso_cancel,
            provide_mfa_code,
            refresh_accounts,
            org_sweep_request,
            sweep_regions,
            start_sweep,
            cancel_sweep,
            set_window_title,
            set_window_theme,
            watch_menu,
            zoom_window,
            remember_place,
            last_place,
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
