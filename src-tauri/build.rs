// Declares the app's own commands so that capabilities/ can grant them one by one.
const COMMANDS: &[&str] = &[
    "list_profiles",
    "list_regions",
    "default_region",
    "caller_identity",
    "list_apis",
    "review_api",
    "list_pools",
    "list_clients",
    "forget_session",
    "check_authorizer",
    "match_clients",
    "regex_for_clients",
    "parse_scopes",
    "create_authorizer",
    "update_authorizer",
    "delete_authorizer",
    "plan_changes",
    "apply_changes",
    "list_history",
    "plan_undo",
    "undo_apply",
    "list_stages",
    "undeployed",
    "deploy_api",
    "keychain_profiles",
    "check_profile",
    "save_profile",
    "delete_profile",
    "test_profile",
];

fn main() {
    let attrs = tauri_build::Attributes::new()
        .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS));
    tauri_build::try_build(attrs).expect("tauri-build failed");
}
