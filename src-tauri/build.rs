// Declares the app's own commands so that capabilities/ can grant them one by one.
const COMMANDS: &[&str] = include!("commands.list");

fn main() {
    println!("cargo:rerun-if-changed=src-tauri/commands.list");
    println!("cargo:rustc-env=GATEHOUSE_COMMIT={}", commit());
    let attrs = tauri_build::Attributes::new()
        .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS));
    tauri_build::try_build(attrs).expect("tauri-build failed");
}

/// The commit `gatehouse --version` names: the checkout's HEAD, else (a source tarball has no
/// .git) GATEHOUSE_COMMIT as the packager set it, else "unknown".
fn commit() -> String {
    println!("cargo:rerun-if-env-changed=GATEHOUSE_COMMIT");
    let root = std::path::PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    // Only our own checkout: a tarball unpacked inside some other repository must not take its HEAD.
    if root.join(".git").exists() {
        if let Some(hash) = git(&root, &["rev-parse", "--short=7", "HEAD"]) {
            watch_head(&root);
            return hash;
        }
    }
    match std::env::var("GATEHOUSE_COMMIT") {
        Ok(given) if is_commit(given.trim()) => given.trim()[..7].to_ascii_lowercase(),
        Ok(given) if !given.trim().is_empty() => {
            println!(
                "cargo:warning=GATEHOUSE_COMMIT={given:?} is not a commit hash; using \"unknown\""
            );
            "unknown".to_string()
        }
        _ => "unknown".to_string(),
    }
}

fn is_commit(s: &str) -> bool {
    s.len() >= 7 && s.chars().all(|c| c.is_ascii_hexdigit())
}

/// Reruns this script when HEAD moves: a checkout rewrites .git/HEAD, a commit rewrites the branch's
/// ref (loose, or in packed-refs). Only existing paths: Cargo reruns every build for a missing one.
fn watch_head(root: &std::path::Path) {
    let mut paths = vec![git_path(root, "HEAD"), git_path(root, "packed-refs")];
    if let Some(branch) = git(root, &["symbolic-ref", "-q", "HEAD"]) {
        // A loose ref that does not exist yet (the branch lives in packed-refs) appears in its
        // folder on the next commit, so the folder is watched then.
        paths.extend(
            git_path(root, &branch)
                .ancestors()
                .find(|p| p.exists())
                .map(std::path::Path::to_path_buf),
        );
    }
    for path in paths.iter().filter(|p| p.exists()) {
        println!("cargo:rerun-if-changed={}", path.display());
    }
}

/// Where git keeps NAME (a worktree keeps HEAD apart and shares refs with the main checkout).
fn git_path(root: &std::path::Path, name: &str) -> std::path::PathBuf {
    let path =
        std::path::PathBuf::from(git(root, &["rev-parse", "--git-path", name]).unwrap_or_default());
    if path.as_os_str().is_empty() {
        path
    } else {
        root.join(path)
    }
}

/// git's answer, trimmed; None when git is missing or fails.
fn git(root: &std::path::Path, args: &[&str]) -> Option<String> {
    let out = std::process::Command::new("git")
        .arg("-C")
        .arg(root)
        .args(args)
        .output()
        .ok()?;
    let text = String::from_utf8(out.stdout).ok()?.trim().to_string();
    (out.status.success() && !text.is_empty()).then_some(text)
}
