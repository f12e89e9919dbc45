// Declares the app's own commands so that capabilities/ can grant them one by one.
const COMMANDS: &[&str] = include!("commands.list");

fn main() {
    println!("cargo:rerun-if-changed=src-tauri/commands.list");
    let attrs = tauri_build::Attributes::new()
        .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS));
    tauri_build::try_build(attrs).expect("tauri-build failed");
}
