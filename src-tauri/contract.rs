//! The contract between Rust and the page: every type that crosses IPC, in one list, and the
//! window's command names. `ui/bindings/` is generated from these types (`export_bindings`, run by
//! `make test` and `make ui-check`), and the page's JS is type-checked against it.

pub use crate::apply::{ApplyEvent, ApplyReport, MethodResult};
pub use crate::core::{
    ApiReview, ApplyRequest, AwsTest, AwsTestRequest, CheckTokenRequest, Ctx, Deployment,
    SignInRequest, SignInTokens, TokenCheck,
};
pub use crate::core::{AsCodeOutcome, Exported, TemplateChangeRequest};
pub use crate::core::{CorsPlan, CorsReport, CorsResult};
pub use crate::domain::audit::{AuthorizerView, MethodView, Summary};
pub use crate::domain::live::deploy::{DeployChange, DeployPreview, DeployTarget};
pub use crate::domain::model::{
    Api, AppClient, Authorizer, AuthorizerInput, Identity, Method, MethodState, ProfileInfo,
    ProfileSource, Protection, Stage, UserPool,
};
pub use crate::domain::ownership::ManagedBy;
pub use crate::domain::plan::{Plan, PlanItem, SkippedItem, Target, Warning};
pub use crate::domain::responses::{ResponseChange, ResponseSkipped, ResponseState};
pub use crate::domain::sso_settings::{SsoPrompt, SsoState, SsoStatus};
pub use crate::domain::sweep::{
    SameAccount, SweepError, SweepEvent, SweepOutcome, SweepProgress, SweepRegion, SweepRequest,
    SweepRow,
};
pub use crate::error::ErrorView;
pub use crate::local::journal::{ApplyHeader, ApplySummary, MethodChange, Outcome};
pub use crate::local::keychain::{KeychainProfile, ProfileInput};

/// The window's commands (the `#[tauri::command]`s of commands.rs), one list for everything that
/// names them.
pub const COMMANDS: &[&str] = include!("commands.list");

/// A menu bar entry the page carries out (as its own button or shortcut would), sent to it over
/// the channel it gave `watch_menu`. Quit and About are the window's own and never reach it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub enum MenuAction {
    /// View → Refresh: what the ↻ Refresh button does.
    Refresh,
    /// View → Find: the filter of the view shown takes the focus.
    Find,
    ZoomIn,
    ZoomOut,
    ZoomReset,
    /// Help → Keyboard Shortcuts: the page's list of the keys it answers.
    Shortcuts,
}

/// The theme the page's theme button chose over the system's, for the window's own parts (menu
/// bar, title bar): `set_window_theme`, none to follow the system again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub enum WindowTheme {
    Light,
    Dark,
}

/// Where the window is (`remember_place`), for the next start to reopen (`last_place`): the
/// profile, the region and the open API, if any.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct Place {
    pub profile: String,
    pub region: String,
    pub api_id: Option<String>,
}

/// What `deploy_to_stage` did: the preview it deployed on (read again under the API's lock) and
/// the deployment it made.
#[derive(Debug, Clone, serde::Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct Deployed {
    pub preview: DeployPreview,
    pub deployment: Deployment,
}

/// A step of the page's zoom (`zoom_window`): one level in, one out, or back to 100%.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub enum Zoom {
    In,
    Out,
    Reset,
}

/// Writes the TypeScript declaration of every contract type (and what they use) into `dir`.
pub fn export_bindings(dir: &std::path::Path) -> Result<(), ts_rs::ExportError> {
    use ts_rs::TS;
    // JSON numbers are JavaScript numbers: no `bigint` for the u64 counters.
    let cfg = ts_rs::Config::new()
        .with_out_dir(dir)
        .with_large_int("number");
    macro_rules! export {
        ($($t:ty),* $(,)?) => { $( <$t>::export_all(&cfg)?; )* };
    }
    export!(
        ApplyEvent,
        ApplyReport,
        MethodResult,
        MethodView,
        AuthorizerView,
        Summary,
        ErrorView,
        ApplySummary,
        KeychainProfile,
        ProfileInput,
        AppClient,
        Authorizer,
        AuthorizerInput,
        Identity,
        ProfileInfo,
        Api,
        Stage,
        UserPool,
        Plan,
        Target,
        ApiReview,
        ApplyRequest,
        Ctx,
        Deployment,
        CheckTokenRequest,
        SignInRequest,
        AwsTestRequest,
        TokenCheck,
        SignInTokens,
        AwsTest,
        SsoPrompt,
        SsoState,
        ManagedBy,
        AsCodeOutcome,
        TemplateChangeRequest,
        Exported,
        SweepEvent,
        SweepOutcome,
        SweepRegion,
        SweepRequest,
        SweepRow,
        SweepError,
        SameAccount,
        MenuAction,
        Zoom,
        WindowTheme,
        Place,
        DeployPreview,
        DeployTarget,
        DeployChange,
        Deployed,
        CorsPlan,
        CorsReport,
        CorsResult,
        ResponseChange,
        ResponseSkipped,
        ResponseState,
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    /// `cargo test --lib contract` writes ui/bindings/ from the Rust types; `tsc` then checks the
    /// page against it (make test runs both, in that order).
    #[test]
    fn export_bindings() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("ui/bindings");
        super::export_bindings(&dir).expect("write ui/bindings");
        assert!(dir.join("MethodView.ts").exists());
    }
}
